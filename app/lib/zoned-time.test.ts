import { describe, expect, test } from "vitest";
import { addDays, datesFromTo, localDatesBetween, offsetMinutes, toOffsetIso, utcToZoned, weekdayOf, zonedToUtc } from "~/lib/zoned-time";

const NY = "America/New_York";
const BERLIN = "Europe/Berlin";
const TASHKENT = "Asia/Tashkent";
const iso = (d: Date) => d.toISOString();

describe("zonedToUtc", () => {
  test.each([
    ["2027-03-13", 9 * 60, NY, "2027-03-13T14:00:00.000Z"],
    ["2027-03-14", 9 * 60, NY, "2027-03-14T13:00:00.000Z"],
    ["2027-11-06", 9 * 60, NY, "2027-11-06T13:00:00.000Z"],
    ["2027-11-07", 9 * 60, NY, "2027-11-07T14:00:00.000Z"],
    ["2027-03-27", 9 * 60, BERLIN, "2027-03-27T08:00:00.000Z"],
    ["2027-03-28", 9 * 60, BERLIN, "2027-03-28T07:00:00.000Z"],
    ["2027-10-31", 9 * 60, BERLIN, "2027-10-31T08:00:00.000Z"],
    ["2027-07-01", 9 * 60, TASHKENT, "2027-07-01T04:00:00.000Z"],
    ["2027-01-01", 9 * 60, TASHKENT, "2027-01-01T04:00:00.000Z"],
  ])("%s %i min in %s → %s", (date, minutes, zone, expected) => {
    expect(iso(zonedToUtc(date, minutes, zone))).toBe(expected);
  });

  test("a nonexistent time (02:30 on the spring-forward day) resolves to 03:00 local, the end of the gap", () => {
    const at = zonedToUtc("2027-03-14", 2 * 60 + 30, NY);
    expect(iso(at)).toBe("2027-03-14T07:00:00.000Z");
    expect(utcToZoned(at, NY)).toEqual({ date: "2027-03-14", minutes: 3 * 60, weekday: "sun" });
    // 02:00 itself is also missing; 03:00 is the same instant.
    expect(iso(zonedToUtc("2027-03-14", 2 * 60, NY))).toBe("2027-03-14T07:00:00.000Z");
    expect(iso(zonedToUtc("2027-03-14", 3 * 60, NY))).toBe("2027-03-14T07:00:00.000Z");
    expect(iso(zonedToUtc("2027-03-28", 2 * 60 + 30, BERLIN))).toBe("2027-03-28T01:00:00.000Z");
  });

  test("a repeated time (01:30 on the fall-back day) resolves to its first occurrence, at the summer offset", () => {
    const at = zonedToUtc("2027-11-07", 60 + 30, NY);
    expect(iso(at)).toBe("2027-11-07T05:30:00.000Z"); // 01:30 EDT, not 06:30Z (01:30 EST)
    expect(offsetMinutes(at, NY)).toBe(-240);
    expect(iso(zonedToUtc("2027-10-31", 2 * 60 + 30, BERLIN))).toBe("2027-10-31T00:30:00.000Z");
  });

  test("1440 minutes is the next local midnight", () => {
    expect(iso(zonedToUtc("2027-03-13", 1440, NY))).toBe(iso(zonedToUtc("2027-03-14", 0, NY)));
  });

  test("refuses a malformed date", () => {
    expect(() => zonedToUtc("2027-3-14", 0, NY)).toThrow(RangeError);
  });
});

describe("utcToZoned and offsets", () => {
  test("reads local date, minutes and weekday", () => {
    expect(utcToZoned(new Date("2027-11-07T06:30:00Z"), NY)).toEqual({ date: "2027-11-07", minutes: 90, weekday: "sun" });
    expect(utcToZoned(new Date("2027-03-14T04:59:00Z"), NY)).toEqual({ date: "2027-03-13", minutes: 23 * 60 + 59, weekday: "sat" });
    expect(utcToZoned(new Date("2027-06-30T19:00:00Z"), TASHKENT)).toEqual({ date: "2027-07-01", minutes: 0, weekday: "thu" });
  });

  test("offsets change across the clock changes and never in Tashkent", () => {
    expect(offsetMinutes(new Date("2027-03-14T06:59:00Z"), NY)).toBe(-300);
    expect(offsetMinutes(new Date("2027-03-14T07:00:00Z"), NY)).toBe(-240);
    expect(offsetMinutes(new Date("2027-10-31T00:59:00Z"), BERLIN)).toBe(120);
    expect(offsetMinutes(new Date("2027-10-31T01:00:00Z"), BERLIN)).toBe(60);
    expect(offsetMinutes(new Date("2027-01-15T00:00:00Z"), TASHKENT)).toBe(300);
    expect(offsetMinutes(new Date("2027-07-15T00:00:00Z"), TASHKENT)).toBe(300);
  });
});

describe("local dates", () => {
  test("weekdays and day arithmetic across month and year ends", () => {
    expect(weekdayOf("2027-03-14")).toBe("sun");
    expect(weekdayOf("2027-11-08")).toBe("mon");
    expect(addDays("2027-12-31", 1)).toBe("2028-01-01");
    expect(addDays("2028-03-01", -1)).toBe("2028-02-29");
    expect(datesFromTo("2027-02-27", "2027-03-02")).toEqual(["2027-02-27", "2027-02-28", "2027-03-01", "2027-03-02"]);
  });

  test("the local dates a range of instants touches, in the clinic's zone", () => {
    // 2027-03-14 05:00Z is midnight in New York: the range starts on the 14th there, not the 13th.
    expect(localDatesBetween(new Date("2027-03-14T05:00:00Z"), new Date("2027-03-16T04:00:00Z"), NY)).toEqual(["2027-03-14", "2027-03-15"]);
    expect(localDatesBetween(new Date("2027-03-14T05:00:00Z"), new Date("2027-03-16T04:00:01Z"), NY)).toEqual(["2027-03-14", "2027-03-15", "2027-03-16"]);
    expect(localDatesBetween(new Date("2027-03-14T05:00:00Z"), new Date("2027-03-14T05:00:00Z"), NY)).toEqual([]);
  });
});

describe("toOffsetIso: the API's local times with their offset", () => {
  test.each([
    ["2027-03-14T06:59:00Z", "America/New_York", "2027-03-14T01:59:00-05:00"],
    ["2027-03-14T07:00:00Z", "America/New_York", "2027-03-14T03:00:00-04:00"],
    ["2027-11-07T05:30:00Z", "America/New_York", "2027-11-07T01:30:00-04:00"],
    ["2027-11-07T06:30:00Z", "America/New_York", "2027-11-07T01:30:00-05:00"],
    ["2027-10-31T00:59:00Z", "Europe/Berlin", "2027-10-31T02:59:00+02:00"],
    ["2027-10-31T01:00:00Z", "Europe/Berlin", "2027-10-31T02:00:00+01:00"],
    ["2026-12-31T19:00:00Z", "Asia/Tashkent", "2027-01-01T00:00:00+05:00"],
    ["2026-06-01T12:00:00Z", "Asia/Kolkata", "2026-06-01T17:30:00+05:30"],
  ])("%s in %s is %s", (utc, zone, expected) => {
    expect(toOffsetIso(new Date(utc), zone)).toBe(expected);
    expect(new Date(expected).toISOString()).toBe(new Date(utc).toISOString());
  });
});

describe("offsets kept per quarter hour", () => {
  // Zones with 45-minute offsets, half-hour daylight saving and changes at odd local hours.
  const zones = ["America/New_York", "Europe/Berlin", "Asia/Tashkent", "Asia/Kathmandu", "Australia/Lord_Howe", "Pacific/Chatham", "America/St_Johns", "Africa/Casablanca"];
  const formats = new Map<string, Intl.DateTimeFormat>();
  const formatIn = (timeZone: string) => {
    let format = formats.get(timeZone);
    if (!format) formats.set(timeZone, (format = new Intl.DateTimeFormat("en-US", { timeZone, year: "numeric", month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit", hourCycle: "h23" })));
    return format;
  };
  const intl = (ms: number, timeZone: string) => {
    const parts = formatIn(timeZone).formatToParts(ms);
    const get = (type: string) => Number(parts.find((p) => p.type === type)!.value);
    const date = `${get("year")}-${String(get("month")).padStart(2, "0")}-${String(get("day")).padStart(2, "0")}`;
    return { date, minutes: (get("hour") % 24) * 60 + get("minute") };
  };

  test("agree with Intl at random instants and around every clock change, 1980–2100", () => {
    let seed = 7;
    const random = () => ((seed = (seed * 16807) % 2147483647) / 2147483647);
    const from = Date.UTC(1980, 0, 1);
    const to = Date.UTC(2100, 0, 1);
    for (const zone of zones) {
      for (let i = 0; i < 400; i++) {
        const ms = Math.floor(from + random() * (to - from));
        const { date, minutes } = utcToZoned(new Date(ms), zone);
        expect({ date, minutes }, `${zone} at ${new Date(ms).toISOString()}`).toEqual(intl(ms, zone));
      }
      // Every minute of 2026's and 2027's change days, where a stale quarter would show.
      for (const year of [2026, 2027]) {
        for (let ms = Date.UTC(year, 0, 1); ms < Date.UTC(year + 1, 0, 1); ms += 86_400_000) {
          if (offsetMinutes(new Date(ms), zone) === offsetMinutes(new Date(ms + 86_400_000), zone)) continue;
          // Compared by hand and asserted once: an expect per minute costs more than the check.
          const wrong: string[] = [];
          for (let m = ms; m < ms + 86_400_000; m += 60_000) {
            const got = utcToZoned(new Date(m), zone);
            const want = intl(m, zone);
            if (got.date !== want.date || got.minutes !== want.minutes) wrong.push(`${zone} at ${new Date(m).toISOString()}`);
          }
          expect(wrong).toEqual([]);
        }
      }
    }
  });
});
