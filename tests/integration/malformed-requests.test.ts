/**
 * The production server (build/server.js, NODE_ENV=production) answers what it cannot serve with a
 * client error, never a 500: an address whose percent-encoding is broken gets 400 (a page for
 * browsers, a problem document under /api), and without an Inngest signing key /api/inngest is
 * not there (404), without an error line in the log for each call.
 */
import { afterAll, beforeAll, expect, test } from "vitest";
import { startBuiltServer, httpGet, type BuiltServer } from "../support/built-server";
import { send } from "../support/http-app";
import { testDb } from "../support/db";

let server: BuiltServer;

beforeAll(async () => {
  server = await startBuiltServer();
}, 600_000);

afterAll(async () => {
  await server?.stop();
  await testDb().disconnect();
});

const host = () => `localhost:${server.port}`;

test("a malformed address is a 400 page for a browser", async () => {
  for (const path of ["/%E0%A4%A", "/clinics/%E0%A4%A", "/%"]) {
    const answer = await httpGet(server.port, host(), path, { accept: "text/html" });
    expect(answer.status, path).toBe(400);
    expect(answer.headers["content-type"]).toMatch(/^text\/html/);
    expect(answer.body).toContain("This address is not valid");
  }
});

test("a malformed address under /api is a 400 problem document", async () => {
  const answer = await httpGet(server.port, `northside.localhost:${server.port}`, "/api/v1/%E0%A4%A");
  expect(answer.status).toBe(400);
  expect(answer.headers["content-type"]).toMatch(/^application\/problem\+json/);
  expect(JSON.parse(answer.body)).toMatchObject({ status: 400, title: "Malformed address" });
});

test("without an Inngest signing key, /api/inngest is not there, and calls to it log no errors", async () => {
  const before = server.output().length;
  for (const method of ["GET", "POST", "PUT"]) {
    const answer = await send({ port: server.port, method, host: host(), path: "/api/inngest", headers: { "content-type": "application/json" }, body: method === "GET" ? undefined : "{}" });
    expect(answer.status, method).toBe(404);
    expect(answer.headers["content-type"]).toMatch(/^application\/problem\+json/);
  }
  expect(server.output().slice(before)).not.toMatch(/"level":"error"/);
  expect(server.alive()).toBe(true);
});
