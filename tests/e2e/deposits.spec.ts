import { expect, test, type Page } from "@playwright/test";
import pg from "pg";
import { keepScreenshot } from "./support/artifacts";
import { expectNoSeriousA11yViolations } from "./support/axe";
import { confirmBooking, nextMonth } from "./support/booking";
import { e2eDatabaseUrls } from "./support/database";
import { signInNewPatient } from "./support/patient";
import { clinicUrl } from "./support/urls";
import { signInStaff } from "./support/sessions";

const ZONE = "America/New_York";
const localDate = (at: Date) => new Intl.DateTimeFormat("en-CA", { timeZone: ZONE, year: "numeric", month: "2-digit", day: "2-digit" }).format(at);

/** The `day=` links of the calendar on screen that have free times. */
async function freeDays(page: Page): Promise<{ day: string; href: string }[]> {
  const hrefs = await page.getByTestId("free-day").evaluateAll((links) => links.map((l) => l.getAttribute("href") ?? ""));
  return hrefs.map((href) => ({ href, day: /[?&]day=(\d{4}-\d{2}-\d{2})/.exec(href)?.[1] ?? "" })).filter((d) => d.day);
}

const DEPOSIT_SERVICES = ["Well-child check-up", "Annual physical", "Full-body skin check"];

const HOUR = 3_600_000;

/**
 * Books a visit with a deposit that starts more than 48 hours from now, so it can still be
 * cancelled online, and within 5 days, so the deposit is held on the card at once. The demo's
 * history fills some near days and some days are closed, so every deposit service and location
 * is tried, days 3 and 4 ahead first, then 2 and 5 (where only some times qualify).
 */
async function bookSoon(page: Page, request: Parameters<typeof signInNewPatient>[1], name: { first: string; last: string }) {
  const now = Date.now();
  const wanted = [3, 4, 2, 5].map((days) => localDate(new Date(now + days * 24 * HOUR)));
  const fits = (iso: string) => new Date(iso).getTime() > now + 49 * HOUR && new Date(iso).getTime() < now + 5 * 24 * HOUR - HOUR;
  for (const service of DEPOSIT_SERVICES) {
    await page.goto(clinicUrl("northside", "/book"));
    await page.getByTestId("service-option").filter({ hasText: service }).click();
    const where = page.getByRole("heading", { level: 1, name: "Where would you like to be seen?" });
    const who = page.getByRole("heading", { level: 1, name: "Who would you like to see?" });
    await expect(where.or(who)).toBeVisible();
    const locationPages = (await where.isVisible()) ? await page.getByTestId("location-option").evaluateAll((links) => links.map((l) => l.getAttribute("href") ?? "")) : [page.url()];
    for (const locationPage of locationPages) {
      await page.goto(new URL(locationPage, page.url()).toString());
      await page.getByTestId("doctor-option").first().click();
      await expect(page.getByRole("heading", { level: 1, name: "Choose a day" })).toBeVisible();
      let days = await freeDays(page);
      if (wanted.some((d) => d.slice(0, 7) !== localDate(new Date(now)).slice(0, 7))) {
        await nextMonth(page);
        days = [...days, ...(await freeDays(page))];
      }
      const base = page.url();
      for (const day of wanted) {
        const link = days.find((d) => d.day === day);
        if (!link) continue;
        await page.goto(new URL(link.href, base).toString());
        const starts = await page.locator('form:has([data-testid="time-option"]) input[name="start"]').evaluateAll((inputs) => inputs.map((i) => (i as HTMLInputElement).value));
        const start = starts.filter(fits).pop();
        if (!start) continue;
        // The latest qualifying time: other specs take the first free times.
        await page.locator(`form:has(input[name="start"][value="${start}"])`).getByTestId("time-option").click();
        await expect(page.getByRole("heading", { level: 1, name: "Check your booking" })).toBeVisible();
        await page.getByRole("link", { name: "Sign in with your phone" }).click();
        await signInNewPatient(page, request, name);
        await expect(page.getByRole("heading", { level: 1, name: "Check your booking" })).toBeVisible();
        return;
      }
    }
  }
  throw new Error(`No free time between 2 and 5 days ahead (${wanted.join(", ")}) for a service with a deposit`);
}

test("a patient books with a deposit on the demo provider, sees it held, cancels in time and sees it released", async ({ page, request }, testInfo) => {
  const shot = (name: string) => keepScreenshot(page, testInfo, `deposit-${name}`);
  await bookSoon(page, request, { first: "Dee", last: "Posit" });
  const picker = page.getByTestId("card-picker");
  await expect(picker).toContainText(/\$\d+\.\d{2} is held on your card when you confirm/);
  await expect(picker.getByTestId("demo-payments")).toBeVisible();
  // Apple Pay and Google Pay come with the real card provider; the demo says so instead of a dead button.
  await expect(picker.getByTestId("wallet-unavailable")).toContainText("Apple Pay and Google Pay are not available in the demo");

  // A declined card is told plainly and the time stays held.
  await confirmBooking(page, { number: "4000 0000 0000 9995", expiry: "12/34", cvc: "123" });
  await expect(page.getByTestId("card-error").first()).toContainText("declined");
  // Focus moves to what went wrong, so a phone user and a screen reader both meet it at once.
  await expect(page.getByTestId("confirm-error")).toBeFocused();
  await expect(page.getByRole("heading", { level: 1, name: "Check your booking" })).toBeVisible();
  await shot("1-declined");

  // The form asks for another card at once. The expiry is typed as a phone's keypad allows, with
  // no "/": it goes in by itself.
  const picker2 = page.getByTestId("card-picker");
  await expect(picker2.getByLabel("Card number")).toBeVisible();
  await expect(picker2.getByLabel("Expiry (MM/YY)")).toHaveAttribute("autocomplete", "cc-exp");
  await picker2.getByLabel("Card number").fill("4242 4242 4242 4242");
  await picker2.getByLabel("Expiry (MM/YY)").fill("");
  await picker2.getByLabel("Expiry (MM/YY)").pressSequentially("1234");
  await expect(picker2.getByLabel("Expiry (MM/YY)")).toHaveValue("12/34");
  await picker2.getByLabel("Security code").fill("123");
  await page.getByRole("button", { name: "Confirm booking" }).click();
  await expect(page.getByTestId("booking-done")).toBeVisible();
  await expect(page.getByTestId("deposit-detail")).toContainText(/\$\d+\.\d{2} is reserved on Visa •••• 4242, not charged/);
  await shot("2-receipt");
  const appointmentId = new URL(page.url()).pathname.split("/").pop()!;

  await page.goto(clinicUrl("northside", `/account/appointments/${appointmentId}`));
  await expect(page.getByTestId("appointment-payment")).toHaveText("Deposit reserved on your card, not yet charged");

  await page.goto(clinicUrl("northside", "/account"));
  const visit = page.getByTestId("upcoming-appointments").getByTestId("account-appointment");
  await visit.getByTestId("cancel-appointment").click();
  // Before the patient says yes, the page says what happens to the deposit.
  await expect(page.getByTestId("cancel-deposit")).toContainText(/The \$\d+\.\d{2} reserved on Visa •••• 4242 is released at once\. You are not charged\./);
  await page.getByTestId("confirm-cancel").click();
  await expect(page.getByTestId("cancelled-message")).toBeVisible();

  await page.goto(clinicUrl("northside", `/account/appointments/${appointmentId}`));
  await expect(page.getByTestId("appointment-payment")).toHaveText("Deposit released, nothing charged");
  await expect(page.getByTestId("deposit-detail")).toContainText("was released. You were not charged.");
  await shot("3-released");

  // The cards page lists only the card the bank accepted, as the default: the declined one was
  // never kept.
  await page.goto(clinicUrl("northside", "/account/cards"));
  await expect(page.getByTestId("saved-card")).toHaveCount(1);
  await expect(page.getByTestId("saved-card").first()).toContainText("Visa •••• 4242");
  await expect(page.getByTestId("saved-card").first()).toContainText("Default");
  await expect(page.getByTestId("saved-cards")).not.toContainText("9995");
  await shot("4-cards");
  await expectNoSeriousA11yViolations(page, page.url());
});

test("a secretary marks a no-show and the deposit is captured", async ({ page, request }, testInfo) => {
  await bookSoon(page, request, { first: "Noah", last: "Show" });
  await confirmBooking(page);
  await expect(page.getByTestId("deposit-detail")).toContainText("is reserved");
  const appointmentId = new URL(page.url()).pathname.split("/").pop()!;

  // The visit "was" a few minutes ago: moved into the past where the doctor has nothing else.
  const db = new pg.Client({ connectionString: e2eDatabaseUrls().superuserUrl });
  await db.connect();
  let startedAt: Date | null = null;
  try {
    for (let minutesAgo = 10; minutesAgo < 24 * 60 && !startedAt; minutesAgo += 35) {
      try {
        const rows = await db.query<{ starts_at: Date }>(
          `UPDATE appointments SET starts_at = date_trunc('minute', now()) - make_interval(mins => $2), ends_at = date_trunc('minute', now()) - make_interval(mins => $2 - 30),
                  blocked_from = date_trunc('minute', now()) - make_interval(mins => $2), blocked_to = date_trunc('minute', now()) - make_interval(mins => $2 - 30)
            WHERE id = $1 RETURNING starts_at`,
          [appointmentId, minutesAgo],
        );
        startedAt = rows.rows[0]!.starts_at;
      } catch (error) {
        if ((error as { code?: string }).code !== "23P01") throw error; // another visit there: try earlier
      }
    }
  } finally {
    await db.end();
  }
  expect(startedAt).not.toBeNull();

  await page.context().clearCookies();
  await signInStaff(page, "desk@northside.test");
  await page.getByRole("navigation", { name: "Panel" }).getByRole("link", { name: "Visits" }).click();
  await page.goto(clinicUrl("northside", `/panel/visits?day=${localDate(startedAt!)}`));
  const row = page.locator(`[data-testid="visit"][data-appointment-id="${appointmentId}"]`);
  await expect(row).toContainText("Noah Show");
  await expect(row.getByTestId("visit-deposit")).toHaveText(/^Deposit held · \$\d+\.\d{2}$/);
  await row.getByRole("button", { name: "Mark no-show" }).click();
  await expect(page.getByTestId("desk-answer")).toContainText("Marked as missed");
  await expect(row.getByTestId("visit-status")).toHaveText("Missed");
  await expect(row.getByTestId("visit-deposit")).toHaveText(/^Deposit charged · \$\d+\.\d{2}$/);
  await keepScreenshot(page, testInfo, "deposit-desk-no-show");
  await expectNoSeriousA11yViolations(page, page.url());
});
