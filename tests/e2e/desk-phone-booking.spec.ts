/**
 * Phone booking at the desk's speed: the search field has the focus on arrival, one field finds a
 * caller by name, phone or date of birth and tells two people of one name apart, and an existing
 * caller is booked in at most four clicks after the search (counted and printed). Also: a new
 * patient whose phone is on file is offered the existing record, first available with a doctor
 * filter spans days, and a time clicked on the calendar is kept or replaced by the nearest ones.
 */
import { expect, test, type Locator, type Page, type TestInfo } from "@playwright/test";
import pg from "pg";
import { keepDesktopAndTablet } from "./support/artifacts";
import { expectNoSeriousA11yViolations } from "./support/axe";
import { e2eDatabaseUrls } from "./support/database";
import { newTestPhone } from "./support/outbox";
import { clinicUrl } from "./support/urls";
import { signInStaff } from "./support/sessions";
import { newPatientAt, offered, pastVisit } from "./support/visits";

const shoot = (page: Page, testInfo: TestInfo, name: string) => keepDesktopAndTablet(page, testInfo, `desk-phone-booking-${name}`);

let pool: pg.Pool | undefined;
const db = () => (pool ??= new pg.Pool({ connectionString: e2eDatabaseUrls().superuserUrl, max: 1, allowExitOnIdle: true }));

async function bornOn(clinicId: string, patientId: string, date: string) {
  await db().query(`UPDATE clinic_patients SET date_of_birth = $3::date WHERE clinic_id = $1::uuid AND patient_account_id = $2::uuid`, [clinicId, patientId, date]);
}

/** Letters only: a name the search cannot read as a phone number or a date. */
function tag() {
  return Array.from({ length: 6 }, () => "abcdefghijklmnopqrstuvwxyz"[Math.floor(Math.random() * 26)]).join("");
}

function ageToday(dateOfBirth: string) {
  const today = new Intl.DateTimeFormat("en-CA", { timeZone: "America/New_York" }).format(new Date());
  const years = Number(today.slice(0, 4)) - Number(dateOfBirth.slice(0, 4));
  return today.slice(5) < dateOfBirth.slice(5) ? years - 1 : years;
}

/** A click (or an Enter) that chooses something, counted. */
async function counted(counter: { clicks: number }, target: Locator) {
  await target.click();
  counter.clicks += 1;
}

/** The page's script has taken over (fetchers answer from here on). */
async function alive(page: Page) {
  await expect.poll(() => page.evaluate(() => typeof (window as unknown as { __remixRouter?: unknown }).__remixRouter)).toBe("object");
  await page.waitForLoadState("networkidle").catch(() => {});
}

const searchField = (page: Page) => page.getByLabel("Phone number or name, or date of birth");

test("@tablet an existing caller is found among two of one name and booked in four clicks after the search", async ({ page }, testInfo) => {
  test.setTimeout(120_000);
  const annual = await offered("northside", "Annual physical", "dr.patel@northside.test", "Harlem");
  const surname = `Thompson${tag()}`;
  const older = await newPatientAt(annual.clinicId, { first: "Jason", last: surname });
  const younger = await newPatientAt(annual.clinicId, { first: "Jason", last: surname });
  await bornOn(annual.clinicId, older.id, "1968-12-02");
  await bornOn(annual.clinicId, younger.id, "1991-06-20");
  await pastVisit(annual, older.id, 40);

  await signInStaff(page, "desk@northside.test", { landing: "/panel/book" });
  await expect(page.getByRole("heading", { level: 1, name: "Book by phone" })).toBeVisible();
  // On arrival the field has the focus: the desk types at once.
  await expect(searchField(page)).toBeFocused();
  await page.keyboard.type(`jason ${surname}`);
  const results = page.getByTestId("patient-result");
  await expect(results).toHaveCount(2);
  // Two Jasons told apart: date of birth in words with the age, phone, last and next visit.
  const jason = results.filter({ hasText: `born 2 Dec 1968, ${ageToday("1968-12-02")}` });
  await expect(jason).toContainText("Last visit");
  await expect(results.filter({ hasText: "born 20 Jun 1991" })).toContainText("No visit yet");
  await shoot(page, testInfo, "search");
  await expectNoSeriousA11yViolations(page, "caller search results");

  const counter = { clicks: 0 };
  await counted(counter, jason);
  await expect(page.getByTestId("chosen-patient")).toContainText(`Jason ${surname}`);
  await counted(counter, page.getByTestId("services").getByText("Annual physical", { exact: true }));
  const times = page.getByTestId("free-time");
  await expect(times.first()).toBeVisible();
  // Each time names its doctor, its price (with a discount that applies then) and the deposit (20% of it).
  const first = await times.first().innerText();
  const [, price, deposit] = /(\$\d+\.\d{2})(?: \([^)]*\))? · deposit (\$\d+\.\d{2})/.exec(first) ?? [];
  expect(price, first).toMatch(/^\$(220\.00|198\.00)$/);
  expect(Number(deposit!.slice(1))).toBeCloseTo(Number(price!.slice(1)) * 0.2, 2);
  await counted(counter, times.first());
  await expect(page.getByTestId("booking-summary")).toContainText(`price ${price} · deposit ${deposit}`);
  await shoot(page, testInfo, "times");
  await expectNoSeriousA11yViolations(page, "first available times");
  await counted(counter, page.getByRole("button", { name: "Book this time" }));

  const booked = page.getByTestId("booked");
  await expect(booked).toContainText("Booked");
  await expect(booked).toContainText(`Annual physical for Jason ${surname}`);
  await expect(booked).toContainText(`Price ${price}. Deposit ${deposit}`);
  console.log(`Phone booking of an existing caller: ${counter.clicks} clicks after the search`);
  expect(counter.clicks).toBeLessThanOrEqual(4);
  await shoot(page, testInfo, "booked");
  await expectNoSeriousA11yViolations(page, "booking confirmation");

  // The next caller: the field has the focus again. A date of birth finds them; the clinic writes
  // dates month first (New York), and the page says how it read an ambiguous one.
  await expect(searchField(page)).toBeFocused();
  await page.keyboard.type("2 Dec 1968");
  await expect(results.filter({ hasText: `Jason ${surname}` })).toHaveCount(1);
  await searchField(page).fill("12/02/1968");
  await expect(page.getByTestId("search-summary").or(page.getByTestId("no-patients"))).toContainText("Born 2 Dec 1968 (read month first");
  await expect(results.filter({ hasText: `Jason ${surname}` })).toHaveCount(1);
  // The next visit now shows on the result.
  await expect(results.filter({ hasText: `Jason ${surname}` })).toContainText("next ");
  // Keyboard only: ↓ into the results, Enter chooses.
  await searchField(page).fill(`jason ${surname} 1991-06-20`);
  await expect(results).toHaveCount(1);
  await expect(results.first()).toContainText("born 20 Jun 1991");
  await page.keyboard.press("ArrowDown");
  await expect(results.first()).toBeFocused();
  await page.keyboard.press("Enter");
  await expect(page.getByTestId("chosen-patient")).toContainText("born 20 Jun 1991");
});

test("@tablet a new patient whose phone is already on file is shown the existing record, and the desk uses it", async ({ page }) => {
  const annual = await offered("northside", "Annual physical", "dr.patel@northside.test", "Harlem");
  const surname = `Existing${tag()}`;
  // A real mobile number (the add form checks it), on file at the clinic.
  const phone = newTestPhone();
  const existing = await newPatientAt(annual.clinicId, { first: "Dana", last: surname });
  await db().query(`UPDATE patient_accounts SET phone = $2 WHERE id = $1::uuid`, [existing.id, phone.e164]);
  await signInStaff(page, "desk@northside.test", { landing: "/panel/book" });
  await page.getByLabel("Mobile phone").fill(phone.typed);
  await page.getByLabel("First name").fill("Dana");
  await page.getByLabel("Last name").fill(`Other${surname}`);
  await page.getByRole("button", { name: "Add patient" }).click();
  const prompt = page.getByTestId("patient-match");
  await expect(prompt).toContainText(`Dana ${surname}`);
  await expectNoSeriousA11yViolations(page, "known phone on a new patient");
  await prompt.getByTestId("use-existing-patient").click();
  await expect(page.getByTestId("chosen-patient")).toContainText(`Dana ${surname}`);
  const { rows } = await db().query(`SELECT count(*)::int AS n FROM clinic_patients cp JOIN patient_accounts p ON p.id = cp.patient_account_id WHERE cp.clinic_id = $1::uuid AND coalesce(cp.last_name, p.last_name) = $2`, [
    annual.clinicId,
    `Other${surname}`,
  ]);
  expect(rows[0].n).toBe(0);
});

test("@tablet first available for one doctor spans days, and a time clicked on the calendar is kept or replaced by the nearest", async ({ page }, testInfo) => {
  test.setTimeout(90_000);
  const annual = await offered("northside", "Annual physical", "dr.patel@northside.test", "Harlem");
  const caller = await newPatientAt(annual.clinicId, { first: "Filter", last: `Caller${tag()}` });
  await signInStaff(page, "desk@northside.test", { landing: `/panel/book?patient=${caller.id}&service=${annual.serviceId}` });
  const times = page.getByTestId("free-time");
  await expect(times.first()).toBeVisible();
  await alive(page);
  const loaded = page.waitForResponse((r) => r.url().includes("/panel/book/times") && r.url().includes(`doctor=${annual.doctorId}`));
  await page.getByLabel("Doctor", { exact: true }).selectOption(annual.doctorId);
  await loaded;
  await expect(times.first()).toHaveAttribute("data-doctor", annual.doctorName);
  const doctors = await times.evaluateAll((all) => all.map((t) => t.getAttribute("data-doctor")));
  expect(new Set(doctors)).toEqual(new Set([annual.doctorName]));
  expect(await page.getByTestId("free-day").count()).toBeGreaterThan(1);
  await shoot(page, testInfo, "doctor-filter");

  // From the calendar: a free time is kept and chosen; a time that is not free gives the nearest ones.
  const value = (await times.first().locator("input").getAttribute("value"))!;
  const [, start, locationId] = value.split("|") as [string, string, string];
  await page.goto(clinicUrl("northside", `/panel/book?patient=${caller.id}&service=${annual.serviceId}&doctor=${annual.doctorId}&location=${locationId}&start=${encodeURIComponent(start)}&room=ignored`));
  await expect(page.getByTestId("wanted-free")).toBeVisible();
  await expect(page.locator(`input[name=slot][value="${value}"]`)).toBeChecked();
  const night = new Date(new Date(start).getTime() + 86_400_000);
  night.setUTCHours(7, 0, 0, 0); // 2 or 3 AM in New York: never a working hour.
  await page.goto(clinicUrl("northside", `/panel/book?patient=${caller.id}&service=${annual.serviceId}&doctor=${annual.doctorId}&start=${encodeURIComponent(night.toISOString())}`));
  await expect(page.getByTestId("wanted-taken")).toContainText("is no longer free");
  await expect(times.first()).toBeVisible();
  await expectNoSeriousA11yViolations(page, "nearest free times");
});

test("without JavaScript the same steps work as plain forms: search, choose, first available, book", async ({ page, browser }) => {
  test.setTimeout(90_000);
  const annual = await offered("northside", "Annual physical", "dr.patel@northside.test", "Harlem");
  const surname = `Plain${tag()}`;
  await newPatientAt(annual.clinicId, { first: "Noor", last: surname });
  await signInStaff(page, "desk@northside.test", { landing: "/panel/book" });
  const noScript = await browser.newContext({ javaScriptEnabled: false, storageState: await page.context().storageState() });
  const plain = await noScript.newPage();
  await plain.goto(page.url());
  await searchField(plain).fill(surname);
  await plain.getByRole("button", { name: "Search" }).click();
  await plain.getByTestId("patient-result").filter({ hasText: `Noor ${surname}` }).click();
  await expect(plain.getByTestId("chosen-patient")).toContainText(`Noor ${surname}`);
  await plain.getByTestId("services").getByRole("radio", { name: "Annual physical" }).check();
  await plain.getByRole("button", { name: "Show first available times" }).click();
  await plain.getByTestId("free-time").first().click();
  await plain.getByRole("button", { name: "Book this time" }).click();
  await expect(plain.getByTestId("booked")).toContainText(`Annual physical for Noor ${surname}`);
  await noScript.close();
});
