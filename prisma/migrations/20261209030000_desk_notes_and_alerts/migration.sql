-- The desk's own notes and alerts. Staff only: nothing here is shown to the patient, sent in a
-- message or served by the API. A visit has one desk note (edited in place, who and when kept); a
-- patient's record at the clinic has one too; alerts are short flags on the record ("allergic to
-- penicillin", "needs wheelchair access") that are shown wherever the desk sees the patient. A
-- removed alert is kept with who removed it, so the audit log can name it.
CREATE TABLE visit_desk_notes (
  clinic_id uuid NOT NULL REFERENCES clinics (id) ON DELETE CASCADE,
  appointment_id uuid NOT NULL,
  body text NOT NULL,
  updated_by uuid NOT NULL REFERENCES staff_users (id),
  updated_at timestamptz(3) NOT NULL DEFAULT now(),
  PRIMARY KEY (clinic_id, appointment_id),
  FOREIGN KEY (clinic_id, appointment_id) REFERENCES appointments (clinic_id, id) ON DELETE CASCADE,
  CONSTRAINT visit_desk_notes_body_length CHECK (char_length(body) BETWEEN 1 AND 2000)
);

CREATE TABLE patient_desk_notes (
  clinic_id uuid NOT NULL REFERENCES clinics (id) ON DELETE CASCADE,
  patient_account_id uuid NOT NULL,
  body text NOT NULL,
  updated_by uuid NOT NULL REFERENCES staff_users (id),
  updated_at timestamptz(3) NOT NULL DEFAULT now(),
  PRIMARY KEY (clinic_id, patient_account_id),
  FOREIGN KEY (clinic_id, patient_account_id) REFERENCES clinic_patients (clinic_id, patient_account_id) ON DELETE CASCADE,
  CONSTRAINT patient_desk_notes_body_length CHECK (char_length(body) BETWEEN 1 AND 2000)
);

CREATE TABLE patient_alerts (
  clinic_id uuid NOT NULL REFERENCES clinics (id) ON DELETE CASCADE,
  id uuid NOT NULL DEFAULT gen_random_uuid(),
  patient_account_id uuid NOT NULL,
  kind text NOT NULL,
  text text NOT NULL,
  created_by uuid NOT NULL REFERENCES staff_users (id),
  created_at timestamptz(3) NOT NULL DEFAULT now(),
  removed_by uuid REFERENCES staff_users (id),
  removed_at timestamptz(3),
  PRIMARY KEY (clinic_id, id),
  FOREIGN KEY (clinic_id, patient_account_id) REFERENCES clinic_patients (clinic_id, patient_account_id) ON DELETE CASCADE,
  CONSTRAINT patient_alerts_kind_check CHECK (kind IN ('allergy', 'access', 'medical', 'communication', 'other')),
  CONSTRAINT patient_alerts_text_length CHECK (char_length(text) BETWEEN 2 AND 120),
  CONSTRAINT patient_alerts_removed CHECK ((removed_at IS NULL) = (removed_by IS NULL))
);
CREATE INDEX patient_alerts_current_idx ON patient_alerts (clinic_id, patient_account_id) WHERE removed_at IS NULL;

ALTER TABLE visit_desk_notes ENABLE ROW LEVEL SECURITY;
ALTER TABLE visit_desk_notes FORCE ROW LEVEL SECURITY;
CREATE POLICY visit_desk_notes_own ON visit_desk_notes USING (clinic_id = app_clinic_id()) WITH CHECK (clinic_id = app_clinic_id());
ALTER TABLE patient_desk_notes ENABLE ROW LEVEL SECURITY;
ALTER TABLE patient_desk_notes FORCE ROW LEVEL SECURITY;
CREATE POLICY patient_desk_notes_own ON patient_desk_notes USING (clinic_id = app_clinic_id()) WITH CHECK (clinic_id = app_clinic_id());
ALTER TABLE patient_alerts ENABLE ROW LEVEL SECURITY;
ALTER TABLE patient_alerts FORCE ROW LEVEL SECURITY;
CREATE POLICY patient_alerts_own ON patient_alerts USING (clinic_id = app_clinic_id()) WITH CHECK (clinic_id = app_clinic_id());

-- A new message kind, "desk_message": a few words the desk types to the patient about a visit.
-- The kind lists live in CHECK constraints; each is extended in place from its current definition.
DO $$
DECLARE
  c record;
BEGIN
  FOR c IN
    SELECT con.conrelid::regclass AS tbl, con.conname, pg_get_constraintdef(con.oid) AS def
      FROM pg_constraint con
     WHERE con.conrelid IN ('message_templates'::regclass, 'message_deliveries'::regclass)
       AND con.contype = 'c'
       AND pg_get_constraintdef(con.oid) LIKE '%''sign_in_code''::text%'
       AND pg_get_constraintdef(con.oid) NOT LIKE '%''desk_message''::text%'
  LOOP
    EXECUTE format('ALTER TABLE %s DROP CONSTRAINT %I', c.tbl, c.conname);
    EXECUTE format('ALTER TABLE %s ADD CONSTRAINT %I %s', c.tbl, c.conname,
                   replace(c.def, '''sign_in_code''::text', '''sign_in_code''::text, ''desk_message''::text'));
  END LOOP;
END $$;
