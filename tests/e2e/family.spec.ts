import { expect, test } from "@playwright/test";
import { keepScreenshot } from "./support/artifacts";
import { expectNoSeriousA11yViolations } from "./support/axe";
import { confirmBooking, nextMonth, openFreeDay } from "./support/booking";
import { signInNewPatient } from "./support/patient";
import { signInPatient } from "./support/sessions";
import { clinicUrl, marketplaceUrl } from "./support/urls";


test("books for a newly added child on northside, then sees the visit in the account and on the marketplace @phone", async ({ page, request }, testInfo) => {
  test.setTimeout(120_000);
  const shot = (name: string) => keepScreenshot(page, testInfo, `family-${name}`);
  // The two viewports run side by side; each books at its own location, three months ahead, away
  // from the days other specs book.
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
  for (let i = 0; i < 3; i++) {
    await nextMonth(page);
  }
  await openFreeDay(page);
  const times = page.getByTestId("time-option");
  await (testInfo.project.name === "phone" ? times.last() : times.nth(1)).click();

  await expect(page.getByRole("heading", { level: 1, name: "Check your booking" })).toBeVisible();
  const serviceName = (await page.getByTestId("visit-details").locator("dd").first().innerText()).trim();
  const when = (await page.getByTestId("visit-when").innerText()).trim();
  await page.getByRole("link", { name: "Sign in with your phone" }).click();
  const phone = await signInNewPatient(page, request, { first: "Grace", last: "Hopper" });
  await expect(page.getByRole("heading", { level: 1, name: "Check your booking" })).toBeVisible();

  // "Someone else in my family" opens the add form in place.
  const newPerson = page.getByTestId("new-person");
  await expect(newPerson).toBeHidden();
  await page.getByLabel("Someone else in my family").check();
  await expect(newPerson).toBeVisible();
  await shot("1-review-someone-else");

  // A mistake keeps the hold, the choice and what was typed.
  await newPerson.getByLabel("First name").fill("Ada");
  await page.getByTestId("add-dependent").click();
  await expect(page.getByTestId("booking-error")).toContainText("Check the details of the person you are adding");
  await expect(newPerson.getByTestId("lastName-error")).toHaveText("Enter the last name.");
  await expect(newPerson.getByTestId("relationship-error")).toHaveText("Choose how they are related to you.");
  await expect(page.getByLabel("Someone else in my family")).toBeChecked();
  await expect(newPerson.getByLabel("First name")).toHaveValue("Ada");
  await expect(newPerson.getByLabel("Last name")).toHaveAttribute("aria-invalid", "true");
  await expect(page.getByTestId("visit-when")).toHaveText(when);
  await shot("2-review-mistake");
  await expectNoSeriousA11yViolations(page, page.url());
  expect(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)).toBe(true);

  await newPerson.getByLabel("Last name").fill("Hopper");
  await newPerson.getByLabel("Relationship to you").selectOption("child");
  await newPerson.getByLabel("Date of birth").fill("2019-03-14");
  await page.getByTestId("add-dependent").click();
  await expect(page.getByTestId("dependent-added")).toContainText("Ada Hopper is now in your family");
  await expect(page.getByRole("radio", { name: /Ada Hopper/ })).toBeChecked();
  await expect(page.getByTestId("hold-minutes")).toBeVisible();
  await expect(page.getByTestId("visit-when")).toHaveText(when);
  await shot("3-review-child-added");

  await confirmBooking(page);
  await expect(page.getByTestId("booking-done")).toBeVisible();
  await expect(page.getByTestId("visit-details")).toContainText("Ada Hopper");

  await page.getByRole("link", { name: "My appointments" }).first().click();
  await expect(page).toHaveURL(clinicUrl("northside", "/account"));
  const visit = page.getByTestId("upcoming-appointments").getByTestId("account-appointment");
  await expect(visit).toHaveCount(1);
  await expect(visit).toContainText(serviceName);
  await expect(visit).toContainText("Ada Hopper");
  await expect(visit.getByTestId("appointment-when")).toHaveText(when);

  // The child is in the family now.
  await page.getByRole("link", { name: "Family", exact: true }).click();
  await expect(page.getByTestId("family-member-name")).toHaveText(["Ada Hopper"]);
  await expectNoSeriousA11yViolations(page, page.url());

  // The marketplace account shows the same visit, with the clinic and a way to manage it there.
  await page.goto(marketplaceUrl("/account"));
  await expect(page).toHaveURL(/\/sign-in\?redirectTo=%2Faccount$/);
  // Signing in there with the code is the marketplace-places spec's; here the session is planted
  // (no wait for the SMS resend pause after the clinic site's code a moment ago).
  await signInPatient(page, phone.e164, { clinic: null, landing: "/account" });
  await expect(page.getByTestId("my-appointments-link")).toBeVisible();
  const everywhere = page.getByTestId("upcoming-appointments").getByTestId("marketplace-appointment");
  await expect(everywhere).toHaveCount(1);
  await expect(everywhere.getByTestId("appointment-clinic")).toHaveText(/Northside/i);
  await expect(everywhere).toContainText(serviceName);
  await expect(everywhere.getByTestId("appointment-when")).toHaveText(when);
  await expect(everywhere.getByTestId("appointment-for")).toHaveText("Ada Hopper");
  await expect(everywhere.getByTestId("appointment-status")).toHaveText(/Confirmed|Waiting for the clinic to confirm/);
  await expect(everywhere.getByTestId("appointment-payment")).not.toBeEmpty();
  // Managed at the clinic, where the patient arrives signed in (a hand-off, one-sign-in.spec.ts).
  await expect(everywhere.getByTestId("manage-at-clinic")).toHaveAttribute("href", /^\/go\?to=northside&next=%2Faccount%2Fappointments%2F[0-9a-f-]{36}$/);
  await shot("4-marketplace-account");
  await expectNoSeriousA11yViolations(page, page.url());
  // The family is the same on the marketplace.
  await page.getByRole("link", { name: "Family", exact: true }).click();
  await expect(page).toHaveURL(marketplaceUrl("/account/family"));
  await expect(page.getByTestId("family-member-name")).toHaveText(["Ada Hopper"]);
  // Nothing wider than the screen, header included.
  expect(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)).toBe(true);
});

test.describe("without JavaScript", () => {
  test.use({ javaScriptEnabled: false });

  test("manages the family: add with a mistake, edit, and remove after confirming", async ({ page, request }, testInfo) => {
    const shot = (name: string) => keepScreenshot(page, testInfo, `family-manage-${name}`);
    await page.goto(clinicUrl("northside", "/sign-in?redirectTo=%2Faccount%2Ffamily"));
    await signInNewPatient(page, request, { first: "Alan", last: "Turing" });
    await expect(page).toHaveURL(clinicUrl("northside", "/account/family"));
    await expect(page.getByTestId("no-family")).toBeVisible();

    const add = page.getByTestId("add-member-form");
    await add.getByLabel("First name").fill("Ethel");
    await add.getByLabel("Last name").fill("Turing");
    await add.getByLabel("Relationship to you").selectOption("parent");
    await add.getByLabel("Date of birth").fill("2999-01-01");
    await page.getByTestId("add-member").click();
    await expect(add.getByTestId("dateOfBirth-error")).toHaveText("The date of birth cannot be in the future.");
    await expect(add.getByLabel("First name")).toHaveValue("Ethel");
    await expect(page.getByTestId("no-family")).toBeVisible();
    await shot("1-mistake");

    await add.getByLabel("Date of birth").fill("1951-07-16");
    await page.getByTestId("add-member").click();
    await expect(page.getByTestId("family-done")).toHaveText("Added to your family.");
    const member = page.getByTestId("family-member");
    await expect(member).toHaveCount(1);
    await expect(member).toContainText("Ethel Turing");
    await expect(member).toContainText("Parent · born 16 July 1951");

    await member.getByTestId("edit-member").click();
    await member.getByLabel("First name").fill("Ethel Sara");
    await member.getByRole("button", { name: "Save changes" }).click();
    await expect(page.getByTestId("family-done")).toHaveText("Your changes are saved.");
    await expect(page.getByTestId("family-member-name")).toHaveText(["Ethel Sara Turing"]);
    await shot("2-listed");

    // Removing asks first.
    await member.getByTestId("remove-member").click();
    await expect(member.getByText("Remove Ethel Sara Turing from your family?")).toBeVisible();
    await shot("3-confirm-remove");
    await member.getByTestId("confirm-remove").click();
    await expect(page.getByTestId("family-done")).toContainText("Removed from your family");
    await expect(page.getByTestId("family-member")).toHaveCount(0);

    // The profile: the phone is shown, the name can be changed.
    await page.getByRole("link", { name: "Profile" }).click();
    await expect(page.getByTestId("profile-phone")).toHaveText(/^\+1 646 \d{3} \d{4}$/);
    await page.getByLabel("Email (optional)").fill("not-an-email");
    await page.getByRole("button", { name: "Save profile" }).click();
    await expect(page.getByTestId("email-error")).toContainText("Enter an email address");
    await page.getByLabel("Email (optional)").fill("alan@example.com");
    await page.getByRole("button", { name: "Save profile" }).click();
    await expect(page.getByTestId("profile-saved")).toBeVisible();
    await expect(page.getByLabel("Email (optional)")).toHaveValue("alan@example.com");
    await shot("4-profile");
  });
});
