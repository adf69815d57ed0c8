/**
 * Doctors' time-off requests. A doctor asks (dates or times, kind, note) and sees only their own
 * requests; the owner sees the pending ones with the booked visits each would overlap, and either
 * approves — the request and its `time_off` schedule exception are written in ONE transaction, so
 * the slots disappear the moment it commits — or declines with a reason. Booked visits are never
 * moved: the list is there so the desk can call those patients.
 */
import { z } from "zod";
import { recordAudit } from "~/modules/audit/audit.server";
import { auditActorOf, type Actor } from "~/lib/actor";
import { isUuid } from "~/modules/scheduling/schedule-data.server";
import type { ClinicRef } from "~/modules/scheduling/slots.server";
import type { ClinicDb, Tx } from "~/utils/db.server";
import { ConflictError, NotFoundError } from "~/utils/errors.server";
import { localSpanShape, spanInstants, type FieldErrors } from "./schedule-form";
import { TIME_OFF_KIND_LABELS, TIME_OFF_KINDS, type TIME_OFF_STATUS_LABELS, type TimeOffKind } from "./time-off";
import { flagVisitsToMove, spanText, visitsDuring, writeException, type AffectedVisit } from "./weekly-schedule.server";
import { fieldErrorsOf } from "~/lib/form-errors";


export const timeOffRequestSchema = z.object({
  kind: z.enum(TIME_OFF_KINDS, { message: "Choose what kind of time off this is." }),
  note: z.string().trim().max(500, "At most 500 characters."),
  ...localSpanShape,
});

export interface TimeOffView {
  id: string;
  doctorId: string;
  doctor: string;
  kind: TimeOffKind;
  when: string;
  note: string | null;
  status: keyof typeof TIME_OFF_STATUS_LABELS;
  declineReason: string | null;
  requestedAt: string;
}

/** The signed-in staff user's doctor membership here, or null when they are not a doctor. */
export async function doctorMembershipOf(db: ClinicDb, staffUserId: string): Promise<string | null> {
  const row = await db.tx((tx) => tx.clinicMembership.findFirst({ where: { clinicId: db.clinicId, staffUserId, role: "doctor", active: true }, select: { id: true } }));
  return row?.id ?? null;
}

async function view(tx: Tx, clinic: ClinicRef, rows: Awaited<ReturnType<Tx["timeOffRequest"]["findMany"]>>): Promise<TimeOffView[]> {
  const doctors = await tx.clinicMembership.findMany({ where: { clinicId: clinic.id, id: { in: [...new Set(rows.map((r) => r.doctorId))] } }, select: { id: true, staffUser: { select: { name: true } } } });
  const name = new Map(doctors.map((d) => [d.id, d.staffUser.name]));
  return rows.map((r) => ({
    id: r.id,
    doctorId: r.doctorId,
    doctor: name.get(r.doctorId) ?? "Doctor",
    kind: r.kind,
    when: spanText(r.startsAt, r.endsAt, clinic.timeZone),
    note: r.note,
    status: r.status,
    declineReason: r.declineReason,
    requestedAt: r.createdAt.toISOString(),
  }));
}

export async function myTimeOff(db: ClinicDb, clinic: ClinicRef, doctorId: string): Promise<TimeOffView[]> {
  return db.tx(async (tx) => view(tx, clinic, await tx.timeOffRequest.findMany({ where: { clinicId: clinic.id, doctorId }, orderBy: [{ startsAt: "desc" }, { id: "asc" }], take: 100 })));
}

/** Pending requests, each with the booked visits it would overlap (a list of patients: audited as a view). */
export async function pendingTimeOff(db: ClinicDb, clinic: ClinicRef, actor: Actor, now = new Date()): Promise<(TimeOffView & { conflicts: AffectedVisit[] })[]> {
  return db.tx(async (tx) => {
    const rows = await tx.timeOffRequest.findMany({ where: { clinicId: clinic.id, status: "pending" }, orderBy: [{ startsAt: "asc" }, { id: "asc" }], take: 100 });
    const views = await view(tx, clinic, rows);
    const out = [];
    for (const [i, r] of rows.entries()) out.push({ ...views[i]!, conflicts: await visitsDuring(tx, clinic, { doctorId: r.doctorId, locationId: null, start: r.startsAt, end: r.endsAt }, now) });
    const seen = out.flatMap((r) => r.conflicts.map((c) => c.id));
    if (seen.length > 0) await recordAudit(tx, { clinicId: clinic.id, actor: auditActorOf(actor), action: "schedule.affected_visits_viewed", request: actor.request, details: { why: "time_off_conflicts", appointments: seen } });
    return out;
  });
}

export type RequestAnswer = { ok: true; id: string } | { ok: false; errors: FieldErrors };

export async function requestTimeOff(db: ClinicDb, clinic: ClinicRef, doctorId: string, form: Record<string, unknown>, actor: Actor, now = new Date()): Promise<RequestAnswer> {
  const parsed = timeOffRequestSchema.safeParse({
    kind: form.kind ?? "",
    note: form.note ?? "",
    startDate: form.startDate ?? "",
    startTime: form.startTime ?? "",
    endDate: form.endDate ?? "",
    endTime: form.endTime ?? "",
  });
  if (!parsed.success) {
    return { ok: false, errors: fieldErrorsOf(parsed.error) };
  }
  const span = spanInstants(parsed.data, clinic.timeZone);
  if ("error" in span) return { ok: false, errors: { endDate: span.error } };
  if (span.end <= now) return { ok: false, errors: { endDate: "This time has already passed." } };
  return db.tx(async (tx) => {
    const overlapping = await tx.timeOffRequest.findFirst({ where: { clinicId: clinic.id, doctorId, status: { in: ["pending", "approved"] }, startsAt: { lt: span.end }, endsAt: { gt: span.start } }, select: { id: true } });
    if (overlapping) return { ok: false, errors: { startDate: "You already asked for time off that overlaps these dates." } };
    const row = await tx.timeOffRequest.create({ data: { clinicId: clinic.id, doctorId, kind: parsed.data.kind, startsAt: span.start, endsAt: span.end, note: parsed.data.note || null }, select: { id: true } });
    await recordAudit(tx, {
      clinicId: clinic.id,
      actor: auditActorOf(actor),
      action: "time_off.requested",
      target: { type: "time_off_request", id: row.id },
      request: actor.request,
      details: { doctorId, kind: parsed.data.kind, startsAt: span.start.toISOString(), endsAt: span.end.toISOString() },
    });
    return { ok: true, id: row.id };
  });
}

async function pendingRow(tx: Tx, clinicId: string, requestId: string) {
  if (!isUuid(requestId)) throw new NotFoundError("There is no such time-off request at this clinic.");
  // Locked, so an approval and a decline of the same request cannot both happen.
  const rows = await tx.$queryRaw<{ id: string }[]>`SELECT id::text FROM time_off_requests WHERE clinic_id = ${clinicId}::uuid AND id = ${requestId}::uuid FOR UPDATE`;
  if (rows.length === 0) throw new NotFoundError("There is no such time-off request at this clinic.");
  const row = await tx.timeOffRequest.findUniqueOrThrow({ where: { clinicId_id: { clinicId, id: requestId } } });
  if (row.status !== "pending") throw new ConflictError(`This request was already ${row.status}.`);
  return row;
}

/** The doctor withdraws their own pending request. */
export async function withdrawTimeOff(db: ClinicDb, doctorId: string, requestId: string, actor: Actor): Promise<void> {
  const clinicId = db.clinicId;
  await db.tx(async (tx) => {
    const row = await pendingRow(tx, clinicId, requestId);
    if (row.doctorId !== doctorId) throw new NotFoundError("There is no such time-off request at this clinic.");
    await tx.timeOffRequest.update({ where: { clinicId_id: { clinicId, id: requestId } }, data: { status: "withdrawn" } });
    await recordAudit(tx, { clinicId, actor: auditActorOf(actor), action: "time_off.withdrawn", target: { type: "time_off_request", id: requestId }, request: actor.request, details: { doctorId } });
  });
}

export async function approveTimeOff(db: ClinicDb, clinic: ClinicRef, requestId: string, decidedBy: string, actor: Actor): Promise<{ exceptionId: string }> {
  return db.tx(async (tx) => {
    const row = await pendingRow(tx, clinic.id, requestId);
    const exceptionId = await writeException(
      tx,
      clinic.id,
      { kind: "time_off", doctorId: row.doctorId, locationId: null, start: row.startsAt, end: row.endsAt, reason: `${TIME_OFF_KIND_LABELS[row.kind]}${row.note ? `: ${row.note}` : ""}` },
      actor,
      { timeOffRequestId: row.id },
    );
    await tx.timeOffRequest.update({ where: { clinicId_id: { clinicId: clinic.id, id: requestId } }, data: { status: "approved", exceptionId, decidedBy, decidedAt: new Date() } });
    // Booked visits are not moved for the patient: they are flagged for the desk to call about.
    const flagged = await flagVisitsToMove(tx, clinic.id, exceptionId, new Date());
    await recordAudit(tx, {
      clinicId: clinic.id,
      actor: auditActorOf(actor),
      action: "time_off.approved",
      target: { type: "time_off_request", id: requestId },
      request: actor.request,
      details: { doctorId: row.doctorId, exceptionId, startsAt: row.startsAt.toISOString(), endsAt: row.endsAt.toISOString(), visitsToMove: flagged },
    });
    return { exceptionId };
  });
}

export const declineSchema = z.object({ reason: z.string().trim().min(3, "Say why the request is declined (the doctor sees it).").max(500, "At most 500 characters.") });

export async function declineTimeOff(db: ClinicDb, requestId: string, reason: string, decidedBy: string, actor: Actor): Promise<void> {
  const clinicId = db.clinicId;
  await db.tx(async (tx) => {
    const row = await pendingRow(tx, clinicId, requestId);
    await tx.timeOffRequest.update({ where: { clinicId_id: { clinicId, id: requestId } }, data: { status: "declined", declineReason: reason, decidedBy, decidedAt: new Date() } });
    await recordAudit(tx, { clinicId, actor: auditActorOf(actor), action: "time_off.declined", target: { type: "time_off_request", id: requestId }, request: actor.request, details: { doctorId: row.doctorId, reason } });
  });
}
