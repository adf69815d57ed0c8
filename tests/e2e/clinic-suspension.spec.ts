/**
 * The platform operator suspends a clinic; its booking site goes offline, while its owner still
 * signs in to the panel and sees why, above the day's work. Screenshots on desktop (1366×900),
 * tablet (820×1180) and phone.
 */
import { randomUUID } from "node:crypto";
import { expect, test } from "@playwright/test";
import pg from "pg";
import { keepScreenshot } from "./support/artifacts";
import { e2eDatabaseUrls } from "./support/database";
import { clinicUrl, marketplaceUrl } from "./support/urls";
import { signInStaff } from "./support/sessions";

const REASON = "Licence renewal under review by the state health department";

/** A live clinic of its own (suspending a demo clinic would upset other specs), with an owner who has the demo password. */
async function createLiveClinic(): Promise<{ slug: string; name: string; ownerEmail: string }> {
  const id = randomUUID();
  const slug = `e2e-susp-${id.slice(0, 6)}`;
  const name = `Lakeside Clinic ${id.slice(0, 4)}`;
  const ownerEmail = `owner-${id.slice(0, 8)}@lakeside.test`;
  const client = new pg.Client({ connectionString: e2eDatabaseUrls().ownerUrl });
  await client.connect();
  try {
    await client.query("BEGIN");
    const demo = await client.query<{ password_hash: string }>("SELECT password_hash FROM staff_users WHERE email = 'owner@northside.test'");
    await client.query("SELECT set_config('app.clinic_id', $1, true)", [id]);
    await client.query(
      `INSERT INTO clinics (id, slug, name, time_zone, status, city, tagline, contact_phone, contact_email) VALUES ($1, $2, $3, 'America/New_York', 'live', 'Chicago', 'Care by the lake', '+13125550147', 'desk@lakeside.test')`,
      [id, slug, name],
    );
    await client.query(`INSERT INTO locations (clinic_id, key, name, address_line1, city, country) VALUES ($1, 'main', 'Main site', '1 Lake Shore Dr', 'Chicago', 'US')`, [id]);
    const user = await client.query<{ id: string }>(`INSERT INTO staff_users (email, name, password_hash) VALUES ($1, 'Lena Lake', $2) RETURNING id`, [ownerEmail, demo.rows[0]!.password_hash]);
    await client.query(`INSERT INTO clinic_memberships (clinic_id, staff_user_id, role) VALUES ($1, $2, 'owner')`, [id, user.rows[0]!.id]);
    await client.query("COMMIT");
  } catch (error) {
    await client.query("ROLLBACK");
    throw error;
  } finally {
    await client.end();
  }
  return { slug, name, ownerEmail };
}

test("a suspended clinic's site is offline; its owner still has the panel, with a banner saying why @phone", async ({ page, browser }, testInfo) => {
  const clinic = await createLiveClinic();

  const operator = await browser.newPage();
  await signInStaff(operator, "operator@medslot.test", { clinic: null });
  await expect(operator).toHaveURL(marketplaceUrl("/admin"));
  await operator.goto(marketplaceUrl("/admin?status=live"));
  await operator.getByTestId(`directory-${clinic.slug}`).getByRole("link", { name: clinic.name }).click();
  await operator.getByRole("button", { name: "Suspend clinic" }).click();
  await operator.getByLabel("Reason for suspending").fill(REASON);
  await operator.getByRole("button", { name: "Suspend clinic" }).click();
  await expect(operator.getByTestId("clinic-status")).toHaveText("Suspended");
  await operator.close();

  const site = await page.goto(clinicUrl(clinic.slug, "/"));
  expect(site?.status()).toBe(404);

  await signInStaff(page, clinic.ownerEmail, { clinic: clinic.slug });
  await expect(page).toHaveURL(clinicUrl(clinic.slug, "/panel"));
  const banner = page.getByTestId("clinic-suspended");
  await expect(banner).toBeVisible();
  await expect(banner).toContainText(`${clinic.name} has been suspended since`);
  await expect(banner).toContainText(REASON);
  await expect(banner).toContainText("cancel or move");

  await keepScreenshot(page, testInfo, "clinic-suspended-panel");
  if (testInfo.project.name === "desktop") {
    await page.setViewportSize({ width: 820, height: 1180 });
    await keepScreenshot(page, testInfo, "clinic-suspended-panel-tablet");
  }
});
