-- Marketplace search speed (docs/decisions/029-marketplace-search-speed.md).

-- The vocabulary lookup. The planner mostly left the GIN trigram index for `<%` unused: it prices
-- the operator like a cheap one, so it scanned all the terms and computed word_similarity for each
-- (10–40 ms for a three-word search at 2,000 clinics). A GiST trigram index answers "the terms
-- closest to this word" as an index scan ordered by distance (`<<->`) that stops after the few it
-- needs (under 1 ms).
DROP INDEX published_search_terms_term_trgm_idx;
CREATE INDEX published_search_terms_term_gist_idx ON published_search_terms USING gist (term gist_trgm_ops);

-- The closest terms (at most p_limit per word, closest first, then alphabetically) whose trigram word
-- similarity to each word is at least the search's threshold. One statement for all the words of a
-- search; `i` is the word's position in p_words (from 1). The threshold is set for this function
-- only (and restored after), so a caller needs no transaction to set it: a misspelt or shortened
-- word ("dentl", "clening", "physo") keeps about two thirds of the trigrams of the word it means, and
-- pg_trgm's default of 0.6 is too strict for five-letter words with one letter missing.
CREATE FUNCTION published_similar_terms(p_words text[], p_limit integer)
RETURNS TABLE (i integer, term text, sim double precision)
LANGUAGE sql STABLE SET pg_trgm.word_similarity_threshold = 0.5 AS $$
  SELECT w.i::integer, t.term, t.sim
    FROM unnest(p_words) WITH ORDINALITY AS w(word, i)
   CROSS JOIN LATERAL (
     SELECT x.term, word_similarity(w.word, x.term)::double precision AS sim
       FROM published_search_terms x
      WHERE w.word <% x.term
      ORDER BY w.word <<-> x.term, x.term
      LIMIT p_limit
   ) t
$$;

-- Sorting by price reads the matches in price order and stops after the page, instead of scoring
-- every match (10,000 for "physiotherapy") and sorting them.
CREATE INDEX published_services_price_minor_idx ON published_services (price_minor);

-- The search filters list every city and specialty of the published catalog: read by skipping from
-- one value to the next in these indexes (a few dozen index probes) instead of reading all 60,000
-- rows to find twenty cities.
CREATE INDEX published_services_clinic_city_idx ON published_services (clinic_city);
CREATE INDEX published_services_specialty_idx ON published_services (specialty);

-- Browsing without words (a city, a specialty, a price range) lists services by clinic name: read in
-- that order, stopping after the page, instead of sorting every service of the catalog.
CREATE INDEX published_services_clinic_name_position_name_idx ON published_services (clinic_name, position, name);

-- New rows go straight into the GIN indexes instead of a pending list. With the list, every search
-- also read every entry added since the last vacuum (up to 4 MB after a bulk import: a misspelled
-- search took twice as long until autovacuum came by, and then competed with it). Catalog writes
-- refresh a clinic's few dozen rows, so the slower insert does not matter.
ALTER INDEX published_services_terms_idx SET (fastupdate = off);
ALTER INDEX published_services_search_document_idx SET (fastupdate = off);
SELECT gin_clean_pending_list('published_services_terms_idx'::regclass);
SELECT gin_clean_pending_list('published_services_search_document_idx'::regclass);
