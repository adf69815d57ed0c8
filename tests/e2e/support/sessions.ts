/**
 * Sessions planted in the database: a test about the desk, the calendar or the reports starts
 * signed in instead of typing a password (and waiting for its hash) every time, and a patient who
 * already signed in on a clinic's site need not wait out the SMS resend pause to be signed in on the
 * marketplace too. The session row is what the server writes at sign-in (the SHA-256 of a random
 * token, the host, the lifetime), and the browser gets the token as the same cookie. The sign-in
 * pages keep their own specs (staff-panel, patient-sign-in, booking-flow, marketplace-places), which
 * go through the forms.
 */
import { createHash, randomBytes } from "node:crypto";
import { expect, type Page } from "@playwright/test";
import pg from "pg";
import { e2eDatabaseUrls } from "./database";
import { clinicUrl, marketplaceUrl } from "./urls";

const SESSION_COOKIE = "medslot_session";
const BASE32 = "abcdefghijklmnopqrstuvwxyz234567";
const LIFETIME_HOURS = { staff: 12, patient: 30 * 24 } as const;

let pool: pg.Pool | undefined;
function db(): pg.Pool {
  pool ??= new pg.Pool({ connectionString: e2eDatabaseUrls().superuserUrl, max: 2, allowExitOnIdle: true });
  return pool;
}

type Who = { subject: "staff"; email: string } | { subject: "patient"; phone: string };

/** A session on the clinic's host (its slug) or, with `clinic: null`, the marketplace host. Returns the cookie's value and host. */
async function plantSession(who: Who, clinic: string | null): Promise<{ token: string; host: string }> {
  const host = clinic ? `${clinic}.localhost` : "localhost";
  // The server only looks up tokens in its own alphabet (lower-case base32, as at sign-in).
  const token = Array.from(randomBytes(32), (b) => BASE32[b & 31]).join("");
  const owner =
    who.subject === "staff"
      ? { column: "staff_user_id", from: "staff_users o", match: "lower(o.email) = lower($4)", value: who.email }
      : { column: "patient_account_id", from: "patient_accounts o", match: "o.phone = $4", value: who.phone };
  const { rowCount } = await db().query(
    `INSERT INTO sessions (id, clinic_id, host, subject, ${owner.column}, expires_at, created_at)
     SELECT $1, c.id, $2, '${who.subject}', o.id, now() + make_interval(hours => $5::int), now()
       FROM ${owner.from} LEFT JOIN clinics c ON c.slug = $3
      WHERE ${owner.match} AND ($3::text IS NULL OR c.id IS NOT NULL)`,
    [createHash("sha256").update(token).digest("hex"), host, clinic, owner.value, LIFETIME_HOURS[who.subject]],
  );
  if (rowCount !== 1) throw new Error(`nobody with ${owner.value}${clinic ? ` or no clinic ${clinic}` : ""} to sign in`);
  return { token, host };
}

async function openSignedIn(page: Page, session: { token: string; host: string }, url: string) {
  // A host-only cookie for the page's origin, as the server sets it at sign-in.
  await page.context().addCookies([{ name: SESSION_COOKIE, value: session.token, url: new URL("/", url).href, httpOnly: true, sameSite: "Lax" }]);
  await page.goto(url);
  await expect(page).toHaveURL(url);
}

/**
 * Opens the panel (or `landing`) of the clinic `clinic` (a slug; null for the marketplace's /admin)
 * signed in as `email`, in the page's browser context.
 */
export async function signInStaff(page: Page, email: string, opts: { clinic?: string | null; landing?: string } = {}): Promise<void> {
  const clinic = opts.clinic === undefined ? "northside" : opts.clinic;
  const landing = opts.landing ?? (clinic ? "/panel" : "/admin");
  await openSignedIn(page, await plantSession({ subject: "staff", email }, clinic), clinic ? clinicUrl(clinic, landing) : marketplaceUrl(landing));
}

/** Opens `landing` on the clinic's site (a slug) or the marketplace (null) as the patient whose account has this phone (E.164). */
export async function signInPatient(page: Page, phone: string, opts: { clinic: string | null; landing: string }): Promise<void> {
  const url = opts.clinic ? clinicUrl(opts.clinic, opts.landing) : marketplaceUrl(opts.landing);
  await openSignedIn(page, await plantSession({ subject: "patient", phone }, opts.clinic), url);
}
