/**
 * The booking core: holds and bookings, and the pieces every change of a booked appointment uses
 * (reading rows, resolving a time against the schedule, claiming it, recording the change).
 * Cancelling, moving and the visit-day steps are in appointment-changes.server.ts.
 *
 * Every function takes the caller's transaction, so a change, its status history, its audit entry
 * and its outbox event commit together or not at all. The database has the last word on conflicts:
 * the exclusion constraints refuse an overlapping row even when two requests both saw the time as
 * free. That refusal aborts the transaction, so `SlotTakenError` is thrown out of it and the caller
 * offers alternatives in a fresh transaction (see `alternativeSlots`).
 */
import { randomUUID } from "node:crypto";
import { Prisma } from "~/generated/prisma/client";
import type { AppointmentStatus, BookingChannel, CancellationReason } from "~/generated/prisma/enums";
import { isExclusionViolation, sqlStateOf } from "~/utils/db-errors.server";
import type { SqlTx, Tx } from "~/utils/db.server";
import { ConflictError, DomainError, NotFoundError, ValidationError } from "~/utils/errors.server";
import { problemType } from "~/utils/problem.server";
import { recordAudit } from "../audit/audit.server";
import { writeOutboxEvent } from "../outbox/outbox.server";
import { clinicPatientUpsert, recordOnlineBookingConsent, type PersonDetails } from "../patients/clinic-patients.server";
import { actorLabel, auditActorOf, type Actor } from "~/lib/actor";
import { quoteAt } from "./discounts";
import { cancellationDeadline } from "./policy";
import { isUuid, loadScheduleDataWith, prismaQuery, type AlongsideWork, type Audience, type ScheduleData } from "./schedule-data.server";
import type { Slot } from "./slot-engine";
import { bookableFor, slotsFrom, type ClinicRef } from "./slots.server";
import { SlotTakenError } from "./slot-taken-error";
import { toOffsetIso } from "~/lib/zoned-time";

export const HOLD_MINUTES = 10;

export const CANCELLATION_REASONS = ["patient_request", "staff_unavailable", "illness", "duplicate", "no_show", "closure"] as const satisfies readonly CancellationReason[];

export { SlotTakenError };

/**
 * A suspended clinic takes no new bookings (holds, bookings, a patient's move to a new time);
 * its staff still cancel and move the visits already booked.
 */
export class ClinicNotTakingBookingsError extends DomainError {
  readonly status = 403;
  readonly problemType = problemType("clinic-not-taking-bookings");
  readonly title = "This clinic is not taking bookings";
  constructor() {
    super("This clinic is not taking new bookings at the moment. Please contact the clinic directly.");
  }
}

/** A hold that has expired or was released cannot be confirmed. */
export class HoldExpiredError extends ConflictError {
  constructor() {
    super("The time we were holding for you has been released (holds last 10 minutes). Please choose a time again.");
  }
}

export interface PatientRef {
  patientAccountId: string;
  dependentId?: string | null;
}

export interface AppointmentRecord {
  id: string;
  status: AppointmentStatus;
  serviceId: string;
  serviceName: string;
  practitionerId: string;
  locationId: string;
  roomId: string | null;
  start: Date;
  end: Date;
  patient: { id: string; phone: string; firstName: string | null; lastName: string | null } | null;
  dependent: { id: string; firstName: string; lastName: string; relationship: string } | null;
  paymentStatus: string;
  priceMinor: number;
  depositMinor: number;
  currency: string;
  channel: BookingChannel;
  note: string | null;
  /** The reason the patient chose from the service's list when booking. */
  visitReason: string | null;
  externalRef: string | null;
  /** The booking's five characters, kept when it moves (formatBookingCode adds the clinic's prefix). */
  bookingCode: string;
  cancellation: { reason: CancellationReason; note: string | null; at: Date; by: string | null } | null;
  cancellationWindowMin: number;
  cancellationDeadline: Date;
  holdExpiresAt: Date | null;
  rescheduledFromId: string | null;
  rescheduledToId: string | null;
  createdAt: Date;
  updatedAt: Date;
}

interface AppointmentRow {
  id: string;
  status: AppointmentStatus;
  service_id: string;
  service_name: string;
  doctor_id: string;
  location_id: string;
  room_id: string | null;
  starts_at: Date;
  ends_at: Date;
  patient_account_id: string | null;
  patient_phone: string | null;
  patient_first_name: string | null;
  patient_last_name: string | null;
  dependent_id: string | null;
  dependent_first_name: string | null;
  dependent_last_name: string | null;
  dependent_relationship: string | null;
  payment_status: string;
  price_minor: number;
  deposit_minor: number;
  currency: string;
  channel: BookingChannel;
  patient_note: string | null;
  visit_reason: string | null;
  external_ref: string | null;
  booking_code: string;
  cancellation_reason: CancellationReason | null;
  cancellation_note: string | null;
  cancelled_at: Date | null;
  cancelled_by: string | null;
  cancellation_window_min: number;
  hold_expires_at: Date | null;
  held_by: string | null;
  rescheduled_from_id: string | null;
  rescheduled_to_id: string | null;
  created_at: Date;
  updated_at: Date;
}

export function toRecord(r: AppointmentRow): AppointmentRecord {
  return {
    id: r.id,
    status: r.status,
    serviceId: r.service_id,
    serviceName: r.service_name,
    practitionerId: r.doctor_id,
    locationId: r.location_id,
    roomId: r.room_id,
    start: r.starts_at,
    end: r.ends_at,
    patient: r.patient_account_id
      ? { id: r.patient_account_id, phone: r.patient_phone!, firstName: r.patient_first_name, lastName: r.patient_last_name }
      : null,
    dependent: r.dependent_id
      ? { id: r.dependent_id, firstName: r.dependent_first_name!, lastName: r.dependent_last_name!, relationship: r.dependent_relationship! }
      : null,
    paymentStatus: r.payment_status,
    priceMinor: r.price_minor,
    depositMinor: r.deposit_minor,
    currency: r.currency,
    channel: r.channel,
    note: r.patient_note,
    visitReason: r.visit_reason,
    externalRef: r.external_ref,
    bookingCode: r.booking_code,
    cancellation: r.cancellation_reason
      ? { reason: r.cancellation_reason, note: r.cancellation_note, at: r.cancelled_at!, by: r.cancelled_by }
      : null,
    cancellationWindowMin: r.cancellation_window_min,
    cancellationDeadline: cancellationDeadline(r.starts_at, r.cancellation_window_min),
    holdExpiresAt: r.hold_expires_at,
    rescheduledFromId: r.rescheduled_from_id,
    rescheduledToId: r.rescheduled_to_id,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
}

/**
 * How many times a booking has moved before this row (its calendar SEQUENCE): the rows behind it,
 * one primary-key step each. No query for a booking that never moved.
 */
export async function movesBefore(tx: Tx, clinicId: string, visit: { id: string; rescheduledFromId: string | null }): Promise<number> {
  if (!visit.rescheduledFromId) return 0;
  const rows = await tx.$queryRaw<{ moves: number }[]>`
    WITH RECURSIVE chain AS (
      SELECT rescheduled_from_id, 1 AS moves FROM appointments WHERE clinic_id = ${clinicId}::uuid AND id = ${visit.id}::uuid
      UNION ALL
      SELECT a.rescheduled_from_id, c.moves + 1 FROM appointments a JOIN chain c ON a.clinic_id = ${clinicId}::uuid AND a.id = c.rescheduled_from_id
    )
    SELECT max(moves)::int - 1 AS moves FROM chain`;
  return rows[0]?.moves ?? 0;
}

export function selectRows(tx: Tx, clinicId: string, where: Prisma.Sql, opts: { lock?: boolean; orderLimit?: Prisma.Sql } = {}) {
  return tx.$queryRaw<AppointmentRow[]>`
    SELECT a.id::text, a.status, a.service_id::text, s.name AS service_name, a.doctor_id::text, a.location_id::text, a.room_id::text,
           a.starts_at, a.ends_at, a.patient_account_id::text, p.phone AS patient_phone,
           -- The clinic's own record of the name first (see clinic-patients.server.ts).
           coalesce(cp.first_name, p.first_name) AS patient_first_name, coalesce(cp.last_name, p.last_name) AS patient_last_name, a.dependent_id::text, d.first_name AS dependent_first_name, d.last_name AS dependent_last_name,
           d.relationship::text AS dependent_relationship, a.payment_status::text, a.price_minor, a.deposit_minor, a.currency, a.channel,
           a.patient_note, a.visit_reason, a.external_ref, a.booking_code, a.cancellation_reason, a.cancellation_note, a.cancelled_at, a.cancelled_by,
           a.cancellation_window_min, a.hold_expires_at, a.held_by, a.rescheduled_from_id::text, a.rescheduled_to_id::text,
           a.created_at, a.updated_at
      FROM appointments a
      JOIN services s ON s.clinic_id = a.clinic_id AND s.id = a.service_id
      LEFT JOIN patient_accounts p ON p.id = a.patient_account_id
      LEFT JOIN clinic_patients cp ON cp.clinic_id = a.clinic_id AND cp.patient_account_id = a.patient_account_id
      LEFT JOIN dependents d ON d.id = a.dependent_id
     WHERE a.clinic_id = ${clinicId}::uuid AND ${where}
     ${opts.orderLimit ?? Prisma.empty}
     ${opts.lock ? Prisma.sql`FOR UPDATE OF a` : Prisma.empty}`;
}


/** One appointment of the clinic; another clinic's id or a malformed id is simply not found. */
export async function getAppointment(tx: Tx, clinic: Pick<ClinicRef, "id">, id: string): Promise<AppointmentRecord> {
  const row = isUuid(id) ? (await selectRows(tx, clinic.id, Prisma.sql`a.id = ${id}::uuid AND a.status NOT IN ('held', 'hold_expired', 'hold_released')`))[0] : undefined;
  if (!row) throw new NotFoundError("There is no appointment with this id at this clinic.");
  return toRecord(row);
}

export interface AppointmentPage {
  items: AppointmentRecord[];
  nextCursor: string | null;
}

/** Appointments starting in [from, to), oldest first; the cursor is the last item's start and id. */
export async function listAppointments(tx: Tx, clinic: Pick<ClinicRef, "id">, q: { from: Date; to: Date; limit: number; cursor?: string | null; patientAccountId?: string | null }): Promise<AppointmentPage> {
  const after = decodeCursor(q.cursor);
  const rows = await selectRows(
    tx,
    clinic.id,
    Prisma.sql`a.starts_at >= ${q.from} AND a.starts_at < ${q.to} AND a.status NOT IN ('held', 'hold_expired', 'hold_released')
      ${q.patientAccountId ? Prisma.sql`AND a.patient_account_id = ${q.patientAccountId}::uuid` : Prisma.empty}
      ${after ? Prisma.sql`AND (a.starts_at, a.id) > (${after.start}, ${after.id}::uuid)` : Prisma.empty}`,
    { orderLimit: Prisma.sql`ORDER BY a.starts_at, a.id LIMIT ${q.limit + 1}` },
  );
  const items = rows.slice(0, q.limit).map(toRecord);
  const last = items[items.length - 1];
  return { items, nextCursor: rows.length > q.limit && last ? encodeCursor(last) : null };
}

function encodeCursor(r: AppointmentRecord) {
  return Buffer.from(`${r.start.toISOString()}|${r.id}`).toString("base64url");
}

function decodeCursor(cursor: string | null | undefined): { start: Date; id: string } | null {
  if (!cursor) return null;
  const [start, id] = Buffer.from(cursor, "base64url").toString("utf8").split("|");
  const at = new Date(start ?? "");
  const year = at.getUTCFullYear();
  if (!id || !isUuid(id) || Number.isNaN(at.getTime()) || year < 1900 || year > 9999) throw new ValidationError("The cursor is not valid; start again without it.", [{ path: "cursor", message: "is not a cursor from a previous page" }]);
  return { start: at, id };
}

// ---------------------------------------------------------------------------------------------
// Securing a time

interface SlotChoice {
  serviceId: string;
  practitionerId: string;
  start: Date;
  locationId?: string | null;
}

const NO_SUCH_SERVICE = "There is no bookable service with this id at this clinic.";

const audienceOf = (channel: BookingChannel): Audience => (channel === "staff" || channel === "api" ? "staff" : "public");

/**
 * The slot a request asks for, checked against the schedule as it stands in this transaction: on
 * the grid, in working hours, free. A time that is bookable in principle but busy is "taken" (409);
 * a time that is never bookable is invalid input (422).
 */
export async function resolveSlot(
  tx: SqlTx,
  clinic: ClinicRef,
  choice: SlotChoice,
  audience: Audience,
  now: Date,
  purpose: "new" | "move" = "new",
  alongside: AlongsideWork | null = null,
): Promise<{ slot: Slot; data: ScheduleData; extra: string | null }> {
  if (!isUuid(choice.serviceId)) throw new ValidationError(NO_SUCH_SERVICE, [{ path: "serviceId", message: "is not a bookable service of this clinic" }]);
  if (choice.start.getTime() < now.getTime()) throw new ValidationError("This time is in the past.", [{ path: "start", message: "must be in the future" }]);
  if (!isUuid(choice.practitionerId)) throw new ValidationError("This practitioner does not offer this service here.", [{ path: "practitionerId", message: "is not a practitioner of this clinic" }]);
  if (choice.locationId && !isUuid(choice.locationId)) throw new ValidationError("This location does not offer this service.", [{ path: "locationId", message: "is not a location of this clinic" }]);
  const window = { from: choice.start, to: new Date(choice.start.getTime() + 60_000) };
  const { data, extra } = await loadScheduleDataWith(prismaQuery(tx), clinic.id, { serviceId: choice.serviceId, practitionerId: choice.practitionerId, locationId: choice.locationId, now, ...window }, alongside);
  // Read in the booking's own transaction (with the schedule): a suspension that committed first is always seen.
  if (data?.clinicStatus === "suspended" && !(purpose === "move" && audience === "staff")) throw new ClinicNotTakingBookingsError();
  if (!data || !bookableFor(data, audience)) throw new ValidationError(NO_SUCH_SERVICE, [{ path: "serviceId", message: "is not a bookable service of this clinic" }]);
  if (!data.service.eligibleDoctorIds.includes(choice.practitionerId)) {
    throw new ValidationError("This practitioner does not offer this service (or is not taking bookings now).", [
      { path: "practitionerId", message: "does not offer this service" },
    ]);
  }
  const search = { ...window, practitionerId: choice.practitionerId, locationId: choice.locationId };
  const match = (slots: Slot[]) => slots.find((s) => s.start.getTime() === choice.start.getTime() && s.doctorId === choice.practitionerId);
  const slot = match(slotsFrom(data, clinic, search, now));
  if (slot) return { slot, data, extra };
  if (match(slotsFrom(data, clinic, search, now, { ignoreBusy: true }))) throw new SlotTakenError();
  throw new ValidationError(
    "This time cannot be booked for this service and practitioner: it is outside working hours, off the booking grid, too soon or too far ahead. Ask for slots to see the bookable times.",
    [{ path: "start", message: "is not a bookable time" }],
  );
}

/** Runs an insert or update that claims time; the exclusion constraints turn a lost race into a 409. */
export async function claiming<T>(write: () => Promise<T>): Promise<T> {
  try {
    return await write();
  } catch (error) {
    if (isExclusionViolation(error)) throw new SlotTakenError();
    // Concurrent inserts of conflicting rows under an exclusion constraint can deadlock instead of
    // one failing the check (PostgreSQL's documentation says so): the aborted one lost the time.
    if (sqlStateOf(error) === "40P01") throw new SlotTakenError();
    throw error;
  }
}

export function blockedSpan(slot: Slot, data: ScheduleData) {
  return {
    blockedFrom: new Date(slot.start.getTime() - data.service.bufferBeforeMin * 60_000),
    blockedTo: new Date(slot.end.getTime() + data.service.bufferAfterMin * 60_000),
  };
}

/**
 * Writes what a change leaves behind, in the change's transaction: the status history row and the
 * outbox event in one statement, the audit entry when asked. Returns the appointment as it now is.
 */
export async function recordChange(
  tx: Tx,
  clinic: ClinicRef,
  change: { appointmentId: string; from: AppointmentStatus | null; to: AppointmentStatus; reason?: string | null; event?: string; audit?: string; auditDetails?: Record<string, unknown> },
  actor: Actor,
): Promise<AppointmentRecord> {
  const record = await getAppointmentAnyStatus(tx, clinic, change.appointmentId);
  const history = Prisma.sql`INSERT INTO appointment_status_history (clinic_id, appointment_id, from_status, to_status, actor_type, actor_id, reason)
    VALUES (${clinic.id}::uuid, ${change.appointmentId}::uuid, ${change.from}::appointment_status, ${change.to}::appointment_status, ${actor.type}, ${actor.id}, ${change.reason ?? null})`;
  if (change.event) {
    const data = JSON.stringify(eventData(record, clinic, change.reason, actor));
    await tx.$executeRaw`WITH history AS (${history}) INSERT INTO outbox_events (clinic_id, name, data) VALUES (${clinic.id}::uuid, ${change.event}, ${data}::jsonb)`;
  } else {
    await tx.$executeRaw`${history}`;
  }
  if (change.audit) {
    await recordAudit(tx, {
      clinicId: clinic.id,
      actor: auditActorOf(actor),
      action: change.audit,
      target: { type: "appointment", id: change.appointmentId },
      request: actor.request ?? null,
      details: { from: change.from, to: change.to, ...(change.reason ? { reason: change.reason } : {}), ...change.auditDetails },
    });
  }
  return record;
}

async function getAppointmentAnyStatus(tx: Tx, clinic: Pick<ClinicRef, "id">, id: string) {
  const row = (await selectRows(tx, clinic.id, Prisma.sql`a.id = ${id}::uuid`))[0];
  if (!row) throw new NotFoundError("There is no appointment with this id at this clinic.");
  return toRecord(row);
}

/** What workflows need to act on an appointment event without reading it back. */
function eventData(r: AppointmentRecord, clinic: ClinicRef, reason: string | null | undefined, actor: Actor) {
  return {
    clinicId: clinic.id,
    appointmentId: r.id,
    status: r.status,
    serviceId: r.serviceId,
    practitionerId: r.practitionerId,
    locationId: r.locationId,
    roomId: r.roomId,
    patientAccountId: r.patient?.id ?? null,
    dependentId: r.dependent?.id ?? null,
    start: r.start.toISOString(),
    end: r.end.toISOString(),
    localStart: toOffsetIso(r.start, clinic.timeZone),
    timeZone: clinic.timeZone,
    cancellationDeadline: r.cancellationDeadline.toISOString(),
    depositMinor: r.depositMinor,
    currency: r.currency,
    channel: r.channel,
    rescheduledFromId: r.rescheduledFromId,
    rescheduledToId: r.rescheduledToId,
    reason: reason ?? null,
    actor: { type: actor.type, id: actor.id },
  };
}

/** A patient id that names no account fails the foreign key: that is bad input, not a server error. */
async function unknownPatientIsInvalid<T>(query: Promise<T>): Promise<T> {
  try {
    return await query;
  } catch (error) {
    if (sqlStateOf(error) === "23503") throw new ValidationError("The patient is not known.", [{ path: "patient", message: "is not a patient account" }]);
    throw error;
  }
}

async function assertPatientLinks(tx: Tx, clinic: ClinicRef, patient: PatientRef) {
  if (!isUuid(patient.patientAccountId)) throw new ValidationError("The patient is not known.", [{ path: "patient", message: "is not a patient account" }]);
  if (patient.dependentId && !isUuid(patient.dependentId)) throw new ValidationError("This family member is not on the patient's account.", [{ path: "dependentId", message: "is not a dependent of this patient" }]);
  // When the visit is for a family member, proof that they belong to this account.
  const [check] = await tx.$queryRaw<{ dependent_ok: boolean }[]>`
    SELECT ${patient.dependentId ?? null}::uuid IS NULL
        OR EXISTS (SELECT 1 FROM dependents d WHERE d.id = ${patient.dependentId ?? null}::uuid AND d.patient_account_id = ${patient.patientAccountId}::uuid AND d.removed_at IS NULL) AS dependent_ok`;
  if (!check?.dependent_ok) throw new ValidationError("This family member is not on the patient's account.", [{ path: "dependentId", message: "is not a dependent of this patient" }]);
  // The signed-in patient booking here proves the phone at this clinic, lets it hold the card they
  // book with and shares the family member they book for (docs/decisions/030).
  await unknownPatientIsInvalid(recordOnlineBookingConsent(tx, clinic.id, patient.patientAccountId, patient.dependentId ?? null));
}

// ---------------------------------------------------------------------------------------------
// Holds

export interface HoldRequest extends SlotChoice {
  /** Whoever may confirm the hold: a session, an API key, a staff member. */
  heldBy: string;
  channel: BookingChannel;
}

export interface Hold {
  id: string;
  slot: Slot;
  expiresAt: Date;
}

/** The history's reasons for a hold its holder let go (a newer choice, or on purpose). */
export const HOLD_REPLACED = "a new time was chosen";
export const HOLD_RELEASED = "released by its holder";

/**
 * Holds a time for 10 minutes. A holder keeps one hold at a time: a new choice releases the
 * previous one, so someone clicking through times never blocks a whole afternoon.
 */
export async function placeHold(tx: Tx, clinic: ClinicRef, req: HoldRequest, actor: Actor, now = new Date()): Promise<Hold> {
  await releaseHoldsOf(tx, clinic, req.heldBy, actor);
  const { slot, data } = await resolveSlot(tx, clinic, req, audienceOf(req.channel), now);
  const expiresAt = new Date(now.getTime() + HOLD_MINUTES * 60_000);
  const price = quoteAt({ ...data.terms, currency: clinic.currency }, data.discounts, slot.start, clinic.timeZone);
  const created = await claiming(() =>
    tx.appointment.create({
      data: {
        clinicId: clinic.id,
        serviceId: data.service.id,
        doctorId: slot.doctorId,
        locationId: slot.locationId,
        roomId: slot.roomId,
        status: "held",
        startsAt: slot.start,
        endsAt: slot.end,
        ...blockedSpan(slot, data),
        holdExpiresAt: expiresAt,
        heldBy: req.heldBy,
        channel: req.channel,
        priceMinor: price.priceMinor,
        depositMinor: price.depositMinor,
        currency: clinic.currency,
        cancellationWindowMin: data.terms.cancellationWindowMin,
        createdBy: actorLabel(actor),
      },
      select: { id: true },
    }),
  );
  await tx.appointmentStatusChange.create({ data: { clinicId: clinic.id, appointmentId: created.id, fromStatus: null, toStatus: "held", actorType: actor.type, actorId: actor.id } });
  await writeOutboxEvent(tx, {
    clinicId: clinic.id,
    name: "hold.placed",
    data: { clinicId: clinic.id, holdId: created.id, serviceId: data.service.id, practitionerId: slot.doctorId, locationId: slot.locationId, start: slot.start.toISOString(), end: slot.end.toISOString(), expiresAt: expiresAt.toISOString() },
  });
  return { id: created.id, slot, expiresAt };
}

/** The holder's current hold, if it has not expired. */
export async function findHold(tx: Tx, clinic: ClinicRef, holdId: string, heldBy: string, now = new Date()): Promise<AppointmentRecord | null> {
  if (!isUuid(holdId)) return null;
  const row = (await selectRows(tx, clinic.id, Prisma.sql`a.id = ${holdId}::uuid AND a.status = 'held' AND a.held_by = ${heldBy} AND a.hold_expires_at > ${now}`))[0];
  return row ? toRecord(row) : null;
}

/** Lets go of every time this holder holds (they are choosing again); how many there were. */
export async function releaseHoldsOf(tx: Tx, clinic: ClinicRef, heldBy: string, actor: Actor): Promise<number> {
  const previous = await tx.$queryRaw<{ id: string }[]>`
    UPDATE appointments SET status = 'hold_released', hold_expires_at = NULL, updated_at = now()
     WHERE clinic_id = ${clinic.id}::uuid AND status = 'held' AND held_by = ${heldBy}
    RETURNING id::text`;
  for (const { id } of previous) await recordRelease(tx, clinic, id, actor, HOLD_REPLACED);
  return previous.length;
}

export async function releaseHold(tx: Tx, clinic: ClinicRef, holdId: string, heldBy: string, actor: Actor): Promise<void> {
  if (!isUuid(holdId)) return;
  const released = await tx.$queryRaw<{ id: string }[]>`
    UPDATE appointments SET status = 'hold_released', hold_expires_at = NULL, updated_at = now()
     WHERE clinic_id = ${clinic.id}::uuid AND id = ${holdId}::uuid AND status = 'held' AND held_by = ${heldBy}
    RETURNING id::text`;
  if (released[0]) await recordRelease(tx, clinic, holdId, actor, HOLD_RELEASED);
}

/** A released hold's history row and its hold.released event, in one statement. */
async function recordRelease(tx: Tx, clinic: ClinicRef, holdId: string, actor: Actor, reason: string) {
  const data = JSON.stringify({ clinicId: clinic.id, holdId, reason });
  await tx.$executeRaw`
    WITH history AS (
      INSERT INTO appointment_status_history (clinic_id, appointment_id, from_status, to_status, actor_type, actor_id, reason)
      VALUES (${clinic.id}::uuid, ${holdId}::uuid, 'held', 'hold_released', ${actor.type}, ${actor.id}, ${reason})
    )
    INSERT INTO outbox_events (clinic_id, name, data) VALUES (${clinic.id}::uuid, 'hold.released', ${data}::jsonb)`;
}

/**
 * Turns the holder's unexpired hold into an appointment for the patient (or their dependent): the
 * same row changes status, so nobody can take the time in between. A requires-approval service
 * becomes `requested`, anything else `confirmed`.
 */
export async function confirmHold(
  tx: Tx,
  clinic: ClinicRef,
  req: { holdId: string; heldBy: string; patient: PatientRef; note?: string | null; visitReason?: string | null },
  actor: Actor,
  now = new Date(),
): Promise<AppointmentRecord> {
  if (!isUuid(req.holdId)) throw new HoldExpiredError();
  const locked = await tx.$queryRaw<{ id: string; service_id: string; hold_expires_at: Date | null; status: AppointmentStatus; held_by: string | null }[]>`
    SELECT id::text, service_id::text, hold_expires_at, status, held_by FROM appointments
     WHERE clinic_id = ${clinic.id}::uuid AND id = ${req.holdId}::uuid FOR UPDATE`;
  const hold = locked[0];
  if (!hold || hold.held_by !== req.heldBy) throw new HoldExpiredError();
  if (hold.status !== "held" || !hold.hold_expires_at || hold.hold_expires_at.getTime() <= now.getTime()) throw new HoldExpiredError();
  await assertPatientLinks(tx, clinic, req.patient);
  const service = await tx.service.findUniqueOrThrow({ where: { clinicId_id: { clinicId: clinic.id, id: hold.service_id } }, select: { requiresApproval: true } });
  const status: AppointmentStatus = service.requiresApproval ? "requested" : "confirmed";
  // The same person may have been booked at another clinic meanwhile (holds do not block across clinics).
  await claiming(() =>
    tx.appointment.update({
      where: { clinicId_id: { clinicId: clinic.id, id: req.holdId } },
      data: { status, holdExpiresAt: null, patientAccountId: req.patient.patientAccountId, dependentId: req.patient.dependentId ?? null, patientNote: req.note ?? null, visitReason: req.visitReason ?? null },
    }),
  );
  return recordChange(tx, clinic, { appointmentId: req.holdId, from: "held", to: status, event: status === "requested" ? "appointment.requested" : "appointment.booked" }, actor);
}

/**
 * Expired holds of a clinic become `hold_expired` and are announced. Writers release overlapping
 * expired holds themselves (a trigger), so this sweep is tidiness and the event, not correctness.
 */
export async function sweepExpiredHolds(tx: Tx, clinic: Pick<ClinicRef, "id">, now = new Date()): Promise<number> {
  const expired = await tx.$queryRaw<{ id: string; doctor_id: string; service_id: string; starts_at: Date; ends_at: Date }[]>`
    UPDATE appointments SET status = 'hold_expired', hold_expires_at = NULL, updated_at = now()
     WHERE clinic_id = ${clinic.id}::uuid AND status = 'held' AND hold_expires_at <= ${now}
    RETURNING id::text, doctor_id::text, service_id::text, starts_at, ends_at`;
  for (const h of expired) {
    await tx.appointmentStatusChange.create({ data: { clinicId: clinic.id, appointmentId: h.id, fromStatus: "held", toStatus: "hold_expired", actorType: "system", actorId: null } });
    await writeOutboxEvent(tx, {
      clinicId: clinic.id,
      name: "hold.expired",
      data: { clinicId: clinic.id, holdId: h.id, doctorId: h.doctor_id, serviceId: h.service_id, start: h.starts_at.toISOString(), end: h.ends_at.toISOString() },
    });
  }
  return expired.length;
}

// ---------------------------------------------------------------------------------------------
// Booking directly (staff, API)

export interface BookRequest extends SlotChoice {
  /** A known account, or a person by phone: the account and the clinic's record are made if new (ensureClinicPatient), in the schedule read's round trip. */
  patient: PatientRef | { person: PersonDetails; dependentId?: null };
  channel: BookingChannel;
  note?: string | null;
  externalRef?: string | null;
}

/**
 * A new appointment straight away (staff, API). The hot path of integrations, so after the schedule
 * check it is ONE statement: the clinic's record of the patient, the appointment, its history row
 * and its outbox event, returning what the answer needs. A family member who is not on the
 * patient's account inserts nothing and is refused.
 */
export async function bookAppointment(tx: SqlTx, clinic: ClinicRef, req: BookRequest, actor: Actor, now = new Date()): Promise<AppointmentRecord> {
  const person = "person" in req.patient ? req.patient.person : null;
  const known = "patientAccountId" in req.patient ? req.patient.patientAccountId : null;
  const dependentId = req.patient.dependentId ?? null;
  if (!person && !isUuid(known)) throw new ValidationError("The patient is not known.", [{ path: "patient", message: "is not a patient account" }]);
  if (dependentId && !isUuid(dependentId)) throw new ValidationError(NOT_A_DEPENDENT, [{ path: "dependentId", message: "is not a dependent of this patient" }]);
  const { slot, data, extra } = await resolveSlot(tx, clinic, req, audienceOf(req.channel), now, "new", person ? clinicPatientUpsert(clinic.id, person) : null);
  const patientId = person ? extra! : known!;
  const status: AppointmentStatus = data.terms.requiresApproval ? "requested" : "confirmed";
  const price = quoteAt({ ...data.terms, currency: clinic.currency }, data.discounts, slot.start, clinic.timeZone);
  const priceMinor = price.priceMinor;
  const { blockedFrom, blockedTo } = blockedSpan(slot, data);
  const record: AppointmentRecord = {
    id: randomUUID(),
    status,
    serviceId: data.service.id,
    serviceName: data.terms.name,
    practitionerId: slot.doctorId,
    locationId: slot.locationId,
    roomId: slot.roomId,
    start: slot.start,
    end: slot.end,
    patient: { id: patientId, phone: "", firstName: null, lastName: null },
    dependent: null,
    paymentStatus: "none",
    priceMinor,
    depositMinor: price.depositMinor,
    currency: clinic.currency,
    channel: req.channel,
    note: req.note ?? null,
    visitReason: null,
    externalRef: req.externalRef ?? null,
    // Drawn by the database with the row (read back below).
    bookingCode: "",
    cancellation: null,
    cancellationWindowMin: data.terms.cancellationWindowMin,
    cancellationDeadline: cancellationDeadline(slot.start, data.terms.cancellationWindowMin),
    holdExpiresAt: null,
    rescheduledFromId: null,
    rescheduledToId: null,
    createdAt: now,
    updatedAt: now,
  };
  const eventName = status === "requested" ? "appointment.requested" : "appointment.booked";
  const event = JSON.stringify(eventData({ ...record, dependent: dependentId ? { id: dependentId, firstName: "", lastName: "", relationship: "" } : null }, clinic, null, actor));
  type Row = { booking_code: string; created_at: Date; updated_at: Date; phone: string; first_name: string | null; last_name: string | null; dep_first: string | null; dep_last: string | null; dep_rel: string | null };
  const insert = Prisma.sql`
        WITH linked AS (
          INSERT INTO clinic_patients (clinic_id, patient_account_id) VALUES (${clinic.id}::uuid, ${patientId}::uuid) ON CONFLICT DO NOTHING
        ), ins AS (
          INSERT INTO appointments (clinic_id, id, service_id, doctor_id, location_id, room_id, patient_account_id, dependent_id, status,
                                    starts_at, ends_at, blocked_from, blocked_to, channel, price_minor, deposit_minor, currency,
                                    cancellation_window_min, patient_note, external_ref, created_by)
          SELECT ${clinic.id}::uuid, ${record.id}::uuid, ${record.serviceId}::uuid, ${record.practitionerId}::uuid, ${record.locationId}::uuid,
                 ${record.roomId}::uuid, ${patientId}::uuid, ${dependentId}::uuid, ${status}::appointment_status, ${record.start}, ${record.end},
                 ${blockedFrom}, ${blockedTo}, ${req.channel}::booking_channel, ${priceMinor}, ${record.depositMinor}, ${record.currency},
                 ${record.cancellationWindowMin}, ${record.note}, ${record.externalRef}, ${actorLabel(actor)}
           WHERE ${dependentId}::uuid IS NULL
              -- Staff and integrations book only family members the patient shared with this clinic.
              OR EXISTS (SELECT 1 FROM dependents d JOIN clinic_family_members f ON f.clinic_id = ${clinic.id}::uuid AND f.dependent_id = d.id
                          WHERE d.id = ${dependentId}::uuid AND d.patient_account_id = ${patientId}::uuid AND d.removed_at IS NULL)
          RETURNING id, booking_code, created_at, updated_at
        ), history AS (
          INSERT INTO appointment_status_history (clinic_id, appointment_id, from_status, to_status, actor_type, actor_id)
          SELECT ${clinic.id}::uuid, id, NULL, ${status}::appointment_status, ${actor.type}, ${actor.id} FROM ins
        ), announced AS (
          INSERT INTO outbox_events (clinic_id, name, data) SELECT ${clinic.id}::uuid, ${eventName}, ${event}::jsonb FROM ins
        )
        SELECT ins.booking_code, ins.created_at, ins.updated_at, p.phone, coalesce(cp.first_name, p.first_name) AS first_name,
               coalesce(cp.last_name, p.last_name) AS last_name,
               d.first_name AS dep_first, d.last_name AS dep_last, d.relationship::text AS dep_rel
          FROM ins
          JOIN patient_accounts p ON p.id = ${patientId}::uuid
          LEFT JOIN clinic_patients cp ON cp.clinic_id = ${clinic.id}::uuid AND cp.patient_account_id = ${patientId}::uuid
          LEFT JOIN dependents d ON d.id = ${dependentId}::uuid`;
  // The booking's last statement: on the driver, COMMIT goes in its round trip.
  const rows = await unknownPatientIsInvalid(claiming(() => (tx.$queryRawAndCommit ? tx.$queryRawAndCommit<Row>(insert) : tx.$queryRaw<Row[]>(insert))));
  const row = rows[0];
  if (!row) throw new ValidationError(NOT_A_DEPENDENT, [{ path: "dependentId", message: "is not a dependent of this patient" }]);
  return {
    ...record,
    patient: { id: patientId, phone: row.phone, firstName: row.first_name, lastName: row.last_name },
    dependent: dependentId ? { id: dependentId, firstName: row.dep_first!, lastName: row.dep_last!, relationship: row.dep_rel! } : null,
    bookingCode: row.booking_code,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

const NOT_A_DEPENDENT = "This family member is not on the patient's account.";
