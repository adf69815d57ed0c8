import { describe, expect, test } from "vitest";
import { refreshingCache } from "./refreshing-cache";

/** A computation the test finishes by hand, counting how often it was started. */
function manual<V>() {
  const pending: { resolve: (v: V) => void; reject: (e: unknown) => void }[] = [];
  const compute = () => new Promise<V>((resolve, reject) => pending.push({ resolve, reject }));
  return { compute, pending, get started() { return pending.length; } };
}

const settle = () => new Promise((r) => setTimeout(r, 0));

function setup(over: Partial<Parameters<typeof refreshingCache>[0]> = {}) {
  let clock = 1_000_000;
  const errors: string[] = [];
  const cache = refreshingCache<string>({
    ttlMs: 60_000,
    refreshAfterMs: 45_000,
    maxEntries: 100,
    now: () => clock,
    onBackgroundError: (key, error) => errors.push(`${key}: ${(error as Error).message}`),
    ...over,
  });
  return { cache, errors, advance: (ms: number) => (clock += ms) };
}

describe("refreshingCache", () => {
  test("requests that need the same answer at once share one computation", async () => {
    const { cache } = setup();
    const work = manual<string>();
    const a = cache.get("k", work.compute);
    const b = cache.get("k", work.compute);
    expect(work.started).toBe(1);
    work.pending[0]!.resolve("v1");
    expect(await Promise.all([a, b])).toEqual(["v1", "v1"]);
  });

  test("a remembered answer is used without computing until it is due for a refresh", async () => {
    const { cache, advance } = setup();
    await cache.get("k", async () => "v1");
    advance(44_999);
    const work = manual<string>();
    expect(await cache.get("k", work.compute)).toBe("v1");
    expect(work.started).toBe(0);
  });

  test("an answer due for a refresh is still used at once while a new one is computed in the background", async () => {
    const { cache, advance } = setup();
    await cache.get("k", async () => "v1");
    advance(45_000);
    const work = manual<string>();
    expect(await cache.get("k", work.compute)).toBe("v1");
    expect(await cache.get("k", work.compute)).toBe("v1");
    expect(work.started).toBe(1);
    work.pending[0]!.resolve("v2");
    await settle();
    expect(await cache.get("k", work.compute)).toBe("v2");
    expect(work.started).toBe(1);
  });

  test("an expired answer is never used: the request waits for a new one", async () => {
    const { cache, advance } = setup();
    await cache.get("k", async () => "v1");
    advance(60_000);
    const work = manual<string>();
    const answer = cache.get("k", work.compute);
    expect(work.started).toBe(1);
    work.pending[0]!.resolve("v2");
    expect(await answer).toBe("v2");
  });

  test("a failed computation is not remembered; a failed refresh is reported and keeps the answer until it expires", async () => {
    const { cache, errors, advance } = setup();
    await expect(cache.get("k", () => Promise.reject(new Error("down")))).rejects.toThrow("down");
    expect(cache.size).toBe(0);
    await cache.get("k", async () => "v1");
    advance(50_000);
    expect(await cache.get("k", () => Promise.reject(new Error("still down")))).toBe("v1");
    await settle();
    expect(errors).toEqual(["k: still down"]);
    // The next request tries again.
    expect(await cache.get("k", () => Promise.reject(new Error("down again")))).toBe("v1");
    await settle();
    expect(errors).toEqual(["k: still down", "k: down again"]);
    advance(10_000);
    expect(await cache.get("k", async () => "v2")).toBe("v2");
  });

  test("background refreshes run a few at a time; the others wait their turn", async () => {
    const { cache, advance } = setup({ maxBackground: 2 });
    for (const key of ["a", "b", "c", "d"]) await cache.get(key, async () => `${key}1`);
    advance(50_000);
    const work = manual<string>();
    for (const key of ["a", "b", "c", "d"]) expect(await cache.get(key, work.compute)).toBe(`${key}1`);
    expect(work.started).toBe(2);
    work.pending[0]!.resolve("a2");
    await settle();
    expect(work.started).toBe(3);
    work.pending[1]!.resolve("b2");
    work.pending[2]!.resolve("c2");
    await settle();
    expect(work.started).toBe(4);
    work.pending[3]!.resolve("d2");
    await settle();
    expect(await Promise.all(["a", "b", "c", "d"].map((k) => cache.get(k, async () => "unused")))).toEqual(["a2", "b2", "c2", "d2"]);
  });

  test("fresh always computes anew and remembers the result", async () => {
    const { cache } = setup();
    await cache.get("k", async () => "v1");
    expect(await cache.get("k", async () => "v2", { fresh: true })).toBe("v2");
    expect(await cache.get("k", async () => "unused")).toBe("v2");
  });

  test("keeps at most maxEntries answers, dropping expired ones first and then the oldest", async () => {
    const { cache, advance } = setup({ maxEntries: 3 });
    await cache.get("old", async () => "o");
    advance(61_000);
    await cache.get("a", async () => "a");
    await cache.get("b", async () => "b");
    await cache.get("c", async () => "c");
    expect(cache.size).toBe(3);
    expect(await cache.get("old", async () => "o2")).toBe("o2");
    expect(cache.size).toBe(3);
    // "a" was the oldest left, so it is computed again.
    expect(await cache.get("a", async () => "a2")).toBe("a2");
  });

  test("after clear, nothing remembered or under way before it is used", async () => {
    const { cache } = setup();
    await cache.get("k", async () => "v1");
    const before = manual<string>();
    const pending = cache.get("p", before.compute);
    cache.clear();
    expect(await cache.get("k", async () => "v2")).toBe("v2");
    const after = cache.get("p", async () => "new");
    before.pending[0]!.resolve("stale");
    expect(await pending).toBe("stale");
    expect(await after).toBe("new");
    expect(await cache.get("p", async () => "unused")).toBe("new");
  });
});
