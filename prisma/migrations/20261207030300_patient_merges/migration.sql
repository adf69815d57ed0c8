-- Merging two records of one patient at a clinic (a duplicate made by the desk, an old phone
-- number): the desk picks the record to keep; the other's own visits, requests, chart notes and
-- treatment plan move to it, and the merged record is hidden from the desk, not deleted. The merge
-- keeps what it moved, so it can be undone for 30 days: the moved rows go back and the record
-- shows again. Family members stay with the account that holds them.
CREATE TABLE patient_merges (
  clinic_id uuid NOT NULL REFERENCES clinics (id) ON DELETE CASCADE,
  id uuid NOT NULL DEFAULT gen_random_uuid(),
  kept_patient_account_id uuid NOT NULL,
  merged_patient_account_id uuid NOT NULL,
  -- The ids moved, by table: {"appointments": [...], "flexibleRequests": [...], ...}.
  moved jsonb NOT NULL,
  merged_by text NOT NULL,
  merged_at timestamptz(3) NOT NULL DEFAULT now(),
  undone_by text,
  undone_at timestamptz(3),
  PRIMARY KEY (clinic_id, id),
  FOREIGN KEY (clinic_id, kept_patient_account_id) REFERENCES clinic_patients (clinic_id, patient_account_id) ON DELETE CASCADE,
  FOREIGN KEY (clinic_id, merged_patient_account_id) REFERENCES clinic_patients (clinic_id, patient_account_id) ON DELETE CASCADE,
  CONSTRAINT patient_merges_two_records CHECK (kept_patient_account_id <> merged_patient_account_id),
  CONSTRAINT patient_merges_undone CHECK ((undone_at IS NULL) = (undone_by IS NULL))
);
CREATE INDEX patient_merges_clinic_id_merged_at_idx ON patient_merges (clinic_id, merged_at DESC);
-- A record is merged away at most once at a time.
CREATE UNIQUE INDEX patient_merges_one_open_per_record ON patient_merges (clinic_id, merged_patient_account_id) WHERE undone_at IS NULL;

ALTER TABLE patient_merges ENABLE ROW LEVEL SECURITY;
ALTER TABLE patient_merges FORCE ROW LEVEL SECURITY;
CREATE POLICY patient_merges_own ON patient_merges USING (clinic_id = app_clinic_id()) WITH CHECK (clinic_id = app_clinic_id());

-- The merged record, hidden from the desk's search until the merge is undone.
ALTER TABLE clinic_patients ADD COLUMN merged_into_patient_account_id uuid;

CREATE OR REPLACE FUNCTION chart_notes_guard() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  first_row chart_notes%ROWTYPE;
  latest integer;
BEGIN
  IF TG_OP = 'DELETE' THEN
    RAISE EXCEPTION 'chart notes are never deleted' USING ERRCODE = 'insufficient_privilege';
  END IF;
  IF TG_OP = 'UPDATE' THEN
    -- A recorded merge of two records of the same patient (or its undo) moves a note to the kept
    -- record: only the patient changes, and only as that merge says, inside its transaction.
    IF NEW.patient_account_id <> OLD.patient_account_id
       AND (NEW.clinic_id, NEW.id, NEW.note_id, NEW.version, NEW.dependent_id, NEW.appointment_id,
            NEW.author_membership_id, NEW.author_staff_user_id, NEW.body, NEW.amend_reason, NEW.created_at, NEW.signed_at)
           IS NOT DISTINCT FROM
           (OLD.clinic_id, OLD.id, OLD.note_id, OLD.version, OLD.dependent_id, OLD.appointment_id,
            OLD.author_membership_id, OLD.author_staff_user_id, OLD.body, OLD.amend_reason, OLD.created_at, OLD.signed_at)
       AND EXISTS (
         SELECT 1 FROM patient_merges m
          WHERE m.clinic_id = NEW.clinic_id AND m.id = nullif(current_setting('app.patient_merge', true), '')::uuid
            AND ((m.undone_at IS NULL AND m.merged_patient_account_id = OLD.patient_account_id AND m.kept_patient_account_id = NEW.patient_account_id)
              OR (m.undone_at IS NOT NULL AND m.kept_patient_account_id = OLD.patient_account_id AND m.merged_patient_account_id = NEW.patient_account_id))) THEN
      RETURN NEW;
    END IF;
    -- Signing is the only change a stored version accepts.
    IF OLD.signed_at IS NULL AND NEW.signed_at IS NOT NULL
       AND (NEW.clinic_id, NEW.id, NEW.note_id, NEW.version, NEW.patient_account_id, NEW.dependent_id, NEW.appointment_id,
            NEW.author_membership_id, NEW.author_staff_user_id, NEW.body, NEW.amend_reason, NEW.created_at)
           IS NOT DISTINCT FROM
           (OLD.clinic_id, OLD.id, OLD.note_id, OLD.version, OLD.patient_account_id, OLD.dependent_id, OLD.appointment_id,
            OLD.author_membership_id, OLD.author_staff_user_id, OLD.body, OLD.amend_reason, OLD.created_at) THEN
      RETURN NEW;
    END IF;
    RAISE EXCEPTION 'a chart note version cannot be changed; add a new version instead' USING ERRCODE = 'insufficient_privilege';
  END IF;
  -- INSERT of an amendment: the next version of an unlocked note, by its author, about the same person.
  IF NEW.version > 1 THEN
    SELECT * INTO first_row FROM chart_notes WHERE clinic_id = NEW.clinic_id AND id = NEW.note_id;
    IF NOT FOUND THEN
      RAISE EXCEPTION 'no chart note % to amend', NEW.note_id USING ERRCODE = 'foreign_key_violation';
    END IF;
    SELECT max(version) INTO latest FROM chart_notes WHERE clinic_id = NEW.clinic_id AND note_id = NEW.note_id;
    IF NEW.version <> latest + 1 THEN
      RAISE EXCEPTION 'chart note % is at version %, not %', NEW.note_id, latest, NEW.version - 1 USING ERRCODE = 'serialization_failure';
    END IF;
    IF EXISTS (SELECT 1 FROM chart_notes WHERE clinic_id = NEW.clinic_id AND note_id = NEW.note_id AND signed_at IS NOT NULL)
       OR NEW.created_at >= first_row.created_at + interval '24 hours' THEN
      RAISE EXCEPTION 'chart note % is locked', NEW.note_id USING ERRCODE = 'insufficient_privilege';
    END IF;
    IF NEW.author_staff_user_id <> first_row.author_staff_user_id
       OR NEW.patient_account_id <> first_row.patient_account_id
       OR NEW.dependent_id IS DISTINCT FROM first_row.dependent_id
       OR NEW.appointment_id IS DISTINCT FROM first_row.appointment_id THEN
      RAISE EXCEPTION 'only the author amends a chart note, about the same person and visit' USING ERRCODE = 'insufficient_privilege';
    END IF;
  END IF;
  RETURN NEW;
END $$;
