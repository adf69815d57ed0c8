-- Scheduling and booking: services, rooms, doctors' schedules, exceptions, imported busy blocks,
-- appointments (holds included) with their status history, flexible-schedule requests, API keys and
-- idempotent API requests.
--
-- Every table belongs to a clinic: `clinic_id` leads its primary key and indexes, row-level security
-- is enabled and FORCED, and references to other clinic rows are composite (clinic_id, id) so a row
-- can never point into another clinic.
--
-- No double booking by construction: a hold is an appointment row in status `held`, so one pair of
-- exclusion constraints covers holds and appointments alike, and confirming a hold is an UPDATE of
-- the same row (nothing can slip in between). `blocked_from`/`blocked_to` are the visit widened by
-- the service's buffers; the constraints compare those. An expired hold is released by a trigger
-- before any row that overlaps it is written, so it never blocks anyone, even before the sweeper.

CREATE TYPE room_type AS ENUM ('consultation', 'therapy', 'private', 'equipment');
CREATE TYPE service_visibility AS ENUM ('active', 'inactive', 'seasonal', 'internal_only');
CREATE TYPE deposit_kind AS ENUM ('none', 'fixed', 'percent');
CREATE TYPE discount_kind AS ENUM ('seasonal', 'weekday', 'off_peak');
CREATE TYPE schedule_exception_kind AS ENUM ('closure', 'time_off', 'extra_hours');
CREATE TYPE appointment_status AS ENUM (
  'held', 'hold_expired', 'hold_released',
  'requested', 'confirmed', 'checked_in', 'in_consultation', 'completed',
  'cancelled', 'declined', 'no_show', 'rescheduled');
CREATE TYPE payment_status AS ENUM ('none', 'card_saved', 'authorized', 'captured', 'released', 'refunded', 'failed', 'waived');
CREATE TYPE cancellation_reason AS ENUM ('patient_request', 'staff_unavailable', 'illness', 'duplicate', 'no_show', 'closure');
CREATE TYPE booking_channel AS ENUM ('clinic_site', 'marketplace', 'staff', 'api');
CREATE TYPE flexible_request_status AS ENUM ('open', 'proposed', 'offered', 'accepted', 'declined', 'cancelled', 'expired');

-- A clinic's record of a patient: the link that lets a clinic list its own patients under RLS
-- (patient_accounts itself is platform-level, see docs/decisions/004).
-- The names are the clinic's own record (what its desk or software typed); they never overwrite the
-- name the patient gave their account, and the account's name is not shown in their place.
CREATE TABLE clinic_patients (
  clinic_id uuid NOT NULL REFERENCES clinics (id) ON DELETE CASCADE,
  patient_account_id uuid NOT NULL REFERENCES patient_accounts (id) ON DELETE CASCADE,
  first_name text,
  last_name text,
  email text,
  first_seen_at timestamptz(3) NOT NULL DEFAULT now(),
  PRIMARY KEY (clinic_id, patient_account_id)
);

CREATE TABLE service_categories (
  clinic_id uuid NOT NULL REFERENCES clinics (id) ON DELETE CASCADE,
  id uuid NOT NULL DEFAULT gen_random_uuid(),
  key text NOT NULL,
  name text NOT NULL,
  position integer NOT NULL DEFAULT 0,
  PRIMARY KEY (clinic_id, id),
  UNIQUE (clinic_id, key)
);

CREATE TABLE rooms (
  clinic_id uuid NOT NULL,
  id uuid NOT NULL DEFAULT gen_random_uuid(),
  location_id uuid NOT NULL,
  key text NOT NULL,
  name text NOT NULL,
  type room_type NOT NULL,
  active boolean NOT NULL DEFAULT true,
  PRIMARY KEY (clinic_id, id),
  UNIQUE (clinic_id, key),
  FOREIGN KEY (clinic_id, location_id) REFERENCES locations (clinic_id, id) ON DELETE CASCADE
);
CREATE INDEX rooms_clinic_id_location_id_idx ON rooms (clinic_id, location_id);

CREATE TABLE services (
  clinic_id uuid NOT NULL REFERENCES clinics (id) ON DELETE CASCADE,
  id uuid NOT NULL DEFAULT gen_random_uuid(),
  key text NOT NULL,
  category_id uuid,
  name text NOT NULL,
  description text,
  specialty text,
  duration_min integer NOT NULL,
  -- Prices in the clinic currency's minor units (cents, tiyin); the currency is the clinic's.
  price_minor integer NOT NULL,
  deposit_kind deposit_kind NOT NULL DEFAULT 'none',
  -- Minor units for a fixed deposit, whole percent of the discounted price for a percent deposit.
  deposit_value integer NOT NULL DEFAULT 0,
  buffer_before_min integer NOT NULL DEFAULT 0,
  buffer_after_min integer NOT NULL DEFAULT 0,
  -- Starts fall on this grid, counted in local wall time from midnight.
  start_grid_min integer NOT NULL DEFAULT 15,
  room_type room_type,
  min_notice_min integer NOT NULL DEFAULT 120,
  horizon_days integer NOT NULL DEFAULT 60,
  cancellation_window_min integer NOT NULL DEFAULT 2880,
  requires_approval boolean NOT NULL DEFAULT false,
  visibility service_visibility NOT NULL DEFAULT 'active',
  -- A seasonal service is offered only between these local dates (inclusive).
  season_from date,
  season_to date,
  preparation_notes text,
  position integer NOT NULL DEFAULT 0,
  created_at timestamptz(3) NOT NULL DEFAULT now(),
  updated_at timestamptz(3) NOT NULL DEFAULT now(),
  PRIMARY KEY (clinic_id, id),
  UNIQUE (clinic_id, key),
  FOREIGN KEY (clinic_id, category_id) REFERENCES service_categories (clinic_id, id) ON DELETE SET NULL (category_id),
  CONSTRAINT services_duration CHECK (duration_min BETWEEN 5 AND 720),
  CONSTRAINT services_price CHECK (price_minor >= 0),
  CONSTRAINT services_deposit CHECK (
    (deposit_kind = 'none' AND deposit_value = 0) OR
    (deposit_kind = 'fixed' AND deposit_value > 0) OR
    (deposit_kind = 'percent' AND deposit_value BETWEEN 1 AND 100)),
  CONSTRAINT services_buffers CHECK (buffer_before_min BETWEEN 0 AND 240 AND buffer_after_min BETWEEN 0 AND 240),
  CONSTRAINT services_grid CHECK (start_grid_min BETWEEN 5 AND 240),
  CONSTRAINT services_notice CHECK (min_notice_min BETWEEN 0 AND 43200),
  CONSTRAINT services_horizon CHECK (horizon_days BETWEEN 1 AND 730),
  CONSTRAINT services_cancellation_window CHECK (cancellation_window_min BETWEEN 0 AND 43200),
  CONSTRAINT services_season CHECK (
    (visibility = 'seasonal') = (season_from IS NOT NULL AND season_to IS NOT NULL)),
  CONSTRAINT services_season_order CHECK (season_from IS NULL OR season_to IS NULL OR season_from <= season_to)
);

-- Seasonal, weekday and off-peak (workload) discounts; the price module picks the best that applies.
CREATE TABLE service_discounts (
  clinic_id uuid NOT NULL,
  id uuid NOT NULL DEFAULT gen_random_uuid(),
  service_id uuid NOT NULL,
  kind discount_kind NOT NULL,
  label text NOT NULL,
  percent integer NOT NULL,
  starts_on date,
  ends_on date,
  -- ISO weekdays 1 (Monday) … 7 (Sunday).
  weekdays smallint[] NOT NULL DEFAULT '{}',
  from_minute integer,
  to_minute integer,
  PRIMARY KEY (clinic_id, id),
  FOREIGN KEY (clinic_id, service_id) REFERENCES services (clinic_id, id) ON DELETE CASCADE,
  CONSTRAINT service_discounts_percent CHECK (percent BETWEEN 1 AND 90),
  CONSTRAINT service_discounts_shape CHECK (
    (kind = 'seasonal' AND starts_on IS NOT NULL AND ends_on IS NOT NULL AND starts_on <= ends_on) OR
    (kind = 'weekday' AND cardinality(weekdays) > 0 AND weekdays <@ '{1,2,3,4,5,6,7}'::smallint[]) OR
    (kind = 'off_peak' AND from_minute IS NOT NULL AND to_minute IS NOT NULL
      AND from_minute >= 0 AND to_minute <= 1440 AND from_minute < to_minute))
);
CREATE INDEX service_discounts_clinic_id_service_id_idx ON service_discounts (clinic_id, service_id);

-- A doctor is a clinic membership with the doctor role; these name where they work and what they do.
CREATE TABLE doctor_locations (
  clinic_id uuid NOT NULL,
  doctor_id uuid NOT NULL,
  location_id uuid NOT NULL,
  PRIMARY KEY (clinic_id, doctor_id, location_id),
  FOREIGN KEY (clinic_id, doctor_id) REFERENCES clinic_memberships (clinic_id, id) ON DELETE CASCADE,
  FOREIGN KEY (clinic_id, location_id) REFERENCES locations (clinic_id, id) ON DELETE CASCADE
);

CREATE TABLE service_doctors (
  clinic_id uuid NOT NULL,
  service_id uuid NOT NULL,
  doctor_id uuid NOT NULL,
  PRIMARY KEY (clinic_id, service_id, doctor_id),
  FOREIGN KEY (clinic_id, service_id) REFERENCES services (clinic_id, id) ON DELETE CASCADE,
  FOREIGN KEY (clinic_id, doctor_id) REFERENCES clinic_memberships (clinic_id, id) ON DELETE CASCADE
);
CREATE INDEX service_doctors_clinic_id_doctor_id_idx ON service_doctors (clinic_id, doctor_id);

CREATE TABLE service_locations (
  clinic_id uuid NOT NULL,
  service_id uuid NOT NULL,
  location_id uuid NOT NULL,
  PRIMARY KEY (clinic_id, service_id, location_id),
  FOREIGN KEY (clinic_id, service_id) REFERENCES services (clinic_id, id) ON DELETE CASCADE,
  FOREIGN KEY (clinic_id, location_id) REFERENCES locations (clinic_id, id) ON DELETE CASCADE
);

-- Weekly working hours of a doctor at a location, in the clinic's local wall time (minutes from
-- local midnight), with breaks and an effective local-date range.
CREATE TABLE availability_rules (
  clinic_id uuid NOT NULL,
  id uuid NOT NULL DEFAULT gen_random_uuid(),
  doctor_id uuid NOT NULL,
  location_id uuid NOT NULL,
  -- ISO weekday 1 (Monday) … 7 (Sunday).
  weekday smallint NOT NULL,
  start_minute integer NOT NULL,
  end_minute integer NOT NULL,
  -- [{"start":"12:30","end":"13:15"}] in local wall time, inside [start, end).
  breaks jsonb NOT NULL DEFAULT '[]',
  effective_from date,
  effective_to date,
  created_at timestamptz(3) NOT NULL DEFAULT now(),
  PRIMARY KEY (clinic_id, id),
  FOREIGN KEY (clinic_id, doctor_id) REFERENCES clinic_memberships (clinic_id, id) ON DELETE CASCADE,
  FOREIGN KEY (clinic_id, location_id) REFERENCES locations (clinic_id, id) ON DELETE CASCADE,
  CONSTRAINT availability_rules_weekday CHECK (weekday BETWEEN 1 AND 7),
  CONSTRAINT availability_rules_times CHECK (start_minute >= 0 AND end_minute <= 1440 AND start_minute < end_minute),
  CONSTRAINT availability_rules_effective CHECK (effective_from IS NULL OR effective_to IS NULL OR effective_from <= effective_to),
  CONSTRAINT availability_rules_breaks CHECK (jsonb_typeof(breaks) = 'array')
);
CREATE INDEX availability_rules_clinic_id_doctor_id_idx ON availability_rules (clinic_id, doctor_id);

-- Clinic closures (a location, or the whole clinic when location_id is NULL), a doctor's time off,
-- and a doctor's extra hours at a location. Instants, so a holiday is stored as the local day's span.
CREATE TABLE schedule_exceptions (
  clinic_id uuid NOT NULL REFERENCES clinics (id) ON DELETE CASCADE,
  id uuid NOT NULL DEFAULT gen_random_uuid(),
  kind schedule_exception_kind NOT NULL,
  doctor_id uuid,
  location_id uuid,
  starts_at timestamptz(3) NOT NULL,
  ends_at timestamptz(3) NOT NULL,
  reason text,
  created_at timestamptz(3) NOT NULL DEFAULT now(),
  PRIMARY KEY (clinic_id, id),
  FOREIGN KEY (clinic_id, doctor_id) REFERENCES clinic_memberships (clinic_id, id) ON DELETE CASCADE,
  FOREIGN KEY (clinic_id, location_id) REFERENCES locations (clinic_id, id) ON DELETE CASCADE,
  CONSTRAINT schedule_exceptions_order CHECK (starts_at < ends_at),
  CONSTRAINT schedule_exceptions_shape CHECK (
    (kind = 'closure' AND doctor_id IS NULL) OR
    (kind = 'time_off' AND doctor_id IS NOT NULL AND location_id IS NULL) OR
    (kind = 'extra_hours' AND doctor_id IS NOT NULL AND location_id IS NOT NULL))
);
CREATE INDEX schedule_exceptions_clinic_id_ends_at_idx ON schedule_exceptions (clinic_id, ends_at, starts_at);

-- Busy time imported from the clinic's own software: blocks a doctor or a room, never both missing.
CREATE TABLE busy_blocks (
  clinic_id uuid NOT NULL REFERENCES clinics (id) ON DELETE CASCADE,
  id uuid NOT NULL DEFAULT gen_random_uuid(),
  doctor_id uuid,
  room_id uuid,
  starts_at timestamptz(3) NOT NULL,
  ends_at timestamptz(3) NOT NULL,
  source text NOT NULL DEFAULT 'api',
  external_ref text,
  note text,
  created_at timestamptz(3) NOT NULL DEFAULT now(),
  PRIMARY KEY (clinic_id, id),
  UNIQUE (clinic_id, source, external_ref),
  FOREIGN KEY (clinic_id, doctor_id) REFERENCES clinic_memberships (clinic_id, id) ON DELETE CASCADE,
  FOREIGN KEY (clinic_id, room_id) REFERENCES rooms (clinic_id, id) ON DELETE CASCADE,
  CONSTRAINT busy_blocks_order CHECK (starts_at < ends_at),
  CONSTRAINT busy_blocks_target CHECK (doctor_id IS NOT NULL OR room_id IS NOT NULL)
);
CREATE INDEX busy_blocks_clinic_id_ends_at_idx ON busy_blocks (clinic_id, ends_at, starts_at);

CREATE TABLE appointments (
  clinic_id uuid NOT NULL REFERENCES clinics (id) ON DELETE CASCADE,
  id uuid NOT NULL DEFAULT gen_random_uuid(),
  service_id uuid NOT NULL,
  doctor_id uuid NOT NULL,
  -- The person behind doctor_id, filled in by a trigger: one person may work at several clinics.
  staff_user_id uuid REFERENCES staff_users (id) ON DELETE RESTRICT,
  location_id uuid NOT NULL,
  room_id uuid,
  -- Who the visit is for: the account holder, or one of their dependents. NULL only while held.
  patient_account_id uuid,
  dependent_id uuid REFERENCES dependents (id) ON DELETE RESTRICT,
  status appointment_status NOT NULL,
  starts_at timestamptz(3) NOT NULL,
  ends_at timestamptz(3) NOT NULL,
  -- The visit widened by the service's buffers at booking time: what the constraints compare.
  blocked_from timestamptz(3) NOT NULL,
  blocked_to timestamptz(3) NOT NULL,
  hold_expires_at timestamptz(3),
  -- Whoever placed the hold (a session, an API key, a staff member) must be the one to confirm it.
  held_by text,
  channel booking_channel NOT NULL,
  payment_status payment_status NOT NULL DEFAULT 'none',
  price_minor integer NOT NULL DEFAULT 0,
  deposit_minor integer NOT NULL DEFAULT 0,
  currency text NOT NULL,
  -- Copied from the service at booking, so a later policy change does not move a booked deadline.
  cancellation_window_min integer NOT NULL,
  patient_note text,
  cancellation_reason cancellation_reason,
  cancellation_note text,
  cancelled_by text,
  cancelled_at timestamptz(3),
  rescheduled_to_id uuid,
  rescheduled_from_id uuid,
  external_ref text,
  created_by text,
  created_at timestamptz(3) NOT NULL DEFAULT now(),
  updated_at timestamptz(3) NOT NULL DEFAULT now(),
  PRIMARY KEY (clinic_id, id),
  FOREIGN KEY (clinic_id, service_id) REFERENCES services (clinic_id, id) ON DELETE RESTRICT,
  FOREIGN KEY (clinic_id, doctor_id) REFERENCES clinic_memberships (clinic_id, id) ON DELETE RESTRICT,
  FOREIGN KEY (clinic_id, location_id) REFERENCES locations (clinic_id, id) ON DELETE RESTRICT,
  FOREIGN KEY (clinic_id, room_id) REFERENCES rooms (clinic_id, id) ON DELETE RESTRICT,
  FOREIGN KEY (clinic_id, patient_account_id) REFERENCES clinic_patients (clinic_id, patient_account_id) ON DELETE RESTRICT,
  FOREIGN KEY (clinic_id, rescheduled_to_id) REFERENCES appointments (clinic_id, id) ON DELETE SET NULL (rescheduled_to_id),
  FOREIGN KEY (clinic_id, rescheduled_from_id) REFERENCES appointments (clinic_id, id) ON DELETE SET NULL (rescheduled_from_id),
  CONSTRAINT appointments_order CHECK (starts_at < ends_at),
  CONSTRAINT appointments_blocked CHECK (blocked_from <= starts_at AND blocked_to >= ends_at),
  CONSTRAINT appointments_hold CHECK ((status = 'held') = (hold_expires_at IS NOT NULL)),
  CONSTRAINT appointments_patient CHECK (status IN ('held', 'hold_expired', 'hold_released') OR patient_account_id IS NOT NULL),
  CONSTRAINT appointments_dependent CHECK (dependent_id IS NULL OR patient_account_id IS NOT NULL),
  CONSTRAINT appointments_cancellation CHECK ((status = 'cancelled') = (cancellation_reason IS NOT NULL AND cancelled_at IS NOT NULL)),
  CONSTRAINT appointments_money CHECK (price_minor >= 0 AND deposit_minor >= 0 AND deposit_minor <= price_minor),
  -- The two rules that make double booking impossible: no two active rows overlap for one doctor,
  -- nor for one room, buffers included. Half-open ranges, so back-to-back visits are fine.
  CONSTRAINT appointments_no_doctor_overlap EXCLUDE USING gist (
    clinic_id WITH =, doctor_id WITH =, tstzrange(blocked_from, blocked_to, '[)') WITH &&)
    WHERE (status IN ('held', 'requested', 'confirmed', 'checked_in', 'in_consultation', 'completed')),
  CONSTRAINT appointments_no_room_overlap EXCLUDE USING gist (
    clinic_id WITH =, room_id WITH =, tstzrange(blocked_from, blocked_to, '[)') WITH &&)
    WHERE (room_id IS NOT NULL AND status IN ('held', 'requested', 'confirmed', 'checked_in', 'in_consultation', 'completed')),
  -- A person who works at two clinics cannot be booked at both at once. Across clinics on purpose
  -- (a refusal reveals only "taken"); holds are left out so one clinic's expired hold, which only
  -- that clinic can release, never blocks another.
  CONSTRAINT appointments_no_person_overlap EXCLUDE USING gist (
    staff_user_id WITH =, tstzrange(blocked_from, blocked_to, '[)') WITH &&)
    WHERE (staff_user_id IS NOT NULL AND status IN ('requested', 'confirmed', 'checked_in', 'in_consultation', 'completed'))
);

CREATE FUNCTION appointments_fill_staff_user() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  SELECT m.staff_user_id INTO NEW.staff_user_id FROM clinic_memberships m WHERE m.clinic_id = NEW.clinic_id AND m.id = NEW.doctor_id;
  RETURN NEW;
END $$;
CREATE TRIGGER appointments_fill_staff_user BEFORE INSERT OR UPDATE OF doctor_id ON appointments
  FOR EACH ROW EXECUTE FUNCTION appointments_fill_staff_user();
-- The slot loader and calendars read a window of a clinic's time; lists read by start.
CREATE INDEX appointments_clinic_id_starts_at_idx ON appointments (clinic_id, starts_at);
CREATE INDEX appointments_clinic_id_patient_account_id_idx ON appointments (clinic_id, patient_account_id, starts_at);
CREATE INDEX appointments_held_expiry_idx ON appointments (clinic_id, hold_expires_at) WHERE status = 'held';
CREATE UNIQUE INDEX appointments_external_ref_key ON appointments (clinic_id, external_ref) WHERE external_ref IS NOT NULL;

-- Releases expired holds that overlap a row about to become active, in the writer's transaction:
-- an expired hold never blocks anyone, whether or not the sweeper has run. Each release is
-- announced on the outbox like the sweeper's.
CREATE FUNCTION appointments_release_expired_holds() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  released record;
BEGIN
  IF NEW.status NOT IN ('held', 'requested', 'confirmed', 'checked_in', 'in_consultation', 'completed') THEN
    RETURN NEW;
  END IF;
  -- clock_timestamp(), not now(): a request that waited on a lock must see holds that expired meanwhile.
  -- Dynamic SQL on purpose: a plan cached while the table was small (a seq scan) would stay with
  -- the connection and make every later insert scan the whole table.
  FOR released IN EXECUTE
    'UPDATE appointments a
        SET status = ''hold_expired'', hold_expires_at = NULL, updated_at = now()
      WHERE a.clinic_id = $1 AND a.status = ''held'' AND a.hold_expires_at <= clock_timestamp() AND a.id <> $2
        AND (a.doctor_id = $3 OR ($4 IS NOT NULL AND a.room_id = $4))
        AND tstzrange(a.blocked_from, a.blocked_to, ''[)'') && tstzrange($5, $6, ''[)'')
      RETURNING a.id, a.doctor_id, a.service_id, a.starts_at, a.ends_at'
    USING NEW.clinic_id, NEW.id, NEW.doctor_id, NEW.room_id, NEW.blocked_from, NEW.blocked_to
  LOOP
    INSERT INTO appointment_status_history (clinic_id, appointment_id, from_status, to_status, actor_type, reason)
    VALUES (NEW.clinic_id, released.id, 'held', 'hold_expired', 'system', 'released for an overlapping booking');
    INSERT INTO outbox_events (clinic_id, name, data)
    VALUES (NEW.clinic_id, 'hold.expired', jsonb_build_object(
      'clinicId', NEW.clinic_id, 'holdId', released.id, 'doctorId', released.doctor_id, 'serviceId', released.service_id,
      'start', to_char(released.starts_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'),
      'end', to_char(released.ends_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')));
  END LOOP;
  RETURN NEW;
END $$;
CREATE TRIGGER appointments_release_expired_holds_insert BEFORE INSERT ON appointments
  FOR EACH ROW EXECUTE FUNCTION appointments_release_expired_holds();
CREATE TRIGGER appointments_release_expired_holds_update BEFORE UPDATE OF status, starts_at, ends_at, blocked_from, blocked_to, doctor_id, room_id ON appointments
  FOR EACH ROW WHEN (OLD.status IS DISTINCT FROM NEW.status OR OLD.blocked_from IS DISTINCT FROM NEW.blocked_from
    OR OLD.blocked_to IS DISTINCT FROM NEW.blocked_to OR OLD.doctor_id IS DISTINCT FROM NEW.doctor_id
    OR OLD.room_id IS DISTINCT FROM NEW.room_id)
  EXECUTE FUNCTION appointments_release_expired_holds();

-- Who moved an appointment from which status to which, when and why. Append-only.
CREATE TABLE appointment_status_history (
  clinic_id uuid NOT NULL,
  id bigint GENERATED ALWAYS AS IDENTITY,
  appointment_id uuid NOT NULL,
  from_status appointment_status,
  to_status appointment_status NOT NULL,
  actor_type text NOT NULL,
  actor_id text,
  reason text,
  occurred_at timestamptz(3) NOT NULL DEFAULT now(),
  PRIMARY KEY (clinic_id, id),
  FOREIGN KEY (clinic_id, appointment_id) REFERENCES appointments (clinic_id, id) ON DELETE CASCADE,
  CONSTRAINT appointment_status_history_actor CHECK (actor_type IN ('patient', 'staff', 'api', 'system'))
);
CREATE INDEX appointment_status_history_appointment_idx ON appointment_status_history (clinic_id, appointment_id, occurred_at);
CREATE FUNCTION appointment_status_history_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  -- Deleting a whole clinic cascades; anything else is refused.
  IF TG_OP = 'DELETE' AND NOT EXISTS (SELECT 1 FROM appointments WHERE clinic_id = OLD.clinic_id AND id = OLD.appointment_id) THEN
    RETURN OLD;
  END IF;
  RAISE EXCEPTION 'appointment_status_history is append-only' USING ERRCODE = 'insufficient_privilege';
END $$;
CREATE TRIGGER appointment_status_history_no_update_delete BEFORE UPDATE OR DELETE ON appointment_status_history
  FOR EACH ROW EXECUTE FUNCTION appointment_status_history_append_only();

-- "Nothing fits": a patient's standing request for a time; staff propose one, or a freed slot is
-- offered automatically (an offer expires).
CREATE TABLE flexible_requests (
  clinic_id uuid NOT NULL,
  id uuid NOT NULL DEFAULT gen_random_uuid(),
  patient_account_id uuid NOT NULL,
  dependent_id uuid REFERENCES dependents (id) ON DELETE CASCADE,
  service_id uuid NOT NULL,
  doctor_id uuid,
  location_id uuid,
  -- ISO weekdays the patient can come; empty means any day.
  preferred_weekdays smallint[] NOT NULL DEFAULT '{}',
  -- Local wall-time window in minutes from midnight; NULL means any time of day.
  preferred_from_minute integer,
  preferred_to_minute integer,
  earliest_date date,
  latest_date date,
  note text,
  status flexible_request_status NOT NULL DEFAULT 'open',
  proposed_start timestamptz(3),
  proposed_doctor_id uuid,
  proposed_location_id uuid,
  proposed_by text,
  proposal_expires_at timestamptz(3),
  appointment_id uuid,
  created_at timestamptz(3) NOT NULL DEFAULT now(),
  updated_at timestamptz(3) NOT NULL DEFAULT now(),
  PRIMARY KEY (clinic_id, id),
  FOREIGN KEY (clinic_id, patient_account_id) REFERENCES clinic_patients (clinic_id, patient_account_id) ON DELETE CASCADE,
  FOREIGN KEY (clinic_id, service_id) REFERENCES services (clinic_id, id) ON DELETE CASCADE,
  FOREIGN KEY (clinic_id, doctor_id) REFERENCES clinic_memberships (clinic_id, id) ON DELETE SET NULL (doctor_id),
  FOREIGN KEY (clinic_id, location_id) REFERENCES locations (clinic_id, id) ON DELETE SET NULL (location_id),
  FOREIGN KEY (clinic_id, proposed_doctor_id) REFERENCES clinic_memberships (clinic_id, id) ON DELETE SET NULL (proposed_doctor_id),
  FOREIGN KEY (clinic_id, proposed_location_id) REFERENCES locations (clinic_id, id) ON DELETE SET NULL (proposed_location_id),
  FOREIGN KEY (clinic_id, appointment_id) REFERENCES appointments (clinic_id, id) ON DELETE SET NULL (appointment_id),
  CONSTRAINT flexible_requests_weekdays CHECK (preferred_weekdays <@ '{1,2,3,4,5,6,7}'::smallint[]),
  CONSTRAINT flexible_requests_times CHECK (
    (preferred_from_minute IS NULL AND preferred_to_minute IS NULL) OR
    (preferred_from_minute >= 0 AND preferred_to_minute <= 1440 AND preferred_from_minute < preferred_to_minute)),
  CONSTRAINT flexible_requests_dates CHECK (earliest_date IS NULL OR latest_date IS NULL OR earliest_date <= latest_date),
  CONSTRAINT flexible_requests_proposal CHECK (
    status NOT IN ('proposed', 'offered')
    OR (proposed_start IS NOT NULL AND proposed_doctor_id IS NOT NULL AND proposed_location_id IS NOT NULL AND proposal_expires_at IS NOT NULL)),
  CONSTRAINT flexible_requests_accepted CHECK ((status = 'accepted') = (appointment_id IS NOT NULL))
);
CREATE INDEX flexible_requests_clinic_id_status_idx ON flexible_requests (clinic_id, status, created_at);
CREATE INDEX flexible_requests_clinic_id_patient_idx ON flexible_requests (clinic_id, patient_account_id);

-- Keys for the clinic's own software. Only the SHA-256 of the key is stored; the prefix is shown in
-- lists so people can tell keys apart.
CREATE TABLE api_keys (
  clinic_id uuid NOT NULL REFERENCES clinics (id) ON DELETE CASCADE,
  id uuid NOT NULL DEFAULT gen_random_uuid(),
  name text NOT NULL,
  key_hash text NOT NULL,
  prefix text NOT NULL,
  created_by text,
  created_at timestamptz(3) NOT NULL DEFAULT now(),
  last_used_at timestamptz(3),
  revoked_at timestamptz(3),
  PRIMARY KEY (clinic_id, id),
  CONSTRAINT api_keys_name CHECK (length(name) BETWEEN 1 AND 80)
);
CREATE UNIQUE INDEX api_keys_key_hash_key ON api_keys (key_hash);
CREATE INDEX api_keys_clinic_id_idx ON api_keys (clinic_id, created_at);

-- A POST's answer kept for 24 hours under its Idempotency-Key, per key holder. The row is written in
-- the same transaction as the change, so a retry sees either both or neither.
CREATE TABLE idempotent_requests (
  clinic_id uuid NOT NULL REFERENCES clinics (id) ON DELETE CASCADE,
  caller text NOT NULL,
  key text NOT NULL,
  method text NOT NULL,
  path text NOT NULL,
  request_hash text NOT NULL,
  response_status integer NOT NULL,
  response_body jsonb NOT NULL,
  created_at timestamptz(3) NOT NULL DEFAULT now(),
  PRIMARY KEY (clinic_id, caller, key),
  CONSTRAINT idempotent_requests_key CHECK (length(key) BETWEEN 1 AND 255)
);
CREATE INDEX idempotent_requests_created_at_idx ON idempotent_requests (clinic_id, created_at);

-- Everything the slot engine needs for one service and window, as one JSON document (see
-- app/modules/scheduling/schedule-data.server.ts). A plpgsql function so each connection plans it
-- once: planning this query costs more than running it. SECURITY INVOKER: RLS applies as usual.
CREATE FUNCTION schedule_data(p_clinic uuid, p_service uuid, p_practitioner uuid, p_location uuid,
                              p_from timestamptz, p_to timestamptz, p_now timestamptz)
RETURNS json LANGUAGE plpgsql STABLE AS $fn$
DECLARE
  result json;
BEGIN
  WITH svc AS (
    SELECT s.id, s.name, s.duration_min, s.buffer_before_min, s.buffer_after_min, s.start_grid_min, s.room_type::text AS room_type,
           s.min_notice_min, s.horizon_days, s.visibility::text AS visibility, s.season_from::text AS season_from,
           s.season_to::text AS season_to, s.requires_approval, s.price_minor, s.deposit_kind::text AS deposit_kind,
           s.deposit_value, s.cancellation_window_min
      FROM services s WHERE s.clinic_id = p_clinic AND s.id = p_service
  ),
  docs AS (
    SELECT m.id FROM service_doctors sd
      JOIN clinic_memberships m ON m.clinic_id = sd.clinic_id AND m.id = sd.doctor_id
     WHERE sd.clinic_id = p_clinic AND sd.service_id = p_service
       AND m.role = 'doctor' AND m.active AND m.work_status = 'active'
       AND (p_practitioner IS NULL OR m.id = p_practitioner)
  ),
  locs AS (
    SELECT l.id, l.opening_hours FROM locations l
     WHERE l.clinic_id = p_clinic AND (p_location IS NULL OR l.id = p_location)
       AND (NOT EXISTS (SELECT 1 FROM service_locations sl WHERE sl.clinic_id = p_clinic AND sl.service_id = p_service)
            OR EXISTS (SELECT 1 FROM service_locations sl
                        WHERE sl.clinic_id = p_clinic AND sl.service_id = p_service AND sl.location_id = l.id))
  ),
  rms AS (
    SELECT r.id, r.location_id, r.type::text AS type FROM rooms r, svc
     WHERE r.clinic_id = p_clinic AND r.active AND svc.room_type IS NOT NULL AND r.type::text = svc.room_type
       AND r.location_id IN (SELECT id FROM locs)
  ),
  win AS (
    SELECT greatest(p_from, p_now + make_interval(mins => svc.min_notice_min))
             - make_interval(mins => svc.buffer_before_min + svc.duration_min + svc.buffer_after_min) AS lo,
           least(p_to, p_now + make_interval(days => svc.horizon_days))
             + make_interval(mins => svc.buffer_before_min + svc.duration_min + svc.buffer_after_min) AS hi
      FROM svc
  ),
  -- date_part, not extract: extract returns numeric, whose arithmetic dominated this query.
  busy AS (
    SELECT a.doctor_id, a.room_id,
           floor(date_part('epoch', a.blocked_from) / 60)::bigint AS f, ceil(date_part('epoch', a.blocked_to) / 60)::bigint AS t
      FROM appointments a, win
     WHERE a.clinic_id = p_clinic
       -- Constant bounds the index can use (a visit lasts at most 12 hours plus buffers), then the
       -- exact window.
       AND a.starts_at >= p_from - interval '1 day' AND a.starts_at < p_to + interval '1 day'
       AND a.blocked_from < win.hi AND a.blocked_to > win.lo
       AND a.status IN ('held', 'requested', 'confirmed', 'checked_in', 'in_consultation', 'completed')
       AND NOT (a.status = 'held' AND a.hold_expires_at <= p_now)
       AND (a.doctor_id IN (SELECT id FROM docs) OR a.room_id IN (SELECT id FROM rms))
    UNION ALL
    SELECT bb.doctor_id, bb.room_id, floor(date_part('epoch', bb.starts_at) / 60)::bigint, ceil(date_part('epoch', bb.ends_at) / 60)::bigint
      FROM busy_blocks bb, win
     WHERE bb.clinic_id = p_clinic AND bb.ends_at > win.lo AND bb.starts_at < win.hi
       AND (bb.doctor_id IN (SELECT id FROM docs) OR bb.room_id IN (SELECT id FROM rms))
  )
  SELECT json_build_object(
    'service', (SELECT row_to_json(svc) FROM svc),
    'doctors', (SELECT coalesce(json_agg(id ORDER BY id), '[]') FROM docs),
    'locations', (SELECT coalesce(json_agg(json_build_object('id', id, 'openingHours', opening_hours)), '[]') FROM locs),
    'rooms', (SELECT coalesce(json_agg(row_to_json(rms)), '[]') FROM rms),
    'rules', (SELECT coalesce(json_agg(json_build_array(r.doctor_id, r.location_id, r.weekday, r.start_minute, r.end_minute, r.breaks,
                                               r.effective_from::text, r.effective_to::text)), '[]')
       FROM availability_rules r
      WHERE r.clinic_id = p_clinic AND r.doctor_id IN (SELECT id FROM docs) AND r.location_id IN (SELECT id FROM locs)),
    'exceptions', (SELECT coalesce(json_agg(json_build_array(e.kind, e.doctor_id, e.location_id,
                                               (date_part('epoch', e.starts_at) * 1000)::bigint, (date_part('epoch', e.ends_at) * 1000)::bigint)), '[]')
       FROM schedule_exceptions e, win
      WHERE e.clinic_id = p_clinic AND e.ends_at > win.lo AND e.starts_at < win.hi
        AND (e.doctor_id IS NULL OR e.doctor_id IN (SELECT id FROM docs))),
    -- Busy time as one line of "from to" minute pairs per doctor and per room: thousands of
    -- appointments travel as a few compact strings instead of thousands of JSON objects.
    'busy', (SELECT coalesce(json_agg(json_build_array(g.kind, g.id, g.spans)), '[]') FROM (
       SELECT 'd' AS kind, b.doctor_id AS id, string_agg(b.f || ' ' || b.t, ' ') AS spans FROM busy b
        WHERE b.doctor_id IN (SELECT id FROM docs) GROUP BY b.doctor_id
       UNION ALL
       SELECT 'r', b.room_id, string_agg(b.f || ' ' || b.t, ' ') FROM busy b
        WHERE b.room_id IN (SELECT id FROM rms) GROUP BY b.room_id
    ) g)
  ) INTO result;
  RETURN result;
END $fn$;

-- Row-level security ----------------------------------------------------------------------------

DO $$
DECLARE
  t text;
BEGIN
  FOREACH t IN ARRAY ARRAY['clinic_patients', 'service_categories', 'rooms', 'services', 'service_discounts',
    'doctor_locations', 'service_doctors', 'service_locations', 'availability_rules', 'schedule_exceptions',
    'busy_blocks', 'appointments', 'appointment_status_history', 'flexible_requests', 'api_keys', 'idempotent_requests']
  LOOP
    EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t);
    EXECUTE format('ALTER TABLE %I FORCE ROW LEVEL SECURITY', t);
    EXECUTE format('CREATE POLICY %I ON %I USING (clinic_id = app_clinic_id()) WITH CHECK (clinic_id = app_clinic_id())', t || '_own', t);
  END LOOP;
END $$;

-- The published catalog (marketplace) reads only what a clinic offers publicly; the catalog module
-- selects only published columns.
CREATE POLICY services_catalog ON services FOR SELECT USING (app_is_system() AND visibility IN ('active', 'seasonal'));
CREATE POLICY service_categories_catalog ON service_categories FOR SELECT USING (app_is_system());
CREATE POLICY service_discounts_catalog ON service_discounts FOR SELECT USING (app_is_system());
CREATE POLICY service_locations_catalog ON service_locations FOR SELECT USING (app_is_system());
CREATE POLICY service_doctors_catalog ON service_doctors FOR SELECT USING (app_is_system());
