/**
 * Route loaders answer for their own host. With single fetch a data request can run one route's
 * loader without the root's, so a route must not count on the root to turn away a host that names
 * nothing.
 */
import { marketplaceOrigin } from "~/utils/public-urls.server";
import type { Site } from "~/modules/tenancy/site.server";

/** The same 404 the root sends: the error page reads why nothing is here and where the marketplace is. */
export function hostNotFound(site: Extract<Site, { kind: "not-found" }>): Response {
  return new Response(JSON.stringify({ reason: site.reason, host: site.host, marketplaceUrl: marketplaceOrigin() }), {
    status: 404,
    headers: { "Content-Type": "application/json" },
  });
}

/** The site the host names; throws the host 404 when it names no clinic or marketplace. */
export function requireSite(request: Request, site: Site): Exclude<Site, { kind: "not-found" }> {
  if (site.kind === "not-found") throw hostNotFound(site);
  return site;
}
