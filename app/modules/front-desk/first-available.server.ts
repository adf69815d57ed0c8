/**
 * "First available" for the desk on the phone: the next free times of a service across every
 * doctor who offers it (or one doctor, one location, one part of the day), over several days, each
 * with its doctor, location, price and deposit, so the caller hears real options in one breath.
 *
 * Kept fast on purpose: the slots come from the availability cache one week at a time, per doctor
 * (so each doctor's times show, not only the first doctor's of a shared time), and the search
 * stops at the first week that fills the list or at four weeks.
 */
import { z } from "zod";
import { formatDuration, formatLocalDay, formatMoney, formatTime } from "~/lib/format";
import { addDays, LOCAL_DATE_PATTERN, utcToZoned, zonedToUtc, type LocalDate } from "~/lib/zoned-time";
import { loadDiscounts, quoteAt } from "~/modules/scheduling/discounts";
import type { Slot } from "~/modules/scheduling/slot-engine";
import { findSlots, type ClinicRef } from "~/modules/scheduling/slots.server";
import type { ClinicDb } from "~/utils/db.server";
import { NotFoundError, ValidationError } from "~/utils/errors.server";
import { PART_MINUTES, PARTS_OF_DAY } from "./phone-booking-choices";

/** How far ahead the desk's search looks, and how many times it lists. */
export const FIRST_AVAILABLE_DAYS = 28;
export const FIRST_AVAILABLE_LIMIT = 12;
const WEEK_DAYS = 7;
const FURTHEST_DAYS = 2 * 366;

const optionalUuid = z.string().uuid().optional().catch(undefined);

/** The search as the page's URL and the times route take it; a bad filter is dropped, not an error. */
export const firstAvailableQuery = z.object({
  service: z.string().uuid("Choose a service."),
  doctor: optionalUuid,
  location: optionalUuid,
  part: z.enum(PARTS_OF_DAY).optional().catch(undefined),
  /** A time the calendar was clicked at (an ISO instant): kept first when still free. */
  start: z.string().datetime({ offset: true }).optional().catch(undefined),
  /** Look from this local day on (the caller can only come from next week). */
  from: z.string().regex(LOCAL_DATE_PATTERN).optional().catch(undefined),
});
export type FirstAvailableSearch = z.infer<typeof firstAvailableQuery>;

export interface FreeTime {
  /** The booking form's value: "doctorId|ISO start|locationId". */
  value: string;
  start: string;
  day: LocalDate;
  /** "Tuesday 8 December" (the list's day heading) and "9:30 AM". */
  dayWords: string;
  time: string;
  doctorId: string;
  doctorName: string;
  locationId: string;
  locationName: string;
  price: string;
  /** The discount that applies at this time, in words ("Off-peak −15%"), if any. */
  discount: string | null;
  deposit: string | null;
}

export interface FirstAvailable {
  service: { id: string; name: string; duration: string; requiresApproval: boolean };
  times: FreeTime[];
  days: number;
  /** The time asked for (from the calendar): whether it is still free, and the value to book it. */
  wanted: { words: string; free: boolean; value: string | null } | null;
}

export interface DeskNames {
  doctors: { id: string; name: string }[];
  locations: { id: string; name: string }[];
}

/** A slot as the booking form posts it; the location is kept so the kernel books the one shown. */
export const freeTimeValue = (s: Pick<Slot, "doctorId" | "start" | "locationId">) => `${s.doctorId}|${s.start.toISOString()}|${s.locationId}`;

/**
 * The next free times for the desk. Null when the service is not one the desk can book here.
 * Every time listed comes from the slot engine; booking one still goes through the kernel.
 */
export async function firstAvailable(db: ClinicDb, clinic: ClinicRef, search: FirstAvailableSearch, names: DeskNames, now = new Date()): Promise<FirstAvailable | null> {
  const terms = await db.tx(async (tx) => {
    const service = await tx.service.findUnique({
      where: { clinicId_id: { clinicId: clinic.id, id: search.service } },
      select: { id: true, name: true, durationMin: true, requiresApproval: true, priceMinor: true, depositKind: true, depositValue: true, visibility: true },
    });
    if (!service || service.visibility === "inactive") return null;
    const offeredBy = await tx.serviceDoctor.findMany({ where: { clinicId: clinic.id, serviceId: service.id }, select: { doctorId: true } });
    return { service, doctorIds: offeredBy.map((d) => d.doctorId), discounts: await loadDiscounts(tx, clinic.id, service.id) };
  });
  if (!terms) return null;
  const { service, discounts } = terms;
  const doctorName = new Map(names.doctors.map((d) => [d.id, d.name]));
  const locationName = new Map(names.locations.map((l) => [l.id, l.name]));
  // Only doctors who are on the staff list and offer the service; one chosen doctor narrows it.
  const doctors = terms.doctorIds.filter((id) => doctorName.has(id) && (!search.doctor || id === search.doctor));

  const wantedAt = search.start ? new Date(search.start) : null;
  const tz = clinic.timeZone;
  // From the clicked time's day (its nearest times), else from now.
  const today = utcToZoned(now, tz).date;
  // No clinic books further ahead than this; a start or day beyond it (a typed address) searches from today.
  const latest = addDays(today, FURTHEST_DAYS);
  const wantedDay = wantedAt && wantedAt.getTime() > now.getTime() ? utcToZoned(wantedAt, tz).date : null;
  const firstDay = wantedDay && wantedDay <= latest ? wantedDay : search.from && search.from > today && search.from <= latest ? search.from : today;
  const part = search.part ? PART_MINUTES[search.part] : null;
  const perDoctorDay = search.doctor ? 6 : 3;

  const slotsOf = async (doctorId: string, from: Date, to: Date): Promise<Slot[]> => {
    try {
      return await findSlots(db, clinic, { serviceId: service.id, practitionerId: doctorId, locationId: search.location ?? null, from, to, audience: "staff" }, now);
    } catch (error) {
      if (error instanceof NotFoundError || error instanceof ValidationError) return [];
      throw error;
    }
  };

  const chosen: Slot[] = [];
  const perDay = new Map<string, number>();
  let wantedSlot: Slot | null = null;
  for (let offset = 0; offset < FIRST_AVAILABLE_DAYS && chosen.length < FIRST_AVAILABLE_LIMIT; offset += WEEK_DAYS) {
    const from = new Date(Math.max(zonedToUtc(addDays(firstDay, offset), 0, tz).getTime(), now.getTime()));
    const to = zonedToUtc(addDays(firstDay, Math.min(offset + WEEK_DAYS, FIRST_AVAILABLE_DAYS)), 0, tz);
    if (to.getTime() <= from.getTime()) continue;
    const week = (await Promise.all(doctors.map((d) => slotsOf(d, from, to)))).flat();
    week.sort((x, y) => x.start.getTime() - y.start.getTime() || (doctorName.get(x.doctorId) ?? "").localeCompare(doctorName.get(y.doctorId) ?? ""));
    for (const slot of week) {
      if (wantedAt && !wantedSlot && slot.start.getTime() === wantedAt.getTime() && (!search.doctor || slot.doctorId === search.doctor)) wantedSlot = slot;
      const local = utcToZoned(slot.start, tz);
      if (part && (local.minutes < part[0] || local.minutes >= part[1])) continue;
      // A few per doctor and day, so the list spans days and doctors instead of one morning.
      const key = `${slot.doctorId}|${local.date}`;
      const count = perDay.get(key) ?? 0;
      if (count >= perDoctorDay || chosen.length >= FIRST_AVAILABLE_LIMIT) continue;
      perDay.set(key, count + 1);
      chosen.push(slot);
    }
  }
  if (wantedSlot && !chosen.some((s) => s.start.getTime() === wantedSlot.start.getTime() && s.doctorId === wantedSlot.doctorId)) {
    chosen.unshift(wantedSlot);
    if (chosen.length > FIRST_AVAILABLE_LIMIT) chosen.pop();
    chosen.sort((x, y) => x.start.getTime() - y.start.getTime());
  }

  const priceTerms = { priceMinor: service.priceMinor, currency: clinic.currency, depositKind: service.depositKind, depositValue: service.depositValue };
  const times = chosen.map((slot): FreeTime => {
    const quote = quoteAt(priceTerms, discounts, slot.start, tz);
    const day = utcToZoned(slot.start, tz).date;
    return {
      value: freeTimeValue(slot),
      start: slot.start.toISOString(),
      day,
      dayWords: formatLocalDay(day),
      time: formatTime(slot.start, tz),
      doctorId: slot.doctorId,
      doctorName: doctorName.get(slot.doctorId) ?? "Doctor",
      locationId: slot.locationId,
      locationName: locationName.get(slot.locationId) ?? "",
      price: formatMoney(quote.priceMinor, quote.currency),
      discount: quote.discount ? `${quote.discount.label} −${quote.discount.percent}%` : null,
      deposit: quote.depositMinor > 0 ? formatMoney(quote.depositMinor, quote.currency) : null,
    };
  });
  return {
    service: { id: service.id, name: service.name, duration: formatDuration(service.durationMin), requiresApproval: service.requiresApproval },
    times,
    days: FIRST_AVAILABLE_DAYS,
    wanted: wantedAt
      ? {
          words: `${shortDay(wantedAt, tz)}, ${formatTime(wantedAt, tz)}${search.doctor && doctorName.get(search.doctor) ? ` with ${doctorName.get(search.doctor)}` : ""}`,
          free: Boolean(wantedSlot),
          value: wantedSlot ? freeTimeValue(wantedSlot) : null,
        }
      : null,
  };
}

/** "Tue 8 Dec" on the clinic's clock. */
export function shortDay(at: Date, timeZone: string): string {
  return new Intl.DateTimeFormat("en-GB", { timeZone, weekday: "short", day: "numeric", month: "short" }).format(at).replace(",", "");
}
