/**
 * API v1's rate limits, so that one clinic's integration cannot slow every other clinic down
 * (docs/decisions/025-api-rate-limits.md):
 * - per API key: 10 requests a second, in bursts of up to 20, unless the key has its own rate
 *   (set by the platform operator for a clinic's high-volume integration);
 * - per client address, for calls without a key (a patient's session cookie, or nothing) and for
 *   failed key checks, so a flood of made-up keys is limited too.
 * Every answer carries the IETF RateLimit-Policy and RateLimit headers; a refusal is a 429 problem
 * document with Retry-After. Refusals this process already knows of are also answered before
 * routing (server.ts), where a 429 costs about a third of a trip through Remix.
 */
import { createHash } from "node:crypto";
import type { AppLoadContext } from "@remix-run/node";
import { ipBucket } from "~/modules/auth/ip-bucket";
import { getDb } from "~/utils/db.server";
import { RateLimitedError } from "~/utils/errors.server";
import { PROBLEM_CONTENT_TYPE, problemDocument, problemType } from "~/utils/problem.server";
import { DEFAULT_KEY_RATE_PER_SECOND, hashApiKey } from "./api-keys.server";
import { PostgresTokenStore, RateLimiter, type RateDecision, type RatePolicy } from "./rate-limiter.server";

/** Bursts are this many seconds' worth of the rate. */
const BURST_SECONDS = 2;

export function keyPolicy(ratePerSecond: number | null): RatePolicy {
  const rate = ratePerSecond ?? DEFAULT_KEY_RATE_PER_SECOND;
  return { name: "api-key", ratePerSecond: rate, burst: rate * BURST_SECONDS };
}

/**
 * Requests of one key in progress at once in this process: 4, or a tenth of its rate a second if
 * that is more. The rate alone does not bound the work in progress: when answers slow down, rate
 * × answer time grows, and with it the memory held and the queue every other clinic waits in.
 */
export function keyConcurrency(policy: RatePolicy): number {
  return Math.max(4, Math.ceil(policy.ratePerSecond / 10));
}

/** Calls without a key, per address: the allowance of one default key. */
export const ADDRESS_POLICY: RatePolicy = { name: "ip", ratePerSecond: 10, burst: 20 };

interface ProcessLimits {
  limiter: RateLimiter;
  /**
   * Keys recently seen here, by the SHA-256 of the key: a key known to be over its limit is refused
   * before its database lookup, so a hammering integration costs next to nothing. A key revoked in
   * the meantime may get a 429 instead of a 401 until its refusal ends (a second or two).
   */
  recentKeys: Map<string, { apiKeyId: string; policy: RatePolicy }>;
  /** Requests in progress, by API key id. */
  inProgress: Map<string, number>;
}
const MAX_RECENT_KEYS = 10_000;

// One per process, kept on globalThis: server.ts and the Remix build each load their own copy of
// this module, and the check before routing must see what the routes learned.
const PROCESS_LIMITS = Symbol.for("medslot.api-rate-limits");
type WithLimits = { [PROCESS_LIMITS]?: ProcessLimits };

function processLimits(): ProcessLimits {
  const holder = globalThis as WithLimits;
  holder[PROCESS_LIMITS] ??= { limiter: new RateLimiter(new PostgresTokenStore(getDb())), recentKeys: new Map(), inProgress: new Map() };
  return holder[PROCESS_LIMITS];
}

const keyBucket = (apiKeyId: string) => `key:${apiKeyId}`;

/** "ip:" and the address (an IPv6 address by its /64 network); anything odd is hashed to fit the column. */
function addressBucket(clientIp: string): string {
  let bucket = addressBuckets.get(clientIp);
  if (bucket === undefined) {
    const network = (ipBucket(clientIp) ?? "unknown").replace(/\/64$/, "");
    bucket = /^[0-9A-Za-z_.:+-]{1,64}$/.test(network) ? `ip:${network}` : `ip:#${createHash("sha256").update(network).digest("hex").slice(0, 32)}`;
    // Remembered, since every API call asks and parsing an address is not free; bounded, since addresses come from the network.
    if (addressBuckets.size >= 1_000) addressBuckets.clear();
    addressBuckets.set(clientIp, bucket);
  }
  return bucket;
}
const addressBuckets = new Map<string, string>();

// ---------------------------------------------------------------------------------------------
// Answers

/** RateLimit-Policy and RateLimit (draft-ietf-httpapi-ratelimit-headers) for one decision. */
export function rateLimitHeaders(decision: RateDecision): Record<string, string> {
  const { policy } = decision;
  const window = Math.max(1, Math.ceil(policy.burst / policy.ratePerSecond));
  return {
    "RateLimit-Policy": `"${policy.name}";q=${policy.burst};w=${window}`,
    RateLimit: `"${policy.name}";r=${decision.remaining};t=${decision.resetSeconds}`,
  };
}

function refusalDetail({ policy }: RateDecision) {
  return policy.name === "api-key"
    ? `This API key may make ${policy.ratePerSecond} requests a second, in bursts of up to ${policy.burst}. Slow down and retry after the number of seconds in Retry-After; if your integration needs more, ask for a higher limit for its key.`
    : `Calls without an API key may make ${policy.ratePerSecond} requests a second from one address, in bursts of up to ${policy.burst}. Retry after the number of seconds in Retry-After.`;
}

/** Over a limit: 429 with Retry-After, the RateLimit headers and which policy was exceeded. */
export class ApiRateLimitedError extends RateLimitedError {
  constructor(
    readonly decision: RateDecision,
    detail = refusalDetail(decision),
  ) {
    super(detail, decision.resetSeconds);
  }
  override extensions() {
    return { ...super.extensions(), policy: this.decision.policy.name };
  }
  override headers(): Record<string, string> {
    return { ...super.headers(), ...rateLimitHeaders(this.decision) };
  }
}

const pendingHeaders = new WeakMap<object, Record<string, string>>();

function decide(context: AppLoadContext, decision: RateDecision) {
  pendingHeaders.set(context, rateLimitHeaders(decision));
  if (!decision.allowed) throw new ApiRateLimitedError(decision);
}

const pendingReleases = new WeakMap<object, () => void>();

/**
 * When the endpoint has answered: adds the request's RateLimit headers (if a limit was checked) and
 * gives back its key's place among the requests in progress.
 */
export function settleRateLimits(context: AppLoadContext | undefined, headers: Headers | null) {
  if (!context) return;
  for (const [name, value] of Object.entries(pendingHeaders.get(context) ?? {})) headers?.set(name, value);
  pendingReleases.get(context)?.();
  pendingReleases.delete(context);
}

// ---------------------------------------------------------------------------------------------
// Checks, in the order a request meets them

function knownAddressRefusal(limits: ProcessLimits, clientIp: string) {
  return limits.limiter.knownRefusal(addressBucket(clientIp), ADDRESS_POLICY);
}

function knownKeyRefusal(limits: ProcessLimits, keyHash: string) {
  const recent = limits.recentKeys.get(keyHash);
  return recent ? limits.limiter.knownRefusal(keyBucket(recent.apiKeyId), recent.policy) : null;
}

/** Refuses at once, before the key is looked up, when this address is already known to be over its limit. */
export function refuseAddressKnownOverLimit(context: AppLoadContext) {
  const refusal = knownAddressRefusal(processLimits(), context.clientIp);
  if (refusal) decide(context, refusal);
}

/** Counts a call without a key (or a failed key check) against the caller's address; 429 when over. */
export async function limitAddress(context: AppLoadContext) {
  decide(context, await processLimits().limiter.take(addressBucket(context.clientIp), ADDRESS_POLICY));
}

export function refuseKeyKnownOverLimit(context: AppLoadContext, keyHash: string) {
  const refusal = knownKeyRefusal(processLimits(), keyHash);
  if (refusal) decide(context, refusal);
}

/** Counts an authenticated call against its key; 429 when over. */
export async function limitKey(context: AppLoadContext, key: { id: string; keyHash: string; rateLimitPerSecond: number | null }) {
  const limits = processLimits();
  const policy = keyPolicy(key.rateLimitPerSecond);
  if (limits.recentKeys.size >= MAX_RECENT_KEYS) limits.recentKeys.clear();
  limits.recentKeys.set(key.keyHash, { apiKeyId: key.id, policy });
  decide(context, await limits.limiter.take(keyBucket(key.id), policy));
  // The token is spent either way: a client that keeps piling requests on soon meets the rate limit,
  // which is refused from memory before routing.
  const running = limits.inProgress.get(key.id) ?? 0;
  if (running >= keyConcurrency(policy)) {
    const busy: RateDecision = { allowed: false, policy, remaining: 0, resetSeconds: 1, waitMs: 0 };
    pendingHeaders.set(context, rateLimitHeaders(busy));
    throw new ApiRateLimitedError(
      busy,
      `This API key already has ${running} requests in progress on this server, the most it may have at once. Send the next one when an answer arrives.`,
    );
  }
  limits.inProgress.set(key.id, running + 1);
  pendingReleases.set(context, () => {
    const left = (limits.inProgress.get(key.id) ?? 1) - 1;
    if (left > 0) limits.inProgress.set(key.id, left);
    else limits.inProgress.delete(key.id);
  });
}

export interface EarlyRefusal {
  status: 429;
  headers: Record<string, string>;
  body: string;
  /**
   * How long to hold the answer: until a retry could succeed, at most a second. A client that
   * ignores Retry-After and asks again at once (a closed loop of N connections) is slowed to N
   * requests per hold instead of as many as the server can refuse, which would be all its CPU.
   * Plus up to one token's interval at random: held refusals that all woke when the next token
   * came brought their clients back in the same millisecond, a burst every other clinic's
   * requests queued behind (the fairness row's p99 tripled).
   */
  holdMs: number;
}

const MAX_HOLD_MS = 1_000;
/** Refusals held at once in this process; beyond it they are answered at once (memory stays bounded). */
const MAX_HELD = 1_000;
let held = 0;

/**
 * The same refusals from an API request's Authorization header and address alone, for the server
 * to answer before routing; null when this process knows of none (the routes then check as usual).
 * Reads memory only: no database, and nothing is counted.
 */
export function knownRefusalBeforeRouting(request: { authorization: string | undefined; clientIp: string; requestId: string }): EarlyRefusal | null {
  const limits = (globalThis as WithLimits)[PROCESS_LIMITS];
  if (!limits) return null;
  let decision = knownAddressRefusal(limits, request.clientIp);
  const token = /^Bearer[ ]+(\S+)\s*$/i.exec(request.authorization ?? "")?.[1];
  if (!decision && token) decision = knownKeyRefusal(limits, hashApiKey(token));
  if (!decision) return null;
  const retryAfter = Math.max(1, decision.resetSeconds);
  const document = problemDocument({
    status: 429,
    type: problemType("rate-limited"),
    title: "Too many requests",
    detail: refusalDetail(decision),
    extensions: { retryAfterSeconds: retryAfter, policy: decision.policy.name, requestId: request.requestId },
  });
  return {
    status: 429,
    headers: { "Content-Type": PROBLEM_CONTENT_TYPE, "Cache-Control": "no-store", "Retry-After": String(retryAfter), ...rateLimitHeaders(decision) },
    body: JSON.stringify(document),
    holdMs: held < MAX_HELD ? Math.min(MAX_HOLD_MS, decision.waitMs + Math.random() * (1_000 / decision.policy.ratePerSecond)) : 0,
  };
}

/** Sends an early refusal after its hold; `send` is the server's way of answering. */
export function sendEarlyRefusal(refusal: EarlyRefusal, send: () => void) {
  if (refusal.holdMs <= 0) return send();
  held++;
  setTimeout(() => {
    held--;
    send();
  }, refusal.holdMs);
}
