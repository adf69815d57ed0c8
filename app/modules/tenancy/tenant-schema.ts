/**
 * The format of a clinic definition: `tenants/<slug>/tenant.json` plus its logo, imported by
 * tenant-import.server.ts. Every section is an object keyed by name (never positional data) and
 * every object is strict, so a misspelt field is an error instead of being silently ignored.
 *
 * Scheduling sections refer to each other by stable keys: rooms and services name a location by its
 * `key`, services name their category by `key` and their doctors by staff email, schedules and
 * exceptions name a doctor by staff email. A reference to something not defined is an error at
 * its path. Prices and fixed deposits are written in major units of the clinic's currency (dollars,
 * euros, soʻm: 180 or 49.5) with no more decimals than the currency has; the import stores them
 * in minor units.
 *
 * A plain module (no server imports) so a form can validate with the same rules.
 */
import { isValidPhoneNumber } from "libphonenumber-js";
import { z } from "zod";
import { RESERVED_SUBDOMAINS } from "./host";
import { minutesOf, opensBeforeCloses, WALL_TIME_PATTERN, WEEKDAYS, type Weekday } from "./opening-hours";
import { AA_CONTRAST, contrastRatio, inkFor } from "./theme";
import { minorDigits } from "~/lib/money";

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

export const ROOM_TYPES = ["consultation", "therapy", "private", "equipment"] as const;
export const SERVICE_VISIBILITIES = ["active", "inactive", "seasonal", "internal_only"] as const;
export const DEPOSIT_KINDS = ["none", "fixed", "percent"] as const;
export const DISCOUNT_KINDS = ["seasonal", "weekday", "off_peak"] as const;
export const EXCEPTION_KINDS = ["closure", "time_off", "extra_hours"] as const;
/** Largest amount a price column holds (PostgreSQL integer), in minor units. */
const MAX_MINOR = 2_147_483_647;

const key = (example: string) =>
  z.string(section("text")).regex(KEY_PATTERN, `must be lower-case letters, digits and dashes, such as "${example}"`);

const localDate = z.iso.date({
  error: (issue) => (issue.input === undefined ? "is required" : 'must be a calendar date "YYYY-MM-DD" such as "2026-12-25"'),
});

const whole = (min: number, max: number, unit = "") =>
  z
    .number(section("a number"))
    .int("must be a whole number")
    .min(min, `must be at least ${min}${unit}`)
    .max(max, `must be at most ${max}${unit}`);

/** An amount in major units; its decimals are checked against the clinic's currency at the top level. */
const amount = z.number(section("a number")).min(0, "must not be negative");

const yesNo = z.boolean(section("true or false"));

/** The message for a `kind` that matches none of the shapes of a discriminated union. */
const kindOf =
  (kinds: readonly string[]) =>
  (issue: { code?: string; input?: unknown }): string | undefined => {
    if (issue.code === "invalid_type") return issue.input === undefined ? "is required" : "must be an object";
    if (issue.code !== "invalid_union") return undefined;
    const kind = (issue.input as { kind?: unknown } | null)?.kind;
    return kind === undefined ? `is required: one of ${kinds.join(", ")}` : `must be one of ${kinds.join(", ")}`;
  };

const before = (a: string, b: string) => minutesOf(a) < minutesOf(b);

export const serviceCategorySchema = z.strictObject({ key: key("primary-care"), name: text(120) }, section());

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

const depositSchema = z.discriminatedUnion(
  "kind",
  [
    z.strictObject({ kind: z.literal("none"), value: z.literal(0, "must be 0 (or left out) when there is no deposit").optional() }),
    /** An amount in major units, part of the (discounted) price. */
    z.strictObject({ kind: z.literal("fixed"), value: amount.positive("must be more than 0") }),
    /** Whole percent of the discounted price. */
    z.strictObject({ kind: z.literal("percent"), value: whole(1, 100, "%") }),
  ],
  { error: kindOf(DEPOSIT_KINDS) },
);

/** ISO weekday, 1 (Monday) … 7 (Sunday), as the database keeps it. */
const isoWeekday = whole(1, 7);

const discountSchema = z.discriminatedUnion(
  "kind",
  [
    z
      .strictObject({ kind: z.literal("seasonal"), label: text(80), percent: whole(1, 90, "%"), startsOn: localDate, endsOn: localDate })
      .refine((d) => d.startsOn <= d.endsOn, { message: "must not be before startsOn", path: ["endsOn"] }),
    z.strictObject({
      kind: z.literal("weekday"),
      label: text(80),
      percent: whole(1, 90, "%"),
      weekdays: z
        .array(isoWeekday, section("a list of ISO weekdays such as [2, 3] (1 is Monday, 7 is Sunday)"))
        .min(1, "must list at least one weekday")
        .refine((days) => new Set(days).size === days.length, "must not repeat a weekday"),
    }),
    z
      .strictObject({ kind: z.literal("off_peak"), label: text(80), percent: whole(1, 90, "%"), from: time, to: time })
      .refine((d) => before(d.from, d.to), { message: "must be later than from", path: ["to"] }),
  ],
  { error: kindOf(DISCOUNT_KINDS) },
);

const seasonSchema = z
  .strictObject({ startsOn: localDate, endsOn: localDate }, section('an object such as {"startsOn": "2026-09-01", "endsOn": "2027-03-31"}'))
  .refine((d) => d.startsOn <= d.endsOn, { message: "must not be before startsOn", path: ["endsOn"] });

export const serviceSchema = z
  .strictObject(
    {
      /** Identifies the service across imports: renaming it keeps its bookings and links. */
      key: key("annual-physical"),
      category: key("primary-care").optional(),
      name: text(120),
      description: text(2000).optional(),
      specialty: text(120).optional(),
      durationMin: whole(5, 720, " minutes"),
      /** Major units of the clinic's currency. */
      price: amount,
      deposit: depositSchema.default({ kind: "none" }),
      discounts: z.array(discountSchema, section("a list of discounts")).default([]),
      bufferBeforeMin: whole(0, 240, " minutes").default(0),
      bufferAfterMin: whole(0, 240, " minutes").default(0),
      /** Starts fall on this grid, counted in local wall time from midnight. */
      startGridMin: whole(5, 240, " minutes").default(15),
      roomType: oneOf(ROOM_TYPES).optional(),
      minNoticeMin: whole(0, 43_200, " minutes").default(120),
      horizonDays: whole(1, 730, " days").default(60),
      cancellationWindowHours: whole(0, 720, " hours").default(48),
      requiresApproval: yesNo.default(false),
      visibility: oneOf(SERVICE_VISIBILITIES).default("active"),
      /** Local dates (inclusive) a seasonal service is offered; only for visibility "seasonal". */
      season: seasonSchema.optional(),
      preparationNotes: text(2000).optional(),
      doctors: z
        .array(email, section("a list of staff emails"))
        .min(1, "must list at least one doctor")
        .refine((list) => new Set(list).size === list.length, "must not repeat a doctor"),
      locations: z
        .array(key("harlem"), section("a list of location keys"))
        .min(1, "must list at least one location")
        .refine((list) => new Set(list).size === list.length, "must not repeat a location"),
    },
    section(),
  )
  .superRefine((service, ctx) => {
    if (service.visibility === "seasonal" && !service.season) {
      ctx.addIssue({ code: "custom", path: ["season"], message: 'is required for a seasonal service: {"startsOn": "…", "endsOn": "…"}' });
    }
    if (service.visibility !== "seasonal" && service.season) {
      ctx.addIssue({ code: "custom", path: ["season"], message: 'only a service with visibility "seasonal" has a season' });
    }
    if (service.deposit.kind === "fixed" && service.deposit.value > service.price) {
      ctx.addIssue({ code: "custom", path: ["deposit", "value"], message: "must not be more than the price" });
    }
  });

const breakSchema = z
  .strictObject({ start: time, end: time }, section('an object such as {"start": "12:30", "end": "13:15"}'))
  .refine((b) => before(b.start, b.end), { message: "start must be earlier than end", path: ["end"] });

/** One weekly rule: a doctor's hours at a location on a weekday, in the clinic's local wall time. */
export const weeklyHoursSchema = z
  .strictObject(
    {
      location: key("harlem"),
      weekday: oneOf(WEEKDAYS),
      start: time,
      end: time,
      breaks: z.array(breakSchema, section('a list of breaks such as [{"start": "12:30", "end": "13:15"}]')).default([]),
      /** First local date the rule applies (included). */
      effectiveFrom: localDate.optional(),
      /** Last local date the rule applies (included). */
      effectiveTo: localDate.optional(),
    },
    section(),
  )
  .superRefine((rule, ctx) => {
    if (!before(rule.start, rule.end)) ctx.addIssue({ code: "custom", path: ["end"], message: "start must be earlier than end" });
    if (rule.effectiveFrom && rule.effectiveTo && rule.effectiveTo < rule.effectiveFrom) {
      ctx.addIssue({ code: "custom", path: ["effectiveTo"], message: "must not be before effectiveFrom" });
    }
    const sorted = rule.breaks.map((b, index) => ({ ...b, index })).sort((a, b) => minutesOf(a.start) - minutesOf(b.start));
    sorted.forEach((b, k) => {
      if (minutesOf(b.start) < minutesOf(rule.start) || minutesOf(b.end) > minutesOf(rule.end)) {
        ctx.addIssue({ code: "custom", path: ["breaks", b.index], message: `${b.start}–${b.end} is outside the hours ${rule.start}–${rule.end}` });
      }
      const previous = sorted[k - 1];
      if (previous && minutesOf(b.start) < minutesOf(previous.end)) {
        ctx.addIssue({ code: "custom", path: ["breaks", b.index], message: `${b.start}–${b.end} overlaps ${previous.start}–${previous.end}` });
      }
    });
  });

/** The rules in effect on overlapping dates, so two of them on one weekday must not overlap in time. */
function sameDates(a: { effectiveFrom?: string; effectiveTo?: string }, b: { effectiveFrom?: string; effectiveTo?: string }) {
  return (!a.effectiveFrom || !b.effectiveTo || a.effectiveFrom <= b.effectiveTo) && (!b.effectiveFrom || !a.effectiveTo || b.effectiveFrom <= a.effectiveTo);
}

/** A doctor's weekly hours, keyed by the doctor's staff email. */
export const doctorScheduleSchema = z
  .strictObject(
    {
      doctor: email,
      hours: z.array(weeklyHoursSchema, section("a list of weekly hours")).min(1, "must list at least one weekday's hours"),
    },
    section(),
  )
  .superRefine((schedule, ctx) => {
    // A doctor is in one place at a time, whichever location each rule names.
    schedule.hours.forEach((rule, i) => {
      const clash = schedule.hours.find(
        (other, j) =>
          j < i &&
          other.weekday === rule.weekday &&
          sameDates(other, rule) &&
          before(rule.start, other.end) &&
          before(other.start, rule.end),
      );
      if (clash) {
        ctx.addIssue({
          code: "custom",
          path: ["hours", i],
          message: `${rule.weekday} ${rule.start}–${rule.end} at ${rule.location} overlaps ${clash.start}–${clash.end} at ${clash.location}`,
        });
      }
    });
  });

/** Start and end of a date-range exception: [startsOn start, endsOn end), all-day by default. */
const dateRange = {
  startsOn: localDate,
  /** Defaults to startsOn: a one-day exception. */
  endsOn: localDate.optional(),
  /** Wall time on startsOn; 00:00 when left out. */
  start: time.optional(),
  /** Wall time on endsOn; the end of that day ("24:00") when left out. */
  end: time.optional(),
};

function rangeInOrder(range: { startsOn: string; endsOn?: string; start?: string; end?: string }) {
  const last = range.endsOn ?? range.startsOn;
  if (last !== range.startsOn) return last > range.startsOn;
  return minutesOf(range.start ?? "00:00") < minutesOf(range.end ?? "24:00");
}
const rangeOrder = { message: "must be later than the start (startsOn, start)", path: ["endsOn"] };

export const scheduleExceptionSchema = z.discriminatedUnion(
  "kind",
  [
    /** The clinic (no location) or one location is closed: a holiday, a renovation. */
    z.strictObject({ kind: z.literal("closure"), location: key("harlem").optional(), ...dateRange, reason: text(200) }).refine(rangeInOrder, rangeOrder),
    /** A doctor is away (sick leave, training, holiday), wherever they would have worked. */
    z.strictObject({ kind: z.literal("time_off"), doctor: email, ...dateRange, reason: text(200).optional() }).refine(rangeInOrder, rangeOrder),
    /** A doctor works extra hours at a location on one date (inside its opening hours). */
    z
      .strictObject({ kind: z.literal("extra_hours"), doctor: email, location: key("harlem"), on: localDate, start: time, end: time, reason: text(200).optional() })
      .refine((e) => before(e.start, e.end), { message: "start must be earlier than end", path: ["end"] }),
  ],
  { error: kindOf(EXCEPTION_KINDS) },
);

const customDomain = z
  .string(section("text"))
  .trim()
  .toLowerCase()
  .refine(
    (v) => v.includes(".") && v.length <= 253 && v.split(".").every((l) => HOST_LABEL.test(l)),
    "must be a host name such as book.clinic.example (no scheme, port or path)",
  );

const tenantBase = z.strictObject(
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
        // The same rules as the owner's form (clinic/branding.ts): an import is no way around them.
        primaryColor: hexColor.refine((v) => contrastRatio(v, "#ffffff") >= AA_CONTRAST, "must carry white text at 4.5 : 1 or more (WCAG AA): choose a darker shade"),
        accentColor: hexColor.refine((v) => contrastRatio(v, inkFor(v)) >= AA_CONTRAST, "must carry white or dark text at 4.5 : 1 or more (WCAG AA): choose a lighter or darker shade"),
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
    serviceCategories: z.array(serviceCategorySchema, section("a list of service categories")).default([]),
    rooms: z.array(roomSchema, section("a list of rooms")).default([]),
    services: z.array(serviceSchema, section("a list of services")).default([]),
    /** Weekly hours per doctor; a doctor works at the locations their hours name. */
    schedules: z.array(doctorScheduleSchema, section("a list of doctors' schedules")).default([]),
    /** Closures, time off and extra hours on local dates, kept as instants in the clinic's zone. */
    exceptions: z.array(scheduleExceptionSchema, section("a list of exceptions")).default([]),
  },
  section("a JSON object"),
);

export const tenantSchema = tenantBase.superRefine((tenant, ctx) => {
  for (const { value, index } of duplicates(tenant.locations.map((l) => l.key))) {
    ctx.addIssue({ code: "custom", path: ["locations", index, "key"], message: `duplicate location key "${value}"` });
  }
  for (const { value, index } of duplicates(tenant.staff.map((s) => s.email))) {
    ctx.addIssue({ code: "custom", path: ["staff", index, "email"], message: `${value} is listed twice; give one entry all of the person's roles` });
  }
  if (!tenant.staff.some((s) => s.roles.includes("owner"))) {
    ctx.addIssue({ code: "custom", path: ["staff"], message: "must include at least one owner" });
  }
  checkScheduling(tenant, ctx);
});

type Issues = { addIssue(issue: { code: "custom"; path: PropertyKey[]; message: string }): void };


/**
 * Uniqueness of keys and every reference between sections, each reported at its own path.
 * References are judged only against a list that is itself valid: a duplicated location key or a
 * person listed twice is reported once, not again at every place that names them.
 */
function checkScheduling(tenant: z.infer<typeof tenantBase>, ctx: Issues) {
  const unique = (section: string, field: string, values: string[], message: (value: string) => string) => {
    for (const { value, index } of duplicates(values)) ctx.addIssue({ code: "custom", path: [section, index, field], message: message(value) });
  };
  unique("serviceCategories", "key", tenant.serviceCategories.map((c) => c.key), (v) => `duplicate category key "${v}"`);
  unique("rooms", "key", tenant.rooms.map((r) => r.key), (v) => `duplicate room key "${v}"`);
  unique("services", "key", tenant.services.map((s) => s.key), (v) => `duplicate service key "${v}"`);
  unique("schedules", "doctor", tenant.schedules.map((s) => s.doctor), (v) => `${v} has two schedules; put all of their hours in one`);

  const locations = new Set(tenant.locations.map((l) => l.key));
  const categories = new Set(tenant.serviceCategories.map((c) => c.key));
  const staff = new Map(tenant.staff.map((s) => [s.email, s]));
  const locationsValid = locations.size === tenant.locations.length;
  const staffValid = staff.size === tenant.staff.length && tenant.staff.some((s) => s.roles.includes("owner"));
  const location = (path: PropertyKey[], value: string) => {
    if (locationsValid && !locations.has(value)) {
      ctx.addIssue({ code: "custom", path, message: `unknown location "${value}"; locations are ${[...locations].map((k) => `"${k}"`).join(", ")}` });
    }
  };
  const doctor = (path: PropertyKey[], value: string) => {
    if (!staffValid) return;
    const person = staff.get(value);
    if (!person) ctx.addIssue({ code: "custom", path, message: `${value} is not listed in staff` });
    else if (!person.roles.includes("doctor")) ctx.addIssue({ code: "custom", path, message: `${value} is not a doctor (roles: ${person.roles.join(", ")})` });
  };

  tenant.rooms.forEach((room, i) => location(["rooms", i, "location"], room.location));

  const digits = minorDigits(tenant.currency);
  const inCurrency = (path: PropertyKey[], value: number) => {
    const minor = value * 10 ** digits;
    if (Math.abs(minor - Math.round(minor)) > 1e-6) {
      ctx.addIssue({ code: "custom", path, message: digits === 0 ? `must be a whole number of ${tenant.currency}` : `must have at most ${digits} decimals in ${tenant.currency}` });
    } else if (minor > MAX_MINOR) {
      ctx.addIssue({ code: "custom", path, message: `is too large (at most ${MAX_MINOR / 10 ** digits} ${tenant.currency})` });
    }
  };

  tenant.services.forEach((service, i) => {
    if (service.category !== undefined && !categories.has(service.category)) {
      ctx.addIssue({ code: "custom", path: ["services", i, "category"], message: `unknown category "${service.category}"; add it under serviceCategories` });
    }
    service.doctors.forEach((email, j) => doctor(["services", i, "doctors", j], email));
    service.locations.forEach((key, j) => location(["services", i, "locations", j], key));
    inCurrency(["services", i, "price"], service.price);
    if (service.deposit.kind === "fixed") inCurrency(["services", i, "deposit", "value"], service.deposit.value);
    if (service.roomType && locationsValid) {
      const missing = service.locations.filter((l) => locations.has(l) && !tenant.rooms.some((r) => r.location === l && r.type === service.roomType));
      if (missing.length) {
        ctx.addIssue({
          code: "custom",
          path: ["services", i, "roomType"],
          message: `no ${service.roomType} room at ${missing.map((l) => `"${l}"`).join(", ")}; add one under rooms or drop the location`,
        });
      }
    }
  });

  tenant.schedules.forEach((schedule, i) => {
    doctor(["schedules", i, "doctor"], schedule.doctor);
    schedule.hours.forEach((rule, j) => location(["schedules", i, "hours", j, "location"], rule.location));
  });

  tenant.exceptions.forEach((exception, i) => {
    if (exception.kind !== "time_off" && exception.location !== undefined) location(["exceptions", i, "location"], exception.location);
    if (exception.kind !== "closure") doctor(["exceptions", i, "doctor"], exception.doctor);
  });
}

export type TenantDefinition = z.infer<typeof tenantSchema>;
export type TenantLocation = z.infer<typeof locationSchema>;
export type TenantStaffMember = z.infer<typeof staffMemberSchema>;
export type TenantRoom = z.infer<typeof roomSchema>;
export type TenantService = z.infer<typeof serviceSchema>;
export type TenantDoctorSchedule = z.infer<typeof doctorScheduleSchema>;
export type TenantWeeklyHours = z.infer<typeof weeklyHoursSchema>;
export type TenantScheduleException = z.infer<typeof scheduleExceptionSchema>;
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
