/**
 * One appointment as the patient's account shows it (/account/appointments/$id): what, who for,
 * where, when on the clinic's clock, what it costs and what is paid, what to do before coming, until
 * when it can be changed online, and what happened to it so far. Only the account holder sees it
 * (visits of their family sit on their account); anyone else's id is simply not found. Every view is
 * written to the clinic's audit log.
 */
import { recordAudit, type AuditRequestContext } from "~/modules/audit/audit.server";
import { loadBookingCatalog, type BookingLocation } from "~/modules/booking-flow/catalog.server";
import { policyText } from "~/modules/booking-flow/flow.server";
import { formatDateTime, formatDuration, formatMoney } from "~/lib/format";
import type { CalendarEntry } from "~/modules/booking-flow/ics";
import { getAppointment, movesBefore, type AppointmentRecord } from "~/modules/scheduling/booking.server";
import { visitCalendarEntry } from "~/modules/booking-flow/visit-calendar";
import { formatBookingCode } from "~/lib/booking-code";
import { patientMayChange } from "~/modules/scheduling/policy";
import type { ClinicDb, Tx } from "~/utils/db.server";
import { NotFoundError } from "~/utils/errors.server";
import type { AccountClinic } from "./appointments.server";
import { tooLateText } from "./appointments.server";
import { cancelOutcome, depositDetail, paymentWords, statusWords } from "./wording";
import { depositFactsOf } from "~/modules/payments/deposits.server";
import { statusIs } from "~/lib/appointment-status";

/** Only these can still be changed or cancelled by the patient; the booking core agrees. */

export interface HistoryLine {
  at: string;
  text: string;
}

export interface AppointmentPage {
  id: string;
  /** NOR-7K4QX: what the patient quotes to the clinic; kept when the visit moves. */
  bookingCode: string;
  status: string;
  statusTone: "good" | "waiting" | "ended";
  serviceName: string;
  patientName: string;
  doctorName: string;
  location: BookingLocation | null;
  when: string;
  /** "America/New_York": the clock every time on the page is on. */
  timeZone: string;
  duration: string;
  price: string;
  deposit: string | null;
  payment: string;
  /** What is on the card and what happens next; `needsCard` links to the cards page. */
  depositDetail: { text: string; needsCard: boolean } | null;
  /** What cancelling now does to the deposit, for the confirm page. */
  cancelOutcome: string;
  preparationNotes: string | null;
  /** The policy with the actual deadline, in plain words. */
  cancellationPolicy: string;
  /** Active, upcoming and before the deadline: the page offers "Change" (and the list offers cancel). */
  canChange: boolean;
  /** Active but past the deadline: why not, and the clinic's phone number. */
  tooLate: string | null;
  note: string | null;
  /** The reason for the visit chosen when booking. */
  visitReason: string | null;
  history: HistoryLine[];
  /** The visit this one replaced, or the one it was moved to. */
  movedFrom: { id: string; when: string } | null;
  movedTo: { id: string; when: string } | null;
  calendar: CalendarEntry;
}

const HISTORY_WORDS: Record<string, string> = {
  requested: "Requested; waiting for the clinic to confirm",
  confirmed: "Confirmed",
  checked_in: "Checked in",
  in_consultation: "With the doctor",
  completed: "Visit completed",
  cancelled: "Cancelled",
  declined: "Declined by the clinic",
  no_show: "Marked as missed",
  rescheduled: "Moved to another time",
};

const BY_WORDS: Record<string, string> = { patient: "by you", staff: "by the clinic", api: "by the clinic", system: "automatically" };

function historyLine(row: { fromStatus: string | null; toStatus: string; actorType: string; occurredAt: Date }, timeZone: string, movedHere: boolean): HistoryLine {
  // A hold becoming the visit is its booking; the hold itself was only the time being chosen.
  const booked = row.fromStatus === null || row.fromStatus === "held";
  const words = HISTORY_WORDS[row.toStatus] ?? row.toStatus.replace(/_/g, " ");
  const what = booked ? (movedHere && row.fromStatus === null ? "Moved to this time" : `Booked (${words.toLowerCase()})`) : words;
  const by = BY_WORDS[row.actorType];
  return { at: formatDateTime(row.occurredAt, timeZone), text: by ? `${what} ${by}` : what };
}

/** The patient's own appointment, or null (someone else's, another clinic's, malformed). */
export async function ownAppointment(tx: Tx, clinic: AccountClinic, patientAccountId: string, appointmentId: string): Promise<AppointmentRecord | null> {
  try {
    const found = await getAppointment(tx, clinic, appointmentId);
    return found.patient?.id === patientAccountId ? found : null;
  } catch (error) {
    if (error instanceof NotFoundError) return null;
    throw error;
  }
}

export function personName(a: AppointmentRecord): string {
  const person = a.dependent ?? a.patient;
  return [person?.firstName, person?.lastName].filter(Boolean).join(" ");
}

/** Whether the patient may change this visit online now, and if not because it is too late, why. */
export function changeState(a: AppointmentRecord, clinic: AccountClinic, now: Date): { canChange: boolean; tooLate: string | null } {
  const active = statusIs(a.status, "changeable") && a.end.getTime() > now.getTime();
  const open = active && patientMayChange(a.start, a.cancellationWindowMin, now);
  return { canChange: open, tooLate: active && !open ? tooLateText(clinic, a.cancellationDeadline, a.cancellationWindowMin).replace("to cancel this visit online", "to change or cancel this visit online") : null };
}

/** The page's content, read and audited in one transaction; null when it is not the patient's. */
export async function appointmentPage(
  db: ClinicDb,
  clinic: AccountClinic,
  patientAccountId: string,
  appointmentId: string,
  audit: AuditRequestContext | null,
  opts: { action?: string; now?: Date } = {},
): Promise<AppointmentPage | null> {
  const now = opts.now ?? new Date();
  const read = await db.tx(async (tx) => {
    const a = await ownAppointment(tx, clinic, patientAccountId, appointmentId);
    if (!a) return null;
    const history = await tx.appointmentStatusChange.findMany({
      where: { clinicId: clinic.id, appointmentId: a.id },
      orderBy: [{ occurredAt: "asc" }, { id: "asc" }],
      select: { fromStatus: true, toStatus: true, actorType: true, occurredAt: true },
    });
    const linkedIds = [a.rescheduledFromId, a.rescheduledToId].filter((id): id is string => Boolean(id));
    const linked = linkedIds.length
      ? await tx.appointment.findMany({ where: { clinicId: clinic.id, id: { in: linkedIds }, patientAccountId }, select: { id: true, startsAt: true } })
      : [];
    const deposit = await depositFactsOf(tx, clinic, a.id, { money: formatMoney, dateTime: formatDateTime }, now);
    const moves = await movesBefore(tx, clinic.id, a);
    await recordAudit(tx, {
      clinicId: clinic.id,
      actor: { type: "patient", id: patientAccountId },
      action: opts.action ?? "patient.appointment_viewed",
      target: { type: "appointment", id: a.id },
      request: audit,
    });
    return { a, history: history.filter((h) => h.toStatus !== "held"), linked, deposit, moves };
  });
  if (!read) return null;
  const { a, history, linked, deposit, moves } = read;
  const catalog = await loadBookingCatalog(db);
  const location = catalog.locations.find((l) => l.id === a.locationId) ?? null;
  const doctorName = catalog.doctors.find((d) => d.id === a.practitionerId)?.name ?? "Your doctor";
  const service = catalog.services.find((s) => s.id === a.serviceId);
  const { words, tone } = statusWords(a.status);
  const policy = policyText(a.cancellationDeadline, a.cancellationWindowMin, clinic.timeZone, now);
  const linkedOf = (id: string | null) => {
    const row = id ? linked.find((l) => l.id === id) : undefined;
    return row ? { id: row.id, when: formatDateTime(row.startsAt, clinic.timeZone) } : null;
  };
  return {
    id: a.id,
    bookingCode: formatBookingCode(clinic.slug, a.bookingCode),
    status: words,
    statusTone: tone,
    serviceName: a.serviceName,
    patientName: personName(a),
    doctorName,
    location,
    when: formatDateTime(a.start, clinic.timeZone),
    timeZone: clinic.timeZone,
    duration: formatDuration(Math.round((a.end.getTime() - a.start.getTime()) / 60_000)),
    price: formatMoney(a.priceMinor, a.currency),
    deposit: a.depositMinor > 0 ? formatMoney(a.depositMinor, a.currency) : null,
    payment: paymentWords(a.paymentStatus, a.depositMinor > 0),
    depositDetail: deposit ? depositDetail(deposit) : null,
    cancelOutcome: cancelOutcome(deposit, a.depositMinor > 0),
    preparationNotes: service?.preparationNotes ?? null,
    cancellationPolicy: policy,
    ...changeState(a, clinic, now),
    note: a.note,
    visitReason: a.visitReason,
    history: history.map((h) => historyLine(h, clinic.timeZone, Boolean(a.rescheduledFromId))),
    movedFrom: linkedOf(a.rescheduledFromId),
    movedTo: linkedOf(a.rescheduledToId),
    calendar: visitCalendarEntry(clinic, a, { moves, doctorName, location, preparationNotes: service?.preparationNotes, policy }, now),
  };
}
