/**
 * Reading the live queue: a location's tickets and arrivals for the desk, a doctor's own patients,
 * the waiting-room board (initials only) and a patient's own place in line. The commands that move
 * tickets are in tickets.server.ts.
 */
import type { AppointmentStatus } from "~/generated/prisma/enums";
import { recordAudit } from "~/modules/audit/audit.server";
import { auditActorOf, type Actor } from "~/lib/actor";
import { addDays, utcToZoned, zonedToUtc, type LocalDate } from "~/lib/zoned-time";
import type { ClinicDb, Tx } from "~/utils/db.server";
import { isLate, ticketNumber, waitFigures, type TicketState } from "./rules";
import { alertsFor, type PatientAlert } from "~/modules/patients/patient-alerts.server";
import { patientName, readVisit, type QueueClinic, type VisitRow } from "./visit-row.server";

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
  patientAccountId: string | null;
  forFamilyMember: boolean;
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
  /** Patient alerts by patient account id, for the account holders on this queue (not family members). */
  alerts: Record<string, PatientAlert[]>;
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
export async function locationQueue(db: ClinicDb, clinic: QueueClinic, locationId: string, actor: Actor, opts: { doctorId?: string | null; now?: Date } = {}): Promise<LocationQueue> {
  const now = opts.now ?? new Date();
  const day = utcToZoned(now, clinic.timeZone).date;
  const from = zonedToUtc(day, 0, clinic.timeZone);
  const to = zonedToUtc(addDays(day, 1), 0, clinic.timeZone);
  return db.tx(async (tx) => {
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
    const holders = [...shown, ...arrivals].flatMap((r) => (r.patient_account_id && !r.dependent_id ? [r.patient_account_id] : []));
    const alerts = Object.fromEntries(await alertsFor(tx, clinic.id, holders));
    return {
      day,
      alerts,
      tickets: shown.map((r) => toTicketView(r, figures, clinic.timeZone)),
      arrivals: arrivals.map((a) => ({
        appointmentId: a.id,
        time: hhmm(a.starts_at, clinic.timeZone),
        patientName: patientName(a),
        patientAccountId: a.patient_account_id,
        forFamilyMember: a.dependent_id !== null,
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
export async function boardView(db: ClinicDb, clinic: QueueClinic, locationId: string, now = new Date()): Promise<BoardView> {
  const day = utcToZoned(now, clinic.timeZone).date;
  const rows = await db.tx((tx) => ticketsOfDay(tx, clinic.id, day, { locationId }));
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
export async function patientQueueView(db: ClinicDb, clinic: QueueClinic, appointmentId: string, now = new Date()): Promise<PatientQueueView | null> {
  return db.tx(async (tx) => {
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

