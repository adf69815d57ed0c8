/**
 * The desk's bookings outside the schedule: squeezing a visit in (outside the doctor's hours, or
 * over another visit of the same doctor) with a reason, and walk-ins booked and checked in in one
 * step. Who may override is a clinic setting the owner chooses (owner only, or owner and
 * secretaries); the booking rules themselves are in scheduling/override-booking.server.ts.
 */
import { z } from "zod";
import type { StaffRole } from "~/generated/prisma/enums";
import { recordAudit } from "~/modules/audit/audit.server";
import type { ChangeBy } from "~/modules/clinic/clinic-setup.server";
import { checkInWithin } from "~/modules/queue/tickets.server";
import type { QueueClinic } from "~/modules/queue/visit-row.server";
import { ensureDeposit } from "~/modules/payments/deposits.server";
import { getPaymentProvider } from "~/modules/payments/provider.server";
import { bookAppointment, ClinicNotTakingBookingsError, SlotTakenError, type AppointmentRecord } from "~/modules/scheduling/booking.server";
import { bookOutsideSchedule, judgeTime, OVERRIDE_WORDS, PatientBusyError, RoomTakenError, WALK_IN_STEP_MIN, walkInStart, type OverrideKind } from "~/modules/scheduling/override-booking.server";
import { isUuid, loadScheduleData } from "~/modules/scheduling/schedule-data.server";
import { slotsFrom, type ClinicRef } from "~/modules/scheduling/slots.server";
import type { Actor } from "~/lib/actor";
import { formatMoney, formatTime } from "~/lib/format";
import { firstFieldError } from "~/lib/form-errors";
import { zonedToUtc } from "~/lib/zoned-time";
import type { ClinicDb, RawQuery } from "~/utils/db.server";
import { ConflictError, NotFoundError, ValidationError } from "~/utils/errors.server";
import { SUSPENDED_DESK_MESSAGE } from "./phone-booking.server";

import { OVERRIDE_ROLE_SETTINGS, type OverrideRoleSetting } from "./outside-schedule-words";

export { OVERRIDE_ROLE_SETTINGS, type OverrideRoleSetting };

export async function overrideSetting(db: ClinicDb): Promise<OverrideRoleSetting> {
  const c = await db.tx((tx) => tx.clinic.findUniqueOrThrow({ where: { id: db.clinicId }, select: { overrideBookingRoles: true } }));
  return (OVERRIDE_ROLE_SETTINGS as readonly string[]).includes(c.overrideBookingRoles) ? (c.overrideBookingRoles as OverrideRoleSetting) : "owner";
}

/** Owners always; secretaries when the owner allows it; doctors never. */
export function mayOverride(roles: readonly StaffRole[], setting: OverrideRoleSetting): boolean {
  return roles.includes("owner") || (setting === "owner_and_secretaries" && roles.includes("secretary"));
}

export const REFUSED_OVERRIDE_MESSAGE = "Only the clinic's owner may book outside the schedule here. The owner can allow secretaries to do it in Settings.";

export const overrideSettingForm = z.object({ overrideRoles: z.enum(OVERRIDE_ROLE_SETTINGS, { error: "Choose who may book outside the schedule." }) });

export async function saveOverrideSetting(db: ClinicDb, input: unknown, by: ChangeBy): Promise<{ ok: true } | { ok: false; message: string }> {
  const parsed = overrideSettingForm.safeParse(input);
  if (!parsed.success) return { ok: false, message: firstFieldError(parsed.error).message };
  await db.tx(async (tx) => {
    const before = await tx.clinic.findUniqueOrThrow({ where: { id: db.clinicId }, select: { overrideBookingRoles: true } });
    await tx.clinic.update({ where: { id: db.clinicId }, data: { overrideBookingRoles: parsed.data.overrideRoles } });
    await recordAudit(tx, { clinicId: db.clinicId, actor: by.actor, action: "settings.override_roles_updated", target: { type: "clinic", id: db.clinicId }, request: by.request ?? null, details: { before: before.overrideBookingRoles, after: parsed.data.overrideRoles } });
  });
  return { ok: true };
}

const LOCAL_TIME = /^(\d{4}-\d{2}-\d{2})T([01]\d|2[0-3]):([0-5]\d)$/;

/**
 * A start from a link or a form: the clinic's wall time "2026-12-10T10:00" (what a date-time field
 * sends), or an instant with its offset ("2026-12-10T15:00:00.000Z"). Null when it is neither.
 */
export function parseStart(value: string | null | undefined, timeZone: string): Date | null {
  if (!value) return null;
  const local = LOCAL_TIME.exec(value);
  if (local) return zonedToUtc(local[1]!, Number(local[2]) * 60 + Number(local[3]), timeZone);
  if (!/^\d{4}-\d{2}-\d{2}T[\d:.]+(Z|[+-]\d{2}:\d{2})$/.test(value)) return null;
  const at = new Date(value);
  return Number.isNaN(at.getTime()) ? null : at;
}

const uuid = (message: string) => z.string().uuid(message);

export const squeezeForm = z.object({
  patientId: uuid("Choose the patient first."),
  dependentId: z.union([z.literal(""), z.string().uuid()]).optional(),
  serviceId: uuid("Choose a service."),
  doctorId: uuid("Choose a doctor."),
  locationId: uuid("Choose a location."),
  start: z.string().trim().min(1, "Choose the date and time.").max(40),
  reason: z.string().trim().min(3, "Say why this visit is squeezed in (at least 3 characters); it is kept with the visit.").max(500, "Keep the reason under 500 characters."),
});

export type SqueezeAnswer =
  | { ok: true; appointment: AppointmentRecord; overrideKind: OverrideKind | null; message: string }
  | { ok: false; message: string; field?: string };

function refusalOf(error: unknown): { ok: false; message: string; field?: string } | null {
  if (error instanceof ValidationError) return { ok: false, message: error.message, field: error.errors[0]?.path };
  if (error instanceof RoomTakenError || error instanceof PatientBusyError) return { ok: false, message: error.message };
  if (error instanceof SlotTakenError) return { ok: false, message: "That time was just taken by another booking of this doctor or room. Choose another time." };
  if (error instanceof ClinicNotTakingBookingsError) return { ok: false, message: SUSPENDED_DESK_MESSAGE };
  if (error instanceof ConflictError) return { ok: false, message: error.message };
  if (error instanceof NotFoundError) return { ok: false, message: error.message };
  return null;
}

/** Deposit words after a booking, as the phone booking gives them (the deposit follows ensureDeposit). */
async function depositWords(db: ClinicDb, record: AppointmentRecord, now: Date): Promise<string> {
  if (record.depositMinor <= 0) return "";
  const deposit = await ensureDeposit(db, getPaymentProvider().name, record.id, now);
  const amount = formatMoney(record.depositMinor, record.currency);
  return deposit && deposit.status !== "failed" ? ` Deposit ${amount}: the patient's saved card is on file.` : ` Deposit ${amount}: awaiting deposit (the patient is sent a secure link, or collect it at the desk).`;
}

/**
 * Squeezes a visit in at the chosen time. A time the schedule offers anyway is booked as an
 * ordinary booking; otherwise only an allowed role may go on, and the override's kind and reason
 * are kept on the visit and in the audit log.
 */
export async function squeezeIn(db: ClinicDb, clinic: ClinicRef, roles: readonly StaffRole[], raw: unknown, actor: Actor, now = new Date()): Promise<SqueezeAnswer> {
  if (!mayOverride(roles, await overrideSetting(db))) return { ok: false, message: REFUSED_OVERRIDE_MESSAGE, field: "role" };
  const parsed = squeezeForm.safeParse(raw);
  if (!parsed.success) return { ok: false, ...firstFieldError(parsed.error) };
  const input = parsed.data;
  const start = parseStart(input.start, clinic.timeZone);
  if (!start) return { ok: false, message: "Choose the date and time.", field: "start" };
  const patient = { patientAccountId: input.patientId, dependentId: input.dependentId || null };
  try {
    const booked = await db.tx(async (tx) => {
      const verdict = await judgeTime(tx, clinic, { serviceId: input.serviceId, practitionerId: input.doctorId, locationId: input.locationId, start }, now);
      if (!verdict.kind) {
        const record = await bookAppointment(tx, clinic, { serviceId: input.serviceId, practitionerId: input.doctorId, locationId: input.locationId, start, patient, channel: "staff", note: null }, actor, now);
        await recordAudit(tx, { clinicId: clinic.id, actor: { type: "staff", id: actor.id }, action: "appointment.booked_by_phone", target: { type: "appointment", id: record.id }, request: actor.request ?? null, details: { patientAccountId: patient.patientAccountId, start: record.start.toISOString(), via: "squeeze", reason: input.reason } });
        return { appointment: record, overrideKind: null, overlaps: [] };
      }
      return bookOutsideSchedule(tx, clinic, { serviceId: input.serviceId, practitionerId: input.doctorId, locationId: input.locationId, start, patient, override: { reason: input.reason } }, actor, now);
    });
    const deposit = await depositWords(db, booked.appointment, now);
    const what = booked.overrideKind === "double_book"
      ? `Squeezed in at ${formatTime(start, clinic.timeZone)}, double-booked on purpose over ${booked.overlaps.map((o) => `${o.serviceName} at ${formatTime(o.start, clinic.timeZone)}`).join(", ") || "another visit"}.`
      : booked.overrideKind === "outside_hours"
        ? `Booked outside the schedule at ${formatTime(start, clinic.timeZone)}.`
        : `That time was free, so it was booked as an ordinary visit at ${formatTime(start, clinic.timeZone)}.`;
    return { ok: true, appointment: booked.appointment, overrideKind: booked.overrideKind, message: `${what}${deposit}` };
  } catch (error) {
    const refused = refusalOf(error);
    if (refused) return refused;
    throw error;
  }
}

export interface WalkInDoctor {
  doctorId: string;
  /** The first time this doctor is free for the service, within the next two hours (walk-in rules). */
  start: Date | null;
}

const WALK_IN_LOOKAHEAD_MIN = 120;

/**
 * Which doctors can take a walk-in for the service at the location, and from when: the slot engine
 * on the real schedule, with the walk-in's rules (no minimum notice, five-minute marks).
 */
export async function walkInDoctors(db: ClinicDb, clinic: ClinicRef, search: { serviceId: string; locationId: string }, now = new Date()): Promise<WalkInDoctor[]> {
  if (!isUuid(search.serviceId) || !isUuid(search.locationId)) return [];
  const service = await db.tx((tx) => tx.service.findUnique({ where: { clinicId_id: { clinicId: clinic.id, id: search.serviceId } }, select: { minNoticeMin: true } }));
  if (!service) return [];
  const from = walkInStart(now);
  const to = new Date(from.getTime() + WALK_IN_LOOKAHEAD_MIN * 60_000);
  const query: RawQuery = (text, params) => db.readOne(text, params);
  const readNow = new Date(now.getTime() - service.minNoticeMin * 60_000);
  const data = await loadScheduleData(query, clinic.id, { serviceId: search.serviceId, locationId: search.locationId, from, to, now: readNow });
  if (!data) return [];
  const relaxed = { ...data, service: { ...data.service, minNoticeMin: 0, startGridMin: WALK_IN_STEP_MIN } };
  return data.service.eligibleDoctorIds.map((doctorId) => {
    const first = slotsFrom(relaxed, clinic, { from, to, practitionerId: doctorId, locationId: search.locationId }, now)[0];
    return { doctorId, start: first?.start ?? null };
  });
}

export const walkInForm = z.object({
  patientId: uuid("Choose the patient first."),
  dependentId: z.union([z.literal(""), z.string().uuid()]).optional(),
  serviceId: uuid("Choose a service."),
  locationId: uuid("Choose a location."),
  doctorId: uuid("Choose a doctor."),
  /** The start the page offered for that doctor (ISO); empty with a reason: squeeze in now. */
  start: z.string().max(40).optional(),
  reason: z.string().trim().max(500).optional(),
});

export type WalkInAnswer = { ok: true; appointmentId: string; ticket: string; message: string } | { ok: false; message: string; field?: string };

/**
 * Books the walk-in and checks it in, in one transaction: the visit, its ticket in the queue and
 * their history, events and audit entries exist together or not at all. Without a free doctor an
 * allowed role may squeeze the walk-in in now, with a reason.
 */
export async function bookWalkIn(db: ClinicDb, clinic: QueueClinic, roles: readonly StaffRole[], raw: unknown, actor: Actor, now = new Date()): Promise<WalkInAnswer> {
  const parsed = walkInForm.safeParse(raw);
  if (!parsed.success) return { ok: false, ...firstFieldError(parsed.error) };
  const input = parsed.data;
  const offered = input.start ? parseStart(input.start, clinic.timeZone) : null;
  const squeeze = !offered;
  if (squeeze) {
    if (!mayOverride(roles, await overrideSetting(db))) return { ok: false, message: REFUSED_OVERRIDE_MESSAGE, field: "role" };
    if (!input.reason || input.reason.length < 3) return { ok: false, message: "Say why the walk-in is squeezed in (at least 3 characters); it is kept with the visit.", field: "reason" };
  }
  // An offered time that has passed while the desk was busy moves to the next mark.
  const start = offered && offered.getTime() >= walkInStart(now).getTime() ? offered : walkInStart(now);
  try {
    const result = await db.tx(async (tx) => {
      const booked = await bookOutsideSchedule(
        tx,
        clinic,
        { serviceId: input.serviceId, practitionerId: input.doctorId, locationId: input.locationId, start, patient: { patientAccountId: input.patientId, dependentId: input.dependentId || null }, walkIn: true, override: squeeze ? { reason: input.reason! } : null },
        actor,
        now,
      );
      const ticket = await checkInWithin(tx, clinic, { appointmentId: booked.appointment.id, via: "desk" }, actor, { now });
      return { booked, ticket };
    });
    const when = formatTime(result.booked.appointment.start, clinic.timeZone);
    const marked = result.booked.overrideKind ? ` ${OVERRIDE_WORDS[result.booked.overrideKind]}.` : "";
    return { ok: true, appointmentId: result.booked.appointment.id, ticket: result.ticket.number, message: `Walk-in booked for ${when} and checked in: ticket ${result.ticket.number}.${marked}` };
  } catch (error) {
    const refused = refusalOf(error);
    if (refused) return refused;
    throw error;
  }
}

/** How a visit was booked outside the schedule, if it was: the words the desk sees, and the reason. */
export async function visitOverride(db: ClinicDb, appointmentId: string): Promise<{ kind: OverrideKind; words: string; reason: string } | null> {
  if (!isUuid(appointmentId)) return null;
  const row = await db.tx((tx) => tx.appointment.findUnique({ where: { clinicId_id: { clinicId: db.clinicId, id: appointmentId } }, select: { overrideKind: true, overrideReason: true } }));
  if (!row?.overrideKind) return null;
  const kind = row.overrideKind as OverrideKind;
  return { kind, words: OVERRIDE_WORDS[kind] ?? row.overrideKind, reason: row.overrideReason ?? "" };
}
