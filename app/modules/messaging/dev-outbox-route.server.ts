import { getEnv } from "~/utils/env.server";

/** The development outbox does not exist in production: the same 404 as any unknown page. */
export function assertDevOutboxAvailable() {
  if (getEnv().NODE_ENV === "production") throw new Response("Not found", { status: 404 });
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
