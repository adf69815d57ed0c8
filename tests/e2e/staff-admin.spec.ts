/**
 * The owner invites a secretary by email, the secretary opens the link from the development outbox,
 * chooses a password and lands in the panel; the owner uploads an onboarding document; the platform
 * operator reviews a draft clinic, approves it and suspends it (its booking site then says it is not
 * taking bookings). Screenshots on desktop (1366×900) and tablet (820×1180).
 */
import { randomUUID } from "node:crypto";
import { expect, test, type Page, type TestInfo } from "@playwright/test";
import pg from "pg";
import { keepDesktopAndTablet } from "./support/artifacts";
import { e2eDatabaseUrls } from "./support/database";
import { latestMessage } from "./support/outbox";
import { clinicUrl, marketplaceUrl } from "./support/urls";
import { signInStaff } from "./support/sessions";


const shoot = (page: Page, testInfo: TestInfo, name: string) => keepDesktopAndTablet(page, testInfo, `staff-admin-${name}`);

/** A draft clinic with a location, a contact and one licence waiting for review. */
async function createDraftClinic(): Promise<{ id: string; slug: string; name: string }> {
  const id = randomUUID();
  const slug = `e2e-draft-${id.slice(0, 6)}`;
  const name = `Harbour Clinic ${id.slice(0, 4)}`;
  const client = new pg.Client({ connectionString: e2eDatabaseUrls().ownerUrl });
  await client.connect();
  try {
    await client.query("BEGIN");
    await client.query("SELECT set_config('app.clinic_id', $1, true)", [id]);
    await client.query(`INSERT INTO clinics (id, slug, name, time_zone, status, city, tagline, contact_email) VALUES ($1, $2, $3, 'America/New_York', 'draft', 'Boston', 'Care by the harbour', 'hello@harbour.test')`, [id, slug, name]);
    await client.query(`INSERT INTO locations (clinic_id, key, name, address_line1, city, country) VALUES ($1, 'main', 'Main site', '1 Harbour Way', 'Boston', 'US')`, [id]);
    const pdf = Buffer.from("%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n");
    await client.query(`INSERT INTO clinic_documents (clinic_id, kind, title, file_name, content_type, size_bytes, data) VALUES ($1, 'licence', 'State licence', 'licence.pdf', 'application/pdf', $2, $3)`, [id, pdf.length, pdf]);
    await client.query("COMMIT");
  } catch (error) {
    await client.query("ROLLBACK");
    throw error;
  } finally {
    await client.end();
  }
  return { id, slug, name };
}

test("the owner invites a secretary, who sets a password from the emailed link and lands in the panel", async ({ page, browser, request }, testInfo) => {
  await signInStaff(page, "owner@northside.test");
  await expect(page).toHaveURL(clinicUrl("northside", "/panel"));
  await page.getByRole("navigation", { name: "Panel" }).getByRole("link", { name: "Staff" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Staff" })).toBeVisible();

  const email = `new.desk-${randomUUID().slice(0, 6)}@northside.test`;
  const invite = page.getByTestId("invite-form");
  await invite.getByLabel("Email").fill(email);
  await expect(invite.getByRole("checkbox", { name: "Secretary" })).toBeChecked();
  await invite.getByRole("button", { name: "Send invitation" }).click();
  await expect(page.getByTestId("staff-answer").first()).toContainText(`Invitation sent to ${email}`);
  await expect(page.locator(`[data-testid="invite"][data-email="${email}"]`)).toBeVisible();
  await shoot(page, testInfo, "staff");

  const [, token] = await latestMessage(request, email, /\/staff\/invite\/([a-z2-7]+)/);
  const fresh = await browser.newContext({ viewport: { width: 1366, height: 900 } });
  const newcomer = await fresh.newPage();
  await newcomer.goto(clinicUrl("northside", `/staff/invite/${token}`));
  await expect(newcomer.getByRole("heading", { name: /^Join / })).toBeVisible();
  await expect(newcomer.getByText(email)).toBeVisible();
  await newcomer.getByLabel("Your full name").fill("Nora Newdesk");
  await newcomer.getByLabel("Choose a password").fill("short");
  await newcomer.getByLabel("Repeat the password").fill("short");
  await newcomer.getByRole("button", { name: "Create account and join" }).click();
  await expect(newcomer.getByText("Use at least 12 characters.")).toBeVisible();
  await shoot(newcomer, testInfo, "invite-accept");
  await newcomer.getByLabel("Choose a password").fill("a good long password");
  await newcomer.getByLabel("Repeat the password").fill("a good long password");
  await newcomer.getByRole("button", { name: "Create account and join" }).click();
  await expect(newcomer).toHaveURL(clinicUrl("northside", "/panel"));
  await expect(newcomer.getByRole("heading", { level: 1, name: "Today" })).toBeVisible();
  const nav = newcomer.getByRole("navigation", { name: "Panel" });
  await expect(nav.getByRole("link", { name: "Visits" })).toBeVisible();
  await expect(nav.getByRole("link", { name: "Staff" })).toHaveCount(0);

  // The link was single use.
  await newcomer.goto(clinicUrl("northside", `/staff/invite/${token}`));
  await expect(newcomer.getByRole("heading", { name: "This invitation was already used" })).toBeVisible();
  await fresh.close();

  // The owner sees the new secretary in the list.
  await page.reload();
  await expect(page.locator(`[data-testid="staff-member"][data-email="${email}"]`)).toContainText("Nora Newdesk");
});

test("the owner uploads an onboarding document and a wrong file type is refused next to the field", async ({ page }, testInfo) => {
  await signInStaff(page, "owner@northside.test");
  await page.getByRole("navigation", { name: "Panel" }).getByRole("link", { name: "Documents" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Documents" })).toBeVisible();
  const form = page.getByTestId("document-upload");
  await form.getByLabel("File").setInputFiles({ name: "licence.pdf", mimeType: "application/pdf", buffer: Buffer.from("<html>not really a pdf</html>") });
  await form.getByRole("button", { name: "Upload" }).click();
  await expect(page.getByText("Upload a PDF, PNG or JPEG file.")).toBeVisible();
  await form.getByLabel("Kind").selectOption("insurance");
  await form.getByLabel("Title").fill("Liability insurance 2027");
  await form.getByLabel("File").setInputFiles({ name: "insurance.pdf", mimeType: "application/pdf", buffer: Buffer.from("%PDF-1.4\n%%EOF\n") });
  await form.getByRole("button", { name: "Upload" }).click();
  await expect(page.getByTestId("document-answer")).toContainText("is uploaded");
  await expect(page.getByTestId("document").filter({ hasText: "Liability insurance 2027" })).toContainText("Waiting for review");
  await shoot(page, testInfo, "documents");
});

test("the platform operator verifies a document, approves a draft clinic with an override and suspends it", async ({ page }, testInfo) => {
  const clinic = await createDraftClinic();
  await signInStaff(page, "operator@medslot.test", { clinic: null });
  await expect(page).toHaveURL(marketplaceUrl("/admin"));
  await expect(page.getByTestId("platform-counts")).toContainText("Appointments");
  await page.getByRole("link", { name: /^Draft/ }).click();
  await expect(page).toHaveURL(marketplaceUrl("/admin?status=draft"));
  const card = page.getByTestId(`directory-${clinic.slug}`);
  await expect(card).toContainText("Draft");
  await expect(card.getByTestId("onboarding-steps")).toHaveAttribute("data-done", "1");
  await shoot(page, testInfo, "admin-clinics");

  await card.getByRole("link", { name: clinic.name }).click();
  await expect(page.getByRole("heading", { level: 1, name: clinic.name })).toBeVisible();
  await page.getByRole("button", { name: "Verify" }).click();
  await expect(page.getByTestId("admin-answer")).toContainText("is verified");

  // Not ready: approving without an override reason is refused with the reason why.
  await page.getByRole("button", { name: "Approve anyway" }).click();
  await expect(page.getByText(/can't go live yet/)).toBeVisible();
  await page.getByLabel("Override reason").fill("Pilot clinic: insurance and payouts checked by phone");
  await page.getByRole("button", { name: "Approve anyway" }).click();
  await expect(page.getByTestId("admin-answer")).toContainText("is live");
  await expect(page.getByTestId("clinic-status")).toHaveText("Live");
  await expect(page.getByTestId("decisions")).toContainText("Approved: Pilot clinic");

  await page.getByRole("button", { name: "Suspend clinic" }).click();
  await expect(page.getByText("Give a reason for suspending the clinic")).toBeVisible();
  await page.getByLabel("Reason for suspending").fill("Licence under investigation");
  await page.getByRole("button", { name: "Suspend clinic" }).click();
  await expect(page.getByTestId("clinic-status")).toHaveText("Suspended");
  await shoot(page, testInfo, "admin-clinic");

  const site = await page.context().newPage();
  const response = await site.goto(clinicUrl(clinic.slug, "/"));
  expect(response?.status()).toBe(404);
  await expect(site.getByText("isn't taking online bookings")).toBeVisible();
  await site.close();
});
