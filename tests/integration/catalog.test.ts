import { afterAll, expect, test } from "vitest";
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
