/**
 * Which site a request's Host header names. Pure: the database lookup of a clinic or a custom
 * domain happens in site.server.ts.
 *
 *   {APP_DOMAIN}                  → the marketplace (and /admin)
 *   {slug}.{APP_DOMAIN}           → a clinic's site, unless the label is reserved
 *   anything else                 → maybe a clinic's custom domain
 */
export const RESERVED_SUBDOMAINS = new Set(["www", "admin", "api", "app", "static"]);

export type HostTarget =
  | { kind: "marketplace"; host: string }
  | { kind: "clinic"; slug: string; host: string }
  | { kind: "custom-domain"; host: string }
  | { kind: "reserved"; label: string; host: string }
  | { kind: "invalid"; host: string };

const LABEL = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;

/** Lower-cases, strips the port and a trailing dot: "NorthSide.LocalHost.:3000" → "northside.localhost". */
export function normalizeHost(raw: string | null | undefined): string {
  if (!raw) return "";
  let host = raw.trim().toLowerCase();
  if (host.startsWith("[")) return host; // IPv6 literal: never a clinic
  host = host.replace(/:\d+$/, "").replace(/\.$/, "");
  return host;
}

export function classifyHost(rawHost: string | null | undefined, appDomain: string): HostTarget {
  const host = normalizeHost(rawHost);
  const domain = normalizeHost(appDomain);
  if (!host || host.startsWith("[") || !host.split(".").every((l) => LABEL.test(l))) return { kind: "invalid", host };
  if (host === domain) return { kind: "marketplace", host };
  if (host.endsWith(`.${domain}`)) {
    const label = host.slice(0, -domain.length - 1);
    if (label.includes(".")) return { kind: "invalid", host }; // a.b.{domain}: no such site
    if (RESERVED_SUBDOMAINS.has(label)) return { kind: "reserved", label, host };
    return { kind: "clinic", slug: label, host };
  }
  return { kind: "custom-domain", host };
}
