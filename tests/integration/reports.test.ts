/**
 * The owner's reports on a small fixed dataset, every figure worked out by hand below, read through
 * the real routes (page loader and CSV loader) on the real database.
 *
 * Clinic in America/New_York; range Saturday 31 October – Monday 2 November 2026. Sunday 1 November
 * is the fall-back day: 25 hours long (00:00 EDT = 04:00Z to 00:00 EST = 05:00Z on the 2nd).
 * Location "Main site" open 00:00–24:00 every day. Two doctors, 09:00–17:00 every day:
 *   Dr. Test 1 (D1), time off Monday 13:00–17:00;
 *   Dr. Test 2 (D2), extra hours Sunday 07:00–09:00.
 * A closure of the location Monday 00:00–06:00. Rooms: Room 1 (R1), Room 2 (R2).
 * Services: Consultation (30 min, $100), Physio session (60 min, $80).
 *
 * Visits (10 bookings), with status, channel, and for cancellations reason / by / when:
 *   A1  Sat 09:00 D1 R1 Consultation  completed        clinic site
 *   A2  Sat 10:00 D2 R2 Physio        completed        marketplace
 *   A10 Sat 12:00 D1 –  Consultation  cancelled        staff   closure, by staff, Sat 12:15 (after the start)
 *   A3  Sun 09:00 D1 R1 Consultation  no-show          staff
 *   A5  Sun 10:00 D2 R2 Consultation  checked in       clinic site
 *   A4  Sun 23:30 D2 –  Consultation  cancelled        API     doctor unavailable, by API, Sun 22:00 (1.5 h: inside the 48 h window)
 *       (23:30 EST is 04:30Z on the 2nd: it belongs to SUNDAY; with the summer offset it would wrongly be Monday)
 *   A6  Mon 09:00 D1 R1 Physio        with the doctor  staff
 *   A7  Mon 10:00 D2 R2 Consultation  confirmed        clinic site (in the past, nothing recorded: "awaiting the desk")
 *   A8  Mon 11:00 D1 –  Consultation  cancelled        marketplace  patient's request, by patient, 20 Oct 10:00 (13 days: > 7 days)
 *   A9  Mon 12:00 D2 –  Consultation  cancelled        clinic site  illness, by patient, 29 Oct 12:00 EDT (97 h: 2–7 days)
 * Not counted: a hold (Mon 14:00), a visit moved to another time (Sat 14:00, "rescheduled"), a visit
 * on Friday 30 Oct 23:30 and one on Tuesday 3 Nov 00:00 (both just outside).
 *
 * Bookings: 10. By day: Sat 3 (A1 A2 A10), Sun 3 (A3 A4 A5), Mon 4 (A6 A7 A8 A9).
 * By status: completed 2, no-show 1, checked in 1, with the doctor 1, confirmed 1, cancelled 4.
 * No-show rate: due = checked in 1 + with the doctor 1 + completed 2 + no-show 1 = 5; 1 / 5 = 20 %.
 * Cancellations: 4 (40 % of 10). Reasons: patient's request 1, illness 1, doctor unavailable 1,
 *   clinic closed 1. Timing: > 7 days 1 (A8), 2–7 days 1 (A9), inside the window 1 (A4), after the
 *   start 1 (A10). By: patient 2 (A8 A9), staff 1 (A10), API 1 (A4).
 * Sources: clinic site 4 (A1 A5 A7 A9) 40 %, marketplace 2 (A2 A8) 20 %, staff 3 (A3 A6 A10) 30 %, API 1 (A4) 10 %.
 * Services: Consultation 8 bookings, 4 cancelled, 1 completed (A1) → $100.00;
 *           Physio session 2 bookings, 0 cancelled, 1 completed (A2) → $80.00. Total $180.00.
 * Utilization (booked = time-holding visits, buffers none):
 *   D1 booked A1 30 + A3 30 + A6 60 = 120; available 3 × 480 − 240 time off = 1200 → 10 %.
 *   D2 booked A2 60 + A5 30 + A7 30 = 120; available 3 × 480 + 120 extra = 1560 → 7.7 %.
 *   R1 booked A1 30 + A3 30 + A6 60 = 120; R2 booked A2 60 + A5 30 + A7 30 = 120;
 *   each room available Sat 1440 + Sun 1500 (25 h) + Mon 1440 − 360 closure = 4020 → 2.985… = 3 %.
 * Deposits, by the time of each move (Dep8's capture at Tue 00:00 and Dep1's earlier authorization are outside):
 *   authorized: Dep4 $25 (Sun 09:00), Dep5 $10 (Sat 15:00)     → 2, $35.00
 *   captured:   Dep1 $20 (Sat 08:00), Dep2 $20 (Sun 10:00; a noted retry that keeps "captured" is not a move), Dep3 $15 (Sat 12:20) → 3, $55.00
 *   released:   Dep7 $12 (Sat 00:00, the range's first instant) → 1, $12.00
 *   refunded:   Dep3 $15 (Sat 12:30)                             → 1, $15.00
 *   failed:     Dep5 $10 (Sat 09:00)                             → 1, $10.00
 *   waived:     Dep6 $30 (Mon 09:30)                             → 1, $30.00
 *   captured − refunded = $40.00
 */
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as csvRoute from "~/routes/panel.reports.$report";
import * as page from "~/routes/panel.reports._index";
import { sqlStateOf } from "~/utils/db-errors.server";
import { releaseAppDb, routeDbIsTestDb } from "../support/api-client";
import { testDb } from "../support/db";
import { callPanel, createPanelFixture, type PanelFixture } from "../support/panel-client";
import { localInstant } from "../support/scheduling";

const NY = "America/New_York";
const t = (date: string, hhmm: string) => localInstant(NY, date, hhmm);
const RANGE = "?range=custom&from=2026-10-31&to=2026-11-02";

let f: PanelFixture;
let annexId: string;

beforeAll(async () => {
  routeDbIsTestDb();
  f = await createPanelFixture({ doctors: 2, rooms: { type: "consultation", count: 2 } });
  const [D1, D2] = f.doctorIds as [string, string];
  const [R1, R2] = f.roomIds as [string, string];
  const clinicId = f.clinic.id;
  await testDb()
    .forClinic(clinicId)
    .tx(async (tx) => {
      const physio = await tx.service.create({ data: { clinicId, key: "physio", name: "Physio session", durationMin: 60, priceMinor: 8000 } });
      const annex = await tx.location.create({ data: { clinicId, key: "annex", name: "Annex", addressLine1: "2 Side Street", city: "Test City", country: "US", openingHours: {} } });
      annexId = annex.id;
      await tx.scheduleException.createMany({
        data: [
          { clinicId, kind: "time_off", doctorId: D1, startsAt: t("2026-11-02", "13:00"), endsAt: t("2026-11-02", "17:00") },
          { clinicId, kind: "extra_hours", doctorId: D2, locationId: f.locationId, startsAt: t("2026-11-01", "07:00"), endsAt: t("2026-11-01", "09:00") },
          { clinicId, kind: "closure", locationId: f.locationId, startsAt: t("2026-11-02", "00:00"), endsAt: t("2026-11-02", "06:00") },
        ],
      });
      const visit = async (o: {
        day: string;
        time: string;
        min?: number;
        doctor: string;
        room?: string | null;
        physio?: boolean;
        status: "completed" | "no_show" | "checked_in" | "in_consultation" | "confirmed" | "cancelled" | "held" | "rescheduled";
        channel: "clinic_site" | "marketplace" | "staff" | "api";
        cancel?: { reason: "patient_request" | "illness" | "staff_unavailable" | "closure"; by: string; at: Date };
      }) => {
        const startsAt = t(o.day, o.time);
        const minutes = o.min ?? (o.physio ? 60 : 30);
        const endsAt = new Date(startsAt.getTime() + minutes * 60_000);
        const row = await tx.appointment.create({
          data: {
            clinicId,
            serviceId: o.physio ? physio.id : f.serviceId,
            doctorId: o.doctor,
            locationId: f.locationId,
            roomId: o.room ?? null,
            patientAccountId: f.patientId,
            status: o.status,
            startsAt,
            endsAt,
            blockedFrom: startsAt,
            blockedTo: endsAt,
            holdExpiresAt: o.status === "held" ? new Date(Date.now() + 600_000) : null,
            channel: o.channel,
            priceMinor: o.physio ? 8000 : 10_000,
            currency: "USD",
            cancellationWindowMin: 2880,
            cancellationReason: o.cancel?.reason ?? null,
            cancelledBy: o.cancel?.by ?? null,
            cancelledAt: o.cancel?.at ?? null,
          },
        });
        return row.id;
      };
      const A1 = await visit({ day: "2026-10-31", time: "09:00", doctor: D1, room: R1, status: "completed", channel: "clinic_site" });
      await visit({ day: "2026-10-31", time: "10:00", doctor: D2, room: R2, physio: true, status: "completed", channel: "marketplace" });
      const A10 = await visit({ day: "2026-10-31", time: "12:00", doctor: D1, status: "cancelled", channel: "staff", cancel: { reason: "closure", by: "staff:x", at: t("2026-10-31", "12:15") } });
      const A3 = await visit({ day: "2026-11-01", time: "09:00", doctor: D1, room: R1, status: "no_show", channel: "staff" });
      const A5 = await visit({ day: "2026-11-01", time: "10:00", doctor: D2, room: R2, status: "checked_in", channel: "clinic_site" });
      await visit({ day: "2026-11-01", time: "23:30", doctor: D2, status: "cancelled", channel: "api", cancel: { reason: "staff_unavailable", by: "api:key", at: t("2026-11-01", "22:00") } });
      const A6 = await visit({ day: "2026-11-02", time: "09:00", doctor: D1, room: R1, physio: true, status: "in_consultation", channel: "staff" });
      const A7 = await visit({ day: "2026-11-02", time: "10:00", doctor: D2, room: R2, status: "confirmed", channel: "clinic_site" });
      await visit({ day: "2026-11-02", time: "11:00", doctor: D1, status: "cancelled", channel: "marketplace", cancel: { reason: "patient_request", by: `patient:${f.patientId}`, at: t("2026-10-20", "10:00") } });
      const A9 = await visit({ day: "2026-11-02", time: "12:00", doctor: D2, status: "cancelled", channel: "clinic_site", cancel: { reason: "illness", by: `patient:${f.patientId}`, at: t("2026-10-29", "12:00") } });
      // Not counted.
      await visit({ day: "2026-11-02", time: "14:00", doctor: D1, status: "held", channel: "clinic_site" });
      await visit({ day: "2026-10-31", time: "14:00", doctor: D2, status: "rescheduled", channel: "clinic_site" });
      await visit({ day: "2026-10-30", time: "23:30", doctor: D2, status: "completed", channel: "clinic_site" });
      const OUT = await visit({ day: "2026-11-03", time: "00:00", doctor: D1, room: R1, status: "completed", channel: "clinic_site" });

      const deposit = async (appointmentId: string, amountMinor: number, moves: [string | null, string, Date][]) => {
        const d = await tx.deposit.create({
          data: { clinicId, appointmentId, patientAccountId: f.patientId, provider: "demo", status: moves[moves.length - 1]![1] as "captured", amountMinor, currency: "USD", authorizeAt: t("2026-10-25", "09:00"), captureAt: t("2026-10-29", "09:00"), waiveReason: "Test: waived or refunded by staff" },
        });
        for (const [from, to, at] of moves) {
          await tx.depositEvent.create({ data: { clinicId, depositId: d.id, appointmentId, fromStatus: from as "pending" | null, toStatus: to as "captured", action: to, actor: "system", occurredAt: at } });
        }
      };
      await deposit(A1, 2000, [["pending", "authorized", t("2026-10-28", "09:00")], ["authorized", "captured", t("2026-10-31", "08:00")]]);
      await deposit(A3, 2000, [["pending", "authorized", t("2026-10-30", "09:00")], ["authorized", "captured", t("2026-11-01", "10:00")], ["captured", "captured", t("2026-11-01", "10:05")]]);
      await deposit(A10, 1500, [["pending", "authorized", t("2026-10-27", "09:00")], ["authorized", "captured", t("2026-10-31", "12:20")], ["captured", "refunded", t("2026-10-31", "12:30")]]);
      await deposit(A7, 2500, [["pending", "authorized", t("2026-11-01", "09:00")]]);
      await deposit(A5, 1000, [["pending", "failed", t("2026-10-31", "09:00")], ["failed", "authorized", t("2026-10-31", "15:00")]]);
      await deposit(A6, 3000, [["pending", "authorized", t("2026-10-29", "09:00")], ["authorized", "waived", t("2026-11-02", "09:30")]]);
      await deposit(A9, 1200, [["pending", "authorized", t("2026-10-27", "09:00")], ["authorized", "released", t("2026-10-31", "00:00")]]);
      await deposit(OUT, 900, [["pending", "authorized", t("2026-10-30", "09:00")], ["authorized", "captured", t("2026-11-03", "00:00")]]);
    });
});
afterAll(releaseAppDb);

type PageData = Awaited<ReturnType<typeof page.loader>>;

const csv = async (report: string, query = "?from=2026-10-31&to=2026-11-02") => {
  const answer = await callPanel<string>(csvRoute, `/panel/reports/${report}.csv${query}`, { host: f.host, cookie: f.cookies.owner, params: { report: `${report}.csv` } });
  expect(answer.status).toBe(200);
  expect(answer.headers.get("Content-Type")).toBe("text/csv; charset=utf-8");
  return answer;
};
// Response.text() drops the byte-order mark the files start with (csv.ts's unit test checks it).
const lines = (...rows: string[]) => `${rows.join("\r\n")}\r\n`;

describe("the page's figures", () => {
  let r: NonNullable<PageData["reports"]>;
  beforeAll(async () => {
    const answer = await callPanel<PageData>(page, `/panel/reports${RANGE}`, { host: f.host, cookie: f.cookies.owner });
    expect(answer.status).toBe(200);
    expect(answer.data.error).toBeNull();
    r = answer.data.reports!;
  });

  it("bookings by day (the fall-back Sunday keeps its 23:30 visit) and by status", () => {
    expect(r.bookings.total).toBe(10);
    expect(r.bookings.rescheduled).toBe(1);
    expect(r.bookings.byDay.map((d) => [d.date, d.total])).toEqual([
      ["2026-10-31", 3],
      ["2026-11-01", 3],
      ["2026-11-02", 4],
    ]);
    expect(Object.fromEntries(r.bookings.byStatus.map((s) => [s.key, s.count]))).toEqual({ requested: 0, confirmed: 1, checked_in: 1, in_consultation: 1, completed: 2, no_show: 1, cancelled: 4, declined: 0 });
  });

  it("no-show rate 1 / 5 = 20 %, one past visit awaiting the desk", () => {
    expect(r.noShows).toMatchObject({ noShows: 1, due: 5, rate: 20, awaitingDesk: 1 });
  });

  it("cancellations by reason, lateness and who", () => {
    const counts = (list: { key: string; count: number }[]) => Object.fromEntries(list.filter((x) => x.count).map((x) => [x.key, x.count]));
    expect(r.cancellations.total).toBe(4);
    expect(r.cancellations.share).toBe(40);
    expect(counts(r.cancellations.byReason)).toEqual({ patient_request: 1, illness: 1, staff_unavailable: 1, closure: 1 });
    expect(counts(r.cancellations.byTiming)).toEqual({ over_7_days: 1, days_2_to_7: 1, inside_window: 1, after_start: 1 });
    expect(counts(r.cancellations.byWhom)).toEqual({ patient: 2, staff: 1, api: 1 });
  });

  it("deposits by the moves inside the range", () => {
    expect(r.deposits.rows.map((d) => [d.key, d.count, d.amountMinor])).toEqual([
      ["authorized", 2, 3500],
      ["captured", 3, 5500],
      ["released", 1, 1200],
      ["refunded", 1, 1500],
      ["failed", 1, 1000],
      ["waived", 1, 3000],
    ]);
    expect(r.deposits.netMinor).toBe(4000);
  });

  it("utilization per doctor and room from the schedule, time off, extra hours, closure and the 25-hour day included", () => {
    expect(r.utilization.doctors.map((u) => [u.name, u.bookedMin, u.availableMin, u.rate])).toEqual([
      ["Dr. Test 1", 120, 1200, 10],
      ["Dr. Test 2", 120, 1560, 7.7],
    ]);
    expect(r.utilization.rooms.map((u) => [u.name, u.bookedMin, u.availableMin, u.rate])).toEqual([
      ["Room 1", 120, 4020, 3],
      ["Room 2", 120, 4020, 3],
    ]);
  });

  it("service demand and booking source", () => {
    expect(r.services.rows.map((s) => [s.name, s.bookings, s.cancelled, s.completed, s.revenueMinor])).toEqual([
      ["Consultation", 8, 4, 1, 10_000],
      ["Physio session", 2, 0, 1, 8000],
    ]);
    expect(r.services.revenueMinor).toBe(18_000);
    expect(r.sources.rows.map((s) => [s.key, s.count, s.share])).toEqual([
      ["clinic_site", 4, 40],
      ["marketplace", 2, 20],
      ["staff", 3, 30],
      ["api", 1, 10],
    ]);
  });

  it("the payload names no patient", () => {
    const text = JSON.stringify(r);
    expect(text).not.toContain(f.patientId);
    expect(text).not.toContain("Ient"); // the fixture's patient is "Pat Ient"
  });
});

describe("the CSV files hold the same figures", () => {
  it("bookings", async () => {
    const answer = await csv("bookings");
    expect(answer.headers.get("Content-Disposition")).toBe(`attachment; filename="${f.clinic.slug}-bookings-2026-10-31-to-2026-11-02.csv"`);
    expect(answer.data).toBe(
      lines(
        "Date,Bookings,Awaiting approval,Confirmed,Checked in,With the doctor,Completed,No-show,Cancelled,Declined",
        "2026-10-31,3,0,0,0,0,2,0,1,0",
        "2026-11-01,3,0,0,1,0,0,1,1,0",
        "2026-11-02,4,0,1,0,1,0,0,2,0",
        "Total,10,0,1,1,1,2,1,4,0",
      ),
    );
  });
  it("no-shows", async () => {
    expect((await csv("no-shows")).data).toBe(lines("Figure,Value", "Checked in,1", "With the doctor,1", "Completed,2", "No-show,1", "Visits due,5", "No-show rate (%),20", "Past visits awaiting check-in or no-show,1"));
  });
  it("cancellations (a label with a comma is quoted)", async () => {
    expect((await csv("cancellations")).data).toBe(
      lines(
        "Grouping,Group,Cancellations",
        "Reason,Patient's request,1",
        "Reason,Illness,1",
        "Reason,Doctor unavailable,1",
        "Reason,Clinic closed,1",
        "Reason,Duplicate booking,0",
        "Reason,Recorded as no-show,0",
        "Reason,No reason given,0",
        "Timing,More than 7 days before,1",
        "Timing,2 to 7 days before,1",
        'Timing,"Under 2 days, before the window",0',
        "Timing,Inside the cancellation window,1",
        "Timing,After the start time,1",
        "Cancelled by,Patient,2",
        "Cancelled by,Staff,1",
        "Cancelled by,Clinic software (API),1",
        "Cancelled by,Automatic,0",
        "Total,All cancellations,4",
      ),
    );
  });
  it("deposits", async () => {
    expect((await csv("deposits")).data).toBe(
      lines(
        "Deposit state,Deposits,Amount (USD)",
        "Authorized (held on the card),2,35.00",
        "Captured (charged),3,55.00",
        "Released (not charged),1,12.00",
        "Refunded,1,15.00",
        "Failed authorization,1,10.00",
        "Waived by staff,1,30.00",
        "Captured minus refunded,,40.00",
      ),
    );
  });
  it("utilization", async () => {
    expect((await csv("utilization")).data).toBe(lines("Kind,Name,Booked minutes,Available minutes,Utilization (%)", "Doctor,Dr. Test 1,120,1200,10", "Doctor,Dr. Test 2,120,1560,7.7", "Room,Room 1,120,4020,3", "Room,Room 2,120,4020,3"));
  });
  it("services", async () => {
    expect((await csv("services")).data).toBe(lines("Service,Bookings,Cancelled,Completed,Revenue (USD)", "Consultation,8,4,1,100.00", "Physio session,2,0,1,80.00", "Total,10,4,2,180.00"));
  });
  it("sources", async () => {
    expect((await csv("sources")).data).toBe(lines("Source,Bookings,Share (%)", "Clinic site,4,40", "Marketplace,2,20", "Staff (phone and desk),3,30", "Clinic software (API),1,10", "Total,10,100"));
  });
});

describe("filters", () => {
  it("the clinic's only working location gives the same figures; a location with nothing gives zeros", async () => {
    const main = await callPanel<PageData>(page, `/panel/reports${RANGE}&location=${f.locationId}`, { host: f.host, cookie: f.cookies.owner });
    expect(main.data.reports!.bookings.total).toBe(10);
    expect(main.data.reports!.location).toEqual({ id: f.locationId, name: "Main site" });
    const annex = await callPanel<PageData>(page, `/panel/reports${RANGE}&location=${annexId}`, { host: f.host, cookie: f.cookies.owner });
    expect(annex.data.reports!.bookings.total).toBe(0);
    expect(annex.data.reports!.noShows.rate).toBeNull();
    expect(annex.data.reports!.utilization).toEqual({ doctors: [], rooms: [] });
    expect((await csv("sources", `?from=2026-10-31&to=2026-11-02&location=${annexId}`)).data).toBe(lines("Source,Bookings,Share (%)", "Clinic site,0,", "Marketplace,0,", "Staff (phone and desk),0,", "Clinic software (API),0,", "Total,0,"));
  });

  it("a custom range out of order is a message next to the field, not a report", async () => {
    const answer = await callPanel<PageData>(page, "/panel/reports?range=custom&from=2026-11-02&to=2026-10-31", { host: f.host, cookie: f.cookies.owner });
    expect(answer.status).toBe(200);
    expect(answer.data.error).toEqual({ field: "to", message: "The last day must be on or after the first day." });
    expect(answer.data.reports).toBeNull();
    const file = await callPanel<string>(csvRoute, "/panel/reports/bookings.csv?from=2026-11-02&to=2026-10-31", { host: f.host, cookie: f.cookies.owner, params: { report: "bookings.csv" } });
    expect(file.status).toBe(400);
  });

  it("an unknown report or a location that is not an id is not found", async () => {
    expect((await callPanel(csvRoute, "/panel/reports/patients.csv", { host: f.host, cookie: f.cookies.owner, params: { report: "patients.csv" } })).status).toBe(404);
    expect((await callPanel(csvRoute, "/panel/reports/bookings", { host: f.host, cookie: f.cookies.owner, params: { report: "bookings" } })).status).toBe(404);
    expect((await callPanel(page, `/panel/reports?location=main`, { host: f.host, cookie: f.cookies.owner })).status).toBe(404);
    expect((await callPanel(page, `/panel/reports?location=${randomUUID()}`, { host: f.host, cookie: f.cookies.owner })).status).toBe(404);
  });
});

describe("reading and auditing", () => {
  it("viewing and exporting are audited with the range and no figures about anyone", async () => {
    await callPanel(page, `/panel/reports${RANGE}`, { host: f.host, cookie: f.cookies.owner });
    await csv("deposits");
    const events = await testDb()
      .forClinic(f.clinic.id)
      .tx((tx) => tx.auditEvent.findMany({ where: { clinicId: f.clinic.id, action: { in: ["report.viewed", "report.exported"] } }, orderBy: { occurredAt: "desc" } }));
    const viewed = events.find((e) => e.action === "report.viewed")!;
    const exported = events.find((e) => e.action === "report.exported" && e.targetId === "deposits")!;
    expect(viewed).toMatchObject({ actorType: "staff", actorId: f.staff.owner, targetType: "report", targetId: "all" });
    expect(viewed.details).toEqual({ from: "2026-10-31", to: "2026-11-02", preset: "custom", location: null });
    expect(exported.details).toMatchObject({ from: "2026-10-31", to: "2026-11-02" });
    expect(JSON.stringify(events)).not.toContain(f.patientId);
  });

  it("a report's transaction is read-only and has a statement timeout", async () => {
    const db = testDb().forClinic(f.clinic.id);
    const settings = await db.tx((tx) => tx.$queryRaw<{ ro: string; timeout: string }[]>`SELECT current_setting('transaction_read_only') AS ro, current_setting('statement_timeout') AS timeout`, { readOnly: true, statementTimeoutMs: 5000 });
    expect(settings[0]).toEqual({ ro: "on", timeout: "5s" });
    await expect(db.tx((tx) => tx.$executeRaw`UPDATE services SET position = position WHERE clinic_id = ${f.clinic.id}::uuid`, { readOnly: true })).rejects.toThrow(/read-only transaction/);
    // A statement past the limit is cancelled with 57014, which loadReports answers as ReportTooSlowError.
    const slow = await db.tx((tx) => tx.$queryRaw`SELECT pg_sleep(0.5)`, { readOnly: true, statementTimeoutMs: 50 }).catch((error: unknown) => error);
    expect(sqlStateOf(slow)).toBe("57014");
  });
});
