import { describe, expect, test } from "vitest";
import { ARGON2_CONCURRENCY, argon2Slots, hashPassword, verifyPassword } from "./password.server";
import { FairQueue, QueueFullError } from "./fair-queue";

const tick = () => new Promise((resolve) => setTimeout(resolve, 1));

/** A task that runs until the test lets it finish, recording when it started. */
function gated(started: string[], name: string) {
  let finish!: () => void;
  const done = new Promise<void>((resolve) => (finish = resolve));
  return { finish: () => finish(), task: async () => { started.push(name); await done; return name; } };
}

describe("FairQueue", () => {
  test("runs at most `limit` tasks at once, one key in arrival order, and frees slots on failure", async () => {
    const slots = new FairQueue(2);
    let running = 0;
    let peak = 0;
    const order: number[] = [];
    const task = (i: number) =>
      slots.run("one", async () => {
        running += 1;
        peak = Math.max(peak, running);
        await tick();
        order.push(i);
        running -= 1;
        if (i === 3) throw new Error("boom");
        return i;
      });
    const results = await Promise.allSettled([1, 2, 3, 4, 5, 6].map(task));
    expect(peak).toBe(2);
    expect(order).toEqual([1, 2, 3, 4, 5, 6]);
    expect(results.map((r) => r.status)).toEqual(["fulfilled", "fulfilled", "rejected", "fulfilled", "fulfilled", "fulfilled"]);
    expect(slots.inUse).toBe(0);
    expect(slots.queued).toBe(0);
  });

  test("a flood from one network does not queue another network behind it", async () => {
    // One slot, so every start is a decision of the queue.
    const slots = new FairQueue(1);
    const started: string[] = [];
    const flood = Array.from({ length: 10 }, (_, i) => gated(started, `flood-${i}`));
    const floodRuns = flood.map((g) => slots.run("198.51.100.0/24", g.task));
    const colleague = gated(started, "colleague");
    const colleagueRun = slots.run("203.0.113.0/24", colleague.task);
    expect(started).toEqual(["flood-0"]);
    expect(slots.queuedFor("198.51.100.0/24")).toBe(9);
    expect(slots.queuedFor("203.0.113.0/24")).toBe(1);
    // The first slot to free goes to the other network's line, not to the flood's next request.
    flood[0]!.finish();
    await tick();
    expect(started).toEqual(["flood-0", "colleague"]);
    colleague.finish();
    expect(await colleagueRun).toBe("colleague");
    for (const g of flood) g.finish();
    await Promise.all(floodRuns);
    expect(started.slice(2)).toEqual(flood.slice(1).map((_, i) => `flood-${i + 1}`));
  });

  test("lines take turns, and one key never holds more than its share of slots", async () => {
    const slots = new FairQueue(4, 2);
    const started: string[] = [];
    const a = Array.from({ length: 4 }, (_, i) => gated(started, `a${i}`));
    const b = Array.from({ length: 2 }, (_, i) => gated(started, `b${i}`));
    const runs = [...a.map((g) => slots.run("a", g.task)), ...b.map((g) => slots.run("b", g.task))];
    // "a" holds two of the four slots even though it asked first for four; "b" gets the other two.
    expect(started).toEqual(["a0", "a1", "b0", "b1"]);
    expect(slots.inUse).toBe(4);
    b[0]!.finish();
    await tick();
    // A free slot does not go to "a" beyond its share.
    expect(started).toEqual(["a0", "a1", "b0", "b1"]);
    a[0]!.finish();
    await tick();
    expect(started).toEqual(["a0", "a1", "b0", "b1", "a2"]);
    for (const g of [...a, ...b]) g.finish();
    await Promise.all(runs);
    expect(slots.inUse).toBe(0);
  });

  test("a key with a full line is refused at once", async () => {
    const slots = new FairQueue(1, 1, 2);
    const started: string[] = [];
    const gates = Array.from({ length: 3 }, (_, i) => gated(started, `t${i}`));
    const runs = gates.map((g) => slots.run("busy", g.task));
    await expect(slots.run("busy", async () => "late")).rejects.toBeInstanceOf(QueueFullError);
    // The server's own work is never refused.
    const own = slots.run("busy", async () => "own", Number.POSITIVE_INFINITY);
    for (const g of gates) g.finish();
    await Promise.all(runs);
    expect(await own).toBe("own");
    expect(await slots.run("busy", async () => "later")).toBe("later");
  });

  test("password hashing shares a small pool of slots, fairly between networks", async () => {
    const hashed = await hashPassword("correct horse battery");
    let peak = 0;
    const watch = setInterval(() => (peak = Math.max(peak, argon2Slots.inUse)), 1);
    const flood = Array.from({ length: 12 }, () => verifyPassword(hashed, "wrong", "198.51.100.0/24"));
    const own = verifyPassword(hashed, "correct horse battery", "203.0.113.0/24");
    // The other network's check starts at once: the flood holds only its share of the slots.
    expect(argon2Slots.queuedFor("203.0.113.0/24")).toBe(0);
    expect(argon2Slots.queuedFor("198.51.100.0/24")).toBe(10);
    expect(await own).toBe(true);
    const checks = await Promise.all(flood);
    clearInterval(watch);
    expect(checks.filter(Boolean)).toHaveLength(0);
    expect(peak).toBeLessThanOrEqual(ARGON2_CONCURRENCY);
    expect(argon2Slots.inUse).toBe(0);
  });
});
