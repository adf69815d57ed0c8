/**
 * The real HTTP app (app/server/http-app.server.ts: logging, same-origin check, body limits,
 * Remix) serving the production build on a free loopback port, against the test database. The
 * app is built first when build/ is missing or older than app/.
 *
 * Node's fetch drops a Host header, so requests go through node:http (see `send`).
 */
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { pathToFileURL } from "node:url";
import type { ServerBuild } from "@remix-run/node";
import { createHttpApp, startIntegrations } from "~/server/http-app.server";
import { getEnv, type Env } from "~/utils/env.server";
import { routeDbIsTestDb } from "./api-client";

const root = path.resolve(import.meta.dirname, "../..");

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(p) : fs.statSync(p).mtimeMs);
  }
  return newest;
}

function ensureBuild() {
  const output = path.join(root, "build/index.js");
  const sources = Math.max(newestMtime(path.join(root, "app")), fs.statSync(path.join(root, "remix.config.js")).mtimeMs);
  if (fs.existsSync(output) && fs.statSync(output).mtimeMs >= sources) return;
  const result = spawnSync("npx", ["--no-install", "remix", "build"], { cwd: root, encoding: "utf8" });
  if (result.status !== 0) throw new Error(`remix build failed:\n${result.stdout}\n${result.stderr}`);
}

export interface RunningApp {
  port: number;
  close(): Promise<void>;
}

/** Starts the app; call from beforeAll (the build may take a while) and close it in afterAll. */
/** `env`: settings over the test environment's, e.g. TRUST_PROXY for a test that speaks for many networks through X-Forwarded-For. */
export async function startHttpApp(opts: { env?: Partial<Env> } = {}): Promise<RunningApp> {
  ensureBuild();
  routeDbIsTestDb();
  const build = (await import(/* @vite-ignore */ pathToFileURL(path.join(root, "build/index.js")).href)) as ServerBuild;
  await startIntegrations(build);
  const app = createHttpApp({ build, env: { ...getEnv(), ...opts.env }, publicDir: path.join(root, "public") });
  const server = http.createServer(app);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

export interface Sent {
  /** Loopback port of the app. */
  port: number;
  method?: string;
  /** The Host header: picks the clinic ("{slug}.localhost") or the marketplace ("localhost"). */
  host: string;
  path: string;
  headers?: Record<string, string>;
  /**
   * The body. `declared`: only headers promising this many bytes are sent, then the answer is
   * awaited (a refused body is never sent). `chunked`: sent without a Content-Length, `prefix`
   * then 16 KB chunks of `fill`, until the answer arrives or `upTo` bytes are out.
   */
  body?: string | Buffer | { declared: number } | { chunked: { prefix: string; fill: string; upTo: number } };
}

export interface Answer {
  status: number;
  headers: http.IncomingHttpHeaders;
  text: string;
  /** Body bytes written before the answer arrived (for `stream` and `declared`). */
  bytesSentBeforeAnswer: number;
  /** Whether the client had finished sending its body when the answer came. */
  bodyFinished: boolean;
}

/**
 * One request over node:http; errors from writing after the answer (a closed socket) are ignored.
 * A server that answers a body it refuses may close the connection while the client is still
 * writing; when the client's write fails before it has read that answer (EPIPE, ECONNRESET: a race
 * in the client, not the server's answer), the request is sent once more.
 */
export async function send(opts: Sent): Promise<Answer> {
  try {
    return await sendOnce(opts);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== "EPIPE" && code !== "ECONNRESET") throw error;
    return sendOnce(opts);
  }
}

function sendOnce(opts: Sent): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string | number> = { host: opts.host, ...opts.headers };
    const body = opts.body;
    if (typeof body === "string" || Buffer.isBuffer(body)) headers["content-length"] = Buffer.byteLength(body);
    else if (body && "declared" in body) headers["content-length"] = body.declared;
    let sent = 0;
    let finished = false;
    let answered = false;
    let sentBeforeAnswer = 0;
    const req = http.request({ host: "127.0.0.1", port: opts.port, method: opts.method ?? "POST", path: opts.path, headers, agent: false }, (res) => {
      answered = true;
      sentBeforeAnswer = sent;
      const bodyFinished = finished;
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => {
        resolve({ status: res.statusCode ?? 0, headers: res.headers, text: Buffer.concat(chunks).toString("utf8"), bytesSentBeforeAnswer: sentBeforeAnswer, bodyFinished });
        req.destroy();
      });
      res.on("error", reject);
    });
    req.on("error", (error) => {
      if (!answered) reject(error);
    });
    if (body === undefined) {
      finished = true;
      req.end();
    } else if (typeof body === "string" || Buffer.isBuffer(body)) {
      sent = Buffer.byteLength(body);
      req.end(body, () => (finished = true));
    } else if ("declared" in body) {
      req.flushHeaders();
    } else {
      const { prefix, fill, upTo } = body.chunked;
      req.write(prefix);
      sent = Buffer.byteLength(prefix);
      void (async () => {
        while (!answered && sent < upTo && !req.destroyed) {
          const chunk = Buffer.alloc(Math.min(16 * 1024, upTo - sent), fill);
          const more = req.write(chunk);
          sent += chunk.byteLength;
          if (!more) await new Promise<void>((resolve) => { req.once("drain", resolve); req.once("response", () => resolve()); req.once("close", () => resolve()); });
        }
        if (!answered && !req.destroyed) req.end(() => (finished = true));
      })();
    }
  });
}

/**
 * Two answers for the same page, the second one the kept copy of the first (the same text: a fresh
 * render has a fresh nonce). A fixture's own writes reach the app's change feed a moment later, and
 * each drops what was kept before it, so the pair is asked again until the page stays kept.
 */
export async function keptPair(fetchPage: () => Promise<Answer>, timeoutMs = 20_000): Promise<{ first: Answer; kept: Answer }> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const first = await fetchPage();
    const kept = await fetchPage();
    if (kept.text === first.text || Date.now() > until) return { first, kept };
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}
