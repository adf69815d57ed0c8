/**
 * The front desk's read of a stretch of the clinic's time: every appointment in [from, to) with
 * what the board, the calendars and the printed day list show about it (patient, phone, service,
 * doctor, room, where the deposit stands). Holds are not visits and are left out.
 */
import { Prisma } from "~/generated/prisma/client";
import type { Tx } from "~/utils/db.server";
import { isUuid } from "~/modules/scheduling/schedule-data.server";
import { OVERRIDE_WORDS, type OverrideKind } from "~/modules/scheduling/override-booking.server";

export interface DeskAppointment {
  id: string;
  status: string;
  start: Date;
  end: Date;
  serviceId: string;
  serviceName: string;
  doctorId: string;
  doctorName: string;
  roomId: string | null;
  roomName: string | null;
  locationId: string;
  locationName: string;
  patientAccountId: string | null;
  /** The visit is for a family member of the account holder (whose alerts are not theirs). */
  forFamilyMember: boolean;
  patientName: string;
  phone: string | null;
  note: string | null;
  /** The reason the patient chose from the service's list when booking. */
  visitReason: string | null;
  paymentStatus: string;
  depositStatus: string | null;
  depositMinor: number;
  currency: string;
  depositProblem: string | null;
  cancellationReason: string | null;
  cancellationNote: string | null;
  cancelledAt: Date | null;
  channel: string;
  /** The time off or closure this visit falls in ("Sick leave: ..."): the desk must move or cancel it. */
  needsMoving: string | null;
  /** Booked outside the schedule on purpose: what kind and why ("Double-booked on purpose: …"), or null. */
  override: string | null;
}

interface Row {
  id: string;
  status: string;
  starts_at: Date;
  ends_at: Date;
  service_id: string;
  service_name: string;
  doctor_id: string;
  doctor_name: string | null;
  room_id: string | null;
  room_name: string | null;
  location_id: string;
  location_name: string;
  patient_account_id: string | null;
  first_name: string | null;
  last_name: string | null;
  dep_first: string | null;
  dep_last: string | null;
  phone: string | null;
  patient_note: string | null;
  visit_reason: string | null;
  payment_status: string;
  deposit_status: string | null;
  deposit_minor: number;
  currency: string;
  failure_message: string | null;
  cancellation_reason: string | null;
  cancellation_note: string | null;
  cancelled_at: Date | null;
  channel: string;
  needs_moving: string | null;
  override_kind: string | null;
  override_reason: string | null;
}

import { VISIT_STATUSES } from "./statuses";

export { VISIT_STATUSES };

const fullName = (first: string | null, last: string | null) => [first, last].filter(Boolean).join(" ");

export interface DeskAppointmentFilter {
  locationId?: string | null;
  doctorId?: string | null;
  roomId?: string | null;
  serviceId?: string | null;
  statuses?: readonly string[];
  /** Only visits flagged as needing a move. */
  needsMoving?: boolean;
}

/** Appointments starting in [from, to), ordered by start, with the filters applied in SQL. */
export async function deskAppointments(tx: Tx, clinicId: string, range: { from: Date; to: Date }, filter: DeskAppointmentFilter = {}): Promise<DeskAppointment[]> {
  const id = (v: string | null | undefined) => (v && isUuid(v) ? v : null);
  const statuses = (filter.statuses?.length ? filter.statuses : VISIT_STATUSES).filter((s) => (VISIT_STATUSES as readonly string[]).includes(s));
  if (!statuses.length) return [];
  // An id that is not a UUID can match nothing.
  for (const v of [filter.locationId, filter.doctorId, filter.roomId, filter.serviceId]) if (v && !isUuid(v)) return [];
  const rows = await tx.$queryRaw<Row[]>`
    SELECT a.id::text, a.status::text, a.starts_at, a.ends_at, a.service_id::text, s.name AS service_name,
           a.doctor_id::text, u.name AS doctor_name, a.room_id::text, r.name AS room_name, a.location_id::text, l.name AS location_name,
           a.patient_account_id::text, coalesce(cp.first_name, p.first_name) AS first_name, coalesce(cp.last_name, p.last_name) AS last_name,
           d.first_name AS dep_first, d.last_name AS dep_last, p.phone, a.patient_note, a.visit_reason, a.payment_status::text,
           dp.status::text AS deposit_status, a.deposit_minor, a.currency, dp.failure_message,
           a.cancellation_reason::text, a.cancellation_note, a.cancelled_at, a.channel::text,
           CASE WHEN x.id IS NULL THEN NULL ELSE coalesce(x.reason, x.kind::text) END AS needs_moving,
           a.override_kind, a.override_reason
      FROM appointments a
      JOIN services s ON s.clinic_id = a.clinic_id AND s.id = a.service_id
      JOIN locations l ON l.clinic_id = a.clinic_id AND l.id = a.location_id
      LEFT JOIN rooms r ON r.clinic_id = a.clinic_id AND r.id = a.room_id
      LEFT JOIN clinic_memberships m ON m.clinic_id = a.clinic_id AND m.id = a.doctor_id
      LEFT JOIN staff_users u ON u.id = m.staff_user_id
      LEFT JOIN patient_accounts p ON p.id = a.patient_account_id
      LEFT JOIN clinic_patients cp ON cp.clinic_id = a.clinic_id AND cp.patient_account_id = a.patient_account_id
      LEFT JOIN dependents d ON d.id = a.dependent_id
      LEFT JOIN deposits dp ON dp.clinic_id = a.clinic_id AND dp.appointment_id = a.id
      LEFT JOIN schedule_exceptions x ON x.clinic_id = a.clinic_id AND x.id = a.needs_moving_exception_id
     WHERE a.clinic_id = ${clinicId}::uuid AND a.starts_at >= ${range.from} AND a.starts_at < ${range.to}
       AND a.status::text IN (${Prisma.join(statuses)})
       ${id(filter.locationId) ? Prisma.sql`AND a.location_id = ${filter.locationId}::uuid` : Prisma.empty}
       ${id(filter.doctorId) ? Prisma.sql`AND a.doctor_id = ${filter.doctorId}::uuid` : Prisma.empty}
       ${id(filter.roomId) ? Prisma.sql`AND a.room_id = ${filter.roomId}::uuid` : Prisma.empty}
       ${id(filter.serviceId) ? Prisma.sql`AND a.service_id = ${filter.serviceId}::uuid` : Prisma.empty}
       ${filter.needsMoving ? Prisma.sql`AND a.needs_moving_exception_id IS NOT NULL` : Prisma.empty}
     ORDER BY a.starts_at, a.id`;
  return rows.map((r) => {
    const holder = fullName(r.first_name, r.last_name);
    return {
      id: r.id,
      status: r.status,
      start: r.starts_at,
      end: r.ends_at,
      serviceId: r.service_id,
      serviceName: r.service_name,
      doctorId: r.doctor_id,
      doctorName: r.doctor_name ?? "Doctor",
      roomId: r.room_id,
      roomName: r.room_name,
      locationId: r.location_id,
      locationName: r.location_name,
      patientAccountId: r.patient_account_id,
      forFamilyMember: r.dep_first !== null,
      patientName: r.dep_first ? `${fullName(r.dep_first, r.dep_last)} (for ${holder || "the account holder"})` : holder || "Patient",
      phone: r.phone,
      note: r.patient_note,
      visitReason: r.visit_reason,
      paymentStatus: r.payment_status,
      depositStatus: r.deposit_status,
      depositMinor: r.deposit_minor,
      currency: r.currency,
      depositProblem: r.deposit_status === "failed" ? (r.failure_message ?? "The deposit could not be held.") : null,
      cancellationReason: r.cancellation_reason,
      cancellationNote: r.cancellation_note,
      cancelledAt: r.cancelled_at,
      channel: r.channel,
      needsMoving: r.needs_moving,
      override: r.override_kind ? `${OVERRIDE_WORDS[r.override_kind as OverrideKind] ?? r.override_kind}: ${r.override_reason ?? ""}` : null,
    };
  });
}

export interface DeskResources {
  locations: { id: string; name: string }[];
  doctors: { id: string; name: string; workStatus: string | null; locationIds: string[] }[];
  rooms: { id: string; name: string; locationId: string; type: string }[];
  services: { id: string; name: string; durationMin: number; requiresApproval: boolean; depositKind: string; visibility: string }[];
}

/** The clinic's locations, doctors, rooms and services: what the desk's filters and columns list. */
export async function deskResources(tx: Tx, clinicId: string): Promise<DeskResources> {
  const [locations, doctors, doctorLocations, rooms, services] = await oneByOne([
    () => tx.location.findMany({ where: { clinicId }, select: { id: true, name: true }, orderBy: { name: "asc" } }),
    () => tx.clinicMembership.findMany({ where: { clinicId, role: "doctor", active: true }, select: { id: true, workStatus: true, staffUser: { select: { name: true } } } }),
    () => tx.doctorLocation.findMany({ where: { clinicId }, select: { doctorId: true, locationId: true } }),
    () => tx.room.findMany({ where: { clinicId, active: true }, select: { id: true, name: true, locationId: true, type: true }, orderBy: { name: "asc" } }),
    () => tx.service.findMany({ where: { clinicId, visibility: { not: "inactive" } }, select: { id: true, name: true, durationMin: true, requiresApproval: true, depositKind: true, visibility: true }, orderBy: { name: "asc" } }),
  ]);
  return {
    locations,
    doctors: doctors
      .map((d) => ({ id: d.id, name: d.staffUser.name, workStatus: d.workStatus, locationIds: doctorLocations.filter((x) => x.doctorId === d.id).map((x) => x.locationId) }))
      .sort((x, y) => x.name.localeCompare(y.name)),
    rooms: rooms.map((r) => ({ ...r, type: r.type as string })),
    services: services.map((s) => ({ ...s, depositKind: s.depositKind as string, visibility: s.visibility as string })),
  };
}

/**
 * Runs reads of one transaction one after another: a transaction is one connection, which runs one
 * statement at a time anyway, and the driver wants them queued by the caller.
 */
export async function oneByOne<const T extends readonly (() => unknown)[]>(steps: T): Promise<{ -readonly [K in keyof T]: Awaited<ReturnType<T[K]>> }> {
  const out: unknown[] = [];
  for (const step of steps) out.push(await step());
  return out as { -readonly [K in keyof T]: Awaited<ReturnType<T[K]>> };
}
