/** Lengths the sign-in pages' fields allow (their maxLength) and the forms' schemas enforce; plain, so the pages can use them. */

/** A phone number as typed, spaces and all. */
export const PHONE_MAX_LENGTH = 40;
/** RFC 5321's longest address. */
export const EMAIL_MAX_LENGTH = 254;
