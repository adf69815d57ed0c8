import { createHash, createHmac, randomBytes, timingSafeEqual } from "node:crypto";
import { getEnv } from "~/utils/env.server";

const BASE32 = "abcdefghijklmnopqrstuvwxyz234567";

/** Lower-case base32 without padding: case-insensitive and URL-safe (Lucia's session guide). */
export function encodeBase32(bytes: Uint8Array): string {
  let out = "";
  let bits = 0;
  let value = 0;
  for (const byte of bytes) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      out += BASE32[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  if (bits > 0) out += BASE32[(value << (5 - bits)) & 31];
  return out;
}

/** A random secret for a cookie or an emailed link: 20 bytes (160 bits) of entropy. */
export function generateToken(bytes = 20): string {
  return encodeBase32(randomBytes(bytes));
}

export function sha256Hex(value: string): string {
  return createHash("sha256").update(value).digest("hex");
}

// Outside production a missing SESSION_SECRET falls back to a fixed development key, so several
// local processes agree with each other; production refuses to start without one (env.server.ts).
const DEVELOPMENT_KEY = "medslot-development-only-secret-not-for-production";

export function serverSecret(): string {
  const env = getEnv();
  if (env.SESSION_SECRET) return env.SESSION_SECRET;
  if (env.NODE_ENV === "production") throw new Error("SESSION_SECRET is required in production");
  return DEVELOPMENT_KEY;
}

export function hmacHex(purpose: string, value: string, secret = serverSecret()): string {
  return createHmac("sha256", secret).update(`${purpose}\0${value}`).digest("hex");
}

/** Compares two hex digests in constant time. */
export function sameDigest(a: string, b: string): boolean {
  const x = Buffer.from(a, "hex");
  const y = Buffer.from(b, "hex");
  return x.length === y.length && x.length > 0 && timingSafeEqual(x, y);
}

/** A small tamper-proof value for a short-lived cookie: base64url(JSON).hmac. */
export function signValue(purpose: string, payload: Record<string, unknown>, secret = serverSecret()): string {
  const body = Buffer.from(JSON.stringify(payload)).toString("base64url");
  return `${body}.${hmacHex(purpose, body, secret)}`;
}

export function readSignedValue(purpose: string, value: string | undefined | null, secret = serverSecret()): Record<string, unknown> | null {
  if (!value) return null;
  const dot = value.lastIndexOf(".");
  if (dot <= 0) return null;
  const body = value.slice(0, dot);
  if (!/^[0-9a-f]{64}$/.test(value.slice(dot + 1)) || !sameDigest(value.slice(dot + 1), hmacHex(purpose, body, secret))) return null;
  try {
    const parsed: unknown = JSON.parse(Buffer.from(body, "base64url").toString("utf8"));
    return parsed && typeof parsed === "object" ? (parsed as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}
