import { describe, expect, test } from "vitest";
import { readCookie, serializeCookie, shouldUseSecureCookies } from "./cookies.server";
import { encodeBase32, generateToken, readSignedValue, signValue } from "./tokens.server";

describe("session token", () => {
  test("is 160 random bits in lower-case base32", () => {
    const token = generateToken();
    expect(token).toMatch(/^[a-z2-7]{32}$/);
    expect(new Set(Array.from({ length: 50 }, () => generateToken())).size).toBe(50);
  });
  test("base32 matches RFC 4648 (lower case, no padding)", () => {
    expect(encodeBase32(new TextEncoder().encode("foobar"))).toBe("mzxw6ytboi");
  });
});

describe("cookie attributes", () => {
  test("HttpOnly, SameSite=Lax, Path=/, no Domain", () => {
    const c = serializeCookie("medslot_session", "abc", { secure: true, maxAge: 3600 });
    expect(c).toBe("medslot_session=abc; Path=/; HttpOnly; SameSite=Lax; Max-Age=3600; Secure");
    expect(c).not.toMatch(/Domain=/i);
  });
  test("deleting sets Max-Age=0 and an expiry in the past", () => {
    expect(serializeCookie("medslot_session", "", { secure: false, maxAge: 0 })).toMatch(/Max-Age=0; Expires=Thu, 01 Jan 1970/);
  });
  test("Secure is off on localhost and *.localhost, on for other hosts", () => {
    expect(shouldUseSecureCookies("http://localhost:3000/sign-in", "production")).toBe(false);
    expect(shouldUseSecureCookies("http://northside.localhost:3000/sign-in", "production")).toBe(false);
    expect(shouldUseSecureCookies("https://northside.medslot.example/sign-in", "production")).toBe(true);
    expect(shouldUseSecureCookies("http://northside.medslot.example/sign-in", "production")).toBe(true);
    expect(shouldUseSecureCookies("https://northside.medslot.example/sign-in", "test")).toBe(true);
    // Plain http outside production (a LAN address in development) cannot carry Secure cookies.
    expect(shouldUseSecureCookies("http://clinic.lan:3000/", "development")).toBe(false);
  });
  test("reads one cookie among several", () => {
    const request = new Request("http://x.localhost/", { headers: { cookie: "a=1; medslot_session=tok%20en; b=2" } });
    expect(readCookie(request, "medslot_session")).toBe("tok en");
    expect(readCookie(request, "missing")).toBeNull();
  });
});

describe("signed values", () => {
  test("round-trip, and refuse tampering or another purpose", () => {
    const v = signValue("pending-phone", { phone: "+12125550123" }, "k".repeat(32));
    expect(readSignedValue("pending-phone", v, "k".repeat(32))).toEqual({ phone: "+12125550123" });
    expect(readSignedValue("pending-totp", v, "k".repeat(32))).toBeNull();
    const [body, mac] = v.split(".");
    const forged = Buffer.from(JSON.stringify({ phone: "+4915123456789" })).toString("base64url");
    expect(readSignedValue("pending-phone", `${forged}.${mac}`, "k".repeat(32))).toBeNull();
    expect(readSignedValue("pending-phone", `${body}.${mac}`, "x".repeat(32))).toBeNull();
  });
});
