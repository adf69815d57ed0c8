/**
 * Opening hours of a location, kept in the clinic's local wall time ({"mon":[{"open":"08:00",
 * "close":"18:00"}], ..., "sun":[]}). Pure: "now" and the time zone are arguments, and Intl does
 * the time-zone arithmetic, so daylight-saving changes need no special cases.
 */
import { z } from "zod";

export const WEEKDAYS = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"] as const;
export type Weekday = (typeof WEEKDAYS)[number];

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

const wallTime = z.string().regex(/^(?:[01]\d|2[0-3]):[0-5]\d$|^24:00$/);
const period = z.object({ open: wallTime, close: wallTime }).refine((p) => p.open !== p.close);

/** Reads the stored JSON; a malformed day counts as closed rather than breaking the page. */
export function parseOpeningHours(value: unknown): OpeningHours {
  const source = (value && typeof value === "object" ? value : {}) as Record<string, unknown>;
  const hours = {} as OpeningHours;
  for (const day of WEEKDAYS) {
    const parsed = z.array(period).safeParse(source[day] ?? []);
    hours[day] = parsed.success ? [...parsed.data].sort((a, b) => a.open.localeCompare(b.open)) : [];
  }
  return hours;
}

export function minutesOf(time: string): number {
  const [h, m] = time.split(":").map(Number) as [number, number];
  return h * 60 + m;
}

/** A period whose close is not after its open runs past midnight (e.g. 20:00–02:00). */
function endMinutes(p: OpeningPeriod) {
  const close = minutesOf(p.close);
  return close <= minutesOf(p.open) ? close + 24 * 60 : close;
}

export interface ZonedMoment {
  weekday: Weekday;
  /** Minutes since local midnight. */
  minutes: number;
  /** Local calendar date, YYYY-MM-DD. */
  date: string;
}

const partsFormatters = new Map<string, Intl.DateTimeFormat>();

/** The wall-clock day and time at `at` in `timeZone`. */
export function zonedMoment(at: Date, timeZone: string): ZonedMoment {
  let fmt = partsFormatters.get(timeZone);
  if (!fmt) {
    fmt = new Intl.DateTimeFormat("en-US", {
      timeZone,
      weekday: "short",
      year: "numeric",
      month: "2-digit",
      day: "2-digit",
      hour: "2-digit",
      minute: "2-digit",
      hourCycle: "h23",
    });
    partsFormatters.set(timeZone, fmt);
  }
  const parts = Object.fromEntries(fmt.formatToParts(at).map((p) => [p.type, p.value]));
  const weekday = String(parts.weekday).slice(0, 3).toLowerCase() as Weekday;
  return {
    weekday,
    minutes: Number(parts.hour) * 60 + Number(parts.minute),
    date: `${parts.year}-${parts.month}-${parts.day}`,
  };
}

function previousDay(day: Weekday): Weekday {
  return WEEKDAYS[(WEEKDAYS.indexOf(day) + 6) % 7]!;
}

export type OpenState =
  | { open: true; closesAt: string }
  | { open: false; opensAt: { day: Weekday; time: string } | null };

/** Whether the location is open at `at`, with when it closes or next opens (local wall time). */
export function openState(hours: OpeningHours, at: Date, timeZone: string): OpenState {
  const now = zonedMoment(at, timeZone);
  for (const p of hours[now.weekday]) {
    if (now.minutes >= minutesOf(p.open) && now.minutes < endMinutes(p)) return { open: true, closesAt: p.close };
  }
  // Still inside yesterday's period that runs past midnight.
  for (const p of hours[previousDay(now.weekday)]) {
    const end = endMinutes(p);
    if (end > 24 * 60 && now.minutes < end - 24 * 60) return { open: true, closesAt: p.close };
  }
  const today = WEEKDAYS.indexOf(now.weekday);
  for (let offset = 0; offset < 7; offset++) {
    const day = WEEKDAYS[(today + offset) % 7]!;
    const next = hours[day].find((p) => offset > 0 || minutesOf(p.open) > now.minutes);
    if (next) return { open: false, opensAt: { day, time: next.open } };
  }
  return { open: false, opensAt: null };
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
export function describeOpenState(state: OpenState, today: Weekday): string {
  if (state.open) return `Open now · until ${state.closesAt}`;
  if (!state.opensAt) return "Closed now";
  const when = state.opensAt.day === today ? "today" : WEEKDAY_NAMES[state.opensAt.day];
  return `Closed now · opens ${when} ${state.opensAt.time}`;
}

/** The next change on its own, beside an open/closed badge: "Closes at 18:00", "Opens Monday 08:00". */
export function describeNextChange(state: OpenState, today: Weekday): string {
  if (state.open) return `Closes at ${state.closesAt}`;
  if (!state.opensAt) return "No opening hours set";
  return `Opens ${state.opensAt.day === today ? "today" : WEEKDAY_NAMES[state.opensAt.day]} ${state.opensAt.time}`;
}

/** "Maria" from "Dr. Maria Alvarez": how a greeting addresses someone. */
export function firstNameOf(fullName: string): string {
  const words = fullName.trim().split(/\s+/).filter((w) => !/^(dr|prof|mr|mrs|ms|mx)\.?$/i.test(w));
  return words[0] ?? fullName.trim();
}

/** "New York time" for America/New_York: how people name a zone in a sentence. */
export function timeZoneCity(timeZone: string): string {
  const city = timeZone.split("/").pop() ?? timeZone;
  return `${city.replace(/_/g, " ")} time`;
}

/** "Friday, 20 November 2026" in the clinic's zone. */
export function formatLongDate(at: Date, timeZone: string): string {
  return new Intl.DateTimeFormat("en-GB", { timeZone, weekday: "long", day: "numeric", month: "long", year: "numeric" }).format(at);
}

/** Morning, afternoon or evening in the clinic's zone. */
export function partOfDay(at: Date, timeZone: string): "morning" | "afternoon" | "evening" {
  const { minutes } = zonedMoment(at, timeZone);
  if (minutes < 12 * 60) return "morning";
  if (minutes < 18 * 60) return "afternoon";
  return "evening";
}
