import { expect, test } from "@playwright/test";
import pg from "pg";
import { keepScreenshot } from "./support/artifacts";
import { expectNoSeriousA11yViolations } from "./support/axe";
import { e2eDatabaseUrls } from "./support/database";
import { signInNewPatient } from "./support/patient";
import { signInPatient } from "./support/sessions";
import { clinicUrl, marketplaceUrl } from "./support/urls";

/** A demo patient with an upcoming visit at northside on their Medslot account, by phone (each project takes its own). */
async function patientWithVisit(index: number): Promise<string> {
  const pool = new pg.Pool({ connectionString: e2eDatabaseUrls().superuserUrl, max: 1 });
  try {
    const { rows } = await pool.query<{ phone: string }>(
      `SELECT p.phone FROM patient_accounts p
         JOIN appointments a ON a.patient_account_id = p.id AND a.status = 'confirmed' AND a.starts_at > now() + interval '3 days'
         JOIN clinics c ON c.id = a.clinic_id AND c.slug = 'northside'
         -- Only visits whose clinic record the patient proved are on the patient's Medslot account.
         JOIN clinic_patients cp ON cp.clinic_id = a.clinic_id AND cp.patient_account_id = p.id AND cp.linked_at IS NOT NULL
        WHERE p.first_name IS NOT NULL AND a.dependent_id IS NULL
        GROUP BY p.phone ORDER BY p.phone OFFSET $1 LIMIT 1`,
      [index],
    );
    if (!rows[0]) throw new Error("no demo patient with an upcoming northside visit");
    return rows[0].phone;
  } finally {
    await pool.end();
  }
}

test("signed in on Medslot, a patient manages a visit on the clinic's site without signing in again, and comes back @phone", async ({ page }, testInfo) => {
  const shot = (name: string) => keepScreenshot(page, testInfo, `one-sign-in-${name}`);
  const phone = await patientWithVisit(testInfo.project.name === "phone" ? 1 : 0);
  // Signed in on Medslot's own site only: the clinic's site has no session of this browser's.
  await signInPatient(page, phone, { clinic: null, landing: "/account" });
  const handOffs: string[] = [];
  page.on("request", (r) => {
    if (r.url().includes("/hand-off/accept?")) handOffs.push(r.url());
  });
  const visit = page.getByTestId("upcoming-appointments").getByTestId("marketplace-appointment").filter({ hasText: /Northside/i }).first();
  await expect(visit.getByTestId("manage-at-clinic")).toHaveAttribute("href", /^\/go\?to=northside&next=%2Faccount%2Fappointments%2F[0-9a-f-]{36}$/);
  await visit.getByTestId("manage-at-clinic").click();

  // On the visit's own page at the clinic, signed in, with the hand-off's token nowhere in sight.
  await expect(page).toHaveURL(new RegExp(`^${clinicUrl("northside", "/account/appointments/").replace(/[.?]/g, "\\$&")}[0-9a-f-]{36}$`));
  await expect(page.getByTestId("booking-code")).toHaveText(/^NOR-[2-9A-HJKMNP-TV-Z]{5}$/);
  await expect(page.getByTestId("signed-in-as")).toBeVisible();
  await shot("1-clinic-visit");
  await expectNoSeriousA11yViolations(page, page.url());

  // And back to every clinic's visits: still signed in there.
  await page.getByTestId("every-clinic").click();
  await expect(page).toHaveURL(marketplaceUrl("/account"));
  await expect(page.getByTestId("upcoming-appointments")).toBeVisible();

  // The hand-off is good once, in this browser: its link opened again signs no one in.
  expect(handOffs).toHaveLength(1);
  await page.context().clearCookies();
  await page.goto(handOffs[0]!);
  await expect(page).toHaveURL(/\/sign-in\?redirectTo=%2Faccount%2Fappointments%2F[0-9a-f-]{36}&handOff=expired$/);
  await expect(page.getByTestId("hand-off-expired")).toBeVisible();
});

test("the central sign-in: from a clinic's sign-in page to Medslot's and back, signed in on both @phone", async ({ page, request }, testInfo) => {
  const shot = (name: string) => keepScreenshot(page, testInfo, `central-sign-in-${name}`);
  await page.goto(clinicUrl("northside", "/sign-in?redirectTo=%2Faccount"));
  await page.getByTestId("sign-in-with-medslot").click();
  // Not signed in on Medslot either: its sign-in page, naming where the patient goes next.
  await expect(page).toHaveURL(/^http:\/\/localhost:\d+\/sign-in\?redirectTo=%2Fhand-off%2Fissue/);
  await expect(page.getByText(/One sign-in for every clinic on Medslot: .* then you continue to Northside/)).toBeVisible();
  await shot("1-central");
  await expectNoSeriousA11yViolations(page, page.url());
  await signInNewPatient(page, request, { first: "Mary", last: "Jackson" }, { international: true });

  await expect(page).toHaveURL(clinicUrl("northside", "/account"));
  await expect(page.getByTestId("signed-in-as")).toContainText("Mary");
  await shot("2-at-clinic");
  // Signed in on Medslot's own site too, with the same account.
  await page.goto(marketplaceUrl("/account/profile"));
  await expect(page).toHaveURL(marketplaceUrl("/account/profile"));
  await expect(page.getByLabel("First name")).toHaveValue("Mary");
});
