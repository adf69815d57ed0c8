-- Where sign-in codes may be texted, and staff sign-in slowed per account and network.

-- Countries (ISO 3166 alpha-2) whose mobile numbers may get a clinic's sign-in codes, besides the
-- countries of the clinic's own locations. Satellite and international-network numbers have no
-- country, so no list can let them in.
ALTER TABLE clinics ADD COLUMN sms_countries text[] NOT NULL DEFAULT '{}';
ALTER TABLE clinics ADD CONSTRAINT clinics_sms_countries CHECK (
  cardinality(sms_countries) <= 50 AND array_to_string(sms_countries, ',') ~ '^([A-Z]{2}(,[A-Z]{2})*)?$'
);

-- Wrong passwords (and TOTP codes) for one sign-in address from one network (an IPv4 /24 or an
-- IPv6 /64). Each failure past the first few pushes retry_at further out; nothing locks the
-- account for everyone, so someone on another network still signs in. Keyed by a keyed hash of
-- the address, so unknown addresses are slowed exactly like real ones and the table holds none.
-- Global on purpose (no clinic_id): an address is the same person on every clinic's site.
CREATE TABLE staff_sign_in_delays (
  account_ref text NOT NULL,
  network text NOT NULL,
  failures integer NOT NULL DEFAULT 0,
  last_failure_at timestamptz(3) NOT NULL,
  retry_at timestamptz(3),
  PRIMARY KEY (account_ref, network),
  CONSTRAINT staff_sign_in_delays_failures CHECK (failures >= 0)
);
CREATE INDEX staff_sign_in_delays_last_failure_at_idx ON staff_sign_in_delays (last_failure_at);

-- When the account holder was last told that someone is guessing their password, so a long
-- attack sends one warning a day rather than one per guess.
ALTER TABLE staff_users ADD COLUMN guessing_noticed_at timestamptz(3);
