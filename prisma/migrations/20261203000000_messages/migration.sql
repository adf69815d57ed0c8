-- Patient messages (app/modules/messaging): per-clinic templates, a delivery record for every
-- message, the clinic's quiet hours and reminder times, and the patient's channel preferences.
--
-- message_templates is a clinic table like any other (forced RLS on clinic_id). A clinic that has
-- not written its own template uses the default in app/modules/messaging/templates.ts.
--
-- message_deliveries may belong to no clinic: sign-in codes on the marketplace. A clinic scope
-- sees only its own rows; rows without a clinic are visible only in the named system scope (the
-- marketplace's sign-in path writes them there). Twilio's status callback does not know the
-- clinic, so the system scope may also read and update every clinic's rows, the way the outbox
-- relay does; it never inserts or deletes them for a clinic.
--
-- The dedupe key is unique: a workflow step that runs again with the same key finds the row and
-- sends nothing. A row is claimed (claimed_at) before the provider is called, so a crash between
-- the call and its answer leaves the row claimed and it is never sent a second time.

CREATE TYPE message_channel AS ENUM ('sms', 'email');
CREATE TYPE message_delivery_status AS ENUM ('queued', 'sent', 'delivered', 'failed', 'skipped');

CREATE TABLE message_templates (
  clinic_id uuid NOT NULL REFERENCES clinics (id) ON DELETE CASCADE,
  id uuid NOT NULL DEFAULT gen_random_uuid(),
  kind text NOT NULL CHECK (kind IN ('sign_in_code', 'booking_confirmation', 'booking_change', 'cancellation', 'reminder',
                                      'deposit_problem', 'flexible_proposal', 'waitlist_offer', 'youre_next')),
  channel message_channel NOT NULL,
  subject text,
  body text NOT NULL CHECK (length(body) BETWEEN 1 AND 2000),
  updated_by text,
  created_at timestamptz(3) NOT NULL DEFAULT now(),
  updated_at timestamptz(3) NOT NULL DEFAULT now(),
  PRIMARY KEY (clinic_id, id),
  CONSTRAINT message_templates_email_subject CHECK (channel = 'sms' OR subject IS NOT NULL)
);
CREATE UNIQUE INDEX message_templates_clinic_id_kind_channel_key ON message_templates (clinic_id, kind, channel);

CREATE TABLE message_deliveries (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  clinic_id uuid REFERENCES clinics (id) ON DELETE CASCADE,
  kind text NOT NULL CHECK (kind IN ('sign_in_code', 'booking_confirmation', 'booking_change', 'cancellation', 'reminder',
                                      'deposit_problem', 'flexible_proposal', 'waitlist_offer', 'youre_next')),
  channel message_channel NOT NULL,
  recipient text NOT NULL,
  patient_account_id uuid REFERENCES patient_accounts (id) ON DELETE SET NULL,
  appointment_id uuid,
  dedupe_key text NOT NULL,
  status message_delivery_status NOT NULL DEFAULT 'queued',
  provider text,
  provider_ref text,
  error text,
  -- What the template is rendered with when a deferred message is sent (never a sign-in code).
  vars jsonb NOT NULL DEFAULT '{}',
  send_after timestamptz(3),
  claimed_at timestamptz(3),
  sent_at timestamptz(3),
  delivered_at timestamptz(3),
  created_at timestamptz(3) NOT NULL DEFAULT now(),
  updated_at timestamptz(3) NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX message_deliveries_dedupe_key_key ON message_deliveries (dedupe_key);
CREATE UNIQUE INDEX message_deliveries_provider_ref_key ON message_deliveries (provider_ref);
CREATE INDEX message_deliveries_clinic_id_appointment_id_idx ON message_deliveries (clinic_id, appointment_id);
CREATE INDEX message_deliveries_clinic_id_created_at_idx ON message_deliveries (clinic_id, created_at);

ALTER TABLE message_templates ENABLE ROW LEVEL SECURITY;
ALTER TABLE message_templates FORCE ROW LEVEL SECURITY;
CREATE POLICY message_templates_own ON message_templates USING (clinic_id = app_clinic_id()) WITH CHECK (clinic_id = app_clinic_id());

ALTER TABLE message_deliveries ENABLE ROW LEVEL SECURITY;
ALTER TABLE message_deliveries FORCE ROW LEVEL SECURITY;
CREATE POLICY message_deliveries_own ON message_deliveries USING (clinic_id = app_clinic_id()) WITH CHECK (clinic_id = app_clinic_id());
-- Marketplace sign-in codes: no clinic, system scope only.
CREATE POLICY message_deliveries_platform ON message_deliveries
  USING (clinic_id IS NULL AND app_is_system()) WITH CHECK (clinic_id IS NULL AND app_is_system());
-- Twilio's status callback finds a delivery by the provider's id alone.
CREATE POLICY message_deliveries_status_read ON message_deliveries FOR SELECT USING (app_is_system());
CREATE POLICY message_deliveries_status_update ON message_deliveries FOR UPDATE USING (app_is_system()) WITH CHECK (app_is_system());

-- Quiet hours in the clinic's local wall time (minutes since midnight; 21:00–08:00 by default,
-- both NULL to switch them off), and when reminders go out (minutes before the visit).
ALTER TABLE clinics
  ADD COLUMN quiet_hours_start_min integer DEFAULT 1260,
  ADD COLUMN quiet_hours_end_min integer DEFAULT 480,
  ADD COLUMN reminder_offsets_min integer[] NOT NULL DEFAULT '{1440,120}',
  ADD CONSTRAINT clinics_quiet_hours CHECK (
    (quiet_hours_start_min IS NULL AND quiet_hours_end_min IS NULL) OR
    (quiet_hours_start_min BETWEEN 0 AND 1439 AND quiet_hours_end_min BETWEEN 0 AND 1439 AND quiet_hours_start_min <> quiet_hours_end_min)),
  ADD CONSTRAINT clinics_reminder_offsets CHECK (
    cardinality(reminder_offsets_min) <= 5 AND array_position(reminder_offsets_min, NULL) IS NULL
    AND 0 < ALL (reminder_offsets_min) AND 20160 >= ALL (reminder_offsets_min));

-- Which channels the patient wants messages on (sign-in codes always come by SMS).
ALTER TABLE patient_accounts
  ADD COLUMN sms_messages boolean NOT NULL DEFAULT true,
  ADD COLUMN email_messages boolean NOT NULL DEFAULT true;
