/**
 * The patient sign-in page, over HTTP: a number codes may not go to is a form message (400),
 * not a rate limit (429), and nothing is texted.
 */
import { afterAll, beforeAll, expect, test } from "vitest";
import { listDevOutbox } from "~/modules/messaging/dev-outbox.server";
import { releaseAppDb } from "../support/api-client";
import { createTestClinic, testDb } from "../support/db";
import { send, startHttpApp, type RunningApp } from "../support/http-app";

let app: RunningApp;

beforeAll(async () => {
  app = await startHttpApp();
}, 240_000);

afterAll(async () => {
  await app?.close();
  await releaseAppDb();
  await testDb().disconnect();
});

test("a satellite number on a clinic's sign-in page gets a clear form message and no text", async () => {
  const clinic = await createTestClinic();
  const host = `${clinic.slug}.localhost`;
  const phone = "+870773111632";
  const answer = await send({
    port: app.port,
    host,
    path: "/sign-in",
    body: `intent=send&phone=${encodeURIComponent(phone)}`,
    headers: { "content-type": "application/x-www-form-urlencoded", origin: `http://${host}`, accept: "text/html,application/xhtml+xml,*/*;q=0.8" },
  });
  expect(answer.status, answer.text.slice(0, 300)).toBe(400);
  expect(answer.headers["retry-after"]).toBeUndefined();
  expect(answer.text).toContain("We can only text sign-in codes to mobile numbers from United States. Enter your mobile number.");
  expect(await listDevOutbox(testDb(), { to: phone })).toHaveLength(0);
});
