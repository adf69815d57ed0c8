import { expect, test } from "@playwright/test";
import { screenshotPath } from "./support/artifacts";
import { clinicOrigin, clinicUrl, marketplaceUrl } from "./support/urls";

const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

test("a misspelled search finds the dental clinic and books on its own site @phone", async ({ page }, testInfo) => {
  await page.goto(marketplaceUrl("/search"));
  await expect(page.getByRole("heading", { level: 1, name: "Search services" })).toBeVisible();
  await page.getByLabel("Service, specialty or clinic").fill("dentl clening");
  await page.getByRole("button", { name: "Search" }).click();
  await expect(page).toHaveURL(/\/search\?q=dentl\+clening/);

  const results = page.getByTestId("search-result");
  await expect(results.first()).toContainText("Check-up and professional cleaning");
  await expect(results.first()).toContainText("Silk Road Dental");
  await expect(page.getByTestId("search-count")).toContainText("found for “dentl clening”");
  const book = results.first().getByTestId("book-result");
  await expect(book).toHaveAttribute("href", new RegExp(`^${escape(clinicOrigin("silk-road-dental"))}/book\\?service=[0-9a-f-]{36}$`));
  await expect(page.getByLabel("Service, specialty or clinic")).toHaveValue("dentl clening");
  await page.screenshot({ path: screenshotPath(testInfo, "marketplace-service-search"), fullPage: true });

  // Booking continues on the clinic's own site with the service already chosen.
  await book.click();
  await expect(page).toHaveURL(new RegExp(`^${escape(clinicOrigin("silk-road-dental"))}/book\\?(.+&)?service=[0-9a-f-]{36}`));
  await expect(page.getByRole("heading", { level: 1 })).not.toHaveText("Book an appointment");
  await expect(page.getByText("Check-up and professional cleaning").first()).toBeVisible();
  await page.screenshot({ path: screenshotPath(testInfo, "marketplace-to-clinic-booking"), fullPage: true });
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
  await page.screenshot({ path: screenshotPath(testInfo, "marketplace-service-search-filtered"), fullPage: true });

  // Crown fitting is Silk Road Dental's internal-only service.
  await page.goto(marketplaceUrl("/search?q=crown+fitting"));
  await expect(page.getByTestId("search-count")).toBeVisible();
  await expect(results.filter({ hasText: "Crown fitting" })).toHaveCount(0);

  await page.goto(marketplaceUrl("/search?q=zzzzqqq"));
  await expect(page.getByTestId("no-results")).toContainText("No services match “zzzzqqq”");
  await page.screenshot({ path: screenshotPath(testInfo, "marketplace-service-search-empty"), fullPage: true });
});

test("a price that is not a number gets a clear message, not an error page", async ({ page }) => {
  const response = await page.goto(marketplaceUrl("/search?q=cleaning&priceMin=-5"));
  expect(response?.status()).toBe(200);
  await expect(page.getByTestId("search-error")).toHaveText("Lowest price must be a number.");
  await expect(page.getByLabel("Price from")).toHaveAttribute("aria-invalid", "true");
});

test("the search page exists only on the marketplace", async ({ page }) => {
  expect((await page.goto(clinicUrl("spree-physio", "/search?q=physio")))?.status()).toBe(404);
  expect((await page.goto(clinicUrl("no-such-clinic", "/search")))?.status()).toBe(404);
});
