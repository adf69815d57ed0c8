import { expect, test } from "vitest";
import { createInngestClient, inngestClientOptions, INNGEST_DEV_SERVER_URL } from "./client.server";
import { functions } from "./index.server";
import { inngestHandler } from "./serve.server";

const none = { INNGEST_EVENT_KEY: undefined, INNGEST_SIGNING_KEY: undefined, INNGEST_BASE_URL: undefined } as const;

test("without an event key, development talks to the local dev server", () => {
  const client = createInngestClient({ ...none, NODE_ENV: "development" });
  expect(client.mode).toBe("dev");
  expect(client.eventBaseUrl).toBe(INNGEST_DEV_SERVER_URL);
});

test("without an event key, INNGEST_BASE_URL names the dev server", () => {
  const client = createInngestClient({ ...none, INNGEST_BASE_URL: "http://127.0.0.1:9999", NODE_ENV: "development" });
  expect(client.mode).toBe("dev");
  expect(client.eventBaseUrl).toBe("http://127.0.0.1:9999/");
});

test("with an event key: Inngest Cloud, or the self-hosted server at INNGEST_BASE_URL", () => {
  const cloud = createInngestClient({ ...none, INNGEST_EVENT_KEY: "key", INNGEST_SIGNING_KEY: "signkey-prod-abc", NODE_ENV: "production" });
  expect(cloud.mode).toBe("cloud");
  expect(cloud.eventBaseUrl).toMatch(/^https:\/\/inn\.gs/);
  const selfHosted = createInngestClient({ ...none, INNGEST_EVENT_KEY: "key", INNGEST_BASE_URL: "https://inngest.internal/base", NODE_ENV: "production" });
  expect(selfHosted.mode).toBe("cloud");
  expect(selfHosted.eventBaseUrl).toBe("https://inngest.internal/base/");
});

test("production without keys stays in cloud mode, so unsigned calls are never accepted", () => {
  expect(inngestClientOptions({ ...none, NODE_ENV: "production" }).isDev).toBe(false);
});

test("/api/inngest answers Inngest's introspection request", async () => {
  const response = await inngestHandler({ request: new Request("http://localhost:3000/api/inngest", { headers: { Host: "localhost:3000" } }) });
  expect(response.status).toBe(200);
  const body = (await response.json()) as Record<string, unknown>;
  // Every workflow in the index, one of them the staff password-guessing notice.
  expect(functions.length).toBe(17);
  expect(body).toMatchObject({ function_count: functions.length });
});
