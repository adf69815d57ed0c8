import { createHash, randomUUID } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import pg from "pg";

/**
 * Applies prisma/migrations/<name>/migration.sql in order with the owner role and records each in
 * `_prisma_migrations` exactly as `prisma migrate deploy` does (same table, same SHA-256 checksum),
 * so Prisma's own tooling agrees with us wherever its engine can run. Then grants the runtime role
 * what it needs, and nothing more. See docs/decisions/002-prisma-without-engine-download.md.
 */

const PRISMA_MIGRATIONS_TABLE = `
CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
  "id" VARCHAR(36) PRIMARY KEY NOT NULL,
  "checksum" VARCHAR(64) NOT NULL,
  "finished_at" TIMESTAMPTZ,
  "migration_name" VARCHAR(255) NOT NULL,
  "logs" TEXT,
  "rolled_back_at" TIMESTAMPTZ,
  "started_at" TIMESTAMPTZ NOT NULL DEFAULT now(),
  "applied_steps_count" INTEGER NOT NULL DEFAULT 0
)`;

/** Tables the runtime role may only append to and read. */
const APPEND_ONLY_TABLES = new Set(["audit_events", "appointment_status_history", "deposit_events", "payment_webhook_events", "break_glass_grants"]);
/** Kept for good: changed (cancelled, rescheduled, removed, delivered) but never deleted, so their history stays whole. */
const NO_DELETE_TABLES = new Set(["appointments", "deposits", "payment_cards", "message_deliveries", "time_off_requests", "chart_notes", "treatment_plan_items"]);
/**
 * Public copies of what live clinics publish, written only by SECURITY DEFINER triggers: the runtime
 * role may read them and nothing else. They hold no private data, so they have no row-level security
 * (docs/decisions/010-published-search-index.md).
 */
export const PUBLISHED_TABLES = new Set(["published_services", "published_search_terms", "published_clinics", "published_doctors"]);
/** Tables the runtime role never touches. */
const PRIVATE_TABLES = new Set(["_prisma_migrations"]);

/** The runtime role named in DATABASE_URL is not a safe, separate role. */
export class RuntimeRoleMisconfiguredError extends Error {}

export interface MigrationResult {
  applied: string[];
  alreadyApplied: string[];
}

export function defaultMigrationsDir() {
  return path.resolve(process.cwd(), "prisma/migrations");
}

export function listMigrations(dir = defaultMigrationsDir()) {
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .filter((d) => d.isDirectory() && fs.existsSync(path.join(dir, d.name, "migration.sql")))
    .map((d) => d.name)
    .sort()
    .map((name) => {
      const sql = fs.readFileSync(path.join(dir, name, "migration.sql"), "utf8");
      return { name, sql, checksum: createHash("sha256").update(sql).digest("hex") };
    });
}

export async function migrate(opts: { ownerUrl: string; runtimeRole: string; dir?: string; log?: (m: string) => void }): Promise<MigrationResult> {
  const log = opts.log ?? (() => {});
  if (!/^[a-z_][a-z0-9_]*$/.test(opts.runtimeRole)) throw new Error(`Unexpected runtime role name "${opts.runtimeRole}"`);
  const client = new pg.Client({ connectionString: opts.ownerUrl });
  await client.connect();
  const result: MigrationResult = { applied: [], alreadyApplied: [] };
  try {
    // One migrator at a time, even with several servers starting together.
    await client.query("SELECT pg_advisory_lock(727274)");
    await client.query(PRISMA_MIGRATIONS_TABLE);
    const done = await client.query<{ migration_name: string; checksum: string; finished_at: Date | null; rolled_back_at: Date | null }>(
      `SELECT migration_name, checksum, finished_at, rolled_back_at FROM "_prisma_migrations"`,
    );
    const byName = new Map(done.rows.filter((r) => r.rolled_back_at === null).map((r) => [r.migration_name, r]));
    for (const m of listMigrations(opts.dir)) {
      const previous = byName.get(m.name);
      if (previous?.finished_at) {
        if (previous.checksum !== m.checksum) log(`warning: migration ${m.name} was edited after it was applied`);
        result.alreadyApplied.push(m.name);
        continue;
      }
      if (previous && !previous.finished_at) {
        throw new Error(`Migration ${m.name} failed earlier and was not rolled back; fix the database and mark it rolled back before migrating again.`);
      }
      const id = randomUUID();
      await client.query("BEGIN");
      try {
        await client.query(`INSERT INTO "_prisma_migrations" (id, checksum, migration_name, started_at) VALUES ($1, $2, $3, now())`, [id, m.checksum, m.name]);
        await client.query(m.sql);
        await client.query(`UPDATE "_prisma_migrations" SET finished_at = now(), applied_steps_count = 1 WHERE id = $1`, [id]);
        await client.query("COMMIT");
      } catch (error) {
        await client.query("ROLLBACK");
        throw new Error(`Migration ${m.name} failed: ${(error as Error).message}`);
      }
      result.applied.push(m.name);
      log(`applied ${m.name}`);
    }
    await grantRuntimeRole(client, opts.runtimeRole);
  } finally {
    await client.query("SELECT pg_advisory_unlock(727274)").catch(() => {});
    await client.end();
  }
  return result;
}

async function grantRuntimeRole(client: pg.Client, role: string) {
  const found = await client.query<{ rolsuper: boolean; rolbypassrls: boolean; is_me: boolean; owns: boolean }>(
    `SELECT r.rolsuper, r.rolbypassrls, r.rolname = current_user AS is_me,
            EXISTS (SELECT 1 FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                     WHERE n.nspname = 'public' AND pg_has_role(r.oid, c.relowner, 'MEMBER')) AS owns
       FROM pg_roles r WHERE r.rolname = $1`,
    [role],
  );
  const r = found.rows[0];
  if (!r) throw new Error(`The runtime role "${role}" named in DATABASE_URL does not exist; create it (LOGIN, NOSUPERUSER, NOBYPASSRLS) first.`);
  // Granting to the owner would revoke its own rights; granting to a superuser is meaningless.
  if (r.is_me || r.owns || r.rolsuper || r.rolbypassrls) {
    throw new RuntimeRoleMisconfiguredError(
      `The runtime role "${role}" named in DATABASE_URL must be a separate role that owns nothing and cannot bypass row-level security ` +
        `(it is ${r.is_me ? "the migrating role" : r.owns ? "a table owner" : r.rolsuper ? "a superuser" : "a BYPASSRLS role"}); no grants were changed.`,
    );
  }
  const tables = await client.query<{ tablename: string }>(`SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename`);
  const statements = [`GRANT USAGE ON SCHEMA public TO ${role}`];
  for (const { tablename } of tables.rows) {
    const t = `"${tablename}"`;
    statements.push(`REVOKE ALL ON ${t} FROM ${role}`);
    if (PRIVATE_TABLES.has(tablename)) continue;
    const rights = PUBLISHED_TABLES.has(tablename) ? "SELECT" : APPEND_ONLY_TABLES.has(tablename) ? "SELECT, INSERT" : NO_DELETE_TABLES.has(tablename) ? "SELECT, INSERT, UPDATE" : "SELECT, INSERT, UPDATE, DELETE";
    statements.push(`GRANT ${rights} ON ${t} TO ${role}`);
  }
  statements.push(`GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO ${role}`);
  statements.push(`GRANT EXECUTE ON ALL FUNCTIONS IN SCHEMA public TO ${role}`);
  await client.query(statements.join(";\n"));
}
