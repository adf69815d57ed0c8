import type { APIRequestContext, Page } from "@playwright/test";
import { latestMessage, newTestPhone } from "./outbox";

/**
 * On the sign-in page: a new patient signs in with the SMS code from the development outbox and
 * gives their name, as a first-time visitor does. Returns the phone number used.
 */
export async function signInNewPatient(page: Page, request: APIRequestContext, name: { first: string; last: string }) {
  const phone = newTestPhone();
  await page.getByLabel("Mobile phone number").fill(phone.typed);
  await page.getByRole("button", { name: "Send code" }).click();
  const [, code] = await latestMessage(request, phone.e164, /^(\d{6}) is your/);
  await page.getByLabel("6-digit code").fill(code!);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.getByLabel("First name").fill(name.first);
  await page.getByLabel("Last name").fill(name.last);
  await page.getByRole("button", { name: "Continue" }).click();
  return phone;
}
