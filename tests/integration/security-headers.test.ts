/**
 * Security headers on the real HTTP app (production build), with PUBLIC_URL on https: every page
 * has a Content-Security-Policy whose nonce every inline script of the page carries (a fresh nonce
 * per render; a kept anonymous page is sent with the header it was rendered with), every answer
 * has Permissions-Policy, HSTS and nosniff, and pages and data answers for a visitor with a
 * session are private and never stored.
 */
import { afterAll, beforeAll, expect, test, vi } from "vitest";
import { releaseAppDb } from "../support/api-client";
import { testDb } from "../support/db";
import { send, startHttpApp, keptPair, type Answer, type RunningApp } from "../support/http-app";
import { createPanelFixture, type PanelFixture } from "../support/panel-client";

let app: RunningApp;
let f: PanelFixture;

beforeAll(async () => {
  vi.stubEnv("PUBLIC_URL", "https://localhost:8443");
  app = await startHttpApp();
  f = await createPanelFixture();
}, 240_000);

afterAll(async () => {
  await app?.close();
  await releaseAppDb();
  await testDb().disconnect();
});

const get = (host: string, path: string, headers: Record<string, string> = {}) => send({ port: app.port, method: "GET", host: `${host}:${app.port}`, path, headers: { accept: "text/html", ...headers } });

function directives(answer: Answer): Map<string, string> {
  const csp = String(answer.headers["content-security-policy"] ?? "");
  return new Map(csp.split(";").map((d) => d.trim()).filter(Boolean).map((d) => [d.split(/\s+/)[0]!, d.slice(d.indexOf(" ") + 1)]));
}

/** The page's nonce, after checking that the header names it and every script of the page carries it. */
function nonceOf(answer: Answer): string {
  const csp = directives(answer);
  const nonce = /'nonce-([A-Za-z0-9+/=]+)'/.exec(csp.get("script-src") ?? "")?.[1];
  expect(nonce, "the script-src directive names a nonce").toBeTruthy();
  expect(csp.get("script-src")).not.toMatch(/unsafe-inline|unsafe-eval/);
  expect(csp.get("object-src")).toBe("'none'");
  expect(csp.get("base-uri")).toBe("'none'");
  expect(csp.get("frame-ancestors")).toBe("'self'");
  const scripts = answer.text.match(/<script\b[^>]*>/g) ?? [];
  expect(scripts.length).toBeGreaterThan(0);
  for (const tag of scripts) expect(tag).toContain(`nonce="${nonce}"`);
  return nonce!;
}

function expectCommonHeaders(answer: Answer) {
  expect(answer.headers["permissions-policy"]).toMatch(/camera=\(\)/);
  expect(answer.headers["permissions-policy"]).toMatch(/geolocation=\(self\)/);
  expect(answer.headers["strict-transport-security"]).toMatch(/^max-age=\d{8,}/);
  expect(answer.headers["x-content-type-options"]).toBe("nosniff");
  expect(answer.headers["content-security-policy"]).toBeTruthy();
}

test("a signed-in page: a fresh nonce per render on every script, private and never stored", async () => {
  const first = await get(f.host, "/panel/queue", { cookie: f.cookies.secretary });
  const second = await get(f.host, "/panel/queue", { cookie: f.cookies.secretary });
  expect(first.status).toBe(200);
  expectCommonHeaders(first);
  expect(nonceOf(first)).not.toBe(nonceOf(second));
  expect(first.headers["cache-control"]).toBe("private, no-store");
  expect(String(first.headers.vary)).toMatch(/Cookie/);
});

test("a signed-in data answer (client navigation) is private and never stored", async () => {
  const answer = await get(f.host, "/panel/queue.data", { cookie: f.cookies.secretary, accept: "*/*" });
  expect(answer.status).toBe(200);
  expect(answer.headers["cache-control"]).toBe("private, no-store");
  expect(String(answer.headers.vary)).toMatch(/Cookie/);
  expectCommonHeaders(answer);
});

test("a kept anonymous page is sent with the policy whose nonce its scripts carry", async () => {
  const { first, kept } = await keptPair(() => get(f.host, "/"));
  expect(first.status).toBe(200);
  expect(kept.text).toBe(first.text);
  expect(nonceOf(kept)).toBe(nonceOf(first));
  expect(kept.headers["content-security-policy"]).toBe(first.headers["content-security-policy"]);
  expectCommonHeaders(kept);
  expect(String(kept.headers.vary)).toMatch(/Cookie/);
});

test("API answers, static files and refusals carry the headers too", async () => {
  for (const answer of [
    await get(f.host, "/api/v1/openapi.json", { accept: "application/json" }),
    await get("localhost", "/favicon.svg"),
    await get("localhost", "/healthz"),
    await get("localhost", "/no-such-page"),
  ]) {
    expectCommonHeaders(answer);
    expect(directives(answer).get("frame-ancestors")).toBeTruthy();
  }
});
