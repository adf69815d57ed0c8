/** The month calendar of the booking pages: pure date arithmetic on the clinic's local dates. */
import { addDays, weekdayOf, type LocalDate } from "~/lib/zoned-time";
import { formatLocalDay } from "~/lib/format";

export type LocalMonth = string;

export interface CalendarDay {
  date: LocalDate;
  dayOfMonth: number;
  freeTimes: number;
  /** Open, but every time is booked: the day's page offers the waitlist. */
  full: boolean;
  /** "Monday 7 December, 12 free times" / "Tuesday 8 December, fully booked" / "… no free times". */
  label: string;
}

export interface CalendarMonth {
  month: LocalMonth;
  /** Empty cells before the 1st, weeks starting on Monday. */
  leadingBlanks: number;
  days: CalendarDay[];
  previous: LocalMonth;
  next: LocalMonth;
}

export function monthOf(date: LocalDate): LocalMonth {
  return date.slice(0, 7);
}

export function shiftMonth(month: LocalMonth, by: number): LocalMonth {
  const [y, m] = month.split("-").map(Number) as [number, number];
  const index = y * 12 + (m - 1) + by;
  return `${Math.floor(index / 12)}-${String((index % 12) + 1).padStart(2, "0")}`;
}

export function firstDayOf(month: LocalMonth): LocalDate {
  return `${month}-01`;
}

export function daysIn(month: LocalMonth): LocalDate[] {
  const out: LocalDate[] = [];
  for (let d = firstDayOf(month); monthOf(d) === month; d = addDays(d, 1)) out.push(d);
  return out;
}

const MONDAY_FIRST: Record<string, number> = { mon: 0, tue: 1, wed: 2, thu: 3, fri: 4, sat: 5, sun: 6 };

function weekdayIndex(date: LocalDate): number {
  return MONDAY_FIRST[String(weekdayOf(date)).slice(0, 3).toLowerCase()] ?? 0;
}

export function buildCalendar(month: LocalMonth, freeByDay: ReadonlyMap<LocalDate, number>, fullDays: ReadonlySet<LocalDate> = new Set()): CalendarMonth {
  const days = daysIn(month).map((date) => {
    const freeTimes = freeByDay.get(date) ?? 0;
    const full = freeTimes === 0 && fullDays.has(date);
    const count = full ? "fully booked" : freeTimes === 0 ? "no free times" : freeTimes === 1 ? "1 free time" : `${freeTimes} free times`;
    return { date, dayOfMonth: Number(date.slice(8)), freeTimes, full, label: `${formatLocalDay(date)}, ${count}` };
  });
  return { month, leadingBlanks: weekdayIndex(firstDayOf(month)), days, previous: shiftMonth(month, -1), next: shiftMonth(month, 1) };
}
