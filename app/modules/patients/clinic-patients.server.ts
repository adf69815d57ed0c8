import type { Tx } from "~/utils/db.server";

export interface PersonDetails {
  /** E.164, already validated. */
  phone: string;
  firstName: string;
  lastName: string;
  email?: string | null;
}

/**
 * The patient account for a phone number, created if new, and the clinic's record of that patient.
 * A name the patient gave themselves is kept: a clinic or an integration only fills in a missing
 * name, so one clinic's typo never renames someone on every other clinic's site.
 */
export async function ensureClinicPatient(tx: Tx, clinicId: string, person: PersonDetails): Promise<string> {
  // One round trip: the account and the clinic's record of it.
  const rows = await tx.$queryRaw<{ id: string }[]>`
    WITH account AS (
      INSERT INTO patient_accounts (phone, first_name, last_name, email)
      VALUES (${person.phone}, ${person.firstName}, ${person.lastName}, ${person.email ?? null})
      ON CONFLICT (phone) DO UPDATE
        SET first_name = coalesce(patient_accounts.first_name, EXCLUDED.first_name),
            last_name = coalesce(patient_accounts.last_name, EXCLUDED.last_name),
            email = coalesce(patient_accounts.email, EXCLUDED.email)
      RETURNING id
    ), linked AS (
      INSERT INTO clinic_patients (clinic_id, patient_account_id) SELECT ${clinicId}::uuid, id FROM account ON CONFLICT DO NOTHING
    )
    SELECT id::text AS id FROM account`;
  return rows[0]!.id;
}

/** The clinic's record of an existing account (a patient booking on the clinic's site). */
export async function addClinicPatient(tx: Tx, clinicId: string, patientAccountId: string): Promise<void> {
  await tx.$executeRaw`
    INSERT INTO clinic_patients (clinic_id, patient_account_id) VALUES (${clinicId}::uuid, ${patientAccountId}::uuid)
    ON CONFLICT DO NOTHING`;
}
