import { randomInt } from "node:crypto";
import { expect, test } from "@playwright/test";
import pg from "pg";
import { keepScreenshot } from "./support/artifacts";
import { expectNoSeriousA11yViolations } from "./support/axe";
import { e2eDatabaseUrls } from "./support/database";
import { clinicUrl } from "./support/urls";
import { signInStaff } from "./support/sessions";

/**
 * Two demo clinics six hours apart (New York and Berlin): whatever the time, one of them has more
 * than an hour and a half of its day left for a visit more than an hour ahead. Dr. Chen's line, not
 * Dr. Patel's, which the queue specs call.
 */
const CLINICS = [
  { slug: "northside", zone: "America/New_York", doctor: "dr.chen@northside.test", desk: "desk@northside.test" },
  { slug: "spree-physio", zone: "Europe/Berlin", doctor: "jonas.weber@spree-physio.test", desk: "desk@spree-physio.test" },
] as const;

/** Minutes left in the clinic's day now. */
function minutesLeft(zone: string) {
  const [hour, minute] = new Intl.DateTimeFormat("en-GB", { timeZone: zone, hour: "2-digit", minute: "2-digit", hourCycle: "h23" }).format(new Date()).split(":").map(Number);
  return 24 * 60 - (hour! * 60 + minute!);
}

/** A confirmed visit later today, more than an hour ahead, at the first demo clinic whose day has room for one. */
async function visitLaterToday(firstName: string, lastName: string): Promise<{ id: string; clinic: (typeof CLINICS)[number] }> {
  const clinic = CLINICS.find((c) => minutesLeft(c.zone) >= 95)!;
  const left = minutesLeft(clinic.zone);
  const client = new pg.Client({ connectionString: e2eDatabaseUrls().superuserUrl });
  await client.connect();
  try {
    const { rows } = await client.query<{ clinic_id: string; doctor_id: string; location_id: string; service_id: string; currency: string }>(
      `SELECT m.clinic_id::text, m.id::text AS doctor_id, dl.location_id::text, sd.service_id::text, c.currency
         FROM clinic_memberships m JOIN staff_users u ON u.id = m.staff_user_id JOIN clinics c ON c.id = m.clinic_id
         JOIN doctor_locations dl ON dl.clinic_id = m.clinic_id AND dl.doctor_id = m.id
         JOIN service_doctors sd ON sd.clinic_id = m.clinic_id AND sd.doctor_id = m.id
        WHERE u.email = $1 AND m.role = 'doctor' AND c.slug = $2
        ORDER BY dl.location_id, sd.service_id LIMIT 1`,
      [clinic.doctor, clinic.slug],
    );
    const d = rows[0]!;
    const patient = await client.query<{ id: string }>(`INSERT INTO patient_accounts (phone, first_name, last_name) VALUES ($1, $2, $3) RETURNING id::text`, [`+1999556${randomInt(1000, 9999)}${randomInt(10, 99)}`, firstName, lastName]);
    await client.query(`INSERT INTO clinic_patients (clinic_id, patient_account_id) VALUES ($1::uuid, $2::uuid) ON CONFLICT DO NOTHING`, [d.clinic_id, patient.rows[0]!.id]);
    // Minutes from 70 on, one at a time, until one is free for the doctor and the rooms.
    for (let offset = 70; offset < left - 3; offset++) {
      try {
        const inserted = await client.query<{ id: string }>(
          `INSERT INTO appointments (clinic_id, service_id, doctor_id, location_id, patient_account_id, status, starts_at, ends_at, blocked_from, blocked_to, channel, currency, cancellation_window_min)
           VALUES ($1::uuid, $2::uuid, $3::uuid, $4::uuid, $5::uuid, 'confirmed', date_trunc('minute', now()) + make_interval(mins => $6::int), date_trunc('minute', now()) + make_interval(mins => $6::int + 1),
                   date_trunc('minute', now()) + make_interval(mins => $6::int), date_trunc('minute', now()) + make_interval(mins => $6::int + 1), 'staff', $7, 2880)
           RETURNING id::text`,
          [d.clinic_id, d.service_id, d.doctor_id, d.location_id, patient.rows[0]!.id, offset, d.currency],
        );
        return { id: inserted.rows[0]!.id, clinic };
      } catch {
        // Taken: try the next minute.
      }
    }
    throw new Error(`no free minute more than an hour ahead today for ${clinic.doctor}`);
  } finally {
    await client.end();
  }
}

test("the desk is asked before checking a patient in hours early, and checks in only after saying yes", async ({ page }, testInfo) => {
  const { id, clinic } = await visitLaterToday("Early", "Bird");
  await signInStaff(page, clinic.desk, { clinic: clinic.slug, landing: "/panel/desk" });
  await page.getByRole("button", { name: "Check in Early Bird" }).click();
  const ask = page.getByTestId("confirm-early-check-in");
  await expect(ask).toContainText(/Check in now, \d h( \d+ min)? early\?/);
  await keepScreenshot(page, testInfo, "early-check-in-question", { fullPage: false });
  await expectNoSeriousA11yViolations(page, "Early check-in question");
  // Nothing happened yet: the board still offers the check-in.
  await page.goto(clinicUrl(clinic.slug, "/panel/desk"));
  await page.getByRole("button", { name: "Check in Early Bird" }).click();
  await page.getByLabel("Yes, the patient is here and should be checked in now").check();
  await page.getByRole("button", { name: "Check in now" }).click();
  await expect(page).toHaveURL(/\/panel\/desk/);
  await expect(page.locator(`[data-testid=board-visit][data-appointment-id="${id}"]`)).toContainText("Checked in");
});
