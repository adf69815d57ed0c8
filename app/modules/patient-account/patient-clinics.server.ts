/**
 * Which clinics a patient's platform account is known at: a module of its own, since payments ask
 * too and the account pages depend on payments.
 */
import type { Db } from "~/utils/db.server";

/** The clinic ids where this patient account has a record: a cross-clinic read, through `patient_clinic_ids()`. */
export async function clinicsOfPatient(db: Db, patientAccountId: string): Promise<string[]> {
  const rows = await db
    .forPlatform()
    .tx((tx) => tx.$queryRaw<{ id: string }[]>`SELECT patient_clinic_ids(${patientAccountId}::uuid)::text AS id`);
  return rows.map((r) => r.id);
}
