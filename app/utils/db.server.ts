import { createHash } from "node:crypto";
import { PrismaPg } from "@prisma/adapter-pg";
import pg from "pg";
import { Prisma, PrismaClient } from "~/generated/prisma/client";
import { CACHE_CHANGED_NOTICE, ChangeFeed } from "./change-feed.server";
import { getEnv } from "./env.server";
import { log } from "./log.server";

export type Tx = Prisma.TransactionClient;

/**
 * The raw-SQL half of a transaction, which both kinds of transaction offer: code written against
 * it (the booking core's hot statements) runs in an ORM transaction or on the driver (`sqlTx`).
 */
export type SqlTx = Pick<Tx, "$queryRaw" | "$queryRawUnsafe" | "$executeRaw" | "$executeRawUnsafe"> & {
  /**
   * On the driver only: this statement is the transaction's last, and COMMIT goes in its round
   * trip. A statement after it is an error. Code that also runs in ORM transactions falls back to
   * `$queryRaw` when this is absent.
   */
  $queryRawAndCommit?: <R = unknown>(query: Prisma.Sql) => Promise<R[]>;
};

export interface TxOptions {
  isolationLevel?: Prisma.TransactionIsolationLevel;
  timeoutMs?: number;
  /** READ ONLY, set before anything else runs in the transaction (reports and other long reads). */
  readOnly?: boolean;
  /** A per-statement limit in the database (SET LOCAL statement_timeout), so a heavy read gives up instead of queueing others. */
  statementTimeoutMs?: number;
}

/**
 * Every database call runs inside a transaction that first sets `app.clinic_id` (and, for the few
 * named cross-clinic paths, `app.scope`), so row-level security sees the right clinic. There is no
 * unscoped client: code must say which clinic it works for.
 */
export interface Db {
  /** Everything a clinic's site, panel and API does. RLS limits it to that clinic's rows. */
  forClinic(clinicId: string): ClinicDb;
  /** The marketplace and admin hosts: clinic-less rows only (their sessions, codes, audit events). */
  forPlatform(): ScopedDb;
  /**
   * The named cross-clinic paths only (host directory, published catalog, outbox relay, platform
   * admin counts). RLS opens SELECT on a few tables for this scope; see the foundation migration.
   * `purpose` names the caller in logs and slow-query traces.
   */
  system(purpose: string): ScopedDb;
  /**
   * ONE parameterised statement on the driver, outside any transaction, with no clinic and no scope:
   * a single round trip, for reads of the published search index (public copies without row-level
   * security, docs/decisions/010-published-search-index.md). Scopes are only ever set for one
   * transaction, so a pooled connection carries none here and RLS shows it no clinic's rows.
   */
  readPublished<R = Record<string, unknown>>(query: { text: string; values: unknown[] }): Promise<R[]>;
  /** What this process's caches must forget (see change-feed.server.ts); read after our own changes too. */
  changes: ChangeFeed;
  disconnect(): Promise<void>;
}

/** One SQL statement with $1… parameters, answered with its rows. */
export type RawQuery = <R = Record<string, unknown>>(text: string, params?: unknown[]) => Promise<R[]>;

export interface ScopedDb {
  tx<T>(fn: (tx: Tx) => Promise<T>, options?: TxOptions): Promise<T>;
  /**
   * One read-only statement, scoped, in ONE round trip (BEGIN, scope, statement and COMMIT sent
   * together), on the driver directly: the hottest reads (slots, API keys) skip the ORM's per-query
   * cost. Parameters are inlined as literals, so only ids, hex digests, numbers, booleans,
   * dates and NULL are accepted; anything else is refused before it reaches SQL.
   */
  readOne<R = Record<string, unknown>>(text: string, params?: unknown[]): Promise<R[]>;
  /**
   * The same for one small statement that writes (a rate-limit lease): one round trip, committed
   * at once, with the same rules for parameters. Not for anything that needs the ORM or an audit.
   */
  writeOne<R = Record<string, unknown>>(text: string, params?: unknown[]): Promise<R[]>;
  /**
   * A transaction on the driver, for the hottest writes (a booking through the API): BEGIN and the
   * scope go in one round trip, each statement is prepared once per connection, and nothing passes
   * through the ORM. Only raw SQL (`SqlTx`); rows come back as the driver reads them (int8 and
   * numeric as strings, so cast what matters).
   */
  sqlTx<T>(fn: (tx: SqlTx) => Promise<T>): Promise<T>;
}

/**
 * A handle scoped to one clinic that knows which: what clinic modules take from their caller (a
 * guard, a workflow step, a seeding script), so a module never chooses the clinic it works for.
 */
export interface ClinicDb extends ScopedDb {
  readonly clinicId: string;
  /** The process's change feed, for the caches a clinic's reads keep (slots, pages). */
  readonly changes: ChangeFeed;
}

/** A parameter as an SQL literal, for the few value shapes that need no escaping at all. */
function literal(value: unknown): string {
  if (value === null || value === undefined) return "NULL";
  if (typeof value === "number" && Number.isFinite(value)) return String(value);
  if (typeof value === "boolean") return value ? "TRUE" : "FALSE";
  if (value instanceof Date && !Number.isNaN(value.getTime())) return `'${value.toISOString()}'`;
  if (typeof value === "string" && /^[0-9A-Za-z_.:+-]*$/.test(value)) return `'${value}'`;
  throw new Error("readOne accepts only ids, digests, numbers, booleans, dates and NULL as parameters");
}

/**
 * A statement's `$n` placeholders replaced by its values as SQL literals, escaped by the driver
 * (strings with quotes or backslashes included). Only for the statements our code writes: a `$`
 * followed by a digit inside one of their own string literals would be taken for a placeholder.
 */
function inlineValues(client: pg.PoolClient, text: string, values: unknown[]): string {
  return text.replace(/\$(\d+)/g, (_, n: string) => {
    const value = values[Number(n) - 1];
    if (value === null || value === undefined) return "NULL";
    if (typeof value === "number" && Number.isFinite(value)) return String(value);
    if (typeof value === "bigint") return value.toString();
    if (typeof value === "boolean") return value ? "TRUE" : "FALSE";
    if (value instanceof Date) {
      if (Number.isNaN(value.getTime())) throw new Error("sqlTx: an invalid date as a parameter");
      return `'${value.toISOString()}'`;
    }
    if (typeof value === "string") return client.escapeLiteral(value);
    throw new Error(`sqlTx: a parameter of type ${typeof value} cannot be inlined`);
  });
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function createDb(url: string, opts: { poolSize?: number } = {}): Db {
  // Sessions in UTC: the Prisma adapter sends timestamps without an offset, so a server whose default
  // zone is not UTC would otherwise store every time shifted by that offset. No synchronised scans: a
  // sequential scan of a large table would start wherever the previous one stopped, so a LIMIT
  // without ORDER BY (the marketplace's bounded ranking) would pick different rows every time.
  const pool = new pg.Pool({ connectionString: url, max: opts.poolSize ?? 20, idleTimeoutMillis: 30_000, options: "-c TimeZone=UTC -c synchronize_seqscans=off" });
  // An idle connection closed by the server (restart, failover) must not crash the process; the
  // pool replaces it on the next checkout.
  pool.on("error", (error) => log.warn("database connection lost", { error: error.message }));
  // Triggers on what caches hold send a NOTICE (no round trip); a transaction that saw one reads the
  // change log after its commit, so the request that made the change is answered fresh.
  let cacheNotices = 0;
  pool.on("connect", (client) => {
    client.on("notice", (notice) => {
      if (notice.message === CACHE_CHANGED_NOTICE) cacheNotices++;
    });
  });
  const adapter = new PrismaPg(pool);
  const prisma = new PrismaClient({ adapter });

  async function oneStatement<R>(clinicId: string | null, scope: "" | "system", mode: "READ ONLY" | "READ WRITE", text: string, params: unknown[]): Promise<R[]> {
    if (clinicId !== null && !UUID.test(clinicId)) throw new Error("forClinic needs a clinic id that is a UUID");
    const statement = text.replace(/\$(\d+)/g, (_, n: string) => literal(params[Number(n) - 1]));
    const client = await pool.connect();
    let broken = false;
    try {
      const results = (await client.query(
        `BEGIN ${mode}; SELECT set_config('app.clinic_id', '${clinicId ?? ""}', true), set_config('app.scope', '${scope}', true); ${statement}; COMMIT`,
      )) as unknown as pg.QueryResult[];
      return results[2]!.rows as R[];
    } catch (error) {
      await client.query("ROLLBACK").catch(() => {
        broken = true;
      });
      throw error;
    } finally {
      client.release(broken);
    }
  }

  // Statement names by text: the driver prepares each once per connection. The texts are the
  // booking core's fixed statements; past a few hundred, new texts are no longer named.
  const statementNames = new Map<string, string>();
  const statementName = (text: string) => {
    let name = statementNames.get(text);
    if (!name && statementNames.size < 500) statementNames.set(text, (name = `m${createHash("sha1").update(text).digest("hex").slice(0, 20)}`));
    return name;
  };

  async function onDriver<T>(clinicId: string | null, scope: "" | "system", fn: (tx: SqlTx) => Promise<T>): Promise<T> {
    if (clinicId !== null && !UUID.test(clinicId)) throw new Error("forClinic needs a clinic id that is a UUID");
    const noticesBefore = cacheNotices;
    const client = await pool.connect();
    let broken = false;
    // node-postgres sends one query at a time and each costs a write and a wait, so BEGIN and the
    // scope ride with the first statement and COMMIT with the last ($queryRawAndCommit), as one
    // simple query with the values inlined by the driver's own escaping; the statements between
    // are prepared once per connection.
    let state = "idle" as "idle" | "open" | "committed";
    const begin = `BEGIN; SELECT set_config('app.clinic_id', '${clinicId ?? ""}', true), set_config('app.scope', '${scope}', true)`;
    const run = async <R,>(text: string, values: unknown[], commit = false): Promise<pg.QueryResult<R & pg.QueryResultRow>> => {
      if (state === "committed") throw new Error("sqlTx: a statement came after the one that committed the transaction");
      if (state === "open" && !commit) return (await client.query<R & pg.QueryResultRow>({ name: statementName(text), text, values })) as pg.QueryResult<R & pg.QueryResultRow>;
      const statement = inlineValues(client, text, values);
      const results = (await client.query(`${state === "idle" ? `${begin}; ` : ""}${statement}${commit ? "; COMMIT" : ""}`)) as unknown as pg.QueryResult<R & pg.QueryResultRow>[];
      const result = results[state === "idle" ? 2 : 0]!;
      state = commit ? "committed" : "open";
      return result;
    };
    const sql = (strings: TemplateStringsArray | Prisma.Sql, values: unknown[]) => (strings instanceof Prisma.Sql ? strings : Prisma.sql(strings, ...values));
    const tx: SqlTx = {
      $queryRaw: (async (strings: TemplateStringsArray | Prisma.Sql, ...values: unknown[]) => {
        const q = sql(strings, values);
        return (await run(q.text, q.values)).rows;
      }) as unknown as SqlTx["$queryRaw"],
      $queryRawUnsafe: (async (text: string, ...values: unknown[]) => (await run(text, values)).rows) as unknown as SqlTx["$queryRawUnsafe"],
      $executeRaw: (async (strings: TemplateStringsArray | Prisma.Sql, ...values: unknown[]) => {
        const q = sql(strings, values);
        return (await run(q.text, q.values)).rowCount ?? 0;
      }) as unknown as SqlTx["$executeRaw"],
      $executeRawUnsafe: (async (text: string, ...values: unknown[]) => (await run(text, values)).rowCount ?? 0) as unknown as SqlTx["$executeRawUnsafe"],
      $queryRawAndCommit: async <R,>(query: Prisma.Sql) => (await run<R>(query.text, query.values, true)).rows as R[],
    };
    let result: T;
    try {
      result = await fn(tx);
      if (state === "open") await client.query("COMMIT");
    } catch (error) {
      if (state !== "committed") {
        await client.query("ROLLBACK").catch(() => {
          broken = true;
        });
      }
      throw error;
    } finally {
      client.release(broken);
    }
    if (cacheNotices !== noticesBefore) await changes.afterOwnChange();
    return result;
  }

  const scoped = (clinicId: string | null, scope: "" | "system"): ScopedDb => ({
    sqlTx(fn) {
      return onDriver(clinicId, scope, fn);
    },
    readOne<R>(text: string, params: unknown[] = []) {
      return oneStatement<R>(clinicId, scope, "READ ONLY", text, params);
    },
    writeOne<R>(text: string, params: unknown[] = []) {
      return oneStatement<R>(clinicId, scope, "READ WRITE", text, params);
    },
    async tx(fn, options) {
      const noticesBefore = cacheNotices;
      const result = await prisma.$transaction(
        async (tx) => {
          // SET TRANSACTION must come before the transaction's first query.
          if (options?.readOnly) await tx.$executeRawUnsafe("SET TRANSACTION READ ONLY");
          if (options?.statementTimeoutMs) await tx.$executeRaw`SELECT set_config('statement_timeout', ${`${Math.max(1, Math.trunc(options.statementTimeoutMs))}ms`}, true)`;
          await tx.$executeRaw`SELECT set_config('app.clinic_id', ${clinicId ?? ""}, true), set_config('app.scope', ${scope}, true)`;
          return fn(tx);
        },
        { isolationLevel: options?.isolationLevel, timeout: options?.timeoutMs ?? 15_000, maxWait: 10_000 },
      );
      if (cacheNotices !== noticesBefore) await changes.afterOwnChange();
      return result;
    },
  });

  const changes = new ChangeFeed((text, params) => scoped(null, "system").readOne(text, params), url, {
    prune: (olderThan) => scoped(null, "system").tx((tx) => tx.cacheChange.deleteMany({ where: { createdAt: { lt: olderThan } } })),
  });

  return {
    changes,
    forClinic(clinicId) {
      if (!clinicId) throw new Error("forClinic needs a clinic id");
      return { ...scoped(clinicId, ""), clinicId, changes };
    },
    forPlatform: () => scoped(null, ""),
    system: (purpose) => {
      log.debug("cross-clinic read", { purpose });
      return scoped(null, "system");
    },
    async readPublished<R>(query: { text: string; values: unknown[] }) {
      return (await pool.query(query.text, query.values)).rows as R[];
    },
    async disconnect() {
      await changes.stop();
      await prisma.$disconnect();
      await pool.end().catch(() => {});
    },
  };
}

// One per process, kept on the global object: the compiled server and the Remix build each bundle
// this module, and two copies would mean two connection pools, two ORM clients and two change feeds.
const SINGLETON = Symbol.for("medslot.db");
const holder = globalThis as { [SINGLETON]?: Db };

/** The server's database, connected as the runtime role from DATABASE_URL. */
export function getDb(): Db {
  let db = holder[SINGLETON];
  if (!db) {
    const url = getEnv().DATABASE_URL;
    if (!url) throw new Error("DATABASE_URL is not set (npm start sets it when it starts the embedded PostgreSQL)");
    holder[SINGLETON] = db = createDb(url);
  }
  return db;
}

export { assertRuntimeRoleIsSafe, UnsafeRuntimeRoleError } from "./runtime-role.server";
