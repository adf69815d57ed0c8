/**
 * The only file that talks to Stripe (docs/decisions/011-stripe.md).
 *
 * - One platform Customer per patient, so a card saved once pays deposits at every clinic.
 * - Cards are saved with SetupIntents (usage off_session) and charged with PaymentIntents held by
 *   manual capture, captured or cancelled later.
 * - Each clinic is a Connect account (Stripe-hosted onboarding, Express dashboard). A deposit is a
 *   destination charge made on behalf of the clinic: the clinic is the merchant the patient sees
 *   and the money settles there, less the platform fee (application_fee_amount).
 * - Every mutating call carries the idempotency key our own ids make, so a retry (ours, or the
 *   SDK's network retry) never charges, captures or refunds twice.
 * - Declines are answers, not errors; Stripe being unreachable or failing is
 *   PaymentProviderUnavailableError, which callers retry later.
 */
import { createHash } from "node:crypto";
import { createRequire } from "node:module";
import type Stripe from "stripe";
import {
  PaymentProviderUnavailableError,
  WebhookSignatureError,
  type AuthorizationResult,
  type CardSummary,
  type ConnectStatus,
  type PaymentProvider,
  type PaymentWebhookEvent,
} from "~/modules/payments/provider";

export const STRIPE_API_VERSION = "2026-10-28.endive" as const;

export interface StripeProviderConfig {
  secretKey: string;
  webhookSecret: string | null;
  /** Network retries by the SDK (safe: every mutation has an idempotency key). Default 2. */
  maxNetworkRetries?: number;
}

/** Stripe accepts idempotency keys of up to 255 characters; ours are shorter, but never send a longer one. */
function keyOf(idempotencyKey: string) {
  return idempotencyKey.length <= 255 ? idempotencyKey : `sha256:${createHash("sha256").update(idempotencyKey).digest("hex")}`;
}

const opts = (idempotencyKey: string): Stripe.RequestOptions => ({ idempotencyKey: keyOf(idempotencyKey) });

/** Errors that mean "try again later": Stripe unreachable, failing, throttling us, or our key is not accepted right now. */
const UNAVAILABLE = new Set(["StripeConnectionError", "StripeAPIError", "StripeRateLimitError", "StripeAuthenticationError", "StripePermissionError"]);

function isStripeError(error: unknown): error is Stripe.errors.StripeError {
  return error instanceof Error && typeof (error as { type?: unknown }).type === "string" && (error as unknown as { type: string }).type.startsWith("Stripe");
}

/** Rethrows what Stripe answered as our own error kinds. */
function unavailableOr(error: unknown): never {
  if (isStripeError(error) && UNAVAILABLE.has(error.type)) {
    throw new PaymentProviderUnavailableError(`Stripe is unavailable (${error.type}${error.requestId ? `, request ${error.requestId}` : ""}): ${error.message}`, { cause: error });
  }
  throw error;
}

async function call<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (error) {
    return unavailableOr(error);
  }
}

function toCard(pm: Stripe.PaymentMethod): CardSummary | null {
  if (!pm.card) return null;
  return { ref: pm.id, brand: pm.card.brand, last4: pm.card.last4, expMonth: pm.card.exp_month, expYear: pm.card.exp_year };
}

const idOf = (value: string | { id: string } | null | undefined): string | null => (value == null ? null : typeof value === "string" ? value : value.id);

function captureBeforeOf(intent: Stripe.PaymentIntent): Date | null {
  const charge = intent.latest_charge;
  if (!charge || typeof charge === "string") return null;
  const before = charge.payment_method_details?.card?.capture_before;
  return typeof before === "number" ? new Date(before * 1000) : null;
}

function outcomeOf(intent: Stripe.PaymentIntent): AuthorizationResult {
  if (intent.status === "requires_capture") return { outcome: "authorized", intentRef: intent.id, captureBefore: captureBeforeOf(intent) };
  if (intent.status === "requires_action" && intent.client_secret) return { outcome: "requires_action", intentRef: intent.id, clientSecret: intent.client_secret };
  const err = intent.last_payment_error;
  return {
    outcome: "declined",
    intentRef: intent.id,
    code: err?.decline_code || err?.code || `intent_${intent.status}`,
    message: err?.message ?? "The payment could not be authorized.",
  };
}

/** An intent already in the state we asked for (a retry after our key expired, or a change made in the dashboard). */
function alreadyIn(error: unknown, statuses: string[]): boolean {
  return isStripeError(error) && error.type === "StripeInvalidRequestError" && !!error.payment_intent && statuses.includes(error.payment_intent.status);
}

const connectStatusOf = (account: Stripe.Account): ConnectStatus => ({
  chargesEnabled: account.charges_enabled ?? false,
  payoutsEnabled: account.payouts_enabled ?? false,
  detailsSubmitted: account.details_submitted ?? false,
});

const metadataOf = (metadata: Stripe.Metadata | null | undefined): Record<string, string> => ({ ...(metadata ?? {}) });

/** A verified Stripe event, reduced to what changes our state. */
export function mapStripeEvent(event: Stripe.Event): PaymentWebhookEvent {
  const base = { id: event.id, type: event.type, created: new Date(event.created * 1000) };
  switch (event.type) {
    case "payment_intent.amount_capturable_updated":
    case "payment_intent.succeeded":
    case "payment_intent.canceled":
    case "payment_intent.payment_failed": {
      const pi = event.data.object;
      const status = ({ "payment_intent.amount_capturable_updated": "authorized", "payment_intent.succeeded": "captured", "payment_intent.canceled": "released", "payment_intent.payment_failed": "failed" } as const)[event.type];
      if (status === "authorized" && pi.status !== "requires_capture") return { ...base, kind: "other" };
      const amountMinor = status === "authorized" ? pi.amount_capturable : status === "captured" ? pi.amount_received : pi.amount;
      const err = pi.last_payment_error;
      return { ...base, kind: "intent", intentRef: pi.id, status, amountMinor, failureCode: status === "failed" ? (err?.decline_code || err?.code || "payment_failed") : null, metadata: metadataOf(pi.metadata) };
    }
    case "charge.refunded": {
      const charge = event.data.object;
      const intentRef = idOf(charge.payment_intent);
      if (!intentRef) return { ...base, kind: "other" };
      return { ...base, kind: "refund", intentRef, amountRefundedMinor: charge.amount_refunded, fullyRefunded: charge.refunded, metadata: metadataOf(charge.metadata) };
    }
    case "refund.updated": {
      const refund = event.data.object;
      const intentRef = idOf(refund.payment_intent);
      if (!intentRef || refund.status !== "succeeded") return { ...base, kind: "other" };
      // Refunds made here carry the payment's metadata and say whether they gave back everything.
      const metadata = metadataOf(refund.metadata);
      return { ...base, kind: "refund", intentRef, amountRefundedMinor: refund.amount, fullyRefunded: metadata.full_refund === "true", metadata };
    }
    case "setup_intent.succeeded": {
      const si = event.data.object;
      const customerRef = idOf(si.customer);
      // Stripe sends the payment method as an id; without the card's details there is nothing to
      // show, and the card page saves the card itself through cardFromSetup once Stripe.js confirms.
      const card = si.payment_method && typeof si.payment_method !== "string" ? toCard(si.payment_method) : null;
      if (!customerRef || !card) return { ...base, kind: "other" };
      return { ...base, kind: "card_saved", customerRef, card };
    }
    case "payment_method.detached": {
      const pm = event.data.object;
      const previous = event.data.previous_attributes?.customer;
      return { ...base, kind: "card_removed", customerRef: idOf(pm.customer) ?? idOf(previous as string | { id: string } | null | undefined), cardRef: pm.id };
    }
    case "account.updated": {
      const account = event.data.object;
      return { ...base, kind: "account", accountRef: account.id, status: connectStatusOf(account) };
    }
    default:
      return { ...base, kind: "other" };
  }
}

// The SDK weighs several MB of memory: it is loaded only where Stripe is configured, once, when the
// server starts (startIntegrations in entry.server.tsx makes the provider).
const requireFromHere = createRequire(import.meta.url);

export function createStripeProvider(config: StripeProviderConfig): PaymentProvider {
  const StripeSdk = requireFromHere("stripe") as typeof Stripe;
  const stripe = new StripeSdk(config.secretKey, {
    apiVersion: STRIPE_API_VERSION,
    maxNetworkRetries: config.maxNetworkRetries ?? 2,
    timeout: 20_000,
    appInfo: { name: "Medslot" },
  });

  return {
    name: "stripe",

    async createCustomer(input, idempotencyKey) {
      const customer = await call(() =>
        stripe.customers.create(
          { phone: input.phone, email: input.email ?? undefined, name: input.name ?? undefined, metadata: { patientAccountId: input.patientAccountId } },
          opts(idempotencyKey),
        ),
      );
      return { customerRef: customer.id };
    },

    async startCardSetup(input, idempotencyKey) {
      const setup = await call(() => stripe.setupIntents.create({ customer: input.customerRef, usage: "off_session", allowed_payment_method_types: ["card"] }, opts(idempotencyKey)));
      return { setupRef: setup.id, clientSecret: setup.client_secret };
    },

    async cardFromSetup(setupRef) {
      const setup = await call(() => stripe.setupIntents.retrieve(setupRef, { expand: ["payment_method"] }));
      if (setup.status !== "succeeded" || !setup.payment_method) return null;
      const pm = typeof setup.payment_method === "string" ? await call(() => stripe.paymentMethods.retrieve(setup.payment_method as string)) : setup.payment_method;
      return toCard(pm);
    },

    async listCards(customerRef) {
      const list = await call(() => stripe.customers.listPaymentMethods(customerRef, { type: "card", limit: 100 }));
      return list.data.map(toCard).filter((c): c is CardSummary => c !== null);
    },

    async setDefaultCard(customerRef, cardRef, idempotencyKey) {
      await call(() => stripe.customers.update(customerRef, { invoice_settings: { default_payment_method: cardRef } }, opts(idempotencyKey)));
    },

    async removeCard(cardRef, idempotencyKey) {
      await call(() => stripe.paymentMethods.detach(cardRef, {}, opts(idempotencyKey)));
    },

    async authorize(request, idempotencyKey) {
      const destination = request.connectedAccountRef;
      const params: Stripe.PaymentIntentCreateParams = {
        amount: request.amountMinor,
        currency: request.currency.toLowerCase(),
        customer: request.customerRef,
        payment_method: request.cardRef,
        allowed_payment_method_types: ["card"],
        capture_method: "manual",
        confirm: true,
        off_session: request.offSession,
        description: request.description,
        metadata: { ...request.metadata },
        expand: ["latest_charge"],
        // A destination charge on behalf of the clinic: the clinic is the merchant of record (its
        // name on the statement, its country's card rules), the money settles to it, and the
        // platform keeps its fee. Only for clinics whose account can take charges.
        ...(destination ? { on_behalf_of: destination, transfer_data: { destination }, application_fee_amount: request.platformFeeMinor } : {}),
      };
      try {
        return outcomeOf(await stripe.paymentIntents.create(params, opts(idempotencyKey)));
      } catch (error) {
        if (isStripeError(error) && error.type === "StripeCardError") {
          return { outcome: "declined", intentRef: error.payment_intent?.id ?? null, code: error.decline_code || error.code || "card_declined", message: error.message };
        }
        // The saved card is gone at Stripe (removed in the dashboard, detached): the patient needs another one.
        if (isStripeError(error) && error.type === "StripeInvalidRequestError" && error.param === "payment_method") {
          return { outcome: "declined", intentRef: error.payment_intent?.id ?? null, code: error.code || "payment_method_unusable", message: error.message };
        }
        return unavailableOr(error);
      }
    },

    async completeAuthentication(intentRef, _bankAnswer, idempotencyKey) {
      // Stripe says how the bank answered; nothing the browser sends is believed.
      let intent = await call(() => stripe.paymentIntents.retrieve(intentRef, { expand: ["latest_charge"] }));
      // With automatic confirmation the intent is already authorized after handleNextAction; an
      // intent that asks to be confirmed again (manual confirmation) is confirmed here.
      if (intent.status === "requires_confirmation") {
        try {
          intent = await stripe.paymentIntents.confirm(intentRef, { expand: ["latest_charge"] }, opts(idempotencyKey));
        } catch (error) {
          if (isStripeError(error) && error.type === "StripeCardError") {
            return { outcome: "declined", intentRef, code: error.decline_code || error.code || "card_declined", message: error.message };
          }
          return unavailableOr(error);
        }
      }
      return outcomeOf(intent);
    },

    async capture(intentRef, idempotencyKey) {
      try {
        await stripe.paymentIntents.capture(intentRef, {}, opts(idempotencyKey));
      } catch (error) {
        if (alreadyIn(error, ["succeeded"])) return;
        unavailableOr(error);
      }
    },

    async release(intentRef, idempotencyKey) {
      try {
        await stripe.paymentIntents.cancel(intentRef, {}, opts(idempotencyKey));
      } catch (error) {
        // Already cancelled (by us earlier, in the dashboard, or because the hold lapsed): the hold is gone, as asked.
        if (alreadyIn(error, ["canceled"])) return;
        unavailableOr(error);
      }
    },

    async refund(intentRef, input, idempotencyKey) {
      const intent = await call(() => stripe.paymentIntents.retrieve(intentRef));
      const destinationCharge = !!intent.transfer_data?.destination;
      const refund = await call(() =>
        stripe.refunds.create(
          {
            payment_intent: intentRef,
            ...(input.amountMinor !== undefined ? { amount: input.amountMinor } : {}),
            // The webhook finds the clinic and deposit from these, as for the payment itself.
            metadata: { ...intent.metadata, reason: input.reason.slice(0, 500), full_refund: String(input.amountMinor === undefined || input.amountMinor >= intent.amount_received) },
            // A destination charge: take the money back from the clinic's account and give back the platform fee too,
            // so neither the clinic nor the platform keeps any part of a deposit the patient got back.
            ...(destinationCharge ? { reverse_transfer: true, refund_application_fee: true } : {}),
          },
          opts(idempotencyKey),
        ),
      );
      return { refundRef: refund.id };
    },

    async connectOnboardingLink(input, idempotencyKey) {
      let accountRef = input.accountRef;
      if (!accountRef) {
        const account = await call(() =>
          stripe.accounts.create(
            {
              // Express-like: Stripe collects the requirements and hosts the clinic's dashboard; the
              // platform pays Stripe's fees (covered by its own fee) and answers for refunds and disputes.
              controller: { stripe_dashboard: { type: "express" }, fees: { payer: "application" }, losses: { payments: "application" }, requirement_collection: "stripe" },
              capabilities: { card_payments: { requested: true }, transfers: { requested: true } },
              ...(input.country ? { country: input.country } : {}),
              ...(input.email ? { email: input.email } : {}),
              business_profile: { name: input.clinicName },
              metadata: { clinicId: input.clinicId },
            },
            // One account per clinic however often the owner clicks: the key is the clinic's, not the click's.
            opts(`connect-account:${input.clinicId}`),
          ),
        );
        accountRef = account.id;
      }
      const link = await call(() =>
        stripe.accountLinks.create({ account: accountRef!, type: "account_onboarding", refresh_url: input.refreshUrl, return_url: input.returnUrl, collection_options: { fields: "eventually_due" } }, opts(`${idempotencyKey}:${accountRef}`)),
      );
      return { accountRef, url: link.url };
    },

    async connectStatus(accountRef) {
      return connectStatusOf(await call(() => stripe.accounts.retrieve(accountRef)));
    },

    parseWebhook(rawBody, signatureHeader) {
      if (!config.webhookSecret) throw new WebhookSignatureError("STRIPE_WEBHOOK_SECRET is not set: webhooks cannot be checked, so none are accepted.");
      if (!signatureHeader) throw new WebhookSignatureError("The Stripe-Signature header is missing.");
      let event: Stripe.Event;
      try {
        event = stripe.webhooks.constructEvent(rawBody, signatureHeader, config.webhookSecret);
      } catch (error) {
        throw new WebhookSignatureError(`The webhook signature does not match: ${(error as Error).message}`, { cause: error });
      }
      return mapStripeEvent(event);
    },
  };
}
