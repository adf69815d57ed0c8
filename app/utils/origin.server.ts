/** True when the Origin (or, without one, the Referer) names the host that received the request. */
export function isSameOrigin(origin: string | null, referer: string | null, host: string): boolean {
  const source = origin && origin !== "null" ? origin : referer;
  if (!source) return false;
  try {
    return new URL(source).host.toLowerCase() === host.toLowerCase();
  } catch {
    return false;
  }
}
