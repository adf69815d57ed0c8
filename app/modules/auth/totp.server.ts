import { Secret, TOTP } from "otpauth";

/** Optional second step for staff: a 6-digit code from an authenticator app (RFC 6238, 30 s). */

export const TOTP_PERIOD_S = 30;

export function newTotpSecret(): string {
  return new Secret({ size: 20 }).base32;
}

function totp(secret: string, label = "", issuer = "Medslot") {
  return new TOTP({ issuer, label, secret: Secret.fromBase32(secret), algorithm: "SHA1", digits: 6, period: TOTP_PERIOD_S });
}

/** The otpauth:// URI an authenticator app imports (also what a QR code would carry). */
export function totpUri(secret: string, account: string, issuer: string): string {
  return totp(secret, account, issuer).toString();
}

/**
 * The time step (30-second slot since the epoch) `code` belongs to, when it is the current code
 * or one step either side (phone clocks drift); null when it matches none. Callers remember the
 * step so the same code cannot be used twice.
 */
export function matchTotp(secret: string, code: string, now = new Date()): number | null {
  if (!/^\d{6}$/.test(code)) return null;
  const delta = totp(secret).validate({ token: code, timestamp: now.getTime(), window: 1 });
  return delta === null ? null : Math.floor(now.getTime() / 1000 / TOTP_PERIOD_S) + delta;
}

export function checkTotp(secret: string, code: string, now = new Date()): boolean {
  return matchTotp(secret, code, now) !== null;
}

/** Only for showing what the current code is in tests and demos. */
export function currentTotp(secret: string, now = new Date()): string {
  return totp(secret).generate({ timestamp: now.getTime() });
}
