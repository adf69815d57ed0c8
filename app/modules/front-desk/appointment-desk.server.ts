/**
 * One appointment at the desk: its details and history, and what the desk may do with it —
 * move it to another free time, cancel it with a reason, mark a no-show, approve or decline a
 * request. The rules live in the booking core (scheduling/booking.server.ts): staff may change a
 * visit inside its cancellation window only with a reason, which the core writes to the audit log
 * in the change's own transaction. Opening the page shows a patient's visit, so it is audited.
 */
import { z } from "zod";
import { recordAudit } from "~/modules/audit/audit.server";
import { formatPhone } from "~/lib/phone";
import { markNoShow, waiveVisitDeposit } from "~/modules/clinic/visits-day.server";
import { sendPatientMessage } from "~/modules/messaging/notify.server";
import { depositOf } from "~/modules/payments/deposits.server";
import type { Actor } from "~/lib/actor";
import { CANCELLATION_REASONS, getAppointment, SlotTakenError, type AppointmentRecord } from "~/modules/scheduling/booking.server";
import { cancelAppointment, rescheduleAppointment, transitionAppointment } from "~/modules/scheduling/appointment-changes.server";
import { patientMayChange } from "~/modules/scheduling/policy";
import { alternativeSlots, type ClinicRef } from "~/modules/scheduling/slots.server";
import type { ClinicDb } from "~/utils/db.server";
import { ConflictError, NotFoundError, ValidationError } from "~/utils/errors.server";
import { oneByOne } from "./desk-appointments.server";
import { slotOption, type SlotOption } from "./phone-booking.server";

export interface AppointmentHistoryEntry {
  at: Date;
  from: string | null;
  to: string;
  actorType: string;
  actorName: string | null;
  reason: string | null;
}

export interface DeskAppointmentPage {
  appointment: AppointmentRecord;
  doctorName: string;
  locationName: string;
  roomName: string | null;
  phoneDisplay: string | null;
  history: AppointmentHistoryEntry[];
  deposit: { status: string; amountMinor: number; currency: string; card: string | null; failure: string | null; awaitingCardUntil: Date | null } | null;
  insideWindow: boolean;
}

export async function deskAppointmentPage(db: ClinicDb, clinic: ClinicRef, id: string, actor: Actor, now = new Date()): Promise<DeskAppointmentPage> {
  return db.tx(async (tx) => {
    const appointment = await getAppointment(tx, clinic, id);
    const [doctor, location, room, historyRows, deposit] = await oneByOne([
      () => tx.clinicMembership.findUnique({ where: { clinicId_id: { clinicId: clinic.id, id: appointment.practitionerId } }, select: { staffUser: { select: { name: true } } } }),
      () => tx.location.findUnique({ where: { clinicId_id: { clinicId: clinic.id, id: appointment.locationId } }, select: { name: true } }),
      () => appointment.roomId ? tx.room.findUnique({ where: { clinicId_id: { clinicId: clinic.id, id: appointment.roomId } }, select: { name: true } }) : null,
      () => tx.$queryRaw<{ occurred_at: Date; from_status: string | null; to_status: string; actor_type: string; actor_id: string | null; reason: string | null; staff_name: string | null }[]>`
        SELECT h.occurred_at, h.from_status::text, h.to_status::text, h.actor_type, h.actor_id, h.reason, u.name AS staff_name
          FROM appointment_status_history h
          LEFT JOIN staff_users u ON h.actor_type = 'staff' AND u.id::text = h.actor_id
         WHERE h.clinic_id = ${clinic.id}::uuid AND h.appointment_id IN (${appointment.id}::uuid, ${appointment.rescheduledFromId}::uuid)
         ORDER BY h.occurred_at, h.id`,
      () => depositOf(tx, clinic.id, appointment.id),
    ]);
    await recordAudit(tx, { clinicId: clinic.id, actor: { type: "staff", id: actor.id }, action: "appointment.viewed", target: { type: "appointment", id: appointment.id }, request: actor.request ?? null, details: { patientAccountId: appointment.patient?.id ?? null } });
    return {
      appointment,
      doctorName: doctor?.staffUser.name ?? "Doctor",
      locationName: location?.name ?? "",
      roomName: room?.name ?? null,
      phoneDisplay: appointment.patient?.phone ? formatPhone(appointment.patient.phone) : null,
      history: historyRows.map((h) => ({ at: h.occurred_at, from: h.from_status, to: h.to_status, actorType: h.actor_type, actorName: h.staff_name, reason: h.reason })),
      deposit: deposit ? { status: deposit.status, amountMinor: deposit.amountMinor, currency: deposit.currency, card: deposit.card ? `${deposit.card.brand} •••• ${deposit.card.last4}` : null, failure: deposit.failureMessage ?? null, awaitingCardUntil: deposit.status === "failed" && deposit.failureCode === "no_card" && deposit.captureAt.getTime() > now.getTime() ? deposit.captureAt : null } : null,
      insideWindow: !patientMayChange(appointment.start, appointment.cancellationWindowMin, now),
    };
  });
}

const overrideReason = z.string().trim().max(500).optional();
export const appointmentActionForm = z.discriminatedUnion("intent", [
  z.object({
    intent: z.literal("reschedule"),
    slot: z.string().regex(/^[0-9a-f-]{36}\|\d{4}-\d{2}-\d{2}T[\d:.]+Z$/i, "Choose a new free time."),
    overrideReason,
  }),
  z.object({
    intent: z.literal("cancel"),
    reason: z.enum(CANCELLATION_REASONS, { error: "Choose why the visit is cancelled." }),
    note: z.string().trim().max(500).optional(),
    overrideReason,
  }),
  z.object({ intent: z.literal("no-show") }),
  z.object({ intent: z.literal("approve") }),
  z.object({ intent: z.literal("waive"), reason: z.string().trim().min(3, "Say why the deposit is waived (at least 3 characters).").max(500) }),
  z.object({ intent: z.literal("decline"), reason: z.string().trim().min(3, "Say why the request is declined (at least 3 characters); the patient is told.").max(500) }),
]);
export type AppointmentAction = z.infer<typeof appointmentActionForm>;

export type AppointmentActionAnswer =
  | { ok: true; message: string; appointmentId: string }
  | { ok: false; message: string; field?: string; alternatives?: SlotOption[] };

/** Runs one desk action on an appointment of this clinic; the answer is what the page shows. */
export async function runAppointmentAction(db: ClinicDb, clinic: ClinicRef, id: string, action: AppointmentAction, actor: Actor, doctorNames: Map<string, string>, now = new Date()): Promise<AppointmentActionAnswer> {
  try {
    // Another clinic's id (or none) is not found, whatever the action.
    await db.tx((tx) => getAppointment(tx, clinic, id));
    switch (action.intent) {
      case "reschedule": {
        const [practitionerId, iso] = action.slot.split("|") as [string, string];
        const start = new Date(iso);
        try {
          const moved = await db.tx((tx) => rescheduleAppointment(tx, clinic, { appointmentId: id, start, practitionerId, overrideReason: action.overrideReason || null }, actor, now));
          return { ok: true, message: "Moved to the new time. The patient is told.", appointmentId: moved.id };
        } catch (error) {
          if (!(error instanceof SlotTakenError)) throw error;
          const current = await db.tx((tx) => getAppointment(tx, clinic, id));
          const alternatives = await alternativeSlots(db, clinic, { serviceId: current.serviceId, practitionerId, after: start, audience: "staff" }, 3, now);
          return { ok: false, message: "That time was just taken. Choose one of the next free times.", alternatives: alternatives.map((s) => slotOption(s, clinic, doctorNames)) };
        }
      }
      case "cancel": {
        await db.tx((tx) => cancelAppointment(tx, clinic, { appointmentId: id, reason: action.reason, note: action.note || null, overrideReason: action.overrideReason || null }, actor, now));
        return { ok: true, message: "Cancelled. The patient is told, and the time is free again.", appointmentId: id };
      }
      case "no-show": {
        const answer = await markNoShow(db, clinic, id, actor, now);
        return answer.ok ? { ok: true, message: answer.message, appointmentId: id } : { ok: false, message: answer.message };
      }
      case "waive": {
        const answer = await waiveVisitDeposit(db, clinic, id, action.reason, actor);
        return answer.ok ? { ok: true, message: answer.message, appointmentId: id } : { ok: false, message: answer.message };
      }
      case "approve": {
        await db.tx((tx) => transitionAppointment(tx, clinic, { appointmentId: id, transition: "confirm" }, actor, now));
        return { ok: true, message: "Approved. The patient gets the confirmation.", appointmentId: id };
      }
      case "decline": {
        await db.tx((tx) => transitionAppointment(tx, clinic, { appointmentId: id, transition: "decline", reason: action.reason }, actor, now));
        await tellPatientDeclined(db, clinic, id, action.reason, now);
        return { ok: true, message: "Declined. The patient is told why.", appointmentId: id };
      }
    }
  } catch (error) {
    if (error instanceof ValidationError) return { ok: false, message: error.message, field: error.errors[0]?.path };
    if (error instanceof NotFoundError) throw new Response("Not found", { status: 404 });
    if (error instanceof ConflictError) return { ok: false, message: error.message };
    throw error;
  }
}

/** A declined request was never booked: the patient gets its own message, with the desk's reason. */
async function tellPatientDeclined(db: ClinicDb, clinic: ClinicRef, appointmentId: string, reason: string, now: Date) {
  // The reason is a sentence in the message: it ends like one.
  const sentence = /[.!?]$/.test(reason.trim()) ? reason.trim() : `${reason.trim()}.`;
  await sendPatientMessage(db, { clinicId: clinic.id, kind: "request_declined", appointmentId, vars: { reason: sentence }, dedupeKey: `declined:${appointmentId}`, now });
}

/**
 * The booking a code names (what a patient reads out on the phone), as its current row: the one a
 * move left it on. Null when the clinic has no booking with that code.
 */
export async function findByBookingCode(db: ClinicDb, code: string): Promise<{ id: string } | null> {
  return await db.tx((tx) =>
    tx.appointment.findFirst({
      where: { clinicId: db.clinicId, bookingCode: code, status: { notIn: ["rescheduled", "hold_expired", "hold_released", "held"] } },
      select: { id: true },
    }),
  );
}
