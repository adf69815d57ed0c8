/**
 * Token buckets whose truth is shared by every app process (the api_rate_buckets table), spent
 * from memory so that the common case costs no database round trip.
 *
 * A process leases a batch of tokens from the shared bucket in one statement (take_rate_tokens:
 * refill by the time elapsed, take the smaller of the batch and what is there) and spends them
 * locally; it leases again when its share runs out. When a lease finds the bucket empty, the
 * process refuses from memory until a batch will have refilled, so a flood of refused requests
 * costs no statements either.
 *
 * What holds across processes: tokens are taken from the shared bucket before they are spent, so
 * all processes together never admit more than it grants. The slack is the tokens leased before a
 * window and spent inside it: at most one batch per process. A batch is a tenth of the burst, so
 * with P processes a client gets at most burst + rate × t + P × burst / 10 requests in any t
 * seconds (20 % over the burst with two processes), and usually fewer. Unspent tokens lapse after
 * LEASE_TTL_MS rather than being handed back: a share stranded in a process the client no longer
 * reaches costs it a little capacity for two seconds, never grants extra.
 *
 * The clock is injectable (and passed to the database), so tests move time instead of sleeping.
 */
import type { Db } from "~/utils/db.server";

export interface RatePolicy {
  /** The policy's name in the RateLimit headers, e.g. "api-key". */
  name: string;
  /** Tokens added per second: the sustained rate. */
  ratePerSecond: number;
  /** The bucket's size: how many requests may come at once after a quiet spell. */
  burst: number;
}

export interface RateDecision {
  allowed: boolean;
  policy: RatePolicy;
  /** Whole requests left right now, as far as this process knows (a hint, not a promise). */
  remaining: number;
  /** Allowed: seconds until the bucket is full again. Refused: seconds until a retry can succeed. */
  resetSeconds: number;
  /** Refused: milliseconds until a retry can succeed (0 when allowed). */
  waitMs: number;
}

export interface Lease {
  granted: number;
  /** Tokens left in the shared bucket after this lease. */
  remaining: number;
}

/** Where the buckets' truth lives. */
export interface TokenStore {
  lease(bucket: string, policy: RatePolicy, want: number, now: Date): Promise<Lease>;
}

/** The buckets in PostgreSQL: one statement per lease, on the driver directly. */
export class PostgresTokenStore implements TokenStore {
  constructor(private readonly db: Db) {}

  async lease(bucket: string, policy: RatePolicy, want: number, now: Date): Promise<Lease> {
    // A platform table without row-level security (no clinic_id): any scope may write it.
    const [row] = await this.db
      .forPlatform()
      .writeOne<Lease>("SELECT granted, remaining FROM take_rate_tokens($1, $2, $3, $4, $5)", [bucket, policy.ratePerSecond, policy.burst, want, now]);
    return { granted: row?.granted ?? 0, remaining: row?.remaining ?? 0 };
  }
}

/** How long leased tokens may be spent before they lapse. */
export const LEASE_TTL_MS = 2_000;
/** Shares kept in memory before idle ones are dropped (one per key or address seen lately). */
const MAX_SHARES = 10_000;
/**
 * Rounds of "wait for the lease in flight, then try again" before giving up on one request. Waiters
 * are served in order, a batch per round, so this only stops a pathological loop.
 */
const MAX_ROUNDS = 100;

/** Tokens leased at a time: a tenth of the burst, so P processes stay within P × 10 % of it. */
export function batchSize(policy: RatePolicy): number {
  return Math.max(1, Math.floor(policy.burst / 10));
}

/** This process's share of one bucket. */
interface Share {
  /** Leased and not yet spent (whole tokens). */
  tokens: number;
  leasedAt: number;
  /** What the shared bucket held after the last lease, for the RateLimit header. */
  sharedRemaining: number;
  /** After a lease found the bucket empty: refuse from memory until then. */
  refusedUntil: number;
  /** The lease in flight, which concurrent requests wait for instead of leasing again. */
  leasing: Promise<void> | null;
}

export class RateLimiter {
  private readonly shares = new Map<string, Share>();

  constructor(
    private readonly store: TokenStore,
    private readonly clock: () => number = Date.now,
  ) {}

  /** Spends one token of `bucket`, leasing a batch from the shared bucket when this process has none. */
  async take(bucket: string, policy: RatePolicy): Promise<RateDecision> {
    const share = this.shareOf(bucket);
    for (let round = 0; round < MAX_ROUNDS; round++) {
      const now = this.clock();
      if (this.spendable(share, now)) {
        share.tokens -= 1;
        return this.allowed(share, policy, now);
      }
      if (now < share.refusedUntil) return this.refused(share, policy, now);
      share.leasing ??= this.lease(share, bucket, policy).finally(() => {
        share.leasing = null;
      });
      await share.leasing;
    }
    // Many requests at once kept taking each new batch before this one: treat it as over the limit.
    return this.refused(share, policy, this.clock());
  }

  /**
   * A refusal this process already knows of, without spending or leasing anything: for a check
   * before any work (an address known to be over its limit is refused before its key is looked up).
   */
  knownRefusal(bucket: string, policy: RatePolicy): RateDecision | null {
    const share = this.shares.get(bucket);
    if (!share) return null;
    const now = this.clock();
    return !this.spendable(share, now) && now < share.refusedUntil ? this.refused(share, policy, now) : null;
  }

  private spendable(share: Share, now: number) {
    return share.tokens >= 1 && now - share.leasedAt < LEASE_TTL_MS;
  }

  private async lease(share: Share, bucket: string, policy: RatePolicy) {
    const now = this.clock();
    const want = batchSize(policy);
    const { granted, remaining } = await this.store.lease(bucket, policy, want, new Date(now));
    // Whatever was left of the last lease is under one token or lapsed: the new batch replaces it.
    share.tokens = granted;
    share.leasedAt = now;
    share.sharedRemaining = remaining;
    // Empty: wait until a whole batch has refilled, so the next lease is worth its round trip.
    share.refusedUntil = granted > 0 ? 0 : now + (Math.max(0, Math.min(want, policy.burst) - remaining) / policy.ratePerSecond) * 1000;
  }

  private allowed(share: Share, policy: RatePolicy, now: number): RateDecision {
    const refilled = (policy.ratePerSecond * Math.max(0, now - share.leasedAt)) / 1000;
    const remaining = Math.floor(Math.min(policy.burst, share.tokens + share.sharedRemaining + refilled));
    return { allowed: true, policy, remaining, resetSeconds: Math.ceil((policy.burst - remaining) / policy.ratePerSecond), waitMs: 0 };
  }

  private refused(share: Share, policy: RatePolicy, now: number): RateDecision {
    const waitMs = Math.max(0, share.refusedUntil - now);
    return { allowed: false, policy, remaining: 0, resetSeconds: Math.max(1, Math.ceil(waitMs / 1000)), waitMs };
  }

  private shareOf(bucket: string): Share {
    let share = this.shares.get(bucket);
    if (share) return share;
    if (this.shares.size >= MAX_SHARES) this.dropIdleShares();
    share = { tokens: 0, leasedAt: 0, sharedRemaining: 0, refusedUntil: 0, leasing: null };
    this.shares.set(bucket, share);
    return share;
  }

  /** Shares with nothing to spend and nothing to refuse are the same as no share at all. */
  private dropIdleShares() {
    const now = this.clock();
    for (const [bucket, share] of this.shares) {
      if (!share.leasing && !this.spendable(share, now) && now >= share.refusedUntil) this.shares.delete(bucket);
    }
  }
}
