/**
 * One service compared across clinics: each live clinic once, with the service it publishes under
 * that key ("cleaning") if it has one, otherwise its best match for the words ("dentl clening"). Read from the published search index only, with each clinic's next free time
 * from the slot engine, cheapest first or soonest first.
 */
import { z } from "zod";
import type { Db } from "~/utils/db.server";
import { ValidationError } from "~/utils/errors.server";
import { fieldErrorsFromZod } from "~/utils/problem.server";
import { nextFreeTimes } from "./availability.server";
import { MAX_SEARCH_LENGTH, normaliseSearch } from "./catalog-search";
import { bySoonest, searchWithRefs, type CatalogSearchResult, type PublishedResult, type SearchOptions } from "./search.server";

export const COMPARE_SORTS = ["price", "soonest"] as const;
export type CompareSort = (typeof COMPARE_SORTS)[number];

/** At most this many clinics side by side (each costs one slot-engine read). */
export const MAX_COMPARED_CLINICS = 30;

export const compareInputSchema = z.object({
  service: z
    .string({ error: "The service must be text." })
    .max(MAX_SEARCH_LENGTH * 2, { error: `The service can be at most ${MAX_SEARCH_LENGTH} characters.` })
    .transform((value) => normaliseSearch(value))
    .pipe(z.string().min(1, { error: "Name a service to compare, e.g. dental cleaning." })),
  sort: z.enum(COMPARE_SORTS, { error: "Sort by price or by next free time." }).default("price"),
});
export type CompareInput = z.input<typeof compareInputSchema>;

export interface Comparison {
  service: string;
  sort: CompareSort;
  /** "key" when some clinics publish the service under exactly that key; the others show their best match. */
  matchedBy: "key" | "search";
  offers: CatalogSearchResult[];
}

const SERVICE_KEY = /^[a-z0-9][a-z0-9_-]*$/;

function onePerClinic(results: PublishedResult[]): PublishedResult[] {
  const seen = new Set<string>();
  return results.filter((r) => (seen.has(r.clinic.slug) ? false : (seen.add(r.clinic.slug), true)));
}

export async function compareService(db: Db, input: CompareInput, options: Pick<SearchOptions, "now"> = {}): Promise<Comparison> {
  const parsed = compareInputSchema.safeParse(input);
  if (!parsed.success) {
    const errors = fieldErrorsFromZod(parsed.error);
    throw new ValidationError(errors[0]?.message ?? "The comparison is not valid.", errors);
  }
  const { service, sort } = parsed.data;
  let matchedBy: Comparison["matchedBy"] = "search";
  let offers: PublishedResult[] = [];
  // A clinic offering the service under that key shows that service; other clinics their best match for the words.
  if (SERVICE_KEY.test(service)) {
    offers = await searchWithRefs(db, { q: "", sort: "price", limit: MAX_COMPARED_CLINICS }, { ...options, serviceKey: service });
    if (offers.length) matchedBy = "key";
  }
  const byKey = new Set(offers.map((o) => o.clinic.slug));
  const matches = onePerClinic(await searchWithRefs(db, { q: service.replace(/[-_]+/g, " "), sort: "relevance", limit: 100 }, options)).filter((o) => !byKey.has(o.clinic.slug));
  offers = [...offers, ...matches].slice(0, MAX_COMPARED_CLINICS);
  const times = await nextFreeTimes(db, offers.map((o) => o.ref), { now: options.now });
  let withTimes = offers.map((o, i) => ({ ...o, nextFreeAt: times[i] ?? null }));
  withTimes.sort((a, b) => a.service.priceMinor - b.service.priceMinor || a.clinic.name.localeCompare(b.clinic.name));
  if (sort === "soonest") withTimes = bySoonest(withTimes);
  return { service, sort, matchedBy, offers: withTimes.map(({ ref: _ref, ...offer }) => offer) };
}

