import { describe, expect, test } from "vitest";
import { BOOKING_CODE_ALPHABET, bookingCalendarUid, bookingCodePrefix, formatBookingCode, parseBookingCode, searchedBookingCode } from "./booking-code";

describe("booking codes", () => {
  test("the alphabet has no characters people misread", () => {
    expect(BOOKING_CODE_ALPHABET).toHaveLength(30);
    for (const ch of "01OILU") expect(BOOKING_CODE_ALPHABET).not.toContain(ch);
  });

  test("the prefix is the first three letters of the clinic's address", () => {
    expect(bookingCodePrefix("northside")).toBe("NOR");
    expect(bookingCodePrefix("spree-physio")).toBe("SPR");
    expect(bookingCodePrefix("a1-b")).toBe("AB");
    expect(bookingCodePrefix("123")).toBe("MED");
    expect(formatBookingCode("northside", "7K4QX")).toBe("NOR-7K4QX");
  });

  test("a code is read back however it was typed or read out", () => {
    for (const typed of ["NOR-7K4QX", "nor-7k4qx", "nor 7k4qx", " 7K4QX ", "NOR7K4QX", "7k4qx"]) expect(parseBookingCode(typed)).toBe("7K4QX");
  });

  test("what is not a code is not read as one", () => {
    for (const typed of ["", "7K4Q", "7K4QXX9", "555 0134", "5552345", "NOR-7K0QX", "NOR-7KIQX", "Rivera"]) expect(parseBookingCode(typed)).toBeNull();
  });

  test("a search box takes a name as a name and a code as a code", () => {
    expect(searchedBookingCode("Baker")).toBeNull();
    expect(searchedBookingCode("Mrs Baker")).toBeNull();
    expect(searchedBookingCode("nor-baker")).toBe("BAKER");
    expect(searchedBookingCode("7K4QX")).toBe("7K4QX");
    expect(searchedBookingCode("555 2345")).toBeNull();
  });

  test("the calendar UID is the booking's, not the row's, and differs between clinics", () => {
    const a = bookingCalendarUid("11111111-1111-4111-8111-111111111111", "7K4QX");
    expect(a).toBe("7k4qx.11111111-1111-4111-8111-111111111111@medslot");
    expect(bookingCalendarUid("22222222-2222-4222-8222-222222222222", "7K4QX")).not.toBe(a);
  });
});
