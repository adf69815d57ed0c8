/**
 * The security headers of every answer (docs/decisions/031-public-links-trusted-proxies-and-page-policy.md).
 *
 * Every answer: Permissions-Policy, nosniff, Referrer-Policy, framing by the same site only, HSTS
 * when the product is reached over HTTPS, and a Content-Security-Policy that allows nothing to run
 * (JSON, files, the small refusal pages). A page replaces that policy with its own, whose per-render
 * nonce is carried by Remix's inline scripts and React's streaming scripts (entry.server.tsx).
 */
import { randomBytes } from "node:crypto";
import type { Env } from "~/utils/env.server";
import { clinicSitesSource, marketplaceOrigin, publicScheme, type PublicUrlEnv } from "~/utils/public-urls.server";

export type SecurityHeaderEnv = PublicUrlEnv & Partial<Pick<Env, "STRIPE_SECRET_KEY" | "STRIPE_PUBLISHABLE_KEY">>;

/** A fresh nonce for one page render: 128 random bits. */
export function newNonce(): string {
  return randomBytes(16).toString("base64");
}

// The map's tiles (components/places-map.tsx).
const MAP_TILES = "https://*.tile.openstreetmap.org";
// Stripe.js and its card fields, only when the real provider is configured (docs.stripe.com/security/guide#content-security-policy).
const STRIPE = { script: "https://js.stripe.com", frame: "https://js.stripe.com https://hooks.stripe.com", connect: "https://api.stripe.com", img: "https://*.stripe.com", form: "https://connect.stripe.com" };

/** A page's policy: scripts only from this site and with this render's nonce. */
export function pageContentSecurityPolicy(nonce: string, env: SecurityHeaderEnv): string {
  const stripe = Boolean(env.STRIPE_SECRET_KEY || env.STRIPE_PUBLISHABLE_KEY);
  // The marketplace shows clinic logos from the clinics' sites, and forms may land on another of our sites.
  const sites = `${marketplaceOrigin(env)} ${clinicSitesSource(env)}`;
  const directives = [
    "default-src 'self'",
    `script-src 'self' 'nonce-${nonce}'${stripe ? ` ${STRIPE.script}` : ""}`,
    `style-src 'self' 'nonce-${nonce}'`,
    // The clinic's colours on <html style> and a few style attributes: attributes cannot carry a nonce.
    "style-src-attr 'unsafe-inline'",
    `img-src 'self' data: blob: ${sites} ${MAP_TILES}${stripe ? ` ${STRIPE.img}` : ""}`,
    `connect-src 'self'${stripe ? ` ${STRIPE.connect}` : ""}`,
    `frame-src ${stripe ? STRIPE.frame : "'none'"}`,
    "font-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    `form-action 'self' ${sites}${stripe ? ` ${STRIPE.form}` : ""}`,
    "frame-ancestors 'self'",
  ];
  return directives.join("; ");
}

/** What any other answer may do: show itself, with inline style at most. */
const NOTHING_RUNS = "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; base-uri 'none'; form-action 'self'; frame-ancestors 'self'";

const PERMISSIONS_POLICY = [
  "camera=()",
  "microphone=()",
  // "Near me" on the marketplace asks for the position.
  "geolocation=(self)",
  'payment=(self "https://js.stripe.com")',
  "usb=()",
  "midi=()",
  "magnetometer=()",
  "gyroscope=()",
  "accelerometer=()",
  "display-capture=()",
].join(", ");

const ONE_YEAR_S = 365 * 24 * 3600;

/** The headers every answer starts with; `secureRequest` is the connection's (or a trusted proxy's) word that it is HTTPS. */
export function baselineSecurityHeaders(env: SecurityHeaderEnv, secureRequest: boolean): Record<string, string> {
  const headers: Record<string, string> = {
    "Content-Security-Policy": NOTHING_RUNS,
    "Permissions-Policy": PERMISSIONS_POLICY,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "strict-origin-when-cross-origin",
    "X-Frame-Options": "SAMEORIGIN",
  };
  // Browsers ignore HSTS over plain http; it is sent whenever the product's links are https.
  if (secureRequest || publicScheme(env) === "https:") headers["Strict-Transport-Security"] = `max-age=${ONE_YEAR_S}`;
  return headers;
}

/**
 * Pages and data answers depend on who is asking (the root loader reads the session): never shared
 * by a cache between visitors, and never stored at all once a cookie is involved.
 */
export function sessionCacheHeaders(request: Request, responseHeaders: Headers): void {
  responseHeaders.append("Vary", "Cookie");
  if (request.headers.has("cookie") || responseHeaders.has("set-cookie")) responseHeaders.set("Cache-Control", "private, no-store");
}
