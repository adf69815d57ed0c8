import fs from "node:fs";
import { expect, test, type Browser, type Page } from "@playwright/test";
import pg from "pg";
import { keepScreenshot } from "./support/artifacts";
import { expectNoSeriousA11yViolations } from "./support/axe";
import { e2eDatabaseUrls } from "./support/database";
import { clinicUrl } from "./support/urls";
import { signInStaff } from "./support/sessions";

const ZONE = "America/New_York";
const localDate = (at: Date) => new Intl.DateTimeFormat("en-CA", { timeZone: ZONE, year: "numeric", month: "2-digit", day: "2-digit" }).format(at);

async function signedIn(browser: Browser, email: string): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1366, height: 900 } });
  const page = await context.newPage();
  await signInStaff(page, email);
  return page;
}

test("the owner opens the reports, changes the range, sees the charts and downloads a CSV", async ({ page }, testInfo) => {
  await signInStaff(page, "owner@northside.test");
  await page.getByRole("navigation", { name: "Panel" }).getByRole("link", { name: "Reports" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Reports" })).toBeVisible();
  await expect(page.getByLabel("Period")).toHaveValue("last-30-days");

  // The demo's history fills the past weeks: charts with a title and a description, and figures.
  const bookingsChart = page.getByRole("img", { name: /Bookings per day/ });
  await expect(bookingsChart).toBeVisible();
  await expect(page.getByRole("img", { name: /Bookings by source/ })).toBeVisible();
  expect(Number(await page.getByTestId("total-bookings").textContent())).toBeGreaterThan(0);
  await expect(page.getByTestId("no-show-rate")).toHaveText(/^\d+(\.\d)?%$/);
  await expect(page.getByTestId("utilization-doctors-row").first()).toBeVisible();
  await keepScreenshot(page, testInfo, "reports-owner-desktop");

  // Another period: the page says it is updating, then shows the new days.
  const before = await page.getByTestId("reports").getAttribute("data-range");
  await page.getByLabel("Period").selectOption("last-month");
  await expect(page).toHaveURL(/range=last-month/);
  await expect(page.getByTestId("reports")).not.toHaveAttribute("data-range", before!);
  await expect(page.getByTestId("reports")).toHaveAttribute("data-range", /^\d{4}-\d{2}-01\.\./);

  // A custom range by its dates.
  const today = localDate(new Date());
  const weekAgo = localDate(new Date(Date.now() - 6 * 86_400_000));
  await page.getByLabel("From", { exact: true }).fill(weekAgo);
  await page.getByLabel("To", { exact: true }).fill(today);
  await page.getByRole("button", { name: "Show" }).click();
  await expect(page).toHaveURL(/range=custom/);
  await expect(page.getByTestId("reports")).toHaveAttribute("data-range", `${weekAgo}..${today}`);

  // The bookings CSV holds the page's days, one line each, and the same total.
  const total = (await page.getByTestId("total-bookings").textContent())!.trim();
  const [download] = await Promise.all([page.waitForEvent("download"), page.getByTestId("csv-bookings").click()]);
  expect(download.suggestedFilename()).toBe(`northside-bookings-${weekAgo}-to-${today}.csv`);
  const text = fs.readFileSync((await download.path())!, "utf8");
  const lines = text.replace(/^\uFEFF/, "").trimEnd().split("\r\n");
  expect(lines[0]).toBe("Date,Bookings,Awaiting approval,Confirmed,Checked in,With the doctor,Completed,No-show,Cancelled,Declined");
  expect(lines).toHaveLength(1 + 7 + 1);
  expect(lines[lines.length - 1]!.split(",")[1]).toBe(total);

  await expectNoSeriousA11yViolations(page, page.url());

  await page.setViewportSize({ width: 820, height: 1180 });
  await page.getByLabel("Period").selectOption("this-month");
  await expect(page).toHaveURL(/range=this-month/);
  await expect(page.getByRole("img", { name: /Bookings per day/ })).toBeVisible();
  await keepScreenshot(page, testInfo, "reports-owner-tablet");
  await keepScreenshot(page, testInfo, "reports-owner-tablet-top", { fullPage: false });

  // On a phone the filters stack and wide tables scroll inside their card, not the page.
  await page.setViewportSize({ width: 390, height: 844 });
  await expect(page.getByRole("img", { name: /Bookings per day/ })).toBeVisible();
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
  await keepScreenshot(page, testInfo, "reports-owner-phone");
});

test("a secretary marks a no-show and the owner's no-show rate changes", async ({ browser }, testInfo) => {
  // A confirmed visit of the coming days "was" a few minutes ago, where its doctor and room were free.
  const db = new pg.Client({ connectionString: e2eDatabaseUrls().superuserUrl });
  await db.connect();
  let moved: { id: string; starts_at: Date } | null = null;
  try {
    const candidates = await db.query<{ id: string }>(
      `SELECT a.id FROM appointments a JOIN clinics c ON c.id = a.clinic_id
        WHERE c.slug = 'northside' AND a.status = 'confirmed' AND a.starts_at > now() + interval '3 days' ORDER BY a.starts_at LIMIT 5`,
    );
    for (const { id } of candidates.rows) {
      for (let minutesAgo = 10; minutesAgo < 12 * 60 && !moved; minutesAgo += 35) {
        try {
          const rows = await db.query<{ id: string; starts_at: Date }>(
            `UPDATE appointments SET starts_at = date_trunc('minute', now()) - make_interval(mins => $2), ends_at = date_trunc('minute', now()) - make_interval(mins => $2 - 30),
                    blocked_from = date_trunc('minute', now()) - make_interval(mins => $2), blocked_to = date_trunc('minute', now()) - make_interval(mins => $2 - 30)
              WHERE id = $1 RETURNING id::text, starts_at`,
            [id, minutesAgo],
          );
          moved = rows.rows[0]!;
        } catch (error) {
          if ((error as { code?: string }).code !== "23P01") throw error; // someone else's visit there: try earlier
        }
      }
      if (moved) break;
    }
  } finally {
    await db.end();
  }
  expect(moved).not.toBeNull();
  const day = localDate(moved!.starts_at);
  const reportUrl = clinicUrl("northside", `/panel/reports?range=custom&from=${day}&to=${day}`);

  const owner = await signedIn(browser, "owner@northside.test");
  await owner.goto(reportUrl);
  const note = owner.getByTestId("no-show-rate").locator("xpath=following-sibling::p");
  const read = async () => {
    const [noShows, due] = (await note.textContent())!.match(/\d+/g)!.map(Number) as [number, number];
    return { noShows, due, rate: (await owner.getByTestId("no-show-rate").textContent())!.trim() };
  };
  const before = await read();

  const desk = await signedIn(browser, "desk@northside.test");
  await desk.goto(clinicUrl("northside", `/panel/visits?day=${day}`));
  const row = desk.locator(`[data-testid="visit"][data-appointment-id="${moved!.id}"]`);
  await row.getByRole("button", { name: "Mark no-show" }).click();
  await expect(desk.getByTestId("desk-answer")).toContainText("Marked as missed");

  await owner.reload();
  const after = await read();
  expect(after).toMatchObject({ noShows: before.noShows + 1, due: before.due + 1 });
  const pct = (n: number, d: number) => `${Math.round((n / d) * 1000) / 10}%`;
  expect(after.rate).toBe(pct(after.noShows, after.due));
  expect(after.rate).not.toBe(before.rate);
  await keepScreenshot(owner, testInfo, "reports-after-no-show-desktop");
  await owner.context().close();
  await desk.context().close();
});
