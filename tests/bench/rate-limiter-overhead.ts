/**
 * What the API rate limiter costs per request, on a throwaway embedded PostgreSQL:
 * - the common case, a token spent from this process's lease (no database);
 * - a refusal known to this process (no database);
 * - one lease (one statement), alone;
 * - 32 concurrent requests of one key, leased in batches as the limiter does, against the naive
 *   design of one statement per request, where every request updates the same row (row-lock convoy).
 *
 * `npx tsx tests/bench/rate-limiter-overhead.ts`. A measurement, not a test; bounded, loopback only.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { randomUUID } from "node:crypto";
import { PostgresTokenStore, RateLimiter, type RatePolicy } from "../../app/modules/api/rate-limiter.server";
import { createDb } from "../../app/utils/db.server";
import { setLogLevel } from "../../app/utils/log.server";
import { RUNTIME_ROLE, startEmbeddedPostgres } from "../../app/utils/embedded-postgres.server";
import { migrate } from "../../app/utils/migrate.server";
import { freePort } from "../support/free-port";
import { latencyStats } from "./load";

const HOT: RatePolicy = { name: "api-key", ratePerSecond: 10_000, burst: 20_000 };
/** The highest a key may get: enough that 100,000 requests in a row are never refused. */
const HOTTEST: RatePolicy = { name: "api-key", ratePerSecond: 100_000, burst: 200_000 };
const CONCURRENCY = 32;
const CONCURRENT_REQUESTS = 20_000;

async function timeEach(n: number, fn: () => Promise<unknown> | unknown): Promise<number[]> {
  const ms: number[] = [];
  for (let i = 0; i < n; i++) {
    const t = performance.now();
    await fn();
    ms.push(performance.now() - t);
  }
  return ms;
}

/** `count` calls of `fn` from `concurrency` closed-loop clients: requests a second and each call's latency. */
async function concurrent(count: number, concurrency: number, fn: () => Promise<unknown>) {
  const ms: number[] = [];
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next++ < count) {
        const t = performance.now();
        await fn();
        ms.push(performance.now() - t);
      }
    }),
  );
  return { perSecond: Math.round(count / ((performance.now() - started) / 1000)), ms: latencyStats(ms) };
}

const us = (ms: number[]) => {
  const sorted = [...ms].sort((a, b) => a - b);
  const at = (p: number) => (sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]! * 1000).toFixed(1);
  return `p50 ${at(50)} µs · p99 ${at(99)} µs · mean ${((ms.reduce((a, b) => a + b, 0) / ms.length) * 1000).toFixed(2)} µs`;
};

async function main() {
  // The pool's "connection lost" warnings when the throwaway database stops are not news here.
  setLogLevel("error");
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "medslot-ratelimit-"));
  const database = await startEmbeddedPostgres({ dir, port: await freePort() });
  const db = createDb(database.runtimeUrl, { poolSize: 20 });
  try {
    await migrate({ ownerUrl: database.ownerUrl, runtimeRole: RUNTIME_ROLE });
    const store = new PostgresTokenStore(db);
    let leases = 0;
    const counting = { lease: (...args: Parameters<PostgresTokenStore["lease"]>) => (leases++, store.lease(...args)) };

    // Warm the pool and the function's plan.
    for (let i = 0; i < 200; i++) await store.lease(`warm:${i % 4}`, HOT, 1, new Date());

    const limiter = new RateLimiter(counting);
    const hot = `key:${randomUUID()}`;
    leases = 0;
    const spent = await timeEach(100_000, () => limiter.take(hot, HOTTEST));
    console.log(`take(), one client, 100,000 requests of a key at 100,000/s (batches of ${HOTTEST.burst / 10}): ${us(spent)} · ${leases} leases`);

    const tight: RatePolicy = { name: "api-key", ratePerSecond: 10, burst: 20 };
    const refusedBucket = `key:${randomUUID()}`;
    for (let i = 0; i < 40; i++) await limiter.take(refusedBucket, tight);
    leases = 0;
    const refused = await timeEach(100_000, () => limiter.take(refusedBucket, tight));
    const peeked = await timeEach(100_000, () => limiter.knownRefusal(refusedBucket, tight));
    console.log(`take() over the limit (refused from memory): ${us(refused)} · ${leases} leases; knownRefusal(): ${us(peeked)}`);

    const one = await timeEach(2_000, () => store.lease(`key:${randomUUID().slice(0, 8)}`, HOT, 2_000, new Date()));
    console.log(`one lease (take_rate_tokens, one round trip), alone: ${us(one)}`);

    const batched = new RateLimiter(counting);
    const key = `key:${randomUUID()}`;
    leases = 0;
    const leased = await concurrent(CONCURRENT_REQUESTS, CONCURRENCY, () => batched.take(key, HOT));
    console.log(`${CONCURRENCY} concurrent requests of one key, leased in batches of ${HOT.burst / 10}: ${leased.perSecond}/s · p50 ${leased.ms.p50} · p99 ${leased.ms.p99} ms · ${leases} leases`);

    const naiveKey = `key:${randomUUID()}`;
    const naive = await concurrent(CONCURRENT_REQUESTS, CONCURRENCY, () => store.lease(naiveKey, HOT, 1, new Date()));
    console.log(`${CONCURRENCY} concurrent requests of one key, one statement each (same row): ${naive.perSecond}/s · p50 ${naive.ms.p50} · p99 ${naive.ms.p99} ms`);
  } finally {
    await db.disconnect();
    await database.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
