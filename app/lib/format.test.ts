import { describe, expect, it } from "vitest";
import { ageOn, formatDateOfBirth, formatDateWindow, formatLocalDay, formatShortDate } from "./format";

describe("dates in words", () => {
  it("writes a date of birth with the age: born 2 Dec 1968, 58", () => {
    expect(formatDateOfBirth("1968-12-02", "2026-12-08")).toBe("2 Dec 1968, 58");
    expect(formatDateOfBirth("1968-12-09", "2026-12-08")).toBe("9 Dec 1968, 57");
    expect(formatShortDate("2000-02-29")).toBe("29 Feb 2000");
  });
  it("counts a birthday on 29 February as passed on 1 March", () => {
    expect(ageOn("2000-02-29", "2027-02-28")).toBe(26);
    expect(ageOn("2000-02-29", "2027-03-01")).toBe(27);
  });
  it("writes a window of dates as words, never as ISO dates", () => {
    expect(formatDateWindow(null, "2027-01-15")).toBe("by 15 January");
    expect(formatDateWindow("2027-03-02", null)).toBe("from 2 March");
    expect(formatDateWindow("2026-12-15", "2027-01-15")).toBe("15 December to 15 January");
    expect(formatDateWindow(null, null)).toBe("Any date");
    for (const text of [formatDateWindow("2026-12-15", "2027-01-15"), formatLocalDay("2026-12-08"), formatDateOfBirth("1968-12-02", "2026-12-08")]) expect(text).not.toMatch(/\d{4}-\d{2}-\d{2}/);
  });
});
