/**
 * What the desk hears when the schedule changes under booked visits, on the real database: a
 * declined request tells the patient the desk's reason in its own message; approving time off
 * flags the visits inside it as "needs moving" until each is moved or cancelled; removing a
 * schedule exception asks first and says what it reopens.
 */
import { afterAll, describe, expect, test } from "vitest";
import { runAppointmentAction } from "~/modules/front-desk/appointment-desk.server";
import { deskBoard } from "~/modules/front-desk/board.server";
import { deskCalendar, calendarQuery } from "~/modules/front-desk/calendar.server";
import { deskAppointments } from "~/modules/front-desk/desk-appointments.server";
import { sendQueuedDelivery } from "~/modules/messaging/notify.server";
import { approveTimeOff, requestTimeOff } from "~/modules/schedules/time-off.server";
import { addException, removeException } from "~/modules/schedules/weekly-schedule.server";
import type { Actor } from "~/lib/actor";
import { bookAppointment } from "~/modules/scheduling/booking.server";
import { cancelAppointment, rescheduleAppointment } from "~/modules/scheduling/appointment-changes.server";
import { findSlots } from "~/modules/scheduling/slots.server";
import { addDays, utcToZoned } from "~/lib/zoned-time";
import { NotFoundError } from "~/utils/errors.server";
import { testDb } from "../support/db";
import { insertAppointment, insertPatient, LINK_ENV, recordingMessenger } from "../support/messages";
import { createScheduleFixture, localInstant, type ScheduleFixture } from "../support/scheduling";

afterAll(() => testDb().disconnect());

const staff: Actor = { type: "staff", id: "00000000-0000-4000-8000-0000000000d1", request: null };
const names = new Map<string, string>();

const dayAhead = (f: ScheduleFixture, days: number) => addDays(utcToZoned(new Date(), f.clinic.timeZone).date, days);
const at = (f: ScheduleFixture, days: number, hhmm: string) => localInstant(f.clinic.timeZone, dayAhead(f, days), hhmm);
const book = (f: ScheduleFixture, doctorId: string, start: Date, patientAccountId = f.patientId) =>
  testDb()
    .forClinic(f.clinic.id)
    .tx((tx) => bookAppointment(tx, f.clinic, { serviceId: f.serviceId, practitionerId: doctorId, start, patient: { patientAccountId }, channel: "staff" }, staff));
const flagOf = (f: ScheduleFixture, id: string) =>
  testDb()
    .forClinic(f.clinic.id)
    .tx((tx) => tx.appointment.findUniqueOrThrow({ where: { clinicId_id: { clinicId: f.clinic.id, id } }, select: { needsMovingExceptionId: true } }))
    .then((r) => r.needsMovingExceptionId);

async function quietFreeClinic() {
  const f = await createScheduleFixture({ doctors: 2 });
  await testDb()
    .forClinic(f.clinic.id)
    .tx((tx) => tx.clinic.update({ where: { id: f.clinic.id }, data: { quietHoursStartMin: null, quietHoursEndMin: null } }));
  return f;
}

async function approvedTimeOff(f: ScheduleFixture, doctorId: string, days: number) {
  const day = dayAhead(f, days);
  const asked = await requestTimeOff(testDb().forClinic(f.clinic.id), f.clinic, doctorId, { kind: "sick_leave", note: "flu", startDate: day, startTime: "", endDate: day, endTime: "" }, staff);
  if (!asked.ok) throw new Error(JSON.stringify(asked));
  return approveTimeOff(testDb().forClinic(f.clinic.id), f.clinic, asked.id, "00000000-0000-4000-8000-0000000000d1", staff);
}

describe("a declined request", () => {
  test("tells the patient the desk's reason in the request-declined message, not the cancellation one", async () => {
    const f = await quietFreeClinic();
    // Quiet hours from now for two hours: the message waits in the queue, and is sent below.
    const nowMin = utcToZoned(new Date(), f.clinic.timeZone).minutes;
    await testDb()
      .forClinic(f.clinic.id)
      .tx((tx) => tx.clinic.update({ where: { id: f.clinic.id }, data: { quietHoursStartMin: nowMin, quietHoursEndMin: (nowMin + 120) % 1440 } }));
    const patient = await insertPatient(f, { email: null });
    const visit = await insertAppointment(f, { patientAccountId: patient.id, status: "requested" });
    const answer = await runAppointmentAction(testDb().forClinic(f.clinic.id), f.clinic, visit.id, { intent: "decline", reason: "Dr. Test is away that week" }, staff, names);
    expect(answer.ok).toBe(true);
    const rows = await testDb()
      .forClinic(f.clinic.id)
      .tx((tx) => tx.messageDelivery.findMany({ where: { appointmentId: visit.id } }));
    expect(rows.map((r) => r.kind)).toEqual(["request_declined"]);
    const messenger = recordingMessenger();
    for (const row of rows) await sendQueuedDelivery(testDb(), row.id, { messenger, env: LINK_ENV, clinicId: f.clinic.id, now: new Date(Date.now() + 3 * 3_600_000) });
    expect(messenger.sms).toHaveLength(1);
    expect(messenger.sms[0]!.body).toContain("Dr. Test is away that week.");
    expect(messenger.sms[0]!.body).not.toContain("is cancelled");
  });
});

describe("visits inside approved time off", () => {
  test("are flagged as needing a move on the desk and the calendar; others are not", async () => {
    const f = await quietFreeClinic();
    const [drA, drB] = f.doctorIds as [string, string];
    const inside = await book(f, drA, at(f, 10, "10:00"));
    const otherDoctor = await book(f, drB, at(f, 10, "10:00"), await f.newPatient());
    const otherDay = await book(f, drA, at(f, 11, "10:00"), await f.newPatient());
    const { exceptionId } = await approvedTimeOff(f, drA, 10);

    expect(await flagOf(f, inside.id)).toBe(exceptionId);
    expect(await flagOf(f, otherDoctor.id)).toBeNull();
    expect(await flagOf(f, otherDay.id)).toBeNull();

    const flagged = await testDb()
      .forClinic(f.clinic.id)
      .tx((tx) => deskAppointments(tx, f.clinic.id, { from: at(f, 0, "00:00"), to: at(f, 30, "00:00") }, { needsMoving: true }));
    expect(flagged.map((v) => [v.id, v.needsMoving])).toEqual([[inside.id, "Sick leave: flu"]]);

    const board = await deskBoard(testDb().forClinic(f.clinic.id), f.clinic, { day: dayAhead(f, 10), by: "doctor" }, staff);
    expect(board.needsMoving.map((v) => v.id)).toEqual([inside.id]);
    const cal = await deskCalendar(testDb().forClinic(f.clinic.id), f.clinic, calendarQuery.parse({ view: "week", date: dayAhead(f, 10), doctor: drA, needsMoving: "1" }), staff);
    expect(cal.columns.flatMap((c) => c.blocks.map((b) => [b.id, b.needsMoving]))).toEqual([[inside.id, "Sick leave: flu"]]);
  });

  test("the flag clears when the visit is moved out of the time off, or cancelled, or the time off is removed", async () => {
    const f = await quietFreeClinic();
    const [drA] = f.doctorIds as [string];
    const moved = await book(f, drA, at(f, 10, "10:00"));
    const cancelled = await book(f, drA, at(f, 10, "11:00"), await f.newPatient());
    const kept = await book(f, drA, at(f, 10, "12:00"), await f.newPatient());
    const { exceptionId } = await approvedTimeOff(f, drA, 10);
    for (const v of [moved, cancelled, kept]) expect(await flagOf(f, v.id)).toBe(exceptionId);

    const newVisit = await testDb()
      .forClinic(f.clinic.id)
      .tx((tx) => rescheduleAppointment(tx, f.clinic, { appointmentId: moved.id, start: at(f, 12, "10:00") }, staff));
    expect(await flagOf(f, moved.id)).toBeNull();
    expect(await flagOf(f, newVisit.id)).toBeNull();

    await testDb()
      .forClinic(f.clinic.id)
      .tx((tx) => cancelAppointment(tx, f.clinic, { appointmentId: cancelled.id, reason: "staff_unavailable" }, staff));
    expect(await flagOf(f, cancelled.id)).toBeNull();

    expect(await flagOf(f, kept.id)).toBe(exceptionId);
    await removeException(testDb().forClinic(f.clinic.id), f.clinic, exceptionId, staff, { confirmed: true });
    expect(await flagOf(f, kept.id)).toBeNull();
  });
});

describe("removing a schedule exception", () => {
  test("asks first, saying what it reopens; nothing changes until confirmed", async () => {
    const f = await quietFreeClinic();
    const day = dayAhead(f, 4);
    const window = { serviceId: f.serviceId, from: localInstant(f.clinic.timeZone, day, "00:00"), to: localInstant(f.clinic.timeZone, day, "23:59") };
    const added = await addException(testDb().forClinic(f.clinic.id), f.clinic, { kind: "closure", doctorId: null, locationId: null, start: localInstant(f.clinic.timeZone, day, "00:00"), end: localInstant(f.clinic.timeZone, addDays(day, 1), "00:00"), reason: "Public holiday" }, staff);
    expect(await findSlots(testDb().forClinic(f.clinic.id), f.clinic, window)).toEqual([]);

    const asked = await removeException(testDb().forClinic(f.clinic.id), f.clinic, added.id, staff, { confirmed: false });
    if (asked.removed) throw new Error("removed without confirmation");
    expect(asked.confirm.what).toMatch(/^Closure · Whole clinic · .*\(all day\) \(Public holiday\)$/);
    expect(asked.confirm.reopens).toMatch(/^Patients can book every doctor at every location again during /);
    expect(await testDb().forClinic(f.clinic.id).tx((tx) => tx.scheduleException.count({ where: { clinicId: f.clinic.id, id: added.id } }))).toBe(1);
    expect(await findSlots(testDb().forClinic(f.clinic.id), f.clinic, window)).toEqual([]);

    const done = await removeException(testDb().forClinic(f.clinic.id), f.clinic, added.id, staff, { confirmed: true });
    expect(done.removed).toBe(true);
    expect((await findSlots(testDb().forClinic(f.clinic.id), f.clinic, window)).length).toBeGreaterThan(0);
  });

  test("another clinic's exception is not found, asked about or removed", async () => {
    const f = await quietFreeClinic();
    const g = await quietFreeClinic();
    const added = await addException(testDb().forClinic(f.clinic.id), f.clinic, { kind: "time_off", doctorId: f.doctorIds[0]!, locationId: null, start: at(f, 5, "00:00"), end: at(f, 6, "00:00"), reason: "Training" }, staff);
    await expect(removeException(testDb().forClinic(g.clinic.id), g.clinic, added.id, staff, { confirmed: false })).rejects.toBeInstanceOf(NotFoundError);
    await expect(removeException(testDb().forClinic(g.clinic.id), g.clinic, added.id, staff, { confirmed: true })).rejects.toBeInstanceOf(NotFoundError);
    expect(await testDb().forClinic(f.clinic.id).tx((tx) => tx.scheduleException.count({ where: { clinicId: f.clinic.id, id: added.id } }))).toBe(1);
  });
});
