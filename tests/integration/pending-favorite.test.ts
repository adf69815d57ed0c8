/**
 * A heart tapped while signed out is kept through sign-in in this browser's cookie and saved when the
 * patient comes back signed in; without that cookie (a link alone), or with a cookie that is not a
 * favorite, nothing is saved for anyone.
 */
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { SESSION_COOKIE } from "~/modules/auth/cookies.server";
import { createSession } from "~/modules/auth/session.server";
import { favoriteKeys } from "~/modules/favorites/favorites.server";
import * as favoritesRoute from "~/routes/favorites";
import { releaseAppDb, routeDbIsTestDb } from "../support/api-client";
import { testDb } from "../support/db";
import { callPanel } from "../support/panel-client";
import { createScheduleFixture, type ScheduleFixture } from "../support/scheduling";

beforeAll(() => routeDbIsTestDb());
afterAll(async () => {
  await releaseAppDb();
  await testDb().disconnect();
});

const MARKETPLACE = "localhost";

async function signedIn(patientAccountId: string) {
  const { token } = await createSession(testDb(), { clinicId: null, host: MARKETPLACE }, { subject: "patient", patientAccountId }, { ip: null, userAgent: "vitest" });
  return `${SESSION_COOKIE}=${token}`;
}

/** The pending favorite's cookie from a Set-Cookie header, as the browser would send it back. */
const pendingCookie = (setCookie: string | null) => setCookie!.split(";")[0]!;

describe("a favorite tapped while signed out", () => {
  let f: ScheduleFixture;
  beforeAll(async () => {
    f = await createScheduleFixture({ doctors: 1 });
  });

  test("is kept through sign-in and saved for the patient who signs in, once, and they go back to the page", async () => {
    const tapped = await callPanel(favoritesRoute, "/favorites", { host: MARKETPLACE, form: { intent: "add", kind: "clinic", clinicId: f.clinic.id, targetId: f.clinic.id, redirectTo: "/clinics/somewhere?tab=doctors" } });
    expect(tapped.status).toBe(302);
    expect(tapped.location).toBe("/sign-in?redirectTo=%2Ffavorites%3Fpending%3D1");
    const setCookie = tapped.headers.get("Set-Cookie");
    expect(setCookie).toMatch(/^medslot_pending_favorite=.+; Path=\/; HttpOnly; SameSite=Lax; Max-Age=900/);

    const patient = await f.newPatient();
    const cookie = `${await signedIn(patient)}; ${pendingCookie(setCookie)}`;
    const back = await callPanel(favoritesRoute, "/favorites?pending=1", { host: MARKETPLACE, cookie });
    expect(back).toMatchObject({ status: 302, location: "/clinics/somewhere?tab=doctors" });
    // Used once: the cookie is cleared.
    expect(back.headers.get("Set-Cookie")).toMatch(/^medslot_pending_favorite=; .*Max-Age=0/);
    expect([...(await favoriteKeys(testDb(), { clinicId: null }, patient))]).toHaveLength(1);
  });

  test("a link alone, or a cookie that is no favorite, saves nothing", async () => {
    const patient = await f.newPatient();
    const session = await signedIn(patient);
    expect(await callPanel(favoritesRoute, "/favorites?pending=1", { host: MARKETPLACE, cookie: session })).toMatchObject({ status: 302, location: "/account/favorites" });
    const forged = Buffer.from(JSON.stringify({ kind: "clinic", clinicId: "not-a-uuid", targetId: f.clinic.id, back: "https://evil.example/" })).toString("base64url");
    expect(await callPanel(favoritesRoute, "/favorites?pending=1", { host: MARKETPLACE, cookie: `${session}; medslot_pending_favorite=${forged}` })).toMatchObject({ status: 302, location: "/account/favorites" });
    const offsite = Buffer.from(JSON.stringify({ kind: "clinic", clinicId: f.clinic.id, targetId: f.clinic.id, back: "//evil.example/" })).toString("base64url");
    // A real favorite with a foreign "back" is saved, but the patient stays on this site.
    expect(await callPanel(favoritesRoute, "/favorites?pending=1", { host: MARKETPLACE, cookie: `${session}; medslot_pending_favorite=${offsite}` })).toMatchObject({ status: 302, location: "/account/favorites" });
    expect([...(await favoriteKeys(testDb(), { clinicId: null }, patient))]).toHaveLength(1);
    // Signed out, the pending link asks to sign in first.
    expect(await callPanel(favoritesRoute, "/favorites?pending=1", { host: MARKETPLACE })).toMatchObject({ status: 302, location: "/sign-in?redirectTo=%2Ffavorites%3Fpending%3D1" });
  });
});
