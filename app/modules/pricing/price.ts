/**
 * The one place a visit's price is worked out: the service's list price, the best discount that
 * applies at the visit's local time (discounts never stack), the deposit (a fixed amount or a
 * percent of the discounted price, never above it) and what is left to pay at the visit. Booking
 * pages, the marketplace, holds and appointments all take their figures from here, so a patient
 * sees the same amount everywhere and is charged exactly that.
 *
 * All amounts are integers in the currency's minor units (cents; yen for JPY; fils for KWD), and
 * every percentage is rounded half up to a whole minor unit with integer arithmetic.
 */
import type { Discount } from "../scheduling/discounts";

export type DepositKind = "none" | "fixed" | "percent";

export interface PriceTerms {
  /** List price in minor units. */
  priceMinor: number;
  currency: string;
  depositKind: DepositKind;
  /** Minor units (fixed) or whole percent of the discounted price (percent). */
  depositValue: number;
}

export interface PriceQuote {
  currency: string;
  listMinor: number;
  /** The discount applied, if any (the largest one that applies). */
  discount: Pick<Discount, "kind" | "label" | "percent"> | null;
  /** How much the discount takes off. */
  discountMinor: number;
  /** What the visit costs: list price less the discount. */
  priceMinor: number;
  /** Held on the patient's card; part of the price, never above it. */
  depositMinor: number;
  /** Due at the visit: price less deposit. */
  remainderMinor: number;
}


/** `amount × percent / 100`, rounded half up to a whole minor unit, without floating-point error. */
export function percentOf(amountMinor: number, percent: number): number {
  assertMinor(amountMinor);
  if (!Number.isInteger(percent) || percent < 0 || percent > 100) throw new RangeError(`A percent must be a whole number from 0 to 100, not ${percent}`);
  return Math.floor((amountMinor * percent + 50) / 100);
}

/** The price after a percent discount. */
export function discountedPrice(priceMinor: number, percent: number): number {
  return priceMinor - percentOf(priceMinor, percent);
}

/** The deposit on a (discounted) price: a fixed amount capped at the price, or a percent of it. */
export function depositFor(priceMinor: number, kind: DepositKind, value: number): number {
  assertMinor(priceMinor);
  if (kind === "fixed") return Math.min(Math.max(0, Math.trunc(value)), priceMinor);
  if (kind === "percent") return Math.min(priceMinor, percentOf(priceMinor, Math.min(100, Math.max(0, Math.trunc(value)))));
  return 0;
}

/**
 * The best of several discounts that all apply: the largest percent; on a tie the first one the
 * clinic listed. Discounts never stack: a seasonal 10% and an off-peak 15% give 15%, not 25%.
 */
export function bestDiscount<D extends Pick<Discount, "percent">>(applicable: D[]): D | null {
  let best: D | null = null;
  for (const d of applicable) if (d.percent > 0 && (!best || d.percent > best.percent)) best = d;
  return best;
}

/** The full quote for a visit, given the discount that applies at its time (or none). */
export function quote(terms: PriceTerms, discount: Pick<Discount, "kind" | "label" | "percent"> | null): PriceQuote {
  const listMinor = terms.priceMinor;
  const applied = discount && discount.percent > 0 ? discount : null;
  const priceMinor = applied ? discountedPrice(listMinor, applied.percent) : listMinor;
  const depositMinor = depositFor(priceMinor, terms.depositKind, terms.depositValue);
  return {
    currency: terms.currency,
    listMinor,
    discount: applied ? { kind: applied.kind, label: applied.label, percent: applied.percent } : null,
    discountMinor: listMinor - priceMinor,
    priceMinor,
    depositMinor,
    remainderMinor: priceMinor - depositMinor,
  };
}

/** The platform's share of a captured deposit, in basis points of the amount (100 bps = 1%). */
export function platformFeeFor(amountMinor: number, feeBps: number): number {
  assertMinor(amountMinor);
  return Math.floor((amountMinor * feeBps + 5_000) / 10_000);
}

function assertMinor(amount: number) {
  if (!Number.isSafeInteger(amount) || amount < 0) throw new RangeError(`An amount must be a whole, non-negative number of minor units, not ${amount}`);
}

/**
 * A service's deposit as a patient reads it before choosing a time: "$25.00", or "20% ($18.00)"
 * on the list price (a discounted time's deposit is smaller, and the review step shows it).
 */
export function depositWords(terms: PriceTerms, format: (amountMinor: number, currency: string) => string): string | null {
  if (terms.depositKind === "none" || terms.depositValue <= 0) return null;
  const amount = format(depositFor(terms.priceMinor, terms.depositKind, terms.depositValue), terms.currency);
  return terms.depositKind === "percent" ? `${terms.depositValue}% (${amount})` : amount;
}
