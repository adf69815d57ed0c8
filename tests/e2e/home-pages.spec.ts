import { expect, test } from "@playwright/test";
import { screenshotPath } from "./support/artifacts";
import { clinicUrl, marketplaceUrl } from "./support/urls";

test("the marketplace lists the live demo clinics @phone", async ({ page }, testInfo) => {
  await page.goto(marketplaceUrl("/"));
  await expect(page.getByRole("heading", { level: 1 })).toBeVisible();
  const cards = page.getByTestId("clinic-card");
  await expect(cards).toHaveCount(3);
  await expect(page.getByLabel("Search clinics, services or doctors")).toBeVisible();
  await page.screenshot({ path: screenshotPath(testInfo, "marketplace-home"), fullPage: true });
  await cards.filter({ hasText: "Spree" }).getByRole("link").first().click();
  await expect(page).toHaveURL(clinicUrl("spree-physio", "/"));
});

for (const slug of ["northside", "spree-physio", "silk-road-dental"]) {
  test(`${slug} home shows its branding, locations and opening hours @phone`, async ({ page }, testInfo) => {
    const response = await page.goto(clinicUrl(slug, "/"));
    expect(response?.status()).toBe(200);
    await expect(page.getByRole("heading", { level: 1 })).toBeVisible();
    await expect(page.getByTestId("book-link")).toHaveAttribute("href", "/book");
    await expect(page.getByTestId("location-card")).toHaveCount(2);
    await expect(page.getByTestId("location-card").first().getByTestId("open-state")).toHaveText(/Open now|Closed now/);
    await page.screenshot({ path: screenshotPath(testInfo, `${slug}-home`), fullPage: true });
    const logo = await page.goto(clinicUrl(slug, "/brand/logo"));
    expect(logo?.headers()["content-type"]).toContain("image/svg+xml");
  });
}

test("the healthz endpoint answers when the database does", async ({ request }) => {
  const response = await request.get(marketplaceUrl("/healthz"));
  expect(response.status()).toBe(200);
  expect(await response.json()).toEqual({ ok: true });
});
