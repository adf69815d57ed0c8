-- One sign-in across Medslot's own site and every clinic's site, without a cookie shared between
-- them: a signed-in patient crossing from one host to another carries a one-time hand-off.
--
-- The host being left (the source) writes the row in its own scope; only the host it names (the
-- target) can read and use it, in its scope. The row holds the SHA-256 of the token in the link
-- and of a state the target keeps in a cookie of the same browser, so a link that reaches another
-- browser signs no one in there. It lasts a minute and is used once.
CREATE TABLE session_hand_offs (
  id text PRIMARY KEY,
  patient_account_id uuid NOT NULL REFERENCES patient_accounts (id) ON DELETE CASCADE,
  from_clinic_id uuid REFERENCES clinics (id) ON DELETE CASCADE,
  to_clinic_id uuid REFERENCES clinics (id) ON DELETE CASCADE,
  state_hash text NOT NULL,
  expires_at timestamptz(3) NOT NULL,
  used_at timestamptz(3),
  created_at timestamptz(3) NOT NULL DEFAULT now(),
  CONSTRAINT session_hand_offs_crosses CHECK (from_clinic_id IS DISTINCT FROM to_clinic_id),
  CONSTRAINT session_hand_offs_short CHECK (expires_at <= created_at + interval '5 minutes')
);
CREATE INDEX session_hand_offs_expires_at_idx ON session_hand_offs (expires_at);

ALTER TABLE session_hand_offs ENABLE ROW LEVEL SECURITY;
ALTER TABLE session_hand_offs FORCE ROW LEVEL SECURITY;
-- Written by the source host; seen, used and cleared only by the target host.
CREATE POLICY session_hand_offs_issue ON session_hand_offs FOR INSERT WITH CHECK (from_clinic_id IS NOT DISTINCT FROM app_clinic_id());
CREATE POLICY session_hand_offs_read ON session_hand_offs FOR SELECT USING (to_clinic_id IS NOT DISTINCT FROM app_clinic_id());
CREATE POLICY session_hand_offs_use ON session_hand_offs FOR UPDATE USING (to_clinic_id IS NOT DISTINCT FROM app_clinic_id()) WITH CHECK (to_clinic_id IS NOT DISTINCT FROM app_clinic_id());
CREATE POLICY session_hand_offs_clear ON session_hand_offs FOR DELETE USING (to_clinic_id IS NOT DISTINCT FROM app_clinic_id() OR app_is_system());
