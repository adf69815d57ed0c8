/**
 * A series of visits booked in one go (a course of physiotherapy twice a week for six weeks).
 *
 * The desk describes the repeat (chosen weekdays, or every N days or weeks, at one wall-clock time,
 * for a number of visits or until a date); every visit is checked against the slot engine on the
 * real schedule before anything is saved, and a visit that does not fit is listed with the nearest
 * free times that day and the days around it, with the same doctor or another. The desk picks one
 * or skips the visit, and the whole series is booked in ONE transaction through the booking core:
 * if any time was taken meanwhile, nothing is saved and the page lists the conflicts again.
 *
 * Times are the clinic's wall clock: a series at 10:00 stays at 10:00 across a daylight-saving change.
 */
import { z } from "zod";
import { recordAudit } from "~/modules/audit/audit.server";
import { ensureDeposit } from "~/modules/payments/deposits.server";
import { getPaymentProvider } from "~/modules/payments/provider.server";
import { bookAppointment, CANCELLATION_REASONS, ClinicNotTakingBookingsError, SlotTakenError, type AppointmentRecord } from "~/modules/scheduling/booking.server";
import { cancelAppointment } from "~/modules/scheduling/appointment-changes.server";
import { isUuid, loadScheduleData } from "~/modules/scheduling/schedule-data.server";
import type { Slot } from "~/modules/scheduling/slot-engine";
import { slotsFrom, type ClinicRef } from "~/modules/scheduling/slots.server";
import { actorLabel, type Actor } from "~/lib/actor";
import { formatMoney, formatTime } from "~/lib/format";
import { firstFieldError } from "~/lib/form-errors";
import { addDays, utcToZoned, weekdayOf, zonedToUtc, LOCAL_DATE_PATTERN, type LocalDate } from "~/lib/zoned-time";
import type { ClinicDb, RawQuery } from "~/utils/db.server";
import { ConflictError, NotFoundError, ValidationError } from "~/utils/errors.server";
import { SUSPENDED_DESK_MESSAGE } from "./phone-booking.server";

/** At most this many visits in one series, and no further out than a year. */
export const MAX_SERIES_VISITS = 52;
const MAX_SERIES_DAYS = 366;
/** One schedule read covers at most this many days (the slot range limit is 62). */
const CHUNK_DAYS = 56;

const ISO_WEEKDAYS = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"] as const;

const blank = (v: unknown) => (typeof v === "string" && v.trim() === "" ? undefined : v);
const localDate = z.string().regex(LOCAL_DATE_PATTERN, "Enter a date.");

export const seriesPattern = z
  .object({
    patient: z.string().uuid("Choose the patient first."),
    dependent: z.preprocess(blank, z.string().uuid().optional()),
    service: z.string().uuid("Choose a service."),
    doctor: z.string().uuid("Choose a doctor."),
    location: z.string().uuid("Choose a location."),
    first: localDate,
    time: z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, "Enter the time, e.g. 10:00."),
    repeat: z.enum(["weekdays", "days", "weeks"], { error: "Choose how the visits repeat." }),
    weekdays: z.preprocess((v) => (v === undefined ? [] : Array.isArray(v) ? v : [v]), z.array(z.coerce.number().int().min(1).max(7)).max(7)),
    every: z.preprocess(blank, z.coerce.number().int().min(1, "Repeat at least every 1.").max(30, "Repeat at most every 30.").optional()),
    count: z.preprocess(blank, z.coerce.number().int().min(1, "Book at least one visit.").max(MAX_SERIES_VISITS, `At most ${MAX_SERIES_VISITS} visits in one series.`).optional()),
    until: z.preprocess(blank, localDate.optional()),
  })
  .refine((p) => p.repeat !== "weekdays" || p.weekdays.length > 0, { message: "Tick at least one weekday.", path: ["weekdays"] })
  .refine((p) => p.count !== undefined || p.until !== undefined, { message: "Give a number of visits or an end date.", path: ["count"] })
  .refine((p) => !p.until || p.until >= p.first, { message: "The end date is before the first visit.", path: ["until"] });
export type SeriesPattern = z.infer<typeof seriesPattern>;

/** The local dates of the series, in order. */
export function seriesDates(p: Pick<SeriesPattern, "first" | "repeat" | "weekdays" | "every" | "count" | "until">): LocalDate[] {
  const limit = Math.min(p.count ?? MAX_SERIES_VISITS, MAX_SERIES_VISITS);
  const last = addDays(p.first, MAX_SERIES_DAYS);
  const out: LocalDate[] = [];
  const step = p.repeat === "days" ? (p.every ?? 1) : p.repeat === "weeks" ? 7 * (p.every ?? 1) : 1;
  for (let d = p.first; out.length < limit && d <= last && (!p.until || d <= p.until); d = addDays(d, step)) {
    if (p.repeat === "weekdays" && !p.weekdays.includes(ISO_WEEKDAYS.indexOf(weekdayOf(d)) + 1)) continue;
    out.push(d);
  }
  return out;
}

export interface SeriesAlternative {
  /** "doctorId|ISO start", the form's value. */
  value: string;
  doctorId: string;
  doctorName: string;
  start: string;
  label: string;
  sameDoctor: boolean;
}

export interface SeriesOccurrence {
  n: number;
  date: LocalDate;
  start: string;
  label: string;
  free: boolean;
  /** Why the time does not fit, in the desk's words. */
  problem: string | null;
  alternatives: SeriesAlternative[];
  /** The form value that keeps the asked time. */
  value: string;
}

export interface SeriesPreview {
  occurrences: SeriesOccurrence[];
  conflicts: number;
}

export const slotValueOf = (doctorId: string, start: Date) => `${doctorId}|${start.toISOString()}`;

/** "Tue 8 Dec, 10:00" on the clinic's clock. */
export function shortWhen(at: Date, timeZone: string): string {
  const day = new Intl.DateTimeFormat("en-GB", { timeZone, weekday: "short", day: "numeric", month: "short" }).format(at).replace(",", "");
  return `${day}, ${formatTime(at, timeZone)}`;
}

/**
 * Checks every visit of the series against the slot engine (staff rules, as for any desk booking)
 * and lists the nearest free times for each that does not fit. Reads only.
 */
export async function previewSeries(db: ClinicDb, clinic: ClinicRef, p: SeriesPattern, doctorNames: Map<string, string>, now = new Date()): Promise<SeriesPreview> {
  const minutes = Number(p.time.slice(0, 2)) * 60 + Number(p.time.slice(3, 5));
  const dates = seriesDates(p);
  const query: RawQuery = (text, params) => db.readOne(text, params);
  const slotsByDoctor = new Map<string, Slot[]>();
  const scheduled = new Set<number>();
  let eligible: readonly string[] = [];
  // The schedule in chunks: each read covers the chunk's dates and a day either side (alternatives).
  for (let i = 0; i < dates.length; ) {
    const chunkFirst = dates[i]!;
    let j = i;
    while (j + 1 < dates.length && dates[j + 1]! <= addDays(chunkFirst, CHUNK_DAYS)) j++;
    const from = new Date(Math.max(zonedToUtc(addDays(chunkFirst, -1), 0, clinic.timeZone).getTime(), now.getTime()));
    const to = zonedToUtc(addDays(dates[j]!, 2), 0, clinic.timeZone);
    i = j + 1;
    if (to.getTime() <= from.getTime()) continue;
    const data = await loadScheduleData(query, clinic.id, { serviceId: p.service, locationId: p.location, from, to, now });
    if (!data) throw new ValidationError("This service cannot be booked.", [{ path: "service", message: "is not bookable" }]);
    eligible = data.service.eligibleDoctorIds;
    for (const doctorId of eligible) {
      const list = slotsByDoctor.get(doctorId) ?? [];
      list.push(...slotsFrom(data, clinic, { from, to, practitionerId: doctorId, locationId: p.location }, now));
      slotsByDoctor.set(doctorId, list);
    }
    if (eligible.includes(p.doctor)) for (const s of slotsFrom(data, clinic, { from, to, practitionerId: p.doctor, locationId: p.location }, now, { ignoreBusy: true })) scheduled.add(s.start.getTime());
  }
  if (!eligible.includes(p.doctor) && dates.length) throw new ValidationError("This doctor does not offer this service here.", [{ path: "doctor", message: "does not offer this service" }]);
  const mine = new Set((slotsByDoctor.get(p.doctor) ?? []).map((s) => s.start.getTime()));
  const occurrences = dates.map((date, index): SeriesOccurrence => {
    const start = zonedToUtc(date, minutes, clinic.timeZone);
    const base = { n: index + 1, date, start: start.toISOString(), label: shortWhen(start, clinic.timeZone), value: slotValueOf(p.doctor, start) };
    if (mine.has(start.getTime())) return { ...base, free: true, problem: null, alternatives: [] };
    const problem =
      start.getTime() < now.getTime() ? "This time has passed." : scheduled.has(start.getTime()) ? "The doctor is booked at this time." : "The doctor does not work at this time (or the clinic is closed).";
    // The nearest free times from the day before to the day after, same doctor first.
    const lo = zonedToUtc(addDays(date, -1), 0, clinic.timeZone).getTime();
    const hi = zonedToUtc(addDays(date, 2), 0, clinic.timeZone).getTime();
    const near = (doctorId: string) =>
      (slotsByDoctor.get(doctorId) ?? [])
        .filter((s) => s.start.getTime() >= lo && s.start.getTime() < hi)
        .sort((a, b) => Math.abs(a.start.getTime() - start.getTime()) - Math.abs(b.start.getTime() - start.getTime()));
    const alt = (s: Slot): SeriesAlternative => ({
      value: slotValueOf(s.doctorId, s.start),
      doctorId: s.doctorId,
      doctorName: doctorNames.get(s.doctorId) ?? "Doctor",
      start: s.start.toISOString(),
      label: shortWhen(s.start, clinic.timeZone),
      sameDoctor: s.doctorId === p.doctor,
    });
    const same = near(p.doctor).slice(0, 3).map(alt);
    const others = eligible
      .filter((d) => d !== p.doctor)
      .flatMap((d) => near(d).slice(0, 2))
      .sort((a, b) => Math.abs(a.start.getTime() - start.getTime()) - Math.abs(b.start.getTime() - start.getTime()))
      .slice(0, 2)
      .map(alt);
    return { ...base, free: false, problem, alternatives: [...same, ...others] };
  });
  return { occurrences, conflicts: occurrences.filter((o) => !o.free).length };
}

export type SeriesSaveAnswer =
  | { ok: true; seriesId: string; booked: AppointmentRecord[]; skipped: number; message: string }
  | { ok: false; kind: "taken" | "invalid"; message: string; field?: string };

/**
 * Books the series as the desk chose it: `picks["3"]` is "skip", or "doctorId|ISO start" (the
 * asked time or an alternative). One transaction: the series row, every visit (through the booking
 * core, each with its history, event and audit entry), the links and one audit entry for the series.
 */
export async function saveSeries(db: ClinicDb, clinic: ClinicRef, p: SeriesPattern, picks: Record<string, string>, actor: Actor, now = new Date()): Promise<SeriesSaveAnswer> {
  const dates = seriesDates(p);
  const chosen: { n: number; doctorId: string; start: Date }[] = [];
  let skipped = 0;
  for (const [index] of dates.entries()) {
    const pick = picks[String(index + 1)] ?? "";
    if (pick === "skip") {
      skipped++;
      continue;
    }
    const [doctorId, iso] = pick.split("|");
    const start = new Date(iso ?? "");
    if (!isUuid(doctorId) || Number.isNaN(start.getTime())) return { ok: false, kind: "invalid", message: `Choose a time for visit ${index + 1}, or skip it.`, field: `pick.${index + 1}` };
    chosen.push({ n: index + 1, doctorId, start });
  }
  if (!chosen.length) return { ok: false, kind: "invalid", message: "Every visit is skipped: there is nothing to book." };
  chosen.sort((a, b) => a.start.getTime() - b.start.getTime());
  let current: (typeof chosen)[number] | null = null;
  try {
    const saved = await db.tx(
      async (tx) => {
        const known = await tx.clinicPatient.findUnique({ where: { clinicId_patientAccountId: { clinicId: clinic.id, patientAccountId: p.patient } }, select: { patientAccountId: true } });
        if (!known) throw new NotFoundError("There is no such patient at this clinic.");
        const series = await tx.appointmentSeries.create({
          data: {
            clinicId: clinic.id,
            patientAccountId: p.patient,
            dependentId: p.dependent ?? null,
            serviceId: p.service,
            doctorId: p.doctor,
            locationId: p.location,
            pattern: { repeat: p.repeat, weekdays: p.weekdays, every: p.every ?? null, time: p.time, first: p.first, count: p.count ?? null, until: p.until ?? null },
            createdBy: actorLabel(actor),
          },
          select: { id: true },
        });
        const booked: AppointmentRecord[] = [];
        for (const [i, c] of chosen.entries()) {
          current = c;
          const record = await bookAppointment(tx, clinic, { serviceId: p.service, practitionerId: c.doctorId, locationId: p.location, start: c.start, patient: { patientAccountId: p.patient, dependentId: p.dependent ?? null }, channel: "staff" }, actor, now);
          await tx.$executeRaw`UPDATE appointments SET series_id = ${series.id}::uuid, series_occurrence = ${i + 1} WHERE clinic_id = ${clinic.id}::uuid AND id = ${record.id}::uuid`;
          booked.push(record);
        }
        current = null;
        await recordAudit(tx, {
          clinicId: clinic.id,
          actor: { type: "staff", id: actor.id },
          action: "appointment_series.booked",
          target: { type: "appointment_series", id: series.id },
          request: actor.request ?? null,
          details: { patientAccountId: p.patient, dependentId: p.dependent ?? null, visits: booked.length, skipped, appointmentIds: booked.map((b) => b.id), pattern: { repeat: p.repeat, time: p.time, first: p.first } },
        });
        return { seriesId: series.id, booked };
      },
      { timeoutMs: 60_000 },
    );
    const deposits = await depositSummary(db, saved.booked, now);
    const statusWords = saved.booked.some((b) => b.status === "requested") ? " They wait as requests: this service needs approval." : "";
    return { ok: true, ...saved, skipped, message: `Series booked: ${saved.booked.length} visit${saved.booked.length === 1 ? "" : "s"}${skipped ? `, ${skipped} skipped` : ""}.${statusWords}${deposits}` };
  } catch (error) {
    const at = current as (typeof chosen)[number] | null;
    const which = at ? `Visit ${at.n} (${shortWhen(at.start, clinic.timeZone)})` : "A visit";
    if (error instanceof SlotTakenError) return { ok: false, kind: "taken", message: `${which} was just taken. Nothing was saved; the list below is checked again.` };
    if (error instanceof ClinicNotTakingBookingsError) return { ok: false, kind: "invalid", message: SUSPENDED_DESK_MESSAGE };
    if (error instanceof ValidationError) return { ok: false, kind: at ? "taken" : "invalid", message: at ? `${which}: ${error.message} Nothing was saved.` : error.message, field: error.errors[0]?.path };
    if (error instanceof NotFoundError || error instanceof ConflictError) return { ok: false, kind: "invalid", message: error.message };
    throw error;
  }
}

/** Each visit has its own deposit, exactly as a phone booking does (ensureDeposit); the desk hears the total. */
async function depositSummary(db: ClinicDb, booked: AppointmentRecord[], now: Date): Promise<string> {
  const withDeposit = booked.filter((b) => b.depositMinor > 0);
  if (!withDeposit.length) return "";
  let onCard = 0;
  for (const b of withDeposit) {
    const deposit = await ensureDeposit(db, getPaymentProvider().name, b.id, now);
    if (deposit && deposit.status !== "failed") onCard++;
  }
  const each = formatMoney(withDeposit[0]!.depositMinor, withDeposit[0]!.currency);
  return onCard === withDeposit.length
    ? ` Deposit ${each} per visit: the patient's saved card is on file for each.`
    : ` Deposit ${each} per visit: awaiting deposit for ${withDeposit.length - onCard} visit${withDeposit.length - onCard === 1 ? "" : "s"} (the patient is sent a secure link, or collect it at the desk).`;
}

export interface VisitSeries {
  seriesId: string;
  occurrence: number;
  total: number;
  visits: { id: string; occurrence: number; label: string; status: string; current: boolean }[];
  /** Visits from this one on that can still be cancelled. */
  cancellableFromHere: number;
}

/** The series a visit belongs to, with its other visits (their current rows), or null. */
export async function seriesOfVisit(db: ClinicDb, clinic: ClinicRef, appointmentId: string): Promise<VisitSeries | null> {
  if (!isUuid(appointmentId)) return null;
  return db.tx(async (tx) => {
    const [me] = await tx.$queryRaw<{ series_id: string | null; series_occurrence: number | null; starts_at: Date }[]>`
      SELECT series_id::text, series_occurrence, starts_at FROM appointments WHERE clinic_id = ${clinic.id}::uuid AND id = ${appointmentId}::uuid`;
    if (!me?.series_id) return null;
    const rows = await tx.$queryRaw<{ id: string; series_occurrence: number; starts_at: Date; status: string }[]>`
      SELECT id::text, series_occurrence, starts_at, status::text FROM appointments
       WHERE clinic_id = ${clinic.id}::uuid AND series_id = ${me.series_id}::uuid AND status NOT IN ('rescheduled', 'held', 'hold_expired', 'hold_released')
       ORDER BY starts_at, series_occurrence`;
    return {
      seriesId: me.series_id,
      occurrence: me.series_occurrence ?? 0,
      total: new Set(rows.map((r) => r.series_occurrence)).size,
      visits: rows.map((r) => ({ id: r.id, occurrence: r.series_occurrence, label: shortWhen(r.starts_at, clinic.timeZone), status: r.status, current: r.id === appointmentId })),
      cancellableFromHere: rows.filter((r) => r.starts_at.getTime() >= me.starts_at.getTime() && (r.status === "requested" || r.status === "confirmed")).length,
    };
  });
}

export const cancelRestForm = z.object({
  appointmentId: z.string().uuid("Choose a visit of the series."),
  reason: z.enum(CANCELLATION_REASONS, { error: "Choose why the visits are cancelled." }),
  note: z.string().trim().max(500).optional(),
  overrideReason: z.string().trim().max(500).optional(),
});

export type CancelRestAnswer = { ok: true; cancelled: number; message: string } | { ok: false; message: string; field?: string };

/**
 * Cancels this visit and every later visit of its series that can still be cancelled, in one
 * transaction through the booking core's cancellation (each visit's own history, event, waiting-list
 * offer and audit entry; a reason for those inside their cancellation window), plus one audit entry
 * for the series.
 */
export async function cancelRestOfSeries(db: ClinicDb, clinic: ClinicRef, raw: unknown, actor: Actor, now = new Date()): Promise<CancelRestAnswer> {
  const parsed = cancelRestForm.safeParse(raw);
  if (!parsed.success) return { ok: false, ...firstFieldError(parsed.error) };
  const input = parsed.data;
  try {
    const cancelled = await db.tx(async (tx) => {
      const [me] = await tx.$queryRaw<{ series_id: string | null; starts_at: Date }[]>`
        SELECT series_id::text, starts_at FROM appointments WHERE clinic_id = ${clinic.id}::uuid AND id = ${input.appointmentId}::uuid`;
      if (!me) throw new NotFoundError("There is no appointment with this id at this clinic.");
      if (!me.series_id) throw new ValidationError("This visit is not part of a series.", [{ path: "appointmentId", message: "is not in a series" }]);
      const rest = await tx.$queryRaw<{ id: string }[]>`
        SELECT id::text FROM appointments
         WHERE clinic_id = ${clinic.id}::uuid AND series_id = ${me.series_id}::uuid AND starts_at >= ${me.starts_at}
           AND status IN ('requested', 'confirmed')
         ORDER BY starts_at
         FOR UPDATE`;
      if (!rest.length) throw new ValidationError("No visit of the series from this one on can still be cancelled.", [{ path: "appointmentId", message: "nothing to cancel" }]);
      for (const r of rest) await cancelAppointment(tx, clinic, { appointmentId: r.id, reason: input.reason, note: input.note || null, overrideReason: input.overrideReason || null }, actor, now);
      await recordAudit(tx, {
        clinicId: clinic.id,
        actor: { type: "staff", id: actor.id },
        action: "appointment_series.rest_cancelled",
        target: { type: "appointment_series", id: me.series_id },
        request: actor.request ?? null,
        details: { fromAppointmentId: input.appointmentId, appointmentIds: rest.map((r) => r.id), reason: input.reason },
      });
      return rest.length;
    });
    return { ok: true, cancelled, message: `Cancelled ${cancelled} visit${cancelled === 1 ? "" : "s"} of the series. The patient is told, and the times are free again.` };
  } catch (error) {
    if (error instanceof ValidationError) return { ok: false, message: error.message, field: error.errors[0]?.path };
    if (error instanceof NotFoundError) throw error;
    if (error instanceof ConflictError) return { ok: false, message: error.message };
    throw error;
  }
}

export const localToday = (clinic: ClinicRef, now = new Date()) => utcToZoned(now, clinic.timeZone).date;
