-- Per-network throttling of staff sign-in and password-reset requests, and TOTP replay protection.
--
-- Each row is one attempt from a network (an IPv4 address, or an IPv6 /64), written before the
-- password is checked. A sign-in's row is removed again when it succeeds, so what counts is the
-- failures and the attempts still in flight; every reset request counts. Global on purpose (no
-- clinic_id): guessing passwords on several clinics' sites from one network is still one attacker.
CREATE TABLE staff_sign_in_attempts (
  id bigserial PRIMARY KEY,
  ip_bucket text NOT NULL,
  purpose text NOT NULL,
  created_at timestamptz(3) NOT NULL DEFAULT now(),
  CONSTRAINT staff_sign_in_attempts_purpose CHECK (purpose IN ('sign-in', 'password-reset'))
);
CREATE INDEX staff_sign_in_attempts_ip_bucket_purpose_created_at_idx ON staff_sign_in_attempts (ip_bucket, purpose, created_at);

-- The last 30-second TOTP step a staff member signed in with; a code for that step or an earlier
-- one is refused, so a code seen over someone's shoulder cannot be used again.
ALTER TABLE staff_users ADD COLUMN totp_last_step bigint;
