import { expect, test, type Page, type TestInfo } from "@playwright/test";
import pg from "pg";
import { keepDesktopAndTablet, keepScreenshot } from "./support/artifacts";
import { e2eDatabaseUrls } from "./support/database";
import { marketplaceUrl } from "./support/urls";
import { signInStaff } from "./support/sessions";

const DESKTOP = { width: 1366, height: 900 };

const shoot = (page: Page, testInfo: TestInfo, name: string) => keepDesktopAndTablet(page, testInfo, `records-${name}`);

async function clinicId(slug: string): Promise<string> {
  const client = new pg.Client({ connectionString: e2eDatabaseUrls().runtimeUrl });
  await client.connect();
  try {
    await client.query("BEGIN");
    await client.query("SELECT set_config('app.scope', 'system', true)");
    const row = await client.query<{ id: string }>("SELECT id::text FROM clinics WHERE slug = $1", [slug]);
    await client.query("COMMIT");
    return row.rows[0]!.id;
  } finally {
    await client.end();
  }
}

test.describe.configure({ mode: "serial" });

const stamp = Date.now().toString(36);
const noteText = `Lower back pain since Monday; advised gentle stretching. (${stamp})`;
const planText = `Three physiotherapy sessions (${stamp})`;

test("a doctor opens a patient's chart from their list, adds a note and a plan step the patient sees", async ({ page }, testInfo) => {
  await page.setViewportSize(DESKTOP);
  await signInStaff(page, "dr.patel@northside.test");
  await expect(page.getByRole("heading", { level: 1, name: "Today" })).toBeVisible();
  await page.getByRole("navigation", { name: "Panel" }).getByRole("link", { name: "Patients" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Patients" })).toBeVisible();
  await expect(page.getByText("Your patients: everyone with a visit with you.")).toBeVisible();
  const first = page.getByTestId("patient-link").first();
  await expect(first).toBeVisible();
  await shoot(page, testInfo, "doctor-patients");

  await first.click();
  await expect(page.getByText("You are this patient's doctor")).toBeVisible();
  await expect(page.getByRole("heading", { name: "Visit timeline" })).toBeVisible();
  await expect(page.getByTestId("timeline-visit").first()).toBeVisible();

  await page.getByLabel("Note", { exact: true }).fill(noteText);
  await page.getByRole("button", { name: "Add note" }).click();
  await expect(page.getByTestId("chart-answer")).toHaveText("Note added to the chart.");
  await expect(page.getByTestId("note-body").filter({ hasText: noteText })).toBeVisible();

  const plan = page.getByTestId("treatment-plan");
  if (!(await page.getByLabel("Step", { exact: true }).isVisible())) await plan.getByText("Add a step to the plan").click();
  await page.getByLabel("Step", { exact: true }).fill(planText);
  await page.getByLabel("Visible to the patient in their account").check();
  await page.getByRole("button", { name: "Add to the plan" }).click();
  await expect(page.getByTestId("chart-answer")).toHaveText("Added to the plan. The patient sees it in their account.");
  const item = page.getByTestId("plan-item").filter({ hasText: planText });
  await expect(item).toBeVisible();
  await expect(item.getByText("Patient sees it")).toBeVisible();
  await shoot(page, testInfo, "doctor-chart");
});

test("the secretary sees the record and timeline but not the clinical notes", async ({ page }) => {
  await signInStaff(page, "desk@northside.test");
  await page.getByRole("navigation", { name: "Panel" }).getByRole("link", { name: "Patients" }).click();
  await page.getByTestId("patient-link").first().click();
  await expect(page.getByTestId("clinical-hidden")).toContainText("shown only to this patient's doctors");
  await expect(page.getByText(noteText)).toHaveCount(0);
  await expect(page.getByRole("heading", { name: "Visit timeline" })).toBeVisible();
});

test("an operator breaks the glass with a reason; the owner sees it and the doctor's views in the audit log", async ({ page, browser }, testInfo) => {
  const id = await clinicId("northside");
  const operator = await browser.newPage({ viewport: DESKTOP });
  await signInStaff(operator, "operator@medslot.test", { clinic: null });
  await operator.waitForURL(/\/admin/);
  const denied = await operator.goto(marketplaceUrl(`/admin/clinics/${id}/patients/00000000-0000-4000-8000-000000000000`));
  expect(denied?.status()).toBe(403);
  await operator.goto(marketplaceUrl(`/admin/clinics/${id}/access`));
  await operator.getByLabel("Why do you need this clinic's patient records?").fill("short");
  await operator.getByRole("button", { name: "Open read-only access" }).click();
  await expect(operator.getByText(/at least 20 characters/)).toBeVisible();
  await operator.getByLabel("Why do you need this clinic's patient records?").fill("Support ticket 9120: the clinic reports a visit missing from a patient's history");
  await operator.getByLabel("For how long").selectOption("15");
  await operator.getByRole("button", { name: "Open read-only access" }).click();
  await expect(operator.getByTestId("active-grant")).toBeVisible();
  await operator.getByTestId("operator-patients").getByRole("link").first().click();
  await expect(operator.getByTestId("break-glass-notice")).toBeVisible();
  await expect(operator.getByText("Clinical notes and treatment plans are not shown to operators.")).toBeVisible();
  await keepScreenshot(operator, testInfo, "records-operator-record-desktop");
  await operator.close();

  await page.setViewportSize(DESKTOP);
  await signInStaff(page, "owner@northside.test");
  await expect(page.getByTestId("break-glass-open")).toContainText("can read your patients' records until");
  await page.getByRole("navigation", { name: "Panel" }).getByRole("link", { name: "Audit log" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Audit log" })).toBeVisible();
  await expect(page.getByTestId("break-glass-banner")).toContainText("Support ticket 9120");
  await expect(page.getByTestId("audit-row").filter({ hasText: "Broke the glass: opened a patient record" }).first()).toBeVisible();

  await page.getByLabel("Kind").selectOption("views");
  await page.getByLabel("Member of staff").selectOption({ label: "Dr. Anjali Patel" });
  await page.getByRole("button", { name: "Show" }).click();
  await expect(page).toHaveURL(/kind=views/);
  const rows = page.getByTestId("audit-row");
  await expect(rows.filter({ hasText: "Opened the chart" }).first()).toBeVisible();
  await expect(rows.filter({ hasText: "Dr. Anjali Patel" }).first()).toBeVisible();
  for (const kind of await rows.evaluateAll((els) => els.map((e) => e.getAttribute("data-kind")))) expect(kind).toBe("views");
  await shoot(page, testInfo, "owner-audit");

  const csvHref = await page.getByTestId("audit-csv").getAttribute("href");
  // Fetched by the page itself (its session cookie, its host resolution).
  const csv = await page.evaluate(async (href) => {
    const response = await fetch(href);
    return { status: response.status, type: response.headers.get("content-type") ?? "", text: await response.text() };
  }, csvHref!);
  expect(csv.status).toBe(200);
  expect(csv.type).toContain("text/csv");
  expect(csv.text).toContain("Opened the chart");

  await page.getByLabel("Kind").selectOption("changes");
  await page.getByLabel("Member of staff").selectOption({ label: "Dr. Anjali Patel" });
  await page.getByRole("button", { name: "Show" }).click();
  await expect(page.getByTestId("audit-row").filter({ hasText: "Added a clinical note" }).first()).toBeVisible();
});
