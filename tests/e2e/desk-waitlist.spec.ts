import { expect, test } from "@playwright/test";
import { keepDesktopAndTablet } from "./support/artifacts";
import { expectNoSeriousA11yViolations } from "./support/axe";
import { waitingRequest } from "./support/desk-notes";
import { signInStaff } from "./support/sessions";
import { newPatientAt, offered } from "./support/visits";

test("the desk opens the waitlist from the menu, sees a waiting patient next to free gaps and offers one in a click @tablet", async ({ page }, testInfo) => {
  test.setTimeout(120_000);
  const o = await offered("northside", "Flu shot", "dr.chen@northside.test", "Harlem");
  const patient = await newPatientAt(o.clinicId, { first: "Tomasz", last: "Wieczorek" });
  const requestId = await waitingRequest(o, patient.id, 6, "Any morning is fine");
  await signInStaff(page, "desk@northside.test");

  // On a tablet the menu is folded away behind "Menu".
  const menu = page.locator("summary", { hasText: "Menu" });
  if (await menu.isVisible()) await menu.click();
  await page.getByRole("navigation", { name: "Panel" }).getByRole("link", { name: "Waitlist" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Waitlist" })).toBeVisible();
  const entry = page.locator(`[data-testid=waitlist-entry][data-request-id="${requestId}"]`);
  await expect(entry).toContainText("Tomasz Wieczorek");
  await expect(entry).toContainText("Flu shot");
  await expect(entry).toContainText("“Any morning is fine”");
  const fits = entry.getByTestId("waitlist-fit");
  await expect(fits.first()).toBeVisible();
  await expect(fits.first()).toContainText(/Free \d{1,2}:\d{2} [AP]M–\d{1,2}:\d{2} [AP]M/);
  await expectNoSeriousA11yViolations(page, "waitlist");
  await keepDesktopAndTablet(page, testInfo, "desk-waitlist");

  const offer = fits.first().getByRole("button", { name: /^Offer .* to Tomasz Wieczorek$/ });
  const label = await offer.getAttribute("aria-label");
  await offer.click();
  await expect(page.getByTestId("desk-answer")).toContainText("Offered.");
  await expect(page.locator(`[data-testid=waitlist-entry][data-request-id="${requestId}"]`)).toHaveCount(0);
  const day = label!.replace(/^Offer [^,]+, (.*), with .*$/, "$1");
  await expect(page.getByTestId("waitlist-answering")).toContainText(`Tomasz Wieczorek`);
  await expect(page.getByTestId("waitlist-answering")).toContainText(day);
  await expectNoSeriousA11yViolations(page, "waitlist after an offer");
});
