import { describe, expect, test } from "vitest";
import { describeDiscount, formatDistance, formatNextFree } from "./result-format";

describe("formatNextFree", () => {
  const now = new Date("2026-11-24T15:00:00Z"); // Tuesday 10:00 in New York
  test("today and tomorrow on the clinic's clock, with the zone's name", () => {
    expect(formatNextFree(new Date("2026-11-24T19:00:00Z"), "America/New_York", now)).toBe("Today 14:00 EST");
    expect(formatNextFree(new Date("2026-11-25T14:30:00Z"), "America/New_York", now)).toBe("Tomorrow 09:30 EST");
  });
  test("later days by weekday and date", () => {
    expect(formatNextFree(new Date("2026-11-27T19:00:00Z"), "America/New_York", now)).toBe("Fri 27 Nov, 14:00 EST");
  });
  test("tomorrow is the clinic's tomorrow, not the server's", () => {
    // 23:30 UTC on the 24th is already the 25th in Tokyo, where it is 08:30: "today" there.
    expect(formatNextFree(new Date("2026-11-24T23:30:00Z"), "Asia/Tokyo", new Date("2026-11-24T22:00:00Z"))).toBe("Today 08:30 GMT+9");
  });
});

test("discounts in plain words", () => {
  const base = { label: "Midweek", percent: 15, startsOn: null, endsOn: null, weekdays: [], fromMinute: null, toMinute: null };
  expect(describeDiscount({ ...base, kind: "weekday", weekdays: [3, 2] })).toBe("Midweek: 15% off on Tuesdays and Wednesdays");
  expect(describeDiscount({ ...base, kind: "off_peak", label: "Quiet hours", fromMinute: 780, toMinute: 900 })).toBe("Quiet hours: 15% off from 1:00 PM to 3:00 PM");
  expect(describeDiscount({ ...base, kind: "seasonal", label: "Winter", startsOn: "2026-12-01", endsOn: "2027-01-31" })).toMatch(/^Winter: 15% off 1 Dec(ember)? – 31 Jan(uary)?$/);
});

test("distances", () => {
  expect(formatDistance(0.853)).toBe("850 m");
  expect(formatDistance(4.24)).toBe("4.2 km");
  expect(formatDistance(120.4)).toBe("120 km");
});
