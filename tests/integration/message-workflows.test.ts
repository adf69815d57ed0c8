/**
 * The message workflows, run with @inngest/test's InngestTestEngine against the real database.
 * Sleeps are mocked (they return at once); each step reads and writes the database as in
 * production, and messages land in the development outbox (no provider is configured).
 */
import { InngestTestEngine } from "@inngest/test";
import { afterAll, beforeAll, describe, expect, inject, test } from "vitest";
import { getDb } from "~/utils/db.server";
import { resetEnvCache } from "~/utils/env.server";
import { appointmentCancellation } from "~/workflows/appointment-cancellation.server";
import { appointmentChange } from "~/workflows/appointment-change.server";
import { appointmentConfirmation } from "~/workflows/appointment-confirmation.server";
import { CONFIRMATION_DELAY } from "~/workflows/appointment-messages.server";
import { appointmentReminders, planReminders } from "~/workflows/appointment-reminders.server";
import { flexibleRequestMessages } from "~/workflows/flexible-request-messages.server";
import { testDb } from "../support/db";
import { insertAppointment, insertPatient } from "../support/messages";
import { createScheduleFixture, type ScheduleFixture } from "../support/scheduling";

beforeAll(() => {
  // The workflows use the server's database (getDb): point it at the test database.
  process.env.DATABASE_URL = inject("runtimeUrl");
  process.env.MIGRATE_DATABASE_URL = inject("ownerUrl");
  resetEnvCache();
});
afterAll(async () => {
  await getDb().disconnect();
  await testDb().disconnect();
});

const HOUR = 3_600_000;

async function clinic(offsets?: number[]) {
  const f = await createScheduleFixture();
  // No quiet hours here: the mocked sleeps make every step run now, whatever the hour.
  await testDb()
    .forClinic(f.clinic.id)
    .tx((tx) => tx.clinic.update({ where: { id: f.clinic.id }, data: { quietHoursStartMin: null, quietHoursEndMin: null, ...(offsets ? { reminderOffsetsMin: offsets } : {}) } }));
  return f;
}

async function booked(f: ScheduleFixture, start = new Date(Date.now() + 3 * 24 * HOUR)) {
  const patient = await insertPatient(f, { emailMessages: false });
  const a = await insertAppointment(f, { patientAccountId: patient.id, start });
  return { patient, a, data: eventData(f, a.id, a.startsAt, patient.id) };
}

function eventData(f: ScheduleFixture, appointmentId: string, start: Date, patientAccountId: string, rescheduledFromId: string | null = null) {
  return { clinicId: f.clinic.id, appointmentId, status: "confirmed", start: start.toISOString(), patientAccountId, dependentId: null, rescheduledFromId, actor: { type: "staff", id: null } };
}

const deliveries = (f: ScheduleFixture, appointmentIds: string[]) =>
  testDb()
    .forClinic(f.clinic.id)
    .tx((tx) => tx.messageDelivery.findMany({ where: { appointmentId: { in: appointmentIds } }, orderBy: { createdAt: "asc" } }));

const outboxFor = (phone: string) =>
  testDb()
    .system("test")
    .tx((tx) => tx.devOutboxMessage.findMany({ where: { recipient: phone } }));

// A new array every time: the engine appends the steps it ran to the array it is given.
const sleepsMocked = (...ids: string[]) => ids.map((id) => ({ id, handler() {} }));
const reminderSleeps = () => sleepsMocked("wait-for-reminder-1440", "wait-for-reminder-120");

async function update(f: ScheduleFixture, id: string, data: Record<string, unknown>) {
  await testDb()
    .forClinic(f.clinic.id)
    .tx((tx) => tx.appointment.update({ where: { clinicId_id: { clinicId: f.clinic.id, id } }, data }));
}

/** What booking.server.ts does on a reschedule, as far as the messages care: old row moved, new row booked. */
async function reschedule(f: ScheduleFixture, old: { id: string }, patientAccountId: string, start: Date) {
  const moved = await insertAppointment(f, { patientAccountId, start, rescheduledFromId: old.id });
  await update(f, old.id, { status: "rescheduled", rescheduledToId: moved.id });
  return moved;
}

describe("appointment-reminders", () => {
  test("planReminders: a day and two hours before, earliest first; offsets already past are skipped", () => {
    const start = new Date("2026-12-10T15:00:00Z");
    expect(planReminders(start, [120, 1440], new Date("2026-12-01T00:00:00Z"))).toEqual([
      { offsetMin: 1440, at: "2026-12-09T15:00:00.000Z" },
      { offsetMin: 120, at: "2026-12-10T13:00:00.000Z" },
    ]);
    expect(planReminders(start, [1440, 120], new Date("2026-12-10T00:00:00Z"))).toEqual([{ offsetMin: 120, at: "2026-12-10T13:00:00.000Z" }]);
    expect(planReminders(start, [1440, 120], new Date("2026-12-10T14:00:00Z"))).toEqual([]);
  });

  test("a booking schedules two reminders, at start − 24 h and start − 2 h, and sends each once", async () => {
    const f = await clinic();
    const { a, data, patient } = await booked(f);
    const t = new InngestTestEngine({ function: appointmentReminders, events: [{ name: "appointment.booked", data }] });
    const { ctx, result } = await t.execute({ steps: reminderSleeps() });

    expect(ctx.step.sleepUntil.mock.calls.map((c: unknown[]) => [c[0], c[1]])).toEqual([
      ["wait-for-reminder-1440", new Date(a.startsAt.getTime() - 24 * HOUR).toISOString()],
      ["wait-for-reminder-120", new Date(a.startsAt.getTime() - 2 * HOUR).toISOString()],
    ]);
    expect(result).toMatchObject({ planned: 2, outcomes: [{ offsetMin: 1440, sent: true }, { offsetMin: 120, sent: true }] });
    const rows = await deliveries(f, [a.id]);
    expect(rows.map((r) => [r.kind, r.dedupeKey, r.status])).toEqual([
      ["reminder", `reminder:${a.id}:1440:sms`, "sent"],
      ["reminder", `reminder:${a.id}:120:sms`, "sent"],
    ]);
    expect(await outboxFor(patient.phone)).toHaveLength(2);
  });

  test("the clinic's own offsets are used", async () => {
    const f = await clinic([2880]);
    const { data } = await booked(f);
    const { ctx } = await new InngestTestEngine({ function: appointmentReminders, events: [{ name: "appointment.booked", data }] }).execute({ steps: sleepsMocked("wait-for-reminder-2880") });
    expect(ctx.step.sleepUntil.mock.calls.map((c: unknown[]) => c[0])).toEqual(["wait-for-reminder-2880"]);
  });

  test("a retried step, or the whole run again, never sends a reminder twice", async () => {
    const f = await clinic();
    const { a, data, patient } = await booked(f);
    const t = new InngestTestEngine({ function: appointmentReminders, events: [{ name: "appointment.booked", data }] });
    await t.execute({ steps: reminderSleeps() });
    await t.execute({ steps: reminderSleeps() });
    const again = await t.executeStep("send-reminder-120", { steps: reminderSleeps() });
    expect(again.error).toBeUndefined();
    expect(await deliveries(f, [a.id])).toHaveLength(2);
    expect(await outboxFor(patient.phone)).toHaveLength(2);
  });

  test("a reminder step for an appointment cancelled meanwhile sends nothing", async () => {
    const f = await clinic();
    const { a, data, patient } = await booked(f);
    await update(f, a.id, { status: "cancelled", cancellationReason: "patient_request", cancelledAt: new Date() });
    const { result } = await new InngestTestEngine({ function: appointmentReminders, events: [{ name: "appointment.booked", data }] }).executeStep("send-reminder-1440", { steps: reminderSleeps() });
    expect(result).toMatchObject({ sent: false, reason: "appointment is cancelled" });
    expect(await deliveries(f, [a.id])).toHaveLength(0);
    expect(await outboxFor(patient.phone)).toHaveLength(0);
  });

  test("a reminder step for an appointment moved meanwhile sends nothing; the new appointment's run reminds for the new time", async () => {
    const f = await clinic();
    const { a, data, patient } = await booked(f);
    const moved = await reschedule(f, a, patient.id, new Date(a.startsAt.getTime() + 26 * HOUR));
    const oldRun = await new InngestTestEngine({ function: appointmentReminders, events: [{ name: "appointment.booked", data }] }).execute({ steps: reminderSleeps() });
    expect(oldRun.result).toMatchObject({ outcomes: [{ sent: false }, { sent: false }] });

    // The same start on a row whose time changed in place counts as moved too.
    await update(f, moved.id, { startsAt: new Date(moved.startsAt.getTime() + HOUR), endsAt: new Date(moved.startsAt.getTime() + 90 * 60_000), blockedFrom: new Date(moved.startsAt.getTime() + HOUR), blockedTo: new Date(moved.startsAt.getTime() + 90 * 60_000) });
    const stale = await new InngestTestEngine({ function: appointmentReminders, events: [{ name: "appointment.rescheduled", data: eventData(f, moved.id, moved.startsAt, patient.id, a.id) }] }).executeStep(
      "send-reminder-120",
      { steps: reminderSleeps() },
    );
    expect(stale.result).toMatchObject({ sent: false, reason: "appointment moved" });

    const newStart = new Date(moved.startsAt.getTime() + HOUR);
    const newRun = await new InngestTestEngine({ function: appointmentReminders, events: [{ name: "appointment.rescheduled", data: eventData(f, moved.id, newStart, patient.id, a.id) }] }).execute({ steps: reminderSleeps() });
    expect(newRun.ctx.step.sleepUntil.mock.calls.map((c: unknown[]) => c[1])).toEqual([new Date(newStart.getTime() - 24 * HOUR).toISOString(), new Date(newStart.getTime() - 2 * HOUR).toISOString()]);
    expect((await deliveries(f, [a.id, moved.id])).map((r) => r.appointmentId)).toEqual([moved.id, moved.id]);
  });

  test("cancelOn: cancelled, moved from, no-show and declined, each matching this appointment", () => {
    expect(appointmentReminders.opts.cancelOn).toEqual([
      { event: "appointment.cancelled", if: "async.data.appointmentId == event.data.appointmentId" },
      { event: "appointment.rescheduled", if: "async.data.rescheduledFromId == event.data.appointmentId" },
      { event: "appointment.no_show", if: "async.data.appointmentId == event.data.appointmentId" },
      { event: "appointment.declined", if: "async.data.appointmentId == event.data.appointmentId" },
    ]);
    expect(appointmentReminders.opts.triggers).toEqual([{ event: "appointment.booked" }, { event: "appointment.confirmed" }, { event: "appointment.rescheduled" }]);
  });
});

describe("confirmation, change and cancellation messages", () => {
  const confirmSleep = () => sleepsMocked("wait-for-corrections");

  test("the confirmation waits the short delay and is cancelled by a cancellation or a move of this appointment", async () => {
    expect(CONFIRMATION_DELAY).toBe("2m");
    expect(appointmentConfirmation.opts.cancelOn).toEqual([
      { event: "appointment.cancelled", if: "async.data.appointmentId == event.data.appointmentId" },
      { event: "appointment.rescheduled", if: "async.data.rescheduledFromId == event.data.appointmentId" },
    ]);
    const f = await clinic();
    const { a, data } = await booked(f);
    const { ctx, result } = await new InngestTestEngine({ function: appointmentConfirmation, events: [{ name: "appointment.booked", data }] }).execute({ steps: confirmSleep() });
    expect(ctx.step.sleep).toHaveBeenCalledWith("wait-for-corrections", "2m");
    expect(result).toMatchObject({ sent: true });
    expect((await deliveries(f, [a.id])).map((r) => r.kind)).toEqual(["booking_confirmation"]);
  });

  test("booked, then moved within the delay: ONE message, a confirmation for the new time", async () => {
    const f = await clinic();
    const { a, data, patient } = await booked(f);
    const moved = await reschedule(f, a, patient.id, new Date(a.startsAt.getTime() + 5 * HOUR));
    // Inngest cancels the first run on the move; even if its step ran, the old row is no longer booked.
    const first = await new InngestTestEngine({ function: appointmentConfirmation, events: [{ name: "appointment.booked", data }] }).execute({ steps: confirmSleep() });
    expect(first.result).toMatchObject({ sent: false });
    const change = await new InngestTestEngine({ function: appointmentChange, events: [{ name: "appointment.rescheduled", data: eventData(f, moved.id, moved.startsAt, patient.id, a.id) }] }).execute({
      steps: confirmSleep(),
    });
    expect(change.result).toMatchObject({ sent: true, kind: "booking_confirmation" });
    expect((await deliveries(f, [a.id, moved.id])).map((r) => [r.appointmentId, r.kind])).toEqual([[moved.id, "booking_confirmation"]]);
    const sms = await outboxFor(patient.phone);
    expect(sms).toHaveLength(1);
    expect(sms[0]!.purpose).toBe("booking-confirmation");
  });

  test("moved after the confirmation went out: a change message", async () => {
    const f = await clinic();
    const { a, data, patient } = await booked(f);
    await new InngestTestEngine({ function: appointmentConfirmation, events: [{ name: "appointment.booked", data }] }).execute({ steps: confirmSleep() });
    const moved = await reschedule(f, a, patient.id, new Date(a.startsAt.getTime() + 5 * HOUR));
    const change = await new InngestTestEngine({ function: appointmentChange, events: [{ name: "appointment.rescheduled", data: eventData(f, moved.id, moved.startsAt, patient.id, a.id) }] }).execute({
      steps: confirmSleep(),
    });
    expect(change.result).toMatchObject({ sent: true, kind: "booking_change" });
    expect((await outboxFor(patient.phone)).map((m) => m.purpose).sort()).toEqual(["booking-change", "booking-confirmation"]);
  });

  test("a cancellation is sent once; a patient's own cancellation of a visit never confirmed sends nothing", async () => {
    const f = await clinic();
    const { a, data, patient } = await booked(f);
    await new InngestTestEngine({ function: appointmentConfirmation, events: [{ name: "appointment.booked", data }] }).execute({ steps: confirmSleep() });
    await update(f, a.id, { status: "cancelled", cancellationReason: "patient_request", cancelledAt: new Date() });
    const cancelled = new InngestTestEngine({ function: appointmentCancellation, events: [{ name: "appointment.cancelled", data: { ...data, status: "cancelled", actor: { type: "patient", id: patient.id } } }] });
    await cancelled.execute();
    await cancelled.execute();
    expect((await outboxFor(patient.phone)).map((m) => m.purpose).sort()).toEqual(["booking-confirmation", "cancellation"]);

    const quick = await booked(f);
    await update(f, quick.a.id, { status: "cancelled", cancellationReason: "patient_request", cancelledAt: new Date() });
    const { result } = await new InngestTestEngine({
      function: appointmentCancellation,
      events: [{ name: "appointment.cancelled", data: { ...quick.data, status: "cancelled", actor: { type: "patient", id: quick.patient.id } } }],
    }).execute();
    expect(result).toMatchObject({ sent: false });
    expect(await outboxFor(quick.patient.phone)).toHaveLength(0);
  });
});

describe("flexible-request-messages", () => {
  test("a waitlist offer tells the patient the time and until when it is held", async () => {
    const f = await clinic();
    const patient = await insertPatient(f, { emailMessages: false });
    const start = new Date("2027-01-12T15:00:00Z");
    const data = {
      clinicId: f.clinic.id,
      requestId: crypto.randomUUID(),
      status: "offered",
      patientAccountId: patient.id,
      dependentId: null,
      serviceId: f.serviceId,
      proposal: { kind: "offer", start: start.toISOString(), practitionerId: f.doctorIds[0], locationId: f.locationId, expiresAt: "2027-01-10T20:30:00.000Z" },
    };
    const { result } = await new InngestTestEngine({ function: flexibleRequestMessages, events: [{ name: "flexible_request.offered", data }] }).execute();
    expect(result).toMatchObject({ sent: true, kind: "waitlist_offer" });
    const [sms] = await outboxFor(patient.phone);
    expect(sms!.body).toContain("a time opened up for you: Consultation on Tue, Jan 12 at 10:00 AM with Dr. Test 1");
    expect(sms!.body).toContain("accept by Sun, Jan 10, 3:30 PM");
    expect(sms!.body).toContain("/account/requests");
  });
});
