import { recordAudit, type AuditActorType } from "~/modules/audit/audit.server";
import type { Messenger } from "~/modules/messaging/messenger.server";
import { writeOutboxEvent } from "~/modules/outbox/outbox.server";
import type { StaffRole } from "~/generated/prisma/enums";
import type { Db, Tx } from "~/utils/db.server";
import { log } from "~/utils/log.server";
import { QueueFullError } from "./fair-queue";
import { ipNetwork } from "./ip-bucket";
import { hashPassword, verifyPassword } from "./password.server";
import { insertSession, invalidateAllStaffSessions, scopeFor, type RequestMeta, type Session, type SessionHost } from "./session.server";
import {
  afterNetworkFailure,
  type DelayState,
  slowedMessage,
  STAFF_DELAY_MEMORY_MS,
  STAFF_GUESSING_NOTICE_AFTER,
  STAFF_GUESSING_NOTICE_EVERY_MS,
  throttledMessage,
  waitSeconds,
} from "./sign-in-rules";
import { forgetAttempt, startAttempt } from "./throttle.server";
import { matchTotp } from "./totp.server";
import { generateToken, hmacHex, sha256Hex } from "./tokens.server";

/**
 * Staff sign in with email and password (argon2id), then a TOTP code when they turned it on. On a
 * clinic's host only that clinic's active staff may sign in; on the marketplace host only platform
 * operators (for /admin). Every outcome is audited in the host's log.
 */

export interface StaffSignInDeps {
  db: Db;
  now?: () => Date;
}

export interface StaffSignInSite extends SessionHost {
  /** For showing lock times in the clinic's local time. */
  timeZone?: string;
}

export const GENERIC_REFUSAL = "The email or password is not right.";
export const RESET_LINK_MINUTES = 60;
export const MIN_PASSWORD_LENGTH = 12;

export type StaffSignInResult =
  | { kind: "signed-in"; token: string; session: Session; staffUserId: string }
  | { kind: "totp-required"; staffUserId: string }
  | { kind: "refused"; message: string; retryAfterSeconds?: number };

// Verifying against a real hash for unknown emails makes "no such user" take as long as "wrong
// password", so response times do not reveal which addresses have accounts.
let dummyHash: Promise<string> | undefined;
function dummyVerify(password: string, network: string) {
  dummyHash ??= hashPassword("medslot-timing-equaliser-password");
  return dummyHash.then((h) => verifyPassword(h, password, network));
}

function auditRequest(meta: RequestMeta) {
  return { ip: meta.ip, userAgent: meta.userAgent, requestId: meta.requestId ?? null };
}

function actorType(site: SessionHost): AuditActorType {
  return site.clinicId ? "staff" : "operator";
}

/** Whether this person may sign in on this host: an active membership here, or an operator on the platform host. */
async function hasAccess(tx: Tx, site: SessionHost, staffUserId: string): Promise<boolean> {
  if (site.clinicId) {
    const membership = await tx.clinicMembership.findFirst({ where: { clinicId: site.clinicId, staffUserId, active: true }, select: { id: true } });
    return membership !== null;
  }
  const operator = await tx.platformOperator.findUnique({ where: { staffUserId }, select: { id: true } });
  return operator !== null;
}

export function normalizeEmail(email: string) {
  return email.trim().toLowerCase();
}

/**
 * An address typed on this host that names nobody who may sign in here, as the host's audit log
 * records it: keyed and shortened, so repeated tries can be told apart without the log holding
 * (or confirming) anyone's address.
 */
export function auditEmailRef(email: string): string {
  return hmacHex("audit-email", normalizeEmail(email)).slice(0, 24);
}

/**
 * The same record whether the address is unknown or belongs to someone without access here: the
 * host's log must not tell its readers who has accounts elsewhere, nor hold another clinic's ids.
 */
function unknownAccountAudit(site: SessionHost, action: string, email: string, meta: RequestMeta) {
  return { clinicId: site.clinicId, actor: { type: "anonymous" as const }, action, request: auditRequest(meta), details: { reason: "unknown-account", emailRef: auditEmailRef(email) } };
}

interface LockedRow {
  email: string;
  password_hash: string;
  failed_sign_ins: number;
  totp_secret: string | null;
  totp_last_step: bigint | null;
  guessing_noticed_at: Date | null;
}

/** The staff row, locked until the transaction ends, so parallel attempts are judged one at a time. */
async function lockStaffRow(tx: Tx, staffUserId: string): Promise<LockedRow | null> {
  const rows = await tx.$queryRaw<LockedRow[]>`
    SELECT email, password_hash, failed_sign_ins, totp_secret, totp_last_step, guessing_noticed_at
      FROM staff_users WHERE id = ${staffUserId}::uuid FOR UPDATE`;
  return rows[0] ?? null;
}

// Slowing down guesses per address and network --------------------------------------------------

/**
 * Wrong passwords are counted per sign-in address and client network (IPv4 /24, IPv6 /64), never
 * per account alone: a guesser slows down only their own network's tries, and the real person
 * signs in from anywhere else. The address is keyed (not stored), and unknown addresses are
 * counted the same way, so the delay says nothing about which addresses have accounts.
 */
export function signInAccountRef(email: string): string {
  return hmacHex("sign-in-delay", normalizeEmail(email));
}

/** Requests without a known address share one network: they are still slowed, never unlimited. */
function networkOf(meta: RequestMeta): string {
  return ipNetwork(meta.ip) ?? "unknown";
}

async function networkDelay(tx: Tx, accountRef: string, network: string): Promise<DelayState | null> {
  return tx.staffSignInDelay.findUnique({ where: { accountRef_network: { accountRef, network } }, select: { failures: true, lastFailureAt: true, retryAt: true } });
}

/** One more failure for this address from this network; the row is locked so parallel failures all count. */
async function recordNetworkFailure(tx: Tx, accountRef: string, network: string, now: Date): Promise<DelayState> {
  await tx.$executeRaw`INSERT INTO staff_sign_in_delays (account_ref, network, failures, last_failure_at) VALUES (${accountRef}, ${network}, 0, ${now}) ON CONFLICT DO NOTHING`;
  const [row] = await tx.$queryRaw<{ failures: number; last_failure_at: Date; retry_at: Date | null }[]>`
    SELECT failures, last_failure_at, retry_at FROM staff_sign_in_delays WHERE account_ref = ${accountRef} AND network = ${network} FOR UPDATE`;
  const before = row && row.failures > 0 ? { failures: row.failures, lastFailureAt: row.last_failure_at, retryAt: row.retry_at } : null;
  const next = afterNetworkFailure(now, before);
  await tx.staffSignInDelay.update({ where: { accountRef_network: { accountRef, network } }, data: next });
  return next;
}

async function forgetNetworkFailures(tx: Tx, accountRef: string, network: string): Promise<void> {
  await tx.staffSignInDelay.deleteMany({ where: { accountRef, network } });
}

/** For other places that check an account's password (accepting an invitation): the same slow-down. */
export const passwordGuesses = {
  network: networkOf,
  /** Seconds this request's network must still wait before trying this address's password. */
  async wait(tx: Tx, email: string, meta: RequestMeta, now: Date): Promise<number> {
    return waitSeconds(now, await networkDelay(tx, signInAccountRef(email), networkOf(meta)));
  },
  async failed(tx: Tx, email: string, meta: RequestMeta, now: Date): Promise<void> {
    await recordNetworkFailure(tx, signInAccountRef(email), networkOf(meta), now);
  },
  async succeeded(tx: Tx, email: string, meta: RequestMeta): Promise<void> {
    await forgetNetworkFailures(tx, signInAccountRef(email), networkOf(meta));
  },
};

/**
 * Records a wrong password or TOTP code (on a row locked by the caller). Nothing is locked; when
 * the address has had several failures in the last day, from any networks, its holder is told
 * (at most once a day), by email through the outbox.
 */
async function registerFailure(tx: Tx, site: StaffSignInSite, staffUserId: string, row: LockedRow, now: Date, meta: RequestMeta, reason: string): Promise<DelayState> {
  const accountRef = signInAccountRef(row.email);
  const delay = await recordNetworkFailure(tx, accountRef, networkOf(meta), now);
  const failedSignIns = row.failed_sign_ins + 1;
  await tx.staffUser.update({ where: { id: staffUserId }, data: { failedSignIns } });
  const base = { clinicId: site.clinicId, actor: { type: actorType(site), id: staffUserId }, target: { type: "staff_user", id: staffUserId }, request: auditRequest(meta) };
  await recordAudit(tx, { ...base, action: "staff.sign_in_failed", details: { reason, failures: failedSignIns, networkFailures: delay.failures, slowedUntil: delay.retryAt?.toISOString() ?? null } });

  const noticedRecently = row.guessing_noticed_at !== null && now.getTime() - row.guessing_noticed_at.getTime() < STAFF_GUESSING_NOTICE_EVERY_MS;
  if (!noticedRecently) {
    const [totals] = await tx.$queryRaw<{ failures: number; networks: number }[]>`
      SELECT coalesce(sum(failures), 0)::int AS failures, count(*)::int AS networks FROM staff_sign_in_delays
       WHERE account_ref = ${accountRef} AND last_failure_at > ${new Date(now.getTime() - STAFF_DELAY_MEMORY_MS)}`;
    if (totals && totals.failures >= STAFF_GUESSING_NOTICE_AFTER) {
      await tx.staffUser.update({ where: { id: staffUserId }, data: { guessingNoticedAt: now } });
      await recordAudit(tx, { ...base, action: "staff.password_guessing_noticed", details: { failures: totals.failures, networks: totals.networks } });
      await writeOutboxEvent(tx, { clinicId: site.clinicId, name: "staff.password_guessing", data: { staffUserId, failures: totals.failures, networks: totals.networks, at: now.toISOString() } });
    }
  }
  return delay;
}

async function completeSignIn(tx: Tx, site: StaffSignInSite, staffUserId: string, email: string, now: Date, meta: RequestMeta, method: string, totpStep?: number): Promise<StaffSignInResult> {
  await tx.staffUser.update({
    where: { id: staffUserId },
    data: { failedSignIns: 0, lockedUntil: null, ...(totpStep !== undefined ? { totpLastStep: BigInt(totpStep) } : {}) },
  });
  // Only this network's count: a guesser elsewhere stays slowed down.
  await forgetNetworkFailures(tx, signInAccountRef(email), networkOf(meta));
  const { token, session } = await insertSession(tx, site, { subject: "staff", staffUserId }, meta, now);
  await recordAudit(tx, {
    clinicId: site.clinicId,
    actor: { type: actorType(site), id: staffUserId },
    action: "staff.signed_in",
    target: { type: "staff_user", id: staffUserId },
    request: auditRequest(meta),
    details: { method },
  });
  return { kind: "signed-in", token, session, staffUserId };
}

/**
 * Email and password. Whoever cannot sign in on this host (no such address, or no membership here
 * / not an operator on the platform host) gets exactly what an unknown address gets: the same
 * refusal after the same password-hash work, no change to the account, and an anonymous audit
 * row. So another clinic's site can neither slow this clinic's staff down nor learn that their
 * addresses exist.
 *
 * Nothing locks an account for everyone. Wrong passwords slow down the address from the network
 * they came from (growing waits, see sign-in-rules), for unknown and real addresses alike, and
 * while a network must wait it is refused before any hashing. The holder of an account being
 * guessed is told by email. Hashing itself is shared fairly between networks (password.server).
 */
export async function signInStaff(deps: StaffSignInDeps, site: StaffSignInSite, input: { email: string; password: string }, meta: RequestMeta): Promise<StaffSignInResult> {
  const now = deps.now?.() ?? new Date();
  const email = normalizeEmail(input.email);
  const attempt = await startAttempt(deps.db, "sign-in", meta.ip, now);
  if (!attempt.ok) {
    log.warn("staff sign-in throttled", { clinicId: site.clinicId, ip: meta.ip, requestId: meta.requestId ?? null });
    return { kind: "refused", message: attempt.message, retryAfterSeconds: attempt.retryAfterSeconds };
  }
  const scope = scopeFor(deps.db, site);
  const accountRef = signInAccountRef(email);
  const network = networkOf(meta);
  const { user, wait } = await scope.tx(async (tx) => {
    const found = await tx.staffUser.findUnique({ where: { email }, select: { id: true, passwordHash: true } });
    const wait = waitSeconds(now, await networkDelay(tx, accountRef, network));
    return { user: found && (await hasAccess(tx, site, found.id)) ? found : null, wait };
  });
  if (wait > 0) {
    await scope.tx((tx) =>
      recordAudit(
        tx,
        user
          ? { clinicId: site.clinicId, actor: { type: actorType(site), id: user.id }, action: "staff.sign_in_failed", target: { type: "staff_user", id: user.id }, request: auditRequest(meta), details: { reason: "slowed", retryAfterSeconds: wait } }
          : unknownAccountAudit(site, "staff.sign_in_failed", email, meta),
      ),
    );
    return { kind: "refused", message: slowedMessage(wait), retryAfterSeconds: wait };
  }
  let passwordOk = false;
  try {
    if (user) passwordOk = await verifyPassword(user.passwordHash, input.password, network);
    else await dummyVerify(input.password, network);
  } catch (error) {
    if (!(error instanceof QueueFullError)) throw error;
    // This network already has a long line of hashes waiting: refuse at once rather than add to it.
    log.warn("staff sign-in refused: the network's hashing line is full", { clinicId: site.clinicId, network, requestId: meta.requestId ?? null });
    return { kind: "refused", message: throttledMessage("sign-in", 60), retryAfterSeconds: 60 };
  }
  const result = await scope.tx(async (tx): Promise<StaffSignInResult> => {
    const row = user ? await lockStaffRow(tx, user.id) : null;
    // Unknown here, or removed or moved out of this clinic while the hash was being checked.
    if (!user || !row || !(await hasAccess(tx, site, user.id))) {
      await recordNetworkFailure(tx, accountRef, network, now);
      await recordAudit(tx, unknownAccountAudit(site, "staff.sign_in_failed", email, meta));
      return { kind: "refused", message: GENERIC_REFUSAL };
    }
    // A password changed meanwhile: the one just checked is no longer the password.
    const rightPassword = passwordOk && row.password_hash === user.passwordHash;
    if (!rightPassword) {
      await registerFailure(tx, site, user.id, row, now, meta, "wrong-password");
      return { kind: "refused", message: GENERIC_REFUSAL };
    }
    if (row.totp_secret) return { kind: "totp-required", staffUserId: user.id };
    return completeSignIn(tx, site, user.id, row.email, now, meta, "password");
  });
  // The right password is not a guess; only failures count against the network.
  if (result.kind !== "refused") await forgetAttempt(deps.db, attempt);
  return result;
}

const WRONG_TOTP = "That code is not right. Enter the current code from your authenticator app.";

/** The second step, after a correct password, for staff with TOTP turned on. Wrong codes slow the network down like wrong passwords. */
export async function completeTotpSignIn(deps: StaffSignInDeps, site: StaffSignInSite, input: { staffUserId: string; code: string }, meta: RequestMeta): Promise<StaffSignInResult> {
  const now = deps.now?.() ?? new Date();
  return scopeFor(deps.db, site).tx(async (tx): Promise<StaffSignInResult> => {
    const row = await lockStaffRow(tx, input.staffUserId);
    if (!row || !(await hasAccess(tx, site, input.staffUserId))) return { kind: "refused", message: GENERIC_REFUSAL };
    const wait = waitSeconds(now, await networkDelay(tx, signInAccountRef(row.email), networkOf(meta)));
    if (wait > 0) return { kind: "refused", message: slowedMessage(wait), retryAfterSeconds: wait };
    if (!row.totp_secret) return completeSignIn(tx, site, input.staffUserId, row.email, now, meta, "password");
    const step = matchTotp(row.totp_secret, input.code.replace(/\s+/g, ""), now);
    if (step === null) {
      await registerFailure(tx, site, input.staffUserId, row, now, meta, "wrong-totp-code");
      return { kind: "refused", message: WRONG_TOTP };
    }
    if (row.totp_last_step !== null && BigInt(step) <= row.totp_last_step) {
      // A code already used (or an older one) proves nothing new: someone may have seen it.
      await recordAudit(tx, {
        clinicId: site.clinicId,
        actor: { type: actorType(site), id: input.staffUserId },
        action: "staff.sign_in_failed",
        target: { type: "staff_user", id: input.staffUserId },
        request: auditRequest(meta),
        details: { reason: "reused-totp-code" },
      });
      return { kind: "refused", message: "That code has already been used. Wait for the next code in your authenticator app and enter that." };
    }
    return completeSignIn(tx, site, input.staffUserId, row.email, now, meta, "password+totp", step);
  });
}

// Passwords -------------------------------------------------------------------------------------

/** Problems with a proposed new password, in words for the form (empty when it is fine). */
export function newPasswordProblem(password: string, email: string): string | null {
  if (password.length < MIN_PASSWORD_LENGTH) return `Use at least ${MIN_PASSWORD_LENGTH} characters.`;
  if (password.length > 256) return "Use at most 256 characters.";
  if (password.trim().toLowerCase() === email.trim().toLowerCase()) return "Your password can't be your email address.";
  return null;
}

export type PasswordChangeResult = { ok: true } | { ok: false; field: "currentPassword" | "newPassword"; message: string };

/**
 * Signs a staff member out on every host, inside the caller's transaction. Only the system scope
 * may delete other clinics' sessions, so the transaction switches to it for this one statement
 * and back to the host's scope afterwards (set_config(..., true) lasts until the transaction ends).
 */
async function signOutEverywhereInTx(tx: Tx, site: SessionHost, staffUserId: string, exceptSessionId?: string): Promise<void> {
  await tx.$executeRaw`SELECT set_config('app.clinic_id', '', true), set_config('app.scope', 'system', true)`;
  await tx.session.deleteMany({ where: { staffUserId, ...(exceptSessionId ? { id: { not: exceptSessionId } } : {}) } });
  await tx.$executeRaw`SELECT set_config('app.clinic_id', ${site.clinicId ?? ""}, true), set_config('app.scope', '', true)`;
}

/**
 * Changes a signed-in staff member's password and signs out every other session they have. The
 * new password, the end of the other sessions and the audit row commit together or not at all.
 */
export async function changeStaffPassword(
  deps: StaffSignInDeps,
  site: StaffSignInSite,
  input: { staffUserId: string; currentSessionId: string; currentPassword: string; newPassword: string },
  meta: RequestMeta,
): Promise<PasswordChangeResult> {
  const now = deps.now?.() ?? new Date();
  const scope = scopeFor(deps.db, site);
  const user = await scope.tx((tx) => tx.staffUser.findUniqueOrThrow({ where: { id: input.staffUserId }, select: { email: true, passwordHash: true } }));
  if (!(await verifyPassword(user.passwordHash, input.currentPassword))) {
    return { ok: false, field: "currentPassword", message: "Your current password is not right." };
  }
  const problem = newPasswordProblem(input.newPassword, user.email);
  if (problem) return { ok: false, field: "newPassword", message: problem };
  if (input.newPassword === input.currentPassword) return { ok: false, field: "newPassword", message: "Choose a password different from your current one." };
  const passwordHash = await hashPassword(input.newPassword);
  const changed = await scope.tx(async (tx) => {
    // Only if the password is still the one just verified (not changed or reset meanwhile).
    const updated = await tx.staffUser.updateMany({
      where: { id: input.staffUserId, passwordHash: user.passwordHash },
      data: { passwordHash, passwordChangedAt: now, failedSignIns: 0, lockedUntil: null },
    });
    if (updated.count !== 1) return false;
    await recordAudit(tx, {
      clinicId: site.clinicId,
      actor: { type: actorType(site), id: input.staffUserId },
      action: "staff.password_changed",
      target: { type: "staff_user", id: input.staffUserId },
      request: auditRequest(meta),
    });
    await signOutEverywhereInTx(tx, site, input.staffUserId, input.currentSessionId);
    return true;
  });
  if (!changed) return { ok: false, field: "currentPassword", message: "Your password was changed in the meantime. Enter your current password again." };
  return { ok: true };
}

export { invalidateAllStaffSessions };

// Password reset by email ------------------------------------------------------------------------

const RESET_REQUESTS_PER_HOUR = 3;

export type PasswordResetRequestResult =
  /** `delivery` settles once the email is handed over (or has failed and been logged); nobody needs to wait for it. */
  | { ok: true; delivery: Promise<void> }
  | { ok: false; message: string; retryAfterSeconds: number };

/**
 * Emails a single-use reset link when the address belongs to someone who may sign in on this host.
 * The caller shows the same answer whatever happened, so the form reveals no accounts.
 *
 * The answer must also take the same time either way. The database work is nearly the same for
 * both (a lookup and one audit row), but an SMTP round trip takes hundreds of milliseconds, so the
 * email is not awaited: it leaves after the answer, and a failure is only logged (the person can
 * ask again). Unknown addresses get no email.
 */
export async function requestPasswordReset(
  deps: StaffSignInDeps & { messenger: Pick<Messenger, "sendEmail"> },
  site: StaffSignInSite & { displayName: string; origin: string },
  input: { email: string },
  meta: RequestMeta,
): Promise<PasswordResetRequestResult> {
  const now = deps.now?.() ?? new Date();
  const email = normalizeEmail(input.email);
  const attempt = await startAttempt(deps.db, "password-reset", meta.ip, now);
  if (!attempt.ok) {
    log.warn("password reset requests throttled", { clinicId: site.clinicId, ip: meta.ip, requestId: meta.requestId ?? null });
    return { ok: false, message: attempt.message, retryAfterSeconds: attempt.retryAfterSeconds };
  }
  const token = generateToken();
  const recipient = await scopeFor(deps.db, site).tx(async (tx) => {
    const user = await tx.staffUser.findUnique({ where: { email }, select: { id: true, name: true } });
    if (!user || !(await hasAccess(tx, site, user.id))) {
      await recordAudit(tx, unknownAccountAudit(site, "staff.password_reset_requested", email, meta));
      return null;
    }
    const audit = { clinicId: site.clinicId, actor: { type: "anonymous" as const }, action: "staff.password_reset_requested", target: { type: "staff_user", id: user.id }, request: auditRequest(meta) };
    // A few links an hour is plenty; more would let anyone fill a colleague's inbox.
    const recent = await tx.passwordReset.count({ where: { staffUserId: user.id, createdAt: { gt: new Date(now.getTime() - 3_600_000) } } });
    if (recent >= RESET_REQUESTS_PER_HOUR) {
      await recordAudit(tx, { ...audit, details: { sent: false, reason: "too-many-links" } });
      return null;
    }
    await tx.passwordReset.create({ data: { id: sha256Hex(token), staffUserId: user.id, expiresAt: new Date(now.getTime() + RESET_LINK_MINUTES * 60_000), createdAt: now } });
    await recordAudit(tx, { ...audit, details: { sent: true } });
    return user;
  });
  if (!recipient) return { ok: true, delivery: Promise.resolve() };
  const link = `${site.origin}/staff/reset-password/${token}`;
  const delivery = deps.messenger
    .sendEmail({
      to: email,
      subject: `Reset your ${site.displayName} password`,
      text:
        `Hello ${recipient.name},\n\nSomeone (hopefully you) asked to reset the password for your ${site.displayName} staff account.\n\n` +
        `Open this link within ${RESET_LINK_MINUTES} minutes to choose a new password:\n${link}\n\n` +
        `The link works once. If you didn't ask for this, ignore this email; your password stays the same.\n`,
      html:
        `<p>Hello ${escapeHtml(recipient.name)},</p><p>Someone (hopefully you) asked to reset the password for your ${escapeHtml(site.displayName)} staff account.</p>` +
        `<p><a href="${escapeHtml(link)}">Choose a new password</a> (the link works once, for ${RESET_LINK_MINUTES} minutes).</p>` +
        `<p>If you didn't ask for this, ignore this email; your password stays the same.</p>`,
      clinicId: site.clinicId,
      purpose: "password-reset",
    })
    .then(
      () => undefined,
      (error: unknown) => log.warn("password reset email failed", { clinicId: site.clinicId, requestId: meta.requestId ?? null, error: error instanceof Error ? error.message : String(error) }),
    );
  return { ok: true, delivery };
}

function escapeHtml(s: string) {
  return s.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!);
}

export type ResetTokenState = { ok: true; staffUserId: string; email: string } | { ok: false; message: string };

const INVALID_LINK = "This reset link is not valid. Ask for a new one.";

/**
 * Whether a reset link can still be used on this host. A link only works on a host where its
 * owner may sign in, so the reset (and its audit row) never lands in another clinic's site or log.
 */
export async function checkResetToken(deps: StaffSignInDeps, site: SessionHost, token: string): Promise<ResetTokenState> {
  const now = deps.now?.() ?? new Date();
  if (!/^[a-z2-7]{16,128}$/.test(token)) return { ok: false, message: INVALID_LINK };
  const reset = await scopeFor(deps.db, site).tx(async (tx) => {
    const found = await tx.passwordReset.findUnique({ where: { id: sha256Hex(token) }, select: { staffUserId: true, expiresAt: true, usedAt: true, staffUser: { select: { email: true } } } });
    return found && (await hasAccess(tx, site, found.staffUserId)) ? found : null;
  });
  if (!reset) return { ok: false, message: INVALID_LINK };
  if (reset.usedAt) return { ok: false, message: "This reset link has already been used. Ask for a new one if you still need it." };
  if (now.getTime() >= reset.expiresAt.getTime()) return { ok: false, message: `This reset link has expired (links work for ${RESET_LINK_MINUTES} minutes). Ask for a new one.` };
  return { ok: true, staffUserId: reset.staffUserId, email: reset.staffUser.email };
}

export type ResetResult = { ok: true } | { ok: false; field: "password" | "token"; message: string };

/**
 * Sets a new password from an emailed link. Using up the link (and any others outstanding), the
 * new password, signing out every session and the audit row commit together or not at all.
 */
export async function resetStaffPassword(deps: StaffSignInDeps, site: StaffSignInSite, input: { token: string; newPassword: string }, meta: RequestMeta): Promise<ResetResult> {
  const now = deps.now?.() ?? new Date();
  const state = await checkResetToken(deps, site, input.token);
  if (!state.ok) return { ok: false, field: "token", message: state.message };
  const problem = newPasswordProblem(input.newPassword, state.email);
  if (problem) return { ok: false, field: "password", message: problem };
  const passwordHash = await hashPassword(input.newPassword);
  const resetId = sha256Hex(input.token);
  const done = await scopeFor(deps.db, site).tx(async (tx) => {
    const used = await tx.passwordReset.updateMany({ where: { id: resetId, staffUserId: state.staffUserId, usedAt: null, expiresAt: { gt: now } }, data: { usedAt: now } });
    if (used.count !== 1) return false;
    // Any other outstanding links for this person stop working too.
    await tx.passwordReset.updateMany({ where: { staffUserId: state.staffUserId, usedAt: null }, data: { usedAt: now } });
    await tx.staffUser.update({ where: { id: state.staffUserId }, data: { passwordHash, passwordChangedAt: now, failedSignIns: 0, lockedUntil: null } });
    await recordAudit(tx, {
      clinicId: site.clinicId,
      actor: { type: actorType(site), id: state.staffUserId },
      action: "staff.password_reset",
      target: { type: "staff_user", id: state.staffUserId },
      request: auditRequest(meta),
      details: { signedOutEverywhere: true },
    });
    await signOutEverywhereInTx(tx, site, state.staffUserId);
    return true;
  });
  if (!done) return { ok: false, field: "token", message: "This reset link has already been used or has expired. Ask for a new one." };
  return { ok: true };
}

// TOTP enrolment -------------------------------------------------------------------------------

export async function enableTotp(deps: StaffSignInDeps, site: StaffSignInSite, input: { staffUserId: string; secret: string; code: string }, meta: RequestMeta): Promise<{ ok: true } | { ok: false; message: string }> {
  const now = deps.now?.() ?? new Date();
  const step = matchTotp(input.secret, input.code.replace(/\s+/g, ""), now);
  if (step === null) {
    return { ok: false, message: "That code is not right. Check the time on your phone and enter the current 6-digit code." };
  }
  await scopeFor(deps.db, site).tx(async (tx) => {
    // The code that turned TOTP on cannot also be used to sign in.
    await tx.staffUser.update({ where: { id: input.staffUserId }, data: { totpSecret: input.secret, totpLastStep: BigInt(step) } });
    await recordAudit(tx, { clinicId: site.clinicId, actor: { type: actorType(site), id: input.staffUserId }, action: "staff.totp_enabled", target: { type: "staff_user", id: input.staffUserId }, request: auditRequest(meta) });
  });
  return { ok: true };
}

export async function disableTotp(deps: StaffSignInDeps, site: StaffSignInSite, input: { staffUserId: string; password: string }, meta: RequestMeta): Promise<{ ok: true } | { ok: false; message: string }> {
  const user = await scopeFor(deps.db, site).tx((tx) => tx.staffUser.findUniqueOrThrow({ where: { id: input.staffUserId }, select: { passwordHash: true } }));
  if (!(await verifyPassword(user.passwordHash, input.password))) return { ok: false, message: "Your password is not right." };
  await scopeFor(deps.db, site).tx(async (tx) => {
    await tx.staffUser.update({ where: { id: input.staffUserId }, data: { totpSecret: null, totpLastStep: null } });
    await recordAudit(tx, { clinicId: site.clinicId, actor: { type: actorType(site), id: input.staffUserId }, action: "staff.totp_disabled", target: { type: "staff_user", id: input.staffUserId }, request: auditRequest(meta) });
  });
  return { ok: true };
}

export async function staffRolesIn(tx: Tx, clinicId: string, staffUserId: string): Promise<StaffRole[]> {
  const rows = await tx.clinicMembership.findMany({ where: { clinicId, staffUserId, active: true }, select: { role: true } });
  return [...new Set(rows.map((r) => r.role))];
}
