import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { searchCatalog, listSearchFacets, bookingUrl } from "~/modules/marketplace/search.server";
import type { SearchInput } from "~/modules/marketplace/search-query";
import { ValidationError } from "~/utils/errors.server";
import { createTestClinic, testDb } from "../support/db";

afterAll(() => testDb().disconnect());

// A city of its own keeps other test files' clinics out of the filtered results.
const city = `Searchville ${randomUUID().slice(0, 8)}`;

interface ServiceSpec {
  key: string;
  name: string;
  specialty?: string;
  description?: string;
  priceMinor?: number;
  visibility?: "active" | "inactive" | "seasonal" | "internal_only";
  category?: string;
  deposit?: { kind: "fixed" | "percent"; value: number };
  discount?: boolean;
}

async function clinicWithServices(status: "draft" | "live" | "suspended", name: string, services: ServiceSpec[], currency = "USD") {
  const clinic = await createTestClinic({ status, name });
  const ids: Record<string, string> = {};
  await testDb()
    .forClinic(clinic.id)
    .tx(async (tx) => {
      await tx.clinic.update({ where: { id: clinic.id }, data: { city, currency } });
      for (const spec of services) {
        const category = spec.category
          ? await tx.serviceCategory.create({ data: { clinicId: clinic.id, key: spec.key, name: spec.category } })
          : null;
        const seasonal = spec.visibility === "seasonal";
        const service = await tx.service.create({
          data: {
            clinicId: clinic.id,
            key: spec.key,
            name: spec.name,
            specialty: spec.specialty,
            description: spec.description,
            durationMin: 30,
            priceMinor: spec.priceMinor ?? 5_000,
            visibility: spec.visibility ?? "active",
            seasonFrom: seasonal ? new Date("2026-01-01") : undefined,
            seasonTo: seasonal ? new Date("2030-12-31") : undefined,
            categoryId: category?.id,
            depositKind: spec.deposit?.kind ?? "none",
            depositValue: spec.deposit?.value ?? 0,
          },
        });
        if (spec.discount) {
          await tx.serviceDiscount.create({ data: { clinicId: clinic.id, serviceId: service.id, kind: "weekday", label: "Midweek", percent: 15, weekdays: [2, 3] } });
        }
        ids[spec.key] = service.id;
      }
    });
  return { slug: clinic.slug, id: clinic.id, ids };
}

let smile: Awaited<ReturnType<typeof clinicWithServices>>;
let motion: Awaited<ReturnType<typeof clinicWithServices>>;
let draft: Awaited<ReturnType<typeof clinicWithServices>>;
let suspended: Awaited<ReturnType<typeof clinicWithServices>>;

beforeAll(async () => {
  smile = await clinicWithServices(
    "live",
    "Bright Smile Dental",
    [
      {
        key: "cleaning",
        name: "Dental cleaning",
        specialty: "General dentistry",
        description: "Scaling and polishing by a hygienist.",
        priceMinor: 9_000,
        category: "Hygiene",
        deposit: { kind: "fixed", value: 2_000 },
        discount: true,
      },
      { key: "checkup", name: "Check-up and professional cleaning", specialty: "General dentistry", category: "General dentistry" },
      { key: "whitening", name: "Teeth whitening", specialty: "Cosmetic dentistry", priceMinor: 30_000 },
      { key: "staff-cleaning", name: "Dental cleaning for staff", specialty: "General dentistry", visibility: "internal_only" },
      { key: "old-cleaning", name: "Dental cleaning classic", specialty: "General dentistry", visibility: "inactive" },
      { key: "summer-check", name: "Summer dental check", specialty: "General dentistry", visibility: "seasonal", priceMinor: 4_000 },
    ],
  );
  motion = await clinicWithServices("live", "Motion Works", [
    { key: "physio", name: "Physiotherapy session", specialty: "Physiotherapy", priceMinor: 6_500, discount: true },
    { key: "whitening-deluxe", name: "Teeth whitening deluxe with take-home kit", specialty: "Cosmetic dentistry", priceMinor: 45_000 },
    { key: "whiten-typo", name: "Teth whitning", specialty: "Cosmetic dentistry", priceMinor: 20_000 },
  ]);
  draft = await clinicWithServices("draft", "Draft Dental", [{ key: "cleaning", name: "Dental cleaning", specialty: "General dentistry" }]);
  suspended = await clinicWithServices("suspended", "Suspended Dental", [{ key: "cleaning", name: "Dental cleaning", specialty: "General dentistry" }]);
});

const search = (input: SearchInput) => searchCatalog(testDb(), { city, ...input });
const serviceIds = async (input: SearchInput) => (await search(input)).map((r) => r.service.id);

test("a misspelled search finds a dental cleaning service, in this city and across every city", async () => {
  const ids = await serviceIds({ q: "dentl clening" });
  // Each word is misspelled, and in the check-up they are far apart (name and specialty).
  expect(ids).toEqual(expect.arrayContaining([smile.ids.cleaning, smile.ids.checkup]));
  expect(ids).not.toContain(motion.ids.physio);
  const everywhere = await searchCatalog(testDb(), { q: "dentl clening", limit: 100 });
  expect(everywhere.map((r) => r.service.id)).toContain(smile.ids.cleaning);
});

test("a shortened, misspelled specialty finds physiotherapy", async () => {
  expect(await serviceIds({ q: "physo" })).toEqual([motion.ids.physio]);
});

test("whole words find services through their description too", async () => {
  expect(await serviceIds({ q: "polishing" })).toEqual([smile.ids.cleaning]);
});

test("an exact name ranks above services that only resemble it", async () => {
  const results = await search({ q: "Teeth whitening" });
  const ids = results.map((r) => r.service.id);
  expect(ids[0]).toBe(smile.ids.whitening);
  expect(ids).toEqual(expect.arrayContaining([motion.ids["whitening-deluxe"], motion.ids["whiten-typo"]]));
  expect(results[0]!.score).toBeGreaterThan(results[1]!.score);
});

test("internal-only and inactive services and the services of draft or suspended clinics never appear", async () => {
  const hidden = [smile.ids["staff-cleaning"], smile.ids["old-cleaning"], draft.ids.cleaning, suspended.ids.cleaning];
  for (const input of [{ q: "dental cleaning" }, { q: "dentl clening" }, { q: "" }, { q: "Draft Dental" }, { q: "Suspended Dental" }]) {
    const ids = await serviceIds(input);
    for (const id of hidden) expect(ids).not.toContain(id);
  }
  const everywhere = (await searchCatalog(testDb(), { q: "dental cleaning", limit: 100 })).map((r) => r.service.id);
  for (const id of hidden) expect(everywhere).not.toContain(id);
  // A seasonal service is published.
  expect(await serviceIds({ q: "summer dental check" })).toContain(smile.ids["summer-check"]);
});

test("a result carries the published fields of its clinic and service, and nothing else", async () => {
  const [result] = await search({ q: "dental cleaning" });
  expect(result).toEqual({
    clinic: { slug: smile.slug, name: "Bright Smile Dental", city, timeZone: "America/New_York" },
    service: {
      id: smile.ids.cleaning,
      key: "cleaning",
      name: "Dental cleaning",
      category: "Hygiene",
      specialty: "General dentistry",
      durationMin: 30,
      priceMinor: 9_000,
      currency: "USD",
      deposit: { kind: "fixed", value: 2_000 },
      hasDiscount: true,
      discounts: [{ label: "Midweek", kind: "weekday", percent: 15, startsOn: null, endsOn: null, weekdays: [2, 3], fromMinute: null, toMinute: null }],
    },
    score: expect.any(Number),
    distanceKm: null,
  });
  expect(JSON.stringify(result)).not.toContain(smile.id);
  expect(bookingUrl(`http://${smile.slug}.localhost:3000`, result!.service.id)).toBe(`http://${smile.slug}.localhost:3000/book?service=${smile.ids.cleaning}`);
});

test("stop words, operators and punctuation are read as plain text, never as an error", async () => {
  for (const q of ["the", "and or not", '"unclosed', "-- & | ! ( ) :* <->", "'; DROP TABLE services; --", "100%_\\"]) {
    await expect(search({ q })).resolves.toBeInstanceOf(Array);
  }
});

test("a clinic's name, even misspelled, lists its services", async () => {
  const ids = await serviceIds({ q: "Motoin Works" });
  expect(ids).toEqual(expect.arrayContaining(Object.values(motion.ids)));
});

describe("filters", () => {
  test("city: another city's services are left out", async () => {
    expect(await searchCatalog(testDb(), { q: "physo", city: `${city} elsewhere` })).toEqual([]);
    expect(await serviceIds({ q: "physo", city: city.toUpperCase() })).toEqual([motion.ids.physio]);
  });

  test("specialty", async () => {
    const ids = await serviceIds({ specialty: "cosmetic dentistry" });
    expect(ids.sort()).toEqual([smile.ids.whitening, motion.ids["whitening-deluxe"], motion.ids["whiten-typo"]].sort());
  });

  test("price range, in minor units", async () => {
    const ids = await serviceIds({ priceMin: 6_000, priceMax: 20_000 });
    expect(ids.sort()).toEqual([smile.ids.cleaning, motion.ids.physio, motion.ids["whiten-typo"]].sort());
  });

  test("discounted", async () => {
    expect((await serviceIds({ discounted: true })).sort()).toEqual([smile.ids.cleaning, motion.ids.physio].sort());
    expect(await serviceIds({ discounted: false })).not.toContain(smile.ids.cleaning);
  });

  test("sort by price lists the cheapest first", async () => {
    const prices = (await search({ sort: "price" })).map((r) => r.service.priceMinor);
    expect(prices).toEqual([...prices].sort((a, b) => a - b));
    expect(prices[0]).toBe(4_000);
  });

  test("limit", async () => {
    expect(await search({ limit: 2 })).toHaveLength(2);
  });
});

test("the facets list published cities and specialties only", async () => {
  const facets = await listSearchFacets(testDb(), { fresh: true });
  expect(facets.cities).toContain(city);
  expect(facets.specialties).toEqual(expect.arrayContaining(["General dentistry", "Physiotherapy", "Cosmetic dentistry"]));
});

describe("bad input is refused with a clear message", () => {
  const cases: [string, Record<string, unknown>, RegExp][] = [
    ["a negative price", { priceMin: -1 }, /cannot be negative/],
    ["a fractional price", { priceMax: 10.5 }, /whole number/],
    ["prices the wrong way round", { priceMin: 5_000, priceMax: 1_000 }, /must not be below/],
    ["an unknown sort", { sort: "cheapest" }, /best match, price, next free time or distance/],
    ["distance without a location", { sort: "distance" }, /needs your location/],
    ["a latitude out of range", { lat: 95, lng: 0 }, /between -90 and 90/],
    ["a latitude without a longitude", { lat: 50 }, /both latitude and longitude/],
    ["a date that does not exist", { date: "2027-02-29" }, /does not exist/],
    ["a limit of zero", { limit: 0 }, /at least 1/],
    ["a limit too large", { limit: 1_000 }, /at most 100/],
    ["a city too long", { city: "x".repeat(101) }, /at most 100 characters/],
    ["a search that is not text", { q: 42 }, /must be text/],
  ];
  test.each(cases)("%s", async (_, input, message) => {
    const attempt = searchCatalog(testDb(), input as SearchInput);
    await expect(attempt).rejects.toBeInstanceOf(ValidationError);
    await expect(attempt).rejects.toThrow(message);
  });
});
