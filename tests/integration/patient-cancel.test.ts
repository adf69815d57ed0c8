/**
 * Cancelling from the patient's account asks first (/account/appointments/$id/cancel): opening the
 * page changes nothing and is audited as a view; only "Yes, cancel" cancels, with the reason kept.
 * Another patient's visit, or another clinic's, is not found; bad input is a message, not a 500.
 */
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import type { Actor } from "~/lib/actor";
import { addDays, utcToZoned } from "~/lib/zoned-time";
import { SESSION_COOKIE } from "~/modules/auth/cookies.server";
import { createSession } from "~/modules/auth/session.server";
import { bookAppointment, getAppointment } from "~/modules/scheduling/booking.server";
import * as cancelRoute from "~/routes/account.appointments.$id_.cancel";
import { releaseAppDb, routeDbIsTestDb } from "../support/api-client";
import { testDb } from "../support/db";
import { callPanel, createPanelFixture, type PanelFixture } from "../support/panel-client";
import { localInstant } from "../support/scheduling";

beforeAll(() => routeDbIsTestDb());
afterAll(async () => {
  await releaseAppDb();
  await testDb().disconnect();
});

const staff: Actor = { type: "staff", id: "00000000-0000-4000-8000-000000000001" };

const at = (f: PanelFixture, days: number) => localInstant(f.clinic.timeZone, addDays(utcToZoned(new Date(), f.clinic.timeZone).date, days), "10:00");

const book = (f: PanelFixture, days: number) =>
  testDb()
    .forClinic(f.clinic.id)
    .tx((tx) => bookAppointment(tx, f.clinic, { serviceId: f.serviceId, practitionerId: f.doctorIds[0]!, start: at(f, days), patient: { patientAccountId: f.patientId }, channel: "clinic_site" }, staff));

async function patientCookie(f: PanelFixture, patientAccountId = f.patientId) {
  const { token } = await createSession(testDb(), { clinicId: f.clinic.id, host: f.host }, { subject: "patient", patientAccountId }, { ip: null, userAgent: "vitest" });
  return `${SESSION_COOKIE}=${token}`;
}

const statusOf = (f: PanelFixture, id: string) =>
  testDb()
    .forClinic(f.clinic.id)
    .tx((tx) => getAppointment(tx, f.clinic, id));

describe("the cancel page", () => {
  test("asks first: opening it cancels nothing and is audited; yes cancels with the reason and returns to the list", async () => {
    const f = await createPanelFixture({ doctors: 2 });
    const visit = await book(f, 6);
    const cookie = await patientCookie(f);
    const page = await callPanel<{ visit: { canCancel: boolean; outcome: string; when: string } }>(cancelRoute, `/account/appointments/${visit.id}/cancel`, { host: f.host, cookie, params: { id: visit.id } });
    expect(page.status).toBe(200);
    expect(page.data.visit).toMatchObject({ canCancel: true, outcome: "There is no deposit on this visit, so cancelling costs nothing." });
    expect((await statusOf(f, visit.id)).status).toBe("confirmed");
    const views = await testDb()
      .forClinic(f.clinic.id)
      .tx((tx) => tx.auditEvent.count({ where: { action: "patient.appointment_viewed", targetId: visit.id, actorId: f.patientId } }));
    expect(views).toBe(1);

    const tooLong = await callPanel<{ message: string; field?: string }>(cancelRoute, `/account/appointments/${visit.id}/cancel`, { host: f.host, cookie, params: { id: visit.id }, form: { reason: "other", note: "x".repeat(301) } });
    expect(tooLong).toMatchObject({ status: 400, data: { field: "note", message: "Keep it under 300 characters." } });
    const unknownReason = await callPanel(cancelRoute, `/account/appointments/${visit.id}/cancel`, { host: f.host, cookie, params: { id: visit.id }, form: { reason: "bored" } });
    expect(unknownReason.status).toBe(400);
    expect((await statusOf(f, visit.id)).status).toBe("confirmed");

    const yes = await callPanel(cancelRoute, `/account/appointments/${visit.id}/cancel`, { host: f.host, cookie, params: { id: visit.id }, form: { reason: "elsewhere", note: "" } });
    expect(yes).toMatchObject({ status: 302, location: `/account?cancelled=${visit.id}` });
    expect(await statusOf(f, visit.id)).toMatchObject({ status: "cancelled", cancellation: { reason: "patient_request", note: "I found another time or clinic" } });
    // A second press finds nothing left to cancel, and says so.
    const again = await callPanel<{ message: string }>(cancelRoute, `/account/appointments/${visit.id}/cancel`, { host: f.host, cookie, params: { id: visit.id }, form: {} });
    expect(again).toMatchObject({ status: 409, data: { message: expect.stringContaining("already cancelled") } });
  });

  test("another patient's visit and another clinic's host find nothing, and cancel nothing", async () => {
    const f = await createPanelFixture({ doctors: 2 });
    const other = await createPanelFixture({ doctors: 2 });
    const visit = await book(f, 6);
    const stranger = await patientCookie(f, await f.newPatient());
    const path = `/account/appointments/${visit.id}/cancel`;
    expect((await callPanel(cancelRoute, path, { host: f.host, cookie: stranger, params: { id: visit.id } })).status).toBe(404);
    expect((await callPanel<{ message: string }>(cancelRoute, path, { host: f.host, cookie: stranger, params: { id: visit.id }, form: {} })).data).toMatchObject({ message: "We could not find this appointment among yours." });
    // The same patient signed in at another clinic reaches nothing of this one.
    const elsewhere = await patientCookie(other, f.patientId);
    expect((await callPanel(cancelRoute, path, { host: other.host, cookie: elsewhere, params: { id: visit.id } })).status).toBe(404);
    expect((await callPanel(cancelRoute, path, { host: other.host, cookie: elsewhere, params: { id: visit.id }, form: {} })).status).toBe(409);
    // Signed out: sent to sign in.
    expect((await callPanel(cancelRoute, path, { host: f.host, params: { id: visit.id } })).status).toBe(302);
    expect((await statusOf(f, visit.id)).status).toBe("confirmed");
  });
});
