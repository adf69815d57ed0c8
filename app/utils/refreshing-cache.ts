/**
 * Answers remembered for a while and refreshed ahead of time: a request that finds an answer close
 * to its end still gets it at once and sets off a new computation in the background, so under steady
 * traffic no request waits for a recomputation, and an answer is never older than `ttlMs`. Requests
 * that need an answer not yet (or no longer) remembered share one computation per key.
 */
export interface RefreshingCacheOptions {
  /** An answer is used for this long after it was computed, never longer. */
  ttlMs: number;
  /** From this age on, using an answer also computes it afresh in the background. */
  refreshAfterMs: number;
  /** Most answers kept; expired ones go first, then the oldest. */
  maxEntries: number;
  /** Most background computations at once (the rest wait their turn), so they never crowd out requests. */
  maxBackground?: number;
  /** Told about a background computation that failed (the previous answer stays until it expires). */
  onBackgroundError?: (key: string, error: unknown) => void;
  /** The clock, in milliseconds (tests). */
  now?: () => number;
}

export interface RefreshingCache<V> {
  /** The remembered answer for `key`, or `compute()`'s; with `fresh`, always a new computation. */
  get(key: string, compute: () => Promise<V>, options?: { fresh?: boolean }): Promise<V>;
  clear(): void;
  /** How many answers are remembered. */
  readonly size: number;
}

export function refreshingCache<V>(options: RefreshingCacheOptions): RefreshingCache<V> {
  const now = options.now ?? Date.now;
  const maxBackground = Math.max(1, options.maxBackground ?? 2);
  const entries = new Map<string, { value: V; at: number }>();
  const computing = new Map<string, Promise<V>>();
  const queued = new Map<string, () => Promise<V>>();
  let running = 0;
  // What clear() dropped must not come back: a computation under way then is neither joined nor remembered.
  let generation = 0;

  function remember(key: string, value: V) {
    const at = now();
    entries.delete(key);
    if (entries.size >= options.maxEntries) {
      for (const [k, e] of entries) if (at - e.at >= options.ttlMs) entries.delete(k);
      for (const k of entries.keys()) {
        if (entries.size < options.maxEntries) break;
        entries.delete(k);
      }
    }
    entries.set(key, { value, at });
  }

  function computeOnce(key: string, compute: () => Promise<V>): Promise<V> {
    const current = computing.get(key);
    if (current) return current;
    const started = generation;
    const promise = compute()
      .then((value) => {
        if (started === generation) remember(key, value);
        return value;
      })
      .finally(() => {
        if (computing.get(key) === promise) computing.delete(key);
      });
    computing.set(key, promise);
    return promise;
  }

  function drain() {
    while (running < maxBackground && queued.size) {
      const [key, compute] = queued.entries().next().value as [string, () => Promise<V>];
      queued.delete(key);
      running++;
      computeOnce(key, compute)
        .catch((error: unknown) => options.onBackgroundError?.(key, error))
        .finally(() => {
          running--;
          drain();
        });
    }
  }

  return {
    get(key, compute, getOptions) {
      const entry = entries.get(key);
      const age = entry ? now() - entry.at : Infinity;
      if (getOptions?.fresh || !entry || age >= options.ttlMs) return computeOnce(key, compute);
      if (age >= options.refreshAfterMs && !computing.has(key) && !queued.has(key)) {
        queued.set(key, compute);
        drain();
      }
      return Promise.resolve(entry.value);
    },
    clear() {
      generation++;
      entries.clear();
      queued.clear();
      computing.clear();
    },
    get size() {
      return entries.size;
    },
  };
}
