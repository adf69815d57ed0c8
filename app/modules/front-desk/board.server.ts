/**
 * Today's board at the front desk: the day's visits by doctor or by room, and what needs the desk —
 * requests waiting for approval, flexible-schedule requests still open, deposits that failed,
 * the day's cancellations, patients who are late, and the free time left per doctor.
 * Opening it shows a day's patients, so it is written to the audit log like the visits list.
 */
import { z } from "zod";
import { recordAudit } from "~/modules/audit/audit.server";
import type { Actor } from "~/lib/actor";
import { listFlexibleRequests, type FlexibleRequestRecord } from "~/modules/scheduling/flexible-requests.server";
import type { ClinicRef } from "~/modules/scheduling/slots.server";
import { addDays, utcToZoned, zonedToUtc, type LocalDate, LOCAL_DATE_PATTERN } from "~/lib/zoned-time";
import type { ClinicDb } from "~/utils/db.server";
import { deskAppointments, deskResources, type DeskAppointment, type DeskResources } from "./desk-appointments.server";
import { LATE_GRACE_MIN } from "~/modules/queue/rules";
import { freeGapsOfDay, type DoctorGaps } from "./free-gaps.server";
import { ON_THE_DIARY, statusIs } from "~/lib/appointment-status";
import { CARD_PROBLEM_VISIT_STATUSES, countWindow, deskCounts, isCardProblem, type DeskCounts } from "~/modules/reports/desk-counts.server";
import { alertsFor, type PatientAlert } from "~/modules/patients/patient-alerts.server";

/** The alerts of each visit's patient, by patient account; a family member's visit has none of the holder's. */
export async function alertsOfVisits(tx: Parameters<typeof alertsFor>[0], clinicId: string, visits: readonly Pick<DeskAppointment, "patientAccountId" | "forFamilyMember">[]): Promise<Record<string, PatientAlert[]>> {
  const ids = visits.flatMap((v) => (v.patientAccountId && !v.forFamilyMember ? [v.patientAccountId] : []));
  return Object.fromEntries(await alertsFor(tx, clinicId, ids));
}

/** A visit's alerts from `alertsOfVisits`. */
export function visitAlerts(alerts: Record<string, PatientAlert[]>, v: Pick<DeskAppointment, "patientAccountId" | "forFamilyMember">): PatientAlert[] {
  return v.patientAccountId && !v.forFamilyMember ? (alerts[v.patientAccountId] ?? []) : [];
}

/** A confirmed patient not checked in this long after the start is late: the queue's own grace. */
export { LATE_GRACE_MIN };
/** Visits to move are listed this far ahead: time off is often approved weeks before. */
export const NEEDS_MOVING_DAYS = 180;

const uuid = z.string().uuid();
export const boardQuery = z.object({
  day: z.string().regex(LOCAL_DATE_PATTERN).optional().catch(undefined),
  location: uuid.optional().catch(undefined),
  by: z.enum(["doctor", "room"]).default("doctor").catch("doctor"),
  /** Only the day's visits that need moving. */
  needsMoving: z.literal("1").optional().catch(undefined),
});
export type BoardQuery = z.infer<typeof boardQuery>;

export function isLate(a: Pick<DeskAppointment, "status" | "start">, now: Date): boolean {
  return a.status === "confirmed" && a.start.getTime() + LATE_GRACE_MIN * 60_000 <= now.getTime();
}

export interface BoardColumn {
  id: string;
  name: string;
  visits: DeskAppointment[];
}

export interface DeskBoard {
  day: LocalDate;
  isToday: boolean;
  previous: LocalDate;
  next: LocalDate;
  by: "doctor" | "room";
  locationId: string | null;
  resources: DeskResources;
  columns: BoardColumn[];
  visits: DeskAppointment[];
  requested: DeskAppointment[];
  flexible: FlexibleRequestRecord[];
  paymentProblems: DeskAppointment[];
  cancellations: DeskAppointment[];
  late: DeskAppointment[];
  /** Upcoming visits inside a doctor's time off or a closure, until each is moved or cancelled. */
  needsMoving: DeskAppointment[];
  gaps: DoctorGaps[];
  /** The desk's numbers for their own period (today and the next days), the same on every desk screen. */
  counts: DeskCounts;
  /** Patient alerts by patient account id, for every visit listed on the board. */
  alerts: Record<string, PatientAlert[]>;
}


export async function deskBoard(db: ClinicDb, clinic: ClinicRef, query: BoardQuery, actor: Actor, now = new Date()): Promise<DeskBoard> {
  const today = utcToZoned(now, clinic.timeZone).date;
  const day = query.day ?? today;
  const from = zonedToUtc(day, 0, clinic.timeZone);
  const to = zonedToUtc(addDays(day, 1), 0, clinic.timeZone);
  return db.tx(async (tx) => {
    const resources = await deskResources(tx, clinic.id);
    const locationId = query.location && resources.locations.some((l) => l.id === query.location) ? query.location : null;
    const all = await deskAppointments(tx, clinic.id, { from, to }, { locationId });
    // Requests and card problems cover the desk numbers' period whatever day the board shows, so the lists match the counts.
    const window = countWindow(clinic.timeZone, now);
    const upcoming = await deskAppointments(tx, clinic.id, { from: window.from, to: window.to }, { locationId, statuses: CARD_PROBLEM_VISIT_STATUSES });
    const counts = await deskCounts(tx, clinic, now);
    const needsMoving = await deskAppointments(tx, clinic.id, { from: now, to: new Date(now.getTime() + NEEDS_MOVING_DAYS * 86_400_000) }, { locationId, needsMoving: true });
    const flexible = (await listFlexibleRequests(tx, clinic, { status: "open" })).filter((f) => !locationId || !f.locationId || f.locationId === locationId);
    // Free time is counted from now on today, from the start of the day on a later day, and not at all for a past day.
    const gapsFrom = day === today ? now : day > today ? from : to;
    const gaps = await freeGapsOfDay(tx, clinic, day, { locationId }, gapsFrom);
    const visits = all.filter((a) => statusIs(a.status, "onTheDiary") && (!query.needsMoving || a.needsMoving));
    const columns: BoardColumn[] =
      query.by === "room"
        ? [
            ...resources.rooms.filter((r) => !locationId || r.locationId === locationId).map((r) => ({ id: r.id, name: r.name, visits: visits.filter((v) => v.roomId === r.id) })),
            { id: "none", name: "No room needed", visits: visits.filter((v) => !v.roomId) },
          ].filter((c) => c.id !== "none" || c.visits.length > 0)
        : resources.doctors
            .filter((d) => !locationId || d.locationIds.includes(locationId) || visits.some((v) => v.doctorId === d.id))
            .map((d) => ({ id: d.id, name: d.name, visits: visits.filter((v) => v.doctorId === d.id) }))
            .filter((c) => c.visits.length > 0 || gaps.some((g) => g.doctorId === c.id && g.freeMinutes > 0) || resources.doctors.find((d) => d.id === c.id)?.workStatus === "active");
    const board: DeskBoard = {
      day,
      isToday: day === today,
      previous: addDays(day, -1),
      next: addDays(day, 1),
      by: query.by,
      locationId,
      resources,
      columns,
      visits,
      requested: upcoming.filter((a) => a.status === "requested"),
      flexible,
      paymentProblems: upcoming.filter((a) => isCardProblem(a.status, a.paymentStatus)),
      cancellations: all.filter((a) => a.status === "cancelled" || a.status === "declined"),
      late: day === today ? visits.filter((v) => isLate(v, now)) : [],
      needsMoving,
      gaps,
      counts,
      alerts: {},
    };
    board.alerts = await alertsOfVisits(tx, clinic.id, [...visits, ...board.requested, ...board.paymentProblems, ...board.cancellations, ...needsMoving]);
    await recordAudit(tx, {
      clinicId: clinic.id,
      actor: { type: "staff", id: actor.id },
      action: "staff.day_board_viewed",
      target: { type: "day", id: day },
      request: actor.request ?? null,
      details: { visits: visits.length, locationId, requested: board.requested.length, flexible: flexible.length, needsMoving: needsMoving.length },
    });
    return board;
  });
}

/** The printed day list: the day's visits by doctor, with phone and notes, audited as a view. */
export async function printableDay(db: ClinicDb, clinic: ClinicRef, query: { day?: string; location?: string }, actor: Actor, now = new Date()) {
  const day = query.day ?? utcToZoned(now, clinic.timeZone).date;
  const from = zonedToUtc(day, 0, clinic.timeZone);
  const to = zonedToUtc(addDays(day, 1), 0, clinic.timeZone);
  return db.tx(async (tx) => {
    const resources = await deskResources(tx, clinic.id);
    const location = resources.locations.find((l) => l.id === query.location) ?? null;
    const visits = await deskAppointments(tx, clinic.id, { from, to }, { locationId: location?.id ?? null, statuses: ON_THE_DIARY });
    const byDoctor = new Map<string, { doctorName: string; visits: DeskAppointment[] }>();
    for (const v of visits) {
      const entry = byDoctor.get(v.doctorId) ?? { doctorName: v.doctorName, visits: [] };
      entry.visits.push(v);
      byDoctor.set(v.doctorId, entry);
    }
    await recordAudit(tx, {
      clinicId: clinic.id,
      actor: { type: "staff", id: actor.id },
      action: "staff.day_list_printed",
      target: { type: "day", id: day },
      request: actor.request ?? null,
      details: { visits: visits.length, locationId: location?.id ?? null },
    });
    return { day, location, doctors: [...byDoctor.values()].sort((a, b) => a.doctorName.localeCompare(b.doctorName)), count: visits.length };
  });
}
