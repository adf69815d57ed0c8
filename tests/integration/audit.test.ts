import { randomUUID } from "node:crypto";
import { afterAll, describe, expect, test } from "vitest";
import { auditContextFromRequest, listAuditEvents, recordAudit } from "~/modules/audit/audit.server";
import { ValidationError } from "~/utils/errors.server";
import { createTestClinic, runtimePg, testDb } from "../support/db";

afterAll(() => testDb().disconnect());

const request = { ip: "203.0.113.9", userAgent: "Mozilla/5.0 test", requestId: "req-audit" };

describe("audit log", () => {
  test("records who did what to which record from where, and reads it back", async () => {
    const clinic = await createTestClinic();
    const staffId = randomUUID();
    const { id } = await testDb()
      .forClinic(clinic.id)
      .tx((tx) =>
        recordAudit(tx, {
          clinicId: clinic.id,
          actor: { type: "staff", id: staffId },
          action: "staff.sign_in",
          target: { type: "staff_user", id: staffId },
          request,
          details: { method: "password" },
        }),
      );
    const page = await testDb().forClinic(clinic.id).tx((tx) => listAuditEvents(tx, { clinicId: clinic.id, limit: 10 }));
    expect(page.nextCursor).toBeNull();
    expect(page.events).toHaveLength(1);
    expect(page.events[0]).toMatchObject({
      id,
      clinicId: clinic.id,
      actor: { type: "staff", id: staffId },
      action: "staff.sign_in",
      target: { type: "staff_user", id: staffId },
      ip: "203.0.113.9",
      userAgent: "Mozilla/5.0 test",
      requestId: "req-audit",
      details: { method: "password" },
    });
    expect(page.events[0]!.occurredAt).toBeInstanceOf(Date);
  });

  test("platform events (no clinic) live in the platform's own log", async () => {
    const action = `patient.sign_in_${randomUUID().slice(0, 8)}`.replace(/-/g, "_");
    await testDb().forPlatform().tx((tx) => recordAudit(tx, { clinicId: null, actor: { type: "anonymous" }, action, request }));
    const page = await testDb().forPlatform().tx((tx) => listAuditEvents(tx, { clinicId: null, action, limit: 5 }));
    expect(page.events.map((e) => e.action)).toEqual([action]);
    expect(page.events[0]!.actor).toEqual({ type: "anonymous", id: null });
  });

  test("filters by time, actor and action, newest first, paged by cursor", async () => {
    const clinic = await createTestClinic();
    const alice = randomUUID();
    const bob = randomUUID();
    await testDb()
      .forClinic(clinic.id)
      .tx(async (tx) => {
        for (let i = 0; i < 5; i++) await recordAudit(tx, { clinicId: clinic.id, actor: { type: "staff", id: alice }, action: "staff.sign_in" });
        await recordAudit(tx, { clinicId: clinic.id, actor: { type: "staff", id: bob }, action: "staff.sign_in_failed" });
        await recordAudit(tx, { clinicId: clinic.id, actor: { type: "staff", id: bob }, action: "staff.locked_out" });
      });
    const scope = testDb().forClinic(clinic.id);

    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const page = await scope.tx((tx) => listAuditEvents(tx, { clinicId: clinic.id, actorId: alice, limit: 2, cursor }));
      seen.push(...page.events.map((e) => e.id));
      for (const e of page.events) expect(e.actor.id).toBe(alice);
      cursor = page.nextCursor;
      pages++;
    } while (cursor);
    expect(pages).toBe(3);
    expect(new Set(seen).size).toBe(5);

    const all = await scope.tx((tx) => listAuditEvents(tx, { clinicId: clinic.id, limit: 100 }));
    expect(all.events).toHaveLength(7);
    for (let i = 1; i < all.events.length; i++) {
      expect(all.events[i - 1]!.occurredAt.getTime()).toBeGreaterThanOrEqual(all.events[i]!.occurredAt.getTime());
    }

    const lockouts = await scope.tx((tx) => listAuditEvents(tx, { clinicId: clinic.id, action: "staff.locked_out", limit: 10 }));
    expect(lockouts.events.map((e) => e.actor.id)).toEqual([bob]);

    const future = await scope.tx((tx) => listAuditEvents(tx, { clinicId: clinic.id, from: new Date(Date.now() + 60_000), limit: 10 }));
    expect(future.events).toEqual([]);
    const past = await scope.tx((tx) => listAuditEvents(tx, { clinicId: clinic.id, to: new Date(Date.now() - 3_600_000), limit: 10 }));
    expect(past.events).toEqual([]);
  });

  test("a forged cursor is a validation error", async () => {
    const clinic = await createTestClinic();
    await expect(testDb().forClinic(clinic.id).tx((tx) => listAuditEvents(tx, { clinicId: clinic.id, limit: 5, cursor: "bm9wZQ" }))).rejects.toBeInstanceOf(ValidationError);
  });

  test("actions must be dotted names", async () => {
    const clinic = await createTestClinic();
    await expect(testDb().forClinic(clinic.id).tx((tx) => recordAudit(tx, { clinicId: clinic.id, actor: { type: "system" }, action: "Sign In" }))).rejects.toThrow(/dotted/);
  });

  test("an event commits with the change it describes, or not at all", async () => {
    const clinic = await createTestClinic();
    await expect(
      testDb()
        .forClinic(clinic.id)
        .tx(async (tx) => {
          await recordAudit(tx, { clinicId: clinic.id, actor: { type: "system" }, action: "clinic.updated" });
          throw new Error("change failed");
        }),
    ).rejects.toThrow("change failed");
    const page = await testDb().forClinic(clinic.id).tx((tx) => listAuditEvents(tx, { clinicId: clinic.id, limit: 5 }));
    expect(page.events).toEqual([]);
  });
});

describe("audit log is append-only for the runtime role", () => {
  test("Prisma cannot update or delete audit events", async () => {
    const clinic = await createTestClinic();
    const scope = testDb().forClinic(clinic.id);
    const { id } = await scope.tx((tx) => recordAudit(tx, { clinicId: clinic.id, actor: { type: "system" }, action: "clinic.created" }));
    await expect(scope.tx((tx) => tx.auditEvent.update({ where: { id }, data: { action: "clinic.deleted" } }))).rejects.toThrow(/permission denied|append-only/);
    await expect(scope.tx((tx) => tx.auditEvent.delete({ where: { id } }))).rejects.toThrow(/permission denied|append-only/);
    await expect(scope.tx((tx) => tx.auditEvent.deleteMany({}))).rejects.toThrow(/permission denied|append-only/);
    const after = await scope.tx((tx) => listAuditEvents(tx, { clinicId: clinic.id, limit: 5 }));
    expect(after.events.map((e) => [e.id, e.action])).toEqual([[id, "clinic.created"]]);
  });

  test("raw SQL cannot update, delete or truncate audit events, but can insert and read", async () => {
    const clinic = await createTestClinic();
    const pg = await runtimePg();
    try {
      await pg.query("BEGIN");
      await pg.query("SELECT set_config('app.clinic_id', $1, true)", [clinic.id]);
      const inserted = await pg.query<{ id: string }>(
        "INSERT INTO audit_events (clinic_id, actor_type, action) VALUES ($1, 'system', 'clinic.created') RETURNING id",
        [clinic.id],
      );
      const id = inserted.rows[0]!.id;
      const read = await pg.query("SELECT action FROM audit_events WHERE id = $1", [id]);
      expect(read.rows).toEqual([{ action: "clinic.created" }]);
      await pg.query("COMMIT");

      for (const sql of [
        "UPDATE audit_events SET action = 'clinic.deleted' WHERE id = $1",
        "DELETE FROM audit_events WHERE id = $1",
        "TRUNCATE audit_events",
      ]) {
        await pg.query("BEGIN");
        await pg.query("SELECT set_config('app.clinic_id', $1, true)", [clinic.id]);
        await expect(pg.query(sql, sql.includes("$1") ? [id] : [])).rejects.toThrow(/permission denied|append-only/);
        await pg.query("ROLLBACK");
      }

      const still = await testDb().forClinic(clinic.id).tx((tx) => listAuditEvents(tx, { clinicId: clinic.id, limit: 5 }));
      expect(still.events.map((e) => e.action)).toEqual(["clinic.created"]);
    } finally {
      await pg.end();
    }
  });
});

describe("audit log is per clinic", () => {
  test("clinic A's scope can neither read nor write clinic B's audit events", async () => {
    const a = await createTestClinic();
    const b = await createTestClinic();
    const { id: bEvent } = await testDb().forClinic(b.id).tx((tx) => recordAudit(tx, { clinicId: b.id, actor: { type: "system" }, action: "clinic.created" }));

    const fromA = testDb().forClinic(a.id);
    expect((await fromA.tx((tx) => listAuditEvents(tx, { clinicId: b.id, limit: 10 }))).events).toEqual([]);
    expect(await fromA.tx((tx) => tx.auditEvent.findUnique({ where: { id: bEvent } }))).toBeNull();
    await expect(fromA.tx((tx) => recordAudit(tx, { clinicId: b.id, actor: { type: "system" }, action: "clinic.updated" }))).rejects.toThrow(/row-level security/);

    // Neither the platform scope nor the system scope reads clinic audit logs.
    expect(await testDb().forPlatform().tx((tx) => tx.auditEvent.findUnique({ where: { id: bEvent } }))).toBeNull();
    expect(await testDb().system("audit test").tx((tx) => tx.auditEvent.findUnique({ where: { id: bEvent } }))).toBeNull();

    const pg = await runtimePg();
    try {
      await pg.query("BEGIN");
      await pg.query("SELECT set_config('app.clinic_id', $1, true)", [a.id]);
      const raw = await pg.query("SELECT id FROM audit_events WHERE clinic_id = $1", [b.id]);
      expect(raw.rows).toEqual([]);
      await pg.query("ROLLBACK");
    } finally {
      await pg.end();
    }
  });
});

describe("auditContextFromRequest", () => {
  test("takes the address and request id from the load context and the user agent from the request", () => {
    const req = new Request("http://northside.localhost/panel", { headers: { "User-Agent": "Firefox" } });
    expect(auditContextFromRequest(req, { requestId: "r-1", clientIp: "198.51.100.4" })).toEqual({ ip: "198.51.100.4", userAgent: "Firefox", requestId: "r-1" });
    expect(auditContextFromRequest(new Request("http://localhost/"), { requestId: "r-2", clientIp: "unknown" })).toEqual({ ip: null, userAgent: null, requestId: "r-2" });
  });
});
