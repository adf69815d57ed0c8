/**
 * Typo-tolerant search over the published catalog: services of live clinics that are offered
 * publicly (active or seasonal), found by whole words (full-text, stemmed) or by misspellings
 * (trigram word similarity).
 *
 * It reads only the published search index (`published_services` and its vocabulary, see
 * docs/decisions/010-published-search-index.md): a copy of what live clinics publish, kept up to date
 * by the database in the same transaction as every catalog change, without row-level security and
 * so with working GIN indexes. It never reads the clinics' own tables. Only published fields leave
 * this module.
 */
import { Prisma } from "~/generated/prisma/client";
import type { Db } from "~/utils/db.server";
import { ValidationError } from "~/utils/errors.server";
import { log } from "~/utils/log.server";
import { refreshingCache } from "~/utils/refreshing-cache";
import { fieldErrorsFromZod } from "~/utils/problem.server";
import { freeTimesOn, nextFreeTimes, type PublishedServiceRef } from "./availability.server";
import { searchInputSchema, searchTokens, type SearchInput, type SearchQuery } from "./search-query";

/**
 * How many of the best matches are checked with the slot engine when sorting by next free time or
 * filtering by a date: the slot engine is asked about a bounded page, never the whole catalog.
 */
export const AVAILABILITY_CANDIDATES = 60;

/** A discount as the clinic publishes it. */
export interface PublishedDiscount {
  label: string;
  kind: "seasonal" | "weekday" | "off_peak";
  percent: number;
  startsOn: string | null;
  endsOn: string | null;
  weekdays: number[];
  fromMinute: number | null;
  toMinute: number | null;
}

export interface CatalogSearchResult {
  clinic: { slug: string; name: string; city: string | null; timeZone: string };
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
    /** Discounts that can still apply (ended seasonal ones left out). */
    discounts: PublishedDiscount[];
  };
  /** Higher is better; only meaningful within one search. */
  score: number;
  /** Kilometres to the nearest location offering the service, when the search gave a location that has coordinates. */
  distanceKm: number | null;
  /**
   * The earliest free time: within the next 30 days, or on the searched date when one was given.
   * Undefined when it was not asked for (see `withAvailability`).
   */
  nextFreeAt?: Date | null;
}

export interface CatalogSearchFacets {
  cities: string[];
  specialties: string[];
}

interface Row {
  clinic_id: string;
  clinic_slug: string;
  clinic_name: string;
  clinic_city: string | null;
  clinic_time_zone: string;
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
  discounts: PublishedDiscount[];
  has_discount: boolean;
  distance_km: number | null;
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

// A discount counts while it can still apply: weekday and off-peak ones always, seasonal ones until they end.
const hasDiscount = Prisma.sql`(s.discount_until IS NOT NULL AND s.discount_until >= current_date)`;

function filters(query: SearchQuery): Prisma.Sql[] {
  const where: Prisma.Sql[] = [];
  if (query.city) where.push(Prisma.sql`lower(s.clinic_city) = lower(${query.city}::text)`);
  if (query.specialty) where.push(Prisma.sql`lower(s.specialty) = lower(${query.specialty}::text)`);
  if (query.priceMin !== undefined) where.push(Prisma.sql`s.price_minor >= ${query.priceMin}::int`);
  if (query.priceMax !== undefined) where.push(Prisma.sql`s.price_minor <= ${query.priceMax}::int`);
  if (query.discounted !== undefined) where.push(query.discounted ? hasDiscount : Prisma.sql`NOT ${hasDiscount}`);
  return where;
}

/** The closest terms a search word can stand for: enough for any misspelling, bounded for words found everywhere. */
const MAX_TERMS_PER_WORD = 30;
/** Terms whose closeness is weighed when ranking (the closest first). */
const RANKED_TERMS_PER_WORD = 5;
/**
 * Ranked by relevance, at most this many whole-word matches, and as many misspelled ones, are
 * weighed: a word found in nearly every service ("clinic") must not make a search score the whole
 * catalog. Which ones is decided by where they are stored (the first found), the same for every
 * identical search (see docs/decisions/029-marketplace-search-speed.md).
 */
export const MAX_RANKED_MATCHES = 1_000;

/** Terms of the catalog's vocabulary that resemble a word of the search, with how closely (closest first). */
interface SimilarTerms {
  terms: string[];
  sims: number[];
}

/**
 * Looks up, in the vocabulary of the published catalog (a few thousand terms, trigram index), the
 * terms that resemble the whole search and each of its words: "dentl" → dental, dentistry; "clening"
 * → cleaning. One statement (published_similar_terms); each distinct word is one index scan ordered
 * by closeness that stops after MAX_TERMS_PER_WORD.
 */
async function similarTerms(db: Db, words: string[]): Promise<SimilarTerms[]> {
  // A one-word search is also its own whole search: look it up once.
  const distinct = [...new Set(words)];
  const rows = await db.readPublished<{ i: number; term: string; sim: number }>(
    Prisma.sql`SELECT i, term, sim FROM published_similar_terms(${distinct}::text[], ${MAX_TERMS_PER_WORD}::int) ORDER BY i, sim DESC, term`,
  );
  const sets = distinct.map((): SimilarTerms => ({ terms: [], sims: [] }));
  for (const r of rows) {
    sets[r.i - 1]!.terms.push(r.term);
    sets[r.i - 1]!.sims.push(Number(r.sim));
  }
  return words.map((w) => sets[distinct.indexOf(w)]!);
}

/** What the vocabulary holds that resembles a search: as a whole, and word by word. */
interface SearchTerms {
  whole: SimilarTerms;
  words: SimilarTerms[];
}

async function searchTerms(db: Db, q: string): Promise<SearchTerms> {
  const [whole, ...words] = await similarTerms(db, [q, ...searchTokens(q)]);
  return { whole: whole!, words };
}

/**
 * A published service matches when the words match as whole words (full text, `wordsMatch`), or
 * failing that when the whole search resembles one of its terms (a clinic's name, misspelled), or
 * when every word resembles one of its terms: "dentl clening" is too far from "Check-up and
 * professional cleaning · General dentistry" as a whole, but each word is close to one of its words.
 * Every condition is answered by a GIN index. Null when nothing in the vocabulary resembles the search.
 */
function spellingMatch(whole: SimilarTerms, words: SimilarTerms[]): Prisma.Sql | null {
  const parts: Prisma.Sql[] = [];
  if (whole.terms.length) parts.push(Prisma.sql`s.terms && ${whole.terms}::text[]`);
  // A one-word search is its own whole search: the same condition once.
  const sameAsWhole = words.length === 1 && words[0] === whole;
  if (words.length && !sameAsWhole && words.every((w) => w.terms.length)) {
    parts.push(Prisma.sql`(${Prisma.join(words.map((w) => Prisma.sql`s.terms && ${w.terms}::text[]`), " AND ")})`);
  }
  return parts.length ? Prisma.sql`(${Prisma.join(parts, " OR ")})` : null;
}

const wordsMatch = (q: string) => Prisma.sql`s.search_document @@ websearch_to_tsquery('english', ${q}::text)`;

/** How close the closest of `set`'s terms that the service holds is (0 when it holds none of the closest few). */
const closeness = (set: SimilarTerms) =>
  set.terms.length
    ? Prisma.sql`(CASE ${Prisma.join(
        set.terms.slice(0, RANKED_TERMS_PER_WORD).map((t, i) => Prisma.sql`WHEN s.terms @> ARRAY[${t}::text] THEN ${set.sims[i]!}::float8`),
        " ",
      )} ELSE 0 END)`
    : Prisma.sql`0`;

/**
 * An exact name outranks everything; then whole-word matches, then closeness of spelling.
 * `wholeWords`: whether the service matches as whole words, known from the tier it was found in, so
 * that is not asked again per service.
 */
function score(q: string, whole: SimilarTerms, words: SimilarTerms[], wholeWords: boolean): Prisma.Sql {
  const wordCloseness = words.length ? Prisma.sql`(${Prisma.join(words.map(closeness), " + ")}) / ${words.length}::float8` : Prisma.sql`0`;
  return Prisma.sql`(
      CASE WHEN lower(s.name) = lower(${q}::text) THEN 10 ELSE 0 END
    + ${wholeWords ? Prisma.sql`2 + ts_rank(s.search_document, websearch_to_tsquery('english', ${q}::text))` : Prisma.sql`0`}
    + greatest(${closeness(whole)}, ${wordCloseness}))::float8`;
}

/** Great-circle distance (haversine, km) from the patient to the nearest location with coordinates. */
function distance(lat: number, lng: number): Prisma.Sql {
  return Prisma.sql`(SELECT min(2 * 6371.0088 * asin(sqrt(
        power(sin(radians(pt.lat - ${lat}::float8) / 2), 2)
      + cos(radians(${lat}::float8)) * cos(radians(pt.lat)) * power(sin(radians(pt.lng - ${lng}::float8) / 2), 2))))
      FROM unnest(s.latitudes, s.longitudes) AS pt(lat, lng))`;
}

const ROW_COLUMNS = Prisma.sql`s.clinic_id::text AS clinic_id, s.clinic_slug, s.clinic_name, s.clinic_city, s.clinic_time_zone, s.currency,
       s.service_id::text AS service_id, s.service_key, s.name AS service_name, s.category,
       s.specialty, s.duration_min, s.price_minor, s.deposit_kind::text AS deposit_kind, s.deposit_value,
       s.discounts, ${hasDiscount} AS has_discount`;

const and = (conditions: Prisma.Sql[]) => (conditions.length ? Prisma.join(conditions, " AND ") : Prisma.sql`true`);

interface Page {
  limit: number;
  offset: number;
}

/**
 * The best matches of a search for words. Whole-word matches always score above misspelled ones, so
 * they are a tier of their own: the misspelled ones are only looked for when the whole-word ones do
 * not fill the page. Each tier weighs at most MAX_RANKED_MATCHES services, scored on the few columns
 * ranking needs; only the page's services are then read whole.
 */
function rankedSearch(q: string, whole: SimilarTerms, words: SimilarTerms[], where: Prisma.Sql[], page: Page): Prisma.Sql {
  const ranked = (scoreSql: Prisma.Sql) => Prisma.sql`s.service_id, s.clinic_name, s.position, s.name, ${scoreSql} AS score`;
  const spelling = spellingMatch(whole, words);
  const misspelled = spelling
    ? Prisma.sql`
      UNION ALL
      (SELECT ${ranked(score(q, whole, words, false))}
         FROM published_services s
        WHERE (SELECT count(*) FROM words) < ${page.offset + page.limit}::int
          AND ${and([...where, spelling, Prisma.sql`NOT ${wordsMatch(q)}`])}
        LIMIT ${MAX_RANKED_MATCHES}::int)`
    : Prisma.empty;
  return Prisma.sql`
    WITH words AS MATERIALIZED (
      SELECT ${ranked(score(q, whole, words, true))}
        FROM published_services s
       WHERE ${and([...where, wordsMatch(q)])}
       LIMIT ${MAX_RANKED_MATCHES}::int
    ), page AS (
      SELECT * FROM words
      ${misspelled}
      ORDER BY score DESC, clinic_name ASC, position ASC, name ASC
      LIMIT ${page.limit}::int OFFSET ${page.offset}::int
    )
    SELECT ${ROW_COLUMNS}, NULL::float8 AS distance_km, p.score
      FROM page p JOIN published_services s ON s.service_id = p.service_id
     ORDER BY p.score DESC, p.clinic_name ASC, p.position ASC, p.name ASC`;
}

/**
 * Two statements, each one round trip outside any transaction (the published index holds public data
 * only, see Db.readPublished): the terms the search's words resemble, then the matching services.
 */
async function runSearch(
  db: Db,
  query: SearchQuery,
  page: Page,
  order: "relevance" | "price" | "distance",
  serviceKey?: string,
  terms?: Promise<SearchTerms>,
): Promise<Row[]> {
  const searching = query.q !== "";
  const where = filters(query);
  if (serviceKey !== undefined) where.push(Prisma.sql`s.service_key = ${serviceKey}::text`);
  const located = query.lat !== undefined && query.lng !== undefined;
  if (order === "distance" && !located) order = "relevance";
  let scoreSql = Prisma.sql`0::float8`;
  if (searching) {
    const { whole, words } = await (terms ?? searchTerms(db, query.q));
    if (order === "relevance") return db.readPublished<Row>(rankedSearch(query.q, whole, words, where, page));
    const spelling = spellingMatch(whole, words);
    where.push(spelling ? Prisma.sql`(${wordsMatch(query.q)} OR ${spelling})` : wordsMatch(query.q));
    // Price and distance come first here; the score only orders equal ones.
    scoreSql = Prisma.sql`(${score(query.q, whole, words, false)} + CASE WHEN ${wordsMatch(query.q)} THEN 2 + ts_rank(s.search_document, websearch_to_tsquery('english', ${query.q}::text)) ELSE 0 END)`;
  }
  const orderBy =
    order === "price"
      ? Prisma.sql`s.price_minor ASC, score DESC, s.clinic_name ASC, s.name ASC`
      : order === "distance"
        ? Prisma.sql`distance_km ASC NULLS LAST, score DESC, s.clinic_name ASC, s.name ASC`
        : Prisma.sql`score DESC, s.clinic_name ASC, s.position ASC, s.name ASC`;
  return db.readPublished<Row>(Prisma.sql`
    SELECT ${ROW_COLUMNS},
           ${located ? distance(query.lat!, query.lng!) : Prisma.sql`NULL::float8`} AS distance_km,
           ${scoreSql} AS score
      FROM published_services s
     WHERE ${and(where)}
     ORDER BY ${orderBy}
     LIMIT ${page.limit}::int OFFSET ${page.offset}::int`);
}

const today = () => new Date().toISOString().slice(0, 10);

function toResult(r: Row): CatalogSearchResult & { ref: PublishedServiceRef } {
  const current = today();
  return {
    clinic: { slug: r.clinic_slug, name: r.clinic_name, city: r.clinic_city, timeZone: r.clinic_time_zone },
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
      discounts: (r.discounts ?? []).filter((d) => !d.endsOn || d.endsOn >= current),
    },
    score: Number(r.score),
    distanceKm: r.distance_km === null ? null : Number(r.distance_km),
    ref: { clinicId: r.clinic_id, serviceId: r.service_id, timeZone: r.clinic_time_zone, currency: r.currency },
  };
}

const strip = ({ ref: _ref, ...result }: PublishedResult): CatalogSearchResult => result;

/** Soonest first; services without a free time last, in their earlier order. */
export function bySoonest<T extends { nextFreeAt?: Date | null }>(items: T[]): T[] {
  return items
    .map((item, i) => ({ item, i }))
    .sort((a, b) => {
      const x = a.item.nextFreeAt?.getTime() ?? Infinity;
      const y = b.item.nextFreeAt?.getTime() ?? Infinity;
      return x === y ? a.i - b.i : x - y;
    })
    .map((e) => e.item);
}

export interface SearchOptions {
  /** Also look up each result's next free time (the search page and the comparison do). */
  withAvailability?: boolean;
  /** The clock, for tests; nothing is cached when it is given. */
  now?: Date;
  /** Only services published under this key (the comparison of one service across clinics). */
  serviceKey?: string;
}

export type PublishedResult = CatalogSearchResult & { ref: PublishedServiceRef };

/** The search with each result's internal reference (for the slot engine); stays on the server. */
export async function searchWithRefs(db: Db, input: SearchInput, options: SearchOptions = {}): Promise<PublishedResult[]> {
  return (await searchPage(db, input, options)).results;
}

export interface SearchResultsPage {
  results: PublishedResult[];
  /** The page shown, from 1. */
  page: number;
  /** Results per page. */
  limit: number;
  hasNextPage: boolean;
}

/**
 * One page of `limit` results (page `page`). Only the page's services are read whole and looked up
 * in the slot engine, except when the slot engine decides the order or the filter (next free time,
 * a date): then the first AVAILABILITY_CANDIDATES matches are, and pages are cut from them.
 */
export async function searchPage(db: Db, input: SearchInput, options: SearchOptions = {}): Promise<SearchResultsPage> {
  return searchQueryPage(db, parseSearchInput(input), options);
}

async function searchQueryPage(db: Db, query: SearchQuery, options: SearchOptions, terms?: Promise<SearchTerms>): Promise<SearchResultsPage> {
  const { limit, page } = query;
  const offset = (page - 1) * limit;
  const needsSlots = query.sort === "soonest" || query.date !== undefined;
  const order = query.sort === "soonest" ? "relevance" : query.sort;
  if (needsSlots) {
    const rows = await runSearch(db, query, { limit: Math.max(limit, AVAILABILITY_CANDIDATES), offset: 0 }, order, options.serviceKey, terms);
    let candidates: PublishedResult[] = rows.map(toResult);
    if (query.date !== undefined) {
      const times = await freeTimesOn(db, candidates.map((r) => r.ref), query.date, { now: options.now });
      candidates = candidates.map((r, i) => ({ ...r, nextFreeAt: times[i] ?? null })).filter((r) => r.nextFreeAt);
    } else {
      const times = await nextFreeTimes(db, candidates.map((r) => r.ref), { now: options.now });
      candidates = candidates.map((r, i) => ({ ...r, nextFreeAt: times[i] ?? null }));
    }
    if (query.sort === "soonest") candidates = bySoonest(candidates);
    return { results: candidates.slice(offset, offset + limit), page, limit, hasNextPage: candidates.length > offset + limit };
  }
  // One more than the page, to know whether another page follows.
  const rows = await runSearch(db, query, { limit: limit + 1, offset }, order, options.serviceKey, terms);
  let results: PublishedResult[] = rows.slice(0, limit).map(toResult);
  if (options.withAvailability) {
    const times = await nextFreeTimes(db, results.map((r) => r.ref), { now: options.now });
    results = results.map((r, i) => ({ ...r, nextFreeAt: times[i] ?? null }));
  }
  return { results, page, limit, hasNextPage: rows.length > limit };
}

// Clinics and doctors -------------------------------------------------------------------------------
//
// The same vocabulary finds clinics (by name, city or specialty) and doctors (by name or specialty) in
// their own published copies, `published_clinics` and `published_doctors` (decision 040): live clinics
// only, and only doctors who are active and perform a publicly offered service, as their page shows.

/** A live clinic as its card in the search results shows it. */
export interface ClinicMatch {
  slug: string;
  name: string;
  tagline: string | null;
  city: string | null;
  specialties: string[];
  hasLogo: boolean;
  logoVersion: number;
  locationCount: number;
}

/** A doctor a live clinic publishes, as the search results show them (their page is /clinics/{slug}/doctors/{id}). */
export interface DoctorMatch {
  id: string;
  name: string;
  specialty: string | null;
  clinic: { slug: string; name: string; city: string | null };
  /** The publicly offered services the doctor performs, in the clinic's order. */
  services: string[];
}

/** Clinics and doctors shown for a search: the best few of each; services have the pages. */
export const DIRECTORY_RESULTS = 6;
/**
 * At most this many matching clinics, and as many doctors, are scored for a search: a word held by
 * nearly everyone ("dr", a big city) must not make one search score the whole directory.
 */
export const MAX_DIRECTORY_MATCHES = 500;

interface DirectoryRow {
  clinics: { slug: string; name: string; tagline: string | null; city: string | null; specialties: string[]; has_logo: boolean; logo_version: string | number; location_count: number }[];
  doctors: { doctor_id: string; name: string; specialty: string | null; clinic_slug: string; clinic_name: string; clinic_city: string | null; service_names: string[] }[];
}

/**
 * The best clinics and doctors for a search: those where the whole search resembles one of their
 * terms (a whole name), or every word resembles one of them. One statement; the matches come from
 * published_clinic_matches and published_doctor_matches (GIN indexes on `terms`, at most
 * MAX_DIRECTORY_MATCHES each), and only those are scored for the DIRECTORY_RESULTS shown.
 */
async function searchDirectory(db: Db, query: SearchQuery, terms: Promise<SearchTerms>): Promise<{ clinics: ClinicMatch[]; doctors: DoctorMatch[] }> {
  const { whole, words } = await terms;
  if (!spellingMatch(whole, words)) return { clinics: [], doctors: [] };
  // What published_clinic_matches and published_doctor_matches expect: the whole search's terms, and one row of terms per word
  // (padded with NULLs to the longest row); a one-word search is its own whole search.
  const each = words.length === 1 && words[0] === whole ? [] : words.map((w) => w.terms);
  const width = Math.max(1, ...each.map((t) => t.length));
  const rows = each.map((t) => [...t, ...Array<null>(width - t.length).fill(null)]);
  const any = [...new Set([...whole.terms, ...each.flat()])];
  const wordCloseness = words.length ? Prisma.sql`(${Prisma.join(words.map(closeness), " + ")}) / ${words.length}::float8` : Prisma.sql`0`;
  const rank = Prisma.sql`(CASE WHEN lower(s.name) = lower(${query.q}::text) THEN 10 ELSE 0 END + greatest(${closeness(whole)}, ${wordCloseness}))::float8`;
  const args = Prisma.sql`${any}::text[], ${whole.terms}::text[], ${rows}::text[], ${query.city ?? null}::text, ${query.specialty ?? null}::text, ${MAX_DIRECTORY_MATCHES}::int`;
  const [row] = await db.readPublished<DirectoryRow>(Prisma.sql`
    SELECT
      (SELECT coalesce(json_agg(c ORDER BY c.score DESC, c.name, c.slug), '[]') FROM (
         SELECT s.slug, s.name, s.tagline, s.city, s.specialties, s.has_logo, s.logo_version, s.location_count, ${rank} AS score
           FROM published_clinic_matches(${args}) s
          ORDER BY score DESC, s.name, s.slug
          LIMIT ${DIRECTORY_RESULTS}::int) c) AS clinics,
      (SELECT coalesce(json_agg(d ORDER BY d.score DESC, d.name, d.clinic_name, d.doctor_id), '[]') FROM (
         SELECT s.doctor_id, s.name, s.specialty, s.clinic_slug, s.clinic_name, s.clinic_city, s.service_names, ${rank} AS score
           FROM published_doctor_matches(${args}) s
          ORDER BY score DESC, s.name, s.clinic_name, s.doctor_id
          LIMIT ${DIRECTORY_RESULTS}::int) d) AS doctors`);
  return {
    clinics: (row?.clinics ?? []).map((c) => ({
      slug: c.slug,
      name: c.name,
      tagline: c.tagline,
      city: c.city,
      specialties: c.specialties,
      hasLogo: c.has_logo,
      logoVersion: Number(c.logo_version),
      locationCount: c.location_count,
    })),
    doctors: (row?.doctors ?? []).map((d) => ({
      id: d.doctor_id,
      name: d.name,
      specialty: d.specialty,
      clinic: { slug: d.clinic_slug, name: d.clinic_name, city: d.clinic_city },
      services: d.service_names,
    })),
  };
}

export interface MarketplaceSearch {
  services: SearchResultsPage;
  /** Clinics and doctors matching the words, on the first page of a search with words; otherwise none. */
  clinics: ClinicMatch[];
  doctors: DoctorMatch[];
}

/**
 * The marketplace's one search: services (a page of them, with the filters and sorting of
 * `searchPage`), and for a search with words, on its first page, the best matching clinics and
 * doctors. The vocabulary is looked up once for all three; services and the directory are then read
 * side by side. Throws ValidationError for input it cannot read.
 */
export async function searchMarketplace(db: Db, input: SearchInput, options: SearchOptions = {}): Promise<MarketplaceSearch> {
  const query = parseSearchInput(input);
  const terms = query.q ? searchTerms(db, query.q) : undefined;
  // Both steps wait on the same lookup; a failed lookup is reported once, by whichever awaits first.
  terms?.catch(() => {});
  const [services, directory] = await Promise.all([
    searchQueryPage(db, query, options, terms),
    terms && query.page === 1 ? searchDirectory(db, query, terms) : { clinics: [], doctors: [] },
  ]);
  return { services, ...directory };
}

/**
 * Published services matching a search, best first (or cheapest, nearest, or soonest free first).
 * With a date, only services with a free time that day in their clinic's zone. Throws
 * ValidationError for input it cannot read.
 */
export async function searchCatalog(db: Db, input: SearchInput, options: SearchOptions = {}): Promise<CatalogSearchResult[]> {
  return (await searchWithRefs(db, input, options)).map(strip);
}

// Read again in the background after 20 s, so no search waits for them while pages are being asked for.
const facetsCache = refreshingCache<CatalogSearchFacets>({
  ttlMs: 30_000,
  refreshAfterMs: 20_000,
  maxEntries: 1,
  onBackgroundError: (_key, error) => log.warn("search facets not refreshed", { error: (error as Error).message }),
});

/**
 * Cities and specialties that published services are offered in, for the search filters. Every
 * search page shows them, so they are remembered for half a minute unless `fresh` is asked for.
 */
export function listSearchFacets(db: Db, options: { fresh?: boolean } = {}): Promise<CatalogSearchFacets> {
  return facetsCache.get("facets", () => readFacets(db), { fresh: options.fresh });
}

/** Distinct values read by skipping through their index from one value to the next (a few dozen probes, not every row). */
async function readFacets(db: Db): Promise<CatalogSearchFacets> {
  const [row] = await db.readPublished<CatalogSearchFacets>(Prisma.sql`
    WITH RECURSIVE cities AS (
      SELECT min(clinic_city) AS v FROM published_services
      UNION ALL
      SELECT (SELECT min(s.clinic_city) FROM published_services s WHERE s.clinic_city > c.v) FROM cities c WHERE c.v IS NOT NULL
    ), specialties AS (
      SELECT min(specialty) AS v FROM published_services
      UNION ALL
      SELECT (SELECT min(s.specialty) FROM published_services s WHERE s.specialty > c.v) FROM specialties c WHERE c.v IS NOT NULL
    )
    SELECT ARRAY(SELECT v FROM cities WHERE v IS NOT NULL) AS cities, ARRAY(SELECT v FROM specialties WHERE v IS NOT NULL) AS specialties`);
  return { cities: row?.cities ?? [], specialties: row?.specialties ?? [] };
}

/** Where a patient books a search result: the service on its clinic's own site. */
export function bookingUrl(clinicSiteOrigin: string, serviceId: string): string {
  return `${clinicSiteOrigin}/book?service=${encodeURIComponent(serviceId)}`;
}
