import type { APIRequestContext, Page } from "@playwright/test";
import { latestMessage, newTestPhone } from "./outbox";

/**
 * Codes are limited to 20 an hour per network, and every e2e test comes from 127.0.0.1: each test
 * that signs in says (in X-Forwarded-For, which the e2e server trusts from loopback) that it comes from a network of its own.
 */
export async function comeFromOwnNetwork(page: Page) {
  const octet = () => 1 + Math.floor(Math.random() * 254);
  await page.setExtraHTTPHeaders({ "X-Forwarded-For": `198.18.${octet()}.${octet()}` });
}

/**
 * On the sign-in page: a new patient signs in with the SMS code from the development outbox and
 * gives their name, as a first-time visitor does. Returns the phone number used. The marketplace
 * has no home country, so there the number is typed in international form (`international`).
 */
export async function signInNewPatient(page: Page, request: APIRequestContext, name: { first: string; last: string }, opts: { international?: boolean; country?: "US" | "DE" } = {}) {
  const phone = newTestPhone(opts.country);
  await comeFromOwnNetwork(page);
  await page.getByLabel("Mobile phone number").fill(opts.international ? phone.e164 : phone.typed);
  await page.getByRole("button", { name: "Send code" }).click();
  const [, code] = await latestMessage(request, phone.e164, /^(\d{6}) is your/);
  await page.getByLabel("6-digit code").fill(code!);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.getByLabel("First name").fill(name.first);
  await page.getByLabel("Last name").fill(name.last);
  await page.getByRole("button", { name: "Continue" }).click();
  return phone;
}
