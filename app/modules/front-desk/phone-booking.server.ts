/**
 * Booking by phone: the desk finds the caller among the clinic's patients (by phone or name) or
 * takes down a new one, picks a free time from the slot engine and books it on the staff channel.
 *
 * Two lines of defence, on purpose:
 * - warnings before booking, for what the database allows but a clinic wants to hear about (the
 *   patient already has a visit that day, or one that overlaps); the desk confirms to go on;
 * - the database refusing what must never happen (two visits of one doctor or room at once): the
 *   exclusion constraints turn a lost race into `SlotTakenError`, answered with the next free times.
 *
 * A service with a deposit follows the rules for bookings made without the patient's card at hand
 * (`ensureDeposit`): the patient's saved card is put on the visit, or, with no card saved, the
 * patient is asked for one and the desk sees the deposit as still to collect.
 */
import { alertsFor } from "~/modules/patients/patient-alerts.server";
import { alertLine } from "~/modules/patients/alerts";
import { z } from "zod";
import { Prisma } from "~/generated/prisma/client";
import { recordAudit } from "~/modules/audit/audit.server";
import { countryForTimeZone, formatPhone, normalizePhone } from "~/lib/phone";
import { formatDateTime, formatMoney, formatTime } from "~/lib/format";
import { RELATIONSHIP_VALUES } from "~/modules/patient-account/relationships";
import { ensureClinicPatient } from "~/modules/patients/clinic-patients.server";
import { ensureDeposit } from "~/modules/payments/deposits.server";
import { getPaymentProvider } from "~/modules/payments/provider.server";
import type { Actor } from "~/lib/actor";
import { bookAppointment, ClinicNotTakingBookingsError, SlotTakenError, type AppointmentRecord } from "~/modules/scheduling/booking.server";
import { isUuid } from "~/modules/scheduling/schedule-data.server";
import type { Slot } from "~/modules/scheduling/slot-engine";
import { alternativeSlots, findSlots, type ClinicRef } from "~/modules/scheduling/slots.server";
import { addDays, utcToZoned, zonedToUtc, type LocalDate } from "~/lib/zoned-time";
import type { ClinicDb, Tx } from "~/utils/db.server";
import { NotFoundError, ValidationError } from "~/utils/errors.server";
import { fieldErrorsOf } from "~/lib/form-errors";
import { ageOn, bornWords, dateOfBirthWords, dateOrderFor, readDateOfBirth, type TypedDate } from "~/lib/date-of-birth";

export interface PhonePatient {
  id: string;
  phone: string;
  phoneDisplay: string;
  name: string;
  /** The clinic's record of the date of birth (YYYY-MM-DD) and the age today in the clinic. */
  dateOfBirth: string | null;
  age: number | null;
  /** "born 2 Dec 1968, 58", or null with no date of birth on file. */
  born: string | null;
  /** The last visit the patient came to and the next one booked, in words ("Tue 3 Nov 2026"). */
  lastVisit: string | null;
  nextVisit: string | null;
  /** What the desk must see before booking (allergies, access needs); none recorded yet. */
  alerts: string[];
  dependents: { id: string; name: string; relationship: string; dateOfBirth: string | null; age: number | null }[];
}

const name = (first: string | null, last: string | null) => [first, last].filter(Boolean).join(" ");

export { ageOn };

const isoDay = (d: Date | null) => (d ? d.toISOString().slice(0, 10) : null);

/** Statuses of a visit the patient came to (or is at), and of one still ahead. */
const CAME = ["checked_in", "in_consultation", "completed"];
const AHEAD = ["requested", "confirmed"];

function visitDay(at: Date, timeZone: string, withTime: boolean): string {
  const day = new Intl.DateTimeFormat("en-GB", { timeZone, weekday: "short", day: "numeric", month: "short", year: "numeric" }).format(at).replace(",", "");
  return withTime ? `${day}, ${formatTime(at, timeZone)}` : day;
}

async function patientsWhere(tx: Tx, clinic: ClinicRef, where: Prisma.Sql, limit = 20): Promise<PhonePatient[]> {
  const now = new Date();
  const rows = await tx.$queryRaw<{ id: string; phone: string; first_name: string | null; last_name: string | null; date_of_birth: string | null; last_visit: Date | null; next_visit: Date | null }[]>`
    SELECT p.id::text, p.phone, coalesce(cp.first_name, p.first_name) AS first_name, coalesce(cp.last_name, p.last_name) AS last_name, cp.date_of_birth::text AS date_of_birth,
           (SELECT max(a.starts_at) FROM appointments a WHERE a.clinic_id = cp.clinic_id AND a.patient_account_id = p.id AND a.dependent_id IS NULL
               AND a.starts_at <= ${now} AND a.status::text = ANY(${CAME})) AS last_visit,
           (SELECT min(a.starts_at) FROM appointments a WHERE a.clinic_id = cp.clinic_id AND a.patient_account_id = p.id AND a.dependent_id IS NULL
               AND a.starts_at > ${now} AND a.status::text = ANY(${AHEAD})) AS next_visit
      FROM clinic_patients cp JOIN patient_accounts p ON p.id = cp.patient_account_id
     WHERE cp.clinic_id = ${clinic.id}::uuid AND cp.merged_into_patient_account_id IS NULL AND ${where}
     ORDER BY coalesce(cp.last_name, p.last_name), coalesce(cp.first_name, p.first_name), cp.date_of_birth NULLS LAST, p.phone
     LIMIT ${limit}`;
  const ids = rows.map((r) => r.id);
  // Only the family members the patient shared with this clinic (docs/decisions/030).
  const shared = ids.length ? await tx.clinicFamilyMember.findMany({ where: { clinicId: clinic.id, patientAccountId: { in: ids } }, select: { dependentId: true } }) : [];
  const dependents = shared.length ? await tx.dependent.findMany({ where: { id: { in: shared.map((s) => s.dependentId) }, removedAt: null }, orderBy: { createdAt: "asc" } }) : [];
  const alerts = await alertsFor(tx, clinic.id, ids);
  const today = utcToZoned(now, clinic.timeZone).date;
  return rows.map((r) => ({
    id: r.id,
    phone: r.phone,
    phoneDisplay: formatPhone(r.phone),
    name: name(r.first_name, r.last_name) || "No name on file",
    dateOfBirth: r.date_of_birth,
    age: ageOn(r.date_of_birth, today),
    born: r.date_of_birth ? bornWords(r.date_of_birth, today) : null,
    lastVisit: r.last_visit ? visitDay(r.last_visit, clinic.timeZone, false) : null,
    nextVisit: r.next_visit ? visitDay(r.next_visit, clinic.timeZone, true) : null,
    alerts: (alerts.get(r.id) ?? []).map(alertLine),
    dependents: dependents
      .filter((d) => d.patientAccountId === r.id)
      .map((d) => ({ id: d.id, name: name(d.firstName, d.lastName), relationship: d.relationship, dateOfBirth: isoDay(d.dateOfBirth), age: ageOn(isoDay(d.dateOfBirth), today) })),
  }));
}

export const patientSearchQuery = z.string().trim().min(2, "Type at least 2 characters of a name, a phone number or a date of birth.").max(80);

/** What one search field was read as. */
export interface CallerSearch {
  text: string;
  /** The date of birth found in the text, in words, and whether its numbers could be read the other way round. */
  dateOfBirth: { date: string; words: string; ambiguous: boolean } | null;
}

/** A date of birth at the end of the text ("thompson 2 dec 1968") and the name before it. */
function splitDateOfBirth(q: string, timeZone: string, today: string): { dob: TypedDate | null; rest: string } {
  const words = q.split(/\s+/);
  for (const n of [3, 1]) {
    if (words.length < n) continue;
    const dob = readDateOfBirth(words.slice(-n).join(" "), dateOrderFor(timeZone), today);
    if (dob) return { dob, rest: words.slice(0, -n).join(" ") };
  }
  return { dob: null, rest: q };
}

/**
 * The clinic's patients matching one typed text: a phone number (normalised the way sign-in does,
 * or by its digits), a name, a date of birth in the forms the desk types ("2 Dec 1968",
 * "02/12/1968" read the clinic's way, "1968-12-02"), or a name and a date of birth together. Only
 * patients of this clinic are found; the list is a view of patient data, audited.
 */
export async function searchCallers(db: ClinicDb, clinic: ClinicRef, text: string, actor: Actor): Promise<{ search: CallerSearch; patients: PhonePatient[] }> {
  const q = text.trim();
  const today = utcToZoned(new Date(), clinic.timeZone).date;
  const { dob, rest } = splitDateOfBirth(q, clinic.timeZone, today);
  const search: CallerSearch = { text: q, dateOfBirth: dob ? { date: dob.date, words: dateOfBirthWords(dob.date), ambiguous: dob.ambiguous } : null };
  const nameWords = rest
    .split(/\s+/)
    .filter((w) => /[\p{L}]/u.test(w))
    .map((w) => `%${w.replace(/[\\%_]/g, (c) => `\\${c}`)}%`);
  const byName = nameWords.length
    ? Prisma.join(
        nameWords.map((w) => Prisma.sql`(coalesce(cp.first_name, p.first_name, '') || ' ' || coalesce(cp.last_name, p.last_name, '')) ILIKE ${w}`),
        " AND ",
      )
    : null;
  const conditions: Prisma.Sql[] = [];
  if (dob) {
    // A date of birth is never read as a phone number's digits.
    conditions.push(byName ? Prisma.sql`(cp.date_of_birth = ${dob.date}::date AND ${byName})` : Prisma.sql`cp.date_of_birth = ${dob.date}::date`);
  } else {
    const normal = normalizePhone(q, countryForTimeZone(clinic.timeZone));
    const digits = q.replace(/\D/g, "");
    if (normal.ok) conditions.push(Prisma.sql`p.phone = ${normal.e164}`);
    if (digits.length >= 4) conditions.push(Prisma.sql`regexp_replace(p.phone, '\\D', '', 'g') LIKE ${`%${digits}%`}`);
    if (byName) conditions.push(byName);
  }
  if (!conditions.length) return { search, patients: [] };
  return db.tx(async (tx) => {
    const found = await patientsWhere(tx, clinic, Prisma.sql`(${Prisma.join(conditions, " OR ")})`);
    await recordAudit(tx, {
      clinicId: clinic.id,
      actor: { type: "staff", id: actor.id },
      action: "staff.patients_searched",
      target: { type: "clinic_patients", id: clinic.id },
      request: actor.request ?? null,
      details: { results: found.length, byDateOfBirth: Boolean(dob) },
    });
    return { search, patients: found };
  });
}

/** The clinic's patients matching a phone number, a name or a date of birth (see searchCallers). */
export async function findPhonePatients(db: ClinicDb, clinic: ClinicRef, text: string, actor: Actor): Promise<PhonePatient[]> {
  return (await searchCallers(db, clinic, text, actor)).patients;
}

/** One patient of this clinic, with their family members; another clinic's patient is not found. */
export async function phonePatient(db: ClinicDb, clinic: ClinicRef, patientAccountId: string, actor: Actor): Promise<PhonePatient> {
  if (!isUuid(patientAccountId)) throw new NotFoundError("There is no such patient at this clinic.");
  const found = await db.tx(async (tx) => {
    const [one] = await patientsWhere(tx, clinic, Prisma.sql`p.id = ${patientAccountId}::uuid`, 1);
    if (one) await recordAudit(tx, { clinicId: clinic.id, actor: { type: "staff", id: actor.id }, action: "patient.viewed", target: { type: "patient", id: one.id }, request: actor.request ?? null, details: { page: "book by phone" } });
    return one;
  });
  if (!found) throw new NotFoundError("There is no such patient at this clinic.");
  return found;
}

/** A real calendar day, not in the clinic's future, not before 1900 (the column's check). */
const dateOfBirthField = z
  .string()
  .trim()
  .regex(/^\d{4}-\d{2}-\d{2}$/, "Enter the date of birth as a date (year-month-day).")
  .refine((v) => !Number.isNaN(Date.parse(`${v}T00:00:00Z`)) && new Date(`${v}T00:00:00Z`).toISOString().startsWith(v), "Enter a real date of birth.")
  .refine((v) => v >= "1900-01-01", "Enter a date of birth after 1900.");

const blankToUndefined = (v: unknown) => (typeof v === "string" && v.trim() === "" ? undefined : v);

export const newPatientForm = z.object({
  phone: z.string().trim().min(1, "Enter the patient's mobile number.").max(40),
  firstName: z.string().trim().min(1, "Enter the first name.").max(80),
  lastName: z.string().trim().min(1, "Enter the last name.").max(80),
  email: z.preprocess(blankToUndefined, z.string().trim().max(200).email("Enter a valid email address, or leave it empty.").optional()),
  dateOfBirth: z.preprocess(blankToUndefined, dateOfBirthField.optional()),
  /** After a match was shown: the desk says the caller is another person on that phone. */
  match: z.preprocess(blankToUndefined, z.literal("someone-else").optional()),
  relationship: z.preprocess(blankToUndefined, z.enum(RELATIONSHIP_VALUES).optional()),
});
export type NewPatientInput = z.input<typeof newPatientForm>;

export type NewPatientAnswer =
  | { ok: true; patientId: string; dependentId: string | null }
  | { ok: false; kind: "invalid"; fieldErrors: Record<string, string> }
  | { ok: false; kind: "match"; matches: PhonePatient[] };

const isFuture = (day: string | undefined, clinic: ClinicRef) => Boolean(day && day > utcToZoned(new Date(), clinic.timeZone).date);

/**
 * A caller the desk takes down as new. A create never changes an existing record: when the phone
 * (or email) is already one of this clinic's patients, the match is shown and the desk chooses.
 * "Someone else" on a phone the clinic knows (a family member, a shared phone) becomes a family
 * member of that phone's account, so each person keeps their own name and visits.
 */
export async function createPhonePatient(db: ClinicDb, clinic: ClinicRef, raw: NewPatientInput | Record<string, unknown>, actor: Actor): Promise<NewPatientAnswer> {
  const parsed = newPatientForm.safeParse(raw);
  if (!parsed.success) return { ok: false, kind: "invalid", fieldErrors: fieldErrorsOf(parsed.error) };
  const input = parsed.data;
  const phone = normalizePhone(input.phone, countryForTimeZone(clinic.timeZone));
  if (!phone.ok) return { ok: false, kind: "invalid", fieldErrors: { phone: phone.message.replace("your mobile", "the patient's mobile") } };
  if (isFuture(input.dateOfBirth, clinic)) return { ok: false, kind: "invalid", fieldErrors: { dateOfBirth: "The date of birth cannot be in the future." } };
  const audit = { clinicId: clinic.id, actor: { type: "staff" as const, id: actor.id }, request: actor.request ?? null };
  return db.tx(async (tx): Promise<NewPatientAnswer> => {
    const byEmail = input.email ? Prisma.sql` OR lower(cp.email) = lower(${input.email})` : Prisma.empty;
    const matches = await patientsWhere(tx, clinic, Prisma.sql`(p.phone = ${phone.e164}${byEmail})`, 5);
    if (matches.length && input.match !== "someone-else") {
      await recordAudit(tx, { ...audit, action: "staff.patients_searched", target: { type: "clinic_patients", id: clinic.id }, details: { results: matches.length, reason: "new patient matches an existing record" } });
      return { ok: false, kind: "match", matches };
    }
    const holder = matches.find((m) => m.phone === phone.e164);
    if (holder) {
      const dependent = await tx.dependent.create({
        data: { patientAccountId: holder.id, firstName: input.firstName, lastName: input.lastName, relationship: input.relationship ?? "other", dateOfBirth: input.dateOfBirth ? new Date(`${input.dateOfBirth}T00:00:00Z`) : null },
        select: { id: true },
      });
      // The desk sees the person it recorded; no other clinic does unless the patient shares them (decision 030).
      await tx.clinicFamilyMember.create({ data: { clinicId: clinic.id, dependentId: dependent.id, patientAccountId: holder.id } });
      await recordAudit(tx, { ...audit, action: "patient.family_member_recorded_by_staff", target: { type: "patient", id: holder.id }, details: { channel: "phone", dependentId: dependent.id } });
      return { ok: true, patientId: holder.id, dependentId: dependent.id };
    }
    const ensured = await ensureClinicPatient(tx, clinic.id, { phone: phone.e164, firstName: input.firstName, lastName: input.lastName, email: input.email ?? null });
    // A phone whose record was merged into another: the desk works with the kept record.
    const record = await tx.clinicPatient.findUnique({ where: { clinicId_patientAccountId: { clinicId: clinic.id, patientAccountId: ensured } }, select: { mergedIntoPatientAccountId: true } });
    const id = record?.mergedIntoPatientAccountId ?? ensured;
    if (input.dateOfBirth) {
      await tx.$executeRaw`UPDATE clinic_patients SET date_of_birth = ${input.dateOfBirth}::date WHERE clinic_id = ${clinic.id}::uuid AND patient_account_id = ${id}::uuid AND date_of_birth IS NULL`;
    }
    await recordAudit(tx, { ...audit, action: "patient.recorded_by_staff", target: { type: "patient", id }, details: { channel: "phone" } });
    return { ok: true, patientId: id, dependentId: null };
  });
}

export const dateOfBirthForm = z.object({ patientId: z.string().uuid("Choose the patient first."), dateOfBirth: dateOfBirthField });

/** The desk enters or corrects the date of birth on the clinic's record, audited. */
export async function setPatientDateOfBirth(db: ClinicDb, clinic: ClinicRef, raw: z.input<typeof dateOfBirthForm>, actor: Actor): Promise<{ ok: true } | { ok: false; fieldErrors: Record<string, string> }> {
  const parsed = dateOfBirthForm.safeParse(raw);
  if (!parsed.success) return { ok: false, fieldErrors: fieldErrorsOf(parsed.error) };
  if (isFuture(parsed.data.dateOfBirth, clinic)) return { ok: false, fieldErrors: { dateOfBirth: "The date of birth cannot be in the future." } };
  const { patientId, dateOfBirth } = parsed.data;
  return db.tx(async (tx) => {
    const before = await tx.$queryRaw<{ date_of_birth: string | null }[]>`
      SELECT date_of_birth::text FROM clinic_patients WHERE clinic_id = ${clinic.id}::uuid AND patient_account_id = ${patientId}::uuid FOR UPDATE`;
    if (!before.length) return { ok: false as const, fieldErrors: { patientId: "There is no such patient at this clinic." } };
    await tx.$executeRaw`UPDATE clinic_patients SET date_of_birth = ${dateOfBirth}::date WHERE clinic_id = ${clinic.id}::uuid AND patient_account_id = ${patientId}::uuid`;
    await recordAudit(tx, { clinicId: clinic.id, actor: { type: "staff", id: actor.id }, action: "patient.date_of_birth_set", target: { type: "patient", id: patientId }, request: actor.request ?? null, details: { before: before[0]!.date_of_birth, after: dateOfBirth } });
    return { ok: true as const };
  });
}

export interface SlotOption {
  start: string;
  time: string;
  practitionerId: string;
  doctorName: string;
  locationId: string;
}

/** Free times of one local day for a service (staff audience: internal-only services too). */
export async function freeTimesOfDay(db: ClinicDb, clinic: ClinicRef, search: { serviceId: string; practitionerId?: string | null; locationId?: string | null; day: LocalDate }, doctorNames: Map<string, string>, now = new Date()): Promise<SlotOption[]> {
  const from = zonedToUtc(search.day, 0, clinic.timeZone);
  const to = zonedToUtc(addDays(search.day, 1), 0, clinic.timeZone);
  let slots: Slot[];
  try {
    slots = await findSlots(db, clinic, { serviceId: search.serviceId, practitionerId: search.practitionerId ?? null, locationId: search.locationId ?? null, from, to, audience: "staff" }, now);
  } catch (error) {
    if (error instanceof NotFoundError || error instanceof ValidationError) return [];
    throw error;
  }
  return slots.map((s) => slotOption(s, clinic, doctorNames));
}

export function slotOption(s: Slot, clinic: ClinicRef, doctorNames: Map<string, string>): SlotOption {
  return { start: s.start.toISOString(), time: formatTime(s.start, clinic.timeZone), practitionerId: s.doctorId, doctorName: doctorNames.get(s.doctorId) ?? "Doctor", locationId: s.locationId };
}

import { PHONE_BOOKING_NOTE_MAX_LENGTH } from "./phone-booking-choices";
export { PHONE_BOOKING_NOTE_MAX_LENGTH };

export const phoneBookingForm = z.object({
  patientId: z.string().uuid("Choose the patient first."),
  dependentId: z.union([z.literal(""), z.string().uuid()]).optional(),
  serviceId: z.string().uuid("Choose a service."),
  slot: z.string().regex(/^[0-9a-f-]{36}\|\d{4}-\d{2}-\d{2}T[\d:.]+Z(\|[0-9a-f-]{36})?$/i, "Choose a free time."),
  note: z.string().trim().max(PHONE_BOOKING_NOTE_MAX_LENGTH).optional(),
  confirmWarnings: z.literal("yes").optional(),
});
export type PhoneBookingInput = z.infer<typeof phoneBookingForm>;

/** A form slot value: "doctorId|ISO start", or with "|locationId" when the list showed a location. */
export const slotValue = (o: { practitionerId: string; start: string }) => `${o.practitionerId}|${o.start}`;
export function parseSlotValue(v: string): { practitionerId: string; start: Date; locationId: string | null } {
  const [practitionerId, start, locationId] = v.split("|");
  return { practitionerId: practitionerId!, start: new Date(start!), locationId: locationId || null };
}

export interface BookingWarning {
  code: "same_day" | "overlap";
  message: string;
}

/** What the desk should hear before booking: the patient's other visits that day, or overlapping ones. */
export async function bookingWarnings(tx: Tx, clinic: ClinicRef, p: { patientAccountId: string; dependentId?: string | null; start: Date; end: Date }): Promise<BookingWarning[]> {
  const day = utcToZoned(p.start, clinic.timeZone).date;
  const from = zonedToUtc(day, 0, clinic.timeZone);
  const to = zonedToUtc(addDays(day, 1), 0, clinic.timeZone);
  const rows = await tx.$queryRaw<{ starts_at: Date; ends_at: Date; service_name: string }[]>`
    SELECT a.starts_at, a.ends_at, s.name AS service_name FROM appointments a JOIN services s ON s.clinic_id = a.clinic_id AND s.id = a.service_id
     WHERE a.clinic_id = ${clinic.id}::uuid AND a.patient_account_id = ${p.patientAccountId}::uuid
       AND a.dependent_id IS NOT DISTINCT FROM ${p.dependentId ?? null}::uuid
       AND a.status IN ('requested', 'confirmed', 'checked_in', 'in_consultation')
       AND a.starts_at < ${to} AND a.ends_at > ${from}
     ORDER BY a.starts_at`;
  return rows.map((r) => {
    const overlaps = r.starts_at.getTime() < p.end.getTime() && r.ends_at.getTime() > p.start.getTime();
    const when = `${formatTime(r.starts_at, clinic.timeZone)}–${formatTime(r.ends_at, clinic.timeZone)}`;
    return overlaps
      ? { code: "overlap" as const, message: `This patient already has ${r.service_name} at ${when}, which overlaps this time.` }
      : { code: "same_day" as const, message: `This patient already has ${r.service_name} on this day at ${when}.` };
  });
}

export type PhoneBookingAnswer =
  | { ok: true; appointment: AppointmentRecord; deposit: { state: "none" | "card_saved" | "awaiting_deposit"; words: string } }
  | { ok: false; kind: "warnings"; warnings: BookingWarning[]; message: string }
  | { ok: false; kind: "taken"; message: string; alternatives: SlotOption[] }
  | { ok: false; kind: "invalid"; message: string; field?: string };

/**
 * Books the chosen time for the patient. Warnings stop it once; with `confirmWarnings` it goes on.
 * The booking, its history, its outbox event and the audit entry are one transaction.
 */
export async function bookByPhone(db: ClinicDb, clinic: ClinicRef, input: PhoneBookingInput, actor: Actor, doctorNames: Map<string, string>, now = new Date()): Promise<PhoneBookingAnswer> {
  const { practitionerId, start, locationId } = parseSlotValue(input.slot);
  if (Number.isNaN(start.getTime())) return { ok: false, kind: "invalid", message: "Choose a free time.", field: "slot" };
  const dependentId = input.dependentId || null;
  const service = await db.tx((tx) => tx.service.findUnique({ where: { clinicId_id: { clinicId: clinic.id, id: input.serviceId } }, select: { durationMin: true } }));
  if (!service) return { ok: false, kind: "invalid", message: "There is no bookable service with this id at this clinic.", field: "serviceId" };
  try {
    const appointment = await db.tx(async (tx) => {
      if (!input.confirmWarnings) {
        const warnings = await bookingWarnings(tx, clinic, { patientAccountId: input.patientId, dependentId, start, end: new Date(start.getTime() + service.durationMin * 60_000) });
        if (warnings.length) return { warnings, record: null };
      }
      const known = await tx.clinicPatient.findUnique({ where: { clinicId_patientAccountId: { clinicId: clinic.id, patientAccountId: input.patientId } }, select: { patientAccountId: true } });
      if (!known) throw new NotFoundError("There is no such patient at this clinic.");
      const record = await bookAppointment(tx, clinic, { serviceId: input.serviceId, practitionerId, locationId, start, patient: { patientAccountId: input.patientId, dependentId }, channel: "staff", note: input.note || null }, actor, now);
      await recordAudit(tx, {
        clinicId: clinic.id,
        actor: { type: "staff", id: actor.id },
        action: "appointment.booked_by_phone",
        target: { type: "appointment", id: record.id },
        request: actor.request ?? null,
        details: { patientAccountId: input.patientId, dependentId, start: record.start.toISOString(), status: record.status, warningsConfirmed: Boolean(input.confirmWarnings) },
      });
      return { warnings: [] as BookingWarning[], record };
    });
    if (!appointment.record) return { ok: false, kind: "warnings", warnings: appointment.warnings, message: "Check before booking:" };
    const record = appointment.record;
    if (record.depositMinor <= 0) return { ok: true, appointment: record, deposit: { state: "none", words: "No deposit for this service." } };
    const deposit = await ensureDeposit(db, getPaymentProvider().name, record.id, now);
    const amount = formatMoney(record.depositMinor, record.currency);
    if (deposit && deposit.status !== "failed") {
      return { ok: true, appointment: record, deposit: { state: "card_saved", words: `Deposit ${amount}: the patient's saved card is on file and is held before the visit by the usual rules.` } };
    }
    // The same words whether or not the patient saved cards elsewhere: this clinic learns nothing of them.
    if (!deposit || deposit.captureAt.getTime() <= now.getTime()) {
      return { ok: true, appointment: record, deposit: { state: "awaiting_deposit", words: `Deposit ${amount}: awaiting deposit. The visit is inside the cancellation window, so collect it at the desk.` } };
    }
    const deadline = formatDateTime(deposit.captureAt, clinic.timeZone);
    return { ok: true, appointment: record, deposit: { state: "awaiting_deposit", words: `Deposit ${amount}: awaiting deposit. The patient is sent a secure link to add or allow a card by ${deadline}; otherwise collect it at the desk.` } };
  } catch (error) {
    if (error instanceof SlotTakenError) {
      const alternatives = await alternativeSlots(db, clinic, { serviceId: input.serviceId, practitionerId, after: start, audience: "staff" }, 3, now);
      return { ok: false, kind: "taken", message: "That time was just taken. Choose one of the next free times.", alternatives: alternatives.map((s) => slotOption(s, clinic, doctorNames)) };
    }
    if (error instanceof ValidationError || error instanceof NotFoundError) return { ok: false, kind: "invalid", message: error.message, field: error instanceof ValidationError ? (error.errors[0]?.path ?? undefined) : undefined };
    if (error instanceof ClinicNotTakingBookingsError) return { ok: false, kind: "invalid", message: SUSPENDED_DESK_MESSAGE };
    throw error;
  }
}

/** What the desk is told when it tries to book while the clinic is suspended. */
export const SUSPENDED_DESK_MESSAGE = "The clinic is suspended, so it takes no new bookings. You can still cancel or move the visits already booked and contact those patients.";
