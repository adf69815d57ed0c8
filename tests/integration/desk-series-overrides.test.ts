/**
 * Series, overrides and walk-ins on the real database: a series preview lists the visit that does
 * not fit with the nearest free times; saving is all or nothing; a series at 10:00 stays at 10:00
 * across New York's spring change; "cancel this and the rest" cancels only from that visit on; a
 * moved visit stays in its series. Overrides: refused for a role the owner has not allowed, stored
 * and audited when made, and never over a room's other booking or the same patient's booking at
 * another clinic (the database refuses it too). A walk-in is booked and checked in in one step.
 */
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import type { Actor } from "~/lib/actor";
import { addDays, utcToZoned } from "~/lib/zoned-time";
import { bookWalkIn, squeezeIn, walkInDoctors } from "~/modules/front-desk/overrides.server";
import { cancelRestOfSeries, previewSeries, saveSeries, seriesOfVisit, seriesPattern, type SeriesPattern } from "~/modules/front-desk/series.server";
import { rescheduleAppointment } from "~/modules/scheduling/appointment-changes.server";
import { bookAppointment } from "~/modules/scheduling/booking.server";
import { walkInStart } from "~/modules/scheduling/override-booking.server";
import * as seriesRoute from "~/routes/panel.series";
import * as squeezeRoute from "~/routes/panel.squeeze";
import { releaseAppDb, routeDbIsTestDb } from "../support/api-client";
import { testDb } from "../support/db";
import { callPanel, createPanelFixture, type PanelFixture } from "../support/panel-client";
import { createScheduleFixture, localInstant, type ScheduleFixture } from "../support/scheduling";

beforeAll(() => routeDbIsTestDb());
afterAll(async () => {
  await releaseAppDb();
});

const staff: Actor = { type: "staff", id: "00000000-0000-4000-8000-0000000000e1" };
const db = (f: ScheduleFixture) => testDb().forClinic(f.clinic.id);
const today = (f: ScheduleFixture) => utcToZoned(new Date(), f.clinic.timeZone).date;
const at = (f: ScheduleFixture, days: number, hhmm: string) => localInstant(f.clinic.timeZone, addDays(today(f), days), hhmm);
const book = (f: ScheduleFixture, doctorId: string, start: Date, patientAccountId: string) =>
  db(f).tx((tx) => bookAppointment(tx, f.clinic, { serviceId: f.serviceId, practitionerId: doctorId, start, patient: { patientAccountId }, channel: "staff" }, staff));
const names = (f: ScheduleFixture) => new Map(f.doctorIds.map((id, i) => [id, `Dr. Test ${i + 1}`]));

function pattern(f: ScheduleFixture, over: Partial<Record<string, unknown>> = {}): SeriesPattern {
  return seriesPattern.parse({ patient: f.patientId, service: f.serviceId, doctor: f.doctorIds[0], location: f.locationId, first: addDays(today(f), 3), time: "10:00", repeat: "days", every: "2", count: "6", ...over });
}

const picksOf = (preview: Awaited<ReturnType<typeof previewSeries>>, over: Record<string, string> = {}) => ({ ...Object.fromEntries(preview.occurrences.map((o) => [String(o.n), o.value])), ...over });

describe("series", () => {
  test("the preview lists the visit that does not fit with nearest free times (same doctor and another); saving it as asked saves nothing", async () => {
    const f = await createScheduleFixture({ doctors: 2, service: { cancellationWindowMin: 60 } });
    const other = await f.newPatient();
    // The third visit (day 7) is taken for doctor 1.
    await book(f, f.doctorIds[0]!, at(f, 7, "10:00"), other);
    const p = pattern(f);
    const preview = await previewSeries(db(f), f.clinic, p, names(f));
    expect(preview.occurrences).toHaveLength(6);
    expect(preview.conflicts).toBe(1);
    const third = preview.occurrences[2]!;
    expect(third.free).toBe(false);
    expect(third.problem).toMatch(/booked/);
    const same = third.alternatives.filter((a) => a.sameDoctor);
    expect(same.map((a) => new Date(a.start).getTime())).toContain(at(f, 7, "10:30").getTime());
    expect(same.every((a) => a.doctorId === f.doctorIds[0])).toBe(true);
    // Another doctor is free at the very time asked.
    expect(third.alternatives.find((a) => !a.sameDoctor)).toMatchObject({ doctorId: f.doctorIds[1], start: at(f, 7, "10:00").toISOString() });

    const refused = await saveSeries(db(f), f.clinic, p, picksOf(preview), staff);
    expect(refused).toMatchObject({ ok: false, kind: "taken" });
    expect(!refused.ok && refused.message).toMatch(/Visit 3 .*Nothing was saved/);
    const mine = () => db(f).tx((tx) => tx.appointment.count({ where: { clinicId: f.clinic.id, patientAccountId: f.patientId } }));
    expect(await mine()).toBe(0);
    expect(await db(f).tx((tx) => tx.appointmentSeries.count({ where: { clinicId: f.clinic.id } }))).toBe(0);

    const saved = await saveSeries(db(f), f.clinic, p, picksOf(preview, { "3": third.alternatives.find((a) => !a.sameDoctor)!.value, "6": "skip" }), staff);
    if (!saved.ok) throw new Error(saved.message);
    expect(saved.booked).toHaveLength(5);
    expect(saved.skipped).toBe(1);
    const rows = await db(f).tx((tx) => tx.appointment.findMany({ where: { clinicId: f.clinic.id, seriesId: saved.seriesId }, orderBy: { startsAt: "asc" } }));
    expect(rows.map((r) => r.seriesOccurrence)).toEqual([1, 2, 3, 4, 5]);
    expect(rows[2]!.doctorId).toBe(f.doctorIds[1]);
    const audit = await db(f).tx((tx) => tx.auditEvent.findMany({ where: { clinicId: f.clinic.id, action: "appointment_series.booked" } }));
    expect(audit).toHaveLength(1);
  });

  test("a visit taken between the preview and the save: nothing is saved", async () => {
    const f = await createScheduleFixture({ doctors: 1, service: { cancellationWindowMin: 60 } });
    const p = pattern(f, { count: "4" });
    const preview = await previewSeries(db(f), f.clinic, p, names(f));
    expect(preview.conflicts).toBe(0);
    await book(f, f.doctorIds[0]!, new Date(preview.occurrences[3]!.start), await f.newPatient());
    const answer = await saveSeries(db(f), f.clinic, p, picksOf(preview), staff);
    expect(answer).toMatchObject({ ok: false, kind: "taken" });
    expect(await db(f).tx((tx) => tx.appointment.count({ where: { clinicId: f.clinic.id, patientAccountId: f.patientId } }))).toBe(0);
  });

  test("a weekly series at 10:00 across New York's spring change stays at 10:00 local", async () => {
    const f = await createScheduleFixture({ doctors: 1, timeZone: "America/New_York", service: { cancellationWindowMin: 60 } });
    // 2027-03-14 is the change; Sundays 7, 14 and 21 March.
    const p = pattern(f, { first: "2027-03-07", repeat: "weeks", every: "1", count: "3" });
    const preview = await previewSeries(db(f), f.clinic, p, names(f));
    expect(preview.conflicts).toBe(0);
    const saved = await saveSeries(db(f), f.clinic, p, picksOf(preview), staff);
    if (!saved.ok) throw new Error(saved.message);
    expect(saved.booked.map((b) => utcToZoned(b.start, "America/New_York").minutes)).toEqual([600, 600, 600]);
    expect(saved.booked.map((b) => b.start.toISOString())).toEqual(["2027-03-07T15:00:00.000Z", "2027-03-14T14:00:00.000Z", "2027-03-21T14:00:00.000Z"]);
  });

  test("cancel this and the rest cancels only from that visit on; a moved visit stays in its series", async () => {
    const f = await createScheduleFixture({ doctors: 1, service: { cancellationWindowMin: 60 } });
    const p = pattern(f);
    const saved = await saveSeries(db(f), f.clinic, p, picksOf(await previewSeries(db(f), f.clinic, p, names(f))), staff);
    if (!saved.ok) throw new Error(saved.message);
    const [, second, , fourth] = saved.booked;
    const moved = await db(f).tx((tx) => rescheduleAppointment(tx, f.clinic, { appointmentId: second!.id, start: new Date(second!.start.getTime() + 3_600_000) }, staff));
    const movedRow = await db(f).tx((tx) => tx.appointment.findUniqueOrThrow({ where: { clinicId_id: { clinicId: f.clinic.id, id: moved.id } } }));
    expect(movedRow).toMatchObject({ seriesId: saved.seriesId, seriesOccurrence: 2 });
    const view = await seriesOfVisit(db(f), f.clinic, moved.id);
    expect(view).toMatchObject({ occurrence: 2, total: 6 });
    expect(view!.visits.map((v) => v.occurrence)).toEqual([1, 2, 3, 4, 5, 6]);

    const answer = await cancelRestOfSeries(db(f), f.clinic, { appointmentId: fourth!.id, reason: "patient_request" }, staff);
    expect(answer).toMatchObject({ ok: true, cancelled: 3 });
    const rows = await db(f).tx((tx) => tx.appointment.findMany({ where: { clinicId: f.clinic.id, seriesId: saved.seriesId, status: { not: "rescheduled" } }, orderBy: { startsAt: "asc" } }));
    expect(rows.map((r) => r.status)).toEqual(["confirmed", "confirmed", "confirmed", "cancelled", "cancelled", "cancelled"]);
    const audit = await db(f).tx((tx) => tx.auditEvent.count({ where: { clinicId: f.clinic.id, action: "appointment_series.rest_cancelled" } }));
    expect(audit).toBe(1);
  });
});

describe("overrides", () => {
  let a: PanelFixture;
  beforeAll(async () => {
    a = await createPanelFixture({ doctors: 2, rooms: { type: "therapy", count: 1 }, service: { roomType: "therapy", cancellationWindowMin: 60 } });
  });
  const squeeze = (f: PanelFixture, roles: ("owner" | "secretary" | "doctor")[], over: Record<string, string>) =>
    squeezeIn(db(f), f.clinic, roles, { patientId: f.patientId, serviceId: f.serviceId, doctorId: f.doctorIds[0]!, locationId: f.locationId, reason: "Urgent dressing change", ...over }, staff);

  test("a secretary is refused until the owner allows secretaries; a doctor is always refused", async () => {
    const start = at(a, 9, "10:00").toISOString();
    await book(a, a.doctorIds[0]!, new Date(start), await a.newPatient());
    expect(await squeeze(a, ["secretary"], { start })).toMatchObject({ ok: false, field: "role" });
    expect(await squeeze(a, ["doctor"], { start })).toMatchObject({ ok: false, field: "role" });
    const page = await callPanel(squeezeRoute, "/panel/squeeze", { host: a.host, cookie: a.cookies.secretary });
    expect(page.status).toBe(403);
    expect(JSON.stringify(page.data)).toMatch(/Only the clinic's owner/);
    await db(a).tx((tx) => tx.clinic.update({ where: { id: a.clinic.id }, data: { overrideBookingRoles: "owner_and_secretaries" } }));
    try {
      // Doctor 1 is busy then and the only therapy room is taken: the room still refuses.
      expect(await squeeze(a, ["secretary"], { start })).toMatchObject({ ok: false, message: expect.stringMatching(/room/) });
    } finally {
      await db(a).tx((tx) => tx.clinic.update({ where: { id: a.clinic.id }, data: { overrideBookingRoles: "owner" } }));
    }
  });

  test("the owner squeezes a visit in after hours: stored on the visit, audited; the database still refuses the room", async () => {
    const start = at(a, 10, "19:00");
    const answer = await squeeze(a, ["owner"], { start: start.toISOString() });
    if (!answer.ok) throw new Error(answer.message);
    expect(answer.overrideKind).toBe("outside_hours");
    const row = await db(a).tx((tx) => tx.appointment.findUniqueOrThrow({ where: { clinicId_id: { clinicId: a.clinic.id, id: answer.appointment.id } } }));
    expect(row).toMatchObject({ overrideKind: "outside_hours", overrideReason: "Urgent dressing change", roomId: a.roomIds[0] });
    const audit = await db(a).tx((tx) => tx.auditEvent.findFirst({ where: { clinicId: a.clinic.id, action: "appointment.booked_with_override", targetId: row.id } }));
    expect(audit?.details).toMatchObject({ overrideKind: "outside_hours" });
    // A second override in the same room at the same time, written straight to the database: refused.
    await expect(
      db(a).tx((tx) => tx.$executeRaw`
        INSERT INTO appointments (clinic_id, service_id, doctor_id, location_id, room_id, patient_account_id, status, starts_at, ends_at, blocked_from, blocked_to, channel, currency, cancellation_window_min, override_kind, override_reason)
        VALUES (${a.clinic.id}::uuid, ${a.serviceId}::uuid, ${a.doctorIds[1]}::uuid, ${a.locationId}::uuid, ${a.roomIds[0]}::uuid, ${a.patientId}::uuid, 'confirmed', ${start}, ${row.endsAt}, ${start}, ${row.endsAt}, 'staff', 'USD', 60, 'double_book', 'test')`),
    ).rejects.toThrow(/appointments_no_room_overlap|23P01/);
  });

  test("a double booking of the doctor is allowed only when marked, and never for the same patient at another clinic", async () => {
    const f = await createPanelFixture({ doctors: 2, service: { cancellationWindowMin: 60 } });
    const start = at(f, 8, "11:00");
    await book(f, f.doctorIds[0]!, start, await f.newPatient());
    const answer = await squeeze(f, ["owner"], { start: start.toISOString() });
    if (!answer.ok) throw new Error(answer.message);
    expect(answer.overrideKind).toBe("double_book");
    expect(answer.message).toMatch(/double-booked on purpose/);

    // The same patient is booked at another clinic at 14:00; squeezing them in here then is refused.
    const b = await createScheduleFixture({ doctors: 1, shift: { start: "09:00", end: "22:00" }, service: { cancellationWindowMin: 60 } });
    await testDb().forClinic(b.clinic.id).tx((tx) => tx.clinicPatient.create({ data: { clinicId: b.clinic.id, patientAccountId: f.patientId } }));
    const there = at(f, 8, "14:00");
    await book(b, b.doctorIds[0]!, there, f.patientId);
    await book(f, f.doctorIds[0]!, there, await f.newPatient());
    const refused = await squeeze(f, ["owner"], { start: there.toISOString() });
    expect(refused).toMatchObject({ ok: false, message: expect.stringMatching(/already has a booking/) });
    // After hours too (an override of the other kind).
    const late = at(f, 8, "20:00");
    await book(b, b.doctorIds[0]!, late, f.patientId);
    expect(await squeeze(f, ["owner"], { start: late.toISOString() })).toMatchObject({ ok: false, message: expect.stringMatching(/already has a booking/) });
    // And straight to the database: the same patient's override row at this clinic overlapping the other clinic's visit.
    await expect(
      db(f).tx((tx) => tx.$executeRaw`
        INSERT INTO appointments (clinic_id, service_id, doctor_id, location_id, patient_account_id, status, starts_at, ends_at, blocked_from, blocked_to, channel, currency, cancellation_window_min, override_kind, override_reason)
        VALUES (${f.clinic.id}::uuid, ${f.serviceId}::uuid, ${f.doctorIds[1]}::uuid, ${f.locationId}::uuid, ${f.patientId}::uuid, 'confirmed', ${late}, ${new Date(late.getTime() + 1_800_000)}, ${late}, ${new Date(late.getTime() + 1_800_000)}, 'staff', 'USD', 60, 'outside_hours', 'test')`),
    ).rejects.toThrow(/appointments_no_override_patient_overlap|23P01/);
  });

  test("another clinic's ids are refused", async () => {
    const b = await createScheduleFixture({ doctors: 1 });
    const start = at(a, 11, "19:00").toISOString();
    expect((await squeeze(a, ["owner"], { start, serviceId: b.serviceId })).ok).toBe(false);
    expect((await squeeze(a, ["owner"], { start, patientId: b.patientId })).ok).toBe(false);
    expect((await squeeze(a, ["owner"], { start, doctorId: b.doctorIds[0]! })).ok).toBe(false);
    const bVisit = await book(b, b.doctorIds[0]!, at(b, 5, "10:00"), b.patientId);
    await expect(cancelRestOfSeries(db(a), a.clinic, { appointmentId: bVisit.id, reason: "patient_request" }, staff)).rejects.toThrow(/no appointment/);
    expect(await seriesOfVisit(db(a), a.clinic, bVisit.id)).toBeNull();
    const page = await callPanel(seriesRoute, `/panel/series?patient=${b.patientId}`, { host: a.host, cookie: a.cookies.owner });
    expect(page.status).toBe(404);
    expect(await db(a).tx((tx) => tx.appointment.count({ where: { clinicId: a.clinic.id, patientAccountId: b.patientId } }))).toBe(0);
  });
});

describe("walk-ins", () => {
  test("a walk-in is booked on the next five-minute mark with the first free doctor and checked in, in one step", async () => {
    const f = await createScheduleFixture({ doctors: 2, shift: { start: "00:00", end: "24:00" }, service: { minNoticeMin: 240, cancellationWindowMin: 60 } });
    const now = new Date();
    const doctors = await walkInDoctors(db(f), f.clinic, { serviceId: f.serviceId, locationId: f.locationId }, now);
    const first = doctors.find((d) => d.start)!;
    expect(first.start!.getTime()).toBe(walkInStart(now).getTime());
    const answer = await bookWalkIn(db(f), f.clinic, ["secretary"], { patientId: f.patientId, serviceId: f.serviceId, locationId: f.locationId, doctorId: first.doctorId, start: first.start!.toISOString() }, staff, now);
    if (!answer.ok) throw new Error(answer.message);
    expect(answer.ticket).toMatch(/^[A-Z]-\d{3}$/);
    const row = await db(f).tx((tx) => tx.appointment.findUniqueOrThrow({ where: { clinicId_id: { clinicId: f.clinic.id, id: answer.appointmentId } } }));
    expect(row).toMatchObject({ status: "checked_in", overrideKind: null, depositMinor: 0 });
    expect(await db(f).tx((tx) => tx.queueTicket.count({ where: { clinicId: f.clinic.id, appointmentId: row.id } }))).toBe(1);

    // The same doctor is now busy: a secretary may not squeeze another walk-in in; nothing is written.
    const other = await f.newPatient();
    const refused = await bookWalkIn(db(f), f.clinic, ["secretary"], { patientId: other, serviceId: f.serviceId, locationId: f.locationId, doctorId: first.doctorId, reason: "In pain" }, staff, now);
    expect(refused).toMatchObject({ ok: false, field: "role" });
    const squeezed = await bookWalkIn(db(f), f.clinic, ["owner"], { patientId: other, serviceId: f.serviceId, locationId: f.locationId, doctorId: first.doctorId, reason: "In pain" }, staff, now);
    if (!squeezed.ok) throw new Error(squeezed.message);
    expect(squeezed.message).toMatch(/Double-booked on purpose/);
  });
});
