/**
 * Public pages as anonymous visitors get them, kept for a few seconds: a clinic's home page is the
 * same for everyone who is not signed in, so it is rendered once and sent many times
 * (docs/decisions/022-availability-cache.md, "Pages").
 *
 * A page is kept only when
 * - its route asks for it, with the `X-Medslot-Page-Cache: <seconds>` header (never sent on);
 * - the request is a GET or HEAD that carries no cookie at all (a signed-in visitor, or anyone with
 *   a session, always gets a fresh render), and the answer is a 200 that sets no cookie.
 * It is dropped when its clinic changes (any change the feed reports for that clinic; the
 * marketplace's pages on a change at any clinic), and after its seconds in any case. Answers are
 * kept with their gzip form, so a hit costs what a static file costs.
 */
import { gzipSync } from "node:zlib";
import type { ChangeFeed } from "~/utils/change-feed.server";
import { PAGE_CACHE_HEADER } from "~/utils/page-cache-header";

export { PAGE_CACHE_HEADER };

const MAX_SECONDS = 60;
const MAX_PAGES = 500;
const MAX_BYTES = 32 * 1024 * 1024;
/** Headers that belong to one answer, not to the page. */
const NOT_KEPT = new Set(["x-request-id", "set-cookie", "content-length", "content-encoding", "transfer-encoding", "connection", "date", PAGE_CACHE_HEADER.toLowerCase()]);

export interface KeptPage {
  status: number;
  headers: [string, string][];
  body: Buffer;
  gzip: Buffer;
  /** A clinic id, or "" for the marketplace and other clinic-less hosts. */
  clinicId: string;
  expiresAt: number;
  bytes: number;
}

export class PageCache {
  private readonly pages = new Map<string, KeptPage>();
  private bytes = 0;
  /**
   * Bumped on every change. A render that raced a change to its own clinic (or, for a marketplace
   * page, to any clinic) is sent but not kept; a change at another clinic does not spoil it, so a
   * busy server with many clinics still keeps pages.
   */
  private generation = 0;
  private resetAt = 0;
  /** The generation of each clinic's last change (one entry per clinic that changed). */
  private readonly changedAt = new Map<string, number>();

  constructor(feed: Pick<ChangeFeed, "subscribe"> | null) {
    feed?.subscribe((changes) => {
      this.generation++;
      if (changes === "reset") {
        this.resetAt = this.generation;
        this.changedAt.clear();
        return this.clear();
      }
      const clinics = new Set(changes.map((c) => c.clinicId));
      for (const clinicId of clinics) this.changedAt.set(clinicId, this.generation);
      for (const [key, page] of this.pages) if (page.clinicId === "" || clinics.has(page.clinicId)) this.drop(key, page);
    });
  }

  /** The key of a request that may be answered from the cache, or null. */
  keyOf(method: string, host: string | undefined, url: string, cookie: string | undefined): string | null {
    if ((method !== "GET" && method !== "HEAD") || cookie) return null;
    return `${host ?? ""}\n${url}`;
  }

  get(key: string, now = Date.now()): KeptPage | null {
    const page = this.pages.get(key);
    if (!page) return null;
    if (now < page.expiresAt) return page;
    this.drop(key, page);
    return null;
  }

  get currentGeneration() {
    return this.generation;
  }

  /** Keeps an answer if its route asked for it; returns the headers to send on either way. */
  keep(key: string, answer: { status: number; headers: Headers; body: Buffer }, clinicId: string, renderedUnder: number, now = Date.now()): KeptPage | null {
    const seconds = Math.min(Number(answer.headers.get(PAGE_CACHE_HEADER) ?? "0"), MAX_SECONDS);
    if (!(seconds > 0) || answer.status !== 200 || answer.headers.has("set-cookie") || this.lastChangeFor(clinicId) > renderedUnder) return null;
    const headers = [...answer.headers.entries()].filter(([name]) => !NOT_KEPT.has(name.toLowerCase()));
    const gzip = gzipSync(answer.body);
    const page: KeptPage = { status: answer.status, headers, body: answer.body, gzip, clinicId, expiresAt: now + seconds * 1000, bytes: answer.body.length + gzip.length };
    const old = this.pages.get(key);
    if (old) this.drop(key, old);
    this.pages.set(key, page);
    this.bytes += page.bytes;
    for (const [k, p] of this.pages) {
      if (this.pages.size <= MAX_PAGES && this.bytes <= MAX_BYTES) break;
      this.drop(k, p);
    }
    return page;
  }

  /** The generation of the last change a page of this clinic ("" for the marketplace: any clinic) depends on. */
  private lastChangeFor(clinicId: string): number {
    if (clinicId === "") return this.generation;
    return Math.max(this.resetAt, this.changedAt.get(clinicId) ?? 0);
  }

  private drop(key: string, page: KeptPage) {
    if (this.pages.get(key) !== page) return;
    this.pages.delete(key);
    this.bytes -= page.bytes;
  }

  clear() {
    this.pages.clear();
    this.bytes = 0;
  }
}

/** Whether a page asks to be kept (so its body must be read whole before sending). */
export function asksToBeKept(headers: Headers): boolean {
  return headers.has(PAGE_CACHE_HEADER);
}
