import { expect, test, type APIRequestContext } from "@playwright/test";
import { marketplaceOrigin } from "./urls";

interface OutboxMessage {
  channel: "sms" | "email";
  recipient: string;
  subject: string | null;
  body: string;
  purpose: string;
}

/**
 * The newest development-outbox message to `to` whose body matches `pattern`, waiting for it to
 * arrive. The outbox is one list for every host; it is read on the marketplace host because Node
 * (unlike the browser) does not resolve *.localhost names.
 */
export async function latestMessage(request: APIRequestContext, to: string, pattern: RegExp): Promise<RegExpMatchArray> {
  let match: RegExpMatchArray | null = null;
  await expect
    .poll(async () => {
      const response = await request.get(`${marketplaceOrigin()}/dev/outbox.json?to=${encodeURIComponent(to)}`);
      const { messages } = (await response.json()) as { messages: OutboxMessage[] };
      match = messages.map((m) => m.body.match(pattern)).find(Boolean) ?? null;
      return Boolean(match);
    })
    .toBe(true);
  return match!;
}

/** Numbers handed out by this worker so far; see newTestPhone. */
let issued = 0;

/**
 * A mobile number no other call in this e2e run returns (every run starts on a fresh database):
 * workers are separate processes, so each numbers its phones in a block of its own. Random
 * numbers collided often enough to fail a run, and a reused number meets its own resend limit.
 * By default a US mobile-format number (area 646, exchanges 200–899, lines 01xx);
 * "DE" a German mobile (0151 …) for a clinic that texts codes only within Germany.
 */
export function newTestPhone(country: "US" | "DE" = "US"): { typed: string; e164: string } {
  const n = test.info().workerIndex * 1_000 + issued++;
  if (country === "DE") {
    const subscriber = String(10_000_000 + n);
    return { typed: `0151 ${subscriber}`, e164: `+49151${subscriber}` };
  }
  const line = String(n % 100).padStart(2, "0");
  const exchange = 200 + (Math.floor(n / 100) % 700);
  return { typed: `(646) ${exchange}-01${line}`, e164: `+1646${exchange}01${line}` };
}
