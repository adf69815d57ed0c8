/**
 * Which browser a hold belongs to. A random token in a cookie of its own, not the session: the
 * token is set before sign-in and survives it unchanged, so a patient who signs in halfway through
 * still confirms the time they chose.
 */
import { randomBytes } from "node:crypto";
import { readCookie, serializeCookie, shouldUseSecureCookies } from "~/modules/auth/cookies.server";

export const HOLDER_COOKIE = "medslot_booking";
const TOKEN = /^[A-Za-z0-9_-]{32,64}$/;
// A day is plenty for one booking; the cookie names nobody and only ties holds to this browser.
const MAX_AGE_SECONDS = 24 * 60 * 60;

export interface BrowserHolder {
  heldBy: string;
  /** A Set-Cookie value when the token is new. */
  setCookie: string | null;
}

export function readHolder(request: Request): string | null {
  const token = readCookie(request, HOLDER_COOKIE);
  return token && TOKEN.test(token) ? `browser:${token}` : null;
}

export function holderFor(request: Request): BrowserHolder {
  const existing = readHolder(request);
  if (existing) return { heldBy: existing, setCookie: null };
  const token = randomBytes(24).toString("base64url");
  const secure = shouldUseSecureCookies(request.url, process.env.NODE_ENV ?? "production");
  return { heldBy: `browser:${token}`, setCookie: serializeCookie(HOLDER_COOKIE, token, { secure, maxAge: MAX_AGE_SECONDS }) };
}
