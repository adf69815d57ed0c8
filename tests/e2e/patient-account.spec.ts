import { expect, test } from "@playwright/test";
import { expectNoSeriousA11yViolations } from "./support/axe";
import { keepScreenshot } from "./support/artifacts";
import { confirmBooking, nextMonth, openFreeDay } from "./support/booking";
import { signInNewPatient } from "./support/patient";
import { signInPatient, signInStaff } from "./support/sessions";
import { clinicUrl } from "./support/urls";
import { fillDoctorsDay, newPatientAt, offered, pastVisit, setVisitReasons } from "./support/visits";

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

test("book again from a past visit lands on the times with the same choices; a fully booked day offers the earlier-time waitlist @phone", async ({ page }, testInfo) => {
  test.setTimeout(90_000);
  const shot = (name: string) => keepScreenshot(page, testInfo, `book-again-${name}`);
  const phone = testInfo.project.name === "phone";
  const visit = await offered("northside", "Well-child check-up", "dr.patel@northside.test", phone ? "Washington Heights" : "Harlem");
  const patient = await newPatientAt(visit.clinicId, { first: "Rosalind", last: phone ? "Franklin" : "Elion" });
  await pastVisit(visit, patient.id, phone ? 40 : 41);
  // The two viewports run side by side: each fills its own day of Dr. Patel's, weeks away from other specs.
  const fullDay = await fillDoctorsDay(visit, phone ? 52 : 45);

  await signInPatient(page, patient.phone, { clinic: "northside", landing: "/account" });
  const past = page.getByTestId("past-appointments").getByTestId("account-appointment");
  await expect(past).toHaveCount(1);
  await expect(past).toContainText(visit.serviceName);
  await shot("1-past");
  await past.getByTestId("book-again").click();

  // The first free day's times, with the same service, location and doctor.
  await expect(page).toHaveURL(new RegExp(`/book\\?service=${visit.serviceId}&location=${visit.locationId}&doctor=${visit.doctorId}&day=\\d{4}-\\d{2}-\\d{2}$`));
  await expect(page.getByTestId("time-option").first()).toBeVisible();
  await expect(page.getByTestId("choice-summary")).toContainText(visit.serviceName);
  await expect(page.getByTestId("choice-summary")).toContainText(visit.locationName);
  await expect(page.getByTestId("choice-summary")).toContainText(visit.doctorName);
  await shot("2-times");
  await expectNoSeriousA11yViolations(page, "book again times");

  // Other days: the filled day is marked fully booked and leads to its page.
  await page.getByRole("link", { name: "Other days" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Choose a day" })).toBeVisible();
  const full = page.locator(`a[href*="day=${fullDay}"]`);
  for (let i = 0; i < 3 && (await full.count()) === 0; i++) await nextMonth(page);
  await expect(full).toHaveAttribute("data-testid", "full-day");
  await expect(full).toHaveAttribute("aria-label", /, fully booked$/);
  await expect(page.getByTestId("full-days-note")).toBeVisible();
  await shot("3-calendar");
  await expectNoSeriousA11yViolations(page, "calendar with a fully booked day");
  await full.click();
  await expect(page.getByTestId("day-full")).toBeVisible();
  const offer = page.getByTestId("waitlist-offer");
  await expect(offer).toContainText(`with ${visit.doctorName}`);
  await shot("4-full-day");
  await expectNoSeriousA11yViolations(page, "full day");

  await offer.getByRole("button", { name: "Tell me if an earlier time frees up" }).click();
  const joined = page.getByTestId("waitlist-joined");
  await expect(joined).toContainText("You are on the waitlist");
  await expect(page.getByTestId("join-waitlist")).toHaveCount(0);
  await shot("5-joined");
  // Coming back to the day later: already waiting, so no second request is offered.
  await page.goto(page.url().replace("&waitlist=joined", ""));
  await expect(page.getByTestId("waitlist-joined")).toContainText("You are already on the waitlist");
  await page.getByRole("link", { name: "See or withdraw your waitlist requests" }).click();
  await expect(page).toHaveURL(clinicUrl("northside", "/account/requests"));
  const request = page.getByTestId("flexible-request");
  await expect(request).toHaveCount(1);
  await expect(request).toContainText(visit.serviceName);
  await expect(request).toContainText(`With ${visit.doctorName}`);
  await expect(request).toContainText(/Until \w+day/);
});

test("the reason chosen at booking shows on the doctor's My day", async ({ page, browser }, testInfo) => {
  test.setTimeout(90_000);
  const service = await offered("northside", "Sports injury assessment", "dr.patel@northside.test", "Washington Heights");
  await setVisitReasons(service, ["Check-up", "Pain", "Follow-up"]);
  const patient = await newPatientAt(service.clinicId, { first: "Marie", last: "Curie" });
  await signInPatient(page, patient.phone, { clinic: "northside", landing: `/book?service=${service.serviceId}&location=${service.locationId}&doctor=${service.doctorId}` });
  await openFreeDay(page);
  const day = new URL(page.url()).searchParams.get("day")!;
  await page.getByTestId("time-option").last().click();
  await expect(page.getByRole("heading", { level: 1, name: "Check your booking" })).toBeVisible();

  const reason = page.getByTestId("visit-reason");
  await expect(page.getByRole("group", { name: "Reason for your visit" })).toBeVisible();
  await reason.getByLabel("Pain").check();
  await page.getByLabel(/Anything the clinic should know/).fill("Twisted my ankle running");
  await keepScreenshot(page, testInfo, "visit-reason-1-review");
  await expectNoSeriousA11yViolations(page, "review with reasons");
  await confirmBooking(page);
  await expect(page.getByTestId("booking-done")).toBeVisible();

  // Dr. Patel's day lists the visit with the reason and the note.
  const staff = await browser.newPage();
  try {
    await signInStaff(staff, "dr.patel@northside.test", { landing: `/panel/my-day?day=${day}` });
    const row = staff.getByTestId("my-day-visits").locator("li").filter({ hasText: "Marie Curie" });
    await expect(row.getByTestId("visit-reason")).toHaveText("Reason: Pain · “Twisted my ankle running”");
    await keepScreenshot(staff, testInfo, "visit-reason-2-my-day");
    await expectNoSeriousA11yViolations(staff, "my day with reasons");
  } finally {
    await staff.close();
  }
});
