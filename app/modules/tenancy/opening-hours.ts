/**
 * Opening hours of a location, kept in the clinic's local wall time ({"mon":[{"open":"08:00",
 * "close":"18:00"}], ..., "sun":[]}). Pure: "now" and the time zone are arguments, and Intl does
 * the time-zone arithmetic, so daylight-saving changes need no special cases.
 *
 * A period never runs past midnight: it closes at "24:00" at the latest, and a clinic open late
 * writes two periods (fri 20:00–24:00, sat 00:00–02:00). The tenant schema validates with the same
 * helpers, so what it accepts is exactly what this module understands.
 */

import { utcToZoned, WEEKDAYS, type Weekday } from "~/lib/zoned-time";

export { WEEKDAYS, type Weekday };

/** ISO 8601 weekday number: Monday 1 … Sunday 7. */
export function isoWeekday(day: Weekday): number {
  return WEEKDAYS.indexOf(day) + 1;
}

export const WEEKDAY_NAMES: Record<Weekday, string> = {
  mon: "Monday",
  tue: "Tuesday",
  wed: "Wednesday",
  thu: "Thursday",
  fri: "Friday",
  sat: "Saturday",
  sun: "Sunday",
};

export interface OpeningPeriod {
  open: string;
  close: string;
}
export type OpeningHours = Record<Weekday, OpeningPeriod[]>;

/** A 24-hour wall time "HH:MM"; "24:00" is allowed so a period can close at midnight. */
export const WALL_TIME_PATTERN = /^(?:[01]\d|2[0-3]):[0-5]\d$|^24:00$/;

/** "HH:MM" as minutes since midnight ("24:00" is 1440). */
export function minutesOf(time: string): number {
  const [h, m] = time.split(":").map(Number) as [number, number];
  return h * 60 + m;
}

/** A period must open before it closes on the same day. */
export function opensBeforeCloses(period: OpeningPeriod): boolean {
  return minutesOf(period.open) < minutesOf(period.close);
}

function isPeriod(value: unknown): value is OpeningPeriod {
  if (!value || typeof value !== "object") return false;
  const { open, close } = value as Record<string, unknown>;
  return typeof open === "string" && typeof close === "string" && WALL_TIME_PATTERN.test(open) && WALL_TIME_PATTERN.test(close) && opensBeforeCloses({ open, close });
}

/**
 * Reads the stored JSON; a malformed day counts as closed rather than breaking the page. Written
 * without zod on purpose: this module runs in the browser too, and zod would triple the page's
 * JavaScript (input is validated with zod where it enters, in the tenant schema and the forms).
 */
export function parseOpeningHours(value: unknown): OpeningHours {
  const source = (value && typeof value === "object" ? value : {}) as Record<string, unknown>;
  const hours = {} as OpeningHours;
  for (const day of WEEKDAYS) {
    const periods = source[day] ?? [];
    hours[day] = Array.isArray(periods) && periods.every(isPeriod) ? [...periods].sort((a, b) => minutesOf(a.open) - minutesOf(b.open)) : [];
  }
  return hours;
}

export interface ZonedMoment {
  weekday: Weekday;
  /** Minutes since local midnight. */
  minutes: number;
  /** Local calendar date, YYYY-MM-DD. */
  date: string;
}

/** The wall-clock day and time at `at` in `timeZone` (one time-zone conversion for the whole app). */
export function zonedMoment(at: Date, timeZone: string): ZonedMoment {
  return utcToZoned(at, timeZone);
}

function dayAfter(day: Weekday, days = 1): Weekday {
  return WEEKDAYS[(WEEKDAYS.indexOf(day) + days) % 7]!;
}

export type OpenState =
  | { open: true; closesAt: string }
  /** `inDays` is 0 for later today and 7 for the same weekday next week. */
  | { open: false; opensAt: { day: Weekday; time: string; inDays: number } | null };

/** Whether the location is open at `at`, with when it closes or next opens (local wall time). */
export function openState(hours: OpeningHours, at: Date, timeZone: string): OpenState {
  const now = zonedMoment(at, timeZone);
  const current = hours[now.weekday].find((p) => now.minutes >= minutesOf(p.open) && now.minutes < minutesOf(p.close));
  if (current) {
    // Open until midnight and again from 00:00 is one stretch of opening for the visitor.
    const carriesOn = current.close === "24:00" ? hours[dayAfter(now.weekday)].find((p) => p.open === "00:00") : undefined;
    return { open: true, closesAt: carriesOn?.close ?? current.close };
  }
  // Up to 7 days ahead: a location open one day a week, seen after closing, opens next week.
  for (let inDays = 0; inDays <= 7; inDays++) {
    const day = dayAfter(now.weekday, inDays);
    const next = hours[day].find((p) => inDays > 0 || minutesOf(p.open) > now.minutes);
    if (next) return { open: false, opensAt: { day, time: next.open, inDays } };
  }
  return { open: false, opensAt: null };
}

function whenItOpens(opensAt: { day: Weekday; time: string; inDays: number }): string {
  if (opensAt.inDays === 0) return `today ${opensAt.time}`;
  if (opensAt.inDays === 7) return `next ${WEEKDAY_NAMES[opensAt.day]} ${opensAt.time}`;
  return `${WEEKDAY_NAMES[opensAt.day]} ${opensAt.time}`;
}

/** "08:00–12:00, 13:00–18:00" or "Closed". */
export function formatDayHours(periods: OpeningPeriod[]): string {
  if (!periods.length) return "Closed";
  return periods.map((p) => `${p.open}–${p.close}`).join(", ");
}

/** One line per weekday, Monday first, for the opening-hours table. */
export function weekRows(hours: OpeningHours, today: Weekday | null) {
  return WEEKDAYS.map((day) => ({
    day,
    name: WEEKDAY_NAMES[day],
    periods: hours[day],
    text: formatDayHours(hours[day]),
    closed: hours[day].length === 0,
    isToday: day === today,
  }));
}

/** A sentence for the open/closed badge: "Open now · until 18:00", "Closed now · opens Monday 08:00". */
export function describeOpenState(state: OpenState): string {
  if (state.open) return `Open now · until ${state.closesAt}`;
  if (!state.opensAt) return "Closed now";
  return `Closed now · opens ${whenItOpens(state.opensAt)}`;
}

/** The next change on its own, beside an open/closed badge: "Closes at 18:00", "Opens Monday 08:00". */
export function describeNextChange(state: OpenState): string {
  if (state.open) return `Closes at ${state.closesAt}`;
  if (!state.opensAt) return "No opening hours set";
  return `Opens ${whenItOpens(state.opensAt)}`;
}
