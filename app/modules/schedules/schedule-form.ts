/**
 * The weekly schedule and exception forms, shared by the page and its action. A week is seven ISO
 * weekdays, each with working intervals in the clinic's local wall time and breaks inside them;
 * a period says from which local date to which one the week applies (both open-ended when empty).
 *
 * Field names: `day.<weekday>.<n>.start|end`, `day.<weekday>.<n>.break.<m>.start|end`.
 */
import { z } from "zod";
import { addDays, zonedToUtc } from "~/lib/zoned-time";
import type { FieldErrors } from "~/lib/form-errors";

export const WEEKDAY_NAMES = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"] as const;

export interface WallInterval {
  start: string;
  end: string;
}

export interface WorkingInterval extends WallInterval {
  breaks: WallInterval[];
}

export interface WeekInput {
  doctorId: string;
  locationId: string;
  /** The period being replaced ("" for a new one): "from|to" with empty sides for open ends. */
  replaces: string;
  effectiveFrom: string | null;
  effectiveTo: string | null;
  /** Index 0 is Monday. */
  days: WorkingInterval[][];
}

export type { FieldErrors };

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const TIME = /^(?:[01]\d|2[0-3]):[0-5]\d$|^24:00$/;
const DATE = /^\d{4}-\d{2}-\d{2}$/;

export const minutesOf = (t: string) => Number(t.slice(0, 2)) * 60 + Number(t.slice(3, 5));
export const wallTime = (m: number) => `${String(Math.floor(m / 60)).padStart(2, "0")}:${String(m % 60).padStart(2, "0")}`;

export function isLocalDate(v: string): boolean {
  return DATE.test(v) && new Date(`${v}T00:00:00Z`).toISOString().slice(0, 10) === v;
}

/** "2026-01-01|" ⇄ {from, to}: how a period is named in links and forms. */
export function periodKey(from: string | null, to: string | null): string {
  return `${from ?? ""}|${to ?? ""}`;
}

export function parsePeriodKey(key: string): { from: string | null; to: string | null } | null {
  const [from = "", to = "", extra] = key.split("|");
  if (extra !== undefined || (from && !isLocalDate(from)) || (to && !isLocalDate(to))) return null;
  return { from: from || null, to: to || null };
}

const str = (form: Record<string, unknown>, name: string) => (typeof form[name] === "string" ? (form[name] as string).trim() : "");

function indexesOf(form: Record<string, unknown>, pattern: RegExp): number[] {
  const found = new Set<number>();
  for (const key of Object.keys(form)) {
    const m = pattern.exec(key);
    if (m) found.add(Number(m[1]));
  }
  return [...found].sort((a, b) => a - b);
}

const escape = (s: string) => s.replace(/\./g, "\\.");

/** Reads a posted week; every interval and break must make sense on its own and next to the others. */
export function parseWeekForm(form: Record<string, unknown>): { ok: true; value: WeekInput } | { ok: false; errors: FieldErrors } {
  const errors: FieldErrors = {};
  const ids = z.object({ doctorId: z.string().regex(UUID), locationId: z.string().regex(UUID) }).safeParse({ doctorId: str(form, "doctorId"), locationId: str(form, "locationId") });
  if (!ids.success) errors.doctorId = "Choose a doctor and a location.";
  const effectiveFrom = str(form, "effectiveFrom") || null;
  const effectiveTo = str(form, "effectiveTo") || null;
  if (effectiveFrom && !isLocalDate(effectiveFrom)) errors.effectiveFrom = "Enter the first day as YYYY-MM-DD, or leave it empty.";
  if (effectiveTo && !isLocalDate(effectiveTo)) errors.effectiveTo = "Enter the last day as YYYY-MM-DD, or leave it empty.";
  if (effectiveFrom && effectiveTo && effectiveTo < effectiveFrom) errors.effectiveTo = "The last day is before the first day.";
  const replaces = str(form, "replaces");
  if (replaces && !parsePeriodKey(replaces)) errors.replaces = "Reload the page: the schedule being edited is not recognised.";

  const days: WorkingInterval[][] = [];
  let total = 0;
  for (let wd = 1; wd <= 7; wd++) {
    const day: WorkingInterval[] = [];
    for (const i of indexesOf(form, new RegExp(`^day\\.${wd}\\.(\\d{1,2})\\.start$`))) {
      const at = `day.${wd}.${i}`;
      const start = str(form, `${at}.start`);
      const end = str(form, `${at}.end`);
      if (!start && !end) continue;
      if (!TIME.test(start) || start === "24:00") {
        errors[`${at}.start`] = `${WEEKDAY_NAMES[wd - 1]}: enter the start as HH:MM.`;
        continue;
      }
      if (!TIME.test(end)) {
        errors[`${at}.end`] = `${WEEKDAY_NAMES[wd - 1]}: enter the end as HH:MM.`;
        continue;
      }
      if (minutesOf(end) <= minutesOf(start)) {
        errors[`${at}.end`] = `${WEEKDAY_NAMES[wd - 1]}: the end (${end}) must be after the start (${start}).`;
        continue;
      }
      const breaks: WallInterval[] = [];
      for (const j of indexesOf(form, new RegExp(`^${escape(at)}\\.break\\.(\\d{1,2})\\.start$`))) {
        const bAt = `${at}.break.${j}`;
        const bs = str(form, `${bAt}.start`);
        const be = str(form, `${bAt}.end`);
        if (!bs && !be) continue;
        if (!TIME.test(bs) || !TIME.test(be) || minutesOf(be) <= minutesOf(bs)) {
          errors[`${bAt}.end`] = `${WEEKDAY_NAMES[wd - 1]}: a break needs a start and a later end (HH:MM).`;
          continue;
        }
        if (minutesOf(bs) <= minutesOf(start) || minutesOf(be) >= minutesOf(end)) {
          errors[`${bAt}.end`] = `${WEEKDAY_NAMES[wd - 1]}: the break ${bs}–${be} must lie inside ${start}–${end}.`;
          continue;
        }
        const clash = breaks.find((b) => minutesOf(bs) < minutesOf(b.end) && minutesOf(b.start) < minutesOf(be));
        if (clash) {
          errors[`${bAt}.end`] = `${WEEKDAY_NAMES[wd - 1]}: the breaks ${clash.start}–${clash.end} and ${bs}–${be} overlap.`;
          continue;
        }
        breaks.push({ start: bs, end: be });
      }
      const clash = day.find((iv) => minutesOf(start) < minutesOf(iv.end) && minutesOf(iv.start) < minutesOf(end));
      if (clash) {
        errors[`${at}.start`] = `${WEEKDAY_NAMES[wd - 1]}: ${start}–${end} overlaps ${clash.start}–${clash.end}. Join them into one interval.`;
        continue;
      }
      day.push({ start, end, breaks: breaks.sort((a, b) => minutesOf(a.start) - minutesOf(b.start)) });
      total++;
    }
    days.push(day.sort((a, b) => minutesOf(a.start) - minutesOf(b.start)));
  }
  if (total > 70) errors.days = "At most 10 intervals a day.";
  if (Object.keys(errors).length > 0 || !ids.success) return { ok: false, errors };
  return { ok: true, value: { ...ids.data, replaces, effectiveFrom, effectiveTo, days } };
}

export const EXCEPTION_KINDS = ["closure", "time_off", "extra_hours"] as const;
export const EXCEPTION_KIND_LABELS: Record<(typeof EXCEPTION_KINDS)[number], string> = {
  closure: "Clinic holiday or closure",
  time_off: "Doctor time off",
  extra_hours: "Extra working hours",
};
export const TIME_OFF_REASONS = ["Sick leave", "Training", "Vacation", "Other"] as const;

/** A span typed as local dates and optional times; an empty start time is the day's start, an empty end time the day's end. */
export const localSpanShape = {
  startDate: z.string().trim().refine(isLocalDate, "Enter the first day."),
  startTime: z
    .string()
    .trim()
    .refine((v) => v === "" || (TIME.test(v) && v !== "24:00"), "Enter a time as HH:MM, or leave it empty for the whole day."),
  endDate: z.string().trim().refine(isLocalDate, "Enter the last day."),
  endTime: z
    .string()
    .trim()
    .refine((v) => v === "" || TIME.test(v), "Enter a time as HH:MM, or leave it empty for the whole day."),
};

/** The instants of a local span in the clinic's zone, or an error for the end field. */
export function spanInstants(s: { startDate: string; startTime: string; endDate: string; endTime: string }, timeZone: string): { start: Date; end: Date } | { error: string } {
  const start = zonedToUtc(s.startDate, s.startTime ? minutesOf(s.startTime) : 0, timeZone);
  const end = s.endTime ? zonedToUtc(s.endDate, minutesOf(s.endTime), timeZone) : zonedToUtc(addDays(s.endDate, 1), 0, timeZone);
  if (end.getTime() <= start.getTime()) return { error: "The end must be after the start." };
  if (end.getTime() - start.getTime() > 366 * 86_400_000) return { error: "At most a year at a time." };
  return { start, end };
}

export const exceptionSchema = z
  .object({
    kind: z.enum(EXCEPTION_KINDS, { message: "Choose what kind of exception this is." }),
    doctorId: z.string().trim(),
    locationId: z.string().trim(),
    reasonKind: z.string().trim(),
    note: z.string().trim().max(300, "At most 300 characters."),
    ...localSpanShape,
  })
  .superRefine((e, ctx) => {
    if ((e.kind === "time_off" || e.kind === "extra_hours") && !UUID.test(e.doctorId)) ctx.addIssue({ code: "custom", path: ["doctorId"], message: "Choose the doctor." });
    if (e.kind === "extra_hours" && !UUID.test(e.locationId)) ctx.addIssue({ code: "custom", path: ["locationId"], message: "Extra hours happen at one location: choose it." });
    if (e.kind === "closure" && e.locationId !== "" && !UUID.test(e.locationId)) ctx.addIssue({ code: "custom", path: ["locationId"], message: "Choose a location, or the whole clinic." });
    if (e.kind === "time_off" && !(TIME_OFF_REASONS as readonly string[]).includes(e.reasonKind)) ctx.addIssue({ code: "custom", path: ["reasonKind"], message: "Choose why the doctor is away." });
    if (e.kind === "closure" && e.note === "") ctx.addIssue({ code: "custom", path: ["note"], message: "Say why the clinic is closed (patients may see it)." });
    if (e.kind === "extra_hours" && (e.startDate !== e.endDate || !e.startTime || !e.endTime)) ctx.addIssue({ code: "custom", path: ["endTime"], message: "Extra hours are one day, with a start and an end time." });
  });
