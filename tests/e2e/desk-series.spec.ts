import { expect, test, type Page } from "@playwright/test";
import { keepDesktopAndTablet } from "./support/artifacts";
import { expectNoSeriousA11yViolations } from "./support/axe";
import { newTestPhone } from "./support/outbox";
import { signInStaff } from "./support/sessions";
import { clinicUrl } from "./support/urls";

/** A local date in New York, `days` from today. */
function nyDate(days: number) {
  return new Intl.DateTimeFormat("en-CA", { timeZone: "America/New_York" }).format(new Date(Date.now() + days * 86_400_000));
}

/** The next Tuesday in New York at least three days ahead. */
function nextTuesday() {
  for (let d = 3; d < 10; d++) {
    const date = nyDate(d);
    if (new Date(`${date}T12:00:00Z`).getUTCDay() === 2) return date;
  }
  throw new Error("no Tuesday");
}

/** The local date `days` after `date`. */
function nyDateAfter(date: string, days: number) {
  return new Date(Date.parse(`${date}T12:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
}

async function newPatient(page: Page, first: string, last: string): Promise<string> {
  await page.goto(clinicUrl("northside", "/panel/book"));
  const phone = newTestPhone();
  await page.getByLabel("Mobile phone").fill(phone.typed);
  await page.getByLabel("First name").fill(first);
  await page.getByLabel("Last name").fill(last);
  await page.getByRole("button", { name: "Add patient" }).click();
  await expect(page.getByTestId("chosen-patient")).toContainText(`${first} ${last}`);
  return new URL(page.url()).searchParams.get("patient")!;
}

/**
 * Fills the series form: Dr. Chen's well-child check-ups at Washington Heights, Tuesdays and
 * Thursdays at `time`.
 */
async function checkSeries(page: Page, patientId: string, first: string, count: number, time: string) {
  await page.goto(clinicUrl("northside", `/panel/series?patient=${patientId}`));
  const form = page.getByTestId("series-pattern");
  await form.getByLabel("Service").selectOption({ label: "Well-child check-up" });
  await form.getByLabel("Doctor").selectOption({ label: "Dr. Michael Chen" });
  await form.getByLabel("Location").selectOption({ label: "Washington Heights" });
  await form.getByLabel("Time (clinic time)").fill(time);
  await form.getByLabel("First visit on or after").fill(first);
  await form.getByLabel("Repeat").selectOption("weekdays");
  await form.getByLabel("Tue").check();
  await form.getByLabel("Thu").check();
  await form.getByLabel("Number of visits").fill(String(count));
  await form.getByRole("button", { name: "Check the visits" }).click();
  await expect(page.getByTestId("series-preview")).toBeVisible();
}

test("the desk books a six-week series twice a week, resolving a conflict by picking an alternative @tablet", async ({ page }, testInfo) => {
  test.setTimeout(180_000);
  await signInStaff(page, "desk@northside.test", { landing: "/panel/desk" });
  await page.getByRole("link", { name: "Book a series" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Book a series" })).toBeVisible();
  const blocker = await newPatient(page, "Blair", "Early");
  const patient = await newPatient(page, "Avery", "Course");
  // Both projects run on one database at once: each books its course in its own weeks and at its
  // own hour, or one would find its visits and alternatives taken by the other.
  const tablet = testInfo.project.name === "tablet";
  const first = tablet ? nyDateAfter(nextTuesday(), 21) : nextTuesday();
  const time = tablet ? "09:30" : "11:00";

  await checkSeries(page, patient, first, 12, time);
  const previewUrl = page.url();
  const items = page.locator("[data-testid^=occurrence-]");
  await expect(items).toHaveCount(12);
  // The first visit that is free now is taken by another patient's one-visit series.
  const free = page.locator("[data-testid^=occurrence-]", { hasText: "Free" }).first();
  const freeId = await free.getAttribute("data-testid");
  const value = await free.locator("input[type=radio]").first().getAttribute("value");
  const takenDate = new Intl.DateTimeFormat("en-CA", { timeZone: "America/New_York" }).format(new Date(value!.split("|")[1]!));
  await checkSeries(page, blocker, takenDate, 1, time);
  await page.getByRole("button", { name: "Book the series" }).click();
  await expect(page.getByTestId("desk-answer")).toContainText("Series booked: 1 visit");

  // Back to the course: that visit now needs another time, with alternatives listed.
  await page.goto(previewUrl);
  const conflict = page.getByTestId(freeId!);
  await expect(conflict).toContainText("The doctor is booked at this time.");
  await keepDesktopAndTablet(page, testInfo, "series-preview");
  await expectNoSeriousA11yViolations(page, "series preview");
  // Pick the conflict's first alternative and book. The other project's course runs beside this one
  // on the same database and may take that alternative first: the page then says so, saves
  // nothing and lists again, and the desk picks again.
  let picked = "";
  for (let attempt = 1; attempt <= 3; attempt++) {
    const alternative = page.getByTestId(freeId!).locator("label", { hasNotText: "Skip" }).first();
    picked = (await alternative.innerText()).trim();
    await alternative.click();
    // Any other visit that does not fit (the demo's own bookings) takes its first choice as well.
    for (const other of await page.locator("[data-testid^=occurrence-]").all()) {
      if (!(await other.locator("input:checked").count())) await other.locator("label").first().click();
    }
    const posted = page.waitForResponse((r) => r.request().method() === "POST" && r.url().includes("/panel/series"));
    await page.getByRole("button", { name: "Book the series" }).click();
    await posted;
    await page.waitForLoadState();
    const answer = page.getByTestId("desk-answer");
    await expect(answer).toContainText(/Series booked:|was just taken/);
    if ((await answer.innerText()).includes("Series booked:")) break;
    expect(attempt, "booked within three tries").toBeLessThan(3);
  }
  const series = page.getByTestId("visit-series");
  await expect(series).toContainText("visit 1 of");
  await expect(series).toContainText(picked.split(" · ")[0]!);
  await keepDesktopAndTablet(page, testInfo, "series-visit");
  await expectNoSeriousA11yViolations(page, "visit of a series");
});
