/**
 * The desk's phone booking on the real database: one search field finds callers by date of birth
 * in the forms the desk types (read the clinic's way when ambiguous), by name and by phone, tells
 * two people of one name apart, and never finds another clinic's patient; its routes refuse roles
 * that may not book. "First available" spans days, keeps to a doctor or a part of the day, keeps a
 * calendar-clicked time when free and offers the nearest when not, and keeps 09:00 at 09:00 across
 * New York's spring change.
 */
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import type { Actor } from "~/lib/actor";
import { addDays, utcToZoned } from "~/lib/zoned-time";
import { deskResources } from "~/modules/front-desk/desk-appointments.server";
import { firstAvailable, FIRST_AVAILABLE_DAYS, FIRST_AVAILABLE_LIMIT } from "~/modules/front-desk/first-available.server";
import { searchCallers } from "~/modules/front-desk/phone-booking.server";
import { bookAppointment } from "~/modules/scheduling/booking.server";
import * as book from "~/routes/panel.book";
import * as patientsRoute from "~/routes/panel.book_.patients";
import * as timesRoute from "~/routes/panel.book_.times";
import { releaseAppDb, routeDbIsTestDb } from "../support/api-client";
import { testDb } from "../support/db";
import { callPanel, createPanelFixture, type PanelFixture } from "../support/panel-client";
import { createScheduleFixture, localInstant, type ScheduleFixture } from "../support/scheduling";

const desk: Actor = { type: "staff", id: "00000000-0000-4000-8000-0000000000d7" };

beforeAll(() => routeDbIsTestDb());
afterAll(releaseAppDb);

/** A patient of the clinic with a name and a date of birth on the clinic's record. */
async function patient(f: ScheduleFixture, first: string, last: string, dateOfBirth: string | null) {
  const id = await f.newPatient();
  await testDb()
    .forClinic(f.clinic.id)
    .tx((tx) => tx.$executeRaw`UPDATE clinic_patients SET first_name = ${first}, last_name = ${last}, date_of_birth = ${dateOfBirth}::date WHERE clinic_id = ${f.clinic.id}::uuid AND patient_account_id = ${id}::uuid`);
  return id;
}

const search = (f: ScheduleFixture, text: string) => searchCallers(testDb().forClinic(f.clinic.id), f.clinic, text, desk);
const ids = async (f: ScheduleFixture, text: string) => (await search(f, text)).patients.map((p) => p.id);

function localDay(f: ScheduleFixture, days: number, now = new Date()) {
  return addDays(utcToZoned(now, f.clinic.timeZone).date, days);
}

describe("finding the caller", () => {
  test("by date of birth in the forms the desk types; an ambiguous slashed date is read the clinic's way", async () => {
    const ny = await createScheduleFixture({ timeZone: "America/New_York", doctors: 1 });
    const berlin = await createScheduleFixture({ timeZone: "Europe/Berlin", doctors: 1 });
    const [nyDec, nyFeb] = [await patient(ny, "Ada", "Winter", "1968-12-02"), await patient(ny, "Bea", "Spring", "1968-02-12")];
    const [deDec, deFeb] = [await patient(berlin, "Ada", "Winter", "1968-12-02"), await patient(berlin, "Bea", "Spring", "1968-02-12")];
    for (const text of ["2 Dec 1968", "December 2, 1968", "1968-12-02", "2.12.1968"]) {
      expect(await ids(ny, text), text).toEqual([nyDec]);
      expect(await ids(berlin, text), text).toEqual([deDec]);
    }
    // 02/12/1968: 12 February in New York (month first), 2 December in Berlin (day first); both say it was ambiguous.
    const inNy = await search(ny, "02/12/1968");
    expect(inNy.patients.map((p) => p.id)).toEqual([nyFeb]);
    expect(inNy.search.dateOfBirth).toEqual({ date: "1968-02-12", words: "12 Feb 1968", ambiguous: true });
    const inBerlin = await search(berlin, "02/12/1968");
    expect(inBerlin.patients.map((p) => p.id)).toEqual([deDec]);
    expect(inBerlin.search.dateOfBirth).toMatchObject({ date: "1968-12-02", ambiguous: true });
    // Only one reading is a real date: taken that way in either clinic.
    expect(await ids(ny, "25/12/1968")).toEqual([]);
    expect((await search(ny, "12/25/1968")).search.dateOfBirth).toMatchObject({ date: "1968-12-25", ambiguous: false });
    expect((await search(berlin, "12/25/1968")).search.dateOfBirth).toMatchObject({ date: "1968-12-25", ambiguous: false });
    // A name and a date of birth together narrow to that person.
    expect(await ids(berlin, "winter 2 dec 1968")).toEqual([deDec]);
    expect(await ids(berlin, "spring 2 dec 1968")).toEqual([]);
    expect(deFeb).toBeTruthy();
  });

  test("two people of one name are told apart by date of birth with age, phone, last and next visit", async () => {
    const f = await createScheduleFixture({ doctors: 1 });
    const older = await patient(f, "Jason", "Thompson", "1968-12-02");
    const younger = await patient(f, "Jason", "Thompson", "1991-06-20");
    const db = testDb().forClinic(f.clinic.id);
    const past = localInstant(f.clinic.timeZone, localDay(f, -30), "10:00");
    const ahead = localInstant(f.clinic.timeZone, localDay(f, 6), "11:00");
    // A past visit the patient came to (booked back then, completed since), and one ahead.
    const then = new Date(past.getTime() - 86_400_000);
    const visit = await db.tx((tx) => bookAppointment(tx, f.clinic, { serviceId: f.serviceId, practitionerId: f.doctorIds[0]!, start: past, patient: { patientAccountId: older }, channel: "staff" }, desk, then));
    await db.tx((tx) => tx.appointment.update({ where: { clinicId_id: { clinicId: f.clinic.id, id: visit.id } }, data: { status: "completed" } }));
    await db.tx((tx) => bookAppointment(tx, f.clinic, { serviceId: f.serviceId, practitionerId: f.doctorIds[0]!, start: ahead, patient: { patientAccountId: older }, channel: "staff" }, desk));

    const found = (await search(f, "jason thompson")).patients;
    expect(found.map((p) => p.id)).toEqual([older, younger]);
    const [a, b] = found as [(typeof found)[0], (typeof found)[0]];
    const today = utcToZoned(new Date(), f.clinic.timeZone).date;
    const age = (dob: string) => Number(today.slice(0, 4)) - Number(dob.slice(0, 4)) - (today.slice(5) < dob.slice(5) ? 1 : 0);
    expect(a.born).toBe(`born 2 Dec 1968, ${age("1968-12-02")}`);
    expect(b.born).toBe(`born 20 Jun 1991, ${age("1991-06-20")}`);
    expect(a.lastVisit).toMatch(/^\w{3} \d{1,2} \w{3} \d{4}$/);
    expect(a.nextVisit).toMatch(/^\w{3} \d{1,2} \w{3} \d{4}, 11:00 AM$/);
    expect([b.lastVisit, b.nextVisit]).toEqual([null, null]);
    expect(a.phoneDisplay).not.toBe(b.phoneDisplay);
    expect(a.alerts).toEqual([]);
    // Never an ISO date in what the desk reads.
    expect(`${a.born} ${a.lastVisit} ${a.nextVisit}`).not.toMatch(/\d{4}-\d{2}-\d{2}/);
  });

  test("another clinic's patient is not found, by name, phone or date of birth", async () => {
    const a = await createScheduleFixture({ doctors: 1 });
    const b = await createScheduleFixture({ doctors: 1 });
    const theirs = await patient(b, "Quentin", "Elsewhere", "1970-01-15");
    const phone = (await testDb().forClinic(b.clinic.id).tx((tx) => tx.patientAccount.findUniqueOrThrow({ where: { id: theirs }, select: { phone: true } }))).phone;
    for (const text of ["Quentin Elsewhere", "15 Jan 1970", phone]) {
      expect(await ids(a, text), text).toEqual([]);
      expect(await ids(b, text), text).toEqual([theirs]);
    }
  });
});

describe("the booking page's routes", () => {
  let a: PanelFixture;
  let b: PanelFixture;
  beforeAll(async () => {
    [a, b] = await Promise.all([createPanelFixture(), createPanelFixture()]);
  });

  test("the desk searches and lists times; a doctor is refused, another clinic's staff are sent to sign in", async () => {
    const found = await callPanel<patientsRoute.CallerSearchAnswer>(patientsRoute, "/panel/book/patients?q=Pat", { host: a.host, cookie: a.cookies.secretary });
    expect(found.status).toBe(200);
    expect(found.data.results.map((p) => p.id)).toContain(a.patientId);
    const times = await callPanel<timesRoute.FreeTimesAnswer>(timesRoute, `/panel/book/times?service=${a.serviceId}`, { host: a.host, cookie: a.cookies.owner });
    expect(times.status).toBe(200);
    expect(times.data.ok && times.data.first.times.length).toBeGreaterThan(0);

    for (const [route, path] of [
      [patientsRoute, "/panel/book/patients?q=Pat"],
      [timesRoute, `/panel/book/times?service=${a.serviceId}`],
    ] as const) {
      expect((await callPanel(route, path, { host: a.host, cookie: a.cookies.doctor })).status, path).toBe(403);
      expect((await callPanel(route, path, { host: a.host, cookie: b.cookies.secretary })).status, path).toBe(302);
      expect((await callPanel(route, path, { host: a.host })).status, path).toBe(302);
    }
    // Another clinic's service is not bookable here; a short search is a message, not an error.
    const other = await callPanel<timesRoute.FreeTimesAnswer>(timesRoute, `/panel/book/times?service=${b.serviceId}`, { host: a.host, cookie: a.cookies.secretary });
    expect(other.data).toEqual({ ok: false, message: "This service cannot be booked at this clinic." });
    const short = await callPanel<patientsRoute.CallerSearchAnswer>(patientsRoute, "/panel/book/patients?q=x", { host: a.host, cookie: a.cookies.secretary });
    expect(short.data.error).toMatch(/at least 2 characters/);
  });

  test("the page keeps the calendar's choices through a booking, and odd ones never make a server error", async () => {
    for (const start of ["9999-12-31T00:00:00Z", "0001-01-01T00:00:00Z", "not-a-time"]) {
      const page = await callPanel(book, `/panel/book?patient=${a.patientId}&service=${a.serviceId}&doctor=${a.doctorIds[0]}&start=${start}&room=r1`, { host: a.host, cookie: a.cookies.secretary });
      expect(page.status, start).toBe(200);
    }
    const page = await callPanel<{ first: { times: { value: string }[] } }>(book, `/panel/book?patient=${a.patientId}&service=${a.serviceId}`, { host: a.host, cookie: a.cookies.secretary });
    const slot = page.data.first.times[0]!.value;
    const booked = await callPanel(book, "/panel/book", { host: a.host, cookie: a.cookies.secretary, form: { intent: "book", patientId: a.patientId, serviceId: a.serviceId, dependentId: "", slot } });
    expect(booked.status).toBe(302);
    const id = /booked=([0-9a-f-]{36})/.exec(booked.location ?? "")![1]!;
    const confirmation = await callPanel<{ booked: { price: string; deposit: string; doctor: string } }>(book, booked.location!, { host: a.host, cookie: a.cookies.secretary });
    expect(confirmation.data.booked).toMatchObject({ price: "$100.00", deposit: "No deposit for this service." });
    // The location shown with the time is the one booked.
    const row = await testDb().forClinic(a.clinic.id).tx((tx) => tx.appointment.findUniqueOrThrow({ where: { clinicId_id: { clinicId: a.clinic.id, id } } }));
    expect(row.locationId).toBe(slot.split("|")[2]);
  });
});

describe("first available", () => {
  const names = (f: ScheduleFixture) => testDb().forClinic(f.clinic.id).tx((tx) => deskResources(tx, f.clinic.id));

  test("spans days (a few per doctor and day), in time order, with price, within the search horizon", async () => {
    const f = await createScheduleFixture({ doctors: 2, shift: { start: "09:00", end: "12:00" } });
    const now = new Date();
    const first = await firstAvailable(testDb().forClinic(f.clinic.id), f.clinic, { service: f.serviceId }, await names(f), now);
    const times = first!.times;
    expect(times).toHaveLength(FIRST_AVAILABLE_LIMIT);
    expect(new Set(times.map((t) => t.day)).size).toBeGreaterThan(1);
    expect(new Set(times.map((t) => t.doctorId))).toEqual(new Set(f.doctorIds));
    const starts = times.map((t) => new Date(t.start).getTime());
    expect(starts).toEqual([...starts].sort((x, y) => x - y));
    expect(starts[0]).toBeGreaterThan(now.getTime());
    expect(starts.at(-1)!).toBeLessThan(now.getTime() + (FIRST_AVAILABLE_DAYS + 1) * 86_400_000);
    for (const day of new Set(times.map((t) => `${t.doctorId}|${t.day}`))) expect(times.filter((t) => `${t.doctorId}|${t.day}` === day).length).toBeLessThanOrEqual(3);
    expect(times[0]).toMatchObject({ price: "$100.00", deposit: null, locationName: "Main site", doctorName: expect.stringMatching(/^Dr\. Test/) });
    expect(times[0]!.dayWords).toMatch(/^[A-Z][a-z]+day \d{1,2} [A-Z][a-z]+$/);
  });

  test("keeps to one doctor and to a part of the day", async () => {
    const f = await createScheduleFixture({ doctors: 2, shift: { start: "09:00", end: "20:00" } });
    const db = testDb().forClinic(f.clinic.id);
    const one = await firstAvailable(db, f.clinic, { service: f.serviceId, doctor: f.doctorIds[1]! }, await names(f));
    expect(one!.times.length).toBe(FIRST_AVAILABLE_LIMIT);
    expect(new Set(one!.times.map((t) => t.doctorId))).toEqual(new Set([f.doctorIds[1]]));
    expect(new Set(one!.times.map((t) => t.day)).size).toBeGreaterThan(1);
    const evening = await firstAvailable(db, f.clinic, { service: f.serviceId, part: "evening" }, await names(f));
    expect(evening!.times.length).toBeGreaterThan(0);
    for (const t of evening!.times) expect(utcToZoned(new Date(t.start), f.clinic.timeZone).minutes).toBeGreaterThanOrEqual(17 * 60);
    const morning = await firstAvailable(db, f.clinic, { service: f.serviceId, part: "morning" }, await names(f));
    for (const t of morning!.times) expect(utcToZoned(new Date(t.start), f.clinic.timeZone).minutes).toBeLessThan(12 * 60);
    // A doctor who does not offer the service has no times; an unknown service is not bookable.
    expect((await firstAvailable(db, f.clinic, { service: f.serviceId, doctor: "00000000-0000-4000-8000-000000000000" }, await names(f)))!.times).toEqual([]);
    expect(await firstAvailable(db, f.clinic, { service: "00000000-0000-4000-8000-000000000000" }, await names(f))).toBeNull();
  });

  test("a time clicked on the calendar is kept when free; when taken, the nearest free times are offered", async () => {
    const f = await createScheduleFixture({ doctors: 1 });
    const db = testDb().forClinic(f.clinic.id);
    const start = localInstant(f.clinic.timeZone, localDay(f, 4), "10:00");
    const free = await firstAvailable(db, f.clinic, { service: f.serviceId, doctor: f.doctorIds[0]!, start: start.toISOString() }, await names(f));
    expect(free!.wanted).toMatchObject({ free: true, value: `${f.doctorIds[0]}|${start.toISOString()}|${f.locationId}` });
    expect(free!.times.some((t) => t.value === free!.wanted!.value)).toBe(true);
    expect(free!.times[0]!.day).toBe(localDay(f, 4));

    await db.tx((tx) => bookAppointment(tx, f.clinic, { serviceId: f.serviceId, practitionerId: f.doctorIds[0]!, start, patient: { patientAccountId: f.patientId }, channel: "staff" }, desk));
    const taken = await firstAvailable(db, f.clinic, { service: f.serviceId, doctor: f.doctorIds[0]!, start: start.toISOString() }, await names(f));
    expect(taken!.wanted).toMatchObject({ free: false, value: null });
    expect(taken!.wanted!.words).toMatch(/10:00 AM with Dr\. Test 1$/);
    expect(taken!.times.length).toBeGreaterThan(0);
    expect(taken!.times.every((t) => t.start !== start.toISOString())).toBe(true);
    expect(taken!.times[0]!.day).toBe(localDay(f, 4));
  });

  test("across New York's spring change, 09:00 stays 09:00 on the clock", async () => {
    const f = await createScheduleFixture({ timeZone: "America/New_York", doctors: 1, shift: { start: "09:00", end: "10:00" }, service: { horizonDays: 400 } });
    // Friday 12 March 2027, noon in New York; the clocks go forward on Sunday 14 March.
    const now = new Date("2027-03-12T17:00:00Z");
    const first = await firstAvailable(testDb().forClinic(f.clinic.id), f.clinic, { service: f.serviceId }, await names(f), now);
    const byDay = new Map(first!.times.map((t) => [`${t.day} ${t.time}`, t.start]));
    expect(byDay.get("2027-03-13 9:00 AM")).toBe("2027-03-13T14:00:00.000Z");
    expect(byDay.get("2027-03-14 9:00 AM")).toBe("2027-03-14T13:00:00.000Z");
    expect(byDay.get("2027-03-15 9:30 AM")).toBe("2027-03-15T13:30:00.000Z");
    expect(first!.times.map((t) => t.time).every((t) => t === "9:00 AM" || t === "9:30 AM")).toBe(true);
    expect(first!.times.find((t) => t.day === "2027-03-14")!.dayWords).toBe("Sunday 14 March");
  });
});
