import { expect, test } from "@playwright/test";
import { keepScreenshot } from "./support/artifacts";
import { expectNoSeriousA11yViolations } from "./support/axe";
import { signInStaff } from "./support/sessions";
import { clinicUrl } from "./support/urls";

// A real 1×1 PNG, and a text file named like a photo.
const PNG = Buffer.from("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=", "base64");

test("a doctor writes their introduction and languages, adds a photo, and patients see them on the doctor's page @phone", async ({ page }, testInfo) => {
  // Doctors no other spec changes, one per project (both run at once).
  const doctor = testInfo.project.name === "phone" ? { email: "dr.yusupova@silk-road-dental.test", name: "Dr. Aziza Yusupova" } : { email: "dr.karimova@silk-road-dental.test", name: "Dr. Dilnoza Karimova" };
  await signInStaff(page, doctor.email, { clinic: "silk-road-dental", landing: "/panel/profile" });
  const forms = page.getByTestId("public-profile");
  await expect(forms.getByLabel("Languages")).toHaveValue("Uzbek, Russian, English");

  // A mistake is shown next to its field, with what was typed kept.
  await forms.getByLabel("Languages").fill("Uzbek, Russian, 123");
  await forms.getByRole("button", { name: "Save introduction and languages" }).click();
  await expect(forms.getByText("“123” is not a language name")).toBeVisible();
  await expect(forms.getByLabel("Languages")).toHaveValue("Uzbek, Russian, 123");
  await expect(forms.getByLabel("Languages")).toHaveAttribute("aria-invalid", "true");
  await expectNoSeriousA11yViolations(page, "profile with a mistake");

  await forms.getByLabel("Languages").fill("uzbek, russian, english, turkish");
  await forms.getByRole("button", { name: "Save introduction and languages" }).click();
  await expect(page.getByTestId("doctor-profile-answer")).toHaveText("Saved. Patients see it on the doctor's page now.");
  await expect(forms.getByLabel("Languages")).toHaveValue("Uzbek, Russian, English, Turkish");

  // A file that is not a picture is refused before it is sent; a PNG is taken.
  await forms.getByLabel("Photo", { exact: true }).setInputFiles({ name: "photo.png", mimeType: "image/png", buffer: Buffer.from("not a picture at all") });
  await expect(forms.getByText(/not a PNG, JPEG or WebP picture/)).toBeVisible();
  await forms.getByLabel("Photo", { exact: true }).setInputFiles({ name: "me.png", mimeType: "image/png", buffer: PNG });
  await forms.getByRole("button", { name: "Upload photo" }).click();
  await expect(page.getByTestId("doctor-photo-answer")).toHaveText("The new photo is on the doctor's page.");
  await expect(forms.getByRole("button", { name: "Remove photo" })).toBeVisible();
  await keepScreenshot(page, testInfo, "doctor-own-profile");

  await forms.getByTestId("public-page-link").click();
  await expect(page).toHaveURL(new RegExp(`^${clinicUrl("silk-road-dental", "/doctors/")}[0-9a-f-]{36}$`));
  await expect(page.getByRole("img", { name: `Photo of ${doctor.name}` })).toBeVisible();
  await expect(page.getByTestId("doctor-languages")).toContainText("Turkish");
  // Loaded from the clinic's own host, cached for good under its version.
  await expect.poll(() => page.getByTestId("doctor-photo").evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth)).toBe(1);
  const photo = await page.evaluate(async (src) => {
    const answer = await fetch(src);
    return { status: answer.status, type: answer.headers.get("content-type"), cache: answer.headers.get("cache-control") };
  }, (await page.getByTestId("doctor-photo").getAttribute("src"))!);
  expect(photo).toEqual({ status: 200, type: "image/png", cache: "public, max-age=31536000, immutable" });
  await keepScreenshot(page, testInfo, "doctor-page-with-photo");

  // Back to the initials.
  await page.goto(clinicUrl("silk-road-dental", "/panel/profile"));
  await page.getByTestId("public-profile").getByRole("button", { name: "Remove photo" }).click();
  await expect(page.getByTestId("doctor-photo-answer")).toHaveText("The photo was removed; patients see the initials.");
});

test("the owner finds what each doctor shows patients, ready to change, on the staff page @phone", async ({ page }, testInfo) => {
  await signInStaff(page, "owner@spree-physio.test", { clinic: "spree-physio", landing: "/panel/staff" });
  const member = page.getByTestId("staff-member").filter({ hasText: "felix.braun@spree-physio.test" });
  await member.getByText("What patients see").click();
  const profile = member.getByTestId("doctor-public-profile");
  await expect(profile.getByLabel("Languages")).toHaveValue("German");
  await expect(profile.getByLabel("Introduction for patients")).toHaveValue(/lymphatic drainage/i);
  await expectNoSeriousA11yViolations(page, "staff page with a doctor's public profile open");
  await keepScreenshot(page, testInfo, "staff-doctor-profile");
  await expect(profile.getByTestId("public-page-link")).toHaveAttribute("href", /^\/doctors\/[0-9a-f-]{36}$/);
});
