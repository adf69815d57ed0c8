-- Favorites: a patient's saved clinics, services and doctors (app/modules/favorites).
--
-- A favorite is the patient's own data (like dependents) but it names a clinic's record, so it is
-- keyed by that clinic first and protected like every clinic table (forced RLS on clinic_id), and
-- a second, RESTRICTIVE policy ties it to the patient:
--   * in a clinic's scope (its site) only that clinic's favorites are visible, as with clinic_patients;
--   * in the marketplace scope (no clinic) a row is visible only when the transaction names the
--     signed-in patient (`app.patient_account_id`, set by the favorites module from the session), so
--     the marketplace can list one patient's favorites across clinics and nobody else's;
--   * whenever a transaction names a patient, every other patient's rows are invisible and cannot be
--     written, in any scope. The favorites module always names the patient.
-- The target (clinic, service or doctor membership) has no foreign key: a favorite outlives its
-- target being unpublished or removed and is then shown as "no longer offered".

CREATE TYPE favorite_kind AS ENUM ('clinic', 'service', 'doctor');

CREATE FUNCTION app_patient_account_id() RETURNS uuid LANGUAGE sql STABLE AS $$
  SELECT nullif(current_setting('app.patient_account_id', true), '')::uuid
$$;

CREATE TABLE favorites (
  clinic_id uuid NOT NULL REFERENCES clinics (id) ON DELETE CASCADE,
  patient_account_id uuid NOT NULL REFERENCES patient_accounts (id) ON DELETE CASCADE,
  kind favorite_kind NOT NULL,
  target_id uuid NOT NULL,
  created_at timestamptz(3) NOT NULL DEFAULT now(),
  PRIMARY KEY (clinic_id, patient_account_id, kind, target_id),
  CONSTRAINT favorites_clinic_target CHECK (kind <> 'clinic' OR target_id = clinic_id)
);
-- The marketplace's list of one patient's favorites across clinics.
CREATE INDEX favorites_patient_account_id_created_at_idx ON favorites (patient_account_id, created_at);

ALTER TABLE favorites ENABLE ROW LEVEL SECURITY;
ALTER TABLE favorites FORCE ROW LEVEL SECURITY;
CREATE POLICY favorites_own ON favorites
  USING (clinic_id = app_clinic_id() OR (app_clinic_id() IS NULL AND patient_account_id = app_patient_account_id()))
  WITH CHECK (clinic_id = app_clinic_id() OR (app_clinic_id() IS NULL AND patient_account_id = app_patient_account_id()));
CREATE POLICY favorites_patient ON favorites AS RESTRICTIVE
  USING (app_patient_account_id() IS NULL OR patient_account_id = app_patient_account_id())
  WITH CHECK (app_patient_account_id() IS NULL OR patient_account_id = app_patient_account_id());

-- Doctor pages on the marketplace show where a doctor works (published catalog, read only).
CREATE POLICY doctor_locations_catalog ON doctor_locations FOR SELECT USING (app_is_system());
