/**
 * Booking on a clinic's own site against real PostgreSQL: each step worked out from the choice in
 * the address, holds tied to one browser, the refused and expired answers, and the confirmed visit
 * with its calendar file.
 */
import { afterAll, describe, expect, test } from "vitest";
import { buildCalendar } from "~/modules/booking-flow/calendar";
import { parseChoice } from "~/modules/booking-flow/choice.server";
import { bookingStep, confirmBooking, confirmedVisit, holdTime, policyText, reviewHold } from "~/modules/booking-flow/flow.server";
import { formatMoney } from "~/lib/format";
import { appointmentIcs, calendarLinks, icsUtc } from "~/modules/booking-flow/ics";
import { visitPageUrl } from "~/utils/public-urls.server";
import { addDays, utcToZoned } from "~/lib/zoned-time";
import { testDb } from "../support/db";
import { createScheduleFixture, localInstant, type ScheduleFixture } from "../support/scheduling";

afterAll(() => testDb().disconnect());

const anonymous = { type: "patient" as const, id: null };

function tomorrow(f: ScheduleFixture) {
  return addDays(utcToZoned(new Date(), f.clinic.timeZone).date, 1);
}

async function timesOf(f: ScheduleFixture, day: string) {
  const step = await bookingStep(testDb().forClinic(f.clinic.id), f.clinic, { service: f.serviceId, location: f.locationId, doctor: "any", day });
  if ("redirect" in step || step.step !== "time") throw new Error("expected the time step");
  return step.times;
}

describe("the steps", () => {
  test("service → location (skipped for one) → doctor → calendar → times", async () => {
    const f = await createScheduleFixture({ doctors: 2, service: { priceMinor: 12_550 } });
    const db = testDb();
    const first = await bookingStep(db.forClinic(f.clinic.id), f.clinic, {});
    expect(first).toMatchObject({ step: "service", groups: [{ services: [{ id: f.serviceId, name: "Consultation", price: "$125.50", duration: "30 min" }] }] });

    expect(await bookingStep(db.forClinic(f.clinic.id), f.clinic, { service: f.serviceId })).toEqual({ redirect: `/book?service=${f.serviceId}&location=${f.locationId}` });

    const doctor = await bookingStep(db.forClinic(f.clinic.id), f.clinic, { service: f.serviceId, location: f.locationId });
    expect(doctor).toMatchObject({ step: "doctor" });
    if (!("step" in doctor) || doctor.step !== "doctor") throw new Error("expected the doctor step");
    expect(doctor.doctors.map((d) => d.id).sort()).toEqual([...f.doctorIds].sort());

    const day = tomorrow(f);
    const calendar = await bookingStep(db.forClinic(f.clinic.id), f.clinic, { service: f.serviceId, location: f.locationId, doctor: "any", month: day.slice(0, 7) });
    if (!("step" in calendar) || calendar.step !== "day") throw new Error("expected the day step");
    const free = calendar.calendar.days.find((d) => d.date === day);
    // 09:00–17:00 on a 30-minute grid: 16 times, the two doctors merged into one list.
    expect(free).toMatchObject({ freeTimes: 16 });
    expect(free!.label).toMatch(/^\w+day \d{1,2} \w+, 16 free times$/);

    const times = await timesOf(f, day);
    expect(times).toHaveLength(16);
    expect(times[0]).toMatchObject({ label: "9:00 AM", start: localInstant(f.clinic.timeZone, day, "09:00").toISOString() });
  });

  test("discounts show on the service and on exactly the times they apply to, at their edges", async () => {
    const f = await createScheduleFixture({ timeZone: "Europe/Berlin", currency: "EUR", service: { priceMinor: 8_000 } });
    const db = testDb();
    const day = addDays(tomorrow(f), 1);
    await db.forClinic(f.clinic.id).tx(async (tx) => {
      await tx.serviceDiscount.createMany({
        data: [
          { clinicId: f.clinic.id, serviceId: f.serviceId, kind: "off_peak", label: "Early bird", percent: 15, fromMinute: 9 * 60, toMinute: 10 * 60 },
          { clinicId: f.clinic.id, serviceId: f.serviceId, kind: "seasonal", label: "Last winter", percent: 50, startsOn: new Date("2020-01-01"), endsOn: new Date("2020-02-01") },
        ],
      });
    });
    const services = await bookingStep(db.forClinic(f.clinic.id), f.clinic, {});
    if (!("step" in services) || services.step !== "service") throw new Error("expected the service step");
    // The season that ended is not offered any more.
    expect(services.groups[0]!.services[0]!.discounts).toEqual(["Early bird: 15% off from 9:00 AM to 10:00 AM"]);

    const times = await timesOf(f, day);
    const at = (label: string) => times.find((t) => t.label === label)!;
    expect(at("9:00 AM").discount).toBe("15% off · €68.00");
    expect(at("9:30 AM").discount).toBe("15% off · €68.00");
    expect(at("10:00 AM").discount).toBeNull();

    // The held price is the one the time promised, and the review says which discount it includes.
    const time = at("9:30 AM");
    const held = await holdTime(db.forClinic(f.clinic.id), f.clinic, { serviceId: f.serviceId, locationId: f.locationId, practitionerId: time.practitionerId, start: new Date(time.start), heldBy: "browser:discount" }, anonymous);
    if (!held.ok) throw new Error(held.message);
    expect(await reviewHold(db.forClinic(f.clinic.id), f.clinic, held.holdId, "browser:discount")).toMatchObject({ price: "€68.00", discount: "Early bird: 15% off €80.00" });
    const full = at("10:00 AM");
    const later = await holdTime(db.forClinic(f.clinic.id), f.clinic, { serviceId: f.serviceId, locationId: f.locationId, practitionerId: full.practitionerId, start: new Date(full.start), heldBy: "browser:discount" }, anonymous);
    if (!later.ok) throw new Error(later.message);
    expect(await reviewHold(db.forClinic(f.clinic.id), f.clinic, later.holdId, "browser:discount")).toMatchObject({ price: "€80.00", discount: null });
  });

  test("a stale or foreign choice goes back to the first step that still makes sense", async () => {
    const f = await createScheduleFixture();
    const other = await createScheduleFixture();
    const db = testDb();
    expect(await bookingStep(db.forClinic(f.clinic.id), f.clinic, { service: other.serviceId })).toEqual({ redirect: "/book" });
    expect(await bookingStep(db.forClinic(f.clinic.id), f.clinic, { service: f.serviceId, location: other.locationId })).toEqual({ redirect: `/book?service=${f.serviceId}` });
    expect(await bookingStep(db.forClinic(f.clinic.id), f.clinic, { service: f.serviceId, location: f.locationId, doctor: other.doctorIds[0] })).toEqual({
      redirect: `/book?service=${f.serviceId}&location=${f.locationId}`,
    });
    expect(await bookingStep(db.forClinic(f.clinic.id), f.clinic, { service: f.serviceId, location: f.locationId, doctor: "any", day: "2020-01-01" })).toEqual({
      redirect: `/book?service=${f.serviceId}&location=${f.locationId}&doctor=any`,
    });
    const inactive = await createScheduleFixture({ service: { visibility: "internal_only" } });
    expect(await bookingStep(db.forClinic(inactive.clinic.id), inactive.clinic, {})).toMatchObject({ step: "service", groups: [] });
  });

  test("malformed addresses are refused before they reach the database", () => {
    expect(parseChoice(new URLSearchParams("service=x"))).toBeNull();
    expect(parseChoice(new URLSearchParams("day=2026-02-30"))).toBeNull();
    expect(parseChoice(new URLSearchParams("month=2026-13"))).toBeNull();
    expect(parseChoice(new URLSearchParams("doctor=any&day=2026-02-28&utm=1"))).toEqual({ doctor: "any", day: "2026-02-28" });
  });
});

describe("holding and confirming", () => {
  test("a hold belongs to the browser that placed it, a taken time is a message, and the confirmed visit has its calendar file", async () => {
    const f = await createScheduleFixture({ doctors: 1 });
    const db = testDb();
    const day = tomorrow(f);
    const [time] = await timesOf(f, day);
    const req = { serviceId: f.serviceId, locationId: f.locationId, practitionerId: time!.practitionerId, start: new Date(time!.start) };

    const held = await holdTime(db.forClinic(f.clinic.id), f.clinic, { ...req, heldBy: "browser:first" }, anonymous);
    if (!held.ok) throw new Error(held.message);
    const taken = await holdTime(db.forClinic(f.clinic.id), f.clinic, { ...req, heldBy: "browser:second" }, anonymous);
    expect(taken).toEqual({ ok: false, message: "Sorry, someone just took this time. Here are the times still free." });
    expect((await timesOf(f, day)).map((t) => t.start)).not.toContain(time!.start);

    expect(await reviewHold(db.forClinic(f.clinic.id), f.clinic, held.holdId, "browser:second")).toBeNull();
    const review = await reviewHold(db.forClinic(f.clinic.id), f.clinic, held.holdId, "browser:first");
    expect(review).toMatchObject({ serviceName: "Consultation", price: "$100.00", doctorName: "Dr. Test 1" });
    // Ten minutes, less the moments since the hold was placed.
    expect(review!.secondsLeft).toBeGreaterThan(570);
    expect(review!.secondsLeft).toBeLessThanOrEqual(600);
    expect(review!.cancellationPolicy).toMatch(/^This visit starts in less than 2 days|^You can cancel or move this visit online until/);

    expect(await confirmBooking(db.forClinic(f.clinic.id), db, f.clinic, { holdId: held.holdId, heldBy: "browser:second", patientAccountId: f.patientId, dependentId: null, note: null })).toMatchObject({
      ok: false,
      reason: "expired",
    });
    const confirmed = await confirmBooking(db.forClinic(f.clinic.id), db, f.clinic, { holdId: held.holdId, heldBy: "browser:first", patientAccountId: f.patientId, dependentId: null, note: "Knee" });
    if (!confirmed.ok) throw new Error(confirmed.reason);

    const from = { ip: "203.0.113.5", userAgent: "test", requestId: "req-visit" };
    expect(await confirmedVisit(db.forClinic(f.clinic.id), { ...f.clinic, name: "Test Clinic" }, confirmed.appointmentId, await f.newPatient(), from)).toBeNull();
    const visit = await confirmedVisit(db.forClinic(f.clinic.id), { ...f.clinic, name: "Test Clinic" }, confirmed.appointmentId, f.patientId, from);
    expect(visit).toMatchObject({ status: "confirmed", patientName: "Pat Ient", location: { name: "Main site" } });
    // Only the patient's own view was shown, and only it is in the audit log.
    const viewed = await db.forClinic(f.clinic.id).tx((tx) => tx.auditEvent.findMany({ where: { clinicId: f.clinic.id, action: "patient.appointment_viewed" } }));
    expect(viewed).toMatchObject([{ actorType: "patient", actorId: f.patientId, targetId: confirmed.appointmentId, ip: "203.0.113.5" }]);
    const ics = appointmentIcs(visit!.calendar);
    expect(ics).toContain(`DTSTART:${icsUtc(new Date(time!.start))}\r\n`);
    expect(ics).toContain(`DTEND:${icsUtc(new Date(new Date(time!.start).getTime() + 30 * 60_000))}\r\n`);
    expect(ics).toContain("SUMMARY:Consultation · Test Clinic\r\n");
    expect(ics).toContain("LOCATION:Main site\\, 1 Test Street\\, Test City\r\n");
    // No address without configuration: the file carries no manage link until the page gives it one.
    expect(ics).not.toContain("URL:");
    // With the visit's page (built from APP_DOMAIN), the file links back to it and reminds an hour before.
    const url = visitPageUrl("test-clinic", confirmed.appointmentId, { APP_DOMAIN: "medslot.example", PORT: 3000 });
    expect(url).toBe(`https://test-clinic.medslot.example/account/appointments/${confirmed.appointmentId}`);
    const linked = appointmentIcs({ ...visit!.calendar, url });
    expect(linked.replace(/\r\n /g, "")).toContain(`URL:${url}\r\n`);
    expect(linked.replace(/\r\n /g, "")).toContain(`Manage this visit: ${url}`);
    expect(linked).toMatch(/BEGIN:VALARM\r\nACTION:DISPLAY\r\nDESCRIPTION:Consultation · Test Clinic\r\nTRIGGER:-PT1H\r\nEND:VALARM\r\nEND:VEVENT/);
    const links = calendarLinks({ ...visit!.calendar, url });
    const google = new URL(links.google);
    expect(google.origin + google.pathname).toBe("https://calendar.google.com/calendar/render");
    expect(google.searchParams.get("dates")).toBe(`${icsUtc(new Date(time!.start))}/${icsUtc(new Date(new Date(time!.start).getTime() + 30 * 60_000))}`);
    expect(google.searchParams.get("details")).toContain(url);
    const outlook = new URL(links.outlook);
    expect(outlook.searchParams.get("startdt")).toBe(new Date(time!.start).toISOString());
    expect(outlook.searchParams.get("subject")).toBe("Consultation · Test Clinic");
  });

  test("an expired hold is said plainly", async () => {
    const f = await createScheduleFixture({ doctors: 1 });
    const db = testDb();
    const [time] = await timesOf(f, tomorrow(f));
    const held = await holdTime(db.forClinic(f.clinic.id), f.clinic, { serviceId: f.serviceId, locationId: f.locationId, practitionerId: time!.practitionerId, start: new Date(time!.start), heldBy: "browser:late" }, anonymous);
    if (!held.ok) throw new Error(held.message);
    await db.forClinic(f.clinic.id).tx((tx) => tx.$executeRaw`UPDATE appointments SET hold_expires_at = now() - interval '1 second' WHERE clinic_id = ${f.clinic.id}::uuid AND id = ${held.holdId}::uuid`);
    expect(await reviewHold(db.forClinic(f.clinic.id), f.clinic, held.holdId, "browser:late")).toBeNull();
    const answer = await confirmBooking(db.forClinic(f.clinic.id), db, f.clinic, { holdId: held.holdId, heldBy: "browser:late", patientAccountId: f.patientId, dependentId: null, note: null });
    expect(answer).toMatchObject({ ok: false, reason: "expired", message: expect.stringContaining("hold has run out") });
  });
});

describe("what the pages write", () => {
  test("money from minor units in the clinic's currency", () => {
    expect(formatMoney(22_000, "USD")).toBe("$220.00");
    expect(formatMoney(1_000, "JPY")).toBe("¥1,000");
    expect(formatMoney(4_450, "EUR")).toBe("€44.50");
  });

  test("the cancellation policy names the deadline on the clinic's clock", () => {
    const deadline = new Date("2026-12-05T14:30:00Z");
    expect(policyText(deadline, 2880, "America/New_York", new Date("2026-12-01T00:00:00Z"))).toBe(
      "You can cancel or move this visit online until Saturday 5 December 2026, 9:30 AM EST (2 days before it starts). After that, please call the clinic.",
    );
    expect(policyText(deadline, 240, "America/New_York", new Date("2026-12-06T00:00:00Z"))).toMatch(/^This visit starts in less than 4 hours/);
  });

  test("a calendar month starts on Monday and counts free times per day", () => {
    const month = buildCalendar("2026-12", new Map([["2026-12-07", 12]]));
    expect(month.leadingBlanks).toBe(1);
    expect(month.days).toHaveLength(31);
    expect(month.days[6]).toMatchObject({ date: "2026-12-07", label: "Monday 7 December, 12 free times" });
    expect(month.days[7]!.label).toBe("Tuesday 8 December, no free times");
    expect([month.previous, month.next]).toEqual(["2026-11", "2027-01"]);
  });

  test("long calendar lines are folded", () => {
    const ics = appointmentIcs({ uid: "x@medslot", sequence: 0, cancelled: false, start: new Date(0), end: new Date(60_000), summary: "S", location: "L", description: "é".repeat(100), stamp: new Date(0) });
    for (const line of ics.split("\r\n")) expect(new TextEncoder().encode(line).length).toBeLessThanOrEqual(75);
  });
});
