import type { AppLoadContext } from "@remix-run/node";
import { getEnv } from "~/utils/env.server";
import { readCookie, serializeCookie, shouldUseSecureCookies } from "./cookies.server";
import type { RequestMeta } from "./session.server";
import { readSignedValue, signValue } from "./tokens.server";

/**
 * Half-finished sign-ins are remembered in short-lived signed cookies, so the forms work without
 * JavaScript and nothing is kept on the server between steps: the phone number waiting for its
 * code, and the staff member who gave the right password and still owes a TOTP code.
 */

const PHONE_COOKIE = "medslot_sign_in_phone";
const TOTP_COOKIE = "medslot_staff_totp";
const PHONE_TTL_S = 15 * 60;
const TOTP_TTL_S = 5 * 60;

function secure(request: Request) {
  return shouldUseSecureCookies(request.url, getEnv().NODE_ENV);
}

function hostOf(context: AppLoadContext) {
  return context.site.host;
}

export interface PendingPhone {
  phone: string;
  sentAt: number;
}

export function pendingPhoneCookie(request: Request, context: AppLoadContext, pending: PendingPhone, now = Date.now()): string {
  const value = signValue("pending-phone", { ...pending, host: hostOf(context), exp: now + PHONE_TTL_S * 1000 });
  return serializeCookie(PHONE_COOKIE, value, { secure: secure(request), maxAge: PHONE_TTL_S });
}

export function readPendingPhone(request: Request, context: AppLoadContext, now = Date.now()): PendingPhone | null {
  const v = readSignedValue("pending-phone", readCookie(request, PHONE_COOKIE));
  if (!v || v.host !== hostOf(context) || typeof v.exp !== "number" || v.exp <= now || typeof v.phone !== "string" || typeof v.sentAt !== "number") return null;
  return { phone: v.phone, sentAt: v.sentAt };
}

export function clearPendingPhoneCookie(request: Request): string {
  return serializeCookie(PHONE_COOKIE, "", { secure: secure(request), maxAge: 0 });
}

export function pendingTotpCookie(request: Request, context: AppLoadContext, staffUserId: string, now = Date.now()): string {
  const value = signValue("pending-totp", { staffUserId, host: hostOf(context), exp: now + TOTP_TTL_S * 1000 });
  return serializeCookie(TOTP_COOKIE, value, { secure: secure(request), maxAge: TOTP_TTL_S });
}

export function readPendingTotp(request: Request, context: AppLoadContext, now = Date.now()): { staffUserId: string } | null {
  const v = readSignedValue("pending-totp", readCookie(request, TOTP_COOKIE));
  if (!v || v.host !== hostOf(context) || typeof v.exp !== "number" || v.exp <= now || typeof v.staffUserId !== "string") return null;
  return { staffUserId: v.staffUserId };
}

export function clearPendingTotpCookie(request: Request): string {
  return serializeCookie(TOTP_COOKIE, "", { secure: secure(request), maxAge: 0 });
}

/** The "from where" of a request, for sessions and the audit log. */
export function requestMeta(request: Request, context: AppLoadContext): RequestMeta {
  return {
    ip: context.clientIp && context.clientIp !== "unknown" ? context.clientIp : null,
    userAgent: request.headers.get("user-agent"),
    requestId: context.requestId || null,
  };
}
