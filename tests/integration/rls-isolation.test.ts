/**
 * The proof of clinic isolation. Every table in schema public with a clinic_id column (and clinics,
 * keyed by its id) is found in pg_catalog, one row is created in clinic A and one in clinic B, and
 * clinic A's scope must be unable to read, insert, update or delete B's row — with raw SQL as the
 * runtime role and through the app's clinic-scoped client. A new clinic table without a fixture in
 * tests/support/clinic-fixtures.ts fails here.
 *
 * Other test files share the database, so assertions only concern rows created here.
 */
import { randomUUID } from "node:crypto";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, inject, test } from "vitest";
import { clinicRowFixtures, pgSql, prismaSql, type ClinicRowFixture, type PrimaryKey } from "../support/clinic-fixtures";
import { runtimePg, testDb } from "../support/db";
import { readPrismaSchema } from "../support/prisma-schema";
import { sqlStateOf } from "~/utils/db-errors.server";
import { PUBLISHED_TABLES } from "~/utils/migrate.server";

interface ClinicTable {
  name: string;
  /** The column that names the clinic: clinic_id, or id for clinics itself. */
  clinicColumn: string;
  rowSecurity: boolean;
  forcedRowSecurity: boolean;
  canUpdate: boolean;
  canDelete: boolean;
  primaryKey: { column: string; type: string }[];
}

async function findClinicTables(): Promise<ClinicTable[]> {
  const client = await runtimePg();
  try {
    const { rows } = await client.query<ClinicTable>(`
      SELECT c.relname AS name,
             CASE WHEN c.relname = 'clinics' THEN 'id' ELSE 'clinic_id' END AS "clinicColumn",
             c.relrowsecurity AS "rowSecurity",
             c.relforcerowsecurity AS "forcedRowSecurity",
             has_table_privilege(c.oid, 'UPDATE') AS "canUpdate",
             has_table_privilege(c.oid, 'DELETE') AS "canDelete",
             coalesce((SELECT json_agg(json_build_object('column', a.attname, 'type', format_type(a.atttypid, a.atttypmod)) ORDER BY k.ord)
                         FROM pg_index i
                         CROSS JOIN LATERAL unnest(i.indkey) WITH ORDINALITY k(attnum, ord)
                         JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum = k.attnum
                        WHERE i.indrelid = c.oid AND i.indisprimary), '[]') AS "primaryKey"
        FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
       WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p')
         AND (c.relname = 'clinics' OR EXISTS (
               SELECT 1 FROM pg_attribute a WHERE a.attrelid = c.oid AND a.attname = 'clinic_id' AND a.attnum > 0 AND NOT a.attisdropped))
       ORDER BY c.relname`);
    return rows;
  } finally {
    await client.end();
  }
}

// Published copies of public data (the marketplace's search index) have no row-level security by
// design; the runtime role may only read them (tested below).
const clinicTables = (await findClinicTables()).filter((t) => !PUBLISHED_TABLES.has(t.name));
const tableNames = clinicTables.map((t) => t.name);
const schema = readPrismaSchema();

/** The SQLSTATE of a failure from pg or from Prisma, or the privilege error named in its message. */
function sqlState(error: unknown): string | undefined {
  const message = error instanceof Error ? error.message : String(error);
  return sqlStateOf(error) ?? /\b(42501)\b/.exec(message)?.[1];
}

async function expectRefused(action: Promise<unknown>, what: string) {
  let failure: unknown;
  try {
    await action;
  } catch (error) {
    failure = error;
  }
  if (!failure) throw new Error(`${what}: expected an RLS or privilege refusal (SQLSTATE 42501), but it succeeded`);
  const state = sqlState(failure);
  if (state !== "42501") throw new Error(`${what}: expected SQLSTATE 42501, got ${state ?? "none"}: ${(failure as Error).message}`);
}

function fixtureFor(table: string): ClinicRowFixture {
  const fixture = clinicRowFixtures[table];
  if (!fixture) throw new Error(`No fixture for clinic table "${table}": add one to tests/support/clinic-fixtures.ts`);
  return fixture;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

let client: pg.Client;

/** One transaction as the runtime role with `SET LOCAL app.clinic_id` (empty: no clinic). */
async function inScope<T>(clinicId: string | null, fn: (c: pg.Client) => Promise<T>): Promise<T> {
  if (clinicId !== null && !UUID.test(clinicId)) throw new Error(`not a clinic id: ${clinicId}`);
  await client.query("BEGIN");
  try {
    await client.query(`SET LOCAL app.clinic_id = '${clinicId ?? ""}'`);
    const result = await fn(client);
    await client.query("COMMIT");
    return result;
  } catch (error) {
    await client.query("ROLLBACK");
    throw error;
  }
}

function keyOf(table: ClinicTable, pk: PrimaryKey, firstParam = 1) {
  if (!table.primaryKey.length) throw new Error(`${table.name} has no primary key`);
  const where = table.primaryKey.map((k, i) => `"${k.column}" = $${firstParam + i}::${k.type}`).join(" AND ");
  const params = table.primaryKey.map((k) => {
    const value = pk[k.column];
    if (value === undefined) throw new Error(`fixture for ${table.name} did not return primary key column ${k.column}`);
    return value;
  });
  return { where, params };
}

const selectRow = (t: ClinicTable, pk: PrimaryKey) => {
  const key = keyOf(t, pk);
  return { text: `SELECT row_to_json(r)::text AS row FROM "${t.name}" r WHERE ${key.where}`, params: key.params };
};
// A no-op assignment: enough for RLS to decide whether the row is visible to UPDATE.
const touchRow = (t: ClinicTable, pk: PrimaryKey) => {
  const key = keyOf(t, pk);
  const col = t.primaryKey[0]!.column;
  return { text: `UPDATE "${t.name}" SET "${col}" = "${col}" WHERE ${key.where}`, params: key.params };
};
const moveRow = (t: ClinicTable, pk: PrimaryKey, toClinic: string) => {
  const key = keyOf(t, pk, 2);
  return { text: `UPDATE "${t.name}" SET "${t.clinicColumn}" = $1::uuid WHERE ${key.where}`, params: [toClinic, ...key.params] };
};
const deleteRow = (t: ClinicTable, pk: PrimaryKey) => {
  const key = keyOf(t, pk);
  return { text: `DELETE FROM "${t.name}" WHERE ${key.where}`, params: key.params };
};

function modelDelegate(table: string) {
  const model = schema.models.find((m) => m.table === table);
  if (!model) throw new Error(`schema.prisma has no model for table ${table}`);
  const column = table === "clinics" ? "id" : "clinic_id";
  const field = model.fields.find((f) => f.column === column)!;
  const delegate = model.name[0]!.toLowerCase() + model.name.slice(1);
  return { delegate, field: field.name };
}

const clinicA = randomUUID();
const clinicB = randomUUID();

beforeAll(async () => {
  client = await runtimePg();
  for (const id of [clinicA, clinicB]) await inScope(id, (c) => fixtureFor("clinics")(pgSql(c), id));
});

afterAll(async () => {
  await client.end();
  await testDb().disconnect();
});

test("pg_catalog lists the clinic tables, and every one has a fixture", () => {
  expect(tableNames).toContain("clinics");
  expect(tableNames.length).toBeGreaterThan(1);
  const missing = tableNames.filter((t) => !clinicRowFixtures[t]);
  expect(missing, `clinic tables without a fixture in tests/support/clinic-fixtures.ts: ${missing.join(", ")}`).toEqual([]);
});

test("published tables can only be read by the runtime role: it cannot insert, change or delete their rows", async () => {
  const c = await runtimePg();
  try {
    for (const table of PUBLISHED_TABLES) {
      const { rows } = await c.query<{ sel: boolean; ins: boolean; upd: boolean; del: boolean; trunc: boolean }>(
        `SELECT has_table_privilege($1, 'SELECT') AS sel, has_table_privilege($1, 'INSERT') AS ins, has_table_privilege($1, 'UPDATE') AS upd,
                has_table_privilege($1, 'DELETE') AS del, has_table_privilege($1, 'TRUNCATE') AS trunc`,
        [table],
      );
      expect(rows[0], table).toEqual({ sel: true, ins: false, upd: false, del: false, trunc: false });
    }
  } finally {
    await c.end();
  }
});

test("every clinic table has row-level security enabled and forced", () => {
  const unprotected = clinicTables.filter((t) => !t.rowSecurity || !t.forcedRowSecurity).map((t) => `${t.name} (enabled=${t.rowSecurity}, forced=${t.forcedRowSecurity})`);
  expect(unprotected).toEqual([]);
});

describe.each(clinicTables)("$name", (table) => {
  let rowA: PrimaryKey;
  let rowB: PrimaryKey;
  let snapshotB: string;

  beforeAll(async () => {
    const fixture = fixtureFor(table.name);
    if (table.name === "clinics") {
      rowA = { id: clinicA };
      rowB = { id: clinicB };
    } else {
      rowA = await inScope(clinicA, (c) => fixture(pgSql(c), clinicA));
      rowB = await inScope(clinicB, (c) => fixture(pgSql(c), clinicB));
    }
    const q = selectRow(table, rowB);
    const { rows } = await inScope(clinicB, (c) => c.query<{ row: string }>(q.text, q.params));
    expect(rows).toHaveLength(1);
    snapshotB = rows[0]!.row;
  });

  async function expectBIntact() {
    const q = selectRow(table, rowB);
    const { rows } = await inScope(clinicB, (c) => c.query<{ row: string }>(q.text, q.params));
    expect(rows.map((r) => r.row), `clinic B's ${table.name} row changed or vanished`).toEqual([snapshotB]);
  }

  test("raw SQL in clinic A's scope cannot read, insert, update or delete clinic B's row", async () => {
    // A's own row is visible, so an empty answer for B means RLS, not a wrong query.
    const own = selectRow(table, rowA);
    expect((await inScope(clinicA, (c) => c.query(own.text, own.params))).rowCount).toBe(1);

    const read = selectRow(table, rowB);
    expect((await inScope(clinicA, (c) => c.query(read.text, read.params))).rows).toEqual([]);

    await expectRefused(
      inScope(clinicA, (c) => fixtureFor(table.name)(pgSql(c), clinicB)),
      `INSERT into ${table.name} with clinic B's id in A's scope`,
    );

    const touch = touchRow(table, rowB);
    if (table.canUpdate) expect((await inScope(clinicA, (c) => c.query(touch.text, touch.params))).rowCount).toBe(0);
    else await expectRefused(inScope(clinicA, (c) => c.query(touch.text, touch.params)), `UPDATE of ${table.name}`);

    const move = moveRow(table, rowA, clinicB);
    await expectRefused(inScope(clinicA, (c) => c.query(move.text, move.params)), `UPDATE moving A's ${table.name} row to clinic B`);

    const del = deleteRow(table, rowB);
    if (table.canDelete) expect((await inScope(clinicA, (c) => c.query(del.text, del.params))).rowCount).toBe(0);
    else await expectRefused(inScope(clinicA, (c) => c.query(del.text, del.params)), `DELETE from ${table.name}`);

    await expectBIntact();
  });

  test("the app's clinic-scoped client for clinic A cannot read, insert, update or delete clinic B's row", async () => {
    const db = testDb();
    const { delegate, field } = modelDelegate(table.name);
    type Counter = { count(args: { where: Record<string, string> }): Promise<number> };
    const count = (clinicId: string, ofClinic: string) =>
      db.forClinic(clinicId).tx((tx) => (tx as unknown as Record<string, Counter>)[delegate]!.count({ where: { [field]: ofClinic } }));
    expect(await count(clinicB, clinicB)).toBeGreaterThanOrEqual(1);
    expect(await count(clinicA, clinicB)).toBe(0);

    const read = selectRow(table, rowB);
    expect(await db.forClinic(clinicA).tx((tx) => tx.$queryRawUnsafe<unknown[]>(read.text, ...read.params))).toEqual([]);

    await expectRefused(
      db.forClinic(clinicA).tx((tx) => fixtureFor(table.name)(prismaSql(tx), clinicB)),
      `INSERT into ${table.name} with clinic B's id through forClinic(A)`,
    );

    const touch = touchRow(table, rowB);
    const update = db.forClinic(clinicA).tx((tx) => tx.$executeRawUnsafe(touch.text, ...touch.params));
    if (table.canUpdate) expect(await update).toBe(0);
    else await expectRefused(update, `UPDATE of ${table.name} through forClinic(A)`);

    const move = moveRow(table, rowA, clinicB);
    await expectRefused(
      db.forClinic(clinicA).tx((tx) => tx.$executeRawUnsafe(move.text, ...move.params)),
      `UPDATE moving A's ${table.name} row to clinic B through forClinic(A)`,
    );

    const del = deleteRow(table, rowB);
    const deletion = db.forClinic(clinicA).tx((tx) => tx.$executeRawUnsafe(del.text, ...del.params));
    if (table.canDelete) expect(await deletion).toBe(0);
    else await expectRefused(deletion, `DELETE from ${table.name} through forClinic(A)`);

    await expectBIntact();
  });

  test("the platform scope (no clinic) sees neither clinic's row", async () => {
    for (const row of [rowA, rowB]) {
      const q = selectRow(table, row);
      expect((await inScope(null, (c) => c.query(q.text, q.params))).rows).toEqual([]);
      expect(await testDb().forPlatform().tx((tx) => tx.$queryRawUnsafe<unknown[]>(q.text, ...q.params))).toEqual([]);
    }
  });
});

describe("audit events", () => {
  test("are append-only: UPDATE and DELETE are refused even in the event's own clinic scope", async () => {
    const { id } = await inScope(clinicA, (c) => fixtureFor("audit_events")(pgSql(c), clinicA));
    await expectRefused(
      inScope(clinicA, (c) => c.query(`UPDATE audit_events SET action = 'rewritten' WHERE id = $1::uuid`, [id])),
      "UPDATE of an audit event in its own clinic's scope",
    );
    await expectRefused(
      inScope(clinicA, (c) => c.query(`DELETE FROM audit_events WHERE id = $1::uuid`, [id])),
      "DELETE of an audit event in its own clinic's scope",
    );
    await expectRefused(
      testDb().forClinic(clinicA).tx((tx) => tx.auditEvent.deleteMany({ where: { id } })),
      "deleteMany of an audit event through forClinic(A)",
    );
    const { rows } = await inScope(clinicA, (c) => c.query<{ action: string }>(`SELECT action FROM audit_events WHERE id = $1::uuid`, [id]));
    expect(rows).toEqual([{ action: "fixture.created" }]);
  });

  test("refuse UPDATE, DELETE and TRUNCATE even for a superuser (the trigger, not only the grants)", async () => {
    const superuserUrl = inject("superuserUrl");
    if (!superuserUrl) throw new Error("This test needs a superuser connection: set SUPERUSER_DATABASE_URL when DATABASE_URL is given.");
    const { id } = await inScope(clinicA, (c) => fixtureFor("audit_events")(pgSql(c), clinicA));
    const admin = new pg.Client({ connectionString: superuserUrl });
    await admin.connect();
    try {
      for (const statement of [
        `UPDATE audit_events SET action = 'rewritten' WHERE id = '${id}'`,
        `DELETE FROM audit_events WHERE id = '${id}'`,
      ]) {
        await expectRefused(admin.query(statement), statement);
      }
      // TRUNCATE runs inside a rolled-back transaction so nothing is lost even if the trigger fails.
      await admin.query("BEGIN");
      try {
        await expectRefused(admin.query("TRUNCATE audit_events"), "TRUNCATE audit_events");
      } finally {
        await admin.query("ROLLBACK");
      }
      const { rows } = await admin.query(`SELECT action FROM audit_events WHERE id = $1::uuid`, [id]);
      expect(rows).toEqual([{ action: "fixture.created" }]);
    } finally {
      await admin.end();
    }
  });
});
