import { normalizeHost } from "~/modules/tenancy/host";

export const SESSION_COOKIE = "medslot_session";

export function readCookie(request: Request, name: string): string | null {
  const header = request.headers.get("cookie");
  if (!header) return null;
  for (const part of header.split(";")) {
    const eq = part.indexOf("=");
    if (eq < 0) continue;
    if (part.slice(0, eq).trim() === name) {
      const value = part.slice(eq + 1).trim();
      try {
        return decodeURIComponent(value);
      } catch {
        return null;
      }
    }
  }
  return null;
}

/**
 * Secure everywhere except plain-http development: localhost and *.localhost (browsers treat them
 * as secure contexts but the demo runs without TLS), or http in development and tests.
 */
export function shouldUseSecureCookies(requestUrl: string, nodeEnv: string): boolean {
  const url = new URL(requestUrl);
  const host = normalizeHost(url.host);
  if (host === "localhost" || host.endsWith(".localhost")) return false;
  if (url.protocol === "http:" && (nodeEnv === "development" || nodeEnv === "test")) return false;
  return true;
}

export interface CookieOptions {
  secure: boolean;
  /** Seconds; 0 deletes the cookie. */
  maxAge: number;
  path?: string;
}

/**
 * Always HttpOnly and SameSite=Lax, and never a Domain attribute: a host-only cookie set on
 * northside.localhost is never sent to spree-physio.localhost or to the marketplace.
 */
export function serializeCookie(name: string, value: string, options: CookieOptions): string {
  const parts = [`${name}=${encodeURIComponent(value)}`, `Path=${options.path ?? "/"}`, "HttpOnly", "SameSite=Lax", `Max-Age=${Math.max(0, Math.floor(options.maxAge))}`];
  if (options.maxAge <= 0) parts.push("Expires=Thu, 01 Jan 1970 00:00:00 GMT");
  if (options.secure) parts.push("Secure");
  return parts.join("; ");
}
