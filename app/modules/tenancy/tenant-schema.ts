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
 * A plain module (no server imports) so a form can validate with the same rules. The parts sit
 * beside it: tenant-fields (the field rules and messages they share), tenant-places (locations,
 * opening hours, rooms), tenant-people (staff, operators), tenant-services and tenant-schedules;
 * this file puts them together and checks the references between them.
 */
import { z } from "zod";
import { RESERVED_SUBDOMAINS } from "./host";
import { AA_CONTRAST, contrastRatio, inkFor } from "./theme";
import { minorDigits } from "~/lib/money";
import { CLINIC_STATUSES, duplicates, email, HOST_LABEL, hexColor, isIanaTimeZone, knownCurrencies, MAX_MINOR, oneOf, phone, section, SLUG_PATTERN, text } from "./tenant-fields";
import { locationSchema, roomSchema, type openingHoursSchema } from "./tenant-places";
import { operatorsSchema, staffMemberSchema, type OperatorDefinition } from "./tenant-people";
import { doctorScheduleSchema, scheduleExceptionSchema, type weeklyHoursSchema } from "./tenant-schedules";
import { serviceCategorySchema, serviceSchema } from "./tenant-services";

export { ROOM_TYPES } from "./tenant-fields";
export { openingHoursSchema } from "./tenant-places";
export type { OperatorDefinition } from "./tenant-people";

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
