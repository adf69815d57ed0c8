import { redirect, type AppLoadContext } from "@remix-run/node";
import type { StaffRole } from "~/generated/prisma/enums";
import type { Actor } from "~/lib/actor";
import { auditContextFromRequest } from "~/modules/audit/audit.server";
import { mayUse, type PanelPageKey } from "~/modules/clinic/panel-nav";
import { hostNotFound } from "~/modules/clinic/site-guard.server";
import type { ClinicSite } from "~/modules/tenancy/site.server";
import { getDb, type ClinicDb, type ScopedDb } from "~/utils/db.server";
import { clearSessionCookie, readSessionToken, scopeFor, sessionCookie, setPendingSessionCookie, validateSessionToken, type SessionHost } from "./session.server";
import { staffRolesIn } from "./staff-sign-in.server";

/**
 * Who is asking, on this host. Remix runs loaders in parallel, so every loader that reads protected
 * data calls a guard itself; the answer is worked out once per request and shared.
 */

export type { StaffRole };

export interface ViewerPatient {
  id: string;
  phone: string;
  firstName: string | null;
  lastName: string | null;
}

export interface ViewerStaff {
  id: string;
  name: string;
  email: string;
}

export type Viewer =
  | { kind: "anonymous" }
  | { kind: "patient"; patient: ViewerPatient }
  | { kind: "staff"; staff: ViewerStaff; roles: StaffRole[]; operator?: boolean };

interface ResolvedViewer {
  viewer: Viewer;
  sessionId: string | null;
}

const ANONYMOUS: ResolvedViewer = { viewer: { kind: "anonymous" }, sessionId: null };
const resolved = new WeakMap<object, Promise<ResolvedViewer>>();

/** The session host for this request, or null when the host names no site. */
export function sessionHostFor(context: AppLoadContext): SessionHost | null {
  const { site } = context;
  if (site.kind === "clinic") return { clinicId: site.clinic.id, host: site.host };
  if (site.kind === "marketplace") return { clinicId: null, host: site.host };
  return null;
}

async function resolveViewer(request: Request, context: AppLoadContext): Promise<ResolvedViewer> {
  const host = sessionHostFor(context);
  const token = readSessionToken(request);
  if (!host || !token) return ANONYMOUS;
  const db = getDb();
  const now = new Date();
  const valid = await validateSessionToken(db, host, token, now);
  if (!valid) {
    // A stale or foreign cookie: clear it so the browser stops sending it.
    setPendingSessionCookie(context, clearSessionCookie(request));
    return ANONYMOUS;
  }
  const { session, renewed } = valid;
  if (renewed) setPendingSessionCookie(context, sessionCookie(request, token, session.expiresAt, now));

  return scopeFor(db, host).tx(async (tx): Promise<ResolvedViewer> => {
    if (session.subject === "patient" && session.patientAccountId) {
      const patient = await tx.patientAccount.findUnique({ where: { id: session.patientAccountId }, select: { id: true, phone: true, firstName: true, lastName: true } });
      return patient ? { viewer: { kind: "patient", patient }, sessionId: session.id } : ANONYMOUS;
    }
    if (session.subject === "staff" && session.staffUserId) {
      const staff = await tx.staffUser.findUnique({ where: { id: session.staffUserId }, select: { id: true, name: true, email: true } });
      if (!staff) return ANONYMOUS;
      if (host.clinicId) {
        const roles = await staffRolesIn(tx, host.clinicId, staff.id);
        return { viewer: { kind: "staff", staff, roles, operator: false }, sessionId: session.id };
      }
      // On the platform host a staff session is an operator's; one whose role was withdrawn is nobody.
      const operator = await tx.platformOperator.findUnique({ where: { staffUserId: staff.id }, select: { id: true } });
      return operator ? { viewer: { kind: "staff", staff, roles: [], operator: true }, sessionId: session.id } : ANONYMOUS;
    }
    return ANONYMOUS;
  });
}

function resolveOnce(request: Request, context: AppLoadContext): Promise<ResolvedViewer> {
  let pending = resolved.get(context);
  if (!pending) {
    pending = resolveViewer(request, context);
    resolved.set(context, pending);
  }
  return pending;
}

/** After sign-in or sign-out within a request, the next guard call looks again. */
export function forgetViewer(context: AppLoadContext) {
  resolved.delete(context);
}

export async function getViewer(request: Request, context: AppLoadContext): Promise<Viewer> {
  return (await resolveOnce(request, context)).viewer;
}

/** The current session's id (for signing out, or keeping this session when changing a password). */
export async function getSessionId(request: Request, context: AppLoadContext): Promise<string | null> {
  return (await resolveOnce(request, context)).sessionId;
}

function pathOf(request: Request) {
  const url = new URL(request.url);
  return `${url.pathname}${url.search}`;
}

function hasControlCharacter(value: string) {
  for (let i = 0; i < value.length; i++) if (value.charCodeAt(i) < 0x20) return true;
  return false;
}

/** Only same-site relative paths: "/panel?x=1" yes; "//evil.example", "https://…", "/\\evil" no. */
export function safeRedirectPath(to: FormDataEntryValue | string | null | undefined, fallback = "/"): string {
  if (typeof to !== "string" || !to.startsWith("/") || to.startsWith("//") || to.startsWith("/\\") || hasControlCharacter(to)) return fallback;
  return to;
}

/**
 * The signed-in patient, or a redirect to sign in. `db` is scoped to this host: the clinic's rows on
 * a clinic's site, the patient's platform account on the marketplace.
 */
export async function requirePatient(request: Request, context: AppLoadContext): Promise<{ patient: ViewerPatient; sessionId: string; db: ScopedDb }> {
  const { viewer, sessionId } = await resolveOnce(request, context);
  const host = sessionHostFor(context);
  if (viewer.kind === "patient" && sessionId && host) return { patient: viewer.patient, sessionId, db: scopeFor(getDb(), host) };
  throw redirect(`/sign-in?redirectTo=${encodeURIComponent(pathOf(request))}`);
}

export function forbidden(): Response {
  return new Response("You don't have access to this page.", { status: 403, headers: { "Content-Type": "text/plain; charset=utf-8" } });
}

export function notFound(): Response {
  return new Response("Not found", { status: 404, headers: { "Content-Type": "text/plain; charset=utf-8" } });
}

/** What a panel page's loader or action works with once the guard has let the request through. */
export interface StaffAccess {
  staff: ViewerStaff;
  roles: StaffRole[];
  clinicId: string;
  clinic: ClinicSite;
  sessionId: string;
  /** The member of staff as the change logs and the audit log record them, with this request's address. */
  actor: Actor;
  /** The database, already scoped to this clinic (row-level security sees only its rows). */
  db: ClinicDb;
}

/**
 * Staff of this clinic who may use `page` (the table in clinic/panel-nav.ts). Only on a clinic's
 * host: sessions belong to one host, so a member of staff of another clinic is sent to sign in
 * here, and a role the page does not allow gets 403.
 */
export async function requireStaff(request: Request, context: AppLoadContext, page: PanelPageKey): Promise<StaffAccess> {
  if (context.site.kind !== "clinic") throw notFound();
  const { viewer, sessionId } = await resolveOnce(request, context);
  if (viewer.kind === "anonymous" || !sessionId) throw redirect(`/staff/sign-in?redirectTo=${encodeURIComponent(pathOf(request))}`);
  if (viewer.kind !== "staff" || !mayUse(page, viewer.roles)) throw forbidden();
  const clinic = context.site.clinic;
  return {
    staff: viewer.staff,
    roles: viewer.roles,
    clinicId: clinic.id,
    clinic,
    sessionId,
    actor: { type: "staff", id: viewer.staff.id, request: auditContextFromRequest(request, context) },
    db: getDb().forClinic(clinic.id),
  };
}

/**
 * A clinic's own site, for its public pages and its patients' pages: the clinic this host names and
 * the database scoped to it. A host that names nothing gets the site's 404 (why, and where the
 * marketplace is); the marketplace gets a plain 404.
 */
export function requireClinicSite(context: AppLoadContext): { clinic: ClinicSite; db: ClinicDb } {
  const site = context.site;
  if (site.kind === "not-found") throw hostNotFound(site);
  if (site.kind !== "clinic") throw notFound();
  return { clinic: site.clinic, db: getDb().forClinic(site.clinic.id) };
}

/** A platform operator, on the marketplace host only (the /admin pages). */
export async function requireOperator(request: Request, context: AppLoadContext): Promise<{ staff: ViewerStaff; sessionId: string }> {
  if (context.site.kind !== "marketplace") throw notFound();
  const { viewer, sessionId } = await resolveOnce(request, context);
  if (viewer.kind === "anonymous" || !sessionId) throw redirect(`/staff/sign-in?redirectTo=${encodeURIComponent("/admin")}`);
  if (viewer.kind !== "staff" || !viewer.operator) throw forbidden();
  return { staff: viewer.staff, sessionId };
}
