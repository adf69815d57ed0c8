import fs from "node:fs";
import path from "node:path";
import type { Page, TestInfo } from "@playwright/test";

/** Screenshots for people to look at: tests/e2e/.artifacts/<project>-<name>.png (not committed). */
export const ARTIFACTS_DIR = path.resolve(import.meta.dirname, "../.artifacts");

/** Whether this run keeps screenshots of the pages it walks through (E2E_SCREENSHOTS=1). */
export const KEEP_SCREENSHOTS = process.env.E2E_SCREENSHOTS === "1";

export function screenshotPath(testInfo: TestInfo, name: string): string {
  fs.mkdirSync(ARTIFACTS_DIR, { recursive: true });
  return path.join(ARTIFACTS_DIR, `${testInfo.project.name}-${name}.png`);
}

/**
 * Keeps a screenshot of the page for people to look at, when the run asks for them: nothing
 * compares them, and a full page costs a few hundred milliseconds (a failing test still gets
 * Playwright's own screenshot).
 */
export async function keepScreenshot(page: Page, testInfo: TestInfo, name: string, options: { fullPage?: boolean } = { fullPage: true }): Promise<void> {
  if (!KEEP_SCREENSHOTS) return;
  await page.screenshot({ path: screenshotPath(testInfo, name), ...options });
}

const DESKTOP = { width: 1366, height: 900 };
const TABLET = { width: 820, height: 1180 };

/**
 * Screenshots of the page at desktop (1366×900) and tablet (820×1180) width, named
 * `<name>-desktop` and `<name>-tablet`, leaving the page at desktop width. Without
 * E2E_SCREENSHOTS=1 the page is not resized at all (each resize lays the page out again).
 */
export async function keepDesktopAndTablet(page: Page, testInfo: TestInfo, name: string): Promise<void> {
  if (!KEEP_SCREENSHOTS) return;
  await page.setViewportSize(DESKTOP);
  await keepScreenshot(page, testInfo, `${name}-desktop`);
  await page.setViewportSize(TABLET);
  await keepScreenshot(page, testInfo, `${name}-tablet`);
  await page.setViewportSize(DESKTOP);
}
