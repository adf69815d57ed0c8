/**
 * Stripe's REST API as msw handlers, for the calls app/integrations/stripe.server.ts makes: form-
 * encoded requests in, JSON objects shaped like Stripe's out, and every request recorded (method,
 * path, Idempotency-Key, decoded form) so tests can check what was sent.
 *
 * Test payment methods, after Stripe's own test tokens:
 *   pm_card_visa                    authorizes (requires_capture)
 *   pm_card_chargeDeclined          402 card_error, decline_code generic_decline
 *   pm_card_insufficientFunds       402 card_error, decline_code insufficient_funds
 *   pm_card_authenticationRequired  402 card_error authentication_required when off_session, requires_action otherwise
 *   pm_gone                         400 invalid_request_error on payment_method (no such payment method)
 * A payment method id may carry a suffix (pm_card_authenticationRequired_ab12) so that tests can
 * save one card per patient; a SetupIntent id seti_<pm id> (e.g. seti_pm_card_authenticationRequired_ab12)
 * saves that payment method. `authenticate(intentId, answer)` plays the patient answering their
 * bank in the browser (Stripe.js handleNextAction): the intent leaves requires_action.
 * An intent id starting with pi_canceled_ is already cancelled: cancelling it again is refused like Stripe does.
 */
import { http, HttpResponse, type HttpHandler } from "msw";

export interface StripeRequest {
  method: string;
  path: string;
  idempotencyKey: string | null;
  stripeVersion: string | null;
  form: Record<string, string>;
  query: Record<string, string>;
}

const API = "https://api.stripe.com/v1";
const now = () => Math.floor(Date.now() / 1000);
let seq = 0;
const id = (prefix: string) => `${prefix}_${(++seq).toString(36).padStart(6, "0")}${Math.random().toString(36).slice(2, 10)}`;

/** The bracketed keys Stripe's encoder writes (metadata[clinicId]) gathered into one object. */
export function subObject(form: Record<string, string>, key: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(form)) {
    const m = k.match(new RegExp(`^${key}\\[([^\\]]+)\\]$`));
    if (m) out[m[1]!] = v;
  }
  return out;
}

function cardError(code: string, declineCode: string | null, message: string, paymentIntent: Record<string, unknown>) {
  return HttpResponse.json(
    { error: { type: "card_error", code, ...(declineCode ? { decline_code: declineCode } : {}), message, payment_intent: paymentIntent, request_log_url: "https://dashboard.stripe.com/test/logs/req_test" } },
    { status: 402, headers: { "Request-Id": "req_test_402" } },
  );
}

function invalidRequest(message: string, extra: Record<string, unknown> = {}) {
  return HttpResponse.json({ error: { type: "invalid_request_error", message, ...extra } }, { status: 400, headers: { "Request-Id": "req_test_400" } });
}

/** The test card a payment method id stands for, without its suffix. */
const testCardOf = (pmId: string) => ["pm_card_authenticationRequired", "pm_card_chargeDeclined", "pm_card_insufficientFunds", "pm_card_visa"].find((t) => pmId === t || pmId.startsWith(`${t}_`)) ?? pmId;

function paymentMethod(pmId: string, customer: string | null = "cus_test") {
  const last4 = { pm_card_visa: "4242", pm_card_chargeDeclined: "0002", pm_card_insufficientFunds: "9995", pm_card_authenticationRequired: "3184" }[testCardOf(pmId)] ?? "4242";
  return {
    id: pmId,
    object: "payment_method",
    type: "card",
    customer,
    created: now(),
    livemode: false,
    metadata: {},
    billing_details: { address: null, email: null, name: null, phone: null },
    card: { brand: "visa", last4, exp_month: 12, exp_year: 2030, country: "US", funding: "credit", display_brand: "visa" },
  };
}

export function createStripeMock() {
  const requests: StripeRequest[] = [];
  const intents = new Map<string, Record<string, unknown>>();

  async function record(request: Request): Promise<StripeRequest> {
    const url = new URL(request.url);
    const body = request.method === "GET" || request.method === "DELETE" ? "" : await request.text();
    const entry: StripeRequest = {
      method: request.method,
      path: url.pathname,
      idempotencyKey: request.headers.get("idempotency-key"),
      stripeVersion: request.headers.get("stripe-version"),
      form: Object.fromEntries(new URLSearchParams(body)),
      query: Object.fromEntries(url.searchParams),
    };
    requests.push(entry);
    return entry;
  }

  function intentFrom(form: Record<string, string>, status: string) {
    const destination = form["transfer_data[destination]"];
    const amount = Number(form.amount);
    const pi: Record<string, unknown> = {
      id: id("pi"),
      object: "payment_intent",
      amount,
      amount_capturable: status === "requires_capture" ? amount : 0,
      amount_received: 0,
      currency: form.currency,
      customer: form.customer ?? null,
      payment_method: form.payment_method ?? null,
      capture_method: form.capture_method ?? "automatic",
      status,
      description: form.description ?? null,
      metadata: subObject(form, "metadata"),
      client_secret: null as string | null,
      created: now(),
      livemode: false,
      last_payment_error: null,
      latest_charge: null as unknown,
      on_behalf_of: form.on_behalf_of ?? null,
      application_fee_amount: form.application_fee_amount ? Number(form.application_fee_amount) : null,
      transfer_data: destination ? { destination } : null,
    };
    pi.client_secret = `${pi.id as string}_secret_test`;
    intents.set(pi.id as string, pi);
    return pi;
  }

  function chargeOf(pi: Record<string, unknown>) {
    return {
      id: id("ch"),
      object: "charge",
      amount: pi.amount,
      amount_refunded: 0,
      captured: false,
      refunded: false,
      payment_intent: pi.id,
      metadata: pi.metadata,
      payment_method_details: { type: "card", card: { brand: "visa", last4: "4242", capture_before: now() + 7 * 86_400 } },
    };
  }

  /** The intent as Stripe answers it: its charge expanded or as an id. */
  function withCharge(pi: Record<string, unknown>, expanded: boolean) {
    const charge = pi.latest_charge as { id: string } | null;
    return { ...pi, latest_charge: charge && !expanded ? charge.id : charge };
  }

  const handlers: HttpHandler[] = [
    http.post(`${API}/customers`, async ({ request }) => {
      const { form } = await record(request);
      return HttpResponse.json({ id: id("cus"), object: "customer", email: form.email ?? null, phone: form.phone ?? null, name: form.name ?? null, metadata: subObject(form, "metadata"), created: now(), livemode: false, invoice_settings: { default_payment_method: null } });
    }),
    http.post(`${API}/customers/:id`, async ({ request, params }) => {
      const { form } = await record(request);
      return HttpResponse.json({ id: params.id, object: "customer", metadata: {}, created: now(), livemode: false, invoice_settings: { default_payment_method: form["invoice_settings[default_payment_method]"] ?? null } });
    }),
    http.get(`${API}/customers/:id/payment_methods`, async ({ request, params }) => {
      await record(request);
      return HttpResponse.json({ object: "list", url: `/v1/customers/${String(params.id)}/payment_methods`, has_more: false, data: [paymentMethod("pm_card_visa", String(params.id))] });
    }),
    http.post(`${API}/setup_intents`, async ({ request }) => {
      const { form } = await record(request);
      const seti = id("seti");
      return HttpResponse.json({ id: seti, object: "setup_intent", client_secret: `${seti}_secret_test`, customer: form.customer ?? null, usage: form.usage ?? "off_session", status: "requires_payment_method", payment_method: null, metadata: {}, created: now(), livemode: false });
    }),
    http.get(`${API}/setup_intents/:id`, async ({ request, params }) => {
      const { query } = await record(request);
      const seti = String(params.id);
      const succeeded = !seti.startsWith("seti_pending");
      const expanded = Object.values(query).includes("payment_method");
      const pmId = seti.startsWith("seti_pm_") ? seti.slice("seti_".length) : "pm_card_visa";
      return HttpResponse.json({
        id: seti,
        object: "setup_intent",
        customer: "cus_test",
        usage: "off_session",
        status: succeeded ? "succeeded" : "requires_payment_method",
        payment_method: succeeded ? (expanded ? paymentMethod(pmId) : pmId) : null,
        client_secret: `${seti}_secret_test`,
        metadata: {},
        created: now(),
        livemode: false,
      });
    }),
    http.get(`${API}/payment_methods/:id`, async ({ request, params }) => {
      await record(request);
      return HttpResponse.json(paymentMethod(String(params.id)));
    }),
    http.post(`${API}/payment_methods/:id/detach`, async ({ request, params }) => {
      await record(request);
      return HttpResponse.json(paymentMethod(String(params.id), null));
    }),
    http.post(`${API}/payment_intents`, async ({ request }) => {
      const { form } = await record(request);
      const offSession = form.off_session === "true";
      switch (testCardOf(form.payment_method ?? "")) {
        case "pm_card_chargeDeclined": {
          const pi = intentFrom(form, "requires_payment_method");
          return cardError("card_declined", "generic_decline", "Your card was declined.", pi);
        }
        case "pm_card_insufficientFunds": {
          const pi = intentFrom(form, "requires_payment_method");
          return cardError("card_declined", "insufficient_funds", "Your card has insufficient funds.", pi);
        }
        case "pm_card_authenticationRequired": {
          if (offSession) {
            const pi = intentFrom(form, "requires_payment_method");
            return cardError("authentication_required", null, "Your card was declined. This transaction requires authentication.", pi);
          }
          const pi = intentFrom(form, "requires_action");
          return HttpResponse.json(pi);
        }
        case "pm_gone":
          return invalidRequest("No such PaymentMethod: 'pm_gone'", { code: "resource_missing", param: "payment_method" });
      }
      const pi = intentFrom(form, form.capture_method === "manual" ? "requires_capture" : "succeeded");
      const charge = chargeOf(pi);
      pi.latest_charge = charge;
      const expanded = Object.entries(form).some(([k, v]) => k.startsWith("expand[") && v === "latest_charge");
      return HttpResponse.json({ ...pi, latest_charge: expanded ? charge : charge.id });
    }),
    http.get(`${API}/payment_intents/:id`, async ({ request, params }) => {
      const { query } = await record(request);
      const pi = intents.get(String(params.id));
      if (!pi) return invalidRequest(`No such payment_intent: '${String(params.id)}'`, { code: "resource_missing", param: "intent" });
      return HttpResponse.json(withCharge(pi, Object.values(query).includes("latest_charge")));
    }),
    http.post(`${API}/payment_intents/:id/confirm`, async ({ request, params }) => {
      const { form } = await record(request);
      const pi = intents.get(String(params.id));
      if (!pi) return invalidRequest(`No such payment_intent: '${String(params.id)}'`, { code: "resource_missing", param: "intent" });
      if (pi.status === "requires_confirmation") Object.assign(pi, { status: "requires_capture", amount_capturable: pi.amount, latest_charge: chargeOf(pi) });
      return HttpResponse.json(withCharge(pi, Object.entries(form).some(([k, v]) => k.startsWith("expand[") && v === "latest_charge")));
    }),
    http.post(`${API}/payment_intents/:id/capture`, async ({ request, params }) => {
      await record(request);
      const pi = intents.get(String(params.id)) ?? { id: params.id, object: "payment_intent", amount: 2500, currency: "usd", metadata: {} };
      Object.assign(pi, { status: "succeeded", amount_capturable: 0, amount_received: pi.amount });
      return HttpResponse.json(pi);
    }),
    http.post(`${API}/payment_intents/:id/cancel`, async ({ request, params }) => {
      await record(request);
      const piId = String(params.id);
      if (piId.startsWith("pi_canceled_")) {
        return invalidRequest("You cannot cancel this PaymentIntent because it has a status of canceled.", {
          code: "payment_intent_unexpected_state",
          payment_intent: { id: piId, object: "payment_intent", status: "canceled", amount: 2500, currency: "usd", metadata: {} },
        });
      }
      const pi = intents.get(piId) ?? { id: piId, object: "payment_intent", amount: 2500, currency: "usd", metadata: {} };
      Object.assign(pi, { status: "canceled", amount_capturable: 0, canceled_at: now(), cancellation_reason: "requested_by_customer" });
      return HttpResponse.json(pi);
    }),
    http.post(`${API}/refunds`, async ({ request }) => {
      const { form } = await record(request);
      const pi = intents.get(form.payment_intent ?? "");
      return HttpResponse.json({
        id: id("re"),
        object: "refund",
        amount: form.amount ? Number(form.amount) : ((pi?.amount_received as number | undefined) ?? 2500),
        currency: (pi?.currency as string | undefined) ?? "usd",
        payment_intent: form.payment_intent,
        status: "succeeded",
        metadata: subObject(form, "metadata"),
        created: now(),
      });
    }),
    http.post(`${API}/accounts`, async ({ request }) => {
      const { form } = await record(request);
      return HttpResponse.json({ id: id("acct"), object: "account", email: form.email ?? null, country: form.country ?? "US", charges_enabled: false, payouts_enabled: false, details_submitted: false, metadata: subObject(form, "metadata"), created: now() });
    }),
    http.get(`${API}/accounts/:id`, async ({ request, params }) => {
      await record(request);
      return HttpResponse.json({ id: params.id, object: "account", charges_enabled: true, payouts_enabled: false, details_submitted: true, metadata: {}, created: now() });
    }),
    http.post(`${API}/account_links`, async ({ request }) => {
      const { form } = await record(request);
      return HttpResponse.json({ object: "account_link", created: now(), expires_at: now() + 300, url: `https://connect.stripe.com/setup/e/${form.account}/test${seq++}` });
    }),
  ];

  return {
    handlers,
    requests,
    /** The requests that change something at Stripe (every one must carry an idempotency key). */
    mutations: () => requests.filter((r) => r.method === "POST" || r.method === "DELETE"),
    /**
     * The patient answers their bank's check in the browser: "approve" leaves the amount held
     * (requires_capture, or requires_confirmation for an intent confirmed on the server),
     * "fail" sends the intent back to requires_payment_method with Stripe's authentication error.
     */
    authenticate(intentId: string, answer: "approve" | "approve-needs-confirmation" | "fail") {
      const pi = intents.get(intentId);
      if (!pi || pi.status !== "requires_action") throw new Error(`intent ${intentId} is not waiting for authentication`);
      if (answer === "approve") Object.assign(pi, { status: "requires_capture", amount_capturable: pi.amount, latest_charge: chargeOf(pi) });
      else if (answer === "approve-needs-confirmation") Object.assign(pi, { status: "requires_confirmation" });
      else
        Object.assign(pi, {
          status: "requires_payment_method",
          last_payment_error: { type: "card_error", code: "payment_intent_authentication_failure", message: "We are unable to authenticate your payment method. Please choose a different payment method and try again." },
        });
    },
    reset() {
      requests.length = 0;
      intents.clear();
    },
  };
}
