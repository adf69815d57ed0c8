/**
 * Who may open which patient's record in a clinic. A patient is the account holder (no dependent)
 * or one of their dependents, and is this clinic's only when the clinic has a record of the account
 * (and, for a dependent, a visit for them). Owners and secretaries open every patient's record and
 * timeline; a doctor only their own patients' (people with a visit with them), and only a doctor of
 * the patient reads or writes clinical notes and the treatment plan.
 */
import { z } from "zod";
import type { StaffRole } from "~/generated/prisma/enums";
import { recordAudit, type AuditRequestContext } from "~/modules/audit/audit.server";
import type { ClinicDb, Tx } from "~/utils/db.server";
import { ForbiddenError, NotFoundError } from "~/utils/errors.server";

export interface PatientRef {
  patientAccountId: string;
  /** Null: the account holder themselves. */
  dependentId: string | null;
}

export interface StaffAsking {
  staffUserId: string;
  roles: readonly StaffRole[];
}

export interface RecordAccess {
  /** The record and visit timeline. */
  record: true;
  /** Clinical notes and the treatment plan: a doctor of this patient. */
  clinical: boolean;
  /** The asking person's membership as this patient's doctor, when they are one. */
  doctorMembershipId: string | null;
}

export const patientRefParams = z.object({
  patientAccountId: z.string().uuid(),
  dependent: z.string().uuid().nullish(),
});

/** The `?dependent=` scheme of chart links: /panel/patients/<account>[?dependent=<dependent>]. */
export function chartPath(base: string, ref: PatientRef): string {
  return `${base}/${ref.patientAccountId}${ref.dependentId ? `?dependent=${ref.dependentId}` : ""}`;
}

/** Throws NotFoundError unless the person is this clinic's patient. */
export async function assertClinicPatient(tx: Tx, clinicId: string, ref: PatientRef): Promise<void> {
  const rows = ref.dependentId
    ? await tx.$queryRaw<{ ok: number }[]>`
        SELECT 1 AS ok FROM dependents d
         WHERE d.id = ${ref.dependentId}::uuid AND d.patient_account_id = ${ref.patientAccountId}::uuid
           AND EXISTS (SELECT 1 FROM clinic_patients cp WHERE cp.clinic_id = ${clinicId}::uuid AND cp.patient_account_id = d.patient_account_id)
           AND EXISTS (SELECT 1 FROM appointments a WHERE a.clinic_id = ${clinicId}::uuid AND a.dependent_id = d.id)`
    : await tx.$queryRaw<{ ok: number }[]>`
        SELECT 1 AS ok FROM clinic_patients cp WHERE cp.clinic_id = ${clinicId}::uuid AND cp.patient_account_id = ${ref.patientAccountId}::uuid`;
  if (!rows.length) throw new NotFoundError("No such patient at this clinic.");
}

/** The membership through which `staffUserId` is this person's doctor (a visit with them), or null. */
export async function doctorMembershipFor(tx: Tx, clinicId: string, staffUserId: string, ref: PatientRef): Promise<string | null> {
  const rows = await tx.$queryRaw<{ doctor_id: string }[]>`
    SELECT a.doctor_id::text AS doctor_id FROM appointments a
      JOIN clinic_memberships m ON m.clinic_id = a.clinic_id AND m.id = a.doctor_id AND m.role = 'doctor' AND m.active
     WHERE a.clinic_id = ${clinicId}::uuid AND a.staff_user_id = ${staffUserId}::uuid
       AND a.patient_account_id = ${ref.patientAccountId}::uuid AND a.dependent_id IS NOT DISTINCT FROM ${ref.dependentId}::uuid
       AND a.status IN ('requested', 'confirmed', 'checked_in', 'in_consultation', 'completed', 'no_show')
     ORDER BY a.starts_at DESC LIMIT 1`;
  return rows[0]?.doctor_id ?? null;
}

/** What the asking member of staff may see of this patient; 404 for someone else's patient, 403 for another doctor's. */
export async function recordAccessFor(tx: Tx, clinicId: string, asking: StaffAsking, ref: PatientRef): Promise<RecordAccess> {
  await assertClinicPatient(tx, clinicId, ref);
  const desk = asking.roles.includes("owner") || asking.roles.includes("secretary");
  const doctorMembershipId = asking.roles.includes("doctor") ? await doctorMembershipFor(tx, clinicId, asking.staffUserId, ref) : null;
  if (!desk && !doctorMembershipId) throw new ForbiddenError("This patient has no visit with you, so their chart is not yours to open.");
  return { record: true, clinical: doctorMembershipId !== null, doctorMembershipId };
}

/** Only a doctor of this patient may change the chart. */
export async function requireClinicalAccess(tx: Tx, clinicId: string, asking: StaffAsking, ref: PatientRef): Promise<string> {
  const access = await recordAccessFor(tx, clinicId, asking, ref);
  if (!access.clinical || !access.doctorMembershipId) throw new ForbiddenError("Only this patient's doctors can write in the chart.");
  return access.doctorMembershipId;
}

/**
 * A refused attempt to open a patient's record (a doctor asking for another doctor's patient) is
 * written to the clinic's log in its own transaction, since the refused one wrote nothing.
 */
export async function auditRefusedRecord(db: ClinicDb, staffUserId: string, ref: PatientRef, request: AuditRequestContext | null): Promise<void> {
  await db.tx((tx) => recordAudit(tx, { clinicId: db.clinicId, actor: { type: "staff", id: staffUserId }, action: "patient.record_refused", target: { type: "patient", id: ref.patientAccountId }, request, details: { dependentId: ref.dependentId } }));
}
