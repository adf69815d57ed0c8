/**
 * The owner's reports: a handful of indexed reads in ONE read-only transaction with a statement
 * timeout, turned into figures by the pure functions in aggregate.ts. Reading happens apart from
 * the booking screens' work: at most two report reads run at once per server (the rest queue), each
 * statement gives up after a few seconds, and nothing is locked or written while reading. Opening
 * or exporting a report is written to the audit log afterwards in its own short transaction.
 *
 * Rows read here carry no patient name, phone or id: who cancelled is reduced to its kind
 * (patient, staff, API, automatic) in SQL.
 */
import { recordAudit, type AuditRequestContext } from "~/modules/audit/audit.server";
import { WEEKDAYS, type OpeningPeriod, type Weekday } from "~/modules/tenancy/opening-hours";
import { Semaphore } from "~/lib/semaphore";
import { doctorAvailableTimeIn, minutesIn, openTimeIn, windowDays, type AvailabilityRule, type ScheduleException, type SlotLocation, type WallPeriod } from "~/modules/scheduling/slot-engine";
import type { ClinicRef } from "~/modules/scheduling/slots.server";
import { sqlStateOf } from "~/utils/db-errors.server";
import type { ClinicDb, Tx } from "~/utils/db.server";
import { NotFoundError } from "~/utils/errors.server";
import { bookingsReport, cancellationsReport, DEPOSIT_MOVES, depositsReport, noShowReport, serviceDemandReport, sourcesReport, utilizationReport, type DepositMoveRow, type Named, type VisitRow } from "./aggregate";
import type { AllReports, ReportKey } from "./csv";
import { exportQuery, readReportRequest, type ReportRange } from "./range";
import { deskCounts } from "./desk-counts.server";

/** Per statement: a report that cannot finish in this time gives up rather than hold a connection. */
export const REPORT_STATEMENT_TIMEOUT_MS = 5_000;
const reads = new Semaphore(2);

/** The database gave up on a report's statement (statement_timeout): the caller asks for a shorter range. */
export class ReportTooSlowError extends Error {
  constructor() {
    super("These reports took too long to work out. Choose a shorter range, or try again in a few minutes.");
  }
}

export interface ReportLocation {
  id: string;
  name: string;
}

export interface ReportsResult extends AllReports {
  locations: ReportLocation[];
  location: ReportLocation | null;
}

const hhmm = (minutes: number) => `${String(Math.floor(minutes / 60)).padStart(2, "0")}:${String(minutes % 60).padStart(2, "0")}`;

/** The clinic's locations, for the filter; a location id of another clinic is simply not among them. */
export function listReportLocations(tx: Tx, clinicId: string) {
  return tx.$queryRaw<{ id: string; name: string; opening_hours: Partial<Record<Weekday, OpeningPeriod[]>> }[]>`
    SELECT id::text, name, opening_hours FROM locations WHERE clinic_id = ${clinicId}::uuid ORDER BY name, id`;
}

/** [start ms, end ms, status, channel, service, doctor, room, price, cancelled at ms, canceller kind, reason, window min] */
type VisitTuple = [number, number, string, string, string, string, string | null, number, number | null, string | null, string | null, number];

async function readVisits(tx: Tx, clinicId: string, range: ReportRange, locationId: string | null): Promise<VisitRow[]> {
  // Served by appointments (clinic_id, starts_at); holds are left out. One JSON array of small
  // tuples instead of a row per visit: a year of a busy clinic is tens of thousands of visits.
  const [row] = await tx.$queryRaw<{ visits: VisitTuple[] }[]>`
    SELECT coalesce(json_agg(json_build_array(
             (extract(epoch FROM a.starts_at) * 1000)::bigint, (extract(epoch FROM a.ends_at) * 1000)::bigint, a.status, a.channel,
             a.service_id, a.doctor_id, a.room_id, a.price_minor, (extract(epoch FROM a.cancelled_at) * 1000)::bigint,
             split_part(a.cancelled_by, ':', 1), a.cancellation_reason, a.cancellation_window_min)), '[]'::json) AS visits
      FROM appointments a
     WHERE a.clinic_id = ${clinicId}::uuid AND a.starts_at >= ${range.from} AND a.starts_at < ${range.to}
       AND (${locationId}::uuid IS NULL OR a.location_id = ${locationId}::uuid)
       AND a.status NOT IN ('held', 'hold_expired', 'hold_released')`;
  return (row?.visits ?? []).map(([start, end, status, channel, serviceId, doctorId, roomId, priceMinor, cancelledAt, by, reason, windowMin]) => ({
    startsAt: new Date(Number(start)),
    endsAt: new Date(Number(end)),
    status,
    channel,
    serviceId,
    doctorId,
    roomId,
    priceMinor,
    cancelledAt: cancelledAt === null ? null : new Date(Number(cancelledAt)),
    cancelledBy: by,
    cancellationReason: reason,
    cancellationWindowMin: windowMin,
  }));
}

async function readDepositMoves(tx: Tx, clinicId: string, range: ReportRange, locationId: string | null): Promise<DepositMoveRow[]> {
  // Served by deposit_events (clinic_id, occurred_at) from the reports migration. Records that keep
  // a status (a retry noted) are not moves; a deposit counts once per state it reached.
  const rows = await tx.$queryRaw<{ to_status: string; deposits: number; amount_minor: bigint }[]>`
    SELECT m.to_status, count(*)::int AS deposits, sum(m.amount_minor)::bigint AS amount_minor
      FROM (SELECT DISTINCT e.deposit_id, e.to_status::text AS to_status, d.amount_minor
              FROM deposit_events e
              JOIN deposits d ON d.clinic_id = e.clinic_id AND d.id = e.deposit_id
              LEFT JOIN appointments a ON a.clinic_id = d.clinic_id AND a.id = d.appointment_id
             WHERE e.clinic_id = ${clinicId}::uuid AND e.occurred_at >= ${range.from} AND e.occurred_at < ${range.to}
               AND e.from_status IS DISTINCT FROM e.to_status
               AND e.to_status::text = ANY (${[...DEPOSIT_MOVES]})
               AND (${locationId}::uuid IS NULL OR a.location_id = ${locationId}::uuid)) m
     GROUP BY m.to_status`;
  return rows.map((r) => ({ toStatus: r.to_status, deposits: r.deposits, amountMinor: Number(r.amount_minor) }));
}

interface Schedule {
  doctors: (Named & { rules: AvailabilityRule[] })[];
  rooms: (Named & { locationId: string; active: boolean })[];
  services: Named[];
  exceptions: ScheduleException[];
}

async function readSchedule(tx: Tx, clinicId: string, range: ReportRange): Promise<Schedule> {
  const doctors = await tx.$queryRaw<{ id: string; name: string }[]>`
    SELECT m.id::text, u.name FROM clinic_memberships m JOIN staff_users u ON u.id = m.staff_user_id
     WHERE m.clinic_id = ${clinicId}::uuid AND m.role = 'doctor'`;
  const rules = await tx.$queryRaw<{ doctor_id: string; location_id: string; weekday: number; start_minute: number; end_minute: number; breaks: WallPeriod[]; effective_from: string | null; effective_to: string | null }[]>`
    SELECT doctor_id::text, location_id::text, weekday, start_minute, end_minute, breaks,
           to_char(effective_from, 'YYYY-MM-DD') AS effective_from, to_char(effective_to, 'YYYY-MM-DD') AS effective_to
      FROM availability_rules
     WHERE clinic_id = ${clinicId}::uuid
       AND (effective_to IS NULL OR effective_to >= ${range.first}::date) AND (effective_from IS NULL OR effective_from <= ${range.last}::date)`;
  const exceptions = await tx.$queryRaw<{ kind: ScheduleException["kind"]; doctor_id: string | null; location_id: string | null; starts_at: Date; ends_at: Date }[]>`
    SELECT kind::text AS kind, doctor_id::text, location_id::text, starts_at, ends_at FROM schedule_exceptions
     WHERE clinic_id = ${clinicId}::uuid AND ends_at > ${range.from} AND starts_at < ${range.to}`;
  const rooms = await tx.$queryRaw<{ id: string; name: string; location_id: string; active: boolean }[]>`
    SELECT id::text, name, location_id::text, active FROM rooms WHERE clinic_id = ${clinicId}::uuid`;
  const services = await tx.$queryRaw<{ id: string; name: string }[]>`SELECT id::text, name FROM services WHERE clinic_id = ${clinicId}::uuid`;
  const rulesBy = new Map<string, AvailabilityRule[]>();
  for (const r of rules) {
    const list = rulesBy.get(r.doctor_id) ?? [];
    list.push({ locationId: r.location_id, weekday: WEEKDAYS[r.weekday - 1]!, start: hhmm(r.start_minute), end: hhmm(r.end_minute), breaks: r.breaks ?? [], effectiveFrom: r.effective_from, effectiveTo: r.effective_to });
    rulesBy.set(r.doctor_id, list);
  }
  return {
    doctors: doctors.map((d) => ({ ...d, rules: rulesBy.get(d.id) ?? [] })),
    rooms: rooms.map((r) => ({ id: r.id, name: r.name, locationId: r.location_id, active: r.active })),
    services,
    exceptions: exceptions.map((e): ScheduleException => {
      const span = { start: e.starts_at, end: e.ends_at };
      if (e.kind === "closure") return { kind: "closure", locationId: e.location_id, ...span };
      if (e.kind === "time_off") return { kind: "time_off", doctorId: e.doctor_id!, ...span };
      return { kind: "extra_hours", doctorId: e.doctor_id!, locationId: e.location_id!, ...span };
    }),
  };
}

/** Available minutes per doctor (at the chosen location, or all) and per active room, from the schedule. */
export function availableMinutes(schedule: Pick<Schedule, "doctors" | "rooms" | "exceptions">, locations: readonly SlotLocation[], range: ReportRange, timeZone: string) {
  const span = windowDays(timeZone, { from: range.from, to: range.to });
  const openTime = new Map(locations.map((l) => [l.id, openTimeIn({ span, location: l, exceptions: schedule.exceptions })]));
  const doctors = new Map<string, number>();
  for (const doctor of schedule.doctors) {
    let total = 0;
    for (const location of locations) total += minutesIn(doctorAvailableTimeIn({ span, location, exceptions: schedule.exceptions, doctor, open: openTime.get(location.id) }));
    doctors.set(doctor.id, total);
  }
  const openBy = new Map([...openTime].map(([id, list]) => [id, minutesIn(list)]));
  const rooms = new Map<string, number>();
  for (const room of schedule.rooms) if (room.active && openBy.has(room.locationId)) rooms.set(room.id, openBy.get(room.locationId)!);
  return { doctors, rooms };
}

/**
 * Every report for the range and location. A location id that is not this clinic's is a
 * NotFoundError (RLS would hide its rows anyway; saying so beats an empty page that looks real).
 */
export async function loadReports(db: ClinicDb, clinic: ClinicRef, range: ReportRange, locationId: string | null, now = new Date()): Promise<ReportsResult> {
  try {
    return await readReports(db, clinic, range, locationId, now);
  } catch (error) {
    if (sqlStateOf(error) === "57014") throw new ReportTooSlowError();
    throw error;
  }
}

function readReports(db: ClinicDb, clinic: ClinicRef, range: ReportRange, locationId: string | null, now: Date): Promise<ReportsResult> {
  return reads.run(() =>
    db.tx(
      async (tx) => {
        const locationRows = await listReportLocations(tx, clinic.id);
        const location = locationId ? locationRows.find((l) => l.id === locationId) : null;
        if (locationId && !location) throw new NotFoundError("There is no such location at this clinic.");
        const visits = await readVisits(tx, clinic.id, range, locationId);
        const moves = await readDepositMoves(tx, clinic.id, range, locationId);
        const schedule = await readSchedule(tx, clinic.id, range);
        const inScope = locationRows.filter((l) => !locationId || l.id === locationId).map((l) => ({ id: l.id, openingHours: l.opening_hours ?? {} }));
        const available = availableMinutes(schedule, inScope, range, clinic.timeZone);
        const rooms = schedule.rooms.filter((r) => !locationId || r.locationId === locationId);
        const bookings = bookingsReport(range, visits);
        const cancellations = cancellationsReport(visits);
        return {
          currency: clinic.currency,
          locations: locationRows.map((l) => ({ id: l.id, name: l.name })),
          location: location ? { id: location.id, name: location.name } : null,
          bookings,
          noShows: noShowReport(visits, now),
          cancellations,
          deposits: depositsReport(moves, clinic.currency),
          utilization: utilizationReport(visits, schedule.doctors, rooms, available),
          services: serviceDemandReport(visits, schedule.services),
          sources: sourcesReport(visits),
        };
      },
      { readOnly: true, statementTimeoutMs: REPORT_STATEMENT_TIMEOUT_MS, timeoutMs: 20_000 },
    ),
  );
}

/** "report.viewed" (the page) or "report.exported" (a CSV), with the range and location, never any figures about a person. */
export async function recordReportAccess(
  db: ClinicDb,
  event: { action: "report.viewed" | "report.exported"; report: ReportKey | "all"; range: ReportRange; locationId: string | null; staffId: string; request: AuditRequestContext | null },
) {
  await db.tx((tx) =>
    recordAudit(tx, {
      clinicId: db.clinicId,
      actor: { type: "staff", id: event.staffId },
      action: event.action,
      target: { type: "report", id: event.report },
      request: event.request,
      details: { from: event.range.first, to: event.range.last, preset: event.range.preset, location: event.locationId },
    }),
  );
}

/** The location filter's choices when no report is read (a range the form must correct first). */
export function reportLocationOptions(db: ClinicDb): Promise<ReportLocation[]> {
  return db
    .tx((tx) => listReportLocations(tx, db.clinicId))
    .then((rows) => rows.map((l) => ({ id: l.id, name: l.name })));
}

/**
 * The owner's reports page: the figures for the range and location the address asks for, its view
 * written to the audit log; or the filters with the reason the figures cannot be shown (a range to
 * correct, a report that took too long). A location of another clinic is NotFoundError.
 */
export async function reportsPage(db: ClinicDb, clinic: ClinicRef, url: URL, viewer: { staffId: string; request: AuditRequestContext | null }, now = new Date()) {
  const asked = readReportRequest(url, clinic.timeZone, now);
  if (asked === "bad-location") throw new NotFoundError("There is no such location at this clinic.");
  // The desk's numbers have their own fixed period (today and the next days), whatever range the reports cover.
  const counts = await db.tx((tx) => deskCounts(tx, clinic, now), { readOnly: true });
  const refused = async (filters: { range: string; from: string; to: string; location: string }, error: { field: "range" | "from" | "to"; message: string }) => ({
    counts,
    filters,
    error,
    locations: await reportLocationOptions(db),
    reports: null,
    query: "",
    timeZone: clinic.timeZone,
  });
  if (!asked.ok) return refused({ range: asked.filters.range ?? "custom", from: asked.filters.from ?? "", to: asked.filters.to ?? "", location: "" }, { field: asked.field, message: asked.message });
  const { range, locationId } = asked;
  const filters = { range: range.preset as string, from: range.first, to: range.last, location: locationId ?? "" };
  let reports;
  try {
    reports = await loadReports(db, clinic, range, locationId, now);
  } catch (error) {
    if (!(error instanceof ReportTooSlowError)) throw error;
    return refused(filters, { field: "to", message: error.message });
  }
  await recordReportAccess(db, { action: "report.viewed", report: "all", range, locationId, staffId: viewer.staffId, request: viewer.request });
  const { locations, ...figures } = reports;
  return { counts, filters, error: null, locations, reports: figures, query: exportQuery(range, locationId), timeZone: clinic.timeZone };
}
