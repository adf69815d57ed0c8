import { describe, expect, test } from "vitest";
import { describeNextChange, describeOpenState, formatDayHours, minutesOf, openState, parseOpeningHours, weekRows, zonedMoment } from "./opening-hours";

const weekdays9to17 = parseOpeningHours({
  mon: [{ open: "09:00", close: "17:00" }],
  tue: [{ open: "09:00", close: "17:00" }],
  wed: [{ open: "09:00", close: "17:00" }],
  thu: [{ open: "09:00", close: "17:00" }],
  fri: [{ open: "09:00", close: "17:00" }],
  sat: [],
  sun: [{ open: "09:00", close: "13:00" }],
});

describe("parseOpeningHours", () => {
  test("keeps valid periods, sorts them, and treats missing or malformed days as closed", () => {
    const hours = parseOpeningHours({
      mon: [{ open: "13:00", close: "18:00" }, { open: "08:00", close: "12:00" }],
      tue: [{ open: "8am", close: "5pm" }],
      wed: "nope",
    });
    expect(hours.mon).toEqual([{ open: "08:00", close: "12:00" }, { open: "13:00", close: "18:00" }]);
    expect(hours.tue).toEqual([]);
    expect(hours.wed).toEqual([]);
    expect(hours.sun).toEqual([]);
    expect(parseOpeningHours(null).fri).toEqual([]);
  });

  test("formats split hours and closed days", () => {
    expect(formatDayHours([{ open: "08:00", close: "12:00" }, { open: "13:00", close: "18:00" }])).toBe("08:00–12:00, 13:00–18:00");
    expect(formatDayHours([])).toBe("Closed");
  });
});

describe("America/New_York across daylight saving", () => {
  const zone = "America/New_York";

  test("09:30 local is open on the Saturday before and the Sunday of the spring change", () => {
    // Sunday 8 March 2026: clocks go from 02:00 EST to 03:00 EDT (UTC-5 → UTC-4).
    expect(zonedMoment(new Date("2026-03-08T13:30:00Z"), zone)).toEqual({ weekday: "sun", minutes: 9 * 60 + 30, date: "2026-03-08" });
    expect(openState(weekdays9to17, new Date("2026-03-08T13:30:00Z"), zone)).toEqual({ open: true, closesAt: "13:00" });
    // Same UTC time the day before is 08:30 EST: not open yet on a Saturday anyway, opens Sunday.
    expect(openState(weekdays9to17, new Date("2026-03-07T13:30:00Z"), zone)).toEqual({ open: false, opensAt: { day: "sun", time: "09:00", inDays: 1 } });
  });

  test("on the Monday after the change, 12:59 UTC is 08:59 EDT (closed) and 13:00 UTC is 09:00 EDT (open)", () => {
    expect(openState(weekdays9to17, new Date("2026-03-09T12:59:00Z"), zone)).toEqual({ open: false, opensAt: { day: "mon", time: "09:00", inDays: 0 } });
    expect(openState(weekdays9to17, new Date("2026-03-09T13:00:00Z"), zone)).toEqual({ open: true, closesAt: "17:00" });
  });

  test("after the autumn change 09:00 local is 14:00 UTC again", () => {
    // Sunday 1 November 2026 falls back to EST; Monday 2 November 13:30 UTC is 08:30 local.
    expect(openState(weekdays9to17, new Date("2026-11-02T13:30:00Z"), zone).open).toBe(false);
    expect(openState(weekdays9to17, new Date("2026-11-02T14:00:00Z"), zone).open).toBe(true);
  });
});

describe("Europe/Berlin across daylight saving", () => {
  const zone = "Europe/Berlin";

  test("the last Sunday of March moves 09:00 local from 08:00 UTC to 07:00 UTC", () => {
    // Friday 27 March 2026, CET (UTC+1): 08:00 UTC is 09:00 local.
    expect(openState(weekdays9to17, new Date("2026-03-27T07:59:00Z"), zone).open).toBe(false);
    expect(openState(weekdays9to17, new Date("2026-03-27T08:00:00Z"), zone).open).toBe(true);
    // Sunday 29 March 2026 is the change itself (02:00 → 03:00); 07:00 UTC is 09:00 CEST.
    expect(zonedMoment(new Date("2026-03-29T07:00:00Z"), zone)).toEqual({ weekday: "sun", minutes: 9 * 60, date: "2026-03-29" });
    expect(openState(weekdays9to17, new Date("2026-03-29T07:00:00Z"), zone)).toEqual({ open: true, closesAt: "13:00" });
    expect(openState(weekdays9to17, new Date("2026-03-29T06:59:00Z"), zone).open).toBe(false);
  });
});

describe("Asia/Tashkent (UTC+5 all year, no daylight saving)", () => {
  const zone = "Asia/Tashkent";

  test("09:00 local is 04:00 UTC in winter and in summer", () => {
    for (const day of ["2026-01-12", "2026-07-13"]) {
      expect(openState(weekdays9to17, new Date(`${day}T03:59:00Z`), zone).open).toBe(false);
      expect(openState(weekdays9to17, new Date(`${day}T04:00:00Z`), zone)).toEqual({ open: true, closesAt: "17:00" });
      expect(openState(weekdays9to17, new Date(`${day}T12:00:00Z`), zone)).toEqual({ open: false, opensAt: { day: "tue", time: "09:00", inDays: 1 } });
    }
  });

  test("a Saturday late in the evening local is already the next day in the zone", () => {
    // 20:30 UTC Saturday is 01:30 Sunday in Tashkent.
    expect(zonedMoment(new Date("2026-05-16T20:30:00Z"), zone)).toEqual({ weekday: "sun", minutes: 90, date: "2026-05-17" });
  });
});

describe("open state details", () => {
  test("split hours: closed over lunch, opens again the same day", () => {
    const hours = parseOpeningHours({ mon: [{ open: "08:00", close: "12:00" }, { open: "13:00", close: "18:00" }] });
    const lunch = openState(hours, new Date("2026-05-18T12:30:00Z"), "UTC");
    expect(lunch).toEqual({ open: false, opensAt: { day: "mon", time: "13:00", inDays: 0 } });
    expect(describeOpenState(lunch)).toBe("Closed now · opens today 13:00");
    expect(describeNextChange(lunch)).toBe("Opens today 13:00");
    expect(describeNextChange({ open: true, closesAt: "18:00" })).toBe("Closes at 18:00");
  });

  test("a location open one day a week, seen after closing that day, opens the same day next week", () => {
    const mondaysOnly = parseOpeningHours({ mon: [{ open: "08:00", close: "12:00" }] });
    // Monday 18 May 2026, 15:00 UTC: after closing; the next opening is Monday 25 May.
    const afterClosing = openState(mondaysOnly, new Date("2026-05-18T15:00:00Z"), "UTC");
    expect(afterClosing).toEqual({ open: false, opensAt: { day: "mon", time: "08:00", inDays: 7 } });
    expect(describeNextChange(afterClosing)).toBe("Opens next Monday 08:00");
    expect(describeOpenState(afterClosing)).toBe("Closed now · opens next Monday 08:00");
    // Before opening on the same Monday it still opens today.
    expect(describeNextChange(openState(mondaysOnly, new Date("2026-05-18T07:00:00Z"), "UTC"))).toBe("Opens today 08:00");
  });

  test("a period never runs past midnight: late hours are two periods, shown as one stretch", () => {
    // 20:00–02:00 is not a valid period, so the day reads as closed rather than guessed at.
    expect(parseOpeningHours({ fri: [{ open: "20:00", close: "02:00" }] }).fri).toEqual([]);
    const lateFriday = parseOpeningHours({ fri: [{ open: "20:00", close: "24:00" }], sat: [{ open: "00:00", close: "02:00" }] });
    expect(minutesOf("24:00")).toBe(24 * 60);
    // Friday 15 May 2026, 23:00 UTC: open, and the visitor learns it stays open until 02:00.
    expect(openState(lateFriday, new Date("2026-05-15T23:00:00Z"), "UTC")).toEqual({ open: true, closesAt: "02:00" });
    expect(openState(lateFriday, new Date("2026-05-16T01:00:00Z"), "UTC")).toEqual({ open: true, closesAt: "02:00" });
    expect(openState(lateFriday, new Date("2026-05-16T02:00:00Z"), "UTC")).toEqual({ open: false, opensAt: { day: "fri", time: "20:00", inDays: 6 } });
  });

  test("closes at the stroke of the closing time; never opens when there are no hours", () => {
    expect(openState(weekdays9to17, new Date("2026-05-18T17:00:00Z"), "UTC")).toEqual({ open: false, opensAt: { day: "tue", time: "09:00", inDays: 1 } });
    expect(openState(parseOpeningHours({}), new Date(), "UTC")).toEqual({ open: false, opensAt: null });
    expect(describeOpenState({ open: false, opensAt: null })).toBe("Closed now");
    expect(describeNextChange({ open: false, opensAt: null })).toBe("No opening hours set");
  });

  test("week rows mark today and closed days", () => {
    const rows = weekRows(weekdays9to17, "sat");
    expect(rows.map((r) => r.day)).toEqual(["mon", "tue", "wed", "thu", "fri", "sat", "sun"]);
    expect(rows.find((r) => r.isToday)).toMatchObject({ day: "sat", text: "Closed", closed: true });
  });
});
