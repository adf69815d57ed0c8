import { gunzipSync } from "node:zlib";
import { describe, expect, test } from "vitest";
import type { ChangeListener } from "~/utils/change-feed.server";
import { PAGE_CACHE_HEADER, PageCache } from "./page-cache.server";

function setup() {
  let listener: ChangeListener = () => {};
  const cache = new PageCache({ subscribe: (l) => ((listener = l), () => {}) });
  return { cache, emit: (changes: Parameters<ChangeListener>[0]) => listener(changes) };
}

const page = (seconds: string | null, extra: Record<string, string> = {}) => ({
  status: 200,
  headers: new Headers({ "content-type": "text/html; charset=utf-8", "x-request-id": "r1", ...(seconds ? { [PAGE_CACHE_HEADER]: seconds } : {}), ...extra }),
  body: Buffer.from("<html>Northside</html>"),
});

describe("which requests may be answered from the cache", () => {
  test("only cookie-less GET and HEAD", () => {
    const { cache } = setup();
    expect(cache.keyOf("GET", "northside.localhost", "/", undefined)).toBe("northside.localhost\n/");
    expect(cache.keyOf("HEAD", "northside.localhost", "/", undefined)).toBe("northside.localhost\n/");
    expect(cache.keyOf("GET", "northside.localhost", "/", "medslot_session=abc")).toBeNull();
    expect(cache.keyOf("POST", "northside.localhost", "/", undefined)).toBeNull();
  });
});

describe("what is kept", () => {
  test("a page that asks, without its per-answer headers, with its gzip form", () => {
    const { cache } = setup();
    const key = cache.keyOf("GET", "northside.localhost", "/", undefined)!;
    expect(cache.keep(key, page("15"), "clinic-a", cache.currentGeneration, 0)).not.toBeNull();
    const kept = cache.get(key, 1_000)!;
    expect(kept.headers.map(([n]) => n.toLowerCase())).toEqual(["content-type"]);
    expect(gunzipSync(kept.gzip).toString()).toBe("<html>Northside</html>");
  });

  test("not a page that does not ask, sets a cookie or is not a 200", () => {
    const { cache } = setup();
    expect(cache.keep("k", page(null), "clinic-a", cache.currentGeneration)).toBeNull();
    expect(cache.keep("k", page("15", { "set-cookie": "a=b" }), "clinic-a", cache.currentGeneration)).toBeNull();
    expect(cache.keep("k", { ...page("15"), status: 404 }, "clinic-a", cache.currentGeneration)).toBeNull();
  });

  test("not a page rendered while a change to its clinic arrived, nor the marketplace's while any did", () => {
    const { cache, emit } = setup();
    const renderedUnder = cache.currentGeneration;
    emit([{ clinicId: "clinic-a", topic: "setup", from: null, to: null }]);
    expect(cache.keep("k", page("15"), "clinic-a", renderedUnder)).toBeNull();
    expect(cache.keep("m", page("15"), "", renderedUnder)).toBeNull();
    // Rendered after that change: kept.
    expect(cache.keep("k", page("15"), "clinic-a", cache.currentGeneration)).not.toBeNull();
  });

  test("a change at another clinic does not spoil a clinic's render; a reset spoils every one", () => {
    const { cache, emit } = setup();
    const renderedUnder = cache.currentGeneration;
    emit([{ clinicId: "clinic-b", topic: "setup", from: null, to: null }]);
    expect(cache.keep("a", page("15"), "clinic-a", renderedUnder)).not.toBeNull();
    const later = cache.currentGeneration;
    emit("reset");
    expect(cache.keep("a", page("15"), "clinic-a", later)).toBeNull();
  });

  test("for its seconds, at most a minute", () => {
    const { cache } = setup();
    cache.keep("a", page("15"), "clinic-a", cache.currentGeneration, 0);
    cache.keep("b", page("3600"), "clinic-a", cache.currentGeneration, 0);
    expect(cache.get("a", 14_999)).not.toBeNull();
    expect(cache.get("a", 15_000)).toBeNull();
    expect(cache.get("b", 59_999)).not.toBeNull();
    expect(cache.get("b", 60_000)).toBeNull();
  });
});

describe("what a change drops", () => {
  test("its clinic's pages and the marketplace's, not other clinics'", () => {
    const { cache, emit } = setup();
    cache.keep("a", page("15"), "clinic-a", cache.currentGeneration, 0);
    cache.keep("b", page("15"), "clinic-b", cache.currentGeneration, 0);
    cache.keep("m", page("15"), "", cache.currentGeneration, 0);
    emit([{ clinicId: "clinic-a", topic: "times", from: 0, to: 1 }]);
    expect(cache.get("a", 1)).toBeNull();
    expect(cache.get("m", 1)).toBeNull();
    expect(cache.get("b", 1)).not.toBeNull();
    emit("reset");
    expect(cache.get("b", 1)).toBeNull();
  });
});
