-- Family members are removed softly: visits already booked for them keep their name, while the
-- booking flow, the API and the account never offer them again.
ALTER TABLE dependents ADD COLUMN removed_at timestamptz(3);

-- The marketplace account's one cross-clinic read: the clinics where ONE patient account has a
-- record. clinic_patients is RLS-scoped per clinic (forced, also for the owner), so no scope sees
-- another clinic's rows. This SECURITY DEFINER function runs as the owner and opens, for the length
-- of its own query only, the policy below for exactly the account id it was given; it returns clinic
-- ids and nothing else. The app passes the signed-in patient's id from their session, then reads
-- each clinic's appointments through the ordinary per-clinic scope where RLS applies as usual
-- (app/modules/patient-account/marketplace-account.server.ts). The policy names the owner role, so
-- the runtime role cannot use the setting itself.
CREATE POLICY clinic_patients_account_index ON clinic_patients FOR SELECT TO CURRENT_USER
  USING (patient_account_id = nullif(current_setting('app.patient_index', true), '')::uuid);

CREATE FUNCTION patient_clinic_ids(p_patient_account uuid) RETURNS SETOF uuid
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = public, pg_temp AS $fn$
BEGIN
  IF p_patient_account IS NULL THEN
    RETURN;
  END IF;
  PERFORM set_config('app.patient_index', p_patient_account::text, true);
  RETURN QUERY SELECT cp.clinic_id FROM clinic_patients cp WHERE cp.patient_account_id = p_patient_account ORDER BY cp.first_seen_at;
  PERFORM set_config('app.patient_index', '', true);
END $fn$;
REVOKE ALL ON FUNCTION patient_clinic_ids(uuid) FROM PUBLIC;
