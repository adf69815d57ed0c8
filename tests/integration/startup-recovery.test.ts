/**
 * Start-up of the embedded PostgreSQL says what is wrong and recovers from what an earlier start
 * left behind. Each test has its own data folder and ports; the half-made states are either made
 * directly (deterministic) or by killing a real server at a point the test waits for.
 *
 * The first part calls startEmbeddedPostgres as server.ts does; the second runs the built server
 * (build/server.js, NODE_ENV=test, embedded database) as a process.
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { afterAll, afterEach, beforeAll, describe, expect, inject, test } from "vitest";
import { DATA_FILES, EmbeddedPostgresError, runningPostmaster, startEmbeddedPostgres, userDatabaseFolders, RUNTIME_ROLE, type EmbeddedDatabase } from "~/utils/embedded-postgres.server";
import { listMigrations, migrate } from "~/utils/migrate.server";
import { ensureBuilt, httpGet, ROOT } from "../support/built-server";
import { freePort } from "../support/free-port";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const cleanups: (() => Promise<void> | void)[] = [];

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

function tempDataDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "medslot-startup-"));
  cleanups.push(async () => {
    // Whatever a test left running in the folder is stopped before it goes.
    const running = runningPostmaster(path.join(dir, "pg"));
    if (running) {
      process.kill(running.pid, "SIGINT");
      for (let i = 0; i < 100 && runningPostmaster(path.join(dir, "pg")); i++) await sleep(100);
    }
    fs.rmSync(dir, { recursive: true, force: true, maxRetries: 5, retryDelay: 200 });
  });
  return dir;
}

async function started(db: Promise<EmbeddedDatabase>): Promise<EmbeddedDatabase> {
  const running = await db;
  cleanups.push(() => running.stop().catch(() => {}));
  return running;
}

/** A TCP listener that is not PostgreSQL, holding `port` on 127.0.0.1 until the test ends. */
async function occupy(port: number) {
  const holder = net.createServer((socket) => socket.destroy());
  await new Promise<void>((resolve, reject) => {
    holder.once("error", reject);
    holder.listen(port, "127.0.0.1", () => resolve());
  });
  cleanups.push(() => new Promise<void>((resolve) => holder.close(() => resolve())));
}

async function query<T extends pg.QueryResultRow>(url: string, sql: string, params: unknown[] = []): Promise<T[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<T>(sql, params)).rows;
  } finally {
    await client.end();
  }
}

/** The cluster's superuser, which RLS does not limit, from the folder's credentials.json. */
function superuserUrl(dir: string, port: number) {
  const creds = JSON.parse(fs.readFileSync(path.join(dir, DATA_FILES.credentials), "utf8")) as { superuserPassword: string };
  return `postgresql://postgres:${creds.superuserPassword}@127.0.0.1:${port}/medslot`;
}

describe("the embedded PostgreSQL", { timeout: 180_000 }, () => {
  test("a busy default port moves to the next free one and says so in one line; both databases work", async () => {
    const port = await freePort();
    const other = await started(startEmbeddedPostgres({ dir: tempDataDir(), port }));
    const notices: string[] = [];
    const moved = await started(startEmbeddedPostgres({ dir: tempDataDir(), port, portIsDefault: true, notice: (m) => notices.push(m) }));
    expect(moved.port).not.toBe(port);
    expect(notices).toEqual([`Port ${port} is in use by another program; the embedded PostgreSQL listens on port ${moved.port} instead (set EMBEDDED_PG_PORT to choose the port).`]);
    expect(moved.ownerUrl).toContain(`:${moved.port}/`);
    expect(await query(moved.ownerUrl, "SELECT 1 AS ok")).toEqual([{ ok: 1 }]);
    expect(await query(other.ownerUrl, "SELECT 1 AS ok")).toEqual([{ ok: 1 }]);
  });

  test("a busy port the operator chose fails naming the port and the variable; the folder then starts on a free port", async () => {
    const dir = tempDataDir();
    const port = await freePort();
    await occupy(port);
    const failure = await startEmbeddedPostgres({ dir, port, portIsDefault: false, portSetting: "EMBEDDED_PG_PORT" }).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(EmbeddedPostgresError);
    expect((failure as Error).message).toContain(`Port ${port} (EMBEDDED_PG_PORT) is already in use by another program`);
    expect((failure as Error).message).toContain("set EMBEDDED_PG_PORT to a free port");

    // What that failed first start left (an initialised cluster, its credentials) is used as is.
    const notices: string[] = [];
    const db = await started(startEmbeddedPostgres({ dir, port: await freePort(), notice: (m) => notices.push(m) }));
    expect(db.created).toBe(false);
    expect(notices).toEqual([]);
    expect(await query(db.ownerUrl, "SELECT current_user AS who")).toEqual([{ who: "medslot_owner" }]);
  });

  test("a cluster whose initdb was cut short (no marker, no database in it) is made again", async () => {
    const dir = tempDataDir();
    // What initdb has written by the time it is killed during bootstrap: the folder layout, the
    // version file and configuration, part of template1, and no pg_control.
    const pgDir = path.join(dir, "pg");
    for (const sub of ["global", "base/1", "pg_wal", "pg_xact"]) fs.mkdirSync(path.join(pgDir, sub), { recursive: true });
    fs.writeFileSync(path.join(pgDir, "PG_VERSION"), "18\n");
    fs.writeFileSync(path.join(pgDir, "postgresql.conf"), "# half written\n");
    fs.writeFileSync(path.join(pgDir, "base/1/1259"), Buffer.alloc(8192));
    fs.writeFileSync(path.join(dir, DATA_FILES.seeded), "from an earlier cluster\n");
    // When only the server was killed, its initdb goes on writing into the folder: a process that
    // names the folder as initdb does stands in for it.
    const straggler = spawn(process.execPath, ["-e", "setInterval(() => {}, 1000)", "--", `--pgdata=${pgDir}`], { stdio: "ignore" });
    const stragglerEnded = new Promise((resolve) => straggler.once("exit", resolve));
    cleanups.push(() => void straggler.kill("SIGKILL"));

    const notices: string[] = [];
    const db = await started(startEmbeddedPostgres({ dir, port: await freePort(), notice: (m) => notices.push(m) }));
    expect(db.created).toBe(true);
    expect(notices).toEqual([
      `The database folder ${pgDir} was left half-made by an earlier start that stopped before it was ready; making it again.`,
      `Stopping what an earlier, interrupted start left working in ${pgDir} (pid ${straggler.pid}).`,
    ]);
    await stragglerEnded;
    expect(fs.existsSync(path.join(dir, DATA_FILES.initialised))).toBe(true);
    // A new cluster holds no demo yet, so the marker that said so is gone.
    expect(fs.existsSync(path.join(dir, DATA_FILES.seeded))).toBe(false);
    expect(await query(db.ownerUrl, "SELECT current_database() AS db")).toEqual([{ db: "medslot" }]);
  });

  test("a cluster that holds a database is never made again: lost or truncated credentials stop start-up and say what to do", async () => {
    const dir = tempDataDir();
    const port = await freePort();
    const first = await startEmbeddedPostgres({ dir, port });
    await query(first.ownerUrl, "CREATE TABLE keep_me (note text); INSERT INTO keep_me VALUES ('still here')");
    await first.stop();
    const folders = userDatabaseFolders(path.join(dir, "pg"));
    expect(folders.length).toBeGreaterThan(0);
    const credentials = fs.readFileSync(path.join(dir, DATA_FILES.credentials), "utf8");

    for (const [state, damage] of [
      ["missing", () => fs.rmSync(path.join(dir, DATA_FILES.credentials))],
      ["unreadable", () => fs.writeFileSync(path.join(dir, DATA_FILES.credentials), credentials.slice(0, 40))],
    ] as const) {
      damage();
      const failure = await startEmbeddedPostgres({ dir, port }).catch((e: unknown) => e);
      expect(failure).toBeInstanceOf(EmbeddedPostgresError);
      expect((failure as Error).message).toContain(`${path.join(dir, DATA_FILES.credentials)} is ${state}`);
      expect((failure as Error).message).toContain("Restore credentials.json");
      expect(userDatabaseFolders(path.join(dir, "pg"))).toEqual(folders);
    }

    fs.writeFileSync(path.join(dir, DATA_FILES.credentials), credentials);
    const again = await started(startEmbeddedPostgres({ dir, port }));
    expect(await query(again.ownerUrl, "SELECT note FROM keep_me")).toEqual([{ note: "still here" }]);
  });

  test("lost credentials for a cluster with no database in it: the cluster is made again", async () => {
    const dir = tempDataDir();
    const port = await freePort();
    const first = await startEmbeddedPostgres({ dir, port });
    await query(superuserUrl(dir, port).replace(/\/medslot$/, "/postgres"), "DROP DATABASE medslot");
    await first.stop();
    fs.rmSync(path.join(dir, DATA_FILES.credentials));

    const notices: string[] = [];
    const db = await started(startEmbeddedPostgres({ dir, port, notice: (m) => notices.push(m) }));
    expect(db.created).toBe(true);
    expect(notices).toEqual([`${path.join(dir, DATA_FILES.credentials)} was missing and the database folder ${path.join(dir, "pg")} held no data; making it again.`]);
    expect(await query(db.runtimeUrl, "SELECT current_user AS who")).toEqual([{ who: RUNTIME_ROLE }]);
  });

  test("a stale postmaster.pid is removed, whether its process is gone or its number now belongs to another process", async () => {
    const dir = tempDataDir();
    const port = await freePort();
    await (await startEmbeddedPostgres({ dir, port })).stop();
    const pidFile = path.join(dir, "pg", "postmaster.pid");
    const gone = spawnSync(process.execPath, ["-e", ""]).pid;

    for (const pid of [gone, process.pid]) {
      // The layout PostgreSQL writes: pid, data directory, start time, port, socket dir, address, shared memory key, status.
      fs.writeFileSync(pidFile, `${pid}\n${path.join(dir, "pg")}\n1700000000\n${port}\n/tmp\n127.0.0.1\n  1234567     65536\nready   \n`);
      const notices: string[] = [];
      const db = await startEmbeddedPostgres({ dir, port, notice: (m) => notices.push(m) });
      try {
        expect(notices).toEqual([`Removed the stale ${pidFile} of an earlier run that did not stop cleanly.`]);
        expect(await query(db.ownerUrl, "SELECT 1 AS ok")).toEqual([{ ok: 1 }]);
      } finally {
        await db.stop();
      }
    }
  });

  test("a folder whose PostgreSQL a live process is using is refused, and that PostgreSQL keeps running", async () => {
    const dir = tempDataDir();
    const db = await started(startEmbeddedPostgres({ dir, port: await freePort() }));
    const failure = await startEmbeddedPostgres({ dir, port: await freePort() }).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(EmbeddedPostgresError);
    expect((failure as Error).message).toMatch(/is already running \(pid \d+, started by pid \d+\)/);
    expect((failure as Error).message).toContain("set MEDSLOT_DATA_DIR to another folder");
    expect(await query(db.ownerUrl, "SELECT 1 AS ok")).toEqual([{ ok: 1 }]);
  });
});

interface ServerProcess {
  child: ChildProcess;
  port: number;
  output(): string;
  /** Resolves once a line of the output matches (rejects when the process ends first). */
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<void>;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** SIGKILL to the whole process group: the server, and PostgreSQL or initdb with it. */
  killAll(): Promise<void>;
}

/** The built server as `npm start` runs it for the demo: embedded PostgreSQL in `dir` on `pgPort`. */
async function startServer(dir: string, pgPort: number, env: Record<string, string> = {}, httpPort?: number): Promise<ServerProcess> {
  const port = httpPort ?? (await freePort());
  const childEnv: NodeJS.ProcessEnv = {
    ...process.env,
    NODE_ENV: "test",
    LOG_LEVEL: "info",
    PORT: String(port),
    APP_DOMAIN: "localhost",
    MEDSLOT_DATA_DIR: dir,
    EMBEDDED_PG_PORT: String(pgPort),
    MEDSLOT_INNGEST_DEV: "0",
    ...env,
  };
  if (!env.DATABASE_URL) {
    delete childEnv.DATABASE_URL;
    delete childEnv.MIGRATE_DATABASE_URL;
  }
  delete childEnv.SESSION_SECRET;
  // Its own process group, so a test can kill it the way a power cut or the OOM killer would.
  const child = spawn(process.execPath, ["build/server.js"], { cwd: ROOT, env: childEnv, detached: true, stdio: ["ignore", "pipe", "pipe"] });
  let text = "";
  const waiters: { pattern: RegExp; resolve: () => void }[] = [];
  const onData = (chunk: Buffer) => {
    text += chunk.toString();
    for (const w of [...waiters]) {
      if (w.pattern.test(text)) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve();
      }
    }
  };
  child.stdout!.on("data", onData);
  child.stderr!.on("data", onData);
  let ended = false;
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on("exit", (code, signal) => {
      ended = true;
      resolve({ code, signal });
    }),
  );
  const killAll = async () => {
    if (ended) return;
    try {
      process.kill(-child.pid!, "SIGKILL");
    } catch {
      // gone already
    }
    await exited;
  };
  cleanups.push(killAll);
  return {
    child,
    port,
    output: () => text,
    exited,
    killAll,
    waitFor: (pattern, timeoutMs = 120_000) =>
      new Promise<void>((resolve, reject) => {
        if (pattern.test(text)) return resolve();
        const timer = setTimeout(() => reject(new Error(`no ${pattern} in the server's output within ${timeoutMs} ms:\n${text}`)), timeoutMs);
        waiters.push({
          pattern,
          resolve: () => {
            clearTimeout(timer);
            resolve();
          },
        });
        void exited.then(() => {
          clearTimeout(timer);
          if (!pattern.test(text)) reject(new Error(`the server ended before ${pattern}:\n${text}`));
        });
      }),
  };
}

async function healthy(server: ServerProcess) {
  await server.waitFor(/"msg":"medslot is serving"/, 180_000);
  const health = await httpGet(server.port, `localhost:${server.port}`, "/healthz");
  expect(health.status, server.output()).toBe(200);
}

/** SIGINT, as Ctrl-C; the server stops its PostgreSQL before it exits. */
async function interrupt(server: ServerProcess) {
  server.child.kill("SIGINT");
  const timer = setTimeout(() => void server.killAll(), 30_000);
  await server.exited;
  clearTimeout(timer);
}

const DEMO_CLINICS = ["northside", "silk-road-dental", "spree-physio"];
const STACK_LINE = /^\s+at .+(:\d+:\d+\)?|\(native\))$/m;

describe("the built server's start-up", { timeout: 300_000 }, () => {
  beforeAll(() => ensureBuilt(), 600_000);
  afterAll(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  test("a busy EMBEDDED_PG_PORT ends with a sentence naming the port and the variable, exit code 1, no stack trace", async () => {
    const dir = tempDataDir();
    const pgPort = await freePort();
    await occupy(pgPort);
    const server = await startServer(dir, pgPort);
    const { code } = await server.exited;
    expect(code).toBe(1);
    expect(server.output()).toContain(`Port ${pgPort} (EMBEDDED_PG_PORT) is already in use by another program`);
    expect(server.output()).toContain(`set EMBEDDED_PG_PORT to a free port`);
    expect(server.output()).not.toMatch(STACK_LINE);
    expect(server.output()).not.toMatch(/TypeError|undefined/);
  });

  test("an unreachable database ends with a sentence naming the setting (and not its password), exit code 1, no stack trace", async () => {
    const dir = tempDataDir();
    const closed = await freePort();
    const url = `postgresql://someone:s3cret-password@127.0.0.1:${closed}/medslot`;
    const server = await startServer(dir, await freePort(), { DATABASE_URL: url, MIGRATE_DATABASE_URL: url });
    const { code } = await server.exited;
    expect(code).toBe(1);
    expect(server.output()).toContain(`Cannot use the database in MIGRATE_DATABASE_URL (postgresql://someone@127.0.0.1:${closed}/medslot): the connection was refused`);
    expect(server.output()).not.toContain("s3cret-password");
    expect(server.output()).not.toMatch(STACK_LINE);
    expect(server.output()).not.toMatch(/TypeError|undefined/);
  });

  test("a busy PORT ends with a sentence naming the port and the variable, exit code 1, no stack trace", async () => {
    const port = await freePort();
    await occupy(port);
    // On this run's database, so start-up gets to the point of listening quickly.
    const server = await startServer(tempDataDir(), await freePort(), { DATABASE_URL: inject("runtimeUrl"), MIGRATE_DATABASE_URL: inject("ownerUrl"), LOG_LEVEL: "warn" }, port);
    const { code } = await server.exited;
    expect(code).toBe(1);
    expect(server.output()).toContain(`Port ${server.port} (PORT) is already in use by another program.\nStop that program, or set PORT to a free port.`);
    expect(server.output()).not.toMatch(STACK_LINE);
  });

  test("killed during initdb: the next start makes the cluster again and serves the demo", async () => {
    const dir = tempDataDir();
    const pgPort = await freePort();
    const first = await startServer(dir, pgPort);
    // initdb is running once its folder has files in it; the kill lands before it can finish.
    const pgDir = path.join(dir, "pg");
    while (!(fs.existsSync(pgDir) && fs.readdirSync(pgDir).length > 0)) {
      if (first.child.exitCode !== null) throw new Error(`the server ended before initdb:\n${first.output()}`);
      await sleep(2);
    }
    await first.killAll();
    expect(fs.existsSync(path.join(dir, DATA_FILES.initialised))).toBe(false);

    const second = await startServer(dir, pgPort);
    await healthy(second);
    expect(second.output()).toContain("was left half-made by an earlier start that stopped before it was ready; making it again");
    const clinics = await query<{ slug: string }>(superuserUrl(dir, pgPort), "SELECT slug FROM clinics ORDER BY slug");
    expect(clinics.map((c) => c.slug)).toEqual(DEMO_CLINICS);
    await interrupt(second);
    expect(runningPostmaster(pgDir)).toBeNull();
  });

  test("killed during the demo seed: the next start keeps what was loaded and finishes the seed", async () => {
    const dir = tempDataDir();
    const pgPort = await freePort();
    const first = await startServer(dir, pgPort);
    await first.waitFor(/"msg":"loading the demo clinics"/);
    // Kill once the first clinic is in: the seed is then surely under way and not finished.
    let loaded: { id: string; slug: string }[] = [];
    while (loaded.length === 0) {
      loaded = await query<{ id: string; slug: string }>(superuserUrl(dir, pgPort), "SELECT id, slug FROM clinics");
      if (loaded.length === 0) await sleep(20);
    }
    await first.killAll();
    expect(fs.existsSync(path.join(dir, DATA_FILES.seeded))).toBe(false);

    const second = await startServer(dir, pgPort);
    await healthy(second);
    expect(fs.existsSync(path.join(dir, DATA_FILES.seeded))).toBe(true);
    const url = superuserUrl(dir, pgPort);
    const clinics = await query<{ id: string; slug: string }>(url, "SELECT id, slug FROM clinics ORDER BY slug");
    expect(clinics.map((c) => c.slug)).toEqual(DEMO_CLINICS);
    // The clinic loaded before the kill is the same row, not a second copy.
    for (const clinic of loaded) expect(clinics).toContainEqual(clinic);
    const operators = await query(url, "SELECT 1 FROM platform_operators");
    expect(operators.length).toBeGreaterThan(0);
    const withHistory = await query<{ slug: string }>(url, "SELECT DISTINCT c.slug FROM appointments a JOIN clinics c ON c.id = a.clinic_id ORDER BY c.slug");
    expect(withHistory.map((c) => c.slug)).toEqual(DEMO_CLINICS);
    await interrupt(second);
  });

  test("a server killed while serving leaves its PostgreSQL running: the next start stops that one and serves", async () => {
    const dir = tempDataDir();
    const pgPort = await freePort();
    const first = await startServer(dir, pgPort);
    await healthy(first);
    const pgDir = path.join(dir, "pg");
    const orphan = runningPostmaster(pgDir);
    expect(orphan).not.toBeNull();
    // Only the server is killed (as the OOM killer would): PostgreSQL is left without its parent.
    process.kill(first.child.pid!, "SIGKILL");
    await first.exited;
    expect(runningPostmaster(pgDir)?.pid).toBe(orphan!.pid);

    const second = await startServer(dir, pgPort);
    await healthy(second);
    expect(second.output()).toContain(`Stopping the PostgreSQL (pid ${orphan!.pid}) left running in ${pgDir} by an earlier server that was killed.`);
    expect(runningPostmaster(pgDir)?.pid).not.toBe(orphan!.pid);
    await interrupt(second);
    expect(runningPostmaster(pgDir)).toBeNull();
  });

  test("a database migrated part-way by an interrupted first start is migrated the rest of the way and keeps its rows", async () => {
    const dir = tempDataDir();
    const pgPort = await freePort();
    // The first start got through the first migrations only (each one is a transaction: a kill
    // inside one leaves it unapplied), and someone had already added a clinic.
    const all = listMigrations(path.join(ROOT, "prisma/migrations"));
    const partial = fs.mkdtempSync(path.join(os.tmpdir(), "medslot-migrations-"));
    cleanups.push(() => fs.rmSync(partial, { recursive: true, force: true }));
    for (const m of all.slice(0, 3)) {
      fs.mkdirSync(path.join(partial, m.name));
      fs.writeFileSync(path.join(partial, m.name, "migration.sql"), m.sql);
    }
    const db = await startEmbeddedPostgres({ dir, port: pgPort });
    try {
      await migrate({ ownerUrl: db.ownerUrl, runtimeRole: RUNTIME_ROLE, dir: partial });
      await query(superuserUrl(dir, pgPort), "INSERT INTO clinics (id, slug, name, time_zone) VALUES (gen_random_uuid(), 'kept-clinic', 'Kept clinic', 'Europe/Berlin')");
    } finally {
      await db.stop();
    }
    // Its session secret was cut short by the same kill.
    fs.writeFileSync(path.join(dir, DATA_FILES.sessionSecret), "abc");

    const server = await startServer(dir, pgPort);
    await healthy(server);
    expect(server.output()).toContain(`"msg":"database migrated","applied":${all.length - 3},"alreadyApplied":3`);
    const url = superuserUrl(dir, pgPort);
    const applied = await query<{ migration_name: string }>(url, "SELECT migration_name FROM _prisma_migrations WHERE finished_at IS NOT NULL ORDER BY migration_name");
    expect(applied.map((m) => m.migration_name)).toEqual(all.map((m) => m.name));
    const clinics = await query<{ slug: string }>(url, "SELECT slug FROM clinics ORDER BY slug");
    expect(clinics.map((c) => c.slug)).toEqual(["kept-clinic", ...DEMO_CLINICS].sort());
    expect(fs.readFileSync(path.join(dir, DATA_FILES.sessionSecret), "utf8").trim().length).toBeGreaterThanOrEqual(32);
    await interrupt(server);
  });
});
