/** A clinic definition's places: locations with their address and opening hours, and rooms. */
import { z } from "zod";
import { minutesOf, opensBeforeCloses, WEEKDAYS, type Weekday } from "./opening-hours";
import { isCountryCode, key, KEY_PATTERN, oneOf, phone, ROOM_TYPES, section, text, time } from "./tenant-fields";

export const openingIntervalSchema = z
  .strictObject({ open: time, close: time }, section('an object such as {"open": "08:00", "close": "18:00"}'))
  // No period runs past midnight: a clinic open late writes 20:00–24:00 and 00:00–02:00 the next day.
  .refine(opensBeforeCloses, { message: "open must be earlier than close", path: ["close"] });

const dayHours = z
  .array(openingIntervalSchema, {
    error: (issue) =>
      issue.code !== "invalid_type"
        ? undefined
        : issue.input === undefined
          ? "is required: list every day of the week, [] when closed"
          : 'must be a list of {"open", "close"} intervals, [] when closed',
  })
  .superRefine((intervals, ctx) => {
    const sorted = intervals.map((interval, index) => ({ ...interval, index })).sort((a, b) => minutesOf(a.open) - minutesOf(b.open));
    for (let k = 1; k < sorted.length; k++) {
      const previous = sorted[k - 1]!;
      const current = sorted[k]!;
      if (minutesOf(current.open) < minutesOf(previous.close)) {
        ctx.addIssue({ code: "custom", path: [current.index], message: `${current.open}–${current.close} overlaps ${previous.open}–${previous.close}` });
      }
    }
  });

/** Weekly opening hours in the clinic's local wall time. Every day is listed; [] means closed. */
export const openingHoursSchema = z.strictObject(
  Object.fromEntries(WEEKDAYS.map((d) => [d, dayHours])) as Record<Weekday, typeof dayHours>,
  section("an object with mon, tue, wed, thu, fri, sat and sun"),
);

export const addressSchema = z.strictObject(
  {
    line1: text(),
    line2: text().optional(),
    city: text(100),
    region: text(100).optional(),
    postalCode: text(20),
    country: z.string(section("text")).refine(isCountryCode, "must be an ISO 3166 alpha-2 country code in capitals, such as US, DE or UZ"),
  },
  section(),
);

export const locationSchema = z.strictObject(
  {
    /** Identifies the location across imports: renaming it keeps the same location. */
    key: z.string(section("text")).regex(KEY_PATTERN, 'must be lower-case letters, digits and dashes, such as "kreuzberg"'),
    name: text(120),
    address: addressSchema,
    coordinates: z.strictObject(
      {
        lat: z.number(section("a number")).min(-90, "must be between -90 and 90").max(90, "must be between -90 and 90"),
        lng: z.number(section("a number")).min(-180, "must be between -180 and 180").max(180, "must be between -180 and 180"),
      },
      section('an object such as {"lat": 40.8, "lng": -73.9}'),
    ),
    phone,
    openingHours: openingHoursSchema,
  },
  section(),
);

export const roomSchema = z.strictObject(
  {
    /** Identifies the room across imports, so its bookings stay with it when it is renamed. */
    key: key("harlem-exam-1"),
    name: text(120),
    location: key("harlem"),
    type: oneOf(ROOM_TYPES),
  },
  section(),
);
