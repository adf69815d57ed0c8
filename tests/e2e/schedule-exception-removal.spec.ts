import { expect, test, type Page } from "@playwright/test";
import { keepScreenshot } from "./support/artifacts";
import { expectNoSeriousA11yViolations } from "./support/axe";
import { newTestPhone } from "./support/outbox";
import { clinicUrl } from "./support/urls";
import { signInStaff } from "./support/sessions";

test("removing a schedule exception asks first and says what it reopens, with JavaScript off too", async ({ page, browser }, testInfo) => {
  test.setTimeout(180_000);
  await signInStaff(page, "owner@northside.test");
  await expect(page.getByRole("heading", { level: 1, name: "Today" })).toBeVisible();

  await page.goto(clinicUrl("northside", "/panel/schedules"));
  const day = new Date(Date.now() + 40 * 86_400_000).toISOString().slice(0, 10);
  const note = `Conference ${Math.floor(Math.random() * 1e6)}`;
  await page.getByLabel("From day").fill(day);
  await page.getByLabel("Until day").fill(day);
  await page.getByLabel("Note (optional)").fill(note);
  await page.getByRole("button", { name: "Add exception" }).click();
  await expect(page.getByTestId("exception-added")).toBeVisible();


  const noScript = await browser.newContext({ javaScriptEnabled: false, storageState: await page.context().storageState() });
  const plain = await noScript.newPage();
  await plain.goto(page.url());
  const row = plain.getByTestId("exception-list").getByRole("listitem").filter({ hasText: note });
  await row.getByRole("button", { name: /^Remove/ }).click();
  const confirm = plain.getByTestId("exception-confirm");
  await expect(confirm).toContainText(note);
  await expect(confirm).toContainText("again during");
  await keepScreenshot(plain, testInfo, "schedule-exception-confirm");
  await confirm.getByRole("link", { name: "Keep it" }).click();
  await expect(plain.getByTestId("exception-list")).toContainText(note);

  // The same question on the scripted page is accessible.
  await page.goto(clinicUrl("northside", "/panel/schedules"));
  await page.getByTestId("exception-list").getByRole("listitem").filter({ hasText: note }).getByRole("button", { name: /^Remove/ }).click();
  await expect(page.getByTestId("exception-confirm")).toContainText(note);
  await expectNoSeriousA11yViolations(page, "exception removal confirmation");

  await plain.getByTestId("exception-list").getByRole("listitem").filter({ hasText: note }).getByRole("button", { name: /^Remove/ }).click();
  await plain.getByTestId("exception-confirm").getByRole("button", { name: "Yes, remove it" }).click();
  await expect(plain.getByTestId("exception-removed")).toContainText(note);
  await expect(plain.getByTestId("exception-list").getByText(note)).toHaveCount(0);
  await noScript.close();

  // The desk board keeps its list of visits that need moving (time off or closures over bookings).
  await page.goto(clinicUrl("northside", "/panel/desk"));
  await expect(page.getByTestId("board-needs-moving")).toBeVisible();
});

test("a visit inside new time off shows as needing a move on the desk board and the calendar", async ({ page }, testInfo) => {
  test.setTimeout(180_000);
  await signInStaff(page, "owner@northside.test");
  await expect(page.getByRole("heading", { level: 1, name: "Today" })).toBeVisible();

  // Book a visit by phone 45 days ahead.
  const day = new Intl.DateTimeFormat("en-CA", { timeZone: "America/New_York" }).format(new Date(Date.now() + 45 * 86_400_000));
  await page.goto(clinicUrl("northside", "/panel/book"));
  await page.getByLabel("Mobile phone").fill(newTestPhone().typed);
  await page.getByLabel("First name").fill("Morgan");
  await page.getByLabel("Last name").fill("Movewell");
  await page.getByRole("button", { name: "Add patient" }).click();
  await expect(page.getByTestId("chosen-patient")).toBeVisible();
  await expect.poll(() => page.evaluate(() => typeof (window as unknown as { __remixRouter?: unknown }).__remixRouter)).toBe("object");
  await page.getByTestId("services").getByRole("radio").nth(1).check();
  const loaded = page.waitForResponse((r) => r.url().includes("/panel/book/times") && r.url().includes(`from=${day}`));
  await page.getByLabel("From", { exact: true }).fill(day);
  await loaded;
  const first = page.locator(`[data-testid=free-day][data-day="${day}"] label`).first();
  const doctor = (await first.getAttribute("data-doctor"))!;
  await first.click();
  await page.getByRole("button", { name: "Book this time" }).click();
  await expect(page.getByTestId("booked")).toContainText("Booked");

  // That doctor's time off over the day.
  await page.goto(clinicUrl("northside", "/panel/schedules"));
  await showDoctor(page, doctor);
  const note = `Course ${Math.floor(Math.random() * 1e6)}`;
  await page.getByLabel("From day").fill(day);
  await page.getByLabel("Until day").fill(day);
  await page.getByLabel("Note (optional)").fill(note);
  await page.getByRole("button", { name: "Add exception" }).click();
  await expect(page.getByTestId("exception-conflicts")).toContainText("Movewell");

  await page.goto(clinicUrl("northside", `/panel/desk?day=${day}&needsMoving=1`));
  await expect(page.getByTestId("board-visit").filter({ hasText: "Movewell" }).getByTestId("visit-needs-moving")).toBeVisible();
  await expect(page.getByTestId("board-needs-moving")).toContainText("Movewell");
  await keepScreenshot(page, testInfo, "desk-needs-moving");
  await page.goto(clinicUrl("northside", `/panel/calendar?date=${day}&needsMoving=1`));
  await expect(page.locator('[data-testid="calendar-block"][data-needs-moving="true"]').first()).toBeVisible();
  await keepScreenshot(page, testInfo, "calendar-needs-moving");

  // Cleaned up: the time off goes again (after the question).
  await page.goto(clinicUrl("northside", "/panel/schedules"));
  await showDoctor(page, doctor);
  await page.getByTestId("exception-list").getByRole("listitem").filter({ hasText: note }).getByRole("button", { name: /^Remove/ }).click();
  await page.getByTestId("exception-confirm").getByRole("button", { name: "Yes, remove it" }).click();
  await expect(page.getByTestId("exception-removed")).toBeVisible();
});

/**
 * Picks a doctor on the schedules page and waits for their page: choosing submits the form by
 * itself, and a field typed in before that page arrives would be drawn again empty.
 */
async function showDoctor(page: Page, doctor: string) {
  const pick = page.locator('select[name="doctor"]');
  const shown = await pick.inputValue();
  await pick.selectOption({ label: doctor });
  const id = await pick.inputValue();
  // The doctor already shown is not a change: then the button asks for the page.
  if (id === shown) await page.getByRole("button", { name: "Show", exact: true }).click();
  await expect(page).toHaveURL(new RegExp(`doctor=${id}`));
  await expect(page.locator('select[name="doctor"]')).toHaveValue(id);
}
