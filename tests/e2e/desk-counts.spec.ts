import { expect, test, type Page } from "@playwright/test";
import { keepScreenshot } from "./support/artifacts";
import { expectNoSeriousA11yViolations } from "./support/axe";
import { clinicUrl } from "./support/urls";
import { signInStaff } from "./support/sessions";

/** The desk numbers strip of one screen, as the person reads it. */
async function readCounts(page: Page, path: string) {
  await page.goto(clinicUrl("northside", path));
  const strip = page.getByTestId("desk-counts");
  await expect(strip).toBeVisible();
  const text = async (id: string) => (await strip.getByTestId(id).textContent())?.trim();
  return {
    period: await text("count-period"),
    requests: await text("count-requests"),
    approval: await text("count-requests-approval"),
    flexible: await text("count-requests-flexible"),
    cardProblems: await text("count-card-problems"),
    deposits: await Promise.all(["pending", "authorized", "captured", "released", "refunded", "waived", "failed"].map((s) => text(`count-deposits-${s}`))),
  };
}

test("Today, Desk, Visits and Reports show the same desk numbers for the same stated period @tablet", async ({ page }, testInfo) => {
  test.setTimeout(120_000);
  await signInStaff(page, "owner@northside.test");
  // Other tests book and cancel at the same time: read the four screens until one pass agrees.
  await expect(async () => {
    const [today, desk, visits, reports] = [await readCounts(page, "/panel"), await readCounts(page, "/panel/desk"), await readCounts(page, "/panel/visits"), await readCounts(page, "/panel/reports")];
    expect(desk).toEqual(today);
    expect(visits).toEqual(today);
    expect(reports).toEqual(today);
    expect(today.period).toMatch(/^Today and the next 6 days · \w{3} \d{1,2} \w{3} – \w{3} \d{1,2} \w{3}, clinic time \(America\/New_York\) · all locations$/);
    // The Today tiles say the strip's numbers.
    await page.goto(clinicUrl("northside", "/panel"));
    const tiles = page.getByTestId("today-tiles");
    await expect(tiles.getByRole("link", { name: /Requests to answer/ })).toContainText(today.requests!);
    await expect(tiles.getByRole("link", { name: /Card problems/ })).toContainText(today.cardProblems!);
  }).toPass({ timeout: 60_000 });
  for (const [name, path] of [["today", "/panel"], ["desk", "/panel/desk"], ["visits", "/panel/visits"], ["reports", "/panel/reports"]] as const) {
    await page.goto(clinicUrl("northside", path));
    await expect(page.getByTestId("desk-counts")).toBeVisible();
    await keepScreenshot(page, testInfo, `desk-counts-${name}`, { fullPage: false });
    await expectNoSeriousA11yViolations(page, `${name} with the desk numbers`);
  }
});

for (const size of [
  { name: "laptop", width: 1280, height: 800 },
  { name: "tablet", width: 820, height: 1180 },
]) {
  test(`the desk board fits a ${size.width} × ${size.height} screen: compact rows, doctor columns scroll inside their box with names in view @tablet`, async ({ page }, testInfo) => {
    await page.setViewportSize({ width: size.width, height: size.height });
    await signInStaff(page, "desk@northside.test", { landing: "/panel/desk" });
    const board = page.getByTestId("board-columns");
    await expect(board).toBeVisible();
    // Nothing spills past the page's right edge; the board itself scrolls when there are more doctors than fit.
    const page_ = await page.evaluate(() => ({ scroll: document.documentElement.scrollWidth, width: window.innerWidth }));
    expect(page_.scroll).toBeLessThanOrEqual(page_.width);
    const box = await board.evaluate((el) => ({ scroll: el.scrollWidth, client: el.clientWidth, overflowX: getComputedStyle(el).overflowX, right: el.getBoundingClientRect().right }));
    expect(["auto", "scroll"]).toContain(box.overflowX);
    expect(box.right).toBeLessThanOrEqual(size.width);
    const columns = await page.getByTestId("board-column").count();
    if (box.scroll > box.client) await expect(page.getByTestId("board-scroll-cue")).toContainText(`${columns} columns`);
    // The last doctor's column can be scrolled into view, whole.
    const last = page.getByTestId("board-column").last();
    await last.scrollIntoViewIfNeeded();
    const lastBox = await last.boundingBox();
    expect(lastBox!.x + lastBox!.width).toBeLessThanOrEqual(size.width + 1);
    // Headers stay at the top of the board while its rows scroll.
    expect(await page.getByTestId("board-column").first().locator("h2").evaluate((h) => getComputedStyle(h).position)).toBe("sticky");
    await keepScreenshot(page, testInfo, `desk-board-${size.name}`, { fullPage: false });
    await keepScreenshot(page, testInfo, `desk-board-${size.name}-full`);
    await expectNoSeriousA11yViolations(page, `Desk board at ${size.name} size`);
  });
}
