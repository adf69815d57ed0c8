/**
 * The schedule behind the desk's grid: the locations' opening hours, the doctors' weekly rules
 * (shifts and breaks) and the exceptions (time off, closures and holidays, extra hours) that touch
 * the shown dates, read in three queries for the whole grid and cut into each column's local day.
 *
 * Weekly hours are wall time and are used as written; exceptions are instants, turned into the
 * column's local minutes with the clinic's zone, so a time off from 10:00 to 12:00 on a
 * daylight-saving day still covers 10:00–12:00 on the grid.
 */
import type { Tx } from "~/utils/db.server";
import { addDays, utcToZoned, weekdayOf, zonedToUtc, type LocalDate } from "~/lib/zoned-time";
import type { ClinicRef } from "~/modules/scheduling/slots.server";
import { isoWeekday, minutesOf, parseOpeningHours, type OpeningHours } from "~/modules/tenancy/opening-hours";
import { mergeSpans, type CalendarMark, type CalendarSpan } from "./calendar-grid";
import { oneByOne } from "./desk-appointments.server";

interface Rule {
  doctorId: string;
  locationId: string;
  weekday: number;
  start: number;
  end: number;
  breaks: CalendarSpan[];
  effectiveFrom: LocalDate | null;
  effectiveTo: LocalDate | null;
}

interface Exception {
  kind: "closure" | "time_off" | "extra_hours";
  doctorId: string | null;
  locationId: string | null;
  start: Date;
  end: Date;
  reason: string | null;
}

export interface CalendarSchedule {
  timeZone: string;
  hours: Map<string, OpeningHours>;
  rules: Rule[];
  exceptions: Exception[];
}

const asDate = (d: Date | null) => (d ? d.toISOString().slice(0, 10) : null);

function breaksOf(value: unknown): CalendarSpan[] {
  if (!Array.isArray(value)) return [];
  return value.flatMap((b: unknown) => {
    const { start, end } = (b ?? {}) as Record<string, unknown>;
    return typeof start === "string" && typeof end === "string" ? [{ from: minutesOf(start), to: minutesOf(end) }] : [];
  });
}

/** Everything the grid's columns need about hours, for the instants [from, to). */
export async function calendarSchedule(tx: Tx, clinic: ClinicRef, range: { from: Date; to: Date }): Promise<CalendarSchedule> {
  const [locations, rules, exceptions] = await oneByOne([
    () => tx.location.findMany({ where: { clinicId: clinic.id }, select: { id: true, openingHours: true } }),
    () => tx.availabilityRule.findMany({ where: { clinicId: clinic.id }, select: { doctorId: true, locationId: true, weekday: true, startMinute: true, endMinute: true, breaks: true, effectiveFrom: true, effectiveTo: true } }),
    () => tx.scheduleException.findMany({ where: { clinicId: clinic.id, startsAt: { lt: range.to }, endsAt: { gt: range.from } }, select: { kind: true, doctorId: true, locationId: true, startsAt: true, endsAt: true, reason: true }, orderBy: { startsAt: "asc" } }),
  ]);
  return {
    timeZone: clinic.timeZone,
    hours: new Map(locations.map((l) => [l.id, parseOpeningHours(l.openingHours)])),
    rules: rules.map((r) => ({ doctorId: r.doctorId, locationId: r.locationId, weekday: r.weekday, start: r.startMinute, end: r.endMinute, breaks: breaksOf(r.breaks), effectiveFrom: asDate(r.effectiveFrom), effectiveTo: asDate(r.effectiveTo) })),
    exceptions: exceptions.map((x) => ({ kind: x.kind, doctorId: x.doctorId, locationId: x.locationId, start: x.startsAt, end: x.endsAt, reason: x.reason })),
  };
}

/** The part of an instant range that falls on a local date, in that date's local minutes, or null. */
export function localSpanOn(date: LocalDate, span: { start: Date; end: Date }, timeZone: string): CalendarSpan | null {
  const dayStart = zonedToUtc(date, 0, timeZone);
  const dayEnd = zonedToUtc(addDays(date, 1), 0, timeZone);
  const start = span.start > dayStart ? span.start : dayStart;
  const end = span.end < dayEnd ? span.end : dayEnd;
  if (end <= start) return null;
  const from = start.getTime() === dayStart.getTime() ? 0 : utcToZoned(start, timeZone).minutes;
  const to = end.getTime() === dayEnd.getTime() ? 1440 : utcToZoned(end, timeZone).minutes;
  return to > from ? { from, to } : null;
}

const CLOSURE = "Clinic closed";

/**
 * One column's day: opening hours of its location(s); for a doctor, the shifts (weekly rules and
 * extra hours) and breaks; time off and closures as marks; and the location a booking there is for
 * (the doctor's rule that day when the column names no location).
 */
export function columnTimes(s: CalendarSchedule, c: { date: LocalDate; doctorId: string | null; locationIds: string[] }): { open: CalendarSpan[]; shifts: CalendarSpan[]; marks: CalendarMark[]; location: string | null } {
  const weekday = weekdayOf(c.date);
  const iso = isoWeekday(weekday);
  const inLocations = (id: string | null) => id === null || c.locationIds.length === 0 || c.locationIds.includes(id);
  const rules = c.doctorId
    ? s.rules.filter((r) => r.doctorId === c.doctorId && r.weekday === iso && inLocations(r.locationId) && (!r.effectiveFrom || r.effectiveFrom <= c.date) && (!r.effectiveTo || r.effectiveTo >= c.date))
    : [];
  const locationIds = c.locationIds.length ? c.locationIds : [...new Set(rules.map((r) => r.locationId))];
  const open = mergeSpans(locationIds.flatMap((id) => (s.hours.get(id)?.[weekday] ?? []).map((p) => ({ from: minutesOf(p.open), to: minutesOf(p.close) }))));
  const marks: CalendarMark[] = [];
  const shifts: CalendarSpan[] = rules.map((r) => ({ from: r.start, to: r.end }));
  for (const r of rules) for (const b of r.breaks) marks.push({ ...b, kind: "break", label: "Break" });
  for (const x of s.exceptions) {
    const span = localSpanOn(c.date, x, s.timeZone);
    if (!span) continue;
    if (x.kind === "closure" && inLocations(x.locationId)) marks.push({ ...span, kind: "closure", label: x.reason ? `${CLOSURE}: ${x.reason}` : CLOSURE });
    if (x.kind === "time_off" && c.doctorId && x.doctorId === c.doctorId) marks.push({ ...span, kind: "time_off", label: x.reason ? `Time off: ${x.reason}` : "Time off" });
    if (x.kind === "extra_hours" && c.doctorId && x.doctorId === c.doctorId && inLocations(x.locationId)) shifts.push(span);
  }
  marks.sort((a, b) => a.from - b.from || a.to - b.to);
  return { open, shifts: mergeSpans(shifts), marks, location: locationIds.length === 1 ? locationIds[0]! : (rules[0]?.locationId ?? null) };
}
