import { expect, test } from "@playwright/test";
import { keepScreenshot } from "./support/artifacts";
import { expectNoSeriousA11yViolations } from "./support/axe";
import { confirmBooking, nextMonth } from "./support/booking";
import { signInNewPatient } from "./support/patient";
import { marketplaceUrl } from "./support/urls";

// A whole patient's way on a phone, end to end: more than the default 60 s on two cores.
test.describe.configure({ timeout: 180_000 });

test("on a phone: one sign-in on Medslot, search, a doctor's page, booking with the saved card, Back without a stranded hold, and cancelling after confirming @phone-only", async ({ page, request, browser }, testInfo) => {
  const shot = (name: string) => keepScreenshot(page, testInfo, `journey-${name}`);

  // Signed in once, on Medslot's own site, with a card saved there.
  await page.goto(marketplaceUrl("/sign-in?redirectTo=%2Faccount%2Fcards"));
  await signInNewPatient(page, request, { first: "Katherine", last: "Coleman" }, { international: true });
  await expect(page).toHaveURL(marketplaceUrl("/account/cards"));
  await page.getByLabel("Card number").fill("4242 4242 4242 4242");
  await page.getByLabel("Expiry (MM/YY)").fill("1234");
  await page.getByLabel("Security code").fill("123");
  await page.getByRole("button", { name: "Save card" }).click();
  await expect(page.getByTestId("saved-card")).toHaveCount(1);
  await expect(page.getByTestId("saved-card")).toContainText("Visa •••• 4242");

  // One search from the home page finds the doctor by a misspelled name.
  await page.goto(marketplaceUrl("/"));
  await page.getByLabel("Search clinics, services or doctors").fill("Patl");
  await page.getByRole("button", { name: "Search" }).click();
  const doctor = page.getByTestId("doctor-result").filter({ hasText: "Dr. Anjali Patel" });
  await doctor.getByRole("link", { name: "Dr. Anjali Patel" }).click();
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Dr. Anjali Patel");
  await shot("1-doctor");

  // A free time of the annual physical (it asks for a deposit) leads into the clinic's booking,
  // signed in there too, at that day's times with the time picked out.
  const physical = page.locator("article, section, li").filter({ has: page.getByRole("heading", { name: "Annual physical" }) }).last();
  const freeTime = physical.getByTestId("free-time").first();
  await expect(freeTime).toHaveAttribute("href", /^\/go\?to=northside&next=%2Fbook%3F/);
  await freeTime.click();
  await expect(page).toHaveURL(/^http:\/\/northside\.localhost:\d+\/book\?.*day=\d{4}-\d{2}-\d{2}.*#t-/);
  await expect(page.getByTestId("signed-in-as")).toContainText("Katherine");
  const anchor = new URL(page.url()).hash.slice(1);
  await expect(page.locator(`[id="${anchor}"]`)).toBeVisible();
  await shot("2-times");
  // The earliest times are everyone's (other specs book them side by side): this one books the last
  // time of the last free day two months on.
  await page.getByRole("link", { name: "Other days" }).click();
  await nextMonth(page);
  await nextMonth(page);
  await page.getByTestId("free-day").last().click();
  const picked = page.getByTestId("time-option").last().locator("xpath=..");
  const start = (await picked.locator('input[name="start"]').getAttribute("value"))!;
  await picked.getByTestId("time-option").click();

  // The review offers the saved card, chosen.
  await expect(page.getByRole("heading", { level: 1, name: "Check your booking" })).toBeVisible();
  const saved = page.getByTestId("card-picker").getByRole("radio", { name: /Visa •••• 4242/ });
  await expect(saved).toBeChecked();

  // Back returns to the times, and the time is no one's any more: another visitor is offered it.
  await page.goBack();
  await expect(page.getByTestId("time-option").first()).toBeVisible();
  await page.reload();
  await expect(page.locator(`input[name="start"][value="${start}"]`).first()).toBeAttached();
  const other = await browser.newContext();
  const stranger = await other.newPage();
  await stranger.goto(page.url().replace(/#.*$/, ""));
  await expect(stranger.locator(`input[name="start"][value="${start}"]`).first()).toBeAttached();
  await other.close();

  // Chosen again and booked with the saved card.
  await page.locator(`input[name="start"][value="${start}"]`).first().locator("xpath=..").getByTestId("time-option").click();
  await expect(page.getByRole("heading", { level: 1, name: "Check your booking" })).toBeVisible();
  await expectNoSeriousA11yViolations(page, "review with a saved card");
  await confirmBooking(page);
  await expect(page.getByTestId("booking-done")).toBeVisible();
  await expect(page.getByTestId("booking-code")).toHaveText(/^NOR-[2-9A-HJKMNP-TV-Z]{5}$/);
  await shot("3-booked");

  // Cancelling asks first, says what happens to the deposit, and takes an optional reason.
  await page.goto(page.url().replace(/\/book\/done\/.*$/, "/account"));
  const visit = page.getByTestId("upcoming-appointments").getByTestId("account-appointment").first();
  await visit.getByTestId("cancel-appointment").click();
  await expect(page.getByRole("heading", { level: 1, name: "Cancel this visit?" })).toBeVisible();
  await expect(page.getByTestId("cancel-deposit")).not.toBeEmpty();
  await shot("4-cancel");
  await page.getByLabel("My plans changed").check();
  await page.getByTestId("confirm-cancel").click();
  await expect(page.getByTestId("cancelled-message")).toContainText("is cancelled");
  await expect(page.getByTestId("cancelled-appointments").getByTestId("account-appointment").first().getByTestId("appointment-status")).toHaveText("Cancelled");
  // Nothing on the page is wider than the phone.
  expect(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)).toBe(true);
});
