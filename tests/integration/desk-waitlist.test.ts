/**
 * The desk's waitlist on the real database: an open request is shown next to the free gaps it
 * fits (its weekdays, hours and dates; a booked hour is not offered), with the first bookable time
 * in each gap; offering it is the desk's proposal, checked, recorded and audited. Doctors are
 * refused, another clinic's request is not found, and an empty waitlist says so.
 */
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { addDays, utcToZoned } from "~/lib/zoned-time";
import { fitsPreferences, waitlistView } from "~/modules/front-desk/waitlist.server";
import { bookAppointment } from "~/modules/scheduling/booking.server";
import { createFlexibleRequest, getFlexibleRequest } from "~/modules/scheduling/flexible-requests.server";
import * as waitlistPage from "~/routes/panel.waitlist";
import { releaseAppDb, routeDbIsTestDb } from "../support/api-client";
import { testDb } from "../support/db";
import { callPanel, createPanelFixture, type PanelFixture } from "../support/panel-client";
import { localInstant } from "../support/scheduling";

let a: PanelFixture;
let b: PanelFixture;

beforeAll(async () => {
  routeDbIsTestDb();
  [a, b] = await Promise.all([createPanelFixture(), createPanelFixture()]);
});
afterAll(async () => {
  await releaseAppDb();
});

const dayIn = (f: PanelFixture, days: number) => addDays(utcToZoned(new Date(), f.clinic.timeZone).date, days);

/** A patient waiting for a time on one day, between 10:00 and 12:00. */
async function waiting(f: PanelFixture, day: string, doctor: string | null = null) {
  const patient = await f.newPatient();
  return testDb()
    .forClinic(f.clinic.id)
    .tx((tx) =>
      createFlexibleRequest(tx, f.clinic, { patientAccountId: patient, serviceId: f.serviceId, practitionerId: doctor, preferredFrom: "10:00", preferredTo: "12:00", earliestDate: day, latestDate: day }, { type: "patient", id: patient }),
    );
}

type Page = {
  entries: { id: string; patientName: string; fits: { doctorName: string; offerTime: string; slot: string; gap: string }[] }[];
  answering: { id: string; when: string | null }[];
};

describe("the waitlist", () => {
  test("an empty waitlist says nobody is waiting", async () => {
    const page = await callPanel<Page>(waitlistPage, "/panel/waitlist", { host: b.host, cookie: b.cookies.secretary });
    expect(page.status).toBe(200);
    expect(page.data.entries).toEqual([]);
    expect(page.data.answering).toEqual([]);
  });

  test("a request is shown next to the gaps it fits; a booked hour is not offered; one click offers the time", async () => {
    const day = dayIn(a, 3);
    const request = await waiting(a, day);
    // Doctor 1 is busy 10:00–10:30 that day: their gap for this request starts at 10:30.
    await testDb()
      .forClinic(a.clinic.id)
      .tx((tx) => bookAppointment(tx, a.clinic, { serviceId: a.serviceId, practitionerId: a.doctorIds[0]!, start: localInstant(a.clinic.timeZone, day, "10:00"), patient: { patientAccountId: a.patientId }, channel: "staff" }, { type: "staff", id: null }));

    const page = await callPanel<Page>(waitlistPage, "/panel/waitlist", { host: a.host, cookie: a.cookies.secretary });
    const entry = page.data.entries.find((e) => e.id === request.id)!;
    expect(entry.patientName).toBe("Pat Ient");
    const byDoctor = Object.fromEntries(entry.fits.map((f) => [f.doctorName, f]));
    expect(byDoctor["Dr. Test 1"]).toMatchObject({ offerTime: "10:30 AM", gap: "10:30 AM–5:00 PM" });
    expect(byDoctor["Dr. Test 2"]).toMatchObject({ offerTime: "10:00 AM", gap: "9:00 AM–5:00 PM" });
    expect(entry.fits).toHaveLength(2);

    // A doctor may not use the waitlist.
    const doctor = await callPanel(waitlistPage, "/panel/waitlist", { host: a.host, cookie: a.cookies.doctor, form: { intent: "offer", requestId: request.id, slot: byDoctor["Dr. Test 2"]!.slot } });
    expect(doctor.status).toBe(403);
    // Another clinic's desk cannot offer A's request.
    const otherClinic = await callPanel(waitlistPage, "/panel/waitlist", { host: b.host, cookie: b.cookies.secretary, form: { intent: "offer", requestId: request.id, slot: byDoctor["Dr. Test 2"]!.slot } });
    expect(otherClinic.status).toBe(404);

    const offered = await callPanel(waitlistPage, "/panel/waitlist", { host: a.host, cookie: a.cookies.secretary, form: { intent: "offer", requestId: request.id, slot: byDoctor["Dr. Test 2"]!.slot } });
    expect(offered.status).toBe(302);
    const record = await testDb().forClinic(a.clinic.id).tx((tx) => getFlexibleRequest(tx, a.clinic, request.id));
    expect(record.status).toBe("proposed");
    expect(record.proposal).toMatchObject({ practitionerId: a.doctorIds[1], start: localInstant(a.clinic.timeZone, day, "10:00") });
    // At most 24 hours to answer.
    expect(record.proposal!.expiresAt!.getTime() - Date.now()).toBeLessThanOrEqual(24 * 3_600_000 + 60_000);
    const audit = await testDb().forClinic(a.clinic.id).tx((tx) => tx.auditEvent.findMany({ where: { clinicId: a.clinic.id, action: { in: ["flexible_request.proposed", "staff.waitlist_viewed"] } }, select: { action: true, actorId: true } }));
    expect(audit).toEqual(expect.arrayContaining([{ action: "flexible_request.proposed", actorId: a.staff.secretary }, { action: "staff.waitlist_viewed", actorId: a.staff.secretary }]));

    // Now it waits for the patient's answer, and the same time cannot be offered to someone else.
    const after = await callPanel<Page>(waitlistPage, "/panel/waitlist", { host: a.host, cookie: a.cookies.secretary });
    expect(after.data.entries.some((e) => e.id === request.id)).toBe(false);
    expect(after.data.answering.find((r) => r.id === request.id)?.when).toMatch(/10:00$/);
    const second = await waiting(a, day, a.doctorIds[1]!);
    // The waitlist no longer shows the promised time to the next patient: their first time with that doctor is later.
    const next = await callPanel<Page>(waitlistPage, "/panel/waitlist", { host: a.host, cookie: a.cookies.secretary });
    expect(next.data.entries.find((e) => e.id === second.id)?.fits.map((f) => [f.doctorName, f.offerTime])).toEqual([["Dr. Test 2", "10:30 AM"]]);
    const again = await callPanel<{ ok: boolean; message: string }>(waitlistPage, "/panel/waitlist", { host: a.host, cookie: a.cookies.secretary, form: { intent: "offer", requestId: second.id, slot: byDoctor["Dr. Test 2"]!.slot } });
    expect(again.status).toBe(409);
    expect(again.data.message).toMatch(/already proposed or offered/);
    // The deadline reads as words on the clinic's clock, not an ISO timestamp.
    expect(again.data.message).not.toMatch(/\d{4}-\d{2}-\d{2}T/);
  });

  test("a request that fits no gap in the window has no offers; bad input is a form message", async () => {
    // Wanted on a day beyond the 7 days shown.
    const request = await waiting(a, dayIn(a, 12));
    const view = await waitlistView(testDb().forClinic(a.clinic.id), a.clinic, { type: "staff", id: a.staff.owner });
    expect(view.entries.find((e) => e.request.id === request.id)?.fits).toEqual([]);
    const bad = await callPanel(waitlistPage, "/panel/waitlist", { host: a.host, cookie: a.cookies.owner, form: { intent: "offer", requestId: request.id, slot: "tomorrow" } });
    expect(bad.status).toBe(400);
  });

  test("preferences are read on the clinic's clock, across a daylight-saving change", () => {
    const r = { preferredWeekdays: [7], preferredFrom: "10:00", preferredTo: "12:00" };
    // Sunday 8 March 2026, the day New York springs forward: 10:00 EDT is 14:00 UTC.
    expect(fitsPreferences(r, new Date("2026-03-08T14:00:00Z"), "America/New_York")).toBe(true);
    expect(fitsPreferences(r, new Date("2026-03-08T15:59:00Z"), "America/New_York")).toBe(true);
    expect(fitsPreferences(r, new Date("2026-03-08T16:00:00Z"), "America/New_York")).toBe(false);
    // 10:00 UTC would be 10:00 on the wrong clock: 06:00 in New York.
    expect(fitsPreferences(r, new Date("2026-03-08T10:00:00Z"), "America/New_York")).toBe(false);
    // Monday is not a wanted weekday.
    expect(fitsPreferences(r, new Date("2026-03-09T14:00:00Z"), "America/New_York")).toBe(false);
  });
});
