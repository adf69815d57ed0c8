/**
 * One patient's visit through every screen that touches it: the desk books a new patient by phone,
 * the visit comes due, the desk checks them in from the appointment page; the waiting-room board
 * and the doctor's My day follow without a reload; the doctor calls, starts and finishes the visit.
 */
import { randomInt } from "node:crypto";
import { expect, test, type Browser } from "@playwright/test";
import pg from "pg";
import { keepScreenshot } from "./support/artifacts";
import { e2eDatabaseUrls } from "./support/database";
import { soonTimes } from "./support/soon";
import { clinicUrl } from "./support/urls";
import { signInStaff } from "./support/sessions";

function nyDate(days: number) {
  return new Intl.DateTimeFormat("en-CA", { timeZone: "America/New_York" }).format(new Date(Date.now() + days * 86_400_000));
}

async function newPage(browser: Browser, viewport: { width: number; height: number }) {
  return (await browser.newContext({ viewport })).newPage();
}

/**
 * The booked visit becomes due: it is moved to start within the hour (the test cannot wait for
 * tomorrow), at the first free minutes of the doctor's and the room's, shortened to fit if need be.
 * Returns the location of the visit.
 */
async function bringForward(appointmentId: string): Promise<string> {
  const client = new pg.Client({ connectionString: e2eDatabaseUrls().superuserUrl });
  await client.connect();
  try {
    for (const { offset, minutes } of soonTimes("America/New_York")) {
      try {
        const { rows } = await client.query<{ location_id: string }>(
          `UPDATE appointments
              SET starts_at = date_trunc('minute', now()) + make_interval(mins => $2::int),
                  ends_at = date_trunc('minute', now()) + make_interval(mins => $2::int + $3::int),
                  blocked_from = date_trunc('minute', now()) + make_interval(mins => $2::int),
                  blocked_to = date_trunc('minute', now()) + make_interval(mins => $2::int + $3::int)
            WHERE id = $1::uuid RETURNING location_id::text`,
          [appointmentId, offset, minutes],
        );
        return rows[0]!.location_id;
      } catch {
        // That time overlaps another visit of the doctor's or the room's: try the next one.
      }
    }
    throw new Error("no free minutes in the next hour to bring the visit forward");
  } finally {
    await client.end();
  }
}

test("the desk books a phone patient and checks them in; the board and the doctor's screen follow live; the doctor calls and finishes the visit", async ({ page: desk, browser }, testInfo) => {
  test.setTimeout(150_000);
  await signInStaff(desk, "desk@northside.test");

  // Book by phone: a new patient, a flu shot with Dr. Patel on the first day with a free time.
  await desk.getByRole("navigation", { name: "Panel" }).getByRole("link", { name: "Book by phone" }).click();
  const phone = `(212) 555-${String(randomInt(1000, 9999))}`;
  await desk.getByLabel("Phone number or name").fill(phone);
  await desk.getByRole("button", { name: "Search" }).click();
  await expect(desk.getByTestId("no-patients")).toBeVisible();
  await desk.getByLabel("First name").fill("Robin");
  await desk.getByLabel("Last name").fill("Ashgrove");
  await desk.getByRole("button", { name: "Add patient" }).click();
  await expect(desk.getByTestId("chosen-patient")).toContainText("Robin Ashgrove");

  // The first available times with Dr. Patel (a fetcher, no page reload), from tomorrow on.
  await expect.poll(() => desk.evaluate(() => typeof (window as unknown as { __remixRouter?: unknown }).__remixRouter)).toBe("object");
  await desk.getByTestId("services").getByRole("radio", { name: "Flu shot" }).check();
  const doctor = desk.getByLabel("Doctor", { exact: true });
  const patel = (await doctor.locator("option", { hasText: "Patel" }).first().getAttribute("value"))!;
  await doctor.selectOption(patel);
  const fromTomorrow = desk.waitForResponse((r) => r.url().includes("/panel/book/times") && r.url().includes(`doctor=${patel}`) && r.url().includes(`from=${nyDate(1)}`));
  await desk.getByLabel("From", { exact: true }).fill(nyDate(1));
  await fromTomorrow;
  await expect(desk.getByTestId("free-times"), "Dr. Patel has a free time for a flu shot within the next weeks").toBeVisible();
  await desk.getByTestId("free-day").first().locator("label").first().click();
  await desk.getByRole("button", { name: "Book this time" }).click();
  await expect(desk.getByTestId("booked")).toContainText("Booked");
  const appointmentId = (await desk.getByTestId("booked").getByRole("link", { name: "Open the visit" }).getAttribute("href"))!.match(/appointments\/([0-9a-f-]{36})/)![1]!;

  const locationId = await bringForward(appointmentId);

  // The waiting-room TV (its link from the queue page) and the doctor's tablet are open before the patient arrives.
  await desk.goto(clinicUrl("northside", `/panel/queue?location=${locationId}`));
  const boardUrl = await desk.getByTestId("board-url").inputValue();
  const board = await newPage(browser, { width: 1920, height: 1080 });
  await board.goto(boardUrl);
  await expect(board.getByTestId("live-state")).toHaveAttribute("data-state", "live");
  const doctorPage = await newPage(browser, { width: 820, height: 1180 });
  await signInStaff(doctorPage, "dr.patel@northside.test");
  await doctorPage.goto(clinicUrl("northside", "/panel/my-day"));
  await expect(doctorPage.getByTestId("live-state")).toHaveAttribute("data-state", "live");
  const waiting = doctorPage.locator(`[data-testid=my-waiting-ticket][data-appointment-id="${appointmentId}"]`);
  await expect(waiting).toHaveCount(0);

  // The patient arrives: the desk checks them in from the visit's own page.
  await desk.goto(clinicUrl("northside", `/panel/appointments/${appointmentId}`));
  await desk.getByRole("button", { name: "Check in" }).click();
  await expect(desk).toHaveURL(new RegExp(`/panel/appointments/${appointmentId}`));
  await expect(desk.getByTestId("history")).toContainText(/Checked in/i);

  // Without a reload: the board shows the initials only, the doctor sees the patient waiting.
  await expect(board.getByTestId("board-waiting")).toContainText("R. A.");
  await expect(board.getByText("Ashgrove")).toHaveCount(0);
  await expect(waiting).toContainText("Robin Ashgrove");

  const callNext = doctorPage.locator(`form:has(#room-next-${locationId})`);
  const room = (await callNext.locator("option:checked").textContent())!.trim();
  await callNext.getByRole("button", { name: "Call next" }).click();
  await expect(board.getByTestId("board-called-room")).toHaveText(room);
  await keepScreenshot(board, testInfo, "clinic-day-board-called", { fullPage: false });
  await doctorPage.getByRole("button", { name: "Start visit" }).click();
  await expect(doctorPage.locator(`[data-testid=my-current][data-appointment-id="${appointmentId}"]`)).toHaveAttribute("data-state", "in_consultation");
  await doctorPage.getByRole("button", { name: "Finish visit" }).click();
  // The visit leaves the doctor's "now" card (the confirmation line may already have given way to a live refresh).
  await expect(doctorPage.locator(`[data-testid=my-current][data-appointment-id="${appointmentId}"]`)).toHaveCount(0);
  await expect(board.getByTestId("board-none-called")).toBeVisible();
  await keepScreenshot(doctorPage, testInfo, "clinic-day-doctor-finished-tablet");

  // The visit's page at the desk now reads completed.
  await desk.reload();
  await expect(desk.getByTestId("history")).toContainText(/Completed/i);
  await keepScreenshot(desk, testInfo, "clinic-day-appointment-completed");
});
