import { expect, test } from "@playwright/test";
import { expectNoSeriousA11yViolations } from "./support/axe";
import { keepScreenshot } from "./support/artifacts";
import { confirmBooking, nextMonth, openFreeDay } from "./support/booking";
import { signInNewPatient } from "./support/patient";
import { clinicUrl } from "./support/urls";

test("the appointments page asks who you are first", async ({ page }) => {
  await page.goto(clinicUrl("northside", "/account"));
  await expect(page).toHaveURL(clinicUrl("northside", "/sign-in?redirectTo=%2Faccount"));
});

test("a new patient books on northside, sees the visit on /account and cancels it @phone", async ({ page, request }, testInfo) => {
  const shot = (name: string) => keepScreenshot(page, testInfo, `account-${name}`);
  // The two viewports run side by side; each books at its own location so they never compete.
  const locationName = testInfo.project.name === "phone" ? "Washington Heights" : "Harlem";

  await page.goto(clinicUrl("northside", "/book"));
  await page.getByTestId("service-option").first().click();
  const locations = page.getByTestId("location-option");
  const doctors = page.getByTestId("doctor-option");
  await expect(locations.or(doctors).first()).toBeVisible();
  if ((await locations.count()) > 0) {
    const mine = locations.filter({ hasText: locationName });
    await ((await mine.count()) > 0 ? mine : locations.first()).click();
  }
  await doctors.first().click();
  await expect(page.getByRole("heading", { level: 1, name: "Choose a day" })).toBeVisible();
  // Two months ahead: far outside the 48-hour window, and away from the days other specs book.
  for (let i = 0; i < 2; i++) {
    const month = await page.locator("#month-heading").innerText();
    await nextMonth(page);
    await expect(page.locator("#month-heading")).not.toHaveText(month);
  }
  await openFreeDay(page);
  const times = page.getByTestId("time-option");
  await (testInfo.project.name === "phone" ? times.last() : times.first()).click();

  await expect(page.getByRole("heading", { level: 1, name: "Check your booking" })).toBeVisible();
  const serviceName = (await page.getByTestId("visit-details").locator("dd").first().innerText()).trim();
  const when = (await page.getByTestId("visit-when").innerText()).trim();
  await page.getByRole("link", { name: "Sign in with your phone" }).click();
  await signInNewPatient(page, request, { first: "Ada", last: "Lovelace" });
  await expect(page.getByRole("heading", { level: 1, name: "Check your booking" })).toBeVisible();
  await confirmBooking(page);
  await expect(page.getByTestId("booking-done")).toBeVisible();

  await page.getByRole("link", { name: "My appointments" }).click();
  await expect(page).toHaveURL(clinicUrl("northside", "/account"));
  await expect(page.getByRole("heading", { level: 1, name: "Your appointments" })).toBeVisible();
  const visit = page.getByTestId("upcoming-appointments").getByTestId("account-appointment");
  await expect(visit).toHaveCount(1);
  await expect(visit).toContainText(serviceName);
  await expect(visit).toContainText("Ada Lovelace");
  await expect(visit.getByTestId("appointment-when")).toHaveText(when);
  await expect(visit.getByTestId("appointment-status")).toHaveText(/Confirmed|Waiting for the clinic to confirm/);
  await expect(visit.getByTestId("appointment-deadline")).toHaveText(/^\w+day \d{1,2} \w+ \d{4}, \d{1,2}:\d{2} [AP]M E[SD]T$/);
  await expect(visit.getByTestId("appointment-details")).toHaveAttribute("href", /^\/account\/appointments\/[0-9a-f-]{36}$/);
  await shot("1-upcoming");

  // "Cancel" asks first: nothing is cancelled until the patient says yes, and "Keep" keeps it.
  await visit.getByTestId("cancel-appointment").click();
  await expect(page.getByRole("heading", { level: 1, name: "Cancel this visit?" })).toBeVisible();
  await expect(page.getByTestId("cancel-visit")).toContainText(when);
  await expect(page.getByTestId("cancel-deposit")).not.toBeEmpty();
  await shot("2-cancel-confirm");
  await expectNoSeriousA11yViolations(page, "cancel confirm");
  await page.getByTestId("keep-visit").click();
  await expect(visit.getByTestId("appointment-status")).toHaveText(/Confirmed|Waiting for the clinic to confirm/);

  await visit.getByTestId("cancel-appointment").click();
  await page.getByLabel("My plans changed").check();
  await page.getByLabel(/should know/).fill("Travelling that week.");
  await page.getByTestId("confirm-cancel").click();
  await expect(page.getByTestId("cancelled-message")).toContainText(`Your ${serviceName} on ${when} is cancelled`);
  // Upcoming no longer lists it; it is under "Cancelled and moved".
  await expect(page.getByTestId("no-appointments")).toBeVisible();
  const cancelled = page.getByTestId("cancelled-appointments").getByTestId("account-appointment");
  await expect(cancelled.getByTestId("appointment-status")).toHaveText("Cancelled");
  await expect(cancelled.getByTestId("cancel-appointment")).toHaveCount(0);
  await shot("3-cancelled");
});
