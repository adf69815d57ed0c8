/**
 * A visit as the queue reads it (appointment, patient, ticket and room in one row), shared by the
 * queue's commands (tickets.server.ts) and its views (queue-views.server.ts).
 */
import type { AppointmentStatus } from "~/generated/prisma/enums";
import type { ClinicRef } from "~/modules/scheduling/slots.server";
import type { Tx } from "~/utils/db.server";
import type { TicketState } from "./rules";

export interface QueueClinic extends ClinicRef {
  slug?: string;
}

export const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export interface VisitRow {
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

export async function readVisit(tx: Tx, clinicId: string, appointmentId: string, lock = false): Promise<VisitRow | null> {
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
export function patientName(v: Pick<VisitRow, "first_name" | "last_name" | "dep_first" | "dep_last">) {
  if (v.dep_first) return `${fullName(v.dep_first, v.dep_last)} (for ${fullName(v.first_name, v.last_name) || "the account holder"})`;
  return fullName(v.first_name, v.last_name) || "Patient";
}
