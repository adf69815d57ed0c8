/**
 * Free times where patients look, and doctors' public profiles: the clinic home's services with
 * their next free times, a doctor's page on the clinic's site, and the profile a doctor (or the
 * owner) edits. Real database, runtime role, clinic scopes.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { upcomingFreeTimes, freeTimeLinks } from "~/modules/booking-flow/next-free-times.server";
import { clinicHomeOffer, getSiteDoctorPage } from "~/modules/booking-flow/site-offer.server";
import { getDoctorPhoto, getDoctorPublicProfile, removeDoctorPhoto, updateDoctorProfile, uploadDoctorPhoto } from "~/modules/clinic/doctor-public-profile.server";
import { getPublishedDoctorPage } from "~/modules/marketplace/catalog.server";
import { publishedDoctorTimes } from "~/modules/marketplace/doctor-times.server";
import * as doctorPage from "~/routes/doctors.$doctorId";
import * as doctorPhoto from "~/routes/doctors.$doctorId_.photo";
import * as profilePage from "~/routes/panel.profile";
import * as staffPage from "~/routes/panel.staff";
import { NotFoundError, ValidationError } from "~/utils/errors.server";
import { releaseAppDb, routeDbIsTestDb } from "../support/api-client";
import { testDb } from "../support/db";
import { callPanel, createPanelFixture, type PanelFixture } from "../support/panel-client";
import { localInstant } from "../support/scheduling";

// A real 1×1 PNG.
const PNG = Buffer.from("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=", "base64");
const PDF = Buffer.from("%PDF-1.4\n% not a picture\n");

const TASHKENT = "Asia/Tashkent";
let a: PanelFixture;
let b: PanelFixture;
const by = (f: PanelFixture, who: keyof PanelFixture["staff"] = "owner") => ({ actor: { type: "staff" as const, id: f.staff[who] }, request: null });

beforeAll(async () => {
  routeDbIsTestDb();
  // Tashkent is UTC+5 all year: 09:00 there is 04:00 UTC, on the same local day as 01:00.
  [a, b] = await Promise.all([
    createPanelFixture({ timeZone: TASHKENT, doctors: 2, shift: { start: "09:00", end: "11:00" }, service: { durationMin: 30, startGridMin: 30, priceMinor: 12_000 } }),
    createPanelFixture({ doctors: 2 }),
  ]);
  await testDb()
    .forClinic(a.clinic.id)
    .tx((tx) => tx.service.update({ where: { clinicId_id: { clinicId: a.clinic.id, id: a.serviceId } }, data: { depositKind: "percent", depositValue: 20 } }));
});
afterAll(async () => {
  await releaseAppDb();
  await testDb().disconnect();
});

const dbA = () => testDb().forClinic(a.clinic.id);

describe("next free times", () => {
  it("are the earliest times on the clinic's own clock, labelled and linked on its local day", async () => {
    // 01:00 on 12 January in Tashkent is still 11 January in UTC.
    const now = localInstant(TASHKENT, "2027-01-12", "01:00");
    const [times] = await upcomingFreeTimes(dbA(), a.clinic, [{ serviceId: a.serviceId, doctorId: null }], { now, perQuery: 3 });
    expect(times!.map((t) => t.start.toISOString())).toEqual([
      localInstant(TASHKENT, "2027-01-12", "09:00").toISOString(),
      localInstant(TASHKENT, "2027-01-12", "09:30").toISOString(),
      localInstant(TASHKENT, "2027-01-12", "10:00").toISOString(),
    ]);
    const [first] = freeTimeLinks(times!, a.clinic, { serviceId: a.serviceId, doctor: "any" }, { now });
    expect(first).toMatchObject({ day: "Today", time: "9:00 AM" });
    const href = new URL(first!.href, "http://x.localhost");
    expect(href.pathname).toBe("/book");
    expect(Object.fromEntries(href.searchParams)).toEqual({ service: a.serviceId, location: a.locationId, doctor: "any", day: "2027-01-12" });
    expect(href.hash).toBe("#t-20270112T040000Z");
  });

  it("skip a doctor's time off, while the other doctor's times stay", async () => {
    const [off, other] = a.doctorIds as [string, string];
    await dbA().tx((tx) =>
      tx.scheduleException.create({
        data: { clinicId: a.clinic.id, kind: "time_off", doctorId: off, startsAt: localInstant(TASHKENT, "2027-02-02", "00:00"), endsAt: localInstant(TASHKENT, "2027-02-04", "00:00"), reason: "Training" },
      }),
    );
    const now = localInstant(TASHKENT, "2027-02-02", "01:00");
    const page = await getSiteDoctorPage(dbA(), a.clinic, off, { now });
    expect(page!.services[0]!.times[0]).toMatchObject({ start: localInstant(TASHKENT, "2027-02-04", "09:00").toISOString(), day: "Thu 4 Feb" });
    const otherPage = await getSiteDoctorPage(dbA(), a.clinic, other, { now });
    expect(otherPage!.services[0]!.times.map((t) => t.start)).toEqual([
      localInstant(TASHKENT, "2027-02-02", "09:00").toISOString(),
      localInstant(TASHKENT, "2027-02-02", "09:30").toISOString(),
      localInstant(TASHKENT, "2027-02-02", "10:00").toISOString(),
      localInstant(TASHKENT, "2027-02-02", "10:30").toISOString(),
    ]);
    // The doctor's own times lead to the booking with that doctor.
    expect(new URL(page!.services[0]!.times[0]!.href, "http://x.localhost").searchParams.get("doctor")).toBe(off);
  });

  it("are none when nothing is free within three weeks, and the page says so instead of failing", async () => {
    const [off] = a.doctorIds as [string];
    await dbA().tx((tx) =>
      tx.scheduleException.create({
        data: { clinicId: a.clinic.id, kind: "time_off", doctorId: off, startsAt: localInstant(TASHKENT, "2027-03-01", "00:00"), endsAt: localInstant(TASHKENT, "2027-04-01", "00:00") },
      }),
    );
    const page = await getSiteDoctorPage(dbA(), a.clinic, off, { now: localInstant(TASHKENT, "2027-03-01", "08:00") });
    expect(page!.services[0]!.times).toEqual([]);
    expect(page!.horizonDays).toBe(21);
  });
});

describe("the clinic's home page", () => {
  it("lists services with price, deposit and next free times, and the bookable doctors", async () => {
    const now = localInstant(TASHKENT, "2027-01-12", "10:10");
    const home = await clinicHomeOffer(dbA(), a.clinic, { now });
    expect(home.services).toHaveLength(1);
    expect(home.services[0]).toMatchObject({ name: "Consultation", price: "$120.00", bookUrl: `/book?service=${a.serviceId}` });
    expect(home.services[0]!.deposit).toMatch(/20%|\$24\.00/);
    expect(home.services[0]!.times.map((t) => t.time)).toEqual(["10:30 AM", "9:00 AM", "9:30 AM"]);
    expect(home.services[0]!.times.map((t) => t.day)).toEqual(["Today", "Tomorrow", "Tomorrow"]);
    expect(home.doctors.map((d) => d.id).sort()).toEqual([...a.doctorIds].sort());
    expect(home.doctors[0]).toMatchObject({ href: `/doctors/${home.doctors[0]!.id}`, photoUrl: null, initials: "T" });
  });

  it("shows a new price on the next visit, though the clinic's setup is remembered between visits", async () => {
    await clinicHomeOffer(dbA(), a.clinic);
    await clinicHomeOffer(dbA(), a.clinic);
    const price = (priceMinor: number) => dbA().tx((tx) => tx.service.update({ where: { clinicId_id: { clinicId: a.clinic.id, id: a.serviceId } }, data: { priceMinor } }));
    await price(13_000);
    expect((await clinicHomeOffer(dbA(), a.clinic)).services[0]!.price).toBe("$130.00");
    await price(12_000);
    expect((await clinicHomeOffer(dbA(), a.clinic)).services[0]!.price).toBe("$120.00");
  });
});

describe("a doctor's page on the clinic's site", () => {
  it("is not found for another clinic's doctor, an inactive or on-leave doctor, a secretary or a malformed id", async () => {
    expect(await getSiteDoctorPage(dbA(), a.clinic, b.doctorIds[0]!)).toBeNull();
    expect(await getSiteDoctorPage(dbA(), a.clinic, "not-an-id")).toBeNull();
    const secretary = await dbA().tx((tx) => tx.clinicMembership.findFirstOrThrow({ where: { staffUserId: a.staff.secretary }, select: { id: true } }));
    expect(await getSiteDoctorPage(dbA(), a.clinic, secretary.id)).toBeNull();

    const db = testDb().forClinic(b.clinic.id);
    const [first, second] = b.doctorIds as [string, string];
    expect(await getSiteDoctorPage(db, b.clinic, first)).not.toBeNull();
    await db.tx((tx) => tx.clinicMembership.update({ where: { clinicId_id: { clinicId: b.clinic.id, id: first } }, data: { workStatus: "inactive" } }));
    await db.tx((tx) => tx.clinicMembership.update({ where: { clinicId_id: { clinicId: b.clinic.id, id: second } }, data: { active: false } }));
    expect(await getSiteDoctorPage(db, b.clinic, first)).toBeNull();
    expect(await getSiteDoctorPage(db, b.clinic, second)).toBeNull();
    expect((await clinicHomeOffer(db, b.clinic)).doctors).toEqual([]);
    await db.tx((tx) => tx.clinicMembership.update({ where: { clinicId_id: { clinicId: b.clinic.id, id: first } }, data: { workStatus: "on_leave" } }));
    expect(await getSiteDoctorPage(db, b.clinic, first)).toBeNull();
    // Back at work for the tests below.
    await db.tx((tx) => tx.clinicMembership.updateMany({ where: { id: { in: [first, second] } }, data: { workStatus: "active", active: true } }));
  });

  it("answers 404 on this clinic's host for another clinic's doctor, and on the marketplace host", async () => {
    const own = await callPanel<{ doctor: { name: string } }>(doctorPage, `/doctors/${a.doctorIds[0]}`, { host: a.host, params: { doctorId: a.doctorIds[0]! } });
    expect(own.status).toBe(200);
    expect(own.data.doctor.name).toBe("Dr. Test 1");
    const theirs = await callPanel(doctorPage, `/doctors/${b.doctorIds[0]}`, { host: a.host, params: { doctorId: b.doctorIds[0]! } });
    expect(theirs.status).toBe(404);
    const marketplace = await callPanel(doctorPage, `/doctors/${a.doctorIds[0]}`, { host: "localhost", params: { doctorId: a.doctorIds[0]! } });
    expect(marketplace.status).toBe(404);
  });
});

describe("a doctor's public profile", () => {
  it("refuses a too long introduction and a made-up language with a message for each, and saves nothing", async () => {
    const before = await getDoctorPublicProfile(dbA(), a.staff.doctor);
    const refused = await updateDoctorProfile(dbA(), a.staff.doctor, { bio: "x".repeat(1001), languages: "English, <script>" }, by(a, "doctor")).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(ValidationError);
    const errors = Object.fromEntries((refused as ValidationError).errors.map((e) => [e.path, e.message]));
    expect(errors.bio).toBe("The introduction can be at most 1000 characters.");
    expect(errors.languages).toMatch(/“<script>” is not a language name/);
    const nine = await updateDoctorProfile(dbA(), a.staff.doctor, { bio: "Fine", languages: "a1, b, c, d, e, f, g, h, i" }, by(a, "doctor")).catch((e: unknown) => e);
    expect((nine as ValidationError).errors.map((e) => e.path)).toEqual(["languages"]);
    expect(await getDoctorPublicProfile(dbA(), a.staff.doctor)).toEqual(before);
  });

  it("saves the introduction and languages (known names written as patients read them), audited, and shows them on both doctor pages", async () => {
    const saved = await updateDoctorProfile(dbA(), a.staff.doctor, { bio: "  Family doctor.\r\n\r\nSees children too.  ", languages: "english, UZBEK ,Russian, English, Tatar" }, by(a, "doctor"));
    expect(saved.changed).toEqual(["bio", "languages"]);
    const profile = await getDoctorPublicProfile(dbA(), a.staff.doctor);
    expect(profile).toMatchObject({ doctorId: a.doctorIds[0], bio: "Family doctor.\n\nSees children too.", languages: ["English", "Uzbek", "Russian", "Tatar"] });
    const audit = await dbA().tx((tx) => tx.auditEvent.findFirst({ where: { action: "staff.profile_updated", targetId: a.staff.doctor }, orderBy: { occurredAt: "desc" } }));
    expect(audit).toMatchObject({ actorId: a.staff.doctor });
    expect(audit!.details).toMatchObject({ changed: ["bio", "languages"], languages: { from: [], to: ["English", "Uzbek", "Russian", "Tatar"] } });
    expect((await updateDoctorProfile(dbA(), a.staff.doctor, { bio: "Family doctor.\n\nSees children too.", languages: "English, Uzbek, Russian, Tatar" }, by(a, "doctor"))).changed).toEqual([]);

    const site = await getSiteDoctorPage(dbA(), a.clinic, a.doctorIds[0]!);
    expect(site!.doctor).toMatchObject({ bio: "Family doctor.\n\nSees children too.", languages: ["English", "Uzbek", "Russian", "Tatar"] });
    const market = await getPublishedDoctorPage(testDb(), a.clinic.slug, a.doctorIds[0]!);
    expect(market!.doctor).toMatchObject({ bio: "Family doctor.\n\nSees children too.", languages: ["English", "Uzbek", "Russian", "Tatar"], photoVersion: null });
    const times = await publishedDoctorTimes(testDb(), market!.clinic, market!.doctor, "http://x.localhost:3000", { now: localInstant(TASHKENT, "2027-01-12", "01:00") });
    expect(times.get(a.serviceId)![0]!.href).toMatch(new RegExp(`^http://x\\.localhost:3000/book\\?service=${a.serviceId}&location=${a.locationId}&doctor=${a.doctorIds[0]}&day=2027-01-12#t-20270112T040000Z$`));
  });

  it("is only a doctor's: a secretary or another clinic's doctor cannot be given one", async () => {
    await expect(updateDoctorProfile(dbA(), a.staff.secretary, { bio: "Hi", languages: "" }, by(a))).rejects.toBeInstanceOf(NotFoundError);
    const bDoctor = await testDb().forClinic(b.clinic.id).tx((tx) => tx.clinicMembership.findFirstOrThrow({ where: { id: b.doctorIds[0] }, select: { staffUserId: true } }));
    await expect(updateDoctorProfile(dbA(), bDoctor.staffUserId, { bio: "Hi", languages: "" }, by(a))).rejects.toBeInstanceOf(NotFoundError);
  });

  it("takes a PNG, JPEG or WebP photo of at most 1 MB by its bytes, serves it with cache headers, and removes it", async () => {
    const doctor = a.staff.otherDoctor;
    const doctorId = a.doctorIds[1]!;
    for (const [bytes, message] of [
      [PDF, /not a PNG, JPEG or WebP picture/],
      [Buffer.alloc(1024 * 1024 + 1, 0x89), /at most 1 MB/],
      [Buffer.alloc(0), /empty/],
    ] as const) {
      const refused = await uploadDoctorPhoto(dbA(), doctor, bytes, by(a)).catch((e: unknown) => e);
      expect(refused).toBeInstanceOf(ValidationError);
      expect((refused as ValidationError).errors).toEqual([{ path: "photo", message: expect.stringMatching(message) }]);
    }
    expect(await getDoctorPhoto(dbA(), doctorId)).toBeNull();

    const { version } = await uploadDoctorPhoto(dbA(), doctor, PNG, by(a), new Date("2026-12-01T10:00:00Z"));
    const home = await clinicHomeOffer(dbA(), a.clinic);
    expect(home.doctors.find((d) => d.id === doctorId)!.photoUrl).toBe(`/doctors/${doctorId}/photo?v=${version}`);
    const market = await getPublishedDoctorPage(testDb(), a.clinic.slug, doctorId);
    expect(market!.doctor.photoVersion).toBe(version);

    const served = await callPanel<string>(doctorPhoto, `/doctors/${doctorId}/photo?v=${version}`, { host: a.host, params: { doctorId } });
    expect(served.status).toBe(200);
    expect(served.headers.get("content-type")).toBe("image/png");
    expect(served.headers.get("cache-control")).toContain("immutable");
    expect(served.headers.get("x-content-type-options")).toBe("nosniff");
    const stale = await callPanel(doctorPhoto, `/doctors/${doctorId}/photo?v=1`, { host: a.host, params: { doctorId } });
    expect(stale.headers.get("cache-control")).toContain("must-revalidate");
    // Another clinic's host does not serve it, and another clinic's scope cannot read it.
    expect((await callPanel(doctorPhoto, `/doctors/${doctorId}/photo`, { host: b.host, params: { doctorId } })).status).toBe(404);
    expect(await getDoctorPhoto(testDb().forClinic(b.clinic.id), doctorId)).toBeNull();

    const audit = await dbA().tx((tx) => tx.auditEvent.findMany({ where: { targetId: doctor, action: { in: ["staff.photo_updated", "staff.photo_removed"] } } }));
    expect(audit.map((e) => e.action)).toEqual(["staff.photo_updated"]);
    expect(await removeDoctorPhoto(dbA(), doctor, by(a))).toBe(true);
    expect(await removeDoctorPhoto(dbA(), doctor, by(a))).toBe(false);
    expect((await clinicHomeOffer(dbA(), a.clinic)).doctors.find((d) => d.id === doctorId)!.photoUrl).toBeNull();
    expect((await callPanel(doctorPhoto, `/doctors/${doctorId}/photo`, { host: a.host, params: { doctorId } })).status).toBe(404);
  });
});

describe("the panel forms", () => {
  it("a doctor edits their own profile; bad input comes back with field messages and what was typed", async () => {
    const refused = await callPanel<{ ok: boolean; errors: Record<string, string>; values: { languages: string } }>(profilePage, "/panel/profile", {
      host: a.host,
      cookie: a.cookies.doctor,
      form: { intent: "doctor-profile", bio: "Hello", languages: "English, 42" },
    });
    expect(refused.status).toBe(422);
    expect(refused.data.errors.languages).toMatch(/“42” is not a language name/);
    expect(refused.data.values.languages).toBe("English, 42");
    const saved = await callPanel<{ ok: boolean }>(profilePage, "/panel/profile", { host: a.host, cookie: a.cookies.doctor, form: { intent: "doctor-profile", bio: "Hello", languages: "French" } });
    expect(saved).toMatchObject({ status: 200, data: { ok: true } });
    expect((await getDoctorPublicProfile(dbA(), a.staff.doctor))!.languages).toEqual(["French"]);
    // The profile page is a doctor's own: the desk and an owner who is not a doctor here cannot post to it.
    for (const cookie of [a.cookies.secretary, a.cookies.owner]) {
      expect((await callPanel(profilePage, "/panel/profile", { host: a.host, cookie, form: { intent: "doctor-profile", bio: "x", languages: "" } })).status).toBe(403);
    }
    // A doctor's session on another clinic's host is not a session there.
    expect((await callPanel(profilePage, "/panel/profile", { host: b.host, cookie: a.cookies.doctor, form: { intent: "doctor-profile", bio: "x", languages: "" } })).status).not.toBe(200);
    const page = await callPanel<{ publicProfile: { bio: string; pageUrl: string } }>(profilePage, "/panel/profile", { host: a.host, cookie: a.cookies.doctor });
    expect(page.data.publicProfile).toMatchObject({ bio: "Hello", pageUrl: `/doctors/${a.doctorIds[0]}` });
  });

  it("the owner edits a doctor's profile on the staff page; a secretary may not, and nobody reaches another clinic's doctor", async () => {
    const saved = await callPanel<{ ok: boolean }>(staffPage, "/panel/staff", {
      host: a.host,
      cookie: a.cookies.owner,
      form: { intent: "doctor-profile", staffUserId: a.staff.otherDoctor, bio: "Physiotherapist.", languages: "German, English" },
    });
    expect(saved).toMatchObject({ status: 200, data: { ok: true } });
    expect((await getDoctorPublicProfile(dbA(), a.staff.otherDoctor))!.languages).toEqual(["German", "English"]);
    const secretary = await callPanel(staffPage, "/panel/staff", { host: a.host, cookie: a.cookies.secretary, form: { intent: "doctor-profile", staffUserId: a.staff.otherDoctor, bio: "", languages: "" } });
    expect(secretary.status).toBe(403);
    const theirs = await callPanel<{ ok: boolean }>(staffPage, "/panel/staff", { host: a.host, cookie: a.cookies.owner, form: { intent: "doctor-profile", staffUserId: b.staff.doctor, bio: "x", languages: "" } });
    expect(theirs).toMatchObject({ status: 404, data: { ok: false } });
    const loaded = await callPanel<{ profiles: Record<string, { bio: string }> }>(staffPage, "/panel/staff", { host: a.host, cookie: a.cookies.owner });
    expect(loaded.data.profiles[a.staff.otherDoctor]).toMatchObject({ bio: "Physiotherapist." });
    expect(loaded.data.profiles[a.staff.secretary]).toBeUndefined();
  });
});
