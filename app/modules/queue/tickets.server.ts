/**
 * The live queue of a location: checking a visit in gives it a ticket ("A-012", numbered per
 * location and local day), which moves waiting → called (to a room) → in consultation → done, or
 * to "left". The appointment's status moves with it (confirmed → checked_in → in_consultation →
 * completed, or no_show) in the same transaction, through appointment_status_history, the audit
 * log and the outbox like every other status change; each change also notifies the live screens
 * (hub.server.ts), on commit only.
 *
 * A doctor acts on their own patients only: pass `doctorId` (their membership) and any other
 * doctor's visit is "not found". Reading the queue (the desk's list, the board, a patient's place)
 * is in queue-views.server.ts.
 */
import type { Prisma } from "~/generated/prisma/client";
import type { AppointmentStatus } from "~/generated/prisma/enums";
import { recordAudit } from "~/modules/audit/audit.server";
import { writeOutboxEvent } from "~/modules/outbox/outbox.server";
import { actorLabel, auditActorOf, type Actor } from "~/lib/actor";
import type { ClinicRef } from "~/modules/scheduling/slots.server";
import { toOffsetIso, utcToZoned, zonedToUtc, type LocalDate } from "~/lib/zoned-time";
import type { ClinicDb, Tx } from "~/utils/db.server";
import { NotFoundError, ValidationError } from "~/utils/errors.server";
import { notifyQueue } from "./hub.server";
import { readVisit, UUID, type QueueClinic, type VisitRow } from "./visit-row.server";
import { formatLocalDay, formatTime } from "~/lib/format";
import { minutesOf, parseOpeningHours } from "~/modules/tenancy/opening-hours";
import { earlyCheckIn, earlyWords } from "./rules";
import { APPOINTMENT_STATUS_OF, isLate, nextState, prefixFor, selfCheckInWindow, StepRefused, ticketNumber, type QueueStep, type TicketState } from "./rules";

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

/** A desk check-in hours early, or before the location opens: the desk must say yes first (`confirmEarly`). */
export class EarlyCheckInError extends ValidationError {
  constructor(
    message: string,
    readonly appointmentId: string,
  ) {
    super(message, [{ path: "confirmEarly", message: "needs a yes" }]);
  }
}

/** When the visit's location opens on the visit's local day, or null when it is closed all that day. */
async function opensAt(tx: Tx, clinic: ClinicRef, locationId: string, day: LocalDate): Promise<Date | null> {
  const [row] = await tx.$queryRaw<{ opening_hours: unknown }[]>`SELECT opening_hours FROM locations WHERE clinic_id = ${clinic.id}::uuid AND id = ${locationId}::uuid`;
  const weekday = utcToZoned(zonedToUtc(day, 12 * 60, clinic.timeZone), clinic.timeZone).weekday;
  const first = parseOpeningHours(row?.opening_hours)[weekday][0];
  return first ? zonedToUtc(day, minutesOf(first.open), clinic.timeZone) : null;
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
  db: ClinicDb,
  clinic: QueueClinic,
  req: { appointmentId: string; via: "desk" | "self"; /** The desk said yes to checking in hours early. */ confirmEarly?: boolean },
  actor: Actor,
  opts: { doctorId?: string | null; now?: Date } = {},
): Promise<CheckInResult> {
  return db.tx((tx) => checkInWithin(tx, clinic, req, actor, opts));
}

/** The same check-in inside the caller's transaction (a walk-in is booked and checked in as one change). */
export async function checkInWithin(
  tx: Tx,
  clinic: QueueClinic,
  req: { appointmentId: string; via: "desk" | "self"; confirmEarly?: boolean },
  actor: Actor,
  opts: { doctorId?: string | null; now?: Date } = {},
): Promise<CheckInResult> {
  const now = opts.now ?? new Date();
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
    throw new ValidationError(`This visit is on ${formatLocalDay(day)}; only today's visits can be checked in.`, [{ path: "appointmentId", message: "is not today" }]);
  } else if (!req.confirmEarly) {
    const opening = await opensAt(tx, clinic, visit.location_id, day);
    const early = earlyCheckIn(visit.starts_at, now, opening);
    if (early) {
      const why = early.beforeOpening && opening ? `${visit.location_name} opens at ${formatTime(opening, clinic.timeZone)}` : "";
      throw new EarlyCheckInError(`Check in now, ${earlyWords(early.minutes)} early? The visit starts at ${formatTime(visit.starts_at, clinic.timeZone)}${why ? ` and ${why}` : ""}.`, visit.id);
    }
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
  db: ClinicDb,
  clinic: QueueClinic,
  req: { appointmentId: string; step: QueueStep; roomId?: string | null },
  actor: Actor,
  opts: { doctorId?: string | null; now?: Date } = {},
): Promise<StepResult> {
  const now = opts.now ?? new Date();
  return db.tx(async (tx) => {
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

/** Not checked in 10 minutes after the start: the desk's screens show the visit as late. */
export async function flagLate(db: ClinicDb, appointmentId: string, now = new Date()): Promise<{ flagged: boolean; reason?: string }> {
  const clinicId = db.clinicId;
  return db.tx(async (tx) => {
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
export async function proposeNoShow(db: ClinicDb, appointmentId: string, now = new Date()): Promise<{ proposed: boolean; reason?: string }> {
  const clinicId = db.clinicId;
  return db.tx(async (tx) => {
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
export async function dismissNoShowProposal(db: ClinicDb, clinic: QueueClinic, appointmentId: string, actor: Actor): Promise<void> {
  await db.tx(async (tx) => {
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
export async function callNext(db: ClinicDb, clinic: QueueClinic, doctorId: string, roomId: string, actor: Actor, now = new Date()): Promise<StepResult> {
  const next = await db.tx(async (tx) => {
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
