import { describe, expect, test } from "vitest";
import { zonedToUtc } from "~/lib/zoned-time";
import { dayIndexOf, exportQuery, rangeOf, readReportRequest, resolveRange } from "./range";

const NY = "America/New_York";
const at = (date: string, hhmm: string) => zonedToUtc(date, Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3)), NY);

describe("presets on the clinic's calendar", () => {
  // Wednesday 2 December 2026, 23:30 in New York is already Thursday 3 December in UTC.
  const now = at("2026-12-02", "23:30");
  const days = (range: Parameters<typeof resolveRange>[0]["range"]) => {
    const answer = resolveRange({ range }, NY, now);
    if (!answer.ok) throw new Error(answer.message);
    return [answer.range.first, answer.range.last];
  };
  test("this week is Monday to Sunday of the local week", () => expect(days("this-week")).toEqual(["2026-11-30", "2026-12-06"]));
  test("last 30 days ends today, local", () => expect(days("last-30-days")).toEqual(["2026-11-03", "2026-12-02"]));
  test("this month and last month", () => {
    expect(days("this-month")).toEqual(["2026-12-01", "2026-12-31"]);
    expect(days("last-month")).toEqual(["2026-11-01", "2026-11-30"]);
  });
  test("last month in January is December of the year before", () => {
    const answer = resolveRange({ range: "last-month" }, NY, at("2027-01-15", "10:00"));
    expect(answer.ok && [answer.range.first, answer.range.last]).toEqual(["2026-12-01", "2026-12-31"]);
  });
});

describe("custom ranges", () => {
  const now = new Date("2026-12-02T12:00:00Z");
  test("need both dates, in order, at most 366 days", () => {
    expect(resolveRange({ range: "custom", to: "2026-12-01" }, NY, now)).toMatchObject({ ok: false, field: "from" });
    expect(resolveRange({ range: "custom", from: "2026-12-05", to: "2026-12-01" }, NY, now)).toMatchObject({ ok: false, field: "to" });
    expect(resolveRange({ range: "custom", from: "2026-01-01", to: "2027-01-02" }, NY, now)).toMatchObject({ ok: false, field: "to" });
    expect(resolveRange({ range: "custom", from: "2026-01-01", to: "2027-01-01" }, NY, now)).toMatchObject({ ok: true });
  });
  test("dates alone (a CSV link) mean a custom range; a date that does not exist is refused", () => {
    const ok = readReportRequest(new URL("http://x/panel/reports/bookings.csv?from=2026-11-01&to=2026-11-30"), NY, now);
    expect(ok !== "bad-location" && ok.ok && [ok.range.preset, ok.range.days.length]).toEqual(["custom", 30]);
    const bad = readReportRequest(new URL("http://x/?range=custom&from=2026-02-30&to=2026-03-01"), NY, now);
    expect(bad).toMatchObject({ ok: false, field: "from", message: "That date does not exist." });
  });
  test("a location that is not an id is answered as not found; an unknown preset falls back", () => {
    expect(readReportRequest(new URL("http://x/?location=northside"), NY, now)).toBe("bad-location");
    const fallback = readReportRequest(new URL("http://x/?range=forever"), NY, now);
    expect(fallback !== "bad-location" && fallback.ok && fallback.range.preset).toBe("last-30-days");
  });
  test("the export query carries the dates and the location", () => {
    const range = rangeOf("this-week", "2026-11-30", "2026-12-06", NY);
    expect(exportQuery(range, null)).toBe("from=2026-11-30&to=2026-12-06");
    expect(exportQuery(range, "7d4c2a54-0000-4000-8000-000000000001")).toBe("from=2026-11-30&to=2026-12-06&location=7d4c2a54-0000-4000-8000-000000000001");
  });
});

describe("day boundaries across daylight-saving changes", () => {
  test("the spring-forward day is 23 hours and the fall-back day 25; visits fall on their local day", () => {
    const spring = rangeOf("custom", "2027-03-13", "2027-03-15", NY);
    const lengths = spring.dayStarts.map((s, i) => ((spring.dayStarts[i + 1] ?? spring.to).getTime() - s.getTime()) / 3_600_000);
    expect(lengths).toEqual([24, 23, 24]);
    expect(dayIndexOf(spring, at("2027-03-14", "23:30"))).toBe(1);
    expect(dayIndexOf(spring, at("2027-03-15", "00:00"))).toBe(2);
    expect(dayIndexOf(spring, at("2027-03-13", "00:00"))).toBe(0);
    expect(dayIndexOf(spring, new Date(at("2027-03-13", "00:00").getTime() - 1))).toBe(-1);
    expect(dayIndexOf(spring, spring.to)).toBe(-1);
    const fall = rangeOf("custom", "2027-11-07", "2027-11-07", NY);
    expect((fall.to.getTime() - fall.from.getTime()) / 3_600_000).toBe(25);
    expect(dayIndexOf(fall, at("2027-11-07", "23:59"))).toBe(0);
  });
});
