/**
 * The desk's time grid on the real database: on New York's spring-forward day a column still
 * shows opening hours, the doctor's shift, break and time off at their wall-clock minutes, and a
 * closure reaches every doctor of the location; a move from the grid goes through the kernel
 * (a taken time is refused and nothing changes, inside the cancellation window a reason is
 * needed and recorded, the undo moves it back or says the old time was taken meanwhile), and the
 * page's action refuses another clinic's visit and a role without the calendar.
 */
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import type { Actor } from "~/lib/actor";
import { addDays, utcToZoned } from "~/lib/zoned-time";
import { calendarQuery, deskCalendar } from "~/modules/front-desk/calendar.server";
import { calendarMoveForm, moveOnCalendar } from "~/modules/front-desk/calendar-moves.server";
import { bookAppointment } from "~/modules/scheduling/booking.server";
import * as calendarPage from "~/routes/panel.calendar";
import { releaseAppDb, routeDbIsTestDb } from "../support/api-client";
import { testDb } from "../support/db";
import { callPanel, createPanelFixture, type PanelFixture } from "../support/panel-client";
import { createScheduleFixture, localInstant, type ScheduleFixture } from "../support/scheduling";

const staff: Actor = { type: "staff", id: "00000000-0000-4000-8000-0000000000d7" };
const NY = "America/New_York";

beforeAll(() => routeDbIsTestDb());
afterAll(async () => {
  await releaseAppDb();
});

const book = (f: ScheduleFixture, doctorId: string, start: Date, patientAccountId: string, now?: Date) =>
  testDb()
    .forClinic(f.clinic.id)
    .tx((tx) => bookAppointment(tx, f.clinic, { serviceId: f.serviceId, practitionerId: doctorId, start, patient: { patientAccountId }, channel: "staff" }, staff, now));

const move = (f: ScheduleFixture, form: Record<string, string>, now?: Date) => moveOnCalendar(testDb().forClinic(f.clinic.id), f.clinic, calendarMoveForm.parse(form), staff, now);

function dayAhead(f: ScheduleFixture, days: number) {
  return addDays(utcToZoned(new Date(), f.clinic.timeZone).date, days);
}

describe("hours, breaks, time off and closures on the grid", () => {
  test("on the spring-forward day the columns keep wall-clock minutes, and a closure reaches every doctor", async () => {
    const f = await createScheduleFixture({ timeZone: NY, doctors: 2, openingHours: { open: "08:00", close: "18:00" }, shift: { start: "09:00", end: "17:00", breaks: [{ start: "12:00", end: "12:30" }] }, service: { horizonDays: 400 } });
    const now = new Date("2027-03-01T12:00:00Z");
    const day = "2027-03-14"; // clocks go from 02:00 to 03:00
    const [dr1, dr2] = f.doctorIds as [string, string];
    await testDb()
      .forClinic(f.clinic.id)
      .tx(async (tx) => {
        await tx.scheduleException.create({ data: { clinicId: f.clinic.id, kind: "time_off", doctorId: dr1, startsAt: localInstant(NY, day, "10:00"), endsAt: localInstant(NY, day, "11:30"), reason: "Dentist" } });
        await tx.scheduleException.create({ data: { clinicId: f.clinic.id, kind: "closure", locationId: f.locationId, startsAt: localInstant(NY, day, "15:00"), endsAt: localInstant(NY, "2027-03-15", "00:00"), reason: "Staff training" } });
      });
    const visit = await book(f, dr2, localInstant(NY, day, "09:30"), f.patientId, now);

    const cal = await deskCalendar(testDb().forClinic(f.clinic.id), f.clinic, calendarQuery.parse({ date: day, step: "10" }), staff, now);
    expect(cal.query.step).toBe("10");
    const first = cal.columns.find((c) => c.key === dr1)!;
    const second = cal.columns.find((c) => c.key === dr2)!;
    expect(first.open).toEqual([{ from: 480, to: 1080 }]);
    expect(first.shifts).toEqual([{ from: 540, to: 1020 }]);
    expect(first.marks).toEqual([
      { from: 600, to: 690, kind: "time_off", label: "Time off: Dentist" },
      { from: 720, to: 750, kind: "break", label: "Break" },
      { from: 900, to: 1440, kind: "closure", label: "Clinic closed: Staff training" },
    ]);
    expect(second.marks.map((m) => m.kind)).toEqual(["break", "closure"]);
    expect(first.book).toEqual({ doctor: dr1, location: f.locationId, room: null });
    expect(second.blocks.map((b) => ({ id: b.id, top: b.top, bottom: b.bottom }))).toEqual([{ id: visit.id, top: 570, bottom: 600 }]);
    // The visit's instant is 13:30 UTC on this day (EDT), 14:30 the day before (EST).
    expect(visit.start.toISOString()).toBe("2027-03-14T13:30:00.000Z");
    expect(second.blocks[0]).toMatchObject({ patientName: "Pat Ient", serviceName: "Consultation", insideWindow: false, movable: true, current: false, intake: null });

    // By location: one column, opening hours and the closure, booking there names the location.
    const byLocation = await deskCalendar(testDb().forClinic(f.clinic.id), f.clinic, calendarQuery.parse({ date: day, by: "location" }), staff, now);
    expect(byLocation.columns).toHaveLength(1);
    expect(byLocation.columns[0]).toMatchObject({ book: { doctor: null, location: f.locationId, room: null }, open: [{ from: 480, to: 1080 }], shifts: null });
    expect(byLocation.columns[0]!.marks.map((m) => m.kind)).toEqual(["closure"]);

    // The week of the autumn change (a 25-hour Sunday): time off from Saturday 09:00 to Monday 00:00 covers the rest of Saturday and all of Sunday.
    const autumn = "2027-11-07";
    await testDb()
      .forClinic(f.clinic.id)
      .tx((tx) => tx.scheduleException.create({ data: { clinicId: f.clinic.id, kind: "time_off", doctorId: dr1, startsAt: localInstant(NY, "2027-11-06", "09:00"), endsAt: localInstant(NY, "2027-11-08", "00:00") } }));
    const week = await deskCalendar(testDb().forClinic(f.clinic.id), f.clinic, calendarQuery.parse({ view: "week", doctor: dr1, date: autumn }), staff, now);
    const marks = Object.fromEntries(week.columns.map((c) => [c.date, c.marks.filter((m) => m.kind === "time_off").map((m) => [m.from, m.to])]));
    expect(week.columns.map((c) => c.date)).toEqual(["2027-11-01", "2027-11-02", "2027-11-03", "2027-11-04", "2027-11-05", "2027-11-06", "2027-11-07"]);
    expect(marks["2027-11-05"]).toEqual([]);
    expect(marks["2027-11-06"]).toEqual([[540, 1440]]);
    expect(marks["2027-11-07"]).toEqual([[0, 1440]]);
  });
});

describe("moving a visit from the grid", () => {
  test("a taken time is refused and nothing changes; a free one moves, is audited, and undo moves it back", async () => {
    const f = await createScheduleFixture({ timeZone: NY, doctors: 2, service: { cancellationWindowMin: 60 } });
    const day = dayAhead(f, 5);
    const [dr1, dr2] = f.doctorIds as [string, string];
    const visit = await book(f, dr1, localInstant(NY, day, "10:00"), f.patientId);
    await book(f, dr2, localInstant(NY, day, "11:00"), await f.newPatient());

    const taken = await move(f, { intent: "move", appointmentId: visit.id, date: day, minute: "660", doctor: dr2 });
    expect(taken).toMatchObject({ ok: false, status: 409 });
    if (taken.ok) throw new Error("expected a refusal");
    expect(taken.message).toMatch(/11:00 is taken\. The visit stays at \w{3} \d{1,2} \w{3} 10:00\./);
    const still = await testDb().forClinic(f.clinic.id).tx((tx) => tx.appointment.findUniqueOrThrow({ where: { clinicId_id: { clinicId: f.clinic.id, id: visit.id } } }));
    expect(still.status).toBe("confirmed");

    const moved = await move(f, { intent: "move", appointmentId: visit.id, date: day, minute: "690", doctor: dr2 });
    if (!moved.ok) throw new Error(moved.message);
    expect(moved.message).toMatch(/^Moved to \w{3} \d{1,2} \w{3} 11:30$/);
    expect(moved.undo).toEqual({ appointmentId: moved.appointmentId, date: day, minute: 600, doctor: dr1, location: f.locationId, room: null });
    const row = await testDb().forClinic(f.clinic.id).tx((tx) => tx.appointment.findUniqueOrThrow({ where: { clinicId_id: { clinicId: f.clinic.id, id: moved.appointmentId } } }));
    expect(row).toMatchObject({ doctorId: dr2, startsAt: localInstant(NY, day, "11:30"), status: "confirmed" });
    const audits = await testDb().forClinic(f.clinic.id).tx((tx) => tx.auditEvent.findMany({ where: { clinicId: f.clinic.id, action: "appointment.moved_on_calendar" } }));
    expect(audits).toHaveLength(1);
    expect(audits[0]).toMatchObject({ targetId: moved.appointmentId, details: { previousAppointmentId: visit.id, previousDoctorId: dr1, doctorId: dr2 } });

    const back = await move(f, { intent: "undo", ...stringify(moved.undo) });
    if (!back.ok) throw new Error(back.message);
    expect(back.message).toMatch(/^Moved back to \w{3} \d{1,2} \w{3} 10:00$/);
    const restored = await testDb().forClinic(f.clinic.id).tx((tx) => tx.appointment.findUniqueOrThrow({ where: { clinicId_id: { clinicId: f.clinic.id, id: back.appointmentId } } }));
    expect(restored).toMatchObject({ doctorId: dr1, startsAt: localInstant(NY, day, "10:00"), bookingCode: row.bookingCode });
    expect(await testDb().forClinic(f.clinic.id).tx((tx) => tx.auditEvent.count({ where: { clinicId: f.clinic.id, action: "appointment.move_undone_on_calendar" } }))).toBe(1);
  });

  test("undo says so when the old time was taken meanwhile", async () => {
    const f = await createScheduleFixture({ timeZone: NY, doctors: 1, service: { cancellationWindowMin: 60 } });
    const day = dayAhead(f, 6);
    const visit = await book(f, f.doctorIds[0]!, localInstant(NY, day, "10:00"), f.patientId);
    const moved = await move(f, { intent: "move", appointmentId: visit.id, date: day, minute: "840" });
    if (!moved.ok) throw new Error(moved.message);
    await book(f, f.doctorIds[0]!, localInstant(NY, day, "10:00"), await f.newPatient());
    const back = await move(f, { intent: "undo", ...stringify(moved.undo) });
    expect(back).toMatchObject({ ok: false, status: 409 });
    if (back.ok) throw new Error("expected a refusal");
    expect(back.message).toMatch(/The old time, \w{3} \d{1,2} \w{3} 10:00, was taken meanwhile\. The visit stays at \w{3} \d{1,2} \w{3} 14:00\./);
  });

  test("inside the cancellation window a reason is required, then recorded", async () => {
    const f = await createScheduleFixture({ timeZone: NY, doctors: 1, service: { cancellationWindowMin: 2880 } });
    const day = dayAhead(f, 1);
    const visit = await book(f, f.doctorIds[0]!, localInstant(NY, day, "10:00"), f.patientId);
    const cal = await deskCalendar(testDb().forClinic(f.clinic.id), f.clinic, calendarQuery.parse({ date: day }), staff);
    expect(cal.columns[0]!.blocks[0]).toMatchObject({ id: visit.id, insideWindow: true });

    const refused = await move(f, { intent: "move", appointmentId: visit.id, date: day, minute: "840" });
    expect(refused).toMatchObject({ ok: false, field: "overrideReason", status: 422 });
    const moved = await move(f, { intent: "move", appointmentId: visit.id, date: day, minute: "840", overrideReason: "Patient's bus is on strike" });
    if (!moved.ok) throw new Error(moved.message);
    const audit = await testDb().forClinic(f.clinic.id).tx((tx) => tx.auditEvent.findMany({ where: { clinicId: f.clinic.id, action: { in: ["appointment.rescheduled_with_override", "appointment.moved_on_calendar"] } }, orderBy: { occurredAt: "asc" } }));
    expect(audit.map((a) => a.action).sort()).toEqual(["appointment.moved_on_calendar", "appointment.rescheduled_with_override"]);
    expect(audit.find((a) => a.action === "appointment.moved_on_calendar")!.details).toMatchObject({ reason: "Patient's bus is on strike" });
  });
});

describe("now on the grid", () => {
  test("the visit in progress is marked current and no longer movable; today and the minute of now come along", async () => {
    const f = await createScheduleFixture({ timeZone: NY, doctors: 1, service: { horizonDays: 400 } });
    const day = "2027-03-10";
    const visit = await book(f, f.doctorIds[0]!, localInstant(NY, day, "10:00"), f.patientId, new Date("2027-03-01T12:00:00Z"));
    const at = (hhmm: string) => deskCalendar(testDb().forClinic(f.clinic.id), f.clinic, calendarQuery.parse({}), staff, localInstant(NY, day, hhmm));
    const during = await at("10:10");
    expect(during).toMatchObject({ today: day, nowMinute: 610, date: day });
    expect(during.columns[0]!.blocks[0]).toMatchObject({ id: visit.id, current: true, movable: false });
    const before = await at("09:50");
    expect(before.columns[0]!.blocks[0]).toMatchObject({ current: false, movable: true, insideWindow: true });
  });
});

describe("moving between rooms", () => {
  test("a visit dropped on another room moves into it, and a taken room is refused with nothing changed", async () => {
    const f = await createScheduleFixture({ timeZone: NY, doctors: 2, rooms: { type: "therapy", count: 2 }, service: { roomType: "therapy", cancellationWindowMin: 60 } });
    const day = dayAhead(f, 5);
    const [dr1, dr2] = f.doctorIds as [string, string];
    const [room1, room2] = f.roomIds as [string, string];
    const visit = await book(f, dr1, localInstant(NY, day, "10:00"), f.patientId);
    const other = await book(f, dr2, localInstant(NY, day, "11:00"), await f.newPatient());
    // The kernel gave each a free room; the move goes to the one the visit is not in.
    const from = visit.roomId!;
    const to = from === room1 ? room2 : room1;
    expect(other.roomId).not.toBeNull();

    const byRoom = await deskCalendar(testDb().forClinic(f.clinic.id), f.clinic, calendarQuery.parse({ date: day, by: "room" }), staff);
    expect(byRoom.columns.map((c) => c.book)).toEqual([
      { doctor: null, location: f.locationId, room: room1 },
      { doctor: null, location: f.locationId, room: room2 },
    ]);

    const moved = await move(f, { intent: "move", appointmentId: visit.id, date: day, minute: "600", room: to });
    if (!moved.ok) throw new Error(moved.message);
    const row = await testDb().forClinic(f.clinic.id).tx((tx) => tx.appointment.findUniqueOrThrow({ where: { clinicId_id: { clinicId: f.clinic.id, id: moved.appointmentId } } }));
    expect(row).toMatchObject({ roomId: to, doctorId: dr1, startsAt: localInstant(NY, day, "10:00") });

    // The other doctor's visit has its room at 11:00; the whole move rolls back.
    const refused = await move(f, { intent: "move", appointmentId: moved.appointmentId, date: day, minute: "660", room: other.roomId! });
    expect(refused).toMatchObject({ ok: false, status: 409 });
    const still = await testDb().forClinic(f.clinic.id).tx((tx) => tx.appointment.findUniqueOrThrow({ where: { clinicId_id: { clinicId: f.clinic.id, id: moved.appointmentId } } }));
    expect(still).toMatchObject({ status: "confirmed", roomId: to });
  });
});

describe("the calendar page's move action", () => {
  let a: PanelFixture;
  let b: PanelFixture;
  beforeAll(async () => {
    [a, b] = await Promise.all([createPanelFixture({ doctors: 2, service: { cancellationWindowMin: 60 } }), createPanelFixture({ doctors: 2, service: { cancellationWindowMin: 60 } })]);
  });

  test("another clinic's visit is not found, and stays where it is", async () => {
    const day = dayAhead(b, 4);
    const bVisit = await book(b, b.doctorIds[0]!, localInstant(b.clinic.timeZone, day, "10:00"), b.patientId);
    const answer = await callPanel<{ ok: boolean; message: string }>(calendarPage, "/panel/calendar", { host: a.host, cookie: a.cookies.secretary, form: { intent: "move", appointmentId: bVisit.id, date: day, minute: "720", doctor: a.doctorIds[0]! } });
    expect(answer.status).toBe(404);
    expect(answer.data).toMatchObject({ ok: false, message: "There is no appointment with this id at this clinic." });
    const row = await testDb().forClinic(b.clinic.id).tx((tx) => tx.appointment.findUniqueOrThrow({ where: { clinicId_id: { clinicId: b.clinic.id, id: bVisit.id } } }));
    expect(row).toMatchObject({ status: "confirmed", startsAt: bVisit.start });
  });

  test("a doctor (no calendar permission) is refused; the secretary moves; bad input is a form message", async () => {
    const day = dayAhead(a, 4);
    const visit = await book(a, a.doctorIds[0]!, localInstant(a.clinic.timeZone, day, "10:00"), a.patientId);
    const form = { intent: "move", appointmentId: visit.id, date: day, minute: "780", doctor: a.doctorIds[0]! };
    const refused = await callPanel(calendarPage, "/panel/calendar", { host: a.host, cookie: a.cookies.doctor, form });
    expect(refused.status).toBe(403);
    const unchanged = await testDb().forClinic(a.clinic.id).tx((tx) => tx.appointment.findUniqueOrThrow({ where: { clinicId_id: { clinicId: a.clinic.id, id: visit.id } } }));
    expect(unchanged.status).toBe("confirmed");

    const bad = await callPanel<{ ok: boolean; field: string }>(calendarPage, "/panel/calendar", { host: a.host, cookie: a.cookies.secretary, form: { ...form, minute: "1500" } });
    expect(bad.status).toBe(400);
    expect(bad.data).toMatchObject({ ok: false, field: "minute" });

    const done = await callPanel<{ ok: boolean; message: string }>(calendarPage, "/panel/calendar", { host: a.host, cookie: a.cookies.secretary, form });
    expect(done.status).toBe(200);
    expect(done.data.message).toMatch(/^Moved to \w{3} \d{1,2} \w{3} 13:00$/);

    const page = await callPanel(calendarPage, `/panel/calendar?date=${day}&step=5&colour=service`, { host: a.host, cookie: a.cookies.doctor });
    expect(page.status).toBe(403);
  });
});

function stringify(undo: { appointmentId: string; date: string; minute: number; doctor: string; location: string; room: string | null }): Record<string, string> {
  return { appointmentId: undo.appointmentId, date: undo.date, minute: String(undo.minute), doctor: undo.doctor, location: undo.location, ...(undo.room ? { room: undo.room } : {}) };
}
