/**
 * The desk's note on a visit and the desk's contact with the patient about it: resend the booking
 * confirmation, send a few words by SMS or email, and the log of every message sent about the visit.
 *
 * - The note is staff only (never in a message, the patient's pages or the API). A moved visit is
 *   a new appointment row with the same booking code, so the note and the log follow the booking
 *   code: the desk sees what was written and sent before the move.
 * - Messages go through the messaging module (`sendPatientMessage`), so the patient's choices
 *   (SMS or email turned off, no email address) and the clinic's quiet hours apply as they do to
 *   every message; a message the patient turned off is recorded as skipped and the desk is told.
 * - Each send carries a one-time token from the form: a double click or a resubmitted form sends
 *   one message, not two.
 * - Statuses come from the delivery rows, which Twilio's status callbacks move forward
 *   (queued → sent → delivered, or failed).
 */
import { z } from "zod";
import { recordAudit } from "~/modules/audit/audit.server";
import type { Actor } from "~/lib/actor";
import { statusIs } from "~/lib/appointment-status";
import { sendPatientMessage, type DeliverySummary, type NotifyDeps } from "~/modules/messaging/notify.server";
import type { MessageChannel } from "~/modules/messaging/templates";
import { getAppointment } from "~/modules/scheduling/booking.server";
import type { ClinicRef } from "~/modules/scheduling/slots.server";
import { alertsFor, staffName, type DeskNote, type PatientAlert } from "~/modules/patients/patient-alerts.server";
import type { ClinicDb, Tx } from "~/utils/db.server";
import { ConflictError } from "~/utils/errors.server";

/** A desk message fits three SMS segments once the clinic's name is put in front. */
export const DESK_MESSAGE_MAX = 480;
export const VISIT_NOTE_MAX = 2000;

/** The appointment rows of one booking (the visit and the rows it was moved from or to). */
async function bookingRowIds(tx: Tx, clinicId: string, appointmentId: string): Promise<string[]> {
  const rows = await tx.$queryRaw<{ id: string }[]>`
    SELECT b.id::text FROM appointments a
      JOIN appointments b ON b.clinic_id = a.clinic_id AND b.booking_code = a.booking_code
     WHERE a.clinic_id = ${clinicId}::uuid AND a.id = ${appointmentId}::uuid`;
  return rows.map((r) => r.id);
}

// ---------------------------------------------------------------------------------------------
// The visit's desk note

export async function visitDeskNote(tx: Tx, clinicId: string, appointmentId: string): Promise<DeskNote | null> {
  const ids = await bookingRowIds(tx, clinicId, appointmentId);
  if (!ids.length) return null;
  const row = await tx.visitDeskNote.findFirst({ where: { clinicId, appointmentId: { in: ids } }, orderBy: { updatedAt: "desc" }, select: { body: true, updatedBy: true, updatedAt: true } });
  return row ? { body: row.body, updatedAt: row.updatedAt, updatedByName: await staffName(tx, row.updatedBy) } : null;
}

export const visitNoteForm = z.object({
  intent: z.literal("desk-note"),
  body: z.string().trim().max(VISIT_NOTE_MAX, `At most ${VISIT_NOTE_MAX} characters.`).default(""),
});

/** Saves (or, when empty, clears) the desk's note on the visit; audited with its length, not its words. */
export async function saveVisitDeskNote(tx: Tx, clinic: ClinicRef, appointmentId: string, body: string, actor: Actor, now = new Date()): Promise<void> {
  if (actor.type !== "staff" || !actor.id) throw new Error("desk notes are written by staff");
  const appointment = await getAppointment(tx, clinic, appointmentId);
  const text = body.trim();
  const ids = await bookingRowIds(tx, clinic.id, appointment.id);
  // One note per booking: the one kept is on the row the desk is looking at.
  await tx.visitDeskNote.deleteMany({ where: { clinicId: clinic.id, appointmentId: { in: ids.filter((id) => id !== appointment.id) } } });
  if (text) {
    await tx.visitDeskNote.upsert({
      where: { clinicId_appointmentId: { clinicId: clinic.id, appointmentId: appointment.id } },
      create: { clinicId: clinic.id, appointmentId: appointment.id, body: text, updatedBy: actor.id, updatedAt: now },
      update: { body: text, updatedBy: actor.id, updatedAt: now },
    });
  } else {
    await tx.visitDeskNote.deleteMany({ where: { clinicId: clinic.id, appointmentId: appointment.id } });
  }
  await recordAudit(tx, {
    clinicId: clinic.id,
    actor: { type: "staff", id: actor.id },
    action: text ? "appointment.desk_note_saved" : "appointment.desk_note_cleared",
    target: { type: "appointment", id: appointment.id },
    request: actor.request ?? null,
    details: { patientAccountId: appointment.patient?.id ?? null, length: text.length },
  });
}

// ---------------------------------------------------------------------------------------------
// The message log

export const MESSAGE_KIND_WORDS: Record<string, string> = {
  booking_confirmation: "Booking confirmation",
  booking_change: "Visit moved",
  cancellation: "Cancellation",
  request_declined: "Request declined",
  reminder: "Reminder",
  deposit_problem: "Deposit problem",
  youre_next: "You're next",
  clinic_suspended: "Clinic suspended",
  desk_message: "Message from the desk",
};

export interface VisitMessage {
  id: string;
  kind: string;
  kindWords: string;
  channel: MessageChannel;
  /** queued, sent, delivered, failed or skipped. */
  status: string;
  /** When it was queued, sent or delivered: the latest thing that happened to it. */
  at: Date;
  createdAt: Date;
  sentAt: Date | null;
  deliveredAt: Date | null;
  /** Queued for later (quiet hours). */
  sendAfter: Date | null;
  /** Why it failed or was skipped, in words the desk can act on. */
  problem: string | null;
  /** The desk's own words, for a desk message. */
  text: string | null;
}

/** Every message sent about this booking, newest first. */
export async function visitMessages(tx: Tx, clinicId: string, appointmentId: string): Promise<VisitMessage[]> {
  const ids = await bookingRowIds(tx, clinicId, appointmentId);
  if (!ids.length) return [];
  const rows = await tx.messageDelivery.findMany({
    where: { clinicId, appointmentId: { in: ids } },
    orderBy: [{ createdAt: "desc" }, { channel: "asc" }],
    take: 100,
    select: { id: true, kind: true, channel: true, status: true, createdAt: true, sentAt: true, deliveredAt: true, sendAfter: true, error: true, vars: true, updatedAt: true },
  });
  return rows.map((r) => {
    const vars = r.vars && typeof r.vars === "object" && !Array.isArray(r.vars) ? (r.vars as Record<string, unknown>) : {};
    return {
      id: r.id,
      kind: r.kind,
      kindWords: MESSAGE_KIND_WORDS[r.kind] ?? r.kind.replace(/_/g, " "),
      channel: r.channel,
      status: r.status,
      at: r.deliveredAt ?? r.sentAt ?? r.createdAt,
      createdAt: r.createdAt,
      sentAt: r.sentAt,
      deliveredAt: r.deliveredAt,
      sendAfter: r.status === "queued" ? r.sendAfter : null,
      problem: r.status === "failed" || r.status === "skipped" ? (r.error ?? null) : null,
      text: r.kind === "desk_message" && typeof vars.message === "string" ? vars.message : null,
    };
  });
}

// ---------------------------------------------------------------------------------------------
// Sending

const token = z.string().uuid("This form has expired; reload the page and try again.");

export const resendConfirmationForm = z.object({ intent: z.literal("resend-confirmation"), token });

export const deskMessageForm = z.object({
  intent: z.literal("send-message"),
  token,
  channel: z.enum(["preferred", "sms", "email"], { error: "Choose how to send it." }),
  message: z.string().trim().min(2, "Write the message (at least 2 characters).").max(DESK_MESSAGE_MAX, `At most ${DESK_MESSAGE_MAX} characters (about three text messages).`),
});

export type ContactAnswer = { ok: true; message: string } | { ok: false; message: string; field?: string };

/** What the desk is told about a send, from its delivery rows. */
function answerOf(what: string, deliveries: DeliverySummary[], deferredUntil: Date | null, timeZone: string): ContactAnswer {
  if (!deliveries.length) return { ok: false, message: "This visit has no patient account to send to." };
  if (deferredUntil) {
    const when = new Intl.DateTimeFormat("en-GB", { timeZone, weekday: "short", day: "numeric", month: "short", hour: "2-digit", minute: "2-digit" }).format(deferredUntil);
    return { ok: true, message: `${what} is queued: the clinic's quiet hours hold it until ${when}.` };
  }
  const channels = (ds: DeliverySummary[]) => ds.map((d) => (d.channel === "sms" ? "SMS" : "email")).join(" and ");
  const sent = deliveries.filter((d) => d.status === "sent" || d.status === "delivered" || d.status === "queued");
  const failed = deliveries.filter((d) => d.status === "failed");
  if (sent.length) return { ok: true, message: `${what} sent by ${channels(sent)}.${failed.length ? ` The ${channels(failed)} could not be sent.` : ""}` };
  if (failed.length) return { ok: false, message: `${what} could not be sent by ${channels(failed)}. Try again in a moment, or call the patient.` };
  return { ok: false, message: `${what} was not sent: the patient has turned off these messages${deliveries.some((d) => d.channel === "email") ? " or has no email address" : ""}. Call the patient instead.` };
}

async function auditSend(db: ClinicDb, actor: Actor, action: string, appointmentId: string, patientAccountId: string | null, deliveries: DeliverySummary[], extra: Record<string, unknown> = {}) {
  await db.tx((tx) =>
    recordAudit(tx, {
      clinicId: db.clinicId,
      actor: { type: "staff", id: actor.id },
      action,
      target: { type: "appointment", id: appointmentId },
      request: actor.request ?? null,
      details: { patientAccountId, deliveries: deliveries.map((d) => ({ id: d.id, channel: d.channel, status: d.status })), ...extra },
    }),
  );
}

/**
 * Sends the booking confirmation again, on the patient's channels. Only for a confirmed visit that
 * is still ahead: a request is not booked yet, and a past or cancelled visit has nothing to confirm.
 */
export async function resendConfirmation(db: ClinicDb, clinic: ClinicRef, appointmentId: string, formToken: string, actor: Actor, deps: NotifyDeps = {}, now = new Date()): Promise<ContactAnswer> {
  const appointment = await db.tx((tx) => getAppointment(tx, clinic, appointmentId));
  if (appointment.status !== "confirmed" || appointment.start.getTime() <= now.getTime()) {
    throw new ConflictError("Only a confirmed visit that is still ahead has a confirmation to resend.");
  }
  const result = await sendPatientMessage(db, { clinicId: clinic.id, kind: "booking_confirmation", appointmentId: appointment.id, dedupeKey: `desk-resend:${appointment.id}:${formToken}`, now }, deps);
  await auditSend(db, actor, "appointment.confirmation_resent", appointment.id, appointment.patient?.id ?? null, result.deliveries);
  return answerOf("The confirmation", result.deliveries, result.deferredUntil, clinic.timeZone);
}

/** Sends the desk's own words about the visit, by the patient's channels or the one the desk chose. */
export async function sendDeskMessage(db: ClinicDb, clinic: ClinicRef, appointmentId: string, input: z.infer<typeof deskMessageForm>, actor: Actor, deps: NotifyDeps = {}, now = new Date()): Promise<ContactAnswer> {
  const appointment = await db.tx((tx) => getAppointment(tx, clinic, appointmentId));
  // Any visit, cancelled or missed ones too ("please call us to rebook"); not the old half of a move.
  if (!statusIs(appointment.status, "visit")) throw new ConflictError("This visit was moved; write from the new appointment.");
  const result = await sendPatientMessage(
    db,
    {
      clinicId: clinic.id,
      kind: "desk_message",
      appointmentId: appointment.id,
      vars: { message: input.message },
      channel: input.channel === "preferred" ? undefined : input.channel,
      dedupeKey: `desk-message:${appointment.id}:${input.token}`,
      now,
    },
    deps,
  );
  await auditSend(db, actor, "appointment.desk_message_sent", appointment.id, appointment.patient?.id ?? null, result.deliveries, { channel: input.channel, length: input.message.length });
  return answerOf("The message", result.deliveries, result.deferredUntil, clinic.timeZone);
}

// ---------------------------------------------------------------------------------------------
// The visit page's desk part

/** "Tue 8 Dec, 09:30" on the clinic's clock. */
export function shortWhen(at: Date, timeZone: string): string {
  return new Intl.DateTimeFormat("en-GB", { timeZone, weekday: "short", day: "numeric", month: "short", hour: "2-digit", minute: "2-digit" }).format(at);
}

export interface VisitDeskPart {
  alerts: PatientAlert[];
  note: DeskNote | null;
  messages: VisitMessage[];
}

/**
 * The desk's note, the patient's alerts and the message log for one visit. The alerts belong to
 * the account holder's record, so a family member's visit shows none of them.
 */
export async function visitDeskPart(db: ClinicDb, appointment: { id: string; patientAccountId: string | null; forFamilyMember: boolean }): Promise<VisitDeskPart> {
  return db.tx(async (tx) => {
    const alerts = appointment.patientAccountId && !appointment.forFamilyMember ? ((await alertsFor(tx, db.clinicId, [appointment.patientAccountId])).get(appointment.patientAccountId) ?? []) : [];
    const note = await visitDeskNote(tx, db.clinicId, appointment.id);
    const messages = await visitMessages(tx, db.clinicId, appointment.id);
    return { alerts, note, messages };
  });
}
