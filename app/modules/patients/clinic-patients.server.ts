import { recordAudit, type AuditRequestContext } from "~/modules/audit/audit.server";
import type { ClinicDb, SqlTx, Tx } from "~/utils/db.server";

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
 * A typed phone proves nothing: a new record is not joined to what the patient keeps in the account
 * (cards, family, the account's list of visits) until the patient proves the phone at this clinic
 * (`provePhoneAtClinic`). See docs/decisions/030.
 *
 * A create never overwrites: an existing record keeps its names and email, and only blanks (a
 * record made by an online booking, before anyone typed a name) are filled in. Renaming a patient
 * is a deliberate edit, never a side effect of booking with a phone number the clinic knows.
 */
export async function ensureClinicPatient(tx: SqlTx, clinicId: string, person: PersonDetails): Promise<string> {
  // One round trip: the account (a no-op update returns an existing one) and the clinic's record.
  const upsert = clinicPatientUpsert(clinicId, person);
  const rows = await tx.$queryRawUnsafe<{ id: string }[]>(`WITH ${upsert.ctes(1)} SELECT ${upsert.column} AS id`, ...upsert.values);
  return rows[0]!.id;
}

/**
 * ensureClinicPatient as common table expressions (`account`, `linked`), for a statement that does
 * more in the same round trip; `column` is the account's id.
 */
export function clinicPatientUpsert(clinicId: string, person: PersonDetails): { ctes: (first: number) => string; values: unknown[]; column: string } {
  return {
    ctes: (n) => `account AS (
      INSERT INTO patient_accounts (phone) VALUES ($${n})
      ON CONFLICT (phone) DO UPDATE SET phone = EXCLUDED.phone
      RETURNING id
    ), linked AS (
      INSERT INTO clinic_patients (clinic_id, patient_account_id, first_name, last_name, email)
      SELECT $${n + 1}::uuid, id, $${n + 2}, $${n + 3}, $${n + 4} FROM account
      ON CONFLICT (clinic_id, patient_account_id) DO UPDATE
        SET first_name = coalesce(clinic_patients.first_name, EXCLUDED.first_name),
            last_name = coalesce(clinic_patients.last_name, EXCLUDED.last_name),
            email = coalesce(clinic_patients.email, EXCLUDED.email)
        -- A record with nothing blank to fill writes nothing.
        WHERE (clinic_patients.first_name IS NULL AND EXCLUDED.first_name IS NOT NULL)
           OR (clinic_patients.last_name IS NULL AND EXCLUDED.last_name IS NOT NULL)
           OR (clinic_patients.email IS NULL AND EXCLUDED.email IS NOT NULL)
    )`,
    values: [person.phone, clinicId, person.firstName, person.lastName, person.email ?? null],
    column: "(SELECT id::text FROM account)",
  };
}

/** The clinic's record of an existing account (a patient booking on the clinic's site). */
export async function addClinicPatient(tx: Tx, clinicId: string, patientAccountId: string): Promise<void> {
  await tx.$executeRaw`
    INSERT INTO clinic_patients (clinic_id, patient_account_id) VALUES (${clinicId}::uuid, ${patientAccountId}::uuid)
    ON CONFLICT DO NOTHING`;
}

/** How a patient proved the phone at a clinic. */
export type PhoneProof = "online_booking" | "sign_in" | "clinic_link";

/**
 * The patient proved the phone at this clinic: the clinic's record is joined to the account (its
 * visits show in the patient's account). Only a record the clinic already has is joined; the first
 * proof is kept.
 */
export async function provePhoneAtClinic(tx: Tx, clinicId: string, patientAccountId: string, how: PhoneProof): Promise<void> {
  await tx.$executeRaw`
    UPDATE clinic_patients SET linked_at = now(), linked_by = ${how}
     WHERE clinic_id = ${clinicId}::uuid AND patient_account_id = ${patientAccountId}::uuid AND linked_at IS NULL`;
}

/** The patient allowed this clinic to hold deposits on their saved cards (or took it back). */
export async function allowClinicDeposits(tx: Tx, clinicId: string, patientAccountId: string, allowed: boolean): Promise<void> {
  await tx.$executeRaw`
    UPDATE clinic_patients SET deposits_allowed_at = CASE WHEN ${allowed} THEN coalesce(deposits_allowed_at, now()) END
     WHERE clinic_id = ${clinicId}::uuid AND patient_account_id = ${patientAccountId}::uuid AND linked_at IS NOT NULL`;
}

/**
 * A patient booking online here: their own doing, so the record is joined, the clinic may hold the
 * card they book with, and the family member they book for is shared with the clinic.
 */
export async function recordOnlineBookingConsent(tx: Tx, clinicId: string, patientAccountId: string, dependentId: string | null): Promise<void> {
  await tx.$executeRaw`
    INSERT INTO clinic_patients (clinic_id, patient_account_id, linked_at, linked_by, deposits_allowed_at)
    VALUES (${clinicId}::uuid, ${patientAccountId}::uuid, now(), 'online_booking', now())
    ON CONFLICT (clinic_id, patient_account_id) DO UPDATE
      SET linked_at = coalesce(clinic_patients.linked_at, now()), linked_by = coalesce(clinic_patients.linked_by, 'online_booking'),
          deposits_allowed_at = coalesce(clinic_patients.deposits_allowed_at, now())
      WHERE clinic_patients.deposits_allowed_at IS NULL`;
  if (dependentId) await shareFamilyMember(tx, clinicId, patientAccountId, dependentId, true);
}

/** Shares (or stops sharing) one of the patient's own family members with a clinic that knows the patient. */
export async function shareFamilyMember(tx: Tx, clinicId: string, patientAccountId: string, dependentId: string, shared: boolean): Promise<boolean> {
  if (!shared) {
    await tx.$executeRaw`DELETE FROM clinic_family_members WHERE clinic_id = ${clinicId}::uuid AND dependent_id = ${dependentId}::uuid AND patient_account_id = ${patientAccountId}::uuid`;
    return true;
  }
  const n = await tx.$executeRaw`
    INSERT INTO clinic_family_members (clinic_id, dependent_id, patient_account_id)
    SELECT ${clinicId}::uuid, d.id, d.patient_account_id FROM dependents d
     WHERE d.id = ${dependentId}::uuid AND d.patient_account_id = ${patientAccountId}::uuid AND d.removed_at IS NULL
       AND EXISTS (SELECT 1 FROM clinic_patients cp WHERE cp.clinic_id = ${clinicId}::uuid AND cp.patient_account_id = d.patient_account_id AND cp.linked_at IS NOT NULL)
    ON CONFLICT DO NOTHING`;
  return n > 0;
}

export interface ClinicConsent {
  /** The patient proved the phone here. */
  linked: boolean;
  depositsAllowed: boolean;
  sharedFamilyIds: string[];
}

/** What the patient has let this clinic see and do (for the patient's own account pages). */
export async function clinicConsentOf(tx: Tx, clinicId: string, patientAccountId: string): Promise<ClinicConsent> {
  const row = await tx.clinicPatient.findUnique({ where: { clinicId_patientAccountId: { clinicId, patientAccountId } }, select: { linkedAt: true, depositsAllowedAt: true } });
  const shared = await tx.clinicFamilyMember.findMany({ where: { clinicId, patientAccountId }, select: { dependentId: true } });
  return { linked: Boolean(row?.linkedAt), depositsAllowed: Boolean(row?.depositsAllowedAt), sharedFamilyIds: shared.map((s) => s.dependentId) };
}

/** The patient signed in on this clinic's site (proof) shares a family member with it. */
export async function shareWithSignedInClinic(tx: Tx, clinicId: string, patientAccountId: string, dependentId: string): Promise<boolean> {
  await joinSignedInPatient(tx, clinicId, patientAccountId);
  return shareFamilyMember(tx, clinicId, patientAccountId, dependentId, true);
}

/** The record of a patient signed in on this clinic's site, joined to the account (created if new). */
async function joinSignedInPatient(tx: Tx, clinicId: string, patientAccountId: string): Promise<void> {
  await tx.$executeRaw`
    INSERT INTO clinic_patients (clinic_id, patient_account_id, linked_at, linked_by) VALUES (${clinicId}::uuid, ${patientAccountId}::uuid, now(), 'sign_in')
    ON CONFLICT (clinic_id, patient_account_id) DO UPDATE SET linked_at = coalesce(clinic_patients.linked_at, now()), linked_by = coalesce(clinic_patients.linked_by, 'sign_in')`;
}

/** What the patient may change for one clinic in their account on that clinic's site. */
export type ConsentChange = { kind: "deposits"; allowed: boolean } | { kind: "family"; dependentId: string; shared: boolean };

/**
 * The patient, signed in on this clinic's site (which proves the phone here), allows or stops the
 * clinic holding deposits on their cards, or shares a family member with it or stops. Audited in
 * the clinic's log. Returns false when the family member is not the patient's.
 */
export async function changeClinicConsent(db: ClinicDb, patientAccountId: string, change: ConsentChange, audit: AuditRequestContext | null): Promise<boolean> {
  const clinicId = db.clinicId;
  return db.tx(async (tx) => {
    await joinSignedInPatient(tx, clinicId, patientAccountId);
    let ok = true;
    if (change.kind === "deposits") await allowClinicDeposits(tx, clinicId, patientAccountId, change.allowed);
    else ok = await shareFamilyMember(tx, clinicId, patientAccountId, change.dependentId, change.shared);
    if (!ok) return false;
    await recordAudit(tx, {
      clinicId,
      actor: { type: "patient", id: patientAccountId },
      action: change.kind === "deposits" ? (change.allowed ? "patient.deposits_allowed" : "patient.deposits_disallowed") : change.shared ? "patient.family_shared" : "patient.family_unshared",
      target: change.kind === "deposits" ? { type: "patient_account", id: patientAccountId } : { type: "dependent", id: change.dependentId },
      request: audit,
    });
    return true;
  });
}
