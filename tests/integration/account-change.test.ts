/**
 * The patient's appointment page and changing a visit from the account, against real PostgreSQL:
 * a move outside the window (old row `rescheduled` and linked), the refusal at the deadline itself,
 * someone else's visit not found, and a time that is no longer there leaving everything as it was.
 */
import { afterAll, describe, expect, test } from "vitest";
import { formatDateTime } from "~/lib/format";
import { appointmentPage } from "~/modules/patient-account/appointment-page.server";
import type { AccountClinic } from "~/modules/patient-account/appointments.server";
import { changeView, confirmChange, holdChangeTime } from "~/modules/patient-account/change.server";
import type { Actor } from "~/lib/actor";
import { bookAppointment, getAppointment, HOLD_MINUTES } from "~/modules/scheduling/booking.server";
import { addDays, utcToZoned } from "~/lib/zoned-time";
import { testDb } from "../support/db";
import { createScheduleFixture, localInstant, type ScheduleFixture } from "../support/scheduling";

afterAll(() => testDb().disconnect());

const staff: Actor = { type: "staff", id: "00000000-0000-4000-8000-000000000001" };
const BROWSER = "browser:test-browser-token-000000000000000000";

function at(f: ScheduleFixture, days: number, hhmm = "10:00") {
  const today = utcToZoned(new Date(), f.clinic.timeZone).date;
  return localInstant(f.clinic.timeZone, addDays(today, days), hhmm);
}

const book = (f: ScheduleFixture, start: Date, patientId = f.patientId, doctor = 0) =>
  testDb()
    .forClinic(f.clinic.id)
    .tx((tx) => bookAppointment(tx, f.clinic, { serviceId: f.serviceId, practitionerId: f.doctorIds[doctor]!, start, patient: { patientAccountId: patientId }, channel: "clinic_site" }, staff));

const read = (f: ScheduleFixture, id: string) =>
  testDb()
    .forClinic(f.clinic.id)
    .tx((tx) => getAppointment(tx, f.clinic, id));

const auditActions = (f: ScheduleFixture) =>
  testDb()
    .forClinic(f.clinic.id)
    .tx((tx) => tx.auditEvent.findMany({ where: { clinicId: f.clinic.id }, orderBy: { occurredAt: "asc" } }))
    .then((rows) => rows.map((r) => ({ action: r.action, actorId: r.actorId, targetId: r.targetId })));

const clinicOf = (f: ScheduleFixture): AccountClinic => ({ ...f.clinic, name: "Test Clinic", contactPhone: "(212) 555-0100" });

describe("the appointment page", () => {
  test("shows the patient's own visit with its deadline and history, audited; another patient's id is not found", async () => {
    const f = await createScheduleFixture({ doctors: 1 });
    const mine = await book(f, at(f, 6));
    const page = await appointmentPage(testDb().forClinic(f.clinic.id), clinicOf(f), f.patientId, mine.id, null);
    expect(page).toMatchObject({ id: mine.id, serviceName: "Consultation", status: "Confirmed", patientName: "Pat Ient", doctorName: "Dr. Test 1", price: "$100.00", canChange: true, tooLate: null, timeZone: "America/New_York" });
    expect(page!.location).toMatchObject({ name: "Main site" });
    expect(page!.cancellationPolicy).toContain(`until ${formatDateTime(mine.cancellationDeadline, f.clinic.timeZone)} (2 days before it starts)`);
    expect(page!.history.map((h) => h.text)).toEqual(["Booked (confirmed) by the clinic"]);

    const other = await f.newPatient();
    expect(await appointmentPage(testDb().forClinic(f.clinic.id), clinicOf(f), other, mine.id, null)).toBeNull();
    expect(await appointmentPage(testDb().forClinic(f.clinic.id), clinicOf(f), f.patientId, "not-a-uuid", null)).toBeNull();
    // Only the successful view is in the log, with who looked.
    expect((await auditActions(f)).filter((a) => a.action === "patient.appointment_viewed")).toEqual([{ action: "patient.appointment_viewed", actorId: f.patientId, targetId: mine.id }]);
  });
});

describe("changing a visit", () => {
  test("outside the window: the held new time replaces the old one in one step, linked both ways", async () => {
    const f = await createScheduleFixture({ doctors: 2 });
    const old = await book(f, at(f, 6));
    const newStart = at(f, 8, "14:00");
    const held = await holdChangeTime(testDb().forClinic(f.clinic.id), clinicOf(f), f.patientId, old.id, { doctor: "any", practitionerId: f.doctorIds[1]!, start: newStart, heldBy: BROWSER });
    expect(held.ok).toBe(true);
    if (!held.ok) return;

    const view = await changeView(testDb().forClinic(f.clinic.id), clinicOf(f), f.patientId, old.id, { doctor: "any", hold: held.holdId }, BROWSER, null);
    expect(view.kind).toBe("review");
    if (view.kind !== "review") return;
    expect(view.review).toMatchObject({ oldWhen: formatDateTime(old.start, f.clinic.timeZone), newWhen: formatDateTime(newStart, f.clinic.timeZone), oldDoctor: "Dr. Test 1", newDoctor: "Dr. Test 2" });
    expect(view.review.newPolicy).toContain(formatDateTime(new Date(newStart.getTime() - 48 * 3_600_000), f.clinic.timeZone));

    const answer = await confirmChange(testDb().forClinic(f.clinic.id), clinicOf(f), f.patientId, old.id, held.holdId, BROWSER, null);
    expect(answer.ok).toBe(true);
    if (!answer.ok) return;
    const moved = await read(f, answer.appointmentId);
    expect(moved).toMatchObject({ status: "confirmed", practitionerId: f.doctorIds[1], rescheduledFromId: old.id, priceMinor: old.priceMinor });
    expect(moved.start).toEqual(newStart);
    expect(await read(f, old.id)).toMatchObject({ status: "rescheduled", rescheduledToId: moved.id });
    const actions = (await auditActions(f)).map((a) => a.action);
    expect(actions).toContain("appointment.rescheduled");
    expect(actions).toContain("patient.appointment_change_viewed");

    // The new page links back, and the old one says where it went.
    const page = await appointmentPage(testDb().forClinic(f.clinic.id), clinicOf(f), f.patientId, moved.id, null);
    expect(page!.movedFrom).toEqual({ id: old.id, when: formatDateTime(old.start, f.clinic.timeZone) });
    expect(page!.history.map((h) => h.text)).toEqual(["Moved to this time by you"]);
    const oldPage = await appointmentPage(testDb().forClinic(f.clinic.id), clinicOf(f), f.patientId, old.id, null);
    expect(oldPage).toMatchObject({ status: "Moved to another time", canChange: false, tooLate: null, movedTo: { id: moved.id } });
  });

  test("at the deadline itself it is too late: the page explains the local deadline and the phone, and confirming changes nothing", async () => {
    const f = await createScheduleFixture({ doctors: 1 });
    const visit = await book(f, at(f, 6));
    const held = await holdChangeTime(testDb().forClinic(f.clinic.id), clinicOf(f), f.patientId, visit.id, { doctor: "any", practitionerId: f.doctorIds[0]!, start: at(f, 7), heldBy: BROWSER });
    expect(held.ok).toBe(true);
    if (!held.ok) return;
    const deadline = visit.cancellationDeadline;

    const view = await changeView(testDb().forClinic(f.clinic.id), clinicOf(f), f.patientId, visit.id, {}, BROWSER, null, deadline);
    expect(view.kind).toBe("closed");
    if (view.kind !== "closed") return;
    expect(view.reason).toContain(`It is too late to change or cancel this visit online: that was possible until ${formatDateTime(deadline, f.clinic.timeZone)} (48 hours before it starts)`);
    expect(view.reason).toContain("(212) 555-0100");

    // One millisecond earlier it was still allowed.
    expect((await changeView(testDb().forClinic(f.clinic.id), clinicOf(f), f.patientId, visit.id, {}, BROWSER, null, new Date(deadline.getTime() - 1))).kind).toBe("steps");

    const answer = await confirmChange(testDb().forClinic(f.clinic.id), clinicOf(f), f.patientId, visit.id, held.holdId, BROWSER, null, deadline);
    expect(answer).toMatchObject({ ok: false, reason: "closed" });
    expect(await read(f, visit.id)).toMatchObject({ status: "confirmed", rescheduledToId: null });
    expect(await holdChangeTime(testDb().forClinic(f.clinic.id), clinicOf(f), f.patientId, visit.id, { doctor: "any", practitionerId: f.doctorIds[0]!, start: at(f, 9), heldBy: BROWSER }, deadline)).toEqual({ ok: false, reason: "closed" });
  });

  test("another patient's visit cannot be viewed, held for or moved", async () => {
    const f = await createScheduleFixture({ doctors: 1 });
    const visit = await book(f, at(f, 6));
    const intruder = await f.newPatient();
    expect((await changeView(testDb().forClinic(f.clinic.id), clinicOf(f), intruder, visit.id, {}, BROWSER, null)).kind).toBe("not-found");
    expect(await holdChangeTime(testDb().forClinic(f.clinic.id), clinicOf(f), intruder, visit.id, { doctor: "any", practitionerId: f.doctorIds[0]!, start: at(f, 7), heldBy: BROWSER })).toEqual({ ok: false, reason: "not-found" });

    // Even holding a time of their own, they cannot move someone else's visit onto it.
    const own = await holdChangeTime(testDb().forClinic(f.clinic.id), clinicOf(f), f.patientId, visit.id, { doctor: "any", practitionerId: f.doctorIds[0]!, start: at(f, 7), heldBy: BROWSER });
    if (!own.ok) throw new Error("hold failed");
    expect(await confirmChange(testDb().forClinic(f.clinic.id), clinicOf(f), intruder, visit.id, own.holdId, BROWSER, null)).toEqual({ ok: false, reason: "not-found" });
    expect(await read(f, visit.id)).toMatchObject({ status: "confirmed", rescheduledToId: null });
  });

  test("a time someone else took: holding it is refused, and a lapsed hold whose time was booked changes nothing", async () => {
    const f = await createScheduleFixture({ doctors: 1 });
    const visit = await book(f, at(f, 6));
    const other = await f.newPatient();
    const takenStart = at(f, 7);
    await book(f, takenStart, other);
    expect(await holdChangeTime(testDb().forClinic(f.clinic.id), clinicOf(f), f.patientId, visit.id, { doctor: "any", practitionerId: f.doctorIds[0]!, start: takenStart, heldBy: BROWSER })).toEqual({ ok: false, reason: "taken" });

    // The patient holds a time, lets the hold run out, someone else books it, then confirms.
    const start = at(f, 8);
    const held = await holdChangeTime(testDb().forClinic(f.clinic.id), clinicOf(f), f.patientId, visit.id, { doctor: "any", practitionerId: f.doctorIds[0]!, start, heldBy: BROWSER });
    if (!held.ok) throw new Error("hold failed");
    // The hold ran out (as if HOLD_MINUTES had passed); the database lets the next writer have the time.
    await testDb()
      .forClinic(f.clinic.id)
      .tx((tx) => tx.appointment.update({ where: { clinicId_id: { clinicId: f.clinic.id, id: held.holdId } }, data: { holdExpiresAt: new Date(Date.now() - (HOLD_MINUTES + 1) * 60_000) } }));
    await book(f, start, other);
    expect(await confirmChange(testDb().forClinic(f.clinic.id), clinicOf(f), f.patientId, visit.id, held.holdId, BROWSER, null)).toEqual({ ok: false, reason: "expired" });
    expect(await read(f, visit.id)).toMatchObject({ status: "confirmed", rescheduledToId: null });
    expect((await read(f, visit.id)).start).toEqual(visit.start);
    // A hold from another browser is not this patient's to confirm.
    const again = await holdChangeTime(testDb().forClinic(f.clinic.id), clinicOf(f), f.patientId, visit.id, { doctor: "any", practitionerId: f.doctorIds[0]!, start: at(f, 9), heldBy: BROWSER });
    if (!again.ok) throw new Error("hold failed");
    expect(await confirmChange(testDb().forClinic(f.clinic.id), clinicOf(f), f.patientId, visit.id, again.holdId, "browser:someone-else-entirely-0000000000000", null)).toEqual({ ok: false, reason: "expired" });
  });
});
