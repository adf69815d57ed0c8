import { expect, test } from "@playwright/test";
import { keepScreenshot } from "./support/artifacts";
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
