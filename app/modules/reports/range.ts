/**
 * The date range of a report, in the clinic's own calendar: a preset (this week, last 30 days,
 * this month, last month) or a custom pair of local dates, both included. Each local day runs
 * from its local midnight to the next one, so a daylight-saving day is 23 or 25 hours long and
 * a visit at 00:30 local counts on the day it happens on the clinic's clock.
 */
import { z } from "zod";
import { localMidnights } from "~/modules/scheduling/slot-engine";
import { addDays, datesFromTo, utcToZoned, type LocalDate, LOCAL_DATE_PATTERN } from "~/lib/zoned-time";

export const RANGE_PRESETS = ["this-week", "last-30-days", "this-month", "last-month", "custom"] as const;
export type RangePreset = (typeof RANGE_PRESETS)[number];

export const PRESET_LABELS: Record<RangePreset, string> = {
  "this-week": "This week",
  "last-30-days": "Last 30 days",
  "this-month": "This month",
  "last-month": "Last month",
  custom: "Custom dates",
};

/** The longest range one report covers: a year and a day (a leap year's whole year fits). */
export const MAX_RANGE_DAYS = 366;

const localDate = z
  .string()
  .trim()
  .regex(LOCAL_DATE_PATTERN, "Use a date like 2026-12-31.")
  .refine((v) => !Number.isNaN(Date.parse(`${v}T00:00:00Z`)) && new Date(`${v}T00:00:00Z`).toISOString().startsWith(v), "That date does not exist.");

/** The report filters as they come in the query string (`?range=&from=&to=&location=`). */
export const reportFilters = z.object({
  /** Absent: custom when dates are given (as in CSV links), otherwise the last 30 days. */
  range: z.enum(RANGE_PRESETS).optional().catch(undefined),
  from: z.preprocess((v) => (v === "" || v === null ? undefined : v), localDate.optional()),
  to: z.preprocess((v) => (v === "" || v === null ? undefined : v), localDate.optional()),
  location: z.preprocess((v) => (v === "" || v === null || v === "all" ? undefined : v), z.string().uuid("Choose a location from the list.").optional()),
});
export type ReportFilters = z.infer<typeof reportFilters>;

export interface ReportRange {
  preset: RangePreset;
  /** First and last local dates, both included. */
  first: LocalDate;
  last: LocalDate;
  /** [from, to): local midnight of `first` to local midnight after `last`. */
  from: Date;
  to: Date;
  /** Every local date in the range, and the UTC instant each one starts at. */
  days: LocalDate[];
  dayStarts: Date[];
}

export type RangeAnswer = { ok: true; range: ReportRange } | { ok: false; field: "from" | "to"; message: string };

/** Reads `?range=…&from=…&to=…` into a range; a custom range needs both dates, in order, at most a year long. */
export function resolveRange(filters: Pick<ReportFilters, "range" | "from" | "to">, timeZone: string, now: Date): RangeAnswer {
  const today = utcToZoned(now, timeZone);
  let first: LocalDate;
  let last: LocalDate;
  const preset: RangePreset = filters.range ?? (filters.from || filters.to ? "custom" : "last-30-days");
  switch (preset) {
    case "this-week": {
      // ISO weeks: Monday to Sunday.
      const back = (["mon", "tue", "wed", "thu", "fri", "sat", "sun"] as const).indexOf(today.weekday);
      first = addDays(today.date, -back);
      last = addDays(first, 6);
      break;
    }
    case "last-30-days":
      first = addDays(today.date, -29);
      last = today.date;
      break;
    case "this-month":
      first = `${today.date.slice(0, 7)}-01`;
      last = addDays(nextMonthStart(first), -1);
      break;
    case "last-month": {
      const thisMonth = `${today.date.slice(0, 7)}-01`;
      last = addDays(thisMonth, -1);
      first = `${last.slice(0, 7)}-01`;
      break;
    }
    case "custom": {
      if (!filters.from) return { ok: false, field: "from", message: "Choose the first day of the range." };
      if (!filters.to) return { ok: false, field: "to", message: "Choose the last day of the range." };
      if (filters.to < filters.from) return { ok: false, field: "to", message: "The last day must be on or after the first day." };
      if (datesFromTo(filters.from, filters.to).length > MAX_RANGE_DAYS) return { ok: false, field: "to", message: `A report covers at most ${MAX_RANGE_DAYS} days.` };
      first = filters.from;
      last = filters.to;
      break;
    }
  }
  return { ok: true, range: rangeOf(preset, first, last, timeZone) };
}

export function rangeOf(preset: RangePreset, first: LocalDate, last: LocalDate, timeZone: string): ReportRange {
  const days = datesFromTo(first, last);
  const midnights = localMidnights(first, last, timeZone);
  const dayStarts = midnights.slice(0, -1);
  return { preset, first, last, from: dayStarts[0]!, to: midnights[midnights.length - 1]!, days, dayStarts };
}

function nextMonthStart(monthStart: LocalDate): LocalDate {
  const [y, m] = [Number(monthStart.slice(0, 4)), Number(monthStart.slice(5, 7))];
  return m === 12 ? `${y + 1}-01-01` : `${y}-${String(m + 1).padStart(2, "0")}-01`;
}

/** Index of the local day an instant falls on, or −1 outside the range. Days are sorted, so a binary search. */
export function dayIndexOf(range: ReportRange, at: Date): number {
  const t = at.getTime();
  if (t < range.from.getTime() || t >= range.to.getTime()) return -1;
  let lo = 0;
  let hi = range.dayStarts.length;
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if (range.dayStarts[mid]!.getTime() <= t) lo = mid;
    else hi = mid;
  }
  return lo;
}

/**
 * The query string of a CSV download: the range as its two dates, so the file holds the same days
 * as the page it was downloaded from even when "this week" moves on in between.
 */
export function exportQuery(range: ReportRange, locationId: string | null): string {
  const q = new URLSearchParams({ from: range.first, to: range.last });
  if (locationId) q.set("location", locationId);
  return q.toString();
}

export type ReportRequest = { ok: true; range: ReportRange; locationId: string | null } | { ok: false; field: "from" | "to"; message: string; filters: ReportFilters };

/**
 * The filters of a report request. A location that is not an id at all can only be a link from
 * elsewhere: the caller answers 404 for it, as for another clinic's location.
 */
export function readReportRequest(url: URL, timeZone: string, now: Date): ReportRequest | "bad-location" {
  const raw = Object.fromEntries(["range", "from", "to", "location"].map((k) => [k, url.searchParams.get(k) ?? undefined]));
  const parsed = reportFilters.safeParse(raw);
  if (!parsed.success) {
    if (parsed.error.issues.some((i) => i.path[0] === "location")) return "bad-location";
    const issue = parsed.error.issues[0]!;
    const field = issue.path[0] === "to" ? "to" : "from";
    return { ok: false, field, message: issue.message, filters: { range: "custom", from: raw.from, to: raw.to, location: undefined } };
  }
  const answer = resolveRange(parsed.data, timeZone, now);
  if (!answer.ok) return { ...answer, filters: parsed.data };
  return { ok: true, range: answer.range, locationId: parsed.data.location ?? null };
}
