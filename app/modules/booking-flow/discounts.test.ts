import { describe, expect, it } from "vitest";
import type { Discount } from "~/modules/scheduling/discounts";
import { describeDiscount } from "./discounts";

const base: Discount = { kind: "weekday", label: "Quiet Tuesdays", percent: 10, startsOn: null, endsOn: null, weekdays: [2], fromMinute: null, toMinute: null };
const midday: Discount = { ...base, kind: "off_peak", label: "Midday visit", percent: 15, weekdays: [], fromMinute: 13 * 60, toMinute: 15 * 60 };
const winter: Discount = { ...base, kind: "seasonal", label: "Winter-break check-up", percent: 20, weekdays: [], startsOn: "2026-12-21", endsOn: "2027-01-08" };

describe("discount wording", () => {
  it("reads in plain words", () => {
    expect(describeDiscount(base)).toBe("Quiet Tuesdays: 10% off on Tuesdays");
    expect(describeDiscount(midday)).toBe("Midday visit: 15% off from 1:00 PM to 3:00 PM");
    expect(describeDiscount({ ...base, weekdays: [6, 1] })).toBe("Quiet Tuesdays: 10% off on Mondays and Saturdays");
    expect(describeDiscount(winter)).toMatch(/^Winter-break check-up: 20% off 21 Dec(ember)? – 8 Jan(uary)?$/);
  });
});
