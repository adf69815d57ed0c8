/**
 * A session belongs to the host it was made on: one made on clinic B's host for a member of clinic
 * A's staff opens nothing on A. Who may open which page is in permission-matrix.test.ts.
 */
import { afterAll, beforeAll, expect, it } from "vitest";
import * as visits from "~/routes/panel.visits";
import { releaseAppDb, routeDbIsTestDb } from "../support/api-client";
import { callPanel, createPanelFixture, staffCookie, type PanelFixture } from "../support/panel-client";

let a: PanelFixture;
let b: PanelFixture;

beforeAll(async () => {
  routeDbIsTestDb();
  [a, b] = await Promise.all([createPanelFixture(), createPanelFixture()]);
});
afterAll(releaseAppDb);

it("a session made on clinic B's host for a member of clinic A's staff opens nothing on A", async () => {
  // The owner of A signs in on B's host (where they are nobody): a 403 there, and the cookie means nothing on A.
  const foreign = await staffCookie({ clinicId: b.clinic.id, host: b.host }, a.staff.owner);
  expect((await callPanel(visits, "/panel/visits", { host: b.host, cookie: foreign })).status).toBe(403);
  expect((await callPanel(visits, "/panel/visits", { host: a.host, cookie: foreign })).status).toBe(302);
});
