/**
 * The benchmark's own server, started the way the e2e tests start theirs: `npx tsx server.ts` with
 * a fresh data directory (embedded PostgreSQL inside, demo clinics seeded on first start) and free
 * loopback ports.
 */
import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { freePort } from "../support/free-port";
import { fetchBody } from "./load";

export interface BenchServer {
  port: number;
  /** The node process that actually serves HTTP (npx and tsx each sit in front of it). */
  pid: number;
  dataDir: string;
  /** Last lines the server wrote, shown when something goes wrong. */
  output: () => string;
  stop: () => Promise<void>;
}

const START_TIMEOUT_MS = 180_000;
const STOP_TIMEOUT_MS = 20_000;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function isAlive(pid: number) {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

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
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    // "test" runs the production build without demanding SESSION_SECRET and an external database.
    NODE_ENV: "test",
    LOG_LEVEL: "warn",
    PORT: String(port),
    APP_DOMAIN: "localhost",
    EMBEDDED_PG_PORT: String(pgPort),
    MEDSLOT_DATA_DIR: dataDir,
  };
  // Always the run's own embedded database, even when the shell points at another one.
  delete env.DATABASE_URL;
  delete env.MIGRATE_DATABASE_URL;

  // Its own process group, so a server that ignores SIGTERM can still be ended as a whole.
  const child: ChildProcess = spawn("npx", ["--no-install", "tsx", "server.ts"], { cwd: root, env, detached: true, stdio: ["ignore", "pipe", "pipe"] });
  let tail = "";
  const keep = (chunk: Buffer) => (tail = (tail + chunk.toString()).slice(-8_000));
  child.stdout!.on("data", keep);
  child.stderr!.on("data", keep);
  let exited = false;
  child.on("exit", () => (exited = true));

  const removeDataDir = async () => {
    // PostgreSQL may still be finishing its shutdown; its files are removed once it has left.
    const pidFile = path.join(dataDir, "pg", "postmaster.pid");
    const deadline = Date.now() + 15_000;
    while (fs.existsSync(pidFile) && Date.now() < deadline) {
      const pgPid = Number(fs.readFileSync(pidFile, "utf8").split("\n")[0]);
      if (!Number.isInteger(pgPid) || pgPid <= 0 || !isAlive(pgPid)) break;
      await sleep(100);
    }
    fs.rmSync(dataDir, { recursive: true, force: true, maxRetries: 5, retryDelay: 200 });
  };

  let pid: number | undefined;
  const stop = async () => {
    if (!exited) {
      // SIGTERM to the serving process: it closes its connections and stops PostgreSQL itself.
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
      if (pid) return { port, pid, dataDir, output: () => tail, stop };
    }
    await sleep(250);
  }
  const why = exited ? "it exited" : `not healthy within ${START_TIMEOUT_MS / 1000} s`;
  await stop();
  throw new Error(`the server did not start (${why}):\n${tail}`);
}
