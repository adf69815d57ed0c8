import { expect, test, type Page } from "@playwright/test";
import { keepScreenshot } from "./support/artifacts";
import { clinicUrl, marketplaceUrl } from "./support/urls";

const PASSWORD = "medslot-demo-2026";

async function signIn(page: Page, url: string, email: string) {
  await page.goto(url);
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(PASSWORD);
  await page.getByRole("button", { name: "Sign in" }).click();
}

test("the owner of northside signs in and sees the owner's panel @phone", async ({ page }, testInfo) => {
  await signIn(page, clinicUrl("northside", "/staff/sign-in"), "owner@northside.test");
  await expect(page).toHaveURL(clinicUrl("northside", "/panel"));
  await expect(page.getByRole("heading", { level: 1, name: "Today" })).toBeVisible();
  await keepScreenshot(page, testInfo, "panel-owner-today");

  const nav = page.getByRole("navigation", { name: "Panel" });
  if (testInfo.project.name === "phone") await page.locator("summary", { hasText: "Menu" }).click();
  await expect(nav.getByRole("link", { name: "Clinic profile" })).toBeVisible();
  await expect(nav.getByRole("link", { name: "Staff" })).toBeVisible();
  await nav.getByRole("link", { name: "Staff" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Staff" })).toBeVisible();
  await expect(page.getByText("dr.patel@northside.test").first()).toBeAttached();
  await keepScreenshot(page, testInfo, "panel-owner-staff");

  if (testInfo.project.name === "phone") await page.locator("summary", { hasText: "Menu" }).click();
  await nav.getByRole("link", { name: "Payouts" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Payouts" })).toBeVisible();
  await expect(page.getByText("Demo payments: no account needed, no money moves.")).toBeVisible();
});

test("a secretary sees the front-desk panel and cannot open owner pages", async ({ page }, testInfo) => {
  await signIn(page, clinicUrl("northside", "/staff/sign-in"), "desk@northside.test");
  await expect(page.getByRole("heading", { level: 1, name: "Today" })).toBeVisible();
  const nav = page.getByRole("navigation", { name: "Panel" });
  await expect(nav.getByRole("link", { name: "Today" })).toBeVisible();
  await expect(nav.getByRole("link", { name: "Clinic profile" })).toHaveCount(0);
  await expect(nav.getByRole("link", { name: "Staff" })).toHaveCount(0);

  for (const path of ["/panel/clinic", "/panel/staff", "/panel/payouts"]) {
    const response = await page.goto(clinicUrl("northside", path));
    expect(response?.status(), path).toBe(403);
    await expect(page.getByRole("heading", { level: 1 })).toHaveText("You don't have access to this page");
  }
  await keepScreenshot(page, testInfo, "panel-secretary-403");
});

test("a doctor sees their own profile, and northside staff have no access on another clinic's host", async ({ page }) => {
  await signIn(page, clinicUrl("northside", "/staff/sign-in"), "dr.patel@northside.test");
  await expect(page.getByRole("heading", { level: 1, name: "Today" })).toBeVisible();
  await page.getByRole("navigation", { name: "Panel" }).getByRole("link", { name: "My profile" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "My profile" })).toBeVisible();
  await expect(page.getByTestId("my-specialty")).toContainText("Family medicine");

  // The session belongs to northside's host; spree-physio's panel asks for a sign-in.
  await page.goto(clinicUrl("spree-physio", "/panel"));
  await expect(page).toHaveURL(/spree-physio\.localhost:\d+\/staff\/sign-in/);
  // And northside's staff cannot sign in there at all.
  await page.getByLabel("Email").fill("dr.patel@northside.test");
  await page.getByLabel("Password").fill(PASSWORD);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page).toHaveURL(/\/staff\/sign-in/);
  await expect(page.getByRole("alert").first()).toBeVisible();
});

test("a wrong password is refused and a patient cannot open the panel", async ({ page }) => {
  await page.goto(clinicUrl("northside", "/staff/sign-in"));
  await page.getByLabel("Email").fill("desk@northside.test");
  await page.getByLabel("Password").fill("not-the-password");
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByRole("alert").first()).toBeVisible();
  await expect(page).toHaveURL(/\/staff\/sign-in/);

  const response = await page.goto(clinicUrl("northside", "/panel"));
  expect(response?.url()).toMatch(/\/staff\/sign-in\?redirectTo=%2Fpanel/);
});

test("the platform operator signs in on the marketplace host and sees every clinic", async ({ page }) => {
  await signIn(page, marketplaceUrl("/staff/sign-in"), "operator@medslot.test");
  await expect(page).toHaveURL(marketplaceUrl("/admin"));
  await expect(page.getByRole("heading", { level: 1, name: "Clinics" })).toBeVisible();
  for (const slug of ["northside", "spree-physio", "silk-road-dental"]) await expect(page.getByTestId(`directory-${slug}`)).toBeVisible();
});
