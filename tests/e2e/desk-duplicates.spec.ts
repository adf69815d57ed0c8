import { expect, test, type Page, type TestInfo } from "@playwright/test";
import { keepScreenshot } from "./support/artifacts";
import { expectNoSeriousA11yViolations } from "./support/axe";
import { newTestPhone } from "./support/outbox";
import { clinicUrl } from "./support/urls";
import { signInStaff } from "./support/sessions";

const shoot = (page: Page, testInfo: TestInfo, name: string) => keepScreenshot(page, testInfo, `desk-duplicates-${name}`);

async function addPatient(page: Page, p: { phone: string; first: string; last: string }) {
  await page.goto(clinicUrl("northside", "/panel/book"));
  await page.getByLabel("Mobile phone").fill(p.phone);
  await page.getByLabel("First name").fill(p.first);
  await page.getByLabel("Last name").fill(p.last);
  await page.getByRole("button", { name: "Add patient" }).click();
}

test("@phone the desk is asked before a known phone is used for a new patient, and merges and un-merges a duplicate record", async ({ page }, testInfo) => {
  test.setTimeout(120_000);
  await signInStaff(page, "desk@northside.test");
  const letters = "abcdefghij";
  const tag = Array.from({ length: 4 }, () => letters[Math.floor(Math.random() * 10)]).join("");
  const phone = newTestPhone().typed;
  const surname = `Thompson${tag}`;

  await addPatient(page, { phone, first: "Brian", last: surname });
  await expect(page.getByTestId("chosen-patient")).toContainText(`Brian ${surname}`);

  // The same phone again under another name: the record is shown and the desk is asked.
  await addPatient(page, { phone, first: "Bryan", last: `Thomson${tag}` });
  const prompt = page.getByTestId("patient-match");
  await expect(prompt).toContainText(`Brian ${surname}`);
  await shoot(page, testInfo, "match");
  await expectNoSeriousA11yViolations(page, "known phone prompt");
  await prompt.getByRole("button", { name: /someone else/ }).click();
  await expect(page.getByTestId("chosen-patient")).toContainText(`Brian ${surname}`);
  await expect(page.getByLabel("The visit is for")).toHaveValue(/.+/);

  // A duplicate under a second phone, merged into the first record, then the merge undone.
  await addPatient(page, { phone: newTestPhone().typed, first: "Brian", last: `Tompson${tag}` });
  await expect(page.getByTestId("chosen-patient")).toContainText(`Brian Tompson${tag}`);
  const section = page.getByTestId("merge-section");
  if (!(await section.getAttribute("open"))) await section.locator("summary").click();
  await page.getByLabel("Find the other record (phone number or name)").fill(surname);
  await page.getByRole("button", { name: "Find", exact: true }).click();
  await page.getByTestId("duplicate-results").getByRole("button", { name: `Keep Brian ${surname}` }).click();
  await expect(page.getByTestId("merge-confirm")).toContainText(`Keep Brian ${surname}`);
  await expect(page.getByTestId("merge-confirm")).toContainText("undo this for 30 days");
  await shoot(page, testInfo, "merge-confirm");
  await expectNoSeriousA11yViolations(page, "merge confirmation");
  await page.getByRole("button", { name: "Yes, merge" }).click();
  await expect(page.getByTestId("merge-done")).toBeVisible();
  await expect(page.getByTestId("chosen-patient")).toContainText(`Brian ${surname}`);
  await shoot(page, testInfo, "merged");
  await page.getByRole("button", { name: "Undo merge" }).click();
  await expect(page.getByTestId("merge-undone")).toBeVisible();

  await page.goto(clinicUrl("northside", `/panel/book?q=${tag}`));
  await expect(page.getByTestId("patient-results").getByRole("listitem")).toHaveCount(2);
  await shoot(page, testInfo, "search");
});
