/**
 * A service's discount rules and which one applies at a local time. Discounts do not stack: a time
 * gets the largest one that applies to it. The booking core prices holds and appointments with this,
 * and the booking pages show the same figures.
 */
import type { Tx } from "~/utils/db.server";
import { isoWeekday } from "../tenancy/opening-hours";
import { bestDiscount, discountedPrice, quote, type PriceQuote, type PriceTerms } from "../pricing/price";
import { utcToZoned } from "~/lib/zoned-time";

export { discountedPrice };

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

/** Whether a discount can still apply on or after `today` (a seasonal one that ended cannot). */
export function stillOffered(d: Discount, today: string): boolean {
  return d.endsOn === null || d.endsOn >= today;
}

/** The largest discount that applies at a local date, ISO weekday and minute of the day. */
export function discountAt(discounts: Discount[], at: { date: string; weekday: number; minute: number }): Discount | null {
  const applicable: Discount[] = [];
  for (const d of discounts) {
    if (d.startsOn && at.date < d.startsOn) continue;
    if (d.endsOn && at.date > d.endsOn) continue;
    if (d.weekdays.length && !d.weekdays.includes(at.weekday)) continue;
    if (d.fromMinute !== null && at.minute < d.fromMinute) continue;
    if (d.toMinute !== null && at.minute >= d.toMinute) continue;
    applicable.push(d);
  }
  return bestDiscount(applicable);
}


const isoDate = (d: Date) => d.toISOString().slice(0, 10);

interface DiscountRow {
  kind: Discount["kind"];
  label: string;
  percent: number;
  startsOn: Date | null;
  endsOn: Date | null;
  weekdays: number[];
  fromMinute: number | null;
  toMinute: number | null;
}

export function toDiscount(d: DiscountRow): Discount {
  return {
    kind: d.kind,
    label: d.label,
    percent: d.percent,
    startsOn: d.startsOn ? isoDate(d.startsOn) : null,
    endsOn: d.endsOn ? isoDate(d.endsOn) : null,
    weekdays: d.weekdays,
    fromMinute: d.fromMinute,
    toMinute: d.toMinute,
  };
}

/** A service's discount rules, read in the clinic's scope. */
export async function loadDiscounts(tx: Tx, clinicId: string, serviceId: string): Promise<Discount[]> {
  return (await tx.serviceDiscount.findMany({ where: { clinicId, serviceId } })).map(toDiscount);
}

/** The discount that applies at an instant, on the clinic's clock. */
export function discountAtInstant(discounts: Discount[], start: Date, timeZone: string): Discount | null {
  if (discounts.length === 0) return null;
  const local = utcToZoned(start, timeZone);
  return discountAt(discounts, { date: local.date, weekday: isoWeekday(local.weekday), minute: local.minutes });
}

/** The quote for a visit starting at `start`: list price, best discount then, deposit, remainder. */
export function quoteAt(terms: PriceTerms, discounts: Discount[], start: Date, timeZone: string): PriceQuote {
  return quote(terms, discountAtInstant(discounts, start, timeZone));
}

/** The quote for a visit of a service starting at `start`, with the service's discounts read in the clinic's scope. */
export async function priceAt(tx: Tx, clinic: { id: string; timeZone: string }, serviceId: string, terms: PriceTerms, start: Date): Promise<PriceQuote> {
  return quoteAt(terms, await loadDiscounts(tx, clinic.id, serviceId), start, clinic.timeZone);
}
