/**
 * The desk's time grid, on a laptop and on the counter's tablet (@tablet): an empty time opens the
 * booking page preset to that doctor and time; a visit dragged with the mouse lands at the new
 * time, Undo puts it back, a keyboard move (M, arrows, Enter) moves it too, and a drop on a taken
 * time is refused with the visit left where it was. The grid fits the screen and is axe-clean.
 */
import { expect, test, type Locator, type Page } from "@playwright/test";
import { expectNoSeriousA11yViolations } from "./support/axe";
import { keepScreenshot } from "./support/artifacts";
import { clearedDay, visitAt, type GridDay } from "./support/calendar-grid";
import { signInStaff } from "./support/sessions";
import { clinicUrl } from "./support/urls";

test.describe.configure({ mode: "serial", timeout: 120_000 });

const MOVED = { first: "Marguerite", last: "Okonkwo-Lindqvist" };
const OTHER = { first: "Bartholomew", last: "Featherstonehaugh" };
/** Booked with a 30-day cancellation window: a move needs a reason. */
const CLOSE = { first: "Ines", last: "Vasconcelos-Braga" };
const movedName = `${MOVED.first} ${MOVED.last}`;

let g: GridDay;

test.beforeAll(async ({ browserName: _ }, testInfo) => {
  // Each project its own day, so desktop and tablet never move each other's visits.
  g = await clearedDay("northside", "dr.patel@northside.test", "Sports injury assessment", testInfo.project.name === "tablet" ? 12 : 9);
  await visitAt(g, "09:00", MOVED);
  await visitAt(g, "10:30", OTHER);
  await visitAt(g, "11:30", CLOSE, 30 * 24 * 60);
});

async function openGrid(page: Page, query = "") {
  await page.goto(clinicUrl("northside", `/panel/calendar?date=${g.day}${query}`));
  await expect(page.getByRole("heading", { level: 1, name: "Calendar" })).toBeVisible();
  const scroll = page.getByTestId("calendar-scroll");
  // The grid at the top of the window: what a drag needs on screen.
  await scroll.evaluate((el) => el.scrollIntoView({ block: "start" }));
  return scroll;
}

async function geometry(page: Page) {
  const grid = page.getByTestId("calendar-grid");
  return { start: Number(await grid.getAttribute("data-start-minute")), ppm: Number(await grid.getAttribute("data-px-per-minute")) };
}

const column = (page: Page) => page.locator(`[data-testid=calendar-column][data-doctor-id="${g.doctorId}"]`);
const block = (page: Page, name: string) => column(page).getByTestId("calendar-block").filter({ hasText: name });

/** Screen point `dy` pixels below a wall time's line in the doctor's column. */
async function pointAt(page: Page, minute: number, dy = 6) {
  const { start, ppm } = await geometry(page);
  const box = (await column(page).boundingBox())!;
  return { x: box.x + box.width / 2, y: box.y + (minute - start) * ppm + dy };
}

async function dragTo(page: Page, visit: Locator, minute: number) {
  const box = (await visit.boundingBox())!;
  await page.mouse.move(box.x + box.width / 2, box.y + 6);
  await page.mouse.down();
  await page.mouse.move(box.x + box.width / 2, box.y + 30, { steps: 3 });
  const target = await pointAt(page, minute);
  await page.mouse.move(target.x, target.y, { steps: 6 });
  await expect(page.getByTestId("calendar-ghost")).toBeVisible();
  await page.mouse.up();
}

const shortDay = (day: string) => new Intl.DateTimeFormat("en-GB", { timeZone: "UTC", weekday: "short", day: "numeric", month: "short" }).format(new Date(`${day}T12:00:00Z`)).replace(",", "");

test("the grid fits the screen, shows the day's hours and visits, and is axe-clean @tablet", async ({ page }, testInfo) => {
  await signInStaff(page, "desk@northside.test");
  if (testInfo.project.name !== "tablet") await page.setViewportSize({ width: 1280, height: 800 });
  await openGrid(page);
  await expect(block(page, movedName)).toHaveAttribute("data-top", "540");
  await expect(block(page, movedName)).toContainText(movedName);
  await expect(column(page).getByTestId("grid-mark").filter({ hasText: "Break" })).toHaveCount(1);
  await expect(page.getByRole("link", { name: "15 min rows", exact: true })).toHaveAttribute("aria-current", "true");
  // No horizontal cut-off: the page never scrolls sideways; many doctors scroll inside the grid.
  expect(await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth)).toBeLessThanOrEqual(0);
  await expectNoSeriousA11yViolations(page, "calendar grid");
  const size = testInfo.project.name === "tablet" ? "820x1180" : "1280x800";
  await page.evaluate(() => window.scrollTo(0, 0));
  await keepScreenshot(page, testInfo, `calendar-grid-${size}`, { fullPage: false });
  await keepScreenshot(page, testInfo, `calendar-grid-${size}-full`);

  // Rows of 5 minutes and colour by service are remembered in the address.
  await page.getByRole("link", { name: "5 min rows", exact: true }).click();
  await expect(page).toHaveURL(/step=5/);
  await expect(page.getByTestId("calendar-grid")).toHaveAttribute("data-step", "5");
  await page.getByRole("link", { name: "Service", exact: true }).click();
  await expect(page).toHaveURL(/colour=service/);
  await expect(page).toHaveURL(/step=5/);
  await expect(page.getByTestId("calendar-legend")).toContainText("Sports injury assessment");
  await expectNoSeriousA11yViolations(page, "calendar grid by service, 5-minute rows");
  await keepScreenshot(page, testInfo, `calendar-grid-service-5min-${size}`, { fullPage: false });

  // Today's grid: the now-line on today's columns.
  await page.goto(clinicUrl("northside", "/panel/calendar"));
  await expect(page.getByTestId("calendar-grid")).toBeVisible();
  await keepScreenshot(page, testInfo, `calendar-today-${size}`, { fullPage: false });
  await page.getByRole("link", { name: "Week", exact: true }).click();
  await expect(page.getByTestId("calendar-grid")).toHaveAttribute("data-view", "week");
  await expectNoSeriousA11yViolations(page, "calendar week");
  await keepScreenshot(page, testInfo, `calendar-week-${size}`, { fullPage: false });
});

test("an empty time opens the booking page at that doctor and time @tablet", async ({ page }) => {
  await signInStaff(page, "desk@northside.test");
  await openGrid(page);
  const at = await pointAt(page, 12 * 60 + 30, 8);
  await page.mouse.move(at.x, at.y);
  await expect(column(page).getByText("+ Book 12:30")).toBeVisible();
  await page.mouse.click(at.x, at.y);
  await expect(page).toHaveURL(/\/panel\/book\?/);
  const url = new URL(page.url());
  expect(url.searchParams.get("doctor")).toBe(g.doctorId);
  expect(url.searchParams.get("location")).toBe(g.locationId);
  const start = new Date(url.searchParams.get("start")!);
  const wall = new Intl.DateTimeFormat("en-CA", { timeZone: g.timeZone, year: "numeric", month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit", hourCycle: "h23" }).format(start);
  expect(wall).toBe(`${g.day}, 12:30`);

  // By keyboard: the cursor down to 15:00 in the doctor's column, Enter books there.
  await openGrid(page);
  await page.getByTestId("calendar-scroll").focus();
  const cursor = page.getByTestId("grid-cursor");
  await expect(cursor).toBeVisible();
  const top = (await geometry(page)).start;
  const first = Number(await cursor.getAttribute("data-minute"));
  expect(first).toBeGreaterThanOrEqual(top);
  for (let m = first; m < 15 * 60; m += 15) await page.keyboard.press("ArrowDown");
  await expect(cursor).toHaveAttribute("data-minute", "900");
  await expect(page.getByTestId("calendar-announcer")).toContainText("15:00");
  await page.keyboard.press("Enter");
  await expect(page).toHaveURL(/\/panel\/book\?/);
  const booked = new URL(page.url());
  expect(booked.searchParams.get("doctor")).toBe(g.doctorId);
  expect(new Intl.DateTimeFormat("en-GB", { timeZone: g.timeZone, hour: "2-digit", minute: "2-digit", hourCycle: "h23" }).format(new Date(booked.searchParams.get("start")!))).toBe("15:00");
});

test("a visit dragged to a free time moves there, Undo moves it back, and a keyboard move works too @tablet", async ({ page }, testInfo) => {
  await signInStaff(page, "desk@northside.test");
  await openGrid(page);
  await dragTo(page, block(page, movedName), 14 * 60);
  const answer = page.getByTestId("calendar-answer");
  await expect(answer).toContainText(`Moved to ${shortDay(g.day)} 14:00`);
  await expect(block(page, movedName)).toHaveAttribute("data-top", "840");
  await keepScreenshot(page, testInfo, "calendar-moved-with-undo", { fullPage: false });

  await answer.getByRole("button", { name: "Undo" }).click();
  await expect(answer).toContainText(`Moved back to ${shortDay(g.day)} 09:00`);
  await expect(block(page, movedName)).toHaveAttribute("data-top", "540");

  // By keyboard: pick it up with M, two rows down, drop with Enter.
  await block(page, movedName).focus();
  await page.keyboard.press("m");
  await expect(page.getByTestId("calendar-announcer")).toContainText(`Picked up ${movedName}`);
  await page.keyboard.press("ArrowDown");
  await page.keyboard.press("ArrowDown");
  await expect(page.getByTestId("calendar-ghost")).toContainText("09:30");
  await page.keyboard.press("Enter");
  await expect(answer).toContainText(`Moved to ${shortDay(g.day)} 09:30`);
  await expect(block(page, movedName)).toHaveAttribute("data-top", "570");
  await expectNoSeriousA11yViolations(page, "calendar after a move");
});

test("a drop on a taken time is refused and the visit stays @tablet", async ({ page }) => {
  await signInStaff(page, "desk@northside.test");
  await openGrid(page);
  const before = await block(page, movedName).getAttribute("data-top");
  await dragTo(page, block(page, movedName), 10 * 60 + 30);
  const answer = page.getByTestId("calendar-answer");
  await expect(answer).toHaveAttribute("role", "alert");
  await expect(answer).toContainText(`${shortDay(g.day)} 10:30 is taken.`);
  await expect(answer).toContainText("The visit stays at");
  await expect(block(page, movedName)).toHaveAttribute("data-top", before!);
  await expect(block(page, OTHER.last)).toHaveAttribute("data-top", "630");

  // Escape puts a picked-up visit down where it was.
  await block(page, movedName).focus();
  await page.keyboard.press(" ");
  await page.keyboard.press("ArrowDown");
  await page.keyboard.press("Escape");
  await expect(page.getByTestId("calendar-announcer")).toContainText("Move cancelled");
  await expect(page.getByTestId("calendar-ghost")).toHaveCount(0);

  // Enter on a visit under the cursor opens it.
  await block(page, OTHER.last).focus();
  await page.keyboard.press("Enter");
  await expect(page).toHaveURL(/\/panel\/appointments\/[0-9a-f-]{36}/);
});

test("inside the cancellation window a move asks for a reason first @tablet", async ({ page }, testInfo) => {
  await signInStaff(page, "desk@northside.test");
  await openGrid(page);
  const name = `${CLOSE.first} ${CLOSE.last}`;
  await expect(block(page, name)).toHaveAttribute("data-top", "690");
  await dragTo(page, block(page, name), 14 * 60);
  const dialog = page.getByRole("dialog", { name: "Move inside the cancellation window" });
  await expect(dialog).toBeVisible();
  await expectNoSeriousA11yViolations(page, "reason dialog");
  await keepScreenshot(page, testInfo, "calendar-move-reason", { fullPage: false });
  // Keeping it where it is changes nothing.
  await dialog.getByRole("button", { name: "Keep it where it is" }).click();
  await expect(dialog).toBeHidden();
  await expect(block(page, name)).toHaveAttribute("data-top", "690");

  await dragTo(page, block(page, name), 14 * 60);
  await dialog.getByLabel("Reason for moving").fill("Patient asked by phone: school run");
  await dialog.getByRole("button", { name: "Move visit" }).click();
  await expect(page.getByTestId("calendar-answer")).toContainText(`Moved to ${shortDay(g.day)} 14:00`);
  await expect(block(page, name)).toHaveAttribute("data-top", "840");
});
