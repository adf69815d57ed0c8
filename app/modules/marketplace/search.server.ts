/**
 * Typo-tolerant search over the published catalog: services of live clinics that are offered
 * publicly (active or seasonal), found by whole words (full-text, stemmed) or by misspellings
 * (trigram word similarity), in the "published catalog" system scope like the rest of the catalog.
 * Only published fields leave this module.
 *
 * Every published service of a live clinic is compared with the search: under forced row-level
 * security PostgreSQL cannot use a full-text or trigram index ahead of the policies (see the
 * marketplace_search migration).
 */
import { Prisma } from "~/generated/prisma/client";
import type { Db, Tx } from "~/utils/db.server";
import { ValidationError } from "~/utils/errors.server";
import { fieldErrorsFromZod } from "~/utils/problem.server";
import { searchInputSchema, searchTokens, type SearchInput, type SearchQuery } from "./search-query";

/**
 * Lowest trigram word similarity (pg_trgm's `<%`) that counts as a match. A misspelt or shortened
 * word ("dentl", "clening", "physo") keeps about two thirds of the trigrams of the word it means;
 * pg_trgm's default of 0.6 is too strict for five-letter words with one letter missing.
 */
export const WORD_SIMILARITY_THRESHOLD = 0.5;

export interface CatalogSearchResult {
  clinic: { slug: string; name: string; city: string | null };
  service: {
    id: string;
    key: string;
    name: string;
    category: string | null;
    specialty: string | null;
    durationMin: number;
    /** In the clinic currency's minor units, before any discount. */
    priceMinor: number;
    currency: string;
    deposit: { kind: "none" | "fixed" | "percent"; value: number };
    hasDiscount: boolean;
  };
  /** Higher is better; only meaningful within one search. */
  score: number;
}

export interface CatalogSearchFacets {
  cities: string[];
  specialties: string[];
}

interface Row {
  clinic_slug: string;
  clinic_name: string;
  clinic_city: string | null;
  currency: string;
  service_id: string;
  service_key: string;
  service_name: string;
  category: string | null;
  specialty: string | null;
  duration_min: number;
  price_minor: number;
  deposit_kind: "none" | "fixed" | "percent";
  deposit_value: number;
  has_discount: boolean;
  score: number;
}

/** The input, checked; a ValidationError (422, a clear message per field) instead of anything worse. */
export function parseSearchInput(input: SearchInput): SearchQuery {
  const parsed = searchInputSchema.safeParse(input);
  if (!parsed.success) {
    const errors = fieldErrorsFromZod(parsed.error);
    throw new ValidationError(errors[0]?.message ?? "The search is not valid.", errors);
  }
  return parsed.data;
}

const nameText = Prisma.sql`(s.name || ' ' || coalesce(s.specialty, ''))`;
const published = Prisma.sql`s.visibility IN ('active', 'seasonal')`;

// A discount counts while it can still apply: weekday and off-peak ones always, seasonal ones until they end.
const hasDiscount = Prisma.sql`EXISTS (
  SELECT 1 FROM service_discounts d
   WHERE d.clinic_id = s.clinic_id AND d.service_id = s.id AND (d.ends_on IS NULL OR d.ends_on >= current_date))`;

function filters(query: SearchQuery): Prisma.Sql[] {
  const where: Prisma.Sql[] = [];
  if (query.specialty) where.push(Prisma.sql`lower(s.specialty) = lower(${query.specialty}::text)`);
  if (query.priceMin !== undefined) where.push(Prisma.sql`s.price_minor >= ${query.priceMin}::int`);
  if (query.priceMax !== undefined) where.push(Prisma.sql`s.price_minor <= ${query.priceMax}::int`);
  if (query.discounted !== undefined) where.push(query.discounted ? hasDiscount : Prisma.sql`NOT ${hasDiscount}`);
  return where;
}

/**
 * A published service matches when the words match as whole words, when the whole search resembles
 * its name or its clinic's name, or when every word resembles one of them: "dentl clening" is too far
 * from "Check-up and professional cleaning · General dentistry" as a whole, but each word is close.
 * Clinic-level closeness is worked out once per clinic (the `live` CTE), not once per service.
 */
const matches = Prisma.sql`(s.search_document @@ p.tsq
  OR p.q <% ${nameText}
  OR c.name_matches
  OR (cardinality(p.tokens) > 0 AND NOT EXISTS (
        SELECT 1 FROM unnest(p.tokens) AS w(token)
         WHERE NOT (w.token = ANY (c.name_tokens) OR w.token <% ${nameText} OR w.token <% coalesce(cat.name, '')))))`;

// An exact name outranks everything; then whole-word matches, then closeness of spelling.
const score = Prisma.sql`(
    CASE WHEN lower(s.name) = lower(p.q) THEN 10 ELSE 0 END
  + CASE WHEN s.search_document @@ p.tsq THEN 2 + ts_rank(s.search_document, p.tsq) ELSE 0 END
  + greatest(word_similarity(p.q, ${nameText}),
             (SELECT coalesce(avg(word_similarity(w.token, ${nameText})), 0) FROM unnest(p.tokens) AS w(token)))
  + 0.5 * c.name_similarity)::float8`;

async function runSearch(tx: Tx, query: SearchQuery): Promise<Row[]> {
  await tx.$executeRaw`SELECT set_config('pg_trgm.word_similarity_threshold', ${String(WORD_SIMILARITY_THRESHOLD)}, true)`;
  const searching = query.q !== "";
  const conditions = [published, ...filters(query), ...(searching ? [matches] : [])];
  const order =
    query.sort === "price"
      ? Prisma.sql`s.price_minor ASC, score DESC, c.name ASC, s.name ASC`
      : Prisma.sql`score DESC, c.name ASC, s.position ASC, s.name ASC`;
  return tx.$queryRaw<Row[]>`
    WITH p AS MATERIALIZED (
      SELECT ${query.q}::text AS q, websearch_to_tsquery('english', ${query.q}::text) AS tsq, ${searchTokens(query.q)}::text[] AS tokens
    ),
    live AS MATERIALIZED (
      SELECT c.id, c.slug, c.name, c.city, c.currency,
             word_similarity(p.q, c.name) AS name_similarity,
             (p.q <> '' AND p.q <% c.name) AS name_matches,
             ARRAY(SELECT w.token FROM unnest(p.tokens) AS w(token) WHERE w.token <% c.name) AS name_tokens
        FROM clinics c, p
       WHERE c.status = 'live' ${query.city ? Prisma.sql`AND lower(c.city) = lower(${query.city}::text)` : Prisma.empty}
    )
    SELECT c.slug AS clinic_slug, c.name AS clinic_name, c.city AS clinic_city, c.currency,
           s.id::text AS service_id, s.key AS service_key, s.name AS service_name, cat.name AS category,
           s.specialty, s.duration_min, s.price_minor, s.deposit_kind::text AS deposit_kind, s.deposit_value,
           ${hasDiscount} AS has_discount, ${searching ? score : Prisma.sql`0::float8`} AS score
      FROM p, services s
      JOIN live c ON c.id = s.clinic_id
      LEFT JOIN service_categories cat ON cat.clinic_id = s.clinic_id AND cat.id = s.category_id
     WHERE ${Prisma.join(conditions, " AND ")}
     ORDER BY ${order}
     LIMIT ${query.limit}`;
}

/**
 * Published services matching a search, best first (or cheapest first with sort "price"). Throws
 * ValidationError for input it cannot read.
 */
export async function searchCatalog(db: Db, input: SearchInput): Promise<CatalogSearchResult[]> {
  const query = parseSearchInput(input);
  const rows = await db.system("published catalog").tx((tx) => runSearch(tx, query));
  return rows.map((r) => ({
    clinic: { slug: r.clinic_slug, name: r.clinic_name, city: r.clinic_city },
    service: {
      id: r.service_id,
      key: r.service_key,
      name: r.service_name,
      category: r.category,
      specialty: r.specialty,
      durationMin: r.duration_min,
      priceMinor: r.price_minor,
      currency: r.currency,
      deposit: { kind: r.deposit_kind, value: r.deposit_value },
      hasDiscount: r.has_discount,
    },
    score: Number(r.score),
  }));
}

/** Cities and specialties that published services are offered in, for the search filters. */
export async function listSearchFacets(db: Db): Promise<CatalogSearchFacets> {
  return db.system("published catalog").tx(async (tx) => {
    const cities = await tx.$queryRaw<{ value: string }[]>`
      SELECT DISTINCT c.city AS value FROM clinics c
       WHERE c.status = 'live' AND c.city IS NOT NULL
         AND EXISTS (SELECT 1 FROM services s WHERE s.clinic_id = c.id AND ${published})
       ORDER BY 1`;
    const specialties = await tx.$queryRaw<{ value: string }[]>`
      SELECT DISTINCT s.specialty AS value FROM services s JOIN clinics c ON c.id = s.clinic_id
       WHERE c.status = 'live' AND ${published} AND s.specialty IS NOT NULL
       ORDER BY 1`;
    return { cities: cities.map((r) => r.value), specialties: specialties.map((r) => r.value) };
  });
}

/** Where a patient books a search result: the service on its clinic's own site. */
export function bookingUrl(clinicSiteOrigin: string, serviceId: string): string {
  return `${clinicSiteOrigin}/book?service=${encodeURIComponent(serviceId)}`;
}
