import type { SqlTx, Tx } from "~/utils/db.server";

export interface PersonDetails {
  /** E.164, already validated. */
  phone: string;
  firstName: string;
  lastName: string;
  email?: string | null;
}

/**
 * The patient account for a phone number, created if new, and the clinic's record of that patient.
 * The names a clinic or its software type are kept on the clinic's own record: they never rename
 * the account (which the patient names themselves when they first sign in), and a clinic never
 * learns the name an account holds by booking a phone number.
 *
 * A create never overwrites: an existing record keeps its names and email, and only blanks (a
 * record made by an online booking, before anyone typed a name) are filled in. Renaming a patient
 * is a deliberate edit, never a side effect of booking with a phone number the clinic knows.
 */
export async function ensureClinicPatient(tx: SqlTx, clinicId: string, person: PersonDetails): Promise<string> {
  // One round trip: the account (a no-op update returns an existing one) and the clinic's record.
  const rows = await tx.$queryRaw<{ id: string }[]>`
    WITH account AS (
      INSERT INTO patient_accounts (phone) VALUES (${person.phone})
      ON CONFLICT (phone) DO UPDATE SET phone = EXCLUDED.phone
      RETURNING id
    ), linked AS (
      INSERT INTO clinic_patients (clinic_id, patient_account_id, first_name, last_name, email)
      SELECT ${clinicId}::uuid, id, ${person.firstName}, ${person.lastName}, ${person.email ?? null} FROM account
      ON CONFLICT (clinic_id, patient_account_id) DO UPDATE
        SET first_name = coalesce(clinic_patients.first_name, EXCLUDED.first_name),
            last_name = coalesce(clinic_patients.last_name, EXCLUDED.last_name),
            email = coalesce(clinic_patients.email, EXCLUDED.email)
        -- A record with nothing blank to fill writes nothing.
        WHERE (clinic_patients.first_name IS NULL AND EXCLUDED.first_name IS NOT NULL)
           OR (clinic_patients.last_name IS NULL AND EXCLUDED.last_name IS NOT NULL)
           OR (clinic_patients.email IS NULL AND EXCLUDED.email IS NOT NULL)
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
