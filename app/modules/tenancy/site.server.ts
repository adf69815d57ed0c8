import type { ClinicStatus } from "~/generated/prisma/enums";
import { getDb, type Db } from "~/utils/db.server";
import { classifyHost } from "./host";

/** What a clinic's site needs on every request: published identity and branding, no patient data. */
export interface ClinicSite {
  id: string;
  slug: string;
  name: string;
  timeZone: string;
  /** ISO 4217; every price at the clinic is in it. */
  currency: string;
  status: ClinicStatus;
  tagline: string | null;
  description: string | null;
  hasLogo: boolean;
  logoVersion: number;
  colorPrimary: string;
  colorAccent: string;
  contactPhone: string | null;
  contactEmail: string | null;
  website: string | null;
}

export type Site =
  | { kind: "marketplace"; host: string }
  | { kind: "clinic"; host: string; clinic: ClinicSite }
  | { kind: "not-found"; host: string; reason: "unknown-clinic" | "reserved" | "invalid-host" }
  // The clinic rides along so its staff side can still answer (siteForPath).
  | { kind: "not-found"; host: string; reason: "suspended"; clinic: ClinicSite };

/**
 * What a suspended clinic's host still answers: its staff side, so the staff can manage the visits
 * already booked (cancel, move, contact the patients). Everything else, the patients' site, booking,
 * the API, board and check-in links, is down. `.data` is a single-fetch data request for the page.
 */
const STAFF_SIDE = /^\/(?:panel|staff|sign-out|brand)(?:[/.]|$)/;

/** The site a request on this path sees: a suspended clinic is a clinic only on its staff side. */
export function siteForPath(site: Site, pathname: string): Site {
  if (site.kind === "not-found" && site.reason === "suspended" && STAFF_SIDE.test(pathname)) return { kind: "clinic", host: site.host, clinic: site.clinic };
  return site;
}

const clinicSelect = {
  id: true,
  slug: true,
  name: true,
  timeZone: true,
  currency: true,
  status: true,
  tagline: true,
  description: true,
  logoType: true,
  logoUpdatedAt: true,
  colorPrimary: true,
  colorAccent: true,
  contactPhone: true,
  contactEmail: true,
  website: true,
} as const;

// Clinic identity is read on every request, so it is cached: while the change feed is current
// (every server reads the clinic's own change log, see change-feed.server.ts) a change to a clinic,
// its domains or its branding drops the cache on every server at once, and a minute bounds what a
// missed change could cost; without the feed, five seconds.
const CACHE_MS = 60_000;
const CACHE_MS_WITHOUT_FEED = 5_000;
// One cache per process: server.ts and the Remix build each load this module, and a change saved in
// a route (forgetCachedSites) must clear the copy server.ts answers from.
// The generation is bumped on every clear: a lookup that raced a change does not store what it read.
const CACHE_KEY = Symbol.for("medslot.site-cache");
const shared: { cache: Map<string, { at: number; site: Site }>; generation: number } = ((globalThis as Record<symbol, unknown>)[CACHE_KEY] as typeof shared | undefined) ?? {
  cache: new Map(),
  generation: 0,
};
(globalThis as Record<symbol, unknown>)[CACHE_KEY] = shared;
const { cache } = shared;

export function forgetCachedSites() {
  shared.generation++;
  cache.clear();
}

const listening = new WeakSet<Db>();

function listenForChanges(db: Db) {
  if (listening.has(db)) return;
  listening.add(db);
  db.changes.subscribe((changes) => {
    if (changes === "reset" || changes.some((c) => c.topic === "setup" || c.topic === "site")) forgetCachedSites();
  });
}

export async function resolveSite(rawHost: string | null | undefined, appDomain: string, db: Db = getDb()): Promise<Site> {
  const target = classifyHost(rawHost, appDomain);
  switch (target.kind) {
    case "marketplace":
      return { kind: "marketplace", host: target.host };
    case "reserved":
      return { kind: "not-found", host: target.host, reason: "reserved" };
    case "invalid":
      return { kind: "not-found", host: target.host, reason: "invalid-host" };
  }
  listenForChanges(db);
  const hit = cache.get(target.host);
  if (hit && Date.now() - hit.at < (db.changes.fresh ? CACHE_MS : CACHE_MS_WITHOUT_FEED)) return hit.site;
  const readUnder = shared.generation;

  const row = await db.system("host directory").tx((tx) =>
    target.kind === "clinic"
      ? tx.clinic.findUnique({ where: { slug: target.slug }, select: clinicSelect })
      : tx.clinicDomain
          .findUnique({ where: { host: target.host }, select: { verifiedAt: true, clinic: { select: clinicSelect } } })
          // An unverified domain does not answer yet: claiming a host proves nothing until verified.
          .then((d) => (d?.verifiedAt ? d.clinic : null)),
  );
  let site: Site;
  if (!row) site = { kind: "not-found", host: target.host, reason: "unknown-clinic" };
  else {
    const { logoType, logoUpdatedAt, ...rest } = row;
    const clinic: ClinicSite = { ...rest, hasLogo: Boolean(logoType), logoVersion: logoUpdatedAt?.getTime() ?? 0 };
    site = row.status === "suspended" ? { kind: "not-found", host: target.host, reason: "suspended", clinic } : { kind: "clinic", host: target.host, clinic };
  }
  if (readUnder === shared.generation) cache.set(target.host, { at: Date.now(), site });
  if (cache.size > 5_000) cache.delete(cache.keys().next().value!);
  return site;
}
