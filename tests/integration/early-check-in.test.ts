/**
 * The desk cannot check a patient in hours early without saying yes: more than an hour before the
 * visit the check-in asks "Check in now, 3 h early?" (naming the opening time when the location is
 * not open yet) and goes ahead only with confirmEarly. On a fixed clock in New York, and through the
 * queue page's action as the desk posts it (from the board, with a way back).
 */
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import * as queue from "~/routes/panel.queue";
import type { Actor } from "~/lib/actor";
import { earlyCheckIn, earlyWords } from "~/modules/queue/rules";
import { checkIn, EarlyCheckInError } from "~/modules/queue/tickets.server";
import { bookAppointment } from "~/modules/scheduling/booking.server";
import { utcToZoned } from "~/lib/zoned-time";
import { testDb } from "../support/db";
import { releaseAppDb, routeDbIsTestDb } from "../support/api-client";
import { callPanel, createPanelFixture, type PanelFixture } from "../support/panel-client";
import { createScheduleFixture, localInstant, type ScheduleFixture } from "../support/scheduling";

const MIN = 60_000;

/** A fixed-offset zone where it is around 8 in the morning now, so a visit a few hours ahead is still today. */
function morningZone() {
  const offset = Math.max(-12, Math.min(14, 8 - new Date().getUTCHours()));
  return offset === 0 ? "Etc/GMT" : `Etc/GMT${offset > 0 ? "-" : "+"}${Math.abs(offset)}`;
}
const DAY = "2027-03-10";
const desk: Actor = { type: "staff", id: "00000000-0000-4000-8000-0000000000ab" };

async function book(f: ScheduleFixture, start: Date) {
  const patientAccountId = await f.newPatient();
  const v = await testDb()
    .forClinic(f.clinic.id)
    .tx((tx) => bookAppointment(tx, f.clinic, { serviceId: f.serviceId, practitionerId: f.doctorIds[0]!, start, patient: { patientAccountId }, channel: "staff" }, desk, new Date(start.getTime() - 3 * 86_400_000)));
  return v.id;
}

describe("the rule", () => {
  const start = new Date("2027-03-10T14:00:00Z");
  test.each([
    [60, null],
    [61, 61],
    [180, 180],
  ])("%i minutes before the start asks after %s minutes", (before, asks) => {
    const answer = earlyCheckIn(start, new Date(start.getTime() - before * MIN), null);
    expect(answer?.minutes ?? null).toBe(asks);
  });
  test("before opening it says so; a visit booked before opening that starts within the hour does not ask", () => {
    const opens = new Date("2027-03-10T13:00:00Z");
    expect(earlyCheckIn(new Date("2027-03-10T13:10:00Z"), new Date("2027-03-10T12:50:00Z"), opens)).toBeNull();
    expect(earlyCheckIn(new Date("2027-03-10T13:10:00Z"), new Date("2027-03-10T11:30:00Z"), opens)).toEqual({ minutes: 100, beforeOpening: true });
    expect(earlyCheckIn(new Date("2027-03-10T11:00:00Z"), new Date("2027-03-10T10:30:00Z"), opens)).toBeNull();
  });
  test("says how early in hours and minutes", () => {
    expect([earlyWords(45), earlyWords(180), earlyWords(150)]).toEqual(["45 min", "3 h", "2 h 30 min"]);
  });
});

describe("on the database, New York clock", () => {
  test("3 h early is asked, nothing changes; with the yes it checks in", async () => {
    const f = await createScheduleFixture({ doctors: 1, timeZone: "America/New_York", shift: { start: "08:00", end: "18:00" }, openingHours: { open: "08:00", close: "18:00" }, service: { minNoticeMin: 0 } });
    const id = await book(f, localInstant(f.clinic.timeZone, DAY, "14:00"));
    const now = localInstant(f.clinic.timeZone, DAY, "11:00");
    const db = testDb().forClinic(f.clinic.id);
    const refused = await checkIn(db, f.clinic, { appointmentId: id, via: "desk" }, desk, { now }).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(EarlyCheckInError);
    expect((refused as Error).message).toBe("Check in now, 3 h early? The visit starts at 2:00 PM.");
    expect(await db.tx((tx) => tx.appointment.findFirstOrThrow({ where: { id }, select: { status: true } }))).toEqual({ status: "confirmed" });
    const done = await checkIn(db, f.clinic, { appointmentId: id, via: "desk", confirmEarly: true }, desk, { now });
    expect(done.number).toMatch(/^[A-Z]-001$/);
  });

  test("hours before the location opens: asked, naming the opening time; 20 minutes before a visit at opening: no question", async () => {
    const f = await createScheduleFixture({ doctors: 1, timeZone: "America/New_York", shift: { start: "09:00", end: "17:00" }, openingHours: { open: "09:00", close: "17:00" }, service: { minNoticeMin: 0 } });
    const first = await book(f, localInstant(f.clinic.timeZone, DAY, "09:00"));
    const db = testDb().forClinic(f.clinic.id);
    const dawn = localInstant(f.clinic.timeZone, DAY, "06:30");
    await expect(checkIn(db, f.clinic, { appointmentId: first, via: "desk" }, desk, { now: dawn })).rejects.toThrow(/^Check in now, 2 h 30 min early\? The visit starts at 9:00 AM and .+ opens at 9:00 AM\.$/);
    const done = await checkIn(db, f.clinic, { appointmentId: first, via: "desk" }, desk, { now: localInstant(f.clinic.timeZone, DAY, "08:40") });
    expect(done.number).toMatch(/-001$/);
  });
});

describe("through the queue page", () => {
  let f: PanelFixture;
  beforeAll(async () => {
    routeDbIsTestDb();
    f = await createPanelFixture({ doctors: 2, timeZone: morningZone(), shift: { start: "00:00", end: "24:00" }, service: { minNoticeMin: 0 } });
  });
  afterAll(releaseAppDb);

  test("the desk's check-in from the board asks first (409, the question and the way back), then checks in with the yes", async () => {
    // A visit later today on the clinic's clock, well over an hour ahead.
    const now = new Date();
    const local = utcToZoned(now, f.clinic.timeZone);
    const startMinutes = Math.ceil((local.minutes + 150) / 30) * 30;
    const start = localInstant(f.clinic.timeZone, local.date, `${String(Math.floor(startMinutes / 60)).padStart(2, "0")}:${String(startMinutes % 60).padStart(2, "0")}`);
    expect(utcToZoned(start, f.clinic.timeZone).date).toBe(local.date);
    const id = await book(f, start);
    const form = { intent: "check-in", appointmentId: id, redirectTo: "/panel/desk" };
    const asked = await callPanel<{ ok: boolean; message: string; confirmEarly: { appointmentId: string; redirectTo: string } }>(queue, "/panel/queue", { host: f.host, cookie: f.cookies.secretary, form });
    expect(asked.status).toBe(409);
    expect(asked.data).toMatchObject({ ok: false, confirmEarly: { appointmentId: id, redirectTo: "/panel/desk" } });
    expect(asked.data.message).toMatch(/^Check in now, \d h( \d+ min)? early\?/);
    const bad = await callPanel<{ message: string }>(queue, "/panel/queue", { host: f.host, cookie: f.cookies.secretary, form: { ...form, confirmEarly: "sure" } });
    expect(bad.status).toBe(400);
    const yes = await callPanel(queue, "/panel/queue", { host: f.host, cookie: f.cookies.secretary, form: { ...form, confirmEarly: "yes" } });
    expect(yes).toMatchObject({ status: 302, location: "/panel/desk" });
  });
});
