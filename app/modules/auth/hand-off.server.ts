/**
 * One sign-in across Medslot's own site and every clinic's site (decision 042). Each host keeps its
 * own session cookie, never shared across subdomains; a signed-in patient crossing to another host
 * carries a hand-off instead:
 *
 *   1. source  /go?to=northside&next=/account         (a link on the page the patient is on)
 *   2. target  /hand-off?from=medslot&next=/account    keeps a random state in a cookie of its own
 *   3. source  /hand-off/issue?to=northside&state=…    signed in? writes a one-time hand-off;
 *                                                      not signed in? its sign-in page first (the
 *                                                      central sign-in, on Medslot's own site)
 *   4. target  /hand-off/accept?token=…                uses it once, with the cookie's state, and
 *                                                      starts the target's own session
 *
 * The row is written in the source's scope and can be read only in the target's (row-level
 * security), holds only hashes, lasts a minute and is used once. The state ties it to the browser
 * that asked: a hand-off link sent to someone else signs no one in there. Every address it
 * redirects to is built from configuration (APP_DOMAIN and the clinic's slug), never the request.
 */
import { recordAudit } from "~/modules/audit/audit.server";
import { provePhoneAtClinic } from "~/modules/patients/clinic-patients.server";
import { resolveSite, type Site } from "~/modules/tenancy/site.server";
import type { Db } from "~/utils/db.server";
import { getEnv } from "~/utils/env.server";
import { clinicSiteOrigin, marketplaceOrigin } from "~/utils/public-urls.server";
import { readCookie, serializeCookie, shouldUseSecureCookies } from "./cookies.server";
import { insertSession, scopeFor, type RequestMeta, type Session, type SessionHost } from "./session.server";
import { generateToken, sha256Hex } from "./tokens.server";

/** How long a written hand-off can be used: the redirect that carries it takes milliseconds. */
export const HAND_OFF_SECONDS = 60;
/** How long the target waits for its hand-off: long enough to sign in with a texted code on the way. */
const STATE_SECONDS = 15 * 60;
const STATE_COOKIE = "medslot_hand_off";
/** Medslot's own site, as `to` and `from` name it. */
export const MARKETPLACE = "medslot";

const TOKEN = /^[a-z2-7]{32}$/;
const SLUG = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;

/** A host a patient can be handed to or from: its clinic (null for Medslot's own site) and its address. */
export interface HandOffHost {
  name: string;
  /** The clinic's name, or Medslot. */
  label: string;
  clinicId: string | null;
  origin: string;
}

/** The host a `to` or `from` names, if it is Medslot's own site or a live clinic's; null otherwise. */
export async function handOffHost(name: string | null, db?: Db): Promise<HandOffHost | null> {
  if (name === MARKETPLACE) return { name, label: "Medslot", clinicId: null, origin: marketplaceOrigin() };
  if (!name || !SLUG.test(name)) return null;
  const env = getEnv();
  const site = await resolveSite(`${name}.${env.APP_DOMAIN}`, env.APP_DOMAIN, db);
  return site.kind === "clinic" && site.clinic.slug === name ? { name, label: site.clinic.name, clinicId: site.clinic.id, origin: clinicSiteOrigin(name) } : null;
}

/** How this host is named in a hand-off: the clinic's slug, or Medslot's own site. */
export function handOffNameOf(site: Site): string | null {
  if (site.kind === "clinic") return site.clinic.slug;
  if (site.kind === "marketplace") return MARKETPLACE;
  return null;
}

/** The target's state: a new random value, in a cookie only this host reads. */
export function newHandOffState(request: Request): { state: string; cookie: string } {
  const state = generateToken();
  return { state, cookie: serializeCookie(STATE_COOKIE, state, { secure: shouldUseSecureCookies(request.url, getEnv().NODE_ENV), maxAge: STATE_SECONDS, path: "/hand-off" }) };
}

export function clearHandOffState(request: Request): string {
  return serializeCookie(STATE_COOKIE, "", { secure: shouldUseSecureCookies(request.url, getEnv().NODE_ENV), maxAge: 0, path: "/hand-off" });
}

export function isHandOffState(value: string | null): value is string {
  return value !== null && TOKEN.test(value);
}

/** Step 3: the source writes a hand-off for its signed-in patient to the named target. */
export async function issueHandOff(db: Db, from: SessionHost, to: HandOffHost, patientAccountId: string, state: string, now = new Date()): Promise<string> {
  const token = generateToken();
  const expiresAt = new Date(now.getTime() + HAND_OFF_SECONDS * 1000);
  // No RETURNING: the source may write the row but not read it back (only the target can).
  await scopeFor(db, from).tx(
    (tx) => tx.$executeRaw`
      INSERT INTO session_hand_offs (id, patient_account_id, from_clinic_id, to_clinic_id, state_hash, expires_at, created_at)
      VALUES (${sha256Hex(token)}, ${patientAccountId}::uuid, ${from.clinicId}::uuid, ${to.clinicId}::uuid, ${sha256Hex(state)}, ${expiresAt}, ${now})`,
  );
  return token;
}

/**
 * Step 4: the target uses the hand-off once, with this browser's state, and starts its own session
 * for the patient, in one transaction. Null when the token is unknown here, used, expired or meant
 * for another browser.
 */
export async function acceptHandOff(
  db: Db,
  at: SessionHost,
  request: Request,
  token: string | null,
  meta: RequestMeta,
  now = new Date(),
): Promise<{ token: string; session: Session } | null> {
  const state = readCookie(request, STATE_COOKIE);
  if (!token || !TOKEN.test(token) || !isHandOffState(state)) return null;
  return scopeFor(db, at).tx(async (tx) => {
    const used = await tx.$queryRaw<{ patient_account_id: string; from_clinic_id: string | null }[]>`
      UPDATE session_hand_offs SET used_at = ${now}
       WHERE id = ${sha256Hex(token)} AND used_at IS NULL AND expires_at > ${now} AND state_hash = ${sha256Hex(state)}
      RETURNING patient_account_id::text, from_clinic_id::text`;
    const handOff = used[0];
    const request = { ip: meta.ip, userAgent: meta.userAgent, requestId: meta.requestId ?? null };
    if (!handOff) {
      await recordAudit(tx, { clinicId: at.clinicId, actor: { type: "anonymous" }, action: "patient.hand_off_refused", request });
      return null;
    }
    const patientAccountId = handOff.patient_account_id;
    const started = await insertSession(tx, at, { subject: "patient", patientAccountId }, meta, now);
    // The patient proved the phone to Medslot with a texted code and chose to come here: as good as
    // signing in on this site, so the clinic's record of the number joins the account.
    if (at.clinicId) await provePhoneAtClinic(tx, at.clinicId, patientAccountId, "sign_in");
    await recordAudit(tx, {
      clinicId: at.clinicId,
      actor: { type: "patient", id: patientAccountId },
      action: "patient.signed_in",
      target: { type: "patient_account", id: patientAccountId },
      request,
      details: { via: "hand-off", fromMarketplace: handOff.from_clinic_id === null },
    });
    return started;
  });
}

/**
 * A link, on this host, to a page of another (`to`: a clinic's slug or MARKETPLACE): a signed-in
 * patient arrives signed in there too. Pure string work, for any page's loader.
 */
export function crossSiteLink(to: string, next: string): string {
  return `/go?${new URLSearchParams({ to, next }).toString()}`;
}

/** The address of a step on another host, with its query. */
export function handOffUrl(origin: string, path: string, query: Record<string, string>): string {
  return `${origin}${path}?${new URLSearchParams(query).toString()}`;
}
