import { PrismaPg } from "@prisma/adapter-pg";
import pg from "pg";
import { PrismaClient, type Prisma } from "~/generated/prisma/client";
import { getEnv } from "./env.server";
import { log } from "./log.server";

export type Tx = Prisma.TransactionClient;

export interface TxOptions {
  isolationLevel?: Prisma.TransactionIsolationLevel;
  timeoutMs?: number;
}

/**
 * Every database call runs inside a transaction that first sets `app.clinic_id` (and, for the few
 * named cross-clinic paths, `app.scope`), so row-level security sees the right clinic. There is no
 * unscoped client: code must say which clinic it works for.
 */
export interface Db {
  /** Everything a clinic's site, panel and API does. RLS limits it to that clinic's rows. */
  forClinic(clinicId: string): ScopedDb;
  /** The marketplace and admin hosts: clinic-less rows only (their sessions, codes, audit events). */
  forPlatform(): ScopedDb;
  /**
   * The named cross-clinic paths only (host directory, published catalog, outbox relay, platform
   * admin counts). RLS opens SELECT on a few tables for this scope; see the foundation migration.
   * `purpose` names the caller in logs and slow-query traces.
   */
  system(purpose: string): ScopedDb;
  prisma: PrismaClient;
  disconnect(): Promise<void>;
}

/**
 * One SQL statement with $1… parameters, answered with its rows. A `name` makes it a prepared
 * statement on the connection (planned once, not per call) where the path supports it.
 */
export type RawQuery = <R = Record<string, unknown>>(text: string, params?: unknown[], name?: string) => Promise<R[]>;

export interface ScopedDb {
  tx<T>(fn: (tx: Tx) => Promise<T>, options?: TxOptions): Promise<T>;
  /**
   * A read-only transaction on the driver directly, for the hottest read paths (slots): the same
   * scoping as `tx`, without the ORM's per-query cost. Scope and BEGIN go in one round trip.
   */
  read<T>(fn: (query: RawQuery) => Promise<T>): Promise<T>;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function createDb(url: string, opts: { poolSize?: number } = {}): Db {
  // Sessions in UTC: the Prisma adapter sends timestamps without an offset, so a server whose default
  // zone is not UTC would otherwise store every time shifted by that offset.
  const pool = new pg.Pool({ connectionString: url, max: opts.poolSize ?? 20, idleTimeoutMillis: 30_000, options: "-c TimeZone=UTC" });
  // An idle connection closed by the server (restart, failover) must not crash the process; the
  // pool replaces it on the next checkout.
  pool.on("error", (error) => log.warn("database connection lost", { error: error.message }));
  const adapter = new PrismaPg(pool);
  const prisma = new PrismaClient({ adapter });

  const scoped = (clinicId: string | null, scope: "" | "system"): ScopedDb => ({
    async read(fn) {
      // Inlined into one simple-protocol round trip; the id is checked to be a UUID first.
      if (clinicId !== null && !UUID.test(clinicId)) throw new Error("forClinic needs a clinic id that is a UUID");
      const client = await pool.connect();
      let broken = false;
      try {
        await client.query(`BEGIN READ ONLY; SELECT set_config('app.clinic_id', '${clinicId ?? ""}', true), set_config('app.scope', '${scope}', true)`);
        const query: RawQuery = async <R,>(text: string, params: unknown[] = [], name?: string) =>
          (await client.query({ text, values: params, ...(name ? { name } : {}) })).rows as R[];
        const result = await fn(query);
        await client.query("COMMIT");
        return result;
      } catch (error) {
        await client.query("ROLLBACK").catch(() => {
          broken = true;
        });
        throw error;
      } finally {
        client.release(broken);
      }
    },
    tx(fn, options) {
      return prisma.$transaction(
        async (tx) => {
          await tx.$executeRaw`SELECT set_config('app.clinic_id', ${clinicId ?? ""}, true), set_config('app.scope', ${scope}, true)`;
          return fn(tx);
        },
        { isolationLevel: options?.isolationLevel, timeout: options?.timeoutMs ?? 15_000, maxWait: 10_000 },
      );
    },
  });

  return {
    forClinic(clinicId) {
      if (!clinicId) throw new Error("forClinic needs a clinic id");
      return scoped(clinicId, "");
    },
    forPlatform: () => scoped(null, ""),
    system: (purpose) => {
      log.debug("cross-clinic read", { purpose });
      return scoped(null, "system");
    },
    prisma,
    async disconnect() {
      await prisma.$disconnect();
      await pool.end().catch(() => {});
    },
  };
}

let singleton: Db | undefined;

/** The server's database, connected as the runtime role from DATABASE_URL. */
export function getDb(): Db {
  if (!singleton) {
    const url = getEnv().DATABASE_URL;
    if (!url) throw new Error("DATABASE_URL is not set (npm start sets it when it starts the embedded PostgreSQL)");
    singleton = createDb(url);
  }
  return singleton;
}

export class UnsafeRuntimeRoleError extends Error {}

/**
 * The server refuses to start when its role could bypass row-level security: a superuser, a role
 * with BYPASSRLS, one that owns (or inherits ownership of) a table, or when a clinic table lacks
 * forced RLS.
 */
export async function assertRuntimeRoleIsSafe(url: string) {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const problems: string[] = [];
    const role = await client.query<{ rolname: string; rolsuper: boolean; rolbypassrls: boolean }>(
      "SELECT rolname, rolsuper, rolbypassrls FROM pg_roles WHERE rolname = current_user",
    );
    const r = role.rows[0]!;
    if (r.rolsuper) problems.push(`role "${r.rolname}" is a superuser`);
    if (r.rolbypassrls) problems.push(`role "${r.rolname}" has BYPASSRLS`);
    // Membership counts even without INHERIT: the member can SET ROLE to a superuser or bypasser.
    const powerful = await client.query<{ rolname: string }>(
      `SELECT rolname FROM pg_roles WHERE (rolsuper OR rolbypassrls) AND rolname <> current_user AND pg_has_role(current_user, oid, 'MEMBER')`,
    );
    if (powerful.rowCount) problems.push(`role "${r.rolname}" is a member of ${powerful.rows.map((x) => `"${x.rolname}"`).join(", ")}, which can bypass row-level security`);
    const owned = await client.query<{ relname: string }>(
      `SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname = 'public' AND c.relkind IN ('r','p','v','m') AND pg_has_role(current_user, c.relowner, 'MEMBER')`,
    );
    if (owned.rowCount) problems.push(`role "${r.rolname}" owns or inherits ownership of ${owned.rows.map((x) => x.relname).join(", ")}`);
    const unprotected = await client.query<{ relname: string }>(
      `SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname = 'public' AND c.relkind = 'r'
          AND (EXISTS (SELECT 1 FROM pg_attribute a WHERE a.attrelid = c.oid AND a.attname = 'clinic_id' AND NOT a.attisdropped) OR c.relname = 'clinics')
          AND NOT (c.relrowsecurity AND c.relforcerowsecurity)`,
    );
    if (unprotected.rowCount) problems.push(`clinic tables without forced row-level security: ${unprotected.rows.map((x) => x.relname).join(", ")}`);
    if (problems.length) {
      throw new UnsafeRuntimeRoleError(
        `Refusing to start: the database role in DATABASE_URL could read across clinics.\n  - ${problems.join("\n  - ")}\n` +
          "Connect as a role that owns nothing (LOGIN NOSUPERUSER NOBYPASSRLS) and run `npm run db:migrate` with MIGRATE_DATABASE_URL to grant it access.",
      );
    }
  } finally {
    await client.end();
  }
}
