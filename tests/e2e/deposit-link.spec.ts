import { createHash, randomBytes, randomInt } from "node:crypto";
import { expect, test } from "@playwright/test";
import pg from "pg";
import { keepScreenshot } from "./support/artifacts";
import { expectNoSeriousA11yViolations } from "./support/axe";
import { e2eDatabaseUrls } from "./support/database";
import { clinicUrl } from "./support/urls";

const HOUR = 3_600_000;

/**
 * A visit Northside's desk booked for a phone the patient never proved there: its deposit awaits a
 * card, and the patient was texted a deposit link. Prepared directly in the database (the desk and
 * the message are covered by the integration tests); returns the link's token.
 */
async function awaitingDeposit(): Promise<string> {
  const db = new pg.Client({ connectionString: e2eDatabaseUrls().superuserUrl });
  await db.connect();
  const token = randomBytes(32).toString("base64url");
  try {
    const { rows } = await db.query<{ clinic_id: string; service_id: string; doctor_id: string; location_id: string; duration_min: number; currency: string }>(
      `SELECT s.clinic_id::text, s.id::text AS service_id, sd.doctor_id::text, sl.location_id::text, s.duration_min, c.currency
         FROM services s JOIN clinics c ON c.id = s.clinic_id
         JOIN service_doctors sd ON sd.clinic_id = s.clinic_id AND sd.service_id = s.id
         JOIN service_locations sl ON sl.clinic_id = s.clinic_id AND sl.service_id = s.id
         JOIN doctor_locations dl ON dl.clinic_id = s.clinic_id AND dl.doctor_id = sd.doctor_id AND dl.location_id = sl.location_id
        WHERE c.slug = 'northside' AND s.deposit_kind <> 'none' AND s.room_type IS NULL
        ORDER BY s.key, sd.doctor_id LIMIT 1`,
    );
    const v = rows[0]!;
    const phone = `+1212${randomInt(200, 1000)}${String(randomInt(0, 10_000)).padStart(4, "0")}`;
    const account = await db.query<{ id: string }>(`INSERT INTO patient_accounts (phone) VALUES ($1) RETURNING id::text`, [phone]);
    const patientId = account.rows[0]!.id;
    await db.query(`INSERT INTO clinic_patients (clinic_id, patient_account_id, first_name, last_name) VALUES ($1, $2, 'Phone', 'Caller')`, [v.clinic_id, patientId]);
    // Four days ahead (inside 5 days: held at once), at a quiet hour the doctor has free.
    let appointmentId: string | null = null;
    for (let minutes = 0; minutes < 24 * 60 && !appointmentId; minutes += 45) {
      const start = new Date(Math.ceil((Date.now() + 4 * 24 * HOUR) / (15 * 60_000)) * 15 * 60_000 + minutes * 60_000);
      const end = new Date(start.getTime() + v.duration_min * 60_000);
      try {
        const a = await db.query<{ id: string }>(
          `INSERT INTO appointments (clinic_id, service_id, doctor_id, location_id, patient_account_id, status, starts_at, ends_at, blocked_from, blocked_to,
                                     channel, payment_status, price_minor, deposit_minor, currency, cancellation_window_min, created_by)
           VALUES ($1, $2, $3, $4, $5, 'confirmed', $6, $7, $6, $7, 'staff', 'failed', 10000, 2500, $8, 2880, 'staff:e2e') RETURNING id::text`,
          [v.clinic_id, v.service_id, v.doctor_id, v.location_id, patientId, start, end, v.currency],
        );
        appointmentId = a.rows[0]!.id;
      } catch (error) {
        if ((error as { code?: string }).code !== "23P01") throw error; // the doctor is busy then: try later
      }
    }
    const deposit = await db.query<{ id: string }>(
      `INSERT INTO deposits (clinic_id, appointment_id, patient_account_id, provider, status, amount_minor, currency, authorize_at, capture_at, failed_at, failure_code, failure_message)
       SELECT clinic_id, id, patient_account_id, 'demo', 'failed', 2500, currency, now(), starts_at - interval '48 hours', now(), 'no_card', 'No card is saved for this patient.'
         FROM appointments WHERE id = $1 RETURNING id::text`,
      [appointmentId],
    );
    await db.query(
      `INSERT INTO deposit_links (clinic_id, deposit_id, patient_account_id, token_hash, expires_at)
       SELECT clinic_id, id, patient_account_id, $2, capture_at FROM deposits WHERE id = $1`,
      [deposit.rows[0]!.id, createHash("sha256").update(token).digest("hex")],
    );
  } finally {
    await db.end();
  }
  return token;
}

test("@phone the patient follows the deposit link, adds a card and the deposit is held; the link then says it was used", async ({ page }, testInfo) => {
  const token = await awaitingDeposit();
  await page.goto(clinicUrl("northside", `/deposit/${token}`));
  await expect(page.getByRole("heading", { level: 1, name: "Deposit for your visit" })).toBeVisible();
  await expect(page.getByTestId("deposit-link-visit")).toContainText("$25.00");
  await expect(page.getByTestId("deposit-link-deadline")).toContainText("to keep this visit");
  await expectNoSeriousA11yViolations(page, page.url());

  const form = page.getByTestId("deposit-link-add");
  await expect(form.getByTestId("demo-payments")).toContainText("no card is charged");
  await form.getByLabel("Card number").fill("4242 4242 4242 4242");
  await form.getByLabel("Expiry (MM/YY)").fill("12/34");
  await form.getByLabel("Security code").fill("123");
  await form.getByRole("button", { name: "Save card" }).click();
  await expect(page.getByTestId("deposit-link-done")).toContainText("$25.00 is reserved on your card");
  await keepScreenshot(page, testInfo, "deposit-link-done");

  // The link is spent: opening it again says so and offers nothing.
  await page.goto(clinicUrl("northside", `/deposit/${token}`));
  await expect(page.getByTestId("deposit-link-state")).toContainText("already been used");
  await expect(page.getByTestId("deposit-link-add")).toHaveCount(0);

  // An unknown link is not found.
  const missing = await page.goto(clinicUrl("northside", `/deposit/${randomBytes(32).toString("base64url")}`));
  expect(missing?.status()).toBe(404);
});
