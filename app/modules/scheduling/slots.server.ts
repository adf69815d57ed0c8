/**
 * Free times for a service: the schedule data for the window (one query) fed to the pure slot
 * engine. Seasonal services only offer their season; "any doctor" merges eligible doctors.
 */
import type { ClinicDb, RawQuery, Tx } from "~/utils/db.server";
import { NotFoundError, ValidationError } from "~/utils/errors.server";
import { AvailabilityCache, type DaySlots } from "./availability-cache.server";
import { isUuid, loadScheduleData, prismaQuery, type Audience, type ScheduleData } from "./schedule-data.server";
import { computeSlots, mergeAnyDoctor, type Slot } from "./slot-engine";
import { addDays, zonedToUtc } from "~/lib/zoned-time";

export interface ClinicRef {
  id: string;
  timeZone: string;
  currency: string;
}

/** The longest window one slots request may cover. */
export const MAX_SLOT_RANGE_DAYS = 62;
const DAY_MS = 86_400_000;

export interface SlotSearch {
  serviceId: string;
  from: Date;
  to: Date;
  practitionerId?: string | null;
  locationId?: string | null;
  /** Internal-only services are offered to staff and integrations, never to patients. */
  audience?: Audience;
}

export function checkSlotRange(from: Date, to: Date): void {
  if (Number.isNaN(from.getTime()) || Number.isNaN(to.getTime())) throw new ValidationError("from and to must be valid dates.");
  if (to.getTime() <= from.getTime()) {
    throw new ValidationError("The range is empty: to must be later than from.", [{ path: "to", message: "must be later than from" }]);
  }
  // An hour of slack: 62 local days that span an autumn clock change last 62 days and an hour.
  if (to.getTime() - from.getTime() > MAX_SLOT_RANGE_DAYS * DAY_MS + 3_600_000) {
    throw new ValidationError(`Ask for at most ${MAX_SLOT_RANGE_DAYS} days of slots at a time.`, [
      { path: "to", message: `must be at most ${MAX_SLOT_RANGE_DAYS} days after from` },
    ]);
  }
}

/** A service a given audience may book: never inactive; internal-only for staff and integrations only. */
export function bookableFor(data: ScheduleData, audience: Audience): boolean {
  const v = data.terms.visibility;
  return v === "active" || v === "seasonal" || (v === "internal_only" && audience === "staff");
}

/** The slots of already loaded schedule data (the booking path reuses its own load). */
export function slotsFrom(data: ScheduleData, clinic: ClinicRef, search: Omit<SlotSearch, "serviceId" | "audience">, now: Date, opts: { ignoreBusy?: boolean } = {}): Slot[] {
  let { from, to } = search;
  if (data.terms.visibility === "seasonal" && data.terms.seasonFrom && data.terms.seasonTo) {
    const seasonStart = zonedToUtc(data.terms.seasonFrom, 0, clinic.timeZone);
    const seasonEnd = zonedToUtc(addDays(data.terms.seasonTo, 1), 0, clinic.timeZone);
    from = new Date(Math.max(from.getTime(), seasonStart.getTime()));
    to = new Date(Math.min(to.getTime(), seasonEnd.getTime()));
    if (from >= to) return [];
  }
  const slots = computeSlots({
    timeZone: clinic.timeZone,
    now,
    window: { from, to },
    service: data.service,
    locations: data.locations,
    doctors: data.doctors,
    rooms: data.rooms,
    exceptions: data.exceptions,
    busy: opts.ignoreBusy ? [] : data.busy,
    practitionerId: search.practitionerId,
    locationId: search.locationId,
  });
  return search.practitionerId ? slots : mergeAnyDoctor(slots);
}

async function slotsWith(query: RawQuery, clinic: ClinicRef, search: SlotSearch, now: Date): Promise<Slot[]> {
  checkSlotRange(search.from, search.to);
  const data = await loadScheduleData(query, clinic.id, { ...search, now });
  if (!data || !bookableFor(data, search.audience ?? "public")) throw new NotFoundError("There is no bookable service with this id at this clinic.");
  return slotsFrom(data, clinic, search, now);
}

/** Slots inside the caller's transaction (what it has changed counts). */
export function findSlotsIn(tx: Tx, clinic: ClinicRef, search: SlotSearch, now: Date): Promise<Slot[]> {
  return slotsWith(prismaQuery(tx), clinic, search, now);
}

// One cache per change feed, that is per database: every clinic's handle on it shares the one feed.
const caches = new WeakMap<ClinicDb["changes"], AvailabilityCache>();

function availabilityCacheOf(db: ClinicDb): AvailabilityCache {
  let cache = caches.get(db.changes);
  if (!cache) caches.set(db.changes, (cache = new AvailabilityCache(db.changes)));
  return cache;
}

/**
 * Slots by local day, from the availability cache when the change feed is current (else read
 * afresh): the hot path of the booking pages and the API. Outside any transaction.
 */
export async function findSlotDays(db: ClinicDb, clinic: ClinicRef, search: SlotSearch, now = new Date()): Promise<DaySlots[]> {
  checkSlotRange(search.from, search.to);
  const practitionerId = search.practitionerId ?? null;
  const locationId = search.locationId ?? null;
  const notFound = () => new NotFoundError("There is no bookable service with this id at this clinic.");
  if (!isUuid(search.serviceId) || (practitionerId && !isUuid(practitionerId)) || (locationId && !isUuid(locationId))) throw notFound();
  const cache = availabilityCacheOf(db);
  // The schedule is one statement, so a read is one round trip.
  const query: RawQuery = (text, params) => db.readOne(text, params);
  if (!db.changes.fresh) {
    const slots = await slotsWith(query, clinic, search, now);
    return slots.length ? [{ day: null, first: 0, end: slots.length, slots }] : [];
  }
  const days = await cache.slotDays(
    query,
    { clinicId: clinic.id, timeZone: clinic.timeZone, serviceId: search.serviceId, practitionerId, locationId },
    { from: search.from, to: search.to },
    search.audience ?? "public",
    now,
    (data, span, at) => slotsFrom(data, clinic, { ...span, practitionerId, locationId }, at),
  );
  if (!days) throw notFound();
  return days;
}

/**
 * The times the schedule offers as if nothing were booked or held: where these exist but no free
 * time does, the day is fully booked (rather than closed or off). Read afresh, outside the cache.
 */
export async function scheduledSlots(db: ClinicDb, clinic: ClinicRef, search: SlotSearch, now = new Date()): Promise<Slot[]> {
  checkSlotRange(search.from, search.to);
  if (!isUuid(search.serviceId) || (search.practitionerId && !isUuid(search.practitionerId)) || (search.locationId && !isUuid(search.locationId))) return [];
  const query: RawQuery = (text, params) => db.readOne(text, params);
  const data = await loadScheduleData(query, clinic.id, { ...search, now });
  if (!data || !bookableFor(data, search.audience ?? "public")) return [];
  return slotsFrom(data, clinic, search, now, { ignoreBusy: true });
}

/** Slots outside any transaction (see findSlotDays). */
export async function findSlots(db: ClinicDb, clinic: ClinicRef, search: SlotSearch, now = new Date()): Promise<Slot[]> {
  const days = await findSlotDays(db, clinic, search, now);
  return days.length === 1 ? [...days[0]!.slots] : days.flatMap((d) => d.slots);
}

/** The next free times after a taken one: what a conflict answer offers instead. */
export async function alternativeSlots(
  db: ClinicDb,
  clinic: ClinicRef,
  search: { serviceId: string; practitionerId?: string | null; locationId?: string | null; after: Date; audience?: Audience },
  limit = 3,
  now = new Date(),
): Promise<Slot[]> {
  const from = new Date(Math.max(search.after.getTime(), now.getTime()));
  try {
    // The nearest times are what people want; look two days ahead first and further only if needed.
    for (const days of [2, 14]) {
      const slots = await findSlots(db, clinic, { ...search, from, to: new Date(from.getTime() + days * DAY_MS) }, now);
      if (slots.length >= limit || days === 14) return slots.slice(0, limit);
    }
    return [];
  } catch (error) {
    if (error instanceof NotFoundError) return [];
    throw error;
  }
}
