/**
 * A small, bounded HTTP load generator: a fixed number of requests at a fixed concurrency over
 * keep-alive connections to loopback, stopping early at a time cap so it always ends by itself.
 */
import http from "node:http";

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

  const sorted = latencies.sort((a, b) => a - b);
  const round = (n: number) => Math.round(n * 100) / 100;
  return {
    completed: sorted.length,
    errors,
    errorSamples,
    cappedByTime: issued < run.requests,
    seconds: round(seconds),
    requestsPerSecond: round(sorted.length / seconds),
    ms: {
      p50: round(percentile(sorted, 50)),
      p95: round(percentile(sorted, 95)),
      p99: round(percentile(sorted, 99)),
      max: round(sorted.at(-1) ?? NaN),
      mean: round(sorted.reduce((a, b) => a + b, 0) / (sorted.length || 1)),
    },
  };
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
