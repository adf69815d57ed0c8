/**
 * Addresses of the marketplace and of clinic sites, built from the request's own scheme and port so
 * links work the same on http://localhost:3000 in development and behind TLS in production.
 */
import { getEnv } from "~/utils/env.server";

function origin(request: Request, host: string) {
  const url = new URL(request.url);
  // request.url already carries the scheme a trusted proxy reported (express "trust proxy").
  return `${url.protocol}//${host}${url.port ? `:${url.port}` : ""}`;
}

export function marketplaceUrl(request: Request, appDomain = getEnv().APP_DOMAIN): string {
  return origin(request, appDomain);
}

export function clinicSiteUrl(request: Request, slug: string, appDomain = getEnv().APP_DOMAIN): string {
  return origin(request, `${slug}.${appDomain}`);
}
