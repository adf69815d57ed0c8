import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { searchCatalog, searchPage, listSearchFacets, bookingUrl } from "~/modules/marketplace/search.server";
import type { SearchInput } from "~/modules/marketplace/search-query";
import { ValidationError } from "~/utils/errors.server";
import { nextFreeTimes } from "~/modules/marketplace/availability.server";
import { compareService } from "~/modules/marketplace/compare.server";
import { formatNextFree } from "~/modules/marketplace/result-format";
import { createTestClinic, testDb } from "../support/db";
import { createScheduleFixture, localInstant, type ScheduleFixture } from "../support/scheduling";

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

describe("pages", () => {
  // Every page of a search, in order, with whether each said another one follows.
  async function allPages(input: SearchInput) {
    const pages = [];
    for (let page = 1; page <= 10; page++) {
      const found = await searchPage(testDb(), { city, ...input, limit: 2, page });
      pages.push({ ids: found.results.map((r) => r.service.id), hasNextPage: found.hasNextPage });
      if (!found.hasNextPage) break;
    }
    return pages;
  }

  test.each<[string, SearchInput]>([
    ["browsing a city", {}],
    ["sorted by price", { sort: "price" }],
    ["words, by relevance", { q: "dental" }],
    ["a misspelling, by relevance", { q: "dentl clening" }],
    ["by next free time", { q: "dental", sort: "soonest" }],
  ])("%s: the pages hold the same services, in the same order, as one long list", async (_, input) => {
    const whole = await serviceIds({ ...input, limit: 100 });
    expect(whole.length).toBeGreaterThan(2);
    const pages = await allPages(input);
    expect(pages.flatMap((p) => p.ids)).toEqual(whole);
    expect(pages.map((p) => p.hasNextPage)).toEqual([...pages.slice(1).map(() => true), false]);
    for (const page of pages) expect(page.ids.length).toBe(page.hasNextPage ? 2 : page.ids.length);
  });

  test("a page after the last one is empty, and says so", async () => {
    const found = await searchPage(testDb(), { city, q: "dentl clening", limit: 2, page: 20 });
    expect(found).toMatchObject({ results: [], page: 20, hasNextPage: false });
  });

  test("the same search gives the same page every time", async () => {
    const first = await searchPage(testDb(), { q: "dentl clening", limit: 5, page: 1 });
    for (let i = 0; i < 3; i++) expect((await searchPage(testDb(), { q: "dentl clening", limit: 5, page: 1 })).results.map((r) => r.service.id)).toEqual(first.results.map((r) => r.service.id));
  });

  test("the connections never synchronise sequential scans, which would make a bounded ranking pick other services each time", async () => {
    const [setting] = await testDb().readPublished<{ synchronize_seqscans: string }>({ text: "SHOW synchronize_seqscans", values: [] });
    expect(setting?.synchronize_seqscans).toBe("off");
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
    ["a page of zero", { page: 0 }, /at least 1/],
    ["a page too far", { page: 51 }, /up to page 50/],
  ];
  test.each(cases)("%s", async (_, input, message) => {
    const attempt = searchCatalog(testDb(), input as SearchInput);
    await expect(attempt).rejects.toBeInstanceOf(ValidationError);
    await expect(attempt).rejects.toThrow(message);
  });
});

describe("the published search index follows catalog changes in the same transaction", () => {
  const whitening = () => smile.ids.whitening!;
  const setVisibility = (visibility: "active" | "internal_only" | "inactive") =>
    testDb()
      .forClinic(smile.id)
      .tx((tx) => tx.service.update({ where: { clinicId_id: { clinicId: smile.id, id: whitening() } }, data: { visibility } }));
  const setStatus = (status: "draft" | "live" | "suspended") =>
    testDb()
      .forClinic(smile.id)
      .tx((tx) => tx.clinic.update({ where: { id: smile.id }, data: { status } }));

  test("unpublishing a service removes it from results at once; publishing it again brings it back", async () => {
    expect(await serviceIds({ q: "Teeth whitening" })).toContain(whitening());
    await setVisibility("internal_only");
    expect(await serviceIds({ q: "Teeth whitening" })).not.toContain(whitening());
    await setVisibility("inactive");
    expect(await serviceIds({ q: "Teeth whitening" })).not.toContain(whitening());
    await setVisibility("active");
    expect(await serviceIds({ q: "Teeth whitening" })).toContain(whitening());
  });

  test("a clinic set back to draft, or suspended, disappears from results at once with all its services", async () => {
    const before = await serviceIds({ q: "" });
    expect(before).toEqual(expect.arrayContaining([smile.ids.cleaning, whitening()]));
    for (const status of ["draft", "suspended"] as const) {
      await setStatus(status);
      const ids = await serviceIds({ q: "" });
      for (const id of Object.values(smile.ids)) expect(ids).not.toContain(id);
      expect(await serviceIds({ q: "Bright Smile Dental" })).toEqual([]);
    }
    await setStatus("live");
    expect(await serviceIds({ q: "" })).toEqual(expect.arrayContaining([smile.ids.cleaning, whitening()]));
  });

  test("a renamed service, a new price and a removed discount show at once", async () => {
    const db = testDb().forClinic(motion.id);
    const id = motion.ids.physio!;
    await db.tx(async (tx) => {
      await tx.service.update({ where: { clinicId_id: { clinicId: motion.id, id } }, data: { name: "Sports massage", priceMinor: 7_000 } });
      await tx.serviceDiscount.deleteMany({ where: { clinicId: motion.id, serviceId: id } });
    });
    const [result] = await search({ q: "sports massage" });
    expect(result?.service).toMatchObject({ id, name: "Sports massage", priceMinor: 7_000, hasDiscount: false, discounts: [] });
    // Its specialty is still physiotherapy, but the old name is gone.
    expect(await serviceIds({ q: "session" })).not.toContain(id);
  });

  test("the runtime role cannot write the published index, even for its own clinic", async () => {
    const attempt = testDb()
      .forClinic(smile.id)
      .tx((tx) => tx.$executeRaw`UPDATE published_services SET price_minor = 1 WHERE clinic_id = ${smile.id}::uuid`);
    await expect(attempt).rejects.toThrow(/permission denied/);
  });
});

describe("free times", () => {
  const ref = (f: ScheduleFixture) => ({ clinicId: f.clinic.id, serviceId: f.serviceId, timeZone: f.clinic.timeZone, currency: f.clinic.currency });
  const moveTo = (f: ScheduleFixture, town: string) =>
    testDb()
      .forClinic(f.clinic.id)
      .tx((tx) => tx.clinic.update({ where: { id: f.clinic.id }, data: { city: town } }));

  test("the next free time of a clinic in another zone is its next morning on its own clock", async () => {
    const tokyo = await createScheduleFixture({ timeZone: "Asia/Tokyo", shift: { start: "09:00", end: "17:00" }, openingHours: { open: "08:00", close: "18:00" } });
    // 18:00 in Tokyo on Wednesday: the day is over there (while it is 04:00 in New York).
    const now = localInstant("Asia/Tokyo", "2027-01-06", "18:00");
    const [next] = await nextFreeTimes(testDb(), [ref(tokyo)], { now });
    expect(next).toEqual(localInstant("Asia/Tokyo", "2027-01-07", "09:00"));
    expect(next!.toISOString()).toBe("2027-01-07T00:00:00.000Z");
    expect(formatNextFree(next!, "Asia/Tokyo", now)).toBe("Tomorrow 09:00 GMT+9");

    // Through the search, too.
    const town = `Tokyo-town ${randomUUID().slice(0, 8)}`;
    await moveTo(tokyo, town);
    const [result] = await searchCatalog(testDb(), { city: town }, { withAvailability: true, now });
    expect(result?.service.id).toBe(tokyo.serviceId);
    expect(result?.nextFreeAt).toEqual(next);
  });

  test("no free time within 30 days is null", async () => {
    const booked = await createScheduleFixture({ service: { horizonDays: 200 } });
    await testDb()
      .forClinic(booked.clinic.id)
      .tx((tx) =>
        tx.scheduleException.create({
          data: { clinicId: booked.clinic.id, kind: "closure", startsAt: new Date("2027-01-01T00:00:00Z"), endsAt: new Date("2027-03-01T00:00:00Z"), reason: "Renovation" },
        }),
      );
    const [next] = await nextFreeTimes(testDb(), [ref(booked)], { now: new Date("2027-01-05T12:00:00Z") });
    expect(next).toBeNull();
  });

  test("the date filter reads the day in each clinic's zone, on the day the clocks go forward, and sorts by next free time", async () => {
    const tz = "America/New_York";
    const town = `Clockville ${randomUUID().slice(0, 8)}`;
    const morning = await createScheduleFixture({ timeZone: tz, shift: { start: "09:00", end: "17:00" }, service: { horizonDays: 200 } });
    // Works evenings; closed all of Sunday 14 March 2027 local time, the day that has 23 hours.
    const evening = await createScheduleFixture({ timeZone: tz, shift: { start: "21:00", end: "23:00" }, service: { horizonDays: 200 } });
    await testDb()
      .forClinic(evening.clinic.id)
      .tx((tx) =>
        tx.scheduleException.create({
          data: { clinicId: evening.clinic.id, kind: "closure", startsAt: localInstant(tz, "2027-03-14", "00:00"), endsAt: localInstant(tz, "2027-03-15", "00:00"), reason: "Closed" },
        }),
      );
    await moveTo(morning, town);
    await moveTo(evening, town);
    const now = localInstant(tz, "2027-03-10", "12:00");

    // Saturday evening's times are already Sunday in UTC; they must not count for Sunday.
    const sunday = await searchCatalog(testDb(), { city: town, date: "2027-03-14" }, { now });
    expect(sunday.map((r) => r.service.id)).toEqual([morning.serviceId]);
    // 09:00 EDT (UTC-4) after the change at 02:00, not 09:00 EST.
    expect(sunday[0]!.nextFreeAt!.toISOString()).toBe("2027-03-14T13:00:00.000Z");

    const saturday = await searchCatalog(testDb(), { city: town, date: "2027-03-13", sort: "soonest" }, { now });
    expect(saturday.map((r) => r.service.id)).toEqual([morning.serviceId, evening.serviceId]);
    expect(saturday[1]!.nextFreeAt!.toISOString()).toBe("2027-03-14T02:00:00.000Z"); // 21:00 EST on the 13th

    const soonest = await searchCatalog(testDb(), { city: town, sort: "soonest" }, { now: localInstant(tz, "2027-03-10", "18:00") });
    // At 18:00 the evening clinic's 21:00 comes before the morning clinic's 09:00 tomorrow.
    expect(soonest.map((r) => r.service.id)).toEqual([evening.serviceId, morning.serviceId]);
  });
});

describe("distance", () => {
  test("sorts by the nearest location offering the service and reports the distance", async () => {
    const town = `Mapton ${randomUUID().slice(0, 8)}`;
    const near = await clinicWithServices("live", "Near Clinic", [{ key: "xray", name: "Knee x-ray" }]);
    const far = await clinicWithServices("live", "Far Clinic", [{ key: "xray", name: "Knee x-ray" }]);
    const place = (clinicId: string, key: string, latitude: number | null, longitude: number | null) =>
      testDb()
        .forClinic(clinicId)
        .tx(async (tx) => {
          await tx.clinic.update({ where: { id: clinicId }, data: { city: town } });
          await tx.location.create({ data: { clinicId, key, name: key, addressLine1: "1 Street", city: town, country: "DE", latitude, longitude } });
        });
    // Berlin Alexanderplatz is where the patient stands.
    await place(near.id, "mitte", 52.5219, 13.4132);
    await place(far.id, "potsdam", 52.3906, 13.0645);
    await place(far.id, "hamburg", 53.5511, 9.9937);
    const results = await searchCatalog(testDb(), { city: town, lat: 52.5219, lng: 13.4132, sort: "distance" });
    expect(results.map((r) => r.clinic.name)).toEqual(["Near Clinic", "Far Clinic"]);
    expect(results[0]!.distanceKm).toBeLessThan(0.1);
    // Potsdam, not Hamburg: about 27 km.
    expect(results[1]!.distanceKm).toBeGreaterThan(25);
    expect(results[1]!.distanceKm).toBeLessThan(29);
  });
});

describe("comparison", () => {
  test("one service across clinics by a misspelled name: each clinic once, cheapest first, with next free times", async () => {
    const comparison = await compareService(testDb(), { service: "teeth whitning" });
    const here = comparison.offers.filter((o) => o.clinic.city === city);
    // Each clinic once, with its closest whitening service.
    expect(here.map((o) => o.clinic.name).sort()).toEqual(["Bright Smile Dental", "Motion Works"]);
    expect(here.find((o) => o.clinic.name === "Bright Smile Dental")?.service.id).toBe(smile.ids.whitening);
    expect([motion.ids["whitening-deluxe"], motion.ids["whiten-typo"]]).toContain(here.find((o) => o.clinic.name === "Motion Works")?.service.id);
    for (const offer of comparison.offers) expect(offer.nextFreeAt === null || offer.nextFreeAt instanceof Date).toBe(true);
    const prices = comparison.offers.map((o) => o.service.priceMinor);
    expect(prices).toEqual([...prices].sort((a, b) => a - b));
  });

  test("by service key, never an unpublished one", async () => {
    const comparison = await compareService(testDb(), { service: "cleaning" });
    expect(comparison.matchedBy).toBe("key");
    const ids = comparison.offers.map((o) => o.service.id);
    expect(ids).toContain(smile.ids.cleaning);
    expect(ids).not.toContain(draft.ids.cleaning);
    expect(ids).not.toContain(suspended.ids.cleaning);
  });

  test("an empty name is refused with a clear message", async () => {
    await expect(compareService(testDb(), { service: "   " })).rejects.toThrow(/Name a service to compare/);
  });
});
