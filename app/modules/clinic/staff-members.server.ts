/**
 * The owner's changes to a clinic's staff: which roles a person holds here, a doctor's specialty and
 * work status, and deactivating or reactivating a person. A person is one staff user with one
 * membership row per role; rows are never deleted (appointments point at a doctor's row), so a
 * role that is taken away, or a person who is deactivated, keeps the row with `active = false`.
 *
 * The clinic always keeps at least one active owner: changes to one clinic's staff take the clinic
 * row's lock first, so two owners removing each other at the same moment are judged one after the
 * other and cannot both succeed.
 */
import { z } from "zod";
import type { DoctorWorkStatus, StaffRole } from "~/generated/prisma/enums";
import { recordAudit, type AuditRequestContext } from "~/modules/audit/audit.server";
import type { ClinicDb, Tx } from "~/utils/db.server";
import { STAFF_ROLES, WORK_STATUSES } from "./onboarding-words";

export { STAFF_ROLES, WORK_STATUSES };

export interface StaffActor {
  staffUserId: string;
  sessionId?: string;
  request: AuditRequestContext | null;
}

export type StaffAnswer = { ok: true; message: string } | { ok: false; message: string; field?: string };

const roleList = z
  .union([z.enum(STAFF_ROLES), z.array(z.enum(STAFF_ROLES))], { error: "Choose at least one role." })
  .transform((v) => [...new Set(Array.isArray(v) ? v : [v])])
  .pipe(z.array(z.enum(STAFF_ROLES)).min(1, "Choose at least one role."));

const specialty = z
  .string()
  .trim()
  .max(80, "Use at most 80 characters.")
  .optional()
  .transform((v) => (v ? v : null));

const memberId = z.string({ error: "Choose a member of staff." }).uuid("Choose a member of staff.");

export const staffMemberForm = z.discriminatedUnion("intent", [
  z.object({ intent: z.literal("set-roles"), staffUserId: memberId, roles: roleList }),
  z.object({
    intent: z.literal("set-doctor"),
    staffUserId: memberId,
    specialty,
    workStatus: z.enum(WORK_STATUSES, { error: "Choose a work status." }),
  }),
  z.object({ intent: z.literal("deactivate"), staffUserId: memberId }),
  z.object({ intent: z.literal("reactivate"), staffUserId: memberId, roles: roleList }),
]);

export type StaffMemberChange = z.infer<typeof staffMemberForm>;

const LAST_OWNER = "The clinic must keep at least one active owner. Make someone else an owner first.";

interface MembershipRow {
  id: string;
  role: StaffRole;
  active: boolean;
  specialty: string | null;
  workStatus: DoctorWorkStatus | null;
}

/** This person's rows here, locked for the rest of the transaction. */
async function lockMember(tx: Tx, clinicId: string, staffUserId: string): Promise<MembershipRow[]> {
  const rows = await tx.$queryRaw<{ id: string; role: StaffRole; active: boolean; specialty: string | null; work_status: DoctorWorkStatus | null }[]>`
    SELECT id::text AS id, role, active, specialty, work_status FROM clinic_memberships
     WHERE clinic_id = ${clinicId}::uuid AND staff_user_id = ${staffUserId}::uuid ORDER BY role FOR UPDATE`;
  return rows.map((r) => ({ id: r.id, role: r.role, active: r.active, specialty: r.specialty, workStatus: r.work_status }));
}

/** The clinic's other active owners, their rows locked so a concurrent change waits for this one. */
async function otherActiveOwners(tx: Tx, clinicId: string, staffUserId: string): Promise<number> {
  const rows = await tx.$queryRaw<{ id: string }[]>`
    SELECT id::text AS id FROM clinic_memberships
     WHERE clinic_id = ${clinicId}::uuid AND role = 'owner' AND active AND staff_user_id <> ${staffUserId}::uuid FOR UPDATE`;
  return rows.length;
}

/** Ends this person's sessions on this clinic's host (their sessions elsewhere are not this clinic's to end). */
async function endSessionsHere(tx: Tx, clinicId: string, staffUserId: string): Promise<number> {
  const { count } = await tx.session.deleteMany({ where: { clinicId, staffUserId } });
  return count;
}

async function applyRoles(tx: Tx, clinicId: string, staffUserId: string, rows: MembershipRow[], roles: StaffRole[]) {
  const specialtyNow = rows.find((r) => r.specialty)?.specialty ?? null;
  for (const role of STAFF_ROLES) {
    const row = rows.find((r) => r.role === role);
    const wanted = roles.includes(role);
    if (row && row.active !== wanted) await tx.clinicMembership.update({ where: { clinicId_id: { clinicId, id: row.id } }, data: { active: wanted } });
    if (!row && wanted) {
      await tx.clinicMembership.create({
        data: { clinicId, staffUserId, role, ...(role === "doctor" ? { specialty: specialtyNow, workStatus: "active" as const } : {}) },
      });
    }
  }
}

function heldRoles(rows: MembershipRow[]): StaffRole[] {
  return rows.filter((r) => r.active).map((r) => r.role);
}

/**
 * One change to one person, validated by `staffMemberForm`. Everything (the rows, the end of their
 * sessions here, the audit row) commits together or not at all.
 */
export async function changeStaffMember(db: ClinicDb, change: StaffMemberChange, actor: StaffActor): Promise<StaffAnswer> {
  const clinicId = db.clinicId;
  return db.tx(async (tx): Promise<StaffAnswer> => {
    // One staff change at a time per clinic (NO KEY UPDATE does not hold up bookings' foreign keys).
    await tx.$queryRaw`SELECT id FROM clinics WHERE id = ${clinicId}::uuid FOR NO KEY UPDATE`;
    const rows = await lockMember(tx, clinicId, change.staffUserId);
    // Someone of another clinic, or nobody: the same answer.
    if (rows.length === 0) return { ok: false, message: "That person is not on this clinic's staff." };
    const person = await tx.staffUser.findUniqueOrThrow({ where: { id: change.staffUserId }, select: { name: true } });
    const before = heldRoles(rows);
    const audit = { clinicId, actor: { type: "staff" as const, id: actor.staffUserId }, target: { type: "staff_user", id: change.staffUserId }, request: actor.request };

    switch (change.intent) {
      case "set-roles": {
        if (before.length === 0) return { ok: false, message: `${person.name} is deactivated. Reactivate them to give them roles.` };
        const after = STAFF_ROLES.filter((r) => change.roles.includes(r));
        if (before.includes("owner") && !after.includes("owner") && (await otherActiveOwners(tx, clinicId, change.staffUserId)) === 0) return { ok: false, message: LAST_OWNER, field: "roles" };
        if (after.length === before.length && after.every((r) => before.includes(r))) return { ok: true, message: `${person.name}'s roles are unchanged.` };
        await applyRoles(tx, clinicId, change.staffUserId, rows, after);
        await recordAudit(tx, { ...audit, action: "staff.role_changed", details: { from: before, to: after } });
        return { ok: true, message: `${person.name} now works here as ${after.join(", ")}.` };
      }
      case "set-doctor": {
        const doctor = rows.find((r) => r.role === "doctor");
        if (!doctor?.active) return { ok: false, message: `${person.name} is not a doctor here. Give them the doctor role first.` };
        await tx.clinicMembership.update({ where: { clinicId_id: { clinicId, id: doctor.id } }, data: { specialty: change.specialty, workStatus: change.workStatus } });
        await recordAudit(tx, {
          ...audit,
          action: "staff.doctor_updated",
          details: { specialty: { from: doctor.specialty, to: change.specialty }, workStatus: { from: doctor.workStatus, to: change.workStatus } },
        });
        return { ok: true, message: `${person.name}'s specialty and work status are saved.` };
      }
      case "deactivate": {
        if (before.length === 0) return { ok: true, message: `${person.name} is already deactivated.` };
        if (before.includes("owner") && (await otherActiveOwners(tx, clinicId, change.staffUserId)) === 0) return { ok: false, message: LAST_OWNER };
        await applyRoles(tx, clinicId, change.staffUserId, rows, []);
        const sessionsEnded = await endSessionsHere(tx, clinicId, change.staffUserId);
        await recordAudit(tx, { ...audit, action: "staff.deactivated", details: { roles: before, sessionsEnded, self: change.staffUserId === actor.staffUserId } });
        return { ok: true, message: `${person.name} is deactivated and signed out of this clinic.` };
      }
      case "reactivate": {
        if (before.length > 0) return { ok: true, message: `${person.name} is already active.` };
        await applyRoles(tx, clinicId, change.staffUserId, rows, change.roles);
        await recordAudit(tx, { ...audit, action: "staff.reactivated", details: { roles: change.roles } });
        return { ok: true, message: `${person.name} is active again.` };
      }
    }
  });
}
