-- Foundation: clinics, locations, staff, patients, sessions, sign-in codes, audit log, outbox.
-- Row-level security is enabled and FORCED on every table that belongs to a clinic. The runtime
-- role sets `app.clinic_id` per transaction (utils/db.server.ts); `app.scope = 'system'` opens
-- only the named cross-clinic reads (host resolution, published catalog, outbox relay).

CREATE EXTENSION IF NOT EXISTS btree_gist;
CREATE EXTENSION IF NOT EXISTS pg_trgm;

-- The clinic of the current transaction, or NULL (marketplace / admin host).
CREATE FUNCTION app_clinic_id() RETURNS uuid LANGUAGE sql STABLE AS $$
  SELECT nullif(current_setting('app.clinic_id', true), '')::uuid
$$;

CREATE FUNCTION app_is_system() RETURNS boolean LANGUAGE sql STABLE AS $$
  SELECT coalesce(current_setting('app.scope', true), '') = 'system'
$$;

CREATE TYPE clinic_status AS ENUM ('draft', 'live', 'suspended');
CREATE TYPE staff_role AS ENUM ('owner', 'secretary', 'doctor');
CREATE TYPE doctor_work_status AS ENUM ('active', 'on_leave', 'inactive');
CREATE TYPE dependent_relationship AS ENUM ('spouse', 'child', 'parent', 'sibling', 'other');
CREATE TYPE session_subject AS ENUM ('patient', 'staff');

CREATE TABLE clinics (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  slug text NOT NULL,
  name text NOT NULL,
  time_zone text NOT NULL,
  currency text NOT NULL DEFAULT 'USD',
  status clinic_status NOT NULL DEFAULT 'draft',
  tagline text,
  description text,
  logo_data bytea,
  logo_type text,
  logo_updated_at timestamptz(3),
  color_primary text NOT NULL DEFAULT '#0f766e',
  color_accent text NOT NULL DEFAULT '#f59e0b',
  contact_phone text,
  contact_email text,
  website text,
  city text,
  specialties text[] NOT NULL DEFAULT '{}',
  created_at timestamptz(3) NOT NULL DEFAULT now(),
  updated_at timestamptz(3) NOT NULL DEFAULT now(),
  CONSTRAINT clinics_currency_format CHECK (currency ~ '^[A-Z]{3}$'),
  CONSTRAINT clinics_slug_format CHECK (slug ~ '^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$'),
  CONSTRAINT clinics_logo_type CHECK (logo_type IS NULL OR logo_type IN ('image/svg+xml', 'image/png', 'image/jpeg', 'image/webp')),
  CONSTRAINT clinics_logo_size CHECK (logo_data IS NULL OR octet_length(logo_data) <= 524288),
  CONSTRAINT clinics_colors_hex CHECK (color_primary ~ '^#[0-9a-fA-F]{6}$' AND color_accent ~ '^#[0-9a-fA-F]{6}$')
);
CREATE UNIQUE INDEX clinics_slug_key ON clinics (slug);

CREATE TABLE clinic_domains (
  clinic_id uuid NOT NULL REFERENCES clinics (id) ON DELETE CASCADE,
  id uuid NOT NULL DEFAULT gen_random_uuid(),
  host text NOT NULL,
  verified_at timestamptz(3),
  created_at timestamptz(3) NOT NULL DEFAULT now(),
  PRIMARY KEY (clinic_id, id),
  CONSTRAINT clinic_domains_host_lower CHECK (host = lower(host))
);
-- A host maps to exactly one clinic across the platform (the directory lookup before any scope).
CREATE UNIQUE INDEX clinic_domains_host_key ON clinic_domains (host);

CREATE TABLE locations (
  clinic_id uuid NOT NULL REFERENCES clinics (id) ON DELETE CASCADE,
  id uuid NOT NULL DEFAULT gen_random_uuid(),
  key text NOT NULL,
  name text NOT NULL,
  address_line1 text NOT NULL,
  address_line2 text,
  city text NOT NULL,
  region text,
  postal_code text,
  country text NOT NULL,
  latitude double precision,
  longitude double precision,
  phone text,
  opening_hours jsonb NOT NULL DEFAULT '{}',
  created_at timestamptz(3) NOT NULL DEFAULT now(),
  updated_at timestamptz(3) NOT NULL DEFAULT now(),
  PRIMARY KEY (clinic_id, id),
  CONSTRAINT locations_latitude_range CHECK (latitude IS NULL OR latitude BETWEEN -90 AND 90),
  CONSTRAINT locations_longitude_range CHECK (longitude IS NULL OR longitude BETWEEN -180 AND 180)
);
CREATE UNIQUE INDEX locations_clinic_id_key_key ON locations (clinic_id, key);

CREATE TABLE staff_users (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  email text NOT NULL,
  name text NOT NULL,
  password_hash text NOT NULL,
  failed_sign_ins integer NOT NULL DEFAULT 0,
  locked_until timestamptz(3),
  password_changed_at timestamptz(3) NOT NULL DEFAULT now(),
  totp_secret text,
  created_at timestamptz(3) NOT NULL DEFAULT now(),
  CONSTRAINT staff_users_email_lower CHECK (email = lower(email))
);
CREATE UNIQUE INDEX staff_users_email_key ON staff_users (email);

CREATE TABLE clinic_memberships (
  clinic_id uuid NOT NULL REFERENCES clinics (id) ON DELETE CASCADE,
  id uuid NOT NULL DEFAULT gen_random_uuid(),
  staff_user_id uuid NOT NULL REFERENCES staff_users (id) ON DELETE CASCADE,
  role staff_role NOT NULL,
  specialty text,
  work_status doctor_work_status,
  active boolean NOT NULL DEFAULT true,
  created_at timestamptz(3) NOT NULL DEFAULT now(),
  PRIMARY KEY (clinic_id, id)
);
CREATE UNIQUE INDEX clinic_memberships_clinic_id_staff_user_id_role_key ON clinic_memberships (clinic_id, staff_user_id, role);

CREATE TABLE platform_operators (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  staff_user_id uuid NOT NULL REFERENCES staff_users (id) ON DELETE CASCADE,
  created_at timestamptz(3) NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX platform_operators_staff_user_id_key ON platform_operators (staff_user_id);

CREATE TABLE password_resets (
  id text PRIMARY KEY,
  staff_user_id uuid NOT NULL REFERENCES staff_users (id) ON DELETE CASCADE,
  expires_at timestamptz(3) NOT NULL,
  used_at timestamptz(3),
  created_at timestamptz(3) NOT NULL DEFAULT now()
);
CREATE INDEX password_resets_staff_user_id_idx ON password_resets (staff_user_id);

CREATE TABLE patient_accounts (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  phone text NOT NULL,
  first_name text,
  last_name text,
  email text,
  date_of_birth date,
  created_at timestamptz(3) NOT NULL DEFAULT now(),
  updated_at timestamptz(3) NOT NULL DEFAULT now(),
  CONSTRAINT patient_accounts_phone_e164 CHECK (phone ~ '^\+[1-9][0-9]{6,14}$')
);
CREATE UNIQUE INDEX patient_accounts_phone_key ON patient_accounts (phone);

CREATE TABLE dependents (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  patient_account_id uuid NOT NULL REFERENCES patient_accounts (id) ON DELETE CASCADE,
  first_name text NOT NULL,
  last_name text NOT NULL,
  relationship dependent_relationship NOT NULL,
  date_of_birth date,
  created_at timestamptz(3) NOT NULL DEFAULT now()
);
CREATE INDEX dependents_patient_account_id_idx ON dependents (patient_account_id);

CREATE TABLE sessions (
  id text PRIMARY KEY,
  clinic_id uuid REFERENCES clinics (id) ON DELETE CASCADE,
  host text NOT NULL,
  subject session_subject NOT NULL,
  patient_account_id uuid REFERENCES patient_accounts (id) ON DELETE CASCADE,
  staff_user_id uuid REFERENCES staff_users (id) ON DELETE CASCADE,
  expires_at timestamptz(3) NOT NULL,
  created_at timestamptz(3) NOT NULL DEFAULT now(),
  ip text,
  user_agent text,
  CONSTRAINT sessions_one_subject CHECK (
    (subject = 'patient' AND patient_account_id IS NOT NULL AND staff_user_id IS NULL) OR
    (subject = 'staff' AND staff_user_id IS NOT NULL AND patient_account_id IS NULL))
);
CREATE INDEX sessions_clinic_id_expires_at_idx ON sessions (clinic_id, expires_at);

CREATE TABLE sign_in_codes (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  clinic_id uuid REFERENCES clinics (id) ON DELETE CASCADE,
  phone text NOT NULL,
  code_hash text NOT NULL,
  attempts integer NOT NULL DEFAULT 0,
  expires_at timestamptz(3) NOT NULL,
  consumed_at timestamptz(3),
  created_at timestamptz(3) NOT NULL DEFAULT now(),
  ip text,
  CONSTRAINT sign_in_codes_attempts_range CHECK (attempts BETWEEN 0 AND 5)
);
CREATE INDEX sign_in_codes_clinic_id_phone_created_at_idx ON sign_in_codes (clinic_id, phone, created_at);

CREATE TABLE sms_send_log (
  id bigserial PRIMARY KEY,
  phone text NOT NULL,
  ip text,
  created_at timestamptz(3) NOT NULL DEFAULT now()
);
CREATE INDEX sms_send_log_phone_created_at_idx ON sms_send_log (phone, created_at);
CREATE INDEX sms_send_log_ip_created_at_idx ON sms_send_log (ip, created_at);

CREATE TABLE audit_events (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  clinic_id uuid REFERENCES clinics (id) ON DELETE RESTRICT,
  occurred_at timestamptz(3) NOT NULL DEFAULT now(),
  actor_type text NOT NULL,
  actor_id text,
  action text NOT NULL,
  target_type text,
  target_id text,
  ip text,
  user_agent text,
  request_id text,
  details jsonb NOT NULL DEFAULT '{}'
);
CREATE INDEX audit_events_clinic_id_occurred_at_idx ON audit_events (clinic_id, occurred_at);

CREATE FUNCTION audit_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'audit_events is append-only' USING ERRCODE = 'insufficient_privilege';
END $$;
CREATE TRIGGER audit_events_no_update_delete BEFORE UPDATE OR DELETE ON audit_events
  FOR EACH ROW EXECUTE FUNCTION audit_events_append_only();
CREATE TRIGGER audit_events_no_truncate BEFORE TRUNCATE ON audit_events
  FOR EACH STATEMENT EXECUTE FUNCTION audit_events_append_only();

CREATE TABLE outbox_events (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  clinic_id uuid REFERENCES clinics (id) ON DELETE CASCADE,
  name text NOT NULL,
  data jsonb NOT NULL,
  created_at timestamptz(3) NOT NULL DEFAULT now(),
  attempts integer NOT NULL DEFAULT 0,
  next_attempt_at timestamptz(3) NOT NULL DEFAULT now(),
  sent_at timestamptz(3),
  last_error text
);
CREATE INDEX outbox_events_clinic_id_created_at_idx ON outbox_events (clinic_id, created_at);
-- The relay's work queue: only pending rows, oldest due first.
CREATE INDEX outbox_events_pending_idx ON outbox_events (next_attempt_at) WHERE sent_at IS NULL;

-- Row-level security --------------------------------------------------------------------------

ALTER TABLE clinics ENABLE ROW LEVEL SECURITY;
ALTER TABLE clinics FORCE ROW LEVEL SECURITY;
CREATE POLICY clinics_own ON clinics USING (id = app_clinic_id()) WITH CHECK (id = app_clinic_id());
CREATE POLICY clinics_directory ON clinics FOR SELECT USING (app_is_system());

ALTER TABLE clinic_domains ENABLE ROW LEVEL SECURITY;
ALTER TABLE clinic_domains FORCE ROW LEVEL SECURITY;
CREATE POLICY clinic_domains_own ON clinic_domains USING (clinic_id = app_clinic_id()) WITH CHECK (clinic_id = app_clinic_id());
CREATE POLICY clinic_domains_directory ON clinic_domains FOR SELECT USING (app_is_system());

ALTER TABLE locations ENABLE ROW LEVEL SECURITY;
ALTER TABLE locations FORCE ROW LEVEL SECURITY;
CREATE POLICY locations_own ON locations USING (clinic_id = app_clinic_id()) WITH CHECK (clinic_id = app_clinic_id());
CREATE POLICY locations_catalog ON locations FOR SELECT USING (app_is_system());

ALTER TABLE clinic_memberships ENABLE ROW LEVEL SECURITY;
ALTER TABLE clinic_memberships FORCE ROW LEVEL SECURITY;
CREATE POLICY clinic_memberships_own ON clinic_memberships USING (clinic_id = app_clinic_id()) WITH CHECK (clinic_id = app_clinic_id());
-- A staff member's list of clinics (sign-in on the admin host, the clinic switcher).
CREATE POLICY clinic_memberships_directory ON clinic_memberships FOR SELECT USING (app_is_system());

-- Tables whose clinic may be NULL (the marketplace or admin host): a NULL scope sees only NULL rows.
ALTER TABLE sessions ENABLE ROW LEVEL SECURITY;
ALTER TABLE sessions FORCE ROW LEVEL SECURITY;
CREATE POLICY sessions_own ON sessions USING (clinic_id IS NOT DISTINCT FROM app_clinic_id())
  WITH CHECK (clinic_id IS NOT DISTINCT FROM app_clinic_id());
-- Signing a staff member out everywhere after a password change or reset.
CREATE POLICY sessions_system_delete ON sessions FOR DELETE USING (app_is_system());

ALTER TABLE sign_in_codes ENABLE ROW LEVEL SECURITY;
ALTER TABLE sign_in_codes FORCE ROW LEVEL SECURITY;
CREATE POLICY sign_in_codes_own ON sign_in_codes USING (clinic_id IS NOT DISTINCT FROM app_clinic_id())
  WITH CHECK (clinic_id IS NOT DISTINCT FROM app_clinic_id());

ALTER TABLE audit_events ENABLE ROW LEVEL SECURITY;
ALTER TABLE audit_events FORCE ROW LEVEL SECURITY;
CREATE POLICY audit_events_own ON audit_events USING (clinic_id IS NOT DISTINCT FROM app_clinic_id())
  WITH CHECK (clinic_id IS NOT DISTINCT FROM app_clinic_id());

ALTER TABLE outbox_events ENABLE ROW LEVEL SECURITY;
ALTER TABLE outbox_events FORCE ROW LEVEL SECURITY;
CREATE POLICY outbox_events_own ON outbox_events USING (clinic_id IS NOT DISTINCT FROM app_clinic_id())
  WITH CHECK (clinic_id IS NOT DISTINCT FROM app_clinic_id());
-- The relay reads every clinic's pending events and marks them sent.
CREATE POLICY outbox_events_relay_read ON outbox_events FOR SELECT USING (app_is_system());
CREATE POLICY outbox_events_relay_update ON outbox_events FOR UPDATE USING (app_is_system()) WITH CHECK (app_is_system());
