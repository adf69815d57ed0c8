import { requireSite } from "~/modules/clinic/site-guard.server";
import type { Site } from "~/modules/tenancy/site.server";

/** For pages that exist only on the marketplace: a 404 on a clinic's site. */
export function requireMarketplace(request: Request, site: Site): void {
  if (requireSite(request, site).kind !== "marketplace") throw new Response("Not found", { status: 404 });
}
