/**
 * The booking page's choices that the form and the server share (plain, so the page's script can
 * use them): parts of the day for "first available", and how long a visit's note may be.
 */
export const PARTS_OF_DAY = ["morning", "afternoon", "evening"] as const;
export type PartOfDay = (typeof PARTS_OF_DAY)[number];

/** Local minutes since midnight: morning before noon, afternoon to 5 PM, evening after. */
export const PART_MINUTES: Record<PartOfDay, readonly [number, number]> = { morning: [0, 720], afternoon: [720, 1020], evening: [1020, 1440] };
export const PART_OF_DAY_WORDS: Record<PartOfDay, string> = { morning: "Morning (before 12 noon)", afternoon: "Afternoon (12 noon to 5 PM)", evening: "Evening (from 5 PM)" };

export const PHONE_BOOKING_NOTE_MAX_LENGTH = 500;
