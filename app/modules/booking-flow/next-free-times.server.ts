/**
 * The next free times shown where patients look: per service on the clinic's home page, per service
 * of one doctor on the doctor's pages. Asked of the slot engine through the availability cache
 * (findSlots), in growing windows so that a full first days cost little and an empty month is looked
 * at once: at most NEXT_TIMES_HORIZON_DAYS days ahead and `perQuery` times for each question, a few
 * questions at a time. Nothing is remembered here: the availability cache forgets a day as soon as a
 * booking or a schedule change reaches it, and the pages showing these times are kept seconds at most.
 */
import { findSlots, type ClinicRef } from "~/modules/scheduling/slots.server";
import { addDays, utcToZoned } from "~/lib/zoned-time";
import type { ClinicDb } from "~/utils/db.server";
import { NotFoundError, ValidationError } from "~/utils/errors.server";
import { log } from "~/utils/log.server";
import { bookHref, timeAnchor } from "./choice";

/** How far ahead the pages look ("nothing free in the next 3 weeks"). */
export const NEXT_TIMES_HORIZON_DAYS = 21;
/** The ends of the windows looked at in turn, in days from now. */
const WINDOW_ENDS_DAYS = [3, 10, NEXT_TIMES_HORIZON_DAYS];
/** Slot reads at once for one page: the pool serves other requests too. */
const CONCURRENCY = 4;
const DAY_MS = 86_400_000;

export interface FreeTimeQuery {
  serviceId: string;
  /** One doctor's times, or null for any doctor's. */
  doctorId: string | null;
}

export interface FreeTime {
  start: Date;
  doctorId: string;
  locationId: string;
}

async function timesFor(db: ClinicDb, clinic: ClinicRef, query: FreeTimeQuery, perQuery: number, now: Date): Promise<FreeTime[]> {
  const found: FreeTime[] = [];
  const seen = new Set<number>();
  let from = now;
  for (const days of WINDOW_ENDS_DAYS) {
    const to = new Date(now.getTime() + days * DAY_MS);
    const slots = await findSlots(db, clinic, { serviceId: query.serviceId, practitionerId: query.doctorId, from, to }, now);
    for (const slot of slots) {
      // The same time at two locations is one time to the patient; the first location offers it.
      const at = slot.start.getTime();
      if (seen.has(at)) continue;
      seen.add(at);
      found.push({ start: slot.start, doctorId: slot.doctorId, locationId: slot.locationId });
      if (found.length >= perQuery) return found;
    }
    from = to;
  }
  return found;
}

/**
 * The next free times of each query, earliest first, at most `perQuery` each, within the next
 * NEXT_TIMES_HORIZON_DAYS days; an empty list for a service or doctor that cannot be booked. A read
 * that fails answers an empty list for that query rather than failing the page.
 */
export async function upcomingFreeTimes(db: ClinicDb, clinic: ClinicRef, queries: readonly FreeTimeQuery[], options: { perQuery?: number; now?: Date } = {}): Promise<FreeTime[][]> {
  const perQuery = options.perQuery ?? 3;
  const now = options.now ?? new Date();
  const results = new Array<FreeTime[]>(queries.length);
  let next = 0;
  const worker = async () => {
    while (next < queries.length) {
      const i = next++;
      const query = queries[i]!;
      results[i] = await timesFor(db, clinic, query, perQuery, now).catch((error: unknown) => {
        if (!(error instanceof NotFoundError) && !(error instanceof ValidationError)) log.warn("next free times unavailable", { serviceId: query.serviceId, error: (error as Error).message });
        return [];
      });
    }
  };
  await Promise.all(Array.from({ length: Math.min(CONCURRENCY, queries.length) }, worker));
  return results;
}

// Building a date format costs far more than using one: one of each per zone.
const formats = new Map<string, { day: Intl.DateTimeFormat; time: Intl.DateTimeFormat }>();
function formatsFor(timeZone: string) {
  let f = formats.get(timeZone);
  if (!f) {
    f = {
      day: new Intl.DateTimeFormat("en-GB", { timeZone, weekday: "short", day: "numeric", month: "short" }),
      time: new Intl.DateTimeFormat("en-US", { timeZone, hour: "numeric", minute: "2-digit" }),
    };
    if (formats.size >= 100) formats.clear();
    formats.set(timeZone, f);
  }
  return f;
}

export interface FreeTimeLink {
  /** ISO instant. */
  start: string;
  /** "Today", "Tomorrow" or "Wed 9 Dec", on the clinic's clock. */
  day: string;
  /** "10:30 AM" on the clinic's clock. */
  time: string;
  /** The booking flow at that day's times, with that doctor (or any) and location, scrolled to the time. */
  href: string;
}

/**
 * Links into the booking flow for free times: the day's times of that service, location and doctor
 * ("any" keeps any doctor), scrolled to the time. `origin` is the clinic's site when the page is
 * elsewhere (the marketplace).
 */
export function freeTimeLinks(times: readonly FreeTime[], clinic: { timeZone: string }, choice: { serviceId: string; doctor: string | "any" }, options: { now?: Date; origin?: string } = {}): FreeTimeLink[] {
  const now = options.now ?? new Date();
  const today = utcToZoned(now, clinic.timeZone).date;
  const tomorrow = addDays(today, 1);
  const f = formatsFor(clinic.timeZone);
  return times.map((t) => {
    const date = utcToZoned(t.start, clinic.timeZone).date;
    const start = t.start.toISOString();
    return {
      start,
      day: date === today ? "Today" : date === tomorrow ? "Tomorrow" : f.day.format(t.start).replace(",", ""),
      time: f.time.format(t.start),
      href: `${options.origin ?? ""}${bookHref({ service: choice.serviceId, location: t.locationId, doctor: choice.doctor, day: date })}#${timeAnchor(start)}`,
    };
  });
}
