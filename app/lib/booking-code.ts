/**
 * The short code a booking is known by (NOR-7K4QX): the clinic's prefix, from its web address, and
 * five characters the database draws (migration 20261208000000_booking_codes). The five characters
 * are the booking's identity within its clinic; the prefix only tells people which clinic it is.
 */

/** The characters a code is drawn from: none that are read as another (0/O, 1/I/L) and no U. */
export const BOOKING_CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTVWXYZ";

/** NOR for northside, SPR for spree-physio: the first three letters of the clinic's address. */
export function bookingCodePrefix(clinicSlug: string): string {
  const letters = clinicSlug.toUpperCase().replace(/[^A-Z]/g, "");
  return letters.slice(0, 3) || "MED";
}

/** The code as people see it. */
export function formatBookingCode(clinicSlug: string, part: string): string {
  return `${bookingCodePrefix(clinicSlug)}-${part}`;
}

/**
 * The five characters of a code as someone typed or read it out: any case, spaces and dashes
 * allowed, with or without a prefix of letters (nor-7k4qx, NOR 7K4QX, 7K4QX). Null when it is not
 * a code: a phone number or a name has too many characters or one a code never has.
 */
export function parseBookingCode(input: string): string | null {
  const match = /^(?:[A-Z]{1,4}-?)?([2-9A-HJKMNP-TV-Z]{5})$/.exec(input.toUpperCase().replace(/\s+/g, "").trim());
  return match ? match[1]! : null;
}

/**
 * Whether a search box's text is meant as a booking code rather than a name: it has the dash or a
 * digit, and reads as a code. "Baker" is a name; "7K4QX" and "nor-baker" are codes.
 */
export function searchedBookingCode(input: string): string | null {
  return /[\d-]/.test(input) ? parseBookingCode(input) : null;
}

/** The calendar event's UID: the same for a booking however often it moves, unique across clinics. */
export function bookingCalendarUid(clinicId: string, part: string): string {
  return `${part.toLowerCase()}.${clinicId}@medslot`;
}
