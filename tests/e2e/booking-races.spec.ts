import { expect, test, type Page } from "@playwright/test";
import pg from "pg";
import { keepScreenshot } from "./support/artifacts";
import { confirmBooking, nextMonth, openFreeDay } from "./support/booking";
import { e2eDatabaseUrls } from "./support/database";
import { signInNewPatient } from "./support/patient";
import { clinicUrl } from "./support/urls";

/**
 * From the service list to a day's times at the first location: the first named doctor next month,
 * or with `anyDoctor` "Any doctor" this month.
 */
async function openTimes(page: Page, service: string, opts: { anyDoctor?: boolean } = {}) {
  await page.goto(clinicUrl("northside", "/book"));
  await page.getByTestId("service-option").filter({ hasText: service }).click();
  const where = page.getByRole("heading", { level: 1, name: "Where would you like to be seen?" });
  const who = page.getByRole("heading", { level: 1, name: "Who would you like to see?" });
  await expect(where.or(who)).toBeVisible();
  if (await where.isVisible()) await page.getByTestId("location-option").first().click();
  await expect(who).toBeVisible();
  if (opts.anyDoctor) {
    await page.getByTestId("doctor-option").filter({ hasText: "Any doctor" }).click();
  } else {
    await page.getByTestId("doctor-option").nth(1).click();
    await nextMonth(page);
  }
  await openFreeDay(page, "busiest");
}

test("two browsers choose the same time at once: one holds it, the other is told and offered other times @phone", async ({ browser }, testInfo) => {
  // Each viewport races on its own service so the two runs never meet.
  const service = testInfo.project.name === "phone" ? "Cardiology consultation with ECG" : "Well-child check-up";
  const [first, second] = await Promise.all([browser.newContext(), browser.newContext()]);
  const [a, b] = await Promise.all([first.newPage(), second.newPage()]);
  await openTimes(a, service);
  await b.goto(a.url());
  const start = await a.getByTestId("time-option").first().locator("xpath=..").locator('input[name="start"]').inputValue();
  const pick = (page: Page) => page.locator(`form:has(input[name="start"][value="${start}"])`).getByTestId("time-option").click();

  await Promise.all([pick(a), pick(b)]);

  const review = (page: Page) => page.getByRole("heading", { level: 1, name: "Check your booking" });
  await expect(review(a).or(a.getByTestId("booking-error"))).toBeVisible();
  await expect(review(b).or(b.getByTestId("booking-error"))).toBeVisible();
  const winners = [await review(a).isVisible(), await review(b).isVisible()];
  expect(winners.filter(Boolean)).toHaveLength(1);
  const loser = winners[0] ? b : a;
  await expect(loser.getByTestId("booking-error")).toContainText("someone just took this time");
  await expect(loser.locator(`input[name="start"][value="${start}"]`)).toHaveCount(0);
  await expect(loser.getByTestId("time-option").first()).toBeVisible();
  await keepScreenshot(loser, testInfo, "booking-race-lost");
  await Promise.all([first.close(), second.close()]);
});

test("a hold that runs out while the patient signs in is explained, and fresh times are one click away @phone", async ({ page, request }, testInfo) => {
  const service = testInfo.project.name === "phone" ? "Sports injury assessment" : "Full-body skin check";
  await openTimes(page, service);
  await page.getByTestId("time-option").last().click();
  await expect(page.getByRole("heading", { level: 1, name: "Check your booking" })).toBeVisible();
  const holdId = new URL(page.url()).searchParams.get("hold");
  expect(holdId).toMatch(/^[0-9a-f-]{36}$/);

  await page.getByRole("link", { name: "Sign in with your phone" }).click();
  await signInNewPatient(page, request, { first: "Ada", last: "Lovelace" });
  await expect(page.getByRole("heading", { level: 1, name: "Check your booking" })).toBeVisible();

  // Ten minutes pass: the hold's expiry moves into the past, as the clock would move it.
  const db = new pg.Client({ connectionString: e2eDatabaseUrls().superuserUrl });
  await db.connect();
  try {
    const moved = await db.query("UPDATE appointments SET hold_expires_at = now() - interval '1 second' WHERE id = $1 AND status = 'held'", [holdId]);
    expect(moved.rowCount).toBe(1);
  } finally {
    await db.end();
  }

  await confirmBooking(page);
  await expect(page.getByRole("heading", { level: 1, name: "This time is no longer held" })).toBeVisible();
  await keepScreenshot(page, testInfo, "booking-hold-expired");
  await page.getByTestId("fresh-times").click();
  await expect(page.getByTestId("time-option").first()).toBeVisible();
  // Nothing was booked from the lapsed hold.
  await page.goto(clinicUrl("northside", "/account"));
  await expect(page.getByTestId("no-appointments")).toBeVisible();
});

test("one time is held per browser: a choice in a second tab lets the first go and the first tab says so; a time booked in another tab says it is booked", async ({ browser, request }) => {
  const context = await browser.newContext();
  const [first, second] = [await context.newPage(), await context.newPage()];
  const review = (page: Page) => page.getByRole("heading", { level: 1, name: "Check your booking" });

  await openTimes(first, "Flu shot");
  await first.getByTestId("time-option").nth(1).click();
  await expect(review(first)).toBeVisible();
  // The hold counts down live, from the server's own count.
  const countdown = first.getByTestId("hold-countdown");
  await expect(countdown).toHaveText(/^(10:00|9:[0-5]\d) more$/);
  const shown = await countdown.textContent();
  await expect(countdown).not.toHaveText(shown!);

  await openTimes(second, "Flu shot");
  await second.getByTestId("time-option").nth(2).click();
  await expect(review(second)).toBeVisible();
  const secondReview = second.url();

  // The first tab's time was let go at the second choice; it does not claim the hold ran out.
  await first.reload();
  await expect(first.getByRole("heading", { level: 1, name: "This time is no longer held" })).toBeVisible();
  await expect(first.getByTestId("hold-gone")).toContainText("You went back to the times since");

  await second.getByRole("link", { name: "Sign in with your phone" }).click();
  await signInNewPatient(second, request, { first: "Tabitha", last: "Twotabs" });
  await confirmBooking(second);
  await expect(second.getByTestId("booking-done")).toHaveText("You're booked");

  // The first tab, back on the second tab's review, is told the time is booked and shown it.
  await first.goto(secondReview);
  await expect(first.getByRole("heading", { level: 1, name: "This time is already booked" })).toBeVisible();
  await first.getByTestId("see-booking").click();
  await expect(first.getByTestId("booking-done")).toHaveText("You're booked");
  await context.close();
});

test("'Choose another time' lets the held time go at once and keeps 'Any doctor' @phone", async ({ page }, testInfo) => {
  const service = testInfo.project.name === "phone" ? "Sports injury assessment" : "Flu shot";
  await openTimes(page, service, { anyDoctor: true });
  const option = page.getByTestId("time-option").nth(1);
  const start = await option.locator("xpath=..").locator('input[name="start"]').inputValue();
  await option.click();
  await expect(page.getByRole("heading", { level: 1, name: "Check your booking" })).toBeVisible();

  await page.getByTestId("another-time").click();
  await expect(page).toHaveURL(/[?&]doctor=any(&|$)/);
  // The time is free again for everyone, this patient included.
  await expect(page.locator(`input[name="start"][value="${start}"]`).first()).toBeAttached();

  // The browser's Back from the review returns to the day's times, with the held time free again.
  await page.locator(`form:has(input[name="start"][value="${start}"])`).first().getByTestId("time-option").click();
  await expect(page.getByRole("heading", { level: 1, name: "Check your booking" })).toBeVisible();
  await page.goBack();
  await expect(page.getByTestId("time-option").first()).toBeVisible();
  await expect(page).toHaveURL(/[?&]day=\d{4}-\d{2}-\d{2}/);
  await expect(page.locator(`input[name="start"][value="${start}"]`).first()).toBeAttached();
});
