/**
 * The format of a clinic definition: `tenants/<slug>/tenant.json` plus its logo, imported by
 * tenant-import.server.ts. Every section is an object keyed by name (never positional data) and
 * every object is strict, so a misspelt field is an error instead of being silently ignored. Later
 * sections (services, rooms, schedules) are added as new keys beside the existing ones.
 *
 * A plain module (no server imports) so a form can validate with the same rules.
 */
import { isValidPhoneNumber } from "libphonenumber-js";
import { z } from "zod";
import { RESERVED_SUBDOMAINS } from "./host";
import { minutesOf, opensBeforeCloses, WALL_TIME_PATTERN, WEEKDAYS, type Weekday } from "./opening-hours";

export const SLUG_PATTERN = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;
const KEY_PATTERN = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;
const HOST_LABEL = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;

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

const knownCurrencies = new Set(Intl.supportedValuesOf("currency"));
const regionNames = new Intl.DisplayNames(["en"], { type: "region" });

function isCountryCode(value: string) {
  // DisplayNames echoes an unknown code back unchanged.
  return /^[A-Z]{2}$/.test(value) && regionNames.of(value) !== value;
}

/** The message for a missing field ("is required") or one of the wrong type ("must be a number"). */
const expect =
  (what: string) =>
  (issue: { code?: string; input?: unknown }): string | undefined =>
    issue.code === "invalid_type" || issue.code === "invalid_value" ? (issue.input === undefined ? "is required" : `must be ${what}`) : undefined;

const section = (what = "an object") => ({ error: expect(what) });

const text = (max = 200) =>
  z
    .string(section("text"))
    .trim()
    .min(1, "must not be empty")
    .max(max, `must be at most ${max} characters`);

const oneOf = <T extends readonly [string, ...string[]]>(values: T) =>
  z.enum(values, { error: (issue) => (issue.input === undefined ? "is required" : `must be one of ${values.join(", ")}`) });

const email = z
  .string(section("text"))
  .trim()
  .toLowerCase()
  .pipe(z.email("must be an email address such as someone@clinic.example"));

const E164 = /^\+[1-9]\d{6,14}$/;
const phone = z
  .string(section("text"))
  .trim()
  .refine((v) => E164.test(v), "must be in E.164 form: + and the country code, digits only (e.g. +12125550142)")
  .refine((v) => !E164.test(v) || isValidPhoneNumber(v), "is not a valid phone number for its country");

const hexColor = z
  .string(section("text"))
  .regex(/^#[0-9a-fA-F]{6}$/, "must be a six-digit hex colour such as #1d4ed8")
  .transform((v) => v.toLowerCase());

const password = z.string(section("text")).min(12, "must be at least 12 characters").max(200, "must be at most 200 characters");

const time = z.string(section("text")).regex(WALL_TIME_PATTERN, 'must be a 24-hour time "HH:MM" such as "08:30"');

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

export const staffMemberSchema = z
  .strictObject(
    {
      email,
      name: text(120),
      roles: z
        .array(oneOf(STAFF_ROLES), section('a list of roles such as ["doctor"]'))
        .min(1, "must list at least one role")
        .refine((roles) => new Set(roles).size === roles.length, "must not repeat a role"),
      specialty: text(120).optional(),
      workStatus: oneOf(WORK_STATUSES).optional(),
      /** Demo data only: real staff choose their password through the emailed reset link. */
      password: password.optional(),
    },
    section(),
  )
  .superRefine((member, ctx) => {
    const isDoctor = member.roles.includes("doctor");
    if (member.specialty !== undefined && !isDoctor) ctx.addIssue({ code: "custom", path: ["specialty"], message: "only doctors have a specialty" });
    if (member.workStatus !== undefined && !isDoctor) ctx.addIssue({ code: "custom", path: ["workStatus"], message: "only doctors have a work status" });
  });

const customDomain = z
  .string(section("text"))
  .trim()
  .toLowerCase()
  .refine(
    (v) => v.includes(".") && v.length <= 253 && v.split(".").every((l) => HOST_LABEL.test(l)),
    "must be a host name such as book.clinic.example (no scheme, port or path)",
  );

export const tenantSchema = z
  .strictObject(
    {
      slug: z
        .string(section("text"))
        .regex(SLUG_PATTERN, "must be 1–63 lower-case letters, digits or dashes, not starting or ending with a dash")
        .refine((v) => !RESERVED_SUBDOMAINS.has(v), {
          error: (issue) => `"${String(issue.input)}" is reserved for the platform (${[...RESERVED_SUBDOMAINS].join(", ")})`,
        }),
      name: text(120),
      timeZone: z.string(section("text")).refine(isIanaTimeZone, {
        error: (issue) => `"${String(issue.input)}" is not an IANA time zone; use a name such as America/New_York or Europe/Berlin`,
      }),
      status: oneOf(CLINIC_STATUSES),
      currency: z
        .string(section("text"))
        .refine((v) => /^[A-Z]{3}$/.test(v) && knownCurrencies.has(v), "must be an ISO 4217 currency code in capitals, such as USD, EUR or UZS"),
      branding: z.strictObject(
        {
          logo: z
            .string(section("text"))
            .regex(/^[A-Za-z0-9_-][A-Za-z0-9._-]*\.(?:svg|png|jpe?g|webp)$/i, "must be a file name in the clinic's folder ending in .svg, .png, .jpg or .webp")
            .optional(),
          primaryColor: hexColor,
          accentColor: hexColor,
          tagline: text(140).optional(),
        },
        section(),
      ),
      description: text(4000),
      contacts: z.strictObject(
        {
          phone,
          email,
          website: z
            .string(section("text"))
            .trim()
            .pipe(z.url({ protocol: /^https?$/, error: "must be an http(s) URL such as https://clinic.example" }))
            .optional(),
        },
        section(),
      ),
      city: text(100),
      specialties: z
        .array(text(80), section("a list of names"))
        .refine((list) => new Set(list.map((s) => s.toLowerCase())).size === list.length, "must not repeat a specialty")
        .default([]),
      locations: z.array(locationSchema, section("a list of locations")).min(1, "must list at least one location"),
      staff: z.array(staffMemberSchema, section("a list of staff members")).min(1, "must list at least one staff member"),
      /** Custom hosts that show this clinic's site, besides {slug}.{APP_DOMAIN}. */
      domains: z
        .array(customDomain, section("a list of host names"))
        .refine((list) => new Set(list).size === list.length, "must not repeat a domain")
        .default([]),
    },
    section("a JSON object"),
  )
  .superRefine((tenant, ctx) => {
    for (const { value, index } of duplicates(tenant.locations.map((l) => l.key))) {
      ctx.addIssue({ code: "custom", path: ["locations", index, "key"], message: `duplicate location key "${value}"` });
    }
    for (const { value, index } of duplicates(tenant.staff.map((s) => s.email))) {
      ctx.addIssue({ code: "custom", path: ["staff", index, "email"], message: `${value} is listed twice; give one entry all of the person's roles` });
    }
    if (!tenant.staff.some((s) => s.roles.includes("owner"))) {
      ctx.addIssue({ code: "custom", path: ["staff"], message: "must include at least one owner" });
    }
  });

export type TenantDefinition = z.infer<typeof tenantSchema>;
export type TenantLocation = z.infer<typeof locationSchema>;
export type TenantStaffMember = z.infer<typeof staffMemberSchema>;
export type OpeningHours = z.infer<typeof openingHoursSchema>;

/** `tenants/operators.json`: the platform operators, the people who run Medslot itself. */
export const operatorsSchema = z
  .array(z.strictObject({ email, name: text(120), password: password.optional() }, section()), section('a JSON list such as [{"email": "…", "name": "…"}]'))
  .superRefine((operators, ctx) => {
    for (const { value, index } of duplicates(operators.map((o) => o.email))) {
      ctx.addIssue({ code: "custom", path: [index, "email"], message: `${value} is listed twice` });
    }
  });

export type OperatorDefinition = z.infer<typeof operatorsSchema>[number];

function duplicates(values: string[]) {
  const seen = new Set<string>();
  const found: { value: string; index: number }[] = [];
  values.forEach((value, index) => {
    if (seen.has(value)) found.push({ value, index });
    seen.add(value);
  });
  return found;
}

/** A definition file that does not validate; `problems` holds one "path: message" line each. */
export class TenantDefinitionError extends Error {
  constructor(
    readonly source: string,
    readonly problems: string[],
  ) {
    super(`${source} is not valid:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
    this.name = "TenantDefinitionError";
  }
}

/** ["locations", 1, "openingHours", "mon", 0] → "locations[1].openingHours.mon[0]" */
export function formatPath(path: readonly PropertyKey[]) {
  let out = "";
  for (const part of path) {
    if (typeof part === "number") out += `[${part}]`;
    else out += out ? `.${String(part)}` : String(part);
  }
  return out || "(top level)";
}

function problemsOf(error: z.ZodError) {
  return error.issues.map((issue) => {
    const message =
      issue.code === "unrecognized_keys"
        ? `unknown field${issue.keys.length > 1 ? "s" : ""} ${issue.keys.map((k) => `"${k}"`).join(", ")} (check the spelling)`
        : issue.message;
    return `${formatPath(issue.path)}: ${message}`;
  });
}

/** Validates a parsed tenant.json; throws TenantDefinitionError listing every problem with its path. */
export function parseTenant(json: unknown, source: string): TenantDefinition {
  const result = tenantSchema.safeParse(json);
  if (!result.success) throw new TenantDefinitionError(source, problemsOf(result.error));
  return result.data;
}

/** Validates a parsed operators.json the same way. */
export function parseOperators(json: unknown, source: string): OperatorDefinition[] {
  const result = operatorsSchema.safeParse(json);
  if (!result.success) throw new TenantDefinitionError(source, problemsOf(result.error));
  return result.data;
}
