/**
 * When a clinic is suspended its site goes offline, so each patient with a visit still ahead is
 * told once: the visit stays booked unless the clinic says otherwise, and how to reach the clinic
 * (its phone and email; Medslot's own site for their visits). One message per account holder (a
 * family's visits go to the account that manages them), about their next visit.
 */
import type { ClinicDb } from "~/utils/db.server";
import { sendPatientMessage, type NotifyDeps } from "./notify.server";

export async function tellPatientsOfSuspension(db: ClinicDb, suspensionId: string, now = new Date(), deps: NotifyDeps = {}): Promise<{ told: number; reason?: string }> {
  const clinicId = db.clinicId;
  const recipients = await db.tx(async (tx) => {
    const clinic = await tx.clinic.findUnique({ where: { id: clinicId }, select: { status: true } });
    // Reinstated before the message went out: there is nothing to tell.
    if (clinic?.status !== "suspended") return null;
    return tx.$queryRaw<{ appointment_id: string; holder_id: string }[]>`
      SELECT DISTINCT ON (h.holder_id) a.id::text AS appointment_id, h.holder_id::text AS holder_id
        FROM appointments a
        LEFT JOIN dependents d ON d.id = a.dependent_id
        CROSS JOIN LATERAL (SELECT COALESCE(d.patient_account_id, a.patient_account_id) AS holder_id) h
       WHERE a.clinic_id = ${clinicId}::uuid
         AND a.status IN ('requested', 'confirmed')
         AND a.starts_at > ${now}
         AND h.holder_id IS NOT NULL
       ORDER BY h.holder_id, a.starts_at`;
  });
  if (!recipients) return { told: 0, reason: "the clinic is no longer suspended" };
  for (const r of recipients) {
    // The key makes a retried run (or a second delivery of the event) send nothing twice.
    await sendPatientMessage(db, { clinicId, kind: "clinic_suspended", appointmentId: r.appointment_id, dedupeKey: `clinic-suspended:${suspensionId}:${r.holder_id}`, now }, deps);
  }
  return { told: recipients.length };
}
