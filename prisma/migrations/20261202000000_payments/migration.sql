-- Deposits and saved cards (app/modules/payments).
--
-- Saved cards belong to the patient, not to a clinic: one card works at every clinic. They live in
-- platform-level tables keyed by the patient account, under forced row-level security that shows a
-- row only when the transaction names that patient (`app.patient_account_id`) or runs in the named
-- system scope (provider webhooks). The card itself stays with the provider; we keep its id, brand,
-- last four digits and expiry.
--
-- A deposit is a clinic's record (forced RLS on clinic_id, like every clinic table). One deposit per
-- visit: when the visit is moved, the deposit follows it to the new appointment row. Its status is
-- the truth about the money; the appointment's payment_status mirrors it in the same transaction.

CREATE TABLE payment_customers (
  patient_account_id uuid PRIMARY KEY REFERENCES patient_accounts (id) ON DELETE CASCADE,
  provider text NOT NULL CHECK (provider IN ('stripe', 'demo')),
  customer_ref text NOT NULL,
  created_at timestamptz(3) NOT NULL DEFAULT now(),
  UNIQUE (provider, customer_ref)
);

CREATE TABLE payment_cards (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  patient_account_id uuid NOT NULL REFERENCES patient_accounts (id) ON DELETE CASCADE,
  provider text NOT NULL CHECK (provider IN ('stripe', 'demo')),
  card_ref text NOT NULL,
  brand text NOT NULL,
  last4 text NOT NULL CHECK (last4 ~ '^[0-9]{4}$'),
  exp_month smallint NOT NULL CHECK (exp_month BETWEEN 1 AND 12),
  exp_year smallint NOT NULL CHECK (exp_year BETWEEN 2000 AND 2200),
  is_default boolean NOT NULL DEFAULT false,
  created_at timestamptz(3) NOT NULL DEFAULT now(),
  removed_at timestamptz(3),
  UNIQUE (provider, card_ref)
);
CREATE INDEX payment_cards_patient_account_id_idx ON payment_cards (patient_account_id);
-- At most one default card per patient.
CREATE UNIQUE INDEX payment_cards_one_default ON payment_cards (patient_account_id) WHERE is_default AND removed_at IS NULL;

DO $$
DECLARE
  t text;
BEGIN
  FOREACH t IN ARRAY ARRAY['payment_customers', 'payment_cards']
  LOOP
    EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t);
    EXECUTE format('ALTER TABLE %I FORCE ROW LEVEL SECURITY', t);
    EXECUTE format('CREATE POLICY %I ON %I USING (patient_account_id = app_patient_account_id()) WITH CHECK (patient_account_id = app_patient_account_id())', t || '_patient', t);
    EXECUTE format('CREATE POLICY %I ON %I USING (app_is_system()) WITH CHECK (app_is_system())', t || '_system', t);
  END LOOP;
END $$;

-- Stripe Connect: the clinic's connected account and what it may do.
ALTER TABLE clinics
  ADD COLUMN payout_account_ref text,
  ADD COLUMN payouts_charges_enabled boolean NOT NULL DEFAULT false,
  ADD COLUMN payouts_enabled boolean NOT NULL DEFAULT false,
  ADD COLUMN payouts_details_submitted boolean NOT NULL DEFAULT false,
  -- The platform's share of each captured deposit, in basis points (500 = 5%).
  ADD COLUMN platform_fee_bps integer NOT NULL DEFAULT 500 CHECK (platform_fee_bps BETWEEN 0 AND 5000);
CREATE UNIQUE INDEX clinics_payout_account_ref_key ON clinics (payout_account_ref);

CREATE TYPE deposit_status AS ENUM (
  'pending',     -- card saved, authorization not due yet (or not yet done)
  'authorized',  -- held on the card
  'captured',    -- taken: the window opened, a late cancellation or a no-show
  'released',    -- the hold was let go: cancelled in time, or cancelled by the clinic
  'refunded',    -- taken, then given back (staff waived it)
  'waived',      -- staff waived it before it was taken
  'failed'       -- the bank declined; the patient is asked for another card
);

CREATE TABLE deposits (
  clinic_id uuid NOT NULL REFERENCES clinics (id) ON DELETE CASCADE,
  id uuid NOT NULL DEFAULT gen_random_uuid(),
  -- The visit the deposit is for now (moved along on reschedule).
  appointment_id uuid NOT NULL,
  patient_account_id uuid NOT NULL REFERENCES patient_accounts (id) ON DELETE RESTRICT,
  provider text NOT NULL CHECK (provider IN ('stripe', 'demo')),
  status deposit_status NOT NULL DEFAULT 'pending',
  amount_minor integer NOT NULL CHECK (amount_minor > 0),
  currency text NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
  platform_fee_minor integer NOT NULL DEFAULT 0 CHECK (platform_fee_minor >= 0 AND platform_fee_minor <= amount_minor),
  card_id uuid REFERENCES payment_cards (id) ON DELETE SET NULL,
  -- The provider's PaymentIntent for the current authorization.
  intent_ref text,
  -- Counts authorizations, so each attempt has its own idempotency key.
  authorization_attempts integer NOT NULL DEFAULT 0,
  -- When the off-session authorization is due (5 days before the visit) and when the window opens.
  authorize_at timestamptz(3) NOT NULL,
  capture_at timestamptz(3) NOT NULL,
  authorized_at timestamptz(3),
  authorized_off_session boolean,
  -- When the card network lets the hold lapse (from the provider when it says so).
  authorization_expires_at timestamptz(3),
  captured_at timestamptz(3),
  released_at timestamptz(3),
  refunded_at timestamptz(3),
  failed_at timestamptz(3),
  failure_code text,
  failure_message text,
  waive_reason text,
  waived_by text,
  refund_ref text,
  created_at timestamptz(3) NOT NULL DEFAULT now(),
  updated_at timestamptz(3) NOT NULL DEFAULT now(),
  PRIMARY KEY (clinic_id, id),
  FOREIGN KEY (clinic_id, appointment_id) REFERENCES appointments (clinic_id, id) ON DELETE RESTRICT,
  CONSTRAINT deposits_waive_reason CHECK (status NOT IN ('waived', 'refunded') OR waive_reason IS NOT NULL)
);
CREATE UNIQUE INDEX deposits_clinic_id_appointment_id_key ON deposits (clinic_id, appointment_id);
CREATE UNIQUE INDEX deposits_intent_ref_key ON deposits (intent_ref);
CREATE INDEX deposits_clinic_id_status_idx ON deposits (clinic_id, status);

-- Append-only: every move of a deposit, with who or what moved it.
CREATE TABLE deposit_events (
  clinic_id uuid NOT NULL REFERENCES clinics (id) ON DELETE CASCADE,
  id bigint GENERATED ALWAYS AS IDENTITY,
  deposit_id uuid NOT NULL,
  appointment_id uuid NOT NULL,
  from_status deposit_status,
  to_status deposit_status NOT NULL,
  action text NOT NULL,
  actor text NOT NULL,
  detail text,
  occurred_at timestamptz(3) NOT NULL DEFAULT now(),
  PRIMARY KEY (clinic_id, id),
  FOREIGN KEY (clinic_id, deposit_id) REFERENCES deposits (clinic_id, id) ON DELETE CASCADE
);
CREATE INDEX deposit_events_clinic_id_deposit_id_idx ON deposit_events (clinic_id, deposit_id, occurred_at);

DO $$
DECLARE
  t text;
BEGIN
  FOREACH t IN ARRAY ARRAY['deposits', 'deposit_events']
  LOOP
    EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t);
    EXECUTE format('ALTER TABLE %I FORCE ROW LEVEL SECURITY', t);
    EXECUTE format('CREATE POLICY %I ON %I USING (clinic_id = app_clinic_id()) WITH CHECK (clinic_id = app_clinic_id())', t || '_own', t);
  END LOOP;
END $$;

-- Provider webhook deliveries already handled: a replay is recognised and changes nothing.
-- Platform-level (an event may concern a patient's card rather than a clinic); written only in
-- the named system scope of the webhook route.
CREATE TABLE payment_webhook_events (
  provider text NOT NULL,
  event_id text NOT NULL,
  type text NOT NULL,
  received_at timestamptz(3) NOT NULL DEFAULT now(),
  PRIMARY KEY (provider, event_id)
);
ALTER TABLE payment_webhook_events ENABLE ROW LEVEL SECURITY;
ALTER TABLE payment_webhook_events FORCE ROW LEVEL SECURITY;
CREATE POLICY payment_webhook_events_system ON payment_webhook_events USING (app_is_system()) WITH CHECK (app_is_system());
