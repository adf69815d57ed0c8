-- Releasing expired holds on insert (20261122000000_scheduling) planned its UPDATE afresh on every
-- new appointment (dynamic SQL, so a plan made while the table was small could not stay with the
-- connection), and that planning was a tenth of the database's work per booking. Nearly every
-- insert meets no expired hold at all: one look at the partial index of holds now decides whether
-- the UPDATE is needed. The function runs with sequential scans off, so the look stays on that
-- small index whatever the table's size was when the connection first planned it.
CREATE OR REPLACE FUNCTION appointments_release_expired_holds() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  released record;
BEGIN
  IF NEW.status NOT IN ('held', 'requested', 'confirmed', 'checked_in', 'in_consultation', 'completed') THEN
    RETURN NEW;
  END IF;
  -- clock_timestamp(), not now(): a request that waited on a lock must see holds that expired meanwhile.
  IF NOT EXISTS (
    SELECT 1 FROM appointments a
     WHERE a.clinic_id = NEW.clinic_id AND a.status = 'held' AND a.hold_expires_at <= clock_timestamp() AND a.id <> NEW.id
  ) THEN
    RETURN NEW;
  END IF;
  FOR released IN EXECUTE
    'UPDATE appointments a
        SET status = ''hold_expired'', hold_expires_at = NULL, updated_at = now()
      WHERE a.clinic_id = $1 AND a.status = ''held'' AND a.hold_expires_at <= clock_timestamp() AND a.id <> $2
        AND (a.doctor_id = $3 OR ($4 IS NOT NULL AND a.room_id = $4))
        AND tstzrange(a.blocked_from, a.blocked_to, ''[)'') && tstzrange($5, $6, ''[)'')
      RETURNING a.id, a.doctor_id, a.service_id, a.starts_at, a.ends_at'
    USING NEW.clinic_id, NEW.id, NEW.doctor_id, NEW.room_id, NEW.blocked_from, NEW.blocked_to
  LOOP
    INSERT INTO appointment_status_history (clinic_id, appointment_id, from_status, to_status, actor_type, reason)
    VALUES (NEW.clinic_id, released.id, 'held', 'hold_expired', 'system', 'released for an overlapping booking');
    INSERT INTO outbox_events (clinic_id, name, data)
    VALUES (NEW.clinic_id, 'hold.expired', jsonb_build_object(
      'clinicId', NEW.clinic_id, 'holdId', released.id, 'doctorId', released.doctor_id, 'serviceId', released.service_id,
      'start', to_char(released.starts_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'),
      'end', to_char(released.ends_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')));
  END LOOP;
  RETURN NEW;
END $$;
ALTER FUNCTION appointments_release_expired_holds() SET enable_seqscan = off;
