import { describe, expect, it } from "vitest";
import { formatMoney } from "~/lib/format";
import { discountAt, quoteAt, type Discount } from "~/modules/scheduling/discounts";
import { minorDigits } from "~/lib/money";
import { bestDiscount, depositFor, depositWords, discountedPrice, percentOf, platformFeeFor, quote } from "./price";

const none: Discount = { kind: "weekday", label: "", percent: 0, startsOn: null, endsOn: null, weekdays: [], fromMinute: null, toMinute: null };
const seasonal: Discount = { ...none, kind: "seasonal", label: "Winter check-up", percent: 10, startsOn: "2026-12-01", endsOn: "2026-12-31" };
const weekday: Discount = { ...none, kind: "weekday", label: "Quiet Tuesdays", percent: 15, weekdays: [2] };
const offPeak: Discount = { ...none, kind: "off_peak", label: "Midday", percent: 15, fromMinute: 13 * 60, toMinute: 15 * 60 };

describe("discounts do not stack", () => {
  it("a time covered by a seasonal 10% and a weekday 15% gets 15%, not 25%", () => {
    const d = discountAt([seasonal, weekday], { date: "2026-12-08", weekday: 2, minute: 600 });
    expect(d?.label).toBe("Quiet Tuesdays");
    expect(quote({ priceMinor: 10_000, currency: "USD", depositKind: "none", depositValue: 0 }, d).priceMinor).toBe(8_500);
  });

  it("on a tie the discount the clinic listed first wins, every time", () => {
    expect(bestDiscount([weekday, offPeak])?.label).toBe("Quiet Tuesdays");
    expect(bestDiscount([offPeak, weekday])?.label).toBe("Midday");
  });

  it("a 0% rule is no discount", () => {
    expect(bestDiscount([none])).toBeNull();
    expect(quote({ priceMinor: 5_000, currency: "USD", depositKind: "none", depositValue: 0 }, none).discount).toBeNull();
  });

  it("is chosen on the clinic's clock: 13:00 in Berlin is 12:00 UTC in winter", () => {
    const terms = { priceMinor: 9_000, currency: "EUR", depositKind: "percent" as const, depositValue: 20 };
    expect(quoteAt(terms, [offPeak], new Date("2026-12-08T12:00:00Z"), "Europe/Berlin").priceMinor).toBe(7_650);
    expect(quoteAt(terms, [offPeak], new Date("2026-12-08T11:59:00Z"), "Europe/Berlin").priceMinor).toBe(9_000);
    // Summer time: 13:00 in Berlin is 11:00 UTC.
    expect(quoteAt(terms, [offPeak], new Date("2026-07-07T11:00:00Z"), "Europe/Berlin").discount?.label).toBe("Midday");
  });
});

describe("rounding in minor units", () => {
  it("knows each currency's minor unit", () => {
    expect(minorDigits("USD")).toBe(2);
    expect(minorDigits("JPY")).toBe(0);
    expect(minorDigits("KWD")).toBe(3);
    expect(minorDigits("UZS")).toBe(2);
  });

  it("rounds a half minor unit up, without floating-point error", () => {
    // 1.005 * 100 is 100.49999… in floating point; integer arithmetic gets it right.
    expect(percentOf(201, 50)).toBe(101);
    expect(percentOf(1_005, 10)).toBe(101);
    expect(percentOf(999, 15)).toBe(150); // 149.85
    expect(discountedPrice(999, 15)).toBe(849);
    expect(discountedPrice(22_000, 10)).toBe(19_800);
  });

  it("a percent deposit in USD, EUR, JPY (zero-decimal) and KWD (three decimals)", () => {
    const at = (priceMinor: number, currency: string, percent: number) => quote({ priceMinor, currency, depositKind: "percent", depositValue: 25 }, { kind: "seasonal", label: "x", percent });
    // $89.99 less 15% = $76.49 (76.4915); 25% deposit = $19.12 (19.1225); $57.37 at the visit.
    expect(at(8_999, "USD", 15)).toMatchObject({ priceMinor: 7_649, depositMinor: 1_912, remainderMinor: 5_737, discountMinor: 1_350 });
    // ¥3,333 less 10% = ¥3,000 (2999.7); 25% = ¥750.
    const yen = at(3_333, "JPY", 10);
    expect(yen).toMatchObject({ priceMinor: 3_000, depositMinor: 750, remainderMinor: 2_250 });
    expect(formatMoney(yen.depositMinor, "JPY")).toBe("¥750");
    // 12.345 KWD: the discount, 1.2345, rounds half up to 1.235, so 11.110; 25% of it = 2.778 (2.7775).
    const kwd = at(12_345, "KWD", 10);
    expect(kwd).toMatchObject({ discountMinor: 1_235, priceMinor: 11_110, depositMinor: 2_778, remainderMinor: 8_332 });
    expect(formatMoney(kwd.depositMinor, "KWD")).toMatch(/2\.778/);
  });

  it("deposit plus remainder is always the price", () => {
    for (let price = 0; price < 3_000; price += 37) {
      for (const percent of [0, 7, 33, 50, 99, 100]) {
        const q = quote({ priceMinor: price, currency: "USD", depositKind: "percent", depositValue: percent }, { kind: "weekday", label: "x", percent: 13 });
        expect(q.depositMinor + q.remainderMinor).toBe(q.priceMinor);
        expect(q.depositMinor).toBeLessThanOrEqual(q.priceMinor);
      }
    }
  });
});

describe("the deposit is never above the price", () => {
  it("a fixed deposit larger than the discounted price is capped at it", () => {
    const q = quote({ priceMinor: 3_000, currency: "USD", depositKind: "fixed", depositValue: 5_000 }, { kind: "seasonal", label: "Half price", percent: 50 });
    expect(q).toMatchObject({ priceMinor: 1_500, depositMinor: 1_500, remainderMinor: 0 });
  });

  it("a percent over 100 or below 0 is held to the price and to nothing", () => {
    expect(depositFor(2_000, "percent", 150)).toBe(2_000);
    expect(depositFor(2_000, "percent", -5)).toBe(0);
    expect(depositFor(2_000, "fixed", -5)).toBe(0);
    expect(depositFor(2_000, "none", 500)).toBe(0);
  });

  it("a free visit has no deposit", () => {
    expect(quote({ priceMinor: 0, currency: "USD", depositKind: "fixed", depositValue: 2_500 }, null)).toMatchObject({ depositMinor: 0, remainderMinor: 0 });
  });

  it("refuses amounts that are not whole minor units", () => {
    expect(() => percentOf(10.5, 10)).toThrow(RangeError);
    expect(() => percentOf(-1, 10)).toThrow(RangeError);
    expect(() => percentOf(100, 101)).toThrow(RangeError);
  });
});

describe("words and fees", () => {
  it("describes a service's deposit the same way everywhere", () => {
    expect(depositWords({ priceMinor: 9_000, currency: "USD", depositKind: "percent", depositValue: 20 }, formatMoney)).toBe("20% ($18.00)");
    expect(depositWords({ priceMinor: 9_000, currency: "EUR", depositKind: "fixed", depositValue: 2_500 }, formatMoney)).toBe("€25.00");
    expect(depositWords({ priceMinor: 9_000, currency: "USD", depositKind: "none", depositValue: 0 }, formatMoney)).toBeNull();
  });

  it("the platform fee is rounded half up in basis points", () => {
    expect(platformFeeFor(2_500, 500)).toBe(125);
    expect(platformFeeFor(999, 250)).toBe(25); // 24.975
    expect(platformFeeFor(0, 500)).toBe(0);
  });
});
