/**
 * Moving one of the patient's own visits to another time, from the account: same service and
 * location, the same doctor or any doctor who offers it. The steps are the booking flow's (month
 * calendar, that day's times, a 10-minute hold tied to this browser), then a review of old against
 * new, then one transaction: the hold is let go and `rescheduleAppointment` moves the visit (the old
 * row becomes `rescheduled`, linked to the new one). If anything fails inside it, nothing changed.
 */
import { z } from "zod";
import { type ChangeQuery } from "./change-links";
import type { AuditRequestContext } from "~/modules/audit/audit.server";
import { loadBookingCatalog, type BookingDoctor } from "~/modules/booking-flow/catalog.server";
import { bookingStep, holdTime, policyText, type BookingStep } from "~/modules/booking-flow/flow.server";
import { formatDateTime, formatDuration } from "~/lib/format";
import type { Actor } from "~/lib/actor";
import { findHold, releaseHold, SlotTakenError, type AppointmentRecord } from "~/modules/scheduling/booking.server";
import { rescheduleAppointment } from "~/modules/scheduling/appointment-changes.server";
import { utcToZoned } from "~/lib/zoned-time";
import type { ClinicDb } from "~/utils/db.server";
import { ConflictError, NotFoundError, ValidationError } from "~/utils/errors.server";
import { appointmentPage, changeState, ownAppointment, type AppointmentPage } from "./appointment-page.server";
import type { AccountClinic } from "./appointments.server";

const id = z.string().regex(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i);

export const holdChangeForm = z.object({
  intent: z.literal("hold"),
  start: z.iso.datetime({ offset: true }),
  practitioner: id,
});

export const confirmChangeForm = z.object({
  intent: z.literal("confirm"),
  hold: id,
});

export interface ChangeReview {
  holdId: string;
  oldWhen: string;
  newWhen: string;
  oldDoctor: string;
  newDoctor: string;
  duration: string;
  /** The new visit's policy and deadline (the window carries over from the booking). */
  newPolicy: string;
  /** Seconds until the hold on the new time runs out, for the page's live countdown. */
  secondsLeft: number;
}

export type ChangeView =
  | { kind: "not-found" }
  | { kind: "closed"; visit: AppointmentPage; reason: string }
  | { kind: "unavailable"; visit: AppointmentPage }
  | { kind: "steps"; visit: AppointmentPage; doctor: "any" | string; sameDoctor: BookingDoctor | null; step: Extract<BookingStep, { step: "day" | "time" }> }
  | { kind: "review"; visit: AppointmentPage; review: ChangeReview; doctor: "any" | string; day: string };

/**
 * What the change page shows for this step. The view of the visit is audited like the appointment
 * page; the steps read only the clinic's free times.
 */
export async function changeView(db: ClinicDb, clinic: AccountClinic, patientAccountId: string, appointmentId: string, q: ChangeQuery, heldBy: string | null, audit: AuditRequestContext | null, now = new Date()): Promise<ChangeView> {
  const visit = await appointmentPage(db, clinic, patientAccountId, appointmentId, audit, { action: "patient.appointment_change_viewed", now });
  if (!visit) return { kind: "not-found" };
  const record = await db.tx((tx) => ownAppointment(tx, clinic, patientAccountId, appointmentId));
  if (!record) return { kind: "not-found" };
  if (!visit.canChange) {
    return { kind: "closed", visit, reason: visit.tooLate ?? `This visit is ${visit.status.toLowerCase()}, so it can no longer be changed online.` };
  }
  const doctor = q.doctor ?? record.practitionerId;

  if (q.hold && heldBy) {
    const review = await reviewChange(db, clinic, record, q.hold, heldBy, now);
    if (review) return { kind: "review", visit, review, doctor, day: q.day ?? "" };
  }

  // The calendar opens on the month of the visit: most moves are by a few days.
  const month = q.month ?? (q.day ? undefined : utcToZoned(record.start, clinic.timeZone).date.slice(0, 7));
  const step = await bookingStep(db, clinic, { service: record.serviceId, location: record.locationId, doctor, month, day: q.day }, now);
  if ("redirect" in step) {
    // The doctor no longer takes this visit: any doctor still might.
    if (doctor !== "any") return changeView(db, clinic, patientAccountId, appointmentId, { ...q, doctor: "any" }, heldBy, null, now);
    return { kind: "unavailable", visit };
  }
  if (step.step !== "day" && step.step !== "time") return { kind: "unavailable", visit };
  const catalog = await loadBookingCatalog(db);
  const sameDoctor = catalog.doctors.find((d) => d.id === record.practitionerId) ?? null;
  return { kind: "steps", visit, doctor, sameDoctor, step };
}

async function reviewChange(db: ClinicDb, clinic: AccountClinic, visit: AppointmentRecord, holdId: string, heldBy: string, now: Date): Promise<ChangeReview | null> {
  const hold = await db.tx((tx) => findHold(tx, clinic, holdId, heldBy, now));
  if (!hold?.holdExpiresAt || hold.serviceId !== visit.serviceId || hold.locationId !== visit.locationId) return null;
  const catalog = await loadBookingCatalog(db);
  const doctorName = (doctorId: string) => catalog.doctors.find((d) => d.id === doctorId)?.name ?? "Your doctor";
  // The window agreed at booking goes with the visit to its new time.
  const newDeadline = new Date(hold.start.getTime() - visit.cancellationWindowMin * 60_000);
  return {
    holdId: hold.id,
    oldWhen: formatDateTime(visit.start, clinic.timeZone),
    newWhen: formatDateTime(hold.start, clinic.timeZone),
    oldDoctor: doctorName(visit.practitionerId),
    newDoctor: doctorName(hold.practitionerId),
    duration: formatDuration(Math.round((hold.end.getTime() - hold.start.getTime()) / 60_000)),
    newPolicy: policyText(newDeadline, visit.cancellationWindowMin, clinic.timeZone, now),
    secondsLeft: Math.max(0, Math.floor((hold.holdExpiresAt.getTime() - now.getTime()) / 1000)),
  };
}

export type HoldChangeAnswer = { ok: true; holdId: string } | { ok: false; reason: "not-found" | "closed" | "taken" | "invalid" };

/** Holds the new time for this browser while the patient reviews the change. */
export async function holdChangeTime(
  db: ClinicDb,
  clinic: AccountClinic,
  patientAccountId: string,
  appointmentId: string,
  req: { doctor: "any" | string; practitionerId: string; start: Date; heldBy: string },
  now = new Date(),
): Promise<HoldChangeAnswer> {
  const record = await db.tx((tx) => ownAppointment(tx, clinic, patientAccountId, appointmentId));
  if (!record) return { ok: false, reason: "not-found" };
  if (!changeState(record, clinic, now).canChange) return { ok: false, reason: "closed" };
  if (req.doctor !== "any" && req.doctor !== req.practitionerId) return { ok: false, reason: "invalid" };
  const held = await holdTime(db, clinic, { serviceId: record.serviceId, locationId: record.locationId, practitionerId: req.practitionerId, start: req.start, heldBy: req.heldBy }, { type: "patient", id: patientAccountId }, now);
  if (held.ok) return held;
  return { ok: false, reason: held.message.startsWith("Sorry") ? "taken" : "invalid" };
}

export type ConfirmChangeAnswer =
  | { ok: true; appointmentId: string }
  | { ok: false; reason: "not-found" }
  | { ok: false; reason: "closed"; message: string }
  | { ok: false; reason: "expired" | "taken" | "invalid" };

/**
 * Moves the visit to the held time, in one transaction: the hold is checked (this browser's, not
 * expired, same service and location), released, and the visit rescheduled onto its time. The
 * booking core checks the deadline again under the row lock, which decides a race at the deadline.
 */
export async function confirmChange(db: ClinicDb, clinic: AccountClinic, patientAccountId: string, appointmentId: string, holdId: string, heldBy: string, audit: AuditRequestContext | null, now = new Date()): Promise<ConfirmChangeAnswer> {
  const actor: Actor = { type: "patient", id: patientAccountId, request: audit };
  try {
    return await db.tx(async (tx): Promise<ConfirmChangeAnswer> => {
      const visit = await ownAppointment(tx, clinic, patientAccountId, appointmentId);
      if (!visit) return { ok: false, reason: "not-found" };
      const state = changeState(visit, clinic, now);
      if (!state.canChange) return { ok: false, reason: "closed", message: state.tooLate ?? "This visit can no longer be changed online." };
      const hold = await findHold(tx, clinic, holdId, heldBy, now);
      if (!hold || hold.serviceId !== visit.serviceId || hold.locationId !== visit.locationId) return { ok: false, reason: "expired" };
      await releaseHold(tx, clinic, hold.id, heldBy, actor);
      const moved = await rescheduleAppointment(tx, clinic, { appointmentId: visit.id, start: hold.start, practitionerId: hold.practitionerId, locationId: hold.locationId }, actor, now);
      return { ok: true, appointmentId: moved.id };
    });
  } catch (error) {
    if (error instanceof SlotTakenError || error instanceof ConflictError) return { ok: false, reason: "taken" };
    if (error instanceof NotFoundError) return { ok: false, reason: "not-found" };
    if (error instanceof ValidationError) {
      if (/too late/i.test(error.detail)) {
        const visit = await db.tx((tx) => ownAppointment(tx, clinic, patientAccountId, appointmentId));
        const state = visit ? changeState(visit, clinic, now) : null;
        return { ok: false, reason: "closed", message: state?.tooLate ?? error.detail };
      }
      return { ok: false, reason: "invalid" };
    }
    throw error;
  }
}
