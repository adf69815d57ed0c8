import { describe, expect, it } from "vitest";
import { expiryAsTyped, readCardExpiry } from "./card-expiry";

describe("a card's expiry as typed", () => {
  it("reads the keypad's digits without a slash, and the usual separators", () => {
    for (const text of ["1229", "12/29", "12 / 29", "12-29", "12/2029", "122029", " 12/29 "]) expect(readCardExpiry(text), text).toEqual({ expMonth: 12, expYear: 2029 });
    expect(readCardExpiry("129")).toEqual({ expMonth: 1, expYear: 2029 });
    expect(readCardExpiry("1/29")).toEqual({ expMonth: 1, expYear: 2029 });
    expect(readCardExpiry("0130")).toEqual({ expMonth: 1, expYear: 2030 });
  });

  it("refuses what is no expiry: month 0 or 13, too few or too many digits, letters", () => {
    for (const text of ["", "12", "1329", "0029", "12/2", "12/293", "1229x", "ab/cd", "12//29"]) expect(readCardExpiry(text), text).toBeNull();
  });

  it("puts the slash in as the patient types, and lets them delete it", () => {
    expect(expiryAsTyped("1", false)).toBe("1");
    expect(expiryAsTyped("12", false)).toBe("12/");
    expect(expiryAsTyped("12/2", false)).toBe("12/2");
    expect(expiryAsTyped("12/29", false)).toBe("12/29");
    expect(expiryAsTyped("1229", false)).toBe("12/29");
    expect(expiryAsTyped("12/295", false)).toBe("12/29");
    // A month that cannot have two digits gets its zero at once.
    expect(expiryAsTyped("4", false)).toBe("04/");
    // Backspace over the slash takes it away instead of putting it straight back.
    expect(expiryAsTyped("12", true)).toBe("12");
  });
});
