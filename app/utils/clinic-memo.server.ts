/**
 * A value read per clinic that changes only when the clinic's setup does (its locations, services,
 * branding), kept in this process until the change feed says that clinic changed. While the feed
 * is not current, every call reads afresh.
 */
import type { ChangeTopic } from "./change-feed.server";
import type { Db } from "./db.server";

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
  const states = new WeakMap<Db, State<T>>();

  const stateOf = (db: Db): State<T> => {
    const state = states.get(db);
    if (state) return state;
    const fresh: State<T> = { entries: new Map(), generations: new Map() };
    db.changes.subscribe((changes) => {
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
    states.set(db, fresh);
    return fresh;
  };

  return (db, clinicId) => {
    const state = stateOf(db);
    if (!db.changes.fresh) return load(db, clinicId);
    const generation = state.generations.get(clinicId) ?? 0;
    const hit = state.entries.get(clinicId);
    if (hit && hit.generation === generation) return hit.value;
    const value = load(db, clinicId);
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
