import { expect, test } from "@playwright/test";
import { keepScreenshot } from "./support/artifacts";
import { expectNoSeriousA11yViolations } from "./support/axe";
import { createMarketplaceClinic } from "./support/marketplace";
import { clinicOrigin, clinicUrl, marketplaceUrl } from "./support/urls";

const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

test("a misspelled search finds the dental clinic and books on its own site @phone", async ({ page }, testInfo) => {
  await page.goto(marketplaceUrl("/search"));
  await expect(page.getByRole("heading", { level: 1, name: "Search services, doctors and clinics" })).toBeVisible();
  await page.getByLabel("Service, doctor or clinic").fill("dentl clening");
  await page.getByRole("button", { name: "Search" }).click();
  await expect(page).toHaveURL(/\/search\?q=dentl\+clening/);

  // Other specs add dental clinics of their own; this one books at Silk Road Dental.
  const silkRoad = page.getByTestId("search-result").filter({ hasText: "Silk Road Dental" }).first();
  await expect(silkRoad).toContainText("Check-up and professional cleaning");
  await expect(page.getByTestId("search-count")).toContainText("found for “dentl clening”");
  const book = silkRoad.getByTestId("book-result");
  await expect(book).toHaveAttribute("href", new RegExp(`^${escape(clinicOrigin("silk-road-dental"))}/book\\?service=[0-9a-f-]{36}$`));
  await expect(page.getByLabel("Service, doctor or clinic")).toHaveValue("dentl clening");
  await keepScreenshot(page, testInfo, "marketplace-service-search");

  // Booking continues on the clinic's own site with the service already chosen.
  await book.click();
  await expect(page).toHaveURL(new RegExp(`^${escape(clinicOrigin("silk-road-dental"))}/book\\?(.+&)?service=[0-9a-f-]{36}`));
  await expect(page.getByRole("heading", { level: 1 })).not.toHaveText("Book an appointment");
  await expect(page.getByText("Check-up and professional cleaning").first()).toBeVisible();
  await keepScreenshot(page, testInfo, "marketplace-to-clinic-booking");
});

test("the home page's search finds a doctor by a misspelled name and leads to the doctor's page @phone", async ({ page }, testInfo) => {
  await page.goto(marketplaceUrl("/"));
  await page.getByLabel("Search clinics, services or doctors").fill("Patl");
  await page.getByRole("button", { name: "Search" }).click();
  await expect(page).toHaveURL(marketplaceUrl("/search?q=Patl"));
  await expect(page.getByRole("heading", { level: 1, name: "Search services, doctors and clinics" })).toBeVisible();

  const doctor = page.getByTestId("doctor-result").filter({ hasText: "Dr. Anjali Patel" });
  await expect(doctor).toHaveCount(1);
  await expect(doctor).toContainText("Family medicine");
  await expect(doctor).toContainText("Northside Family Health");
  await expect(doctor).toContainText("Offers:");
  await expect(page.getByTestId("search-count")).toContainText("found for “Patl”");
  await expectNoSeriousA11yViolations(page, "/search?q=Patl");
  await keepScreenshot(page, testInfo, "marketplace-doctor-search");

  await doctor.getByRole("link", { name: "Dr. Anjali Patel" }).click();
  await expect(page).toHaveURL(new RegExp(`^${escape(marketplaceUrl("/clinics/northside/doctors/"))}[0-9a-f-]{36}$`));
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Dr. Anjali Patel");
  // Booking goes on from here, on the clinic's own site, with this doctor chosen.
  await expect(page.getByTestId("doctor-book").first()).toHaveAttribute("href", new RegExp(`^${escape(clinicOrigin("northside"))}/book\\?.*doctor=[0-9a-f-]{36}`));
  await expectNoSeriousA11yViolations(page, "doctor page from the search");
  await keepScreenshot(page, testInfo, "marketplace-doctor-page-from-search");
});

test("a misspelled clinic name finds the clinic, and a search with services and doctors lists both", async ({ page }, testInfo) => {
  await page.goto(marketplaceUrl("/search?q=silk+rood+dentl"));
  const clinic = page.getByTestId("clinic-result").filter({ hasText: "Silk Road Dental" });
  await expect(clinic).toHaveCount(1);
  await clinic.getByRole("link", { name: "Silk Road Dental" }).click();
  await expect(page).toHaveURL(marketplaceUrl("/clinics/silk-road-dental"));

  // A specialty: Northside's family doctors and its family-medicine services, each in their own list.
  await page.goto(marketplaceUrl("/search?q=family+medicin"));
  await expect(page.getByTestId("doctor-result").filter({ hasText: "Dr. Anjali Patel" })).toHaveCount(1);
  await expect(page.getByRole("heading", { level: 3, name: "Doctors" })).toBeVisible();
  await expect(page.getByRole("heading", { level: 3, name: "Services" })).toBeVisible();
  await expect(page.getByTestId("search-count")).toHaveText(/doctors? and (more than )?\d+ services? found for “family medicin”/);
  await keepScreenshot(page, testInfo, "marketplace-search-doctors-and-services");

  // Only doctors: no services, said plainly under them.
  await page.goto(marketplaceUrl("/search?q=patel"));
  await expect(page.getByTestId("no-service-results")).toHaveText("No services match “patel”.");
  await expect(page.getByTestId("no-results")).toHaveCount(0);
});

test("filters narrow the results, and internal-only services never show", async ({ page }, testInfo) => {
  await page.goto(marketplaceUrl("/search?q=physo"));
  await page.getByLabel("City").selectOption("Berlin");
  await page.getByLabel("Sort by").selectOption("price");
  await page.getByRole("button", { name: "Search" }).click();
  const results = page.getByTestId("search-result");
  await expect(results.first()).toContainText("Spree Physio");
  for (const card of await results.all()) await expect(card).toContainText("Berlin");
  await expect(results.filter({ hasText: "Telephone follow-up" })).toHaveCount(0);
  await keepScreenshot(page, testInfo, "marketplace-service-search-filtered");

  // Crown fitting is Silk Road Dental's internal-only service.
  await page.goto(marketplaceUrl("/search?q=crown+fitting"));
  await expect(page.getByTestId("search-count")).toBeVisible();
  await expect(results.filter({ hasText: "Crown fitting" })).toHaveCount(0);

  await page.goto(marketplaceUrl("/search?q=zzzzqqq"));
  await expect(page.getByTestId("no-results")).toContainText("Nothing matches “zzzzqqq”");
  await keepScreenshot(page, testInfo, "marketplace-service-search-empty");
});

test("a price that is not a number gets a clear message, not an error page", async ({ page }) => {
  const response = await page.goto(marketplaceUrl("/search?q=cleaning&priceMin=-5"));
  expect(response?.status()).toBe(200);
  await expect(page.getByTestId("search-error")).toHaveText("Lowest price must be a number.");
  await expect(page.getByLabel("Price from")).toHaveAttribute("aria-invalid", "true");
});

test("a long list of results comes a page at a time, with links to the next and previous pages", async ({ page }) => {
  // Every published service, cheapest first: more than one page of them.
  await page.goto(marketplaceUrl("/search?sort=price"));
  const results = page.getByTestId("search-result");
  await expect(page.getByTestId("search-count")).toHaveText("Services 1–12 found");
  await expect(results).toHaveCount(12);
  const firstPage = await results.allTextContents();
  await expect(page.getByTestId("previous-page")).toHaveCount(0);

  await page.getByTestId("next-page").click();
  await expect(page).toHaveURL(/\/search\?sort=price&page=2$/);
  await expect(page.getByTestId("search-count")).toHaveText(/^Services 13–\d+ found$/);
  await expect(results.first()).not.toHaveText(firstPage[0]!);
  for (const text of await results.allTextContents()) expect(firstPage).not.toContain(text);
  await expect(page.getByLabel("Sort by")).toHaveValue("price");

  await page.getByTestId("previous-page").click();
  await expect(page).toHaveURL(/\/search\?sort=price$/);
  // The address changes before the new page's results are shown: wait for the results themselves.
  await expect(results).toHaveText(firstPage);

  // A page past the end says so and leads back.
  await page.goto(marketplaceUrl("/search?sort=price&page=50"));
  await expect(page.getByTestId("no-more-results")).toContainText("no more results");
  await page.getByRole("link", { name: "Back to the first page" }).click();
  await expect(results).toHaveCount(12);
});

test("the search page exists only on the marketplace", async ({ page }) => {
  expect((await page.goto(clinicUrl("spree-physio", "/search?q=physio")))?.status()).toBe(404);
  expect((await page.goto(clinicUrl("no-such-clinic", "/search")))?.status()).toBe(404);
});

test.describe("comparison and sorting", () => {
  const suffix = Math.random().toString(36).slice(2, 7);
  const cheap = `Harbour Dental ${suffix}`;
  const dear = `Bayside Dental ${suffix}`;

  test.beforeAll(async () => {
    await createMarketplaceClinic({
      name: cheap,
      city: "New York",
      services: [
        { key: "cleaning", name: "Dental cleaning", specialty: "General dentistry", priceMinor: 8_500 },
        { key: "staff-cleaning", name: "Dental cleaning for staff only", specialty: "General dentistry", priceMinor: 100, visibility: "internal_only" },
      ],
    });
    await createMarketplaceClinic({ name: dear, city: "New York", services: [{ key: "cleaning", name: "Professional dental cleaning", specialty: "General dentistry", priceMinor: 12_000 }] });
  });

  test("a typo search finds the dental clinics and the comparison shows them with prices and next free times @phone", async ({ page }, testInfo) => {
    const phone = testInfo.project.name === "phone";
    await page.goto(marketplaceUrl("/search"));
    await page.getByLabel("Service, doctor or clinic").fill("dentl clening");
    await page.getByRole("button", { name: "Search" }).click();
    const results = page.getByTestId("search-result");
    for (const clinic of ["Silk Road Dental", cheap, dear]) await expect(results.filter({ hasText: clinic })).toHaveCount(1);
    await expect(results.filter({ hasText: "for staff only" })).toHaveCount(0);
    // Silk Road Dental has doctors working: a real next free time on its own clock (Tashkent, GMT+5).
    await expect(results.filter({ hasText: "Silk Road Dental" }).getByTestId("result-next-free")).toHaveText(/^(Today|Tomorrow|\w{3} \d{1,2} \w{3},) \d{2}:\d{2} GMT\+5$/);
    // The new clinics have no doctors yet.
    await expect(results.filter({ hasText: cheap }).getByTestId("result-next-free")).toHaveText("No free time in the next 30 days");
    await keepScreenshot(page, testInfo, "marketplace-search-next-free");

    await results.filter({ hasText: cheap }).getByTestId("compare-result").click();
    await expect(page).toHaveURL(/\/compare\?service=Dental(\+|%20)cleaning/);
    await expect(page.getByRole("heading", { level: 1 })).toHaveText("Compare “Dental cleaning”");
    const offers = phone ? page.getByTestId("compare-card") : page.getByTestId("compare-row");
    await expect(phone ? page.getByTestId("compare-table") : page.getByTestId("compare-cards")).toBeHidden();
    for (const clinic of ["Silk Road Dental", cheap, dear]) await expect(offers.filter({ hasText: clinic })).toHaveCount(1);
    await expect(offers.filter({ hasText: cheap })).toContainText("$85");
    await expect(offers.filter({ hasText: dear })).toContainText("$120");
    await expect(offers.filter({ hasText: "Silk Road Dental" })).toContainText(/\d{2}:\d{2} GMT\+5/);
    // The Book link carries the service to the clinic's own site.
    await expect(offers.filter({ hasText: cheap }).getByRole("link", { name: /Book/ })).toHaveAttribute("href", /^http:\/\/e2e-[0-9a-f]{8}\.localhost:\d+\/book\?service=[0-9a-f-]{36}$/);
    await keepScreenshot(page, testInfo, "marketplace-compare");
  });

  test("the comparison sorts by price, then by next free time; search results sort by price and by next free time", async ({ page }, testInfo) => {
    await page.goto(marketplaceUrl("/compare?service=dental+cleaning"));
    const rows = page.getByTestId("compare-row");
    const order = async () => (await rows.allTextContents()).map((t) => [cheap, dear, "Silk Road Dental"].find((c) => t.includes(c))).filter(Boolean);
    await expect(page.getByTestId("compare-sort-price")).toHaveAttribute("aria-current", "true");
    // Cheapest first among the dollar prices.
    expect((await order()).filter((c) => c !== "Silk Road Dental")).toEqual([cheap, dear]);

    await page.getByTestId("compare-sort-soonest").click();
    await expect(page).toHaveURL(/sort=soonest/);
    await expect(page.getByTestId("compare-sort-soonest")).toHaveAttribute("aria-current", "true");
    // The only clinic with a free time comes first.
    expect((await order())[0]).toBe("Silk Road Dental");
    await keepScreenshot(page, testInfo, "marketplace-compare-soonest");

    await page.goto(marketplaceUrl("/search?q=dentl+clening&city=New+York&sort=price"));
    const cards = (await page.getByTestId("search-result").allTextContents()).filter((t) => t.includes(cheap) || t.includes(dear));
    expect(cards.map((t) => (t.includes(cheap) ? "cheap" : "dear"))).toEqual(["cheap", "dear"]);
    const prices = (await page.getByTestId("result-price").allTextContents()).map((p) => Number(p.replace(/[^0-9.]/g, "")));
    expect(prices).toEqual([...prices].sort((a, b) => a - b));

    await page.goto(marketplaceUrl("/search?q=dentl+clening"));
    await page.getByLabel("Sort by").selectOption("soonest");
    await page.getByRole("button", { name: "Search" }).click();
    await expect(page).toHaveURL(/sort=soonest/);
    const first = page.getByTestId("search-result").first();
    await expect(first).toContainText("Silk Road Dental");
    await expect(page.getByTestId("search-result").last().getByTestId("result-next-free")).toHaveText("No free time in the next 30 days");
  });

  test("a date with free times keeps only services free that day; distance without a location explains itself", async ({ page }) => {
    const inTwoDays = new Date(Date.now() + 2 * 86_400_000).toISOString().slice(0, 10);
    await page.goto(marketplaceUrl(`/search?q=dentl+clening&date=${inTwoDays}`));
    const results = page.getByTestId("search-result");
    await expect(page.getByTestId("search-count")).toContainText("with free times on");
    await expect(results.filter({ hasText: cheap })).toHaveCount(0);
    for (const card of await results.all()) await expect(card.getByTestId("result-next-free")).toHaveText(/\d{2}:\d{2}/);

    const response = await page.goto(marketplaceUrl("/search?q=dentl+clening&sort=distance"));
    expect(response?.status()).toBe(200);
    await expect(page.getByTestId("search-error")).toContainText("needs your location");
    await expect(page.getByLabel("Sort by")).toHaveAttribute("aria-invalid", "true");
  });

  test("Near me sorts by distance with the location the browser shares", async ({ page, context }) => {
    await context.grantPermissions(["geolocation"], { origin: marketplaceUrl("/").replace(/\/$/, "") });
    // Tashkent's centre.
    await context.setGeolocation({ latitude: 41.3111, longitude: 69.2797 });
    await page.goto(marketplaceUrl("/search?q=dentl+clening"));
    await page.getByTestId("near-me").click();
    await expect(page).toHaveURL(/sort=distance/);
    await expect(page).toHaveURL(/lat=41\.31110&lng=69\.27970/);
    const first = page.getByTestId("search-result").first();
    await expect(first).toContainText("Silk Road Dental");
    await expect(first.getByTestId("result-distance")).toHaveText(/^[\d.]+ (m|km) away$/);
    await expect(page.getByRole("link", { name: "Stop using my location" })).toBeVisible();
  });
});
