/**
 * Free times for marketplace results: the earliest free time of a service within a horizon, and
 * whether it has a free time on a given day in its clinic's zone. Asked of the slot engine (one
 * read per clinic and service, through that clinic's own scope), a few at a time, and remembered
 * briefly in memory so that repeated searches stay fast (read again in the background shortly
 * before they expire, so steady traffic never waits for the slot engine).
 */
import { findSlots } from "~/modules/scheduling/slots.server";
import { addDays, zonedToUtc } from "~/lib/zoned-time";
import type { Db } from "~/utils/db.server";
import { NotFoundError } from "~/utils/errors.server";
import { log } from "~/utils/log.server";
import { refreshingCache } from "~/utils/refreshing-cache";
import { NEXT_FREE_DAYS } from "./result-format";

/** How far ahead the marketplace looks for a service's next free time. */
export const NEXT_FREE_HORIZON_DAYS = NEXT_FREE_DAYS;
/** How long an answer is reused: long enough for repeated searches, short enough to stay true. */
export const AVAILABILITY_CACHE_MS = 60_000;
/** From this age on, a search still uses the answer but has it read again in the background. */
const REFRESH_AFTER_MS = 45_000;
/** Slot reads in flight at once for one page: the pool serves other requests too. */
const CONCURRENCY = 6;
const DAY_MS = 86_400_000;

export interface PublishedServiceRef {
  clinicId: string;
  serviceId: string;
  timeZone: string;
  currency: string;
}

// Refreshed ahead of time, so under steady traffic no search waits for the slot engine once its
// results are remembered; background reads go two at a time.
const cache = refreshingCache<Date | null>({
  ttlMs: AVAILABILITY_CACHE_MS,
  refreshAfterMs: REFRESH_AFTER_MS,
  maxEntries: 5_000,
  maxBackground: 2,
  onBackgroundError: (key, error) => log.warn("free time not refreshed", { key, error: (error as Error).message }),
});

/** Forgets every remembered answer (tests, and after a clinic changes its schedule in this process). */
export function clearAvailabilityCache() {
  cache.clear();
}

function remembered(key: string, compute: () => Promise<Date | null>, useCache: boolean): Promise<Date | null> {
  return useCache ? cache.get(key, compute) : compute();
}

/**
 * The earliest free time in [from, to), or null; a service that cannot be booked has none. The
 * marketplace serves every clinic, so it keeps the root db and reads through the service's clinic scope.
 */
async function earliestBetween(db: Db, service: PublishedServiceRef, from: Date, to: Date, now: Date): Promise<Date | null> {
  try {
    const slots = await findSlots(db.forClinic(service.clinicId), { id: service.clinicId, timeZone: service.timeZone, currency: service.currency }, { serviceId: service.serviceId, from, to }, now);
    let earliest: Date | null = null;
    for (const slot of slots) if (!earliest || slot.start < earliest) earliest = slot.start;
    return earliest;
  } catch (error) {
    // Unpublished between the search and this read: simply no free time.
    if (error instanceof NotFoundError) return null;
    throw error;
  }
}

/** Runs `work` over `items` with at most CONCURRENCY in flight, keeping the order of `items`. */
async function mapConcurrently<T, R>(items: readonly T[], work: (item: T) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await work(items[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(CONCURRENCY, items.length) }, worker));
  return results;
}

/**
 * Each service's earliest free time within the next NEXT_FREE_HORIZON_DAYS days (null: none).
 * With an explicit `now` (tests) nothing is cached. A failed read answers null for that service
 * rather than failing the whole search.
 */
export function nextFreeTimes(db: Db, services: readonly PublishedServiceRef[], options: { now?: Date } = {}): Promise<(Date | null)[]> {
  // Read when the computation runs: a refresh in the background starts a little after the request.
  const earliest = (service: PublishedServiceRef) => {
    const now = options.now ?? new Date();
    return earliestBetween(db, service, now, new Date(now.getTime() + NEXT_FREE_HORIZON_DAYS * DAY_MS), now);
  };
  return mapConcurrently(services, (service) =>
    remembered(`next:${service.serviceId}`, () => earliest(service), !options.now).catch((error: unknown) => {
      log.warn("next free time unavailable", { serviceId: service.serviceId, error: (error as Error).message });
      return null;
    }),
  );
}

/** The instants a local day (YYYY-MM-DD) spans in a zone: 23 or 25 hours on a clock-change day. */
export function localDayBounds(date: string, timeZone: string): { from: Date; to: Date } {
  return { from: zonedToUtc(date, 0, timeZone), to: zonedToUtc(addDays(date, 1), 0, timeZone) };
}

/** Each service's earliest free time on `date` in its clinic's zone (null: none that day). */
export function freeTimesOn(db: Db, services: readonly PublishedServiceRef[], date: string, options: { now?: Date } = {}): Promise<(Date | null)[]> {
  const now = options.now ?? new Date();
  return mapConcurrently(services, (service) => {
    const { from, to } = localDayBounds(date, service.timeZone);
    if (to.getTime() <= now.getTime()) return Promise.resolve(null);
    return remembered(`day:${service.serviceId}:${date}`, () => earliestBetween(db, service, from, to, options.now ?? new Date()), !options.now).catch((error: unknown) => {
      log.warn("free times unavailable", { serviceId: service.serviceId, date, error: (error as Error).message });
      return null;
    });
  });
}
