/**
 * The desk's waitlist: open flexible requests (including patients who asked to hear of an earlier
 * time on a fully booked day) next to the free gaps of the coming days they would fit, with the
 * first bookable time in each gap, so the desk can offer it in one click.
 *
 * - Gaps are the doctors' free time (`free-gaps.server.ts`); the time offered in a gap is found by
 *   the slot engine for the request's service, doctor and location (staff audience), so it is a
 *   time the booking kernel would accept, on the service's grid, with a room when one is needed.
 * - The request's weekdays, time of day and dates decide which times fit.
 * - Offering is the desk's proposal (`proposeTime` through `proposeForRequest`): checked free
 *   again, recorded, announced to the patient by the proposal workflow and audited. Nothing is
 *   held; the patient's acceptance books it only if it is still free.
 */
import { z } from "zod";
import { recordAudit } from "~/modules/audit/audit.server";
import type { Actor } from "~/lib/actor";
import { addDays, utcToZoned, zonedToUtc, type LocalDate } from "~/lib/zoned-time";
import { alertsFor, type PatientAlert } from "~/modules/patients/patient-alerts.server";
import { listFlexibleRequests, type FlexibleRequestRecord } from "~/modules/scheduling/flexible-requests.server";
import type { Slot } from "~/modules/scheduling/slot-engine";
import { findSlots, type ClinicRef } from "~/modules/scheduling/slots.server";
import type { ClinicDb } from "~/utils/db.server";
import { NotFoundError, ValidationError } from "~/utils/errors.server";
import { deskResources } from "./desk-appointments.server";
import { freeGapsOfDay, type FreeGap } from "./free-gaps.server";
import { proposeForRequest, type ProposeAnswer } from "./requests.server";

/** How many days ahead the waitlist looks for gaps. */
export const WAITLIST_DAYS = 7;
/** Requests matched per page view, oldest first: each is one slot search. */
export const WAITLIST_MATCHED = 25;
/** Gaps listed per request. */
export const FITS_PER_REQUEST = 4;
/** How long the patient has to answer a time offered from the waitlist. */
export const WAITLIST_OFFER_HOURS = 24;

export interface GapFit {
  doctorId: string;
  doctorName: string;
  gap: FreeGap;
  /** The first time in the gap the request's service can be booked. */
  offer: Slot;
}

export interface WaitlistEntry {
  request: FlexibleRequestRecord;
  alerts: PatientAlert[];
  /** False past the first WAITLIST_MATCHED: not matched on this view. */
  matched: boolean;
  fits: GapFit[];
}

export interface WaitlistView {
  days: LocalDate[];
  entries: WaitlistEntry[];
  /** Requests with a time put to the patient, waiting for the answer. */
  answering: (FlexibleRequestRecord & { alerts: PatientAlert[] })[];
  /** Free minutes in the window, for the empty state ("nothing free this week"). */
  freeMinutes: number;
}

const ISO_DAYS = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];
const minutesOf = (hhmm: string | null) => (hhmm ? Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5)) : null);

/** Whether a time fits the request's weekdays and time of day (its dates bound the search). */
export function fitsPreferences(r: Pick<FlexibleRequestRecord, "preferredWeekdays" | "preferredFrom" | "preferredTo">, start: Date, timeZone: string): boolean {
  const local = utcToZoned(start, timeZone);
  const weekday = ISO_DAYS.indexOf(local.weekday) + 1;
  if (r.preferredWeekdays.length && !r.preferredWeekdays.includes(weekday)) return false;
  const from = minutesOf(r.preferredFrom);
  const to = minutesOf(r.preferredTo);
  if (from !== null && local.minutes < from) return false;
  if (to !== null && local.minutes >= to) return false;
  return true;
}

/** Groups a request's free times by the gap they fall in: the first time of each gap, earliest gaps first. */
export function fitsInGaps(slots: readonly Slot[], gaps: readonly { doctorId: string; doctorName: string; gaps: readonly FreeGap[] }[], limit = FITS_PER_REQUEST): GapFit[] {
  const fits: GapFit[] = [];
  const seen = new Set<string>();
  for (const s of [...slots].sort((a, b) => a.start.getTime() - b.start.getTime())) {
    const doctor = gaps.find((g) => g.doctorId === s.doctorId);
    const gap = doctor?.gaps.find((g) => g.start.getTime() <= s.start.getTime() && s.start.getTime() < g.end.getTime());
    if (!doctor || !gap) continue;
    const key = `${doctor.doctorId}|${gap.start.toISOString()}`;
    if (seen.has(key)) continue;
    seen.add(key);
    fits.push({ doctorId: doctor.doctorId, doctorName: doctor.doctorName, gap, offer: s });
    if (fits.length >= limit) break;
  }
  return fits;
}

export async function waitlistView(db: ClinicDb, clinic: ClinicRef, actor: Actor, now = new Date()): Promise<WaitlistView> {
  const today = utcToZoned(now, clinic.timeZone).date;
  const days = Array.from({ length: WAITLIST_DAYS }, (_, i) => addDays(today, i));
  const windowEnd = zonedToUtc(addDays(today, WAITLIST_DAYS), 0, clinic.timeZone);
  const read = await db.tx(async (tx) => {
    const open = await listFlexibleRequests(tx, clinic, { status: "open" });
    const answering = await listFlexibleRequests(tx, clinic, { status: ["proposed", "offered"] });
    const perDay = [];
    for (const day of days) perDay.push(await freeGapsOfDay(tx, clinic, day, {}, day === today ? now : zonedToUtc(day, 0, clinic.timeZone)));
    const holders = [...open, ...answering].flatMap((r) => (r.dependent ? [] : [r.patient.id]));
    const alerts = await alertsFor(tx, clinic.id, holders);
    await recordAudit(tx, {
      clinicId: clinic.id,
      actor: { type: "staff", id: actor.id },
      action: "staff.waitlist_viewed",
      target: { type: "requests", id: clinic.id },
      request: actor.request ?? null,
      details: { open: open.length, answering: answering.length, days: WAITLIST_DAYS },
    });
    return { open, answering, perDay, alerts };
  });
  // One list of gaps per doctor over the window.
  const byDoctor = new Map<string, { doctorId: string; doctorName: string; gaps: FreeGap[] }>();
  for (const day of read.perDay) {
    for (const d of day) {
      const entry = byDoctor.get(d.doctorId) ?? { doctorId: d.doctorId, doctorName: d.doctorName, gaps: [] };
      entry.gaps.push(...d.gaps);
      byDoctor.set(d.doctorId, entry);
    }
  }
  const gaps = [...byDoctor.values()];
  const freeMinutes = gaps.reduce((n, d) => n + d.gaps.reduce((m, g) => m + g.minutes, 0), 0);
  const alertsOf = (r: FlexibleRequestRecord) => (r.dependent ? [] : (read.alerts.get(r.patient.id) ?? []));

  // A time already put to another patient is not offered twice (proposeTime would refuse it).
  const promised = read.answering.flatMap((r) => (r.proposal?.practitionerId && (!r.proposal.expiresAt || r.proposal.expiresAt.getTime() > now.getTime()) ? [{ doctorId: r.proposal.practitionerId, start: r.proposal.start, end: r.proposal.end }] : []));
  const entries: WaitlistEntry[] = [];
  for (const [i, r] of read.open.entries()) {
    const matched = i < WAITLIST_MATCHED;
    entries.push({ request: r, alerts: alertsOf(r), matched, fits: matched && freeMinutes > 0 ? await fitsFor(db, clinic, r, gaps, promised, windowEnd, now) : [] });
  }
  return { days, entries, answering: read.answering.map((r) => ({ ...r, alerts: alertsOf(r) })), freeMinutes };
}

/**
 * The gaps a request fits. A search for "any doctor" answers one doctor per time, so a request
 * without a doctor is searched per doctor with free time, to show each doctor's gap.
 */
async function fitsFor(
  db: ClinicDb,
  clinic: ClinicRef,
  r: FlexibleRequestRecord,
  gaps: { doctorId: string; doctorName: string; gaps: FreeGap[] }[],
  promised: { doctorId: string; start: Date; end: Date }[],
  windowEnd: Date,
  now: Date,
): Promise<GapFit[]> {
  const doctors = r.practitionerId ? [r.practitionerId] : gaps.filter((d) => d.gaps.length > 0).map((d) => d.doctorId);
  const slots: Slot[] = [];
  for (const doctorId of doctors) slots.push(...(await freeTimesFor(db, clinic, { ...r, practitionerId: doctorId }, windowEnd, now)));
  const free = slots.filter((s) => !promised.some((p) => p.doctorId === s.doctorId && p.start.getTime() < s.end.getTime() && s.start.getTime() < p.end.getTime()));
  return fitsInGaps(free, gaps);
}

/** The request's bookable times from now to the end of the window, inside its dates and preferences. */
async function freeTimesFor(db: ClinicDb, clinic: ClinicRef, r: FlexibleRequestRecord, windowEnd: Date, now: Date): Promise<Slot[]> {
  const from = new Date(Math.max(now.getTime(), r.earliestDate ? zonedToUtc(r.earliestDate, 0, clinic.timeZone).getTime() : 0));
  const to = new Date(Math.min(windowEnd.getTime(), r.latestDate ? zonedToUtc(addDays(r.latestDate, 1), 0, clinic.timeZone).getTime() : Infinity));
  if (to.getTime() <= from.getTime()) return [];
  try {
    const slots = await findSlots(db, clinic, { serviceId: r.serviceId, practitionerId: r.practitionerId, locationId: r.locationId, from, to, audience: "staff" }, now);
    return slots.filter((s) => fitsPreferences(r, s.start, clinic.timeZone));
  } catch (error) {
    // A service no longer offered, or a doctor no longer at the clinic: nothing fits.
    if (error instanceof NotFoundError || error instanceof ValidationError) return [];
    throw error;
  }
}

export const offerGapForm = z.object({
  intent: z.literal("offer"),
  requestId: z.string().uuid("Choose a request."),
  slot: z.string().regex(/^[0-9a-f-]{36}\|\d{4}-\d{2}-\d{2}T[\d:.]+Z$/i, "Choose a time to offer."),
});

/** Offers a gap's time to the patient: the desk's proposal, answered within WAITLIST_OFFER_HOURS. */
export async function offerGap(db: ClinicDb, clinic: ClinicRef, input: z.infer<typeof offerGapForm>, actor: Actor, now = new Date()): Promise<ProposeAnswer> {
  const answer = await proposeForRequest(db, clinic, { intent: "propose", requestId: input.requestId, slot: input.slot, expiresInHours: WAITLIST_OFFER_HOURS }, actor, now);
  return answer.ok ? { ok: true, message: "Offered. The patient is asked to accept the time; it is theirs if still free when they do." } : answer;
}

/** Doctor names for the page, by membership id. */
export async function doctorNamesOf(db: ClinicDb): Promise<Map<string, string>> {
  const resources = await db.tx((tx) => deskResources(tx, db.clinicId));
  return new Map(resources.doctors.map((d) => [d.id, d.name]));
}
