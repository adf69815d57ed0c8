/**
 * A doctor's own day and week: their visits on a time grid, their current queue, and the rooms
 * they can call patients to. Reading it lists the day's patients, so it is audited.
 */
import { alertsFor, type PatientAlert } from "~/modules/patients/patient-alerts.server";
import { z } from "zod";
import { recordAudit } from "~/modules/audit/audit.server";
import { auditActorOf, type Actor } from "~/lib/actor";
import { addDays, utcToZoned, weekdayOf, zonedToUtc, type LocalDate, LOCAL_DATE_PATTERN } from "~/lib/zoned-time";
import type { ClinicDb } from "~/utils/db.server";
import { doctorQueue, type QueueTicketView } from "./queue-views.server";
import type { QueueClinic } from "./visit-row.server";
import { ON_THE_DIARY } from "~/lib/appointment-status";

export const dayParam = z
  .string()
  .regex(LOCAL_DATE_PATTERN)
  .refine((d) => !Number.isNaN(new Date(`${d}T12:00:00Z`).getTime()))
  .optional();

export interface DayVisit {
  id: string;
  date: LocalDate;
  startMin: number;
  endMin: number;
  time: string;
  status: string;
  patientName: string;
  patientAccountId: string | null;
  dependentId: string | null;
  serviceName: string;
  locationName: string;
  /** Why the patient comes: the reason chosen when booking, and what they wrote for the clinic. */
  visitReason: string | null;
  patientNote: string | null;
}

export interface DoctorDay {
  day: LocalDate;
  today: LocalDate;
  week: LocalDate[];
  visits: DayVisit[];
  queue: QueueTicketView[];
  locations: { id: string; name: string; rooms: { id: string; name: string }[] }[];
  /** Patient alerts by patient account id, for the account holders seen this week (not family members). */
  alerts: Record<string, PatientAlert[]>;
}


/** Clinics' weeks start on Monday (ISO weeks, as the reports' "this week"). */
export const WEEK_STARTS_ON = "mon" as const;
const WEEK_ORDER = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"] as const;

/** The seven days of the week `day` is in, from the week's first day. */
export function weekOf(day: LocalDate, startsOn: (typeof WEEK_ORDER)[number] = WEEK_STARTS_ON): LocalDate[] {
  const offset = (WEEK_ORDER.indexOf(weekdayOf(day)) - WEEK_ORDER.indexOf(startsOn) + 7) % 7;
  const first = addDays(day, -offset);
  return Array.from({ length: 7 }, (_, i) => addDays(first, i));
}

/**
 * The week "My week" shows. Opened without a day on the week's last day (a Sunday, in a clinic
 * whose week starts on Monday), the doctor is looking ahead: the coming week, not the one ending.
 * A day asked for shows its own week, so clicking a day in the grid never moves the grid.
 */
export function weekShown(day: LocalDate, today: LocalDate, asked: boolean): LocalDate[] {
  const week = weekOf(day);
  if (!asked && day === today && week[6] === today) return weekOf(addDays(today, 1));
  return week;
}

export async function doctorDay(db: ClinicDb, clinic: QueueClinic, doctorId: string, day: LocalDate | undefined, actor: Actor, now = new Date()): Promise<DoctorDay> {
  const today = utcToZoned(now, clinic.timeZone).date;
  const date = day ?? today;
  const week = weekShown(date, today, day !== undefined);
  const from = zonedToUtc(week[0]!, 0, clinic.timeZone);
  const to = zonedToUtc(addDays(week[6]!, 1), 0, clinic.timeZone);
  return db.tx(async (tx) => {
    const rows = await tx.$queryRaw<{ id: string; status: string; starts_at: Date; ends_at: Date; first_name: string | null; last_name: string | null; dep_first: string | null; dep_last: string | null; patient_account_id: string | null; dependent_id: string | null; service_name: string; location_name: string; visit_reason: string | null; patient_note: string | null }[]>`
      SELECT a.id::text, a.status::text, a.starts_at, a.ends_at, coalesce(cp.first_name, p.first_name) AS first_name, coalesce(cp.last_name, p.last_name) AS last_name, d.first_name AS dep_first, d.last_name AS dep_last,
             a.patient_account_id::text, a.dependent_id::text, s.name AS service_name, l.name AS location_name, a.visit_reason, a.patient_note
        FROM appointments a
        JOIN services s ON s.clinic_id = a.clinic_id AND s.id = a.service_id
        JOIN locations l ON l.clinic_id = a.clinic_id AND l.id = a.location_id
        LEFT JOIN patient_accounts p ON p.id = a.patient_account_id
        LEFT JOIN clinic_patients cp ON cp.clinic_id = a.clinic_id AND cp.patient_account_id = a.patient_account_id
        LEFT JOIN dependents d ON d.id = a.dependent_id
       WHERE a.clinic_id = ${clinic.id}::uuid AND a.doctor_id = ${doctorId}::uuid
         AND a.starts_at >= ${from} AND a.starts_at < ${to} AND a.status::text = ANY (${ON_THE_DIARY})
       ORDER BY a.starts_at, a.id`;
    const queue = date === today ? await doctorQueue(tx, clinic, doctorId, now) : [];
    const locations = await tx.$queryRaw<{ id: string; name: string }[]>`
      SELECT l.id::text, l.name FROM locations l
       WHERE l.clinic_id = ${clinic.id}::uuid
         AND EXISTS (SELECT 1 FROM doctor_locations dl WHERE dl.clinic_id = l.clinic_id AND dl.location_id = l.id AND dl.doctor_id = ${doctorId}::uuid)
       ORDER BY l.key, l.id`;
    const rooms = await tx.room.findMany({ where: { clinicId: clinic.id, active: true, locationId: { in: locations.map((l) => l.id) } }, orderBy: { name: "asc" }, select: { id: true, name: true, locationId: true } });
    await recordAudit(tx, {
      clinicId: clinic.id,
      actor: auditActorOf(actor),
      action: "doctor.day_viewed",
      target: { type: "day", id: date },
      request: actor.request ?? null,
      details: { week: week[0], visits: rows.length },
    });
    const holders = [...rows, ...queue.map((t) => ({ patient_account_id: t.patientAccountId, dependent_id: t.dependentId }))].flatMap((r) => (r.patient_account_id && !r.dependent_id ? [r.patient_account_id] : []));
    const alerts = Object.fromEntries(await alertsFor(tx, clinic.id, holders));
    const name = (f: string | null, l: string | null) => [f, l].filter(Boolean).join(" ");
    return {
      day: date,
      today,
      week,
      visits: rows.map((r) => {
        const start = utcToZoned(r.starts_at, clinic.timeZone);
        const end = utcToZoned(r.ends_at, clinic.timeZone);
        const endMin = end.date === start.date ? end.minutes : 24 * 60;
        return {
          id: r.id,
          date: start.date,
          startMin: start.minutes,
          endMin: Math.max(endMin, start.minutes + 5),
          time: `${String(Math.floor(start.minutes / 60)).padStart(2, "0")}:${String(start.minutes % 60).padStart(2, "0")}`,
          status: r.status,
          patientName: r.dep_first ? name(r.dep_first, r.dep_last) : name(r.first_name, r.last_name) || "Patient",
          patientAccountId: r.patient_account_id,
          dependentId: r.dependent_id,
          serviceName: r.service_name,
          locationName: r.location_name,
          visitReason: r.visit_reason,
          patientNote: r.patient_note,
        };
      }),
      queue,
      alerts,
      locations: locations.map((l) => ({ ...l, rooms: rooms.filter((r) => r.locationId === l.id).map(({ id, name }) => ({ id, name })) })),
    };
  });
}
