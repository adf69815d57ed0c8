/**
 * Dates typed into a panel address are the clinic's calendar days; one far outside any calendar a
 * clinic keeps (year 9999, year 1) is ignored or refused with a message, never a server error.
 */
import { afterAll, beforeAll, expect, it } from "vitest";
import * as book from "~/routes/panel.book";
import * as calendar from "~/routes/panel.calendar";
import * as desk from "~/routes/panel.desk";
import * as myDay from "~/routes/panel.my-day";
import * as reports from "~/routes/panel.reports._index";
import * as visits from "~/routes/panel.visits";
import * as audit from "~/routes/panel.audit";
import { releaseAppDb, routeDbIsTestDb } from "../support/api-client";
import { callPanel, createPanelFixture, type PanelFixture, type PanelRoute } from "../support/panel-client";

let f: PanelFixture;
beforeAll(async () => {
  routeDbIsTestDb();
  f = await createPanelFixture();
});
afterAll(releaseAppDb);

const pages: { name: string; route: PanelRoute; path: (d: string) => string; who: "owner" | "doctor" }[] = [
  { name: "desk", route: desk, path: (d) => `/panel/desk?day=${d}`, who: "owner" },
  { name: "calendar", route: calendar, path: (d) => `/panel/calendar?date=${d}&view=week`, who: "owner" },
  { name: "book", route: book, path: (d) => `/panel/book?day=${d}`, who: "owner" },
  { name: "visits", route: visits, path: (d) => `/panel/visits?day=${d}`, who: "owner" },
  { name: "my day", route: myDay, path: (d) => `/panel/my-day?day=${d}`, who: "doctor" },
  { name: "audit log", route: audit, path: (d) => `/panel/audit?from=${d}&to=${d}`, who: "owner" },
  { name: "reports", route: reports, path: (d) => `/panel/reports?preset=custom&from=2026-01-01&to=${d}`, who: "owner" },
];

it.each(pages.flatMap((p) => ["9999-12-31", "0001-01-01", "2026-13-45"].map((d) => ({ ...p, d }))))("$name with $d answers without a server error", async ({ route, path, who, d }) => {
  const answer = await callPanel(route, path(d), { host: f.host, cookie: f.cookies[who] });
  expect(answer.status).toBeLessThan(500);
});
