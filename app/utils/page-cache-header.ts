/**
 * A route that renders the same page for every visitor without a cookie sets this header (seconds)
 * to have the page kept that long; the server keeps it and never sends the header on
 * (app/server/page-cache.server.ts).
 */
export const PAGE_CACHE_HEADER = "X-Medslot-Page-Cache";
