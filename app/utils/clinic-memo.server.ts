/**
 * A value read per clinic that changes only when the clinic's setup does (its locations, services,
 * branding), kept in this process until the change feed says that clinic changed. While the feed
 * is not current, every call reads afresh.
 */
import type { ChangeFeed, ChangeTopic } from "./change-feed.server";
import type { ClinicDb, Db } from "./db.server";

const MAX_CLINICS = 2_000;

interface Entry<T> {
  value: Promise<T>;
  generation: number;
}

interface State<T> {
  entries: Map<string, Entry<T>>;
  generations: Map<string, number>;
}

export function clinicMemo<T>(topics: readonly ChangeTopic[], load: (db: Db, clinicId: string) => Promise<T>): (db: Db, clinicId: string) => Promise<T> {
  const memo = feedMemo<T>(topics);
  return (db, clinicId) => memo(db.changes, clinicId, () => load(db, clinicId));
}

/**
 * The same for a clinic's handle: kept per change feed, so every clinic's handle on one database
 * shares the memo, and each value is read with the handle of the clinic it belongs to.
 */
export function clinicDbMemo<T>(topics: readonly ChangeTopic[], load: (db: ClinicDb) => Promise<T>): (db: ClinicDb) => Promise<T> {
  const memo = feedMemo<T>(topics);
  return (db) => memo(db.changes, db.clinicId, () => load(db));
}

function feedMemo<T>(topics: readonly ChangeTopic[]): (feed: ChangeFeed, clinicId: string, load: () => Promise<T>) => Promise<T> {
  const states = new WeakMap<ChangeFeed, State<T>>();

  const stateOf = (feed: ChangeFeed): State<T> => {
    const state = states.get(feed);
    if (state) return state;
    const fresh: State<T> = { entries: new Map(), generations: new Map() };
    feed.subscribe((changes) => {
      if (changes === "reset") {
        fresh.entries.clear();
        for (const [id, g] of fresh.generations) fresh.generations.set(id, g + 1);
        return;
      }
      for (const c of changes) {
        if (!topics.includes(c.topic)) continue;
        fresh.generations.set(c.clinicId, (fresh.generations.get(c.clinicId) ?? 0) + 1);
        fresh.entries.delete(c.clinicId);
      }
    });
    states.set(feed, fresh);
    return fresh;
  };

  return (feed, clinicId, load) => {
    const state = stateOf(feed);
    if (!feed.fresh) return load();
    const generation = state.generations.get(clinicId) ?? 0;
    const hit = state.entries.get(clinicId);
    if (hit && hit.generation === generation) return hit.value;
    const value = load();
    // A change applied while reading leaves the generation moved: the value is used once, not kept.
    const entry = { value, generation };
    state.entries.set(clinicId, entry);
    value.then(
      () => {
        if ((state.generations.get(clinicId) ?? 0) !== generation && state.entries.get(clinicId) === entry) state.entries.delete(clinicId);
      },
      () => {
        if (state.entries.get(clinicId) === entry) state.entries.delete(clinicId);
      },
    );
    if (state.entries.size > MAX_CLINICS) state.entries.delete(state.entries.keys().next().value!);
    return value;
  };
}
