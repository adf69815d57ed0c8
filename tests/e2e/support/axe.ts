import AxeBuilder from "@axe-core/playwright";
import { expect, type Page } from "@playwright/test";

/**
 * Runs axe (WCAG 2.x A and AA rules) on the page as it is now and fails on any violation of
 * impact "serious" or "critical", listing each rule with the elements it found.
 */
export async function expectNoSeriousA11yViolations(page: Page, label: string) {
  // Colour samples that show an owner an unreadable pair on purpose are not text for anyone to read.
  // Legacy mode runs axe in the page itself: the default opens a blank page per check to combine
  // results across cross-origin frames, which our pages do not have, and costs about 0.5 s a check.
  // Only violations are collected (passes and incomplete checks would be thrown away).
  const results = await new AxeBuilder({ page })
    .setLegacyMode(true)
    .withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"])
    .exclude("[data-contrast-sample]")
    .options({ resultTypes: ["violations"] })
    .analyze();
  const serious = results.violations.filter((v) => v.impact === "serious" || v.impact === "critical");
  const report = serious.map((v) => `${v.id} (${v.impact}): ${v.help}\n${v.nodes.map((n) => `    ${n.target.join(" ")} — ${n.failureSummary?.split("\n").join(" ")}`).join("\n")}`);
  expect(report, `${label}: serious accessibility violations`).toEqual([]);
  // Every page starts with "Skip to content" (root.tsx), which must lead somewhere.
  expect(await page.locator("#main").count(), `${label}: the skip link's target (#main)`).toBe(1);
}
