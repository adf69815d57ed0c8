import { expect, test } from "@playwright/test";
import { keepScreenshot } from "./support/artifacts";
import { signInStaff } from "./support/sessions";

test("My week shows each patient's whole name, not a first name cut off by the cell @tablet", async ({ page }, testInfo) => {
  await signInStaff(page, "owner@northside.test", { landing: "/panel/my-day" });
  const grid = page.getByTestId("my-week");
  await expect(grid).toBeVisible();
  const cells = grid.getByTestId("my-week-visit");
  expect(await cells.count(), "the demo doctor has visits this week").toBeGreaterThan(0);
  for (const cell of await cells.all()) {
    const fits = await cell.evaluate((el) => {
      const name = el.querySelector("[data-testid=my-week-name]") as HTMLElement;
      const box = el.getBoundingClientRect();
      const text = name.getBoundingClientRect();
      return { name: name.textContent, full: el.getAttribute("data-patient-name"), inside: text.bottom <= box.bottom + 1 && text.right <= box.right + 1 };
    });
    expect(fits.name).toBe(fits.full);
    expect(fits.inside, `${fits.full} is drawn whole inside its cell`).toBe(true);
  }
  await keepScreenshot(page, testInfo, "my-week");
});
