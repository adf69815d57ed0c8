-- A short booking code a patient can read out on the phone (shown as the clinic's prefix and these
-- five characters, e.g. NOR-7K4QX), kept by the visit when it moves: the moved visit's new row takes
-- the old row's code, so receipts, calendars and the desk keep talking about one booking.
--
-- Five characters of 30 (no 0/O, 1/I/L or U to misread): 24 million codes per clinic. The code is
-- drawn at insert (a move brings its own) and drawn again in the rare case it is in use. Every booking's latest row is the one not 'rescheduled', so the partial
-- unique index holds each code in use once; holds that lapsed or were let go give theirs back.
ALTER TABLE appointments ADD COLUMN booking_code text;

CREATE FUNCTION booking_code_draw() RETURNS text LANGUAGE sql VOLATILE AS $$
  SELECT string_agg(substr('23456789ABCDEFGHJKMNPQRSTVWXYZ', 1 + floor(random() * 30)::int, 1), '')
    FROM generate_series(1, 5)
$$;

-- Existing bookings: a code for each first row, not in use in its clinic, then the same code down
-- each chain of moves.
CREATE INDEX appointments_booking_code_fill ON appointments (clinic_id, booking_code);
DO $$
DECLARE
  root record;
  drawn text;
BEGIN
  FOR root IN SELECT clinic_id, id FROM appointments WHERE rescheduled_from_id IS NULL ORDER BY created_at LOOP
    LOOP
      drawn := booking_code_draw();
      EXIT WHEN NOT EXISTS (SELECT 1 FROM appointments a WHERE a.clinic_id = root.clinic_id AND a.booking_code = drawn);
    END LOOP;
    UPDATE appointments SET booking_code = drawn WHERE clinic_id = root.clinic_id AND id = root.id;
  END LOOP;
END $$;
WITH RECURSIVE chain AS (
  SELECT clinic_id, id, booking_code AS code FROM appointments WHERE rescheduled_from_id IS NULL
  UNION ALL
  SELECT a.clinic_id, a.id, c.code FROM appointments a JOIN chain c ON a.clinic_id = c.clinic_id AND a.rescheduled_from_id = c.id
)
UPDATE appointments a SET booking_code = chain.code FROM chain WHERE a.clinic_id = chain.clinic_id AND a.id = chain.id;
DROP INDEX appointments_booking_code_fill;

ALTER TABLE appointments ALTER COLUMN booking_code SET NOT NULL;
ALTER TABLE appointments ADD CONSTRAINT appointments_booking_code_format CHECK (booking_code ~ '^[2-9A-HJKMNP-TV-Z]{5}$');
CREATE UNIQUE INDEX appointments_booking_code_key ON appointments (clinic_id, booking_code)
  WHERE status NOT IN ('rescheduled', 'hold_expired', 'hold_released');

ALTER TABLE appointments ALTER COLUMN booking_code SET DEFAULT booking_code_draw();

-- A drawn code already in use is drawn again (one look at the index above nearly always settles it).
-- A move's new row brings its booking's code, which is free by then: the old row is 'rescheduled'.
CREATE FUNCTION appointments_booking_code() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  WHILE EXISTS (
    SELECT 1 FROM appointments a
     WHERE a.clinic_id = NEW.clinic_id AND a.booking_code = NEW.booking_code
       AND a.status NOT IN ('rescheduled', 'hold_expired', 'hold_released')
  ) LOOP
    NEW.booking_code := booking_code_draw();
  END LOOP;
  RETURN NEW;
END $$;

CREATE TRIGGER appointments_booking_code BEFORE INSERT ON appointments
  FOR EACH ROW EXECUTE FUNCTION appointments_booking_code();
