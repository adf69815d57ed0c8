import type { AppLoadContext } from "@remix-run/node";
import type { SessionSubject } from "~/generated/prisma/enums";
import type { Db, ScopedDb, Tx } from "~/utils/db.server";
import { getEnv } from "~/utils/env.server";
import { readCookie, serializeCookie, SESSION_COOKIE, shouldUseSecureCookies } from "./cookies.server";
import { generateToken, sha256Hex } from "./tokens.server";

/**
 * Sessions after the Lucia session guide: the cookie holds a random token, the database only its
 * SHA-256 (a leaked table cannot be replayed). Each session belongs to one host and its clinic
 * (NULL for the marketplace and admin host), and is validated in that host's database scope, so a
 * cookie copied to another clinic's site finds nothing there.
 */

const DAY = 86_400_000;
const HOUR = 3_600_000;

export const SESSION_POLICY = {
  patient: { lifetimeMs: 30 * DAY, renewWhenLeftMs: 15 * DAY },
  // Staff sessions end after 12 idle hours; renewing at most every 10 minutes keeps writes rare.
  staff: { lifetimeMs: 12 * HOUR, renewWhenLeftMs: 12 * HOUR - 10 * 60_000 },
} as const satisfies Record<SessionSubject, { lifetimeMs: number; renewWhenLeftMs: number }>;

/** The host a session lives on: its clinic (null for the marketplace/admin host) and host name. */
export interface SessionHost {
  clinicId: string | null;
  host: string;
}

export type SessionOwner = { subject: "patient"; patientAccountId: string } | { subject: "staff"; staffUserId: string };

export interface Session {
  id: string;
  clinicId: string | null;
  host: string;
  subject: SessionSubject;
  patientAccountId: string | null;
  staffUserId: string | null;
  expiresAt: Date;
}

export function scopeFor(db: Db, host: SessionHost): ScopedDb {
  return host.clinicId ? db.forClinic(host.clinicId) : db.forPlatform();
}

export function sessionIdFromToken(token: string): string {
  return sha256Hex(token);
}

export interface RequestMeta {
  ip: string | null;
  userAgent: string | null;
  requestId?: string | null;
}

export async function createSession(db: Db, host: SessionHost, owner: SessionOwner, meta: RequestMeta, now = new Date()): Promise<{ token: string; session: Session }> {
  return scopeFor(db, host).tx((tx) => insertSession(tx, host, owner, meta, now));
}

/** Creates a session inside a caller's transaction (already scoped to `host`'s clinic). */
export async function insertSession(tx: Tx, host: SessionHost, owner: SessionOwner, meta: RequestMeta, now = new Date()): Promise<{ token: string; session: Session }> {
  const token = generateToken();
  const expiresAt = new Date(now.getTime() + SESSION_POLICY[owner.subject].lifetimeMs);
  const session = await tx.session.create({
    data: {
      id: sessionIdFromToken(token),
      clinicId: host.clinicId,
      host: host.host,
      subject: owner.subject,
      patientAccountId: owner.subject === "patient" ? owner.patientAccountId : null,
      staffUserId: owner.subject === "staff" ? owner.staffUserId : null,
      expiresAt,
      createdAt: now,
      ip: meta.ip?.slice(0, 64) ?? null,
      userAgent: meta.userAgent?.slice(0, 512) ?? null,
    },
    select: sessionSelect,
  });
  return { token, session };
}

const sessionSelect = { id: true, clinicId: true, host: true, subject: true, patientAccountId: true, staffUserId: true, expiresAt: true } as const;

/**
 * The session a token names on this host, or null. Expired sessions are deleted; sessions close to
 * the end of their lifetime are extended (`renewed: true` means the cookie should be set again).
 */
export async function validateSessionToken(db: Db, host: SessionHost, token: string, now = new Date()): Promise<{ session: Session; renewed: boolean } | null> {
  if (!/^[a-z2-7]{16,128}$/.test(token)) return null;
  const id = sessionIdFromToken(token);
  return scopeFor(db, host).tx(async (tx) => {
    const session = await tx.session.findUnique({ where: { id }, select: sessionSelect });
    if (!session) return null;
    if (session.host !== host.host) return null;
    if (now.getTime() >= session.expiresAt.getTime()) {
      await tx.session.deleteMany({ where: { id } });
      return null;
    }
    const policy = SESSION_POLICY[session.subject];
    if (session.expiresAt.getTime() - now.getTime() < policy.renewWhenLeftMs) {
      const expiresAt = new Date(now.getTime() + policy.lifetimeMs);
      await tx.session.update({ where: { id }, data: { expiresAt } });
      return { session: { ...session, expiresAt }, renewed: true };
    }
    return { session, renewed: false };
  });
}

export async function invalidateSession(db: Db, host: SessionHost, sessionId: string): Promise<void> {
  await scopeFor(db, host).tx((tx) => tx.session.deleteMany({ where: { id: sessionId } }));
}

/**
 * Signs a staff member out on every host (after a password change or reset). Runs in the system
 * scope, the only one allowed to delete across clinics; `exceptSessionId` keeps the current one.
 */
export async function invalidateAllStaffSessions(db: Db, staffUserId: string, opts: { exceptSessionId?: string } = {}): Promise<number> {
  const result = await db.system("sign out everywhere").tx((tx) =>
    tx.session.deleteMany({ where: { staffUserId, ...(opts.exceptSessionId ? { id: { not: opts.exceptSessionId } } : {}) } }),
  );
  return result.count;
}

// Cookies ------------------------------------------------------------------------------------

export function readSessionToken(request: Request): string | null {
  return readCookie(request, SESSION_COOKIE);
}

export function sessionCookie(request: Request, token: string, expiresAt: Date, now = new Date()): string {
  return serializeCookie(SESSION_COOKIE, token, {
    secure: shouldUseSecureCookies(request.url, getEnv().NODE_ENV),
    maxAge: (expiresAt.getTime() - now.getTime()) / 1000,
  });
}

export function clearSessionCookie(request: Request): string {
  return serializeCookie(SESSION_COOKIE, "", { secure: shouldUseSecureCookies(request.url, getEnv().NODE_ENV), maxAge: 0 });
}

// A renewed session needs its cookie set again on whatever response the request produces; guards
// run inside many loaders, so they leave the header here and entry.server.tsx adds it.
const pendingCookies = new WeakMap<object, string>();

export function setPendingSessionCookie(context: AppLoadContext, cookie: string) {
  pendingCookies.set(context, cookie);
}

export function appendPendingSessionCookie(context: AppLoadContext | undefined, headers: Headers) {
  const cookie = context ? pendingCookies.get(context) : undefined;
  if (!cookie) return;
  const existing = headers.get("set-cookie") ?? "";
  // A response that already sets the session cookie (sign-in, sign-out) wins.
  if (!existing.includes(`${SESSION_COOKIE}=`)) headers.append("Set-Cookie", cookie);
}
