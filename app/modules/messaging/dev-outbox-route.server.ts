import { getEnv, isLocalAppDomain } from "~/utils/env.server";

/**
 * The development outbox shows sign-in codes and reset links, so it exists only for the local demo:
 * never in production and never on a public domain (a staging site without NODE_ENV would otherwise
 * hand out everyone's codes). Elsewhere it is the same 404 as any unknown page.
 */
export function assertDevOutboxAvailable() {
  const env = getEnv();
  if (env.NODE_ENV === "production" || !isLocalAppDomain(env.APP_DOMAIN)) throw new Response("Not found", { status: 404 });
}

/**
 * "?to=+12125550123" arrives as " 12125550123" (a "+" in a query string is a space), so a
 * number is matched with and without its plus.
 */
export function recipientFilter(raw: string | null): string | null {
  const value = raw?.trim();
  if (!value) return null;
  return value.replace(/\s+/g, "");
}
