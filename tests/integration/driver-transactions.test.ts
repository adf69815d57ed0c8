/**
 * Transactions on the driver (`sqlTx`), where BEGIN rides with the first statement and COMMIT with
 * the last: all or nothing still holds, and nothing can run after the committing statement.
 */
import { afterAll, beforeAll, expect, test } from "vitest";
import { Prisma } from "~/generated/prisma/client";
import { usPhone } from "../support/api-client";
import { testDb } from "../support/db";
import { createScheduleFixture, type ScheduleFixture } from "../support/scheduling";

let f: ScheduleFixture;
beforeAll(async () => {
  f = await createScheduleFixture({ doctors: 1 });
});
afterAll(async () => {
  await testDb().disconnect();
});

const accounts = (phone: string) => testDb().system("test: accounts by phone").tx((tx) => tx.patientAccount.count({ where: { phone } }));
const addAccount = (phone: string) => Prisma.sql`INSERT INTO patient_accounts (phone) VALUES (${phone}) RETURNING id`;

test("a statement that fails undoes the ones before it, the first included", async () => {
  const phone = usPhone();
  await expect(
    testDb()
      .forClinic(f.clinic.id)
      .sqlTx(async (tx) => {
        await tx.$queryRaw(addAccount(phone));
        await tx.$queryRaw`SELECT 1 / ${0}::int`;
      }),
  ).rejects.toThrow(/division by zero/);
  expect(await accounts(phone)).toBe(0);
});

test("a committing statement that fails commits nothing", async () => {
  const [first, second] = [usPhone(), usPhone()];
  await expect(
    testDb()
      .forClinic(f.clinic.id)
      .sqlTx(async (tx) => {
        await tx.$queryRaw(addAccount(first));
        await tx.$queryRaw(addAccount(second));
        await tx.$queryRawAndCommit!(addAccount(first));
      }),
  ).rejects.toThrow(/duplicate key/);
  expect([await accounts(first), await accounts(second)]).toEqual([0, 0]);
});

test("the committing statement commits the whole transaction, and nothing may follow it", async () => {
  const [first, second, third] = [usPhone(), usPhone(), usPhone()];
  await expect(
    testDb()
      .forClinic(f.clinic.id)
      .sqlTx(async (tx) => {
        await tx.$queryRaw(addAccount(first));
        await tx.$queryRawAndCommit!(addAccount(second));
        await tx.$queryRaw(addAccount(third));
      }),
  ).rejects.toThrow(/after the one that committed/);
  expect([await accounts(first), await accounts(second), await accounts(third)]).toEqual([1, 1, 0]);
});

test("the scope holds from the first statement: another clinic's rows stay invisible", async () => {
  const other = await createScheduleFixture({ doctors: 1 });
  const seen = await testDb()
    .forClinic(f.clinic.id)
    .sqlTx((tx) => tx.$queryRaw<{ n: number }[]>`SELECT count(*)::int AS n FROM services WHERE clinic_id = ${other.clinic.id}::uuid`);
  expect(seen).toEqual([{ n: 0 }]);
  const own = await testDb()
    .forClinic(other.clinic.id)
    .sqlTx((tx) => tx.$queryRaw<{ n: number }[]>`SELECT count(*)::int AS n FROM services WHERE clinic_id = ${other.clinic.id}::uuid`);
  expect(own[0]!.n).toBeGreaterThan(0);
});
