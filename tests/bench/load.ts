/**
 * A small, bounded HTTP load generator: a fixed number of requests at a fixed concurrency over
 * keep-alive connections to loopback, stopping early at a time cap so it always ends by itself.
 */
import http from "node:http";
import { gunzipSync } from "node:zlib";

export interface Target {
  /** Loopback port of the server under test. */
  port: number;
  /** Host header: Node does not resolve `*.localhost`, so the site is chosen by header alone. */
  host: string;
  path: string;
}

export interface LoadRun {
  requests: number;
  concurrency: number;
  capMs: number;
}

export interface LoadResult {
  completed: number;
  errors: number;
  /** First few error descriptions, enough to tell what went wrong. */
  errorSamples: string[];
  cappedByTime: boolean;
  seconds: number;
  requestsPerSecond: number;
  ms: { p50: number; p95: number; p99: number; max: number; mean: number };
}

const REQUEST_TIMEOUT_MS = 10_000;
const round = (n: number) => Math.round(n * 100) / 100;

/** Nearest-rank percentile of sorted values. */
export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1]!;
}

function once(agent: http.Agent, target: Target): Promise<{ ms: number; status: number }> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const req = http.request(
      {
        host: "127.0.0.1",
        port: target.port,
        path: target.path,
        agent,
        // A browser's headers: HTML wanted, gzip accepted (the server compresses, which is part of the cost).
        headers: { host: target.host, accept: "text/html,application/json;q=0.9,*/*;q=0.8", "accept-encoding": "gzip" },
        timeout: REQUEST_TIMEOUT_MS,
      },
      (res) => {
        res.resume(); // the body is read in full (that is part of the latency) but not kept
        res.on("end", () => resolve({ ms: performance.now() - started, status: res.statusCode ?? 0 }));
        res.on("error", reject);
      },
    );
    req.on("timeout", () => req.destroy(new Error(`no answer within ${REQUEST_TIMEOUT_MS} ms`)));
    req.on("error", reject);
    req.end();
  });
}

export async function load(target: Target, run: LoadRun): Promise<LoadResult> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: run.concurrency });
  const latencies: number[] = [];
  const errorSamples: string[] = [];
  let errors = 0;
  let issued = 0;
  const started = performance.now();
  const deadline = started + run.capMs;

  const worker = async () => {
    while (issued < run.requests && performance.now() < deadline) {
      issued++;
      try {
        const { ms, status } = await once(agent, target);
        if (status >= 200 && status < 300) latencies.push(ms);
        else {
          errors++;
          if (errorSamples.length < 5) errorSamples.push(`HTTP ${status}`);
        }
      } catch (error) {
        errors++;
        if (errorSamples.length < 5) errorSamples.push((error as Error).message);
      }
    }
  };
  await Promise.all(Array.from({ length: run.concurrency }, worker));
  const seconds = (performance.now() - started) / 1000;
  agent.destroy();

  return {
    completed: latencies.length,
    errors,
    errorSamples,
    cappedByTime: issued < run.requests,
    seconds: round(seconds),
    requestsPerSecond: round(latencies.length / seconds),
    ms: latencyStats(latencies),
  };
}

export function latencyStats(ms: number[]): LoadResult["ms"] {
  const sorted = [...ms].sort((a, b) => a - b);
  return {
    p50: round(percentile(sorted, 50)),
    p95: round(percentile(sorted, 95)),
    p99: round(percentile(sorted, 99)),
    max: round(sorted.at(-1) ?? NaN),
    mean: round(sorted.reduce((a, b) => a + b, 0) / (sorted.length || 1)),
  };
}

export interface ApiCall {
  method: "GET" | "POST";
  path: string;
  headers?: Record<string, string>;
  /** Sent as JSON. */
  json?: unknown;
  /** Sent as an urlencoded form, as a browser posts one. */
  form?: Record<string, string>;
}

export interface ApiAnswer {
  status: number;
  ms: number;
  contentType: string;
  /** Decompressed; empty unless asked for (reading it in full is timed either way). */
  body: string;
}

/**
 * One API request over `agent`, timed from sending to the last byte. Bodies are kept only when
 * asked, so a load of large answers does not also measure the client's memory.
 */
export function call(agent: http.Agent, port: number, host: string, req: ApiCall, opts: { keepBody?: boolean; gzip?: boolean } = {}): Promise<ApiAnswer> {
  const payload =
    req.form !== undefined ? Buffer.from(new URLSearchParams(req.form).toString()) : req.json === undefined ? undefined : Buffer.from(JSON.stringify(req.json));
  const contentType = req.form !== undefined ? "application/x-www-form-urlencoded" : "application/json";
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const r = http.request(
      {
        host: "127.0.0.1",
        port,
        method: req.method,
        path: req.path,
        agent,
        headers: {
          host,
          accept: "application/json",
          ...(opts.gzip ? { "accept-encoding": "gzip" } : {}),
          ...(payload ? { "content-type": contentType, "content-length": String(payload.length) } : {}),
          ...req.headers,
        },
        timeout: REQUEST_TIMEOUT_MS,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => {
          if (opts.keepBody) chunks.push(c);
        });
        res.on("end", () => {
          const ms = performance.now() - started;
          let body = Buffer.concat(chunks);
          if (opts.keepBody && res.headers["content-encoding"] === "gzip") body = gunzipSync(body);
          resolve({ status: res.statusCode ?? 0, ms, contentType: String(res.headers["content-type"] ?? ""), body: body.toString("utf8") });
        });
        res.on("error", reject);
      },
    );
    r.on("timeout", () => r.destroy(new Error(`no answer within ${REQUEST_TIMEOUT_MS} ms`)));
    r.on("error", reject);
    r.end(payload);
  });
}

/** Fetches one body in full, uncompressed (for measuring what a browser downloads). */
export function fetchBody(target: Target): Promise<{ status: number; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const req = http.get(
      { host: "127.0.0.1", port: target.port, path: target.path, headers: { host: target.host }, timeout: REQUEST_TIMEOUT_MS },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks) }));
        res.on("error", reject);
      },
    );
    req.on("timeout", () => req.destroy(new Error(`no answer within ${REQUEST_TIMEOUT_MS} ms`)));
    req.on("error", reject);
  });
}
