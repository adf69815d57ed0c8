-- Changes that make a process's caches stale, written by triggers in the changing transaction
-- (docs/decisions/022-availability-cache.md). Every app process reads this log (app/utils/change-feed.server.ts):
-- at once after its own writes, when another process rings the `medslot_changes` doorbell, and
-- every second in any case. The triggers do not NOTIFY themselves: a NOTIFY holds a cluster-wide
-- lock from commit until the commit is flushed, which serialises every booking's commit.
--
-- topic: 'times' (appointments, busy blocks, exceptions: from_at..to_at), 'setup' (what slots are
-- made of: services, rules, doctors, rooms, locations), 'site' (what a clinic's pages show),
-- 'api_key'.
CREATE TABLE cache_changes (
  seq bigserial PRIMARY KEY,
  clinic_id uuid NOT NULL,
  topic text NOT NULL,
  from_at timestamptz(3),
  to_at timestamptz(3),
  -- The writing transaction: a reader re-reads from the oldest transaction still running, so a
  -- change that commits after a later one is not skipped.
  xid bigint NOT NULL DEFAULT (pg_current_xact_id()::text::bigint),
  created_at timestamptz(3) NOT NULL DEFAULT now(),
  CONSTRAINT cache_changes_topic CHECK (topic IN ('times', 'setup', 'site', 'api_key')),
  CONSTRAINT cache_changes_range CHECK ((from_at IS NULL) = (to_at IS NULL) AND (from_at IS NULL OR from_at <= to_at))
);
CREATE INDEX cache_changes_xid_idx ON cache_changes (xid);
CREATE INDEX cache_changes_created_at_idx ON cache_changes (created_at);

ALTER TABLE cache_changes ENABLE ROW LEVEL SECURITY;
ALTER TABLE cache_changes FORCE ROW LEVEL SECURITY;
-- A clinic's transaction writes its own rows; the cross-clinic reader ("cache invalidation") reads
-- and prunes them. Rows say only that something changed, never what.
CREATE POLICY cache_changes_own ON cache_changes USING (clinic_id = app_clinic_id()) WITH CHECK (clinic_id = app_clinic_id());
CREATE POLICY cache_changes_system_write ON cache_changes FOR INSERT WITH CHECK (app_is_system());
CREATE POLICY cache_changes_reader ON cache_changes FOR SELECT USING (app_is_system());
CREATE POLICY cache_changes_pruner ON cache_changes FOR DELETE USING (app_is_system());

-- The writing session learns at once (a NOTICE costs no round trip) that it changed something a
-- cache holds, so it reads the log right after its commit and answers its next request fresh.
CREATE FUNCTION cache_changed_notice() RETURNS void LANGUAGE plpgsql AS $fn$
BEGIN
  RAISE NOTICE USING MESSAGE = 'medslot:cache_changed';
END $fn$;

-- Appointments: only changes that move, free or take time count (payment, notes and check-in do not).
CREATE FUNCTION note_appointment_times() RETURNS trigger LANGUAGE plpgsql AS $fn$
BEGIN
  IF TG_OP = 'INSERT' THEN
    INSERT INTO cache_changes (clinic_id, topic, from_at, to_at)
    SELECT clinic_id, 'times', min(blocked_from), max(blocked_to) FROM new_rows GROUP BY clinic_id;
  ELSIF TG_OP = 'DELETE' THEN
    INSERT INTO cache_changes (clinic_id, topic, from_at, to_at)
    SELECT clinic_id, 'times', min(blocked_from), max(blocked_to) FROM old_rows GROUP BY clinic_id;
  ELSE
    INSERT INTO cache_changes (clinic_id, topic, from_at, to_at)
    SELECT clinic_id, 'times', min(f), max(t) FROM (
      SELECT n.clinic_id, least(o.blocked_from, n.blocked_from) AS f, greatest(o.blocked_to, n.blocked_to) AS t
        FROM old_rows o JOIN new_rows n ON n.clinic_id = o.clinic_id AND n.id = o.id
       WHERE (o.status, o.doctor_id, o.room_id, o.blocked_from, o.blocked_to, o.hold_expires_at)
             IS DISTINCT FROM (n.status, n.doctor_id, n.room_id, n.blocked_from, n.blocked_to, n.hold_expires_at)
    ) changed GROUP BY clinic_id;
  END IF;
  IF FOUND THEN PERFORM cache_changed_notice(); END IF;
  RETURN NULL;
END $fn$;

CREATE TRIGGER appointments_cache_insert AFTER INSERT ON appointments REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION note_appointment_times();
CREATE TRIGGER appointments_cache_update AFTER UPDATE ON appointments REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION note_appointment_times();
CREATE TRIGGER appointments_cache_delete AFTER DELETE ON appointments REFERENCING OLD TABLE AS old_rows
  FOR EACH STATEMENT EXECUTE FUNCTION note_appointment_times();

-- Busy blocks and schedule exceptions: the span they cover, before and after.
CREATE FUNCTION note_span_times() RETURNS trigger LANGUAGE plpgsql AS $fn$
BEGIN
  IF TG_OP = 'INSERT' THEN
    INSERT INTO cache_changes (clinic_id, topic, from_at, to_at)
    SELECT clinic_id, 'times', min(starts_at), max(ends_at) FROM new_rows GROUP BY clinic_id;
  ELSIF TG_OP = 'DELETE' THEN
    INSERT INTO cache_changes (clinic_id, topic, from_at, to_at)
    SELECT clinic_id, 'times', min(starts_at), max(ends_at) FROM old_rows GROUP BY clinic_id;
  ELSE
    INSERT INTO cache_changes (clinic_id, topic, from_at, to_at)
    SELECT clinic_id, 'times', min(f), max(t) FROM (
      SELECT clinic_id, starts_at AS f, ends_at AS t FROM old_rows UNION ALL SELECT clinic_id, starts_at, ends_at FROM new_rows
    ) spans GROUP BY clinic_id;
  END IF;
  IF FOUND THEN PERFORM cache_changed_notice(); END IF;
  RETURN NULL;
END $fn$;

DO $$
DECLARE
  t text;
BEGIN
  FOREACH t IN ARRAY ARRAY['busy_blocks', 'schedule_exceptions'] LOOP
    EXECUTE format('CREATE TRIGGER %I AFTER INSERT ON %I REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION note_span_times()', t || '_cache_insert', t);
    EXECUTE format('CREATE TRIGGER %I AFTER UPDATE ON %I REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION note_span_times()', t || '_cache_update', t);
    EXECUTE format('CREATE TRIGGER %I AFTER DELETE ON %I REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION note_span_times()', t || '_cache_delete', t);
  END LOOP;
END $$;

-- Whole-clinic changes: one row per clinic touched, for the topic named by the trigger.
-- clinics has no clinic_id column; its id is the clinic.
CREATE FUNCTION note_clinic_change() RETURNS trigger LANGUAGE plpgsql AS $fn$
DECLARE
  key text := CASE WHEN TG_TABLE_NAME = 'clinics' THEN 'id' ELSE 'clinic_id' END;
BEGIN
  IF TG_OP IN ('INSERT', 'UPDATE') THEN
    EXECUTE format('INSERT INTO cache_changes (clinic_id, topic) SELECT DISTINCT %I, $1 FROM new_rows', key) USING TG_ARGV[0];
  END IF;
  IF TG_OP IN ('DELETE', 'UPDATE') THEN
    EXECUTE format('INSERT INTO cache_changes (clinic_id, topic) SELECT DISTINCT %I, $1 FROM old_rows', key) USING TG_ARGV[0];
  END IF;
  PERFORM cache_changed_notice();
  RETURN NULL;
END $fn$;

DO $$
DECLARE
  spec text[];
BEGIN
  FOREACH spec SLICE 1 IN ARRAY ARRAY[
    ['services', 'setup'], ['service_doctors', 'setup'], ['service_locations', 'setup'], ['availability_rules', 'setup'],
    ['rooms', 'setup'], ['doctor_locations', 'setup'], ['clinic_memberships', 'setup'], ['locations', 'setup'], ['service_discounts', 'setup'],
    ['clinics', 'setup'], ['clinic_domains', 'site']
  ] LOOP
    EXECUTE format('CREATE TRIGGER %I AFTER INSERT ON %I REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION note_clinic_change(%L)', spec[1] || '_cache_insert', spec[1], spec[2]);
    EXECUTE format('CREATE TRIGGER %I AFTER UPDATE ON %I REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION note_clinic_change(%L)', spec[1] || '_cache_update', spec[1], spec[2]);
    EXECUTE format('CREATE TRIGGER %I AFTER DELETE ON %I REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION note_clinic_change(%L)', spec[1] || '_cache_delete', spec[1], spec[2]);
  END LOOP;
END $$;

-- API keys: made, revoked, renamed, re-rated or deleted (last_used_at, written once a minute per key, does not count).
CREATE FUNCTION note_api_key_change() RETURNS trigger LANGUAGE plpgsql AS $fn$
BEGIN
  IF TG_OP = 'INSERT' THEN
    INSERT INTO cache_changes (clinic_id, topic) SELECT DISTINCT clinic_id, 'api_key' FROM new_rows;
  ELSIF TG_OP = 'DELETE' THEN
    INSERT INTO cache_changes (clinic_id, topic) SELECT DISTINCT clinic_id, 'api_key' FROM old_rows;
  ELSE
    INSERT INTO cache_changes (clinic_id, topic)
    SELECT DISTINCT n.clinic_id, 'api_key' FROM old_rows o JOIN new_rows n ON n.clinic_id = o.clinic_id AND n.id = o.id
     WHERE (o.key_hash, o.revoked_at, o.name, o.rate_limit_per_second) IS DISTINCT FROM (n.key_hash, n.revoked_at, n.name, n.rate_limit_per_second);
  END IF;
  IF FOUND THEN PERFORM cache_changed_notice(); END IF;
  RETURN NULL;
END $fn$;
CREATE TRIGGER api_keys_cache_insert AFTER INSERT ON api_keys REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION note_api_key_change();
CREATE TRIGGER api_keys_cache_update AFTER UPDATE ON api_keys REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION note_api_key_change();
CREATE TRIGGER api_keys_cache_delete AFTER DELETE ON api_keys REFERENCING OLD TABLE AS old_rows
  FOR EACH STATEMENT EXECUTE FUNCTION note_api_key_change();

-- The slot engine's data, as before, plus
-- - the holds in the window with their expiry: a cached day is good until the first hold in it
--   runs out ([from minute, to minute, expires ms]);
-- - the clinic's status and the service's discounts, which a booking reads with its slot: one
--   round trip instead of three.
CREATE OR REPLACE FUNCTION schedule_data(p_clinic uuid, p_service uuid, p_practitioner uuid, p_location uuid,
                              p_from timestamptz, p_to timestamptz, p_now timestamptz)
RETURNS json LANGUAGE plpgsql STABLE AS $fn$
DECLARE
  result json;
BEGIN
  WITH svc AS (
    SELECT s.id, s.name, s.duration_min, s.buffer_before_min, s.buffer_after_min, s.start_grid_min, s.room_type::text AS room_type,
           s.min_notice_min, s.horizon_days, s.visibility::text AS visibility, s.season_from::text AS season_from,
           s.season_to::text AS season_to, s.requires_approval, s.price_minor, s.deposit_kind::text AS deposit_kind,
           s.deposit_value, s.cancellation_window_min
      FROM services s WHERE s.clinic_id = p_clinic AND s.id = p_service
  ),
  docs AS (
    SELECT m.id FROM service_doctors sd
      JOIN clinic_memberships m ON m.clinic_id = sd.clinic_id AND m.id = sd.doctor_id
     WHERE sd.clinic_id = p_clinic AND sd.service_id = p_service
       AND m.role = 'doctor' AND m.active AND m.work_status = 'active'
       AND (p_practitioner IS NULL OR m.id = p_practitioner)
  ),
  locs AS (
    SELECT l.id, l.opening_hours FROM locations l
     WHERE l.clinic_id = p_clinic AND (p_location IS NULL OR l.id = p_location)
       AND (NOT EXISTS (SELECT 1 FROM service_locations sl WHERE sl.clinic_id = p_clinic AND sl.service_id = p_service)
            OR EXISTS (SELECT 1 FROM service_locations sl
                        WHERE sl.clinic_id = p_clinic AND sl.service_id = p_service AND sl.location_id = l.id))
  ),
  rms AS (
    SELECT r.id, r.location_id, r.type::text AS type FROM rooms r, svc
     WHERE r.clinic_id = p_clinic AND r.active AND svc.room_type IS NOT NULL AND r.type::text = svc.room_type
       AND r.location_id IN (SELECT id FROM locs)
  ),
  win AS (
    SELECT greatest(p_from, p_now + make_interval(mins => svc.min_notice_min))
             - make_interval(mins => svc.buffer_before_min + svc.duration_min + svc.buffer_after_min) AS lo,
           least(p_to, p_now + make_interval(days => svc.horizon_days))
             + make_interval(mins => svc.buffer_before_min + svc.duration_min + svc.buffer_after_min) AS hi
      FROM svc
  ),
  -- date_part, not extract: extract returns numeric, whose arithmetic dominated this query.
  busy AS (
    SELECT a.doctor_id, a.room_id,
           floor(date_part('epoch', a.blocked_from) / 60)::bigint AS f, ceil(date_part('epoch', a.blocked_to) / 60)::bigint AS t,
           CASE WHEN a.status = 'held' THEN (date_part('epoch', a.hold_expires_at) * 1000)::bigint END AS expires
      FROM appointments a, win
     WHERE a.clinic_id = p_clinic
       -- Constant bounds the index can use (a visit lasts at most 12 hours plus buffers), then the
       -- exact window.
       AND a.starts_at >= p_from - interval '1 day' AND a.starts_at < p_to + interval '1 day'
       AND a.blocked_from < win.hi AND a.blocked_to > win.lo
       AND a.status IN ('held', 'requested', 'confirmed', 'checked_in', 'in_consultation', 'completed')
       AND NOT (a.status = 'held' AND a.hold_expires_at <= p_now)
       AND (a.doctor_id IN (SELECT id FROM docs) OR a.room_id IN (SELECT id FROM rms))
    UNION ALL
    SELECT bb.doctor_id, bb.room_id, floor(date_part('epoch', bb.starts_at) / 60)::bigint, ceil(date_part('epoch', bb.ends_at) / 60)::bigint, NULL
      FROM busy_blocks bb, win
     WHERE bb.clinic_id = p_clinic AND bb.ends_at > win.lo AND bb.starts_at < win.hi
       AND (bb.doctor_id IN (SELECT id FROM docs) OR bb.room_id IN (SELECT id FROM rms))
  )
  SELECT json_build_object(
    'service', (SELECT row_to_json(svc) FROM svc),
    'doctors', (SELECT coalesce(json_agg(id ORDER BY id), '[]') FROM docs),
    'locations', (SELECT coalesce(json_agg(json_build_object('id', id, 'openingHours', opening_hours)), '[]') FROM locs),
    'rooms', (SELECT coalesce(json_agg(row_to_json(rms)), '[]') FROM rms),
    'rules', (SELECT coalesce(json_agg(json_build_array(r.doctor_id, r.location_id, r.weekday, r.start_minute, r.end_minute, r.breaks,
                                               r.effective_from::text, r.effective_to::text)), '[]')
       FROM availability_rules r
      WHERE r.clinic_id = p_clinic AND r.doctor_id IN (SELECT id FROM docs) AND r.location_id IN (SELECT id FROM locs)),
    'exceptions', (SELECT coalesce(json_agg(json_build_array(e.kind, e.doctor_id, e.location_id,
                                               (date_part('epoch', e.starts_at) * 1000)::bigint, (date_part('epoch', e.ends_at) * 1000)::bigint)), '[]')
       FROM schedule_exceptions e, win
      WHERE e.clinic_id = p_clinic AND e.ends_at > win.lo AND e.starts_at < win.hi
        AND (e.doctor_id IS NULL OR e.doctor_id IN (SELECT id FROM docs))),
    -- Busy time as one line of "from to" minute pairs per doctor and per room: thousands of
    -- appointments travel as a few compact strings instead of thousands of JSON objects.
    'busy', (SELECT coalesce(json_agg(json_build_array(g.kind, g.id, g.spans)), '[]') FROM (
       SELECT 'd' AS kind, b.doctor_id AS id, string_agg(b.f || ' ' || b.t, ' ') AS spans FROM busy b
        WHERE b.doctor_id IN (SELECT id FROM docs) GROUP BY b.doctor_id
       UNION ALL
       SELECT 'r', b.room_id, string_agg(b.f || ' ' || b.t, ' ') FROM busy b
        WHERE b.room_id IN (SELECT id FROM rms) GROUP BY b.room_id
    ) g),
    'holds', (SELECT coalesce(json_agg(json_build_array(b.f, b.t, b.expires)), '[]') FROM busy b WHERE b.expires IS NOT NULL),
    'clinic_status', (SELECT c.status::text FROM clinics c WHERE c.id = p_clinic),
    'discounts', (SELECT coalesce(json_agg(json_build_array(d.kind, d.label, d.percent, d.starts_on::text, d.ends_on::text, d.weekdays,
                                                   d.from_minute, d.to_minute)), '[]')
       FROM service_discounts d WHERE d.clinic_id = p_clinic AND d.service_id = p_service)
  ) INTO result;
  RETURN result;
END $fn$;
