import { randomUUID } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, test } from "vitest";
import { hashPassword, verifyPassword } from "~/modules/auth/password.server";
import { importTenantFolder, seedDemoClinics, TenantImportError } from "~/modules/tenancy/tenant-import.server";
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
      select: { id: true, role: true, specialty: true, workStatus: true, staffUser: { select: { email: true } } },
      orderBy: [{ staffUserId: "asc" }, { role: "asc" }],
    }),
    domains: await tx.clinicDomain.findMany({ where: { clinicId }, orderBy: { host: "asc" } }),
    audit: await tx.auditEvent.findMany({ where: { clinicId, action: "tenant.imported" }, orderBy: { occurredAt: "asc" } }),
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
    expect(await verifyPassword(afterFirst.staffUsers.find((u) => u.email === `dr.patel${t.emailDomain}`)!.passwordHash, "medslot-demo-2026")).toBe(true);

    const second = await importTenantFolder(testDb(), t.folder);
    expect(second).toMatchObject({ clinicId: first.clinicId, created: false, logoChanged: false, removed: { locations: [], domains: [], roles: [] } });
    const afterSecond = await snapshot(first.clinicId, t.emailDomain);
    expect(counts(afterSecond)).toEqual(counts(afterFirst));
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
      d.domains = ["physio.spree.example"].map((h) => `${t.slug}.${h}`);
    });
    const second = await importTenantFolder(testDb(), t.folder);
    expect(second).toMatchObject({ clinicId: first.clinicId, created: false });
    expect(second.removed).toEqual({ locations: ["prenzlauer-berg"], domains: [], roles: [{ email: owner, role: "doctor" }] });

    const after = await snapshot(first.clinicId, t.emailDomain);
    expect(after.clinic).toMatchObject({ name: "Spree Physio & Sport", colorPrimary: "#9a3412" });
    expect(after.locations.map((l) => [l.key, l.name])).toEqual([["kreuzberg", "Kreuzberg (Oranienstraße)"]]);
    expect(after.locations[0]!.id).toBe(before.locations.find((l) => l.key === "kreuzberg")!.id);
    expect(after.memberships.filter((m) => m.staffUser.email === owner).map((m) => m.role)).toEqual(["owner"]);
    expect(after.memberships).toHaveLength(before.memberships.length - 1);
    expect(after.domains.map((d) => d.host)).toEqual([`${t.slug}.physio.spree.example`]);

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

    const slugs = [invalid, broken, scripted, mislabelled, huge].map((c) => c.slug);
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

describe("seedDemoClinics", () => {
  test("loads all three demo clinics and the operator, and running it again changes nothing", async () => {
    const first = await seedDemoClinics(testDb(), tenantsDir);
    const second = await seedDemoClinics(testDb(), tenantsDir);
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
        }));
      expect(s).toMatchObject({ locations: 2, owners: 1, logo: { logoType: "image/svg+xml" } });
      expect(s.doctors).toBeGreaterThanOrEqual(4);
    }
  });
});
