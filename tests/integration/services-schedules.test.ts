/**
 * Services, weekly schedules, exceptions and time off on the real database: the form's edges, the
 * deposit it shows, a week saved across daylight-saving changes in America/New_York, exceptions
 * and approved time off removing slots, the published marketplace index following a save, and
 * booked visits left outside working time being listed, not moved.
 */
import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { formatMoney } from "~/lib/format";
import { parseWeekForm } from "~/modules/schedules/schedule-form";
import { approveTimeOff, declineTimeOff, pendingTimeOff, requestTimeOff } from "~/modules/schedules/time-off.server";
import { addException, removeException, saveWeek, scheduleEditor } from "~/modules/schedules/weekly-schedule.server";
import { insideWorkingTime } from "~/modules/schedules/working-time";
import { bookAppointment } from "~/modules/scheduling/booking.server";
import type { Actor } from "~/lib/actor";
import { findSlots } from "~/modules/scheduling/slots.server";
import { utcToZoned } from "~/lib/zoned-time";
import { depositPreview, parseServiceForm } from "~/modules/services/service-form";
import { createService, getService, updateService } from "~/modules/services/services.server";
import { testDb } from "../support/db";
import { serviceForm } from "../support/panel-forms";
import { createScheduleFixture, localInstant, type ScheduleFixture } from "../support/scheduling";

const OWNER: Actor = { type: "staff", id: "owner-test", request: null };
const TZ = "America/New_York";
const DECIDER = randomUUID();

function form(f: Pick<ScheduleFixture, "doctorIds" | "locationId">, overrides: Record<string, string> = {}, drop: string[] = []): Record<string, string> {
  // The panel's service form, with no notice and a long horizon so the tests can book any day.
  const base = serviceForm(f, { specialty: "Travel medicine", description: "", bufferAfterMin: "0", startGridMin: "30", minNoticeHours: "0", horizonDays: "400", ...overrides });
  for (const k of drop) delete base[k];
  return base;
}

const ids = { doctorIds: ["00000000-0000-4000-8000-000000000001"], locationId: "00000000-0000-4000-8000-000000000002" };
const errorsOf = (r: ReturnType<typeof parseServiceForm>) => (r.ok ? {} : r.errors);

describe("the service form", () => {
  it("accepts a complete service and reads amounts in the clinic's currency", () => {
    const r = parseServiceForm(form(ids, { price: "1,095.5" }), "USD");
    expect(r.ok && r.value.priceMinor).toBe(109_550);
    expect(r.ok && r.value.depositValue).toBe(2000);
    const yen = parseServiceForm(form(ids, { price: "5000", depositAmount: "1000" }), "JPY");
    expect(yen.ok && yen.value.priceMinor).toBe(5000);
    expect(errorsOf(parseServiceForm(form(ids, { price: "5000.50" }), "JPY")).price).toMatch(/JPY/);
  });

  it("refuses a deposit above the price, and above the lowest discounted price", () => {
    expect(errorsOf(parseServiceForm(form(ids, { depositAmount: "95.01" }), "USD")).depositAmount).toMatch(/more than the price/);
    expect(parseServiceForm(form(ids, { depositAmount: "95.00" }), "USD").ok).toBe(true);
    const discounted = { depositAmount: "90.00", "discount.0.kind": "weekday", "discount.0.label": "Quiet Tuesdays", "discount.0.percent": "10", "discount.0.weekday.2": "on" };
    expect(errorsOf(parseServiceForm(form(ids, discounted), "USD")).depositAmount).toMatch(/10% discount/);
    expect(parseServiceForm(form(ids, { ...discounted, depositAmount: "85.50" }), "USD").ok).toBe(true);
    expect(errorsOf(parseServiceForm(form(ids, { price: "0", depositAmount: "1" }), "USD")).depositKind).toMatch(/free service/);
    expect(errorsOf(parseServiceForm(form(ids, { depositKind: "percent", depositPercent: "101" }), "USD")).depositPercent).toMatch(/1 to 100/);
  });

  it("refuses an active service nobody can perform, but keeps an inactive one", () => {
    expect(errorsOf(parseServiceForm(form(ids, {}, [`doctor:${ids.doctorIds[0]}`]), "USD")).doctors).toMatch(/at least one doctor/);
    expect(errorsOf(parseServiceForm(form(ids, { visibility: "internal_only" }, [`doctor:${ids.doctorIds[0]}`]), "USD")).doctors).toMatch(/internal/);
    expect(parseServiceForm(form(ids, { visibility: "inactive" }, [`doctor:${ids.doctorIds[0]}`, `location:${ids.locationId}`]), "USD").ok).toBe(true);
  });

  it("refuses a season without dates, a notice past the horizon and half-filled discounts", () => {
    expect(errorsOf(parseServiceForm(form(ids, { visibility: "seasonal" }), "USD")).seasonFrom).toMatch(/season/);
    expect(errorsOf(parseServiceForm(form(ids, { visibility: "seasonal", seasonFrom: "2027-06-01", seasonTo: "2027-05-01" }), "USD")).seasonTo).toMatch(/ends before/);
    expect(errorsOf(parseServiceForm(form(ids, { minNoticeHours: "48", horizonDays: "2" }), "USD")).minNoticeHours).toMatch(/horizon/);
    const offPeak = { "discount.0.kind": "off_peak", "discount.0.label": "Early birds", "discount.0.percent": "15", "discount.0.fromTime": "07:00" };
    expect(errorsOf(parseServiceForm(form(ids, offPeak), "USD"))["discount.0.toTime"]).toMatch(/end time/);
    expect(errorsOf(parseServiceForm(form(ids, { ...offPeak, "discount.0.toTime": "06:00" }), "USD"))["discount.0.toTime"]).toMatch(/after the start/);
    expect(errorsOf(parseServiceForm(form(ids, { "discount.0.kind": "seasonal", "discount.0.label": "Summer", "discount.0.percent": "10", "discount.0.startsOn": "2027-07-01" }), "USD"))["discount.0.endsOn"]).toMatch(/first and last day/);
    expect(errorsOf(parseServiceForm(form(ids, { durationMin: "700", bufferAfterMin: "30" }), "USD")).durationMin).toMatch(/12 hours/);
  });

  it("shows a percent deposit rounded half up on the list and the discounted price", () => {
    // 15% of $19.99 is 299.85 cents → $3.00; after 10% off ($17.99) it is 269.85 → $2.70.
    const p = depositPreview(1999, "percent", 15, [{ label: "Quiet Tuesdays", percent: 10 }]);
    expect(formatMoney(p.list.depositMinor, "USD")).toBe("$3.00");
    expect(p.list.remainderMinor).toBe(1699);
    expect(p.discounted[0]).toMatchObject({ priceMinor: 1799, depositMinor: 270, remainderMinor: 1529 });
    // 12.5 cents rounds up: 25% of 50 cents.
    expect(depositPreview(50, "percent", 25, []).list.depositMinor).toBe(13);
  });
});

async function publishedRow(clinicId: string, serviceId: string) {
  const rows = await testDb()
    .forClinic(clinicId)
    .tx((tx) => tx.$queryRaw<{ name: string; price_minor: number; deposit_value: number }[]>`SELECT name, price_minor, deposit_value FROM published_services WHERE service_id = ${serviceId}::uuid`);
  return rows[0] ?? null;
}

describe("saving services", () => {
  it("creates a service with its links and audit row, and the published index follows every save", async () => {
    const f = await createScheduleFixture({ doctors: 2 });
    const parsed = parseServiceForm(form(f, { "discount.0.kind": "weekday", "discount.0.label": "Quiet Tuesdays", "discount.0.percent": "10", "discount.0.weekday.2": "on" }), "USD");
    if (!parsed.ok) throw new Error(JSON.stringify(parsed.errors));
    const created = await createService(testDb().forClinic(f.clinic.id), parsed.value, OWNER);
    if (!created.ok) throw new Error(JSON.stringify(created.errors));
    const service = await getService(testDb().forClinic(f.clinic.id), created.serviceId);
    expect(service).toMatchObject({ key: "travel-vaccination-consult", doctorIds: [f.doctorIds[0]], locationIds: [f.locationId], priceMinor: 9500 });
    expect(service.discounts).toEqual([expect.objectContaining({ label: "Quiet Tuesdays", percent: 10, weekdays: [2] })]);
    expect(await publishedRow(f.clinic.id, created.serviceId)).toMatchObject({ name: "Travel vaccination consult", price_minor: 9500 });

    // The same name again gets its own key.
    const again = await createService(testDb().forClinic(f.clinic.id), parsed.value, OWNER);
    expect(again.ok && (await getService(testDb().forClinic(f.clinic.id), again.serviceId)).key).toBe("travel-vaccination-consult-2");

    const cheaper = parseServiceForm(form(f, { price: "80.00" }), "USD");
    if (!cheaper.ok) throw new Error("form");
    expect((await updateService(testDb().forClinic(f.clinic.id), created.serviceId, cheaper.value, OWNER)).ok).toBe(true);
    expect(await publishedRow(f.clinic.id, created.serviceId)).toMatchObject({ price_minor: 8000 });
    const hidden = parseServiceForm(form(f, { visibility: "internal_only" }), "USD");
    if (!hidden.ok) throw new Error("form");
    await updateService(testDb().forClinic(f.clinic.id), created.serviceId, hidden.value, OWNER);
    expect(await publishedRow(f.clinic.id, created.serviceId)).toBeNull();

    const audit = await testDb()
      .forClinic(f.clinic.id)
      .tx((tx) => tx.auditEvent.findMany({ where: { clinicId: f.clinic.id, targetId: created.serviceId }, orderBy: { occurredAt: "asc" } }));
    expect(audit.map((a) => a.action)).toEqual(["service.created", "service.updated", "service.updated"]);
    expect((audit[1]!.details as { changed: string[] }).changed).toContain("priceMinor");
  });

  it("two saves of one service at once: the second's audit entry compares with the first's result", async () => {
    const f = await createScheduleFixture({ doctors: 1 });
    const parsed = parseServiceForm(form(f), "USD");
    if (!parsed.ok) throw new Error(JSON.stringify(parsed.errors));
    const created = await createService(testDb().forClinic(f.clinic.id), parsed.value, OWNER);
    if (!created.ok) throw new Error(JSON.stringify(created.errors));
    const priced = (price: string) => {
      const p = parseServiceForm(form(f, { price }), "USD");
      if (!p.ok) throw new Error("form");
      return p.value;
    };
    await Promise.all([updateService(testDb().forClinic(f.clinic.id), created.serviceId, priced("80.00"), OWNER), updateService(testDb().forClinic(f.clinic.id), created.serviceId, priced("70.00"), OWNER)]);
    const audit = await testDb()
      .forClinic(f.clinic.id)
      .tx((tx) => tx.auditEvent.findMany({ where: { clinicId: f.clinic.id, targetId: created.serviceId, action: "service.updated" }, orderBy: { occurredAt: "asc" } }));
    const moves = audit.map((a) => (a.details as { priceMinor: { from: number; to: number } }).priceMinor);
    // Whichever saved first changed 95.00; the other changed what the first left, not 95.00 again.
    expect(moves[0]!.from).toBe(9500);
    expect(moves[1]!.from).toBe(moves[0]!.to);
    expect((await getService(testDb().forClinic(f.clinic.id), created.serviceId)).priceMinor).toBe(moves[1]!.to);
  });

  it("refuses another clinic's doctor and a room type no ticked location has, saving nothing", async () => {
    const [f, other] = await Promise.all([createScheduleFixture(), createScheduleFixture()]);
    const foreign = parseServiceForm(form({ doctorIds: other.doctorIds, locationId: f.locationId }), "USD");
    if (!foreign.ok) throw new Error("form");
    const refused = await createService(testDb().forClinic(f.clinic.id), foreign.value, OWNER);
    expect(!refused.ok && refused.errors.doctors).toMatch(/does not work at this clinic/);
    const roomless = parseServiceForm(form(f, { roomType: "therapy" }), "USD");
    if (!roomless.ok) throw new Error("form");
    const noRoom = await createService(testDb().forClinic(f.clinic.id), roomless.value, OWNER);
    expect(!noRoom.ok && noRoom.errors.roomType).toMatch(/never be booked/);
    const count = await testDb()
      .forClinic(f.clinic.id)
      .tx((tx) => tx.service.count({ where: { clinicId: f.clinic.id } }));
    expect(count).toBe(1);
  });

  it("a new service for one doctor is bookable at once with that doctor only", async () => {
    const f = await createScheduleFixture({ doctors: 2 });
    const parsed = parseServiceForm(form(f), "USD");
    if (!parsed.ok) throw new Error("form");
    const created = await createService(testDb().forClinic(f.clinic.id), parsed.value, OWNER);
    if (!created.ok) throw new Error("save");
    const now = new Date();
    const slots = await findSlots(testDb().forClinic(f.clinic.id), f.clinic, { serviceId: created.serviceId, from: now, to: new Date(now.getTime() + 3 * 86_400_000) }, now);
    expect(slots.length).toBeGreaterThan(0);
    expect(new Set(slots.map((s) => s.doctorId))).toEqual(new Set([f.doctorIds[0]]));
  });
});

/** A week of 09:00–12:00 (break 10:00–10:30) every day, posted the way the page posts it. */
function weekForm(f: ScheduleFixture, extra: Record<string, string> = {}) {
  const fields: Record<string, string> = { intent: "save-week", doctorId: f.doctorIds[0]!, locationId: f.locationId, replaces: "|", effectiveFrom: "", effectiveTo: "" };
  for (let wd = 1; wd <= 7; wd++) Object.assign(fields, { [`day.${wd}.0.start`]: "09:00", [`day.${wd}.0.end`]: "12:00", [`day.${wd}.0.break.0.start`]: "10:00", [`day.${wd}.0.break.0.end`]: "10:30" });
  return { ...fields, ...extra };
}

function localStarts(slots: { start: Date }[]) {
  const byDay = new Map<string, string[]>();
  for (const s of slots) {
    const l = utcToZoned(s.start, TZ);
    byDay.set(l.date, [...(byDay.get(l.date) ?? []), `${String(Math.floor(l.minutes / 60)).padStart(2, "0")}:${String(l.minutes % 60).padStart(2, "0")}`]);
  }
  return byDay;
}

describe("weekly schedules", () => {
  it("refuses overlapping intervals, breaks outside their interval and a period that ends before it starts", () => {
    const base = { doctorId: ids.doctorIds[0]!, locationId: ids.locationId, replaces: "", effectiveFrom: "", effectiveTo: "" };
    const r1 = parseWeekForm({ ...base, "day.1.0.start": "09:00", "day.1.0.end": "12:00", "day.1.1.start": "11:00", "day.1.1.end": "14:00" });
    expect(!r1.ok && Object.values(r1.errors)[0]).toMatch(/Monday: 11:00–14:00 overlaps 09:00–12:00/);
    const r2 = parseWeekForm({ ...base, "day.2.0.start": "09:00", "day.2.0.end": "12:00", "day.2.0.break.0.start": "12:00", "day.2.0.break.0.end": "12:30" });
    expect(!r2.ok && Object.values(r2.errors)[0]).toMatch(/Tuesday: the break 12:00–12:30 must lie inside/);
    const r3 = parseWeekForm({ ...base, "day.3.0.start": "17:00", "day.3.0.end": "09:00" });
    expect(!r3.ok && Object.values(r3.errors)[0]).toMatch(/must be after the start/);
    const r4 = parseWeekForm({ ...base, effectiveFrom: "2027-03-10", effectiveTo: "2027-03-01" });
    expect(!r4.ok && r4.errors.effectiveTo).toMatch(/before the first day/);
    const ok = parseWeekForm({ ...base, "day.5.0.start": "20:00", "day.5.0.end": "24:00" });
    expect(ok.ok && ok.value.days[4]).toEqual([{ start: "20:00", end: "24:00", breaks: [] }]);
  });

  it("a week saved across both daylight-saving changes in America/New_York keeps 09:00 local", async () => {
    const f = await createScheduleFixture({ timeZone: TZ, doctors: 1, service: { minNoticeMin: 0, horizonDays: 400, startGridMin: 30, durationMin: 30 } });
    const parsed = parseWeekForm(weekForm(f));
    if (!parsed.ok) throw new Error(JSON.stringify(parsed.errors));
    const now = new Date("2027-03-08T12:00:00Z");
    const saved = await saveWeek(testDb().forClinic(f.clinic.id), f.clinic, parsed.value, OWNER, now);
    expect(saved.ok).toBe(true);

    // Spring forward: Sunday 14 March 2027; fall back: Sunday 7 November 2027.
    for (const [from, to] of [
      ["2027-03-12", "2027-03-17"],
      ["2027-11-05", "2027-11-10"],
    ] as const) {
      const slots = await findSlots(testDb().forClinic(f.clinic.id), f.clinic, { serviceId: f.serviceId, from: localInstant(TZ, from, "00:00"), to: localInstant(TZ, to, "00:00"), audience: "staff" }, now);
      const days = localStarts(slots);
      expect([...days.keys()].length).toBe(5);
      for (const [, starts] of days) expect(starts).toEqual(["09:00", "09:30", "10:30", "11:00", "11:30"]);
    }
    // The UTC instant of 09:00 moves by an hour across the change; the local time does not.
    expect(localInstant(TZ, "2027-03-13", "09:00").toISOString()).toBe("2027-03-13T14:00:00.000Z");
    expect(localInstant(TZ, "2027-03-15", "09:00").toISOString()).toBe("2027-03-15T13:00:00.000Z");

    const rules = await testDb()
      .forClinic(f.clinic.id)
      .tx((tx) => tx.availabilityRule.findMany({ where: { clinicId: f.clinic.id, doctorId: f.doctorIds[0]! } }));
    expect(rules).toHaveLength(7);
    expect(rules.every((r) => r.startMinute === 540 && r.endMinute === 720)).toBe(true);
    const audit = await testDb()
      .forClinic(f.clinic.id)
      .tx((tx) => tx.auditEvent.findFirst({ where: { clinicId: f.clinic.id, action: "schedule.rules_updated" } }));
    expect(audit?.targetId).toBe(f.doctorIds[0]);
  });

  it("a dated period applies only on its dates and may not overlap another period at the same place", async () => {
    const f = await createScheduleFixture({ timeZone: TZ, doctors: 1, service: { minNoticeMin: 0, horizonDays: 400 } });
    const now = new Date("2027-05-01T12:00:00Z");
    // Existing: 09:00–17:00 every day, with no end date. A summer period overlapping it is refused…
    const summer = parseWeekForm({ ...weekForm(f, { replaces: "", effectiveFrom: "2027-07-01", effectiveTo: "2027-08-31" }) });
    if (!summer.ok) throw new Error("form");
    const refused = await saveWeek(testDb().forClinic(f.clinic.id), f.clinic, summer.value, OWNER, now);
    expect(!refused.ok && refused.errors.effectiveFrom).toMatch(/overlap/);
    // …so the open-ended one is ended first, then summer is added.
    const rest = parseWeekForm({ ...weekForm(f, { replaces: "|", effectiveTo: "2027-06-30" }) });
    if (!rest.ok) throw new Error("form");
    expect((await saveWeek(testDb().forClinic(f.clinic.id), f.clinic, rest.value, OWNER, now)).ok).toBe(true);
    expect((await saveWeek(testDb().forClinic(f.clinic.id), f.clinic, summer.value, OWNER, now)).ok).toBe(true);
    const editor = await scheduleEditor(testDb().forClinic(f.clinic.id), f.clinic, { doctor: f.doctorIds[0] }, OWNER, now);
    expect(editor.doctor && editor.periods.map((p) => p.key)).toEqual(["|2027-06-30", "2027-07-01|2027-08-31"]);
    const september = await findSlots(testDb().forClinic(f.clinic.id), f.clinic, { serviceId: f.serviceId, from: localInstant(TZ, "2027-09-01", "00:00"), to: localInstant(TZ, "2027-09-03", "00:00") }, now);
    expect(september).toEqual([]);
  });

  it("lists booked visits a change leaves outside working time, and does not move them", async () => {
    const f = await createScheduleFixture({ timeZone: TZ, doctors: 1, service: { minNoticeMin: 0 } });
    const now = new Date();
    const day = utcToZoned(new Date(now.getTime() + 3 * 86_400_000), TZ).date;
    const start = localInstant(TZ, day, "15:00");
    const visit = await testDb()
      .forClinic(f.clinic.id)
      .tx((tx) => bookAppointment(tx, f.clinic, { serviceId: f.serviceId, practitionerId: f.doctorIds[0]!, start, patient: { patientAccountId: f.patientId }, channel: "staff" }, OWNER, now));
    const parsed = parseWeekForm(weekForm(f));
    if (!parsed.ok) throw new Error("form");
    const saved = await saveWeek(testDb().forClinic(f.clinic.id), f.clinic, parsed.value, OWNER, now);
    expect(saved.ok && saved.outside.map((v) => v.id)).toEqual([visit.id]);
    expect(saved.ok && saved.outside[0]!.patient).toBe("Pat Ient");
    const still = await testDb()
      .forClinic(f.clinic.id)
      .tx((tx) => tx.appointment.findUniqueOrThrow({ where: { clinicId_id: { clinicId: f.clinic.id, id: visit.id } } }));
    expect(still.status).toBe("confirmed");
    expect(still.startsAt.toISOString()).toBe(start.toISOString());
    // Seeing patients' names is a view of patient data.
    const viewed = await testDb()
      .forClinic(f.clinic.id)
      .tx((tx) => tx.auditEvent.count({ where: { clinicId: f.clinic.id, action: "schedule.affected_visits_viewed" } }));
    expect(viewed).toBeGreaterThan(0);
  });
});

describe("exceptions and time off", () => {
  it("a clinic holiday removes that day's slots and removing it brings them back", async () => {
    const f = await createScheduleFixture({ timeZone: TZ, doctors: 2, service: { minNoticeMin: 0 } });
    const now = new Date();
    const day = utcToZoned(new Date(now.getTime() + 4 * 86_400_000), TZ).date;
    const window = { serviceId: f.serviceId, from: localInstant(TZ, day, "00:00"), to: localInstant(TZ, day, "23:59") };
    expect((await findSlots(testDb().forClinic(f.clinic.id), f.clinic, window, now)).length).toBeGreaterThan(0);
    const added = await addException(testDb().forClinic(f.clinic.id), f.clinic, { kind: "closure", doctorId: null, locationId: null, start: localInstant(TZ, day, "00:00"), end: localInstant(TZ, day, "23:59"), reason: "Staff training day" }, OWNER, now);
    expect(await findSlots(testDb().forClinic(f.clinic.id), f.clinic, window, now)).toEqual([]);
    await removeException(testDb().forClinic(f.clinic.id), f.clinic, added.id, OWNER, { confirmed: true });
    expect((await findSlots(testDb().forClinic(f.clinic.id), f.clinic, window, now)).length).toBeGreaterThan(0);
  });

  it("extra hours add slots outside the weekly rules (within opening hours)", async () => {
    const f = await createScheduleFixture({ timeZone: TZ, doctors: 1, service: { minNoticeMin: 0 } });
    const now = new Date();
    const day = utcToZoned(new Date(now.getTime() + 5 * 86_400_000), TZ).date;
    const evening = { serviceId: f.serviceId, from: localInstant(TZ, day, "18:00"), to: localInstant(TZ, day, "20:00") };
    expect(await findSlots(testDb().forClinic(f.clinic.id), f.clinic, evening, now)).toEqual([]);
    await addException(testDb().forClinic(f.clinic.id), f.clinic, { kind: "extra_hours", doctorId: f.doctorIds[0]!, locationId: f.locationId, start: localInstant(TZ, day, "18:00"), end: localInstant(TZ, day, "20:00"), reason: null }, OWNER, now);
    expect(localStarts(await findSlots(testDb().forClinic(f.clinic.id), f.clinic, evening, now)).get(day)).toEqual(["18:00", "18:30", "19:00", "19:30"]);
  });

  it("approved time off removes the doctor's slots in one transaction with its exception; conflicts are listed first", async () => {
    const f = await createScheduleFixture({ timeZone: TZ, doctors: 1, service: { minNoticeMin: 0 } });
    const now = new Date();
    const day = utcToZoned(new Date(now.getTime() + 6 * 86_400_000), TZ).date;
    const window = { serviceId: f.serviceId, from: localInstant(TZ, day, "00:00"), to: localInstant(TZ, day, "23:59") };
    const booked = await testDb()
      .forClinic(f.clinic.id)
      .tx((tx) => bookAppointment(tx, f.clinic, { serviceId: f.serviceId, practitionerId: f.doctorIds[0]!, start: localInstant(TZ, day, "10:00"), patient: { patientAccountId: f.patientId }, channel: "staff" }, OWNER, now));
    const doctor: Actor = { type: "staff", id: "doctor-test", request: null };
    const asked = await requestTimeOff(testDb().forClinic(f.clinic.id), f.clinic, f.doctorIds[0]!, { kind: "sick_leave", note: "Flu", startDate: day, startTime: "", endDate: day, endTime: "" }, doctor, now);
    if (!asked.ok) throw new Error(JSON.stringify(asked.errors));
    // Asking again for the same day is refused.
    const twice = await requestTimeOff(testDb().forClinic(f.clinic.id), f.clinic, f.doctorIds[0]!, { kind: "sick_leave", note: "", startDate: day, startTime: "08:00", endDate: day, endTime: "09:00" }, doctor, now);
    expect(!twice.ok && twice.errors.startDate).toMatch(/already asked/);
    expect((await findSlots(testDb().forClinic(f.clinic.id), f.clinic, window, now)).length).toBeGreaterThan(0);

    const pending = await pendingTimeOff(testDb().forClinic(f.clinic.id), f.clinic, OWNER, now);
    expect(pending.map((p) => p.id)).toEqual([asked.id]);
    expect(pending[0]!.conflicts.map((c) => c.id)).toEqual([booked.id]);

    const { exceptionId } = await approveTimeOff(testDb().forClinic(f.clinic.id), f.clinic, asked.id, DECIDER, OWNER);
    expect(await findSlots(testDb().forClinic(f.clinic.id), f.clinic, window, now)).toEqual([]);
    const after = await testDb()
      .forClinic(f.clinic.id)
      .tx(async (tx) => ({
        request: await tx.timeOffRequest.findUniqueOrThrow({ where: { clinicId_id: { clinicId: f.clinic.id, id: asked.id } } }),
        exception: await tx.scheduleException.findUniqueOrThrow({ where: { clinicId_id: { clinicId: f.clinic.id, id: exceptionId } } }),
        actions: (await tx.auditEvent.findMany({ where: { clinicId: f.clinic.id, action: { startsWith: "time_off." } } })).map((a) => a.action).sort(),
        visit: await tx.appointment.findUniqueOrThrow({ where: { clinicId_id: { clinicId: f.clinic.id, id: booked.id } } }),
      }));
    expect(after.request).toMatchObject({ status: "approved", exceptionId });
    expect(after.exception).toMatchObject({ kind: "time_off", doctorId: f.doctorIds[0], reason: "Sick leave: Flu" });
    expect(after.actions).toEqual(["time_off.approved", "time_off.requested"]);
    expect(after.visit.status).toBe("confirmed");
    // A decided request cannot be decided again.
    await expect(declineTimeOff(testDb().forClinic(f.clinic.id), asked.id, "Too late", DECIDER, OWNER)).rejects.toThrow(/already approved/);
  });

  it("of an approval and a decline racing for one request, exactly one wins", async () => {
    const f = await createScheduleFixture({ timeZone: TZ, doctors: 1 });
    const day = utcToZoned(new Date(Date.now() + 8 * 86_400_000), TZ).date;
    const asked = await requestTimeOff(testDb().forClinic(f.clinic.id), f.clinic, f.doctorIds[0]!, { kind: "training", note: "", startDate: day, startTime: "", endDate: day, endTime: "" }, OWNER);
    if (!asked.ok) throw new Error("ask");
    const results = await Promise.allSettled([approveTimeOff(testDb().forClinic(f.clinic.id), f.clinic, asked.id, DECIDER, OWNER), declineTimeOff(testDb().forClinic(f.clinic.id), asked.id, "No cover", DECIDER, OWNER)]);
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    const exceptions = await testDb()
      .forClinic(f.clinic.id)
      .tx((tx) => tx.scheduleException.count({ where: { clinicId: f.clinic.id, kind: "time_off" } }));
    expect(exceptions).toBe(results[0]!.status === "fulfilled" ? 1 : 0);
  });

  it("working time is judged on the local clock: a visit at 09:00 on the spring-forward Monday is inside a 09:00 rule", () => {
    const rules = [{ locationId: "L", weekday: 1, startMinute: 540, endMinute: 720, breaks: [], effectiveFrom: null, effectiveTo: null }];
    const at = (date: string, hhmm: string, minutes: number) => ({ doctorId: "D", locationId: "L", start: localInstant(TZ, date, hhmm), end: new Date(localInstant(TZ, date, hhmm).getTime() + minutes * 60_000) });
    expect(insideWorkingTime(rules, [], at("2027-03-15", "09:00", 30), TZ)).toBe(true);
    expect(insideWorkingTime(rules, [], at("2027-03-08", "09:00", 30), TZ)).toBe(true);
    expect(insideWorkingTime(rules, [], at("2027-03-15", "08:30", 30), TZ)).toBe(false);
    expect(insideWorkingTime(rules, [], at("2027-03-15", "11:45", 30), TZ)).toBe(false);
  });
});
