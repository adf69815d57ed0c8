-- Marketplace search (app/modules/marketplace/search.server.ts): whole-word matching over what a
-- patient reads about a service, stemmed ("cleaning" finds "clean"). Stored, so a search does not
-- parse every service's description again; misspellings are matched with pg_trgm (foundation).
--
-- No GIN index: the marketplace reads services under FORCED row-level security, and PostgreSQL only
-- uses a condition as an index condition ahead of the row-level policies when its operator is
-- LEAKPROOF. Neither @@ nor pg_trgm's <% is, so such an index would be maintained on every write and
-- never used by the runtime role (checked with EXPLAIN).
ALTER TABLE services ADD COLUMN search_document tsvector GENERATED ALWAYS AS (
  to_tsvector('english', name || ' ' || coalesce(specialty, '') || ' ' || coalesce(description, ''))
) STORED;
