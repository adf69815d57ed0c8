import { expect, test } from "@playwright/test";
import { keepScreenshot } from "./support/artifacts";
import { expectNoSeriousA11yViolations } from "./support/axe";
import { signInStaff } from "./support/sessions";

test("the panel menu shows every link of an owner who is also a doctor on a 1280 × 800 laptop, without a hidden scroll", async ({ page }, testInfo) => {
  await page.setViewportSize({ width: 1280, height: 800 });
  await signInStaff(page, "owner@northside.test");
  const nav = page.getByRole("navigation", { name: "Panel" });
  const links = nav.getByRole("link");
  expect(await links.count()).toBeGreaterThanOrEqual(22);
  // Every link is inside the window as the page opens: nothing waits below a fold.
  for (const link of await links.all()) {
    await expect(link).toBeInViewport({ ratio: 1 });
  }
  const box = await page.getByTestId("panel-nav").evaluate((el) => ({ scroll: el.scrollHeight, client: el.clientHeight }));
  expect(box.scroll).toBeLessThanOrEqual(box.client);
  await expect(page.getByTestId("panel-nav-more")).toHaveCount(0);
  // Room left for a few more day-to-day links (waitlist, series, walk-in): at least three rows' height.
  const spare = await page.getByTestId("panel-nav").evaluate((el) => {
    const inner = el.firstElementChild as HTMLElement;
    return el.clientHeight - inner.getBoundingClientRect().height;
  });
  expect(spare).toBeGreaterThanOrEqual(2 * 32);
  for (const group of ["Day-to-day", "Money", "Clinic setup", "You"]) await expect(nav.getByText(group, { exact: true })).toBeVisible();
  await keepScreenshot(page, testInfo, "panel-menu-laptop", { fullPage: false });
  await expectNoSeriousA11yViolations(page, "Panel menu");
});

test("a menu taller than the window says there is more below, and stops saying so at the bottom", async ({ page }) => {
  await page.setViewportSize({ width: 1280, height: 480 });
  await signInStaff(page, "owner@northside.test");
  const cue = page.getByTestId("panel-nav-more");
  await expect(cue).toBeVisible();
  await page.getByTestId("panel-nav").evaluate((el) => el.scrollTo(0, el.scrollHeight));
  await expect(cue).toHaveCount(0);
});
