import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, expect, test } from "vitest";
import { sweepExpired } from "~/modules/platform/housekeeping.server";
import { createDb, type Db } from "~/utils/db.server";
import { RUNTIME_ROLE } from "~/utils/embedded-postgres.server";
import { migrate } from "~/utils/migrate.server";
import { createScratchDatabase, type ScratchDatabase } from "../support/scratch-database";

// The sweep deletes across every clinic, so it gets a database of its own rather than racing the
// other test files' rows.
let scratch: ScratchDatabase;
let db: Db;

beforeAll(async () => {
  scratch = await createScratchDatabase("medslot_housekeeping");
  await migrate({ ownerUrl: scratch.ownerUrl, runtimeRole: RUNTIME_ROLE });
  db = createDb(scratch.runtimeUrl, { poolSize: 4 });
});

afterAll(async () => {
  await db?.disconnect();
  await scratch?.drop();
});

const now = new Date("2026-11-21T12:00:00Z");
const ago = (ms: number) => new Date(now.getTime() - ms);
const HOUR = 3_600_000;

async function clinic(slug: string) {
  const id = randomUUID();
  await db.forClinic(id).tx((tx) => tx.clinic.create({ data: { id, slug, name: slug, timeZone: "Europe/Berlin", status: "live" } }));
  return id;
}

test("expired sessions and old codes go, in every clinic and on the platform; live ones stay", async () => {
  const [a, b] = [await clinic("sweep-a"), await clinic("sweep-b")];
  const patient = await db.forPlatform().tx((tx) => tx.patientAccount.create({ data: { phone: "+4915112345678" } }));
  const session = (clinicId: string | null, expiresAt: Date) =>
    (clinicId ? db.forClinic(clinicId) : db.forPlatform()).tx((tx) =>
      tx.session.create({ data: { id: randomUUID(), clinicId, host: "h", subject: "patient", patientAccountId: patient.id, expiresAt } }),
    );
  const code = (clinicId: string | null, expiresAt: Date) =>
    (clinicId ? db.forClinic(clinicId) : db.forPlatform()).tx((tx) =>
      tx.signInCode.create({ data: { clinicId, phone: patient.phone, codeHash: "x", expiresAt } }),
    );
  const expiredA = await session(a, ago(1));
  const liveA = await session(a, new Date(now.getTime() + HOUR));
  const expiredB = await session(b, ago(HOUR));
  const expiredPlatform = await session(null, ago(1));
  const oldCode = await code(b, ago(25 * HOUR));
  const recentCode = await code(b, ago(HOUR)); // expired, but kept a day for investigations
  await db.forPlatform().tx(async (tx) => {
    await tx.smsSendLog.create({ data: { phone: patient.phone, ip: "192.0.2.1", createdAt: ago(25 * HOUR) } });
    await tx.smsSendLog.create({ data: { phone: patient.phone, ip: "192.0.2.1", createdAt: ago(HOUR) } });
  });

  const report = await sweepExpired(db, now);
  expect(report).toMatchObject({ sessions: 3, signInCodes: 1, smsSendLog: 1 });

  const remainingA = await db.forClinic(a).tx((tx) => tx.session.findMany({ select: { id: true } }));
  expect(remainingA.map((s) => s.id)).toEqual([liveA.id]);
  expect(await db.forClinic(b).tx((tx) => tx.session.findUnique({ where: { id: expiredB.id } }))).toBeNull();
  expect(await db.forPlatform().tx((tx) => tx.session.findUnique({ where: { id: expiredPlatform.id } }))).toBeNull();
  expect(await db.forClinic(a).tx((tx) => tx.session.findUnique({ where: { id: expiredA.id } }))).toBeNull();
  const codes = await db.forClinic(b).tx((tx) => tx.signInCode.findMany({ select: { id: true } }));
  expect(codes.map((c) => c.id)).toEqual([recentCode.id]);
  expect(codes.map((c) => c.id)).not.toContain(oldCode.id);
  expect(await db.forPlatform().tx((tx) => tx.smsSendLog.count())).toBe(1);

  // A second sweep finds nothing left to do.
  // Holds and offers of other test files' clinics may fall due meanwhile; this file's rows are gone.
  expect(await sweepExpired(db, now)).toMatchObject({ sessions: 0, signInCodes: 0, smsSendLog: 0, staffSignInAttempts: 0, passwordResets: 0, devOutboxMessages: 0 });
});

test("a network's count of wrong passwords goes after a day without failures; a recent one stays", async () => {
  await db.forPlatform().tx(async (tx) => {
    await tx.staffSignInDelay.create({ data: { accountRef: "housekeeping-old", network: "192.0.2.0/24", failures: 6, lastFailureAt: ago(25 * HOUR), retryAt: ago(25 * HOUR - 8_000) } });
    await tx.staffSignInDelay.create({ data: { accountRef: "housekeeping-new", network: "192.0.2.0/24", failures: 6, lastFailureAt: ago(HOUR), retryAt: ago(HOUR - 8_000) } });
  });
  expect(await sweepExpired(db, now)).toMatchObject({ staffSignInDelays: 1 });
  const left = await db.forPlatform().tx((tx) => tx.staffSignInDelay.findMany({ where: { accountRef: { startsWith: "housekeeping-" } } }));
  expect(left.map((r) => r.accountRef)).toEqual(["housekeeping-new"]);
});

test("API rate buckets idle for an hour go (a full bucket is the same as none); busy ones stay", async () => {
  await db.forPlatform().tx(async (tx) => {
    await tx.apiRateBucket.create({ data: { bucket: "ip:192.0.2.7", tokens: 3, refilledAt: ago(2 * HOUR) } });
    await tx.apiRateBucket.create({ data: { bucket: "ip:192.0.2.8", tokens: 3, refilledAt: ago(60_000) } });
  });
  expect(await sweepExpired(db, now)).toMatchObject({ apiRateBuckets: 1 });
  expect((await db.forPlatform().tx((tx) => tx.apiRateBucket.findMany({ select: { bucket: true } }))).map((b) => b.bucket)).toEqual(["ip:192.0.2.8"]);
});
