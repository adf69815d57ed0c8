import { randomInt, randomUUID } from "node:crypto";
import { recordAudit } from "~/modules/audit/audit.server";
import type { Messenger } from "~/modules/messaging/messenger.server";
import type { Db } from "~/utils/db.server";
import { log } from "~/utils/log.server";
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

class SendFailed extends Error {}

export async function requestSignInCode(deps: PatientSignInDeps, site: PatientSignInSite, input: { phone: string; ip: string | null }): Promise<SendCodeResult> {
  const now = deps.now?.() ?? new Date();
  try {
    return await scopeFor(deps.db, site).tx(async (tx) => {
      // One sender per phone (and per address) at a time, so two quick clicks cannot both pass the limit.
      await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext(${`sms-phone:${input.phone}`}))`;
      if (input.ip) await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext(${`sms-ip:${input.ip}`}))`;
      const [phoneSends, ipSends] = await Promise.all([
        tx.smsSendLog.findMany({ where: { phone: input.phone, createdAt: { gt: new Date(now.getTime() - PHONE_SEND_WINDOW_MS) } }, select: { createdAt: true } }),
        input.ip
          ? tx.smsSendLog.findMany({ where: { ip: input.ip, createdAt: { gt: new Date(now.getTime() - IP_SEND_WINDOW_MS) } }, select: { createdAt: true } })
          : Promise.resolve([]),
      ]);
      const decision = decideSend(now, phoneSends.map((s) => s.createdAt), ipSends.map((s) => s.createdAt));
      if (!decision.ok) {
        log.info("sign-in code refused", { reason: decision.reason, phone: maskPhone(input.phone), clinicId: site.clinicId });
        return { ok: false as const, message: decision.message, retryAfterSeconds: decision.retryAfterSeconds };
      }
      // A new code replaces any earlier one for this number on this host.
      await tx.signInCode.updateMany({ where: { phone: input.phone, consumedAt: null, expiresAt: { gt: now } }, data: { expiresAt: now } });
      const id = randomUUID();
      const code = generateCode();
      await tx.signInCode.create({
        data: { id, clinicId: site.clinicId, phone: input.phone, codeHash: hashCode(id, code), expiresAt: codeExpiry(now), createdAt: now, ip: input.ip },
      });
      await tx.smsSendLog.create({ data: { phone: input.phone, ip: input.ip, createdAt: now } });
      try {
        await deps.messenger.sendSms({
          to: input.phone,
          // The last line lets phones offer the code for autofill (WebOTP format).
          body: `${code} is your ${site.displayName} sign-in code. It expires in 10 minutes. Never share it.\n\n@${site.host} #${code}`,
          clinicId: site.clinicId,
          purpose: "sign-in-code",
        });
      } catch (error) {
        log.warn("sign-in code could not be sent", { phone: maskPhone(input.phone), clinicId: site.clinicId, error: (error as Error).message });
        throw new SendFailed();
      }
      return { ok: true as const, sentAt: now };
    });
  } catch (error) {
    if (error instanceof SendFailed) {
      return { ok: false, message: "We couldn't send a text message to this number. Check that it is a mobile number and try again." };
    }
    throw error;
  }
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
  return scopeFor(deps.db, site).tx(async (tx) => {
    // The newest code for this number on this host, locked so parallel guesses are counted one by one.
    const rows = await tx.$queryRaw<{ id: string; code_hash: string; attempts: number; expires_at: Date; consumed_at: Date | null }[]>`
      SELECT id, code_hash, attempts, expires_at, consumed_at FROM sign_in_codes
       WHERE phone = ${input.phone} ORDER BY created_at DESC LIMIT 1 FOR UPDATE`;
    const row = rows[0];
    if (!row) return { ok: false as const, message: `We haven't sent a code to this number here. ${NEW_CODE_HINT}`, needsNewCode: true };
    const allowed = decideAttempt(now, { expiresAt: row.expires_at, attempts: row.attempts, consumedAt: row.consumed_at });
    if (!allowed.ok) return { ok: false as const, message: allowed.message, needsNewCode: true };

    const attempts = row.attempts + 1;
    // Always hash and compare, in constant time, whatever the input looks like.
    const matches = sameDigest(hashCode(row.id, input.code), row.code_hash) && /^\d{6}$/.test(input.code);
    if (!matches) {
      await tx.signInCode.update({ where: { id: row.id }, data: { attempts } });
      return { ok: false as const, message: wrongCodeMessage(attempts), needsNewCode: attempts >= CODE_MAX_ATTEMPTS };
    }
    await tx.signInCode.update({ where: { id: row.id }, data: { attempts, consumedAt: now } });

    const inserted = await tx.$queryRaw<{ id: string }[]>`
      INSERT INTO patient_accounts (phone) VALUES (${input.phone}) ON CONFLICT (phone) DO NOTHING RETURNING id`;
    const patient = await tx.patientAccount.findUniqueOrThrow({ where: { phone: input.phone }, select: { id: true, phone: true, firstName: true, lastName: true } });
    const { token, session } = await insertSession(tx, site, { subject: "patient", patientAccountId: patient.id }, meta, now);
    await recordAudit(tx, {
      clinicId: site.clinicId,
      actor: { type: "patient", id: patient.id },
      action: "patient.signed_in",
      target: { type: "patient_account", id: patient.id },
      request: { ip: meta.ip, userAgent: meta.userAgent, requestId: meta.requestId ?? null },
      details: { newAccount: inserted.length > 0 },
    });
    return { ok: true as const, token, session, patient, newAccount: inserted.length > 0, needsName: !patient.firstName || !patient.lastName };
  });
}

/** The name a new patient gives once, right after the first sign-in. */
export async function savePatientName(db: Db, site: SessionHost, patientId: string, name: { firstName: string; lastName: string }): Promise<void> {
  await scopeFor(db, site).tx((tx) => tx.patientAccount.update({ where: { id: patientId }, data: { firstName: name.firstName, lastName: name.lastName } }));
}
