import { Secret, TOTP } from "otpauth";

/** Optional second step for staff: a 6-digit code from an authenticator app (RFC 6238, 30 s). */

export function newTotpSecret(): string {
  return new Secret({ size: 20 }).base32;
}

function totp(secret: string, label = "", issuer = "Medslot") {
  return new TOTP({ issuer, label, secret: Secret.fromBase32(secret), algorithm: "SHA1", digits: 6, period: 30 });
}

/** The otpauth:// URI an authenticator app imports (also what a QR code would carry). */
export function totpUri(secret: string, account: string, issuer: string): string {
  return totp(secret, account, issuer).toString();
}

/** True when `code` is the current code, or one step either side (phone clocks drift). */
export function checkTotp(secret: string, code: string, now = new Date()): boolean {
  if (!/^\d{6}$/.test(code)) return false;
  return totp(secret).validate({ token: code, timestamp: now.getTime(), window: 1 }) !== null;
}

/** Only for showing what the current code is in tests and demos. */
export function currentTotp(secret: string, now = new Date()): string {
  return totp(secret).generate({ timestamp: now.getTime() });
}
