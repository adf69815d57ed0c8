/**
 * The front desk's rules on the real database: a phone booking warns about what the database
 * allows (the patient's own overlapping visit) and the database refuses what it must (two bookings
 * of one slot: exactly one wins); a move inside the cancellation window needs a reason and is
 * audited; the week calendar across New York's spring change keeps 09:00 at 09:00; the free gaps
 * of a fixed day add up to hand-computed figures.
 */
import { afterAll, describe, expect, test } from "vitest";
import { runAppointmentAction } from "~/modules/front-desk/appointment-desk.server";
import { deskCalendar, calendarQuery } from "~/modules/front-desk/calendar.server";
import { freeGapsOfDay } from "~/modules/front-desk/free-gaps.server";
import { deskBoard, boardQuery } from "~/modules/front-desk/board.server";
import { bookByPhone, findPhonePatients, createPhonePatient } from "~/modules/front-desk/phone-booking.server";
import type { Actor } from "~/lib/actor";
import { bookAppointment } from "~/modules/scheduling/booking.server";
import { createFlexibleRequest, getFlexibleRequest } from "~/modules/scheduling/flexible-requests.server";
import { proposeForRequest, requestsInbox } from "~/modules/front-desk/requests.server";
import { addDays, utcToZoned } from "~/lib/zoned-time";
import { testDb } from "../support/db";
import { createScheduleFixture, localInstant, type ScheduleFixture } from "../support/scheduling";

afterAll(() => testDb().disconnect());

const staff: Actor = { type: "staff", id: "00000000-0000-4000-8000-0000000000d1" };
const names = new Map<string, string>();
const slot = (doctorId: string, start: Date) => `${doctorId}|${start.toISOString()}`;

function at(f: ScheduleFixture, days: number, hhmm: string) {
  const today = utcToZoned(new Date(), f.clinic.timeZone).date;
  return localInstant(f.clinic.timeZone, addDays(today, days), hhmm);
}

const book = (f: ScheduleFixture, doctorId: string, start: Date, patientAccountId: string, now?: Date) =>
  testDb()
    .forClinic(f.clinic.id)
    .tx((tx) => bookAppointment(tx, f.clinic, { serviceId: f.serviceId, practitionerId: doctorId, start, patient: { patientAccountId }, channel: "staff" }, staff, now));

describe("booking by phone", () => {
  test("a patient's own overlapping visit is a warning the desk can confirm; the database allows it", async () => {
    const f = await createScheduleFixture({ doctors: 2 });
    const start = at(f, 7, "10:00");
    await book(f, f.doctorIds[0]!, start, f.patientId);
    const input = { patientId: f.patientId, serviceId: f.serviceId, slot: slot(f.doctorIds[1]!, start) };
    const warned = await bookByPhone(testDb().forClinic(f.clinic.id), f.clinic, input, staff, names);
    expect(warned.ok).toBe(false);
    if (warned.ok || warned.kind !== "warnings") throw new Error("expected warnings");
    expect(warned.warnings.map((w) => w.code)).toEqual(["overlap"]);
    const count = () => testDb().forClinic(f.clinic.id).tx((tx) => tx.appointment.count({ where: { clinicId: f.clinic.id, patientAccountId: f.patientId, status: "confirmed" } }));
    expect(await count()).toBe(1);

    const confirmed = await bookByPhone(testDb().forClinic(f.clinic.id), f.clinic, { ...input, confirmWarnings: "yes" }, staff, names);
    expect(confirmed.ok).toBe(true);
    expect(await count()).toBe(2);
    const audit = await testDb().forClinic(f.clinic.id).tx((tx) => tx.auditEvent.findMany({ where: { clinicId: f.clinic.id, action: "appointment.booked_by_phone" } }));
    expect(audit).toHaveLength(1);
    expect(audit[0]!.details).toMatchObject({ warningsConfirmed: true });
  });

  test("a visit later the same day is a same-day warning", async () => {
    const f = await createScheduleFixture({ doctors: 1 });
    await book(f, f.doctorIds[0]!, at(f, 7, "09:00"), f.patientId);
    const answer = await bookByPhone(testDb().forClinic(f.clinic.id), f.clinic, { patientId: f.patientId, serviceId: f.serviceId, slot: slot(f.doctorIds[0]!, at(f, 7, "15:00")) }, staff, names);
    expect(!answer.ok && answer.kind === "warnings" && answer.warnings[0]!.code).toBe("same_day");
  });

  test("two desks booking one slot at once: exactly one booking, the other is told it was taken with alternatives", async () => {
    const f = await createScheduleFixture({ doctors: 1 });
    const other = await f.newPatient();
    const start = at(f, 5, "11:00");
    const answers = await Promise.all(
      [f.patientId, other].map((patientId) => bookByPhone(testDb().forClinic(f.clinic.id), f.clinic, { patientId, serviceId: f.serviceId, slot: slot(f.doctorIds[0]!, start) }, staff, names)),
    );
    expect(answers.filter((a) => a.ok)).toHaveLength(1);
    const lost = answers.find((a) => !a.ok);
    if (!lost || lost.ok || lost.kind !== "taken") throw new Error(`expected a taken answer, got ${JSON.stringify(lost)}`);
    expect(lost.message).toMatch(/just taken/);
    expect(lost.alternatives.length).toBeGreaterThan(0);
    expect(lost.alternatives.every((a) => new Date(a.start).getTime() > start.getTime())).toBe(true);
    const rows = await testDb().forClinic(f.clinic.id).tx((tx) => tx.appointment.count({ where: { clinicId: f.clinic.id, startsAt: start, status: "confirmed" } }));
    expect(rows).toBe(1);
  });

  test("a new caller is found again by phone and by name, only at their clinic", async () => {
    const f = await createScheduleFixture({ doctors: 1 });
    const g = await createScheduleFixture({ doctors: 1 });
    const created = await createPhonePatient(testDb().forClinic(f.clinic.id), f.clinic, { phone: "(917) 555-0143", firstName: "Ada", lastName: "Lovelace" }, staff);
    if (!created.ok) throw new Error(JSON.stringify(created));
    expect((await findPhonePatients(testDb().forClinic(f.clinic.id), f.clinic, "+1 917 555 0143", staff)).map((p) => p.id)).toEqual([created.patientId]);
    expect((await findPhonePatients(testDb().forClinic(f.clinic.id), f.clinic, "ada love", staff)).map((p) => p.id)).toEqual([created.patientId]);
    expect(await findPhonePatients(testDb().forClinic(g.clinic.id), g.clinic, "+1 917 555 0143", staff)).toEqual([]);
    const bad = await createPhonePatient(testDb().forClinic(f.clinic.id), f.clinic, { phone: "12", firstName: "A", lastName: "B" }, staff);
    expect(bad.ok).toBe(false);
  });
});

describe("rescheduling at the desk", () => {
  test("inside the cancellation window the move needs a reason, which is audited", async () => {
    const f = await createScheduleFixture({ doctors: 1, service: { cancellationWindowMin: 2880 } });
    const visit = await book(f, f.doctorIds[0]!, at(f, 1, "10:00"), f.patientId);
    const target = slot(f.doctorIds[0]!, at(f, 1, "14:00"));
    const refused = await runAppointmentAction(testDb().forClinic(f.clinic.id), f.clinic, visit.id, { intent: "reschedule", slot: target }, staff, names);
    expect(refused).toMatchObject({ ok: false, field: "overrideReason" });

    const moved = await runAppointmentAction(testDb().forClinic(f.clinic.id), f.clinic, visit.id, { intent: "reschedule", slot: target, overrideReason: "Patient called: bus strike" }, staff, names);
    expect(moved.ok).toBe(true);
    const audit = await testDb().forClinic(f.clinic.id).tx((tx) => tx.auditEvent.findMany({ where: { clinicId: f.clinic.id, action: "appointment.rescheduled_with_override" } }));
    expect(audit).toHaveLength(1);
    expect(audit[0]!.details).toMatchObject({ reason: "Patient called: bus strike", previousAppointmentId: visit.id, insideWindow: true });
  });

  test("outside the window no reason is needed, and cancelling records the reason and note", async () => {
    const f = await createScheduleFixture({ doctors: 1, service: { cancellationWindowMin: 60 } });
    const visit = await book(f, f.doctorIds[0]!, at(f, 3, "10:00"), f.patientId);
    const moved = await runAppointmentAction(testDb().forClinic(f.clinic.id), f.clinic, visit.id, { intent: "reschedule", slot: slot(f.doctorIds[0]!, at(f, 3, "11:00")) }, staff, names);
    if (!moved.ok) throw new Error(moved.message);
    const cancelled = await runAppointmentAction(testDb().forClinic(f.clinic.id), f.clinic, moved.appointmentId, { intent: "cancel", reason: "illness", note: "Flu" }, staff, names);
    expect(cancelled.ok).toBe(true);
    const row = await testDb().forClinic(f.clinic.id).tx((tx) => tx.appointment.findUniqueOrThrow({ where: { clinicId_id: { clinicId: f.clinic.id, id: moved.appointmentId } } }));
    expect(row).toMatchObject({ status: "cancelled", cancellationReason: "illness", cancellationNote: "Flu" });
  });
});

describe("calendar", () => {
  test("a week across the spring change in New York keeps 09:00 visits at 09:00 and lasts 167 hours", async () => {
    const f = await createScheduleFixture({ timeZone: "America/New_York", doctors: 1, service: { horizonDays: 400 } });
    const now = new Date("2027-03-01T12:00:00Z");
    const monday = await book(f, f.doctorIds[0]!, localInstant("America/New_York", "2027-03-08", "09:00"), f.patientId, now);
    const sunday = await book(f, f.doctorIds[0]!, localInstant("America/New_York", "2027-03-14", "09:00"), await f.newPatient(), now);
    const nextMonday = await book(f, f.doctorIds[0]!, localInstant("America/New_York", "2027-03-15", "09:00"), await f.newPatient(), now);
    const cal = await deskCalendar(testDb().forClinic(f.clinic.id), f.clinic, calendarQuery.parse({ view: "week", date: "2027-03-11" }), staff, now);
    expect(cal.first).toBe("2027-03-08");
    expect(cal.last).toBe("2027-03-14");
    expect((cal.to.getTime() - cal.from.getTime()) / 3_600_000).toBe(167);
    expect(cal.columns.map((c) => c.date)).toEqual(["2027-03-08", "2027-03-09", "2027-03-10", "2027-03-11", "2027-03-12", "2027-03-13", "2027-03-14"]);
    const blocks = cal.columns.flatMap((c) => c.blocks.map((b) => ({ date: c.date, id: b.id, top: b.top, bottom: b.bottom })));
    expect(blocks).toEqual([
      { date: "2027-03-08", id: monday.id, top: 540, bottom: 570 },
      { date: "2027-03-14", id: sunday.id, top: 540, bottom: 570 },
    ]);
    expect(blocks.some((b) => b.id === nextMonday.id)).toBe(false);
    // The UTC hour differs across the change even though the wall clock does not.
    expect(monday.start.getUTCHours()).toBe(14);
    expect(sunday.start.getUTCHours()).toBe(13);
    const audit = await testDb().forClinic(f.clinic.id).tx((tx) => tx.auditEvent.count({ where: { clinicId: f.clinic.id, action: "staff.calendar_viewed" } }));
    expect(audit).toBe(1);
  });

  test("the autumn week lasts 169 hours and a day view by doctor lists every doctor", async () => {
    const f = await createScheduleFixture({ timeZone: "America/New_York", doctors: 2, service: { horizonDays: 400 } });
    const now = new Date("2027-10-20T12:00:00Z");
    const cal = await deskCalendar(testDb().forClinic(f.clinic.id), f.clinic, calendarQuery.parse({ view: "week", date: "2027-11-07" }), staff, now);
    expect(cal.first).toBe("2027-11-01");
    expect((cal.to.getTime() - cal.from.getTime()) / 3_600_000).toBe(169);
    const day = await deskCalendar(testDb().forClinic(f.clinic.id), f.clinic, calendarQuery.parse({ view: "day", date: "2027-11-07" }), staff, now);
    expect(day.columns.map((c) => c.key).sort()).toEqual([...f.doctorIds].sort());
  });
});

describe("free gaps", () => {
  test("a fixed day: shift 09:00–17:00 with lunch 12:00–13:00 and one 30-minute visit at 10:00", async () => {
    const f = await createScheduleFixture({ timeZone: "America/New_York", doctors: 2, shift: { start: "09:00", end: "17:00", breaks: [{ start: "12:00", end: "13:00" }] }, service: { horizonDays: 400 } });
    const day = "2027-03-10";
    const before = new Date("2027-03-01T12:00:00Z");
    await book(f, f.doctorIds[0]!, localInstant("America/New_York", day, "10:00"), f.patientId, before);
    const wall = (d: Date) => new Intl.DateTimeFormat("en-GB", { timeZone: "America/New_York", hour: "2-digit", minute: "2-digit", hourCycle: "h23" }).format(d);
    const gaps = await testDb().forClinic(f.clinic.id).tx((tx) => freeGapsOfDay(tx, f.clinic, day, {}, before));
    const first = gaps.find((g) => g.doctorId === f.doctorIds[0])!;
    const second = gaps.find((g) => g.doctorId === f.doctorIds[1])!;
    expect(first.gaps.map((g) => `${wall(g.start)}-${wall(g.end)}`)).toEqual(["09:00-10:00", "10:30-12:00", "13:00-17:00"]);
    expect(first.freeMinutes).toBe(60 + 90 + 240);
    expect(second.freeMinutes).toBe(7 * 60);

    // At 14:10 local only the rest of the afternoon is left.
    const afternoon = await testDb().forClinic(f.clinic.id).tx((tx) => freeGapsOfDay(tx, f.clinic, day, {}, localInstant("America/New_York", day, "14:10")));
    expect(afternoon.find((g) => g.doctorId === f.doctorIds[0])!.gaps.map((g) => `${wall(g.start)}-${wall(g.end)}`)).toEqual(["14:10-17:00"]);
    expect(afternoon.find((g) => g.doctorId === f.doctorIds[0])!.freeMinutes).toBe(170);
  });

  test("the board shows late arrivals after the 10-minute grace and audits the view", async () => {
    const f = await createScheduleFixture({ timeZone: "America/New_York", doctors: 1, service: { horizonDays: 400 } });
    const day = "2027-03-10";
    const visit = await book(f, f.doctorIds[0]!, localInstant("America/New_York", day, "10:00"), f.patientId, new Date("2027-03-01T12:00:00Z"));
    const board = (hhmm: string) => deskBoard(testDb().forClinic(f.clinic.id), f.clinic, boardQuery.parse({ day }), staff, localInstant("America/New_York", day, hhmm));
    expect((await board("10:09")).late).toEqual([]);
    expect((await board("10:10")).late.map((v) => v.id)).toEqual([visit.id]);
    const b = await board("10:10");
    expect(b.columns.find((c) => c.id === f.doctorIds[0])!.visits.map((v) => v.id)).toEqual([visit.id]);
    const audits = await testDb().forClinic(f.clinic.id).tx((tx) => tx.auditEvent.count({ where: { clinicId: f.clinic.id, action: "staff.day_board_viewed" } }));
    expect(audits).toBe(3);
  });
});

describe("flexible-schedule requests", () => {
  test("the inbox offers only free times matching the wishes, and proposing one records, announces and audits it", async () => {
    const f = await createScheduleFixture({ timeZone: "America/New_York", doctors: 2 });
    const patient: Actor = { type: "patient", id: f.patientId };
    const today = utcToZoned(new Date(), f.clinic.timeZone).date;
    const request = await testDb()
      .forClinic(f.clinic.id)
      .tx((tx) => createFlexibleRequest(tx, f.clinic, { patientAccountId: f.patientId, serviceId: f.serviceId, practitionerId: f.doctorIds[1], preferredWeekdays: [2, 4], preferredFrom: "14:00", preferredTo: "16:00", earliestDate: addDays(today, 2) }, patient));
    const inbox = await requestsInbox(testDb().forClinic(f.clinic.id), f.clinic, staff, names);
    const mine = inbox.flexible.find((r) => r.id === request.id)!;
    expect(mine.times.length).toBeGreaterThan(0);
    for (const t of mine.times) {
      const local = utcToZoned(new Date(t.start), f.clinic.timeZone);
      expect(["tue", "thu"]).toContain(local.weekday);
      expect(local.minutes).toBeGreaterThanOrEqual(14 * 60);
      expect(local.minutes).toBeLessThan(16 * 60);
      expect(local.date >= addDays(today, 2)).toBe(true);
      expect(t.practitionerId).toBe(f.doctorIds[1]);
    }
    const chosen = mine.times[0]!;
    const answer = await proposeForRequest(testDb().forClinic(f.clinic.id), f.clinic, { intent: "propose", requestId: request.id, slot: slot(chosen.practitionerId, new Date(chosen.start)), expiresInHours: 24 }, staff);
    expect(answer.ok).toBe(true);
    const after = await testDb().forClinic(f.clinic.id).tx((tx) => getFlexibleRequest(tx, f.clinic, request.id));
    expect(after.status).toBe("proposed");
    expect(after.proposal?.start.toISOString()).toBe(chosen.start);
    const audit = await testDb().forClinic(f.clinic.id).tx((tx) => tx.auditEvent.count({ where: { clinicId: f.clinic.id, action: "flexible_request.proposed" } }));
    expect(audit).toBe(1);

    // A time taken meanwhile is refused with a clear message, and the request keeps its proposal.
    const someoneElse = await f.newPatient();
    const other = await testDb().forClinic(f.clinic.id).tx((tx) => createFlexibleRequest(tx, f.clinic, { patientAccountId: someoneElse, serviceId: f.serviceId }, staff));
    const busyStart = at(f, 3, "11:00");
    await book(f, f.doctorIds[0]!, busyStart, f.patientId);
    const refused = await proposeForRequest(testDb().forClinic(f.clinic.id), f.clinic, { intent: "propose", requestId: other.id, slot: slot(f.doctorIds[0]!, busyStart), expiresInHours: 48 }, staff);
    expect(refused).toMatchObject({ ok: false });
  });
});
