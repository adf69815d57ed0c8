/**
 * Who may open the reports and download their CSV files: owners of the clinic only. Secretaries
 * and doctors get 403; staff of another clinic are sent to sign in on this host; a location of
 * another clinic is not found, and no route hands out another clinic's figures.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as csvRoute from "~/routes/panel.reports.$report";
import * as page from "~/routes/panel.reports._index";
import { REPORT_KEYS } from "~/modules/reports/csv";
import { releaseAppDb, routeDbIsTestDb } from "../support/api-client";
import { testDb } from "../support/db";
import { callPanel, createPanelFixture, PANEL_ROLES, type PanelFixture, type PanelRoute } from "../support/panel-client";
import { localInstant } from "../support/scheduling";

let a: PanelFixture;
let b: PanelFixture;

beforeAll(async () => {
  routeDbIsTestDb();
  [a, b] = await Promise.all([createPanelFixture(), createPanelFixture()]);
  // One completed visit at clinic B, so "B's figures" would show if they leaked.
  const startsAt = localInstant(b.clinic.timeZone, "2026-10-15", "10:00");
  const endsAt = new Date(startsAt.getTime() + 30 * 60_000);
  await testDb()
    .forClinic(b.clinic.id)
    .tx((tx) =>
      tx.appointment.create({
        data: { clinicId: b.clinic.id, serviceId: b.serviceId, doctorId: b.doctorIds[0]!, locationId: b.locationId, patientAccountId: b.patientId, status: "completed", startsAt, endsAt, blockedFrom: startsAt, blockedTo: endsAt, channel: "staff", priceMinor: 10_000, currency: "USD", cancellationWindowMin: 2880 },
      }),
    );
});
afterAll(releaseAppDb);

const RANGE = "from=2026-10-01&to=2026-10-31";
const routes: { name: string; path: string; route: PanelRoute; params?: Record<string, string> }[] = [
  { name: "the reports page", path: `/panel/reports?${RANGE}`, route: page },
  ...REPORT_KEYS.map((key) => ({ name: `${key}.csv`, path: `/panel/reports/${key}.csv?${RANGE}`, route: csvRoute, params: { report: `${key}.csv` } })),
];

describe.each(routes)("$name", ({ path, route, params }) => {
  it.each(PANEL_ROLES)("a %s of the clinic: owners only", async (role) => {
    const answer = await callPanel(route, path, { host: a.host, cookie: a.cookies[role], params });
    expect(answer.status).toBe(role === "owner" ? 200 : 403);
  });

  it.each(PANEL_ROLES)("a %s of another clinic is sent to sign in", async (role) => {
    const answer = await callPanel(route, path, { host: a.host, cookie: b.cookies[role], params });
    expect(answer.status).toBe(302);
    expect(answer.location).toMatch(/^\/staff\/sign-in/);
  });

  it("no session: sign in", async () => {
    const answer = await callPanel(route, path, { host: a.host, params });
    expect(answer.status).toBe(302);
  });

  it("a location of another clinic is not found, even for the owner", async () => {
    const answer = await callPanel(route, `${path}&location=${b.locationId}`, { host: a.host, cookie: a.cookies.owner, params });
    expect(answer.status).toBe(404);
  });
});

it("each clinic's owner sees only that clinic's figures", async () => {
  type Data = { reports: { bookings: { total: number } } };
  const mine = await callPanel<Data>(page, `/panel/reports?${RANGE}`, { host: a.host, cookie: a.cookies.owner });
  const theirs = await callPanel<Data>(page, `/panel/reports?${RANGE}`, { host: b.host, cookie: b.cookies.owner });
  expect(mine.data.reports.bookings.total).toBe(0);
  expect(theirs.data.reports.bookings.total).toBe(1);
  const file = await callPanel<string>(csvRoute, `/panel/reports/sources.csv?${RANGE}`, { host: a.host, cookie: a.cookies.owner, params: { report: "sources.csv" } });
  expect(file.data).toContain("Staff (phone and desk),0,");
});
