/**
 * A patient's own appointments at one clinic, as the /account page shows them, and cancelling one
 * of them online. Visits booked for dependents sit on the account holder's account, so listing by
 * the account covers the whole family.
 */
import { z } from "zod";
import { recordAudit, type AuditRequestContext } from "~/modules/audit/audit.server";
import { loadBookingCatalog } from "~/modules/booking-flow/catalog.server";
import { formatDateTime, formatDuration, formatMoney } from "~/lib/format";
import type { Actor } from "~/lib/actor";
import { getAppointment, listAppointments, type AppointmentRecord } from "~/modules/scheduling/booking.server";
import { cancelAppointment } from "~/modules/scheduling/appointment-changes.server";
import { patientMayChange } from "~/modules/scheduling/policy";
import type { ClinicRef } from "~/modules/scheduling/slots.server";
import type { ClinicDb } from "~/utils/db.server";
import { NotFoundError, ValidationError } from "~/utils/errors.server";
import { paymentWords, statusWords, windowWords } from "./wording";
import { settleNow } from "~/modules/payments/settle-now.server";
import { statusIs } from "~/lib/appointment-status";

export type AccountClinic = ClinicRef & { name: string; slug: string; contactPhone: string | null };

/** Only these can still be cancelled; the booking core refuses the rest as well. */
const DAY_MS = 86_400_000;
/** How far back the page looks; older visits stay in the clinic's records. */
const PAST_DAYS = 730;
const PAST_SHOWN = 30;
const UPCOMING_DAYS = 800;

export interface AccountAppointment {
  id: string;
  serviceName: string;
  doctorName: string;
  location: { name: string; address: string } | null;
  patientName: string;
  when: string;
  duration: string;
  status: string;
  statusTone: "good" | "waiting" | "ended";
  price: string;
  deposit: string | null;
  payment: string;
  /** The last moment to cancel online, on the clinic's clock. */
  deadline: string;
  /** Active and before the deadline: the page offers the cancel form. */
  canCancel: boolean;
  /** Active but past the deadline: the page explains and gives the phone number. */
  tooLate: string | null;
  /** Which list the visit belongs in: still to come, over, or cancelled or moved away. */
  list: AccountList;
  /** A moved visit: when its new time is, on the clinic's clock. */
  movedTo: string | null;
  /** ISO instant, for ordering visits from several clinics. */
  startsAt: string;
}

export type AccountList = "upcoming" | "past" | "cancelled";

export interface AccountView {
  upcoming: AccountAppointment[];
  past: AccountAppointment[];
  /** Cancelled, declined and moved visits, newest first. */
  cancelled: AccountAppointment[];
}

/**
 * Upcoming is a visit still on (booked, waiting for the clinic, or under way) that has not ended;
 * cancelled holds the cancelled, declined and moved ones; past the rest (done, missed, or ended
 * without the desk closing it).
 */
export function accountListOf(status: string, end: Date, now: Date): AccountList {
  if (status === "cancelled" || status === "declined" || status === "rescheduled") return "cancelled";
  return statusIs(status, "open") && end.getTime() > now.getTime() ? "upcoming" : "past";
}

/** The payment line: a moved visit's deposit went with it, a cancelled one's hold is let go. */
function paymentLine(a: AppointmentRecord): string {
  const hasDeposit = a.depositMinor > 0;
  if (a.status === "rescheduled") return hasDeposit ? "The deposit moved with the visit to its new time" : "Nothing to pay for this time";
  if (a.status === "cancelled" || a.status === "declined") {
    if (!hasDeposit) return "Nothing to pay";
    if (a.paymentStatus === "authorized") return "The deposit reserved on your card is being released; nothing is charged";
    if (a.paymentStatus === "card_saved" || a.paymentStatus === "none") return "Nothing charged";
  }
  return paymentWords(a.paymentStatus, hasDeposit);
}

export function tooLateText(clinic: AccountClinic, deadline: Date, windowMin: number): string {
  const call = clinic.contactPhone ? `Please call ${clinic.name} on ${clinic.contactPhone} instead.` : `Please call ${clinic.name} instead.`;
  return `It is too late to cancel this visit online: that was possible until ${formatDateTime(deadline, clinic.timeZone)} (${windowWords(windowMin)} before it starts). ${call}`;
}

function shown(
  a: AppointmentRecord,
  clinic: AccountClinic,
  names: { doctors: Map<string, string>; locations: Map<string, { name: string; address: string }>; starts: Map<string, Date> },
  now: Date,
): AccountAppointment {
  const active = statusIs(a.status, "changeable");
  const open = active && patientMayChange(a.start, a.cancellationWindowMin, now);
  const person = a.dependent ?? a.patient;
  const { words, tone } = statusWords(a.status);
  return {
    id: a.id,
    serviceName: a.serviceName,
    doctorName: names.doctors.get(a.practitionerId) ?? "Your doctor",
    location: names.locations.get(a.locationId) ?? null,
    patientName: [person?.firstName, person?.lastName].filter(Boolean).join(" "),
    when: formatDateTime(a.start, clinic.timeZone),
    duration: formatDuration(Math.round((a.end.getTime() - a.start.getTime()) / 60_000)),
    status: words,
    statusTone: tone,
    price: formatMoney(a.priceMinor, a.currency),
    deposit: a.depositMinor > 0 ? formatMoney(a.depositMinor, a.currency) : null,
    payment: paymentLine(a),
    deadline: formatDateTime(a.cancellationDeadline, clinic.timeZone),
    canCancel: open,
    tooLate: active && !open ? tooLateText(clinic, a.cancellationDeadline, a.cancellationWindowMin) : null,
    list: accountListOf(a.status, a.end, now),
    movedTo: a.rescheduledToId && names.starts.has(a.rescheduledToId) ? formatDateTime(names.starts.get(a.rescheduledToId)!, clinic.timeZone) : null,
    startsAt: a.start.toISOString(),
  };
}

/** The page's two lists, read and audited in one transaction (every view of patient data is logged). */
export async function accountAppointments(
  db: ClinicDb,
  clinic: AccountClinic,
  patientAccountId: string,
  audit: AuditRequestContext | null,
  now = new Date(),
): Promise<AccountView> {
  const [records, catalog] = await Promise.all([
    db.tx(async (tx) => {
      const from = new Date(now.getTime() - PAST_DAYS * DAY_MS);
      const to = new Date(now.getTime() + UPCOMING_DAYS * DAY_MS);
      // Oldest first, so page through until the end: the newest past visits matter most.
      const items: AppointmentRecord[] = [];
      let cursor: string | null = null;
      do {
        const page = await listAppointments(tx, clinic, { from, to, limit: 200, cursor, patientAccountId });
        items.push(...page.items);
        cursor = page.nextCursor;
      } while (cursor);
      await recordAudit(tx, {
        clinicId: clinic.id,
        actor: { type: "patient", id: patientAccountId },
        action: "patient.appointments_viewed",
        target: { type: "patient_account", id: patientAccountId },
        request: audit,
        details: { count: items.length },
      });
      return items;
    }),
    loadBookingCatalog(db),
  ]);
  const names = {
    doctors: new Map(catalog.doctors.map((d) => [d.id, d.name])),
    locations: new Map(catalog.locations.map((l) => [l.id, { name: l.name, address: l.address }])),
    starts: new Map(records.map((r) => [r.id, r.start])),
  };
  const all = records.map((r) => shown(r, clinic, names, now));
  return {
    upcoming: all.filter((a) => a.list === "upcoming"),
    past: all.filter((a) => a.list === "past").reverse().slice(0, PAST_SHOWN),
    cancelled: all.filter((a) => a.list === "cancelled").reverse().slice(0, PAST_SHOWN),
  };
}

/** Why a patient cancels, as the confirm page offers it (optional); illness is kept apart for the reports. */
export const CANCEL_REASONS = {
  plans_changed: "My plans changed",
  feel_better: "I feel better or no longer need it",
  ill: "I'm ill",
  elsewhere: "I found another time or clinic",
  other: "Something else",
} as const;
export type CancelReason = keyof typeof CANCEL_REASONS;

export const cancelForm = z.object({
  appointmentId: z.uuid(),
  reason: z.enum(Object.keys(CANCEL_REASONS) as [CancelReason, ...CancelReason[]]).optional(),
  note: z.string().trim().max(300, "Keep it under 300 characters.").optional(),
});

/** The reason as the clinic's records keep it: the kind for the reports, the words as the note. */
function recordedReason(why: { reason?: CancelReason; note?: string }): { reason: "patient_request" | "illness"; note: string | null } {
  const words = [why.reason ? CANCEL_REASONS[why.reason] : null, why.note || null].filter(Boolean).join(": ");
  return { reason: why.reason === "ill" ? "illness" : "patient_request", note: words || null };
}

export type CancelAnswer = { ok: true; appointmentId: string } | { ok: false; message: string };

/**
 * Cancels one of the patient's own visits. The window is checked here first so a late attempt gets
 * the deadline in the clinic's words and its phone number; the booking core checks it again under
 * the row lock, which decides a race at the deadline.
 */
export async function cancelOwnAppointment(
  db: ClinicDb,
  clinic: AccountClinic,
  patientAccountId: string,
  appointmentId: string,
  audit: AuditRequestContext | null,
  why: { reason?: CancelReason; note?: string } = {},
  now = new Date(),
): Promise<CancelAnswer> {
  const actor: Actor = { type: "patient", id: patientAccountId, request: audit };
  const missing = { ok: false, message: "We could not find this appointment among yours." } as const;
  try {
    const answer = await db.tx(async (tx): Promise<CancelAnswer> => {
      const appointment = await getAppointment(tx, clinic, appointmentId);
      if (appointment.patient?.id !== patientAccountId) return missing;
      if (!statusIs(appointment.status, "changeable")) return { ok: false, message: `This visit is already ${statusWords(appointment.status).words.toLowerCase()}, so there is nothing to cancel.` };
      if (!patientMayChange(appointment.start, appointment.cancellationWindowMin, now)) {
        return { ok: false, message: tooLateText(clinic, appointment.cancellationDeadline, appointment.cancellationWindowMin) };
      }
      const recorded = recordedReason(why);
      await cancelAppointment(tx, clinic, { appointmentId, reason: recorded.reason, note: recorded.note }, actor, now);
      return { ok: true, appointmentId };
    });
    // Cancelled in time: the hold on the card is let go now, so the account already says so.
    if (answer.ok) await settleNow(db, appointmentId);
    return answer;
  } catch (error) {
    if (error instanceof NotFoundError) return missing;
    if (error instanceof ValidationError) return { ok: false, message: error.detail };
    throw error;
  }
}
