-- The development outbox: SMS and email that would have gone to Twilio or SMTP when neither is
-- configured. Written only then, read by /dev/outbox (absent in production). Global on purpose:
-- developers and end-to-end tests read every host's messages on one page. The clinic is kept as
-- `clinic_ref` for display only (not `clinic_id`: this is not clinic data and has no RLS).
CREATE TABLE dev_outbox_messages (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  channel text NOT NULL,
  recipient text NOT NULL,
  subject text,
  body text NOT NULL,
  purpose text NOT NULL,
  clinic_ref uuid,
  created_at timestamptz(3) NOT NULL DEFAULT now(),
  CONSTRAINT dev_outbox_messages_channel CHECK (channel IN ('sms', 'email'))
);
CREATE INDEX dev_outbox_messages_recipient_created_at_idx ON dev_outbox_messages (recipient, created_at);
CREATE INDEX dev_outbox_messages_created_at_idx ON dev_outbox_messages (created_at);
