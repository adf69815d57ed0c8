import { describe, expect, test } from "vitest";
import { ECHO_MAX_LENGTH, echoFields, echoValue } from "./forms.server";

describe("echoValue: a submitted value as an answer shows it again", () => {
  test("text within the limit comes back as typed", () => {
    expect(echoValue("+1 212 555 0123")).toBe("+1 212 555 0123");
    expect(echoValue("x".repeat(ECHO_MAX_LENGTH))).toHaveLength(ECHO_MAX_LENGTH);
  });

  test("longer text is cut at 200 characters, or at the field's own limit", () => {
    expect(ECHO_MAX_LENGTH).toBe(200);
    expect(echoValue("9".repeat(30_000))).toBe("9".repeat(200));
    expect(echoValue("a".repeat(300), 40)).toBe("a".repeat(40));
    expect(echoValue("n".repeat(2500), 2000)).toHaveLength(2000);
  });

  test("anything that is not text (a file, nothing) comes back empty", () => {
    expect(echoValue(undefined)).toBe("");
    expect(echoValue(null)).toBe("");
    expect(echoValue(new File(["x"], "x.txt"))).toBe("");
    expect(echoValue(42)).toBe("");
  });

  test("a character outside the BMP is never cut in half", () => {
    const typed = `${"a".repeat(4)}😀😀`; // the emoji are two UTF-16 units each
    expect(echoValue(typed, 5)).toBe("aaaa");
    expect(echoValue(typed, 6)).toBe("aaaa😀");
    expect(echoValue(typed, 7)).toBe("aaaa😀");
  });
});

describe("echoFields: a posted form to fill in again", () => {
  test("keeps text fields, drops files, cuts each value unless the field allows more", () => {
    const echoed = echoFields(
      { name: "Check-up", description: "d".repeat(2500), preparationNotes: "p".repeat(300), logo: new File(["x"], "logo.png"), price: "40" },
      { description: 2000 },
    );
    expect(echoed).toEqual({ name: "Check-up", description: "d".repeat(2000), preparationNotes: "p".repeat(200), price: "40" });
  });

  test("at most 100 fields, names cut too", () => {
    const many = Object.fromEntries(Array.from({ length: 5000 }, (_, i) => [`f${i}`, "v"]));
    expect(Object.keys(echoFields(many))).toHaveLength(100);
    expect(Object.keys(echoFields({ ["k".repeat(1000)]: "v" }))).toEqual(["k".repeat(200)]);
  });

  test("a field named __proto__ is a field, not the answer's prototype", () => {
    const form = JSON.parse('{"__proto__": "x", "phone": "1"}') as Record<string, unknown>;
    const echoed = echoFields(form, { phone: 40 });
    expect(Object.getPrototypeOf(echoed)).toBe(Object.prototype);
    expect(echoed).toEqual(JSON.parse('{"__proto__": "x", "phone": "1"}'));
  });
});
