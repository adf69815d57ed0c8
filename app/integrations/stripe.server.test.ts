import { http, HttpResponse } from "msw";
import { setupServer } from "msw/node";
import Stripe from "stripe";
import { afterAll, afterEach, beforeAll, expect, test } from "vitest";
import { PaymentProviderUnavailableError, WebhookSignatureError, type AuthorizeRequest } from "~/modules/payments/provider";
import { createStripeMock } from "../../tests/mocks/stripe";
import { createStripeProvider, STRIPE_API_VERSION } from "./stripe.server";

const mock = createStripeMock();
const server = setupServer(...mock.handlers);

beforeAll(() => server.listen({ onUnhandledRequest: "error" }));
afterEach(() => server.resetHandlers());
afterAll(() => server.close());

const webhookSecret = "whsec_test_secret";
const stripe = createStripeProvider({ secretKey: "sk_test_123", webhookSecret, maxNetworkRetries: 0 });

const request = (over: Partial<AuthorizeRequest> = {}): AuthorizeRequest => ({
  customerRef: "cus_test",
  cardRef: "pm_card_visa",
  amountMinor: 2500,
  currency: "EUR",
  offSession: true,
  description: "Deposit: Consultation at Test clinic",
  metadata: { clinicId: "11111111-1111-4111-8111-111111111111", depositId: "22222222-2222-4222-8222-222222222222", appointmentId: "33333333-3333-4333-8333-333333333333" },
  connectedAccountRef: "acct_clinic",
  platformFeeMinor: 125,
  ...over,
});

test("every mutating call sends its idempotency key, and the API version is pinned", async () => {
  mock.reset();
  const { customerRef } = await stripe.createCustomer({ patientAccountId: "p-1", phone: "+12125550123", email: null, name: "Pat Ient" }, "customer:p-1:stripe");
  const setup = await stripe.startCardSetup({ customerRef }, "setup:p-1:1");
  expect(setup.clientSecret).toMatch(/_secret_/);
  expect(await stripe.cardFromSetup(setup.setupRef)).toEqual({ ref: "pm_card_visa", brand: "visa", last4: "4242", expMonth: 12, expYear: 2030 });
  expect(await stripe.cardFromSetup("seti_pending_1")).toBeNull();
  expect(await stripe.listCards(customerRef)).toHaveLength(1);
  await stripe.setDefaultCard(customerRef, "pm_card_visa", "default-card:c-1:1");
  const held = await stripe.authorize(request(), "deposit:d-1:authorize:1");
  if (held.outcome !== "authorized") throw new Error(`expected authorized, got ${held.outcome}`);
  await stripe.capture(held.intentRef, `deposit:d-1:capture:${held.intentRef}`);
  await stripe.refund(held.intentRef, { reason: "waived: goodwill" }, "deposit:d-1:refund");
  const other = await stripe.authorize(request({ connectedAccountRef: null }), "deposit:d-2:authorize:1");
  if (other.outcome !== "authorized") throw new Error("expected authorized");
  await stripe.release(other.intentRef, `deposit:d-2:release:${other.intentRef}`);
  await stripe.removeCard("pm_card_visa", "remove-card:c-1");
  const link = await stripe.connectOnboardingLink(
    { accountRef: null, clinicId: "c-1", clinicName: "Test clinic", email: "owner@clinic.test", country: "DE", refreshUrl: "https://a.test/r", returnUrl: "https://a.test/b" },
    "payouts:c-1:onboarding:n1",
  );
  expect(link.url).toMatch(/^https:\/\/connect\.stripe\.com\//);
  expect(await stripe.connectStatus(link.accountRef)).toEqual({ chargesEnabled: true, payoutsEnabled: false, detailsSubmitted: true });

  const mutations = mock.mutations();
  expect(mutations.map((r) => r.path)).toEqual([
    "/v1/customers",
    "/v1/setup_intents",
    "/v1/customers/cus_test".replace("cus_test", customerRef),
    "/v1/payment_intents",
    `/v1/payment_intents/${held.intentRef}/capture`,
    "/v1/refunds",
    "/v1/payment_intents",
    `/v1/payment_intents/${other.intentRef}/cancel`,
    "/v1/payment_methods/pm_card_visa/detach",
    "/v1/accounts",
    "/v1/account_links",
  ]);
  for (const r of mutations) expect(r.idempotencyKey, `${r.method} ${r.path}`).toBeTruthy();
  expect(mutations.map((r) => r.idempotencyKey)).toContain("deposit:d-1:authorize:1");
  expect(mutations.find((r) => r.path === "/v1/accounts")!.idempotencyKey).toBe("connect-account:c-1");
  for (const r of mock.requests) expect(r.stripeVersion).toBe(STRIPE_API_VERSION);

  const customer = mutations[0]!.form;
  expect(customer["metadata[patientAccountId]"]).toBe("p-1");
  const seti = mutations[1]!.form;
  expect(seti).toMatchObject({ customer: customerRef, usage: "off_session" });
  expect(mutations[2]!.form["invoice_settings[default_payment_method]"]).toBe("pm_card_visa");
  const account = mutations[9]!.form;
  expect(account).toMatchObject({ "metadata[clinicId]": "c-1", country: "DE", "capabilities[card_payments][requested]": "true", "capabilities[transfers][requested]": "true" });
  expect(mutations[10]!.form).toMatchObject({ account: link.accountRef, type: "account_onboarding", refresh_url: "https://a.test/r", return_url: "https://a.test/b" });
});

test("authorize holds the deposit with manual capture, off-session, as a destination charge with the platform fee", async () => {
  mock.reset();
  const result = await stripe.authorize(request(), "deposit:d-3:authorize:1");
  expect(result).toMatchObject({ outcome: "authorized", intentRef: expect.stringMatching(/^pi_/) });
  if (result.outcome === "authorized") expect(result.captureBefore!.getTime()).toBeGreaterThan(Date.now() + 6 * 86_400_000);
  const sent = mock.mutations()[0]!;
  expect(sent.idempotencyKey).toBe("deposit:d-3:authorize:1");
  expect(sent.form).toMatchObject({
    amount: "2500",
    currency: "eur",
    customer: "cus_test",
    payment_method: "pm_card_visa",
    capture_method: "manual",
    confirm: "true",
    off_session: "true",
    "transfer_data[destination]": "acct_clinic",
    application_fee_amount: "125",
    on_behalf_of: "acct_clinic",
    "metadata[clinicId]": request().metadata.clinicId,
    "metadata[depositId]": request().metadata.depositId,
    "metadata[appointmentId]": request().metadata.appointmentId,
    description: "Deposit: Consultation at Test clinic",
  });

  // Without a connected account the platform charges alone: no transfer, no fee.
  await stripe.authorize(request({ connectedAccountRef: null }), "deposit:d-4:authorize:1");
  const plain = mock.mutations()[1]!.form;
  expect(plain["transfer_data[destination]"]).toBeUndefined();
  expect(plain.application_fee_amount).toBeUndefined();
  expect(plain.on_behalf_of).toBeUndefined();
});

test("a refund of a destination charge reverses the transfer and the platform fee, and carries the payment's metadata", async () => {
  mock.reset();
  const held = await stripe.authorize(request(), "deposit:d-5:authorize:1");
  if (held.outcome !== "authorized") throw new Error("expected authorized");
  await stripe.refund(held.intentRef, { reason: "the clinic cancelled the visit" }, "deposit:d-5:refund");
  const refund = mock.mutations().find((r) => r.path === "/v1/refunds")!;
  expect(refund.form).toMatchObject({
    payment_intent: held.intentRef,
    reverse_transfer: "true",
    refund_application_fee: "true",
    "metadata[reason]": "the clinic cancelled the visit",
    "metadata[clinicId]": request().metadata.clinicId,
    "metadata[full_refund]": "true",
  });
  expect(refund.form.amount).toBeUndefined();
});

test("declines are answers: card errors and off-session authentication map to declined", async () => {
  mock.reset();
  const declined = await stripe.authorize(request({ cardRef: "pm_card_chargeDeclined" }), "k1");
  expect(declined).toMatchObject({ outcome: "declined", intentRef: expect.stringMatching(/^pi_/), code: "generic_decline", message: "Your card was declined." });
  expect(await stripe.authorize(request({ cardRef: "pm_card_insufficientFunds" }), "k2")).toMatchObject({ outcome: "declined", code: "insufficient_funds" });
  expect(await stripe.authorize(request({ cardRef: "pm_card_authenticationRequired" }), "k3")).toMatchObject({ outcome: "declined", code: "authentication_required" });
  expect(await stripe.authorize(request({ cardRef: "pm_card_authenticationRequired", offSession: false }), "k4")).toMatchObject({ outcome: "requires_action", clientSecret: expect.stringMatching(/_secret_/) });
  expect(await stripe.authorize(request({ cardRef: "pm_gone" }), "k5")).toMatchObject({ outcome: "declined", intentRef: null, code: "resource_missing" });
});

test("releasing an intent that is already cancelled succeeds", async () => {
  await expect(stripe.release("pi_canceled_123", "deposit:d-6:release:pi_canceled_123")).resolves.toBeUndefined();
});

test("Stripe unreachable or failing is PaymentProviderUnavailableError", async () => {
  server.use(http.post("https://api.stripe.com/v1/payment_intents", () => HttpResponse.error()));
  await expect(stripe.authorize(request(), "k6")).rejects.toBeInstanceOf(PaymentProviderUnavailableError);
  server.use(http.post("https://api.stripe.com/v1/payment_intents/:id/capture", () => HttpResponse.json({ error: { type: "api_error", message: "Something went wrong" } }, { status: 500 })));
  await expect(stripe.capture("pi_x", "k7")).rejects.toBeInstanceOf(PaymentProviderUnavailableError);
  server.use(http.post("https://api.stripe.com/v1/refunds", () => HttpResponse.json({ error: { type: "invalid_request_error", message: "rate limited" } }, { status: 429 })));
  server.use(http.get("https://api.stripe.com/v1/payment_intents/:id", () => HttpResponse.json({ id: "pi_x", object: "payment_intent", amount: 100, amount_received: 100, metadata: {}, transfer_data: null })));
  await expect(stripe.refund("pi_x", { reason: "r" }, "k8")).rejects.toBeInstanceOf(PaymentProviderUnavailableError);
});

test("webhooks: the signature is checked on the raw body, and events are reduced to what changes our state", () => {
  const payload = JSON.stringify({
    id: "evt_1",
    object: "event",
    type: "payment_intent.succeeded",
    created: 1_800_000_000,
    api_version: STRIPE_API_VERSION,
    data: { object: { id: "pi_1", object: "payment_intent", status: "succeeded", amount: 2500, amount_received: 2500, amount_capturable: 0, metadata: { clinicId: "c" }, last_payment_error: null } },
  });
  const header = Stripe.webhooks.generateTestHeaderString({ payload, secret: webhookSecret });
  expect(stripe.parseWebhook(payload, header)).toEqual({
    id: "evt_1",
    type: "payment_intent.succeeded",
    created: new Date(1_800_000_000_000),
    kind: "intent",
    intentRef: "pi_1",
    status: "captured",
    amountMinor: 2500,
    failureCode: null,
    metadata: { clinicId: "c" },
  });
  expect(() => stripe.parseWebhook(payload.replace("2500", "9999"), header)).toThrow(WebhookSignatureError);
  expect(() => stripe.parseWebhook(payload, null)).toThrow(WebhookSignatureError);
  expect(() => stripe.parseWebhook(payload, Stripe.webhooks.generateTestHeaderString({ payload, secret: "whsec_other" }))).toThrow(WebhookSignatureError);
  expect(() => createStripeProvider({ secretKey: "sk_test_123", webhookSecret: null }).parseWebhook(payload, header)).toThrow(WebhookSignatureError);

  const event = (type: string, object: Record<string, unknown>, extra: Record<string, unknown> = {}) => {
    const body = JSON.stringify({ id: `evt_${type}`, object: "event", type, created: 1_800_000_000, data: { object, ...extra } });
    return stripe.parseWebhook(body, Stripe.webhooks.generateTestHeaderString({ payload: body, secret: webhookSecret }));
  };
  expect(event("payment_intent.amount_capturable_updated", { id: "pi_2", object: "payment_intent", status: "requires_capture", amount: 2500, amount_capturable: 2500, metadata: {} })).toMatchObject({ kind: "intent", status: "authorized", amountMinor: 2500 });
  expect(event("payment_intent.canceled", { id: "pi_2", object: "payment_intent", status: "canceled", amount: 2500, metadata: {} })).toMatchObject({ kind: "intent", status: "released" });
  expect(event("payment_intent.payment_failed", { id: "pi_2", object: "payment_intent", status: "requires_payment_method", amount: 2500, metadata: {}, last_payment_error: { code: "card_declined", decline_code: "insufficient_funds" } })).toMatchObject({
    kind: "intent",
    status: "failed",
    failureCode: "insufficient_funds",
  });
  expect(event("charge.refunded", { id: "ch_1", object: "charge", payment_intent: "pi_2", amount: 2500, amount_refunded: 2500, refunded: true, metadata: { clinicId: "c" } })).toMatchObject({ kind: "refund", intentRef: "pi_2", fullyRefunded: true, amountRefundedMinor: 2500 });
  expect(event("setup_intent.succeeded", { id: "seti_1", object: "setup_intent", customer: "cus_1", status: "succeeded", payment_method: { id: "pm_1", object: "payment_method", card: { brand: "visa", last4: "4242", exp_month: 1, exp_year: 2031 } } })).toMatchObject({
    kind: "card_saved",
    customerRef: "cus_1",
    card: { ref: "pm_1", brand: "visa", last4: "4242", expMonth: 1, expYear: 2031 },
  });
  expect(event("setup_intent.succeeded", { id: "seti_1", object: "setup_intent", customer: "cus_1", status: "succeeded", payment_method: "pm_1" })).toMatchObject({ kind: "other" });
  expect(event("payment_method.detached", { id: "pm_1", object: "payment_method", customer: null }, { previous_attributes: { customer: "cus_1" } })).toMatchObject({ kind: "card_removed", customerRef: "cus_1", cardRef: "pm_1" });
  expect(event("account.updated", { id: "acct_1", object: "account", charges_enabled: true, payouts_enabled: true, details_submitted: true })).toMatchObject({ kind: "account", accountRef: "acct_1", status: { chargesEnabled: true, payoutsEnabled: true, detailsSubmitted: true } });
  expect(event("customer.created", { id: "cus_1", object: "customer" })).toMatchObject({ kind: "other" });
});
