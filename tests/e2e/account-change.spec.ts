import { expect, test, type Page } from "@playwright/test";
import { keepScreenshot } from "./support/artifacts";
import { expectNoSeriousA11yViolations } from "./support/axe";
import { confirmBooking, nextMonth } from "./support/booking";
import { proposeTimeInDatabase } from "./support/flexible-requests";
import { signInNewPatient } from "./support/patient";
import { clinicUrl } from "./support/urls";

// Each test walks a whole booking and a change through the real server: more than the default 30 s.
test.describe.configure({ timeout: 120_000 });

/** Forward `months` months on the booking calendar, waiting for each to load. */
async function monthsAhead(page: Page, months: number) {
  for (let i = 0; i < months; i++) await nextMonth(page);
}

/** Annual physical at the viewport's own location with any doctor, on the calendar `months` ahead. */
async function openCalendar(page: Page, location: string, months: number) {
  await page.goto(clinicUrl("northside", "/book"));
  await page.getByTestId("service-option").filter({ hasText: "Annual physical" }).click();
  await page.getByTestId("location-option").filter({ hasText: location }).click();
  await page.getByTestId("doctor-option").filter({ hasText: "Any doctor" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Choose a day" })).toBeVisible();
  await monthsAhead(page, months);
  await expect(page.getByTestId("free-day").first()).toBeVisible();
}

test("a new patient books, opens the appointment's page and printable sheet, and moves it to another day @phone", async ({ page, request }, testInfo) => {
  const shot = (name: string) => keepScreenshot(page, testInfo, `account-change-${name}`);
  // The two viewports run side by side; each books at its own location, months away from other specs.
  const location = testInfo.project.name === "phone" ? "Washington Heights" : "Harlem";

  await openCalendar(page, location, 3);
  await page.getByTestId("free-day").first().click();
  await page.getByTestId("time-option").nth(1).click();
  await expect(page.getByRole("heading", { level: 1, name: "Check your booking" })).toBeVisible();
  const when = (await page.getByTestId("visit-when").innerText()).trim();
  await page.getByRole("link", { name: "Sign in with your phone" }).click();
  await signInNewPatient(page, request, { first: "Grace", last: "Hopper" });
  await confirmBooking(page);
  await expect(page.getByTestId("booking-done")).toBeVisible();
  // A short code to quote on the phone, the same on the receipt and the visit's page.
  const code = (await page.getByTestId("booking-code").innerText()).trim();
  expect(code).toMatch(/^NOR-[2-9A-HJKMNP-TV-Z]{5}$/);

  // The account's card leads to the appointment's own page.
  await page.goto(clinicUrl("northside", "/account"));
  const card = page.getByTestId("upcoming-appointments").getByTestId("account-appointment");
  await expect(card.getByTestId("change-appointment")).toBeVisible();
  await card.getByTestId("appointment-details").click();
  await expect(page.getByRole("heading", { level: 1, name: "Annual physical" })).toBeVisible();
  await expect(page.getByTestId("visit-when")).toHaveText(when);
  const details = page.getByTestId("visit-details");
  await expect(details).toContainText("Grace Hopper");
  await expect(details).toContainText(location);
  await expect(details).toContainText("Clinic time (America/New_York)");
  await expect(page.getByTestId("appointment-payment")).not.toBeEmpty();
  await expect(page.getByTestId("cancellation-policy")).toContainText(/You can cancel or move this visit online until \w+day \d{1,2} \w+ \d{4}, \d{1,2}:\d{2} [AP]M E[SD]T/);
  await expect(page.getByTestId("status-history")).toContainText("Booked (confirmed) by you");
  await expect(page.getByTestId("add-to-calendar")).toHaveAttribute("href", /^\/account\/appointments\/[0-9a-f-]{36}\/calendar\.ics$/);
  const download = page.waitForEvent("download");
  await page.getByTestId("add-to-calendar").click();
  const file = await download;
  expect(file.suggestedFilename()).toBe("appointment-northside.ics");
  const ics = await page.evaluate(async (href) => {
    const answer = await fetch(href);
    return { type: answer.headers.get("content-type"), body: await answer.text() };
  }, (await page.getByTestId("add-to-calendar").getAttribute("href"))!);
  expect(ics.type).toContain("text/calendar");
  expect(ics.body).toMatch(/BEGIN:VEVENT[\s\S]*SUMMARY:Annual physical/);
  await expect(page.getByTestId("booking-code")).toHaveText(code);
  const uid = /\r\nUID:([^\r]+)\r\n/.exec(ics.body)![1];
  expect(ics.body).toContain("\r\nSEQUENCE:0\r\n");
  await shot("1-appointment");
  await expectNoSeriousA11yViolations(page, page.url());

  // The printed sheet: the visit without the site's header, tabs or buttons.
  await expect(page.getByTestId("print-button")).toBeVisible();
  await page.emulateMedia({ media: "print" });
  await expect(page.getByRole("navigation", { name: "Your account" })).toBeHidden();
  await expect(page.getByTestId("print-button")).toBeHidden();
  await expect(page.getByTestId("change-appointment")).toBeHidden();
  await expect(page.getByTestId("visit-details")).toBeVisible();
  await shot("2-print");
  await page.emulateMedia({ media: "screen" });

  // Change: the calendar opens on the visit's month; another day, a time, the review, confirm.
  await page.getByTestId("change-appointment").click();
  await expect(page.getByRole("heading", { level: 1, name: "Change your appointment" })).toBeVisible();
  await expect(page.getByTestId("current-when")).toHaveText(when);
  await page.getByTestId("any-doctor").click();
  await expect(page.getByTestId("any-doctor")).toHaveAttribute("aria-current", "true");
  await shot("3-change-calendar");
  await expectNoSeriousA11yViolations(page, page.url());
  const days = page.getByTestId("free-day");
  await days.nth((await days.count()) - 1).click();
  await expect(page.getByTestId("time-zone")).toContainText("America/New_York");
  await shot("4-change-times");
  await page.getByTestId("time-option").first().click();

  await expect(page.getByRole("heading", { level: 1, name: "Check the change" })).toBeVisible();
  const review = page.getByTestId("change-review");
  await expect(review).toContainText(when);
  await expect(page.getByTestId("new-policy")).toContainText(/until \w+day \d{1,2} \w+ \d{4}/);
  await shot("5-change-review");
  await expectNoSeriousA11yViolations(page, page.url());
  await page.getByTestId("confirm-change").click();

  await expect(page.getByTestId("moved-message")).toBeVisible();
  const newWhen = (await page.getByTestId("visit-when").innerText()).trim();
  expect(newWhen).not.toBe(when);
  await expect(page.getByTestId("moved-message")).toContainText(newWhen);
  await expect(page.getByTestId("visit-details")).toContainText(`Moved from${when}`);
  // The booking keeps its code, and its calendar event: the same UID, one step further on.
  await expect(page.getByTestId("booking-code")).toHaveText(code);
  const movedIcs = await page.evaluate(async (href) => (await fetch(href)).text(), (await page.getByTestId("add-to-calendar").getAttribute("href"))!);
  expect(movedIcs).toContain(`\r\nUID:${uid}\r\n`);
  expect(movedIcs).toContain("\r\nSEQUENCE:1\r\n");
  await shot("6-moved");

  // The list shows the new time as upcoming, and the old one only under "Cancelled and moved",
  // pointing at the new time and holding no deposit of its own.
  await page.goto(clinicUrl("northside", "/account"));
  const upcoming = page.getByTestId("upcoming-appointments").getByTestId("account-appointment");
  await expect(upcoming).toHaveCount(1);
  await expect(upcoming.getByTestId("appointment-when")).toHaveText(newWhen);
  await expect(upcoming.getByTestId("appointment-status")).toHaveText("Confirmed");
  const old = page.getByTestId("cancelled-appointments").getByTestId("account-appointment");
  await expect(old.getByTestId("appointment-when")).toHaveText(when);
  await expect(old.getByTestId("appointment-status")).toHaveText("Moved to another time");
  await expect(old.getByTestId("appointment-moved-to")).toHaveText(newWhen);
  await expect(old.getByTestId("appointment-payment")).not.toContainText("reserved");
  await shot("7-list");
});

test("a patient sends a flexible request and accepts the time the clinic proposes", async ({ page, request }, testInfo) => {
  const shot = (name: string) => keepScreenshot(page, testInfo, `account-requests-${name}`);
  await page.goto(clinicUrl("northside", "/sign-in?redirectTo=%2Faccount%2Frequests"));
  await signInNewPatient(page, request, { first: "Katherine", last: "Johnson" });
  await expect(page.getByRole("heading", { level: 1, name: "Flexible requests" })).toBeVisible();
  await expect(page.getByTestId("no-requests")).toBeVisible();

  // Bad input first: a time of day that ends before it starts.
  await page.getByLabel("What is the visit for?").selectOption({ label: "Annual physical" });
  await page.getByLabel("From").fill("15:00");
  await page.getByLabel("Until").fill("09:00");
  await page.getByTestId("send-request").click();
  await expect(page.getByTestId("request-form-error")).toHaveText("Please check the highlighted fields.");
  await expect(page.getByLabel("Until")).toHaveAttribute("aria-invalid", "true");
  await expect(page.getByText("The end of the time of day must be later than its start.")).toBeVisible();
  await shot("1-invalid");
  await expectNoSeriousA11yViolations(page, page.url());

  await page.getByLabel("Until").fill("17:00");
  await page.getByLabel("Tuesday").check();
  await page.getByLabel("Thursday").check();
  await page.getByLabel(/Anything the clinic should know/).fill("Afternoons after school pickup");
  await page.getByTestId("send-request").click();
  await expect(page.getByTestId("request-done")).toContainText("Your request is sent");
  const card = page.getByTestId("flexible-request");
  await expect(card).toHaveCount(1);
  await expect(card.getByTestId("request-status")).toHaveText("Waiting for the clinic to find a time");
  await expect(card).toContainText("Tuesday, Thursday");
  await expect(card).toContainText("Between 3:00 PM and 5:00 PM");
  const requestId = await card.locator('input[name="requestId"]').first().inputValue();
  await shot("2-sent");

  // The desk proposes a free time: one the booking calendar offers, four months ahead (Harlem, so
  // it never meets the phone viewport's bookings).
  await openCalendar(page, "Harlem", 4);
  const bookingUrl = new URL(page.url());
  await page.getByTestId("free-day").last().click();
  const slot = page.getByTestId("time-option").last().locator("xpath=..");
  const start = await slot.locator('input[name="start"]').inputValue();
  const doctorId = await slot.locator('input[name="practitioner"]').inputValue();
  await proposeTimeInDatabase("northside", requestId, { start, doctorId, locationId: bookingUrl.searchParams.get("location")! });

  await page.goto(clinicUrl("northside", "/account/requests"));
  const proposed = page.getByTestId("flexible-request");
  await expect(proposed.getByTestId("request-status")).toHaveText(/^The clinic proposes \w+day \d{1,2} \w+ \d{4}, \d{1,2}:\d{2} [AP]M E[SD]T: accept or decline until /);
  await expect(proposed.getByTestId("request-proposal")).toContainText("Harlem");
  await shot("3-proposed");
  await expectNoSeriousA11yViolations(page, page.url());
  await proposed.getByTestId("accept-proposal").click();

  await expect(page.getByTestId("request-done")).toContainText("Booked.");
  await expect(page.getByTestId("flexible-request").getByTestId("request-status")).toHaveText(/^Booked for /);
  await expect(page.getByTestId("flexible-request").getByTestId("withdraw-request")).toHaveCount(0);
  await shot("4-accepted");
  await page.getByTestId("booking-info").getByRole("link", { name: "See the appointment" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Annual physical" })).toBeVisible();
  await expect(page.getByTestId("visit-details")).toContainText("Katherine Johnson");
});
