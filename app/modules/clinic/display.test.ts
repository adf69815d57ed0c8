import { describe, expect, test } from "vitest";
import { firstNameOf, formatLongDate, partOfDay, timeZoneCity } from "./display";

describe("display helpers", () => {
  test("greets people by first name, without their title", () => {
    expect(firstNameOf("Dr. Maria Alvarez")).toBe("Maria");
    expect(firstNameOf("Sam Operator")).toBe("Sam");
  });

  test("names a zone and a date the way people say them", () => {
    expect(timeZoneCity("America/New_York")).toBe("New York time");
    expect(timeZoneCity("Asia/Tashkent")).toBe("Tashkent time");
    expect(formatLongDate(new Date("2026-03-08T03:00:00Z"), "America/New_York")).toBe("Saturday, 7 March 2026");
  });

  test("the part of the day follows the clinic's clock, not the server's", () => {
    // 11:30 UTC is 06:30 in New York and 16:30 in Tashkent.
    expect(partOfDay(new Date("2026-05-18T11:30:00Z"), "America/New_York")).toBe("morning");
    expect(partOfDay(new Date("2026-05-18T11:30:00Z"), "Asia/Tashkent")).toBe("afternoon");
    expect(partOfDay(new Date("2026-05-18T18:00:00Z"), "UTC")).toBe("evening");
  });
});
