import { expect, type Locator, type Page } from "@playwright/test";

/** The day with the most free times among the calendar's free days. */
async function busiestDay(free: Locator) {
  const labels = await free.evaluateAll((links) => links.map((l) => l.getAttribute("aria-label") ?? ""));
  const counts = labels.map((l) => Number(/(\d+) free time/.exec(l)?.[1] ?? 0));
  return free.nth(counts.indexOf(Math.max(...counts)));
}

/**
 * Shows the next month and waits until it is on screen: with JavaScript the calendar changes in
 * place, so the old month's days are still there for a moment after the click.
 */
export async function nextMonth(page: Page) {
  const heading = page.locator("#month-heading");
  const before = await heading.innerText();
  await page.getByTestId("next-month").click();
  await expect(heading).not.toHaveText(before);
}

/** Opens the first (or busiest) day with free times, looking a few months ahead if needed. */
export async function openFreeDay(page: Page, which: "first" | "busiest" = "first") {
  for (let i = 0; i < 3; i++) {
    const free = page.getByTestId("free-day");
    if ((await free.count()) > 0) {
      const day = which === "first" ? free.first() : await busiestDay(free);
      await expect(day).toHaveAttribute("aria-label", /^\w+day \d{1,2} \w+, \d+ free times?$/);
      await day.click();
      await expect(page).toHaveURL(/[?&]day=\d{4}-\d{2}-\d{2}/);
      return;
    }
    await nextMonth(page);
  }
  throw new Error("no free day in three months");
}

/** The demo's always-approved test card. */
export const TEST_CARD = { number: "4242 4242 4242 4242", expiry: "12/34", cvc: "123" };

/**
 * Confirms the booking on the review page, first giving the deposit's card when the visit asks
 * for one (a new test card, unless a saved card is already chosen).
 */
export async function confirmBooking(page: Page, card: { number: string; expiry: string; cvc: string } = TEST_CARD) {
  // The review page must be there before asking whether it has a card step.
  await expect(page.getByRole("button", { name: "Confirm booking" })).toBeVisible();
  const picker = page.getByTestId("card-picker");
  if ((await picker.count()) > 0) {
    await expect(picker.getByTestId("demo-payments")).toContainText("no card is charged");
    const number = picker.getByLabel("Card number");
    if (await number.isVisible()) {
      await number.fill(card.number);
      await picker.getByLabel("Expiry (MM/YY)").fill(card.expiry);
      await picker.getByLabel("Security code").fill(card.cvc);
    }
  }
  await page.getByRole("button", { name: "Confirm booking" }).click();
}
