/**
 * What the clinic's own pages (home, doctors) read of its setup, remembered per clinic: the home
 * page is rendered again whenever a booking at the clinic drops it from the page cache, while its
 * services, doctors and their profiles change far more rarely. An answer is kept until the change
 * feed reports a setup or site change at the clinic (services, prices, discounts, locations,
 * memberships with the doctors' profiles, photos), and 15 seconds at most (the page cache's own
 * bound, for what the feed does not report: a category renamed, a doctor's name). While the feed
 * is not current, nothing is remembered or used; a read that raced a change is not kept.
 */
import type { ChangeFeed } from "~/utils/change-feed.server";
import type { ClinicDb } from "~/utils/db.server";

const MAX_AGE_MS = 15_000;
const MAX_CLINICS = 500;

class ClinicMemo<V> {
  private readonly entries = new Map<string, { value: V; at: number }>();
  /** The generation of each clinic's last setup or site change. */
  private readonly changedAt = new Map<string, number>();
  private generation = 0;
  private resetAt = 0;

  constructor(private readonly feed: Pick<ChangeFeed, "subscribe" | "fresh">) {
    feed.subscribe((changes) => {
      this.generation++;
      if (changes === "reset") {
        this.resetAt = this.generation;
        this.changedAt.clear();
        this.entries.clear();
        return;
      }
      for (const change of changes) {
        if (change.topic !== "setup" && change.topic !== "site") continue;
        this.changedAt.set(change.clinicId, this.generation);
        this.entries.delete(change.clinicId);
      }
    });
  }

  async get(clinicId: string, load: () => Promise<V>): Promise<V> {
    if (!this.feed.fresh) return load();
    const kept = this.entries.get(clinicId);
    if (kept && Date.now() - kept.at < MAX_AGE_MS) return kept.value;
    const readUnder = this.generation;
    const value = await load();
    if (this.feed.fresh && Math.max(this.resetAt, this.changedAt.get(clinicId) ?? 0) <= readUnder) {
      this.entries.delete(clinicId);
      if (this.entries.size >= MAX_CLINICS) this.entries.delete(this.entries.keys().next().value!);
      this.entries.set(clinicId, { value, at: Date.now() });
    }
    return value;
  }
}

// One per change feed (that is, per database) and kind of answer.
const memos = new WeakMap<ClinicDb["changes"], Map<string, ClinicMemo<unknown>>>();

/** `load()`'s answer for this clinic, remembered as described above under `kind`. */
export function rememberedForClinic<V>(db: ClinicDb, kind: string, load: () => Promise<V>): Promise<V> {
  let byKind = memos.get(db.changes);
  if (!byKind) memos.set(db.changes, (byKind = new Map()));
  let memo = byKind.get(kind) as ClinicMemo<V> | undefined;
  if (!memo) byKind.set(kind, (memo = new ClinicMemo<V>(db.changes)));
  return memo.get(db.clinicId, load);
}
