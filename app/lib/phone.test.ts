import { describe, expect, test } from "vitest";
import { countryForTimeZone, formatPhone, maskPhone, normalizePhone } from "~/lib/phone";

describe("normalizePhone", () => {
  test.each([
    ["(212) 555-0123", "US", "+12125550123"],
    ["212 555 0123", "US", "+12125550123"],
    ["+1 212-555-0123", undefined, "+12125550123"],
    ["0151 2345 6789", "DE", "+4915123456789"],
    ["+49 151-2345-6789", undefined, "+4915123456789"],
    ["0049 151 23456789", undefined, "+4915123456789"],
    ["90 123 45 67", "UZ", "+998901234567"],
    ["+998 90-123-45-67", undefined, "+998901234567"],
    // A "+" number is read as written, whatever the clinic's country.
    ["+998901234567", "US", "+998901234567"],
  ] as const)("%s (%s) → %s", (input, country, e164) => {
    expect(normalizePhone(input, country)).toEqual({ ok: true, e164 });
  });

  test.each([
    ["", "US", /Enter your mobile phone number/],
    ["12345", "US", /valid phone number/],
    ["+1 212", undefined, /valid phone number/],
    ["call me", "US", /only contain digits/],
    ["212 555 0123", undefined, /country code/],
    ["030 1234567", "DE", /mobile number/], // a Berlin landline
    ["+1 800 555 0123", undefined, /mobile number/], // toll-free
  ] as const)("refuses %j with a clear message", (input, country, message) => {
    const result = normalizePhone(input, country);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.message).toMatch(message);
  });

  test("time zones give the default country", () => {
    expect(countryForTimeZone("America/New_York")).toBe("US");
    expect(countryForTimeZone("Europe/Berlin")).toBe("DE");
    expect(countryForTimeZone("Asia/Tashkent")).toBe("UZ");
    expect(countryForTimeZone("Antarctica/Troll")).toBeUndefined();
  });

  test("formats and masks for display", () => {
    expect(formatPhone("+12125550123")).toBe("+1 212 555 0123");
    expect(maskPhone("+12125550123")).toBe("+•••••••0123");
  });
});
