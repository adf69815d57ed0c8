/**
 * Public pages kept for anonymous visitors, on the real HTTP app (production build, test
 * database): a kept home page is the page itself (GET or HEAD), a clinic change shows
 * on the next visits, a visitor with a cookie always gets a fresh render of their own, and the
 * internal header never leaves the server.
 */
import { afterAll, beforeAll, expect, test } from "vitest";
import { releaseAppDb } from "../support/api-client";
import { testDb } from "../support/db";
import { send, startHttpApp, keptPair, type RunningApp } from "../support/http-app";
import { createPanelFixture, type PanelFixture } from "../support/panel-client";

let app: RunningApp;
let f: PanelFixture;

beforeAll(async () => {
  app = await startHttpApp();
  f = await createPanelFixture();
}, 240_000);

afterAll(async () => {
  await app?.close();
  await releaseAppDb();
  await testDb().disconnect();
});

const home = (headers: Record<string, string> = {}, method = "GET") => send({ port: app.port, method, host: f.host, path: "/", headers: { accept: "text/html", ...headers } });

async function homeText(headers: Record<string, string> = {}) {
  const answer = await home(headers);
  expect(answer.status).toBe(200);
  expect(answer.headers["content-encoding"]).toBeUndefined();
  return answer.text;
}

test("an anonymous visitor gets the same page, kept, and by HEAD", async () => {
  // The fixture's own writes reach the app's change feed a moment later (it polls for writers
  // other than itself) and drop what was kept before them: the pair is asked until it stays kept.
  const { first, kept: again } = await keptPair(() => home());
  expect(first.status).toBe(200);
  expect(first.headers["x-medslot-page-cache"]).toBeUndefined();
  expect(String(first.headers.vary)).toMatch(/Cookie/);
  expect(again.headers["x-medslot-page-cache"]).toBeUndefined();
  expect(String(again.headers.vary)).toMatch(/Cookie/);
  expect(again.text).toBe(first.text);
  expect(again.headers["x-request-id"]).not.toBe(first.headers["x-request-id"]);
  const head = await home({}, "HEAD");
  expect(head.status).toBe(200);
  expect(head.text).toBe("");
});

test("a change to the clinic shows on the next visits", async () => {
  await homeText();
  await homeText();
  await testDb()
    .forClinic(f.clinic.id)
    .tx((tx) => tx.clinic.update({ where: { id: f.clinic.id }, data: { name: "Renamed Family Practice" } }));
  // Written by another client of the database, as another server would: the app hears of it through the change log.
  await expect.poll(async () => (await homeText()).includes("Renamed Family Practice"), { timeout: 5_000 }).toBe(true);
});

test("a visitor with a session gets their own page, never the kept one, and does not change it", async () => {
  const anonymous = await homeText();
  expect(anonymous).not.toContain("Owner Person");
  const signedIn = await homeText({ cookie: f.cookies.owner });
  expect(signedIn).toContain("Owner Person");
  expect(await homeText()).not.toContain("Owner Person");
});

test("a time taken at the clinic leaves the home page's next free times on the next visits", async () => {
  const firstTime = (html: string) => /#t-(\d{8}T\d{6}Z)"/.exec(html)?.[1] ?? null;
  await homeText();
  const shown = firstTime(await homeText());
  expect(shown).not.toBeNull();
  const start = new Date(shown!.replace(/^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/, "$1-$2-$3T$4:$5:$6Z"));
  // The clinic closes for that hour (every doctor, every room): written by another client of the database.
  await testDb()
    .forClinic(f.clinic.id)
    .tx((tx) => tx.scheduleException.create({ data: { clinicId: f.clinic.id, kind: "closure", startsAt: start, endsAt: new Date(start.getTime() + 3_600_000), reason: "Staff meeting" } }));
  await expect.poll(async () => firstTime(await homeText()), { timeout: 5_000 }).not.toBe(shown);
  expect(await homeText()).not.toContain(`#t-${shown}"`);
});
