import { expect, test, type Page } from "@playwright/test";
import { signInNewPatient } from "./support/patient";
import { clinicUrl, marketplaceUrl } from "./support/urls";
import { signInStaff } from "./support/sessions";

/**
 * The pages run under their Content-Security-Policy: the app's scripts load and hydrate (Remix's
 * router is there), and the browser reports no violation on the marketplace, a clinic's site, the
 * booking page, the map, sign-in and the staff panel.
 */

declare global {
  interface Window {
    cspViolations: string[];
  }
}

async function watchForViolations(page: Page): Promise<string[]> {
  const seen: string[] = [];
  await page.addInitScript(() => {
    window.cspViolations = [];
    document.addEventListener("securitypolicyviolation", (e) => window.cspViolations.push(`${e.violatedDirective} ${e.blockedURI}`));
  });
  page.on("console", (message) => {
    if (/Content Security Policy|Permissions-Policy/i.test(message.text())) seen.push(message.text());
  });
  page.on("pageerror", (error) => seen.push(`page error: ${error.message}`));
  return seen;
}

async function expectRunsCleanly(page: Page, seen: string[], url: string) {
  const answer = await page.goto(url);
  expect(answer?.headers()["content-security-policy"], url).toMatch(/script-src 'self' 'nonce-/);
  // The app's own scripts ran: Remix's router exists once the page has hydrated.
  await expect.poll(() => page.evaluate(() => typeof (window as unknown as { __remixRouter?: unknown }).__remixRouter), { message: url }).toBe("object");
  await page.waitForLoadState("networkidle").catch(() => {});
  const reported = await page.evaluate(() => window.cspViolations);
  expect([...seen, ...reported], url).toEqual([]);
}

test("marketplace, clinic site, booking page and map run with the policy and no violation", async ({ page }) => {
  const seen = await watchForViolations(page);
  for (const url of [marketplaceUrl("/"), marketplaceUrl("/clinics"), clinicUrl("northside", "/"), clinicUrl("northside", "/book"), clinicUrl("spree-physio", "/sign-in")]) {
    await expectRunsCleanly(page, seen, url);
  }
  // A client-side navigation (a data request under the same policy) still works.
  await page.goto(marketplaceUrl("/"));
  await page.getByRole("link", { name: /Spree Physio/ }).first().click();
  await expect(page).toHaveURL(/spree-physio/);
  expect([...seen, ...(await page.evaluate(() => window.cspViolations))]).toEqual([]);
});

test("the staff panel runs with the policy and no violation", async ({ page }) => {
  const seen = await watchForViolations(page);
  await signInStaff(page, "desk@northside.test");
  for (const path of ["/panel/desk", "/panel/calendar", "/panel/queue", "/panel/book"]) {
    await expectRunsCleanly(page, seen, clinicUrl("northside", path));
  }
});

test("a patient's account and card pages run with the policy and no violation", async ({ page, request }) => {
  const seen = await watchForViolations(page);
  await page.goto(clinicUrl("northside", "/sign-in"));
  await signInNewPatient(page, request, { first: "Nora", last: "Policy" });
  for (const path of ["/account", "/account/cards", "/account/family"]) {
    await expectRunsCleanly(page, seen, clinicUrl("northside", path));
  }
});
