import { expect, test } from "@playwright/test";
import { expectNoSeriousA11yViolations } from "./support/axe";
import { confirmBooking, nextMonth, openFreeDay } from "./support/booking";
import { signInNewPatient } from "./support/patient";
import { clinicUrl, marketplaceUrl } from "./support/urls";

// Phone and desktop lay pages out differently (contrast, overlap, target sizes), so both run.

test("the booking steps on a clinic's site have no serious accessibility violations @phone", async ({ page, request }, testInfo) => {
  test.setTimeout(120_000);
  // Each viewport books at its own location so the two runs never compete for a time.
  const phone = testInfo.project.name === "phone";
  await page.goto(clinicUrl("northside", "/"));
  await expectNoSeriousA11yViolations(page, "clinic home");
  await page.goto(clinicUrl("northside", "/book"));
  await expectNoSeriousA11yViolations(page, "services");
  await page.getByTestId("service-option").filter({ hasText: "Well-child check-up" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Where would you like to be seen?" })).toBeVisible();
  await expectNoSeriousA11yViolations(page, "location");
  await (phone ? page.getByTestId("location-option").last() : page.getByTestId("location-option").first()).click();
  await expect(page.getByRole("heading", { level: 1, name: "Who would you like to see?" })).toBeVisible();
  await expectNoSeriousA11yViolations(page, "doctor");
  await page.getByTestId("doctor-option").filter({ hasText: "Any doctor" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Choose a day" })).toBeVisible();
  await expectNoSeriousA11yViolations(page, "calendar");
  await nextMonth(page);
  await openFreeDay(page);
  await expect(page.getByTestId("time-option").first()).toBeVisible();
  await expectNoSeriousA11yViolations(page, "times");
  await page.getByTestId("time-option").nth(1).click();
  await expect(page.getByRole("heading", { level: 1, name: "Check your booking" })).toBeVisible();
  await expectNoSeriousA11yViolations(page, "review, signed out");
  await page.getByRole("link", { name: "Sign in with your phone" }).click();
  await expectNoSeriousA11yViolations(page, "sign-in");
  await signInNewPatient(page, request, { first: "Alan", last: "Turing" });
  await expect(page.getByRole("heading", { level: 1, name: "Check your booking" })).toBeVisible();
  await expectNoSeriousA11yViolations(page, "review, signed in");
  await confirmBooking(page);
  await expect(page.getByTestId("booking-done")).toBeVisible();
  await expectNoSeriousA11yViolations(page, "confirmation");
  await page.goto(clinicUrl("northside", "/account"));
  await expect(page.getByTestId("upcoming-appointments")).toBeVisible();
  await expectNoSeriousA11yViolations(page, "account");
});

test("the marketplace pages have no serious accessibility violations @phone", async ({ page }) => {
  test.setTimeout(120_000);
  for (const path of ["/", "/search", "/search?q=dentl+clening", "/search?sort=price&page=2", "/search?q=zzzzqqq", "/compare?service=dental+cleaning", "/compare?service=zzzzqqq", "/clinics", "/clinics/northside", "/sign-in"]) {
    await page.goto(marketplaceUrl(path));
    await expectNoSeriousA11yViolations(page, path);
  }
});
