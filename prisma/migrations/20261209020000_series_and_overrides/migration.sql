-- Series of visits booked in one go (a course of physiotherapy twice a week for six weeks): the
-- series row keeps what the desk asked for; each visit is an ordinary appointment that points to it
-- with its number in the series. A moved visit stays in its series (a trigger copies the link to
-- the new row, whichever way the visit was moved).
CREATE TABLE appointment_series (
  clinic_id uuid NOT NULL REFERENCES clinics (id) ON DELETE CASCADE,
  id uuid NOT NULL DEFAULT gen_random_uuid(),
  patient_account_id uuid NOT NULL,
  dependent_id uuid REFERENCES dependents (id) ON DELETE RESTRICT,
  service_id uuid NOT NULL,
  doctor_id uuid NOT NULL,
  location_id uuid NOT NULL,
  -- The repeat as the desk chose it, e.g. {"repeat":"weekdays","weekdays":[2,4],"time":"10:00","first":"2026-12-10","count":12}.
  pattern jsonb NOT NULL,
  created_by text NOT NULL,
  created_at timestamptz(3) NOT NULL DEFAULT now(),
  PRIMARY KEY (clinic_id, id),
  FOREIGN KEY (clinic_id, patient_account_id) REFERENCES clinic_patients (clinic_id, patient_account_id) ON DELETE RESTRICT,
  FOREIGN KEY (clinic_id, service_id) REFERENCES services (clinic_id, id) ON DELETE RESTRICT,
  FOREIGN KEY (clinic_id, doctor_id) REFERENCES clinic_memberships (clinic_id, id) ON DELETE RESTRICT,
  FOREIGN KEY (clinic_id, location_id) REFERENCES locations (clinic_id, id) ON DELETE RESTRICT
);
CREATE INDEX appointment_series_clinic_id_patient_idx ON appointment_series (clinic_id, patient_account_id);

ALTER TABLE appointment_series ENABLE ROW LEVEL SECURITY;
ALTER TABLE appointment_series FORCE ROW LEVEL SECURITY;
CREATE POLICY appointment_series_own ON appointment_series USING (clinic_id = app_clinic_id()) WITH CHECK (clinic_id = app_clinic_id());

ALTER TABLE appointments ADD COLUMN series_id uuid;
ALTER TABLE appointments ADD COLUMN series_occurrence integer;
ALTER TABLE appointments ADD CONSTRAINT appointments_series_fkey FOREIGN KEY (clinic_id, series_id) REFERENCES appointment_series (clinic_id, id) ON DELETE SET NULL (series_id);
ALTER TABLE appointments ADD CONSTRAINT appointments_series_occurrence CHECK (series_occurrence IS NULL OR series_occurrence BETWEEN 1 AND 200);
CREATE INDEX appointments_clinic_id_series_id_idx ON appointments (clinic_id, series_id, series_occurrence) WHERE series_id IS NOT NULL;

-- Only rows that were moved pay for this trigger.
CREATE FUNCTION appointments_keep_series() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NEW.series_id IS NULL THEN
    SELECT o.series_id, o.series_occurrence INTO NEW.series_id, NEW.series_occurrence
      FROM appointments o WHERE o.clinic_id = NEW.clinic_id AND o.id = NEW.rescheduled_from_id;
  END IF;
  RETURN NEW;
END $$;
CREATE TRIGGER appointments_keep_series BEFORE INSERT ON appointments
  FOR EACH ROW WHEN (NEW.rescheduled_from_id IS NOT NULL) EXECUTE FUNCTION appointments_keep_series();

-- Booking outside the schedule, on purpose, with a reason (an owner, or secretaries when the owner
-- allows it): 'outside_hours' is a time the schedule does not offer (outside the doctor's hours, a
-- closure, off the grid, within the minimum notice); 'double_book' squeezes a visit in over another
-- visit of the same doctor.
ALTER TABLE appointments ADD COLUMN override_kind text;
ALTER TABLE appointments ADD COLUMN override_reason text;
ALTER TABLE appointments ADD CONSTRAINT appointments_override_kind CHECK (override_kind IN ('outside_hours', 'double_book'));
ALTER TABLE appointments ADD CONSTRAINT appointments_override_reason CHECK ((override_kind IS NULL) = (override_reason IS NULL) AND char_length(override_reason) BETWEEN 3 AND 500);

-- The doctor rule is relaxed for an explicit double booking only; the room rule is unchanged.
ALTER TABLE appointments DROP CONSTRAINT appointments_no_doctor_overlap;
ALTER TABLE appointments ADD CONSTRAINT appointments_no_doctor_overlap EXCLUDE USING gist (
    clinic_id WITH =, doctor_id WITH =, tstzrange(blocked_from, blocked_to, '[)') WITH &&)
    WHERE (status IN ('held', 'requested', 'confirmed', 'checked_in', 'in_consultation', 'completed') AND override_kind IS DISTINCT FROM 'double_book');

-- The person behind the doctor: within a clinic the same relaxation; across clinics never (every
-- row, double bookings included, against the same person's rows at any other clinic).
ALTER TABLE appointments DROP CONSTRAINT appointments_no_person_overlap;
ALTER TABLE appointments ADD CONSTRAINT appointments_no_person_overlap EXCLUDE USING gist (
    staff_user_id WITH =, tstzrange(blocked_from, blocked_to, '[)') WITH &&)
    WHERE (staff_user_id IS NOT NULL AND status IN ('requested', 'confirmed', 'checked_in', 'in_consultation', 'completed') AND override_kind IS DISTINCT FROM 'double_book');
ALTER TABLE appointments ADD CONSTRAINT appointments_no_person_overlap_elsewhere EXCLUDE USING gist (
    staff_user_id WITH =, clinic_id WITH <>, tstzrange(blocked_from, blocked_to, '[)') WITH &&)
    WHERE (staff_user_id IS NOT NULL AND status IN ('requested', 'confirmed', 'checked_in', 'in_consultation', 'completed'));

-- A patient squeezed in (either kind) is never booked over their own visit at another clinic: a
-- pair of rows at two clinics conflicts when one of them is an override (the first rule, "<>" on
-- the flag) or both are (the second). Ordinary bookings among themselves are unchanged.
ALTER TABLE appointments ADD CONSTRAINT appointments_no_override_patient_overlap EXCLUDE USING gist (
    (coalesce(dependent_id, patient_account_id)) WITH =, clinic_id WITH <>, (override_kind IS NOT NULL) WITH <>,
    tstzrange(blocked_from, blocked_to, '[)') WITH &&)
    WHERE (patient_account_id IS NOT NULL AND status IN ('requested', 'confirmed', 'checked_in', 'in_consultation', 'completed'));
ALTER TABLE appointments ADD CONSTRAINT appointments_no_override_patient_overlap_both EXCLUDE USING gist (
    (coalesce(dependent_id, patient_account_id)) WITH =, clinic_id WITH <>, tstzrange(blocked_from, blocked_to, '[)') WITH &&)
    WHERE (patient_account_id IS NOT NULL AND override_kind IS NOT NULL AND status IN ('requested', 'confirmed', 'checked_in', 'in_consultation', 'completed'));

-- Who may book outside the schedule at this clinic: the owner only, or the owner and secretaries.
ALTER TABLE clinics ADD COLUMN override_booking_roles text NOT NULL DEFAULT 'owner';
ALTER TABLE clinics ADD CONSTRAINT clinics_override_booking_roles CHECK (override_booking_roles IN ('owner', 'owner_and_secretaries'));
