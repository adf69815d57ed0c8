/**
 * True when the request came from a page of the same site: the Origin (or, without one, the
 * Referer) names the host that received it, or the browser says so with Sec-Fetch-Site.
 */
export function isSameOrigin(origin: string | null, referer: string | null, host: string, secFetchSite: string | null = null): boolean {
  const source = origin && origin !== "null" ? origin : referer;
  if (!source) return secFetchSite === "same-origin";
  try {
    return new URL(source).host.toLowerCase() === host.toLowerCase();
  } catch {
    return false;
  }
}
