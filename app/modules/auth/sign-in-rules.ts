/**
 * The rules for SMS sign-in codes and slowing down staff password guesses, as pure functions of the clock so tests can
 * stand exactly on each boundary. The database code in *.server.ts only gathers the inputs.
 */

export const CODE_LIFETIME_MS = 10 * 60_000;
export const CODE_MAX_ATTEMPTS = 5;
export const RESEND_COOLDOWN_MS = 30_000;
export const PHONE_SEND_LIMIT = 3;
export const PHONE_SEND_WINDOW_MS = 10 * 60_000;
export const IP_SEND_LIMIT = 20;
export const IP_SEND_WINDOW_MS = 60 * 60_000;
/** Wrong codes one network may enter in an hour, across every code and number. */
export const IP_WRONG_CODE_LIMIT = 30;

export type SendDecision =
  | { ok: true }
  | { ok: false; reason: "cooldown" | "phone-limit" | "ip-limit"; retryAfterSeconds: number; message: string };

/**
 * May we text another code? `phoneSends` and `ipSends` are the times of earlier sends to this
 * number and from this address, on any host (the limits exist against SMS pumping, which does not
 * care which clinic's site it uses).
 */
export function decideSend(now: Date, phoneSends: readonly Date[], ipSends: readonly Date[]): SendDecision {
  const t = now.getTime();
  const latest = Math.max(-Infinity, ...phoneSends.map((d) => d.getTime()));
  if (t - latest < RESEND_COOLDOWN_MS) {
    const seconds = Math.ceil((latest + RESEND_COOLDOWN_MS - t) / 1000);
    return { ok: false, reason: "cooldown", retryAfterSeconds: seconds, message: `We just sent a code. You can ask for a new one in ${seconds} second${seconds === 1 ? "" : "s"}.` };
  }
  const phoneRecent = phoneSends.map((d) => d.getTime()).filter((s) => s > t - PHONE_SEND_WINDOW_MS).sort((a, b) => a - b);
  if (phoneRecent.length >= PHONE_SEND_LIMIT) {
    const seconds = Math.ceil((phoneRecent[phoneRecent.length - PHONE_SEND_LIMIT]! + PHONE_SEND_WINDOW_MS - t) / 1000);
    return { ok: false, reason: "phone-limit", retryAfterSeconds: seconds, message: `We've sent ${PHONE_SEND_LIMIT} codes to this number in the last 10 minutes. Please wait ${describeWait(seconds)} before asking for another.` };
  }
  const ipRecent = ipSends.map((d) => d.getTime()).filter((s) => s > t - IP_SEND_WINDOW_MS).sort((a, b) => a - b);
  if (ipRecent.length >= IP_SEND_LIMIT) {
    const seconds = Math.ceil((ipRecent[ipRecent.length - IP_SEND_LIMIT]! + IP_SEND_WINDOW_MS - t) / 1000);
    return { ok: false, reason: "ip-limit", retryAfterSeconds: seconds, message: `Too many codes have been requested from your network in the last hour. Please try again in ${describeWait(seconds)}.` };
  }
  return { ok: true };
}

export interface StoredCode {
  expiresAt: Date;
  attempts: number;
  consumedAt: Date | null;
}

export type AttemptDecision = { ok: true } | { ok: false; reason: "expired" | "used" | "no-attempts-left"; message: string };

export const NEW_CODE_HINT = "Ask for a new code.";

/** May this code be checked at all right now? (Before comparing: an expired code is never compared.) */
export function decideAttempt(now: Date, code: StoredCode): AttemptDecision {
  if (code.consumedAt) return { ok: false, reason: "used", message: `That code has already been used. ${NEW_CODE_HINT}` };
  if (now.getTime() >= code.expiresAt.getTime()) return { ok: false, reason: "expired", message: `That code has expired. ${NEW_CODE_HINT}` };
  if (code.attempts >= CODE_MAX_ATTEMPTS) return { ok: false, reason: "no-attempts-left", message: `Too many wrong codes. ${NEW_CODE_HINT}` };
  return { ok: true };
}

/** The message after a wrong code, given the attempts used including this one. */
export function wrongCodeMessage(attemptsUsed: number): string {
  const left = CODE_MAX_ATTEMPTS - attemptsUsed;
  if (left <= 0) return `That code is not right, and it can no longer be used. ${NEW_CODE_HINT}`;
  return `That code is not right. You have ${left} more ${left === 1 ? "try" : "tries"}.`;
}

export function codeExpiry(now: Date): Date {
  return new Date(now.getTime() + CODE_LIFETIME_MS);
}

function describeWait(seconds: number) {
  if (seconds < 60) return `${seconds} second${seconds === 1 ? "" : "s"}`;
  const minutes = Math.ceil(seconds / 60);
  return `${minutes} minute${minutes === 1 ? "" : "s"}`;
}

/** Hourly budgets of sign-in codes (env: SMS_CODES_PER_*_HOUR). */
export interface SmsBudgets {
  perPhone: number;
  perClinic: number;
  platform: number;
}

export type SmsBudgetName = keyof SmsBudgets;

/** What the patient reads when a budget is spent: never whether the number has an account. */
export function budgetMessage(budget: SmsBudgetName, retryAfterSeconds: number): string {
  if (budget === "perPhone") return `We've sent several codes to this number in the last hour. Please wait ${describeWait(retryAfterSeconds)} before asking for another.`;
  return `We can't send sign-in codes right now because so many have been requested. Please try again in ${describeWait(retryAfterSeconds)}.`;
}

export function wrongCodesFromNetworkMessage(retryAfterSeconds: number): string {
  return `Too many wrong codes have been entered from your network. Please try again in ${describeWait(retryAfterSeconds)}.`;
}

// Slowing down password guesses per account and network -----------------------------------------

/** Wrong passwords (or TOTP codes) one network may make for one address before it must wait. */
export const STAFF_FREE_FAILURES = 3;
export const STAFF_MAX_DELAY_MS = 15 * 60_000;
/** A network's count for an address starts again after a day without failures. */
export const STAFF_DELAY_MEMORY_MS = 24 * 60 * 60_000;
/** Failures for an address (all networks, last day) at which its holder is told. */
export const STAFF_GUESSING_NOTICE_AFTER = 5;
export const STAFF_GUESSING_NOTICE_EVERY_MS = 24 * 60 * 60_000;

/** How long a network waits after its `failures`-th failure in a row: 0, 0, 0, 2 s, 4 s, 8 s … up to 15 minutes. */
export function delayAfter(failures: number): number {
  if (failures <= STAFF_FREE_FAILURES) return 0;
  return Math.min(STAFF_MAX_DELAY_MS, 1000 * 2 ** (failures - STAFF_FREE_FAILURES));
}

export interface DelayState {
  failures: number;
  lastFailureAt: Date;
  retryAt: Date | null;
}

/** Seconds this network must still wait before trying this address again (0: it may try now). */
export function waitSeconds(now: Date, state: DelayState | null): number {
  if (!state?.retryAt) return 0;
  const ms = state.retryAt.getTime() - now.getTime();
  return ms > 0 ? Math.ceil(ms / 1000) : 0;
}

/** The state after one more failure; a count idle for a day starts again. */
export function afterNetworkFailure(now: Date, state: DelayState | null): DelayState {
  const stale = !state || now.getTime() - state.lastFailureAt.getTime() >= STAFF_DELAY_MEMORY_MS;
  const failures = (stale ? 0 : state.failures) + 1;
  const delay = delayAfter(failures);
  return { failures, lastFailureAt: now, retryAt: delay > 0 ? new Date(now.getTime() + delay) : null };
}

export function slowedMessage(retryAfterSeconds: number): string {
  return `Too many failed sign-ins for this email address have come from your network. Please wait ${describeWait(retryAfterSeconds)} and try again, or reset your password.`;
}

// Per-network throttling of staff sign-in and password-reset requests ---------------------------

export const STAFF_NETWORK_LIMIT = 30;
export const STAFF_NETWORK_WINDOW_MS = 15 * 60_000;

export type ThrottleDecision = { ok: true } | { ok: false; retryAfterSeconds: number };

/**
 * May one more attempt start? `attempts` are the times of the network's failed (or still running)
 * attempts; the limit frees up again as the oldest of them leaves the window.
 */
export function decideThrottle(now: Date, attempts: readonly Date[], limit = STAFF_NETWORK_LIMIT, windowMs = STAFF_NETWORK_WINDOW_MS): ThrottleDecision {
  const t = now.getTime();
  const recent = attempts.map((d) => d.getTime()).filter((a) => a > t - windowMs).sort((a, b) => a - b);
  if (recent.length < limit) return { ok: true };
  return { ok: false, retryAfterSeconds: Math.max(1, Math.ceil((recent[recent.length - limit]! + windowMs - t) / 1000)) };
}

export function throttledMessage(purpose: "sign-in" | "password-reset", retryAfterSeconds: number): string {
  const what = purpose === "sign-in" ? "sign-in attempts" : "password reset requests";
  return `Too many ${what} have come from your network. Please try again in ${describeWait(retryAfterSeconds)}.`;
}
