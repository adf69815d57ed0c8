/**
 * Bookings of one doctor's start time, inside one server process, go one at a time; once one of
 * them has taken the time, the ones waiting behind it are told "taken" without a database round
 * trip. A rush of a hundred requests for one slot then costs one booking transaction and one
 * alternatives lookup, not a hundred of each queueing for connections.
 *
 * The database still decides: the first attempt runs as always (exclusion constraints), and
 * another server's bookings are refused by the constraints as before. A "taken" mark is dropped
 * when the change feed reports any change to that clinic's times (a cancellation may have freed
 * the time), and after a few seconds in any case.
 */
import type { ClinicDb } from "~/utils/db.server";
import { SlotTakenError } from "./booking.server";

const TAKEN_MS = 5_000;

class SlotClaims {
  private readonly inFlight = new Map<string, Promise<unknown>>();
  private readonly taken = new Map<string, number>();

  constructor(changes: ClinicDb["changes"]) {
    changes.subscribe((changes) => {
      if (changes === "reset") return this.taken.clear();
      for (const c of changes) {
        if (c.topic !== "times") continue;
        for (const key of this.taken.keys()) if (key.startsWith(`${c.clinicId}|`)) this.taken.delete(key);
      }
    });
  }

  async attempt<T>(key: string, book: () => Promise<T>, now = Date.now): Promise<T> {
    for (;;) {
      const until = this.taken.get(key);
      if (until !== undefined) {
        if (now() < until) throw new SlotTakenError();
        this.taken.delete(key);
      }
      const ahead = this.inFlight.get(key);
      if (!ahead) break;
      await ahead.catch(() => {});
    }
    const attempt = book();
    this.inFlight.set(key, attempt);
    try {
      const booked = await attempt;
      this.taken.set(key, now() + TAKEN_MS);
      return booked;
    } catch (error) {
      // Lost to another server: the next one in line is told at once too.
      if (error instanceof SlotTakenError) this.taken.set(key, now() + TAKEN_MS);
      throw error;
    } finally {
      if (this.inFlight.get(key) === attempt) this.inFlight.delete(key);
    }
  }
}

// One per change feed, that is per database (every clinic's handle shares it).
const claimsByFeed = new WeakMap<ClinicDb["changes"], SlotClaims>();

/** Runs `book` for a doctor's start time, one at a time per process (see the module comment). */
export function bookingOneAtATime<T>(db: ClinicDb, slot: { practitionerId: string; start: Date }, book: () => Promise<T>): Promise<T> {
  let claims = claimsByFeed.get(db.changes);
  if (!claims) claimsByFeed.set(db.changes, (claims = new SlotClaims(db.changes)));
  return claims.attempt(`${db.clinicId}|${slot.practitionerId}|${slot.start.getTime()}`, book);
}
