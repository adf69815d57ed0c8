/**
 * The marketplace's one search (searchMarketplace, as /search calls it) finds services, clinics and
 * doctors, misspelled or not, through the published copies the database keeps (decision 040): a
 * suspended or draft clinic, a deactivated doctor, a doctor on leave or without a public service is
 * not in them.
 */
import { randomBytes, randomUUID } from "node:crypto";
import { afterAll, beforeAll, expect, test } from "vitest";
import { changeStaffMember } from "~/modules/clinic/staff-members.server";
import { searchMarketplace, DIRECTORY_RESULTS } from "~/modules/marketplace/search.server";
import type { SearchInput } from "~/modules/marketplace/search-query";
import { ValidationError } from "~/utils/errors.server";
import { createTestClinic, testDb } from "../support/db";

afterAll(() => testDb().disconnect());

// A city of its own keeps other test files' clinics and doctors out of the filtered results.
const city = `Doctorville ${randomUUID().slice(0, 8)}`;

interface DoctorSpec {
  name: string;
  specialty: string;
  /** Keys of the services they perform. */
  performs: string[];
  workStatus?: "active" | "on_leave" | "inactive";
}

async function clinicWithDoctors(
  status: "draft" | "live" | "suspended",
  name: string,
  services: { key: string; name: string; specialty: string; visibility?: "active" | "internal_only" }[],
  doctors: DoctorSpec[],
) {
  const clinic = await createTestClinic({ status, name });
  const serviceIds: Record<string, string> = {};
  const doctorIds: Record<string, { membershipId: string; staffUserId: string }> = {};
  await testDb()
    .forClinic(clinic.id)
    .tx(async (tx) => {
      await tx.clinic.update({ where: { id: clinic.id }, data: { city, specialties: ["General dentistry"] } });
      for (const s of services) {
        const row = await tx.service.create({
          data: { clinicId: clinic.id, key: s.key, name: s.name, specialty: s.specialty, durationMin: 30, priceMinor: 5_000, visibility: s.visibility ?? "active" },
        });
        serviceIds[s.key] = row.id;
      }
      for (const d of doctors) {
        const user = await tx.staffUser.create({ data: { email: `dr-${randomBytes(6).toString("hex")}@clinic.test`, name: d.name, passwordHash: "not-a-hash" } });
        const m = await tx.clinicMembership.create({
          data: { clinicId: clinic.id, staffUserId: user.id, role: "doctor", specialty: d.specialty, workStatus: d.workStatus ?? "active" },
        });
        for (const key of d.performs) await tx.serviceDoctor.create({ data: { clinicId: clinic.id, serviceId: serviceIds[key]!, doctorId: m.id } });
        doctorIds[d.name] = { membershipId: m.id, staffUserId: user.id };
      }
    });
  return { id: clinic.id, slug: clinic.slug, name, serviceIds, doctorIds };
}

const suffix = randomBytes(3).toString("hex");
let harbour: Awaited<ReturnType<typeof clinicWithDoctors>>;
let closing: Awaited<ReturnType<typeof clinicWithDoctors>>;
let draft: Awaited<ReturnType<typeof clinicWithDoctors>>;

beforeAll(async () => {
  harbour = await clinicWithDoctors(
    "live",
    `Quayside Dental ${suffix}`,
    [
      { key: "cleaning", name: "Dental cleaning", specialty: "General dentistry" },
      { key: "staff-check", name: "Staff check", specialty: "General dentistry", visibility: "internal_only" },
    ],
    [
      { name: "Dr. Anjali Patel", specialty: "General dentistry", performs: ["cleaning"] },
      { name: "Dr. Tomas Lindqvist", specialty: "Oral surgery", performs: ["cleaning"] },
      // Performs only an internal service: nothing public to book with him.
      { name: "Dr. Hidden Ravensworth", specialty: "General dentistry", performs: ["staff-check"] },
      { name: "Dr. Away Fairweather", specialty: "General dentistry", performs: ["cleaning"], workStatus: "on_leave" },
    ],
  );
  closing = await clinicWithDoctors(
    "live",
    `Lantern Street Clinic ${suffix}`,
    [{ key: "physio", name: "Physiotherapy session", specialty: "Physiotherapy" }],
    [{ name: "Dr. Marguerite Okonkwo", specialty: "Physiotherapy", performs: ["physio"] }],
  );
  draft = await clinicWithDoctors(
    "draft",
    `Draftwood Dental ${suffix}`,
    [{ key: "cleaning", name: "Dental cleaning", specialty: "General dentistry" }],
    [{ name: "Dr. Draft Patel", specialty: "General dentistry", performs: ["cleaning"] }],
  );
});

const search = (input: SearchInput) => searchMarketplace(testDb(), { city, ...input });
const doctorNames = async (q: string) => (await search({ q })).doctors.map((d) => d.name);

test("a doctor's surname finds them, with their clinic and the public services they offer", async () => {
  const found = await search({ q: "Patel" });
  expect(found.doctors).toEqual([
    {
      id: harbour.doctorIds["Dr. Anjali Patel"]!.membershipId,
      name: "Dr. Anjali Patel",
      specialty: "General dentistry",
      clinic: { slug: harbour.slug, name: harbour.name, city },
      services: ["Dental cleaning"],
    },
  ]);
  // The draft clinic's Patel is not published.
  expect(found.doctors.map((d) => d.clinic.slug)).not.toContain(draft.slug);
  // Nothing else is called Patel.
  expect(found.clinics).toEqual([]);
  expect(found.services.results).toEqual([]);
});

test("a misspelled surname, a whole name and a first name find the doctor", async () => {
  expect(await doctorNames("Patl")).toEqual(["Dr. Anjali Patel"]);
  expect(await doctorNames("patel")).toEqual(["Dr. Anjali Patel"]);
  expect(await doctorNames("Anjali Patel")).toEqual(["Dr. Anjali Patel"]);
  expect(await doctorNames("Lindqvst")).toEqual(["Dr. Tomas Lindqvist"]);
  // Across every city too: the search the home page's box sends has no city.
  const everywhere = await searchMarketplace(testDb(), { q: "Lindqvist" });
  expect(everywhere.doctors.map((d) => d.id)).toContain(harbour.doctorIds["Dr. Tomas Lindqvist"]!.membershipId);
});

test("a doctor on leave, or one with no publicly offered service, is not found", async () => {
  expect(await doctorNames("Fairweather")).toEqual([]);
  expect(await doctorNames("Ravensworth")).toEqual([]);
});

test("a specialty finds the doctors of that specialty beside its services", async () => {
  const found = await search({ q: "physotherapy" });
  expect(found.doctors.map((d) => d.name)).toEqual(["Dr. Marguerite Okonkwo"]);
  expect(found.services.results.map((r) => r.service.name)).toEqual(["Physiotherapy session"]);
});

test("“dentl clening” finds the cleaning service, and no doctor or clinic that only shares one word", async () => {
  const found = await search({ q: "dentl clening" });
  expect(found.services.results.map((r) => [r.clinic.slug, r.service.name])).toEqual([[harbour.slug, "Dental cleaning"]]);
  expect(found.doctors).toEqual([]);
  expect(found.clinics).toEqual([]);
});

test("a misspelled clinic name finds the clinic, its card fields only", async () => {
  // Closest first: other clinics of this file share two of the three words and may follow.
  const found = await search({ q: `Quaysde Dentl ${suffix}` });
  expect(found.clinics[0]).toEqual({ slug: harbour.slug, name: harbour.name, tagline: null, city, specialties: ["General dentistry"], hasLogo: false, logoVersion: 0, locationCount: 0 });
  expect((await search({ q: "Lantren Street" })).clinics.map((c) => c.slug)).toEqual([closing.slug]);
  // A draft clinic is not published.
  expect((await search({ q: "Draftwood" })).clinics).toEqual([]);
  expect((await search({ q: `Draftwood Dental ${suffix}` })).clinics.map((c) => c.slug)).not.toContain(draft.slug);
});

test("clinics and doctors come with the first page of results only, and at most a few of each", async () => {
  const second = await search({ q: "Patel", page: 2 });
  expect(second.doctors).toEqual([]);
  expect(second.clinics).toEqual([]);
  expect((await searchMarketplace(testDb(), { q: "dr" })).doctors.length).toBeLessThanOrEqual(DIRECTORY_RESULTS);
  // Without words, only services are listed (the filters browse them).
  const browsing = await search({});
  expect(browsing.doctors).toEqual([]);
  expect(browsing.clinics).toEqual([]);
});

test("bad input is a ValidationError with a clear message, not a crash", async () => {
  await expect(searchMarketplace(testDb(), { q: "x".repeat(1_000) })).rejects.toBeInstanceOf(ValidationError);
  // Characters with a meaning in SQL patterns or full text are only text.
  const odd = await search({ q: "%_\\' Patel" });
  expect(odd.doctors.map((d) => d.name)).toEqual(["Dr. Anjali Patel"]);
});

test("a doctor's new name is searchable at once, and the old one no longer finds them", async () => {
  const clinic = await clinicWithDoctors("live", `Renaming Dental ${suffix}`, [{ key: "cleaning", name: "Dental cleaning", specialty: "General dentistry" }], [
    { name: "Dr. Beatrix Oldfield", specialty: "General dentistry", performs: ["cleaning"] },
  ]);
  await testDb()
    .forClinic(clinic.id)
    .tx((tx) => tx.staffUser.update({ where: { id: clinic.doctorIds["Dr. Beatrix Oldfield"]!.staffUserId }, data: { name: "Dr. Beatrix Newfield" } }));
  expect(await doctorNames("Oldfield")).toEqual([]);
  expect(await doctorNames("Newfeld")).toEqual(["Dr. Beatrix Newfield"]);
});

test("a deactivated doctor vanishes from the search in the same transaction, and comes back when reactivated", async () => {
  const clinic = await clinicWithDoctors("live", `Deactivating Dental ${suffix}`, [{ key: "cleaning", name: "Dental cleaning", specialty: "General dentistry" }], [
    { name: "Dr. Cornelius Wexford", specialty: "General dentistry", performs: ["cleaning"] },
  ]);
  const doctor = clinic.doctorIds["Dr. Cornelius Wexford"]!;
  expect(await doctorNames("Wexford")).toEqual(["Dr. Cornelius Wexford"]);
  const actor = { staffUserId: doctor.staffUserId, request: null };
  const db = testDb().forClinic(clinic.id);
  expect(await changeStaffMember(db, { intent: "deactivate", staffUserId: doctor.staffUserId }, actor)).toMatchObject({ ok: true });
  expect(await doctorNames("Wexford")).toEqual([]);
  expect(await doctorNames("Wexfrd")).toEqual([]);

  expect(await changeStaffMember(db, { intent: "reactivate", staffUserId: doctor.staffUserId, roles: ["doctor"] }, actor)).toMatchObject({ ok: true });
  expect(await doctorNames("Wexford")).toEqual(["Dr. Cornelius Wexford"]);
  // Put on leave (the owner's "set doctor" form): gone again.
  expect(await changeStaffMember(db, { intent: "set-doctor", staffUserId: doctor.staffUserId, specialty: "General dentistry", workStatus: "on_leave" }, actor)).toMatchObject({ ok: true });
  expect(await doctorNames("Wexford")).toEqual([]);
});

test("a doctor whose last public service is taken from them, or made internal, vanishes", async () => {
  const clinic = await clinicWithDoctors("live", `Unlisting Dental ${suffix}`, [{ key: "cleaning", name: "Dental cleaning", specialty: "General dentistry" }], [
    { name: "Dr. Ottoline Brackenbury", specialty: "General dentistry", performs: ["cleaning"] },
  ]);
  expect(await doctorNames("Brackenbury")).toEqual(["Dr. Ottoline Brackenbury"]);
  const db = testDb().forClinic(clinic.id);
  await db.tx((tx) => tx.service.update({ where: { clinicId_id: { clinicId: clinic.id, id: clinic.serviceIds.cleaning! } }, data: { visibility: "internal_only" } }));
  expect(await doctorNames("Brackenbury")).toEqual([]);
  await db.tx((tx) => tx.service.update({ where: { clinicId_id: { clinicId: clinic.id, id: clinic.serviceIds.cleaning! } }, data: { visibility: "active" } }));
  expect(await doctorNames("Brackenbury")).toEqual(["Dr. Ottoline Brackenbury"]);
  await db.tx((tx) => tx.serviceDoctor.deleteMany({ where: { clinicId: clinic.id } }));
  expect(await doctorNames("Brackenbury")).toEqual([]);
});

test("a suspended clinic's doctors and the clinic itself vanish, and come back when it is live again", async () => {
  const clinic = await clinicWithDoctors("live", `Suspending Dental ${suffix}`, [{ key: "cleaning", name: "Dental cleaning", specialty: "General dentistry" }], [
    { name: "Dr. Isadora Quenby", specialty: "General dentistry", performs: ["cleaning"] },
  ]);
  expect(await doctorNames("Quenby")).toEqual(["Dr. Isadora Quenby"]);
  expect((await search({ q: `Suspending Dental ${suffix}` })).clinics[0]?.slug).toBe(clinic.slug);

  const setStatus = (status: "live" | "suspended") =>
    testDb()
      .forClinic(clinic.id)
      .tx((tx) => tx.clinic.update({ where: { id: clinic.id }, data: { status } }));
  await setStatus("suspended");
  expect(await doctorNames("Quenby")).toEqual([]);
  const gone = await search({ q: `Suspending Dental ${suffix}` });
  expect(gone.clinics.map((c) => c.slug)).not.toContain(clinic.slug);
  expect(gone.services.results.map((r) => r.clinic.slug)).not.toContain(clinic.slug);
  expect((await search({ q: "Suspending" })).clinics).toEqual([]);

  await setStatus("live");
  expect(await doctorNames("Quenby")).toEqual(["Dr. Isadora Quenby"]);
  expect((await search({ q: "Suspendng" })).clinics.map((c) => c.slug)).toEqual([clinic.slug]);
});

test("the runtime role can read the published clinics and doctors but never write them", async () => {
  await expect(
    testDb().readPublished({ text: "UPDATE published_doctors SET name = 'Mallory' WHERE clinic_id = $1", values: [harbour.id] }),
  ).rejects.toThrow(/permission denied/);
  await expect(testDb().readPublished({ text: "DELETE FROM published_clinics WHERE clinic_id = $1", values: [harbour.id] })).rejects.toThrow(/permission denied/);
  // Nothing private is copied: the doctors' table has no e-mail, phone or role.
  const columns = await testDb().readPublished<{ column_name: string }>({
    text: "SELECT column_name FROM information_schema.columns WHERE table_name = 'published_doctors' ORDER BY ordinal_position",
    values: [],
  });
  expect(columns.map((c) => c.column_name)).toEqual(["clinic_id", "doctor_id", "clinic_slug", "clinic_name", "clinic_city", "name", "specialty", "service_names", "terms"]);
});
