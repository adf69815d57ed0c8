import { expect, test } from "@playwright/test";
import { clinicUrl } from "./support/urls";

test("an unknown clinic host shows the branded 404 page", async ({ page }) => {
  const response = await page.goto(clinicUrl("no-such-clinic", "/"));
  expect(response?.status()).toBe(404);
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("There is no clinic at this address");
  await expect(page.getByText("Error 404")).toBeVisible();
  await expect(page).toHaveTitle(/Medslot/);
});

test("an unknown clinic host answers 404 on every path", async ({ page }) => {
  const response = await page.goto(clinicUrl("no-such-clinic", "/panel"));
  expect(response?.status()).toBe(404);
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("There is no clinic at this address");
});

test("a reserved name is never a clinic", async ({ page }) => {
  for (const name of ["admin", "www", "api"]) {
    const response = await page.goto(clinicUrl(name, "/"));
    expect(response?.status(), name).toBe(404);
    await expect(page.getByText("Error 404")).toBeVisible();
    await expect(page.getByRole("link", { name: /Book/ })).toHaveCount(0);
  }
});
