/**
 * The patient's own view of their treatment plans at this clinic: only the items their doctors marked
 * for them, for themselves and their dependents. The read is audited in the clinic's log.
 */
import { recordAudit, type AuditRequestContext } from "~/modules/audit/audit.server";
import type { ClinicRef } from "~/modules/scheduling/slots.server";
import type { ClinicDb } from "~/utils/db.server";
import { PLAN_STATUS_WORDS } from "./words";
import type { TreatmentPlanItemStatus } from "~/generated/prisma/enums";

export interface CarePlanPerson {
  dependentId: string | null;
  name: string;
  items: { id: string; title: string; details: string | null; status: string; statusWords: string; targetDate: string | null; done: boolean }[];
}

export async function patientCarePlan(db: ClinicDb, clinic: ClinicRef, patientAccountId: string, request: AuditRequestContext | null): Promise<CarePlanPerson[]> {
  return db.tx(async (tx) => {
    const rows = await tx.$queryRaw<{ id: string; dependent_id: string | null; title: string; details: string | null; status: TreatmentPlanItemStatus; target_date: Date | null; dep_name: string | null }[]>`
      SELECT i.id::text, i.dependent_id::text, i.title, i.details, i.status, i.target_date, trim(d.first_name || ' ' || d.last_name) AS dep_name
        FROM treatment_plan_items i
        LEFT JOIN dependents d ON d.id = i.dependent_id AND d.patient_account_id = i.patient_account_id
       WHERE i.clinic_id = ${clinic.id}::uuid AND i.patient_account_id = ${patientAccountId}::uuid AND i.visible_to_patient
         AND (i.dependent_id IS NULL OR (d.id IS NOT NULL AND d.removed_at IS NULL))
       ORDER BY i.dependent_id NULLS FIRST, (i.status IN ('done', 'cancelled')), i.target_date NULLS LAST, i.created_at, i.id`;
    await recordAudit(tx, { clinicId: clinic.id, actor: { type: "patient", id: patientAccountId }, action: "patient.care_plan_viewed", target: { type: "patient", id: patientAccountId }, request, details: { items: rows.length } });
    const people = new Map<string, CarePlanPerson>();
    for (const r of rows) {
      const key = r.dependent_id ?? "self";
      const person = people.get(key) ?? { dependentId: r.dependent_id, name: r.dependent_id ? (r.dep_name ?? "Family member") : "You", items: [] };
      person.items.push({ id: r.id, title: r.title, details: r.details, status: r.status, statusWords: PLAN_STATUS_WORDS[r.status], targetDate: r.target_date ? r.target_date.toISOString().slice(0, 10) : null, done: r.status === "done" || r.status === "cancelled" });
      people.set(key, person);
    }
    return [...people.values()];
  });
}
