import { describe, expect, test } from "vitest";
import { Semaphore } from "~/lib/semaphore";

const tick = () => new Promise((resolve) => setTimeout(resolve, 1));

describe("Semaphore", () => {
  test("runs at most `limit` tasks at once, in arrival order, and frees slots on failure", async () => {
    const slots = new Semaphore(2);
    let running = 0;
    let peak = 0;
    const order: number[] = [];
    const task = (i: number) =>
      slots.run(async () => {
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
});
