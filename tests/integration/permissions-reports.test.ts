/**
 * The reports and their CSV files hand out no other clinic's figures: a location of another clinic
 * is not found, and each owner sees only their clinic. Who may open them is in
 * permission-matrix.test.ts.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as csvRoute from "~/routes/panel.reports.$report";
import * as page from "~/routes/panel.reports._index";
import { REPORT_KEYS } from "~/modules/reports/csv";
import { releaseAppDb, routeDbIsTestDb } from "../support/api-client";
import { testDb } from "../support/db";
import { callPanel, createPanelFixture, type PanelFixture, type PanelRoute } from "../support/panel-client";
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
