/**
 * How a service's discounts read to a patient, and which one applies at a given local time.
 * Discounts do not stack: a time gets the largest one that applies to it.
 */
import { formatDayMonth } from "./format";

export interface Discount {
  kind: "seasonal" | "weekday" | "off_peak";
  label: string;
  percent: number;
  /** Local dates (YYYY-MM-DD), both included; null when open-ended. */
  startsOn: string | null;
  endsOn: string | null;
  /** ISO weekdays 1 (Monday) … 7 (Sunday); empty means every day. */
  weekdays: number[];
  /** Minutes after local midnight: from included, to excluded. */
  fromMinute: number | null;
  toMinute: number | null;
}

const WEEKDAY_PLURAL = ["Mondays", "Tuesdays", "Wednesdays", "Thursdays", "Fridays", "Saturdays", "Sundays"];

function clock(minute: number): string {
  const h = Math.floor(minute / 60);
  const m = minute % 60;
  const hour12 = h % 12 === 0 ? 12 : h % 12;
  return `${hour12}:${String(m).padStart(2, "0")} ${h < 12 || h === 24 ? "AM" : "PM"}`;
}

function listWords(words: string[]): string {
  if (words.length <= 1) return words.join("");
  return `${words.slice(0, -1).join(", ")} and ${words[words.length - 1]}`;
}

/** "Quiet Tuesdays: 10% off on Tuesdays", "Midday visit: 15% off from 1:00 PM to 3:00 PM". */
export function describeDiscount(d: Discount): string {
  const when: string[] = [];
  if (d.weekdays.length && d.weekdays.length < 7) when.push(`on ${listWords([...d.weekdays].sort().map((w) => WEEKDAY_PLURAL[w - 1]!))}`);
  if (d.fromMinute !== null && d.toMinute !== null) when.push(`from ${clock(d.fromMinute)} to ${clock(d.toMinute)}`);
  if (d.startsOn && d.endsOn) when.push(`${formatDayMonth(d.startsOn)} – ${formatDayMonth(d.endsOn)}`);
  else if (d.startsOn) when.push(`from ${formatDayMonth(d.startsOn)}`);
  else if (d.endsOn) when.push(`until ${formatDayMonth(d.endsOn)}`);
  return `${d.label}: ${d.percent}% off${when.length ? ` ${when.join(", ")}` : ""}`;
}

/** Whether a discount can still apply on or after `today` (a seasonal one that ended cannot). */
export function stillOffered(d: Discount, today: string): boolean {
  return d.endsOn === null || d.endsOn >= today;
}

/** The largest discount that applies at a local date, ISO weekday and minute of the day. */
export function discountAt(discounts: Discount[], at: { date: string; weekday: number; minute: number }): Discount | null {
  let best: Discount | null = null;
  for (const d of discounts) {
    if (d.startsOn && at.date < d.startsOn) continue;
    if (d.endsOn && at.date > d.endsOn) continue;
    if (d.weekdays.length && !d.weekdays.includes(at.weekday)) continue;
    if (d.fromMinute !== null && at.minute < d.fromMinute) continue;
    if (d.toMinute !== null && at.minute >= d.toMinute) continue;
    if (!best || d.percent > best.percent) best = d;
  }
  return best;
}

/** The price after a percent discount, in minor units, rounded to the nearest minor unit. */
export function discountedPrice(priceMinor: number, percent: number): number {
  return Math.round((priceMinor * (100 - percent)) / 100);
}
