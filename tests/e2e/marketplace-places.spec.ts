import { expect, test, type Locator, type Page } from "@playwright/test";
import { keepScreenshot } from "./support/artifacts";
import { expectNoSeriousA11yViolations } from "./support/axe";
import { signInNewPatient } from "./support/patient";
import { clinicOrigin, clinicUrl, marketplaceUrl } from "./support/urls";

const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

test("the map of clinics degrades to its list offline, and the list filters by city @phone", async ({ page }, testInfo) => {
  // Tests have no internet: tiles fail, so the note appears and the list is what remains.
  await page.route(/tile\.openstreetmap\.org/, (route) => route.abort());
  await page.goto(marketplaceUrl("/"));
  await page.getByTestId("clinics-link").click();
  await expect(page).toHaveURL(marketplaceUrl("/clinics"));
  await expect(page.getByRole("heading", { level: 1, name: "Clinics near you" })).toBeVisible();
  const places = page.getByTestId("clinic-place");
  await expect(places.filter({ hasText: "Northside Family Health" })).toHaveCount(1);
  await expect(places.filter({ hasText: "Spree Physio" })).toHaveCount(1);
  await expect(page.getByTestId("map-unavailable")).toContainText("The map is unavailable right now");
  await keepScreenshot(page, testInfo, "clinics-map-offline");

  await page.getByLabel("City").selectOption("Berlin");
  await page.getByRole("button", { name: "Show clinics" }).click();
  await expect(page).toHaveURL(/\/clinics\?city=Berlin/);
  await expect(page.getByTestId("clinic-count")).toHaveText("1 clinic in Berlin");
  await expect(places).toHaveCount(1);
  await expect(places.first()).toContainText("Spree Physio");

  await places.first().getByRole("link", { name: "Spree Physio" }).click();
  await expect(page).toHaveURL(marketplaceUrl("/clinics/spree-physio"));
  await expect(page.getByRole("heading", { level: 1, name: "Spree Physio" })).toBeVisible();
  await keepScreenshot(page, testInfo, "clinic-page");
});

test("when the tiles load, the map has an accessible name, is reachable by keyboard and its markers lead to clinic pages", async ({ page }) => {
  // A stand-in tile (1×1 PNG) so the map itself can be checked without the internet.
  const png = Buffer.from("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8/5+hHgAHggJ/PchI7wAAAABJRU5ErkJggg==", "base64");
  await page.route(/tile\.openstreetmap\.org/, (route) => route.fulfill({ status: 200, contentType: "image/png", body: png }));
  await page.goto(marketplaceUrl("/clinics"));
  const map = page.getByRole("region", { name: "Map of clinic locations" });
  await expect(page.getByTestId("places-map")).toHaveAttribute("data-state", "ready");
  await expect(map).toHaveAttribute("tabindex", "0");
  await expect(page.getByText("OpenStreetMap", { exact: true })).toBeVisible();
  await expect(page.getByTestId("map-unavailable")).toHaveCount(0);
  const marker = page.getByRole("button", { name: /Northside Family Health · Harlem/ });
  await marker.focus();
  await page.keyboard.press("Enter");
  await page.locator(".leaflet-popup").getByRole("link", { name: /Northside Family Health · Harlem/ }).click();
  await expect(page).toHaveURL(marketplaceUrl("/clinics/northside"));
});

test("a clinic page shows published services and doctors; a doctor's page books with the doctor chosen", async ({ page }, testInfo) => {
  expect((await page.goto(marketplaceUrl("/clinics/no-such-clinic")))?.status()).toBe(404);
  expect((await page.goto(clinicUrl("northside", "/clinics/northside")))?.status()).toBe(404);

  await page.goto(marketplaceUrl("/clinics/northside"));
  await expect(page.getByRole("heading", { level: 1, name: "Northside Family Health" })).toBeVisible();
  const services = page.getByTestId("service-row");
  await expect(services.filter({ hasText: "Annual physical" })).toContainText("$220.00");
  await expect(page.getByTestId("location-card")).toHaveCount(2);
  await expect(page.getByTestId("book-on-site")).toHaveAttribute("href", `${clinicOrigin("northside")}/book`);
  const bookService = services.filter({ hasText: "Annual physical" }).getByTestId("service-book");
  await expect(bookService).toHaveAttribute("href", new RegExp(`^${escape(clinicOrigin("northside"))}/book\\?service=[0-9a-f-]{36}$`));
  await expectNoSeriousA11yViolations(page, page.url());

  await page.getByTestId("doctor-list").getByRole("link", { name: /Dr\. Anjali Patel/ }).click();
  await expect(page).toHaveURL(/\/clinics\/northside\/doctors\/[0-9a-f-]{36}$/);
  await expect(page.getByRole("heading", { level: 1, name: "Dr. Anjali Patel" })).toBeVisible();
  await expect(page.getByText("Family medicine").first()).toBeVisible();
  // The same introduction, languages and next free times as on the clinic's own site, booked there.
  await expect(page.getByTestId("doctor-languages")).toContainText("Hindi");
  await expect(page.getByTestId("doctor-bio")).toContainText("Family doctor");
  const freeTime = page.getByTestId("service-row").filter({ hasText: "Annual physical" }).getByTestId("free-time").first();
  await expect(freeTime).toHaveAttribute("href", new RegExp(`^${escape(clinicOrigin("northside"))}/book\\?service=[0-9a-f-]{36}&location=[0-9a-f-]{36}&doctor=[0-9a-f-]{36}&day=\\d{4}-\\d{2}-\\d{2}#t-`));
  await keepScreenshot(page, testInfo, "doctor-page");
  await expectNoSeriousA11yViolations(page, page.url());

  const book = page.getByTestId("service-row").filter({ hasText: "Annual physical" }).getByRole("link", { name: /Book at Harlem/ });
  await book.click();
  await expect(page).toHaveURL(new RegExp(`^${escape(clinicOrigin("northside"))}/book\\?service=[0-9a-f-]{36}&location=[0-9a-f-]{36}&doctor=[0-9a-f-]{36}`));
  await expect(page.getByRole("heading", { level: 1, name: "Choose a day" })).toBeVisible();
  await expect(page.getByText("Dr. Anjali Patel").first()).toBeVisible();
  await expect(page.getByText("Annual physical").first()).toBeVisible();
  await keepScreenshot(page, testInfo, "doctor-page-to-booking");
});

/**
 * Clicks a heart and waits until the server has saved it: the button turns at once, the save
 * follows (by fetch once the page runs its script, by a plain form post before that).
 */
async function pressAndSave(page: Page, heart: Locator) {
  // Wait for the save itself: a load state already reached would not wait for a fetch, and a second
  // heart pressed while the first save's reload is under way can be drawn from the older reload.
  const saved = page.waitForResponse((r) => r.request().method() === "POST" && new URL(r.url()).pathname.startsWith("/favorites"));
  await heart.click();
  await expect(heart).toHaveAttribute("aria-pressed", "true");
  await saved;
  await page.waitForLoadState("networkidle");
}

test("a patient saves a clinic, a service and a doctor, finds them in the account and removes one", async ({ page, request }, testInfo) => {
  await page.goto(marketplaceUrl("/clinics/spree-physio"));
  // Signed out: the heart leads to sign in and back to the clinic page, with the clinic saved.
  await page.getByTestId("favorite-clinic").getByRole("button", { name: "Favorite Spree Physio" }).click();
  await expect(page).toHaveURL(/\/sign-in\?redirectTo=%2Ffavorites%3Fpending%3D1/);
  await signInNewPatient(page, request, { first: "Fay", last: "Vorite" }, { international: true });
  await expect(page).toHaveURL(marketplaceUrl("/clinics/spree-physio"));

  const clinicHeart = page.getByTestId("favorite-clinic").getByRole("button", { name: "Favorite Spree Physio" });
  await expect(clinicHeart).toHaveAttribute("aria-pressed", "true");

  const firstService = page.getByTestId("service-row").first();
  const serviceName = (await firstService.locator("h4").textContent())!.trim();
  const serviceHeart = firstService.getByRole("button", { name: `Favorite ${serviceName}` });
  await pressAndSave(page, serviceHeart);
  await expect(serviceHeart).toHaveAttribute("aria-pressed", "true");

  await page.getByTestId("doctor-list").getByRole("link").first().click();
  const doctorName = (await page.getByRole("heading", { level: 1 }).textContent())!.trim();
  const doctorHeart = page.getByTestId("favorite-doctor").getByRole("button");
  await pressAndSave(page, doctorHeart);
  await expect(doctorHeart).toHaveAttribute("aria-pressed", "true");
  // Saved for good: still pressed after a reload.
  await page.reload();
  await expect(page.getByTestId("favorite-doctor").getByRole("button")).toHaveAttribute("aria-pressed", "true");

  await page.goto(marketplaceUrl("/account/favorites"));
  await expect(page.getByRole("heading", { level: 1, name: "Your favorites" })).toBeVisible();
  await expect(page.getByTestId("favorites-clinic")).toContainText("Spree Physio");
  await expect(page.getByTestId("favorites-service")).toContainText(serviceName);
  await expect(page.getByTestId("favorites-doctor")).toContainText(doctorName);
  await keepScreenshot(page, testInfo, "account-favorites");
  await expectNoSeriousA11yViolations(page, page.url());

  await page.getByTestId("favorites-service").getByRole("button", { name: `Remove ${serviceName} from your favorites` }).click();
  await expect(page.getByTestId("favorites-service")).toHaveCount(0);
  await expect(page.getByTestId("favorite-item")).toHaveCount(2);

  // A search result can be saved where it is found, too.
  await page.goto(marketplaceUrl("/search?q=dentl+clening"));
  const result = page.getByTestId("search-result").filter({ hasText: "Silk Road Dental" }).first();
  const resultHeart = result.getByTestId("favorite-service").getByRole("button");
  await expect(resultHeart).toHaveAttribute("aria-pressed", "false");
  await pressAndSave(page, resultHeart);
  await expect(resultHeart).toHaveAttribute("aria-pressed", "true");
  await page.reload();
  await expect(page.getByTestId("search-result").filter({ hasText: "Silk Road Dental" }).first().getByTestId("favorite-service").getByRole("button")).toHaveAttribute("aria-pressed", "true");
  await page.goto(marketplaceUrl("/account/favorites"));
  await expect(page.getByTestId("favorites-service")).toContainText("Silk Road Dental");
});

test("favorites work without JavaScript", async ({ browser, request }) => {
  const context = await browser.newContext({ javaScriptEnabled: false });
  const page = await context.newPage();
  await page.goto(marketplaceUrl("/sign-in?redirectTo=%2Fclinics%2Fnorthside"));
  await signInNewPatient(page, request, { first: "Noah", last: "Script" }, { international: true });
  await expect(page).toHaveURL(marketplaceUrl("/clinics/northside"));
  const heart = page.getByTestId("favorite-clinic").getByRole("button");
  await heart.click();
  await expect(page).toHaveURL(marketplaceUrl("/clinics/northside"));
  await expect(page.getByTestId("favorite-clinic").getByRole("button")).toHaveAttribute("aria-pressed", "true");
  await page.goto(marketplaceUrl("/account/favorites"));
  await expect(page.getByTestId("favorites-clinic")).toContainText("Northside Family Health");
  await page.getByRole("button", { name: "Remove Northside Family Health from your favorites" }).click();
  await expect(page.getByTestId("no-favorites")).toBeVisible();
  await context.close();
});
