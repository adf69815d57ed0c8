/**
 * Fairness between clinics: another clinic's home page (northside, GET /) measured by one client,
 * first on a quiet server, then while one API key of the bench clinic on the DEFAULT rate limit
 * hammers 30-day slot searches from 16 clients that ignore Retry-After (the worst integration).
 * Target: the page's p99 under hammering stays within 2× its quiet p99. The hammering key's 429s
 * are counted: they are the limit at work.
 *
 * Bounded in requests and time, loopback only.
 */
import http from "node:http";
import { call, latencyStats, load, type LoadResult, type Target } from "./load";
import { verdict, type Row } from "./rows";
import { BENCH_TIME_ZONE, type BenchClinic } from "./seed";

export const FAIRNESS_TARGET = { p99Ratio: 2 };

// 2,000 a phase: the page answers in a quarter of a millisecond, and the p99 of 300 was the third-slowest
// answer, a measure of one timer or collection (quiet p99s of 1.6 to 4.5 ms between runs of the same code).
const PAGE = { warmUp: 50, requests: 2_000, capMs: 60_000 };
const HAMMER = { clients: 16, windowDays: 30, rampUpMs: 1_000, capMs: 90_000 };

export interface FairnessContext {
  port: number;
  bench: BenchClinic;
}

export interface FairnessResult {
  rows: Row[];
  details: Record<string, unknown>;
  failedRequests: number;
}

function clinicToday(): string {
  return new Intl.DateTimeFormat("en-CA", { timeZone: BENCH_TIME_ZONE, year: "numeric", month: "2-digit", day: "2-digit" }).format(new Date());
}

function addDays(date: string, days: number): string {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

const ms = (stats: LoadResult["ms"]) => `p50 ${stats.p50} · p99 ${stats.p99} · max ${stats.max} ms`;

/** 16 clients asking for slots with the default-limit key, back to back, until told to stop (or the cap). */
function hammer(ctx: FairnessContext) {
  const { port, bench } = ctx;
  const host = `${bench.slug}.localhost:${port}`;
  const today = clinicToday();
  const agent = new http.Agent({ keepAlive: true, maxSockets: HAMMER.clients });
  const byStatus: Record<string, number> = {};
  const samples: string[] = [];
  const okMs: number[] = [];
  const limitedMs: number[] = [];
  let stop = false;
  let i = 0;
  const started = performance.now();
  const deadline = started + HAMMER.capMs;
  const client = async () => {
    while (!stop && performance.now() < deadline) {
      const from = addDays(today, i++ % 30);
      const path = `/api/v1/slots?serviceId=${bench.serviceId}&from=${from}&to=${addDays(from, HAMMER.windowDays)}`;
      try {
        const a = await call(agent, port, host, { method: "GET", path, headers: { authorization: `Bearer ${bench.defaultApiKey}` } }, { gzip: true });
        byStatus[a.status] = (byStatus[a.status] ?? 0) + 1;
        if (a.status === 200) okMs.push(a.ms);
        else if (a.status === 429) limitedMs.push(a.ms);
        else if (samples.length < 5) samples.push(`HTTP ${a.status}`);
      } catch (error) {
        byStatus.network = (byStatus.network ?? 0) + 1;
        if (samples.length < 5) samples.push((error as Error).message);
      }
    }
  };
  const running = Promise.all(Array.from({ length: HAMMER.clients }, client));
  return {
    async stop() {
      stop = true;
      await running;
      agent.destroy();
      const seconds = (performance.now() - started) / 1000;
      const failed = Object.entries(byStatus).reduce((n, [status, count]) => n + (status === "200" || status === "429" ? 0 : count), 0);
      return { seconds, byStatus, samples, failed, okMs: latencyStats(okMs), limitedMs: latencyStats(limitedMs) };
    },
  };
}

export async function measureFairness(ctx: FairnessContext): Promise<FairnessResult> {
  const page: Target = { port: ctx.port, host: `northside.localhost:${ctx.port}`, path: "/" };
  const what = `clinic home page GET / (northside), 1 client, while a default-limit key of ${ctx.bench.slug} hammers 30-day slots from ${HAMMER.clients} clients`;
  const target = `p99 ≤ ${FAIRNESS_TARGET.p99Ratio}× quiet p99`;
  let failedRequests = 0;

  const warm = await load(page, { requests: PAGE.warmUp, concurrency: 1, capMs: PAGE.capMs });
  const quiet = await load(page, { requests: PAGE.requests, concurrency: 1, capMs: PAGE.capMs });
  console.log(`  northside home page, quiet… ${ms(quiet.ms)}`);
  failedRequests += warm.errors + quiet.errors;

  const hammering = hammer(ctx);
  // Let the hammer reach its steady state (the key's burst spent, 429s from memory) before measuring.
  await new Promise((r) => setTimeout(r, HAMMER.rampUpMs));
  const loud = await load(page, { requests: PAGE.requests, concurrency: 1, capMs: PAGE.capMs });
  const hammered = await hammering.stop();
  failedRequests += loud.errors + hammered.failed;

  const ratio = loud.ms.p99 / quiet.ms.p99;
  const allowedPerSecond = (hammered.byStatus[200] ?? 0) / hammered.seconds;
  const measured =
    `quiet ${ms(quiet.ms)} → hammered ${ms(loud.ms)} · p99 ratio ${ratio.toFixed(2)}× · ` +
    `hammering key: ${hammered.byStatus[200] ?? 0} × 200 (${allowedPerSecond.toFixed(1)}/s), ${hammered.byStatus[429] ?? 0} × 429 in ${hammered.seconds.toFixed(1)} s` +
    (hammered.failed ? ` · ${hammered.failed} failed (${hammered.samples.join("; ")})` : "");
  console.log(`  northside home page, hammered… ${ms(loud.ms)} (p99 ${ratio.toFixed(2)}× quiet); the key got ${hammered.byStatus[429] ?? 0} × 429, ${hammered.byStatus[200] ?? 0} × 200`);
  if (loud.errors || hammered.failed) console.error(`    failed requests, e.g. ${[...loud.errorSamples, ...hammered.samples].slice(0, 5).join("; ")}`);

  return {
    rows: [{ what, target, measured, result: verdict(ratio <= FAIRNESS_TARGET.p99Ratio && loud.errors === 0 && hammered.failed === 0) }],
    details: {
      page: { ...PAGE, quiet, hammered: loud },
      hammer: { ...HAMMER, seconds: Math.round(hammered.seconds * 100) / 100, statuses: hammered.byStatus, allowedPerSecond: Math.round(allowedPerSecond * 10) / 10, okMs: hammered.okMs, rateLimitedMs: hammered.limitedMs, errorSamples: hammered.samples },
      p99Ratio: Math.round(ratio * 100) / 100,
    },
    failedRequests,
  };
}
