import { expect, test, type Page, type TestInfo } from "@playwright/test";
import { keepDesktopAndTablet, keepScreenshot } from "./support/artifacts";
import { newTestPhone } from "./support/outbox";
import { clinicUrl } from "./support/urls";
import { signInStaff } from "./support/sessions";

const shoot = (page: Page, testInfo: TestInfo, name: string) => keepDesktopAndTablet(page, testInfo, `desk-${name}`);

/** A local date in New York, `days` from today. */
function nyDate(days: number) {
  return new Intl.DateTimeFormat("en-CA", { timeZone: "America/New_York" }).format(new Date(Date.now() + days * 86_400_000));
}

/** Chooses the service and the first day to look from; the first available times follow (a fetcher). */
async function chooseService(page: Page, service: string, day: string) {
  await expect.poll(() => page.evaluate(() => typeof (window as unknown as { __remixRouter?: unknown }).__remixRouter)).toBe("object");
  await page.getByTestId("services").getByRole("radio", { name: service }).check();
  const loaded = page.waitForResponse((r) => r.url().includes("/panel/book/times") && r.url().includes(`from=${day}`));
  await page.getByLabel("From", { exact: true }).fill(day);
  await loaded;
  await expect(page.getByTestId("free-times").or(page.getByTestId("no-times"))).toBeVisible();
}

/** The visit the booking page has just confirmed. */
async function bookedVisit(page: Page, says: string) {
  await expect(page.getByTestId("booked")).toContainText(says);
  return (await page.getByTestId("booked").getByRole("link", { name: "Open the visit" }).getAttribute("href"))!.match(/appointments\/([0-9a-f-]{36})/)![1]!;
}

test("the front desk books a phone patient, finds them on the board and calendar, moves and cancels visits, approves a request and prints the day", async ({ page }, testInfo) => {
  test.setTimeout(180_000);
  await signInStaff(page, "desk@northside.test");
  const nav = page.getByRole("navigation", { name: "Panel" });
  for (const label of ["Desk", "Calendar", "Book by phone", "Requests"]) await expect(nav.getByRole("link", { name: label })).toBeVisible();

  // Find the caller: nobody yet, so add them.
  const phone = newTestPhone();
  await nav.getByRole("link", { name: "Book by phone" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Book by phone" })).toBeVisible();
  await page.getByLabel("Phone number or name").fill(phone.typed);
  await page.getByRole("button", { name: "Search" }).click();
  await expect(page.getByTestId("no-patients")).toBeVisible();
  await shoot(page, testInfo, "book-search");
  await page.getByLabel("First name").fill("Quinn");
  await page.getByLabel("Last name").fill("Callwood");
  await page.getByRole("button", { name: "Add patient" }).click();
  await expect(page.getByTestId("chosen-patient")).toContainText("Quinn Callwood");

  // Found again by name.
  await page.goto(clinicUrl("northside", "/panel/book?q=callwood"));
  await page.getByTestId("patient-results").getByRole("link", { name: "Choose" }).first().click();
  await expect(page.getByTestId("chosen-patient")).toContainText("Quinn Callwood");

  const day = nyDate(1);
  await chooseService(page, "Same-week sick visit", day);
  await expect(page.getByTestId("free-times")).toBeVisible();
  await shoot(page, testInfo, "book-times");
  await page.locator(`[data-testid=free-day][data-day="${day}"] label`).first().click();
  await page.getByRole("button", { name: "Book this time" }).click();
  const firstVisit = await bookedVisit(page, "Booked");
  await page.getByRole("link", { name: "Open the visit" }).click();
  await shoot(page, testInfo, "appointment");

  // A second visit the same day warns first, then books.
  await page.goto(clinicUrl("northside", "/panel/book?q=callwood"));
  await page.getByTestId("patient-results").getByRole("link", { name: "Choose" }).first().click();
  await chooseService(page, "Same-week sick visit", day);
  await page.locator(`[data-testid=free-day][data-day="${day}"] label`).last().click();
  await page.getByRole("button", { name: "Book this time" }).click();
  await expect(page.getByTestId("booking-warnings")).toContainText("already has");
  await shoot(page, testInfo, "book-warning");
  await page.getByRole("button", { name: "Book anyway" }).click();
  const secondVisit = await bookedVisit(page, "Booked");

  // On the board and the calendar of that day.
  await page.goto(clinicUrl("northside", `/panel/desk?day=${day}`));
  await expect(page.getByRole("heading", { level: 1, name: "Desk" })).toBeVisible();
  await expect(page.locator(`[data-testid=board-visit][data-appointment-id="${firstVisit}"]`)).toContainText("Quinn Callwood");
  await shoot(page, testInfo, "board");
  await page.getByText("By room").click();
  await page.getByRole("button", { name: "Show" }).click();
  await expect(page.getByTestId("board-columns")).toHaveAttribute("data-by", "room");
  await shoot(page, testInfo, "board-by-room");

  await page.goto(clinicUrl("northside", `/panel/calendar?date=${day}`));
  const block = page.locator(`[data-testid=calendar-block][data-appointment-id="${firstVisit}"]`);
  await expect(block).toContainText("Quinn Callwood");
  await shoot(page, testInfo, "calendar-day");
  await page.getByRole("link", { name: "Week", exact: true }).click();
  await expect(page.getByTestId("calendar-grid")).toHaveAttribute("data-view", "week");
  await shoot(page, testInfo, "calendar-week");
  // Keyboard: the block is a link that opens the appointment.
  await page.goto(clinicUrl("northside", `/panel/calendar?date=${day}`));
  await block.focus();
  await page.keyboard.press("Enter");
  await expect(page).toHaveURL(new RegExp(`/panel/appointments/${firstVisit}`));

  // Reschedule the first visit to another free time: its doctor's day may be full by now (other
  // tests book Northside too), so the next days are tried as the page suggests.
  const times = page.getByTestId("move-times").locator("label");
  const noTimes = page.getByText("No free times for this doctor on this day.");
  for (let tries = 0; tries < 7; tries++) {
    await expect(times.first().or(noTimes)).toBeVisible();
    if (await times.count()) break;
    await page.getByRole("link", { name: "Next day" }).click();
  }
  await times.nth(Math.min(3, (await times.count()) - 1)).click();
  if (await page.getByLabel(/Reason for changing inside the cancellation window/).count()) await page.getByLabel(/Reason for changing inside the cancellation window/).first().fill("Patient asked by phone");
  await page.getByRole("button", { name: "Move to this time" }).click();
  await expect(page.getByTestId("desk-answer")).toContainText("Moved to the new time");
  await expect(page.getByTestId("history")).toContainText("Confirmed");

  // Cancel the second visit with a reason.
  await page.goto(clinicUrl("northside", `/panel/appointments/${secondVisit}`));
  await page.getByText("Cancel the visit…").click();
  await page.getByLabel("Reason", { exact: true }).selectOption({ label: "The patient asked" });
  await page.getByLabel("Note (optional)").fill("Feeling better");
  await page.getByRole("button", { name: "Cancel visit" }).click();
  await expect(page.getByTestId("desk-answer")).toContainText("Cancelled");
  await expect(page.getByTestId("cancellation")).toContainText("The patient asked — Feeling better");

  // A service that needs approval becomes a request; approve it in the inbox.
  await page.goto(clinicUrl("northside", "/panel/book?q=callwood"));
  await page.getByTestId("patient-results").getByRole("link", { name: "Choose" }).first().click();
  let requested: string | null = null;
  for (let d = 2; d <= 10 && !requested; d++) {
    await chooseService(page, "Cardiology consultation with ECG", nyDate(d));
    if (await page.getByTestId("no-times").count()) continue;
    await page.getByTestId("free-times").locator("label").first().click();
    await page.getByRole("button", { name: "Book this time" }).click();
    requested = await bookedVisit(page, "needs approval");
  }
  expect(requested).not.toBeNull();
  await nav.getByRole("link", { name: "Requests" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Requests" })).toBeVisible();
  const request = page.locator(`[data-testid=approval][data-appointment-id="${requested}"]`);
  await expect(request).toContainText("Quinn Callwood");
  await shoot(page, testInfo, "requests");
  await request.getByRole("button", { name: "Approve" }).click();
  await expect(page.getByTestId("desk-answer")).toContainText("Approved");
  await expect(request).toHaveCount(0);

  // The printed day list.
  await page.goto(clinicUrl("northside", `/panel/desk/print?day=${day}`));
  await expect(page.getByTestId("print-list")).toContainText("Quinn Callwood");
  await expect(page.getByRole("navigation", { name: "Panel" })).toHaveCount(0);
  await shoot(page, testInfo, "print");
  await page.emulateMedia({ media: "print" });
  await keepScreenshot(page, testInfo, "desk-print-media");
});

test("a doctor cannot open the desk's pages", async ({ page }) => {
  await signInStaff(page, "dr.patel@northside.test");
  await expect(page.getByRole("heading", { level: 1, name: "Today" })).toBeVisible();
  for (const path of ["/panel/desk", "/panel/calendar", "/panel/book", "/panel/requests", "/panel/desk/print"]) {
    const response = await page.goto(clinicUrl("northside", path));
    expect(response?.status(), path).toBe(403);
  }
});
