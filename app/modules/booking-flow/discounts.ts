/** How a service's discounts read to a patient. */
import type { Discount } from "~/modules/scheduling/discounts";
import { formatDayMonth } from "~/lib/format";

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
