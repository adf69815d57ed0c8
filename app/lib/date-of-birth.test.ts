import { describe, expect, test } from "vitest";
import { bornWords, dateOrderFor, readDateOfBirth } from "~/lib/date-of-birth";

const today = "2026-12-08";

describe("reading a typed date of birth", () => {
  test("the clinic's convention: month first in US clinics, day first elsewhere", () => {
    expect(dateOrderFor("America/New_York")).toBe("month-first");
    expect(dateOrderFor("Europe/Berlin")).toBe("day-first");
    expect(dateOrderFor("Asia/Tashkent")).toBe("day-first");
    expect(dateOrderFor("America/Mexico_City")).toBe("day-first");
  });

  test.each([
    ["2 Dec 1968", "day-first"],
    ["2 Dec 1968", "month-first"],
    ["2nd December 1968", "month-first"],
    ["Dec 2 1968", "day-first"],
    ["December 2, 1968", "day-first"],
    ["1968-12-02", "month-first"],
    ["02/12/1968", "day-first"],
    ["12/02/1968", "month-first"],
    ["2.12.1968", "month-first"],
    ["02.12.68", "day-first"],
    ["2-12-1968", "day-first"],
  ] as const)("%s (%s) is 2 December 1968", (text, order) => {
    expect(readDateOfBirth(text, order, today)?.date).toBe("1968-12-02");
  });

  test("an ambiguous slashed date follows the clinic's order and says it was ambiguous", () => {
    expect(readDateOfBirth("02/12/1968", "month-first", today)).toEqual({ date: "1968-02-12", ambiguous: true });
    expect(readDateOfBirth("02/12/1968", "day-first", today)).toEqual({ date: "1968-12-02", ambiguous: true });
    // Same number twice: one reading only.
    expect(readDateOfBirth("05/05/1970", "day-first", today)).toEqual({ date: "1970-05-05", ambiguous: false });
  });

  test("a date only real one way round is read that way, unambiguously", () => {
    expect(readDateOfBirth("25/12/1968", "month-first", today)).toEqual({ date: "1968-12-25", ambiguous: false });
    expect(readDateOfBirth("12/25/1968", "day-first", today)).toEqual({ date: "1968-12-25", ambiguous: false });
  });

  test("not a date of birth: not a date, not real, in the future, before 1900, a phone number or a name", () => {
    for (const text of ["31/02/1968", "1968-02-30", "2 Dec 2030", "1899-12-31", "Jason", "917 555 0143", "13/13/1968", "Dec 1968", "May"]) {
      expect(readDateOfBirth(text, "day-first", today), text).toBeNull();
    }
  });

  test("two-digit years are the latest year not after this one", () => {
    expect(readDateOfBirth("2 Dec 68", "day-first", today)?.date).toBe("1968-12-02");
    expect(readDateOfBirth("01/02/05", "day-first", today)?.date).toBe("2005-02-01");
  });

  test("read back in words with the age", () => {
    expect(bornWords("1968-12-02", today)).toBe("born 2 Dec 1968, 58");
    expect(bornWords("1968-12-09", today)).toBe("born 9 Dec 1968, 57");
  });
});
