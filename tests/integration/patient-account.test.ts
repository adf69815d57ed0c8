/**
 * The patient's appointments page module against real PostgreSQL: the lists and their audit entry,
 * cancelling outside the window, and the refusal inside it naming the deadline on the clinic's clock.
 */
import { afterAll, describe, expect, test } from "vitest";
import { accountAppointments, cancelOwnAppointment, type AccountClinic } from "~/modules/patient-account/appointments.server";
import { formatDateTime } from "~/lib/format";
import type { Actor } from "~/lib/actor";
import { bookAppointment, getAppointment } from "~/modules/scheduling/booking.server";
import { rescheduleAppointment } from "~/modules/scheduling/appointment-changes.server";
import { addDays, utcToZoned } from "~/lib/zoned-time";
import { testDb } from "../support/db";
import { createScheduleFixture, localInstant, type ScheduleFixture } from "../support/scheduling";

afterAll(() => testDb().disconnect());

const staff: Actor = { type: "staff", id: "00000000-0000-4000-8000-000000000001" };

function at(f: ScheduleFixture, days: number, hhmm = "10:00") {
  const today = utcToZoned(new Date(), f.clinic.timeZone).date;
  return localInstant(f.clinic.timeZone, addDays(today, days), hhmm);
}

const book = (f: ScheduleFixture, start: Date, patientId = f.patientId) =>
  testDb()
    .forClinic(f.clinic.id)
    .tx((tx) => bookAppointment(tx, f.clinic, { serviceId: f.serviceId, practitionerId: f.doctorIds[0]!, start, patient: { patientAccountId: patientId }, channel: "staff" }, staff));

const clinicOf = (f: ScheduleFixture): AccountClinic => ({ ...f.clinic, name: "Test Clinic", contactPhone: "(212) 555-0100" });

describe("the patient's appointments", () => {
  test("lists only the patient's own visits and records the view in the audit log", async () => {
    const f = await createScheduleFixture({ doctors: 1 });
    const mine = await book(f, at(f, 5));
    await book(f, at(f, 5, "11:00"), await f.newPatient());
    const view = await accountAppointments(testDb().forClinic(f.clinic.id), clinicOf(f), f.patientId, null);
    expect(view.upcoming.map((a) => a.id)).toEqual([mine.id]);
    expect(view.upcoming[0]).toMatchObject({ serviceName: "Consultation", status: "Confirmed", price: "$100.00", canCancel: true, tooLate: null });
    expect(view.upcoming[0]!.when).toMatch(/\d{1,2}:\d{2} [AP]M E[SD]T$/);
    const audit = await testDb()
      .forClinic(f.clinic.id)
      .tx((tx) => tx.auditEvent.findMany({ where: { clinicId: f.clinic.id, action: "patient.appointments_viewed" } }));
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ actorType: "patient", actorId: f.patientId });
  });

  test("outside the window the patient cancels their own visit; someone else's is not found", async () => {
    const f = await createScheduleFixture({ doctors: 1 });
    const mine = await book(f, at(f, 5));
    const other = await f.newPatient();
    expect(await cancelOwnAppointment(testDb().forClinic(f.clinic.id), clinicOf(f), other, mine.id, null)).toEqual({ ok: false, message: "We could not find this appointment among yours." });
    expect(await cancelOwnAppointment(testDb().forClinic(f.clinic.id), clinicOf(f), f.patientId, mine.id, null)).toEqual({ ok: true, appointmentId: mine.id });
    const after = await testDb()
      .forClinic(f.clinic.id)
      .tx((tx) => getAppointment(tx, f.clinic, mine.id));
    expect(after).toMatchObject({ status: "cancelled", cancellation: { reason: "patient_request", note: null, by: `patient:${f.patientId}` } });
    // A cancelled visit leaves Upcoming for its own list.
    const view = await accountAppointments(testDb().forClinic(f.clinic.id), clinicOf(f), f.patientId, null);
    expect(view.upcoming).toEqual([]);
    expect(view.cancelled[0]).toMatchObject({ id: mine.id, status: "Cancelled", canCancel: false, tooLate: null, list: "cancelled", payment: "Nothing to pay" });
  });

  test("the reason a patient gives is kept for the clinic: illness as its own kind, the words as the note", async () => {
    const f = await createScheduleFixture({ doctors: 1 });
    const ill = await book(f, at(f, 5));
    const busy = await book(f, at(f, 6));
    const cancel = (id: string, why: Parameters<typeof cancelOwnAppointment>[5]) => cancelOwnAppointment(testDb().forClinic(f.clinic.id), clinicOf(f), f.patientId, id, null, why);
    expect(await cancel(ill.id, { reason: "ill" })).toMatchObject({ ok: true });
    expect(await cancel(busy.id, { reason: "plans_changed", note: "Travelling that week." })).toMatchObject({ ok: true });
    const read = (id: string) => testDb().forClinic(f.clinic.id).tx((tx) => getAppointment(tx, f.clinic, id));
    expect((await read(ill.id)).cancellation).toMatchObject({ reason: "illness", note: "I'm ill" });
    expect((await read(busy.id)).cancellation).toMatchObject({ reason: "patient_request", note: "My plans changed: Travelling that week." });
  });

  test("a moved visit is under cancelled and moved, with its new time, and not as if it held a deposit too", async () => {
    const f = await createScheduleFixture({ doctors: 1 });
    const first = await book(f, at(f, 5));
    const moved = await testDb()
      .forClinic(f.clinic.id)
      .tx((tx) => rescheduleAppointment(tx, f.clinic, { appointmentId: first.id, start: at(f, 6) }, staff));
    const view = await accountAppointments(testDb().forClinic(f.clinic.id), clinicOf(f), f.patientId, null);
    expect(view.upcoming.map((a) => a.id)).toEqual([moved.id]);
    expect(view.past).toEqual([]);
    expect(view.cancelled).toHaveLength(1);
    expect(view.cancelled[0]).toMatchObject({ id: first.id, status: "Moved to another time", movedTo: formatDateTime(at(f, 6), f.clinic.timeZone), payment: "Nothing to pay for this time", canCancel: false });
  });

  test("inside the 48-hour window it is too late: the answer names the local deadline and the phone number", async () => {
    const f = await createScheduleFixture({ doctors: 1 });
    // Tomorrow at 10:00 local always starts within 48 hours.
    const soon = await book(f, at(f, 1));
    const answer = await cancelOwnAppointment(testDb().forClinic(f.clinic.id), clinicOf(f), f.patientId, soon.id, null);
    const deadline = new Date(soon.start.getTime() - 48 * 3_600_000);
    expect(answer.ok).toBe(false);
    if (answer.ok) return;
    expect(answer.message).toContain(`until ${formatDateTime(deadline, f.clinic.timeZone)} (48 hours before it starts)`);
    expect(answer.message).toMatch(/until \w+day \d{1,2} \w+ \d{4}, \d{1,2}:\d{2} [AP]M E[SD]T/);
    expect(answer.message).toContain("(212) 555-0100");
    const still = await testDb()
      .forClinic(f.clinic.id)
      .tx((tx) => getAppointment(tx, f.clinic, soon.id));
    expect(still.status).toBe("confirmed");
    const view = await accountAppointments(testDb().forClinic(f.clinic.id), clinicOf(f), f.patientId, null);
    expect(view.upcoming[0]).toMatchObject({ canCancel: false, tooLate: answer.message });
  });
});
