import { afterAll, expect, test } from "vitest";
import { getClinicDirectory } from "~/modules/platform/clinic-directory.server";
import { createTestClinic, testDb } from "../support/db";

afterAll(() => testDb().disconnect());

test("the platform directory lists clinics of every status with counts, and no contacts", async () => {
  const draft = await createTestClinic({ status: "draft" });
  const suspended = await createTestClinic({ status: "suspended" });
  await testDb()
    .forClinic(draft.id)
    .tx(async (tx) => {
      await tx.clinic.update({ where: { id: draft.id }, data: { contactEmail: "private@example.test" } });
      await tx.location.create({ data: { clinicId: draft.id, key: "main", name: "Main", addressLine1: "1 Main St", city: "Springfield", country: "US" } });
      const person = await tx.staffUser.create({ data: { email: `${draft.slug}@example.test`, name: "Owner and doctor", passwordHash: "x" } });
      // Two roles, one person: counted once.
      await tx.clinicMembership.create({ data: { clinicId: draft.id, staffUserId: person.id, role: "owner" } });
      await tx.clinicMembership.create({ data: { clinicId: draft.id, staffUserId: person.id, role: "doctor" } });
    });

  const { clinics, counts } = await getClinicDirectory(testDb());
  const row = clinics.find((c) => c.id === draft.id);
  expect(row).toMatchObject({ status: "draft", locationCount: 1, staffCount: 1 });
  expect(clinics.find((c) => c.id === suspended.id)?.status).toBe("suspended");
  expect(JSON.stringify(clinics)).not.toContain("private@example.test");
  expect(counts.clinicsByStatus.draft).toBeGreaterThanOrEqual(1);
  expect(counts.clinicsByStatus.suspended).toBeGreaterThanOrEqual(1);
  expect(counts.clinics).toBe(clinics.length);
});
