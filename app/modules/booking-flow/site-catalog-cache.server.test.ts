import { describe, expect, test } from "vitest";
import type { ChangeListener } from "~/utils/change-feed.server";
import type { ClinicDb } from "~/utils/db.server";
import { rememberedForClinic } from "./site-catalog-cache.server";

function fakeFeed() {
  const listeners: ChangeListener[] = [];
  return {
    fresh: true,
    subscribe(listener: ChangeListener) {
      listeners.push(listener);
      return () => {};
    },
    tell(changes: Parameters<ChangeListener>[0]) {
      for (const l of listeners) l(changes);
    },
  };
}

const clinic = (feed: ReturnType<typeof fakeFeed>, clinicId: string) => ({ changes: feed, clinicId }) as unknown as ClinicDb;

describe("a clinic's setup remembered for its pages", () => {
  test("is read once, then again after a setup or site change at that clinic only", async () => {
    const feed = fakeFeed();
    let reads = 0;
    const load = async () => ++reads;
    expect(await rememberedForClinic(clinic(feed, "a"), "k", load)).toBe(1);
    expect(await rememberedForClinic(clinic(feed, "a"), "k", load)).toBe(1);
    feed.tell([{ clinicId: "b", topic: "setup", from: null, to: null }]);
    feed.tell([{ clinicId: "a", topic: "times", from: 0, to: 1 }]);
    expect(await rememberedForClinic(clinic(feed, "a"), "k", load)).toBe(1);
    feed.tell([{ clinicId: "a", topic: "site", from: null, to: null }]);
    expect(await rememberedForClinic(clinic(feed, "a"), "k", load)).toBe(2);
    feed.tell("reset");
    expect(await rememberedForClinic(clinic(feed, "a"), "k", load)).toBe(3);
  });

  test("keeps nothing read while a change arrived, nor while the feed is not current", async () => {
    const feed = fakeFeed();
    let reads = 0;
    const racing = async () => {
      reads++;
      feed.tell([{ clinicId: "a", topic: "setup", from: null, to: null }]);
      return reads;
    };
    expect(await rememberedForClinic(clinic(feed, "a"), "k", racing)).toBe(1);
    expect(await rememberedForClinic(clinic(feed, "a"), "k", async () => ++reads)).toBe(2);
    feed.fresh = false;
    expect(await rememberedForClinic(clinic(feed, "a"), "k", async () => ++reads)).toBe(3);
    expect(await rememberedForClinic(clinic(feed, "a"), "k", async () => ++reads)).toBe(4);
  });
});
