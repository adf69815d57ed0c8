/**
 * The benchmark's own server, run as in production: a fresh embedded PostgreSQL started and seeded
 * here (standing in for the external database) with the demo clinics and the bench clinic of
 * seed.ts, then `npm start` (the compiled build/server.js under plain node) with NODE_ENV=production
 * and DATABASE_URL, so React and Remix run their production code paths. Message providers get
 * settings that lead nowhere: the soak's "send me a code" requests reach an SMS provider that
 * cannot be reached, as in an outage.
 */
import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { randomBytes } from "node:crypto";
import { seedDemoClinics } from "../../app/seeding/demo-clinics.server";
import { createDb } from "../../app/utils/db.server";
import { startEmbeddedPostgres, RUNTIME_ROLE } from "../../app/utils/embedded-postgres.server";
import { migrate } from "../../app/utils/migrate.server";
import { freePort } from "../support/free-port";
import { fetchBody } from "./load";
import { seedBenchClinic, type BenchClinic } from "./seed";

export interface BenchServer {
  port: number;
  /** The node process that actually serves HTTP (npm, and the shell it runs scripts with, sit in front of it). */
  pid: number;
  dataDir: string;
  /** The owner role's URL, for checking what the load wrote (RLS applies: scope to the clinic). */
  ownerUrl: string;
  /** The app's own (runtime) role's URL, for the floor's raw SQL as the app sends it. */
  runtimeUrl: string;
  bench: BenchClinic;
  /** Last lines the server wrote, shown when something goes wrong. */
  output: () => string;
  stop: () => Promise<void>;
}

const START_TIMEOUT_MS = 180_000;
const STOP_TIMEOUT_MS = 20_000;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Every process below `root`, read from /proc (children are found by their parent pid). */
function descendants(root: number): number[] {
  const parentOf = new Map<number, number>();
  for (const name of fs.readdirSync("/proc")) {
    if (!/^\d+$/.test(name)) continue;
    try {
      // The command name in field 2 may hold spaces; the fields after its closing ")" do not.
      const stat = fs.readFileSync(`/proc/${name}/stat`, "utf8");
      parentOf.set(Number(name), Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]));
    } catch {
      // the process ended while being read
    }
  }
  const found: number[] = [];
  const queue = [root];
  while (queue.length) {
    const parent = queue.shift()!;
    for (const [pid, ppid] of parentOf) {
      if (ppid !== parent) continue;
      found.push(pid);
      queue.push(pid);
    }
  }
  return found;
}

/** Socket inodes listening on `port` (IPv4 or IPv6), from /proc/net/tcp*. */
function listeningInodes(port: number): Set<string> {
  const inodes = new Set<string>();
  for (const file of ["/proc/net/tcp", "/proc/net/tcp6"]) {
    if (!fs.existsSync(file)) continue;
    for (const line of fs.readFileSync(file, "utf8").split("\n").slice(1)) {
      // sl, local address, remote address, state, tx:rx queues, timer, retransmits, uid, timeout, inode
      const [, local, , state, , , , , , inode] = line.trim().split(/\s+/);
      if (state === "0A" && local && parseInt(local.split(":")[1] ?? "", 16) === port && inode) inodes.add(inode);
    }
  }
  return inodes;
}

/** The process under `root` that holds the listening socket on `port`. */
function listenerPid(root: number, port: number): number | undefined {
  const inodes = listeningInodes(port);
  for (const pid of descendants(root)) {
    let fds: string[];
    try {
      fds = fs.readdirSync(`/proc/${pid}/fd`);
    } catch {
      continue;
    }
    for (const fd of fds) {
      try {
        const m = /^socket:\[(\d+)\]$/.exec(fs.readlinkSync(`/proc/${pid}/fd/${fd}`));
        if (m && inodes.has(m[1]!)) return pid;
      } catch {
        // fd closed meanwhile
      }
    }
  }
  return undefined;
}

/** Resident memory of one process in bytes: now (VmRSS) and its peak so far (VmHWM). */
export function memoryOf(pid: number): { rss: number; peak: number } {
  const status = fs.readFileSync(`/proc/${pid}/status`, "utf8");
  const kb = (key: string) => Number(new RegExp(`^${key}:\\s+(\\d+) kB`, "m").exec(status)?.[1] ?? NaN) * 1024;
  return { rss: kb("VmRSS"), peak: kb("VmHWM") };
}

export async function startServer(root: string): Promise<BenchServer> {
  const [port, pgPort] = await Promise.all([freePort(), freePort()]);
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "medslot-bench-"));
  const database = await startEmbeddedPostgres({ dir: dataDir, port: pgPort });
  let bench: BenchClinic;
  try {
    await migrate({ ownerUrl: database.ownerUrl, runtimeRole: RUNTIME_ROLE });
    const db = createDb(database.runtimeUrl, { poolSize: 4 });
    try {
      await seedDemoClinics(db, path.join(root, "tenants"));
      bench = await seedBenchClinic(database.ownerUrl, db);
    } finally {
      await db.disconnect();
    }
  } catch (error) {
    await database.stop().catch(() => {});
    fs.rmSync(dataDir, { recursive: true, force: true, maxRetries: 5, retryDelay: 200 });
    throw error;
  }

  const env: NodeJS.ProcessEnv = {
    ...process.env,
    NODE_ENV: "production",
    LOG_LEVEL: "warn",
    PORT: String(port),
    APP_DOMAIN: "localhost",
    DATABASE_URL: database.runtimeUrl,
    MIGRATE_DATABASE_URL: database.ownerUrl,
    SESSION_SECRET: randomBytes(32).toString("hex"),
    TWILIO_ACCOUNT_SID: "ACbench",
    TWILIO_AUTH_TOKEN: "bench",
    TWILIO_FROM: "+15550000000",
    SMTP_URL: "smtp://127.0.0.1:9",
    // The load generator on loopback stands for a proxy in front: its visitors' addresses are in X-Forwarded-For.
    TRUST_PROXY: "loopback",
  };
  delete env.MEDSLOT_DATA_DIR;

  // Its own process group, so a server that ignores SIGTERM can still be ended as a whole.
  const child: ChildProcess = spawn("npm", ["start"], { cwd: root, env, detached: true, stdio: ["ignore", "pipe", "pipe"] });
  let tail = "";
  const keep = (chunk: Buffer) => (tail = (tail + chunk.toString()).slice(-8_000));
  child.stdout!.on("data", keep);
  child.stderr!.on("data", keep);
  let exited = false;
  child.on("exit", () => (exited = true));

  const removeDataDir = async () => {
    await database.stop().catch(() => {});
    fs.rmSync(dataDir, { recursive: true, force: true, maxRetries: 5, retryDelay: 200 });
  };

  let pid: number | undefined;
  const stop = async () => {
    if (!exited) {
      // SIGTERM to the serving process: it closes its connections; PostgreSQL is stopped after.
      process.kill(pid ?? child.pid!, "SIGTERM");
      const deadline = Date.now() + STOP_TIMEOUT_MS;
      while (!exited && Date.now() < deadline) await sleep(100);
      if (!exited) process.kill(-child.pid!, "SIGKILL");
    }
    await removeDataDir();
  };

  const deadline = Date.now() + START_TIMEOUT_MS;
  while (Date.now() < deadline && !exited) {
    const health = await fetchBody({ port, host: `localhost:${port}`, path: "/healthz" }).catch(() => undefined);
    if (health?.status === 200) {
      pid = listenerPid(child.pid!, port);
      if (pid) return { port, pid, dataDir, ownerUrl: database.ownerUrl, runtimeUrl: database.runtimeUrl, bench, output: () => tail, stop };
    }
    await sleep(250);
  }
  const why = exited ? "it exited" : `not healthy within ${START_TIMEOUT_MS / 1000} s`;
  await stop();
  throw new Error(`the server did not start (${why}):\n${tail}`);
}
