import { describe, expect, test } from "vitest";
import { doctorAvailableTimeIn, minutesIn, openTimeIn, windowDays } from "~/modules/scheduling/slot-engine";
import { zonedToUtc } from "~/lib/zoned-time";
import { bookingsReport, cancellationsReport, cancellationTiming, cancellerOf, depositsReport, noShowReport, percent, serviceDemandReport, sourcesReport, utilizationReport, type VisitRow } from "./aggregate";
import { decimalAmount } from "~/lib/money";
import { toCsv } from "./csv";
import { rangeOf } from "./range";

const NY = "America/New_York";
const at = (date: string, hhmm: string) => zonedToUtc(date, Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3)), NY);
const H = 3_600_000;

function visit(over: Partial<VisitRow> & { startsAt: Date }): VisitRow {
  return {
    endsAt: new Date(over.startsAt.getTime() + 30 * 60_000),
    status: "completed",
    channel: "clinic_site",
    serviceId: "s1",
    doctorId: "d1",
    roomId: null,
    priceMinor: 10_000,
    cancelledAt: null,
    cancelledBy: null,
    cancellationReason: null,
    cancellationWindowMin: 2880,
    ...over,
  };
}

describe("cancellation timing", () => {
  const start = at("2026-12-10", "10:00");
  const before = (ms: number) => new Date(start.getTime() - ms);
  test("edges: the deadline itself is inside the window; 48 h with a 24 h window is '2 to 7 days'; exactly 7 days too", () => {
    expect(cancellationTiming(start, start, 2880)).toBe("after_start");
    expect(cancellationTiming(start, new Date(start.getTime() + 60_000), 2880)).toBe("after_start");
    expect(cancellationTiming(start, before(48 * H), 2880)).toBe("inside_window");
    expect(cancellationTiming(start, before(48 * H + 60_000), 2880)).toBe("days_2_to_7");
    expect(cancellationTiming(start, before(48 * H), 1440)).toBe("days_2_to_7");
    expect(cancellationTiming(start, before(30 * H), 1440)).toBe("under_2_days");
    expect(cancellationTiming(start, before(7 * 24 * H), 2880)).toBe("days_2_to_7");
    expect(cancellationTiming(start, before(7 * 24 * H + 60_000), 2880)).toBe("over_7_days");
  });
  test("who cancelled is only ever a kind", () => {
    expect(["patient:abc", "staff:def", "api:k", "system", null].map(cancellerOf)).toEqual(["patient", "staff", "api", "system", "system"]);
  });
});

describe("the figures", () => {
  const range = rangeOf("custom", "2026-12-07", "2026-12-08", NY);
  const now = at("2026-12-09", "12:00");
  const rows: VisitRow[] = [
    visit({ startsAt: at("2026-12-07", "09:00"), status: "completed", channel: "staff" }),
    visit({ startsAt: at("2026-12-07", "23:30"), status: "no_show" }),
    visit({ startsAt: at("2026-12-08", "09:00"), status: "cancelled", cancelledAt: at("2026-12-07", "20:00"), cancelledBy: "patient", cancellationReason: "illness" }),
    visit({ startsAt: at("2026-12-08", "10:00"), status: "confirmed", channel: "marketplace" }),
    visit({ startsAt: at("2026-12-08", "11:00"), status: "rescheduled" }),
    visit({ startsAt: at("2026-12-08", "12:00"), status: "held" }),
  ];
  test("bookings by day and status leave holds and moved visits out", () => {
    const b = bookingsReport(range, rows);
    expect(b.total).toBe(4);
    expect(b.rescheduled).toBe(1);
    expect(b.byDay.map((d) => [d.date, d.total])).toEqual([
      ["2026-12-07", 2],
      ["2026-12-08", 2],
    ]);
    expect(Object.fromEntries(b.byStatus.filter((s) => s.count).map((s) => [s.key, s.count]))).toEqual({ completed: 1, no_show: 1, cancelled: 1, confirmed: 1 });
  });
  test("no-show rate: 1 no-show of 2 settled visits; the past confirmed one awaits the desk", () => {
    expect(noShowReport(rows, now)).toMatchObject({ noShows: 1, due: 2, rate: 50, awaitingDesk: 1 });
    expect(noShowReport([], now).rate).toBeNull();
  });
  test("cancellations, sources, services", () => {
    const c = cancellationsReport(rows);
    expect(c.total).toBe(1);
    expect(c.share).toBe(25);
    expect(c.byTiming.find((t) => t.key === "inside_window")!.count).toBe(1);
    expect(c.byWhom.find((t) => t.key === "patient")!.count).toBe(1);
    expect(c.byReason.find((t) => t.key === "illness")!.count).toBe(1);
    expect(sourcesReport(rows).rows.map((s) => [s.key, s.count, s.share])).toEqual([
      ["clinic_site", 2, 50],
      ["marketplace", 1, 25],
      ["staff", 1, 25],
      ["api", 0, 0],
    ]);
    expect(serviceDemandReport(rows, [{ id: "s1", name: "Consultation" }])).toEqual({ rows: [{ id: "s1", name: "Consultation", bookings: 4, cancelled: 1, completed: 1, revenueMinor: 10_000 }], revenueMinor: 10_000 });
  });
  test("deposits: every state listed, pending ignored, net is captured minus refunded", () => {
    const d = depositsReport(
      [
        { toStatus: "authorized", deposits: 1, amountMinor: 2000 },
        { toStatus: "captured", deposits: 1, amountMinor: 2000 },
        { toStatus: "refunded", deposits: 1, amountMinor: 500 },
        { toStatus: "pending", deposits: 1, amountMinor: 700 },
      ],
      "USD",
    );
    expect(d.rows.map((r) => [r.key, r.count, r.amountMinor])).toEqual([
      ["authorized", 1, 2000],
      ["captured", 1, 2000],
      ["released", 0, 0],
      ["refunded", 1, 500],
      ["failed", 0, 0],
      ["waived", 0, 0],
    ]);
    expect(d.netMinor).toBe(1500);
  });
  test("utilization counts time-holding visits against available minutes", () => {
    const u = utilizationReport(rows, [{ id: "d1", name: "Dr A" }, { id: "d2", name: "Dr B" }], [], { doctors: new Map([["d1", 240]]), rooms: new Map() });
    // completed 30 + no-show 30 + confirmed 30 = 90 of 240 → 37.5 %; Dr B has nothing and is left out.
    expect(u.doctors).toEqual([{ id: "d1", name: "Dr A", bookedMin: 90, availableMin: 240, rate: 37.5 }]);
    expect(percent(1, 3)).toBe(33.3);
  });
});

describe("available time from the schedule across daylight saving", () => {
  const location = { id: "L", openingHours: { sun: [{ open: "00:00", close: "24:00" }], mon: [{ open: "08:00", close: "12:00" }] } };
  const doctor = { id: "d1", rules: [{ locationId: "L", weekday: "sun" as const, start: "00:00", end: "06:00", breaks: [] }, { locationId: "L", weekday: "mon" as const, start: "07:00", end: "13:00", breaks: [{ start: "10:00", end: "10:30" }] }] };
  const range = rangeOf("custom", "2027-03-14", "2027-03-15", NY);
  test("a 00:00–06:00 shift on the spring-forward Sunday is 5 real hours; Monday is cut to opening hours, minus the break", () => {
    const span = windowDays(NY, { from: range.from, to: range.to });
    // Sunday: 300 min. Monday: 07:00–13:00 inside 08:00–12:00 = 08:00–12:00 minus 10:00–10:30 = 210 min.
    expect(minutesIn(doctorAvailableTimeIn({ span, location, exceptions: [], doctor }))).toBe(510);
    // Time off 11:00–12:00 Monday and a closure of the whole clinic on Sunday: 210 − 60 = 150.
    const exceptions = [
      { kind: "time_off" as const, doctorId: "d1", start: at("2027-03-15", "11:00"), end: at("2027-03-15", "12:00") },
      { kind: "closure" as const, locationId: null, start: at("2027-03-14", "00:00"), end: at("2027-03-15", "00:00") },
    ];
    expect(minutesIn(doctorAvailableTimeIn({ span, location, exceptions, doctor }))).toBe(150);
    // Open time: Sunday 23 hours + Monday 4 hours.
    expect(minutesIn(openTimeIn({ span, location, exceptions: [] }))).toBe(23 * 60 + 240);
  });
});

test("CSV quoting, formula guard, BOM and CRLF; amounts in the currency's digits", () => {
  expect(toCsv(["Name", "Count"], [["Smith, Jane \"Dr\"", 3], ["=SUM(A1)", null], [" padded", 1.5]])).toBe('\uFEFFName,Count\r\n"Smith, Jane ""Dr""",3\r\n\'=SUM(A1),\r\n" padded",1.5\r\n');
  expect([decimalAmount(12050, "USD"), decimalAmount(5, "EUR"), decimalAmount(5000, "JPY"), decimalAmount(-250, "USD")]).toEqual(["120.50", "0.05", "5000", "-2.50"]);
});
