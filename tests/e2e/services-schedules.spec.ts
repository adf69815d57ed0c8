/**
 * The owner of northside, as a new user would: adds a service for one doctor, gives that doctor
 * extra working hours, checks the free-time preview, then finds the service and its times on the
 * clinic's booking site. A doctor asks for time off and the owner sees it waiting. Screenshots of
 * each page on desktop and tablet.
 */
import { expect, test, type Page, type TestInfo } from "@playwright/test";
import { keepDesktopAndTablet } from "./support/artifacts";
import { expectNoSeriousA11yViolations } from "./support/axe";
import { nextMonth } from "./support/booking";
import { clinicUrl } from "./support/urls";
import { signInStaff } from "./support/sessions";

test.describe.configure({ timeout: 150_000 });

const SERVICE = "Travel vaccination consult";

/** Today on Northside's calendar (New York), as YYYY-MM-DD. */
const northsideToday = () => new Intl.DateTimeFormat("en-CA", { timeZone: "America/New_York" }).format(new Date());
const addDays = (date: string, days: number) => new Date(Date.parse(`${date}T12:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
/** A day as the preview and the booking calendar name it ("Monday 14 December"). */
const dayLabel = (date: string) => new Intl.DateTimeFormat("en-GB", { timeZone: "UTC", weekday: "long", day: "numeric", month: "long" }).format(new Date(`${date}T12:00:00Z`)).replace(",", "");
const DOCTOR = "Dr. Rachel Rosen";

const shoot = (page: Page, testInfo: TestInfo, name: string) => keepDesktopAndTablet(page, testInfo, `services-schedules-${name}`);

test("the owner adds a service and a doctor's hours and sees the new times on the booking site", async ({ page }, testInfo) => {
  await signInStaff(page, "owner@northside.test");
  const nav = page.getByRole("navigation", { name: "Panel" });
  await nav.getByRole("link", { name: "Services" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Services" })).toBeVisible();
  await expect(page.getByTestId("service").filter({ hasText: "Annual physical" })).toContainText("$220.00");
  await shoot(page, testInfo, "services");
  await expectNoSeriousA11yViolations(page, "services list");

  await page.getByRole("link", { name: "Add a service" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "New service" })).toBeVisible();
  await page.getByLabel("Name").fill(SERVICE);
  await page.getByLabel("Description (shown to patients)").fill("Vaccines, malaria tablets and advice for your destination, four to six weeks before you travel.");
  await page.getByLabel("Price (USD)").fill("95");
  await page.getByLabel("Deposit", { exact: true }).selectOption("fixed");
  // A deposit above the price is refused with a message next to the field.
  await page.getByLabel("Deposit amount (USD)").fill("120");
  await page.getByRole("checkbox", { name: new RegExp(DOCTOR) }).check();
  await page.getByRole("checkbox", { name: /^Harlem/ }).check();
  await page.getByRole("button", { name: "Create service" }).click();
  await expect(page.getByTestId("service-errors")).toContainText("The deposit is more than the price");
  await expect(page.getByLabel("Deposit amount (USD)")).toHaveAttribute("aria-invalid", "true");

  await page.getByLabel("Deposit amount (USD)").fill("20");
  await page.getByRole("button", { name: "Add a discount" }).click();
  await page.getByLabel("Name").nth(1).fill("Early birds");
  await page.getByLabel("Percent off").fill("10");
  await page.getByLabel("Applies on").selectOption("off_peak");
  await page.getByLabel("From", { exact: true }).fill("08:00");
  await page.getByLabel("Until", { exact: true }).fill("10:00");
  await expect(page.getByTestId("deposit-preview")).toContainText("At the list price the deposit is $20.00 of $95.00; $75.00 is paid at the visit.");
  await expect(page.getByTestId("deposit-preview")).toContainText("With Early birds (10%): price $85.50, deposit $20.00");
  await shoot(page, testInfo, "service-new");
  await expectNoSeriousA11yViolations(page, "new service");
  await page.getByRole("button", { name: "Create service" }).click();
  await expect(page.getByTestId("service-saved")).toContainText("Service created");
  await expect(page.getByRole("heading", { level: 1, name: SERVICE })).toBeVisible();
  await shoot(page, testInfo, "service-edit");

  // Rosen does not work on Mondays; give her a Monday morning at Harlem.
  await nav.getByRole("link", { name: "Schedules" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Schedules" })).toBeVisible();
  await page.locator('select[name="doctor"]').selectOption({ label: DOCTOR });
  await expect(page.getByRole("heading", { level: 2, name: `${DOCTOR} at Harlem` })).toBeVisible();
  const monday = page.getByTestId("day-1");
  await expect(monday).toContainText("Not working.");
  await monday.getByRole("button", { name: "Add working hours" }).click();
  await page.getByLabel("Monday interval 1 start").fill("09:00");
  await page.getByLabel("Monday interval 1 end").fill("13:00");
  await monday.getByRole("button", { name: "Add a break" }).click();
  await page.getByLabel("Monday interval 1 break 1 from").fill("11:00");
  await page.getByLabel("Monday interval 1 break 1 until").fill("11:15");
  await page.getByRole("button", { name: "Save weekly hours" }).click();
  await expect(page.getByTestId("week-saved")).toBeVisible();
  await expect(page.getByTestId("day-1")).not.toContainText("Not working.");

  const preview = page.getByTestId("slot-preview");
  await preview.getByLabel("Service").selectOption({ label: SERVICE });
  await expect(page).toHaveURL(/service=/);
  const nextMonday = preview.getByTestId("preview-day").filter({ hasText: /^Monday/ });
  const previewDate = (await nextMonday.getAttribute("data-date"))!;
  // On a Monday the preview's only Monday is today, whose first time depends on the hour (the
  // minimum notice); the booking site is then checked on the Monday after.
  const isToday = previewDate === northsideToday();
  if (!isToday) await expect(nextMonday.getByTestId("preview-time").first()).toHaveText("9:00 AM");
  await expect(nextMonday.getByTestId("preview-time").filter({ hasText: /^11:00 AM$/ })).toHaveCount(0);
  const mondayDate = isToday ? addDays(previewDate, 7) : previewDate;
  const mondayLabel = isToday ? dayLabel(mondayDate) : (await nextMonday.locator("h3").innerText()).trim();
  await shoot(page, testInfo, "schedules");
  await expectNoSeriousA11yViolations(page, "schedules");

  // The booking site offers the new service with Rosen's Monday times.
  await page.goto(clinicUrl("northside", "/book"));
  const option = page.getByTestId("service-option").filter({ hasText: SERVICE });
  await expect(option).toContainText("$95.00");
  await option.click();
  const where = page.getByRole("heading", { level: 1, name: "Where would you like to be seen?" });
  const who = page.getByRole("heading", { level: 1, name: "Who would you like to see?" });
  await expect(where.or(who)).toBeVisible();
  if (await where.isVisible()) await page.getByTestId("location-option").filter({ hasText: "Harlem" }).click();
  await expect(who).toBeVisible();
  await expect(page.getByTestId("doctor-option").filter({ hasText: DOCTOR })).toBeVisible();
  await page.getByTestId("doctor-option").filter({ hasText: DOCTOR }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Choose a day" })).toBeVisible();
  // The same Monday the preview showed, on the patient's calendar.
  const freeMonday = page.locator(`[data-testid="free-day"][aria-label^="${mondayLabel},"]`);
  if ((await freeMonday.count()) === 0) await nextMonth(page);
  await freeMonday.click();
  await expect(page).toHaveURL(new RegExp(`day=${mondayDate}`));
  const times = page.getByTestId("time-option");
  await expect(times.first()).toContainText("9:00");
  await shoot(page, testInfo, "booking-site");
});

test("a doctor asks for time off and the owner sees it waiting, with its conflicts", async ({ page, browser }, testInfo) => {
  await signInStaff(page, "dr.patel@northside.test");
  await page.getByRole("navigation", { name: "Panel" }).getByRole("link", { name: "Time off" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Time off" })).toBeVisible();
  await expect(page.getByTestId("no-requests")).toBeVisible();
  const day = new Date(Date.now() + 20 * 86_400_000).toISOString().slice(0, 10);
  await page.getByLabel("Kind").selectOption("training");
  await page.getByLabel("First day").fill(day);
  await page.getByLabel("Last day").fill(day);
  await page.getByLabel("Note for the owner (optional)").fill("Dermoscopy course");
  await page.getByRole("button", { name: "Send request" }).click();
  await expect(page.getByTestId("time-off-answer")).toContainText("Request sent");
  await expect(page.getByTestId("my-request")).toContainText("Waiting for approval");
  await shoot(page, testInfo, "time-off-doctor");
  await expectNoSeriousA11yViolations(page, "time off (doctor)");

  const ownerContext = await browser.newContext();
  const owner = await ownerContext.newPage();
  await signInStaff(owner, "owner@northside.test");
  await owner.goto(clinicUrl("northside", "/panel/time-off"));
  const waiting = owner.getByTestId("pending-request").filter({ hasText: "Dr. Anjali Patel" });
  await expect(waiting).toContainText("Training");
  await shoot(owner, testInfo, "time-off-owner");
  await expectNoSeriousA11yViolations(owner, "time off (owner)");
  await waiting.getByRole("button", { name: "Approve" }).click();
  await expect(owner.getByTestId("time-off-answer")).toContainText("Approved");
  await ownerContext.close();

  await page.reload();
  await expect(page.getByTestId("my-request")).toContainText("Approved");
});
