import { randomInt, randomUUID } from "node:crypto";
import { recordAudit } from "~/modules/audit/audit.server";
import type { Messenger } from "~/modules/messaging/messenger.server";
import { sendPatientMessage } from "~/modules/messaging/notify.server";
import { alertOperator } from "~/modules/platform/operator-alerts.server";
import { provePhoneAtClinic } from "~/modules/patients/clinic-patients.server";
import type { Db, Tx } from "~/utils/db.server";
import { getEnv } from "~/utils/env.server";
import { log } from "~/utils/log.server";
import { ipBucket } from "./ip-bucket";
import { countryForTimeZone, maskPhone, smsDestination } from "~/lib/phone";
import { insertSession, scopeFor, type RequestMeta, type Session, type SessionHost } from "./session.server";
import { DEFAULT_SMS_POOL, smsBudgetsFromEnv, spendSmsBudgets, spendWrongCode, wrongCodesLeft } from "./sms-budgets.server";
import {
  budgetMessage,
  CODE_MAX_ATTEMPTS,
  codeExpiry,
  decideAttempt,
  decideSend,
  IP_SEND_WINDOW_MS,
  IP_WRONG_CODE_LIMIT,
  NEW_CODE_HINT,
  PHONE_SEND_WINDOW_MS,
  wrongCodeMessage,
  wrongCodesFromNetworkMessage,
  type SmsBudgets,
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
  /** Hourly budgets of codes; from the environment unless given. */
  budgets?: SmsBudgets;
  /** Countries the marketplace texts codes to; from MARKETPLACE_SMS_COUNTRIES unless given. */
  marketplaceCountries?: readonly string[];
  /** Whose budgets are spent: the deployment's unless given (tests of the platform budget use their own). */
  budgetPool?: string;
}

export interface PatientSignInSite extends SessionHost {
  /** Shown in the text message: the clinic's name, or "Medslot" on the marketplace. */
  displayName: string;
}

export type SendCodeResult =
  | { ok: true; sentAt: Date }
  /** `wrongNumber`: the number is not one codes may go to (not a rate limit; asking again will not help). */
  | { ok: false; message: string; retryAfterSeconds?: number; wrongNumber?: true };

export function generateCode(): string {
  return randomInt(0, 1_000_000).toString().padStart(6, "0");
}

/** Codes are only 6 digits, so the hash is keyed with the server secret and salted by the row id. */
export function hashCode(codeId: string, code: string): string {
  return hmacHex("sign-in-code", `${codeId}:${code}`);
}

export const SMS_NOT_SENT = "We couldn't send a text message to this number. Check that it is a mobile number and try again in a minute.";

/**
 * Where this site may text codes: a clinic's site to the countries of its locations (or of its
 * time zone, before it has any) and the extra countries in its settings; the marketplace to the
 * platform's list.
 */
async function smsCountriesFor(tx: Tx, deps: PatientSignInDeps, site: PatientSignInSite): Promise<string[]> {
  if (!site.clinicId) return [...(deps.marketplaceCountries ?? getEnv().MARKETPLACE_SMS_COUNTRIES)];
  const clinic = await tx.clinic.findUnique({ where: { id: site.clinicId }, select: { timeZone: true, smsCountries: true, locations: { select: { country: true } } } });
  if (!clinic) return [];
  const own = clinic.locations.map((l) => l.country.toUpperCase());
  const fallback = own.length ? [] : [countryForTimeZone(clinic.timeZone)].filter((c): c is NonNullable<typeof c> => Boolean(c));
  return [...new Set([...own, ...fallback, ...clinic.smsCountries])];
}

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
  const budgets = deps.budgets ?? smsBudgetsFromEnv();
  const prepared = await scope.tx(async (tx) => {
    // Only mobile numbers of the countries this site serves: premium, satellite and international-network numbers are what SMS pumping aims at.
    const destination = smsDestination(input.phone, await smsCountriesFor(tx, deps, site));
    if (!destination.ok) {
      await recordAudit(tx, {
        clinicId: site.clinicId,
        actor: { type: "anonymous" },
        action: "patient.code_refused",
        request,
        details: { reason: destination.reason, phone: maskPhone(input.phone) },
      });
      return { ok: false as const, message: destination.message, wrongNumber: true as const };
    }
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
    const budget = await spendSmsBudgets(tx, budgets, { phone: input.phone, clinicId: site.clinicId }, now, deps.budgetPool);
    if (!budget.ok) {
      await recordAudit(tx, {
        clinicId: site.clinicId,
        actor: { type: "anonymous" },
        action: "patient.code_rate_limited",
        request,
        details: { reason: `budget-${budget.budget}`, phone: maskPhone(input.phone), retryAfterSeconds: budget.retryAfterSeconds },
      });
      return { ok: false as const, message: budgetMessage(budget.budget, budget.retryAfterSeconds), retryAfterSeconds: budget.retryAfterSeconds, budget: budget.budget };
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
    if ("budget" in prepared && prepared.budget) await alertBudget(deps.db, prepared.budget, site, input.phone, budgets, deps.budgetPool);
    if ("wrongNumber" in prepared) return { ok: false, message: prepared.message, wrongNumber: true };
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

/**
 * A spent clinic or platform budget is either a flood (pumping) or real growth; either way the
 * operator must hear of it. A number's own budget concerns that number only: a warning in the log.
 */
async function alertBudget(db: Db, budget: keyof SmsBudgets, site: PatientSignInSite, phone: string, budgets: SmsBudgets, pool = DEFAULT_SMS_POOL) {
  if (budget === "perPhone") {
    log.warn("sign-in codes: a number's hourly budget is spent", { phone: maskPhone(phone), clinicId: site.clinicId, budget: budgets.perPhone });
    return;
  }
  const where = budget === "platform" ? "the whole platform" : site.clinicId ? `clinic ${site.host}` : "the marketplace";
  const alert = {
    key: budget === "platform" ? `${pool}-budget:platform` : `${pool}-budget:site:${site.clinicId ?? "marketplace"}`,
    message: `Hourly budget of sign-in codes spent for ${where}; further codes are refused until it refills`,
    details: { budget, perHour: budget === "platform" ? budgets.platform : budgets.perClinic, clinicId: site.clinicId, host: site.host },
  };
  // The patient's answer does not wait on the alert's bookkeeping failing: the error line still goes out.
  await alertOperator(db, alert).catch((error: unknown) => log.error(alert.message, { alert: alert.key, operatorAlert: true, alertNotRecorded: error instanceof Error ? error.message : String(error), ...alert.details }));
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
  const network = ipBucket(meta.ip);
  return scopeFor(deps.db, site).tx(async (tx): Promise<VerifyCodeResult> => {
    // Never the code itself, and only a masked number: the log is read by the clinic's staff.
    const failed = async (details: Record<string, unknown>, action = "patient.sign_in_failed") =>
      recordAudit(tx, { clinicId: site.clinicId, actor: { type: "anonymous" }, action, request, details: { phone: maskPhone(input.phone), ...details } });
    // Five tries per code alone would let one network guess on many numbers' codes at once; its
    // wrong codes are counted across all of them (the bucket row stays locked until commit).
    if (network) {
      const allowance = await wrongCodesLeft(tx, network, IP_WRONG_CODE_LIMIT, now);
      if (!allowance.ok) {
        await failed({ reason: "network-limit" });
        return { ok: false, message: wrongCodesFromNetworkMessage(allowance.retryAfterSeconds), needsNewCode: false };
      }
    }
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
      if (network) await spendWrongCode(tx, network, IP_WRONG_CODE_LIMIT, now);
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
