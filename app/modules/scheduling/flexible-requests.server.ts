/**
 * Flexible-schedule requests and the waitlist.
 *
 * When nothing fits, a patient leaves a standing request (service, preferred weekdays, a window of
 * the day, a date range, maybe a doctor or a location). Two things can answer it:
 * - the desk proposes a time (`proposeTime`, status `proposed`, 48 hours to answer by default);
 * - a time that frees up (a cancellation, a move, a declined request) is offered automatically to
 *   the oldest matching open request (`offerFreedTime`, status `offered`, 30 minutes by default).
 * The patient accepts (`acceptProposal` in flexible-acceptance.server.ts: the time is booked in the
 * same transaction) or declines. Nothing is held while a proposal or offer waits: if someone books
 * the time meanwhile, accepting fails with `SlotTakenError` and the patient is told.
 *
 * Decisions:
 * - Declining a desk proposal ends the request (`declined`): the desk answered the request, and
 *   the patient can send a new one. Declining a waitlist offer only passes on that time: the
 *   request goes back to `open` and keeps waiting.
 * - A waitlist offer that expires goes back to `open` as well; a desk proposal that expires ends
 *   the request (`expired`), so the desk sees it and can call.
 * - A request that passed on an offer keeps that offer's time in its proposed_* columns, so the
 *   same time is never offered to it twice; the next request in line gets it instead.
 * - One live proposal or offer per doctor and time: a time already offered to someone is neither
 *   offered nor proposed to anyone else until that answer is due.
 *
 * Every function takes the caller's transaction, writes its outbox event in it, and records desk
 * (staff and clinic software) actions in the audit log.
 */
import { z } from "zod";
import { Prisma } from "~/generated/prisma/client";
import type { FlexibleRequestStatus } from "~/generated/prisma/enums";
import type { Tx } from "~/utils/db.server";
import { ConflictError, ForbiddenError, NotFoundError, ValidationError } from "~/utils/errors.server";
import { fieldErrorsFromZod } from "~/utils/problem.server";
import { recordAudit } from "../audit/audit.server";
import { writeOutboxEvent } from "../outbox/outbox.server";
import { isoWeekday } from "../tenancy/opening-hours";
import { actorLabel, auditActorOf, SYSTEM_ACTOR, type Actor } from "~/lib/actor";
import { SlotTakenError } from "./slot-taken-error";
import { isUuid, loadScheduleData, prismaQuery } from "./schedule-data.server";
import type { Slot } from "./slot-engine";
import { findSlotsIn, slotsFrom, type ClinicRef } from "./slots.server";
import { toOffsetIso, utcToZoned } from "~/lib/zoned-time";
import { formatDateTime } from "~/lib/format";

export const FLEXIBLE_REQUEST_STATUSES = ["open", "proposed", "offered", "accepted", "declined", "cancelled", "expired"] as const satisfies readonly FlexibleRequestStatus[];

/** Requests still waiting for or holding an answer; they count towards a patient's limit. */
const LIVE_STATUSES = ["open", "proposed", "offered"] as const satisfies readonly FlexibleRequestStatus[];

/** Open requests one patient may have at one clinic: enough for a family, too few to flood the desk. */
export const MAX_OPEN_REQUESTS_PER_PATIENT = 5;
export const DEFAULT_PROPOSAL_HOURS = 48;
export const MAX_PROPOSAL_HOURS = 14 * 24;
export const DEFAULT_OFFER_MINUTES = 30;

const MINUTE_MS = 60_000;

// ---------------------------------------------------------------------------------------------
// Input

const idSchema = z.guid({ error: "Expected an id (a UUID such as 3f1c1d9e-8a4b-4c8e-9d2a-5b6c7d8e9f01)." });
const clockTime = z.string().regex(/^(?:(?:[01]\d|2[0-3]):[0-5]\d|24:00)$/, "Expected a time of day as HH:MM, e.g. 09:30.");
const localDate = z.iso.date({ error: "Expected a date as YYYY-MM-DD." });
/** An instant: a Date, or an ISO 8601 date-time with its offset (a bare local time would be ambiguous). */
const instantSchema = z.union([z.date(), z.iso.datetime({ offset: true }).transform((s) => new Date(s))], {
  error: "Expected a date-time with its offset, e.g. 2026-12-01T09:00:00-05:00.",
});

const minutesOf = (hhmm: string) => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));
const hhmmOf = (minutes: number) => `${String(Math.floor(minutes / 60)).padStart(2, "0")}:${String(minutes % 60).padStart(2, "0")}`;

export const flexibleRequestInputSchema = z
  .object({
    patientAccountId: idSchema,
    dependentId: idSchema.nullish(),
    serviceId: idSchema,
    practitionerId: idSchema.nullish(),
    locationId: idSchema.nullish(),
    /** ISO weekdays, 1 (Monday) to 7 (Sunday); none means any day. */
    preferredWeekdays: z
      .array(z.number().int("Expected a weekday from 1 (Monday) to 7 (Sunday).").min(1, "Expected a weekday from 1 (Monday) to 7 (Sunday).").max(7, "Expected a weekday from 1 (Monday) to 7 (Sunday)."))
      .max(7, "At most the 7 days of the week.")
      .default([])
      .transform((days) => [...new Set(days)].sort((a, b) => a - b)),
    /** Local wall time; one end alone means "from then on" or "until then". */
    preferredFrom: clockTime.nullish(),
    preferredTo: clockTime.nullish(),
    earliestDate: localDate.nullish(),
    latestDate: localDate.nullish(),
    note: z
      .string()
      .trim()
      .max(1000, "At most 1000 characters.")
      .nullish()
      .transform((s) => s || null),
  })
  .superRefine((v, ctx) => {
    if (v.preferredFrom === "24:00") ctx.addIssue({ code: "custom", path: ["preferredFrom"], message: "The day ends at 24:00; start earlier." });
    if (v.preferredFrom && v.preferredTo && minutesOf(v.preferredFrom) >= minutesOf(v.preferredTo)) {
      ctx.addIssue({ code: "custom", path: ["preferredTo"], message: "Must be later than the start of the preferred time." });
    }
    if (v.earliestDate && v.latestDate && v.earliestDate > v.latestDate) {
      ctx.addIssue({ code: "custom", path: ["latestDate"], message: "Must not be before the earliest date." });
    }
  });
export type FlexibleRequestInput = z.input<typeof flexibleRequestInputSchema>;

export const flexibleRequestListSchema = z.object({
  status: z.union([z.enum(FLEXIBLE_REQUEST_STATUSES), z.array(z.enum(FLEXIBLE_REQUEST_STATUSES)).min(1)]).optional(),
  patientAccountId: idSchema.optional(),
  limit: z.number().int().min(1).max(500).default(200),
});
export type FlexibleRequestListQuery = z.input<typeof flexibleRequestListSchema>;

/** Which request: a malformed id is simply not found, like another clinic's. */
export const flexibleRequestRefSchema = z.object({ requestId: z.string().min(1, "Required.") });
export type FlexibleRequestRef = z.input<typeof flexibleRequestRefSchema>;

export const proposeTimeSchema = z.object({
  requestId: z.string().min(1, "Required."),
  start: instantSchema,
  practitionerId: idSchema,
  locationId: idSchema.nullish(),
  expiresInHours: z
    .number()
    .int("Expected whole hours.")
    .min(1, "At least 1 hour.")
    .max(MAX_PROPOSAL_HOURS, `At most ${MAX_PROPOSAL_HOURS} hours.`)
    .default(DEFAULT_PROPOSAL_HOURS),
});
export type ProposeTimeInput = z.input<typeof proposeTimeSchema>;

export const freedTimeSchema = z
  .object({ serviceId: idSchema, practitionerId: idSchema, locationId: idSchema, start: instantSchema, end: instantSchema })
  .refine((t) => t.end.getTime() > t.start.getTime(), { path: ["end"], message: "Must be later than start." });

/** A time that became free: what the waitlist can offer. */
export interface FreedTime {
  serviceId: string;
  practitionerId: string;
  locationId: string;
  start: Date;
  end: Date;
}

export function parse<S extends z.ZodType>(schema: S, input: unknown): z.output<S> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  throw new ValidationError("Some fields are missing or wrong; see errors.", fieldErrorsFromZod(result.error));
}

// ---------------------------------------------------------------------------------------------
// Reading

export interface FlexibleRequestRecord {
  id: string;
  status: FlexibleRequestStatus;
  patient: { id: string; phone: string; firstName: string | null; lastName: string | null };
  dependent: { id: string; firstName: string; lastName: string; relationship: string } | null;
  serviceId: string;
  serviceName: string;
  /** The doctor the patient asked for; null means any. */
  practitionerId: string | null;
  locationId: string | null;
  preferredWeekdays: number[];
  preferredFrom: string | null;
  preferredTo: string | null;
  earliestDate: string | null;
  latestDate: string | null;
  note: string | null;
  /**
   * The time put to the patient: a desk proposal or a waitlist offer. On an open request it is the
   * last offer the patient passed on (kept so it is not offered again).
   */
  proposal: {
    kind: "proposal" | "offer";
    start: Date;
    end: Date;
    practitionerId: string | null;
    locationId: string | null;
    expiresAt: Date | null;
    by: string | null;
  } | null;
  appointmentId: string | null;
  createdAt: Date;
  updatedAt: Date;
}

interface RequestRow {
  id: string;
  status: FlexibleRequestStatus;
  patient_account_id: string;
  patient_phone: string;
  patient_first_name: string | null;
  patient_last_name: string | null;
  dependent_id: string | null;
  dependent_first_name: string | null;
  dependent_last_name: string | null;
  dependent_relationship: string | null;
  service_id: string;
  service_name: string;
  duration_min: number;
  doctor_id: string | null;
  location_id: string | null;
  preferred_weekdays: number[];
  preferred_from_minute: number | null;
  preferred_to_minute: number | null;
  earliest_date: string | null;
  latest_date: string | null;
  note: string | null;
  proposed_start: Date | null;
  proposed_doctor_id: string | null;
  proposed_location_id: string | null;
  proposed_by: string | null;
  proposal_expires_at: Date | null;
  appointment_id: string | null;
  created_at: Date;
  updated_at: Date;
}

/** Waitlist offers are made by the system; anything else put to the patient is the desk's. */
const OFFERED_BY = actorLabel(SYSTEM_ACTOR);

function toRecord(r: RequestRow): FlexibleRequestRecord {
  return {
    id: r.id,
    status: r.status,
    patient: { id: r.patient_account_id, phone: r.patient_phone, firstName: r.patient_first_name, lastName: r.patient_last_name },
    dependent: r.dependent_id
      ? { id: r.dependent_id, firstName: r.dependent_first_name!, lastName: r.dependent_last_name!, relationship: r.dependent_relationship! }
      : null,
    serviceId: r.service_id,
    serviceName: r.service_name,
    practitionerId: r.doctor_id,
    locationId: r.location_id,
    preferredWeekdays: r.preferred_weekdays.map(Number),
    preferredFrom: r.preferred_from_minute === null ? null : hhmmOf(r.preferred_from_minute),
    preferredTo: r.preferred_to_minute === null ? null : hhmmOf(r.preferred_to_minute),
    earliestDate: r.earliest_date,
    latestDate: r.latest_date,
    note: r.note,
    proposal: r.proposed_start
      ? {
          kind: r.status === "offered" || (r.status !== "proposed" && r.proposed_by === OFFERED_BY) ? "offer" : "proposal",
          start: r.proposed_start,
          end: new Date(r.proposed_start.getTime() + r.duration_min * MINUTE_MS),
          practitionerId: r.proposed_doctor_id,
          locationId: r.proposed_location_id,
          expiresAt: r.proposal_expires_at,
          by: r.proposed_by,
        }
      : null,
    appointmentId: r.appointment_id,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
}

function selectRows(tx: Tx, clinicId: string, where: Prisma.Sql, opts: { lock?: boolean; orderLimit?: Prisma.Sql } = {}) {
  return tx.$queryRaw<RequestRow[]>`
    SELECT f.id::text, f.status, f.patient_account_id::text, p.phone AS patient_phone, p.first_name AS patient_first_name,
           p.last_name AS patient_last_name, f.dependent_id::text, d.first_name AS dependent_first_name,
           d.last_name AS dependent_last_name, d.relationship::text AS dependent_relationship,
           f.service_id::text, s.name AS service_name, s.duration_min, f.doctor_id::text, f.location_id::text,
           f.preferred_weekdays::int[] AS preferred_weekdays, f.preferred_from_minute, f.preferred_to_minute,
           f.earliest_date::text, f.latest_date::text, f.note, f.proposed_start, f.proposed_doctor_id::text,
           f.proposed_location_id::text, f.proposed_by, f.proposal_expires_at, f.appointment_id::text, f.created_at, f.updated_at
      FROM flexible_requests f
      JOIN services s ON s.clinic_id = f.clinic_id AND s.id = f.service_id
      JOIN patient_accounts p ON p.id = f.patient_account_id
      LEFT JOIN dependents d ON d.id = f.dependent_id
     WHERE f.clinic_id = ${clinicId}::uuid AND ${where}
     ${opts.orderLimit ?? Prisma.empty}
     ${opts.lock ? Prisma.sql`FOR UPDATE OF f` : Prisma.empty}`;
}

const notFound = () => new NotFoundError("There is no such flexible request at this clinic.");

export async function getFlexibleRequest(tx: Tx, clinic: Pick<ClinicRef, "id">, requestId: string): Promise<FlexibleRequestRecord> {
  const row = isUuid(requestId) ? (await selectRows(tx, clinic.id, Prisma.sql`f.id = ${requestId}::uuid`))[0] : undefined;
  if (!row) throw notFound();
  return toRecord(row);
}

export async function lockRequest(tx: Tx, clinic: Pick<ClinicRef, "id">, requestId: string): Promise<FlexibleRequestRecord> {
  const row = isUuid(requestId) ? (await selectRows(tx, clinic.id, Prisma.sql`f.id = ${requestId}::uuid`, { lock: true }))[0] : undefined;
  if (!row) throw notFound();
  return toRecord(row);
}

/**
 * The desk's list (filter by status) and a patient's own (filter by account), oldest first: the
 * order the waitlist serves them in.
 */
export async function listFlexibleRequests(tx: Tx, clinic: Pick<ClinicRef, "id">, query: FlexibleRequestListQuery = {}): Promise<FlexibleRequestRecord[]> {
  const q = parse(flexibleRequestListSchema, query);
  const statuses = q.status === undefined ? null : Array.isArray(q.status) ? q.status : [q.status];
  const rows = await selectRows(
    tx,
    clinic.id,
    Prisma.sql`TRUE
      ${statuses ? Prisma.sql`AND f.status::text IN (${Prisma.join(statuses)})` : Prisma.empty}
      ${q.patientAccountId ? Prisma.sql`AND f.patient_account_id = ${q.patientAccountId}::uuid` : Prisma.empty}`,
    { orderLimit: Prisma.sql`ORDER BY f.created_at, f.id LIMIT ${q.limit}` },
  );
  return rows.map(toRecord);
}

// ---------------------------------------------------------------------------------------------
// Events and audit

function proposalData(r: FlexibleRequestRecord, clinic: ClinicRef) {
  const p = r.proposal;
  if (!p) return null;
  return {
    kind: p.kind,
    start: p.start.toISOString(),
    end: p.end.toISOString(),
    localStart: toOffsetIso(p.start, clinic.timeZone),
    practitionerId: p.practitionerId,
    locationId: p.locationId,
    expiresAt: p.expiresAt?.toISOString() ?? null,
  };
}

const freedData = (t: FreedTime | null) =>
  t ? { serviceId: t.serviceId, practitionerId: t.practitionerId, locationId: t.locationId, start: t.start.toISOString(), end: t.end.toISOString() } : null;

/** What workflows need to message the patient or offer a time on, without reading the request back. */
export async function announce(tx: Tx, clinic: ClinicRef, name: string, r: FlexibleRequestRecord, actor: Actor, extra: Record<string, unknown> = {}) {
  await writeOutboxEvent(tx, {
    clinicId: clinic.id,
    name,
    data: {
      clinicId: clinic.id,
      requestId: r.id,
      status: r.status,
      patientAccountId: r.patient.id,
      dependentId: r.dependent?.id ?? null,
      serviceId: r.serviceId,
      practitionerId: r.practitionerId,
      locationId: r.locationId,
      proposal: proposalData(r, clinic),
      appointmentId: r.appointmentId,
      timeZone: clinic.timeZone,
      actor: { type: actor.type, id: actor.id },
      ...extra,
    },
  });
}

const isDesk = (actor: Actor) => actor.type === "staff" || actor.type === "api";

async function auditDesk(tx: Tx, clinic: ClinicRef, actor: Actor, action: string, r: FlexibleRequestRecord, details: Record<string, unknown> = {}) {
  if (!isDesk(actor)) return;
  await recordAudit(tx, {
    clinicId: clinic.id,
    actor: auditActorOf(actor),
    action,
    target: { type: "flexible_request", id: r.id },
    request: actor.request ?? null,
    details: { status: r.status, patientAccountId: r.patient.id, ...details },
  });
}

/** A patient acts only on their own requests; anyone else's look like they do not exist. */
function assertOwner(r: FlexibleRequestRecord, actor: Actor) {
  if (actor.type === "patient" && actor.id !== r.patient.id) throw notFound();
}

export function assertPatient(r: FlexibleRequestRecord, actor: Actor, what: string) {
  if (actor.type !== "patient") throw new ForbiddenError(`Only the patient can ${what} a proposed time.`);
  assertOwner(r, actor);
}

export const statusWords: Record<FlexibleRequestStatus, string> = {
  open: "still waiting for a time",
  proposed: "waiting for the patient's answer",
  offered: "waiting for the patient's answer",
  accepted: "already booked",
  declined: "declined",
  cancelled: "cancelled",
  expired: "expired",
};

/** The waitlist offer a change lets go of, so the time can go to the next request in line. */
function releasedOfferOf(r: FlexibleRequestRecord): FreedTime | null {
  if (r.status !== "offered" || !r.proposal?.practitionerId || !r.proposal.locationId) return null;
  return { serviceId: r.serviceId, practitionerId: r.proposal.practitionerId, locationId: r.proposal.locationId, start: r.proposal.start, end: r.proposal.end };
}

/**
 * Serializes proposals and offers per doctor, so two workflows handling the same freed time cannot
 * both offer it (each then sees the other's offer).
 */
async function lockDoctorOffers(tx: Tx, clinicId: string, doctorId: string) {
  await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext(${`flexible-offer:${clinicId}`}), hashtext(${doctorId}))`;
}

/** A live proposal or offer of an overlapping time with the same doctor, other than `exceptId`'s. */
async function liveProposalOverlapping(tx: Tx, clinicId: string, doctorId: string, start: Date, end: Date, now: Date, exceptId: string | null) {
  const rows = await tx.$queryRaw<{ id: string; proposal_expires_at: Date }[]>`
    SELECT f.id::text, f.proposal_expires_at FROM flexible_requests f
      JOIN services s ON s.clinic_id = f.clinic_id AND s.id = f.service_id
     WHERE f.clinic_id = ${clinicId}::uuid AND f.status IN ('proposed', 'offered') AND f.proposal_expires_at > ${now}
       AND f.proposed_doctor_id = ${doctorId}::uuid
       AND f.proposed_start < ${end} AND f.proposed_start + make_interval(mins => s.duration_min) > ${start}
       AND (${exceptId}::uuid IS NULL OR f.id <> ${exceptId}::uuid)
     LIMIT 1`;
  return rows[0] ?? null;
}

// ---------------------------------------------------------------------------------------------
// Creating

/**
 * A patient's standing request, sent by the patient or taken down by the desk. The service must be
 * one patients can book (the patient books the answer on the clinic's site); a doctor or location
 * asked for must offer it.
 */
export async function createFlexibleRequest(tx: Tx, clinic: ClinicRef, input: FlexibleRequestInput, actor: Actor, now = new Date()): Promise<FlexibleRequestRecord> {
  const req = parse(flexibleRequestInputSchema, input);
  if (actor.type === "patient" && actor.id !== req.patientAccountId) throw new ForbiddenError("You can send requests only for yourself and your family.");
  const today = utcToZoned(now, clinic.timeZone).date;
  if (req.latestDate && req.latestDate < today) {
    throw new ValidationError("The latest date has already passed.", [{ path: "latestDate", message: "Must be today or later." }]);
  }

  const account = await tx.patientAccount.findUnique({ where: { id: req.patientAccountId }, select: { id: true } });
  if (!account) throw new ValidationError("The patient is not known.", [{ path: "patientAccountId", message: "Is not a patient account." }]);
  if (req.dependentId) {
    const dependent = await tx.dependent.findFirst({ where: { id: req.dependentId, patientAccountId: req.patientAccountId, removedAt: null }, select: { id: true } });
    if (!dependent) throw new ValidationError("This family member is not on the patient's account.", [{ path: "dependentId", message: "Is not a dependent of this patient." }]);
  }

  const data = await loadScheduleData(prismaQuery(tx), clinic.id, { serviceId: req.serviceId, from: now, to: new Date(now.getTime() + MINUTE_MS), now });
  if (!data || (data.terms.visibility !== "active" && data.terms.visibility !== "seasonal")) {
    throw new ValidationError("This service cannot be booked at this clinic.", [{ path: "serviceId", message: "Is not a bookable service of this clinic." }]);
  }
  if (req.practitionerId && !data.service.eligibleDoctorIds.includes(req.practitionerId)) {
    throw new ValidationError("This practitioner does not offer this service (or is not taking bookings now).", [{ path: "practitionerId", message: "Does not offer this service." }]);
  }
  if (req.locationId && !data.service.eligibleLocationIds.includes(req.locationId)) {
    throw new ValidationError("This service is not offered at this location.", [{ path: "locationId", message: "Does not offer this service." }]);
  }

  // The clinic's record of the patient (created if new) doubles as the lock that keeps two
  // simultaneous requests from both slipping under the limit.
  await tx.$executeRaw`
    INSERT INTO clinic_patients (clinic_id, patient_account_id) VALUES (${clinic.id}::uuid, ${req.patientAccountId}::uuid)
    ON CONFLICT DO NOTHING`;
  await tx.$queryRaw`
    SELECT 1 FROM clinic_patients WHERE clinic_id = ${clinic.id}::uuid AND patient_account_id = ${req.patientAccountId}::uuid FOR UPDATE`;
  const live = await tx.flexibleRequest.count({ where: { clinicId: clinic.id, patientAccountId: req.patientAccountId, status: { in: [...LIVE_STATUSES] } } });
  if (live >= MAX_OPEN_REQUESTS_PER_PATIENT) {
    throw new ConflictError(`There are already ${live} open requests for this patient at this clinic (at most ${MAX_OPEN_REQUESTS_PER_PATIENT}). Cancel one before sending another.`);
  }

  // One end of the window alone means from then until the end of the day, or from the start of it.
  const from = req.preferredFrom ?? (req.preferredTo ? "00:00" : null);
  const to = req.preferredTo ?? (req.preferredFrom ? "24:00" : null);
  const created = await tx.flexibleRequest.create({
    data: {
      clinicId: clinic.id,
      patientAccountId: req.patientAccountId,
      dependentId: req.dependentId ?? null,
      serviceId: req.serviceId,
      doctorId: req.practitionerId ?? null,
      locationId: req.locationId ?? null,
      preferredWeekdays: req.preferredWeekdays,
      preferredFromMinute: from === null ? null : minutesOf(from),
      preferredToMinute: to === null ? null : minutesOf(to),
      earliestDate: req.earliestDate ? new Date(`${req.earliestDate}T00:00:00.000Z`) : null,
      latestDate: req.latestDate ? new Date(`${req.latestDate}T00:00:00.000Z`) : null,
      note: req.note,
    },
    select: { id: true },
  });
  const record = await getFlexibleRequest(tx, clinic, created.id);
  await announce(tx, clinic, "flexible_request.created", record, actor);
  await auditDesk(tx, clinic, actor, "flexible_request.created", record, { serviceId: record.serviceId });
  return record;
}

// ---------------------------------------------------------------------------------------------
// The desk proposes a time

export interface FlexibleRequestChange {
  request: FlexibleRequestRecord;
  /** A waitlist offer this change let go of: hand it to `offerFreedTime` for the next request. */
  releasedOffer: FreedTime | null;
}

/**
 * The desk answers a request with a time. The time must be free now for that doctor (the same check
 * a booking makes); it is not held, so the patient's acceptance books it only if still free. A new
 * proposal replaces an earlier proposal or waitlist offer. It expires after `expiresInHours`, or
 * at the proposed start if that comes first.
 */
export async function proposeTime(tx: Tx, clinic: ClinicRef, input: ProposeTimeInput, actor: Actor, now = new Date()): Promise<FlexibleRequestChange> {
  if (actor.type === "patient") throw new ForbiddenError("Only the clinic can propose a time.");
  const p = parse(proposeTimeSchema, input);
  if (await isSuspended(tx, clinic.id)) throw new ConflictError("The clinic is suspended, so it takes no new bookings: the patient could not book a proposed time.");
  const request = await lockRequest(tx, clinic, p.requestId);
  if (!(LIVE_STATUSES as readonly string[]).includes(request.status)) {
    throw new ConflictError(`This request is ${statusWords[request.status]}; there is nothing to propose a time for.`);
  }
  const slot = await freeSlotAt(tx, clinic, { serviceId: request.serviceId, practitionerId: p.practitionerId, locationId: p.locationId ?? null, start: p.start }, now);
  await lockDoctorOffers(tx, clinic.id, slot.doctorId);
  const taken = await liveProposalOverlapping(tx, clinic.id, slot.doctorId, slot.start, slot.end, now, request.id);
  if (taken) {
    throw new ConflictError(`This time is already proposed or offered to another patient, who has until ${formatDateTime(taken.proposal_expires_at, clinic.timeZone)} to answer. Choose another time.`);
  }

  const expiresAt = new Date(Math.min(now.getTime() + p.expiresInHours * 60 * MINUTE_MS, slot.start.getTime()));
  await tx.flexibleRequest.update({
    where: { clinicId_id: { clinicId: clinic.id, id: request.id } },
    data: {
      status: "proposed",
      proposedStart: slot.start,
      proposedDoctorId: slot.doctorId,
      proposedLocationId: slot.locationId,
      proposedBy: actorLabel(actor),
      proposalExpiresAt: expiresAt,
    },
  });
  const releasedOffer = releasedOfferOf(request);
  const record = await getFlexibleRequest(tx, clinic, request.id);
  await announce(tx, clinic, "flexible_request.proposed", record, actor, { previousStatus: request.status, releasedOffer: freedData(releasedOffer) });
  await auditDesk(tx, clinic, actor, "flexible_request.proposed", record, {
    from: request.status,
    start: slot.start.toISOString(),
    practitionerId: slot.doctorId,
    expiresAt: expiresAt.toISOString(),
  });
  return { request: record, releasedOffer };
}

/**
 * The slot at `start` if it is free now, found the way a booking finds it; otherwise a clear
 * refusal: taken (409), or not a bookable time for this doctor at all (422).
 */
async function isSuspended(tx: Tx, clinicId: string): Promise<boolean> {
  const rows = await tx.$queryRaw<{ status: string }[]>`SELECT status::text FROM clinics WHERE id = ${clinicId}::uuid`;
  return rows[0]?.status === "suspended";
}

async function freeSlotAt(tx: Tx, clinic: ClinicRef, choice: { serviceId: string; practitionerId: string; locationId: string | null; start: Date }, now: Date): Promise<Slot> {
  if (choice.start.getTime() <= now.getTime()) throw new ValidationError("This time is in the past.", [{ path: "start", message: "Must be in the future." }]);
  const window = { from: choice.start, to: new Date(choice.start.getTime() + MINUTE_MS) };
  const match = (slots: Slot[]) => slots.find((s) => s.start.getTime() === choice.start.getTime() && s.doctorId === choice.practitionerId);
  let slots: Slot[];
  try {
    slots = await findSlotsIn(tx, clinic, { serviceId: choice.serviceId, ...window, practitionerId: choice.practitionerId, locationId: choice.locationId, audience: "staff" }, now);
  } catch (error) {
    if (error instanceof NotFoundError) throw new ConflictError("The service of this request is no longer offered, so no time can be proposed for it.");
    throw error;
  }
  const slot = match(slots);
  if (slot) return slot;

  // Why not: read the schedule again to tell a busy time from one that is never bookable.
  const data = await loadScheduleData(prismaQuery(tx), clinic.id, { serviceId: choice.serviceId, practitionerId: choice.practitionerId, locationId: choice.locationId, now, ...window });
  if (data && !data.service.eligibleDoctorIds.includes(choice.practitionerId)) {
    throw new ValidationError("This practitioner does not offer this service (or is not taking bookings now).", [{ path: "practitionerId", message: "Does not offer this service." }]);
  }
  if (data && match(slotsFrom(data, clinic, { ...window, practitionerId: choice.practitionerId, locationId: choice.locationId }, now, { ignoreBusy: true }))) {
    throw new SlotTakenError("This time is no longer free for this practitioner. Choose another time to propose.");
  }
  throw new ValidationError(
    "This time cannot be booked for this service and practitioner: it is outside working hours, off the booking grid, too soon or too far ahead.",
    [{ path: "start", message: "Is not a bookable time." }],
  );
}

// ---------------------------------------------------------------------------------------------
// The patient answers

/**
 * The patient says no. A desk proposal ends the request (`declined`); a waitlist offer only passes
 * on that time, and the request goes back to `open` to wait for the next one.
 */
export async function declineProposal(tx: Tx, clinic: ClinicRef, input: FlexibleRequestRef, actor: Actor): Promise<FlexibleRequestChange> {
  const { requestId } = parse(flexibleRequestRefSchema, input);
  const request = await lockRequest(tx, clinic, requestId);
  assertPatient(request, actor, "decline");
  if (request.status !== "proposed" && request.status !== "offered") {
    throw new ConflictError(`This request is ${statusWords[request.status]}; there is no proposed time to decline.`);
  }
  const status: FlexibleRequestStatus = request.status === "offered" ? "open" : "declined";
  // The proposed_* columns stay: they record what was declined and keep the time from coming back.
  await tx.flexibleRequest.update({ where: { clinicId_id: { clinicId: clinic.id, id: request.id } }, data: { status } });
  const releasedOffer = releasedOfferOf(request);
  const record = await getFlexibleRequest(tx, clinic, request.id);
  await announce(tx, clinic, "flexible_request.declined", record, actor, { previousStatus: request.status, releasedOffer: freedData(releasedOffer) });
  return { request: record, releasedOffer };
}

/**
 * The patient withdraws a request (or the desk does, on the patient's word; that is audited). A
 * request already cancelled is returned as it is, so a repeated click does no harm.
 */
export async function cancelFlexibleRequest(tx: Tx, clinic: ClinicRef, input: FlexibleRequestRef, actor: Actor): Promise<FlexibleRequestChange> {
  const { requestId } = parse(flexibleRequestRefSchema, input);
  const request = await lockRequest(tx, clinic, requestId);
  assertOwner(request, actor);
  if (request.status === "cancelled") return { request, releasedOffer: null };
  if (!(LIVE_STATUSES as readonly string[]).includes(request.status)) {
    throw new ConflictError(
      request.status === "accepted"
        ? "This request was already booked; cancel the appointment instead."
        : `This request is ${statusWords[request.status]} and can no longer be cancelled.`,
    );
  }
  await tx.flexibleRequest.update({ where: { clinicId_id: { clinicId: clinic.id, id: request.id } }, data: { status: "cancelled" } });
  const releasedOffer = releasedOfferOf(request);
  const record = await getFlexibleRequest(tx, clinic, request.id);
  await announce(tx, clinic, "flexible_request.cancelled", record, actor, { previousStatus: request.status, releasedOffer: freedData(releasedOffer) });
  await auditDesk(tx, clinic, actor, "flexible_request.cancelled", record, { from: request.status });
  return { request: record, releasedOffer };
}

// ---------------------------------------------------------------------------------------------
// The waitlist


/**
 * Offers a time that just became free to the oldest open request it fits: same service; the doctor
 * and location asked for (or none); the start's local weekday, time of day and date inside the
 * patient's preferences. The time must still be free and bookable by the patient now, and not
 * already proposed or offered to anyone. One request per freed time; a request that already has an
 * offer is not open, so it waits until that offer is answered or expires. The message itself is
 * sent by the workflow that reads "flexible_request.offered".
 */
export async function offerFreedTime(tx: Tx, clinic: ClinicRef, freedInput: FreedTime, now = new Date(), offerMinutes = DEFAULT_OFFER_MINUTES): Promise<FlexibleRequestRecord | null> {
  const freed = parse(freedTimeSchema, freedInput);
  if (freed.start.getTime() <= now.getTime()) return null;
  // A suspended clinic's site is offline: an offer could not be taken up.
  if (await isSuspended(tx, clinic.id)) return null;
  await lockDoctorOffers(tx, clinic.id, freed.practitionerId);
  if (await liveProposalOverlapping(tx, clinic.id, freed.practitionerId, freed.start, freed.end, now, null)) return null;

  const local = utcToZoned(freed.start, clinic.timeZone);
  // Requests a patient is changing right now are skipped rather than waited for.
  const candidates = await tx.$queryRaw<{ id: string }[]>`
    SELECT f.id::text FROM flexible_requests f
     WHERE f.clinic_id = ${clinic.id}::uuid AND f.status = 'open'
       AND f.service_id = ${freed.serviceId}::uuid
       AND (f.doctor_id IS NULL OR f.doctor_id = ${freed.practitionerId}::uuid)
       AND (f.location_id IS NULL OR f.location_id = ${freed.locationId}::uuid)
       AND (cardinality(f.preferred_weekdays) = 0 OR ${isoWeekday(local.weekday)}::smallint = ANY (f.preferred_weekdays))
       AND (f.preferred_from_minute IS NULL OR (${local.minutes}::int >= f.preferred_from_minute AND ${local.minutes}::int < f.preferred_to_minute))
       AND (f.earliest_date IS NULL OR f.earliest_date <= ${local.date}::date)
       AND (f.latest_date IS NULL OR f.latest_date >= ${local.date}::date)
       AND (f.proposed_start IS DISTINCT FROM ${freed.start}::timestamptz OR f.proposed_doctor_id IS DISTINCT FROM ${freed.practitionerId}::uuid)
     ORDER BY f.created_at, f.id
     LIMIT 1
     FOR UPDATE SKIP LOCKED`;
  const candidate = candidates[0];
  if (!candidate) return null;

  // Offer only what the patient can actually book on the clinic's site now.
  let slots: Slot[];
  try {
    slots = await findSlotsIn(
      tx,
      clinic,
      { serviceId: freed.serviceId, from: freed.start, to: new Date(freed.start.getTime() + MINUTE_MS), practitionerId: freed.practitionerId, locationId: freed.locationId, audience: "public" },
      now,
    );
  } catch (error) {
    if (error instanceof NotFoundError) return null;
    throw error;
  }
  const slot = slots.find((s) => s.start.getTime() === freed.start.getTime() && s.doctorId === freed.practitionerId);
  if (!slot) return null;

  const expiresAt = new Date(Math.min(now.getTime() + offerMinutes * MINUTE_MS, slot.start.getTime()));
  await tx.flexibleRequest.update({
    where: { clinicId_id: { clinicId: clinic.id, id: candidate.id } },
    data: {
      status: "offered",
      proposedStart: slot.start,
      proposedDoctorId: slot.doctorId,
      proposedLocationId: slot.locationId,
      proposedBy: OFFERED_BY,
      proposalExpiresAt: expiresAt,
    },
  });
  const record = await getFlexibleRequest(tx, clinic, candidate.id);
  await announce(tx, clinic, "flexible_request.offered", record, SYSTEM_ACTOR);
  return record;
}

export interface ExpiredProposal {
  requestId: string;
  patientAccountId: string;
  previousStatus: "offered" | "proposed";
  /** `open` for a waitlist offer (the request keeps waiting), `expired` for a desk proposal. */
  status: "open" | "expired";
  /** The time that was put to the patient: still free, so it can be offered to the next request. */
  time: FreedTime;
}

/**
 * Proposals and offers whose answer is due. Offers go back to `open`, desk proposals end as
 * `expired`. The times are returned so the waitlist workflow can pass each on with `offerFreedTime`
 * (the request that let it lapse is not offered it again).
 */
export async function expireOffers(tx: Tx, clinic: ClinicRef, now = new Date()): Promise<ExpiredProposal[]> {
  const rows = await tx.$queryRaw<
    { id: string; previous_status: "offered" | "proposed"; status: "open" | "expired"; patient_account_id: string; service_id: string; proposed_start: Date; proposed_doctor_id: string; proposed_location_id: string; duration_min: number }[]
  >`
    WITH due AS (
      SELECT id, status FROM flexible_requests
       WHERE clinic_id = ${clinic.id}::uuid AND status IN ('offered', 'proposed') AND proposal_expires_at <= ${now}
       FOR UPDATE SKIP LOCKED
    )
    UPDATE flexible_requests f
       SET status = CASE WHEN due.status = 'offered' THEN 'open'::flexible_request_status ELSE 'expired'::flexible_request_status END,
           updated_at = now()
      FROM due, services s
     WHERE f.clinic_id = ${clinic.id}::uuid AND f.id = due.id AND s.clinic_id = f.clinic_id AND s.id = f.service_id
    RETURNING f.id::text, due.status::text AS previous_status, f.status::text AS status, f.patient_account_id::text,
              f.service_id::text, f.proposed_start, f.proposed_doctor_id::text, f.proposed_location_id::text, s.duration_min`;

  const expired: ExpiredProposal[] = [];
  for (const r of rows.sort((a, b) => a.proposed_start.getTime() - b.proposed_start.getTime())) {
    const time: FreedTime = {
      serviceId: r.service_id,
      practitionerId: r.proposed_doctor_id,
      locationId: r.proposed_location_id,
      start: r.proposed_start,
      end: new Date(r.proposed_start.getTime() + r.duration_min * MINUTE_MS),
    };
    expired.push({ requestId: r.id, patientAccountId: r.patient_account_id, previousStatus: r.previous_status, status: r.status, time });
    const record = await getFlexibleRequest(tx, clinic, r.id);
    await announce(tx, clinic, "flexible_request.expired", record, SYSTEM_ACTOR, { previousStatus: r.previous_status, expiredTime: freedData(time) });
  }
  return expired;
}
