/**
 * The live queue in the browser, as the clinic uses it: the desk checks a patient in; the
 * waiting-room board (a second page, no sign-in) and the doctor's My day (a third page, the doctor
 * signed in) update without a reload; the doctor calls, starts and finishes the visit; the
 * patient's own check-in page shows their place in line.
 */
import { createHmac, randomInt } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { expect, test, type Browser } from "@playwright/test";
import pg from "pg";
import { keepScreenshot } from "./support/artifacts";
import { e2eDatabaseUrls } from "./support/database";
import { soonTimes } from "./support/soon";
import { clinicUrl } from "./support/urls";
import { signInStaff } from "./support/sessions";

interface Visit {
  clinicId: string;
  appointmentId: string;
  locationId: string;
}

/**
 * A booked visit for Dr. Patel starting within the hour (so the patient may check in from their
 * phone), at the first free few minutes: written straight into the database as the desk would book it.
 */
async function bookSoonForDrPatel(firstName: string, lastName: string): Promise<Visit> {
  const client = new pg.Client({ connectionString: e2eDatabaseUrls().superuserUrl });
  await client.connect();
  try {
    const { rows } = await client.query<{ clinic_id: string; doctor_id: string; location_id: string; service_id: string; currency: string }>(
      `SELECT m.clinic_id::text, m.id::text AS doctor_id, dl.location_id::text, sd.service_id::text, c.currency
         FROM clinic_memberships m JOIN staff_users u ON u.id = m.staff_user_id JOIN clinics c ON c.id = m.clinic_id
         JOIN doctor_locations dl ON dl.clinic_id = m.clinic_id AND dl.doctor_id = m.id
         JOIN service_doctors sd ON sd.clinic_id = m.clinic_id AND sd.doctor_id = m.id
        WHERE u.email = 'dr.patel@northside.test' AND m.role = 'doctor' AND c.slug = 'northside'
          AND EXISTS (SELECT 1 FROM rooms r WHERE r.clinic_id = m.clinic_id AND r.location_id = dl.location_id AND r.active)
        ORDER BY dl.location_id, sd.service_id LIMIT 1`,
    );
    const d = rows[0]!;
    const patient = await client.query<{ id: string }>(`INSERT INTO patient_accounts (phone, first_name, last_name) VALUES ($1, $2, $3) RETURNING id::text`, [`+1999555${randomInt(1000, 9999)}${randomInt(10, 99)}`, firstName, lastName]);
    const patientId = patient.rows[0]!.id;
    await client.query(`INSERT INTO clinic_patients (clinic_id, patient_account_id) VALUES ($1::uuid, $2::uuid) ON CONFLICT DO NOTHING`, [d.clinic_id, patientId]);
    const tries = soonTimes("America/New_York");
    for (const { offset, minutes } of tries) {
      try {
        await client.query("BEGIN");
        const inserted = await client.query<{ id: string }>(
          `INSERT INTO appointments (clinic_id, service_id, doctor_id, location_id, patient_account_id, status, starts_at, ends_at, blocked_from, blocked_to, channel, currency, cancellation_window_min)
           VALUES ($1::uuid, $2::uuid, $3::uuid, $4::uuid, $5::uuid, 'confirmed', date_trunc('minute', now()) + make_interval(mins => $6::int), date_trunc('minute', now()) + make_interval(mins => $6::int + $8::int),
                   date_trunc('minute', now()) + make_interval(mins => $6::int), date_trunc('minute', now()) + make_interval(mins => $6::int + $8::int), 'staff', $7, 2880)
           RETURNING id::text`,
          [d.clinic_id, d.service_id, d.doctor_id, d.location_id, patientId, offset, d.currency, minutes],
        );
        await client.query(`INSERT INTO appointment_status_history (clinic_id, appointment_id, from_status, to_status, actor_type, actor_id) VALUES ($1::uuid, $2::uuid, NULL, 'confirmed', 'staff', NULL)`, [d.clinic_id, inserted.rows[0]!.id]);
        await client.query("COMMIT");
        return { clinicId: d.clinic_id, appointmentId: inserted.rows[0]!.id, locationId: d.location_id };
      } catch {
        await client.query("ROLLBACK");
      }
    }
    throw new Error("Dr. Patel has no free five minutes within the hour");
  } finally {
    await client.end();
  }
}

/** The patient's self check-in link, signed as the server signs it (with the secret it keeps beside its database). */
function checkInPath(v: Visit) {
  const secret = process.env.SESSION_SECRET || fs.readFileSync(path.join(process.env.E2E_DATA_DIR!, "session-secret"), "utf8").trim();
  const mac = createHmac("sha256", secret).update(`queue.check_in\0${v.clinicId}:${v.appointmentId}`).digest("hex").slice(0, 32);
  return `/check-in/${v.appointmentId}.${mac}`;
}

async function newPage(browser: Browser, viewport: { width: number; height: number }) {
  const context = await browser.newContext({ viewport });
  return context.newPage();
}

test("the desk checks a patient in; the board and the doctor's screen follow live; the doctor calls and finishes; the patient sees their place", async ({ page: desk, browser }, testInfo) => {
  test.setTimeout(120_000);
  const visit = await bookSoonForDrPatel("Quinn", "Rivers");

  await signInStaff(desk, "desk@northside.test");
  await desk.getByRole("navigation", { name: "Panel" }).getByRole("link", { name: "Queue" }).click();
  await expect(desk.getByRole("heading", { level: 1, name: "Queue" })).toBeVisible();
  await desk.goto(clinicUrl("northside", `/panel/queue?location=${visit.locationId}`));
  await expect(desk.getByTestId("live-state")).toHaveAttribute("data-state", "live");
  const arrival = desk.locator(`[data-testid=arrival][data-appointment-id="${visit.appointmentId}"]`);
  await expect(arrival).toContainText("Quinn Rivers");
  const boardUrl = await desk.getByTestId("board-url").inputValue();

  // The waiting-room TV: no sign-in, its own browser.
  const board = await newPage(browser, { width: 1920, height: 1080 });
  await board.goto(boardUrl);
  await expect(board.getByTestId("live-state")).toHaveAttribute("data-state", "live");
  await expect(board.getByTestId("board-none-called")).toBeVisible();

  // The doctor, signed in on a tablet.
  const doctor = await newPage(browser, { width: 820, height: 1180 });
  await signInStaff(doctor, "dr.patel@northside.test");
  await doctor.goto(clinicUrl("northside", "/panel/my-day"));
  await expect(doctor.getByRole("heading", { level: 1, name: "My day" })).toBeVisible();
  await expect(doctor.getByTestId("live-state")).toHaveAttribute("data-state", "live");
  await expect(doctor.locator(`[data-testid=my-waiting-ticket][data-appointment-id="${visit.appointmentId}"]`)).toHaveCount(0);

  // Check in at the desk.
  await arrival.getByRole("button", { name: "Check in" }).click();
  const answer = desk.getByTestId("queue-answer");
  await expect(answer).toContainText("Checked in: ticket");
  // The number is read from the ticket's row, which the live refresh draws.
  const ticket = desk.locator(`[data-testid=ticket][data-appointment-id="${visit.appointmentId}"]`);
  await expect(ticket).toHaveAttribute("data-state", "waiting");
  const number = /[A-Z]-\d{3}/.exec((await ticket.textContent()) ?? "")![0];
  // The confirmation is still there once the live update of the check-in has reloaded the page.
  await desk.waitForLoadState("networkidle");
  await expect(answer).toContainText(`Checked in: ticket ${number}`);
  await keepScreenshot(desk, testInfo, "queue-desk-desktop");

  // Without a reload, the board lists the number with initials only, and the doctor sees the patient.
  await expect(board.getByTestId("board-waiting")).toContainText(number);
  await expect(board.getByTestId("board-waiting")).toContainText("Q. R.");
  await expect(board.getByText("Quinn")).toHaveCount(0);
  const waitingForDoctor = doctor.locator(`[data-testid=my-waiting-ticket][data-appointment-id="${visit.appointmentId}"]`);
  await expect(waitingForDoctor).toContainText("Quinn Rivers");
  // The chart opens on this visit, so a new note is about it.
  await expect(waitingForDoctor.getByRole("link", { name: "Quinn Rivers" })).toHaveAttribute("href", new RegExp(`/panel/patients/[0-9a-f-]{36}\\?visit=${visit.appointmentId}$`));
  await keepScreenshot(doctor, testInfo, "queue-my-day-tablet");

  // The patient's phone shows the number and the place in line.
  const phone = await newPage(browser, { width: 390, height: 844 });
  await phone.goto(clinicUrl("northside", checkInPath(visit)));
  await expect(phone.getByTestId("check-in-number")).toHaveText(number);
  await expect(phone.getByTestId("check-in-position")).toContainText(/in line/);
  await expect(phone.getByTestId("check-in-wait")).toContainText("Estimated wait");
  await keepScreenshot(phone, testInfo, "queue-check-in-phone");

  // The doctor calls the next patient to a room: the board shows it big, the desk and the phone follow.
  const callNext = doctor.locator(`form:has(#room-next-${visit.locationId})`);
  const room = (await callNext.locator("option:checked").textContent())!.trim();
  await callNext.getByRole("button", { name: "Call next" }).click();
  await expect(doctor.getByTestId("queue-answer")).toContainText(`${number} called to ${room}`);
  await expect(board.getByTestId("board-called-number")).toHaveText(number);
  await expect(board.getByTestId("board-called-room")).toHaveText(room);
  await keepScreenshot(board, testInfo, "queue-board-1920", { fullPage: false });
  await expect(desk.locator(`[data-testid=ticket][data-appointment-id="${visit.appointmentId}"]`)).toHaveAttribute("data-state", "called");
  await expect(phone.getByTestId("check-in-called")).toContainText(room);

  await doctor.getByRole("button", { name: "Start visit" }).click();
  await expect(doctor.locator(`[data-testid=my-current][data-appointment-id="${visit.appointmentId}"]`)).toHaveAttribute("data-state", "in_consultation");
  await expect(desk.locator(`[data-testid=ticket][data-appointment-id="${visit.appointmentId}"]`)).toHaveAttribute("data-state", "in_consultation");
  await doctor.getByRole("button", { name: "Finish visit" }).click();
  await expect(doctor.getByTestId("queue-answer")).toContainText(`Visit ${number} finished.`);
  await expect(desk.locator(`[data-testid=ticket][data-appointment-id="${visit.appointmentId}"]`)).toHaveAttribute("data-state", "done");
  await expect(board.getByTestId("board-none-called")).toBeVisible();
  await expect(phone.getByTestId("check-in-ticket")).toHaveAttribute("data-state", "done");

  await desk.setViewportSize({ width: 820, height: 1180 });
  await keepScreenshot(desk, testInfo, "queue-desk-tablet");
  await doctor.setViewportSize({ width: 1366, height: 900 });
  await keepScreenshot(doctor, testInfo, "queue-my-day-desktop");
});

test("the patient checks in from their phone with the I'm here button", async ({ page }, testInfo) => {
  const visit = await bookSoonForDrPatel("Avery", "Stone");
  await page.setViewportSize({ width: 390, height: 844 });
  await page.goto(clinicUrl("northside", checkInPath(visit)));
  await expect(page.getByRole("heading", { level: 1, name: "Check in" })).toBeVisible();
  await page.getByTestId("im-here").click();
  await expect(page.getByTestId("check-in-number")).toHaveText(/^[A-Z]-\d{3}$/);
  await expect(page.getByTestId("check-in-position")).toBeVisible();
  await keepScreenshot(page, testInfo, "queue-self-check-in-phone");
  // An altered link opens nothing.
  const link = checkInPath(visit);
  const response = await page.goto(clinicUrl("northside", link.slice(0, -1) + (link.endsWith("0") ? "1" : "0")));
  expect(response?.status()).toBe(404);
});
