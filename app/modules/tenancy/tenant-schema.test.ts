import fs from "node:fs";
import path from "node:path";
import { describe, expect, test } from "vitest";
import { contrastRatio } from "./theme";
import { parseOperators, parseTenant, TenantDefinitionError } from "./tenant-schema";

const tenantsDir = path.resolve(import.meta.dirname, "../../../tenants");
const DEMO_SLUGS = ["northside", "silk-road-dental", "spree-physio"];

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the tests edit raw tenant.json freely
type RawDefinition = Record<string, any>;

function demo(slug = "northside") {
  return JSON.parse(fs.readFileSync(path.join(tenantsDir, slug, "tenant.json"), "utf8")) as RawDefinition;
}

/** The problems parseTenant reports for `json`, one "path: message" line each. */
function problems(json: unknown): string[] {
  try {
    parseTenant(json, "tenant.json");
  } catch (error) {
    expect(error).toBeInstanceOf(TenantDefinitionError);
    return (error as TenantDefinitionError).problems;
  }
  throw new Error("expected the definition to be rejected");
}

describe("the demo clinics", () => {
  test.each(DEMO_SLUGS)("%s/tenant.json is valid and complete", (slug) => {
    const t = parseTenant(demo(slug), slug);
    expect(t.slug).toBe(slug);
    expect(t.status).toBe("live");
    expect(t.locations).toHaveLength(2);
    const withRole = (role: string) => t.staff.filter((s) => (s.roles as string[]).includes(role));
    expect(withRole("owner").length).toBeGreaterThanOrEqual(1);
    expect(withRole("secretary").length).toBeGreaterThanOrEqual(1);
    expect(withRole("secretary").length).toBeLessThanOrEqual(2);
    expect(withRole("doctor").length).toBeGreaterThanOrEqual(4);
    expect(withRole("doctor").every((d) => d.specialty)).toBe(true);
    expect(fs.existsSync(path.join(tenantsDir, slug, t.branding.logo!))).toBe(true);
    // White text on the primary colour must pass WCAG AA for normal text.
    expect(contrastRatio(t.branding.primaryColor, "#ffffff")).toBeGreaterThanOrEqual(4.5);
  });

  test("the demo clinics use their own time zones and currencies", () => {
    expect(DEMO_SLUGS.map((s) => [parseTenant(demo(s), s).timeZone, parseTenant(demo(s), s).currency])).toEqual([
      ["America/New_York", "USD"],
      ["Asia/Tashkent", "UZS"],
      ["Europe/Berlin", "EUR"],
    ]);
  });

  test("operators.json is valid", () => {
    const operators = parseOperators(JSON.parse(fs.readFileSync(path.join(tenantsDir, "operators.json"), "utf8")), "operators.json");
    expect(operators.map((o) => o.email)).toContain("operator@medslot.test");
  });
});

describe("rejected definitions name the path and the problem", () => {
  test("a time zone that is not IANA", () => {
    expect(problems({ ...demo(), timeZone: "Mars/Olympus" })).toEqual([
      'timeZone: "Mars/Olympus" is not an IANA time zone; use a name such as America/New_York or Europe/Berlin',
    ]);
    expect(problems({ ...demo(), timeZone: "EST" })[0]).toMatch(/^timeZone: "EST" is not an IANA time zone/);
  });

  test("a colour that is not six-digit hex", () => {
    const t = demo();
    t.branding.accentColor = "orange";
    expect(problems(t)).toEqual(["branding.accentColor: must be a six-digit hex colour such as #1d4ed8"]);
  });

  test("overlapping opening hours on one day", () => {
    const t = demo();
    t.locations[1].openingHours.tue = [
      { open: "08:00", close: "12:00" },
      { open: "11:30", close: "18:00" },
    ];
    expect(problems(t)).toEqual(["locations[1].openingHours.tue[1]: 11:30–18:00 overlaps 08:00–12:00"]);
  });

  test("an interval that closes before it opens, and a malformed time", () => {
    const t = demo();
    t.locations[0].openingHours.mon = [{ open: "18:00", close: "08:00" }];
    t.locations[0].openingHours.sat = [{ open: "9:00", close: "14:00" }];
    expect(problems(t)).toEqual([
      "locations[0].openingHours.mon[0].close: open must be earlier than close",
      'locations[0].openingHours.sat[0].open: must be a 24-hour time "HH:MM" such as "08:30"',
    ]);
  });

  test("a missing day of the week", () => {
    const t = demo();
    delete t.locations[0].openingHours.sun;
    expect(problems(t)).toEqual(["locations[0].openingHours.sun: is required: list every day of the week, [] when closed"]);
  });

  test("duplicate location keys", () => {
    const t = demo();
    t.locations[1].key = t.locations[0].key;
    expect(problems(t)).toEqual([`locations[1].key: duplicate location key "${t.locations[0].key}"`]);
  });

  test("the same person twice, even in different letter case", () => {
    const t = demo();
    t.staff.push({ email: "DR.PATEL@northside.test", name: "Anjali Patel", roles: ["secretary"] });
    expect(problems(t)).toEqual([`staff[${t.staff.length - 1}].email: dr.patel@northside.test is listed twice; give one entry all of the person's roles`]);
  });

  test.each(["www", "admin", "api", "app", "static"])("the reserved slug %s", (slug) => {
    expect(problems({ ...demo(), slug })).toEqual([`slug: "${slug}" is reserved for the platform (www, admin, api, app, static)`]);
  });

  test.each(["North", "-north", "north-", "north_side", "a".repeat(64), ""])("the malformed slug %j", (slug) => {
    expect(problems({ ...demo(), slug })).toEqual(["slug: must be 1–63 lower-case letters, digits or dashes, not starting or ending with a dash"]);
  });

  test("unknown fields, so a typo is not silently ignored", () => {
    const t = demo();
    t.locations[0].adress = t.locations[0].address;
    expect(problems(t)).toEqual(['locations[0]: unknown field "adress" (check the spelling)']);
  });

  test("roles, specialties and work statuses that do not fit", () => {
    const t = demo();
    t.staff[1] = { ...t.staff[1], roles: ["receptionist"] };
    t.staff[2] = { ...t.staff[2], specialty: "Billing", workStatus: "on_leave" };
    expect(problems(t)).toEqual([
      "staff[1].roles[0]: must be one of owner, secretary, doctor",
      "staff[2].specialty: only doctors have a specialty",
      "staff[2].workStatus: only doctors have a work status",
    ]);
  });

  test("a clinic without an owner", () => {
    const t = demo();
    t.staff = t.staff.filter((s: { roles: string[] }) => !s.roles.includes("owner"));
    expect(problems(t)).toEqual(["staff: must include at least one owner"]);
  });

  test("phones, emails, countries and currencies in the wrong form", () => {
    const t = demo();
    t.contacts.phone = "(212) 555-0142";
    t.contacts.email = "hello at northside";
    t.locations[0].address.country = "USA";
    t.currency = "usd";
    expect(problems(t)).toEqual([
      "currency: must be an ISO 4217 currency code in capitals, such as USD, EUR or UZS",
      "contacts.phone: must be in E.164 form: + and the country code, digits only (e.g. +12125550142)",
      "contacts.email: must be an email address such as someone@clinic.example",
      "locations[0].address.country: must be an ISO 3166 alpha-2 country code in capitals, such as US, DE or UZ",
    ]);
  });

  test("every problem at once, missing fields included", () => {
    const t = demo();
    delete t.name;
    t.locations[0].coordinates.lat = 123;
    t.branding.logo = "../secrets.svg";
    const found = problems(t);
    expect(found).toEqual([
      "name: is required",
      "branding.logo: must be a file name in the clinic's folder ending in .svg, .png, .jpg or .webp",
      "locations[0].coordinates.lat: must be between -90 and 90",
    ]);
  });

  test("the error message lists the file and each problem on its own line", () => {
    expect(() => parseTenant({ ...demo(), timeZone: "Nowhere", slug: "api" }, "tenants/x/tenant.json")).toThrow(
      'tenants/x/tenant.json is not valid:\n  - slug: "api" is reserved for the platform (www, admin, api, app, static)\n  - timeZone: "Nowhere" is not an IANA time zone',
    );
  });
});

describe("normalisation", () => {
  test("emails and domains are lower-cased, colours too", () => {
    const t = demo();
    t.staff[0].email = "  Owner@NorthSide.TEST ";
    t.domains = ["Book.Northside-Health.Example"];
    t.branding.primaryColor = "#1D4ED8";
    const parsed = parseTenant(t, "tenant.json");
    expect(parsed.staff[0]!.email).toBe("owner@northside.test");
    expect(parsed.domains).toEqual(["book.northside-health.example"]);
    expect(parsed.branding.primaryColor).toBe("#1d4ed8");
  });

  test("split hours and touching intervals are fine", () => {
    const t = demo();
    t.locations[0].openingHours.mon = [
      { open: "08:00", close: "12:00" },
      { open: "12:00", close: "24:00" },
    ];
    expect(parseTenant(t, "tenant.json").locations[0]!.openingHours.mon).toHaveLength(2);
  });
});
