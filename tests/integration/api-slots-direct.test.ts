/**
 * GET /api/v1/slots on the real HTTP app, where it goes straight to its route's loader: the same
 * answers as through the framework (free times, gzip, rate-limit headers, problem documents), for
 * good and bad keys, bad queries and another clinic's host.
 */
import { gunzipSync } from "node:zlib";
import { afterAll, beforeAll, expect, test } from "vitest";
import { createApiKey } from "~/modules/api/api-keys.server";
import * as slotsRoute from "~/routes/api.v1.slots";
import { addDays, utcToZoned } from "~/lib/zoned-time";
import { callRoute, releaseAppDb } from "../support/api-client";
import { testDb } from "../support/db";
import { send, startHttpApp, type RunningApp } from "../support/http-app";
import { createScheduleFixture, type ScheduleFixture } from "../support/scheduling";

let app: RunningApp;
let f: ScheduleFixture;
let other: ScheduleFixture;
let key: string;

beforeAll(async () => {
  app = await startHttpApp();
  f = await createScheduleFixture({ doctors: 2 });
  other = await createScheduleFixture({ doctors: 1 });
  key = (await createApiKey(testDb().forClinic(f.clinic.id), "Direct slots test", "cli", { rateLimitPerSecond: 1000 })).key;
}, 240_000);

afterAll(async () => {
  await app?.close();
  await releaseAppDb();
  await testDb().disconnect();
});

const host = (fx: ScheduleFixture) => `${fx.clinic.slug}.localhost`;
const dates = () => {
  const today = utcToZoned(new Date(), f.clinic.timeZone).date;
  return { from: addDays(today, 1), to: addDays(today, 8) };
};
const path = (serviceId = f.serviceId) => `/api/v1/slots?serviceId=${serviceId}&from=${dates().from}&to=${dates().to}`;
const get = (p: string, headers: Record<string, string>, fx = f) => send({ port: app.port, method: "GET", host: host(fx), path: p, headers });

test("a keyed call gets the free times the route gives, with its rate-limit headers", async () => {
  const direct = await get(path(), { authorization: `Bearer ${key}` });
  expect(direct.status).toBe(200);
  expect(direct.headers["content-type"]).toBe("application/json; charset=utf-8");
  expect(direct.headers["cache-control"]).toBe("no-store");
  expect(direct.headers["ratelimit-policy"]).toBe('"api-key";q=2000;w=2');
  expect(direct.headers["x-request-id"]).toBeTruthy();
  // The direct lane starts with the same security headers as every other answer.
  expect(direct.headers["content-security-policy"]).toContain("default-src 'none'");
  expect(direct.headers["x-content-type-options"]).toBe("nosniff");
  expect(direct.headers["x-frame-options"]).toBe("SAMEORIGIN");
  const throughRoute = await callRoute(slotsRoute, path(), { host: host(f), key });
  const body = JSON.parse(direct.text) as { slots: unknown[] };
  expect(body.slots.length).toBeGreaterThan(0);
  expect(body).toEqual(throughRoute.body);
});

test("gzip when asked for", async () => {
  const answer = await new Promise<{ status: number; encoding: string | undefined; body: Buffer }>((resolve, reject) => {
    import("node:http").then(({ default: http }) => {
      const req = http.request({ host: "127.0.0.1", port: app.port, path: path(), headers: { host: host(f), authorization: `Bearer ${key}`, "accept-encoding": "gzip" } }, (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, encoding: res.headers["content-encoding"], body: Buffer.concat(chunks) }));
      });
      req.on("error", reject);
      req.end();
    }, reject);
  });
  expect(answer.status).toBe(200);
  expect(answer.encoding).toBe("gzip");
  expect((JSON.parse(gunzipSync(answer.body).toString("utf8")) as { slots: unknown[] }).slots.length).toBeGreaterThan(0);
});

test("a wrong key, a key on another clinic's host and a bad query are problem documents", async () => {
  const wrong = await get(path(), { authorization: "Bearer msk_notAKeyAtAll" });
  expect(wrong.status).toBe(401);
  expect(wrong.headers["content-type"]).toBe("application/problem+json");
  const elsewhere = await get(path(other.serviceId), { authorization: `Bearer ${key}` }, other);
  expect(elsewhere.status).toBe(401);
  const bad = await get(`/api/v1/slots?serviceId=${f.serviceId}&from=2026-13-40`, { authorization: `Bearer ${key}` });
  expect(bad.status).toBe(422);
  expect(JSON.parse(bad.text)).toMatchObject({ status: 422 });
});
