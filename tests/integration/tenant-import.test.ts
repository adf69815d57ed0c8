import { randomUUID } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, test } from "vitest";
import { hashPassword, verifyPassword } from "~/modules/auth/password.server";
import { importTenantFolder, TenantImportError } from "~/modules/tenancy/tenant-import.server";
import { seedDemoClinics } from "~/seeding/demo-clinics.server";
import { TenantDefinitionError } from "~/modules/tenancy/tenant-schema";
import { testDb } from "../support/db";

const tenantsDir = path.resolve(import.meta.dirname, "../../tenants");
const scratch = fs.mkdtempSync(path.join(os.tmpdir(), "medslot-tenant-import-"));

afterAll(async () => {
  await testDb().disconnect();
  fs.rmSync(scratch, { recursive: true, force: true });
});

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the tests edit raw tenant.json freely
type Definition = Record<string, any>;

/**
 * Copies a demo clinic into a temp folder under a fresh slug, with staff emails and domains of
 * its own, so tests sharing the database never collide.
 */
function copyDemo(source = "northside") {
  const id = randomUUID().slice(0, 8);
  const slug = `${source}-${id}`;
  const folder = path.join(scratch, slug);
  fs.cpSync(path.join(tenantsDir, source), folder, { recursive: true });
  const text = fs.readFileSync(path.join(folder, "tenant.json"), "utf8").replaceAll(`@${source}.test`, `@${slug}.test`);
  const definition = JSON.parse(text) as Definition;
  definition.slug = slug;
  definition.domains = (definition.domains ?? []).map((d: string) => `${id}.${d}`);
  const save = (edit?: (t: Definition) => void) => {
    edit?.(definition);
    fs.writeFileSync(path.join(folder, "tenant.json"), JSON.stringify(definition, null, 2));
  };
  save();
  return { slug, folder, definition, save, emailDomain: `@${slug}.test` };
}

async function snapshot(clinicId: string, emailDomain: string) {
  const db = testDb();
  const inClinic = await db.forClinic(clinicId).tx(async (tx) => ({
    clinic: await tx.clinic.findUniqueOrThrow({ where: { id: clinicId } }),
    locations: await tx.location.findMany({ where: { clinicId }, orderBy: { key: "asc" } }),
    memberships: await tx.clinicMembership.findMany({
      where: { clinicId },
      select: { id: true, role: true, specialty: true, workStatus: true, bio: true, languages: true, staffUser: { select: { email: true } } },
      orderBy: [{ staffUserId: "asc" }, { role: "asc" }],
    }),
    domains: await tx.clinicDomain.findMany({ where: { clinicId }, orderBy: { host: "asc" } }),
    audit: await tx.auditEvent.findMany({ where: { clinicId, action: "tenant.imported" }, orderBy: { occurredAt: "asc" } }),
    categories: await tx.serviceCategory.findMany({ orderBy: { key: "asc" } }),
    rooms: await tx.room.findMany({ orderBy: { key: "asc" } }),
    services: await tx.service.findMany({ orderBy: { key: "asc" } }),
    discounts: await tx.serviceDiscount.findMany(),
    serviceDoctors: await tx.serviceDoctor.findMany(),
    serviceLocations: await tx.serviceLocation.findMany(),
    doctorLocations: await tx.doctorLocation.findMany(),
    rules: await tx.availabilityRule.findMany({ orderBy: [{ doctorId: "asc" }, { weekday: "asc" }, { startMinute: "asc" }] }),
    exceptions: await tx.scheduleException.findMany({ orderBy: [{ startsAt: "asc" }, { kind: "asc" }] }),
  }));
  const clinicsWithSlug = await db.system("test").tx((tx) => tx.clinic.count({ where: { slug: inClinic.clinic.slug } }));
  const staffUsers = await db.forPlatform().tx((tx) => tx.staffUser.findMany({ where: { email: { endsWith: emailDomain } }, orderBy: { email: "asc" } }));
  return { ...inClinic, clinicsWithSlug, staffUsers };
}

function counts(s: Awaited<ReturnType<typeof snapshot>>) {
  return {
    clinics: s.clinicsWithSlug,
    locations: s.locations.length,
    memberships: s.memberships.length,
    staffUsers: s.staffUsers.length,
    domains: s.domains.length,
  };
}

function schedulingCounts(s: Awaited<ReturnType<typeof snapshot>>) {
  return {
    categories: s.categories.length,
    rooms: s.rooms.length,
    services: s.services.length,
    discounts: s.discounts.length,
    serviceDoctors: s.serviceDoctors.length,
    serviceLocations: s.serviceLocations.length,
    doctorLocations: s.doctorLocations.length,
    rules: s.rules.length,
    exceptions: s.exceptions.length,
  };
}

/** One confirmed visit of a service, written the way a booking would, so removals meet a booking. */
async function bookOne(clinicId: string, serviceKey: string, locationKey: string, roomKey?: string) {
  // Above the demo patients' numbers in the same block, so no other test's "new" number is taken.
  const phone = `+49155500${90_000 + Math.floor(Math.random() * 10_000)}`;
  await testDb()
    .forClinic(clinicId)
    .tx(async (tx) => {
      const [{ id: patient }] = await tx.$queryRaw<[{ id: string }]>`
        INSERT INTO patient_accounts (phone) VALUES (${phone}) ON CONFLICT (phone) DO UPDATE SET phone = EXCLUDED.phone RETURNING id::text AS id`;
      await tx.$executeRaw`INSERT INTO clinic_patients (clinic_id, patient_account_id) VALUES (${clinicId}::uuid, ${patient}::uuid) ON CONFLICT DO NOTHING`;
      const service = await tx.service.findUniqueOrThrow({ where: { clinicId_key: { clinicId, key: serviceKey } } });
      const doctor = await tx.serviceDoctor.findFirstOrThrow({ where: { serviceId: service.id } });
      const location = await tx.location.findUniqueOrThrow({ where: { clinicId_key: { clinicId, key: locationKey } } });
      const room = roomKey ? await tx.room.findUniqueOrThrow({ where: { clinicId_key: { clinicId, key: roomKey } } }) : null;
      const start = new Date(Date.now() + 7 * 86_400_000);
      const end = new Date(start.getTime() + service.durationMin * 60_000);
      await tx.appointment.create({
        data: {
          clinicId,
          serviceId: service.id,
          doctorId: doctor.doctorId,
          locationId: location.id,
          roomId: room?.id ?? null,
          patientAccountId: patient,
          status: "confirmed",
          startsAt: start,
          endsAt: end,
          blockedFrom: start,
          blockedTo: end,
          channel: "staff",
          currency: "USD",
          cancellationWindowMin: service.cancellationWindowMin,
        },
      });
    });
}

describe("importTenantFolder", () => {
  test("importing the same folder twice creates once, then updates in place", async () => {
    const t = copyDemo("northside");
    const first = await importTenantFolder(testDb(), t.folder);
    expect(first).toMatchObject({ slug: t.slug, created: true, logoChanged: true });
    const afterFirst = await snapshot(first.clinicId, t.emailDomain);
    // northside: 8 people, the owner is also a doctor → 9 memberships.
    expect(counts(afterFirst)).toEqual({ clinics: 1, locations: 2, memberships: 9, staffUsers: 8, domains: 1 });
    expect(afterFirst.clinic).toMatchObject({ name: "Northside Family Health", timeZone: "America/New_York", status: "live", colorPrimary: "#1d4ed8", logoType: "image/svg+xml" });
    expect(afterFirst.locations.map((l) => l.key)).toEqual(["harlem", "washington-heights"]);
    expect(afterFirst.locations[1]!.openingHours).toMatchObject({ wed: [{ open: "08:30", close: "12:30" }, { open: "14:00", close: "20:00" }], sun: [] });
    expect(afterFirst.memberships.find((m) => m.staffUser.email === `dr.garcia${t.emailDomain}`)).toMatchObject({ role: "doctor", specialty: "Sports medicine", workStatus: "on_leave" });
    // The demo doctors introduce themselves and list their languages; the desk does neither.
    expect(afterFirst.memberships.find((m) => m.staffUser.email === `dr.patel${t.emailDomain}`)).toMatchObject({ languages: ["English", "Hindi", "Gujarati"], bio: expect.stringMatching(/^Family doctor for patients of every age/) });
    expect(afterFirst.memberships.find((m) => m.staffUser.email === `desk${t.emailDomain}`)).toMatchObject({ bio: null, languages: [] });
    expect(await verifyPassword(afterFirst.staffUsers.find((u) => u.email === `dr.patel${t.emailDomain}`)!.passwordHash, "medslot-demo-2026")).toBe(true);

    expect(schedulingCounts(afterFirst)).toEqual({
      categories: 4,
      rooms: 7,
      services: 8,
      discounts: 5,
      serviceDoctors: 15,
      serviceLocations: 13,
      doctorLocations: 10,
      rules: 26,
      exceptions: 6,
    });

    const second = await importTenantFolder(testDb(), t.folder);
    expect(second).toMatchObject({
      clinicId: first.clinicId,
      created: false,
      logoChanged: false,
      removed: { locations: [], domains: [], roles: [], serviceCategories: [], rooms: [], services: [] },
    });
    const afterSecond = await snapshot(first.clinicId, t.emailDomain);
    expect(counts(afterSecond)).toEqual(counts(afterFirst));
    // Keyed rows are updated in place; rules, links and exceptions are replaced, never duplicated.
    expect(schedulingCounts(afterSecond)).toEqual(schedulingCounts(afterFirst));
    for (const table of ["categories", "rooms", "services"] as const) {
      expect(afterSecond[table].map((r) => [r.key, r.id])).toEqual(afterFirst[table].map((r) => [r.key, r.id]));
    }
    const ruleShape = (x: typeof afterFirst) => x.rules.map((r) => [r.doctorId, r.locationId, r.weekday, r.startMinute, r.endMinute, r.breaks]);
    expect(ruleShape(afterSecond)).toEqual(ruleShape(afterFirst));
    expect(afterSecond.exceptions.map((e) => [e.kind, e.startsAt, e.endsAt])).toEqual(afterFirst.exceptions.map((e) => [e.kind, e.startsAt, e.endsAt]));
    // Same rows, not replacements: ids, password hashes and the logo's version are untouched.
    expect(afterSecond.locations.map((l) => l.id)).toEqual(afterFirst.locations.map((l) => l.id));
    expect(afterSecond.memberships.map((m) => m.id)).toEqual(afterFirst.memberships.map((m) => m.id));
    expect(afterSecond.staffUsers.map((u) => [u.id, u.passwordHash])).toEqual(afterFirst.staffUsers.map((u) => [u.id, u.passwordHash]));
    expect(afterSecond.clinic.logoUpdatedAt).toEqual(afterFirst.clinic.logoUpdatedAt);
    expect(afterSecond.audit.map((a) => [a.actorType, a.targetType, a.targetId, (a.details as { created: boolean }).created])).toEqual([
      ["system", "clinic", first.clinicId, true],
      ["system", "clinic", first.clinicId, false],
    ]);
  });

  test("an edited folder updates the clinic in place and removes what is no longer listed", async () => {
    const t = copyDemo("spree-physio");
    const first = await importTenantFolder(testDb(), t.folder);
    const before = await snapshot(first.clinicId, t.emailDomain);
    const owner = `owner${t.emailDomain}`;

    t.save((d) => {
      d.name = "Spree Physio & Sport";
      d.branding.primaryColor = "#9a3412";
      d.locations = d.locations.filter((l: { key: string }) => l.key !== "prenzlauer-berg");
      d.locations[0].name = "Kreuzberg (Oranienstraße)";
      const katrin = d.staff.find((s: { email: string }) => s.email === owner);
      katrin.roles = ["owner"];
      delete katrin.specialty;
      delete katrin.bio;
      delete katrin.languages;
      d.domains = ["physio.spree.example"].map((h) => `${t.slug}.${h}`);
      // Nothing may point at the closed location or at Katrin as a therapist any more.
      d.rooms = d.rooms.filter((r: { location: string }) => r.location !== "prenzlauer-berg");
      for (const service of d.services) {
        service.locations = service.locations.filter((l: string) => l !== "prenzlauer-berg");
        service.doctors = service.doctors.filter((e: string) => e !== owner);
      }
      d.schedules = d.schedules
        .filter((x: { doctor: string }) => x.doctor !== owner)
        .map((x: { hours: { location: string }[] }) => ({ ...x, hours: x.hours.filter((h) => h.location !== "prenzlauer-berg") }));
      d.exceptions = d.exceptions.filter((e: { location?: string; doctor?: string }) => e.location !== "prenzlauer-berg" && e.doctor !== owner);
      d.services = d.services.filter((x: { key: string }) => x.key !== "neuro-rehab");
      d.serviceCategories = d.serviceCategories.filter((c: { key: string }) => c.key !== "training");
      d.services = d.services.filter((x: { category: string }) => x.category !== "training");
    });
    const second = await importTenantFolder(testDb(), t.folder);
    expect(second).toMatchObject({ clinicId: first.clinicId, created: false });
    expect(second.removed).toEqual({
      locations: ["prenzlauer-berg"],
      domains: [],
      roles: [{ email: owner, role: "doctor" }],
      serviceCategories: ["training"],
      // A location's rooms go with it.
      rooms: [],
      services: ["neuro-rehab", "sports-rehab"],
    });

    const after = await snapshot(first.clinicId, t.emailDomain);
    expect(after.clinic).toMatchObject({ name: "Spree Physio & Sport", colorPrimary: "#9a3412" });
    expect(after.locations.map((l) => [l.key, l.name])).toEqual([["kreuzberg", "Kreuzberg (Oranienstraße)"]]);
    expect(after.locations[0]!.id).toBe(before.locations.find((l) => l.key === "kreuzberg")!.id);
    expect(after.memberships.filter((m) => m.staffUser.email === owner).map((m) => m.role)).toEqual(["owner"]);
    expect(after.memberships).toHaveLength(before.memberships.length - 1);
    expect(after.domains.map((d) => d.host)).toEqual([`${t.slug}.physio.spree.example`]);
    expect(after.rooms.map((r) => r.key)).toEqual(["kreuzberg-gym", "kreuzberg-quiet-room", "kreuzberg-treatment-1", "kreuzberg-treatment-2", "kreuzberg-treatment-3"]);
    expect(after.services.map((x) => x.key)).not.toContain("neuro-rehab");
    expect(after.services.find((x) => x.key === "initial-assessment")!.id).toBe(before.services.find((x) => x.key === "initial-assessment")!.id);
    // Where therapists work follows their hours: everyone left works in Kreuzberg only.
    const kreuzberg = after.locations[0]!.id;
    expect(after.doctorLocations.length).toBeGreaterThan(0);
    expect(after.doctorLocations.every((l) => l.locationId === kreuzberg)).toBe(true);
    expect(after.serviceLocations.every((l) => l.locationId === kreuzberg)).toBe(true);

    // Dropping the domain again removes it.
    t.save((d) => (d.domains = []));
    const third = await importTenantFolder(testDb(), t.folder);
    expect(third.removed.domains).toEqual([`${t.slug}.physio.spree.example`]);
    expect((await snapshot(first.clinicId, t.emailDomain)).domains).toEqual([]);
  });

  test("a staff member's changed password survives a re-import; a name change does not need one", async () => {
    const t = copyDemo("silk-road-dental");
    const { clinicId } = await importTenantFolder(testDb(), t.folder);
    const email = `dr.karimova${t.emailDomain}`;
    await testDb()
      .forPlatform()
      .tx(async (tx) => tx.staffUser.update({ where: { email }, data: { passwordHash: await hashPassword("a-new-secret-of-mine") } }));

    t.save((d) => (d.staff.find((s: { email: string }) => s.email === email).name = "Dr. Dilnoza Karimova-Alieva"));
    await importTenantFolder(testDb(), t.folder);
    const user = (await snapshot(clinicId, t.emailDomain)).staffUsers.find((u) => u.email === email)!;
    expect(user.name).toBe("Dr. Dilnoza Karimova-Alieva");
    expect(await verifyPassword(user.passwordHash, "a-new-secret-of-mine")).toBe(true);
    expect(await verifyPassword(user.passwordHash, "medslot-demo-2026")).toBe(false);
  });

  test("staff without a demo password get one nobody knows, and no login line", async () => {
    const t = copyDemo("northside");
    t.save((d) => {
      for (const s of d.staff) delete s.password;
    });
    const result = await importTenantFolder(testDb(), t.folder);
    expect(result.logins).toEqual([]);
    const users = (await snapshot(result.clinicId, t.emailDomain)).staffUsers;
    expect(users).toHaveLength(8);
    for (const u of users) {
      expect(u.passwordHash).toMatch(/^\$argon2id\$/);
      expect(await verifyPassword(u.passwordHash, "medslot-demo-2026")).toBe(false);
    }
  });

  test("a new logo replaces the old one and moves its version; an unchanged one does not", async () => {
    const t = copyDemo("northside");
    const { clinicId } = await importTenantFolder(testDb(), t.folder);
    const before = (await snapshot(clinicId, t.emailDomain)).clinic;

    const png = Buffer.from("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==", "base64");
    fs.writeFileSync(path.join(t.folder, "mark.png"), png);
    t.save((d) => (d.branding.logo = "mark.png"));
    const result = await importTenantFolder(testDb(), t.folder);
    expect(result.logoChanged).toBe(true);
    const after = (await snapshot(clinicId, t.emailDomain)).clinic;
    expect(after.logoType).toBe("image/png");
    expect(Buffer.from(after.logoData!).equals(png)).toBe(true);
    expect(after.logoUpdatedAt!.getTime()).toBeGreaterThan(before.logoUpdatedAt!.getTime());

    expect((await importTenantFolder(testDb(), t.folder)).logoChanged).toBe(false);
  });

  test("problems with the folder are reported clearly and change nothing", async () => {
    await expect(importTenantFolder(testDb(), path.join(scratch, "no-such-clinic"))).rejects.toThrow(TenantImportError);
    await expect(importTenantFolder(testDb(), path.join(scratch, "no-such-clinic"))).rejects.toThrow(/^No clinic folder at /);

    const invalid = copyDemo("northside");
    invalid.save((d) => (d.timeZone = "Europe/Atlantis"));
    const error = await importTenantFolder(testDb(), invalid.folder).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TenantDefinitionError);
    expect((error as Error).message).toContain('timeZone: "Europe/Atlantis" is not an IANA time zone');

    const broken = copyDemo("northside");
    fs.writeFileSync(path.join(broken.folder, "tenant.json"), "{ not json");
    await expect(importTenantFolder(testDb(), broken.folder)).rejects.toThrow(/tenant\.json is not valid JSON/);

    const scripted = copyDemo("northside");
    fs.writeFileSync(path.join(scripted.folder, "logo.svg"), '<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>');
    await expect(importTenantFolder(testDb(), scripted.folder)).rejects.toThrow(/contains a <script> element; a logo must be a plain picture/);

    const mislabelled = copyDemo("northside");
    fs.writeFileSync(path.join(mislabelled.folder, "logo.png"), fs.readFileSync(path.join(mislabelled.folder, "logo.svg")));
    mislabelled.save((d) => (d.branding.logo = "logo.png"));
    await expect(importTenantFolder(testDb(), mislabelled.folder)).rejects.toThrow(/contains image\/svg\+xml but its name ends in \.png/);

    const huge = copyDemo("northside");
    fs.writeFileSync(path.join(huge.folder, "logo.svg"), `<svg xmlns="http://www.w3.org/2000/svg"><!--${"x".repeat(600 * 1024)}--></svg>`);
    await expect(importTenantFolder(testDb(), huge.folder)).rejects.toThrow(/a logo may be at most 512 KB/);

    const twice = copyDemo("northside");
    twice.save((d) => (d.services[0].visitReasons = ["Pain", "pain"]));
    await expect(importTenantFolder(testDb(), twice.folder)).rejects.toThrow(/visitReasons: must not repeat a reason/);

    const slugs = [invalid, broken, scripted, mislabelled, huge, twice].map((c) => c.slug);
    const created = await testDb().system("test").tx((tx) => tx.clinic.count({ where: { slug: { in: slugs } } }));
    expect(created).toBe(0);
  });

  test("a custom domain that belongs to another clinic is refused", async () => {
    const a = copyDemo("northside");
    await importTenantFolder(testDb(), a.folder);
    const b = copyDemo("spree-physio");
    b.save((d) => (d.domains = [a.definition.domains[0]]));
    await expect(importTenantFolder(testDb(), b.folder)).rejects.toThrow(`domains: ${a.definition.domains[0]} already belongs to the clinic "${a.slug}"`);
    expect(await testDb().system("test").tx((tx) => tx.clinic.count({ where: { slug: b.slug } }))).toBe(0);
  });

  test("one person can work at two clinics with one account", async () => {
    const a = copyDemo("northside");
    const b = copyDemo("silk-road-dental");
    const shared = `locum-${randomUUID().slice(0, 8)}@medslot.test`;
    a.save((d) => d.staff.push({ email: shared, name: "Dr. Sam Locum", roles: ["doctor"], specialty: "Family medicine", password: "medslot-demo-2026" }));
    b.save((d) => d.staff.push({ email: shared, name: "Dr. Sam Locum", roles: ["doctor"], specialty: "General dentistry" }));
    const ra = await importTenantFolder(testDb(), a.folder);
    const rb = await importTenantFolder(testDb(), b.folder);
    const users = await testDb().forPlatform().tx((tx) => tx.staffUser.findMany({ where: { email: shared } }));
    expect(users).toHaveLength(1);
    const specialties = await Promise.all(
      [ra.clinicId, rb.clinicId].map((id) =>
        testDb()
          .forClinic(id)
          .tx((tx) => tx.clinicMembership.findFirstOrThrow({ where: { staffUserId: users[0]!.id } })),
      ),
    );
    expect(specialties.map((m) => m.specialty)).toEqual(["Family medicine", "General dentistry"]);
  });
});

describe("importTenantFolder: services, rooms and schedules", () => {
  test("prices, policies, hours and exceptions are stored as the folder says", async () => {
    const t = copyDemo("northside");
    const { clinicId } = await importTenantFolder(testDb(), t.folder);
    const s = await snapshot(clinicId, t.emailDomain);
    const doctorId = (email: string) => s.memberships.find((m) => m.staffUser.email === `${email}${t.emailDomain}` && m.role === "doctor")!.id;
    const locationId = (key: string) => s.locations.find((l) => l.key === key)!.id;
    const service = (key: string) => s.services.find((x) => x.key === key)!;

    // Dollars become cents; a fixed deposit too, a percent deposit stays a percent.
    expect(service("annual-physical")).toMatchObject({ priceMinor: 22_000, depositKind: "percent", depositValue: 20, durationMin: 45, bufferAfterMin: 10, horizonDays: 180 });
    expect(service("well-child")).toMatchObject({ priceMinor: 16_500, depositKind: "fixed", depositValue: 2_500 });
    expect(service("sick-visit")).toMatchObject({ depositKind: "none", depositValue: 0, cancellationWindowMin: 4 * 60, startGridMin: 10 });
    // Left out: 48 hours, active, no approval.
    expect(service("sports-injury")).toMatchObject({ cancellationWindowMin: 24 * 60, visibility: "active", requiresApproval: false });
    // Reasons for a visit as listed; a service that lists none offers no choice.
    expect(service("sports-injury").visitReasons).toEqual(["New injury", "Pain that came back", "Follow-up"]);
    expect(service("sick-visit").visitReasons).toEqual([]);
    expect(service("skin-check")).toMatchObject({ cancellationWindowMin: 48 * 60, roomType: "private" });
    expect(service("cardiology-consult")).toMatchObject({ requiresApproval: true, roomType: "equipment", categoryId: s.categories.find((c) => c.key === "specialists")!.id });
    expect(service("flu-shot")).toMatchObject({ visibility: "seasonal", seasonFrom: new Date("2026-09-01T00:00:00Z"), seasonTo: new Date("2027-03-31T00:00:00Z") });
    expect(service("care-plan-review").visibility).toBe("internal_only");
    expect(s.rooms.find((r) => r.key === "heights-ecg")).toMatchObject({ type: "equipment", locationId: locationId("washington-heights"), active: true });

    const discounts = s.discounts.map((d) => ({ service: s.services.find((x) => x.id === d.serviceId)!.key, kind: d.kind, percent: d.percent, weekdays: d.weekdays, fromMinute: d.fromMinute, toMinute: d.toMinute, startsOn: d.startsOn }));
    expect(discounts).toContainEqual({ service: "annual-physical", kind: "weekday", percent: 10, weekdays: [2], fromMinute: null, toMinute: null, startsOn: null });
    expect(discounts).toContainEqual({ service: "sick-visit", kind: "off_peak", percent: 15, weekdays: [], fromMinute: 13 * 60, toMinute: 15 * 60, startsOn: null });
    expect(discounts).toContainEqual({ service: "well-child", kind: "seasonal", percent: 15, weekdays: [], fromMinute: null, toMinute: null, startsOn: new Date("2026-12-21T00:00:00Z") });

    // Who offers what, where: service links by email and key, doctors' locations from their hours.
    const rosen = doctorId("dr.rosen");
    expect(s.serviceDoctors.filter((l) => l.serviceId === service("skin-check").id).map((l) => l.doctorId)).toEqual([rosen]);
    expect(s.serviceLocations.filter((l) => l.serviceId === service("skin-check").id).map((l) => l.locationId)).toEqual([locationId("harlem")]);
    const owner = doctorId("owner");
    expect(s.doctorLocations.filter((l) => l.doctorId === owner).map((l) => l.locationId).sort()).toEqual([locationId("harlem"), locationId("washington-heights")].sort());
    expect(s.doctorLocations.filter((l) => l.doctorId === rosen).map((l) => l.locationId)).toEqual([locationId("harlem")]);
    expect(s.rules.filter((r) => r.doctorId === owner).map((r) => [r.weekday, r.startMinute, r.endMinute, r.locationId === locationId("harlem") ? "harlem" : "heights", r.breaks])).toEqual([
      [1, 480, 960, "harlem", [{ start: "12:00", end: "12:45" }]],
      [2, 480, 960, "harlem", [{ start: "12:00", end: "12:45" }]],
      [3, 840, 1200, "heights", [{ start: "17:00", end: "17:30" }]],
      [4, 480, 960, "harlem", [{ start: "12:00", end: "12:45" }]],
      [5, 480, 780, "harlem", []],
    ]);
    // On leave keeps the hours; the slot search is what skips them.
    expect(s.rules.filter((r) => r.doctorId === doctorId("dr.garcia"))).toHaveLength(3);

    // Exceptions are instants: New York local midnight to local midnight (UTC−5 in winter).
    const spans = s.exceptions.map((e) => ({ kind: e.kind, reason: e.reason, from: e.startsAt.toISOString(), to: e.endsAt.toISOString(), doctor: e.doctorId, location: e.locationId }));
    expect(spans).toContainEqual({ kind: "closure", reason: "Christmas Day", from: "2026-12-25T05:00:00.000Z", to: "2026-12-26T05:00:00.000Z", doctor: null, location: null });
    expect(spans).toContainEqual({
      kind: "closure",
      reason: "Christmas Eve: Harlem closes at 1 pm",
      from: "2026-12-24T18:00:00.000Z",
      to: "2026-12-25T05:00:00.000Z",
      doctor: null,
      location: locationId("harlem"),
    });
    expect(spans).toContainEqual({ kind: "time_off", reason: "Pediatrics conference", from: "2026-12-07T05:00:00.000Z", to: "2026-12-12T05:00:00.000Z", doctor: doctorId("dr.chen"), location: null });
    expect(spans).toContainEqual({
      kind: "extra_hours",
      reason: "Saturday flu-shot clinic",
      from: "2026-12-19T15:00:00.000Z",
      to: "2026-12-19T19:00:00.000Z",
      doctor: doctorId("dr.patel"),
      location: locationId("washington-heights"),
    });
  });

  test("prices in soʻm and euros, holidays in Tashkent and Berlin", async () => {
    const silk = copyDemo("silk-road-dental");
    const a = await importTenantFolder(testDb(), silk.folder);
    const s = await snapshot(a.clinicId, silk.emailDomain);
    // Intl gives UZS two minor digits, so 350 000 soʻm is 35 000 000 minor units.
    expect(s.services.find((x) => x.key === "checkup-cleaning")!.priceMinor).toBe(35_000_000);
    expect(s.services.find((x) => x.key === "implant-consult")).toMatchObject({ depositKind: "fixed", depositValue: 10_000_000 });
    // Tashkent is UTC+5 all year: Navruz is 21–22 March local.
    expect(s.exceptions.find((e) => e.reason === "Navruz")).toMatchObject({ startsAt: new Date("2027-03-20T19:00:00Z"), endsAt: new Date("2027-03-22T19:00:00Z") });

    const spree = copyDemo("spree-physio");
    const b = await importTenantFolder(testDb(), spree.folder);
    const p = await snapshot(b.clinicId, spree.emailDomain);
    expect(p.services.find((x) => x.key === "physio-session")!.priceMinor).toBe(4_200);
    expect(p.exceptions.find((e) => e.reason === "New Year's Day (Neujahr)")).toMatchObject({ startsAt: new Date("2026-12-31T23:00:00Z"), endsAt: new Date("2027-01-01T23:00:00Z") });
  });

  test("a closure on a daylight-saving day spans that local day, 23 or 25 hours long", async () => {
    const t = copyDemo("northside");
    t.save((d) => {
      d.exceptions.push({ kind: "closure", startsOn: "2027-03-14", reason: "Spring forward" });
      d.exceptions.push({ kind: "closure", location: "harlem", startsOn: "2026-11-01", reason: "Fall back" });
      d.exceptions.push({ kind: "time_off", doctor: `dr.okafor${t.emailDomain}`, startsOn: "2027-03-13", endsOn: "2027-03-15", start: "12:00", end: "09:00", reason: "Across the change" });
    });
    const { clinicId } = await importTenantFolder(testDb(), t.folder);
    const s = await snapshot(clinicId, t.emailDomain);
    const span = (reason: string) => s.exceptions.find((e) => e.reason === reason)!;
    expect(span("Spring forward")).toMatchObject({ startsAt: new Date("2027-03-14T05:00:00Z"), endsAt: new Date("2027-03-15T04:00:00Z") });
    expect(span("Fall back")).toMatchObject({ startsAt: new Date("2026-11-01T04:00:00Z"), endsAt: new Date("2026-11-02T05:00:00Z") });
    // 12:00 EST on the 13th to 09:00 EDT on the 15th.
    expect(span("Across the change")).toMatchObject({ startsAt: new Date("2027-03-13T17:00:00Z"), endsAt: new Date("2027-03-15T13:00:00Z") });
  });

  test("a booked service or room is kept inactive, an unbooked one is deleted, a booked location cannot go", async () => {
    const t = copyDemo("northside");
    const { clinicId } = await importTenantFolder(testDb(), t.folder);
    await bookOne(clinicId, "cardiology-consult", "harlem", "harlem-ecg");
    const before = await snapshot(clinicId, t.emailDomain);

    t.save((d) => {
      d.services = d.services.filter((x: { key: string }) => !["cardiology-consult", "care-plan-review"].includes(x.key));
      d.rooms = d.rooms.filter((r: { key: string }) => !["harlem-ecg", "heights-ecg", "harlem-exam-2"].includes(r.key));
    });
    const result = await importTenantFolder(testDb(), t.folder);
    expect(result.removed).toMatchObject({ services: ["cardiology-consult", "care-plan-review"], rooms: ["harlem-ecg", "harlem-exam-2", "heights-ecg"] });
    const after = await snapshot(clinicId, t.emailDomain);
    const cardiology = before.services.find((x) => x.key === "cardiology-consult")!;
    expect(after.services.find((x) => x.key === "cardiology-consult")).toMatchObject({ id: cardiology.id, visibility: "inactive" });
    expect(after.services.find((x) => x.key === "care-plan-review")).toBeUndefined();
    expect(after.serviceDoctors.filter((l) => l.serviceId === cardiology.id)).toEqual([]);
    expect(after.rooms.find((r) => r.key === "harlem-ecg")).toMatchObject({ active: false });
    expect(after.rooms.map((r) => r.key)).not.toContain("heights-ecg");

    // Listing them again brings the same rows back.
    const restored = copyDemo("northside").definition;
    t.save((d) => {
      d.services = restored.services.map((x: Definition) => ({ ...x, doctors: x.doctors.map((e: string) => e.replace(/@.*$/, t.emailDomain)) }));
      d.rooms = restored.rooms;
    });
    await importTenantFolder(testDb(), t.folder);
    const again = await snapshot(clinicId, t.emailDomain);
    expect(again.services.find((x) => x.key === "cardiology-consult")).toMatchObject({ id: cardiology.id, visibility: "active" });
    expect(again.rooms.find((r) => r.key === "harlem-ecg")).toMatchObject({ active: true });

    // A location with bookings is refused with a clear message, and nothing changes.
    t.save((d) => {
      d.locations = d.locations.filter((l: { key: string }) => l.key !== "harlem");
      d.rooms = d.rooms.filter((r: { location: string }) => r.location !== "harlem");
      d.services = d.services.filter((x: { locations: string[] }) => !x.locations.every((l) => l === "harlem"));
      for (const x of d.services) x.locations = x.locations.filter((l: string) => l !== "harlem");
      for (const x of d.schedules) x.hours = x.hours.filter((h: { location: string }) => h.location !== "harlem");
      d.schedules = d.schedules.filter((x: { hours: unknown[] }) => x.hours.length);
      d.exceptions = d.exceptions.filter((e: { location?: string }) => e.location !== "harlem");
    });
    await expect(importTenantFolder(testDb(), t.folder)).rejects.toThrow(/^locations: "harlem" has 1 appointment and cannot be removed/);
    expect(schedulingCounts(await snapshot(clinicId, t.emailDomain))).toEqual(schedulingCounts(again));
  });

  test("a doctor role with bookings cannot be dropped", async () => {
    const t = copyDemo("northside");
    const { clinicId } = await importTenantFolder(testDb(), t.folder);
    await bookOne(clinicId, "skin-check", "harlem", "harlem-procedure");
    const rosen = `dr.rosen${t.emailDomain}`;
    t.save((d) => {
      d.staff.find((x: { email: string }) => x.email === rosen).roles = ["secretary"];
      const person = d.staff.find((x: { email: string }) => x.email === rosen);
      for (const doctorsOnly of ["specialty", "bio", "languages"]) delete person[doctorsOnly];
      d.services = d.services.filter((x: { key: string }) => x.key !== "skin-check");
      d.schedules = d.schedules.filter((x: { doctor: string }) => x.doctor !== rosen);
    });
    await expect(importTenantFolder(testDb(), t.folder)).rejects.toThrow(`staff: ${rosen} has 1 appointment as a doctor, so the doctor role cannot be removed; set "workStatus": "inactive" instead`);
  });

  test("a reference to something not defined names its path and writes nothing", async () => {
    const t = copyDemo("northside");
    t.save((d) => {
      d.services[0].locations.push("midtown");
      d.schedules[1].doctor = `desk${t.emailDomain}`;
    });
    const error = await importTenantFolder(testDb(), t.folder).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TenantDefinitionError);
    expect((error as TenantDefinitionError).problems).toEqual([
      'services[0].locations[2]: unknown location "midtown"; locations are "harlem", "washington-heights"',
      `schedules[1].doctor: desk${t.emailDomain} is not a doctor (roles: secretary)`,
    ]);
    expect(await testDb().system("test").tx((tx) => tx.clinic.count({ where: { slug: t.slug } }))).toBe(0);
  });
});

describe("seedDemoClinics", () => {
  test("loads all three demo clinics and the operator, and running it again changes nothing", async () => {
    const first = await seedDemoClinics(testDb(), tenantsDir);
    const appointments = () =>
      Promise.all(first.clinics.map((c) => testDb().forClinic(c.clinicId).tx((tx) => tx.appointment.count())));
    const booked = await appointments();
    const second = await seedDemoClinics(testDb(), tenantsDir);
    // The demo history is written once, when a clinic has no bookings at all.
    expect(first.clinics.map((c) => c.history.written)).toEqual([true, true, true]);
    expect(first.clinics.map((c) => c.history.appointments)).toEqual(booked);
    expect(second.clinics.map((c) => c.history.written)).toEqual([false, false, false]);
    expect(await appointments()).toEqual(booked);
    expect(second.clinics.map((c) => [c.slug, c.created])).toEqual([
      ["northside", false],
      ["silk-road-dental", false],
      ["spree-physio", false],
    ]);
    expect(second.clinics.map((c) => c.clinicId)).toEqual(first.clinics.map((c) => c.clinicId));

    const demo = await testDb()
      .system("test")
      .tx((tx) => tx.clinic.groupBy({ by: ["slug"], where: { slug: { in: ["northside", "spree-physio", "silk-road-dental"] } }, _count: { _all: true } }));
    expect(Object.fromEntries(demo.map((g) => [g.slug, g._count._all]))).toEqual({ northside: 1, "spree-physio": 1, "silk-road-dental": 1 });

    const operators = await testDb()
      .forPlatform()
      .tx((tx) => tx.platformOperator.findMany({ where: { staffUser: { email: "operator@medslot.test" } } }));
    expect(operators).toHaveLength(1);

    expect(second.logins).toEqual(first.logins);
    expect(second.logins).toContainEqual({ clinic: "northside", email: "dr.patel@northside.test", password: "medslot-demo-2026", role: "doctor" });
    expect(second.logins).toContainEqual({ clinic: "northside", email: "owner@northside.test", password: "medslot-demo-2026", role: "owner+doctor" });
    expect(second.logins).toContainEqual({ clinic: "(platform admin)", email: "operator@medslot.test", password: "medslot-demo-2026", role: "operator" });

    for (const clinic of second.clinics) {
      const s = await testDb()
        .forClinic(clinic.clinicId)
        .tx(async (tx) => ({
          locations: await tx.location.count(),
          owners: await tx.clinicMembership.count({ where: { role: "owner" } }),
          doctors: await tx.clinicMembership.count({ where: { role: "doctor" } }),
          logo: await tx.clinic.findFirstOrThrow({ select: { logoType: true } }),
          services: await tx.service.count(),
          doctorsWithHours: (await tx.availabilityRule.groupBy({ by: ["doctorId"] })).length,
          upcoming: await tx.appointment.count({ where: { startsAt: { gt: new Date() }, status: { in: ["confirmed", "requested"] } } }),
          past: await tx.appointment.count({ where: { startsAt: { lt: new Date() }, status: "completed" } }),
        }));
      expect(s).toMatchObject({ locations: 2, owners: 1, logo: { logoType: "image/svg+xml" } });
      expect(s.doctors).toBeGreaterThanOrEqual(4);
      expect(s.services).toBeGreaterThanOrEqual(5);
      expect(s.doctorsWithHours).toBeGreaterThanOrEqual(4);
      expect(s.upcoming).toBeGreaterThan(50);
      expect(s.past).toBeGreaterThan(500);
    }
  }, 180_000);
});
