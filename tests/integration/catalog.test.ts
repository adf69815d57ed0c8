import { randomUUID } from "node:crypto";
import { afterAll, describe, expect, test } from "vitest";
import { listPublishedClinics, PUBLISHED_CLINIC_FIELDS } from "~/modules/marketplace/catalog.server";
import { createTestClinic, testDb } from "../support/db";

afterAll(() => testDb().disconnect());

test("only live clinics appear in the published catalog", async () => {
  const live = await createTestClinic({ status: "live" });
  const draft = await createTestClinic({ status: "draft" });
  const suspended = await createTestClinic({ status: "suspended" });

  const slugs = (await listPublishedClinics(testDb())).map((c) => c.slug);
  expect(slugs).toContain(live.slug);
  expect(slugs).not.toContain(draft.slug);
  expect(slugs).not.toContain(suspended.slug);
});

test("a clinic card carries exactly the published fields and nothing else", async () => {
  const clinic = await createTestClinic({ status: "live" });
  await testDb()
    .forClinic(clinic.id)
    .tx(async (tx) => {
      await tx.clinic.update({
        where: { id: clinic.id },
        data: {
          tagline: "Family medicine",
          city: "Springfield",
          specialties: ["Pediatrics"],
          contactPhone: "+12125550100",
          contactEmail: "front-desk@example.test",
          description: "Not part of the card",
          logoData: Buffer.from("<svg/>"),
          logoType: "image/svg+xml",
          logoUpdatedAt: new Date("2026-01-01T00:00:00Z"),
        },
      });
      for (const key of ["main", "east"]) {
        await tx.location.create({ data: { clinicId: clinic.id, key, name: key, addressLine1: "1 Main St", city: "Springfield", country: "US" } });
      }
      const staff = await tx.staffUser.create({ data: { email: `${clinic.slug}@example.test`, name: "Dr Hidden", passwordHash: "x" } });
      await tx.clinicMembership.create({ data: { clinicId: clinic.id, staffUserId: staff.id, role: "doctor", specialty: "Pediatrics" } });
    });

  const card = (await listPublishedClinics(testDb())).find((c) => c.slug === clinic.slug);
  expect(card).toBeDefined();
  expect(Object.keys(card!).sort()).toEqual([...PUBLISHED_CLINIC_FIELDS].sort());
  expect(card).toMatchObject({ tagline: "Family medicine", city: "Springfield", specialties: ["Pediatrics"], hasLogo: true, locationCount: 2 });
  expect(card!.logoVersion).toBe(new Date("2026-01-01T00:00:00Z").getTime());
  const text = JSON.stringify(card);
  for (const secret of ["+12125550100", "front-desk@example.test", "Not part of the card", "Dr Hidden", clinic.id]) {
    expect(text).not.toContain(secret);
  }
});

describe("searching the published catalog", () => {
  // A token of its own keeps other test files' clinics out of these results.
  const tok = `q${randomUUID().slice(0, 8)}`;

  async function clinicWith(status: "draft" | "live" | "suspended", data: { name?: string; city?: string; tagline?: string; specialties?: string[] }) {
    const clinic = await createTestClinic({ status, name: data.name });
    await testDb()
      .forClinic(clinic.id)
      .tx((tx) => tx.clinic.update({ where: { id: clinic.id }, data: { city: data.city, tagline: data.tagline, specialties: data.specialties } }));
    return clinic.slug;
  }

  const search = async (q: string) => (await listPublishedClinics(testDb(), { search: q })).map((c) => c.slug).sort();

  test("matches name, city, tagline and specialty, case-insensitively, and only live clinics", async () => {
    const bySpecialty = await clinicWith("live", { specialties: ["Pediatrics", `Osteo${tok}pathy`] });
    const byCity = await clinicWith("live", { city: `Port ${tok}ville` });
    const byName = await clinicWith("live", { name: `The ${tok} Practice` });
    const byTagline = await clinicWith("live", { tagline: `Care for ${tok} families` });
    const draft = await clinicWith("draft", { city: `Port ${tok}ville`, specialties: [`Osteo${tok}pathy`] });
    const suspended = await clinicWith("suspended", { city: `Port ${tok}ville`, specialties: [`Osteo${tok}pathy`] });

    expect(await search(`OSTEO${tok.toUpperCase()}`)).toEqual([bySpecialty]);
    expect(await search(`port ${tok}`)).toEqual([byCity]);
    expect(await search(`  ${tok}  practice `)).toEqual([byName]);
    expect(await search(`for ${tok}`)).toEqual([byTagline]);
    const all = await search(tok);
    expect(all).toEqual([bySpecialty, byCity, byName, byTagline].sort());
    expect(all).not.toContain(draft);
    expect(all).not.toContain(suspended);
    expect(await search(`${tok}-nothing-like-this`)).toEqual([]);
  });

  test("%, _ and \\ in the search are plain characters, not wildcards", async () => {
    const literal = await clinicWith("live", { tagline: `Open 100% ${tok}_days a\\week` });
    const lookalike = await clinicWith("live", { tagline: `Open 1000 ${tok}Xdays aXweek` });

    expect(await search(`100% ${tok}_days`)).toEqual([literal]);
    expect(await search(`${tok}_`)).toEqual([literal]);
    expect(await search(`a\\week`)).toContain(literal);
    expect(await search(`a\\week`)).not.toContain(lookalike);
    expect(await search(`%${tok}`)).toEqual([]);
    expect(await search(`${tok}%days`)).toEqual([]);
    // Without a search every live clinic is listed, both of these among them.
    expect((await listPublishedClinics(testDb(), { search: "   " })).map((c) => c.slug)).toEqual(expect.arrayContaining([literal, lookalike]));
  });
});
