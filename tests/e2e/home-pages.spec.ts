import { expect, test } from "@playwright/test";
import { keepScreenshot } from "./support/artifacts";
import { expectNoSeriousA11yViolations } from "./support/axe";
import { clinicUrl, marketplaceUrl } from "./support/urls";

const DEMO_CLINICS = /Northside Family Health|Silk Road Dental|Spree Physio/;

test("the marketplace lists the live demo clinics @phone", async ({ page }, testInfo) => {
  await page.goto(marketplaceUrl("/"));
  await expect(page.getByRole("heading", { level: 1 })).toBeVisible();
  const cards = page.getByTestId("clinic-card");
  // Other specs add live clinics of their own to the shared database; the three demo clinics are here.
  await expect(cards.filter({ hasText: DEMO_CLINICS })).toHaveCount(3);
  await expect(page.getByLabel("Search clinics, services or doctors")).toBeVisible();
  await keepScreenshot(page, testInfo, "marketplace-home");
  await cards.filter({ hasText: "Spree" }).getByRole("link").first().click();
  await expect(page).toHaveURL(clinicUrl("spree-physio", "/"));
});

test("the home page's search box leads to the one search for services, doctors and clinics; old /?q= links still work @phone", async ({ page }, testInfo) => {
  await page.goto(marketplaceUrl("/"));
  await page.getByLabel("Search clinics, services or doctors").fill("physio");
  await page.getByRole("button", { name: "Search" }).click();
  await expect(page).toHaveURL(marketplaceUrl("/search?q=physio"));
  await expect(page.getByTestId("clinic-result").filter({ hasText: "Spree Physio" })).toHaveCount(1);
  await expect(page.getByTestId("search-result").filter({ hasText: "Spree Physio" }).first()).toBeVisible();
  await expect(page.getByLabel("Service, doctor or clinic")).toHaveValue("physio");
  await keepScreenshot(page, testInfo, "marketplace-search");

  // The home page used to search its clinic list itself; such links now open the search.
  await page.goto(marketplaceUrl("/?q=cleaning"));
  await expect(page).toHaveURL(marketplaceUrl("/search?q=cleaning"));
  await expect(page.getByTestId("search-result").first()).toContainText(/cleaning/i);

  const none = await page.goto(marketplaceUrl("/?q=zzzz"));
  expect(none?.status()).toBe(200);
  await expect(page.getByTestId("no-results")).toContainText("Nothing matches “zzzz”");
  await keepScreenshot(page, testInfo, "marketplace-search-empty");
});

for (const slug of ["northside", "spree-physio", "silk-road-dental"]) {
  test(`${slug} home shows its branding, locations and opening hours @phone`, async ({ page }, testInfo) => {
    const response = await page.goto(clinicUrl(slug, "/"));
    expect(response?.status()).toBe(200);
    await expect(page.getByRole("heading", { level: 1 })).toBeVisible();
    await expect(page.getByTestId("book-link")).toHaveAttribute("href", "/book");
    await expect(page.getByTestId("location-card")).toHaveCount(2);
    await expect(page.getByTestId("location-card").first().getByTestId("open-state")).toHaveText(/Open now|Closed now/);
    await keepScreenshot(page, testInfo, `${slug}-home`);
    const logo = await page.goto(clinicUrl(slug, "/brand/logo"));
    expect(logo?.headers()["content-type"]).toContain("image/svg+xml");
    expect(logo?.headers()["content-security-policy"]).toContain("sandbox");
  });

  test(`${slug} book link leads to online booking that still offers a call per location @phone`, async ({ page }, testInfo) => {
    await page.goto(clinicUrl(slug, "/"));
    await page.getByTestId("book-link").click();
    await expect(page).toHaveURL(clinicUrl(slug, "/book"));
    await expect(page.getByRole("heading", { level: 1, name: "Book an appointment" })).toBeVisible();
    await expect(page).toHaveTitle(/^Book an appointment · /);
    await expect(page.getByTestId("service-option")).not.toHaveCount(0);
    const locations = page.getByTestId("call-location");
    await expect(locations).toHaveCount(2);
    for (const location of await locations.all()) {
      await expect(location.locator('a[href^="tel:"]')).not.toHaveCount(0);
      await expect(location.getByTestId("open-state")).toHaveText(/Open now|Closed now/);
    }
    await keepScreenshot(page, testInfo, `${slug}-book`);
  });
}

test("a clinic's home shows services with prices and next free times; a doctor's page and a free time lead into booking @phone", async ({ page }, testInfo) => {
  await page.goto(clinicUrl("northside", "/"));
  const physical = page.getByTestId("service-offer").filter({ has: page.getByRole("heading", { name: "Annual physical" }) });
  await expect(physical.getByTestId("service-price")).toHaveText("$220.00");
  await expect(physical.getByTestId("free-time").first()).toBeVisible();
  await expect(physical.getByTestId("more-times")).toHaveAttribute("href", /^\/book\?service=[0-9a-f-]{36}$/);
  await expect(page.getByTestId("home-doctor")).not.toHaveCount(0);
  await expectNoSeriousA11yViolations(page, "clinic home with services and doctors");
  await keepScreenshot(page, testInfo, "northside-home-offer");

  // The doctors, each leading to their page on the clinic's own site.
  const patel = page.getByTestId("home-doctor").filter({ hasText: "Dr. Anjali Patel" });
  await expect(patel).toContainText("Family medicine");
  await expect(patel).toContainText("Speaks English, Hindi, Gujarati");
  await patel.getByRole("link", { name: "Dr. Anjali Patel" }).click();
  await expect(page).toHaveURL(new RegExp(`^${clinicUrl("northside", "/doctors/")}[0-9a-f-]{36}$`));
  const doctorId = new URL(page.url()).pathname.split("/").pop()!;
  await expect(page.getByRole("heading", { level: 1, name: "Dr. Anjali Patel" })).toBeVisible();
  await expect(page.getByTestId("doctor-specialty")).toHaveText("Family medicine");
  await expect(page.getByTestId("doctor-languages")).toContainText("Gujarati");
  await expect(page.getByTestId("doctor-bio")).toContainText("Family doctor for patients of every age");
  // No photo in the demo: the initials on the clinic's colour.
  await expect(page.getByTestId("doctor-initials").first()).toHaveText("AP");
  await expectNoSeriousA11yViolations(page, "doctor page on the clinic's site");
  // Nothing on the page is wider than the screen (a phone would scroll sideways).
  expect(await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth)).toBe(0);
  await keepScreenshot(page, testInfo, "northside-doctor-page");

  // A free time opens that day's times with this doctor, at that time.
  const time = page.getByTestId("service-offer").filter({ has: page.getByRole("heading", { name: "Annual physical" }) }).getByTestId("free-time").first();
  const href = new URL((await time.getAttribute("href"))!, clinicUrl("northside", "/"));
  expect(href.searchParams.get("doctor")).toBe(doctorId);
  expect(href.searchParams.get("day")).toMatch(/^\d{4}-\d{2}-\d{2}$/);
  const label = (await time.locator("span").nth(1).textContent())!.replace(/,.*$/, "").trim();
  await time.click();
  await expect(page).toHaveURL(/\/book\?/);
  await expect(page.getByTestId("time-zone")).toBeVisible();
  const chosen = page.locator(href.hash);
  await expect(chosen.getByTestId("time-option")).toContainText(label);
  await expect(page.getByText("Dr. Anjali Patel").first()).toBeVisible();
  await expectNoSeriousA11yViolations(page, "booking at a free time");
  await keepScreenshot(page, testInfo, "northside-free-time-to-booking");

  // Another clinic's doctor is not a page here.
  expect((await page.goto(clinicUrl("spree-physio", `/doctors/${doctorId}`)))?.status()).toBe(404);
  expect((await page.goto(marketplaceUrl(`/doctors/${doctorId}`)))?.status()).toBe(404);
});

test("the book page exists only on clinic sites", async ({ page }) => {
  expect((await page.goto(marketplaceUrl("/book")))?.status()).toBe(404);
  expect((await page.goto(clinicUrl("no-such-clinic", "/book")))?.status()).toBe(404);
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("There is no clinic at this address");
});

test("a data request for the home page of an unknown host gets the 404, not the marketplace", async ({ page }) => {
  await page.goto(clinicUrl("no-such-clinic", "/"));
  // Single fetch can ask for one route's data without the root's.
  const answer = await page.evaluate(async () => {
    const response = await fetch("/_root.data?_routes=routes%2F_index");
    return { status: response.status, body: await response.text() };
  });
  expect(answer.status).toBe(404);
  expect(answer.body).not.toContain("spree-physio");
  expect(answer.body).toContain("unknown-clinic");
});

test("the healthz endpoint answers when the database does", async ({ request }) => {
  const response = await request.get(marketplaceUrl("/healthz"));
  expect(response.status()).toBe(200);
  expect(await response.json()).toEqual({ ok: true });
});
