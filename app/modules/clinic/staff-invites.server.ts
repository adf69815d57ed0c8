/**
 * Inviting a person to a clinic's staff by email with a one-time link.
 *
 * The link carries a random token; only its SHA-256 is stored. It works once, for 7 days, and only
 * on the inviting clinic's host: the lookup runs in that clinic's scope, so the same token on
 * another clinic's host finds nothing. Re-sending replaces the token (the older link stops working)
 * and the 7 days start again; cancelling ends it. Accepting either creates the person (name and a
 * password under the same rules as a password reset) or, for an address that already has a staff
 * account, asks for that account's password; then the roles are granted and the person is signed in
 * on this clinic's host. The email goes through the same messenger as password resets (the
 * development outbox when no SMTP server is configured).
 */
import { z } from "zod";
import type { StaffRole } from "~/generated/prisma/enums";
import { recordAudit } from "~/modules/audit/audit.server";
import { hashPassword, verifyPassword } from "~/modules/auth/password.server";
import { insertSession, type RequestMeta, type Session } from "~/modules/auth/session.server";
import { QueueFullError } from "~/modules/auth/fair-queue";
import { slowedMessage, throttledMessage } from "~/modules/auth/sign-in-rules";
import { MIN_PASSWORD_LENGTH, newPasswordProblem, normalizeEmail, passwordGuesses } from "~/modules/auth/staff-sign-in.server";
import { forgetAttempt, startAttempt } from "~/modules/auth/throttle.server";
import { generateToken, sha256Hex } from "~/modules/auth/tokens.server";
import type { Messenger } from "~/modules/messaging/messenger.server";
import type { ClinicDb, Db, Tx } from "~/utils/db.server";
import { log } from "~/utils/log.server";
import { INVITE_DAYS } from "./onboarding-words";
import { STAFF_ROLES, type StaffActor, type StaffAnswer } from "./staff-members.server";

export { INVITE_DAYS };
const INVITE_MS = INVITE_DAYS * 24 * 3_600_000;
/** Re-sending is for a lost email, not for filling someone's inbox. */
const MAX_SENDS = 5;

export interface InviteClinic {
  id: string;
  name: string;
  /** The clinic's site, e.g. "http://northside.localhost:3000": links in the email point there. */
  origin: string;
}

export interface InviteDeps {
  db: ClinicDb;
  messenger: Pick<Messenger, "sendEmail">;
  now?: () => Date;
}

const email = z.string({ error: "Enter an email address." }).trim().min(1, "Enter an email address.").max(254, "Use at most 254 characters.").email("Enter an email address like name@clinic.com.");
const roles = z
  .union([z.enum(STAFF_ROLES), z.array(z.enum(STAFF_ROLES))], { error: "Choose at least one role." })
  .transform((v) => [...new Set(Array.isArray(v) ? v : [v])])
  .pipe(z.array(z.enum(STAFF_ROLES)).min(1, "Choose at least one role."));
const inviteId = z.string({ error: "Choose an invitation." }).uuid("Choose an invitation.");

export const inviteForm = z.discriminatedUnion("intent", [
  z.object({
    intent: z.literal("invite"),
    email,
    roles,
    specialty: z
      .string()
      .trim()
      .max(80, "Use at most 80 characters.")
      .optional()
      .transform((v) => (v ? v : null)),
  }),
  z.object({ intent: z.literal("resend-invite"), inviteId }),
  z.object({ intent: z.literal("cancel-invite"), inviteId }),
]);

export type InviteChange = z.infer<typeof inviteForm>;

export interface OpenInvite {
  id: string;
  email: string;
  roles: StaffRole[];
  specialty: string | null;
  expiresAt: string;
  lastSentAt: string;
  sentCount: number;
  expired: boolean;
}

/** Invitations not yet accepted or cancelled, newest first (expired ones too: they can be re-sent). */
export async function listOpenInvites(db: ClinicDb, now = new Date()): Promise<OpenInvite[]> {
  const rows = await db.tx((tx) =>
    tx.staffInvite.findMany({ where: { acceptedAt: null, cancelledAt: null }, orderBy: { createdAt: "desc" }, take: 200 }),
  );
  return rows.map((r) => ({
    id: r.id,
    email: r.email,
    roles: STAFF_ROLES.filter((role) => r.roles.includes(role)),
    specialty: r.specialty,
    expiresAt: r.expiresAt.toISOString(),
    lastSentAt: r.lastSentAt.toISOString(),
    sentCount: r.sentCount,
    expired: r.expiresAt.getTime() <= now.getTime(),
  }));
}

export function inviteLink(clinic: InviteClinic, token: string) {
  return `${clinic.origin}/staff/invite/${token}`;
}

function escapeHtml(s: string) {
  return s.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!);
}

async function sendInviteEmail(deps: InviteDeps, clinic: InviteClinic, to: string, inviter: string, token: string, expiresAt: Date) {
  const link = inviteLink(clinic, token);
  const until = expiresAt.toLocaleDateString("en-US", { day: "numeric", month: "long", year: "numeric", timeZone: "UTC" });
  await deps.messenger.sendEmail({
    to,
    subject: `You're invited to join ${clinic.name} on Medslot`,
    text:
      `Hello,\n\n${inviter} invited you to join the staff of ${clinic.name}.\n\n` +
      `Open this link to accept (it works once, until ${until}):\n${link}\n\n` +
      `If you weren't expecting this, ignore this email.\n`,
    html:
      `<p>Hello,</p><p>${escapeHtml(inviter)} invited you to join the staff of ${escapeHtml(clinic.name)}.</p>` +
      `<p><a href="${escapeHtml(link)}">Accept the invitation</a> (the link works once, until ${escapeHtml(until)}).</p>` +
      `<p>If you weren't expecting this, ignore this email.</p>`,
    clinicId: clinic.id,
    purpose: "staff-invite",
  });
}

/**
 * Creates, re-sends or cancels an invitation. The row and its audit commit first; the email is sent
 * after (a failed send is reported and the owner can re-send).
 */
export async function changeInvite(deps: InviteDeps, clinic: InviteClinic, change: InviteChange, actor: StaffActor): Promise<StaffAnswer> {
  const now = deps.now?.() ?? new Date();
  const token = generateToken();
  const audit = { clinicId: clinic.id, actor: { type: "staff" as const, id: actor.staffUserId }, request: actor.request };
  const outcome = await deps.db.tx(async (tx): Promise<{ answer: StaffAnswer; send?: { to: string; inviter: string; expiresAt: Date } }> => {
    const inviter = (await tx.staffUser.findUnique({ where: { id: actor.staffUserId }, select: { name: true } }))?.name ?? "The clinic";
    if (change.intent === "invite") {
      const address = normalizeEmail(change.email);
      const existing = await tx.staffUser.findUnique({ where: { email: address }, select: { id: true } });
      if (existing && (await tx.clinicMembership.count({ where: { staffUserId: existing.id, active: true } })) > 0) {
        return { answer: { ok: false, field: "email", message: `${address} already works here. Change their roles in the list below.` } };
      }
      const open = await tx.staffInvite.findFirst({ where: { email: address, acceptedAt: null, cancelledAt: null }, select: { id: true } });
      if (open) return { answer: { ok: false, field: "email", message: `${address} already has an open invitation. Re-send or cancel it below.` } };
      const expiresAt = new Date(now.getTime() + INVITE_MS);
      const invite = await tx.staffInvite.create({
        data: { clinicId: clinic.id, email: address, roles: change.roles, specialty: change.roles.includes("doctor") ? change.specialty : null, tokenHash: sha256Hex(token), invitedBy: actor.staffUserId, expiresAt, lastSentAt: now, createdAt: now },
        select: { id: true },
      });
      await recordAudit(tx, { ...audit, action: "staff.invited", target: { type: "staff_invite", id: invite.id }, details: { roles: change.roles, existingAccount: Boolean(existing) } });
      return { answer: { ok: true, message: `Invitation sent to ${address}. The link works for ${INVITE_DAYS} days.` }, send: { to: address, inviter, expiresAt } };
    }
    const invite = await tx.staffInvite.findFirst({ where: { id: change.inviteId }, select: { id: true, email: true, acceptedAt: true, cancelledAt: true, sentCount: true } });
    if (!invite) return { answer: { ok: false, message: "That invitation does not exist." } };
    if (invite.acceptedAt) return { answer: { ok: false, message: `${invite.email} has already accepted the invitation.` } };
    if (invite.cancelledAt) return { answer: { ok: false, message: `The invitation to ${invite.email} was cancelled.` } };
    if (change.intent === "cancel-invite") {
      await tx.staffInvite.update({ where: { clinicId_id: { clinicId: clinic.id, id: invite.id } }, data: { cancelledAt: now } });
      await recordAudit(tx, { ...audit, action: "staff.invite_cancelled", target: { type: "staff_invite", id: invite.id } });
      return { answer: { ok: true, message: `The invitation to ${invite.email} is cancelled; its link no longer works.` } };
    }
    if (invite.sentCount >= MAX_SENDS) return { answer: { ok: false, message: `The invitation to ${invite.email} has been sent ${MAX_SENDS} times. Cancel it and invite them again if needed.` } };
    const expiresAt = new Date(now.getTime() + INVITE_MS);
    await tx.staffInvite.update({
      where: { clinicId_id: { clinicId: clinic.id, id: invite.id } },
      data: { tokenHash: sha256Hex(token), expiresAt, lastSentAt: now, sentCount: { increment: 1 } },
    });
    await recordAudit(tx, { ...audit, action: "staff.invite_resent", target: { type: "staff_invite", id: invite.id }, details: { sentCount: invite.sentCount + 1 } });
    return { answer: { ok: true, message: `A new link was sent to ${invite.email}; the earlier one no longer works.` }, send: { to: invite.email, inviter, expiresAt } };
  });
  if (!outcome.send) return outcome.answer;
  try {
    await sendInviteEmail(deps, clinic, outcome.send.to, outcome.send.inviter, token, outcome.send.expiresAt);
  } catch (error) {
    log.warn("staff invitation email failed", { clinicId: clinic.id, error: error instanceof Error ? error.message : String(error) });
    return { ok: false, message: `The invitation is saved, but the email to ${outcome.send.to} could not be sent. Try "Re-send" in a moment.` };
  }
  return outcome.answer;
}

// Accepting ------------------------------------------------------------------------------------

export type InviteState =
  | { ok: true; inviteId: string; email: string; roles: StaffRole[]; existingAccount: boolean }
  | { ok: false; reason: "invalid" | "expired" | "used" | "cancelled"; message: string };

const INVALID = "This invitation link is not valid here. Check that you opened the whole link from the email, on the clinic's own site.";

async function findInvite(tx: Tx, token: string) {
  if (!/^[a-z2-7]{16,128}$/.test(token)) return null;
  return tx.staffInvite.findFirst({ where: { tokenHash: sha256Hex(token) } });
}

function stateOf(invite: Awaited<ReturnType<typeof findInvite>>, now: Date, existingAccount: boolean): InviteState {
  if (!invite) return { ok: false, reason: "invalid", message: INVALID };
  if (invite.acceptedAt) return { ok: false, reason: "used", message: "This invitation has already been accepted. Sign in with your email and password." };
  if (invite.cancelledAt) return { ok: false, reason: "cancelled", message: "This invitation was cancelled by the clinic. Ask the clinic's owner for a new one if you still need it." };
  if (invite.expiresAt.getTime() <= now.getTime())
    return { ok: false, reason: "expired", message: `This invitation has expired (links work for ${INVITE_DAYS} days). Ask the clinic's owner to send it again.` };
  return { ok: true, inviteId: invite.id, email: invite.email, roles: STAFF_ROLES.filter((r) => invite.roles.includes(r)), existingAccount };
}

/** Whether an invitation link can be used on this clinic's host, and for whom. */
export async function checkInvite(deps: Pick<InviteDeps, "db" | "now">, token: string): Promise<InviteState> {
  const now = deps.now?.() ?? new Date();
  return deps.db.tx(async (tx) => {
    const invite = await findInvite(tx, token);
    const existing = invite ? await tx.staffUser.findUnique({ where: { email: invite.email }, select: { id: true } }) : null;
    return stateOf(invite, now, Boolean(existing));
  });
}

export const acceptInviteForm = z.discriminatedUnion("intent", [
  z
    .object({
      intent: z.literal("create-account"),
      name: z.string({ error: "Enter your full name." }).trim().min(1, "Enter your full name.").max(120, "Use at most 120 characters."),
      password: z.string({ error: "Choose a password." }).min(1, "Choose a password."),
      confirmPassword: z.string({ error: "Repeat the password." }).min(1, "Repeat the password."),
    })
    .refine((v) => v.password === v.confirmPassword, { path: ["confirmPassword"], message: "The two passwords don't match." }),
  z.object({ intent: z.literal("existing-account"), password: z.string({ error: "Enter your password." }).min(1, "Enter your password.").max(1024) }),
]);

export type AcceptInput = z.infer<typeof acceptInviteForm>;

export type AcceptResult =
  | { ok: true; staffUserId: string; token: string; session: Session }
  /** Accepted; the account has TOTP, so the person finishes signing in on the sign-in page. */
  | { ok: true; staffUserId: string; token: null; session: null }
  | { ok: false; field: "form" | "name" | "password"; message: string };

async function grantRoles(tx: Tx, clinicId: string, staffUserId: string, roles: StaffRole[], specialty: string | null) {
  for (const role of roles) {
    const existing = await tx.clinicMembership.findFirst({ where: { staffUserId, role }, select: { id: true } });
    if (existing) await tx.clinicMembership.update({ where: { clinicId_id: { clinicId, id: existing.id } }, data: { active: true, ...(role === "doctor" && specialty ? { specialty } : {}) } });
    else await tx.clinicMembership.create({ data: { clinicId, staffUserId, role, ...(role === "doctor" ? { specialty, workStatus: "active" as const } : {}) } });
  }
}

/**
 * Uses the invitation: marks it accepted (only if still open, so two tabs cannot both use it),
 * creates or checks the account, grants the roles and starts a session on this host — all in one
 * transaction, with the audit row. Takes the root db: the sign-in throttle it shares with the
 * sign-in page is platform-wide (per network, not per clinic).
 */
export async function acceptInvite(
  deps: { db: Db; now?: () => Date },
  site: { clinicId: string; host: string; timeZone?: string },
  token: string,
  input: AcceptInput,
  meta: RequestMeta,
): Promise<AcceptResult> {
  const now = deps.now?.() ?? new Date();
  const scope = deps.db.forClinic(site.clinicId);
  const state = await checkInvite({ db: scope, now: deps.now }, token);
  if (!state.ok) return { ok: false, field: "form", message: state.message };
  const auditRequest = { ip: meta.ip, userAgent: meta.userAgent, requestId: meta.requestId ?? null };

  let passwordHash: string | null = null;
  let attempt: Awaited<ReturnType<typeof startAttempt>> | null = null;
  let verifiedHash: string | null = null;
  if (input.intent === "create-account") {
    if (state.existingAccount) return { ok: false, field: "form", message: "This address already has a staff account. Sign in with its password below to accept." };
    const problem = newPasswordProblem(input.password, state.email);
    if (problem) return { ok: false, field: "password", message: problem };
    passwordHash = await hashPassword(input.password);
  } else {
    if (!state.existingAccount) return { ok: false, field: "form", message: "There is no staff account for this address yet. Choose your name and a password to create one." };
    attempt = await startAttempt(deps.db, "sign-in", meta.ip, now);
    if (!attempt.ok) return { ok: false, field: "password", message: attempt.message };
    const { user, wait } = await scope.tx(async (tx) => ({
      user: await tx.staffUser.findUniqueOrThrow({ where: { email: state.email }, select: { passwordHash: true } }),
      wait: await passwordGuesses.wait(tx, state.email, meta, now),
    }));
    if (wait > 0) return { ok: false, field: "password", message: slowedMessage(wait) };
    const matches = await verifyPassword(user.passwordHash, input.password, passwordGuesses.network(meta)).catch((error: unknown) => {
      if (error instanceof QueueFullError) return null;
      throw error;
    });
    // This network already has a long line of password checks waiting: refuse rather than add to it.
    if (matches === null) return { ok: false, field: "password", message: throttledMessage("sign-in", 60) };
    if (matches) verifiedHash = user.passwordHash;
  }

  const result = await scope.tx(async (tx): Promise<AcceptResult> => {
    const invite = await findInvite(tx, token);
    const again = stateOf(invite, now, state.existingAccount);
    if (!again.ok || !invite) return { ok: false, field: "form", message: again.ok ? INVALID : again.message };
    let staffUserId: string;
    let hasTotp = false;
    if (passwordHash) {
      const taken = await tx.staffUser.findUnique({ where: { email: invite.email }, select: { id: true } });
      if (taken) return { ok: false, field: "form", message: "This address already has a staff account. Sign in with its password below to accept." };
      if (input.intent !== "create-account") throw new Error("unreachable");
      const user = await tx.staffUser.create({ data: { email: invite.email, name: input.name, passwordHash, passwordChangedAt: now, createdAt: now }, select: { id: true } });
      staffUserId = user.id;
    } else {
      const rows = await tx.$queryRaw<{ id: string; password_hash: string; totp_secret: string | null }[]>`
        SELECT id::text AS id, password_hash, totp_secret FROM staff_users WHERE email = ${invite.email} FOR UPDATE`;
      const row = rows[0];
      if (!row) return { ok: false, field: "form", message: INVALID };
      const rightPassword = verifiedHash !== null && verifiedHash === row.password_hash;
      if (!rightPassword) {
        // Slows this network down for this address, as a wrong sign-in password does; nobody is locked out.
        await passwordGuesses.failed(tx, invite.email, meta, now);
        await recordAudit(tx, { clinicId: site.clinicId, actor: { type: "anonymous" }, action: "staff.invite_accept_failed", target: { type: "staff_invite", id: invite.id }, request: auditRequest, details: { reason: "wrong-password" } });
        return { ok: false, field: "password", message: "That password is not right. Use the password of your existing Medslot staff account." };
      }
      await passwordGuesses.succeeded(tx, invite.email, meta);
      staffUserId = row.id;
      hasTotp = row.totp_secret !== null;
    }
    const used = await tx.staffInvite.updateMany({ where: { id: invite.id, acceptedAt: null, cancelledAt: null, expiresAt: { gt: now } }, data: { acceptedAt: now, acceptedBy: staffUserId } });
    if (used.count !== 1) return { ok: false, field: "form", message: "This invitation has just been used or cancelled." };
    const roles = STAFF_ROLES.filter((r) => invite.roles.includes(r));
    await grantRoles(tx, site.clinicId, staffUserId, roles, invite.specialty);
    await recordAudit(tx, {
      clinicId: site.clinicId,
      actor: { type: "staff", id: staffUserId },
      action: "staff.invite_accepted",
      target: { type: "staff_invite", id: invite.id },
      request: auditRequest,
      details: { roles, newAccount: Boolean(passwordHash), invitedBy: invite.invitedBy },
    });
    if (hasTotp) return { ok: true, staffUserId, token: null, session: null };
    const { token: sessionToken, session } = await insertSession(tx, { clinicId: site.clinicId, host: site.host }, { subject: "staff", staffUserId }, meta, now);
    await recordAudit(tx, { clinicId: site.clinicId, actor: { type: "staff", id: staffUserId }, action: "staff.signed_in", target: { type: "staff_user", id: staffUserId }, request: auditRequest, details: { method: "invite" } });
    return { ok: true, staffUserId, token: sessionToken, session };
  });
  if (attempt?.ok && result.ok) await forgetAttempt(deps.db, attempt);
  return result;
}

export { MIN_PASSWORD_LENGTH };
