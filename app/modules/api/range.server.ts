/**
 * Time ranges in query strings: `from` and `to` are instants with an offset, or plain dates that
 * mean midnight in the clinic's time zone (so "2026-12-01" is the clinic's 1 December, wherever
 * the caller is). Formats are checked by the zod schemas; this turns them into instants and checks
 * the range itself.
 */
import { zonedToUtc } from "~/lib/zoned-time";
import { ValidationError } from "~/utils/errors.server";

const PLAIN_DATE = /^\d{4}-\d{2}-\d{2}$/;
const DAY_MS = 86_400_000;

export function instantOf(value: string, timeZone: string): Date {
  return PLAIN_DATE.test(value) ? zonedToUtc(value, 0, timeZone) : new Date(value);
}

export function clinicRange(query: { from: string; to: string }, timeZone: string, maxDays: number): { from: Date; to: Date } {
  const from = instantOf(query.from, timeZone);
  const to = instantOf(query.to, timeZone);
  if (to.getTime() <= from.getTime()) {
    throw new ValidationError("The range is empty: to must be later than from.", [{ path: "to", message: "Must be later than from." }]);
  }
  // An hour of slack: local days that span an autumn clock change are an hour longer.
  if (to.getTime() - from.getTime() > maxDays * DAY_MS + 3_600_000) {
    throw new ValidationError(`Ask for at most ${maxDays} days at a time.`, [{ path: "to", message: `Must be at most ${maxDays} days after from.` }]);
  }
  return { from, to };
}
