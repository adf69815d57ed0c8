/**
 * Migrations are SQL files in Prisma's layout, applied and recorded by our own runner. Applying
 * them again must change nothing, and the runtime role must end up with exactly the access it needs.
 */
import { createHash } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, inject, test } from "vitest";
import { PUBLISHED_TABLES, defaultMigrationsDir, listMigrations, migrate } from "~/utils/migrate.server";
import { createScratchDatabase } from "../support/scratch-database";

const runtimeRole = decodeURIComponent(new URL(inject("runtimeUrl")).username);

interface MigrationRow {
  id: string;
  checksum: string;
  migration_name: string;
  started_at: Date;
  finished_at: Date | null;
  rolled_back_at: Date | null;
  applied_steps_count: number;
  logs: string | null;
}

async function withClient<T>(url: string, fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

const migrationRows = (url: string) =>
  withClient(url, async (c) => (await c.query<MigrationRow>(`SELECT * FROM "_prisma_migrations" ORDER BY migration_name, id`)).rows);

/** Everything a migration can create, as text, so two databases can be compared exactly. */
async function schemaSnapshot(url: string) {
  return withClient(url, async (c) => {
    const q = async (sql: string) => (await c.query(sql)).rows;
    return {
      columns: await q(`
        SELECT c.relname, a.attname, format_type(a.atttypid, a.atttypmod) AS type, a.attnotnull,
               pg_get_expr(d.adbin, d.adrelid) AS "default", a.attidentity, a.attgenerated
          FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace
          LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
         WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p') AND a.attnum > 0 AND NOT a.attisdropped
         ORDER BY 1, 2`),
      relations: await q(`
        SELECT c.relname, c.relkind, c.relrowsecurity, c.relforcerowsecurity, pg_get_userbyid(c.relowner) AS owner, c.relacl::text AS acl
          FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
         WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p', 'v', 'm', 'S', 'i') ORDER BY 1`),
      constraints: await q(`
        SELECT conrelid::regclass::text AS rel, conname, pg_get_constraintdef(oid) AS def
          FROM pg_constraint WHERE connamespace = 'public'::regnamespace ORDER BY 1, 2`),
      indexes: await q(`SELECT tablename, indexname, indexdef FROM pg_indexes WHERE schemaname = 'public' ORDER BY 1, 2`),
      policies: await q(`SELECT tablename, policyname, permissive, roles::text, cmd, qual, with_check FROM pg_policies WHERE schemaname = 'public' ORDER BY 1, 2`),
      triggers: await q(`
        SELECT tgrelid::regclass::text AS rel, tgname, pg_get_triggerdef(oid) AS def
          FROM pg_trigger WHERE NOT tgisinternal AND tgrelid IN (SELECT oid FROM pg_class WHERE relnamespace = 'public'::regnamespace) ORDER BY 1, 2`),
      functions: await q(`
        SELECT p.proname, pg_get_function_identity_arguments(p.oid) AS args, md5(pg_get_functiondef(p.oid)) AS def, p.proacl::text AS acl
          FROM pg_proc p WHERE p.pronamespace = 'public'::regnamespace AND p.prokind IN ('f', 'p') ORDER BY 1, 2`),
      enums: await q(`
        SELECT t.typname, array_agg(e.enumlabel::text ORDER BY e.enumsortorder) AS labels
          FROM pg_type t JOIN pg_enum e ON e.enumtypid = t.oid WHERE t.typnamespace = 'public'::regnamespace GROUP BY 1 ORDER BY 1`),
      extensions: await q(`SELECT extname FROM pg_extension ORDER BY 1`),
      migrations: await q(`SELECT migration_name, checksum, finished_at IS NOT NULL AS finished, rolled_back_at, applied_steps_count FROM "_prisma_migrations" ORDER BY 1`),
    };
  });
}

const files = listMigrations();
const names = files.map((m) => m.name);

test("the migrations folder is in Prisma's layout", () => {
  expect(names.length).toBeGreaterThan(0);
  for (const name of names) expect(name).toMatch(/^\d{14}_[a-z0-9_]+$/);
  expect(fs.readFileSync(path.join(defaultMigrationsDir(), "migration_lock.toml"), "utf8")).toMatch(/provider\s*=\s*"postgresql"/);
});

test("applying the migrations again is a no-op", async () => {
  const ownerUrl = inject("ownerUrl");
  const before = await migrationRows(ownerUrl);
  const result = await migrate({ ownerUrl, runtimeRole });
  expect(result.applied).toEqual([]);
  expect(result.alreadyApplied).toEqual(names);
  const after = await migrationRows(ownerUrl);
  expect(after).toEqual(before);
  // Recorded exactly as `prisma migrate deploy` would: one finished row per migration, SHA-256 of the file.
  expect(after.map((r) => r.migration_name)).toEqual(names);
  for (const row of after) {
    const sql = fs.readFileSync(path.join(defaultMigrationsDir(), row.migration_name, "migration.sql"));
    expect(row.checksum, row.migration_name).toBe(createHash("sha256").update(sql).digest("hex"));
    expect(row.finished_at).toBeInstanceOf(Date);
    expect(row.rolled_back_at).toBeNull();
    expect(row.applied_steps_count).toBe(1);
  }
});

test("a fresh empty database migrated twice ends identical to once", { timeout: 60_000 }, async () => {
  const scratch = await createScratchDatabase("medslot_fresh");
  try {
    const first = await migrate({ ownerUrl: scratch.ownerUrl, runtimeRole });
    expect(first).toEqual({ applied: names, alreadyApplied: [] });
    const once = await schemaSnapshot(scratch.ownerUrl);
    const rowsOnce = await migrationRows(scratch.ownerUrl);

    const second = await migrate({ ownerUrl: scratch.ownerUrl, runtimeRole });
    expect(second).toEqual({ applied: [], alreadyApplied: names });
    expect(await schemaSnapshot(scratch.ownerUrl)).toEqual(once);
    expect(await migrationRows(scratch.ownerUrl)).toEqual(rowsOnce);

    // The shared test database was migrated the same way, so both schemas match.
    const shared = await schemaSnapshot(inject("ownerUrl"));
    expect(once.columns).toEqual(shared.columns);
    expect(once.constraints).toEqual(shared.constraints);
    expect(once.policies).toEqual(shared.policies);
  } finally {
    await scratch.drop();
  }
});

const appendOnly = new Set(["audit_events", "appointment_status_history", "deposit_events", "payment_webhook_events", "break_glass_grants"]);
const noDelete = new Set(["appointments", "deposits", "payment_cards", "message_deliveries", "time_off_requests", "chart_notes", "treatment_plan_items"]);

describe("the runtime role", () => {
  let owner: pg.Client;
  beforeAll(async () => {
    owner = new pg.Client({ connectionString: inject("ownerUrl") });
    await owner.connect();
  });
  afterAll(() => owner.end());

  test("has SELECT only on the published tables, SELECT/INSERT on the append-only tables, no DELETE on appointments, deposits, saved cards, message deliveries, time-off requests, chart notes and treatment plan items, SELECT/INSERT/UPDATE/DELETE on the other tables, nothing on _prisma_migrations", async () => {
    const { rows } = await owner.query<{ relname: string; granted: string[]; effective: string[] }>(
      `SELECT c.relname,
              coalesce((SELECT array_agg(a.privilege_type ORDER BY a.privilege_type) FROM aclexplode(c.relacl) a
                         WHERE a.grantee = (SELECT oid FROM pg_roles WHERE rolname = $1)), '{}') AS granted,
              array(SELECT p FROM unnest(array['SELECT','INSERT','UPDATE','DELETE','TRUNCATE','REFERENCES','TRIGGER']) p
                     WHERE has_table_privilege($1, c.oid, p) ORDER BY p) AS effective
         FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p') ORDER BY c.relname`,
      [runtimeRole],
    );
    expect(rows.length).toBeGreaterThan(1);
    const wrong = rows
      .map((r) => {
        const expected = r.relname === "_prisma_migrations" ? [] : PUBLISHED_TABLES.has(r.relname) ? ["SELECT"] : appendOnly.has(r.relname) ? ["INSERT", "SELECT"] : noDelete.has(r.relname) ? ["INSERT", "SELECT", "UPDATE"] : ["DELETE", "INSERT", "SELECT", "UPDATE"];
        return r.granted.join(",") === expected.join(",") && r.effective.join(",") === expected.join(",")
          ? null
          : `${r.relname}: expected [${expected.join(", ")}], granted [${r.granted.join(", ")}], effective [${r.effective.join(", ")}]`;
      })
      .filter(Boolean);
    expect(wrong).toEqual([]);
  });

  test("owns nothing, is no superuser, cannot bypass RLS and belongs to no other role", async () => {
    const { rows } = await owner.query<{ rolsuper: boolean; rolbypassrls: boolean; rolcreaterole: boolean; rolcreatedb: boolean; memberships: number; owned: string[] }>(
      `SELECT r.rolsuper, r.rolbypassrls, r.rolcreaterole, r.rolcreatedb,
              (SELECT count(*)::int FROM pg_auth_members m WHERE m.member = r.oid) AS memberships,
              array(
                SELECT 'relation ' || relname FROM pg_class WHERE relowner = r.oid
                UNION ALL SELECT 'type ' || typname FROM pg_type WHERE typowner = r.oid
                UNION ALL SELECT 'function ' || proname FROM pg_proc WHERE proowner = r.oid
                UNION ALL SELECT 'schema ' || nspname FROM pg_namespace WHERE nspowner = r.oid
                UNION ALL SELECT 'database ' || datname FROM pg_database WHERE datdba = r.oid
              ) AS owned
         FROM pg_roles r WHERE r.rolname = $1`,
      [runtimeRole],
    );
    expect(rows).toEqual([{ rolsuper: false, rolbypassrls: false, rolcreaterole: false, rolcreatedb: false, memberships: 0, owned: [] }]);
  });
});
