import type { ActionFunctionArgs } from "@remix-run/node";
import { getPaymentProvider } from "~/modules/payments/provider.server";
import { PaymentProviderUnavailableError, WebhookSignatureError, type PaymentWebhookEvent } from "~/modules/payments/provider";
import { recordWebhookEvent } from "~/modules/payments/webhooks.server";
import { getDb } from "~/utils/db.server";
import { log } from "~/utils/log.server";
import { problem, problemType } from "~/utils/problem.server";

/**
 * Stripe's webhook endpoint (POST only). Stripe signs the raw body, so it is read as text and checked
 * before anything else. 400 tells Stripe the delivery is refused for good; 503 asks it to retry.
 * Exempt from the same-origin check in server.ts: the signature is what authenticates it.
 */
const notConfigured = () => problem({ status: 404, title: "Not found", detail: "Payment webhooks are only accepted when Stripe is configured." });

export function loader() {
  if (getPaymentProvider().name !== "stripe") return notConfigured();
  return problem({ status: 405, type: problemType("method-not-allowed"), title: "Method not allowed", detail: "Stripe sends webhooks with POST.", headers: { Allow: "POST" } });
}

export async function action({ request }: ActionFunctionArgs) {
  const provider = getPaymentProvider();
  if (provider.name !== "stripe") return notConfigured();
  if (request.method !== "POST") {
    return problem({ status: 405, type: problemType("method-not-allowed"), title: "Method not allowed", detail: `${request.method} is not supported here; use POST.`, headers: { Allow: "POST" } });
  }
  const rawBody = await request.text();
  let event: PaymentWebhookEvent;
  try {
    event = provider.parseWebhook(rawBody, request.headers.get("stripe-signature"));
  } catch (error) {
    if (!(error instanceof WebhookSignatureError)) throw error;
    log.warn("payment webhook refused", { reason: error.message });
    return problem({ status: 400, type: problemType("invalid-webhook-signature"), title: "Invalid webhook signature", detail: "The Stripe-Signature header is missing, does not match this body, or is too old." });
  }
  try {
    await recordWebhookEvent(getDb(), provider.name, event);
  } catch (error) {
    if (error instanceof PaymentProviderUnavailableError) {
      return problem({ status: 503, type: problemType("payment-provider-unavailable"), title: "Payment provider unavailable", detail: "Try again later.", headers: { "Retry-After": "60" } });
    }
    throw error;
  }
  return Response.json({ received: true });
}
