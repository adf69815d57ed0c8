/**
 * Every page in each role's panel menu opens with its heading, passes axe, and is kept as a
 * screenshot at desktop (1366×900) and tablet (820×1180) width for people to look at.
 */
import { expect, test } from "@playwright/test";
import { keepDesktopAndTablet } from "./support/artifacts";
import { expectNoSeriousA11yViolations } from "./support/axe";
import { clinicUrl } from "./support/urls";
import { signInStaff } from "./support/sessions";

const people = [
  { role: "owner", email: "owner@northside.test" },
  { role: "secretary", email: "desk@northside.test" },
  { role: "doctor", email: "dr.patel@northside.test" },
] as const;

for (const person of people) {
  test(`every page in the ${person.role}'s menu opens, reads well and is kept as a screenshot`, async ({ page }, testInfo) => {
    test.setTimeout(240_000);
    await page.setViewportSize({ width: 1366, height: 900 });
    await signInStaff(page, person.email);
    const links = page.getByRole("navigation", { name: "Panel" }).getByRole("link");
    const pages = await links.evaluateAll((as) => as.map((a) => ({ href: a.getAttribute("href")!, label: a.textContent!.trim() })));
    expect(pages.length).toBeGreaterThan(2);
    for (const p of pages) {
      const response = await page.goto(clinicUrl("northside", p.href));
      expect(response?.status(), `${p.label} (${p.href})`).toBe(200);
      await expect(page.getByRole("heading", { level: 1 })).toBeVisible();
      await expectNoSeriousA11yViolations(page, `${person.role}: ${p.label}`);
      const name = `tour-${person.role}-${p.href.replace(/^\/panel\/?/, "").replace(/\//g, "-") || "today"}`;
      await keepDesktopAndTablet(page, testInfo, name);
    }
  });
}
