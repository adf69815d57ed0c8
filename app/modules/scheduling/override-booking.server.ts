/**
 * Bookings the ordinary slot rules do not offer, made by the clinic on purpose: a walk-in (the
 * patient is at the desk, so minimum notice and the booking grid do not apply; the visit starts on
 * the next five-minute mark) and an override (outside the doctor's hours, or squeezed in over
 * another visit of the same doctor) with a reason, which the caller lets only an allowed role make.
 *
 * What never changes: the database's exclusion constraints. An override row relaxes only the doctor
 * rule and only when it is marked `double_book`; the room rule, the same doctor at another clinic
 * and the same patient at another clinic still refuse an overlap (see the series_and_overrides
 * migration). So this module picks a free room itself and lets the constraints have the last word.
 */
import { Prisma } from "~/generated/prisma/client";
import type { AppointmentStatus } from "~/generated/prisma/enums";
import { isExclusionViolation, sqlStateOf } from "~/utils/db-errors.server";
import type { Tx } from "~/utils/db.server";
import { ConflictError, ValidationError } from "~/utils/errors.server";
import { actorLabel, type Actor } from "~/lib/actor";
import { formatTime } from "~/lib/format";
import { blockedSpan, ClinicNotTakingBookingsError, recordChange, SlotTakenError, type AppointmentRecord, type PatientRef } from "./booking.server";
import { quoteAt } from "./discounts";
import { ACTIVE_STATUSES, isUuid, loadScheduleData, prismaQuery, type ScheduleData } from "./schedule-data.server";
import type { Slot } from "./slot-engine";
import { bookableFor, slotsFrom, type ClinicRef } from "./slots.server";

export const OVERRIDE_KINDS = ["outside_hours", "double_book"] as const;
export type OverrideKind = (typeof OVERRIDE_KINDS)[number];

export const OVERRIDE_WORDS: Record<OverrideKind, string> = {
  outside_hours: "Booked outside the schedule",
  double_book: "Double-booked on purpose",
};

/** Walk-ins start on the next five-minute mark of the clock. */
export const WALK_IN_STEP_MIN = 5;

export function walkInStart(now: Date): Date {
  const step = WALK_IN_STEP_MIN * 60_000;
  return new Date(Math.ceil(now.getTime() / step) * step);
}

/** The room the visit needs has no free room of its type then. */
export class RoomTakenError extends ConflictError {
  constructor(detail = "No room of the type this service needs is free at that time, so the visit cannot be squeezed in there.") {
    super(detail);
  }
}

/** The patient is booked elsewhere then (at this clinic, or at another one: which, is not said). */
export class PatientBusyError extends ConflictError {
  constructor(detail = "The patient already has a booking at that time, so the visit cannot be squeezed in then.") {
    super(detail);
  }
}

export interface OutsideScheduleRequest {
  serviceId: string;
  practitionerId: string;
  locationId: string;
  start: Date;
  patient: PatientRef;
  /** Book outside the schedule when the time needs it (the caller has checked the role); the reason is kept. */
  override: { reason: string } | null;
  /** A walk-in: minimum notice and the booking grid do not apply; confirmed at once, no deposit. */
  walkIn?: boolean;
}

export interface OutsideScheduleBooking {
  appointment: AppointmentRecord;
  overrideKind: OverrideKind | null;
  /** The doctor's visits the new one overlaps (a double booking). */
  overlaps: { id: string; start: Date; end: Date; serviceName: string }[];
}

/** What the time is for this doctor: free by the rules, or what an override would have to be. */
export interface TimeVerdict {
  slot: Slot | null;
  kind: OverrideKind | null;
  overlaps: OutsideScheduleBooking["overlaps"];
  data: ScheduleData;
}

const asMinuteWindow = (start: Date) => ({ from: start, to: new Date(start.getTime() + 60_000) });

/**
 * Reads the schedule around `start` and says whether the time is free by the rules (strict, or as
 * a walk-in) or, if not, which kind of override it would take. Reads only.
 */
export async function judgeTime(tx: Tx, clinic: ClinicRef, req: Omit<OutsideScheduleRequest, "patient" | "override">, now: Date): Promise<TimeVerdict> {
  if (!isUuid(req.serviceId)) throw new ValidationError("Choose a service of this clinic.", [{ path: "serviceId", message: "is not a service of this clinic" }]);
  if (!isUuid(req.practitionerId)) throw new ValidationError("Choose a doctor of this clinic.", [{ path: "practitionerId", message: "is not a doctor of this clinic" }]);
  if (!isUuid(req.locationId)) throw new ValidationError("Choose a location of this clinic.", [{ path: "locationId", message: "is not a location of this clinic" }]);
  if (Number.isNaN(req.start.getTime())) throw new ValidationError("Choose a time.", [{ path: "start", message: "is not a time" }]);
  if (req.start.getTime() < now.getTime() - 60_000) throw new ValidationError("This time is in the past.", [{ path: "start", message: "must be in the future" }]);
  const service = await tx.service.findUnique({ where: { clinicId_id: { clinicId: clinic.id, id: req.serviceId } }, select: { minNoticeMin: true } });
  if (!service) throw new ValidationError("Choose a service of this clinic.", [{ path: "serviceId", message: "is not a service of this clinic" }]);
  // The schedule read is clamped to the minimum notice; read from "notice before the start" so the
  // busy time right now is in it too.
  const readNow = new Date(Math.min(now.getTime(), req.start.getTime() - service.minNoticeMin * 60_000));
  const loaded = await loadScheduleData(prismaQuery(tx), clinic.id, { serviceId: req.serviceId, practitionerId: req.practitionerId, locationId: req.locationId, now: readNow, ...asMinuteWindow(req.start) });
  if (loaded?.clinicStatus === "suspended") throw new ClinicNotTakingBookingsError();
  if (!loaded || !bookableFor(loaded, "staff")) throw new ValidationError("This service cannot be booked.", [{ path: "serviceId", message: "is not bookable" }]);
  // Holds that ran out between the shifted read and now block nobody.
  const expired = loaded.holds.filter((h) => h.expiresAt <= now.getTime());
  const data: ScheduleData = expired.length
    ? { ...loaded, busy: loaded.busy.filter((b) => !expired.some((h) => Math.floor(b.start.getTime() / 60_000) === h.fromMin && Math.ceil(b.end.getTime() / 60_000) === h.toMin)) }
    : loaded;
  if (!data.service.eligibleDoctorIds.includes(req.practitionerId)) throw new ValidationError("This doctor does not offer this service.", [{ path: "practitionerId", message: "does not offer this service" }]);
  if (!data.locations.some((l) => l.id === req.locationId)) throw new ValidationError("This service is not offered at this location.", [{ path: "locationId", message: "does not offer this service" }]);

  const search = { ...asMinuteWindow(req.start), practitionerId: req.practitionerId, locationId: req.locationId };
  const match = (slots: Slot[]) => slots.find((s) => s.start.getTime() === req.start.getTime()) ?? null;
  let slot = match(slotsFrom(data, clinic, search, now));
  if (!slot && req.walkIn) slot = match(slotsFrom({ ...data, service: { ...data.service, minNoticeMin: 0, startGridMin: WALK_IN_STEP_MIN } }, clinic, search, now));
  if (slot) return { slot, kind: null, overlaps: [], data };

  const end = new Date(req.start.getTime() + data.service.durationMin * 60_000);
  const { blockedFrom, blockedTo } = blockedSpan({ start: req.start, end, doctorId: req.practitionerId, locationId: req.locationId, roomId: null }, data);
  const overlaps = await tx.$queryRaw<{ id: string; starts_at: Date; ends_at: Date; service_name: string }[]>`
    SELECT a.id::text, a.starts_at, a.ends_at, s.name AS service_name
      FROM appointments a JOIN services s ON s.clinic_id = a.clinic_id AND s.id = a.service_id
     WHERE a.clinic_id = ${clinic.id}::uuid AND a.doctor_id = ${req.practitionerId}::uuid
       AND a.status::text IN (${Prisma.join(ACTIVE_STATUSES.filter((s) => s !== "held"))})
       AND a.blocked_from < ${blockedTo} AND a.blocked_to > ${blockedFrom}
     ORDER BY a.starts_at`;
  const blocks = await tx.$queryRaw<{ n: number }[]>`
    SELECT count(*)::int AS n FROM busy_blocks b
     WHERE b.clinic_id = ${clinic.id}::uuid AND b.doctor_id = ${req.practitionerId}::uuid AND b.starts_at < ${blockedTo} AND b.ends_at > ${blockedFrom}`;
  const busy = overlaps.length > 0 || (blocks[0]?.n ?? 0) > 0;
  return { slot: null, kind: busy ? "double_book" : "outside_hours", overlaps: overlaps.map((o) => ({ id: o.id, start: o.starts_at, end: o.ends_at, serviceName: o.service_name })), data };
}

/** The first free room of the type the service needs at the location (none needed: null). */
function freeRoom(data: ScheduleData, locationId: string, blockedFrom: Date, blockedTo: Date): string | null | undefined {
  if (!data.service.roomType) return null;
  const rooms = data.rooms.filter((r) => r.locationId === locationId && r.type === data.service.roomType).sort((a, b) => (a.id < b.id ? -1 : 1));
  const room = rooms.find((r) => !data.busy.some((b) => b.roomId === r.id && b.start.getTime() < blockedTo.getTime() && b.end.getTime() > blockedFrom.getTime()));
  return room?.id;
}

/** The name of the exclusion constraint an error reports, if any. */
function violatedConstraint(error: unknown): string | null {
  const seen = new Set<unknown>();
  const visit = (e: unknown): string | null => {
    if (!e || typeof e !== "object" || seen.has(e)) return null;
    seen.add(e);
    const o = e as Record<string, unknown>;
    if (typeof o.constraint === "string") return o.constraint;
    return visit(o.meta) ?? visit(o.cause) ?? visit(o.driverAdapterError);
  };
  const found = visit(error);
  if (found) return found;
  const text = error instanceof Error ? error.message : String(error);
  return /appointments_no_[a-z_]+/.exec(text)?.[0] ?? null;
}

async function claimingOutside<T>(write: () => Promise<T>): Promise<T> {
  try {
    return await write();
  } catch (error) {
    if (isExclusionViolation(error)) {
      const name = violatedConstraint(error) ?? "";
      if (name.startsWith("appointments_no_room")) throw new RoomTakenError();
      if (name.startsWith("appointments_no_override_patient")) throw new PatientBusyError();
      throw new SlotTakenError();
    }
    if (sqlStateOf(error) === "40P01") throw new SlotTakenError();
    throw error;
  }
}

/**
 * Books a walk-in or an override in the caller's transaction: the appointment, its history row,
 * outbox event and audit entry (with the override's kind and reason) commit together.
 */
export async function bookOutsideSchedule(tx: Tx, clinic: ClinicRef, req: OutsideScheduleRequest, actor: Actor, now = new Date()): Promise<OutsideScheduleBooking> {
  if (actor.type !== "staff") throw new ValidationError("Only the clinic's staff can book outside the schedule.", [{ path: "actor", message: "is not staff" }]);
  const reason = req.override?.reason.trim() ?? "";
  if (req.override && (reason.length < 3 || reason.length > 500)) throw new ValidationError("Say why this visit is booked outside the schedule (3 to 500 characters); it is kept with the visit.", [{ path: "reason", message: "is required" }]);
  if (!isUuid(req.patient.patientAccountId) || (req.patient.dependentId && !isUuid(req.patient.dependentId))) throw new ValidationError("Choose the patient first.", [{ path: "patient", message: "is not a patient of this clinic" }]);
  const verdict = await judgeTime(tx, clinic, req, now);
  if (verdict.kind && !req.override) {
    throw new ValidationError(
      verdict.kind === "double_book" ? "The doctor is busy at that time." : "That time is outside the doctor's schedule.",
      [{ path: "start", message: verdict.kind === "double_book" ? "is taken" : "is outside the schedule" }],
    );
  }
  const { data } = verdict;
  const start = req.start;
  const end = new Date(start.getTime() + data.service.durationMin * 60_000);
  const { blockedFrom, blockedTo } = blockedSpan({ start, end, doctorId: req.practitionerId, locationId: req.locationId, roomId: null }, data);
  const roomId = verdict.slot ? verdict.slot.roomId : freeRoom(data, req.locationId, blockedFrom, blockedTo);
  if (roomId === undefined) throw new RoomTakenError();

  const person = req.patient;
  const [known] = await tx.$queryRaw<{ known: boolean; family: boolean }[]>`
    SELECT EXISTS (SELECT 1 FROM clinic_patients cp WHERE cp.clinic_id = ${clinic.id}::uuid AND cp.patient_account_id = ${person.patientAccountId}::uuid AND cp.merged_into_patient_account_id IS NULL) AS known,
           ${person.dependentId ?? null}::uuid IS NULL OR EXISTS (
             SELECT 1 FROM dependents d JOIN clinic_family_members f ON f.clinic_id = ${clinic.id}::uuid AND f.dependent_id = d.id
              WHERE d.id = ${person.dependentId ?? null}::uuid AND d.patient_account_id = ${person.patientAccountId}::uuid AND d.removed_at IS NULL) AS family`;
  if (!known?.known) throw new ValidationError("There is no such patient at this clinic.", [{ path: "patient", message: "is not a patient of this clinic" }]);
  if (!known.family) throw new ValidationError("This family member is not on the patient's account.", [{ path: "dependentId", message: "is not a dependent of this patient" }]);
  if (verdict.kind) {
    // At this clinic the desk is told exactly what is in the way; another clinic's booking only refuses (the constraint).
    const own = await tx.$queryRaw<{ starts_at: Date; service_name: string }[]>`
      SELECT a.starts_at, s.name AS service_name FROM appointments a JOIN services s ON s.clinic_id = a.clinic_id AND s.id = a.service_id
       WHERE a.clinic_id = ${clinic.id}::uuid AND a.patient_account_id = ${person.patientAccountId}::uuid
         AND a.dependent_id IS NOT DISTINCT FROM ${person.dependentId ?? null}::uuid
         AND a.status::text IN (${Prisma.join(ACTIVE_STATUSES.filter((s) => s !== "held"))})
         AND a.blocked_from < ${blockedTo} AND a.blocked_to > ${blockedFrom}
       LIMIT 1`;
    if (own[0]) throw new PatientBusyError(`The patient already has ${own[0].service_name} at ${formatTime(own[0].starts_at, clinic.timeZone)}, which overlaps this time.`);
  }

  const price = quoteAt({ ...data.terms, currency: clinic.currency }, data.discounts, start, clinic.timeZone);
  // The clinic books this on purpose, with the patient or the owner deciding: no approval step.
  const status: AppointmentStatus = "confirmed";
  const created = await claimingOutside(() =>
    tx.appointment.create({
      data: {
        clinicId: clinic.id,
        serviceId: data.service.id,
        doctorId: req.practitionerId,
        locationId: req.locationId,
        roomId,
        patientAccountId: person.patientAccountId,
        dependentId: person.dependentId ?? null,
        status,
        startsAt: start,
        endsAt: end,
        blockedFrom,
        blockedTo,
        channel: "staff",
        priceMinor: price.priceMinor,
        // A walk-in pays at the desk: there is nothing to hold a card for.
        depositMinor: req.walkIn ? 0 : price.depositMinor,
        currency: clinic.currency,
        cancellationWindowMin: data.terms.cancellationWindowMin,
        overrideKind: verdict.kind,
        overrideReason: verdict.kind ? reason : null,
        createdBy: actorLabel(actor),
      },
      select: { id: true },
    }),
  );
  const appointment = await recordChange(
    tx,
    clinic,
    {
      appointmentId: created.id,
      from: null,
      to: status,
      reason: verdict.kind ? reason : null,
      event: "appointment.booked",
      audit: verdict.kind ? "appointment.booked_with_override" : "appointment.walk_in_booked",
      auditDetails: { overrideKind: verdict.kind, walkIn: Boolean(req.walkIn), start: start.toISOString(), overlaps: verdict.overlaps.map((o) => o.id), patientAccountId: person.patientAccountId },
    },
    actor,
  );
  return { appointment, overrideKind: verdict.kind, overlaps: verdict.overlaps };
}
