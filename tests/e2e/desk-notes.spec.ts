import { expect, test } from "@playwright/test";
import { keepDesktopAndTablet } from "./support/artifacts";
import { expectNoSeriousA11yViolations } from "./support/axe";
import { futureVisit } from "./support/desk-notes";
import { signInStaff } from "./support/sessions";
import { clinicUrl } from "./support/urls";
import { newPatientAt, offered } from "./support/visits";

test("the desk adds an allergy alert, sees it on the visit and the desk board, keeps a note and messages the patient from the visit @tablet", async ({ page }, testInfo) => {
  test.setTimeout(120_000);
  const o = await offered("northside", "Same-week sick visit", "dr.chen@northside.test", "Harlem");
  const patient = await newPatientAt(o.clinicId, { first: "Alina", last: "Moreau" });
  const visit = await futureVisit(o, patient.id, 2);
  await signInStaff(page, "desk@northside.test", { landing: `/panel/patients/${patient.id}` });

  // The alert, on the patient's record.
  await expect(page.getByRole("heading", { level: 1, name: "Alina Moreau" })).toBeVisible();
  await page.getByLabel("Kind").selectOption("allergy");
  await page.getByLabel("Alert", { exact: true }).fill("Penicillin");
  await page.getByRole("button", { name: "Add alert" }).click();
  await expect(page.getByTestId("chart-answer")).toContainText("Alert added");
  await expect(page.getByTestId("alert-list")).toContainText("Allergy: Penicillin");
  await expect(page.getByTestId("patient-alerts")).toContainText("Penicillin");
  await expectNoSeriousA11yViolations(page, "patient page with an alert");
  await keepDesktopAndTablet(page, testInfo, "desk-notes-patient");

  // On the visit page.
  await page.goto(clinicUrl("northside", `/panel/appointments/${visit.id}`));
  await expect(page.getByTestId("visit-alerts")).toContainText("Allergy: Penicillin");

  // On the desk board of that day, as a compact marker with the full text for screen readers.
  await page.goto(clinicUrl("northside", `/panel/desk?day=${visit.day}`));
  const card = page.locator(`[data-testid=board-visit][data-appointment-id="${visit.id}"]`);
  await expect(card).toContainText("Alina Moreau");
  await expect(card.getByTestId("patient-alert-marker")).toContainText("Penicillin");
  await expect(card.getByTestId("patient-alert-marker").locator(".sr-only")).toHaveText("Alerts: Allergy: Penicillin");
  await expectNoSeriousA11yViolations(page, "desk board with an alert");
  await card.scrollIntoViewIfNeeded();
  await keepDesktopAndTablet(page, testInfo, "desk-notes-board");

  // A desk note on the visit, then a message to the patient, seen in the visit's log.
  await page.goto(clinicUrl("northside", `/panel/appointments/${visit.id}`));
  await page.getByLabel("Note on this visit").fill("Wheelchair ramp at the side door");
  await page.getByRole("button", { name: "Save note" }).click();
  await expect(page.getByTestId("desk-answer")).toContainText("Desk note saved.");
  await expect(page.getByTestId("desk-note-meta")).toContainText("Last changed by Jordan Lee");
  await expect(page.getByText("No messages sent about this visit yet.")).toBeVisible();

  await page.getByLabel("Message", { exact: true }).fill("Please bring your insurance card on Thursday.");
  await page.getByLabel("Send by").selectOption("sms");
  await page.getByRole("button", { name: "Send message" }).click();
  // In the clinic's quiet hours (evenings in New York) the message waits for the morning.
  await expect(page.getByTestId("desk-answer")).toContainText(/The message (sent by SMS|is queued: the clinic's quiet hours hold it until [A-Z][a-z]{2} \d{1,2} [A-Z][a-z]{2}, \d{2}:\d{2})\./);
  const entry = page.getByTestId("message-log-entry").first();
  await expect(entry).toContainText("Message from the desk · SMS");
  await expect(entry).toContainText("Please bring your insurance card on Thursday.");
  await expect(entry.getByTestId("delivery-status")).toHaveText(/^(Sent|Queued)$/);
  await expect(entry).not.toContainText(/\d{4}-\d{2}-\d{2}/);

  // Resend the confirmation: one more entry in the log.
  await page.getByRole("button", { name: "Resend confirmation" }).click();
  await expect(page.getByTestId("desk-answer")).toContainText(/The confirmation (sent by SMS|is queued)/);
  await expect(page.getByTestId("message-log-entry")).toHaveCount(2);
  await expect(page.getByTestId("message-log-entry").first()).toContainText("Booking confirmation · SMS");
  await expectNoSeriousA11yViolations(page, "visit page with a note and messages");
  await keepDesktopAndTablet(page, testInfo, "desk-notes-visit");
});
