/** How marketplace results read: next free times on the clinic's clock, discounts in plain words. */
import { formatMoney, zoneAbbreviation } from "~/lib/format";
import { depositWords } from "~/modules/pricing/price";
import { addDays, utcToZoned } from "~/lib/zoned-time";

/** The marketplace looks this many days ahead for a next free time (the availability module's horizon). */
export const NEXT_FREE_DAYS = 30;

/**
 * "Today 14:00 EST", "Tomorrow 09:30 EST" or "Tue 25 Nov, 14:00 EST": the clinic's local time and
 * the zone's name, relative to the clinic's own today.
 */
export function formatNextFree(at: Date, timeZone: string, now = new Date()): string {
  const time = new Intl.DateTimeFormat("en-GB", { timeZone, hour: "2-digit", minute: "2-digit", hourCycle: "h23" }).format(at);
  const zone = zoneAbbreviation(at, timeZone);
  const day = utcToZoned(at, timeZone).date;
  const today = utcToZoned(now, timeZone).date;
  if (day === today) return `Today ${time} ${zone}`;
  if (day === addDays(today, 1)) return `Tomorrow ${time} ${zone}`;
  const date = new Intl.DateTimeFormat("en-GB", { timeZone, weekday: "short", day: "numeric", month: "short" }).format(at).replace(",", "");
  return `${date}, ${time} ${zone}`;
}

export const NO_FREE_TIME = `No free time in the next ${NEXT_FREE_DAYS} days`;

/** A price: "$90", "$92.50" (whole amounts without cents). */
export function formatPrice(amountMinor: number, currency: string): string {
  const formatted = formatMoney(amountMinor, currency);
  return formatted.replace(/\.00$/, "");
}

export function formatDeposit(deposit: { kind: "none" | "fixed" | "percent"; value: number }, currency: string, priceMinor: number): string | null {
  const words = depositWords({ priceMinor, currency, depositKind: deposit.kind, depositValue: deposit.value }, formatPrice);
  return words && `${words} deposit`;
}


/** Discounts read the same on search results as on the booking pages. */
export { describeDiscount } from "~/modules/booking-flow/discounts";

/** "850 m", "4.2 km", "120 km". */
export function formatDistance(km: number): string {
  if (km < 1) return `${Math.max(10, Math.round((km * 1000) / 10) * 10)} m`;
  if (km < 10) return `${km.toFixed(1)} km`;
  return `${Math.round(km)} km`;
}
