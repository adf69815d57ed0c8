/**
 * What a marketplace search may ask for, shared by the search page's form and the published catalog
 * so both read the same rules.
 */
import { z } from "zod";
import { MAX_SEARCH_LENGTH, normaliseSearch } from "./catalog-search";

export const SEARCH_SORTS = ["relevance", "price", "soonest", "distance"] as const;
export type SearchSort = (typeof SEARCH_SORTS)[number];

export const DEFAULT_SEARCH_LIMIT = 30;
export const MAX_SEARCH_LIMIT = 100;
/** Results per page on the search page: a page is read, rendered and sent quickly, even on a phone. */
export const SEARCH_PAGE_SIZE = 12;
/** Pages beyond this are not offered: relevance weighs a bounded number of matches anyway. */
export const MAX_SEARCH_PAGE = 50;
/** The price column is a 32-bit integer of minor units. */
const MAX_PRICE_MINOR = 2_147_483_647;

const optionalText = (label: string) =>
  z
    .string({ error: `${label} must be text.` })
    .max(MAX_SEARCH_LENGTH, { error: `${label} can be at most ${MAX_SEARCH_LENGTH} characters.` })
    .transform((value) => normaliseSearch(value) || undefined)
    .optional();

const priceMinor = (label: string) =>
  z
    .number({ error: `${label} must be a number.` })
    .int({ error: `${label} must be a whole number of minor units (cents).` })
    .min(0, { error: `${label} cannot be negative.` })
    .max(MAX_PRICE_MINOR, { error: `${label} is too large.` })
    .optional();

export const searchInputSchema = z
  .object({
    q: z
      .string({ error: "The search must be text." })
      .max(MAX_SEARCH_LENGTH * 2, { error: `The search can be at most ${MAX_SEARCH_LENGTH} characters.` })
      .transform((value) => normaliseSearch(value))
      .default(""),
    city: optionalText("City"),
    specialty: optionalText("Specialty"),
    /** Prices in the clinic currency's minor units, the way services store them. */
    priceMin: priceMinor("Lowest price"),
    priceMax: priceMinor("Highest price"),
    discounted: z.boolean({ error: "Discounted must be true or false." }).optional(),
    /** Only services with a free time on this day, in each clinic's own time zone. */
    date: z
      .string({ error: "The date must be text." })
      .regex(/^\d{4}-\d{2}-\d{2}$/, { error: "Pick a date (YYYY-MM-DD)." })
      .refine((value) => !Number.isNaN(Date.parse(`${value}T00:00:00Z`)) && new Date(`${value}T00:00:00Z`).toISOString().startsWith(value), {
        error: "That date does not exist.",
      })
      .optional(),
    /** Where the patient is (shared by the browser), for distances. Both or neither. */
    lat: z.number({ error: "The latitude must be a number." }).min(-90, { error: "The latitude must be between -90 and 90." }).max(90, { error: "The latitude must be between -90 and 90." }).optional(),
    lng: z.number({ error: "The longitude must be a number." }).min(-180, { error: "The longitude must be between -180 and 180." }).max(180, { error: "The longitude must be between -180 and 180." }).optional(),
    sort: z.enum(SEARCH_SORTS, { error: "Sort by best match, price, next free time or distance." }).default("relevance"),
    limit: z
      .number({ error: "Limit must be a number." })
      .int({ error: "Limit must be a whole number." })
      .min(1, { error: "Limit must be at least 1." })
      .max(MAX_SEARCH_LIMIT, { error: `Limit can be at most ${MAX_SEARCH_LIMIT}.` })
      .default(DEFAULT_SEARCH_LIMIT),
    /** Which page of `limit` results, from 1. */
    page: z
      .number({ error: "The page must be a number." })
      .int({ error: "The page must be a whole number." })
      .min(1, { error: "The page must be at least 1." })
      .max(MAX_SEARCH_PAGE, { error: `Results go up to page ${MAX_SEARCH_PAGE}; narrow the search to see others.` })
      .default(1),
  })
  .refine((input) => (input.lat === undefined) === (input.lng === undefined), {
    path: ["lat"],
    error: "Share both latitude and longitude, or neither.",
  })
  .refine((input) => input.sort !== "distance" || input.lat !== undefined, {
    path: ["sort"],
    error: "Sorting by distance needs your location: use “Near me” and allow your browser to share it.",
  })
  .refine((input) => input.priceMin === undefined || input.priceMax === undefined || input.priceMin <= input.priceMax, {
    path: ["priceMax"],
    error: "The highest price must not be below the lowest price.",
  });

export type SearchInput = z.input<typeof searchInputSchema>;
export type SearchQuery = z.output<typeof searchInputSchema>;

// Words too common to tell services apart; a search made only of them matches by full text alone.
const STOP_WORDS = new Set(["and", "for", "the", "with", "near", "from", "into", "your", "our", "are", "was", "you"]);
const MAX_SEARCH_TOKENS = 8;

/**
 * The words of a search that must each resemble something the service is called, for matching
 * misspelled multi-word searches: lower case, three letters or more, no stop words, no repeats.
 */
export function searchTokens(search: string): string[] {
  const words = search.toLowerCase().split(/[^\p{L}\p{N}]+/u);
  const tokens = words.filter((w) => w.length >= 3 && !STOP_WORDS.has(w));
  return [...new Set(tokens)].slice(0, MAX_SEARCH_TOKENS);
}

/** The search as the form sends it: every field a string, prices in whole units of the currency. */
export interface SearchForm {
  q: string;
  city: string;
  specialty: string;
  priceMin: string;
  priceMax: string;
  discounted: boolean;
  date: string;
  lat: string;
  lng: string;
  sort: SearchSort;
}

/** A whole-unit amount typed into the form ("50", "50.5"); "" means no bound; anything else stays as typed for zod to refuse. */
function formAmount(value: string): number | undefined {
  const text = value.trim();
  if (text === "") return undefined;
  if (!/^\d+(\.\d{1,2})?$/.test(text)) return Number.NaN;
  // Form amounts are whole currency units; every currency the platform lists has two decimals.
  return Math.round(Number(text) * 100);
}

/** A page number from the query string; "" means the first; anything else stays for zod to refuse. */
function formPage(value: string): number | undefined {
  const text = value.trim();
  if (text === "") return undefined;
  return /^\d{1,6}$/.test(text) ? Number(text) : Number.NaN;
}

/** A coordinate from the query string; "" means none; anything else stays for zod to refuse. */
function formCoordinate(value: string): number | undefined {
  const text = value.trim();
  if (text === "") return undefined;
  return /^-?\d{1,3}(\.\d+)?$/.test(text) ? Number(text) : Number.NaN;
}

/**
 * Reads the search page's query string into the form's values and the catalog's input: a page of
 * SEARCH_PAGE_SIZE results (the page number travels in the links, not in the form, so a new search
 * starts on the first page).
 */
export function readSearchForm(params: URLSearchParams): { form: SearchForm; input: SearchInput } {
  const text = (name: string) => params.get(name) ?? "";
  const sort = (SEARCH_SORTS as readonly string[]).includes(text("sort")) ? (text("sort") as SearchSort) : "relevance";
  const form: SearchForm = {
    q: normaliseSearch(text("q")),
    city: text("city"),
    specialty: text("specialty"),
    priceMin: text("priceMin"),
    priceMax: text("priceMax"),
    discounted: ["1", "on", "true"].includes(text("discounted")),
    date: text("date").trim(),
    lat: text("lat").trim(),
    lng: text("lng").trim(),
    sort,
  };
  return {
    form,
    input: {
      q: form.q,
      city: form.city,
      specialty: form.specialty,
      priceMin: formAmount(form.priceMin),
      priceMax: formAmount(form.priceMax),
      discounted: form.discounted || undefined,
      date: form.date || undefined,
      lat: formCoordinate(form.lat),
      lng: formCoordinate(form.lng),
      sort,
      limit: SEARCH_PAGE_SIZE,
      page: formPage(text("page")),
    },
  };
}
