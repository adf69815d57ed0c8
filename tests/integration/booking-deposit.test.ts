/**
 * The card step of booking on a clinic's site, against the real database and the demo provider:
 * no card, a declined card and a good card, and the 5-day line between holding the deposit at
 * booking and saving the card for later.
 */
import { afterAll, describe, expect, test } from "vitest";
import { confirmBooking, confirmedVisit, holdTime, type BookingPayment } from "~/modules/booking-flow/flow.server";
import { listCards } from "~/modules/payments/cards.server";
import { depositOf } from "~/modules/payments/deposits.server";
import { createDemoProvider } from "~/modules/payments/demo-provider.server";
import { testDb } from "../support/db";
import { createScheduleFixture, type ScheduleFixture } from "../support/scheduling";

afterAll(() => testDb().disconnect());

const HOUR = 3_600_000;
const anonymous = { type: "patient" as const, id: null };

async function fixture() {
  const f = await createScheduleFixture({ doctors: 1, shift: { start: "00:00", end: "24:00" }, service: { minNoticeMin: 0, startGridMin: 30, priceMinor: 15_000 } });
  await testDb()
    .forClinic(f.clinic.id)
    .tx((tx) => tx.service.update({ where: { clinicId_id: { clinicId: f.clinic.id, id: f.serviceId } }, data: { depositKind: "percent", depositValue: 20 } }));
  return f;
}

async function hold(f: ScheduleFixture, hoursAhead: number, heldBy: string) {
  const start = new Date(Math.ceil((Date.now() + hoursAhead * HOUR) / (30 * 60_000)) * 30 * 60_000);
  const held = await holdTime(testDb().forClinic(f.clinic.id), f.clinic, { serviceId: f.serviceId, locationId: f.locationId, practitionerId: f.doctorIds[0]!, start, heldBy }, anonymous);
  if (!held.ok) throw new Error(held.message);
  return held.holdId;
}

function payment(f: ScheduleFixture, form: Partial<NonNullable<BookingPayment["form"]>> | null): BookingPayment {
  return {
    provider: createDemoProvider(),
    form: form ? { card: "new", payNonce: "page-view-1", cardExpiry: "12/34", cardCvc: "123", ...form } : null,
    patient: { id: f.patientId, phone: "+19995550101", email: null, name: "Pat Ient" },
  };
}

const confirm = (f: ScheduleFixture, holdId: string, heldBy: string, pay: BookingPayment | null) =>
  confirmBooking(testDb().forClinic(f.clinic.id), testDb(), f.clinic, { holdId, heldBy, patientAccountId: f.patientId, dependentId: null, note: null }, undefined, null, pay);

const statusOf = (f: ScheduleFixture, id: string) =>
  testDb()
    .forClinic(f.clinic.id)
    .tx((tx) => tx.appointment.findUniqueOrThrow({ where: { clinicId_id: { clinicId: f.clinic.id, id } }, select: { status: true, paymentStatus: true, depositMinor: true } }));

describe("the card step", () => {
  test("a visit with a deposit is not confirmed without a card, and the time stays held", async () => {
    const f = await fixture();
    const holdId = await hold(f, 72, "browser:a");
    expect(await confirm(f, holdId, "browser:a", payment(f, null))).toMatchObject({ ok: false, reason: "card", message: "Choose a card for the deposit." });
    expect(await confirm(f, holdId, "browser:a", payment(f, { cardNumber: "" }))).toMatchObject({ ok: false, reason: "card", field: "cardNumber" });
    expect(await confirm(f, holdId, "browser:a", payment(f, { cardNumber: "4242424242424241" }))).toMatchObject({ ok: false, reason: "card", field: "cardNumber" });
    expect(await statusOf(f, holdId)).toMatchObject({ status: "held", paymentStatus: "none" });
  });

  test("a declined card is told plainly, nothing is booked, and another card then books it", async () => {
    const f = await fixture();
    const holdId = await hold(f, 72, "browser:b");
    const declined = await confirm(f, holdId, "browser:b", payment(f, { cardNumber: "4000000000009995" }));
    expect(declined).toMatchObject({ ok: false, reason: "card", field: "card" });
    expect((declined as { message: string }).message).toMatch(/Visa •••• 9995 was declined: Your card has insufficient funds/);
    expect(await statusOf(f, holdId)).toMatchObject({ status: "held" });
    expect(await testDb().forClinic(f.clinic.id).tx((tx) => depositOf(tx, f.clinic.id, holdId))).toBeNull();

    // The declined card is not kept on the account.
    const cards = () => testDb().forPlatform().tx((tx) => listCards(tx, f.patientId, "demo"));
    expect(await cards()).toEqual([]);

    const booked = await confirm(f, holdId, "browser:b", payment(f, { cardNumber: "4242424242424242" }));
    expect(booked).toEqual({ ok: true, appointmentId: holdId });
    expect((await cards()).map((c) => [c.last4, c.isDefault])).toEqual([["4242", true]]);

    // With a card on file, a new card that is declined leaves the account as it was, and a new
    // card that is accepted becomes the default.
    const second = await hold(f, 73, "browser:b");
    expect(await confirm(f, second, "browser:b", payment(f, { cardNumber: "4000000000009995" }))).toMatchObject({ ok: false, reason: "card" });
    expect((await cards()).map((c) => [c.last4, c.isDefault])).toEqual([["4242", true]]);
    expect(await confirm(f, second, "browser:b", payment(f, { cardNumber: "5555555555554444" }))).toMatchObject({ ok: true });
    expect((await cards()).map((c) => [c.last4, c.isDefault])).toEqual([["4444", true], ["4242", false]]);
  });

  test("within 5 days the deposit is held on the card at booking; 20% of $150.00 is $30.00", async () => {
    const f = await fixture();
    const holdId = await hold(f, 4 * 24, "browser:c");
    expect(await confirm(f, holdId, "browser:c", payment(f, { cardNumber: "4242424242424242" }))).toMatchObject({ ok: true });
    expect(await statusOf(f, holdId)).toEqual({ status: "confirmed", paymentStatus: "authorized", depositMinor: 3_000 });
    const d = await testDb().forClinic(f.clinic.id).tx((tx) => depositOf(tx, f.clinic.id, holdId));
    expect(d).toMatchObject({ status: "authorized", amountMinor: 3_000, authorizedOffSession: false, card: { brand: "visa", last4: "4242" } });
    // A hold placed with the patient present lasts about 7 days: past the window.
    expect(d!.authorizationExpiresAt!.getTime()).toBeGreaterThan(d!.captureAt.getTime());
  });

  test("a visit booked inside the cancellation window: the receipt quotes no deadline that has already passed", async () => {
    const f = await fixture();
    const holdId = await hold(f, 3, "browser:late");
    expect(await confirm(f, holdId, "browser:late", payment(f, { cardNumber: "4242424242424242" }))).toMatchObject({ ok: true });
    const visit = await confirmedVisit(testDb().forClinic(f.clinic.id), { ...f.clinic, name: "Test Clinic" }, holdId, f.patientId, null);
    expect(visit!.depositDetail!.text).not.toMatch(/Cancel before|released/);
    expect(visit!.depositDetail!.text).toMatch(/\$30\.00 is reserved on Visa •••• 4242\. The time to cancel for free has passed/);
    expect(visit!.cancellationPolicy).toMatch(/can no longer be cancelled or moved online/);
  });

  test("the expiry typed on a phone's keypad without a slash (1234) is read as 12/34", async () => {
    const f = await fixture();
    const holdId = await hold(f, 4 * 24, "browser:keypad");
    expect(await confirm(f, holdId, "browser:keypad", payment(f, { cardNumber: "4242424242424242", cardExpiry: "1234" }))).toMatchObject({ ok: true });
    const cards = await testDb().forPlatform().tx((tx) => listCards(tx, f.patientId, "demo"));
    expect(cards).toEqual([expect.objectContaining({ last4: "4242", expMonth: 12, expYear: 2034 })]);
  });

  test("further out the card is saved and the deposit waits until 5 days before", async () => {
    const f = await fixture();
    const holdId = await hold(f, 6 * 24, "browser:d");
    expect(await confirm(f, holdId, "browser:d", payment(f, { cardNumber: "5555555555554444" }))).toMatchObject({ ok: true });
    expect(await statusOf(f, holdId)).toMatchObject({ status: "confirmed", paymentStatus: "card_saved" });
    const d = await testDb().forClinic(f.clinic.id).tx((tx) => depositOf(tx, f.clinic.id, holdId));
    expect(d).toMatchObject({ status: "pending", intentRef: null, card: { brand: "mastercard", last4: "4444" } });
    const visit = await testDb().forClinic(f.clinic.id).tx((tx) => tx.appointment.findUniqueOrThrow({ where: { clinicId_id: { clinicId: f.clinic.id, id: holdId } } }));
    expect(d!.authorizeAt.toISOString()).toBe(new Date(visit.startsAt.getTime() - 5 * 24 * HOUR).toISOString());
  });

  test("a saved card is chosen by id, each booking gets its own hold on it, and someone else's card is refused", async () => {
    const f = await fixture();
    const first = await hold(f, 3 * 24, "browser:e");
    expect(await confirm(f, first, "browser:e", payment(f, { cardNumber: "4242424242424242" }))).toMatchObject({ ok: true });
    const card = (await testDb().forClinic(f.clinic.id).tx((tx) => depositOf(tx, f.clinic.id, first)))!.cardId!;
    const second = await hold(f, 3 * 24 + 2, "browser:e");
    expect(await confirm(f, second, "browser:e", payment(f, { card }))).toMatchObject({ ok: true });
    const [a, b] = await testDb()
      .forClinic(f.clinic.id)
      .tx((tx) => Promise.all([depositOf(tx, f.clinic.id, first), depositOf(tx, f.clinic.id, second)]));
    expect(b!.cardId).toBe(card);
    // Different holds, different keys: two separate authorizations.
    expect(b!.intentRef).not.toBe(a!.intentRef);
    // Someone else's card id is refused.
    const third = await hold(f, 3 * 24 + 4, "browser:e");
    expect(await confirm(f, third, "browser:e", payment(f, { card: "00000000-0000-4000-8000-000000000000" }))).toMatchObject({ ok: false, reason: "card" });
  });
});
