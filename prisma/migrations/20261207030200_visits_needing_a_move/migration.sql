-- Visits that need moving: approving a doctor's time off (or adding a closure) over booked visits
-- flags each of them with the exception that took their time, so the desk and the calendar show
-- "needs moving" until the visit is dealt with. The flag clears itself: a trigger drops it as
-- soon as the visit is cancelled, moved out of the exception's time (a move writes a new visit,
-- which carries the flag only while it still falls inside), given to a doctor or location the
-- exception does not cover, or when the exception itself is removed.
ALTER TABLE appointments ADD COLUMN needs_moving_exception_id uuid;
ALTER TABLE appointments ADD CONSTRAINT appointments_needs_moving_exception_fkey
  FOREIGN KEY (clinic_id, needs_moving_exception_id) REFERENCES schedule_exceptions (clinic_id, id) ON DELETE SET NULL (needs_moving_exception_id);
CREATE INDEX appointments_needs_moving_idx ON appointments (clinic_id, starts_at) WHERE needs_moving_exception_id IS NOT NULL;

-- True while the visit still falls inside the exception it is flagged with.
CREATE FUNCTION appointment_inside_exception(a appointments, p_exception uuid) RETURNS boolean LANGUAGE sql STABLE AS $$
  SELECT a.status IN ('requested', 'confirmed') AND EXISTS (
    SELECT 1 FROM schedule_exceptions e
     WHERE e.clinic_id = a.clinic_id AND e.id = p_exception AND e.kind <> 'extra_hours'
       AND e.starts_at < a.ends_at AND e.ends_at > a.starts_at
       AND (e.doctor_id IS NULL OR e.doctor_id = a.doctor_id)
       AND (e.location_id IS NULL OR e.location_id = a.location_id))
$$;

CREATE FUNCTION appointments_needs_moving() RETURNS trigger LANGUAGE plpgsql AS $fn$
DECLARE
  carried uuid;
BEGIN
  IF TG_OP = 'INSERT' AND NEW.needs_moving_exception_id IS NULL AND NEW.rescheduled_from_id IS NOT NULL THEN
    SELECT o.needs_moving_exception_id INTO carried FROM appointments o WHERE o.clinic_id = NEW.clinic_id AND o.id = NEW.rescheduled_from_id;
    NEW.needs_moving_exception_id := carried;
  END IF;
  IF NEW.needs_moving_exception_id IS NOT NULL AND NOT appointment_inside_exception(NEW, NEW.needs_moving_exception_id) THEN
    NEW.needs_moving_exception_id := NULL;
  END IF;
  RETURN NEW;
END $fn$;

CREATE TRIGGER appointments_needs_moving BEFORE INSERT OR UPDATE OF status, starts_at, ends_at, doctor_id, location_id, needs_moving_exception_id ON appointments
  FOR EACH ROW EXECUTE FUNCTION appointments_needs_moving();
