/**
 * Whether a booked visit still falls inside its doctor's working time: the weekly rules in effect
 * on the visit's local date at its location (less breaks), plus extra hours, less time off and
 * closures. Pure, in the clinic's time zone: a 09:00 rule is 09:00 local on both sides of a
 * daylight-saving change.
 */
import { addDays, utcToZoned, weekdayOf, zonedToUtc, type LocalDate } from "~/lib/zoned-time";
import { WEEKDAYS } from "../tenancy/opening-hours";

export interface RuleRow {
  locationId: string;
  /** ISO weekday 1 … 7. */
  weekday: number;
  startMinute: number;
  endMinute: number;
  breaks: { start: string; end: string }[];
  effectiveFrom: LocalDate | null;
  effectiveTo: LocalDate | null;
}

export interface ExceptionRow {
  kind: "closure" | "time_off" | "extra_hours";
  doctorId: string | null;
  locationId: string | null;
  start: Date;
  end: Date;
}

type Span = [number, number];

const minutesOf = (t: string) => Number(t.slice(0, 2)) * 60 + Number(t.slice(3, 5));

function merge(list: Span[]): Span[] {
  const sorted = list.filter(([a, b]) => b > a).sort((x, y) => x[0] - y[0]);
  const out: Span[] = [];
  for (const [a, b] of sorted) {
    const last = out[out.length - 1];
    if (last && a <= last[1]) last[1] = Math.max(last[1], b);
    else out.push([a, b]);
  }
  return out;
}

function minus(from: Span[], cut: Span[]): Span[] {
  let out = from;
  for (const [ca, cb] of cut) out = out.flatMap(([a, b]): Span[] => (cb <= a || ca >= b ? [[a, b]] : ([[a, Math.min(b, ca)], [Math.max(a, cb), b]] as Span[]).filter(([x, y]) => y > x)));
  return out;
}

/** The doctor's working spans (epoch ms) at a location on one local date. */
export function workingSpansOn(rules: readonly RuleRow[], exceptions: readonly ExceptionRow[], doctorId: string, locationId: string, date: LocalDate, timeZone: string): Span[] {
  const isoWeekday = WEEKDAYS.indexOf(weekdayOf(date)) + 1;
  const at = (m: number) => zonedToUtc(date, m, timeZone).getTime();
  const spans: Span[] = [];
  for (const r of rules) {
    if (r.locationId !== locationId || r.weekday !== isoWeekday) continue;
    if ((r.effectiveFrom && date < r.effectiveFrom) || (r.effectiveTo && date > r.effectiveTo)) continue;
    spans.push(...minus([[at(r.startMinute), at(r.endMinute)]], r.breaks.map((b): Span => [at(minutesOf(b.start)), at(minutesOf(b.end))])));
  }
  const dayStart = zonedToUtc(date, 0, timeZone).getTime();
  const dayEnd = zonedToUtc(addDays(date, 1), 0, timeZone).getTime();
  for (const e of exceptions) {
    if (e.kind === "extra_hours" && e.doctorId === doctorId && e.locationId === locationId) spans.push([Math.max(dayStart, e.start.getTime()), Math.min(dayEnd, e.end.getTime())]);
  }
  const away = exceptions.filter((e) => (e.kind === "time_off" && e.doctorId === doctorId) || (e.kind === "closure" && (e.locationId === null || e.locationId === locationId))).map((e): Span => [e.start.getTime(), e.end.getTime()]);
  return minus(merge(spans), merge(away));
}

/** Whether [start, end) lies inside the doctor's working time at the location. */
export function insideWorkingTime(rules: readonly RuleRow[], exceptions: readonly ExceptionRow[], visit: { doctorId: string; locationId: string; start: Date; end: Date }, timeZone: string): boolean {
  const first = utcToZoned(visit.start, timeZone).date;
  const last = utcToZoned(new Date(visit.end.getTime() - 1), timeZone).date;
  const spans: Span[] = [];
  for (let d = first; d <= last; d = addDays(d, 1)) spans.push(...workingSpansOn(rules, exceptions, visit.doctorId, visit.locationId, d, timeZone));
  const a = visit.start.getTime();
  const b = visit.end.getTime();
  return merge(spans).some(([x, y]) => x <= a && y >= b);
}
