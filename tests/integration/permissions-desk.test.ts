/**
 * The front desk's pages and clinic B's rows: an appointment, patient or request of clinic B is not
 * found (404) on A's pages, even for A's own desk. Who may use the pages is in
 * permission-matrix.test.ts.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Actor } from "~/lib/actor";
import { bookAppointment } from "~/modules/scheduling/booking.server";
import { createFlexibleRequest } from "~/modules/scheduling/flexible-requests.server";
import { addDays, utcToZoned } from "~/lib/zoned-time";
import * as appointmentPage from "~/routes/panel.appointments.$id";
import * as book from "~/routes/panel.book";
import * as desk from "~/routes/panel.desk";
import * as requests from "~/routes/panel.requests";
import { releaseAppDb, routeDbIsTestDb } from "../support/api-client";
import { testDb } from "../support/db";
import { callPanel, createPanelFixture, type PanelFixture } from "../support/panel-client";
import { localInstant } from "../support/scheduling";

let a: PanelFixture;
let b: PanelFixture;
let aVisit: string;
let bVisit: string;

const system: Actor = { type: "staff", id: "00000000-0000-4000-8000-0000000000d2" };

async function visitOf(f: PanelFixture, days: number) {
  const today = utcToZoned(new Date(), f.clinic.timeZone).date;
  const start = localInstant(f.clinic.timeZone, addDays(today, days), "10:00");
  const r = await testDb()
    .forClinic(f.clinic.id)
    .tx((tx) => bookAppointment(tx, f.clinic, { serviceId: f.serviceId, practitionerId: f.doctorIds[0]!, start, patient: { patientAccountId: f.patientId }, channel: "staff" }, system));
  return r.id;
}

beforeAll(async () => {
  routeDbIsTestDb();
  [a, b] = await Promise.all([createPanelFixture(), createPanelFixture()]);
  [aVisit, bVisit] = await Promise.all([visitOf(a, 5), visitOf(b, 5)]);
});
afterAll(releaseAppDb);

const ALLOWED = ["owner", "secretary"];

describe("another clinic's rows by id", () => {
  it.each(ALLOWED)("a %s of A opening B's appointment on A's host gets 404, for the page and its actions", async (role) => {
    const cookie = a.cookies[role as "owner" | "secretary"];
    const page = await callPanel(appointmentPage, `/panel/appointments/${bVisit}`, { host: a.host, cookie, params: { id: bVisit } });
    expect(page.status).toBe(404);
    const forms: Record<string, string>[] = [{ intent: "cancel", reason: "patient_request" }, { intent: "approve" }, { intent: "no-show" }, { intent: "decline", reason: "Not today" }];
    for (const form of forms) {
      const acted = await callPanel(appointmentPage, `/panel/appointments/${bVisit}`, { host: a.host, cookie, params: { id: bVisit }, form });
      expect(acted.status, form.intent).toBe(404);
    }
    const declined = await callPanel(requests, "/panel/requests", { host: a.host, cookie, form: { intent: "decline", appointmentId: bVisit, reason: "Not today" } });
    expect(declined.status).toBe(404);
    const approved = await callPanel(requests, "/panel/requests", { host: a.host, cookie, form: { intent: "approve", appointmentId: bVisit } });
    expect(approved.status).toBe(404);
  });

  it("B's patient is not found on A's booking page, and B's visit is untouched", async () => {
    const page = await callPanel(book, `/panel/book?patient=${b.patientId}`, { host: a.host, cookie: a.cookies.secretary });
    expect(page.status).toBe(404);
    const booked = await callPanel(book, "/panel/book", {
      host: a.host,
      cookie: a.cookies.secretary,
      form: { intent: "book", patientId: b.patientId, serviceId: a.serviceId, slot: `${a.doctorIds[0]}|${new Date(Date.now() + 6 * 86_400_000).toISOString()}` },
    });
    expect(booked.status).toBe(422);
    const row = await testDb().forClinic(b.clinic.id).tx((tx) => tx.appointment.findUniqueOrThrow({ where: { clinicId_id: { clinicId: b.clinic.id, id: bVisit } } }));
    expect(row.status).toBe("confirmed");
  });

  it("proposing a time for B's flexible request on A's host is 404, and B's request stays open", async () => {
    const request = await testDb()
      .forClinic(b.clinic.id)
      .tx((tx) => createFlexibleRequest(tx, b.clinic, { patientAccountId: b.patientId, serviceId: b.serviceId }, system));
    const start = localInstant(a.clinic.timeZone, addDays(utcToZoned(new Date(), a.clinic.timeZone).date, 6), "11:00");
    const answer = await callPanel(requests, "/panel/requests", { host: a.host, cookie: a.cookies.secretary, form: { intent: "propose", requestId: request.id, slot: `${a.doctorIds[0]}|${start.toISOString()}` } });
    expect(answer.status).toBe(404);
    const row = await testDb().forClinic(b.clinic.id).tx((tx) => tx.flexibleRequest.findUniqueOrThrow({ where: { clinicId_id: { clinicId: b.clinic.id, id: request.id } } }));
    expect(row.status).toBe("open");
    // A doctor of A cannot propose at all.
    const doctor = await callPanel(requests, "/panel/requests", { host: a.host, cookie: a.cookies.doctor, form: { intent: "propose", requestId: request.id, slot: `${a.doctorIds[0]}|${start.toISOString()}` } });
    expect(doctor.status).toBe(403);
  });

  it("a malformed id is 404", async () => {
    const page = await callPanel(appointmentPage, "/panel/appointments/not-an-id", { host: a.host, cookie: a.cookies.owner, params: { id: "not-an-id" } });
    expect(page.status).toBe(404);
  });

  it("the board and the calendar of A never list B's visits", async () => {
    const board = await callPanel<{ columns: { visits: { id: string }[] }[] }>(desk, `/panel/desk?day=${utcToZoned(new Date(Date.now() + 5 * 86_400_000), a.clinic.timeZone).date}`, { host: a.host, cookie: a.cookies.secretary });
    const ids = board.data.columns.flatMap((c) => c.visits.map((v) => v.id));
    expect(ids).toContain(aVisit);
    expect(ids).not.toContain(bVisit);
  });
});

it("a secretary's real actions work end to end: approve is refused for a confirmed visit with a clear message", async () => {
  const answer = await callPanel<{ ok: boolean; message: string }>(appointmentPage, `/panel/appointments/${aVisit}`, { host: a.host, cookie: a.cookies.secretary, params: { id: aVisit }, form: { intent: "approve" } });
  expect(answer.status).toBe(422);
  expect(answer.data.message).toMatch(/cannot be confirmed/);
});
