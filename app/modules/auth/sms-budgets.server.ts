import type { Tx } from "~/utils/db.server";
import { getEnv } from "~/utils/env.server";
import type { SmsBudgetName, SmsBudgets } from "./sign-in-rules";

/**
 * Hourly budgets of sign-in codes: per number, per clinic site (the marketplace counts as one
 * site) and for the whole platform. Each is a token bucket in api_rate_buckets (the shared buckets
 * of the API limits, docs/decisions/025) holding an hour's budget and refilling over the hour, so
 * every app process spends from the same budget. They are checked and spent inside the caller's
 * transaction: the bucket rows stay locked until it ends, and a send refused by one budget spends
 * nothing from the others.
 */

export function smsBudgetsFromEnv(): SmsBudgets {
  const env = getEnv();
  return { perPhone: env.SMS_CODES_PER_PHONE_HOUR, perClinic: env.SMS_CODES_PER_CLINIC_HOUR, platform: env.SMS_CODES_PER_PLATFORM_HOUR };
}

export type BudgetCheck = { ok: true } | { ok: false; budget: SmsBudgetName; retryAfterSeconds: number };

async function take(tx: Tx, bucket: string, perHour: number, want: 0 | 1, now: Date): Promise<number> {
  const [row] = await tx.$queryRaw<{ granted: number; remaining: number }[]>`
    SELECT granted, remaining FROM take_rate_tokens(${bucket}, ${perHour / 3600}::double precision, ${perHour}::double precision, ${want}::integer, ${now})`;
  // Peeking (want 0) answers with what is there; taking answers with what is left.
  return want === 0 ? (row?.remaining ?? 0) : (row?.granted ?? 0);
}

/** The deployment's budgets; a test that spends the platform's budget uses a pool of its own. */
export const DEFAULT_SMS_POOL = "sms";

/** Spends one code from each budget, or none when any is empty (with the first empty one). */
export async function spendSmsBudgets(tx: Tx, budgets: SmsBudgets, target: { phone: string; clinicId: string | null }, now: Date, pool = DEFAULT_SMS_POOL): Promise<BudgetCheck> {
  // Always in this order, so two senders never wait for each other's rows crosswise.
  const buckets: [SmsBudgetName, string, number][] = [
    ["perPhone", `${pool}-phone:${target.phone}`, budgets.perPhone],
    ["perClinic", `${pool}-site:${target.clinicId ?? "marketplace"}`, budgets.perClinic],
    ["platform", `${pool}-platform`, budgets.platform],
  ];
  for (const [budget, bucket, perHour] of buckets) {
    const available = await take(tx, bucket, perHour, 0, now);
    if (available < 1) return { ok: false, budget, retryAfterSeconds: Math.max(1, Math.ceil(((1 - available) * 3600) / perHour)) };
  }
  for (const [, bucket, perHour] of buckets) await take(tx, bucket, perHour, 1, now);
  return { ok: true };
}

/** The network's allowance of wrong codes: whether it may try, and spending one on a wrong code. */
export async function wrongCodesLeft(tx: Tx, network: string, perHour: number, now: Date): Promise<{ ok: true } | { ok: false; retryAfterSeconds: number }> {
  const available = await take(tx, `sms-guess:${network}`, perHour, 0, now);
  return available >= 1 ? { ok: true } : { ok: false, retryAfterSeconds: Math.max(1, Math.ceil(((1 - available) * 3600) / perHour)) };
}

export async function spendWrongCode(tx: Tx, network: string, perHour: number, now: Date): Promise<void> {
  await take(tx, `sms-guess:${network}`, perHour, 1, now);
}
