/**
 * Wall time in a clinic's time zone, converted to and from UTC instants with Intl only.
 *
 * A local wall time is a local date ("YYYY-MM-DD") plus minutes since local midnight (0–1440;
 * 1440 is the next day's midnight, so a shift can end at "24:00").
 *
 * Daylight-saving changes are handled deliberately:
 * - A local time that does not exist (the spring-forward gap, e.g. 02:30 in New York on
 *   2027-03-14) resolves to the first instant after the gap, i.e. 03:00 local. A shift written as
 *   02:00–06:00 on that day therefore runs 03:00–06:00: three real hours.
 * - A local time that happens twice (the fall-back overlap, e.g. 01:30 in New York on 2027-11-07)
 *   resolves to its first occurrence, the one with the earlier (summer) offset.
 */
/** Days of the week in the order a clinic's week is written (Monday first). */
export const WEEKDAYS = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"] as const;
export type Weekday = (typeof WEEKDAYS)[number];

export type LocalDate = string;

const MINUTE_MS = 60_000;
const DAY_MS = 86_400_000;
const DATE_PATTERN = /^(\d{4})-(\d{2})-(\d{2})$/;
const WEEKDAY_BY_UTC_DAY: readonly Weekday[] = ["sun", "mon", "tue", "wed", "thu", "fri", "sat"];

// Building a DateTimeFormat is far more expensive than using one.
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let fmt = formatters.get(timeZone);
  if (!fmt) {
    fmt = new Intl.DateTimeFormat("en-US", {
      timeZone,
      year: "numeric",
      month: "2-digit",
      day: "2-digit",
      hour: "2-digit",
      minute: "2-digit",
      second: "2-digit",
      hourCycle: "h23",
    });
    formatters.set(timeZone, fmt);
  }
  return fmt;
}

interface WallParts {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
}

function wallPartsFromIntl(instantMs: number, timeZone: string): WallParts {
  const out: WallParts = { year: 0, month: 0, day: 0, hour: 0, minute: 0, second: 0 };
  for (const part of formatterFor(timeZone).formatToParts(instantMs)) {
    if (part.type in out) out[part.type as keyof WallParts] = Number(part.value);
  }
  out.hour %= 24; // some engines print midnight as "24" even with h23
  return out;
}

function offsetMsFromIntl(instantMs: number, timeZone: string): number {
  const p = wallPartsFromIntl(instantMs, timeZone);
  const wallAsUtc = Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second);
  return wallAsUtc - (instantMs - (((instantMs % 1000) + 1000) % 1000));
}

// Intl is slow (a few microseconds a call, and the slot and calendar pages make thousands), so
// offsets are kept per quarter hour of UTC. Since 1980 every zone's offset is a whole number of
// quarter hours and its changes fall on quarter hours of UTC, so one reading holds for its quarter;
// earlier instants (odd historical offsets) always ask Intl.
const QUARTER_MS = 15 * MINUTE_MS;
const MEMO_FROM_MS = Date.UTC(1980, 0, 1);
/** Per zone, then per quarter hour: a number key, so a lookup builds no string. */
const quarterOffsets = new Map<string, Map<number, number>>();
let quartersKept = 0;

function offsetMs(instantMs: number, timeZone: string): number {
  if (instantMs < MEMO_FROM_MS) return offsetMsFromIntl(instantMs, timeZone);
  const quarter = Math.floor(instantMs / QUARTER_MS);
  let ofZone = quarterOffsets.get(timeZone);
  let offset = ofZone?.get(quarter);
  if (offset === undefined) {
    offset = offsetMsFromIntl(quarter * QUARTER_MS, timeZone);
    if (quartersKept >= 200_000) {
      quarterOffsets.clear();
      quartersKept = 0;
      ofZone = undefined;
    }
    if (!ofZone) quarterOffsets.set(timeZone, (ofZone = new Map()));
    ofZone.set(quarter, offset);
    quartersKept++;
  }
  return offset;
}

function wallParts(instantMs: number, timeZone: string): WallParts {
  if (instantMs < MEMO_FROM_MS) return wallPartsFromIntl(instantMs, timeZone);
  const wall = new Date(instantMs + offsetMs(instantMs, timeZone));
  return { year: wall.getUTCFullYear(), month: wall.getUTCMonth() + 1, day: wall.getUTCDate(), hour: wall.getUTCHours(), minute: wall.getUTCMinutes(), second: wall.getUTCSeconds() };
}

function parseDate(date: LocalDate): [number, number, number] {
  const m = DATE_PATTERN.exec(date);
  if (!m) throw new RangeError(`Not a local date (YYYY-MM-DD): ${date}`);
  return [Number(m[1]), Number(m[2]), Number(m[3])];
}

/** Midnight of a local date read as if it were UTC, in milliseconds. */
export function localDateEpochMs(date: LocalDate): number {
  const [y, m, d] = parseDate(date);
  return Date.UTC(y, m - 1, d);
}

/** The zone's offset from UTC at an instant, in minutes (New York in winter: −300). */
export function offsetMinutes(instant: Date, timeZone: string): number {
  return Math.round(offsetMs(instant.getTime(), timeZone) / MINUTE_MS);
}

/**
 * The UTC instant of a local wall time. Nonexistent times move to the end of the gap; repeated
 * times take their first occurrence (see the module comment).
 */
export function zonedToUtc(date: LocalDate, minutes: number, timeZone: string): Date {
  const wall = localDateEpochMs(date) + minutes * MINUTE_MS;
  // Offsets a day either side bracket any change near this wall time (offsets stay within ±14 h).
  const before = offsetMs(wall - DAY_MS, timeZone);
  const after = offsetMs(wall + DAY_MS, timeZone);
  const valid = [...new Set([before, after])].map((o) => wall - o).filter((t) => wall - t === offsetMs(t, timeZone));
  if (valid.length > 0) return new Date(Math.min(...valid));
  if (before === after) return new Date(wall - before);

  // In the gap: find the first minute that carries the new offset.
  let lo = wall - DAY_MS;
  let hi = wall + DAY_MS;
  while (hi - lo > MINUTE_MS) {
    const mid = lo + Math.floor((hi - lo) / 2 / MINUTE_MS) * MINUTE_MS;
    if (offsetMs(mid, timeZone) === before) lo = mid;
    else hi = mid;
  }
  return new Date(hi);
}

/** The local date, minutes since local midnight and weekday of an instant. */
export function utcToZoned(instant: Date, timeZone: string): { date: LocalDate; minutes: number; weekday: Weekday } {
  const p = wallParts(instant.getTime(), timeZone);
  const date = `${String(p.year).padStart(4, "0")}-${String(p.month).padStart(2, "0")}-${String(p.day).padStart(2, "0")}`;
  return { date, minutes: p.hour * 60 + p.minute, weekday: weekdayOf(date) };
}

/** The weekday of a local date; a calendar date has the same weekday everywhere. */
export function weekdayOf(date: LocalDate): Weekday {
  return WEEKDAY_BY_UTC_DAY[new Date(localDateEpochMs(date)).getUTCDay()] as Weekday;
}

/** A local date moved by whole calendar days. */
export function addDays(date: LocalDate, days: number): LocalDate {
  return new Date(localDateEpochMs(date) + days * DAY_MS).toISOString().slice(0, 10);
}

/** Every local date from `first` to `last`, both included. */
export function datesFromTo(first: LocalDate, last: LocalDate): LocalDate[] {
  const out: LocalDate[] = [];
  for (let d = first; d <= last; d = addDays(d, 1)) out.push(d);
  return out;
}

/** The local dates touched by the instants in [from, to). */
export function localDatesBetween(from: Date, to: Date, timeZone: string): LocalDate[] {
  if (to.getTime() <= from.getTime()) return [];
  return datesFromTo(utcToZoned(from, timeZone).date, utcToZoned(new Date(to.getTime() - 1), timeZone).date);
}

const pad2 = (n: number) => String(n).padStart(2, "0");

/**
 * ISO 8601 with the zone's offset at that instant ("2026-12-01T09:00:00-05:00"), as the API shows
 * times. Offsets are memoised per quarter hour of UTC: zones change offset only on a quarter hour,
 * and Intl is slow enough to matter when a response carries thousands of slots.
 */
export function toOffsetIso(instant: Date, timeZone: string): string {
  const ms = instant.getTime();
  const offset = hourOffset(ms, timeZone);
  const wall = new Date(ms + offset * MINUTE_MS);
  const sign = offset < 0 ? "-" : "+";
  const abs = Math.abs(offset);
  const seconds = wall.getUTCSeconds();
  return (
    `${wall.getUTCFullYear()}-${pad2(wall.getUTCMonth() + 1)}-${pad2(wall.getUTCDate())}` +
    `T${pad2(wall.getUTCHours())}:${pad2(wall.getUTCMinutes())}:${pad2(seconds)}` +
    `${sign}${pad2(Math.floor(abs / 60))}:${pad2(abs % 60)}`
  );
}

function hourOffset(ms: number, timeZone: string): number {
  return Math.round(offsetMs(ms, timeZone) / MINUTE_MS);
}

/** A local calendar date as pages take it in a URL or form: years 1900–2199 only, so arithmetic on it stays in range. */
export const LOCAL_DATE_PATTERN = /^(19|20|21)\d{2}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/;
