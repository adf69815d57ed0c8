/**
 * One sign-in across Medslot's own site and the clinics' sites (decision 042): a signed-in patient
 * following a link to another host arrives signed in, through a one-time hand-off that is short-
 * lived, used once, tied to the browser that asked and readable only by the host it names.
 */
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { SESSION_COOKIE } from "~/modules/auth/cookies.server";
import { issueHandOff, handOffHost } from "~/modules/auth/hand-off.server";
import { createSession } from "~/modules/auth/session.server";
import * as accountPage from "~/routes/account._index";
import * as go from "~/routes/go";
import * as begin from "~/routes/hand-off._index";
import * as accept from "~/routes/hand-off.accept";
import * as issue from "~/routes/hand-off.issue";
import * as signIn from "~/routes/sign-in";
import { releaseAppDb, routeDbIsTestDb } from "../support/api-client";
import { testDb } from "../support/db";
import { callPanel, createPanelFixture, type PanelAnswer, type PanelFixture } from "../support/panel-client";

const MARKET = "localhost";
let a: PanelFixture;
let b: PanelFixture;

beforeAll(async () => {
  routeDbIsTestDb();
  [a, b] = await Promise.all([createPanelFixture(), createPanelFixture()]);
});
afterAll(releaseAppDb);

async function patientCookie(clinicId: string | null, host: string, patientAccountId: string) {
  const { token } = await createSession(testDb(), { clinicId, host }, { subject: "patient", patientAccountId }, { ip: "203.0.113.7", userAgent: "vitest" });
  return `${SESSION_COOKIE}=${token}`;
}

/** A cookie a response set, as a browser would send it back. */
function cookieSet(answer: PanelAnswer, name: string): string | null {
  const header = answer.headers.get("set-cookie") ?? "";
  const match = new RegExp(`(?:^|, )${name}=([^;]*)`).exec(header);
  return match && match[1] ? `${name}=${match[1]}` : null;
}

/** The redirect's host and path, to call the next step on. */
function target(answer: PanelAnswer, from = "relative.invalid"): { host: string; path: string } {
  expect(answer.status, `expected a redirect, got ${answer.status}`).toBe(302);
  const url = new URL(answer.location!, `http://${from}`);
  return { host: url.hostname, path: `${url.pathname}${url.search}` };
}

const stepOf = (path: string) => (path.startsWith("/hand-off/issue") ? issue : path.startsWith("/hand-off/accept") ? accept : path.startsWith("/hand-off") ? begin : go);

/** Follows a /go link through the hand-off the way a browser does, with the cookies it holds per host. */
async function follow(start: { host: string; path: string }, jar: Map<string, string[]>) {
  let at = start;
  for (let hops = 0; hops < 5; hops++) {
    if (!at.path.startsWith("/go") && !at.path.startsWith("/hand-off")) return { ...at, jar };
    const answer = await callPanel(stepOf(at.path), at.path, { host: at.host, cookie: (jar.get(at.host) ?? []).join("; ") || null });
    for (const name of [SESSION_COOKIE, "medslot_hand_off"]) {
      const set = cookieSet(answer, name);
      if (set) jar.set(at.host, [...(jar.get(at.host) ?? []).filter((c) => !c.startsWith(`${name}=`)), set]);
    }
    at = target(answer, at.host);
  }
  throw new Error("too many redirects");
}

describe("from Medslot's own site to a clinic's", () => {
  test("a signed-in patient following 'Manage at' arrives signed in on the clinic's site", async () => {
    const jar = new Map([[MARKET, [await patientCookie(null, MARKET, a.patientId)]]]);
    const end = await follow({ host: MARKET, path: `/go?to=${a.clinic.slug}&next=%2Faccount` }, jar);
    expect(end).toMatchObject({ host: a.host, path: "/account" });
    const session = jar.get(a.host)!.find((c) => c.startsWith(`${SESSION_COOKIE}=`));
    expect(session).toBeTruthy();
    const page = await callPanel(accountPage, "/account", { host: a.host, cookie: session! });
    expect(page.status).toBe(200);
    // The session is the clinic's own: the marketplace's cookie was never sent there.
    expect(session).not.toBe(jar.get(MARKET)![0]);
    const audit = await testDb()
      .forClinic(a.clinic.id)
      .tx((tx) => tx.auditEvent.findMany({ where: { clinicId: a.clinic.id, action: "patient.signed_in", actorId: a.patientId } }));
    expect(audit.map((e) => e.details)).toContainEqual({ via: "hand-off", fromMarketplace: true });
  });

  test("not signed in on Medslot: the clinic's 'Sign in with your Medslot account' leads to Medslot's sign-in, naming the clinic, then back", async () => {
    const jar = new Map<string, string[]>();
    const started = await callPanel(begin, `/hand-off?from=medslot&next=%2Fbook`, { host: a.host });
    jar.set(a.host, [cookieSet(started, "medslot_hand_off")!]);
    const toIssue = target(started);
    expect(toIssue.host).toBe(MARKET);
    const refused = await callPanel(issue, toIssue.path, { host: MARKET });
    const toSignIn = target(refused);
    expect(toSignIn.path).toBe(`/sign-in?${new URLSearchParams({ redirectTo: toIssue.path })}`);
    const page = await callPanel<{ step: string; continuingTo: string | null }>(signIn, toSignIn.path, { host: MARKET });
    expect(page.data).toMatchObject({ step: "phone", continuingTo: (await handOffHost(a.clinic.slug))!.label });

    // Signed in there (the code step is the sign-in page's own), the same step goes on to the clinic.
    jar.set(MARKET, [await patientCookie(null, MARKET, a.patientId)]);
    const end = await follow(toIssue, jar);
    expect(end).toMatchObject({ host: a.host, path: "/book" });
    expect(jar.get(a.host)!.some((c) => c.startsWith(`${SESSION_COOKIE}=`))).toBe(true);
  });

  test("a clinic's sign-in page offers the central sign-in", async () => {
    const page = await callPanel<{ withMedslot: string | null }>(signIn, "/sign-in?redirectTo=%2Faccount", { host: a.host });
    expect(page.data.withMedslot).toBe("/hand-off?from=medslot&next=%2Faccount");
  });
});

describe("from a clinic's site to Medslot's own", () => {
  test("a patient signed in on the clinic's site arrives signed in on Medslot's account page", async () => {
    const jar = new Map([[a.host, [await patientCookie(a.clinic.id, a.host, a.patientId)]]]);
    const end = await follow({ host: a.host, path: "/go?to=medslot&next=%2Faccount" }, jar);
    expect(end).toMatchObject({ host: MARKET, path: "/account" });
    const session = jar.get(MARKET)!.find((c) => c.startsWith(`${SESSION_COOKIE}=`))!;
    expect((await callPanel(accountPage, "/account", { host: MARKET, cookie: session })).status).toBe(200);
  });

  test("someone not signed in simply goes there; the address comes from configuration, never the request", async () => {
    const answer = await callPanel(go, "/go?to=medslot&next=%2Fsearch", { host: a.host, headers: { "X-Forwarded-Host": "evil.example" } });
    expect(answer.location).toMatch(/^http:\/\/localhost(:\d+)?\/search$/);
    const away = await callPanel(go, "/go?to=medslot&next=%2F%2Fevil.example", { host: a.host });
    expect(away.location).toMatch(/^http:\/\/localhost(:\d+)?\/$/);
    expect((await callPanel(go, "/go?to=no-such-clinic&next=%2F", { host: a.host })).status).toBe(404);
    expect((await callPanel(go, "/go?to=..%2Fevil&next=%2F", { host: a.host })).status).toBe(404);
  });
});

describe("a hand-off is used once, soon, by the browser and the host it was made for", () => {
  async function handOff(opts: { now?: Date } = {}) {
    const started = await callPanel(begin, `/hand-off?from=medslot&next=%2Faccount`, { host: a.host });
    const state = cookieSet(started, "medslot_hand_off")!;
    const token = await issueHandOff(testDb(), { clinicId: null, host: MARKET }, (await handOffHost(a.clinic.slug))!, a.patientId, state.split("=")[1]!, opts.now);
    return { state, path: `/hand-off/accept?token=${token}&next=%2Faccount` };
  }

  test("used twice: the second time signs no one in", async () => {
    const { state, path } = await handOff();
    const first = await callPanel(accept, path, { host: a.host, cookie: state });
    expect(first.location).toBe("/account");
    expect(cookieSet(first, SESSION_COOKIE)).toBeTruthy();
    const again = await callPanel(accept, path, { host: a.host, cookie: state });
    expect(again.location).toBe("/sign-in?redirectTo=%2Faccount&handOff=expired");
    expect(cookieSet(again, SESSION_COOKIE)).toBeNull();
    const page = await callPanel<{ expired: boolean }>(signIn, again.location!, { host: a.host });
    expect(page.data.expired).toBe(true);
  });

  test("in another browser (no state, or another's) it signs no one in", async () => {
    const { path } = await handOff();
    expect(cookieSet(await callPanel(accept, path, { host: a.host }), SESSION_COOKIE)).toBeNull();
    const other = await callPanel(begin, `/hand-off?from=medslot&next=%2F`, { host: a.host });
    expect(cookieSet(await callPanel(accept, path, { host: a.host, cookie: cookieSet(other, "medslot_hand_off")! }), SESSION_COOKIE)).toBeNull();
  });

  test("after a minute it signs no one in", async () => {
    const { state, path } = await handOff({ now: new Date(Date.now() - 61_000) });
    expect(cookieSet(await callPanel(accept, path, { host: a.host, cookie: state }), SESSION_COOKIE)).toBeNull();
  });

  test("another clinic's site can neither use nor read a hand-off made for this one", async () => {
    const { state, path } = await handOff();
    const atB = await callPanel(accept, path, { host: b.host, cookie: state });
    expect(cookieSet(atB, SESSION_COOKIE)).toBeNull();
    const seen = await Promise.all([
      testDb().forClinic(b.clinic.id).tx((tx) => tx.sessionHandOff.count()),
      testDb().forPlatform().tx((tx) => tx.sessionHandOff.count({ where: { toClinicId: a.clinic.id } })),
      testDb().forClinic(a.clinic.id).tx((tx) => tx.sessionHandOff.count({ where: { usedAt: null } })),
    ]);
    expect(seen.slice(0, 2)).toEqual([0, 0]);
    expect(seen[2]).toBeGreaterThan(0);
    // Still good where it was meant to go.
    expect(cookieSet(await callPanel(accept, path, { host: a.host, cookie: state }), SESSION_COOKIE)).toBeTruthy();
  });

  test("a host cannot write a hand-off that claims to come from another", async () => {
    await expect(
      testDb()
        .forClinic(b.clinic.id)
        .tx((tx) => tx.$executeRaw`INSERT INTO session_hand_offs (id, patient_account_id, from_clinic_id, to_clinic_id, state_hash, expires_at) VALUES ('x', ${a.patientId}::uuid, NULL, ${a.clinic.id}::uuid, 'y', now() + interval '1 minute')`),
    ).rejects.toThrow(/row-level security/);
  });
});
