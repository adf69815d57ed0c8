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
  | { kind: "not-found"; host: string; reason: "unknown-clinic" | "reserved" | "invalid-host" | "suspended" };

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

// Clinic identity is read on every request; a short-lived cache keeps the home page fast while a
// branding change still shows within seconds on every server (and at once on the one that made it).
const CACHE_MS = 5_000;
// One cache per process: server.ts and the Remix build each load this module, and a change saved in
// a route (forgetCachedSites) must clear the copy server.ts answers from.
const CACHE_KEY = Symbol.for("medslot.site-cache");
const cache: Map<string, { at: number; site: Site }> = ((globalThis as Record<symbol, unknown>)[CACHE_KEY] as Map<string, { at: number; site: Site }> | undefined) ?? new Map();
(globalThis as Record<symbol, unknown>)[CACHE_KEY] = cache;

export function forgetCachedSites() {
  cache.clear();
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
  const hit = cache.get(target.host);
  if (hit && Date.now() - hit.at < CACHE_MS) return hit.site;

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
  else if (row.status === "suspended") site = { kind: "not-found", host: target.host, reason: "suspended" };
  else {
    const { logoType, logoUpdatedAt, ...rest } = row;
    site = { kind: "clinic", host: target.host, clinic: { ...rest, hasLogo: Boolean(logoType), logoVersion: logoUpdatedAt?.getTime() ?? 0 } };
  }
  cache.set(target.host, { at: Date.now(), site });
  if (cache.size > 5_000) cache.delete(cache.keys().next().value!);
  return site;
}
