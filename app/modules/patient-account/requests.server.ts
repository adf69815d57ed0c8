/**
 * Flexible-schedule requests in the patient's account at one clinic: sending one (when no listed
 * time suits, the patient says what would), seeing each request's state in plain words, and
 * answering the clinic: accept a proposed time (booked at once, if still free), decline it, or
 * withdraw a request still waiting. Every view and every answer is written to the audit log in the
 * same transaction as the change.
 */
import { z } from "zod";
import { recordAudit, type AuditRequestContext } from "~/modules/audit/audit.server";
import { loadBookingCatalog, type BookingCatalog } from "~/modules/booking-flow/catalog.server";
import { formatDateTime, formatLocalDay } from "~/lib/format";
import type { Actor } from "~/lib/actor";
import { SlotTakenError } from "~/modules/scheduling/booking.server";
import {
  cancelFlexibleRequest,
  createFlexibleRequest,
  declineProposal,
  listFlexibleRequests,
  type FlexibleRequestRecord,
} from "~/modules/scheduling/flexible-requests.server";
import { acceptProposal } from "~/modules/scheduling/flexible-acceptance.server";
import { utcToZoned, type LocalDate } from "~/lib/zoned-time";
import type { ClinicDb, Tx } from "~/utils/db.server";
import { ConflictError, ForbiddenError, NotFoundError, ValidationError } from "~/utils/errors.server";
import type { AccountClinic } from "./appointments.server";
import { WEEKDAY_NAMES } from "./wording";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;


const optionalId = (message: string) =>
  z
    .string()
    .trim()
    .optional()
    .transform((v) => v || null)
    .refine((v) => v === null || UUID.test(v), message);

const optionalTime = z
  .string()
  .trim()
  .optional()
  .transform((v) => v || null)
  .refine((v) => v === null || /^(?:[01]\d|2[0-3]):[0-5]\d$/.test(v), "Enter a time of day such as 09:30.");

const optionalDate = z
  .string()
  .trim()
  .optional()
  .transform((v) => v || null)
  .refine((v) => {
    if (v === null) return true;
    const at = new Date(`${v}T00:00:00Z`);
    return /^\d{4}-\d{2}-\d{2}$/.test(v) && !Number.isNaN(at.getTime()) && at.toISOString().slice(0, 10) === v;
  }, "Enter a date such as 2026-12-01.");

/** The request form as posted: every field a string; weekdays are checkboxes day1 … day7. */
export const requestForm = z
  .object({
    intent: z.literal("send"),
    service: z.string({ error: "Choose what the visit is for." }).regex(UUID, "Choose what the visit is for."),
    visitFor: z.string().optional(),
    doctor: optionalId("Choose a doctor from the list, or any doctor."),
    location: optionalId("Choose a location from the list, or any location."),
    from: optionalTime,
    to: optionalTime,
    earliest: optionalDate,
    latest: optionalDate,
    note: z.string().trim().max(1000, "Keep the note under 1000 characters.").optional(),
    day1: z.string().optional(),
    day2: z.string().optional(),
    day3: z.string().optional(),
    day4: z.string().optional(),
    day5: z.string().optional(),
    day6: z.string().optional(),
    day7: z.string().optional(),
  })
  .superRefine((v, ctx) => {
    if (v.visitFor && v.visitFor !== "self" && !UUID.test(v.visitFor)) ctx.addIssue({ code: "custom", path: ["visitFor"], message: "Choose yourself or a family member." });
    if (v.from && v.to && v.from >= v.to) ctx.addIssue({ code: "custom", path: ["to"], message: "The end of the time of day must be later than its start." });
    if (v.earliest && v.latest && v.earliest > v.latest) ctx.addIssue({ code: "custom", path: ["latest"], message: "The latest date must not be before the earliest date." });
  });
export type RequestFormInput = z.input<typeof requestForm>;

export const answerForm = z.object({
  intent: z.enum(["accept", "decline", "withdraw"]),
  requestId: z.string().regex(UUID),
});

export interface RequestOptions {
  services: { id: string; name: string }[];
  doctors: { id: string; name: string }[];
  locations: { id: string; name: string }[];
  family: { id: string; name: string }[];
}

/** What the form offers: the clinic's bookable services, its doctors and locations, the patient's family. */
export async function requestOptions(db: ClinicDb, clinic: AccountClinic, patientAccountId: string): Promise<RequestOptions> {
  const [catalog, family] = await Promise.all([
    loadBookingCatalog(db),
    db.tx((tx) => tx.dependent.findMany({ where: { patientAccountId, removedAt: null }, orderBy: [{ firstName: "asc" }, { lastName: "asc" }], select: { id: true, firstName: true, lastName: true } })),
  ]);
  const offered = new Set(catalog.services.flatMap((s) => s.doctorIds));
  return {
    services: catalog.services.map((s) => ({ id: s.id, name: s.name })),
    doctors: catalog.doctors.filter((d) => offered.has(d.id)).map((d) => ({ id: d.id, name: d.name })),
    locations: catalog.locations.map((l) => ({ id: l.id, name: l.name })),
    family: family.map((d) => ({ id: d.id, name: `${d.firstName} ${d.lastName}` })),
  };
}

export type RequestTone = "waiting" | "action" | "good" | "ended";

export interface AccountRequest {
  id: string;
  serviceName: string;
  forName: string | null;
  /** "Waiting for the clinic", "The clinic proposes …", "Booked", … */
  status: string;
  tone: RequestTone;
  /** What the patient asked for, in words. */
  wishes: string[];
  note: string | null;
  sent: string;
  /** A time put to the patient that can still be answered. */
  proposal: { when: string; doctorName: string | null; locationName: string | null; until: string } | null;
  canWithdraw: boolean;
  appointmentId: string | null;
}

function weekdaysText(days: number[]): string {
  if (days.length === 0 || days.length === 7) return "Any day of the week";
  return days.map((d) => WEEKDAY_NAMES[d - 1]).join(", ");
}

function clock(hhmm: string): string {
  const [h, m] = hhmm.split(":").map(Number) as [number, number];
  if (h === 24) return "midnight";
  const suffix = h < 12 ? "AM" : "PM";
  return `${h % 12 === 0 ? 12 : h % 12}:${String(m).padStart(2, "0")} ${suffix}`;
}

function shown(r: FlexibleRequestRecord, clinic: AccountClinic, catalog: BookingCatalog, now: Date): AccountRequest {
  const doctorName = (id: string | null) => (id ? (catalog.doctors.find((d) => d.id === id)?.name ?? null) : null);
  const locationName = (id: string | null) => (id ? (catalog.locations.find((l) => l.id === id)?.name ?? null) : null);
  const wishes = [weekdaysText(r.preferredWeekdays)];
  if (r.preferredFrom && r.preferredTo) wishes.push(`Between ${clock(r.preferredFrom)} and ${clock(r.preferredTo)}`);
  if (r.earliestDate && r.latestDate) wishes.push(`From ${formatLocalDay(r.earliestDate)} to ${formatLocalDay(r.latestDate)}`);
  else if (r.earliestDate) wishes.push(`From ${formatLocalDay(r.earliestDate)}`);
  else if (r.latestDate) wishes.push(`Until ${formatLocalDay(r.latestDate)}`);
  wishes.push(r.practitionerId ? `With ${doctorName(r.practitionerId) ?? "the doctor you chose"}` : "Any doctor");
  wishes.push(r.locationId ? `At ${locationName(r.locationId) ?? "the location you chose"}` : "Any location");

  const p = r.proposal;
  const live = (r.status === "proposed" || r.status === "offered") && p?.expiresAt && p.expiresAt.getTime() > now.getTime();
  let status: string;
  let tone: RequestTone;
  switch (r.status) {
    case "open":
      status = "Waiting for the clinic to find a time";
      tone = "waiting";
      break;
    case "proposed":
    case "offered":
      status = live && p?.expiresAt ? `The clinic proposes ${formatDateTime(p.start, clinic.timeZone)}: accept or decline until ${formatDateTime(p.expiresAt, clinic.timeZone)}` : "The proposed time has expired";
      tone = live ? "action" : "ended";
      break;
    case "accepted":
      status = p ? `Booked for ${formatDateTime(p.start, clinic.timeZone)}` : "Booked";
      tone = "good";
      break;
    case "declined":
      status = "Declined: you said no to the proposed time";
      tone = "ended";
      break;
    case "cancelled":
      status = "Withdrawn";
      tone = "ended";
      break;
    case "expired":
      status = "Expired: the proposed time was not answered in time";
      tone = "ended";
      break;
  }
  const person = r.dependent;
  return {
    id: r.id,
    serviceName: r.serviceName,
    forName: person ? `${person.firstName} ${person.lastName}` : null,
    status,
    tone,
    wishes,
    note: r.note,
    sent: formatDateTime(r.createdAt, clinic.timeZone),
    proposal:
      live && p?.expiresAt
        ? { when: formatDateTime(p.start, clinic.timeZone), doctorName: doctorName(p.practitionerId), locationName: locationName(p.locationId), until: formatDateTime(p.expiresAt, clinic.timeZone) }
        : null,
    canWithdraw: r.status === "open" || r.status === "proposed" || r.status === "offered",
    appointmentId: r.status === "accepted" ? r.appointmentId : null,
  };
}

async function audit(tx: Tx, clinic: AccountClinic, patientAccountId: string, action: string, target: { type: string; id: string }, request: AuditRequestContext | null, details?: Record<string, unknown>) {
  await recordAudit(tx, { clinicId: clinic.id, actor: { type: "patient", id: patientAccountId }, action, target, request, details });
}

/** The patient's requests at this clinic, live ones first then the newest; the view is audited. */
export async function accountRequests(db: ClinicDb, clinic: AccountClinic, patientAccountId: string, request: AuditRequestContext | null, now = new Date()): Promise<AccountRequest[]> {
  const [records, catalog] = await Promise.all([
    db.tx(async (tx) => {
      const rows = await listFlexibleRequests(tx, clinic, { patientAccountId, limit: 500 });
      await audit(tx, clinic, patientAccountId, "patient.flexible_requests_viewed", { type: "patient_account", id: patientAccountId }, request, { count: rows.length });
      return rows;
    }),
    loadBookingCatalog(db),
  ]);
  const rank: Record<RequestTone, number> = { action: 0, waiting: 1, good: 2, ended: 3 };
  return records
    .map((r) => shown(r, clinic, catalog, now))
    .map((r, i) => ({ r, i }))
    .sort((a, b) => rank[a.r.tone] - rank[b.r.tone] || b.i - a.i)
    .map(({ r }) => r);
}

export type SendAnswer = { ok: true; requestId: string } | { ok: false; message: string; errors: Record<string, string> };

/** The form's names for the module's fields, so a refusal lands next to the right input. */
const FIELD_OF: Record<string, string> = {
  serviceId: "service",
  practitionerId: "doctor",
  locationId: "location",
  preferredFrom: "from",
  preferredTo: "to",
  earliestDate: "earliest",
  latestDate: "latest",
  dependentId: "visitFor",
  note: "note",
};

export async function sendRequest(db: ClinicDb, clinic: AccountClinic, patientAccountId: string, form: z.output<typeof requestForm>, request: AuditRequestContext | null, now = new Date()): Promise<SendAnswer> {
  const actor: Actor = { type: "patient", id: patientAccountId, request };
  const weekdays = ([1, 2, 3, 4, 5, 6, 7] as const).filter((d) => Boolean(form[`day${d}`]));
  try {
    const created = await db.tx(async (tx) => {
      const r = await createFlexibleRequest(
        tx,
        clinic,
        {
          patientAccountId,
          dependentId: form.visitFor && form.visitFor !== "self" ? form.visitFor : null,
          serviceId: form.service,
          practitionerId: form.doctor,
          locationId: form.location,
          preferredWeekdays: weekdays,
          preferredFrom: form.from,
          preferredTo: form.to,
          earliestDate: form.earliest,
          latestDate: form.latest,
          note: form.note ?? null,
        },
        actor,
        now,
      );
      await audit(tx, clinic, patientAccountId, "patient.flexible_request_sent", { type: "flexible_request", id: r.id }, request, { serviceId: r.serviceId });
      return r;
    });
    return { ok: true, requestId: created.id };
  } catch (error) {
    if (error instanceof ValidationError) {
      const errors: Record<string, string> = {};
      for (const e of error.errors) {
        const field = FIELD_OF[e.path.split(".")[0] ?? ""] ?? "form";
        // The module's own refusals read well as they are; a schema refusal names the field's problem.
        errors[field] ??= error.detail.startsWith("Some fields") ? e.message : error.detail;
      }
      return { ok: false, message: error.detail, errors };
    }
    if (error instanceof ConflictError || error instanceof ForbiddenError) return { ok: false, message: error.detail, errors: {} };
    throw error;
  }
}

export type AnswerResult = { ok: true; message: string; appointmentId?: string } | { ok: false; message: string };

/**
 * The patient's answer to one of their own requests. Someone else's request is "not found", the
 * same as one that does not exist. Accepting books the time in the same transaction; if the time
 * was taken meanwhile nothing changes and the patient is told.
 */
export async function answerRequest(
  db: ClinicDb,
  clinic: AccountClinic & { name: string },
  patientAccountId: string,
  answer: z.output<typeof answerForm>,
  request: AuditRequestContext | null,
  now = new Date(),
): Promise<AnswerResult> {
  const actor: Actor = { type: "patient", id: patientAccountId, request };
  const ref = { requestId: answer.requestId };
  const target = { type: "flexible_request", id: answer.requestId };
  const call = clinic.contactPhone ? `call ${clinic.name} on ${clinic.contactPhone}` : `call ${clinic.name}`;
  try {
    return await db.tx(async (tx): Promise<AnswerResult> => {
      if (answer.intent === "accept") {
        const { request: r, appointment } = await acceptProposal(tx, clinic, ref, actor, now);
        await audit(tx, clinic, patientAccountId, "patient.flexible_request_accepted", target, request, { appointmentId: appointment.id });
        const when = formatDateTime(appointment.start, clinic.timeZone);
        return { ok: true, message: `Booked: ${r.serviceName} on ${when}. We will text you a confirmation.`, appointmentId: appointment.id };
      }
      if (answer.intent === "decline") {
        const { request: r } = await declineProposal(tx, clinic, ref, actor);
        await audit(tx, clinic, patientAccountId, "patient.flexible_request_declined", target, request, { status: r.status });
        return {
          ok: true,
          message: r.status === "open" ? "You passed on that time. Your request keeps waiting for another one." : "You declined the proposed time. Send a new request whenever you like.",
        };
      }
      await cancelFlexibleRequest(tx, clinic, ref, actor);
      await audit(tx, clinic, patientAccountId, "patient.flexible_request_withdrawn", target, request);
      return { ok: true, message: "Your request is withdrawn." };
    });
  } catch (error) {
    if (error instanceof SlotTakenError) {
      return { ok: false, message: `Sorry, this time is no longer free: someone else booked it first, so nothing was booked. You can decline it and send a new request, or ${call}.` };
    }
    if (error instanceof NotFoundError) return { ok: false, message: "We could not find this request among yours." };
    if (error instanceof ConflictError || error instanceof ForbiddenError) return { ok: false, message: error.detail };
    if (error instanceof ValidationError) return { ok: false, message: `This time can no longer be booked online. Please decline it, or ${call}.` };
    throw error;
  }
}

/**
 * "Tell me if an earlier time frees up", from a day with no free time on the booking pages: the
 * same waitlist as a flexible request, filled in from the booking's choice (the service, the
 * location, the doctor or any doctor, and any day until the one looked at).
 */
export interface WaitlistChoice {
  serviceId: string;
  locationId: string;
  /** null: any doctor. */
  practitionerId: string | null;
  /** The full day looked at: a time on it or before it is wanted. */
  day: LocalDate;
  /** The family member the visit is for; null for the patient. */
  dependentId: string | null;
}

export type JoinAnswer = { ok: true; requestId: string; already: boolean } | { ok: false; message: string };

/**
 * The patient's live request that a freed time this choice would accept is already offered to:
 * same service and person, no narrower doctor or location, dates that reach from today to the day,
 * and no weekday or time-of-day limits.
 */
async function waitingRequest(tx: Tx, clinic: AccountClinic, patientAccountId: string, w: WaitlistChoice, today: LocalDate): Promise<string | null> {
  const rows = await tx.$queryRaw<{ id: string }[]>`
    SELECT f.id::text FROM flexible_requests f
     WHERE f.clinic_id = ${clinic.id}::uuid AND f.patient_account_id = ${patientAccountId}::uuid
       AND f.status IN ('open', 'proposed', 'offered')
       AND f.service_id = ${w.serviceId}::uuid
       AND f.dependent_id IS NOT DISTINCT FROM ${w.dependentId}::uuid
       AND (f.doctor_id IS NULL OR f.doctor_id = ${w.practitionerId}::uuid)
       AND (f.location_id IS NULL OR f.location_id = ${w.locationId}::uuid)
       AND (f.earliest_date IS NULL OR f.earliest_date <= ${today}::date)
       AND (f.latest_date IS NULL OR f.latest_date >= ${w.day}::date)
       AND cardinality(f.preferred_weekdays) = 0 AND f.preferred_from_minute IS NULL
     ORDER BY f.created_at, f.id
     LIMIT 1`;
  return rows[0]?.id ?? null;
}

/**
 * The service, location, doctor and family member of a waitlist choice are this clinic's and this
 * patient's: anything else is NotFoundError, like an address that does not exist.
 */
async function checkWaitlistChoice(db: ClinicDb, patientAccountId: string, w: WaitlistChoice): Promise<void> {
  const catalog = await loadBookingCatalog(db);
  const service = catalog.services.find((s) => s.id === w.serviceId);
  const known =
    service &&
    service.locationIds.includes(w.locationId) &&
    (w.practitionerId === null || service.doctorIds.includes(w.practitionerId)) &&
    (w.dependentId === null ||
      (await db.tx((tx) => tx.dependent.findFirst({ where: { id: w.dependentId!, patientAccountId, removedAt: null }, select: { id: true } }))) !== null);
  if (!known) throw new NotFoundError("There is no such service, doctor or family member here.");
}

/** Whether the patient already waits for a time this choice would take; the request's id if so. */
export async function waitingFor(db: ClinicDb, clinic: AccountClinic, patientAccountId: string, w: WaitlistChoice, now = new Date()): Promise<string | null> {
  return db.tx((tx) => waitingRequest(tx, clinic, patientAccountId, w, clinicToday(clinic, now)));
}

/**
 * Joins the waitlist in one tap. Asking twice (two taps, two tabs) leaves one request: the clinic's
 * record of the patient is locked first, so the second ask finds the first one and says so.
 */
export async function joinWaitlist(db: ClinicDb, clinic: AccountClinic, patientAccountId: string, w: WaitlistChoice, request: AuditRequestContext | null, now = new Date()): Promise<JoinAnswer> {
  await checkWaitlistChoice(db, patientAccountId, w);
  const today = clinicToday(clinic, now);
  if (w.day < today) return { ok: false, message: "This day has passed. Choose another day." };
  const actor: Actor = { type: "patient", id: patientAccountId, request };
  try {
    return await db.tx(async (tx): Promise<JoinAnswer> => {
      await tx.$executeRaw`
        INSERT INTO clinic_patients (clinic_id, patient_account_id) VALUES (${clinic.id}::uuid, ${patientAccountId}::uuid)
        ON CONFLICT DO NOTHING`;
      await tx.$queryRaw`
        SELECT 1 FROM clinic_patients WHERE clinic_id = ${clinic.id}::uuid AND patient_account_id = ${patientAccountId}::uuid FOR UPDATE`;
      const already = await waitingRequest(tx, clinic, patientAccountId, w, today);
      if (already) return { ok: true, requestId: already, already: true };
      const r = await createFlexibleRequest(
        tx,
        clinic,
        { patientAccountId, dependentId: w.dependentId, serviceId: w.serviceId, practitionerId: w.practitionerId, locationId: w.locationId, latestDate: w.day },
        actor,
        now,
      );
      await audit(tx, clinic, patientAccountId, "patient.flexible_request_sent", { type: "flexible_request", id: r.id }, request, { serviceId: r.serviceId, from: "full-day" });
      return { ok: true, requestId: r.id, already: false };
    });
  } catch (error) {
    if (error instanceof ValidationError || error instanceof ConflictError || error instanceof ForbiddenError) return { ok: false, message: error.detail };
    throw error;
  }
}

/** Today on the clinic's clock, for the date inputs' lower bound. */
export function clinicToday(clinic: AccountClinic, now = new Date()): string {
  return utcToZoned(now, clinic.timeZone).date;
}
