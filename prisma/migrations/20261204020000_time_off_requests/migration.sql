-- Doctors' time-off requests (app/modules/schedules/time-off.server.ts).
--
-- A doctor asks for time off (sick leave, training, vacation, other); the clinic's owner approves
-- it, which writes a `time_off` schedule exception in the same transaction, or declines it with a
-- reason. Requests are kept whatever their outcome (the runtime role may not delete them), so the
-- clinic can see who asked for what and what was decided.

CREATE TYPE time_off_kind AS ENUM ('sick_leave', 'training', 'vacation', 'other');
CREATE TYPE time_off_status AS ENUM ('pending', 'approved', 'declined', 'withdrawn');

CREATE TABLE time_off_requests (
  clinic_id uuid NOT NULL REFERENCES clinics (id) ON DELETE CASCADE,
  id uuid NOT NULL DEFAULT gen_random_uuid(),
  -- The doctor's membership at the clinic.
  doctor_id uuid NOT NULL,
  kind time_off_kind NOT NULL,
  starts_at timestamptz(3) NOT NULL,
  ends_at timestamptz(3) NOT NULL,
  note text,
  status time_off_status NOT NULL DEFAULT 'pending',
  -- The staff user who approved or declined it, when, and why it was declined.
  decided_by uuid,
  decided_at timestamptz(3),
  decline_reason text,
  -- The schedule exception an approval wrote.
  exception_id uuid,
  created_at timestamptz(3) NOT NULL DEFAULT now(),
  updated_at timestamptz(3) NOT NULL DEFAULT now(),
  PRIMARY KEY (clinic_id, id),
  FOREIGN KEY (clinic_id, doctor_id) REFERENCES clinic_memberships (clinic_id, id) ON DELETE CASCADE,
  CONSTRAINT time_off_requests_span CHECK (ends_at > starts_at),
  CONSTRAINT time_off_requests_declined_reason CHECK (status <> 'declined' OR decline_reason IS NOT NULL),
  CONSTRAINT time_off_requests_approved_exception CHECK (status <> 'approved' OR exception_id IS NOT NULL)
);
CREATE INDEX time_off_requests_clinic_id_status_starts_at_idx ON time_off_requests (clinic_id, status, starts_at);
CREATE INDEX time_off_requests_clinic_id_doctor_id_starts_at_idx ON time_off_requests (clinic_id, doctor_id, starts_at);

ALTER TABLE time_off_requests ENABLE ROW LEVEL SECURITY;
ALTER TABLE time_off_requests FORCE ROW LEVEL SECURITY;
CREATE POLICY time_off_requests_own ON time_off_requests USING (clinic_id = app_clinic_id()) WITH CHECK (clinic_id = app_clinic_id());
