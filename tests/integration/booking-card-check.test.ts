/**
 * The bank's own check of the deposit card (3-D Secure) while a patient books a visit within 5
 * days, with the real Stripe SDK answered at the HTTP boundary and the real database: the booking
 * waits with a deadline, finishes once the bank said yes, leaves nothing behind when it said no or
 * nobody finished, and nobody but the patient's own browser at this clinic can finish it.
 */
import { InngestTestEngine, mockCtx } from "@inngest/test";
import { setupServer } from "msw/node";
import { afterAll, beforeAll, beforeEach, describe, expect, test } from "vitest";
import { createStripeProvider } from "~/integrations/stripe.server";
import { finishAuthentication, lapseAuthentication, stopAuthentication, type FinishRequest } from "~/modules/booking-flow/card-authentication.server";
import { cardChoice } from "~/modules/booking-flow/deposit-step.server";
import { confirmBooking, holdTime, type BookingPayment } from "~/modules/booking-flow/flow.server";
import { ensureCustomer, listCards } from "~/modules/payments/cards.server";
import { createDemoProvider } from "~/modules/payments/demo-provider.server";
import { depositOf } from "~/modules/payments/deposits.server";
import { findSlots } from "~/modules/scheduling/slots.server";
import { createCardCheckDeadline } from "~/workflows/card-check-deadline.server";
import { createStripeMock } from "../mocks/stripe";
import { testDb } from "../support/db";
import { createScheduleFixture, type ScheduleFixture } from "../support/scheduling";

const mock = createStripeMock();
const server = setupServer(...mock.handlers);
beforeAll(() => server.listen({ onUnhandledRequest: "error" }));
beforeEach(() => mock.reset());
afterAll(async () => {
  server.close();
  await testDb().disconnect();
});

const stripe = createStripeProvider({ secretKey: "sk_test_card_check", webhookSecret: null, maxNetworkRetries: 0 });
const HOUR = 3_600_000;
const MINUTE = 60_000;
const anonymous = { type: "patient" as const, id: null };
let cardSeq = 0;

async function fixture() {
  const f = await createScheduleFixture({ doctors: 1, timeZone: "Europe/Berlin", currency: "EUR", shift: { start: "00:00", end: "24:00" }, service: { minNoticeMin: 0, startGridMin: 30, priceMinor: 15_000 } });
  await testDb()
    .forClinic(f.clinic.id)
    .tx((tx) => tx.service.update({ where: { clinicId_id: { clinicId: f.clinic.id, id: f.serviceId } }, data: { depositKind: "percent", depositValue: 20, visitReasons: ["Check-up", "Pain"] } }));
  return f;
}

const startIn = (hours: number) => new Date(Math.ceil((Date.now() + hours * HOUR) / (30 * MINUTE)) * 30 * MINUTE);

async function hold(f: ScheduleFixture, start: Date, heldBy: string) {
  const held = await holdTime(testDb().forClinic(f.clinic.id), f.clinic, { serviceId: f.serviceId, locationId: f.locationId, practitionerId: f.doctorIds[0]!, start, heldBy }, anonymous);
  if (!held.ok) throw new Error(held.message);
  return held.holdId;
}

const patientOf = (id: string) => ({ id, phone: "+4915550000101", email: null, name: "Pat Ient" });

/** The page's card form after Stripe.js saved the card: a SetupIntent that saved `testCard`. */
async function payment(patientId: string, testCard: "pm_card_authenticationRequired" | "pm_card_visa"): Promise<BookingPayment> {
  // The review page creates the patient's customer when it shows Stripe's card field.
  await ensureCustomer(testDb(), stripe, patientOf(patientId));
  return { provider: stripe, form: { card: "new", setupRef: `seti_${testCard}_${++cardSeq}`, payNonce: `page-view-${cardSeq}` }, patient: patientOf(patientId) };
}

const confirm = async (f: ScheduleFixture, holdId: string, heldBy: string, patientId: string, testCard: "pm_card_authenticationRequired" | "pm_card_visa", now?: Date) =>
  confirmBooking(testDb().forClinic(f.clinic.id), testDb(), f.clinic, { holdId, heldBy, patientAccountId: patientId, dependentId: null, note: "Left knee", visitReason: "Pain" }, now, null, await payment(patientId, testCard));

const appointmentOf = (f: ScheduleFixture, id: string) =>
  testDb()
    .forClinic(f.clinic.id)
    .tx((tx) => tx.appointment.findUniqueOrThrow({ where: { clinicId_id: { clinicId: f.clinic.id, id } }, select: { status: true, paymentStatus: true, holdExpiresAt: true, patientAccountId: true, patientNote: true, visitReason: true } }));

const depositFor = (f: ScheduleFixture, id: string) => testDb().forClinic(f.clinic.id).tx((tx) => depositOf(tx, f.clinic.id, id));
const checkOf = (f: ScheduleFixture, id: string) => testDb().forClinic(f.clinic.id).tx((tx) => tx.cardAuthentication.findUnique({ where: { clinicId_id: { clinicId: f.clinic.id, id } } }));

/** Starts a booking whose card needs the bank's check; returns what the page got. */
async function waitingBooking(f: ScheduleFixture, heldBy: string, hoursAhead = 48) {
  const start = startIn(hoursAhead);
  const holdId = await hold(f, start, heldBy);
  const before = (await appointmentOf(f, holdId)).holdExpiresAt!;
  const answer = await confirm(f, holdId, heldBy, f.patientId, "pm_card_authenticationRequired");
  if (answer.ok || answer.reason !== "authenticate") throw new Error(`expected the bank's check, got ${JSON.stringify(answer)}`);
  const intentRef = (await checkOf(f, answer.authentication.id))!.intentRef;
  const request: FinishRequest = { authenticationId: answer.authentication.id, holdId, heldBy, patientAccountId: f.patientId, bankAnswer: null };
  return { start, holdId, before, authentication: answer.authentication, intentRef, request };
}

/** The patient's saved cards, as the next booking would offer them. */
const cardsOf = (patientId: string, provider: "stripe" | "demo" = "stripe") => testDb().forPlatform().tx((tx) => listCards(tx, patientId, provider));

const cancelled = (intentRef: string) => mock.mutations().some((r) => r.path === `/v1/payment_intents/${intentRef}/cancel`);

async function slotIsFree(f: ScheduleFixture, start: Date) {
  const slots = await findSlots(testDb().forClinic(f.clinic.id), f.clinic, { serviceId: f.serviceId, locationId: f.locationId, practitionerId: f.doctorIds[0]!, from: new Date(start.getTime() - HOUR), to: new Date(start.getTime() + 2 * HOUR) });
  return slots.some((s) => s.start.getTime() === start.getTime());
}

describe("Apple Pay and Google Pay", () => {
  test("with Stripe, the review offers the wallets the deposit: amount, currency and the clinic's country, on the page's SetupIntent", async () => {
    const f = await fixture();
    const choice = await cardChoice(testDb(), stripe, patientOf(f.patientId), { start: startIn(48), depositMinor: 3_000, currency: "EUR" }, { name: "Praxis Mitte", timeZone: "Europe/Berlin" }, "pk_test_wallet");
    expect(choice.stripe).toMatchObject({ publishableKey: "pk_test_wallet", clientSecret: expect.stringMatching(/^seti_.*_secret_/) });
    expect(choice.wallet).toEqual({ country: "DE", currency: "EUR", amountMinor: 3_000, label: "Deposit · Praxis Mitte" });
  });
});

describe("a card that needs the bank's check", () => {
  test("the booking waits for the bank with a deadline: the time stays held, nothing is booked or saved as a deposit yet", async () => {
    const f = await fixture();
    const startedAt = Date.now();
    const w = await waitingBooking(f, "browser:wait");
    expect(w.authentication).toMatchObject({ provider: "stripe", clientSecret: expect.stringMatching(/^pi_.*_secret_/), cardLabel: "Visa •••• 3184" });
    const deadline = w.authentication.expiresAt.getTime();
    expect(deadline).toBeGreaterThanOrEqual(startedAt + 10 * MINUTE - 1000);
    expect(deadline).toBeLessThanOrEqual(Date.now() + 10 * MINUTE);

    // The payment was asked for on-session with manual capture, for 20% of €150.00.
    const create = mock.mutations().find((r) => r.path === "/v1/payment_intents")!;
    expect(create.form).toMatchObject({ amount: "3000", currency: "eur", capture_method: "manual", confirm: "true", off_session: "false" });

    const visit = await appointmentOf(f, w.holdId);
    expect(visit).toMatchObject({ status: "held", paymentStatus: "none" });
    expect(visit.holdExpiresAt!.getTime()).toBe(deadline);
    expect(visit.holdExpiresAt!.getTime()).toBeGreaterThanOrEqual(w.before.getTime());
    expect(await depositFor(f, w.holdId)).toBeNull();
    expect(await checkOf(f, w.authentication.id)).toMatchObject({ status: "waiting", intentRef: w.intentRef, appointmentId: w.holdId, patientAccountId: f.patientId });
    // Someone else cannot take the time while the patient answers their bank.
    await expect(holdTime(testDb().forClinic(f.clinic.id), f.clinic, { serviceId: f.serviceId, locationId: f.locationId, practitionerId: f.doctorIds[0]!, start: w.start, heldBy: "browser:other" }, anonymous)).resolves.toMatchObject({ ok: false });
  });

  test("the bank said yes: the booking is finished with the deposit held on the card, once", async () => {
    const f = await fixture();
    const w = await waitingBooking(f, "browser:yes");
    mock.authenticate(w.intentRef, "approve");

    expect(await finishAuthentication(testDb().forClinic(f.clinic.id), testDb(), stripe, f.clinic, w.request, null)).toEqual({ ok: true, appointmentId: w.holdId });
    // The reason chosen before the bank's check is kept with the note while the bank answers.
    expect(await appointmentOf(f, w.holdId)).toMatchObject({ status: "confirmed", paymentStatus: "authorized", holdExpiresAt: null, patientAccountId: f.patientId, patientNote: "Left knee", visitReason: "Pain" });
    const deposit = await depositFor(f, w.holdId);
    expect(deposit).toMatchObject({ status: "authorized", intentRef: w.intentRef, amountMinor: 3_000, authorizedOffSession: false, card: { last4: "3184" } });
    expect(await checkOf(f, w.authentication.id)).toMatchObject({ status: "succeeded" });
    // The card typed for this booking is kept, as the account's default, now that the bank accepted it.
    expect(await cardsOf(f.patientId)).toMatchObject([{ last4: "3184", isDefault: true }]);
    // Stripe was asked how the bank answered; nothing was cancelled.
    expect(mock.requests.some((r) => r.method === "GET" && r.path === `/v1/payment_intents/${w.intentRef}`)).toBe(true);
    expect(cancelled(w.intentRef)).toBe(false);

    // A second tap (or a second tab) changes nothing.
    expect(await finishAuthentication(testDb().forClinic(f.clinic.id), testDb(), stripe, f.clinic, w.request, null)).toEqual({ ok: true, appointmentId: w.holdId });
    const events = await testDb()
      .forClinic(f.clinic.id)
      .tx((tx) => tx.depositEvent.count({ where: { clinicId: f.clinic.id, appointmentId: w.holdId, action: "authorized" } }));
    expect(events).toBe(1);
  });

  test("an intent that asks to be confirmed again after the check is confirmed on the server", async () => {
    const f = await fixture();
    const w = await waitingBooking(f, "browser:confirm");
    mock.authenticate(w.intentRef, "approve-needs-confirmation");
    expect(await finishAuthentication(testDb().forClinic(f.clinic.id), testDb(), stripe, f.clinic, w.request, null)).toEqual({ ok: true, appointmentId: w.holdId });
    const confirmCall = mock.mutations().find((r) => r.path === `/v1/payment_intents/${w.intentRef}/confirm`);
    expect(confirmCall?.idempotencyKey).toBeTruthy();
    expect(await depositFor(f, w.holdId)).toMatchObject({ status: "authorized", intentRef: w.intentRef });
  });

  test("the bank said no: the payment is cancelled, nothing is booked, and another card books the same time", async () => {
    const f = await fixture();
    const w = await waitingBooking(f, "browser:no");
    mock.authenticate(w.intentRef, "fail");

    const answer = await finishAuthentication(testDb().forClinic(f.clinic.id), testDb(), stripe, f.clinic, w.request, null);
    expect(answer).toMatchObject({ ok: false, reason: "card" });
    expect((answer as { message: string }).message).toMatch(/Your bank did not confirm the payment\. Nothing was booked and nothing is held on your card/);
    expect(cancelled(w.intentRef)).toBe(true);
    // The new card the bank refused is not kept: not offered (or chosen) again, removed at Stripe too.
    expect((answer as { cardId?: string | null }).cardId).toBeNull();
    expect(await cardsOf(f.patientId)).toEqual([]);
    expect(mock.mutations().some((r) => /^\/v1\/payment_methods\/[^/]+\/detach$/.test(r.path))).toBe(true);
    expect(await depositFor(f, w.holdId)).toBeNull();
    expect(await checkOf(f, w.authentication.id)).toMatchObject({ status: "failed", failureCode: "payment_intent_authentication_failure" });
    // The time is still the patient's, for what was left of its own 10 minutes, not the bank's extra time.
    const visit = await appointmentOf(f, w.holdId);
    expect(visit).toMatchObject({ status: "held", paymentStatus: "none" });
    expect(visit.holdExpiresAt!.getTime()).toBe(w.before.getTime());
    // Finishing the failed check again does not book it.
    expect(await finishAuthentication(testDb().forClinic(f.clinic.id), testDb(), stripe, f.clinic, { ...w.request, bankAnswer: "approve" }, null)).toMatchObject({ ok: false, reason: "card" });

    expect(await confirm(f, w.holdId, "browser:no", f.patientId, "pm_card_visa")).toEqual({ ok: true, appointmentId: w.holdId });
    expect(await depositFor(f, w.holdId)).toMatchObject({ status: "authorized", card: { last4: "4242" } });
  });

  test("the patient stops the check: the payment is cancelled and the time stays held for another card", async () => {
    const f = await fixture();
    const w = await waitingBooking(f, "browser:stop");
    expect(await stopAuthentication(testDb().forClinic(f.clinic.id), testDb(), stripe, f.clinic, w.request, null)).toMatchObject({ ok: false, reason: "card" });
    expect(cancelled(w.intentRef)).toBe(true);
    expect(await checkOf(f, w.authentication.id)).toMatchObject({ status: "cancelled" });
    expect(await appointmentOf(f, w.holdId)).toMatchObject({ status: "held" });
    expect(await depositFor(f, w.holdId)).toBeNull();
    expect(await cardsOf(f.patientId)).toEqual([]);
  });

  test("confirming again while a check waits ends that check and cancels its payment first", async () => {
    const f = await fixture();
    const w = await waitingBooking(f, "browser:again");
    expect(await confirm(f, w.holdId, "browser:again", f.patientId, "pm_card_visa")).toEqual({ ok: true, appointmentId: w.holdId });
    expect(cancelled(w.intentRef)).toBe(true);
    expect(await checkOf(f, w.authentication.id)).toMatchObject({ status: "cancelled" });
    expect(await depositFor(f, w.holdId)).toMatchObject({ status: "authorized", card: { last4: "4242" } });
  });

  test("nobody finished by the deadline: the payment is cancelled, the hold released and the time free again", async () => {
    const f = await fixture();
    const w = await waitingBooking(f, "browser:gone");
    expect(await lapseAuthentication(testDb().forClinic(f.clinic.id), testDb(), stripe, w.authentication.id, new Date())).toBe("not-yet");
    expect(await slotIsFree(f, w.start)).toBe(false);

    const later = new Date(w.authentication.expiresAt.getTime() + MINUTE);
    expect(await lapseAuthentication(testDb().forClinic(f.clinic.id), testDb(), stripe, w.authentication.id, later)).toBe("lapsed");
    expect(cancelled(w.intentRef)).toBe(true);
    expect(await appointmentOf(f, w.holdId)).toMatchObject({ status: "hold_released", paymentStatus: "none" });
    expect(await depositFor(f, w.holdId)).toBeNull();
    expect(await checkOf(f, w.authentication.id)).toMatchObject({ status: "abandoned" });
    expect(await slotIsFree(f, w.start)).toBe(true);
    expect(await cardsOf(f.patientId)).toEqual([]);
    // Running it again changes nothing.
    expect(await lapseAuthentication(testDb().forClinic(f.clinic.id), testDb(), stripe, w.authentication.id, later)).toBe("ended");
  });

  test("a patient who comes back after the deadline, even with the bank's yes, gets no booking and no held money", async () => {
    const f = await fixture();
    const w = await waitingBooking(f, "browser:late");
    mock.authenticate(w.intentRef, "approve");
    const later = new Date(w.authentication.expiresAt.getTime() + MINUTE);
    expect(await finishAuthentication(testDb().forClinic(f.clinic.id), testDb(), stripe, f.clinic, w.request, null, later)).toMatchObject({ ok: false, reason: "expired" });
    expect(cancelled(w.intentRef)).toBe(true);
    expect(await appointmentOf(f, w.holdId)).toMatchObject({ status: "hold_released" });
    expect(await depositFor(f, w.holdId)).toBeNull();
  });

  test("a finish for another patient's, another browser's or another clinic's check is refused without asking Stripe", async () => {
    const f = await fixture();
    const w = await waitingBooking(f, "browser:mine");
    mock.authenticate(w.intentRef, "approve");
    mock.requests.length = 0;
    const stranger = await f.newPatient();
    const other = await fixture();

    const refused = [
      { ...w.request, patientAccountId: stranger },
      { ...w.request, heldBy: "browser:thief" },
      { ...w.request, holdId: "00000000-0000-4000-8000-000000000000" },
      { ...w.request, authenticationId: "not-a-uuid" },
    ];
    for (const request of refused) {
      expect(await finishAuthentication(testDb().forClinic(f.clinic.id), testDb(), stripe, f.clinic, request, null)).toMatchObject({ ok: false, reason: "not-found" });
      expect(await stopAuthentication(testDb().forClinic(f.clinic.id), testDb(), stripe, f.clinic, request, null)).toMatchObject({ ok: false, reason: "not-found" });
    }
    // The same id on another clinic's host: RLS hides the row.
    expect(await finishAuthentication(testDb().forClinic(other.clinic.id), testDb(), stripe, other.clinic, w.request, null)).toMatchObject({ ok: false, reason: "not-found" });
    expect(await lapseAuthentication(testDb().forClinic(other.clinic.id), testDb(), stripe, w.authentication.id, new Date(Date.now() + HOUR))).toBe("ended");
    expect(mock.requests).toEqual([]);
    expect(await appointmentOf(f, w.holdId)).toMatchObject({ status: "held" });
    expect(await checkOf(f, w.authentication.id)).toMatchObject({ status: "waiting" });

    // The patient's own browser still finishes it.
    expect(await finishAuthentication(testDb().forClinic(f.clinic.id), testDb(), stripe, f.clinic, w.request, null)).toEqual({ ok: true, appointmentId: w.holdId });
  });
});

describe("the demo provider's bank check", () => {
  const demoPayment = (f: ScheduleFixture, nonce: string): BookingPayment => ({
    provider: createDemoProvider(),
    form: { card: "new", cardNumber: "4000002760003184", cardExpiry: "12/34", cardCvc: "123", payNonce: nonce },
    patient: patientOf(f.patientId),
  });

  test("4000 0027 6000 3184 asks on the page; the demo bank's approve books it, its fail books nothing", async () => {
    const f = await fixture();
    const demo = createDemoProvider();
    const first = await hold(f, startIn(30), "browser:demo");
    const asked = await confirmBooking(testDb().forClinic(f.clinic.id), testDb(), f.clinic, { holdId: first, heldBy: "browser:demo", patientAccountId: f.patientId, dependentId: null, note: null }, undefined, null, demoPayment(f, "demo-view-1"));
    if (asked.ok || asked.reason !== "authenticate") throw new Error(JSON.stringify(asked));
    expect(asked.authentication).toMatchObject({ provider: "demo", cardLabel: "Visa •••• 3184" });
    const request = { authenticationId: asked.authentication.id, holdId: first, heldBy: "browser:demo", patientAccountId: f.patientId };
    expect(await finishAuthentication(testDb().forClinic(f.clinic.id), testDb(), demo, f.clinic, { ...request, bankAnswer: null }, null)).toMatchObject({ ok: false, reason: "waiting" });
    expect(await finishAuthentication(testDb().forClinic(f.clinic.id), testDb(), demo, f.clinic, { ...request, bankAnswer: "fail" }, null)).toMatchObject({ ok: false, reason: "card" });
    expect(await appointmentOf(f, first)).toMatchObject({ status: "held", paymentStatus: "none" });
    expect(await cardsOf(f.patientId, "demo")).toEqual([]);

    const again = await confirmBooking(testDb().forClinic(f.clinic.id), testDb(), f.clinic, { holdId: first, heldBy: "browser:demo", patientAccountId: f.patientId, dependentId: null, note: null }, undefined, null, demoPayment(f, "demo-view-2"));
    if (again.ok || again.reason !== "authenticate") throw new Error(JSON.stringify(again));
    expect(await finishAuthentication(testDb().forClinic(f.clinic.id), testDb(), demo, f.clinic, { ...request, authenticationId: again.authentication.id, bankAnswer: "approve" }, null)).toEqual({ ok: true, appointmentId: first });
    expect(await depositFor(f, first)).toMatchObject({ status: "authorized", authorizedOffSession: false, card: { last4: "3184" } });
  });

  test("the deadline workflow releases a hold whose check nobody finished", async () => {
    const f = await fixture();
    const holdId = await hold(f, startIn(30), "browser:left");
    const asked = await confirmBooking(testDb().forClinic(f.clinic.id), testDb(), f.clinic, { holdId, heldBy: "browser:left", patientAccountId: f.patientId, dependentId: null, note: null }, undefined, null, demoPayment(f, "demo-view-3"));
    if (asked.ok || asked.reason !== "authenticate") throw new Error(JSON.stringify(asked));
    const [event] = await testDb()
      .forClinic(f.clinic.id)
      .tx((tx) => tx.outboxEvent.findMany({ where: { clinicId: f.clinic.id, name: "booking.authentication_started" } }));
    expect(event!.data).toMatchObject({ authenticationId: asked.authentication.id, holdId, expiresAt: asked.authentication.expiresAt.toISOString() });

    let t = Date.now();
    const now = () => new Date(t);
    const fn = createCardCheckDeadline({ db: testDb, payments: () => createDemoProvider({ now }), now });
    const engine = new InngestTestEngine({
      function: fn,
      transformCtx: (ctx) => {
        const mocked = mockCtx(ctx) as typeof ctx;
        mocked.step.sleepUntil = (async (_id: string, until: Date | string) => {
          t = Math.max(t, new Date(until).getTime());
        }) as typeof mocked.step.sleepUntil;
        return mocked;
      },
    });
    const out = await engine.execute({ events: [{ name: event!.name, data: event!.data as Record<string, unknown> }] });
    expect(out.result).toBe("lapsed");
    expect(await appointmentOf(f, holdId)).toMatchObject({ status: "hold_released" });
    expect(await checkOf(f, asked.authentication.id)).toMatchObject({ status: "abandoned" });
  });
});
