/**
 * The owner's schedule editor: each doctor's weekly hours per location (for a period of local
 * dates), the clinic's exceptions (holidays, time off, extra hours), and a preview of the free
 * times those produce, computed by the real slot engine from what is saved.
 *
 * Saving a week replaces that period's rules for the doctor and location in one transaction, with
 * its audit row. Appointments already booked are never moved: a change that leaves some of them
 * outside working time answers with the list, so the desk can call those patients.
 */
import type { Prisma } from "~/generated/prisma/client";
import { recordAudit } from "~/modules/audit/audit.server";
import { formatDateTime, formatLocalDay, formatTime } from "~/lib/format";
import { auditActorOf, type Actor } from "~/lib/actor";
import { isUuid } from "~/modules/scheduling/schedule-data.server";
import { findSlots, type ClinicRef } from "~/modules/scheduling/slots.server";
import { addDays, utcToZoned } from "~/lib/zoned-time";
import type { ClinicDb, Tx } from "~/utils/db.server";
import { NotFoundError } from "~/utils/errors.server";
import { minutesOf, parsePeriodKey, periodKey, wallTime, WEEKDAY_NAMES, type FieldErrors, type WeekInput, type WorkingInterval } from "./schedule-form";
import { insideWorkingTime, type ExceptionRow, type RuleRow } from "./working-time";
import { UPCOMING_STATUSES } from "~/lib/appointment-status";

/** Statuses of a visit that is still going to happen (holds expire by themselves and are left out). */
const LOOK_AHEAD_DAYS = 180;

export interface AffectedVisit {
  id: string;
  when: string;
  service: string;
  patient: string;
  doctor: string;
  location: string;
  status: string;
}

export interface ExceptionView {
  id: string;
  kind: ExceptionRow["kind"];
  when: string;
  who: string;
  where: string;
  reason: string | null;
}

export interface PreviewDay {
  date: string;
  label: string;
  times: { start: string; time: string; location: string }[];
}

const toRuleRow = (r: { locationId: string; weekday: number; startMinute: number; endMinute: number; breaks: unknown; effectiveFrom: Date | null; effectiveTo: Date | null }): RuleRow => ({
  locationId: r.locationId,
  weekday: r.weekday,
  startMinute: r.startMinute,
  endMinute: r.endMinute,
  breaks: Array.isArray(r.breaks) ? (r.breaks as { start: string; end: string }[]) : [],
  effectiveFrom: r.effectiveFrom ? r.effectiveFrom.toISOString().slice(0, 10) : null,
  effectiveTo: r.effectiveTo ? r.effectiveTo.toISOString().slice(0, 10) : null,
});

const dateValue = (v: string | null) => (v ? new Date(`${v}T00:00:00Z`) : null);

async function names(tx: Tx, clinicId: string) {
  const doctors = await tx.clinicMembership.findMany({ where: { clinicId, role: "doctor" }, select: { id: true, active: true, workStatus: true, specialty: true, staffUser: { select: { name: true } } } });
  const locations = await tx.location.findMany({ where: { clinicId }, orderBy: [{ createdAt: "asc" }, { name: "asc" }], select: { id: true, name: true } });
  return {
    doctors,
    locations,
    doctorName: new Map(doctors.map((d) => [d.id, d.staffUser.name])),
    locationName: new Map(locations.map((l) => [l.id, l.name])),
  };
}

function exceptionRows(rows: { kind: ExceptionRow["kind"]; doctorId: string | null; locationId: string | null; startsAt: Date; endsAt: Date }[]): ExceptionRow[] {
  return rows.map((e) => ({ kind: e.kind, doctorId: e.doctorId, locationId: e.locationId, start: e.startsAt, end: e.endsAt }));
}

interface VisitRow {
  id: string;
  doctor_id: string;
  location_id: string;
  starts_at: Date;
  ends_at: Date;
  status: string;
  service_name: string;
  patient: string | null;
}

async function upcomingVisits(tx: Tx, clinicId: string, where: { doctorId?: string | null; locationId?: string | null; from: Date; to: Date }): Promise<VisitRow[]> {
  return tx.$queryRaw<VisitRow[]>`
    SELECT a.id::text, a.doctor_id::text, a.location_id::text, a.starts_at, a.ends_at, a.status::text, s.name AS service_name,
           nullif(trim(coalesce(d.first_name || ' ' || d.last_name, coalesce(cp.first_name, p.first_name, '') || ' ' || coalesce(cp.last_name, p.last_name, ''))), '') AS patient
      FROM appointments a
      JOIN services s ON s.clinic_id = a.clinic_id AND s.id = a.service_id
      LEFT JOIN patient_accounts p ON p.id = a.patient_account_id
      LEFT JOIN clinic_patients cp ON cp.clinic_id = a.clinic_id AND cp.patient_account_id = a.patient_account_id
      LEFT JOIN dependents d ON d.id = a.dependent_id
     WHERE a.clinic_id = ${clinicId}::uuid
       AND a.status::text = ANY (${UPCOMING_STATUSES})
       AND a.ends_at > ${where.from} AND a.starts_at < ${where.to}
       AND (${where.doctorId ?? null}::uuid IS NULL OR a.doctor_id = ${where.doctorId ?? null}::uuid)
       AND (${where.locationId ?? null}::uuid IS NULL OR a.location_id = ${where.locationId ?? null}::uuid)
     ORDER BY a.starts_at, a.id
     LIMIT 500`;
}

function describe(v: VisitRow, clinic: ClinicRef, n: Awaited<ReturnType<typeof names>>): AffectedVisit {
  return {
    id: v.id,
    when: formatDateTime(v.starts_at, clinic.timeZone),
    service: v.service_name,
    patient: v.patient ?? "Patient without a name",
    doctor: n.doctorName.get(v.doctor_id) ?? "Doctor",
    location: n.locationName.get(v.location_id) ?? "",
    status: v.status,
  };
}

/** Upcoming visits of a doctor that are no longer inside their working time. */
async function visitsOutsideWorkingTime(tx: Tx, clinic: ClinicRef, doctorId: string, now: Date): Promise<AffectedVisit[]> {
  const to = new Date(now.getTime() + LOOK_AHEAD_DAYS * 86_400_000);
  const visits = await upcomingVisits(tx, clinic.id, { doctorId, from: now, to });
  if (visits.length === 0) return [];
  const rules = (await tx.availabilityRule.findMany({ where: { clinicId: clinic.id, doctorId } })).map(toRuleRow);
  const exceptions = exceptionRows(
    await tx.scheduleException.findMany({ where: { clinicId: clinic.id, endsAt: { gt: now }, startsAt: { lt: to }, OR: [{ doctorId }, { doctorId: null }] } }),
  );
  const outside = visits.filter((v) => !insideWorkingTime(rules, exceptions, { doctorId, locationId: v.location_id, start: v.starts_at, end: v.ends_at }, clinic.timeZone));
  if (outside.length === 0) return [];
  const n = await names(tx, clinic.id);
  return outside.map((v) => describe(v, clinic, n));
}

/** Upcoming visits that an absence (time off or a closure) would overlap. */
export async function visitsDuring(tx: Tx, clinic: ClinicRef, span: { doctorId: string | null; locationId: string | null; start: Date; end: Date }, now: Date): Promise<AffectedVisit[]> {
  const from = new Date(Math.max(now.getTime(), span.start.getTime()));
  if (from >= span.end) return [];
  const visits = await upcomingVisits(tx, clinic.id, { doctorId: span.doctorId, locationId: span.locationId, from, to: span.end });
  if (visits.length === 0) return [];
  const n = await names(tx, clinic.id);
  return visits.map((v) => describe(v, clinic, n));
}

async function auditVisitList(tx: Tx, clinicId: string, actor: Actor, visits: AffectedVisit[], why: string) {
  if (visits.length === 0) return;
  // The list names patients: reading it is a view of patient data.
  await recordAudit(tx, { clinicId, actor: auditActorOf(actor), action: "schedule.affected_visits_viewed", request: actor.request, details: { why, appointments: visits.map((v) => v.id) } });
}

export interface EditorQuery {
  doctor?: string | null;
  location?: string | null;
  period?: string | null;
  service?: string | null;
}

export interface SchedulePeriod {
  key: string;
  from: string | null;
  to: string | null;
  label: string;
  current: boolean;
}

export function periodLabel(from: string | null, to: string | null): string {
  if (!from && !to) return "Always (no end date)";
  if (from && to) return `${formatLocalDay(from)} ${from.slice(0, 4)} – ${formatLocalDay(to)} ${to.slice(0, 4)}`;
  return from ? `From ${formatLocalDay(from)} ${from.slice(0, 4)}` : `Until ${formatLocalDay(to!)} ${to!.slice(0, 4)}`;
}

/** The editor page's data. */
export async function scheduleEditor(db: ClinicDb, clinic: ClinicRef, query: EditorQuery, actor: Actor, now = new Date()) {
  const today = utcToZoned(now, clinic.timeZone).date;
  const base = await db.tx(async (tx) => {
    const n = await names(tx, clinic.id);
    const doctors = n.doctors
      .filter((d) => d.active)
      .map((d) => ({ id: d.id, name: d.staffUser.name, specialty: d.specialty, workStatus: d.workStatus }))
      .sort((a, b) => a.name.localeCompare(b.name));
    const doctor = doctors.find((d) => d.id === query.doctor) ?? doctors[0] ?? null;
    if (query.doctor && doctor?.id !== query.doctor) throw new NotFoundError("There is no such doctor at this clinic.");
    if (query.location && !n.locations.some((l) => l.id === query.location)) throw new NotFoundError("There is no such location at this clinic.");
    if (!doctor) return { doctors, locations: n.locations, doctor: null } as const;

    const allRules = await tx.availabilityRule.findMany({ where: { clinicId: clinic.id, doctorId: doctor.id }, orderBy: [{ weekday: "asc" }, { startMinute: "asc" }] });
    const doctorLocations = await tx.doctorLocation.findMany({ where: { clinicId: clinic.id, doctorId: doctor.id }, select: { locationId: true } });
    const locationId =
      query.location ?? n.locations.find((l) => allRules.some((r) => r.locationId === l.id))?.id ?? n.locations.find((l) => doctorLocations.some((d) => d.locationId === l.id))?.id ?? n.locations[0]?.id ?? null;
    const rules = allRules.map(toRuleRow);
    const here = rules.filter((r) => r.locationId === locationId);
    const periods = [...new Map(here.map((r) => [periodKey(r.effectiveFrom, r.effectiveTo), r])).values()]
      .map((r) => ({ key: periodKey(r.effectiveFrom, r.effectiveTo), from: r.effectiveFrom, to: r.effectiveTo, label: periodLabel(r.effectiveFrom, r.effectiveTo), current: (!r.effectiveFrom || r.effectiveFrom <= today) && (!r.effectiveTo || r.effectiveTo >= today) }))
      .sort((a, b) => (a.from ?? "").localeCompare(b.from ?? ""));
    const wanted = query.period === "new" ? "new" : query.period && parsePeriodKey(query.period) ? query.period : null;
    const period = wanted === "new" ? null : (periods.find((p) => p.key === wanted) ?? periods.find((p) => p.current) ?? periods[0] ?? null);
    const days: WorkingInterval[][] = WEEKDAY_NAMES.map((_, i) =>
      period
        ? here
            .filter((r) => r.weekday === i + 1 && periodKey(r.effectiveFrom, r.effectiveTo) === period.key)
            .sort((a, b) => a.startMinute - b.startMinute)
            .map((r) => ({ start: wallTime(r.startMinute), end: wallTime(r.endMinute), breaks: r.breaks }))
        : [],
    );
    const elsewhere = WEEKDAY_NAMES.map((_, i) =>
      rules
        .filter((r) => r.locationId !== locationId && r.weekday === i + 1 && (!r.effectiveTo || r.effectiveTo >= today))
        .map((r) => `${n.locationName.get(r.locationId) ?? "Another location"} ${wallTime(r.startMinute)}–${wallTime(r.endMinute)}`),
    );

    const exceptions = await tx.scheduleException.findMany({
      where: { clinicId: clinic.id, endsAt: { gt: now }, OR: [{ doctorId: null }, { doctorId: doctor.id }] },
      orderBy: [{ startsAt: "asc" }, { id: "asc" }],
      take: 60,
    });
    const services = await tx.$queryRaw<{ id: string; name: string }[]>`
      SELECT s.id::text, s.name FROM services s
       WHERE s.clinic_id = ${clinic.id}::uuid AND s.visibility <> 'inactive'
         AND EXISTS (SELECT 1 FROM service_doctors sd WHERE sd.clinic_id = s.clinic_id AND sd.service_id = s.id AND sd.doctor_id = ${doctor.id}::uuid)
       ORDER BY s.position, s.name, s.id`;
    const outside = await visitsOutsideWorkingTime(tx, clinic, doctor.id, now);
    await auditVisitList(tx, clinic.id, actor, outside, "outside_working_time");
    const pendingTimeOff = await tx.timeOffRequest.count({ where: { clinicId: clinic.id, status: "pending" } });
    return {
      doctors,
      locations: n.locations,
      doctor,
      locationId,
      periods,
      period: period ? { key: period.key, from: period.from, to: period.to } : null,
      isNewPeriod: wanted === "new" || periods.length === 0,
      days,
      elsewhere,
      exceptions: exceptions.map((e): ExceptionView => ({
        id: e.id,
        kind: e.kind,
        when: spanText(e.startsAt, e.endsAt, clinic.timeZone),
        who: e.doctorId ? (n.doctorName.get(e.doctorId) ?? "Doctor") : "Everyone",
        where: e.locationId ? (n.locationName.get(e.locationId) ?? "") : e.kind === "time_off" ? "Every location" : "Whole clinic",
        reason: e.reason,
      })),
      services,
      outside,
      pendingTimeOff,
    } as const;
  });
  if (!base.doctor) return { ...base, preview: null, serviceId: null, today };
  const serviceId = base.services.find((s) => s.id === query.service)?.id ?? base.services[0]?.id ?? null;
  const preview = serviceId ? await previewDays(db, clinic, serviceId, base.doctor.id, base.locations, now) : null;
  return { ...base, preview, serviceId, today };
}

/** "Monday 7 December, 9:00 AM – 5:00 PM", or whole days as "Monday 7 December – Tuesday 8 December". */
export function spanText(start: Date, end: Date, timeZone: string): string {
  const a = utcToZoned(start, timeZone);
  const b = utcToZoned(end, timeZone);
  if (a.minutes === 0 && b.minutes === 0) {
    const last = addDays(b.date, -1);
    return last === a.date ? `${formatLocalDay(a.date)} (all day)` : `${formatLocalDay(a.date)} – ${formatLocalDay(last)} (all day)`;
  }
  if (a.date === b.date) return `${formatLocalDay(a.date)}, ${formatTime(start, timeZone)} – ${formatTime(end, timeZone)}`;
  if (b.minutes === 0 && addDays(b.date, -1) === a.date) return `${formatLocalDay(a.date)}, ${formatTime(start, timeZone)} – end of day`;
  return `${formatLocalDay(a.date)} ${formatTime(start, timeZone)} – ${formatLocalDay(b.date)} ${formatTime(end, timeZone)}`;
}

/** The next 7 local days of free times for a service with one doctor, from the slot engine. */
export async function previewDays(db: ClinicDb, clinic: ClinicRef, serviceId: string, doctorId: string, locations: { id: string; name: string }[], now = new Date()): Promise<PreviewDay[]> {
  const today = utcToZoned(now, clinic.timeZone).date;
  const end = new Date(now.getTime() + 7 * 86_400_000);
  let slots: Awaited<ReturnType<typeof findSlots>> = [];
  try {
    slots = await findSlots(db, clinic, { serviceId, from: now, to: end, practitionerId: doctorId, audience: "staff" }, now);
  } catch (error) {
    if (!(error instanceof NotFoundError)) throw error;
  }
  const locationName = new Map(locations.map((l) => [l.id, l.name]));
  const days: PreviewDay[] = [];
  for (let i = 0; i < 7; i++) {
    const date = addDays(today, i);
    days.push({ date, label: formatLocalDay(date), times: [] });
  }
  for (const s of slots) {
    const day = days.find((d) => d.date === utcToZoned(s.start, clinic.timeZone).date);
    day?.times.push({ start: s.start.toISOString(), time: formatTime(s.start, clinic.timeZone), location: locationName.get(s.locationId) ?? "" });
  }
  return days;
}

export type SaveWeekAnswer = { ok: true; outside: AffectedVisit[]; periodKey: string } | { ok: false; errors: FieldErrors };

const rangesMeet = (a: { from: string | null; to: string | null }, b: { from: string | null; to: string | null }) => (!a.from || !b.to || a.from <= b.to) && (!b.from || !a.to || b.from <= a.to);

/** Replaces one period of a doctor's weekly hours at a location. */
export async function saveWeek(db: ClinicDb, clinic: ClinicRef, input: WeekInput, actor: Actor, now = new Date()): Promise<SaveWeekAnswer> {
  return db.tx(async (tx) => {
    const doctor = await tx.clinicMembership.findFirst({ where: { clinicId: clinic.id, id: input.doctorId, role: "doctor", active: true }, select: { id: true } });
    const location = await tx.location.findUnique({ where: { clinicId_id: { clinicId: clinic.id, id: input.locationId } }, select: { id: true } });
    if (!doctor || !location) throw new NotFoundError("There is no such doctor or location at this clinic.");
    // One save at a time per doctor: the checks below read what the others wrote.
    await tx.$queryRaw`SELECT id FROM clinic_memberships WHERE clinic_id = ${clinic.id}::uuid AND id = ${doctor.id}::uuid FOR UPDATE`;

    const replaced = input.replaces ? parsePeriodKey(input.replaces) : null;
    const existing = (await tx.availabilityRule.findMany({ where: { clinicId: clinic.id, doctorId: doctor.id } })).map((r) => ({ id: r.id, ...toRuleRow(r) }));
    const isReplaced = (r: RuleRow) => replaced !== null && r.locationId === location.id && periodKey(r.effectiveFrom, r.effectiveTo) === periodKey(replaced.from, replaced.to);
    const kept = existing.filter((r) => !isReplaced(r));
    const next = { from: input.effectiveFrom, to: input.effectiveTo };
    const errors: FieldErrors = {};

    const samePlace = kept.find((r) => r.locationId === location.id && rangesMeet(next, { from: r.effectiveFrom, to: r.effectiveTo }));
    if (samePlace)
      errors.effectiveFrom = `These dates overlap the doctor's other schedule here (${periodLabel(samePlace.effectiveFrom, samePlace.effectiveTo)}). Edit that one, or choose dates that do not overlap it.`;
    for (const [i, day] of input.days.entries()) {
      for (const iv of day) {
        const clash = kept.find(
          (r) => r.locationId !== location.id && r.weekday === i + 1 && rangesMeet(next, { from: r.effectiveFrom, to: r.effectiveTo }) && minutesOf(iv.start) < r.endMinute && r.startMinute < minutesOf(iv.end),
        );
        if (clash) {
          const where = await tx.location.findUnique({ where: { clinicId_id: { clinicId: clinic.id, id: clash.locationId } }, select: { name: true } });
          errors[`day.${i + 1}`] = `${WEEKDAY_NAMES[i]}: the doctor already works at ${where?.name ?? "another location"} ${wallTime(clash.startMinute)}–${wallTime(clash.endMinute)}, which overlaps ${iv.start}–${iv.end}.`;
        }
      }
    }
    if (Object.keys(errors).length > 0) return { ok: false, errors };

    const removed = existing.filter(isReplaced);
    if (removed.length > 0) await tx.availabilityRule.deleteMany({ where: { clinicId: clinic.id, id: { in: removed.map((r) => r.id) } } });
    const rows = input.days.flatMap((day, i) =>
      day.map((iv) => ({
        clinicId: clinic.id,
        doctorId: doctor.id,
        locationId: location.id,
        weekday: i + 1,
        startMinute: minutesOf(iv.start),
        endMinute: minutesOf(iv.end),
        breaks: iv.breaks.map((b) => ({ start: b.start, end: b.end })) as Prisma.InputJsonArray,
        effectiveFrom: dateValue(input.effectiveFrom),
        effectiveTo: dateValue(input.effectiveTo),
      })),
    );
    if (rows.length > 0) await tx.availabilityRule.createMany({ data: rows });
    // Working somewhere makes the doctor bookable there.
    if (rows.length > 0) await tx.doctorLocation.createMany({ data: [{ clinicId: clinic.id, doctorId: doctor.id, locationId: location.id }], skipDuplicates: true });
    await recordAudit(tx, {
      clinicId: clinic.id,
      actor: auditActorOf(actor),
      action: "schedule.rules_updated",
      target: { type: "doctor", id: doctor.id },
      request: actor.request,
      details: {
        locationId: location.id,
        period: { from: input.effectiveFrom, to: input.effectiveTo },
        replaced: replaced ? { from: replaced.from, to: replaced.to, rules: removed.length } : null,
        week: input.days.map((day, i) => ({ weekday: i + 1, intervals: day.map((iv) => `${iv.start}-${iv.end}${iv.breaks.length ? ` (breaks ${iv.breaks.map((b) => `${b.start}-${b.end}`).join(", ")})` : ""}`) })).filter((d) => d.intervals.length > 0),
      },
    });
    const outside = await visitsOutsideWorkingTime(tx, clinic, doctor.id, now);
    await auditVisitList(tx, clinic.id, actor, outside, "outside_working_time");
    return { ok: true, outside, periodKey: periodKey(input.effectiveFrom, input.effectiveTo) };
  });
}

export interface ExceptionInput {
  kind: ExceptionRow["kind"];
  doctorId: string | null;
  locationId: string | null;
  start: Date;
  end: Date;
  reason: string | null;
}

/** Writes one exception (inside the caller's transaction) with its audit row. */
export async function writeException(tx: Tx, clinicId: string, input: ExceptionInput, actor: Actor, extra: Record<string, unknown> = {}): Promise<string> {
  if (input.doctorId) {
    const doctor = await tx.clinicMembership.findFirst({ where: { clinicId, id: input.doctorId, role: "doctor" }, select: { id: true } });
    if (!doctor) throw new NotFoundError("There is no such doctor at this clinic.");
  }
  if (input.locationId) {
    const location = await tx.location.findUnique({ where: { clinicId_id: { clinicId, id: input.locationId } }, select: { id: true } });
    if (!location) throw new NotFoundError("There is no such location at this clinic.");
  }
  const row = await tx.scheduleException.create({
    data: { clinicId, kind: input.kind, doctorId: input.doctorId, locationId: input.locationId, startsAt: input.start, endsAt: input.end, reason: input.reason },
    select: { id: true },
  });
  await recordAudit(tx, {
    clinicId,
    actor: auditActorOf(actor),
    action: "schedule.exception_added",
    target: { type: "schedule_exception", id: row.id },
    request: actor.request,
    details: { kind: input.kind, doctorId: input.doctorId, locationId: input.locationId, startsAt: input.start.toISOString(), endsAt: input.end.toISOString(), reason: input.reason, ...extra },
  });
  return row.id;
}

/** Adds a holiday, time off or extra hours; answers with the booked visits it now overlaps (never moved). */
/**
 * Flags the upcoming booked visits inside a time off or closure as needing a move, so the desk and
 * the calendar show them until each is moved or cancelled (a trigger clears the flag then).
 */
export async function flagVisitsToMove(tx: Tx, clinicId: string, exceptionId: string, now: Date): Promise<number> {
  return tx.$executeRaw`
    UPDATE appointments a SET needs_moving_exception_id = e.id
      FROM schedule_exceptions e
     WHERE e.clinic_id = ${clinicId}::uuid AND e.id = ${exceptionId}::uuid AND e.kind <> 'extra_hours'
       AND a.clinic_id = e.clinic_id AND a.status IN ('requested', 'confirmed') AND a.ends_at > ${now}
       AND a.starts_at < e.ends_at AND a.ends_at > e.starts_at
       AND (e.doctor_id IS NULL OR a.doctor_id = e.doctor_id)
       AND (e.location_id IS NULL OR a.location_id = e.location_id)
       AND a.needs_moving_exception_id IS DISTINCT FROM e.id`;
}

export async function addException(db: ClinicDb, clinic: ClinicRef, input: ExceptionInput, actor: Actor, now = new Date()): Promise<{ id: string; affected: AffectedVisit[] }> {
  return db.tx(async (tx) => {
    const id = await writeException(tx, clinic.id, input, actor);
    await flagVisitsToMove(tx, clinic.id, id, now);
    const affected = input.kind === "extra_hours" ? [] : await visitsDuring(tx, clinic, { doctorId: input.kind === "time_off" ? input.doctorId : null, locationId: input.kind === "closure" ? input.locationId : null, start: input.start, end: input.end }, now);
    await auditVisitList(tx, clinic.id, actor, affected, "exception_overlaps");
    return { id, affected };
  });
}

export interface ExceptionRemoval {
  id: string;
  /** "Closure · Whole clinic · Thursday, 25 December (all day)". */
  what: string;
  /** What removing it gives back, said before it happens. */
  reopens: string;
}

/**
 * Removes a schedule exception, asking first: without `confirmed` nothing changes and the answer
 * says what removing it would reopen (a holiday closure taken down by a stray click would let
 * patients book a day the clinic is closed).
 */
export async function removeException(
  db: ClinicDb,
  clinic: ClinicRef,
  exceptionId: string,
  actor: Actor,
  opts: { confirmed: boolean },
): Promise<{ removed: true; what: string } | { removed: false; confirm: ExceptionRemoval }> {
  if (!isUuid(exceptionId)) throw new NotFoundError("There is no such exception at this clinic.");
  const clinicId = clinic.id;
  return db.tx(async (tx) => {
    const row = await tx.scheduleException.findUnique({ where: { clinicId_id: { clinicId, id: exceptionId } } });
    if (!row) throw new NotFoundError("There is no such exception at this clinic.");
    const n = await names(tx, clinicId);
    const when = spanText(row.startsAt, row.endsAt, clinic.timeZone);
    const who = row.doctorId ? (n.doctorName.get(row.doctorId) ?? "the doctor") : null;
    const where = row.locationId ? (n.locationName.get(row.locationId) ?? "the location") : null;
    const label = { closure: "Closure", time_off: "Time off", extra_hours: "Extra hours" }[row.kind];
    const what = [label, who ?? where ?? "Whole clinic", when].join(" · ") + (row.reason ? ` (${row.reason})` : "");
    if (!opts.confirmed) {
      const timeOff = await tx.timeOffRequest.count({ where: { clinicId, exceptionId } });
      const reopens =
        row.kind === "extra_hours"
          ? `Patients can no longer book ${who ?? "anyone"}${where ? ` at ${where}` : ""} in these extra hours (${when}); visits already booked stay.`
          : `Patients can book ${who ?? "every doctor"}${where ? ` at ${where}` : row.kind === "closure" ? " at every location" : ""} again during ${when}, within the usual weekly hours.` +
            (timeOff ? " The approved time-off request is withdrawn." : "");
      return { removed: false as const, confirm: { id: row.id, what, reopens } };
    }
    // An approved time-off request keeps its record; its exception goes.
    await tx.timeOffRequest.updateMany({ where: { clinicId, exceptionId }, data: { status: "withdrawn" } });
    await tx.scheduleException.delete({ where: { clinicId_id: { clinicId, id: exceptionId } } });
    await recordAudit(tx, {
      clinicId,
      actor: auditActorOf(actor),
      action: "schedule.exception_removed",
      target: { type: "schedule_exception", id: exceptionId },
      request: actor.request,
      details: { kind: row.kind, doctorId: row.doctorId, locationId: row.locationId, startsAt: row.startsAt.toISOString(), endsAt: row.endsAt.toISOString(), reason: row.reason },
    });
    return { removed: true as const, what };
  });
}
