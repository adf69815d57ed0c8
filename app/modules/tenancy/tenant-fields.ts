/**
 * The field rules every part of a clinic definition shares (tenant-schema.ts): text, emails, phone
 * numbers, times, keys, amounts, and the messages they give. Plain code, usable by forms too.
 */
import { isValidPhoneNumber } from "libphonenumber-js";
import { z } from "zod";
import { minutesOf, WALL_TIME_PATTERN } from "./opening-hours";

export const SLUG_PATTERN = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;
export const KEY_PATTERN = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;
export const HOST_LABEL = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;

export const STAFF_ROLES = ["owner", "secretary", "doctor"] as const;
export const WORK_STATUSES = ["active", "on_leave", "inactive"] as const;
export const CLINIC_STATUSES = ["draft", "live", "suspended"] as const;

export function isIanaTimeZone(value: string) {
  // Intl also accepts abbreviations such as "EST"; a clinic's zone must be an Area/Location name.
  if (value !== "UTC" && !/^[A-Za-z_]+(?:\/[A-Za-z0-9_+-]+)+$/.test(value)) return false;
  try {
    new Intl.DateTimeFormat("en-US", { timeZone: value });
    return true;
  } catch {
    return false;
  }
}

export const knownCurrencies = new Set(Intl.supportedValuesOf("currency"));
const regionNames = new Intl.DisplayNames(["en"], { type: "region" });

export function isCountryCode(value: string) {
  // DisplayNames echoes an unknown code back unchanged.
  return /^[A-Z]{2}$/.test(value) && regionNames.of(value) !== value;
}

/** The message for a missing field ("is required") or one of the wrong type ("must be a number"). */
export const expect =
  (what: string) =>
  (issue: { code?: string; input?: unknown }): string | undefined =>
    issue.code === "invalid_type" || issue.code === "invalid_value" ? (issue.input === undefined ? "is required" : `must be ${what}`) : undefined;

export const section = (what = "an object") => ({ error: expect(what) });

export const text = (max = 200) =>
  z
    .string(section("text"))
    .trim()
    .min(1, "must not be empty")
    .max(max, `must be at most ${max} characters`);

export const oneOf = <T extends readonly [string, ...string[]]>(values: T) =>
  z.enum(values, { error: (issue) => (issue.input === undefined ? "is required" : `must be one of ${values.join(", ")}`) });

export const email = z
  .string(section("text"))
  .trim()
  .toLowerCase()
  .pipe(z.email("must be an email address such as someone@clinic.example"));

const E164 = /^\+[1-9]\d{6,14}$/;
export const phone = z
  .string(section("text"))
  .trim()
  .refine((v) => E164.test(v), "must be in E.164 form: + and the country code, digits only (e.g. +12125550142)")
  .refine((v) => !E164.test(v) || isValidPhoneNumber(v), "is not a valid phone number for its country");

export const hexColor = z
  .string(section("text"))
  .regex(/^#[0-9a-fA-F]{6}$/, "must be a six-digit hex colour such as #1d4ed8")
  .transform((v) => v.toLowerCase());

export const password = z.string(section("text")).min(12, "must be at least 12 characters").max(200, "must be at most 200 characters");

export const time = z.string(section("text")).regex(WALL_TIME_PATTERN, 'must be a 24-hour time "HH:MM" such as "08:30"');

export const ROOM_TYPES = ["consultation", "therapy", "private", "equipment"] as const;
export const SERVICE_VISIBILITIES = ["active", "inactive", "seasonal", "internal_only"] as const;
export const DEPOSIT_KINDS = ["none", "fixed", "percent"] as const;
export const DISCOUNT_KINDS = ["seasonal", "weekday", "off_peak"] as const;
export const EXCEPTION_KINDS = ["closure", "time_off", "extra_hours"] as const;
/** Largest amount a price column holds (PostgreSQL integer), in minor units. */
export const MAX_MINOR = 2_147_483_647;

export const key = (example: string) =>
  z.string(section("text")).regex(KEY_PATTERN, `must be lower-case letters, digits and dashes, such as "${example}"`);

export const localDate = z.iso.date({
  error: (issue) => (issue.input === undefined ? "is required" : 'must be a calendar date "YYYY-MM-DD" such as "2026-12-25"'),
});

export const whole = (min: number, max: number, unit = "") =>
  z
    .number(section("a number"))
    .int("must be a whole number")
    .min(min, `must be at least ${min}${unit}`)
    .max(max, `must be at most ${max}${unit}`);

/** An amount in major units; its decimals are checked against the clinic's currency at the top level. */
export const amount = z.number(section("a number")).min(0, "must not be negative");

export const yesNo = z.boolean(section("true or false"));

/** The message for a `kind` that matches none of the shapes of a discriminated union. */
export const kindOf =
  (kinds: readonly string[]) =>
  (issue: { code?: string; input?: unknown }): string | undefined => {
    if (issue.code === "invalid_type") return issue.input === undefined ? "is required" : "must be an object";
    if (issue.code !== "invalid_union") return undefined;
    const kind = (issue.input as { kind?: unknown } | null)?.kind;
    return kind === undefined ? `is required: one of ${kinds.join(", ")}` : `must be one of ${kinds.join(", ")}`;
  };

export const before = (a: string, b: string) => minutesOf(a) < minutesOf(b);


export function duplicates(values: string[]) {
  const seen = new Set<string>();
  const found: { value: string; index: number }[] = [];
  values.forEach((value, index) => {
    if (seen.has(value)) found.push({ value, index });
    seen.add(value);
  });
  return found;
}
