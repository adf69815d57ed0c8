/**
 * Who may open which panel page, for the pages that existed before the role panels: each role of
 * clinic A gets exactly its pages; staff of clinic B get nothing on A's host, even with a session.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as account from "~/routes/panel.account";
import * as clinicProfile from "~/routes/panel.clinic";
import * as today from "~/routes/panel._index";
import * as payouts from "~/routes/panel.payouts";
import * as profile from "~/routes/panel.profile";
import * as staffPage from "~/routes/panel.staff";
import * as visits from "~/routes/panel.visits";
import { releaseAppDb, routeDbIsTestDb } from "../support/api-client";
import { callPanel, createPanelFixture, PANEL_ROLES, staffCookie, type PanelFixture, type PanelRoute } from "../support/panel-client";

let a: PanelFixture;
let b: PanelFixture;

beforeAll(async () => {
  routeDbIsTestDb();
  [a, b] = await Promise.all([createPanelFixture(), createPanelFixture()]);
});
afterAll(releaseAppDb);

const pages: { path: string; route: PanelRoute; allowed: readonly string[] }[] = [
  { path: "/panel", route: today, allowed: ["owner", "secretary", "doctor"] },
  { path: "/panel/visits", route: visits, allowed: ["owner", "secretary"] },
  { path: "/panel/clinic", route: clinicProfile, allowed: ["owner"] },
  { path: "/panel/staff", route: staffPage, allowed: ["owner"] },
  { path: "/panel/payouts", route: payouts, allowed: ["owner"] },
  { path: "/panel/profile", route: profile, allowed: ["doctor"] },
  { path: "/panel/account", route: account, allowed: ["owner", "secretary", "doctor"] },
];

describe.each(pages)("$path", ({ path, route, allowed }) => {
  it.each(PANEL_ROLES)("a %s of the clinic gets exactly what the role allows", async (role) => {
    const answer = await callPanel(route, path, { host: a.host, cookie: a.cookies[role] });
    expect(answer.status).toBe(allowed.includes(role) ? 200 : 403);
  });

  it.each(PANEL_ROLES)("a %s of another clinic is sent to sign in, with or without their own cookie", async (role) => {
    const answer = await callPanel(route, path, { host: a.host, cookie: b.cookies[role] });
    expect(answer.status).toBe(302);
    expect(answer.location).toMatch(/^\/staff\/sign-in/);
  });

  it("no session → sign in", async () => {
    const answer = await callPanel(route, path, { host: a.host });
    expect(answer.status).toBe(302);
  });
});

it("a session made on clinic B's host for a member of clinic A's staff opens nothing on A", async () => {
  // The owner of A signs in on B's host (where they are nobody): a 403 there, and the cookie means nothing on A.
  const foreign = await staffCookie({ clinicId: b.clinic.id, host: b.host }, a.staff.owner);
  expect((await callPanel(visits, "/panel/visits", { host: b.host, cookie: foreign })).status).toBe(403);
  expect((await callPanel(visits, "/panel/visits", { host: a.host, cookie: foreign })).status).toBe(302);
});
