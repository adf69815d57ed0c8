import { expect, test, type Page, type TestInfo } from "@playwright/test";
import pg from "pg";
import { keepDesktopAndTablet, keepScreenshot } from "./support/artifacts";
import { e2eDatabaseUrls } from "./support/database";
import { clinicUrl } from "./support/urls";
import { signInStaff } from "./support/sessions";


// Other specs expect northside's own branding (its SVG logo, its tagline): put it back after each
// test, so another spec running at the same time sees the change for a few seconds at most.
let saved: { tagline: string | null; color_primary: string; logo_data: Buffer | null; logo_type: string | null; logo_updated_at: Date | null } | null = null;

async function superuser<T>(fn: (db: pg.Client) => Promise<T>): Promise<T> {
  const db = new pg.Client({ connectionString: e2eDatabaseUrls().superuserUrl });
  await db.connect();
  try {
    return await fn(db);
  } finally {
    await db.end();
  }
}

test.beforeAll(async () => {
  saved = await superuser(async (db) => (await db.query("SELECT tagline, color_primary, logo_data, logo_type, logo_updated_at FROM clinics WHERE slug = 'northside'")).rows[0]);
});

test.afterEach(async () => {
  if (!saved) return;
  const s = saved;
  await superuser((db) => db.query("UPDATE clinics SET tagline = $1, color_primary = $2, logo_data = $3, logo_type = $4, logo_updated_at = $5 WHERE slug = 'northside'", [s.tagline, s.color_primary, s.logo_data, s.logo_type, s.logo_updated_at]));
});

const shoot = (page: Page, testInfo: TestInfo, name: string) => keepDesktopAndTablet(page, testInfo, `owner-setup-${name}`);

test("the owner changes the tagline and colour, sees the preview change before saving, and the clinic site shows it", async ({ page, context }, testInfo) => {
  await signInStaff(page, "owner@northside.test");
  const nav = page.getByRole("navigation", { name: "Panel" });
  await nav.getByRole("link", { name: "Clinic profile" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Clinic profile" })).toBeVisible();
  await shoot(page, testInfo, "clinic");

  const preview = page.getByTestId("preview-site");
  await page.getByLabel("Tagline").fill("Same-day visits in Upper Manhattan");
  await expect(preview).toContainText("Same-day visits in Upper Manhattan");

  // A colour white text cannot be read on is refused, with the reason, and the preview keeps the saved one.
  await page.getByLabel("Primary colour", { exact: true }).fill("#fde047");
  await expect(page.getByText(/White text on #fde047 has a contrast of 1\.\d\d : 1/)).toBeVisible();
  await expect(page.getByTestId("live-preview")).toContainText("keeps the saved colour");

  await page.getByLabel("Primary colour", { exact: true }).fill("#7c3aed");
  await expect(preview).toHaveAttribute("style", /--brand: ?124 58 237/);
  await expect(page.getByTestId("colorPrimary-check")).toContainText("Readable");
  await keepScreenshot(page, testInfo, "owner-setup-clinic-preview-desktop");

  // Nothing is saved yet: the site still has the old tagline.
  const site = await context.newPage();
  await site.goto(clinicUrl("northside", "/"));
  await expect(site.getByText("Same-day visits in Upper Manhattan")).toHaveCount(0);

  await page.getByRole("button", { name: "Save profile" }).click();
  await expect(page.getByTestId("profile-answer")).toHaveText(/Saved\. The clinic's site shows the change now\./);

  await site.reload();
  await expect(site.getByText("Same-day visits in Upper Manhattan")).toBeVisible();
  await expect(site.locator("html")).toHaveAttribute("style", /--brand: ?124 58 237/);
  await keepScreenshot(site, testInfo, "owner-setup-site-after-desktop", { fullPage: false });
  await site.close();
});

test("the owner uploads a logo; a renamed document is refused", async ({ page }, testInfo) => {
  await signInStaff(page, "owner@northside.test");
  await page.goto(clinicUrl("northside", "/panel/clinic"));

  await page.getByLabel("Logo file").setInputFiles({ name: "logo.png", mimeType: "image/png", buffer: Buffer.from("%PDF-1.4\nnot a picture\n%%EOF") });
  await expect(page.getByText("This file is not a PNG, JPEG or WebP picture (whatever its name says).")).toBeVisible();
  await page.getByRole("button", { name: "Upload logo" }).click();
  await expect(page.getByTestId("logo-answer")).toContainText("not a PNG, JPEG or WebP picture");

  // A real PNG, drawn by the browser: a wordmark on the clinic's colour.
  const png = await page.evaluate(() => {
    const canvas = document.createElement("canvas");
    canvas.width = 480;
    canvas.height = 120;
    const g = canvas.getContext("2d")!;
    g.fillStyle = "#1d4ed8";
    g.fillRect(0, 0, 120, 120);
    g.fillStyle = "#ffffff";
    g.font = "bold 64px sans-serif";
    g.fillText("N", 38, 84);
    g.fillStyle = "#0f172a";
    g.font = "bold 44px sans-serif";
    g.fillText("Northside", 140, 78);
    return canvas.toDataURL("image/png").split(",")[1]!;
  });
  await page.getByLabel("Logo file").setInputFiles({ name: "northside-wordmark.png", mimeType: "image/png", buffer: Buffer.from(png, "base64") });
  await expect(page.getByTestId("live-preview")).toContainText("With the chosen logo (not uploaded yet)");
  await page.getByRole("button", { name: "Upload logo" }).click();
  await expect(page.getByTestId("logo-answer")).toHaveText("The new logo is on the clinic's site.");

  await expect(page.getByText("Current logo: PNG.")).toBeVisible();
  await keepScreenshot(page, testInfo, "owner-setup-logo-desktop", { fullPage: false });

  // The site's header shows the new logo at a new versioned address, cached for good.
  await page.goto(clinicUrl("northside", "/"));
  const img = page.getByRole("banner").getByRole("img", { name: "Northside Family Health" });
  await expect(img).toHaveAttribute("src", /^\/brand\/logo\?v=\d+$/);
  const src = (await img.getAttribute("src"))!;
  const served = await page.evaluate(async (url) => {
    const r = await fetch(url);
    return { type: r.headers.get("content-type"), cache: r.headers.get("cache-control") };
  }, src);
  expect(served).toEqual({ type: "image/png", cache: "public, max-age=31536000, immutable" });
});

test("the owner creates an API key, sees it once, and revoking it makes the API answer 401", async ({ page }, testInfo) => {
  await signInStaff(page, "owner@northside.test");
  await page.getByRole("navigation", { name: "Panel" }).getByRole("link", { name: "API keys" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "API keys" })).toBeVisible();

  await page.getByLabel("Name").fill("Front-desk EHR");
  await page.getByRole("button", { name: "Create key" }).click();
  const keyField = page.getByLabel("The new key (shown once)");
  await expect(keyField).toHaveValue(/^msk_[A-Za-z0-9_-]{43}$/);
  const key = await keyField.inputValue();
  await expect(page.getByRole("button", { name: "Copy" })).toBeVisible();
  await shoot(page, testInfo, "api-keys");

  // Called from the page (the browser resolves *.localhost; the test runner's resolver may not).
  const api = () => page.evaluate(async (bearer) => (await fetch("/api/v1/services", { headers: { Authorization: `Bearer ${bearer}` }, credentials: "omit" })).status, key);
  expect(await api()).toBe(200);
  await page.reload();
  const row = page.getByTestId("api-key").filter({ hasText: "Front-desk EHR" });
  await expect(row.getByTestId("last-used")).not.toHaveText("Never");
  await expect(page.getByLabel("The new key (shown once)")).toHaveCount(0);

  await row.getByText("Revoke…").click();
  await row.getByRole("button", { name: "Yes, revoke Front-desk EHR" }).click();
  await expect(page.getByTestId("revoke-answer")).toContainText("is revoked");
  await expect(page.getByTestId("api-key").filter({ hasText: "Front-desk EHR" })).toContainText("Revoked");
  expect(await api()).toBe(401);
});

test("locations, a location's rooms and the settings pages, on desktop and tablet", async ({ page }, testInfo) => {
  await signInStaff(page, "owner@northside.test");
  await page.getByRole("navigation", { name: "Panel" }).getByRole("link", { name: "Locations" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Locations" })).toBeVisible();
  await expect(page.getByTestId("location")).toHaveCount(2);
  await shoot(page, testInfo, "locations");

  await page.getByTestId("location").first().getByRole("link").click();
  await expect(page.getByTestId("rooms")).toBeVisible();
  await shoot(page, testInfo, "location");

  // An overlapping second interval is flagged on its day before saving.
  const monday = page.getByTestId("hours-mon");
  await monday.getByRole("button", { name: "Add interval" }).click();
  await monday.getByLabel(/Monday interval 2 Opens/).fill("10:00");
  await expect(monday.getByRole("alert")).toContainText("overlaps");

  await page.getByRole("navigation", { name: "Panel" }).getByRole("link", { name: "Settings" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Settings" })).toBeVisible();
  await page.getByLabel("Reminder · SMS text").fill("{{clinicName}}: see you {{date}} at {{time}}!");
  await expect(page.getByTestId("template-preview")).toContainText("see you Tuesday, 12 May at 09:30!");
  await shoot(page, testInfo, "settings");
});
