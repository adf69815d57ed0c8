-- The published search index (docs/decisions/010-published-search-index.md): a copy of what live
-- clinics publish about their public services, kept for the marketplace search.
--
-- Under FORCED row-level security PostgreSQL cannot use a full-text or trigram index ahead of the
-- policies (@@ and <% are not leakproof), so searching `services` compared every published service
-- with the search (~2 s at 60,000 services). This table holds only public data — the fields a
-- clinic's own booking site shows to anyone — of live clinics and of services offered publicly, so
-- it needs no row-level security and its GIN indexes are used.
--
-- It is written only by refresh_published_services(), a SECURITY DEFINER function called by
-- statement-level triggers on the source tables, in the same transaction as the change: unpublishing
-- a service, drafting or suspending a clinic removes its rows before the change commits. The runtime
-- role may only SELECT it (app/utils/migrate.server.ts, PUBLISHED_TABLES).

CREATE TABLE published_services (
  clinic_id uuid NOT NULL REFERENCES clinics (id) ON DELETE CASCADE,
  service_id uuid NOT NULL,
  clinic_slug text NOT NULL,
  clinic_name text NOT NULL,
  clinic_city text,
  clinic_time_zone text NOT NULL,
  currency text NOT NULL,
  service_key text NOT NULL,
  name text NOT NULL,
  category text,
  specialty text,
  description text,
  duration_min integer NOT NULL,
  price_minor integer NOT NULL,
  deposit_kind deposit_kind NOT NULL,
  deposit_value integer NOT NULL,
  position integer NOT NULL,
  -- The service's discounts as its booking page shows them: [{label, kind, percent, startsOn, endsOn, weekdays, fromMinute, toMinute}].
  discounts jsonb NOT NULL DEFAULT '[]',
  -- The last day a discount can still apply ('infinity' when one never ends); NULL without discounts.
  discount_until date,
  -- Coordinates of the locations that offer the service (all of the clinic's when none are named).
  latitudes double precision[] NOT NULL DEFAULT '{}',
  longitudes double precision[] NOT NULL DEFAULT '{}',
  -- The service's name and specialty, as one text.
  match_text text NOT NULL,
  -- Everything a search word may resemble, as search terms (published_terms): the words of the
  -- service's name, specialty and category and of its clinic's name, and the clinic's whole name.
  terms text[] NOT NULL DEFAULT '{}',
  search_document tsvector NOT NULL,
  PRIMARY KEY (clinic_id, service_id)
);
CREATE UNIQUE INDEX published_services_service_id_key ON published_services (service_id);
CREATE INDEX published_services_terms_idx ON published_services USING gin (terms);
CREATE INDEX published_services_search_document_idx ON published_services USING gin (search_document);

-- Every search term of the published catalog, once: the vocabulary a misspelled word is looked up in
-- (a few thousand terms, whatever the number of services). A search first finds the terms that
-- resemble each of its words here (trigram index), then the services holding those terms (GIN on
-- published_services.terms), so no trigram is computed per service. Terms are only added: one that
-- no published service holds any more matches nothing.
CREATE TABLE published_search_terms (
  term text PRIMARY KEY
);
CREATE INDEX published_search_terms_term_trgm_idx ON published_search_terms USING gin (term gin_trgm_ops);

-- The search terms of some texts: their words (lower case, two characters or more), and each whole
-- text given in `phrases` (lower case) so a search resembling a whole clinic name finds it.
CREATE FUNCTION published_terms(words text[], phrases text[]) RETURNS text[] LANGUAGE sql IMMUTABLE AS $$
  SELECT coalesce(array_agg(DISTINCT t), '{}') FROM (
    SELECT w AS t FROM unnest(words) AS x(txt), regexp_split_to_table(lower(coalesce(txt, '')), '[^[:alnum:]]+') AS w WHERE length(w) >= 2
    UNION ALL
    SELECT lower(p) FROM unnest(phrases) AS p WHERE p IS NOT NULL AND p <> ''
  ) terms
$$;
CREATE INDEX published_services_service_key_idx ON published_services (service_key);

-- Rebuilds the published rows of the given clinics from the source tables. Runs as the owner in the
-- "published catalog" scope (app.scope = system, restored on return), so the catalog policies decide
-- what it can read, and it asks for published services of live clinics only.
-- Planned afresh on every call (force_custom_plan): a plan cached while the table was small would keep
-- scanning it whole once it holds every clinic's services.
CREATE FUNCTION refresh_published_services(p_clinics uuid[]) RETURNS void
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
END $$;

-- Statement-level triggers (one refresh per statement and clinic, however many rows it wrote).
-- TG_ARGV[0] names the column that holds the clinic: clinic_id, or id on clinics itself.
CREATE FUNCTION published_services_after_insert() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE ids uuid[];
BEGIN
  IF TG_ARGV[0] = 'id' THEN SELECT array_agg(DISTINCT id) INTO ids FROM new_rows;
  ELSE SELECT array_agg(DISTINCT clinic_id) INTO ids FROM new_rows; END IF;
  PERFORM refresh_published_services(ids);
  RETURN NULL;
END $$;

CREATE FUNCTION published_services_after_update() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE ids uuid[];
BEGIN
  IF TG_ARGV[0] = 'id' THEN
    SELECT array_agg(DISTINCT x) INTO ids FROM (SELECT id AS x FROM new_rows UNION SELECT id FROM old_rows) u;
  ELSE
    SELECT array_agg(DISTINCT x) INTO ids FROM (SELECT clinic_id AS x FROM new_rows UNION SELECT clinic_id FROM old_rows) u;
  END IF;
  PERFORM refresh_published_services(ids);
  RETURN NULL;
END $$;

CREATE FUNCTION published_services_after_delete() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE ids uuid[];
BEGIN
  IF TG_ARGV[0] = 'id' THEN SELECT array_agg(DISTINCT id) INTO ids FROM old_rows;
  ELSE SELECT array_agg(DISTINCT clinic_id) INTO ids FROM old_rows; END IF;
  PERFORM refresh_published_services(ids);
  RETURN NULL;
END $$;

DO $$
DECLARE
  t text;
  col text;
BEGIN
  FOREACH t IN ARRAY ARRAY['clinics', 'services', 'service_categories', 'service_discounts', 'locations', 'service_locations'] LOOP
    col := CASE WHEN t = 'clinics' THEN 'id' ELSE 'clinic_id' END;
    EXECUTE format('CREATE TRIGGER %I AFTER INSERT ON %I REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION published_services_after_insert(%L)', t || '_publish_insert', t, col);
    EXECUTE format('CREATE TRIGGER %I AFTER UPDATE ON %I REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION published_services_after_update(%L)', t || '_publish_update', t, col);
    EXECUTE format('CREATE TRIGGER %I AFTER DELETE ON %I REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION published_services_after_delete(%L)', t || '_publish_delete', t, col);
  END LOOP;
END $$;

-- What is already published (the migration's own transaction reads clinics in the catalog scope).
SELECT set_config('app.scope', 'system', true);
SELECT refresh_published_services(ARRAY(SELECT id FROM clinics));
SELECT set_config('app.scope', '', true);
