import { recordAudit, type AuditActorType } from "~/modules/audit/audit.server";
import type { Messenger } from "~/modules/messaging/messenger.server";
import type { StaffRole } from "~/generated/prisma/enums";
import type { Db, Tx } from "~/utils/db.server";
import { hashPassword, verifyPassword } from "./password.server";
import { insertSession, invalidateAllStaffSessions, scopeFor, type RequestMeta, type Session, type SessionHost } from "./session.server";
import { afterFailure, isLocked, lockedMessage } from "./sign-in-rules";
import { checkTotp } from "./totp.server";
import { generateToken, sha256Hex } from "./tokens.server";

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
  | { kind: "refused"; message: string };

// Verifying against a real hash for unknown emails makes "no such user" take as long as "wrong
// password", so response times do not reveal which addresses have accounts.
let dummyHash: Promise<string> | undefined;
function dummyVerify(password: string) {
  dummyHash ??= hashPassword("medslot-timing-equaliser-password");
  return dummyHash.then((h) => verifyPassword(h, password));
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

/** Records a wrong password or TOTP code, locking the account on the fifth in a row. */
async function registerFailure(tx: Tx, site: StaffSignInSite, staffUserId: string, now: Date, meta: RequestMeta, reason: string): Promise<string> {
  const rows = await tx.$queryRaw<{ failed_sign_ins: number; locked_until: Date | null }[]>`
    SELECT failed_sign_ins, locked_until FROM staff_users WHERE id = ${staffUserId}::uuid FOR UPDATE`;
  const current = rows[0]!;
  const next = afterFailure(now, { failedSignIns: current.failed_sign_ins, lockedUntil: current.locked_until });
  await tx.staffUser.update({ where: { id: staffUserId }, data: { failedSignIns: next.failedSignIns, lockedUntil: next.lockedUntil } });
  const base = { clinicId: site.clinicId, actor: { type: actorType(site), id: staffUserId }, target: { type: "staff_user", id: staffUserId }, request: auditRequest(meta) };
  await recordAudit(tx, { ...base, action: "staff.sign_in_failed", details: { reason, failures: next.failedSignIns } });
  if (next.lockedNow && next.lockedUntil) {
    await recordAudit(tx, { ...base, action: "staff.locked_out", details: { until: next.lockedUntil.toISOString(), failures: next.failedSignIns } });
    return lockedMessage(next.lockedUntil, now, site.timeZone);
  }
  return GENERIC_REFUSAL;
}

async function completeSignIn(tx: Tx, site: StaffSignInSite, staffUserId: string, now: Date, meta: RequestMeta, method: string): Promise<StaffSignInResult> {
  await tx.staffUser.update({ where: { id: staffUserId }, data: { failedSignIns: 0, lockedUntil: null } });
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

export async function signInStaff(deps: StaffSignInDeps, site: StaffSignInSite, input: { email: string; password: string }, meta: RequestMeta): Promise<StaffSignInResult> {
  const now = deps.now?.() ?? new Date();
  const email = normalizeEmail(input.email);
  const user = await scopeFor(deps.db, site).tx((tx) =>
    tx.staffUser.findUnique({ where: { email }, select: { id: true, passwordHash: true, failedSignIns: true, lockedUntil: true, totpSecret: true } }),
  );
  if (!user) {
    await dummyVerify(input.password);
    await scopeFor(deps.db, site).tx((tx) =>
      recordAudit(tx, {
        clinicId: site.clinicId,
        actor: { type: "anonymous" },
        action: "staff.sign_in_failed",
        request: auditRequest(meta),
        details: { reason: "unknown-email", email: email.slice(0, 254) },
      }),
    );
    return { kind: "refused", message: GENERIC_REFUSAL };
  }
  if (isLocked(now, user)) {
    await scopeFor(deps.db, site).tx((tx) =>
      recordAudit(tx, {
        clinicId: site.clinicId,
        actor: { type: actorType(site), id: user.id },
        action: "staff.sign_in_failed",
        target: { type: "staff_user", id: user.id },
        request: auditRequest(meta),
        details: { reason: "locked" },
      }),
    );
    return { kind: "refused", message: lockedMessage(user.lockedUntil!, now, site.timeZone) };
  }
  const passwordOk = await verifyPassword(user.passwordHash, input.password);
  return scopeFor(deps.db, site).tx(async (tx): Promise<StaffSignInResult> => {
    if (!passwordOk) return { kind: "refused", message: await registerFailure(tx, site, user.id, now, meta, "wrong-password") };
    if (!(await hasAccess(tx, site, user.id))) {
      // The password was right, so this is not a guess; refuse exactly as for a wrong password.
      await recordAudit(tx, {
        clinicId: site.clinicId,
        actor: { type: actorType(site), id: user.id },
        action: "staff.sign_in_failed",
        target: { type: "staff_user", id: user.id },
        request: auditRequest(meta),
        details: { reason: site.clinicId ? "not-a-member-of-this-clinic" : "not-an-operator" },
      });
      return { kind: "refused", message: GENERIC_REFUSAL };
    }
    if (user.totpSecret) return { kind: "totp-required", staffUserId: user.id };
    return completeSignIn(tx, site, user.id, now, meta, "password");
  });
}

/** The second step, after a correct password, for staff with TOTP turned on. */
export async function completeTotpSignIn(deps: StaffSignInDeps, site: StaffSignInSite, input: { staffUserId: string; code: string }, meta: RequestMeta): Promise<StaffSignInResult> {
  const now = deps.now?.() ?? new Date();
  return scopeFor(deps.db, site).tx(async (tx): Promise<StaffSignInResult> => {
    const user = await tx.staffUser.findUnique({ where: { id: input.staffUserId }, select: { id: true, failedSignIns: true, lockedUntil: true, totpSecret: true } });
    if (!user || !(await hasAccess(tx, site, user.id))) return { kind: "refused", message: GENERIC_REFUSAL };
    if (isLocked(now, user)) return { kind: "refused", message: lockedMessage(user.lockedUntil!, now, site.timeZone) };
    if (!user.totpSecret) return completeSignIn(tx, site, user.id, now, meta, "password");
    if (!checkTotp(user.totpSecret, input.code.replace(/\s+/g, ""), now)) {
      const message = await registerFailure(tx, site, user.id, now, meta, "wrong-totp-code");
      return { kind: "refused", message: message === GENERIC_REFUSAL ? "That code is not right. Enter the current code from your authenticator app." : message };
    }
    return completeSignIn(tx, site, user.id, now, meta, "password+totp");
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

/** Changes a signed-in staff member's password and signs out every other session they have. */
export async function changeStaffPassword(
  deps: StaffSignInDeps,
  site: StaffSignInSite,
  input: { staffUserId: string; currentSessionId: string; currentPassword: string; newPassword: string },
  meta: RequestMeta,
): Promise<PasswordChangeResult> {
  const now = deps.now?.() ?? new Date();
  const user = await scopeFor(deps.db, site).tx((tx) => tx.staffUser.findUniqueOrThrow({ where: { id: input.staffUserId }, select: { email: true, passwordHash: true } }));
  if (!(await verifyPassword(user.passwordHash, input.currentPassword))) {
    return { ok: false, field: "currentPassword", message: "Your current password is not right." };
  }
  const problem = newPasswordProblem(input.newPassword, user.email);
  if (problem) return { ok: false, field: "newPassword", message: problem };
  if (input.newPassword === input.currentPassword) return { ok: false, field: "newPassword", message: "Choose a password different from your current one." };
  const passwordHash = await hashPassword(input.newPassword);
  await setPasswordAndSignOut(deps.db, input.staffUserId, passwordHash, now, input.currentSessionId);
  await scopeFor(deps.db, site).tx((tx) =>
    recordAudit(tx, {
      clinicId: site.clinicId,
      actor: { type: actorType(site), id: input.staffUserId },
      action: "staff.password_changed",
      target: { type: "staff_user", id: input.staffUserId },
      request: auditRequest(meta),
    }),
  );
  return { ok: true };
}

/**
 * The new password and the end of the old sessions commit together, in the system scope (the only
 * one that may delete sessions on every clinic's host). The audit row is written in the host's
 * scope just after, because the audit log is per clinic.
 */
async function setPasswordAndSignOut(db: Db, staffUserId: string, passwordHash: string, now: Date, exceptSessionId?: string, consumeResetId?: string): Promise<boolean> {
  return db.system("password change").tx(async (tx) => {
    if (consumeResetId) {
      const used = await tx.passwordReset.updateMany({ where: { id: consumeResetId, staffUserId, usedAt: null, expiresAt: { gt: now } }, data: { usedAt: now } });
      if (used.count !== 1) return false;
      // Any other outstanding links for this person stop working too.
      await tx.passwordReset.updateMany({ where: { staffUserId, usedAt: null }, data: { usedAt: now } });
    }
    await tx.staffUser.update({ where: { id: staffUserId }, data: { passwordHash, passwordChangedAt: now, failedSignIns: 0, lockedUntil: null } });
    await tx.session.deleteMany({ where: { staffUserId, ...(exceptSessionId ? { id: { not: exceptSessionId } } : {}) } });
    return true;
  });
}

export { invalidateAllStaffSessions };

// Password reset by email ------------------------------------------------------------------------

const RESET_REQUESTS_PER_HOUR = 3;

/**
 * Emails a single-use reset link when the address belongs to someone who may sign in on this host.
 * The caller shows the same answer whatever happened, so the form reveals no accounts.
 */
export async function requestPasswordReset(
  deps: StaffSignInDeps & { messenger: Pick<Messenger, "sendEmail"> },
  site: StaffSignInSite & { displayName: string; origin: string },
  input: { email: string },
  meta: RequestMeta,
): Promise<void> {
  const now = deps.now?.() ?? new Date();
  const email = normalizeEmail(input.email);
  const token = generateToken();
  const sent = await scopeFor(deps.db, site).tx(async (tx) => {
    const user = await tx.staffUser.findUnique({ where: { email }, select: { id: true, name: true } });
    if (!user || !(await hasAccess(tx, site, user.id))) return null;
    // A few links an hour is plenty; more would let anyone fill a colleague's inbox.
    const recent = await tx.passwordReset.count({ where: { staffUserId: user.id, createdAt: { gt: new Date(now.getTime() - 3_600_000) } } });
    if (recent >= RESET_REQUESTS_PER_HOUR) return null;
    await tx.passwordReset.create({ data: { id: sha256Hex(token), staffUserId: user.id, expiresAt: new Date(now.getTime() + RESET_LINK_MINUTES * 60_000), createdAt: now } });
    await recordAudit(tx, {
      clinicId: site.clinicId,
      actor: { type: "anonymous" },
      action: "staff.password_reset_requested",
      target: { type: "staff_user", id: user.id },
      request: auditRequest(meta),
    });
    return user;
  });
  if (!sent) return;
  const link = `${site.origin}/staff/reset-password/${token}`;
  await deps.messenger.sendEmail({
    to: email,
    subject: `Reset your ${site.displayName} password`,
    text:
      `Hello ${sent.name},\n\nSomeone (hopefully you) asked to reset the password for your ${site.displayName} staff account.\n\n` +
      `Open this link within ${RESET_LINK_MINUTES} minutes to choose a new password:\n${link}\n\n` +
      `The link works once. If you didn't ask for this, ignore this email; your password stays the same.\n`,
    html:
      `<p>Hello ${escapeHtml(sent.name)},</p><p>Someone (hopefully you) asked to reset the password for your ${escapeHtml(site.displayName)} staff account.</p>` +
      `<p><a href="${escapeHtml(link)}">Choose a new password</a> (the link works once, for ${RESET_LINK_MINUTES} minutes).</p>` +
      `<p>If you didn't ask for this, ignore this email; your password stays the same.</p>`,
    clinicId: site.clinicId,
    purpose: "password-reset",
  });
}

function escapeHtml(s: string) {
  return s.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!);
}

export type ResetTokenState = { ok: true; staffUserId: string; email: string } | { ok: false; message: string };

export async function checkResetToken(deps: StaffSignInDeps, token: string): Promise<ResetTokenState> {
  const now = deps.now?.() ?? new Date();
  if (!/^[a-z2-7]{16,128}$/.test(token)) return { ok: false, message: "This reset link is not valid. Ask for a new one." };
  const reset = await deps.db.system("password reset").tx((tx) =>
    tx.passwordReset.findUnique({ where: { id: sha256Hex(token) }, select: { staffUserId: true, expiresAt: true, usedAt: true, staffUser: { select: { email: true } } } }),
  );
  if (!reset) return { ok: false, message: "This reset link is not valid. Ask for a new one." };
  if (reset.usedAt) return { ok: false, message: "This reset link has already been used. Ask for a new one if you still need it." };
  if (now.getTime() >= reset.expiresAt.getTime()) return { ok: false, message: `This reset link has expired (links work for ${RESET_LINK_MINUTES} minutes). Ask for a new one.` };
  return { ok: true, staffUserId: reset.staffUserId, email: reset.staffUser.email };
}

export type ResetResult = { ok: true } | { ok: false; field: "password" | "token"; message: string };

/** Sets a new password from an emailed link: the link is used up and every session signed out. */
export async function resetStaffPassword(deps: StaffSignInDeps, site: StaffSignInSite, input: { token: string; newPassword: string }, meta: RequestMeta): Promise<ResetResult> {
  const now = deps.now?.() ?? new Date();
  const state = await checkResetToken(deps, input.token);
  if (!state.ok) return { ok: false, field: "token", message: state.message };
  const problem = newPasswordProblem(input.newPassword, state.email);
  if (problem) return { ok: false, field: "password", message: problem };
  const passwordHash = await hashPassword(input.newPassword);
  const done = await setPasswordAndSignOut(deps.db, state.staffUserId, passwordHash, now, undefined, sha256Hex(input.token));
  if (!done) return { ok: false, field: "token", message: "This reset link has already been used or has expired. Ask for a new one." };
  await scopeFor(deps.db, site).tx((tx) =>
    recordAudit(tx, {
      clinicId: site.clinicId,
      actor: { type: actorType(site), id: state.staffUserId },
      action: "staff.password_reset",
      target: { type: "staff_user", id: state.staffUserId },
      request: auditRequest(meta),
      details: { signedOutEverywhere: true },
    }),
  );
  return { ok: true };
}

// TOTP enrolment -------------------------------------------------------------------------------

export async function enableTotp(deps: StaffSignInDeps, site: StaffSignInSite, input: { staffUserId: string; secret: string; code: string }, meta: RequestMeta): Promise<{ ok: true } | { ok: false; message: string }> {
  const now = deps.now?.() ?? new Date();
  if (!checkTotp(input.secret, input.code.replace(/\s+/g, ""), now)) {
    return { ok: false, message: "That code is not right. Check the time on your phone and enter the current 6-digit code." };
  }
  await scopeFor(deps.db, site).tx(async (tx) => {
    await tx.staffUser.update({ where: { id: input.staffUserId }, data: { totpSecret: input.secret } });
    await recordAudit(tx, { clinicId: site.clinicId, actor: { type: actorType(site), id: input.staffUserId }, action: "staff.totp_enabled", target: { type: "staff_user", id: input.staffUserId }, request: auditRequest(meta) });
  });
  return { ok: true };
}

export async function disableTotp(deps: StaffSignInDeps, site: StaffSignInSite, input: { staffUserId: string; password: string }, meta: RequestMeta): Promise<{ ok: true } | { ok: false; message: string }> {
  const user = await scopeFor(deps.db, site).tx((tx) => tx.staffUser.findUniqueOrThrow({ where: { id: input.staffUserId }, select: { passwordHash: true } }));
  if (!(await verifyPassword(user.passwordHash, input.password))) return { ok: false, message: "Your password is not right." };
  await scopeFor(deps.db, site).tx(async (tx) => {
    await tx.staffUser.update({ where: { id: input.staffUserId }, data: { totpSecret: null } });
    await recordAudit(tx, { clinicId: site.clinicId, actor: { type: actorType(site), id: input.staffUserId }, action: "staff.totp_disabled", target: { type: "staff_user", id: input.staffUserId }, request: auditRequest(meta) });
  });
  return { ok: true };
}

export async function staffRolesIn(tx: Tx, clinicId: string, staffUserId: string): Promise<StaffRole[]> {
  const rows = await tx.clinicMembership.findMany({ where: { clinicId, staffUserId, active: true }, select: { role: true } });
  return [...new Set(rows.map((r) => r.role))];
}
