import { expect, test } from "@playwright/test";
import { keepScreenshot } from "./support/artifacts";
import { expectNoSeriousA11yViolations } from "./support/axe";
import { confirmBooking, nextMonth, openFreeDay } from "./support/booking";
import { signInNewPatient } from "./support/patient";
import { clinicUrl } from "./support/urls";

const icsUtc = (iso: string) => new Date(iso).toISOString().replace(/[-:]/g, "").replace(/\.\d{3}/, "");

test("a new patient books a visit on northside: service, day, time, SMS sign-in, confirmation and calendar file @phone", async ({ page, request }, testInfo) => {
  const shot = (name: string) => keepScreenshot(page, testInfo, `booking-${name}`);
  // The two viewports run side by side; each books at its own location so they never compete.
  const locationName = testInfo.project.name === "phone" ? "Washington Heights" : "Harlem";

  await page.goto(clinicUrl("northside", "/book"));
  await expect(page.getByRole("heading", { level: 1, name: "Book an appointment" })).toBeVisible();
  await expect(page.getByTestId("call-clinic").locator('a[href^="tel:"]')).not.toHaveCount(0);
  await expect(page.getByTestId("service-option").filter({ hasText: "Annual physical" })).toContainText("$220.00");
  await expect(page.getByTestId("service-option").filter({ hasText: "Annual physical" }).getByTestId("service-discounts")).toContainText("Quiet Tuesdays: 10% off on Tuesdays");
  await shot("1-services");

  await page.getByTestId("service-option").filter({ hasText: "Annual physical" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Where would you like to be seen?" })).toBeVisible();
  await shot("2-location");
  await page.getByTestId("location-option").filter({ hasText: locationName }).click();

  await expect(page.getByRole("heading", { level: 1, name: "Who would you like to see?" })).toBeVisible();
  await shot("3-doctor");
  await page.getByTestId("doctor-option").filter({ hasText: "Any doctor" }).click();

  await expect(page.getByRole("heading", { level: 1, name: "Choose a day" })).toBeVisible();
  await shot("4-calendar");
  // A visit next month is well outside its cancellation window, so the policy names a deadline.
  const thisMonth = await page.locator("#month-heading").innerText();
  await nextMonth(page);
  await expect(page.locator("#month-heading")).not.toHaveText(thisMonth);
  await openFreeDay(page);

  await expect(page.getByTestId("time-zone")).toContainText("America/New_York");
  await shot("5-times");
  const times = page.getByTestId("time-option");
  const chosen = testInfo.project.name === "phone" ? times.last() : times.first();
  const start = await chosen.locator("xpath=..").locator('input[name="start"]').inputValue();
  await chosen.click();

  await expect(page.getByRole("heading", { level: 1, name: "Check your booking" })).toBeVisible();
  await expect(page.getByTestId("hold-minutes")).toContainText(/holding this time for you for (10:00|9:[0-5]\d) more\./);
  await expect(page.getByTestId("cancellation-policy")).toContainText(/until \w+day \d+ \w+ \d{4}, \d{1,2}:\d{2} [AP]M E[SD]T/);
  await expect(page.getByTestId("visit-details")).toContainText("Fast for 8 hours");
  await expect(page.getByTestId("visit-details")).toContainText(locationName);
  await shot("6-review");

  await page.getByRole("link", { name: "Sign in with your phone" }).click();
  await signInNewPatient(page, request, { first: "Grace", last: "Hopper" });

  // Back on the review with the same hold: the browser's booking cookie outlived the sign-in.
  await expect(page.getByRole("heading", { level: 1, name: "Check your booking" })).toBeVisible();
  await expect(page.getByRole("group", { name: "Who is the visit for?" }).getByLabel("Me", { exact: true })).toBeChecked();
  await shot("7-who");
  await confirmBooking(page);

  await expect(page).toHaveURL(/\/book\/done\/[0-9a-f-]{36}$/);
  await expect(page.getByTestId("booking-done")).toHaveText("You're booked");
  await expect(page.getByTestId("visit-details")).toContainText("Grace Hopper");
  // The clinic's number, where the receipt says to call, is a link a phone can dial.
  await expect(page.getByTestId("clinic-phone")).toHaveAttribute("href", /^tel:\+1\d{10}$/);
  await shot("8-done");
  // The printable page leaves out the site's header, footer and buttons.
  await page.emulateMedia({ media: "print" });
  await expect(page.getByTestId("add-to-calendar")).toBeHidden();
  await expect(page.getByRole("banner")).toBeHidden();
  await shot("9-print");
  await page.emulateMedia({ media: "screen" });

  const download = page.waitForEvent("download");
  await page.getByTestId("add-to-calendar").click();
  const file = await download;
  const ics = await file.path().then((p) => import("node:fs").then((fs) => fs.readFileSync(p, "utf8")));
  expect(ics).toContain("BEGIN:VCALENDAR");
  expect(ics).toContain(`DTSTART:${icsUtc(start)}`);
  expect(ics).toMatch(/DTEND:\d{8}T\d{6}Z/);
  expect(ics).toContain("SUMMARY:Annual physical · Northside");
  expect(ics).toMatch(/LOCATION:[^\r\n]*\\,/);
  // The file links back to the visit's page and reminds an hour before.
  const appointmentId = new URL(page.url()).pathname.split("/").pop()!;
  expect(ics.replace(/\r\n /g, "")).toContain(`URL:${clinicUrl("northside", `/account/appointments/${appointmentId}`)}`);
  expect(ics).toContain("BEGIN:VALARM");
  // Google and Outlook get the same event.
  const google = new URL((await page.getByTestId("add-to-google").getAttribute("href"))!);
  expect(google.host).toBe("calendar.google.com");
  expect(google.searchParams.get("dates")).toMatch(new RegExp(`^${icsUtc(start)}/\\d{8}T\\d{6}Z$`));
  expect(google.searchParams.get("text")).toBe("Annual physical · Northside Family Health");
  expect(await page.getByTestId("add-to-outlook").getAttribute("href")).toMatch(/^https:\/\/outlook\.live\.com\/calendar\//);
  // Node cannot resolve *.localhost, so the browser itself reads the header.
  const type = await page.evaluate(async () => (await fetch(`${location.pathname}/calendar.ics`)).headers.get("content-type"));
  expect(type).toContain("text/calendar");
});

test("a time someone else takes between viewing and choosing is refused with the fresh times @phone", async ({ page, browser }, testInfo) => {
  // Each viewport books its own service so the two runs never meet; both are offered at one
  // location only, so that step is skipped.
  const service = testInfo.project.name === "phone" ? "Sports injury assessment" : "Full-body skin check";
  await page.goto(clinicUrl("northside", "/book"));
  await page.getByTestId("service-option").filter({ hasText: service }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Who would you like to see?" })).toBeVisible();
  await page.getByTestId("doctor-option").nth(1).click();
  // Next month's days are emptier, so a refused time leaves other times on the same day.
  await nextMonth(page);
  await openFreeDay(page, "busiest");
  const wanted = page.getByTestId("time-option").first();
  const start = await wanted.locator("xpath=..").locator('input[name="start"]').inputValue();

  const other = await browser.newContext();
  const rival = await other.newPage();
  await rival.goto(page.url());
  await rival.locator(`form:has(input[name="start"][value="${start}"])`).getByTestId("time-option").click();
  await expect(rival.getByRole("heading", { level: 1, name: "Check your booking" })).toBeVisible();
  await other.close();

  await wanted.click();
  await expect(page.getByTestId("booking-error")).toContainText("someone just took this time");
  await expect(page.locator(`input[name="start"][value="${start}"]`)).toHaveCount(0);
  await expect(page.getByTestId("time-option").first()).toBeVisible();
  await keepScreenshot(page, testInfo, "booking-taken");
});

test("bad booking addresses start over instead of failing", async ({ page }) => {
  for (const path of ["/book?service=nope", "/book?service=00000000-0000-4000-8000-000000000000", "/book?day=2026-02-30", "/book/review?hold=x"]) {
    const answer = await page.goto(clinicUrl("northside", path));
    expect(answer?.status(), path).toBe(200);
    await expect(page).toHaveURL(clinicUrl("northside", "/book"));
  }
});

test("the booking steps work without JavaScript, up to the held time", async ({ browser }, testInfo) => {
  const context = await browser.newContext({ javaScriptEnabled: false });
  const page = await context.newPage();
  await page.goto(clinicUrl("northside", "/book"));
  await page.getByTestId("service-option").filter({ hasText: "Well-child check-up" }).click();
  await page.getByTestId("location-option").filter({ hasText: "Harlem" }).click();
  await page.getByTestId("doctor-option").filter({ hasText: "Any doctor" }).click();
  await nextMonth(page);
  await openFreeDay(page, "busiest");
  await page.getByTestId("time-option").last().click();
  await expect(page.getByRole("heading", { level: 1, name: "Check your booking" })).toBeVisible();
  await expect(page.getByTestId("visit-details")).toContainText("Well-child check-up");
  await keepScreenshot(page, testInfo, "booking-no-js-review");
  await context.close();
});

test("a visitor whose own clock is in another zone is told the times are the clinic's and may see them on their own", async ({ browser }) => {
  const context = await browser.newContext({ timezoneId: "Europe/London" });
  const page = await context.newPage();
  await page.goto(clinicUrl("northside", "/book"));
  await expect(page.getByTestId("time-zone-note")).toHaveText("Times are in New York time (America/New_York).");

  // On a day's times, the visitor may switch to their own clock; the choice stays for the next visit.
  await page.getByTestId("service-option").filter({ hasText: "Annual physical" }).click();
  await page.getByTestId("location-option").first().click();
  await page.getByTestId("doctor-option").filter({ hasText: "Any doctor" }).click();
  await nextMonth(page);
  await page.getByTestId("free-day").first().click();
  const first = page.getByTestId("time-option").first();
  const start = (await first.locator("xpath=..").locator('input[name="start"]').getAttribute("value"))!;
  const clinicLabel = (await first.getByTestId("time-label").innerText()).trim();
  await expect(page.getByTestId("zone-clinic")).toHaveAttribute("aria-pressed", "true");
  await page.getByTestId("zone-mine").click();
  await expect(page.getByTestId("zone-mine")).toHaveAttribute("aria-pressed", "true");
  const london = new Intl.DateTimeFormat("en-US", { timeZone: "Europe/London", hour: "numeric", minute: "2-digit" }).format(new Date(start));
  await expect(first.getByTestId("time-label")).toHaveText(new RegExp(`^${london}`));
  expect(london).not.toBe(clinicLabel);
  await expect(page.getByTestId("time-zone")).toContainText("Europe/London, your own clock");
  await expectNoSeriousA11yViolations(page, page.url());
  await page.reload();
  await expect(page.getByTestId("zone-mine")).toHaveAttribute("aria-pressed", "true");
  await expect(page.getByTestId("time-option").first().getByTestId("time-label")).toHaveText(new RegExp(`^${london}`));
  // The review says the time on both clocks.
  await page.getByTestId("time-option").first().click();
  await expect(page.getByTestId("your-time")).toContainText("London time");
  // And lets the time go again for everyone.
  await page.getByTestId("another-time").click();
  await expect(page.getByTestId("time-option").first()).toBeVisible();
  await context.close();

  const local = await browser.newContext({ timezoneId: "America/New_York" });
  const neighbour = await local.newPage();
  await neighbour.goto(clinicUrl("northside", "/book"));
  await expect(neighbour.getByRole("heading", { level: 1, name: "Book an appointment" })).toBeVisible();
  await expect(neighbour.getByTestId("time-zone-note")).toHaveCount(0);
  await expect(neighbour.getByTestId("zone-toggle")).toHaveCount(0);
  await local.close();
});
