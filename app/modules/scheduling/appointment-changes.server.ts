/**
 * Changes to a booked appointment: cancelling, moving and the visit-day steps (confirm, decline,
 * check in, start, complete, no-show). Each takes the caller's transaction, so the change, its
 * status history, audit entry, outbox event, the deposit carried over and the freed time offered to
 * the waiting list commit together or not at all.
 */
import { Prisma } from "~/generated/prisma/client";
import type { AppointmentStatus, CancellationReason } from "~/generated/prisma/enums";
import type { Tx } from "~/utils/db.server";
import { ForbiddenError, NotFoundError, ValidationError } from "~/utils/errors.server";
import { carryDepositOver } from "../payments/deposits.server";
import { actorLabel, type Actor } from "~/lib/actor";
import { statusIs } from "~/lib/appointment-status";
import { toOffsetIso } from "~/lib/zoned-time";
import { blockedSpan, claiming, recordChange, resolveSlot, selectRows, toRecord, type AppointmentRecord } from "./booking.server";
import { offerFreedTime } from "./flexible-requests.server";
import { patientMayChange } from "./policy";
import { isUuid } from "./schedule-data.server";
import type { ClinicRef } from "./slots.server";

async function lockAppointment(tx: Tx, clinic: ClinicRef, id: string): Promise<AppointmentRecord> {
  const row = isUuid(id) ? (await selectRows(tx, clinic.id, Prisma.sql`a.id = ${id}::uuid AND a.status NOT IN ('held', 'hold_expired', 'hold_released')`, { lock: true }))[0] : undefined;
  if (!row) throw new NotFoundError("There is no appointment with this id at this clinic.");
  return toRecord(row);
}

/**
 * Patients change their own appointments and only before the deadline. Staff and the clinic's
 * software may change any appointment of the clinic; inside the window they must give a reason,
 * which goes to the audit log.
 */
function authorizeChange(clinic: ClinicRef, appointment: AppointmentRecord, actor: Actor, overrideReason: string | null | undefined, now: Date, what: "cancel" | "move"): { override: boolean } {
  if (actor.type === "patient") {
    if (appointment.patient?.id !== actor.id) throw new NotFoundError("There is no appointment with this id at this clinic.");
    if (!patientMayChange(appointment.start, appointment.cancellationWindowMin, now)) {
      throw new ValidationError(
        `It is too late to ${what} this appointment online: changes were possible until ${toOffsetIso(appointment.cancellationDeadline, clinic.timeZone)} (${clinic.timeZone} time). Please call the clinic.`,
        [{ path: "start", message: "is inside the cancellation window" }],
      );
    }
    return { override: false };
  }
  if (patientMayChange(appointment.start, appointment.cancellationWindowMin, now)) return { override: false };
  if (!overrideReason?.trim()) {
    throw new ValidationError(`This appointment is inside its cancellation window; to ${what} it anyway, give a reason (it is recorded in the audit log).`, [
      { path: "overrideReason", message: "is required inside the cancellation window" },
    ]);
  }
  return { override: true };
}

/**
 * A freed time goes to the oldest matching flexible-schedule request, in the same transaction: the
 * offer (and its event) exists exactly when the cancellation does.
 */
async function offerToWaitlist(tx: Tx, clinic: ClinicRef, freed: AppointmentRecord, now: Date) {
  await offerFreedTime(tx, clinic, { serviceId: freed.serviceId, practitionerId: freed.practitionerId, locationId: freed.locationId, start: freed.start, end: freed.end }, now);
}


export interface CancelRequest {
  appointmentId: string;
  reason: CancellationReason;
  note?: string | null;
  overrideReason?: string | null;
}

export async function cancelAppointment(tx: Tx, clinic: ClinicRef, req: CancelRequest, actor: Actor, now = new Date()): Promise<AppointmentRecord> {
  const appointment = await lockAppointment(tx, clinic, req.appointmentId);
  if (!statusIs(appointment.status, "changeable")) {
    throw new ValidationError(`This appointment is ${appointment.status.replace("_", " ")} and can no longer be cancelled.`, [{ path: "status", message: `is ${appointment.status}` }]);
  }
  const { override } = authorizeChange(clinic, appointment, actor, req.overrideReason, now, "cancel");
  await tx.appointment.update({
    where: { clinicId_id: { clinicId: clinic.id, id: appointment.id } },
    data: { status: "cancelled", cancellationReason: req.reason, cancellationNote: req.note ?? null, cancelledAt: now, cancelledBy: actorLabel(actor) },
  });
  const cancelled = await recordChange(
    tx,
    clinic,
    {
      appointmentId: appointment.id,
      from: appointment.status,
      to: "cancelled",
      reason: override ? req.overrideReason : req.reason,
      event: "appointment.cancelled",
      audit: override ? "appointment.cancelled_with_override" : "appointment.cancelled",
      auditDetails: { cancellationReason: req.reason, insideWindow: override, deadline: appointment.cancellationDeadline.toISOString() },
    },
    actor,
  );
  await offerToWaitlist(tx, clinic, appointment, now);
  return cancelled;
}

export interface RescheduleRequest {
  appointmentId: string;
  start: Date;
  practitionerId?: string | null;
  locationId?: string | null;
  overrideReason?: string | null;
}

/**
 * Moves an appointment: the old one becomes `rescheduled` (linked to the new one) and a new one is
 * created, in one transaction. The old time is set aside first so a move by fifteen minutes does
 * not collide with itself; if the new time is taken the transaction aborts and nothing changed.
 */
export async function rescheduleAppointment(tx: Tx, clinic: ClinicRef, req: RescheduleRequest, actor: Actor, now = new Date()): Promise<AppointmentRecord> {
  const old = await lockAppointment(tx, clinic, req.appointmentId);
  if (!statusIs(old.status, "changeable")) {
    throw new ValidationError(`This appointment is ${old.status.replace("_", " ")} and can no longer be moved.`, [{ path: "status", message: `is ${old.status}` }]);
  }
  const { override } = authorizeChange(clinic, old, actor, req.overrideReason, now, "move");
  // The external reference follows the visit to its new row (it is unique per clinic).
  await tx.appointment.update({ where: { clinicId_id: { clinicId: clinic.id, id: old.id } }, data: { status: "rescheduled", externalRef: null } });

  const channel = old.channel;
  const { slot, data } = await resolveSlot(
    tx,
    clinic,
    { serviceId: old.serviceId, practitionerId: req.practitionerId ?? old.practitionerId, start: req.start, locationId: req.locationId ?? null },
    actor.type === "patient" ? "public" : "staff",
    now,
    "move",
  );
  const created = await claiming(() =>
    tx.appointment.create({
      data: {
        clinicId: clinic.id,
        serviceId: old.serviceId,
        doctorId: slot.doctorId,
        locationId: slot.locationId,
        roomId: slot.roomId,
        patientAccountId: old.patient?.id ?? null,
        dependentId: old.dependent?.id ?? null,
        status: old.status,
        startsAt: slot.start,
        endsAt: slot.end,
        ...blockedSpan(slot, data),
        channel,
        // The deposit and price agreed at booking carry over to the new time.
        paymentStatus: old.paymentStatus as Prisma.AppointmentCreateInput["paymentStatus"],
        priceMinor: old.priceMinor,
        depositMinor: old.depositMinor,
        currency: old.currency,
        cancellationWindowMin: old.cancellationWindowMin,
        patientNote: old.note,
        visitReason: old.visitReason,
        externalRef: old.externalRef,
        // The booking keeps its code (and so its calendar event) at the new time.
        bookingCode: old.bookingCode,
        rescheduledFromId: old.id,
        createdBy: actorLabel(actor),
      },
      select: { id: true },
    }),
  );
  await tx.appointment.update({ where: { clinicId_id: { clinicId: clinic.id, id: old.id } }, data: { rescheduledToId: created.id } });
  await carryDepositOver(tx, clinic.id, { fromAppointmentId: old.id, toAppointmentId: created.id, start: slot.start, cancellationWindowMin: old.cancellationWindowMin }, actor, now);
  await tx.appointmentStatusChange.create({
    data: { clinicId: clinic.id, appointmentId: old.id, fromStatus: old.status, toStatus: "rescheduled", actorType: actor.type, actorId: actor.id, reason: override ? req.overrideReason : null },
  });
  const moved = await recordChange(
    tx,
    clinic,
    {
      appointmentId: created.id,
      from: null,
      to: old.status,
      reason: override ? req.overrideReason : null,
      event: "appointment.rescheduled",
      audit: override ? "appointment.rescheduled_with_override" : "appointment.rescheduled",
      auditDetails: { previousAppointmentId: old.id, previousStart: old.start.toISOString(), insideWindow: override },
    },
    actor,
  );
  await offerToWaitlist(tx, clinic, old, now);
  return moved;
}

/** The visit-day and approval transitions, with what each may follow. */
const TRANSITIONS = {
  confirm: { from: ["requested"], to: "confirmed", event: "appointment.confirmed" },
  decline: { from: ["requested"], to: "declined", event: "appointment.declined" },
  check_in: { from: ["confirmed"], to: "checked_in", event: "appointment.checked_in" },
  start: { from: ["checked_in"], to: "in_consultation", event: "appointment.started" },
  complete: { from: ["checked_in", "in_consultation"], to: "completed", event: "appointment.completed" },
  no_show: { from: ["confirmed"], to: "no_show", event: "appointment.no_show" },
} as const satisfies Record<string, { from: readonly AppointmentStatus[]; to: AppointmentStatus; event: string }>;

export type AppointmentTransition = keyof typeof TRANSITIONS;

/** Staff (or the clinic's software) move an appointment along its day; patients cannot. */
export async function transitionAppointment(
  tx: Tx,
  clinic: ClinicRef,
  req: { appointmentId: string; transition: AppointmentTransition; reason?: string | null },
  actor: Actor,
  now = new Date(),
): Promise<AppointmentRecord> {
  if (actor.type === "patient") throw new ForbiddenError("Only the clinic can change this.");
  const appointment = await lockAppointment(tx, clinic, req.appointmentId);
  const t = TRANSITIONS[req.transition];
  if (!(t.from as readonly AppointmentStatus[]).includes(appointment.status)) {
    throw new ValidationError(`An appointment that is ${appointment.status.replace("_", " ")} cannot be ${t.to.replace("_", " ")}.`, [{ path: "status", message: `is ${appointment.status}` }]);
  }
  if (req.transition === "no_show" && now.getTime() < appointment.start.getTime()) {
    throw new ValidationError("A patient can be marked as a no-show only after the appointment's start time.", [{ path: "status", message: "the visit has not started yet" }]);
  }
  if (req.transition === "decline" && !req.reason?.trim()) {
    throw new ValidationError("Say why the request is declined; the patient is told.", [{ path: "reason", message: "is required" }]);
  }
  await tx.appointment.update({ where: { clinicId_id: { clinicId: clinic.id, id: appointment.id } }, data: { status: t.to } });
  const changed = await recordChange(tx, clinic, { appointmentId: appointment.id, from: appointment.status, to: t.to, reason: req.reason ?? null, event: t.event, audit: `appointment.${t.to}` }, actor);
  if (req.transition === "decline") await offerToWaitlist(tx, clinic, appointment, now);
  return changed;
}
