-- Staff invitations, clinic onboarding documents, and the platform admin's named reads
-- (app/modules/clinic/staff-invites.server.ts, clinic-documents.server.ts,
-- app/modules/platform/onboarding.server.ts; docs/decisions/017-staff-invites-and-clinic-onboarding.md).

-- An owner invites a person by email with a one-time link. Only the SHA-256 of the link's token is
-- kept; the link works once, for 7 days, on this clinic's host only (RLS: the lookup runs in the
-- clinic's scope). Re-sending replaces the token, so an older link stops working.
CREATE TABLE staff_invites (
  clinic_id uuid NOT NULL REFERENCES clinics (id) ON DELETE CASCADE,
  id uuid NOT NULL DEFAULT gen_random_uuid(),
  email text NOT NULL,
  roles staff_role[] NOT NULL,
  specialty text,
  token_hash text NOT NULL,
  invited_by uuid REFERENCES staff_users (id) ON DELETE SET NULL,
  expires_at timestamptz(3) NOT NULL,
  sent_count integer NOT NULL DEFAULT 1,
  last_sent_at timestamptz(3) NOT NULL DEFAULT now(),
  accepted_at timestamptz(3),
  accepted_by uuid REFERENCES staff_users (id) ON DELETE SET NULL,
  cancelled_at timestamptz(3),
  created_at timestamptz(3) NOT NULL DEFAULT now(),
  PRIMARY KEY (clinic_id, id),
  CONSTRAINT staff_invites_email_lower CHECK (email = lower(email) AND length(email) BETWEEN 3 AND 254),
  CONSTRAINT staff_invites_roles CHECK (cardinality(roles) BETWEEN 1 AND 3),
  CONSTRAINT staff_invites_token_hash CHECK (token_hash ~ '^[0-9a-f]{64}$'),
  CONSTRAINT staff_invites_one_outcome CHECK (accepted_at IS NULL OR cancelled_at IS NULL)
);
CREATE UNIQUE INDEX staff_invites_token_hash_key ON staff_invites (token_hash);
-- At most one open invitation per address and clinic.
CREATE UNIQUE INDEX staff_invites_open_email ON staff_invites (clinic_id, email) WHERE accepted_at IS NULL AND cancelled_at IS NULL;

CREATE TYPE clinic_document_kind AS ENUM ('licence', 'insurance', 'other');
CREATE TYPE clinic_document_status AS ENUM ('pending', 'verified', 'rejected');

-- Papers a clinic hands in for onboarding. The platform operator verifies or rejects them; the
-- file is kept in the database (stateless web tier), at most 5 MB, PDF, PNG or JPEG only.
CREATE TABLE clinic_documents (
  clinic_id uuid NOT NULL REFERENCES clinics (id) ON DELETE CASCADE,
  id uuid NOT NULL DEFAULT gen_random_uuid(),
  kind clinic_document_kind NOT NULL,
  title text NOT NULL,
  file_name text NOT NULL,
  content_type text NOT NULL,
  size_bytes integer NOT NULL,
  data bytea NOT NULL,
  status clinic_document_status NOT NULL DEFAULT 'pending',
  review_reason text,
  reviewed_at timestamptz(3),
  reviewed_by uuid REFERENCES staff_users (id) ON DELETE SET NULL,
  uploaded_by uuid REFERENCES staff_users (id) ON DELETE SET NULL,
  created_at timestamptz(3) NOT NULL DEFAULT now(),
  PRIMARY KEY (clinic_id, id),
  CONSTRAINT clinic_documents_type CHECK (content_type IN ('application/pdf', 'image/png', 'image/jpeg')),
  CONSTRAINT clinic_documents_size CHECK (size_bytes > 0 AND size_bytes <= 5242880 AND octet_length(data) = size_bytes),
  CONSTRAINT clinic_documents_title CHECK (length(title) BETWEEN 1 AND 120 AND length(file_name) BETWEEN 1 AND 200),
  CONSTRAINT clinic_documents_rejected_reason CHECK (status <> 'rejected' OR review_reason IS NOT NULL)
);
CREATE INDEX clinic_documents_clinic_id_created_at_idx ON clinic_documents (clinic_id, created_at);

DO $$
DECLARE
  t text;
BEGIN
  FOREACH t IN ARRAY ARRAY['staff_invites', 'clinic_documents']
  LOOP
    EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t);
    EXECUTE format('ALTER TABLE %I FORCE ROW LEVEL SECURITY', t);
    EXECUTE format('CREATE POLICY %I ON %I USING (clinic_id = app_clinic_id()) WITH CHECK (clinic_id = app_clinic_id())', t || '_own', t);
  END LOOP;
END $$;

-- The platform admin (system scope, "platform admin: …" paths) reads onboarding documents and
-- whether each clinic has schedules. Neither table holds patient data.
CREATE POLICY clinic_documents_platform_admin ON clinic_documents FOR SELECT USING (app_is_system());
CREATE POLICY availability_rules_platform_admin ON availability_rules FOR SELECT USING (app_is_system());

-- Booked visits per clinic in [p_from, p_to), for the platform admin's counts: numbers only, no
-- patient columns leave the function. Appointments stay closed to the system scope; the function
-- reads each clinic in that clinic's own scope (as the caller, under RLS) and restores the scope.
CREATE FUNCTION platform_appointment_counts(p_from timestamptz, p_to timestamptz)
RETURNS TABLE (clinic_id uuid, appointments bigint)
LANGUAGE plpgsql SECURITY INVOKER SET search_path = public, pg_temp AS $$
DECLARE
  previous_clinic text := coalesce(current_setting('app.clinic_id', true), '');
  previous_scope text := coalesce(current_setting('app.scope', true), '');
  c uuid;
BEGIN
  PERFORM set_config('app.clinic_id', '', true);
  PERFORM set_config('app.scope', 'system', true);
  FOR c IN SELECT id FROM clinics ORDER BY id LOOP
    PERFORM set_config('app.scope', '', true);
    PERFORM set_config('app.clinic_id', c::text, true);
    clinic_id := c;
    SELECT count(*) INTO appointments FROM appointments a
     WHERE a.clinic_id = c AND a.starts_at >= p_from AND a.starts_at < p_to
       AND a.status IN ('requested', 'confirmed', 'checked_in', 'in_consultation', 'completed', 'no_show');
    RETURN NEXT;
    PERFORM set_config('app.clinic_id', '', true);
    PERFORM set_config('app.scope', 'system', true);
  END LOOP;
  PERFORM set_config('app.clinic_id', previous_clinic, true);
  PERFORM set_config('app.scope', previous_scope, true);
END $$;
