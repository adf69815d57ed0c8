/**
 * The desk's requests inbox: appointment requests for services that need approval (approve, or
 * decline with a reason the patient is told), and flexible-schedule requests, answered by proposing
 * a free time that fits the patient's preferences (weekdays, time of day, dates, doctor, location).
 * The proposal itself, its expiry and the patient's answer are `flexible-requests.server.ts`.
 */
import { z } from "zod";
import { recordAudit } from "~/modules/audit/audit.server";
import type { Actor } from "~/lib/actor";
import { SlotTakenError } from "~/modules/scheduling/booking.server";
import { listFlexibleRequests, proposeTime, type FlexibleRequestRecord } from "~/modules/scheduling/flexible-requests.server";
import { findSlots, type ClinicRef } from "~/modules/scheduling/slots.server";
import { addDays, utcToZoned, zonedToUtc } from "~/lib/zoned-time";
import type { ClinicDb } from "~/utils/db.server";
import { ConflictError, NotFoundError, ValidationError } from "~/utils/errors.server";
import { deskAppointments, type DeskAppointment } from "./desk-appointments.server";
import { slotOption, type SlotOption } from "./phone-booking.server";

/** How far ahead the desk looks for times to propose. */
export const PROPOSAL_SEARCH_DAYS = 28;
export const PROPOSAL_CHOICES = 8;

const minutesOf = (hhmm: string | null) => (hhmm ? Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5)) : null);

/** Free times matching a flexible request: its service, doctor and location, weekdays, hours and dates. */
export async function timesForRequest(db: ClinicDb, clinic: ClinicRef, r: FlexibleRequestRecord, doctorNames: Map<string, string>, now = new Date()): Promise<SlotOption[]> {
  const today = utcToZoned(now, clinic.timeZone).date;
  const firstDay = r.earliestDate && r.earliestDate > today ? r.earliestDate : today;
  const lastDay = r.latestDate && r.latestDate < addDays(firstDay, PROPOSAL_SEARCH_DAYS) ? r.latestDate : addDays(firstDay, PROPOSAL_SEARCH_DAYS);
  if (lastDay < firstDay) return [];
  const from = new Date(Math.max(now.getTime(), zonedToUtc(firstDay, 0, clinic.timeZone).getTime()));
  const to = zonedToUtc(addDays(lastDay, 1), 0, clinic.timeZone);
  let slots;
  try {
    slots = await findSlots(db, clinic, { serviceId: r.serviceId, practitionerId: r.practitionerId, locationId: r.locationId, from, to, audience: "staff" }, now);
  } catch (error) {
    if (error instanceof NotFoundError || error instanceof ValidationError) return [];
    throw error;
  }
  const fromMin = minutesOf(r.preferredFrom);
  const toMin = minutesOf(r.preferredTo);
  const isoDays = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];
  const fits = slots.filter((s) => {
    const local = utcToZoned(s.start, clinic.timeZone);
    const weekday = isoDays.indexOf(local.weekday) + 1;
    if (r.preferredWeekdays.length && !r.preferredWeekdays.includes(weekday)) return false;
    if (fromMin !== null && local.minutes < fromMin) return false;
    if (toMin !== null && local.minutes >= toMin) return false;
    return true;
  });
  return fits.slice(0, PROPOSAL_CHOICES).map((s) => ({ ...slotOption(s, clinic, doctorNames), time: `${local(s.start, clinic.timeZone)}` }));
}

function local(at: Date, timeZone: string) {
  return new Intl.DateTimeFormat("en-US", { timeZone, weekday: "short", month: "short", day: "numeric", hour: "numeric", minute: "2-digit" }).format(at);
}

/** How many open flexible requests get suggested times on one page view, oldest first. */
export const SUGGESTED_REQUESTS = 10;

export interface RequestsInbox {
  approvals: DeskAppointment[];
  /** `suggested` is false past the first SUGGESTED_REQUESTS: their times are worked out once those are answered. */
  flexible: (FlexibleRequestRecord & { times: SlotOption[]; suggested: boolean })[];
  waiting: FlexibleRequestRecord[];
}

export async function requestsInbox(db: ClinicDb, clinic: ClinicRef, actor: Actor, doctorNames: Map<string, string>, now = new Date()): Promise<RequestsInbox> {
  const { approvals, open, waiting } = await db.tx(async (tx) => {
    const approvals = await deskAppointments(tx, clinic.id, { from: new Date(now.getTime() - 86_400_000), to: new Date(now.getTime() + 400 * 86_400_000) }, { statuses: ["requested"] });
    const open = await listFlexibleRequests(tx, clinic, { status: "open" });
    const waiting = await listFlexibleRequests(tx, clinic, { status: ["proposed", "offered"] });
    await recordAudit(tx, { clinicId: clinic.id, actor: { type: "staff", id: actor.id }, action: "staff.requests_viewed", target: { type: "requests", id: clinic.id }, request: actor.request ?? null, details: { approvals: approvals.length, flexible: open.length } });
    return { approvals, open, waiting };
  });
  // Each suggestion is a four-week slot search: only the oldest requests get one, so a long inbox stays quick.
  const flexible = [];
  for (const [i, r] of open.entries()) {
    const suggested = i < SUGGESTED_REQUESTS;
    flexible.push({ ...r, suggested, times: suggested ? await timesForRequest(db, clinic, r, doctorNames, now) : [] });
  }
  return { approvals, flexible, waiting };
}

export const proposeForm = z.object({
  intent: z.literal("propose"),
  requestId: z.string().uuid("Choose a request."),
  slot: z.string().regex(/^[0-9a-f-]{36}\|\d{4}-\d{2}-\d{2}T[\d:.]+Z$/i, "Choose a time to propose."),
  expiresInHours: z.coerce.number().int().min(1, "At least 1 hour.").max(14 * 24, "At most 14 days.").default(48),
});

export type ProposeAnswer = { ok: true; message: string } | { ok: false; message: string; requestId: string };

/** Puts a free time to the patient; `proposeTime` checks it is still free, records, announces and audits. */
export async function proposeForRequest(db: ClinicDb, clinic: ClinicRef, input: z.infer<typeof proposeForm>, actor: Actor, now = new Date()): Promise<ProposeAnswer> {
  const [practitionerId, iso] = input.slot.split("|") as [string, string];
  try {
    await db.tx((tx) => proposeTime(tx, clinic, { requestId: input.requestId, start: new Date(iso), practitionerId, expiresInHours: input.expiresInHours }, actor, now));
    return { ok: true, message: "Time proposed. The patient is asked to confirm it." };
  } catch (error) {
    if (error instanceof NotFoundError) throw new Response("Not found", { status: 404 });
    if (error instanceof SlotTakenError || error instanceof ConflictError || error instanceof ValidationError) return { ok: false, message: error.message, requestId: input.requestId };
    throw error;
  }
}

/** What the requests page posts: an approval, a decline with its reason, or a proposal. */
export const requestActionForm = z.discriminatedUnion("intent", [
  z.object({ intent: z.literal("approve"), appointmentId: z.string().uuid("Choose a request.") }),
  z.object({ intent: z.literal("decline"), appointmentId: z.string().uuid("Choose a request."), reason: z.string().trim().min(3, "Say why the request is declined (at least 3 characters); the patient is told.").max(500) }),
  proposeForm,
]);
