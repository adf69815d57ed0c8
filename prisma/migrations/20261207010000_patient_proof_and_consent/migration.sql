-- A clinic's patient record is the clinic's own until the patient proves the phone at that clinic
-- (docs/decisions/030-clinic-patient-proof-and-consent.md).
--
-- A desk or an integration that types a phone number gets a record keyed by the platform account
-- of that phone (so one person is one patient everywhere), but the record is NOT joined to what the
-- patient keeps in the account until the patient proves the phone at this clinic: by signing in on
-- the clinic's site, booking there online, or following a link the clinic sent by SMS. Until then
-- the clinic sees no saved card, no family member, and the patient's account does not list the
-- clinic's visits. Even once joined, a clinic may hold only cards the patient allowed for it and sees
-- only the family members the patient shared with it.
ALTER TABLE clinic_patients
  ADD COLUMN linked_at timestamptz(3),
  ADD COLUMN linked_by text,
  ADD COLUMN deposits_allowed_at timestamptz(3),
  ADD CONSTRAINT clinic_patients_linked_by CHECK (linked_by IN ('online_booking', 'sign_in', 'clinic_link')),
  ADD CONSTRAINT clinic_patients_linked_with_proof CHECK ((linked_at IS NULL) = (linked_by IS NULL)),
  ADD CONSTRAINT clinic_patients_deposits_need_link CHECK (deposits_allowed_at IS NULL OR linked_at IS NOT NULL);

-- The family members a patient shares with one clinic (a choice in the account, per clinic, or
-- booking the family member there online).
CREATE TABLE clinic_family_members (
  clinic_id uuid NOT NULL REFERENCES clinics (id) ON DELETE CASCADE,
  dependent_id uuid NOT NULL REFERENCES dependents (id) ON DELETE CASCADE,
  patient_account_id uuid NOT NULL,
  shared_at timestamptz(3) NOT NULL DEFAULT now(),
  PRIMARY KEY (clinic_id, dependent_id),
  FOREIGN KEY (clinic_id, patient_account_id) REFERENCES clinic_patients (clinic_id, patient_account_id) ON DELETE CASCADE
);
CREATE INDEX clinic_family_members_clinic_id_patient_account_id_idx ON clinic_family_members (clinic_id, patient_account_id);

-- A secure link the clinic texts to a patient whose visit awaits a deposit: following it proves
-- the phone at this clinic and lets the patient add a card or allow a saved one. Only the token's
-- SHA-256 is stored. It works until the deposit's deadline and once.
CREATE TABLE deposit_links (
  clinic_id uuid NOT NULL REFERENCES clinics (id) ON DELETE CASCADE,
  id uuid NOT NULL DEFAULT gen_random_uuid(),
  deposit_id uuid NOT NULL,
  patient_account_id uuid NOT NULL,
  token_hash text NOT NULL,
  expires_at timestamptz(3) NOT NULL,
  used_at timestamptz(3),
  created_at timestamptz(3) NOT NULL DEFAULT now(),
  PRIMARY KEY (clinic_id, id),
  UNIQUE (clinic_id, token_hash),
  FOREIGN KEY (clinic_id, deposit_id) REFERENCES deposits (clinic_id, id) ON DELETE CASCADE,
  FOREIGN KEY (clinic_id, patient_account_id) REFERENCES clinic_patients (clinic_id, patient_account_id) ON DELETE CASCADE
);
CREATE INDEX deposit_links_clinic_id_deposit_id_idx ON deposit_links (clinic_id, deposit_id);

DO $$
DECLARE
  t text;
BEGIN
  FOREACH t IN ARRAY ARRAY['clinic_family_members', 'deposit_links']
  LOOP
    EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t);
    EXECUTE format('ALTER TABLE %I FORCE ROW LEVEL SECURITY', t);
    EXECUTE format('CREATE POLICY %I ON %I USING (clinic_id = app_clinic_id()) WITH CHECK (clinic_id = app_clinic_id())', t || '_own', t);
  END LOOP;
END $$;

-- Saved cards in a clinic's scope: only when the patient allowed that clinic to hold deposits. The
-- patient's own pages and the provider's webhooks read cards outside any clinic scope, as before.
DROP POLICY payment_cards_patient ON payment_cards;
CREATE POLICY payment_cards_patient ON payment_cards
  USING (
    patient_account_id = app_patient_account_id()
    AND (app_clinic_id() IS NULL OR EXISTS (
      SELECT 1 FROM clinic_patients cp
       WHERE cp.clinic_id = app_clinic_id() AND cp.patient_account_id = payment_cards.patient_account_id AND cp.deposits_allowed_at IS NOT NULL)))
  WITH CHECK (patient_account_id = app_patient_account_id());

-- The patient's account lists only the clinics where the phone was proven.
CREATE OR REPLACE FUNCTION patient_clinic_ids(p_patient_account uuid) RETURNS SETOF uuid
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = public, pg_temp AS $fn$
BEGIN
  IF p_patient_account IS NULL THEN
    RETURN;
  END IF;
  PERFORM set_config('app.patient_index', p_patient_account::text, true);
  RETURN QUERY SELECT cp.clinic_id FROM clinic_patients cp
                WHERE cp.patient_account_id = p_patient_account AND cp.linked_at IS NOT NULL
                ORDER BY cp.first_seen_at;
  PERFORM set_config('app.patient_index', '', true);
END $fn$;
REVOKE ALL ON FUNCTION patient_clinic_ids(uuid) FROM PUBLIC;

-- Existing records. Assumed proven: a record with a visit the patient booked online there (clinic
-- site or marketplace), which also allowed that clinic to hold deposits and shared the family
-- members booked there; a record whose patient has a session on that clinic's site (signed in
-- there, proven but no cards allowed). Records made only by a desk or an integration stay the
-- clinic's own until the patient proves the phone.
SELECT set_config('app.scope', 'system', true);
DO $$
DECLARE
  c uuid;
BEGIN
  FOR c IN SELECT id FROM clinics LOOP
    PERFORM set_config('app.clinic_id', c::text, true);
    UPDATE clinic_patients cp SET linked_at = cp.first_seen_at, linked_by = 'online_booking', deposits_allowed_at = cp.first_seen_at
     WHERE cp.clinic_id = c AND EXISTS (
       SELECT 1 FROM appointments a
        WHERE a.clinic_id = c AND a.patient_account_id = cp.patient_account_id AND a.channel IN ('clinic_site', 'marketplace'));
    UPDATE clinic_patients cp SET linked_at = cp.first_seen_at, linked_by = 'sign_in'
     WHERE cp.clinic_id = c AND cp.linked_at IS NULL AND EXISTS (
       SELECT 1 FROM sessions s WHERE s.clinic_id = c AND s.subject = 'patient' AND s.patient_account_id = cp.patient_account_id);
    INSERT INTO clinic_family_members (clinic_id, dependent_id, patient_account_id)
    SELECT DISTINCT c, a.dependent_id, a.patient_account_id
      FROM appointments a JOIN clinic_patients cp ON cp.clinic_id = a.clinic_id AND cp.patient_account_id = a.patient_account_id
     WHERE a.clinic_id = c AND a.dependent_id IS NOT NULL AND a.channel IN ('clinic_site', 'marketplace') AND cp.linked_at IS NOT NULL
    ON CONFLICT DO NOTHING;
  END LOOP;
  PERFORM set_config('app.clinic_id', '', true);
END $$;
SELECT set_config('app.scope', '', true);
