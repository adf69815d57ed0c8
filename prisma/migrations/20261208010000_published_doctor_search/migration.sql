-- One marketplace search for services, clinics and doctors (docs/decisions/040-doctor-search.md).
--
-- Two more public copies beside published_services (decision 010), for the same reason: under FORCED
-- row-level security the GIN index on search terms cannot be used, so the marketplace searches copies
-- that hold only what live clinics show to anyone, without row-level security.
--
--   published_clinics  one row per live clinic: what its card on the marketplace shows.
--   published_doctors  one row per doctor a live clinic publishes: an active doctor (not on leave, not
--                      inactive) who performs at least one publicly offered service, as the doctor's
--                      page on the marketplace shows them (name, specialty, the services they offer).
--
-- Both are written only by refresh_published_directory(), a SECURITY DEFINER function called in the
-- same transaction as the change: by refresh_published_services (so every trigger of decision 010
-- refreshes them too) and by new triggers on clinic_memberships, service_doctors and staff_users
-- (a doctor's name). Drafting or suspending a clinic, deactivating a doctor or taking away their last
-- public service removes the row before that change commits. The runtime role may only SELECT them
-- (app/utils/migrate.server.ts, PUBLISHED_TABLES). No e-mail, phone, role other than doctor, or
-- membership detail is copied.

CREATE TABLE published_clinics (
  clinic_id uuid PRIMARY KEY REFERENCES clinics (id) ON DELETE CASCADE,
  slug text NOT NULL,
  name text NOT NULL,
  tagline text,
  city text,
  specialties text[] NOT NULL DEFAULT '{}',
  has_logo boolean NOT NULL DEFAULT false,
  -- The logo's version for its URL (milliseconds of its last change; 0 without one).
  logo_version bigint NOT NULL DEFAULT 0,
  location_count integer NOT NULL DEFAULT 0,
  -- Search terms (published_terms): the words of its name, city and specialties, and its whole name.
  terms text[] NOT NULL DEFAULT '{}'
);
CREATE INDEX published_clinics_terms_idx ON published_clinics USING gin (terms) WITH (fastupdate = off);

CREATE TABLE published_doctors (
  clinic_id uuid NOT NULL REFERENCES clinics (id) ON DELETE CASCADE,
  -- The doctor's membership at the clinic (the id in /clinics/{slug}/doctors/{id}).
  doctor_id uuid NOT NULL,
  clinic_slug text NOT NULL,
  clinic_name text NOT NULL,
  clinic_city text,
  name text NOT NULL,
  specialty text,
  -- The publicly offered services the doctor performs, in the clinic's order.
  service_names text[] NOT NULL DEFAULT '{}',
  -- Search terms (published_terms): the words of the doctor's name and specialty, and the whole name.
  terms text[] NOT NULL DEFAULT '{}',
  PRIMARY KEY (clinic_id, doctor_id)
);
CREATE UNIQUE INDEX published_doctors_doctor_id_key ON published_doctors (doctor_id);
CREATE INDEX published_doctors_terms_idx ON published_doctors USING gin (terms) WITH (fastupdate = off);

-- The published clinics and doctors matching a search, at most p_limit, optionally in one city or of
-- one specialty. A row matches when the whole search resembles one of its terms (p_whole: the
-- vocabulary's terms close to the whole search), or every word resembles one of them (p_words: one
-- row per word, its close terms, padded with NULLs to the longest; a word with no close term is a row
-- of NULLs and matches nothing). p_any is every term of both, for the index. (The condition is
-- written out in each function: as a function of its own it would be called once per row.) Answered through the GIN index on
-- `terms`: the planner prices `&&` like a cheap operator and, with a LIMIT, preferred reading the
-- whole table and comparing every row's terms with the search's few dozen (15-30 ms at 10,000
-- doctors) to the index (under 1 ms), so sequential scans are off inside these functions only.
CREATE FUNCTION published_clinic_matches(p_any text[], p_whole text[], p_words text[], p_city text, p_specialty text, p_limit integer)
RETURNS SETOF published_clinics LANGUAGE sql STABLE SET enable_seqscan = off AS $$
  SELECT c.* FROM published_clinics c
   WHERE c.terms && p_any
     AND (c.terms && p_whole
          OR (cardinality(p_words) > 0 AND NOT EXISTS (SELECT 1 FROM generate_subscripts(p_words, 1) AS i WHERE NOT (c.terms && p_words[i:i]))))
     AND (p_city IS NULL OR lower(c.city) = lower(p_city))
     AND (p_specialty IS NULL OR EXISTS (SELECT 1 FROM unnest(c.specialties) AS x(v) WHERE lower(x.v) = lower(p_specialty)))
   LIMIT p_limit
$$;

CREATE FUNCTION published_doctor_matches(p_any text[], p_whole text[], p_words text[], p_city text, p_specialty text, p_limit integer)
RETURNS SETOF published_doctors LANGUAGE sql STABLE SET enable_seqscan = off AS $$
  SELECT d.* FROM published_doctors d
   WHERE d.terms && p_any
     AND (d.terms && p_whole
          OR (cardinality(p_words) > 0 AND NOT EXISTS (SELECT 1 FROM generate_subscripts(p_words, 1) AS i WHERE NOT (d.terms && p_words[i:i]))))
     AND (p_city IS NULL OR lower(d.clinic_city) = lower(p_city))
     AND (p_specialty IS NULL OR lower(d.specialty) = lower(p_specialty))
   LIMIT p_limit
$$;

-- Rebuilds the published clinic and doctor rows of the given clinics, and adds their terms to the
-- vocabulary. Runs as the owner in the "published catalog" scope (app.scope = system, restored on
-- return) and asks for live clinics and bookable doctors only.
CREATE FUNCTION refresh_published_directory(p_clinics uuid[]) RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp SET plan_cache_mode = force_custom_plan AS $$
DECLARE
  previous_scope text := coalesce(current_setting('app.scope', true), '');
BEGIN
  IF p_clinics IS NULL OR cardinality(p_clinics) = 0 THEN
    RETURN;
  END IF;
  PERFORM set_config('app.scope', 'system', true);
  DELETE FROM published_clinics WHERE clinic_id = ANY (p_clinics);
  DELETE FROM published_doctors WHERE clinic_id = ANY (p_clinics);
  INSERT INTO published_clinics (clinic_id, slug, name, tagline, city, specialties, has_logo, logo_version, location_count, terms)
  SELECT c.id, c.slug, c.name, c.tagline, c.city, c.specialties, c.logo_type IS NOT NULL,
         coalesce(floor(extract(epoch FROM c.logo_updated_at) * 1000)::bigint, 0),
         (SELECT count(*)::int FROM locations l WHERE l.clinic_id = c.id),
         published_terms(ARRAY[c.name, c.city] || c.specialties, ARRAY[c.name])
    FROM clinics c
   WHERE c.id = ANY (p_clinics)
     AND c.status = 'live';
  INSERT INTO published_doctors (clinic_id, doctor_id, clinic_slug, clinic_name, clinic_city, name, specialty, service_names, terms)
  SELECT c.id, m.id, c.slug, c.name, c.city, u.name, m.specialty, sv.names,
         published_terms(ARRAY[u.name, m.specialty], ARRAY[u.name])
    FROM clinics c
    JOIN clinic_memberships m ON m.clinic_id = c.id
    JOIN staff_users u ON u.id = m.staff_user_id
    JOIN LATERAL (
      SELECT array_agg(s.name ORDER BY s.position, s.name, s.id) AS names
        FROM service_doctors sd
        JOIN services s ON s.clinic_id = sd.clinic_id AND s.id = sd.service_id
       WHERE sd.clinic_id = m.clinic_id AND sd.doctor_id = m.id
         AND s.visibility IN ('active', 'seasonal')
    ) sv ON sv.names IS NOT NULL
   WHERE c.id = ANY (p_clinics)
     AND c.status = 'live'
     AND m.role = 'doctor'
     AND m.active
     AND (m.work_status IS NULL OR m.work_status = 'active');
  INSERT INTO published_search_terms (term)
  SELECT t FROM published_clinics pc, unnest(pc.terms) AS t WHERE pc.clinic_id = ANY (p_clinics)
  UNION
  SELECT t FROM published_doctors pd, unnest(pd.terms) AS t WHERE pd.clinic_id = ANY (p_clinics)
  ON CONFLICT DO NOTHING;
  PERFORM set_config('app.scope', previous_scope, true);
END $$;

-- The function of decision 010, unchanged but for its last line: whatever refreshes a clinic's
-- published services (clinics, services, categories, discounts, locations, service locations)
-- refreshes its published clinic and doctors too.
CREATE OR REPLACE FUNCTION refresh_published_services(p_clinics uuid[]) RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp SET plan_cache_mode = force_custom_plan AS $$
DECLARE
  previous_scope text := coalesce(current_setting('app.scope', true), '');
BEGIN
  IF p_clinics IS NULL OR cardinality(p_clinics) = 0 THEN
    RETURN;
  END IF;
  PERFORM set_config('app.scope', 'system', true);
  DELETE FROM published_services WHERE clinic_id = ANY (p_clinics);
  INSERT INTO published_services (
    clinic_id, service_id, clinic_slug, clinic_name, clinic_city, clinic_time_zone, currency,
    service_key, name, category, specialty, description, duration_min, price_minor, deposit_kind, deposit_value,
    position, discounts, discount_until, latitudes, longitudes, match_text, terms, search_document)
  SELECT c.id, s.id, c.slug, c.name, c.city, c.time_zone, c.currency,
         s.key, s.name, cat.name, s.specialty, s.description, s.duration_min, s.price_minor, s.deposit_kind, s.deposit_value,
         s.position,
         coalesce(d.discounts, '[]'), d.discount_until,
         coalesce(l.latitudes, '{}'), coalesce(l.longitudes, '{}'),
         s.name || ' ' || coalesce(s.specialty, ''),
         published_terms(ARRAY[s.name, s.specialty, cat.name, c.name], ARRAY[c.name]),
         s.search_document
    FROM clinics c
    JOIN services s ON s.clinic_id = c.id
    LEFT JOIN service_categories cat ON cat.clinic_id = s.clinic_id AND cat.id = s.category_id
    LEFT JOIN LATERAL (
      SELECT jsonb_agg(jsonb_build_object(
               'label', sd.label, 'kind', sd.kind, 'percent', sd.percent, 'startsOn', sd.starts_on, 'endsOn', sd.ends_on,
               'weekdays', sd.weekdays, 'fromMinute', sd.from_minute, 'toMinute', sd.to_minute) ORDER BY sd.percent DESC, sd.label) AS discounts,
             max(coalesce(sd.ends_on, 'infinity'::date)) AS discount_until
        FROM service_discounts sd
       WHERE sd.clinic_id = s.clinic_id AND sd.service_id = s.id
    ) d ON true
    LEFT JOIN LATERAL (
      SELECT array_agg(loc.latitude ORDER BY loc.id) AS latitudes, array_agg(loc.longitude ORDER BY loc.id) AS longitudes
        FROM locations loc
       WHERE loc.clinic_id = s.clinic_id AND loc.latitude IS NOT NULL AND loc.longitude IS NOT NULL
         AND (NOT EXISTS (SELECT 1 FROM service_locations sl WHERE sl.clinic_id = s.clinic_id AND sl.service_id = s.id)
              OR EXISTS (SELECT 1 FROM service_locations sl WHERE sl.clinic_id = s.clinic_id AND sl.service_id = s.id AND sl.location_id = loc.id))
    ) l ON true
   WHERE c.id = ANY (p_clinics)
     AND c.status = 'live'
     AND s.visibility IN ('active', 'seasonal');
  INSERT INTO published_search_terms (term)
  SELECT DISTINCT t FROM published_services ps, unnest(ps.terms) AS t WHERE ps.clinic_id = ANY (p_clinics)
  ON CONFLICT DO NOTHING;
  PERFORM set_config('app.scope', previous_scope, true);
  PERFORM refresh_published_directory(p_clinics);
END $$;

-- Who a clinic publishes as its doctors changes with memberships (role, active, work status,
-- specialty) and with who performs which service: statement-level triggers, one refresh per
-- statement and clinic, like those of decision 010.
CREATE FUNCTION published_directory_after_insert() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE ids uuid[];
BEGIN
  SELECT array_agg(DISTINCT clinic_id) INTO ids FROM new_rows;
  PERFORM refresh_published_directory(ids);
  RETURN NULL;
END $$;

CREATE FUNCTION published_directory_after_update() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE ids uuid[];
BEGIN
  SELECT array_agg(DISTINCT x) INTO ids FROM (SELECT clinic_id AS x FROM new_rows UNION SELECT clinic_id FROM old_rows) u;
  PERFORM refresh_published_directory(ids);
  RETURN NULL;
END $$;

CREATE FUNCTION published_directory_after_delete() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE ids uuid[];
BEGIN
  SELECT array_agg(DISTINCT clinic_id) INTO ids FROM old_rows;
  PERFORM refresh_published_directory(ids);
  RETURN NULL;
END $$;

DO $$
DECLARE
  t text;
BEGIN
  FOREACH t IN ARRAY ARRAY['clinic_memberships', 'service_doctors'] LOOP
    EXECUTE format('CREATE TRIGGER %I AFTER INSERT ON %I REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION published_directory_after_insert()', t || '_publish_insert', t);
    EXECUTE format('CREATE TRIGGER %I AFTER UPDATE ON %I REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION published_directory_after_update()', t || '_publish_update', t);
    EXECUTE format('CREATE TRIGGER %I AFTER DELETE ON %I REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION published_directory_after_delete()', t || '_publish_delete', t);
  END LOOP;
END $$;

-- A doctor's name lives on their staff account (one person, several clinics). staff_users is updated
-- on every sign-in too, so only a changed name refreshes anything: the clinics where the person is a
-- doctor, found in the "published catalog" scope (memberships are clinic rows).
CREATE FUNCTION published_directory_after_staff_rename() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
  ids uuid[];
  previous_scope text := coalesce(current_setting('app.scope', true), '');
BEGIN
  IF NOT EXISTS (SELECT 1 FROM new_rows n JOIN old_rows o ON o.id = n.id WHERE n.name IS DISTINCT FROM o.name) THEN
    RETURN NULL;
  END IF;
  PERFORM set_config('app.scope', 'system', true);
  SELECT array_agg(DISTINCT m.clinic_id) INTO ids
    FROM new_rows n JOIN old_rows o ON o.id = n.id
    JOIN clinic_memberships m ON m.staff_user_id = n.id AND m.role = 'doctor'
   WHERE n.name IS DISTINCT FROM o.name;
  PERFORM set_config('app.scope', previous_scope, true);
  PERFORM refresh_published_directory(ids);
  RETURN NULL;
END $$;

CREATE TRIGGER staff_users_publish_update AFTER UPDATE ON staff_users
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION published_directory_after_staff_rename();

-- What is already published (the migration's own transaction reads clinics in the catalog scope).
SELECT set_config('app.scope', 'system', true);
SELECT refresh_published_directory(ARRAY(SELECT id FROM clinics));
SELECT set_config('app.scope', '', true);
