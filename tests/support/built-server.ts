/**
 * The built server as production runs it: the environment and node flags of `npm start` (read from
 * package.json, so the two cannot drift) around build/server.js, NODE_ENV=production, on this test run's database, with
 * message providers configured but unreachable: Twilio's SDK goes through a proxy on a closed port
 * (HTTP_PROXY), SMTP points at a closed port, Inngest at another. So a code request really tries to
 * send and fails the way it does when Twilio is down.
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import http from "node:http";
import path from "node:path";
import { inject } from "vitest";
import { freePort } from "./free-port";

export const ROOT = path.resolve(import.meta.dirname, "../..");
/** Nothing listens on the discard port of loopback: connections there are refused at once. */
export const UNREACHABLE = "http://127.0.0.1:9";

export interface BuiltServer {
  port: number;
  /** The serving node process itself. */
  pid: number;
  /** Still running (not exited, not killed). */
  alive(): boolean;
  /** The last lines it wrote, for failure messages. */
  output(): string;
  /** SIGTERM, then SIGKILL after `timeoutMs`; resolves with how it ended. */
  stop(timeoutMs?: number): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

export interface BuiltServerOptions {
  /** Added to (or, when undefined, removed from) the production environment below. */
  env?: Record<string, string | undefined>;
  startTimeoutMs?: number;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Builds when the build is missing or older than the sources (a no-op after `npm run build`). */
export function ensureBuilt() {
  const result = spawnSync(process.execPath, [path.join(ROOT, "scripts/build-if-needed.mjs")], { cwd: ROOT, encoding: "utf8", timeout: 10 * 60_000 });
  if (result.status !== 0) throw new Error(`the build failed:\n${result.stderr}`);
}

/** A GET on loopback with a Host header (fetch would drop it); resolves with status and body. */
export function httpGet(port: number, host: string, pathname: string, headers: Record<string, string> = {}, timeoutMs = 60_000): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: "127.0.0.1", port, path: pathname, method: "GET", agent: false, headers: { host, ...headers }, timeout: timeoutMs }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString("utf8") }));
      res.on("error", reject);
    });
    req.on("timeout", () => req.destroy(new Error(`no answer to GET ${pathname} within ${timeoutMs} ms`)));
    req.on("error", reject);
    req.end();
  });
}

export function productionEnv(port: number): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    NODE_ENV: "production",
    LOG_LEVEL: "warn",
    PORT: String(port),
    APP_DOMAIN: "localhost",
    DATABASE_URL: inject("runtimeUrl"),
    MIGRATE_DATABASE_URL: inject("ownerUrl"),
    SESSION_SECRET: randomBytes(32).toString("hex"),
    TWILIO_ACCOUNT_SID: `AC${randomBytes(16).toString("hex")}`,
    TWILIO_AUTH_TOKEN: randomBytes(16).toString("hex"),
    TWILIO_FROM: "+15005550006",
    // The Twilio SDK sends every request through HTTP_PROXY: a closed port, so nothing leaves.
    HTTP_PROXY: UNREACHABLE,
    SMTP_URL: "smtp://127.0.0.1:9",
    INNGEST_BASE_URL: UNREACHABLE,
    // The test client on loopback stands for a proxy in front: its visitors' addresses are in X-Forwarded-For.
    TRUST_PROXY: "loopback",
  };
  for (const name of ["MEDSLOT_DATA_DIR", "EMBEDDED_PG_PORT", "STRIPE_SECRET_KEY", "STRIPE_WEBHOOK_SECRET", "STRIPE_PUBLISHABLE_KEY", "INNGEST_EVENT_KEY", "INNGEST_SIGNING_KEY", "MAIL_FROM"]) {
    delete env[name];
  }
  return env;
}

/**
 * What `npm start` sets: `NAME=${NAME:-default}` assignments (the default unless `env` has the
 * name) and the node flags before build/server.js, with `${VAR:-default}` resolved against `env`.
 */
export function startCommand(env: NodeJS.ProcessEnv): { env: Record<string, string>; nodeFlags: string[] } {
  const script = (JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8")) as { scripts: { start: string } }).scripts.start;
  const match = /^((?:\w+=\S+\s+)*)node\s+(.*?)\s*build\/server\.js$/.exec(script.trim());
  if (!match) throw new Error(`npm start is no longer "[NAME=value …] node [flags] build/server.js": ${script}`);
  const resolve = (word: string) => word.replace(/\$\{(\w+):-([^}]*)\}/g, (_, name: string, fallback: string) => env[name] ?? fallback);
  const assignments = Object.fromEntries(match[1]!.trim().split(/\s+/).filter(Boolean).map((pair) => [pair.slice(0, pair.indexOf("=")), resolve(pair.slice(pair.indexOf("=") + 1))]));
  return { env: assignments, nodeFlags: match[2]!.split(/\s+/).filter(Boolean).map(resolve) };
}

export async function startBuiltServer(opts: BuiltServerOptions = {}): Promise<BuiltServer> {
  ensureBuilt();
  const port = await freePort();
  const env = productionEnv(port);
  for (const [name, value] of Object.entries(opts.env ?? {})) {
    if (value === undefined) delete env[name];
    else env[name] = value;
  }
  const start = startCommand(env);
  const child: ChildProcess = spawn(process.execPath, [...start.nodeFlags, "build/server.js"], { cwd: ROOT, env: { ...start.env, ...env }, stdio: ["ignore", "pipe", "pipe"] });
  let tail = "";
  const keep = (chunk: Buffer) => (tail = (tail + chunk.toString()).slice(-16_000));
  child.stdout!.on("data", keep);
  child.stderr!.on("data", keep);
  let ended: { code: number | null; signal: NodeJS.Signals | null } | undefined;
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on("exit", (code, signal) => {
      ended = { code, signal };
      resolve(ended);
    }),
  );

  const stop = async (timeoutMs = 20_000) => {
    if (ended) return ended;
    child.kill("SIGTERM");
    const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
    const result = await exited;
    clearTimeout(timer);
    return result;
  };

  const deadline = Date.now() + (opts.startTimeoutMs ?? 120_000);
  while (!ended && Date.now() < deadline) {
    const health = await httpGet(port, `localhost:${port}`, "/healthz", {}, 5_000).catch(() => undefined);
    if (health?.status === 200) {
      return { port, pid: child.pid!, alive: () => !ended, output: () => tail, stop };
    }
    await sleep(200);
  }
  const why = ended ? `it exited (code ${ended.code}, signal ${ended.signal})` : "it did not answer /healthz in time";
  await stop();
  throw new Error(`the built server did not start: ${why}\n${tail}`);
}
