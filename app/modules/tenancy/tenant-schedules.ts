/** A clinic definition's schedules: each doctor's weekly hours, and closures, time off and extra hours. */
import { z } from "zod";
import { minutesOf, WEEKDAYS } from "./opening-hours";
import { before, email, EXCEPTION_KINDS, key, kindOf, localDate, oneOf, section, text, time } from "./tenant-fields";

const breakSchema = z
  .strictObject({ start: time, end: time }, section('an object such as {"start": "12:30", "end": "13:15"}'))
  .refine((b) => before(b.start, b.end), { message: "start must be earlier than end", path: ["end"] });

/** One weekly rule: a doctor's hours at a location on a weekday, in the clinic's local wall time. */
export const weeklyHoursSchema = z
  .strictObject(
    {
      location: key("harlem"),
      weekday: oneOf(WEEKDAYS),
      start: time,
      end: time,
      breaks: z.array(breakSchema, section('a list of breaks such as [{"start": "12:30", "end": "13:15"}]')).default([]),
      /** First local date the rule applies (included). */
      effectiveFrom: localDate.optional(),
      /** Last local date the rule applies (included). */
      effectiveTo: localDate.optional(),
    },
    section(),
  )
  .superRefine((rule, ctx) => {
    if (!before(rule.start, rule.end)) ctx.addIssue({ code: "custom", path: ["end"], message: "start must be earlier than end" });
    if (rule.effectiveFrom && rule.effectiveTo && rule.effectiveTo < rule.effectiveFrom) {
      ctx.addIssue({ code: "custom", path: ["effectiveTo"], message: "must not be before effectiveFrom" });
    }
    const sorted = rule.breaks.map((b, index) => ({ ...b, index })).sort((a, b) => minutesOf(a.start) - minutesOf(b.start));
    sorted.forEach((b, k) => {
      if (minutesOf(b.start) < minutesOf(rule.start) || minutesOf(b.end) > minutesOf(rule.end)) {
        ctx.addIssue({ code: "custom", path: ["breaks", b.index], message: `${b.start}–${b.end} is outside the hours ${rule.start}–${rule.end}` });
      }
      const previous = sorted[k - 1];
      if (previous && minutesOf(b.start) < minutesOf(previous.end)) {
        ctx.addIssue({ code: "custom", path: ["breaks", b.index], message: `${b.start}–${b.end} overlaps ${previous.start}–${previous.end}` });
      }
    });
  });

/** The rules in effect on overlapping dates, so two of them on one weekday must not overlap in time. */
function sameDates(a: { effectiveFrom?: string; effectiveTo?: string }, b: { effectiveFrom?: string; effectiveTo?: string }) {
  return (!a.effectiveFrom || !b.effectiveTo || a.effectiveFrom <= b.effectiveTo) && (!b.effectiveFrom || !a.effectiveTo || b.effectiveFrom <= a.effectiveTo);
}

/** A doctor's weekly hours, keyed by the doctor's staff email. */
export const doctorScheduleSchema = z
  .strictObject(
    {
      doctor: email,
      hours: z.array(weeklyHoursSchema, section("a list of weekly hours")).min(1, "must list at least one weekday's hours"),
    },
    section(),
  )
  .superRefine((schedule, ctx) => {
    // A doctor is in one place at a time, whichever location each rule names.
    schedule.hours.forEach((rule, i) => {
      const clash = schedule.hours.find(
        (other, j) =>
          j < i &&
          other.weekday === rule.weekday &&
          sameDates(other, rule) &&
          before(rule.start, other.end) &&
          before(other.start, rule.end),
      );
      if (clash) {
        ctx.addIssue({
          code: "custom",
          path: ["hours", i],
          message: `${rule.weekday} ${rule.start}–${rule.end} at ${rule.location} overlaps ${clash.start}–${clash.end} at ${clash.location}`,
        });
      }
    });
  });

/** Start and end of a date-range exception: [startsOn start, endsOn end), all-day by default. */
const dateRange = {
  startsOn: localDate,
  /** Defaults to startsOn: a one-day exception. */
  endsOn: localDate.optional(),
  /** Wall time on startsOn; 00:00 when left out. */
  start: time.optional(),
  /** Wall time on endsOn; the end of that day ("24:00") when left out. */
  end: time.optional(),
};

function rangeInOrder(range: { startsOn: string; endsOn?: string; start?: string; end?: string }) {
  const last = range.endsOn ?? range.startsOn;
  if (last !== range.startsOn) return last > range.startsOn;
  return minutesOf(range.start ?? "00:00") < minutesOf(range.end ?? "24:00");
}
const rangeOrder = { message: "must be later than the start (startsOn, start)", path: ["endsOn"] };

export const scheduleExceptionSchema = z.discriminatedUnion(
  "kind",
  [
    /** The clinic (no location) or one location is closed: a holiday, a renovation. */
    z.strictObject({ kind: z.literal("closure"), location: key("harlem").optional(), ...dateRange, reason: text(200) }).refine(rangeInOrder, rangeOrder),
    /** A doctor is away (sick leave, training, holiday), wherever they would have worked. */
    z.strictObject({ kind: z.literal("time_off"), doctor: email, ...dateRange, reason: text(200).optional() }).refine(rangeInOrder, rangeOrder),
    /** A doctor works extra hours at a location on one date (inside its opening hours). */
    z
      .strictObject({ kind: z.literal("extra_hours"), doctor: email, location: key("harlem"), on: localDate, start: time, end: time, reason: text(200).optional() })
      .refine((e) => before(e.start, e.end), { message: "start must be earlier than end", path: ["end"] }),
  ],
  { error: kindOf(EXCEPTION_KINDS) },
);
