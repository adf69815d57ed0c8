/**
 * Break the glass: a platform operator asks for time-limited access to one clinic's patient records,
 * giving a reason. The grant is the clinic's row (break_glass_grants, forced RLS on clinic_id); every
 * read under it checks, in the clinic's own scope and in the same transaction as the read, that a
 * grant of this operator is active at that moment, and writes its audit row to the clinic's log
 * (where the owner sees it) and to the platform's. Read only: nothing here changes patient data.
 * See docs/decisions/016-break-the-glass.md.
 */
import { z } from "zod";
import { Prisma } from "~/generated/prisma/client";
import { recordAudit, type AuditRequestContext } from "~/modules/audit/audit.server";
import { formatDateTime } from "~/lib/format";
import type { ClinicRef } from "~/modules/scheduling/slots.server";
import type { ClinicDb, Db, Tx } from "~/utils/db.server";
import { ForbiddenError, NotFoundError } from "~/utils/errors.server";
import { assertClinicPatient, type PatientRef } from "./access.server";
import { BREAK_GLASS_MAX_MINUTES, BREAK_GLASS_REASON_MAX_LENGTH, BREAK_GLASS_REASON_MIN } from "./words";
import { listPatients, readRecord, type PatientListEntry, type PatientRecord } from "./record.server";


export const breakGlassForm = z.object({
  reason: z
    .string({ error: "Say why you need this clinic's patient records." })
    .trim()
    .min(BREAK_GLASS_REASON_MIN, `Say why you need this clinic's patient records (at least ${BREAK_GLASS_REASON_MIN} characters, e.g. the support ticket and what it is about).`)
    .max(BREAK_GLASS_REASON_MAX_LENGTH, "Keep the reason under 1,000 characters."),
  minutes: z.coerce
    .number({ error: "Choose how long you need access." })
    .int("Choose a whole number of minutes.")
    .min(5, "Access lasts at least 5 minutes.")
    .max(BREAK_GLASS_MAX_MINUTES, `Access lasts at most ${BREAK_GLASS_MAX_MINUTES} minutes.`),
});

export interface OperatorAsking {
  staffUserId: string;
  request: AuditRequestContext | null;
}

export interface GrantView {
  id: string;
  operatorName: string;
  reason: string;
  grantedAt: string;
  expiresAt: string;
  expiresAtIso: string;
  active: boolean;
  views: number;
}

/** The clinic as the admin host sees it (name, zone), through the named platform admin path. */
export async function clinicForAdmin(db: Db, clinicId: string): Promise<ClinicRef & { name: string; slug: string }> {
  if (!/^[0-9a-f-]{36}$/i.test(clinicId)) throw new NotFoundError("No such clinic.");
  const clinic = await db.system("platform admin: break the glass").tx((tx) => tx.clinic.findUnique({ where: { id: clinicId }, select: { id: true, name: true, slug: true, timeZone: true, currency: true } }));
  if (!clinic) throw new NotFoundError("No such clinic.");
  return clinic;
}

/** The operator's grant on this clinic that is active at `now`, checked in the caller's clinic-scoped transaction. */
export async function activeGrant(tx: Tx, clinicId: string, operatorStaffUserId: string, now: Date): Promise<{ id: string; reason: string; expiresAt: Date } | null> {
  const rows = await tx.$queryRaw<{ id: string; reason: string; expires_at: Date }[]>`
    SELECT id::text, reason, expires_at FROM break_glass_grants
     WHERE clinic_id = ${clinicId}::uuid AND operator_staff_user_id = ${operatorStaffUserId}::uuid
       AND granted_at <= ${now} AND expires_at > ${now}
     ORDER BY expires_at DESC LIMIT 1`;
  const r = rows[0];
  return r ? { id: r.id, reason: r.reason, expiresAt: r.expires_at } : null;
}

async function requireGrant(tx: Tx, clinicId: string, operator: OperatorAsking, now: Date) {
  const grant = await activeGrant(tx, clinicId, operator.staffUserId, now);
  if (!grant) throw new ForbiddenError("You have no active access to this clinic's patient records. Request it with a reason first.");
  return grant;
}

/** A refused read (no active grant) is written to both logs, each in its own transaction. */
async function auditRefusal(db: Db, clinicId: string, operator: OperatorAsking, error: unknown, details: Record<string, unknown>): Promise<never> {
  if (error instanceof ForbiddenError) {
    await db.forClinic(clinicId).tx((tx) => recordAudit(tx, { clinicId, actor: { type: "operator", id: operator.staffUserId }, action: "break_glass.access_refused", target: { type: "clinic", id: clinicId }, request: operator.request, details }));
    await platformAudit(db, operator, "break_glass.access_refused", clinicId, details);
  }
  throw error;
}

async function platformAudit(db: Db, operator: OperatorAsking, action: string, clinicId: string, details: Record<string, unknown>) {
  await db.forPlatform().tx((tx) => recordAudit(tx, { clinicId: null, actor: { type: "operator", id: operator.staffUserId }, action, target: { type: "clinic", id: clinicId }, request: operator.request, details }));
}

/** Grants access for `minutes` from `now`, audited in the clinic's log and the platform's. */
export async function requestBreakGlass(db: Db, clinic: ClinicRef, operator: OperatorAsking, input: z.infer<typeof breakGlassForm>, now = new Date()): Promise<{ id: string; expiresAt: Date }> {
  const expiresAt = new Date(now.getTime() + input.minutes * 60_000);
  const grant = await db.forClinic(clinic.id).tx(async (tx) => {
    const row = await tx.breakGlassGrant.create({ data: { clinicId: clinic.id, operatorStaffUserId: operator.staffUserId, reason: input.reason, grantedAt: now, expiresAt }, select: { id: true } });
    await recordAudit(tx, { clinicId: clinic.id, actor: { type: "operator", id: operator.staffUserId }, action: "break_glass.granted", target: { type: "break_glass_grant", id: row.id }, request: operator.request, details: { reason: input.reason, minutes: input.minutes, expiresAt: expiresAt.toISOString() } });
    return row;
  });
  await platformAudit(db, operator, "break_glass.granted", clinic.id, { grantId: grant.id, reason: input.reason, minutes: input.minutes });
  return { id: grant.id, expiresAt };
}

/** Recent grants on a clinic (the owner's list, and the operator's own history there), newest first. */
export async function recentGrants(tx: Tx, clinic: ClinicRef, now: Date, opts: { operatorStaffUserId?: string; days?: number; limit?: number } = {}): Promise<GrantView[]> {
  const since = new Date(now.getTime() - (opts.days ?? 30) * 86_400_000);
  const rows = await tx.$queryRaw<{ id: string; name: string; reason: string; granted_at: Date; expires_at: Date; views: number }[]>`
    SELECT g.id::text, u.name, g.reason, g.granted_at, g.expires_at,
           (SELECT count(*) FROM audit_events e WHERE e.clinic_id = g.clinic_id AND e.action = 'break_glass.record_viewed' AND e.occurred_at >= g.granted_at AND e.occurred_at <= g.expires_at AND e.details->>'grantId' = g.id::text)::int AS views
      FROM break_glass_grants g JOIN staff_users u ON u.id = g.operator_staff_user_id
     WHERE g.clinic_id = ${clinic.id}::uuid AND g.granted_at >= ${since}
       ${opts.operatorStaffUserId ? Prisma.sql`AND g.operator_staff_user_id = ${opts.operatorStaffUserId}::uuid` : Prisma.empty}
     ORDER BY g.granted_at DESC, g.id DESC LIMIT ${opts.limit ?? 20}`;
  return rows.map((r) => ({
    id: r.id,
    operatorName: r.name,
    reason: r.reason,
    grantedAt: formatDateTime(r.granted_at, clinic.timeZone),
    expiresAt: formatDateTime(r.expires_at, clinic.timeZone),
    expiresAtIso: r.expires_at.toISOString(),
    active: r.granted_at.getTime() <= now.getTime() && r.expires_at.getTime() > now.getTime(),
    views: r.views,
  }));
}

/**
 * What the operator's access page shows: their grant on this clinic active at `now` (or null) and
 * their own grants there over the last 90 days, read in one transaction in the clinic's scope.
 */
export async function operatorAccessOverview(db: Db, clinic: ClinicRef, operatorStaffUserId: string, now = new Date()): Promise<{ grant: { id: string; reason: string; expiresAt: Date } | null; history: GrantView[] }> {
  return db.forClinic(clinic.id).tx(async (tx) => ({ grant: await activeGrant(tx, clinic.id, operatorStaffUserId, now), history: await recentGrants(tx, clinic, now, { operatorStaffUserId, days: 90 }) }));
}

/** The operator's patient list under an active grant (search by name or phone); audited in both logs. */
export async function operatorPatientList(db: Db, clinic: ClinicRef, operator: OperatorAsking, query: string, now = new Date()): Promise<{ patients: PatientListEntry[]; grant: { id: string; expiresAt: Date; reason: string } }> {
  const result = await db.forClinic(clinic.id).tx(async (tx) => {
    const grant = await requireGrant(tx, clinic.id, operator, now);
    const patients = await listPatients(tx, clinic, { staffUserId: operator.staffUserId, roles: ["secretary"] }, query, { actor: { type: "operator", id: operator.staffUserId }, request: operator.request }, now, 25, {
      action: "break_glass.patient_list_viewed",
      details: { grantId: grant.id, reason: grant.reason },
    });
    return { patients, grant };
  });
  await platformAudit(db, operator, "break_glass.patient_list_viewed", clinic.id, { grantId: result.grant.id, query: query.slice(0, 100), shown: result.patients.length });
  return result;
}

/** One patient's record and timeline under an active grant (no clinical notes); audited in both logs. */
export async function operatorPatientRecord(db: Db, clinic: ClinicRef, operator: OperatorAsking, ref: PatientRef, now = new Date()): Promise<{ record: PatientRecord; grant: { id: string; expiresAt: Date; reason: string } }> {
  const result = await db.forClinic(clinic.id).tx(async (tx) => {
    const grant = await requireGrant(tx, clinic.id, operator, now);
    await assertClinicPatient(tx, clinic.id, ref);
    const record = await readRecord(tx, clinic, ref);
    await recordAudit(tx, {
      clinicId: clinic.id,
      actor: { type: "operator", id: operator.staffUserId },
      action: "break_glass.record_viewed",
      target: { type: "patient", id: ref.patientAccountId },
      request: operator.request,
      details: { dependentId: ref.dependentId, grantId: grant.id, reason: grant.reason },
    });
    return { record, grant };
  }).catch((error: unknown) => auditRefusal(db, clinic.id, operator, error, { patientAccountId: ref.patientAccountId, dependentId: ref.dependentId }));
  await platformAudit(db, operator, "break_glass.record_viewed", clinic.id, { grantId: result.grant.id, patientAccountId: ref.patientAccountId, dependentId: ref.dependentId });
  return result;
}

/** Grants open on the clinic right now, for the owner's banner on every panel page. */
export async function openGrants(db: ClinicDb, clinic: ClinicRef, now = new Date()): Promise<{ operatorName: string; expiresAt: string }[]> {
  const rows = await db.tx(
    (tx) => tx.$queryRaw<{ name: string; expires_at: Date }[]>`
      SELECT u.name, g.expires_at FROM break_glass_grants g JOIN staff_users u ON u.id = g.operator_staff_user_id
       WHERE g.clinic_id = ${clinic.id}::uuid AND g.granted_at <= ${now} AND g.expires_at > ${now}
       ORDER BY g.expires_at DESC`,
  );
  return rows.map((r) => ({ operatorName: r.name, expiresAt: formatDateTime(r.expires_at, clinic.timeZone) }));
}
