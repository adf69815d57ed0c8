-- Patient charts, treatment plans and break-the-glass access (app/modules/records).
--
-- A chart note is never edited in place: an amendment is a new version of the same note (same
-- note_id, version + 1) with the reason for the change, and every version stays readable. A note is
-- locked once its author signs it or 24 hours after its first version; the triggers below refuse an
-- amendment of a locked note, any change to a stored version other than signing it, and deletion.
--
-- A treatment plan item is one step of a patient's care; the ones marked visible_to_patient appear
-- in the patient's account on the clinic's site.
--
-- A break-the-glass grant lets one platform operator read one clinic's patient records for a short,
-- stated time. The grant is the clinic's record (forced RLS on clinic_id): its owner sees every grant
-- on their clinic, and the operator's pages check it in the clinic's own scope at every request
-- (docs/decisions/016-break-the-glass.md). Grants are append-only; they end by expiring.

CREATE TABLE chart_notes (
  clinic_id uuid NOT NULL REFERENCES clinics (id) ON DELETE CASCADE,
  id uuid NOT NULL DEFAULT gen_random_uuid(),
  -- The first version's id, shared by every version of the note.
  note_id uuid NOT NULL,
  version integer NOT NULL CHECK (version >= 1),
  patient_account_id uuid NOT NULL REFERENCES patient_accounts (id) ON DELETE RESTRICT,
  -- NULL: the note is about the account holder; otherwise about this dependent.
  dependent_id uuid REFERENCES dependents (id) ON DELETE RESTRICT,
  -- The visit the note belongs to, when there is one.
  appointment_id uuid,
  author_membership_id uuid NOT NULL,
  author_staff_user_id uuid NOT NULL REFERENCES staff_users (id) ON DELETE RESTRICT,
  body text NOT NULL CHECK (length(body) BETWEEN 1 AND 20000),
  amend_reason text CHECK (amend_reason IS NULL OR length(amend_reason) BETWEEN 3 AND 500),
  created_at timestamptz(3) NOT NULL DEFAULT now(),
  signed_at timestamptz(3),
  PRIMARY KEY (clinic_id, id),
  FOREIGN KEY (clinic_id, appointment_id) REFERENCES appointments (clinic_id, id) ON DELETE RESTRICT,
  FOREIGN KEY (clinic_id, author_membership_id) REFERENCES clinic_memberships (clinic_id, id) ON DELETE RESTRICT,
  CONSTRAINT chart_notes_first_version CHECK ((version = 1) = (note_id = id)),
  CONSTRAINT chart_notes_amend_reason CHECK (version = 1 OR amend_reason IS NOT NULL)
);
CREATE UNIQUE INDEX chart_notes_clinic_id_note_id_version_key ON chart_notes (clinic_id, note_id, version);
CREATE INDEX chart_notes_clinic_id_patient_idx ON chart_notes (clinic_id, patient_account_id, created_at);

CREATE FUNCTION chart_notes_guard() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  first_row chart_notes%ROWTYPE;
  latest integer;
BEGIN
  IF TG_OP = 'DELETE' THEN
    RAISE EXCEPTION 'chart notes are never deleted' USING ERRCODE = 'insufficient_privilege';
  END IF;
  IF TG_OP = 'UPDATE' THEN
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
CREATE TRIGGER chart_notes_guard BEFORE INSERT OR UPDATE OR DELETE ON chart_notes
  FOR EACH ROW EXECUTE FUNCTION chart_notes_guard();

CREATE TYPE treatment_plan_item_status AS ENUM ('planned', 'in_progress', 'done', 'cancelled');

CREATE TABLE treatment_plan_items (
  clinic_id uuid NOT NULL REFERENCES clinics (id) ON DELETE CASCADE,
  id uuid NOT NULL DEFAULT gen_random_uuid(),
  patient_account_id uuid NOT NULL REFERENCES patient_accounts (id) ON DELETE RESTRICT,
  dependent_id uuid REFERENCES dependents (id) ON DELETE RESTRICT,
  title text NOT NULL CHECK (length(title) BETWEEN 1 AND 200),
  details text CHECK (details IS NULL OR length(details) <= 2000),
  status treatment_plan_item_status NOT NULL DEFAULT 'planned',
  visible_to_patient boolean NOT NULL DEFAULT false,
  target_date date,
  created_by_staff_user_id uuid NOT NULL REFERENCES staff_users (id) ON DELETE RESTRICT,
  updated_by_staff_user_id uuid NOT NULL REFERENCES staff_users (id) ON DELETE RESTRICT,
  created_at timestamptz(3) NOT NULL DEFAULT now(),
  updated_at timestamptz(3) NOT NULL DEFAULT now(),
  PRIMARY KEY (clinic_id, id)
);
CREATE INDEX treatment_plan_items_clinic_id_patient_idx ON treatment_plan_items (clinic_id, patient_account_id, created_at);

CREATE TABLE break_glass_grants (
  clinic_id uuid NOT NULL REFERENCES clinics (id) ON DELETE CASCADE,
  id uuid NOT NULL DEFAULT gen_random_uuid(),
  operator_staff_user_id uuid NOT NULL REFERENCES staff_users (id) ON DELETE RESTRICT,
  reason text NOT NULL CHECK (length(reason) BETWEEN 20 AND 1000),
  granted_at timestamptz(3) NOT NULL DEFAULT now(),
  expires_at timestamptz(3) NOT NULL,
  PRIMARY KEY (clinic_id, id),
  CONSTRAINT break_glass_grants_duration CHECK (expires_at > granted_at AND expires_at <= granted_at + interval '60 minutes')
);
CREATE INDEX break_glass_grants_clinic_id_operator_idx ON break_glass_grants (clinic_id, operator_staff_user_id, expires_at);
CREATE INDEX break_glass_grants_clinic_id_granted_at_idx ON break_glass_grants (clinic_id, granted_at);

DO $$
DECLARE
  t text;
BEGIN
  FOREACH t IN ARRAY ARRAY['chart_notes', 'treatment_plan_items', 'break_glass_grants']
  LOOP
    EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t);
    EXECUTE format('ALTER TABLE %I FORCE ROW LEVEL SECURITY', t);
    EXECUTE format('CREATE POLICY %I ON %I USING (clinic_id = app_clinic_id()) WITH CHECK (clinic_id = app_clinic_id())', t || '_own', t);
  END LOOP;
END $$;

-- The audit log viewer pages newest first by (occurred_at, id), and filters by patient target.
CREATE INDEX audit_events_clinic_id_occurred_at_id_idx ON audit_events (clinic_id, occurred_at DESC, id DESC);
CREATE INDEX audit_events_clinic_id_target_idx ON audit_events (clinic_id, target_type, target_id, occurred_at DESC, id DESC);
