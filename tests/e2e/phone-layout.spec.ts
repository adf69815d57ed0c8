import { randomInt } from "node:crypto";
import { expect, test, type Page } from "@playwright/test";
import pg from "pg";
import { keepScreenshot } from "./support/artifacts";
import { e2eDatabaseUrls } from "./support/database";
import { signInPatient } from "./support/sessions";
import { clinicUrl, marketplaceUrl } from "./support/urls";

/** Whether the page is wider than the phone's screen (it would scroll sideways). */
async function overflow(page: Page): Promise<number> {
  return page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
}

// @phone-only: a phone's width is the point, so the desktop project leaves it out.
test("no patient page scrolls sideways on a phone, even for a patient with a very long name @phone-only", async ({ page }, testInfo) => {
  const phone = `+1999555${randomInt(1000, 9999)}${randomInt(10, 99)}`;
  const client = new pg.Client({ connectionString: e2eDatabaseUrls().superuserUrl });
  await client.connect();
  try {
    await client.query("INSERT INTO patient_accounts (phone, first_name, last_name) VALUES ($1, $2, $3)", [phone, "Maximiliana-Konstantina", "Wolfeschlegelsteinhausenbergerdorff"]);
  } finally {
    await client.end();
  }

  const wide: string[] = [];
  await signInPatient(page, phone, { clinic: null, landing: "/" });
  for (const path of ["/", "/search?q=cleaning", "/clinics", "/clinics/northside", "/compare?service=dental+cleaning", "/account", "/favorites"]) {
    await page.goto(marketplaceUrl(path));
    const by = await overflow(page);
    if (by > 0) wide.push(`marketplace ${path}: ${by}px`);
  }
  await keepScreenshot(page, testInfo, "long-name-marketplace");
  await signInPatient(page, phone, { clinic: "northside", landing: "/" });
  for (const path of ["/", "/book", "/account", "/account/family", "/account/cards"]) {
    await page.goto(clinicUrl("northside", path));
    const by = await overflow(page);
    if (by > 0) wide.push(`northside ${path}: ${by}px`);
  }
  expect(wide).toEqual([]);
});
