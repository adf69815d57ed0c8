/**
 * The live queue of a location: checking a visit in gives it a ticket ("A-012", numbered per
 * location and local day), which moves waiting → called (to a room) → in consultation → done, or
 * to "left". The appointment's status moves with it (confirmed → checked_in → in_consultation →
 * completed, or no_show) in the same transaction, through appointment_status_history, the audit
 * log and the outbox like every other status change; each change also notifies the live screens
 * (hub.server.ts), on commit only.
 *
 * A doctor acts on their own patients only: pass `doctorId` (their membership) and any other
 * doctor's visit is "not found".
 */
import type { Prisma } from "~/generated/prisma/client";
import type { AppointmentStatus } from "~/generated/prisma/enums";
import { recordAudit } from "~/modules/audit/audit.server";
import { writeOutboxEvent } from "~/modules/outbox/outbox.server";
import { actorLabel, auditActorOf, type Actor } from "~/lib/actor";
import type { ClinicRef } from "~/modules/scheduling/slots.server";
import { toOffsetIso, utcToZoned, zonedToUtc, addDays, type LocalDate } from "~/lib/zoned-time";
import type { Db, Tx } from "~/utils/db.server";
import { NotFoundError, ValidationError } from "~/utils/errors.server";
import { notifyQueue } from "./hub.server";
import { APPOINTMENT_STATUS_OF, isLate, nextState, prefixFor, selfCheckInWindow, StepRefused, ticketNumber, waitFigures, type QueueStep, type TicketState } from "./rules";

export interface QueueClinic extends ClinicRef {
  slug?: string;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

interface VisitRow {
  id: string;
  status: AppointmentStatus;
  starts_at: Date;
  ends_at: Date;
  doctor_id: string;
  location_id: string;
  service_id: string;
  service_name: string;
  doctor_name: string | null;
  location_name: string;
  patient_account_id: string | null;
  dependent_id: string | null;
  first_name: string | null;
  last_name: string | null;
  dep_first: string | null;
  dep_last: string | null;
  late_at: Date | null;
  no_show_proposed_at: Date | null;
  ticket_id: string | null;
  ticket_state: TicketState | null;
  ticket_prefix: string | null;
  ticket_seq: number | null;
  ticket_called_at: Date | null;
  ticket_room_id: string | null;
  room_name: string | null;
}

async function readVisit(tx: Tx, clinicId: string, appointmentId: string, lock = false): Promise<VisitRow | null> {
  if (!UUID.test(appointmentId)) return null;
  // Lock first, then read: two desks acting on one visit at once take turns and the second sees the first's change.
  if (lock) await tx.$executeRaw`SELECT 1 FROM appointments WHERE clinic_id = ${clinicId}::uuid AND id = ${appointmentId}::uuid FOR UPDATE`;
  const rows = await tx.$queryRaw<VisitRow[]>`
    SELECT a.id::text, a.status, a.starts_at, a.ends_at, a.doctor_id::text, a.location_id::text, a.service_id::text,
           s.name AS service_name, u.name AS doctor_name, l.name AS location_name,
           a.patient_account_id::text, a.dependent_id::text, coalesce(cp.first_name, p.first_name) AS first_name, coalesce(cp.last_name, p.last_name) AS last_name, d.first_name AS dep_first, d.last_name AS dep_last,
           a.late_at, a.no_show_proposed_at,
           t.id::text AS ticket_id, t.state::text AS ticket_state, t.prefix AS ticket_prefix, t.seq AS ticket_seq, t.called_at AS ticket_called_at,
           t.room_id::text AS ticket_room_id, r.name AS room_name
      FROM appointments a
      JOIN services s ON s.clinic_id = a.clinic_id AND s.id = a.service_id
      JOIN locations l ON l.clinic_id = a.clinic_id AND l.id = a.location_id
      LEFT JOIN clinic_memberships m ON m.clinic_id = a.clinic_id AND m.id = a.doctor_id
      LEFT JOIN staff_users u ON u.id = m.staff_user_id
      LEFT JOIN patient_accounts p ON p.id = a.patient_account_id
      LEFT JOIN clinic_patients cp ON cp.clinic_id = a.clinic_id AND cp.patient_account_id = a.patient_account_id
      LEFT JOIN dependents d ON d.id = a.dependent_id
      LEFT JOIN queue_tickets t ON t.clinic_id = a.clinic_id AND t.appointment_id = a.id
      LEFT JOIN rooms r ON r.clinic_id = t.clinic_id AND r.id = t.room_id
     WHERE a.clinic_id = ${clinicId}::uuid AND a.id = ${appointmentId}::uuid
       AND a.status NOT IN ('held', 'hold_expired', 'hold_released')`;
  return rows[0] ?? null;
}

function fullName(first: string | null, last: string | null) {
  return [first, last].filter(Boolean).join(" ");
}

/** The patient's name as staff see it (with the account holder when the visit is for a dependent). */
function patientName(v: Pick<VisitRow, "first_name" | "last_name" | "dep_first" | "dep_last">) {
  if (v.dep_first) return `${fullName(v.dep_first, v.dep_last)} (for ${fullName(v.first_name, v.last_name) || "the account holder"})`;
  return fullName(v.first_name, v.last_name) || "Patient";
}

/** The appointment's status moves, with its history row, audit entry and (for forward steps) outbox event. */
async function moveAppointment(
  tx: Tx,
  clinic: ClinicRef,
  visit: VisitRow,
  to: AppointmentStatus,
  actor: Actor,
  opts: { event?: string; reason?: string | null; audit: string; details?: Record<string, unknown> },
) {
  if (visit.status !== to) {
    await tx.appointment.update({ where: { clinicId_id: { clinicId: clinic.id, id: visit.id } }, data: { status: to } });
    await tx.$executeRaw`INSERT INTO appointment_status_history (clinic_id, appointment_id, from_status, to_status, actor_type, actor_id, reason)
      VALUES (${clinic.id}::uuid, ${visit.id}::uuid, ${visit.status}::appointment_status, ${to}::appointment_status, ${actor.type}, ${actor.id}, ${opts.reason ?? null})`;
    if (opts.event) {
      await writeOutboxEvent(tx, {
        clinicId: clinic.id,
        name: opts.event,
        data: {
          clinicId: clinic.id,
          appointmentId: visit.id,
          status: to,
          serviceId: visit.service_id,
          practitionerId: visit.doctor_id,
          locationId: visit.location_id,
          patientAccountId: visit.patient_account_id,
          dependentId: visit.dependent_id,
          start: visit.starts_at.toISOString(),
          end: visit.ends_at.toISOString(),
          localStart: toOffsetIso(visit.starts_at, clinic.timeZone),
          timeZone: clinic.timeZone,
          rescheduledFromId: null,
          reason: opts.reason ?? null,
          actor: { type: actor.type, id: actor.id },
        },
      });
    }
  }
  await recordAudit(tx, {
    clinicId: clinic.id,
    actor: auditActorOf(actor),
    action: opts.audit,
    target: { type: "appointment", id: visit.id },
    request: actor.request ?? null,
    details: { from: visit.status, to, ...(opts.reason ? { reason: opts.reason } : {}), ...opts.details },
  });
}

export interface CheckInResult {
  ticketId: string;
  number: string;
  late: boolean;
  locationId: string;
}

/**
 * Checks a visit in and gives it the location's next number for the day. The number is allocated
 * under a lock on (clinic, location, day), and the unique key refuses any duplicate besides.
 * Desk check-ins are for today's visits; a patient's own check-in also keeps to its time window.
 */
export async function checkIn(
  db: Db,
  clinic: QueueClinic,
  req: { appointmentId: string; via: "desk" | "self" },
  actor: Actor,
  opts: { doctorId?: string | null; now?: Date } = {},
): Promise<CheckInResult> {
  const now = opts.now ?? new Date();
  return db.forClinic(clinic.id).tx(async (tx) => {
    const visit = await readVisit(tx, clinic.id, req.appointmentId, true);
    if (!visit || (opts.doctorId && visit.doctor_id !== opts.doctorId)) throw new NotFoundError("There is no appointment with this id at this clinic.");
    if (visit.ticket_id) throw new ValidationError(`Already checked in as ${ticketNumber(visit.ticket_prefix!, visit.ticket_seq!)}.`, [{ path: "appointmentId", message: "is already checked in" }]);
    if (visit.status !== "confirmed") throw new ValidationError(`Only a booked visit can be checked in; this one is ${visit.status.replace("_", " ")}.`, [{ path: "appointmentId", message: `is ${visit.status}` }]);
    const today = utcToZoned(now, clinic.timeZone).date;
    const day = utcToZoned(visit.starts_at, clinic.timeZone).date;
    if (req.via === "self") {
      const window = selfCheckInWindow(visit.starts_at, visit.ends_at, now);
      if (!window.open) throw new ValidationError(window.reason === "too_early" ? "Check-in opens an hour before the visit." : "This visit's time is over; please talk to the front desk.", [{ path: "appointmentId", message: window.reason }]);
    } else if (day !== today) {
      throw new ValidationError(`This visit is on ${day}; only today's visits can be checked in.`, [{ path: "appointmentId", message: "is not today" }]);
    }
    await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtextextended(${`queue:${clinic.id}:${visit.location_id}:${day}`}, 0))`;
    const [counter] = await tx.$queryRaw<{ next: number; letter: number }[]>`
      SELECT COALESCE((SELECT max(seq) FROM queue_tickets WHERE clinic_id = ${clinic.id}::uuid AND location_id = ${visit.location_id}::uuid AND local_day = ${day}::date), 0) + 1 AS next,
             (SELECT count(*)::int FROM locations WHERE clinic_id = ${clinic.id}::uuid AND (key, id) < (SELECT key, id FROM locations WHERE clinic_id = ${clinic.id}::uuid AND id = ${visit.location_id}::uuid)) AS letter`;
    const next = Number(counter!.next);
    const letter = Number(counter!.letter);
    if (next > 999) throw new ValidationError("This location has given out 999 numbers today.", [{ path: "appointmentId", message: "no numbers left today" }]);
    const late = Boolean(visit.late_at) || isLate(visit.starts_at, now);
    const prefix = prefixFor(letter);
    const ticket = await tx.queueTicket.create({
      data: {
        clinicId: clinic.id,
        appointmentId: visit.id,
        locationId: visit.location_id,
        doctorId: visit.doctor_id,
        localDay: new Date(`${day}T00:00:00Z`),
        prefix,
        seq: next,
        checkedInVia: req.via,
        late,
        checkedInAt: now,
        checkedInBy: actorLabel(actor),
      },
      select: { id: true },
    });
    const number = ticketNumber(prefix, next);
    await moveAppointment(tx, clinic, visit, "checked_in", actor, { event: "appointment.checked_in", audit: "appointment.checked_in", details: { ticket: number, via: req.via, late } });
    await tx.appointment.update({ where: { clinicId_id: { clinicId: clinic.id, id: visit.id } }, data: { noShowProposedAt: null } });
    await announceNext(tx, clinic, visit.doctor_id, visit.location_id, day, now);
    await notifyQueue(tx, { clinicId: clinic.id, locationId: visit.location_id, kind: "ticket" });
    return { ticketId: ticket.id, number, late, locationId: visit.location_id };
  });
}

export interface StepResult {
  state: TicketState | null;
  number: string;
  message: string;
}

const STEP_MESSAGES: Record<QueueStep, (n: string, room: string | null) => string> = {
  call: (n, room) => `${n} called to ${room ?? "the room"}.`,
  start: (n) => `Visit ${n} started.`,
  finish: (n) => `Visit ${n} finished.`,
  left: (n) => `${n} marked as left without being seen.`,
  undo: (n) => `Last step of ${n} undone.`,
};

/**
 * One step of a checked-in visit. `call` needs a room of the ticket's location. `undo` goes back
 * one step (undoing the check-in itself removes the ticket and books the visit again).
 */
export async function queueStep(
  db: Db,
  clinic: QueueClinic,
  req: { appointmentId: string; step: QueueStep; roomId?: string | null },
  actor: Actor,
  opts: { doctorId?: string | null; now?: Date } = {},
): Promise<StepResult> {
  const now = opts.now ?? new Date();
  return db.forClinic(clinic.id).tx(async (tx) => {
    const visit = await readVisit(tx, clinic.id, req.appointmentId, true);
    if (!visit || (opts.doctorId && visit.doctor_id !== opts.doctorId)) throw new NotFoundError("There is no appointment with this id at this clinic.");
    if (!visit.ticket_id || !visit.ticket_state) throw new ValidationError("This visit has not checked in yet.", [{ path: "appointmentId", message: "is not checked in" }]);
    const number = ticketNumber(visit.ticket_prefix!, visit.ticket_seq!);
    let to: TicketState | null;
    try {
      to = nextState(visit.ticket_state, req.step, Boolean(visit.ticket_called_at));
    } catch (error) {
      if (error instanceof StepRefused) throw new ValidationError(error.message, [{ path: "step", message: error.message }]);
      throw error;
    }
    const day = utcToZoned(visit.starts_at, clinic.timeZone).date;
    const by = actorLabel(actor);
    let roomName: string | null = visit.room_name;
    const where = { clinicId_id: { clinicId: clinic.id, id: visit.ticket_id } };

    if (to === null) {
      // The check-in was a mistake: the visit is booked again and its number given up.
      await tx.queueTicket.delete({ where });
      await moveAppointment(tx, clinic, visit, "confirmed", actor, { reason: "Check-in undone", audit: "queue.step_undone", details: { ticket: number, ticketFrom: visit.ticket_state, ticketTo: null } });
    } else {
      const data: Prisma.QueueTicketUpdateInput = { state: to };
      if (req.step === "call") {
        const room = req.roomId && UUID.test(req.roomId) ? await tx.room.findFirst({ where: { clinicId: clinic.id, id: req.roomId, locationId: visit.location_id, active: true }, select: { id: true, name: true } }) : null;
        if (!room) throw new ValidationError("Choose a room of this location to call the patient to.", [{ path: "roomId", message: "Choose a room" }]);
        Object.assign(data, { roomId: room.id, calledAt: now, calledBy: by });
        roomName = room.name;
      } else if (req.step === "start") Object.assign(data, { startedAt: now, startedBy: by });
      else if (req.step === "finish") Object.assign(data, { finishedAt: now, finishedBy: by });
      else if (req.step === "left") Object.assign(data, { leftAt: now, leftBy: by });
      else {
        // Undo clears the step being taken back.
        if (visit.ticket_state === "called") Object.assign(data, { roomId: null, calledAt: null, calledBy: null });
        if (visit.ticket_state === "in_consultation") Object.assign(data, { startedAt: null, startedBy: null });
        if (visit.ticket_state === "done") Object.assign(data, { finishedAt: null, finishedBy: null });
        if (visit.ticket_state === "left" || visit.ticket_state === "no_show") Object.assign(data, { leftAt: null, leftBy: null });
      }
      await tx.queueTicket.update({ where, data });
      const status = APPOINTMENT_STATUS_OF[to];
      const forward = req.step !== "undo";
      const event = forward ? ({ start: "appointment.started", finish: "appointment.completed", left: "appointment.no_show", call: undefined } as const)[req.step as Exclude<QueueStep, "undo">] : undefined;
      await moveAppointment(tx, clinic, visit, status, actor, {
        event,
        reason: req.step === "left" ? "Left before being seen" : req.step === "undo" ? "Queue step undone" : null,
        audit: forward ? `queue.${req.step === "left" ? "left" : req.step === "call" ? "called" : req.step === "start" ? "started" : "finished"}` : "queue.step_undone",
        details: { ticket: number, ticketFrom: visit.ticket_state, ticketTo: to, ...(req.step === "call" ? { room: roomName } : {}) },
      });
    }
    await announceNext(tx, clinic, visit.doctor_id, visit.location_id, day, now);
    await notifyQueue(tx, { clinicId: clinic.id, locationId: visit.location_id, kind: "ticket" });
    return { state: to, number, message: STEP_MESSAGES[req.step](number, roomName) };
  });
}

/**
 * "You're next": the first patient waiting for a doctor is told once (the youre-next workflow sends
 * the message on `queue.youre_next`, through the outbox so it goes out only if this commits).
 */
async function announceNext(tx: Tx, clinic: ClinicRef, doctorId: string, locationId: string, day: LocalDate, now: Date) {
  const rows = await tx.$queryRaw<{ id: string; appointment_id: string; youre_next_at: Date | null }[]>`
    SELECT t.id::text, t.appointment_id::text, t.youre_next_at
      FROM queue_tickets t JOIN appointments a ON a.clinic_id = t.clinic_id AND a.id = t.appointment_id
     WHERE t.clinic_id = ${clinic.id}::uuid AND t.doctor_id = ${doctorId}::uuid AND t.location_id = ${locationId}::uuid
       AND t.local_day = ${day}::date AND t.state = 'waiting'
     ORDER BY a.starts_at, t.checked_in_at, t.seq
     LIMIT 1`;
  const first = rows[0];
  if (!first || first.youre_next_at) return;
  await tx.queueTicket.update({ where: { clinicId_id: { clinicId: clinic.id, id: first.id } }, data: { youreNextAt: now } });
  await writeOutboxEvent(tx, { clinicId: clinic.id, name: "queue.youre_next", data: { clinicId: clinic.id, appointmentId: first.appointment_id, ticketId: first.id } });
}

// ---------------------------------------------------------------------------------------------
// Reading the queue

interface TicketRow {
  ticket_id: string;
  appointment_id: string;
  state: TicketState;
  prefix: string;
  seq: number;
  doctor_id: string;
  doctor_name: string | null;
  room_id: string | null;
  room_name: string | null;
  checked_in_via: string;
  late: boolean;
  checked_in_at: Date;
  called_at: Date | null;
  started_at: Date | null;
  finished_at: Date | null;
  left_at: Date | null;
  starts_at: Date;
  ends_at: Date;
  service_name: string;
  first_name: string | null;
  last_name: string | null;
  dep_first: string | null;
  dep_last: string | null;
  patient_account_id: string | null;
  dependent_id: string | null;
}

async function ticketsOfDay(tx: Tx, clinicId: string, day: LocalDate, filter: { locationId?: string; doctorId?: string; appointmentIds?: string[] }): Promise<TicketRow[]> {
  return tx.$queryRaw<TicketRow[]>`
    SELECT t.id::text AS ticket_id, t.appointment_id::text, t.state::text AS state, t.prefix, t.seq, t.doctor_id::text, u.name AS doctor_name,
           t.room_id::text, r.name AS room_name, t.checked_in_via, t.late, t.checked_in_at, t.called_at, t.started_at, t.finished_at, t.left_at,
           a.starts_at, a.ends_at, s.name AS service_name, coalesce(cp.first_name, p.first_name) AS first_name, coalesce(cp.last_name, p.last_name) AS last_name, d.first_name AS dep_first, d.last_name AS dep_last,
           a.patient_account_id::text, a.dependent_id::text
      FROM queue_tickets t
      JOIN appointments a ON a.clinic_id = t.clinic_id AND a.id = t.appointment_id
      JOIN services s ON s.clinic_id = a.clinic_id AND s.id = a.service_id
      LEFT JOIN clinic_memberships m ON m.clinic_id = t.clinic_id AND m.id = t.doctor_id
      LEFT JOIN staff_users u ON u.id = m.staff_user_id
      LEFT JOIN rooms r ON r.clinic_id = t.clinic_id AND r.id = t.room_id
      LEFT JOIN patient_accounts p ON p.id = a.patient_account_id
      LEFT JOIN clinic_patients cp ON cp.clinic_id = a.clinic_id AND cp.patient_account_id = a.patient_account_id
      LEFT JOIN dependents d ON d.id = a.dependent_id
     WHERE t.clinic_id = ${clinicId}::uuid AND t.local_day = ${day}::date
       AND (${filter.locationId ?? null}::uuid IS NULL OR t.location_id = ${filter.locationId ?? null}::uuid)
       AND (${filter.doctorId ?? null}::uuid IS NULL OR t.doctor_id = ${filter.doctorId ?? null}::uuid)
     ORDER BY a.starts_at, t.checked_in_at, t.seq`;
}

function figuresOf(rows: TicketRow[], now: Date) {
  return waitFigures(
    rows.map((r) => ({ id: r.ticket_id, doctorId: r.doctor_id, state: r.state, start: r.starts_at, durationMin: Math.round((r.ends_at.getTime() - r.starts_at.getTime()) / 60_000), checkedInAt: r.checked_in_at, seq: r.seq, startedAt: r.started_at })),
    now,
  );
}

export interface QueueTicketView {
  ticketId: string;
  appointmentId: string;
  number: string;
  state: TicketState;
  patientName: string;
  patientAccountId: string | null;
  /** The family member the visit is for, when it is not the account holder. */
  dependentId: string | null;
  serviceName: string;
  doctorId: string;
  doctorName: string;
  roomName: string | null;
  time: string;
  checkedInVia: string;
  late: boolean;
  checkedInAt: string;
  position: number | null;
  estimatedWaitMin: number | null;
  /** The time of the last step, HH:MM local. */
  since: string;
}

export interface ArrivalView {
  appointmentId: string;
  time: string;
  patientName: string;
  serviceName: string;
  doctorId: string;
  doctorName: string;
  late: boolean;
  noShowProposed: boolean;
}

export interface LocationQueue {
  day: LocalDate;
  tickets: QueueTicketView[];
  /** Today's booked visits at this location not checked in yet. */
  arrivals: ArrivalView[];
  rooms: { id: string; name: string }[];
}

function hhmm(at: Date, timeZone: string) {
  const m = utcToZoned(at, timeZone).minutes;
  return `${String(Math.floor(m / 60)).padStart(2, "0")}:${String(m % 60).padStart(2, "0")}`;
}

function toTicketView(r: TicketRow, figures: ReturnType<typeof figuresOf>, timeZone: string): QueueTicketView {
  const f = figures.get(r.ticket_id);
  const last = r.finished_at ?? r.left_at ?? r.started_at ?? r.called_at ?? r.checked_in_at;
  return {
    ticketId: r.ticket_id,
    appointmentId: r.appointment_id,
    number: ticketNumber(r.prefix, r.seq),
    state: r.state,
    patientName: patientName(r),
    patientAccountId: r.patient_account_id,
    dependentId: r.dependent_id,
    serviceName: r.service_name,
    doctorId: r.doctor_id,
    doctorName: r.doctor_name ?? "",
    roomName: r.room_name,
    time: hhmm(r.starts_at, timeZone),
    checkedInVia: r.checked_in_via,
    late: r.late,
    checkedInAt: hhmm(r.checked_in_at, timeZone),
    position: f?.position ?? null,
    estimatedWaitMin: f?.estimatedWaitMin ?? null,
    since: hhmm(last, timeZone),
  };
}

/**
 * The desk's (or a doctor's) view of one location today: tickets with positions and waits, the
 * visits still to arrive, and the rooms to call to. A list of the day's patients, so audited.
 */
export async function locationQueue(db: Db, clinic: QueueClinic, locationId: string, actor: Actor, opts: { doctorId?: string | null; now?: Date } = {}): Promise<LocationQueue> {
  const now = opts.now ?? new Date();
  const day = utcToZoned(now, clinic.timeZone).date;
  const from = zonedToUtc(day, 0, clinic.timeZone);
  const to = zonedToUtc(addDays(day, 1), 0, clinic.timeZone);
  return db.forClinic(clinic.id).tx(async (tx) => {
    const all = await ticketsOfDay(tx, clinic.id, day, { locationId });
    const figures = figuresOf(all, now);
    const shown = opts.doctorId ? all.filter((r) => r.doctor_id === opts.doctorId) : all;
    const arrivals = await tx.$queryRaw<(Omit<VisitRow, "ticket_id" | "ticket_state" | "ticket_prefix" | "ticket_seq" | "ticket_called_at" | "ticket_room_id" | "room_name">)[]>`
      SELECT a.id::text, a.status, a.starts_at, a.ends_at, a.doctor_id::text, a.location_id::text, a.service_id::text, s.name AS service_name, u.name AS doctor_name, '' AS location_name,
             a.patient_account_id::text, a.dependent_id::text, coalesce(cp.first_name, p.first_name) AS first_name, coalesce(cp.last_name, p.last_name) AS last_name, d.first_name AS dep_first, d.last_name AS dep_last, a.late_at, a.no_show_proposed_at
        FROM appointments a
        JOIN services s ON s.clinic_id = a.clinic_id AND s.id = a.service_id
        LEFT JOIN clinic_memberships m ON m.clinic_id = a.clinic_id AND m.id = a.doctor_id
        LEFT JOIN staff_users u ON u.id = m.staff_user_id
        LEFT JOIN patient_accounts p ON p.id = a.patient_account_id
        LEFT JOIN clinic_patients cp ON cp.clinic_id = a.clinic_id AND cp.patient_account_id = a.patient_account_id
        LEFT JOIN dependents d ON d.id = a.dependent_id
       WHERE a.clinic_id = ${clinic.id}::uuid AND a.location_id = ${locationId}::uuid AND a.status = 'confirmed'
         AND a.starts_at >= ${from} AND a.starts_at < ${to}
         AND (${opts.doctorId ?? null}::uuid IS NULL OR a.doctor_id = ${opts.doctorId ?? null}::uuid)
       ORDER BY a.starts_at, a.id`;
    const rooms = await tx.room.findMany({ where: { clinicId: clinic.id, locationId, active: true }, orderBy: [{ name: "asc" }], select: { id: true, name: true } });
    await recordAudit(tx, {
      clinicId: clinic.id,
      actor: auditActorOf(actor),
      action: "queue.viewed",
      target: { type: "location", id: locationId },
      request: actor.request ?? null,
      details: { day, tickets: shown.length, arrivals: arrivals.length },
    });
    return {
      day,
      tickets: shown.map((r) => toTicketView(r, figures, clinic.timeZone)),
      arrivals: arrivals.map((a) => ({
        appointmentId: a.id,
        time: hhmm(a.starts_at, clinic.timeZone),
        patientName: patientName(a),
        serviceName: a.service_name,
        doctorId: a.doctor_id,
        doctorName: a.doctor_name ?? "",
        late: Boolean(a.late_at) || isLate(a.starts_at, now),
        noShowProposed: Boolean(a.no_show_proposed_at),
      })),
      rooms,
    };
  });
}

/** The queue of one doctor today, over all locations (for My day). Audited by the caller's page view. */
export async function doctorQueue(tx: Tx, clinic: QueueClinic, doctorId: string, now: Date): Promise<QueueTicketView[]> {
  const day = utcToZoned(now, clinic.timeZone).date;
  const rows = await ticketsOfDay(tx, clinic.id, day, { doctorId });
  // Positions count everyone waiting for this doctor, which is all of `rows`.
  return rows.map((r) => toTicketView(r, figuresOf(rows, now), clinic.timeZone));
}

export interface BoardView {
  day: LocalDate;
  /** Called to a room, newest call first. */
  called: { number: string; initials: string; room: string }[];
  inConsultation: { number: string; room: string }[];
  waiting: { number: string; initials: string }[];
}

/**
 * What the waiting-room screen shows: ticket numbers and initials, and which room each called
 * ticket goes to. Nothing else about anyone.
 */
export async function boardView(db: Db, clinic: QueueClinic, locationId: string, now = new Date()): Promise<BoardView> {
  const day = utcToZoned(now, clinic.timeZone).date;
  const rows = await db.forClinic(clinic.id).tx((tx) => ticketsOfDay(tx, clinic.id, day, { locationId }));
  const initials = (r: TicketRow) => {
    const first = r.dep_first ?? r.first_name;
    const last = r.dep_first ? r.dep_last : r.last_name;
    return [first, last].map((n) => (n ?? "").trim().charAt(0).toUpperCase()).filter(Boolean).map((l) => `${l}.`).join(" ") || "—";
  };
  return {
    day,
    called: rows
      .filter((r) => r.state === "called")
      .sort((a, b) => (b.called_at?.getTime() ?? 0) - (a.called_at?.getTime() ?? 0))
      .map((r) => ({ number: ticketNumber(r.prefix, r.seq), initials: initials(r), room: r.room_name ?? "" })),
    inConsultation: rows.filter((r) => r.state === "in_consultation").map((r) => ({ number: ticketNumber(r.prefix, r.seq), room: r.room_name ?? "" })),
    waiting: rows.filter((r) => r.state === "waiting").map((r) => ({ number: ticketNumber(r.prefix, r.seq), initials: initials(r) })),
  };
}

export interface PatientQueueView {
  appointmentId: string;
  locationId: string;
  serviceName: string;
  doctorName: string;
  locationName: string;
  start: Date;
  end: Date;
  status: AppointmentStatus;
  ticket: { number: string; state: TicketState; room: string | null; position: number | null; estimatedWaitMin: number | null } | null;
  forName: string | null;
  patientAccountId: string | null;
}

/** The patient's own visit and place in line, from their check-in link. */
export async function patientQueueView(db: Db, clinic: QueueClinic, appointmentId: string, now = new Date()): Promise<PatientQueueView | null> {
  return db.forClinic(clinic.id).tx(async (tx) => {
    const visit = await readVisit(tx, clinic.id, appointmentId);
    if (!visit) return null;
    let ticket: PatientQueueView["ticket"] = null;
    if (visit.ticket_id) {
      const day = utcToZoned(visit.starts_at, clinic.timeZone).date;
      const rows = await ticketsOfDay(tx, clinic.id, day, { doctorId: visit.doctor_id, locationId: visit.location_id });
      const f = figuresOf(rows, now).get(visit.ticket_id);
      ticket = { number: ticketNumber(visit.ticket_prefix!, visit.ticket_seq!), state: visit.ticket_state!, room: visit.room_name, position: f?.position ?? null, estimatedWaitMin: f?.estimatedWaitMin ?? null };
    }
    return {
      appointmentId: visit.id,
      locationId: visit.location_id,
      serviceName: visit.service_name,
      doctorName: visit.doctor_name ?? "your practitioner",
      locationName: visit.location_name,
      start: visit.starts_at,
      end: visit.ends_at,
      status: visit.status,
      ticket,
      forName: visit.dep_first,
      patientAccountId: visit.patient_account_id,
    };
  });
}

// ---------------------------------------------------------------------------------------------
// Flags set by the workflows

/** Not checked in 10 minutes after the start: the desk's screens show the visit as late. */
export async function flagLate(db: Db, clinicId: string, appointmentId: string, now = new Date()): Promise<{ flagged: boolean; reason?: string }> {
  return db.forClinic(clinicId).tx(async (tx) => {
    const visit = await readVisit(tx, clinicId, appointmentId, true);
    if (!visit) return { flagged: false, reason: "gone" };
    if (visit.status !== "confirmed") return { flagged: false, reason: `appointment is ${visit.status}` };
    if (visit.late_at) return { flagged: false, reason: "already flagged" };
    await tx.appointment.update({ where: { clinicId_id: { clinicId, id: appointmentId } }, data: { lateAt: now } });
    await recordAudit(tx, { clinicId, actor: { type: "system" }, action: "queue.late_flagged", target: { type: "appointment", id: appointmentId }, details: { start: visit.starts_at.toISOString() } });
    await notifyQueue(tx, { clinicId, locationId: visit.location_id, kind: "flag" });
    return { flagged: true };
  });
}

/**
 * Not checked in by the visit's end: proposed to the desk as a no-show. Only a proposal: the desk
 * confirms it (which charges a held deposit) or the patient turns up and is checked in.
 */
export async function proposeNoShow(db: Db, clinicId: string, appointmentId: string, now = new Date()): Promise<{ proposed: boolean; reason?: string }> {
  return db.forClinic(clinicId).tx(async (tx) => {
    const visit = await readVisit(tx, clinicId, appointmentId, true);
    if (!visit) return { proposed: false, reason: "gone" };
    if (visit.status !== "confirmed") return { proposed: false, reason: `appointment is ${visit.status}` };
    if (visit.no_show_proposed_at) return { proposed: false, reason: "already proposed" };
    await tx.appointment.update({ where: { clinicId_id: { clinicId, id: appointmentId } }, data: { noShowProposedAt: now } });
    await recordAudit(tx, { clinicId, actor: { type: "system" }, action: "queue.no_show_proposed", target: { type: "appointment", id: appointmentId }, details: { end: visit.ends_at.toISOString() } });
    await notifyQueue(tx, { clinicId, locationId: visit.location_id, kind: "flag" });
    return { proposed: true };
  });
}

/** The desk keeps a visit that was proposed as a no-show (the patient called, or came after all). */
export async function dismissNoShowProposal(db: Db, clinic: QueueClinic, appointmentId: string, actor: Actor): Promise<void> {
  await db.forClinic(clinic.id).tx(async (tx) => {
    const visit = await readVisit(tx, clinic.id, appointmentId, true);
    if (!visit || !visit.no_show_proposed_at) throw new NotFoundError("There is no proposed no-show for this visit.");
    await tx.appointment.update({ where: { clinicId_id: { clinicId: clinic.id, id: appointmentId } }, data: { noShowProposedAt: null } });
    await recordAudit(tx, { clinicId: clinic.id, actor: auditActorOf(actor), action: "queue.no_show_dismissed", target: { type: "appointment", id: appointmentId }, request: actor.request ?? null });
    await notifyQueue(tx, { clinicId: clinic.id, locationId: visit.location_id, kind: "flag" });
  });
}

/**
 * The doctor calls whoever is first in their line at the room's location. Another screen may have
 * called that patient a moment earlier; the step itself then refuses, and the doctor tries again.
 */
export async function callNext(db: Db, clinic: QueueClinic, doctorId: string, roomId: string, actor: Actor, now = new Date()): Promise<StepResult> {
  const next = await db.forClinic(clinic.id).tx(async (tx) => {
    const room = UUID.test(roomId) ? await tx.room.findFirst({ where: { clinicId: clinic.id, id: roomId, active: true }, select: { locationId: true } }) : null;
    if (!room) throw new ValidationError("Choose a room to call the patient to.", [{ path: "roomId", message: "Choose a room" }]);
    const day = utcToZoned(now, clinic.timeZone).date;
    const rows = await tx.$queryRaw<{ appointment_id: string }[]>`
      SELECT t.appointment_id::text FROM queue_tickets t JOIN appointments a ON a.clinic_id = t.clinic_id AND a.id = t.appointment_id
       WHERE t.clinic_id = ${clinic.id}::uuid AND t.doctor_id = ${doctorId}::uuid AND t.location_id = ${room.locationId}::uuid
         AND t.local_day = ${day}::date AND t.state = 'waiting'
       ORDER BY a.starts_at, t.checked_in_at, t.seq LIMIT 1`;
    return rows[0]?.appointment_id ?? null;
  });
  if (!next) throw new ValidationError("No one is waiting for you at this location.", [{ path: "roomId", message: "no one waiting" }]);
  return queueStep(db, clinic, { appointmentId: next, step: "call", roomId }, actor, { doctorId, now });
}
