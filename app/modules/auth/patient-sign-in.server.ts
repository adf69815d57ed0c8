import { randomInt, randomUUID } from "node:crypto";
import { recordAudit } from "~/modules/audit/audit.server";
import type { Messenger } from "~/modules/messaging/messenger.server";
import { sendPatientMessage } from "~/modules/messaging/notify.server";
import { provePhoneAtClinic } from "~/modules/patients/clinic-patients.server";
import type { Db } from "~/utils/db.server";
import { log } from "~/utils/log.server";
import { ipBucket } from "./ip-bucket";
import { maskPhone } from "./phone";
import { insertSession, scopeFor, type RequestMeta, type Session, type SessionHost } from "./session.server";
import {
  CODE_MAX_ATTEMPTS,
  codeExpiry,
  decideAttempt,
  decideSend,
  IP_SEND_WINDOW_MS,
  NEW_CODE_HINT,
  PHONE_SEND_WINDOW_MS,
  wrongCodeMessage,
} from "./sign-in-rules";
import { hmacHex, sameDigest } from "./tokens.server";

/**
 * Patients sign in with a 6-digit code texted to their phone. Codes live in the host's scope
 * (a code requested on one clinic's site only works there); the sending limits count every host.
 */

export interface PatientSignInDeps {
  db: Db;
  messenger: Pick<Messenger, "sendSms">;
  now?: () => Date;
}

export interface PatientSignInSite extends SessionHost {
  /** Shown in the text message: the clinic's name, or "Medslot" on the marketplace. */
  displayName: string;
}

export type SendCodeResult = { ok: true; sentAt: Date } | { ok: false; message: string; retryAfterSeconds?: number };

export function generateCode(): string {
  return randomInt(0, 1_000_000).toString().padStart(6, "0");
}

/** Codes are only 6 digits, so the hash is keyed with the server secret and salted by the row id. */
export function hashCode(codeId: string, code: string): string {
  return hmacHex("sign-in-code", `${codeId}:${code}`);
}

export const SMS_NOT_SENT = "We couldn't send a text message to this number. Check that it is a mobile number and try again in a minute.";

function auditRequest(meta: RequestMeta | undefined, ip: string | null) {
  return { ip: meta?.ip ?? ip, userAgent: meta?.userAgent ?? null, requestId: meta?.requestId ?? null };
}

/**
 * Texts a new code. The code and its sending-log row commit first; the text message is sent after,
 * outside the transaction, so a slow SMS provider never holds the sending locks. If sending fails,
 * the code is retired (it was never seen) but the log row stays: failed sends still count toward
 * the limits, or a pumping attack could retry for free.
 */
export async function requestSignInCode(deps: PatientSignInDeps, site: PatientSignInSite, input: { phone: string; ip: string | null }, meta?: RequestMeta): Promise<SendCodeResult> {
  const now = deps.now?.() ?? new Date();
  // IPv6 senders count by their /64, or one customer could rotate through fresh addresses.
  const network = ipBucket(input.ip);
  const request = auditRequest(meta, input.ip);
  const scope = scopeFor(deps.db, site);
  const prepared = await scope.tx(async (tx) => {
    // One sender per phone (and per network) at a time, so two quick clicks cannot both pass the limit.
    await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext(${`sms-phone:${input.phone}`}))`;
    if (network) await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext(${`sms-ip:${network}`}))`;
    const [phoneSends, ipSends] = await Promise.all([
      tx.smsSendLog.findMany({ where: { phone: input.phone, createdAt: { gt: new Date(now.getTime() - PHONE_SEND_WINDOW_MS) } }, select: { createdAt: true } }),
      network
        ? tx.smsSendLog.findMany({ where: { ip: network, createdAt: { gt: new Date(now.getTime() - IP_SEND_WINDOW_MS) } }, select: { createdAt: true } })
        : Promise.resolve([]),
    ]);
    const decision = decideSend(now, phoneSends.map((s) => s.createdAt), ipSends.map((s) => s.createdAt));
    if (!decision.ok) {
      await recordAudit(tx, {
        clinicId: site.clinicId,
        actor: { type: "anonymous" },
        action: "patient.code_rate_limited",
        request,
        details: { reason: decision.reason, phone: maskPhone(input.phone), retryAfterSeconds: decision.retryAfterSeconds },
      });
      return { ok: false as const, message: decision.message, retryAfterSeconds: decision.retryAfterSeconds };
    }
    // A new code replaces any earlier one for this number on this host.
    await tx.signInCode.updateMany({ where: { phone: input.phone, consumedAt: null, expiresAt: { gt: now } }, data: { expiresAt: now } });
    const id = randomUUID();
    const code = generateCode();
    await tx.signInCode.create({
      data: { id, clinicId: site.clinicId, phone: input.phone, codeHash: hashCode(id, code), expiresAt: codeExpiry(now), createdAt: now, ip: input.ip },
    });
    await tx.smsSendLog.create({ data: { phone: input.phone, ip: network, createdAt: now } });
    return { ok: true as const, id, code };
  });
  if (!prepared.ok) {
    log.info("sign-in code refused", { phone: maskPhone(input.phone), clinicId: site.clinicId });
    return { ok: false, message: prepared.message, retryAfterSeconds: prepared.retryAfterSeconds };
  }
  // Through the sign_in_code template, with a delivery record, but still while the patient waits.
  let failure: string | null = null;
  try {
    const { deliveries } = await sendPatientMessage(
      deps.db,
      {
        clinicId: site.clinicId,
        kind: "sign_in_code",
        phone: input.phone,
        vars: { code: prepared.code, host: site.host, clinicName: site.displayName },
        dedupeKey: `sign-in:${prepared.id}`,
        now,
      },
      { messenger: deps.messenger },
    );
    if (!deliveries.some((d) => d.status === "sent")) failure = "the message was not sent";
  } catch (error) {
    failure = error instanceof Error ? error.message : String(error);
  }
  if (failure) {
    log.warn("sign-in code could not be sent", { phone: maskPhone(input.phone), clinicId: site.clinicId, error: failure });
    await scope.tx(async (tx) => {
      await tx.signInCode.updateMany({ where: { id: prepared.id, consumedAt: null }, data: { expiresAt: now } });
      await recordAudit(tx, { clinicId: site.clinicId, actor: { type: "anonymous" }, action: "patient.code_not_sent", request, details: { phone: maskPhone(input.phone) } });
    });
    return { ok: false, message: SMS_NOT_SENT };
  }
  return { ok: true, sentAt: now };
}

export interface SignedInPatient {
  id: string;
  phone: string;
  firstName: string | null;
  lastName: string | null;
}

export type VerifyCodeResult =
  | { ok: true; token: string; session: Session; patient: SignedInPatient; newAccount: boolean; needsName: boolean }
  | { ok: false; message: string; needsNewCode: boolean };

export async function verifySignInCode(deps: PatientSignInDeps, site: PatientSignInSite, input: { phone: string; code: string }, meta: RequestMeta): Promise<VerifyCodeResult> {
  const now = deps.now?.() ?? new Date();
  const request = auditRequest(meta, meta.ip);
  return scopeFor(deps.db, site).tx(async (tx): Promise<VerifyCodeResult> => {
    // Never the code itself, and only a masked number: the log is read by the clinic's staff.
    const failed = async (details: Record<string, unknown>, action = "patient.sign_in_failed") =>
      recordAudit(tx, { clinicId: site.clinicId, actor: { type: "anonymous" }, action, request, details: { phone: maskPhone(input.phone), ...details } });
    // The newest code for this number on this host, locked so parallel guesses are counted one by one.
    const rows = await tx.$queryRaw<{ id: string; code_hash: string; attempts: number; expires_at: Date; consumed_at: Date | null }[]>`
      SELECT id, code_hash, attempts, expires_at, consumed_at FROM sign_in_codes
       WHERE phone = ${input.phone} ORDER BY created_at DESC LIMIT 1 FOR UPDATE`;
    const row = rows[0];
    if (!row) {
      await failed({ reason: "no-code" });
      return { ok: false, message: `We haven't sent a code to this number here. ${NEW_CODE_HINT}`, needsNewCode: true };
    }
    const allowed = decideAttempt(now, { expiresAt: row.expires_at, attempts: row.attempts, consumedAt: row.consumed_at });
    if (!allowed.ok) {
      await failed({ reason: allowed.reason });
      return { ok: false, message: allowed.message, needsNewCode: true };
    }

    const attempts = row.attempts + 1;
    // Always hash and compare, in constant time, whatever the input looks like.
    const matches = sameDigest(hashCode(row.id, input.code), row.code_hash) && /^\d{6}$/.test(input.code);
    if (!matches) {
      await tx.signInCode.update({ where: { id: row.id }, data: { attempts } });
      await failed({ reason: "wrong-code", attempts });
      if (attempts >= CODE_MAX_ATTEMPTS) await failed({ attempts }, "patient.code_exhausted");
      return { ok: false, message: wrongCodeMessage(attempts), needsNewCode: attempts >= CODE_MAX_ATTEMPTS };
    }
    await tx.signInCode.update({ where: { id: row.id }, data: { attempts, consumedAt: now } });

    const inserted = await tx.$queryRaw<{ id: string }[]>`
      INSERT INTO patient_accounts (phone) VALUES (${input.phone}) ON CONFLICT (phone) DO NOTHING RETURNING id`;
    const patient = await tx.patientAccount.findUniqueOrThrow({ where: { phone: input.phone }, select: { id: true, phone: true, firstName: true, lastName: true } });
    const { token, session } = await insertSession(tx, site, { subject: "patient", patientAccountId: patient.id }, meta, now);
    // Signing in on a clinic's site proves the phone there: the clinic's record joins the account.
    if (site.clinicId) await provePhoneAtClinic(tx, site.clinicId, patient.id, "sign_in");
    await recordAudit(tx, {
      clinicId: site.clinicId,
      actor: { type: "patient", id: patient.id },
      action: "patient.signed_in",
      target: { type: "patient_account", id: patient.id },
      request,
      details: { newAccount: inserted.length > 0 },
    });
    return { ok: true, token, session, patient, newAccount: inserted.length > 0, needsName: !patient.firstName || !patient.lastName };
  });
}

/** The name a new patient gives once, right after the first sign-in. */
export async function savePatientName(db: Db, site: SessionHost, patientId: string, name: { firstName: string; lastName: string }): Promise<void> {
  await scopeFor(db, site).tx((tx) => tx.patientAccount.update({ where: { id: patientId }, data: { firstName: name.firstName, lastName: name.lastName } }));
}
