import { expect, test } from "@playwright/test";
import { keepScreenshot } from "./support/artifacts";
import { latestMessage, newTestPhone } from "./support/outbox";
import { comeFromOwnNetwork } from "./support/patient";
import { clinicOrigin, clinicUrl } from "./support/urls";

test("a new patient signs in on northside with the SMS code and is not signed in on another clinic @phone", async ({ page, context, request }, testInfo) => {
  const phone = newTestPhone();
  await comeFromOwnNetwork(page);
  await page.goto(clinicUrl("northside", "/"));
  await page.getByTestId("sign-in-link").click();
  await expect(page).toHaveURL(/\/sign-in/);

  await page.getByLabel("Mobile phone number").fill(phone.typed);
  await page.getByRole("button", { name: "Send code" }).click();
  await expect(page.getByLabel("6-digit code")).toBeVisible();
  await keepScreenshot(page, testInfo, "patient-sign-in-code");

  const [, code] = await latestMessage(request, phone.e164, /^(\d{6}) is your/);
  await page.getByLabel("6-digit code").fill(code!);
  await page.getByRole("button", { name: "Sign in" }).click();

  // A new phone number is a new account: the name is asked once, in empty fields (the code just
  // typed is not carried into "First name").
  await expect(page.getByLabel("First name")).toHaveValue("");
  await expect(page.getByLabel("Last name")).toHaveValue("");
  await expect(page.getByLabel("First name")).toBeFocused();
  await page.getByLabel("First name").fill("Ada");
  await page.getByLabel("Last name").fill("Byron");
  await page.getByRole("button", { name: "Continue" }).click();

  await expect(page).toHaveURL(clinicUrl("northside", "/"));
  await expect(page.getByTestId("signed-in-as")).toContainText("Ada");
  await keepScreenshot(page, testInfo, "patient-signed-in");

  const cookies = await context.cookies(clinicOrigin("northside"));
  const session = cookies.find((c) => c.name === "medslot_session");
  expect(session, "a session cookie is set").toBeTruthy();
  expect(session!.httpOnly).toBe(true);
  expect(session!.sameSite).toBe("Lax");

  // The same cookie presented to another clinic's site is not a session there.
  await context.addCookies([{ name: session!.name, value: session!.value, domain: "spree-physio.localhost", path: "/" }]);
  await page.goto(clinicUrl("spree-physio", "/"));
  await expect(page.getByTestId("sign-in-link")).toBeVisible();
  await expect(page.getByTestId("signed-in-as")).toHaveCount(0);

  // ...while northside still knows the patient.
  await page.goto(clinicUrl("northside", "/"));
  await expect(page.getByTestId("signed-in-as")).toContainText("Ada");
});

test("a wrong code is refused with a clear message, the right one still works, and resending is held back", async ({ page, request, browser }) => {
  const phone = newTestPhone();
  await comeFromOwnNetwork(page);
  await page.goto(clinicUrl("northside", "/sign-in"));
  await page.getByLabel("Mobile phone number").fill(phone.typed);
  await page.getByRole("button", { name: "Send code" }).click();
  const [, code] = await latestMessage(request, phone.e164, /^(\d{6}) is your/);

  const wrong = code === "000000" ? "111111" : "000000";
  await page.getByLabel("6-digit code").fill(wrong);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByLabel("6-digit code")).toHaveAttribute("aria-invalid", "true");

  await page.getByLabel("6-digit code").fill(code!);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByLabel("First name")).toBeVisible();

  // Asking again at once for the same number is held back by the resend cool-down, across browsers.
  const other = await browser.newContext();
  const second = await other.newPage();
  await comeFromOwnNetwork(second);
  await second.goto(clinicUrl("northside", "/sign-in"));
  await second.getByLabel("Mobile phone number").fill(phone.typed);
  await second.getByRole("button", { name: "Send code" }).click();
  await expect(second.getByText(/wait|seconds/i).first()).toBeVisible();
  await other.close();
});
