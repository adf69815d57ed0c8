/**
 * One production server process (the built build/server.js, NODE_ENV=production, Twilio and SMTP
 * configured but unreachable) takes, all at once: 8 "send me a code" requests, two 20–30 MB form
 * bodies on the sign-in pages and 32 API clients reading 30 days of slots. Afterwards it is still
 * running and healthy, and every small request got the answer it gets on a quiet server.
 *
 * The big bodies may be refused (413) or answered like any bad form; what is not allowed is that
 * they take the process, or anyone else's answers, down with them.
 */
import http from "node:http";
import { randomInt } from "node:crypto";
import { afterAll, beforeAll, expect, test } from "vitest";
import { createApiKey } from "~/modules/api/api-keys.server";
import { SMS_NOT_SENT } from "~/modules/auth/patient-sign-in.server";
import { startBuiltServer, httpGet, type BuiltServer } from "../support/built-server";
import { testDb } from "../support/db";
import { createScheduleFixture, type ScheduleFixture } from "../support/scheduling";

const CODE_REQUESTS = 8;
const SLOT_CLIENTS = 32;
/** Each slot client reads at least this often, and keeps reading while the big bodies are in flight. */
const MIN_READS_PER_CLIENT = 3;
const MAX_READS_PER_CLIENT = 40;
const BIG_BODY_BYTES = 25 * 1024 * 1024;
const REQUEST_TIMEOUT_MS = 180_000;

let server: BuiltServer;
let fixture: ScheduleFixture;
let host: string;
let origin: string;
const keys: string[] = [];

beforeAll(async () => {
  server = await startBuiltServer();
  fixture = await createScheduleFixture({ doctors: 4 });
  host = `${fixture.clinic.slug}.localhost:${server.port}`;
  origin = `http://${host}`;
  // A key (and an address) per client: a per-integrator limit then limits each client on its own.
  for (let i = 0; i < SLOT_CLIENTS; i++) keys.push((await createApiKey(testDb().forClinic(fixture.clinic.id), `survival ${i + 1}`, null)).key);
}, 300_000);

afterAll(async () => {
  await server?.stop();
  await testDb().disconnect();
});

interface Answer {
  status: number;
  contentType: string;
  location: string | undefined;
  /** The body as text, or only its length when `keepBody` is false. */
  body: string;
  bytes: number;
}

/** A POST on loopback with a Host header and this site's Origin, as a browser's form would send it. */
function post(pathname: string, body: Buffer | string, headers: Record<string, string>, keepBody = true): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const payload = typeof body === "string" ? Buffer.from(body) : body;
    const req = http.request(
      {
        host: "127.0.0.1",
        port: server.port,
        path: pathname,
        method: "POST",
        agent: false,
        timeout: REQUEST_TIMEOUT_MS,
        headers: {
          host,
          origin,
          "content-type": "application/x-www-form-urlencoded",
          "content-length": String(payload.length),
          accept: "text/html",
          ...headers,
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        let bytes = 0;
        res.on("data", (chunk: Buffer) => {
          bytes += chunk.length;
          if (keepBody) chunks.push(chunk);
        });
        const done = () =>
          resolve({
            status: res.statusCode ?? 0,
            contentType: String(res.headers["content-type"] ?? ""),
            location: res.headers.location,
            body: Buffer.concat(chunks).toString("utf8"),
            bytes,
          });
        res.on("end", done);
        // A server that refuses a body may close the connection after answering: the answer counts.
        res.on("aborted", done);
        res.on("error", done);
      },
    );
    req.on("timeout", () => req.destroy(new Error(`no answer to POST ${pathname} within ${REQUEST_TIMEOUT_MS} ms`)));
    req.on("error", (error) => reject(new Error(`POST ${pathname}: ${error.message}`)));
    req.end(payload);
  });
}

const escapeHtml = (text: string) => text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;").replace(/'/g, "&#x27;");

function slotsPath() {
  const day = (offset: number) => new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10);
  // From the day after tomorrow: slots that close as the clock moves (minimum notice) stay out of range.
  return `/api/v1/slots?serviceId=${fixture.serviceId}&from=${day(2)}&to=${day(32)}`;
}

test(
  "one process survives code requests, two huge form bodies and 32 slot clients at once, and answers correctly throughout",
  { timeout: 600_000 },
  async () => {
    const path = slotsPath();
    const quiet = await httpGet(server.port, host, path, { authorization: `Bearer ${keys[0]}` });
    expect(quiet.status, quiet.body).toBe(200);
    const expectedSlots = (JSON.parse(quiet.body) as { slots: unknown[] }).slots;
    expect(expectedSlots.length).toBeGreaterThan(100);

    let bigBodiesDone = false;
    const bigBody = (prefix: string, suffix = "") => Buffer.concat([Buffer.from(prefix), Buffer.alloc(BIG_BODY_BYTES, "1"), Buffer.from(suffix)]);
    const bigBodies = Promise.all([
      post("/sign-in", bigBody("intent=send&phone="), { "x-forwarded-for": "192.0.2.201" }, false),
      post("/staff/sign-in", bigBody("intent=password&email=", "&password=not-it"), { "x-forwarded-for": "192.0.2.202" }, false),
    ]).finally(() => (bigBodiesDone = true));

    // Distinct numbers and addresses, so the per-number and per-address send limits stay out of the way.
    const codeRequests = Promise.all(
      Array.from({ length: CODE_REQUESTS }, (_, i) =>
        post("/sign-in", `intent=send&phone=${encodeURIComponent(`+1212${String(randomInt(2_000_000, 9_999_999))}`)}`, { "x-forwarded-for": `198.51.100.${i + 10}` }),
      ),
    );

    const slotClients = Promise.all(
      Array.from({ length: SLOT_CLIENTS }, async (_, client) => {
        const answers: { status: number; body: string; contentType: string }[] = [];
        while (answers.length < MAX_READS_PER_CLIENT && (answers.length < MIN_READS_PER_CLIENT || !bigBodiesDone)) {
          const answer = await httpGet(server.port, host, path, { authorization: `Bearer ${keys[client]}`, "x-forwarded-for": `203.0.113.${client + 1}` }, REQUEST_TIMEOUT_MS);
          answers.push({ status: answer.status, body: answer.body, contentType: String(answer.headers["content-type"] ?? "") });
        }
        return answers;
      }),
    );

    const [big, codes, reads] = await Promise.all([bigBodies, codeRequests, slotClients]);

    // The process is still there and healthy.
    expect(server.alive(), server.output()).toBe(true);
    expect(() => process.kill(server.pid, 0)).not.toThrow();
    const health = await httpGet(server.port, `localhost:${server.port}`, "/healthz");
    expect(health.status, server.output()).toBe(200);
    // Pages still render (production React, the clinic's own page).
    const page = await httpGet(server.port, host, "/sign-in");
    expect(page.status, server.output()).toBe(200);
    expect(page.body).toContain(escapeHtml(fixture.clinic.slug));

    // The huge bodies: refused as too large, or answered like any other bad form; never a 5xx.
    big.forEach((answer, i) =>
      expect([413, 400, 429], `a ${BIG_BODY_BYTES}-byte form on ${["/sign-in", "/staff/sign-in"][i]} answered ${answer.status}:\n${answer.body.slice(0, 300)}\n${server.output()}`).toContain(answer.status),
    );

    // Each code request: sent (a redirect to the code step), or, with Twilio unreachable, the page
    // saying the text could not be sent. Never a 5xx or a blank page.
    for (const answer of codes) {
      if (answer.status === 302 || answer.status === 303) {
        expect(answer.location).toMatch(/^\/sign-in/);
      } else {
        expect(answer.status, answer.body.slice(0, 500)).toBe(429);
        expect(answer.body).toContain(escapeHtml(SMS_NOT_SENT));
      }
    }

    // Every slot answer is the quiet server's answer, or a rate limit's problem document; each
    // client got the real answer at least once.
    for (const answers of reads) {
      for (const answer of answers) {
        if (answer.status === 429) {
          expect(answer.contentType).toContain("application/problem+json");
          continue;
        }
        expect(answer.status, answer.body.slice(0, 500)).toBe(200);
        expect((JSON.parse(answer.body) as { slots: unknown[] }).slots).toEqual(expectedSlots);
      }
      expect(answers.some((a) => a.status === 200)).toBe(true);
    }

    // And afterwards a quiet request still gets the same answer.
    const after = await httpGet(server.port, host, path, { authorization: `Bearer ${keys[0]}` });
    expect(after.status).toBe(200);
    expect((JSON.parse(after.body) as { slots: unknown[] }).slots).toEqual(expectedSlots);
  },
);

test("the production server stops cleanly on SIGTERM", { timeout: 60_000 }, async () => {
  expect(server.alive()).toBe(true);
  const ended = await server.stop();
  expect(ended, server.output()).toEqual({ code: 0, signal: null });
});
