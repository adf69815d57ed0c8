/**
 * Stripe webhooks against the real database (RLS applies): signed payloads made with the SDK's own
 * test signer, handled by handlePaymentWebhook and by the route.
 */
import { randomUUID } from "node:crypto";
import Stripe from "stripe";
import { afterAll, expect, test } from "vitest";
import { createStripeProvider } from "~/integrations/stripe.server";
import { WebhookSignatureError } from "~/modules/payments/provider";
import { usePaymentProviderForTests } from "~/modules/payments/provider.server";
import { handlePaymentWebhook } from "~/modules/payments/webhooks.server";
import { action } from "~/routes/api.payments.webhook";
import { createDemoProvider } from "~/modules/payments/demo-provider.server";
import { clinicRowFixtures, prismaSql } from "../support/clinic-fixtures";
import { createTestClinic, testDb } from "../support/db";

const secret = "whsec_integration_test";
const stripe = createStripeProvider({ secretKey: "sk_test_integration", webhookSecret: secret, maxNetworkRetries: 0 });
const db = testDb();

afterAll(() => usePaymentProviderForTests(undefined));

function signed(type: string, object: Record<string, unknown>, opts: { id?: string; created?: number; previous?: Record<string, unknown> } = {}) {
  const payload = JSON.stringify({
    id: opts.id ?? `evt_${randomUUID().replace(/-/g, "")}`,
    object: "event",
    type,
    created: opts.created ?? Math.floor(Date.now() / 1000),
    livemode: false,
    data: { object, ...(opts.previous ? { previous_attributes: opts.previous } : {}) },
  });
  return { payload, header: Stripe.webhooks.generateTestHeaderString({ payload, secret }) };
}

/** A Stripe deposit of a fresh clinic, in `status`, holding intent `intentRef`. */
async function stripeDeposit(status: "authorized" | "captured" | "pending", intentRef = `pi_${randomUUID().replace(/-/g, "").slice(0, 24)}`) {
  const clinic = await createTestClinic();
  const deposit = await db.forClinic(clinic.id).tx(async (tx) => {
    const key = await clinicRowFixtures.deposits!(prismaSql(tx), clinic.id);
    await tx.$executeRaw`UPDATE deposits SET provider = 'stripe', status = ${status}::deposit_status, intent_ref = ${intentRef}, authorized_at = now() WHERE clinic_id = ${clinic.id}::uuid AND id = ${key.id}::uuid`;
    return tx.deposit.findUniqueOrThrow({ where: { clinicId_id: { clinicId: clinic.id, id: key.id! } } });
  });
  return { clinicId: clinic.id, deposit, intentRef };
}

async function stateOf(clinicId: string, depositId: string) {
  return db.forClinic(clinicId).tx(async (tx) => {
    const deposit = await tx.deposit.findUniqueOrThrow({ where: { clinicId_id: { clinicId, id: depositId } } });
    const appointment = await tx.appointment.findUniqueOrThrow({ where: { clinicId_id: { clinicId, id: deposit.appointmentId } }, select: { paymentStatus: true } });
    const events = await tx.depositEvent.count({ where: { clinicId, depositId } });
    const [outbox] = await tx.$queryRaw<{ n: number }[]>`SELECT count(*)::int AS n FROM outbox_events WHERE clinic_id = ${clinicId}::uuid AND name LIKE 'deposit.%'`;
    return { status: deposit.status, paymentStatus: appointment.paymentStatus, capturedAt: deposit.capturedAt, events, outbox: outbox!.n, updatedAt: deposit.updatedAt };
  });
}

const recorded = (eventId: string) =>
  db.system("test").tx(async (tx) => (await tx.$queryRaw<{ n: number }[]>`SELECT count(*)::int AS n FROM payment_webhook_events WHERE event_id = ${eventId}`)[0]!.n);

const intent = (id: string, status: string, clinicId: string, depositId: string, extra: Record<string, unknown> = {}) => ({
  id,
  object: "payment_intent",
  status,
  amount: 2500,
  amount_capturable: status === "requires_capture" ? 2500 : 0,
  amount_received: status === "succeeded" ? 2500 : 0,
  currency: "eur",
  metadata: { clinicId, depositId, appointmentId: randomUUID() },
  last_payment_error: null,
  ...extra,
});

test("a bad signature is refused and nothing is recorded", async () => {
  const { clinicId, deposit, intentRef } = await stripeDeposit("authorized");
  const before = await stateOf(clinicId, deposit.id);
  const event = signed("payment_intent.succeeded", intent(intentRef, "succeeded", clinicId, deposit.id), { id: `evt_bad_${randomUUID().slice(0, 8)}` });
  const forged = Stripe.webhooks.generateTestHeaderString({ payload: event.payload, secret: "whsec_someone_else" });
  await expect(handlePaymentWebhook(db, stripe, event.payload, forged)).rejects.toBeInstanceOf(WebhookSignatureError);
  await expect(handlePaymentWebhook(db, stripe, event.payload.replace('"succeeded"', '"canceled"'), event.header)).rejects.toBeInstanceOf(WebhookSignatureError);
  await expect(handlePaymentWebhook(db, stripe, event.payload, null)).rejects.toBeInstanceOf(WebhookSignatureError);
  expect(await recorded(JSON.parse(event.payload).id)).toBe(0);
  expect(await stateOf(clinicId, deposit.id)).toEqual(before);
});

test("a valid event moves the deposit; the same event replayed changes nothing", async () => {
  const { clinicId, deposit, intentRef } = await stripeDeposit("authorized");
  const before = await stateOf(clinicId, deposit.id);
  const event = signed("payment_intent.succeeded", intent(intentRef, "succeeded", clinicId, deposit.id));

  const first = await handlePaymentWebhook(db, stripe, event.payload, event.header);
  expect(first.outcome).toBe("applied");
  const after = await stateOf(clinicId, deposit.id);
  expect(after).toMatchObject({ status: "captured", paymentStatus: "captured", events: before.events + 1, outbox: before.outbox + 1 });
  expect(after.capturedAt).not.toBeNull();

  const replay = await handlePaymentWebhook(db, stripe, event.payload, event.header);
  expect(replay.outcome).toBe("duplicate");
  expect(await stateOf(clinicId, deposit.id)).toEqual(after);
  expect(await recorded(first.eventId)).toBe(1);
});

test("two copies of one event delivered at once are applied once", async () => {
  const { clinicId, deposit, intentRef } = await stripeDeposit("authorized");
  const before = await stateOf(clinicId, deposit.id);
  const event = signed("payment_intent.canceled", intent(intentRef, "canceled", clinicId, deposit.id));
  const outcomes = await Promise.all([handlePaymentWebhook(db, stripe, event.payload, event.header), handlePaymentWebhook(db, stripe, event.payload, event.header)]);
  expect(outcomes.map((o) => o.outcome).sort()).toEqual(["applied", "duplicate"]);
  expect(await stateOf(clinicId, deposit.id)).toMatchObject({ status: "released", paymentStatus: "released", events: before.events + 1 });
});

test("an older event arriving late does not move a deposit backwards", async () => {
  const { clinicId, deposit, intentRef } = await stripeDeposit("authorized");
  const t = Math.floor(Date.now() / 1000);
  const captured = signed("payment_intent.succeeded", intent(intentRef, "succeeded", clinicId, deposit.id), { created: t });
  await handlePaymentWebhook(db, stripe, captured.payload, captured.header);
  const after = await stateOf(clinicId, deposit.id);
  expect(after.status).toBe("captured");

  const late = signed("payment_intent.amount_capturable_updated", intent(intentRef, "requires_capture", clinicId, deposit.id), { created: t - 60 });
  const outcome = await handlePaymentWebhook(db, stripe, late.payload, late.header);
  expect(outcome.outcome).toBe("ignored");
  const lateCancel = signed("payment_intent.canceled", intent(intentRef, "canceled", clinicId, deposit.id), { created: t - 30 });
  expect((await handlePaymentWebhook(db, stripe, lateCancel.payload, lateCancel.header)).outcome).toBe("ignored");
  expect(await stateOf(clinicId, deposit.id)).toEqual(after);
});

test("a refund made at Stripe refunds the deposit, with a reason; a partial one keeps it captured", async () => {
  const { clinicId, deposit, intentRef } = await stripeDeposit("captured");
  const charge = (refunded: boolean, amount: number) => ({ id: `ch_${randomUUID().slice(0, 8)}`, object: "charge", payment_intent: intentRef, amount: 2500, amount_refunded: amount, refunded, metadata: { clinicId, depositId: deposit.id } });
  const partial = signed("charge.refunded", charge(false, 1000));
  expect((await handlePaymentWebhook(db, stripe, partial.payload, partial.header)).outcome).toBe("ignored");
  expect((await stateOf(clinicId, deposit.id)).status).toBe("captured");
  const full = signed("charge.refunded", charge(true, 2500));
  expect((await handlePaymentWebhook(db, stripe, full.payload, full.header)).outcome).toBe("applied");
  const row = await db.forClinic(clinicId).tx((tx) => tx.deposit.findUniqueOrThrow({ where: { clinicId_id: { clinicId, id: deposit.id } } }));
  expect(row).toMatchObject({ status: "refunded", waiveReason: "refunded at the payment provider", waivedBy: "provider:stripe" });
  expect(row.refundedAt).not.toBeNull();
});

test("an event for a payment that is not one of ours is recorded and ignored", async () => {
  const event = signed("payment_intent.succeeded", intent("pi_not_ours", "succeeded", randomUUID(), randomUUID()));
  const outcome = await handlePaymentWebhook(db, stripe, event.payload, event.header);
  expect(outcome.outcome).toBe("ignored");
  expect(await recorded(outcome.eventId)).toBe(1);
});

test("cards saved or removed at Stripe, and a clinic's account, follow their webhooks", async () => {
  const { clinicId, deposit } = await stripeDeposit("pending");
  const customerRef = `cus_${randomUUID().slice(0, 12)}`;
  const cardRef = `pm_${randomUUID().slice(0, 12)}`;
  await db.system("test").tx((tx) => tx.$executeRaw`INSERT INTO payment_customers (patient_account_id, provider, customer_ref) VALUES (${deposit.patientAccountId}::uuid, 'stripe', ${customerRef})`);
  const cards = () =>
    db.system("test").tx((tx) => tx.paymentCard.findMany({ where: { patientAccountId: deposit.patientAccountId }, select: { cardRef: true, last4: true, isDefault: true, removedAt: true } }));

  const saved = signed("setup_intent.succeeded", {
    id: "seti_1",
    object: "setup_intent",
    customer: customerRef,
    status: "succeeded",
    payment_method: { id: cardRef, object: "payment_method", type: "card", card: { brand: "visa", last4: "4242", exp_month: 12, exp_year: 2031 } },
  });
  expect((await handlePaymentWebhook(db, stripe, saved.payload, saved.header)).outcome).toBe("applied");
  expect(await cards()).toEqual([{ cardRef, last4: "4242", isDefault: true, removedAt: null }]);

  const removed = signed("payment_method.detached", { id: cardRef, object: "payment_method", type: "card", customer: null }, { previous: { customer: customerRef } });
  expect((await handlePaymentWebhook(db, stripe, removed.payload, removed.header)).outcome).toBe("applied");
  expect((await cards())[0]!.removedAt).not.toBeNull();

  const accountRef = `acct_${randomUUID().slice(0, 12)}`;
  await db.forClinic(clinicId).tx((tx) => tx.clinic.update({ where: { id: clinicId }, data: { payoutAccountRef: accountRef } }));
  const account = signed("account.updated", { id: accountRef, object: "account", charges_enabled: true, payouts_enabled: false, details_submitted: true });
  expect((await handlePaymentWebhook(db, stripe, account.payload, account.header)).outcome).toBe("applied");
  const clinic = await db.forClinic(clinicId).tx((tx) => tx.clinic.findUniqueOrThrow({ where: { id: clinicId } }));
  expect(clinic).toMatchObject({ payoutsChargesEnabled: true, payoutsEnabled: false, payoutsDetailsSubmitted: true });
});

test("the route answers 400 with a problem document for a bad signature, and 404 without Stripe", async () => {
  usePaymentProviderForTests(stripe);
  const event = signed("payment_intent.succeeded", intent("pi_route", "succeeded", randomUUID(), randomUUID()));
  const call = (headers: Record<string, string>) =>
    action({ request: new Request("http://localhost/api/payments/webhook", { method: "POST", body: event.payload, headers: { "content-type": "application/json", ...headers } }), params: {}, context: {} as never });
  const refused = await call({ "stripe-signature": "t=1,v1=deadbeef" });
  expect(refused.status).toBe(400);
  expect(refused.headers.get("content-type")).toBe("application/problem+json");
  expect(await refused.json()).toMatchObject({ status: 400, title: "Invalid webhook signature", type: "https://medslot.dev/problems/invalid-webhook-signature" });
  expect((await call({})).status).toBe(400);
  expect(await recorded(JSON.parse(event.payload).id)).toBe(0);

  usePaymentProviderForTests(createDemoProvider());
  expect((await call({ "stripe-signature": event.header })).status).toBe(404);
});
