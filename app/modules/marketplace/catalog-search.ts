/** How the marketplace reads a search, shared by the search form and the published catalog. */

/** Longest search the catalog accepts; anything after it is ignored. */
export const MAX_SEARCH_LENGTH = 100;

/** A search as typed, trimmed and with inner whitespace collapsed; "" means no search. */
export function normaliseSearch(value: string | null | undefined): string {
  return (value ?? "").replace(/\s+/g, " ").trim().slice(0, MAX_SEARCH_LENGTH).trim();
}
