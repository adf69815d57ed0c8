/**
 * API v1's rate limits against the real database: a key over its limit, other clinics' keys, a
 * key's own higher limit, the address limit for calls without a key (and for made-up keys), and
 * the limiter itself with an injected clock: refills, and two limiters standing for two server
 * processes sharing one bucket.
 */
import { randomInt, randomUUID } from "node:crypto";
import type { AppLoadContext } from "@remix-run/node";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { createApiKey, setApiKeyRateLimit } from "~/modules/api/api-keys.server";
import { batchSize, PostgresTokenStore, RateLimiter, type RatePolicy } from "~/modules/api/rate-limiter.server";
import { ApiRateLimitedError, keyConcurrency, keyPolicy, knownRefusalBeforeRouting, limitKey, settleRateLimits } from "~/modules/api/rate-limits.server";
import * as clinicRoute from "~/routes/api.v1.clinic";
import * as openApiRoute from "~/routes/api.v1.openapi[.]json";
import { callRoute, releaseAppDb, routeDbIsTestDb, type ApiAnswer, type CallOptions } from "../support/api-client";
import { createTestClinic, testDb } from "../support/db";

routeDbIsTestDb();
afterAll(async () => {
  await releaseAppDb();
  await testDb().disconnect();
});

type Problem = { type: string; title: string; status: number; detail: string; retryAfterSeconds: number; policy: string };

let hostA: string;
let hostB: string;
let clinicA: string;
let clinicB: string;

beforeAll(async () => {
  const a = await createTestClinic();
  const b = await createTestClinic();
  clinicA = a.id;
  clinicB = b.id;
  hostA = `${a.slug}.localhost`;
  hostB = `${b.slug}.localhost`;
});

/** An address of its own for each test, so tests (and test files) do not share an allowance. */
const freshAddress = () => `10.${randomInt(0, 256)}.${randomInt(0, 256)}.${randomInt(1, 255)}`;
const freshIpv6 = () => `2001:db8:${randomInt(0, 0xffff).toString(16)}:${randomInt(0, 0xffff).toString(16)}::${randomInt(1, 0xffff).toString(16)}`;

/** `n` calls of GET /api/v1/clinic at once: a client firing faster than its limit. */
function burst(n: number, opts: CallOptions) {
  return Promise.all(Array.from({ length: n }, () => callRoute<Problem & Record<string, unknown>>(clinicRoute, "/api/v1/clinic", opts)));
}

/** `n` calls, 4 at a time (as many as a default key may have in progress): fast, but one batch after another. */
async function inWaves(n: number, opts: CallOptions) {
  const answers: ApiAnswer<Problem & Record<string, unknown>>[] = [];
  while (answers.length < n) answers.push(...(await burst(Math.min(4, n - answers.length), opts)));
  return answers;
}

const statuses = (answers: ApiAnswer[]) => answers.reduce<Record<number, number>>((n, a) => ({ ...n, [a.status]: (n[a.status] ?? 0) + 1 }), {});

/**
 * What the server would answer before routing, asked right after the route itself refused `opts`:
 * a refusal known from memory lasts only until a batch has refilled (a fraction of a second for
 * the default limits), so it is read at once, and the pair is tried again if that moment passed.
 */
async function earlyRefusalAfterRouteRefusal(opts: CallOptions, authorization: string | undefined) {
  for (let attempt = 0; attempt < 5; attempt++) {
    const answer = await callRoute(clinicRoute, "/api/v1/clinic", opts);
    if (answer.status !== 429) continue;
    const early = knownRefusalBeforeRouting({ authorization, clientIp: opts.clientIp!, requestId: "req-early" });
    if (early) return { status: early.status, headers: new Headers(early.headers), body: JSON.parse(early.body) as Problem, holdMs: early.holdMs };
  }
  return null;
}

function expectRateLimited(answer: ApiAnswer<Problem>, policy: string, q: number) {
  expect(answer.status).toBe(429);
  expect(answer.headers.get("content-type")).toBe("application/problem+json");
  const retryAfter = answer.headers.get("retry-after");
  expect(retryAfter).toMatch(/^[1-9]\d*$/);
  expect(answer.body).toMatchObject({ type: "https://medslot.dev/problems/rate-limited", status: 429, title: "Too many requests", policy, retryAfterSeconds: Number(retryAfter) });
  expect(answer.body.detail).toContain("Retry-After");
  expect(answer.headers.get("ratelimit-policy")).toBe(`"${policy}";q=${q};w=2`);
  // Nothing left, and the window ends when a retry can succeed (Retry-After is never earlier).
  expect(answer.headers.get("ratelimit")).toBe(`"${policy}";r=0;t=${retryAfter}`);
}

describe("per API key", () => {
  test("a key over its limit gets 429 with Retry-After, the RateLimit headers and a problem document; answers before it carry the headers too", async () => {
    const { key } = await createApiKey(testDb().forClinic(clinicA), "Chatty integration", "cli");
    // 60 in quick waves against the default of 20 in a burst and 10 a second: the first 20 or so pass.
    const answers = await inWaves(60, { host: hostA, key, clientIp: freshAddress() });
    const counts = statuses(answers);
    expect(Object.keys(counts).sort()).toEqual(["200", "429"]);
    expect(counts[200]).toBeGreaterThanOrEqual(20 - 2 * batchSize({ name: "api-key", ratePerSecond: 10, burst: 20 }));
    expect(counts[200]).toBeLessThan(60);

    const ok = answers.find((a) => a.status === 200)!;
    expect(ok.headers.get("ratelimit-policy")).toBe('"api-key";q=20;w=2');
    const [, r, t] = /^"api-key";r=(\d+);t=(\d+)$/.exec(ok.headers.get("ratelimit") ?? "") ?? [];
    expect(Number(r)).toBeLessThanOrEqual(20);
    expect(Number(t)).toBeGreaterThanOrEqual(0);
    expectRateLimited(answers.find((a) => a.status === 429)!, "api-key", 20);
  });

  test("another clinic's key is not slowed by it", async () => {
    const { key: busy } = await createApiKey(testDb().forClinic(clinicA), "Busy", "cli");
    const { key: other } = await createApiKey(testDb().forClinic(clinicB), "Other clinic", "cli");
    const clientIp = freshAddress();
    const flood = await burst(60, { host: hostA, key: busy, clientIp });
    expect(statuses(flood)[429]).toBeGreaterThan(0);
    // Same moment, same address even: the other key has its own bucket.
    const answers = await inWaves(12, { host: hostB, key: other, clientIp });
    expect(statuses(answers)).toEqual({ 200: 12 });
  });

  test("the server answers a key it knows to be over its limit before routing, with the same 429", async () => {
    const { key } = await createApiKey(testDb().forClinic(clinicA), "Hammering", "cli");
    const { key: other } = await createApiKey(testDb().forClinic(clinicA), "Quiet", "cli");
    const clientIp = freshAddress();
    const flood = await burst(60, { host: hostA, key, clientIp });
    expect(statuses(flood)[429]).toBeGreaterThan(0);
    const early = await earlyRefusalAfterRouteRefusal({ host: hostA, key, clientIp }, `Bearer ${key}`);
    expect(early).not.toBeNull();
    expectRateLimited(early!, "api-key", 20);
    expect(early!.body).toMatchObject({ requestId: "req-early" });
    // Held until a retry could succeed (a client that ignores Retry-After waits anyway), at most a second.
    expect(early!.holdMs).toBeGreaterThan(0);
    expect(early!.holdMs).toBeLessThanOrEqual(1_000);
    // Keys and addresses it knows nothing against go on to the routes.
    expect(knownRefusalBeforeRouting({ authorization: `Bearer ${other}`, clientIp, requestId: "req-2" })).toBeNull();
    expect(knownRefusalBeforeRouting({ authorization: undefined, clientIp, requestId: "req-3" })).toBeNull();
  });

  test("a key's own higher limit lets a high-volume integration through; set-rate changes it", async () => {
    const { key, apiKey } = await createApiKey(testDb().forClinic(clinicA), "High volume", "cli", { rateLimitPerSecond: 1000 });
    expect(apiKey.rateLimitPerSecond).toBe(1000);
    const answers = await burst(60, { host: hostA, key, clientIp: freshAddress() });
    expect(statuses(answers)).toEqual({ 200: 60 });
    expect(answers[0]!.headers.get("ratelimit-policy")).toBe('"api-key";q=2000;w=2');

    // Set by the CLI, another process: every server applies it once the change log reaches it.
    const policy = async () => (await callRoute(clinicRoute, "/api/v1/clinic", { host: hostA, key, clientIp: freshAddress() })).headers.get("ratelimit-policy");
    await setApiKeyRateLimit(testDb().forClinic(clinicA), apiKey.id, 50, "cli");
    await expect.poll(policy, { timeout: 3_000 }).toBe('"api-key";q=100;w=2');
    await setApiKeyRateLimit(testDb().forClinic(clinicA), apiKey.id, null, "cli");
    await expect.poll(policy, { timeout: 3_000 }).toBe('"api-key";q=20;w=2');
  });

  test("a key has at most 4 requests in progress at once in a process (a tenth of its rate if more); a finished one makes room", async () => {
    expect(keyConcurrency(keyPolicy(null))).toBe(4);
    expect(keyConcurrency(keyPolicy(1000))).toBe(100);
    const key = { id: randomUUID(), keyHash: randomUUID(), rateLimitPerSecond: null };
    const contexts = Array.from({ length: 4 }, () => ({}) as AppLoadContext);
    for (const context of contexts) await limitKey(context, key);
    const fifth = {} as AppLoadContext;
    const refusal = await limitKey(fifth, key).catch((error: unknown) => error);
    expect(refusal).toBeInstanceOf(ApiRateLimitedError);
    expect(refusal).toMatchObject({ status: 429, retryAfterSeconds: 1, detail: expect.stringContaining("4 requests in progress") });
    const headers = new Headers();
    settleRateLimits(fifth, headers);
    expect(headers.get("ratelimit")).toBe('"api-key";r=0;t=1');

    settleRateLimits(contexts[0], new Headers());
    await expect(limitKey({} as AppLoadContext, key)).resolves.toBeUndefined();
  });

  test("a rate that is not a whole number of requests a second from 1 to 100,000 is refused", async () => {
    for (const rate of [0, -1, 1.5, 100_001]) {
      await expect(createApiKey(testDb().forClinic(clinicA), "Odd rate", "cli", { rateLimitPerSecond: rate })).rejects.toThrow(/1 to 100000/);
    }
  });
});

describe("per address, for calls without a key", () => {
  test("calls without credentials are limited per address; another address is not", async () => {
    const clientIp = freshAddress();
    const answers = await burst(60, { host: hostA, clientIp });
    const counts = statuses(answers);
    expect(Object.keys(counts).sort()).toEqual(["401", "429"]);
    const unauthorized = answers.find((a) => a.status === 401)!;
    expect(unauthorized.headers.get("ratelimit-policy")).toBe('"ip";q=20;w=2');
    expectRateLimited(answers.find((a) => a.status === 429)!, "ip", 20);
    expect((await callRoute(clinicRoute, "/api/v1/clinic", { host: hostA, clientIp: freshIpv6() })).status).toBe(401);
    // The public OpenAPI document counts against the address as well.
    const openApi = await Promise.all(Array.from({ length: 30 }, () => callRoute(openApiRoute, "/api/v1/openapi.json", { host: hostA, clientIp })));
    expect(statuses(openApi)[429]).toBeGreaterThan(0);
    // And the server refuses the address before routing, whatever it sends.
    expectRateLimited((await earlyRefusalAfterRouteRefusal({ host: hostA, clientIp }, undefined))!, "ip", 20);
    expect(knownRefusalBeforeRouting({ authorization: undefined, clientIp: freshAddress(), requestId: "r" })).toBeNull();
  });

  test("an IPv6 client is counted by its /64, so rotating addresses inside it does not help", async () => {
    const prefix = `2001:db8:${randomInt(0, 0xffff).toString(16)}:${randomInt(0, 0xffff).toString(16)}`;
    const answers = await Promise.all(Array.from({ length: 60 }, (_, i) => callRoute(clinicRoute, "/api/v1/clinic", { host: hostA, clientIp: `${prefix}::${(i + 1).toString(16)}` })));
    expect(statuses(answers)[429]).toBeGreaterThan(0);
  });

  test("made-up keys count against the address, and once it is over its limit they are refused before any lookup", async () => {
    const clientIp = freshAddress();
    const madeUp = () => `msk_${randomUUID().replace(/-/g, "")}${"A".repeat(11)}`;
    const answers = await Promise.all(Array.from({ length: 60 }, () => callRoute<Problem>(clinicRoute, "/api/v1/clinic", { host: hostA, key: madeUp(), clientIp })));
    expect(Object.keys(statuses(answers)).sort()).toEqual(["401", "429"]);
    expectRateLimited(answers.find((a) => a.status === 429)!, "ip", 20);
    // Over its limit, the address is refused whatever key it sends, before any lookup.
    const key = madeUp();
    expectRateLimited((await earlyRefusalAfterRouteRefusal({ host: hostA, key, clientIp }, `Bearer ${key}`))!, "ip", 20);
  });

  test("calls with a valid key do not use up their address's allowance", async () => {
    const { key } = await createApiKey(testDb().forClinic(clinicA), "Behind a shared address", "cli", { rateLimitPerSecond: 1000 });
    const clientIp = freshAddress();
    expect(statuses(await burst(60, { host: hostA, key, clientIp }))).toEqual({ 200: 60 });
    const anonymous = await callRoute(clinicRoute, "/api/v1/clinic", { host: hostA, clientIp });
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get("ratelimit")).toMatch(/^"ip";r=1\d;t=\d+$/);
  });
});

describe("the limiter", () => {
  /** A clock tests move by hand; the database refills by the same clock. Later than real time, so no other test's housekeeping touches its rows. */
  function manualClock() {
    let now = Date.now() + 365 * 86_400_000;
    return { now: () => now, advance: (ms: number) => (now += ms) };
  }
  const policy: RatePolicy = { name: "test", ratePerSecond: 10, burst: 20 };
  const bucket = () => `test:${randomUUID()}`;

  async function takeMany(limiter: RateLimiter, name: string, p: RatePolicy, n: number) {
    const decisions = await Promise.all(Array.from({ length: n }, () => limiter.take(name, p)));
    return decisions.filter((d) => d.allowed).length;
  }

  test("allows the burst, refuses with the time to wait, and refills with time", async () => {
    const clock = manualClock();
    const limiter = new RateLimiter(new PostgresTokenStore(testDb()), clock.now);
    const name = bucket();
    expect(await takeMany(limiter, name, policy, 30)).toBe(20);
    const refused = await limiter.take(name, policy);
    expect(refused).toMatchObject({ allowed: false, remaining: 0, resetSeconds: 1 });

    clock.advance(1_000);
    expect(await takeMany(limiter, name, policy, 30)).toBe(10);
    clock.advance(60_000);
    // Never more than the burst, however long it was quiet.
    expect(await takeMany(limiter, name, policy, 30)).toBe(20);
  });

  test("refusals known to this process cost no lease; a new batch is leased once enough has refilled", async () => {
    const clock = manualClock();
    let leases = 0;
    const store = new PostgresTokenStore(testDb());
    const counting = { lease: (...args: Parameters<PostgresTokenStore["lease"]>) => (leases++, store.lease(...args)) };
    const limiter = new RateLimiter(counting, clock.now);
    const name = bucket();
    expect(await takeMany(limiter, name, policy, 20)).toBe(20);
    // 20 tokens in batches of 2: ten leases.
    expect(leases).toBe(10);
    expect(await takeMany(limiter, name, policy, 100)).toBe(0);
    expect(leases).toBe(11);
    expect(limiter.knownRefusal(name, policy)).toMatchObject({ allowed: false });
    clock.advance(200);
    expect(limiter.knownRefusal(name, policy)).toBeNull();
    expect(await takeMany(limiter, name, policy, 5)).toBe(2);
  });

  test("two limiters sharing the database (two server processes) together stay within the limit plus one batch each", async () => {
    const clock = manualClock();
    const p: RatePolicy = { name: "test", ratePerSecond: 50, burst: 100 };
    const one = new RateLimiter(new PostgresTokenStore(testDb()), clock.now);
    const two = new RateLimiter(new PostgresTokenStore(testDb()), clock.now);
    const name = bucket();

    // At one instant: exactly the burst between them, whoever asks first.
    const [a, b] = await Promise.all([takeMany(one, name, p, 150), takeMany(two, name, p, 150)]);
    expect(a + b).toBe(100);
    expect(a).toBeGreaterThan(0);
    expect(b).toBeGreaterThan(0);

    // Over three seconds of steady asking from both: at most burst + rate × t + 2 batches.
    let allowed = 0;
    const started = clock.now();
    for (let step = 0; step < 30; step++) {
      clock.advance(100);
      const [x, y] = await Promise.all([takeMany(one, name, p, 8), takeMany(two, name, p, 8)]);
      allowed += x + y;
    }
    const seconds = (clock.now() - started) / 1000;
    expect(allowed).toBeLessThanOrEqual(p.ratePerSecond * seconds + 2 * batchSize(p));
    // And not much less either: the refill is shared out, not lost.
    expect(allowed).toBeGreaterThanOrEqual(p.ratePerSecond * seconds - 2 * batchSize(p));
  });

  test("tokens leased by a process its client no longer reaches lapse instead of adding to a later burst", async () => {
    const clock = manualClock();
    const one = new RateLimiter(new PostgresTokenStore(testDb()), clock.now);
    const two = new RateLimiter(new PostgresTokenStore(testDb()), clock.now);
    const name = bucket();
    // One request through the first process leases a batch of 2 and keeps 1.
    expect(await takeMany(one, name, policy, 1)).toBe(1);
    clock.advance(60_000);
    // After a quiet minute both together get the full burst and no more.
    const [a, b] = await Promise.all([takeMany(one, name, policy, 30), takeMany(two, name, policy, 30)]);
    expect(a + b).toBe(20);
  });
});
