import { describe, expect, test } from "vitest";
import { decimalAmount, minorDigits, parseMoney, toMinorUnits } from "./money";

describe("money in minor units", () => {
  test("each currency's own digits", () => {
    expect([minorDigits("USD"), minorDigits("JPY"), minorDigits("KWD"), minorDigits("EUR")]).toEqual([2, 0, 3, 2]);
  });

  test("major to minor, rounding half a cent away", () => {
    expect(toMinorUnits(180.5, "USD")).toBe(18050);
    expect(toMinorUnits(0.295, "USD")).toBe(30);
    expect(toMinorUnits(5000, "JPY")).toBe(5000);
    expect(toMinorUnits(1.234, "KWD")).toBe(1234);
  });

  test("minor to the decimal people read, signs included", () => {
    expect([decimalAmount(12050, "USD"), decimalAmount(5, "EUR"), decimalAmount(5000, "JPY"), decimalAmount(-205, "USD"), decimalAmount(1234, "KWD")]).toEqual(["120.50", "0.05", "5000", "-2.05", "1.234"]);
  });

  test("what a person types, back to minor units; anything else is not an amount", () => {
    expect(parseMoney("1,200.5", "USD")).toBe(120050);
    expect(parseMoney(" 120 ", "USD")).toBe(12000);
    expect(parseMoney("5000", "JPY")).toBe(5000);
    for (const bad of ["", "12.345", "-5", "1e3", "12.", "abc", "1234567890"]) expect(parseMoney(bad, "USD"), bad).toBeNull();
    expect(parseMoney("5.5", "JPY")).toBeNull();
  });
});
