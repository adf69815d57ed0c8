import fs from "node:fs";
import path from "node:path";
import { describe, expect, test } from "vitest";
import { contrastRatio } from "./theme";
import { minutesOf } from "./opening-hours";
import { minorDigits, toMinorUnits } from "~/lib/money";
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

  const HOLIDAYS: Record<string, string> = { northside: "2026-12-25", "spree-physio": "2027-01-01", "silk-road-dental": "2027-03-21" };

  test.each(DEMO_SLUGS)("%s has a bookable catalog: services, rooms, hours and exceptions", (slug) => {
    const t = parseTenant(demo(slug), slug);
    expect(t.services.length).toBeGreaterThanOrEqual(5);
    expect(t.services.length).toBeLessThanOrEqual(8);
    for (const s of t.services) {
      expect(s.durationMin).toBeGreaterThanOrEqual(15);
      expect(s.durationMin).toBeLessThanOrEqual(90);
    }
    expect(t.services.some((s) => s.bufferBeforeMin > 0 || s.bufferAfterMin > 0)).toBe(true);
    expect(t.services.some((s) => s.requiresApproval)).toBe(true);
    expect(t.services.some((s) => s.roomType)).toBe(true);
    expect(t.services.some((s) => s.deposit.kind === "fixed")).toBe(true);
    expect(t.services.some((s) => s.deposit.kind === "percent")).toBe(true);
    expect(t.services.some((s) => s.visibility === "internal_only")).toBe(true);
    // Far enough ahead to book across the next daylight-saving change.
    expect(t.services.some((s) => s.horizonDays >= 180)).toBe(true);

    // Every service can actually be booked: one of its doctors works at one of its locations.
    for (const s of t.services) {
      const works = t.schedules.some((d) => s.doctors.includes(d.doctor) && d.hours.some((h) => s.locations.includes(h.location)));
      expect(works, s.key).toBe(true);
    }
    // Weekly hours lie inside the location's opening hours (a break may cover a midday closing).
    for (const d of t.schedules) {
      for (const h of d.hours) {
        const open = t.locations.find((l) => l.key === h.location)!.openingHours[h.weekday];
        const overlap = (a: string, b: string, c: string, e: string) => Math.max(0, Math.min(minutesOf(b), minutesOf(e)) - Math.max(minutesOf(a), minutesOf(c)));
        const inside = open.reduce((sum, p) => sum + overlap(h.start, h.end, p.open, p.close), 0);
        const onBreak = h.breaks.reduce((sum, b) => sum + minutesOf(b.end) - minutesOf(b.start), 0);
        expect(minutesOf(h.end) - minutesOf(h.start) - inside, `${d.doctor} ${h.weekday} ${h.start}–${h.end} at ${h.location}`).toBeLessThanOrEqual(onBreak);
      }
    }
    expect(t.schedules.some((d) => new Set(d.hours.map((h) => h.location)).size >= 2)).toBe(true);
    expect(t.schedules.some((d) => d.hours.some((h) => h.breaks.length > 0))).toBe(true);

    const discounts = t.services.flatMap((s) => s.discounts.map((d) => d.kind));
    expect(discounts).toContain("seasonal");
    expect(discounts.some((k) => k === "weekday" || k === "off_peak")).toBe(true);
    expect(t.exceptions).toContainEqual(expect.objectContaining({ kind: "closure", startsOn: HOLIDAYS[slug] }));
    expect(t.exceptions.some((e) => e.kind === "time_off")).toBe(true);
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

  test("colours that text cannot be read on, as the owner's form refuses them", () => {
    const t = demo();
    t.branding.primaryColor = "#c75424";
    t.branding.accentColor = "#777777";
    expect(problems(t)).toEqual([
      "branding.primaryColor: must carry white text at 4.5 : 1 or more (WCAG AA): choose a darker shade",
      "branding.accentColor: must carry white or dark text at 4.5 : 1 or more (WCAG AA): choose a lighter or darker shade",
    ]);
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

  test("an introduction and languages are a doctor's, a short one and a few", () => {
    const t = demo();
    t.staff[2] = { ...t.staff[2], bio: "Front desk.", languages: ["English"] };
    const doctor = t.staff.findIndex((s: { roles: string[] }) => s.roles.includes("doctor"));
    t.staff[doctor] = { ...t.staff[doctor], bio: "x".repeat(1001), languages: ["a", "b", "c", "d", "e", "f", "g", "h", "i"] };
    expect(problems(t)).toEqual([
      `staff[${doctor}].bio: must be at most 1000 characters`,
      `staff[${doctor}].languages: must list at most 8 languages`,
      "staff[2].bio: only doctors have an introduction",
      "staff[2].languages: only doctors list languages",
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

describe("scheduling sections: references and rules", () => {
  const service = (overrides: RawDefinition = {}) => ({
    key: "check-up",
    name: "Check-up",
    durationMin: 30,
    price: 100,
    doctors: ["dr.patel@northside.test"],
    locations: ["harlem"],
    ...overrides,
  });

  test("an unknown location, category or room location is reported at its path", () => {
    const t = demo();
    t.rooms[0].location = "midtown";
    t.services[0].category = "surgery";
    t.services[0].locations = ["harlem", "bronx"];
    t.schedules[1].hours[0].location = "queens";
    t.exceptions.push({ kind: "closure", location: "uptown", startsOn: "2026-12-31", reason: "Party" });
    t.exceptions.push({ kind: "extra_hours", doctor: "dr.chen@northside.test", location: "downtown", on: "2026-12-05", start: "10:00", end: "12:00" });
    const n = t.exceptions.length;
    expect(problems(t)).toEqual([
      'rooms[0].location: unknown location "midtown"; locations are "harlem", "washington-heights"',
      'services[0].category: unknown category "surgery"; add it under serviceCategories',
      'services[0].locations[1]: unknown location "bronx"; locations are "harlem", "washington-heights"',
      'schedules[1].hours[0].location: unknown location "queens"; locations are "harlem", "washington-heights"',
      `exceptions[${n - 2}].location: unknown location "uptown"; locations are "harlem", "washington-heights"`,
      `exceptions[${n - 1}].location: unknown location "downtown"; locations are "harlem", "washington-heights"`,
    ]);
  });

  test("doctors are named by staff email and must have the doctor role", () => {
    const t = demo();
    t.services[0].doctors = ["dr.patel@northside.test", "Dr.Nobody@Northside.test", "desk@northside.test"];
    t.schedules[0].doctor = "someone@else.test";
    t.exceptions.push({ kind: "time_off", doctor: "desk@northside.test", startsOn: "2026-12-01" });
    expect(problems(t)).toEqual([
      "services[0].doctors[1]: dr.nobody@northside.test is not listed in staff",
      "services[0].doctors[2]: desk@northside.test is not a doctor (roles: secretary)",
      "schedules[0].doctor: someone@else.test is not listed in staff",
      `exceptions[${t.exceptions.length - 1}].doctor: desk@northside.test is not a doctor (roles: secretary)`,
    ]);
  });

  test("keys are unique, and a doctor has one schedule", () => {
    const t = demo();
    t.serviceCategories.push({ ...t.serviceCategories[0] });
    t.rooms.push({ ...t.rooms[0] });
    t.services.push(service({ key: t.services[1].key }));
    t.schedules.push({ doctor: t.schedules[0].doctor, hours: [{ location: "harlem", weekday: "sun", start: "10:00", end: "12:00" }] });
    expect(problems(t)).toEqual([
      `serviceCategories[${t.serviceCategories.length - 1}].key: duplicate category key "primary-care"`,
      `rooms[${t.rooms.length - 1}].key: duplicate room key "harlem-exam-1"`,
      `services[${t.services.length - 1}].key: duplicate service key "sick-visit"`,
      `schedules[${t.schedules.length - 1}].doctor: owner@northside.test has two schedules; put all of their hours in one`,
    ]);
  });

  test("a room-bound service needs a room of that type at each of its locations", () => {
    const t = demo();
    t.services.push(service({ roomType: "equipment", locations: ["harlem", "washington-heights"] }), service({ key: "massage", roomType: "therapy" }));
    expect(problems(t)).toEqual([`services[${t.services.length - 1}].roomType: no therapy room at "harlem"; add one under rooms or drop the location`]);
  });

  test("deposits and seasons fit the service", () => {
    const t = demo();
    t.services.push(
      service({ key: "b", deposit: { kind: "fixed", value: 150 } }),
      service({ key: "c", deposit: { kind: "percent", value: 120 } }),
      service({ key: "d", deposit: { kind: "all" } }),
      service({ key: "e", visibility: "seasonal" }),
      service({ key: "f", season: { startsOn: "2026-12-01", endsOn: "2027-02-28" } }),
      service({ key: "g", visibility: "seasonal", season: { startsOn: "2027-02-28", endsOn: "2026-12-01" } }),
    );
    const n = t.services.length;
    expect(problems(t)).toEqual([
      `services[${n - 6}].deposit.value: must not be more than the price`,
      `services[${n - 5}].deposit.value: must be at most 100%`,
      `services[${n - 4}].deposit.kind: must be one of none, fixed, percent`,
      `services[${n - 3}].season: is required for a seasonal service: {"startsOn": "…", "endsOn": "…"}`,
      `services[${n - 2}].season: only a service with visibility "seasonal" has a season`,
      `services[${n - 1}].season.endsOn: must not be before startsOn`,
    ]);
  });

  test("prices fit the currency's minor units and the price column", () => {
    const t = demo();
    t.services.push(service({ price: 49.999 }), service({ key: "b", price: 30_000_000 }), service({ key: "c", price: 49.95 }));
    const n = t.services.length;
    expect(problems(t)).toEqual([`services[${n - 3}].price: must have at most 2 decimals in USD`, `services[${n - 2}].price: is too large (at most 21474836.47 USD)`]);
    const yen = demo();
    yen.currency = "JPY";
    yen.services[0].price = 1500.5;
    yen.services[1].deposit = { kind: "fixed", value: 0.5 };
    yen.services[1].price = 3000;
    expect(problems(yen)).toEqual(["services[0].price: must be a whole number of JPY", "services[1].deposit.value: must be a whole number of JPY"]);
  });

  test("discounts of each kind have their own shape", () => {
    const t = demo();
    t.services[0].discounts = [
      { kind: "weekday", label: "Weekend", percent: 10, weekdays: [6, 8] },
      { kind: "off_peak", label: "Late", percent: 10, from: "18:00", to: "09:00" },
      { kind: "seasonal", label: "Summer", percent: 95, startsOn: "2027-08-31", endsOn: "2027-06-01" },
      { kind: "happy_hour", label: "?", percent: 10 },
      { label: "No kind", percent: 10 },
      { kind: "weekday", label: "Mondays", percent: 10, weekdays: [1], from: "08:00" },
    ];
    expect(problems(t)).toEqual([
      "services[0].discounts[0].weekdays[1]: must be at most 7",
      "services[0].discounts[1].to: must be later than from",
      "services[0].discounts[2].percent: must be at most 90%",
      "services[0].discounts[2].endsOn: must not be before startsOn",
      "services[0].discounts[3].kind: must be one of seasonal, weekday, off_peak",
      "services[0].discounts[4].kind: is required: one of seasonal, weekday, off_peak",
      'services[0].discounts[5]: unknown field "from" (check the spelling)',
    ]);
  });

  test("weekly hours: in order, breaks inside, no doctor in two places at once", () => {
    const t = demo();
    const hours = t.schedules[0].hours;
    hours.push(
      { location: "washington-heights", weekday: "mon", start: "15:30", end: "18:00" },
      { location: "harlem", weekday: "sun", start: "12:00", end: "09:00" },
      { location: "harlem", weekday: "sat", start: "09:00", end: "13:00", breaks: [{ start: "08:00", end: "08:30" }, { start: "10:00", end: "11:00" }, { start: "10:30", end: "10:45" }] },
      { location: "harlem", weekday: "monday", start: "09:00", end: "13:00" },
      { location: "harlem", weekday: "sat", start: "13:00", end: "14:00", effectiveFrom: "2027-02-01", effectiveTo: "2027-01-01" },
    );
    const at = (k: number) => `schedules[0].hours[${hours.length - k}]`;
    expect(problems(t)).toEqual([
      `${at(4)}.end: start must be earlier than end`,
      `${at(3)}.breaks[0]: 08:00–08:30 is outside the hours 09:00–13:00`,
      `${at(3)}.breaks[2]: 10:30–10:45 overlaps 10:00–11:00`,
      `${at(2)}.weekday: must be one of mon, tue, wed, thu, fri, sat, sun`,
      `${at(1)}.effectiveTo: must not be before effectiveFrom`,
    ]);
    // A clash with another location on the same weekday, once the rest is fixed.
    const clash = demo();
    clash.schedules[0].hours.push({ location: "washington-heights", weekday: "mon", start: "15:30", end: "18:00" });
    expect(problems(clash)).toEqual([`schedules[0].hours[${clash.schedules[0].hours.length - 1}]: mon 15:30–18:00 at washington-heights overlaps 08:00–16:00 at harlem`]);
    // Rules for different dates may share a weekday.
    const seasons = demo();
    seasons.schedules[0].hours[0].effectiveTo = "2026-12-31";
    seasons.schedules[0].hours.push({ location: "washington-heights", weekday: "mon", start: "09:00", end: "17:00", effectiveFrom: "2027-01-01" });
    expect(parseTenant(seasons, "tenant.json").schedules[0]!.hours).toHaveLength(6);
  });

  test("exceptions: kinds, dates and their order", () => {
    const t = demo();
    t.exceptions = [
      { kind: "closure", startsOn: "2026-12-25", endsOn: "2026-12-24", reason: "Backwards" },
      { kind: "closure", startsOn: "2026-02-30", reason: "No such day" },
      { kind: "closure", location: "harlem", startsOn: "2026-12-31", reason: "New Year's Eve party" },
      { kind: "holiday", startsOn: "2026-12-31" },
      { kind: "time_off", doctor: "dr.chen@northside.test", startsOn: "2026-12-01", start: "14:00", end: "09:00" },
      { kind: "extra_hours", doctor: "dr.chen@northside.test", location: "harlem", on: "2026-12-05", start: "12:00", end: "10:00" },
      { kind: "closure", startsOn: "2026-12-31" },
    ];
    expect(problems(t)).toEqual([
      "exceptions[0].endsOn: must be later than the start (startsOn, start)",
      'exceptions[1].startsOn: must be a calendar date "YYYY-MM-DD" such as "2026-12-25"',
      "exceptions[3].kind: must be one of closure, time_off, extra_hours",
      "exceptions[4].endsOn: must be later than the start (startsOn, start)",
      "exceptions[5].end: start must be earlier than end",
      "exceptions[6].reason: is required",
    ]);
  });

  test("sections are optional, and a service's policies have defaults", () => {
    const t = demo();
    for (const key of ["serviceCategories", "rooms", "services", "schedules", "exceptions"]) delete t[key];
    const bare = parseTenant(t, "tenant.json");
    expect([bare.serviceCategories, bare.rooms, bare.services, bare.schedules, bare.exceptions]).toEqual([[], [], [], [], []]);

    const withOne = demo();
    withOne.services = [service()];
    expect(parseTenant(withOne, "tenant.json").services[0]).toEqual({
      ...service(),
      deposit: { kind: "none" },
      discounts: [],
      bufferBeforeMin: 0,
      bufferAfterMin: 0,
      startGridMin: 15,
      minNoticeMin: 120,
      horizonDays: 60,
      cancellationWindowHours: 48,
      requiresApproval: false,
      visibility: "active",
    });
  });

  test("amounts in major units become minor units by the currency's digits", () => {
    expect([minorDigits("USD"), minorDigits("EUR"), minorDigits("UZS"), minorDigits("JPY"), minorDigits("KWD")]).toEqual([2, 2, 2, 0, 3]);
    expect(toMinorUnits(220, "USD")).toBe(22_000);
    expect(toMinorUnits(19.99, "EUR")).toBe(1_999);
    expect(toMinorUnits(350_000, "UZS")).toBe(35_000_000);
    expect(toMinorUnits(1500, "JPY")).toBe(1_500);
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
