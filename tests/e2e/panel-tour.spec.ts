/**
 * Every page in each role's panel menu opens with its heading, passes axe, and is kept as a
 * screenshot at desktop (1366×900) and tablet (820×1180) width for people to look at.
 */
import { expect, test, type Page } from "@playwright/test";
import { keepScreenshot } from "./support/artifacts";
import { expectNoSeriousA11yViolations } from "./support/axe";
import { clinicUrl } from "./support/urls";

const PASSWORD = "medslot-demo-2026";
const people = [
  { role: "owner", email: "owner@northside.test" },
  { role: "secretary", email: "desk@northside.test" },
  { role: "doctor", email: "dr.patel@northside.test" },
] as const;

async function signIn(page: Page, email: string) {
  await page.goto(clinicUrl("northside", "/staff/sign-in"));
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(PASSWORD);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page).toHaveURL(clinicUrl("northside", "/panel"));
}

for (const person of people) {
  test(`every page in the ${person.role}'s menu opens, reads well and is kept as a screenshot`, async ({ page }, testInfo) => {
    test.setTimeout(240_000);
    await page.setViewportSize({ width: 1366, height: 900 });
    await signIn(page, person.email);
    const links = page.getByRole("navigation", { name: "Panel" }).getByRole("link");
    const pages = await links.evaluateAll((as) => as.map((a) => ({ href: a.getAttribute("href")!, label: a.textContent!.trim() })));
    expect(pages.length).toBeGreaterThan(2);
    for (const p of pages) {
      const response = await page.goto(clinicUrl("northside", p.href));
      expect(response?.status(), `${p.label} (${p.href})`).toBe(200);
      await expect(page.getByRole("heading", { level: 1 })).toBeVisible();
      await expectNoSeriousA11yViolations(page, `${person.role}: ${p.label}`);
      const name = `tour-${person.role}-${p.href.replace(/^\/panel\/?/, "").replace(/\//g, "-") || "today"}`;
      await page.setViewportSize({ width: 1366, height: 900 });
      await keepScreenshot(page, testInfo, `${name}-desktop`);
      await page.setViewportSize({ width: 820, height: 1180 });
      await keepScreenshot(page, testInfo, `${name}-tablet`);
      await page.setViewportSize({ width: 1366, height: 900 });
    }
  });
}
