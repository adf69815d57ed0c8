-- A booking whose deposit card needs the bank's own check (3-D Secure) waits here while the patient
-- answers their bank on the page. The hold stays held until the deadline; the row remembers what
-- the patient chose (who the visit is for, the note, the card) so the booking can be finished once
-- the bank says yes, and which payment the browser was allowed to finish, for whom and where.
CREATE TABLE card_authentications (
  clinic_id uuid NOT NULL REFERENCES clinics (id) ON DELETE CASCADE,
  id uuid NOT NULL DEFAULT gen_random_uuid(),
  -- The held time (a hold is an appointment row).
  appointment_id uuid NOT NULL,
  patient_account_id uuid NOT NULL REFERENCES patient_accounts (id) ON DELETE RESTRICT,
  -- The browser that holds the time: only it may finish.
  held_by text NOT NULL,
  provider text NOT NULL CHECK (provider IN ('stripe', 'demo')),
  -- The provider's payment waiting for the bank, and the deposit id written into its metadata.
  intent_ref text NOT NULL,
  deposit_id uuid NOT NULL,
  card_id uuid REFERENCES payment_cards (id) ON DELETE SET NULL,
  dependent_id uuid,
  -- Someone added to the family with this booking: added only when the booking is finished.
  new_dependent jsonb,
  note text,
  status text NOT NULL DEFAULT 'waiting' CHECK (status IN ('waiting', 'succeeded', 'failed', 'cancelled', 'abandoned')),
  -- Until when the booking waits for the bank; the hold is kept until then.
  expires_at timestamptz(3) NOT NULL,
  -- The hold's own end before it waited: a failed check gives the patient back only what was left.
  hold_expires_at timestamptz(3) NOT NULL,
  failure_code text,
  created_at timestamptz(3) NOT NULL DEFAULT now(),
  resolved_at timestamptz(3),
  PRIMARY KEY (clinic_id, id),
  FOREIGN KEY (clinic_id, appointment_id) REFERENCES appointments (clinic_id, id) ON DELETE CASCADE,
  CONSTRAINT card_authentications_resolved CHECK ((status = 'waiting') = (resolved_at IS NULL))
);
CREATE UNIQUE INDEX card_authentications_intent_ref_key ON card_authentications (intent_ref);
-- One check at a time per held time.
CREATE UNIQUE INDEX card_authentications_one_waiting ON card_authentications (clinic_id, appointment_id) WHERE status = 'waiting';
CREATE INDEX card_authentications_clinic_id_status_expires_at_idx ON card_authentications (clinic_id, status, expires_at);

ALTER TABLE card_authentications ENABLE ROW LEVEL SECURITY;
ALTER TABLE card_authentications FORCE ROW LEVEL SECURITY;
CREATE POLICY card_authentications_own ON card_authentications USING (clinic_id = app_clinic_id()) WITH CHECK (clinic_id = app_clinic_id());
