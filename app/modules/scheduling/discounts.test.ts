import { describe, expect, it } from "vitest";
import { discountAt, discountedPrice, stillOffered, type Discount } from "./discounts";

const base: Discount = { kind: "weekday", label: "Quiet Tuesdays", percent: 10, startsOn: null, endsOn: null, weekdays: [2], fromMinute: null, toMinute: null };
const midday: Discount = { ...base, kind: "off_peak", label: "Midday visit", percent: 15, weekdays: [], fromMinute: 13 * 60, toMinute: 15 * 60 };
const winter: Discount = { ...base, kind: "seasonal", label: "Winter-break check-up", percent: 20, weekdays: [], startsOn: "2026-12-21", endsOn: "2027-01-08" };

describe("discounts", () => {
  it("applies at its edges: the off-peak hour's end and the season's last day", () => {
    const tue = { date: "2026-12-01", weekday: 2 };
    expect(discountAt([base, midday], { ...tue, minute: 12 * 60 + 59 })?.label).toBe("Quiet Tuesdays");
    expect(discountAt([base, midday], { ...tue, minute: 13 * 60 })?.label).toBe("Midday visit");
    expect(discountAt([base, midday], { ...tue, minute: 15 * 60 })?.label).toBe("Quiet Tuesdays");
    expect(discountAt([winter], { date: "2027-01-08", weekday: 5, minute: 600 })?.percent).toBe(20);
    expect(discountAt([winter], { date: "2027-01-09", weekday: 6, minute: 600 })).toBeNull();
    expect(discountAt([winter], { date: "2026-12-20", weekday: 7, minute: 600 })).toBeNull();
  });

  it("does not stack: the largest applying discount wins", () => {
    expect(discountAt([base, midday, winter], { date: "2026-12-22", weekday: 2, minute: 14 * 60 })?.percent).toBe(20);
  });

  it("keeps an ended season out and rounds prices to the minor unit", () => {
    expect(stillOffered(winter, "2027-01-08")).toBe(true);
    expect(stillOffered(winter, "2027-01-09")).toBe(false);
    expect(discountedPrice(22000, 10)).toBe(19800);
    expect(discountedPrice(999, 15)).toBe(849);
  });
});
