import { afterAll, expect, test } from "vitest";
import { createTestClinic, testDb } from "../support/db";

afterAll(() => testDb().disconnect());

test("a clinic created in its own scope is visible there and nowhere else", async () => {
  const a = await createTestClinic();
  const b = await createTestClinic();
  const seenFromA = await testDb().forClinic(a.id).tx((tx) => tx.clinic.findMany({ select: { id: true } }));
  expect(seenFromA.map((c) => c.id)).toEqual([a.id]);
  const seenFromPlatform = await testDb().forPlatform().tx((tx) => tx.clinic.findMany());
  expect(seenFromPlatform).toEqual([]);
  expect(b.id).not.toBe(a.id);
});
