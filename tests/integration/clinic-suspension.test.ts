/**
 * A suspended clinic on the real HTTP app: its public site, marketplace page and API take nothing
 * new, while its staff still sign in and manage the visits already booked (cancel, move) under a
 * banner that says why; each patient with a visit still ahead is told once, with the clinic's
 * contact details and links from configuration.
 */
import { randomUUID } from "node:crypto";
import { InngestTestEngine } from "@inngest/test";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { createApiKey } from "~/modules/api/api-keys.server";
import { hashPassword } from "~/modules/auth/password.server";
import { sendPatientMessage } from "~/modules/messaging/notify.server";
import { decideForClinic } from "~/modules/platform/onboarding.server";
import { createFlexibleRequest, offerFreedTime, proposeTime } from "~/modules/scheduling/flexible-requests.server";
import { getDb, type Tx } from "~/utils/db.server";
import { clinicSuspensionNotice } from "~/workflows/clinic-suspension-notice.server";
import { releaseAppDb } from "../support/api-client";
import { testDb } from "../support/db";
import { send, startHttpApp, type RunningApp } from "../support/http-app";
import { insertAppointment, insertPatient } from "../support/messages";
import { createPanelFixture, type PanelFixture } from "../support/panel-client";

const DAY = 24 * 3_600_000;
const PASSWORD = "correct horse battery staple";
const REASON = "Licence renewal is under review by the health authority";

let app: RunningApp;
let f: PanelFixture;
let apiKey: string;
let secretaryEmail: string;
const visits: Record<string, { id: string; startsAt: Date }> = {};
const patients: Record<string, { id: string; phone: string }> = {};

beforeAll(async () => {
  app = await startHttpApp();
  f = await createPanelFixture({ doctors: 2, shift: { start: "00:00", end: "24:00" }, service: { minNoticeMin: 0, horizonDays: 60 }, rooms: { type: "consultation", count: 2 } });
  apiKey = (await createApiKey(testDb().forClinic(f.clinic.id), "Front office", "cli")).key;
  await testDb()
    .forClinic(f.clinic.id)
    .tx(async (tx) => {
      await tx.clinic.update({ where: { id: f.clinic.id }, data: { contactPhone: "+12125550188", contactEmail: "desk@northside.test", quietHoursStartMin: null, quietHoursEndMin: null } });
      const user = await tx.staffUser.update({ where: { id: f.staff.secretary }, data: { passwordHash: await hashPassword(PASSWORD) }, select: { email: true } });
      secretaryEmail = user.email;
    });
  // Two visits ahead for Ana (one message), one for Ben, one past visit for Cleo and a cancelled one for Dev (no message).
  for (const name of ["ana", "ben", "cleo", "dev"]) {
    const p = await insertPatient(f, { firstName: name, emailMessages: false });
    patients[name] = { id: p.id, phone: p.phone };
  }
  visits.ana1 = await insertAppointment(f, { patientAccountId: patients.ana!.id, start: new Date(Date.now() + 4 * DAY) });
  visits.ana2 = await insertAppointment(f, { patientAccountId: patients.ana!.id, start: new Date(Date.now() + 9 * DAY) });
  visits.ben = await insertAppointment(f, { patientAccountId: patients.ben!.id, start: new Date(Date.now() + 5 * DAY) });
  visits.cleo = await insertAppointment(f, { patientAccountId: patients.cleo!.id, start: new Date(Date.now() - 2 * DAY) });
  visits.dev = await insertAppointment(f, { patientAccountId: patients.dev!.id, start: new Date(Date.now() + 6 * DAY) });
  await testDb()
    .forClinic(f.clinic.id)
    .tx((tx) =>
      tx.appointment.update({
        where: { clinicId_id: { clinicId: f.clinic.id, id: visits.dev!.id } },
        data: { status: "cancelled", cancellationReason: "patient_request", cancelledAt: new Date(), cancelledBy: "patient" },
      }),
    );

  const operator = await testDb()
    .system("test operator")
    .tx((tx) => tx.staffUser.create({ data: { email: `op-${randomUUID()}@medslot.test`, name: "Olive Operator", passwordHash: "not-a-hash" }, select: { id: true } }));
  const answer = await decideForClinic(testDb(), f.clinic.id, { intent: "suspend", reason: REASON }, { staffUserId: operator.id, request: null });
  expect(answer.ok).toBe(true);
}, 240_000);

afterAll(async () => {
  await app?.close();
  await releaseAppDb();
  await testDb().disconnect();
});

const get = (path: string, headers: Record<string, string> = {}, host = f.host) => send({ port: app.port, method: "GET", host, path, headers: { accept: "text/html", ...headers } });
const post = (path: string, form: Record<string, string>, headers: Record<string, string> = {}) =>
  send({
    port: app.port,
    method: "POST",
    host: f.host,
    path,
    headers: { "content-type": "application/x-www-form-urlencoded", origin: `http://${f.host}`, accept: "text/html", ...headers },
    body: new URLSearchParams(form).toString(),
  });

const statusOf = (id: string) =>
  testDb()
    .forClinic(f.clinic.id)
    .tx((tx) => tx.appointment.findUniqueOrThrow({ where: { clinicId_id: { clinicId: f.clinic.id, id } }, select: { status: true } }))
    .then((a) => a.status);

describe("the public side is down", () => {
  test("the clinic's site and booking pages answer 404 saying the clinic is suspended", async () => {
    for (const path of ["/", "/book", "/sign-in"]) {
      const answer = await get(path);
      expect(answer.status, path).toBe(404);
      expect(answer.text).toMatch(/suspended|not taking/i);
    }
  });

  test("the marketplace no longer lists or shows the clinic", async () => {
    expect((await get(`/clinics/${f.clinic.slug}`, {}, "localhost")).status).toBe(404);
    const search = await get(`/search?q=${encodeURIComponent(f.clinic.slug)}`, {}, "localhost");
    expect(search.status).toBe(200);
    expect(search.text).not.toContain(`/clinics/${f.clinic.slug}`);
  });

  test("the API refuses a new booking with a problem document", async () => {
    const answer = await send({
      port: app.port,
      method: "POST",
      host: f.host,
      path: "/api/v1/appointments",
      headers: { authorization: `Bearer ${apiKey}`, "content-type": "application/json" },
      body: JSON.stringify({ serviceId: f.serviceId, practitionerId: f.doctorIds[0], start: new Date(Date.now() + 7 * DAY).toISOString(), patient: { phone: "+12125550123", firstName: "Ana", lastName: "Diaz" } }),
    });
    expect(answer.status).toBe(403);
    expect(answer.headers["content-type"]).toMatch(/application\/problem\+json/);
    expect(JSON.parse(answer.text)).toMatchObject({ type: expect.stringMatching(/clinic-not-taking-bookings$/), status: 403 });
  });
});

describe("patients with visits ahead are told", () => {
  test("each once, with the clinic's contact details and a link from configuration", async () => {
    const events = await testDb()
      .forClinic(f.clinic.id)
      .tx((tx) => tx.outboxEvent.findMany({ where: { clinicId: f.clinic.id, name: "clinic.suspended" }, select: { id: true, data: true } }));
    expect(events).toHaveLength(1);
    const event = { id: events[0]!.id, name: "clinic.suspended", data: { ...(events[0]!.data as Record<string, unknown>), clinicId: f.clinic.id } };
    // Run twice, as a retried delivery of the same event would be.
    for (let i = 0; i < 2; i++) {
      const out = await new InngestTestEngine({ function: clinicSuspensionNotice }).execute({ events: [event] });
      if ("error" in out && out.error) throw out.error as Error;
    }
    const sent = await testDb()
      .forClinic(f.clinic.id)
      .tx((tx) => tx.messageDelivery.findMany({ where: { clinicId: f.clinic.id, kind: "clinic_suspended" }, select: { recipient: true, channel: true, patientAccountId: true } }));
    const told = new Map(sent.map((s) => [s.patientAccountId, s]));
    expect(sent.filter((s) => s.patientAccountId === patients.ana!.id)).toHaveLength(1);
    expect(sent.filter((s) => s.patientAccountId === patients.ben!.id)).toHaveLength(1);
    expect(sent).toHaveLength(2);
    expect(told.has(patients.cleo!.id)).toBe(false);
    expect(told.has(patients.dev!.id)).toBe(false);
    const printed = await getDb()
      .system("test")
      .tx((tx) => tx.devOutboxMessage.findMany({ where: { recipient: patients.ana!.phone } }));
    const text = printed.map((m) => m.body).join("\n");
    expect(text).toMatch(/212.*555.*0188/);
    expect(text).toContain("http://localhost:");
    expect(text).not.toMatch(/undefined/);
  });
});

describe("messages while suspended", () => {
  test("a reminder's links lead to the patient's visits on Medslot's own host, not to the offline clinic site", async () => {
    const env = { APP_DOMAIN: "medslot.example", PORT: 3000, PUBLIC_URL: "https://medslot.example" };
    await sendPatientMessage(testDb(), { clinicId: f.clinic.id, kind: "reminder", appointmentId: visits.ben!.id, dedupeKey: `suspended-reminder:${visits.ben!.id}` }, { env });
    const printed = await getDb()
      .system("test")
      .tx((tx) => tx.devOutboxMessage.findMany({ where: { recipient: patients.ben!.phone } }));
    const reminder = printed.map((m) => m.body).find((b) => b.startsWith("Reminder from"));
    expect(reminder).toContain("https://medslot.example/account");
    expect(reminder).not.toContain(`${f.clinic.slug}.medslot.example`);
  });
});

describe("staff keep the panel", () => {
  test("a secretary signs in and sees a banner saying why", async () => {
    const page = await get("/staff/sign-in");
    expect(page.status).toBe(200);
    const signIn = await post("/staff/sign-in", { intent: "password", email: secretaryEmail, password: PASSWORD });
    expect(signIn.status).toBe(302);
    expect(signIn.headers.location).toMatch(/^\/panel/);
    const cookie = String(signIn.headers["set-cookie"]).split(";")[0]!;
    const panel = await get("/panel", { cookie });
    expect(panel.status).toBe(200);
    expect(panel.text).toMatch(/suspended/i);
    expect(panel.text).toContain(REASON);
  });

  test("the desk cannot book a new visit: a clear message, not a 500", async () => {
    const start = new Date(Math.ceil((Date.now() + 8 * DAY) / 3_600_000) * 3_600_000);
    const answer = await post("/panel/book", { intent: "book", patientId: patients.ben!.id, serviceId: f.serviceId, slot: `${f.doctorIds[0]}|${start.toISOString()}` }, { cookie: f.cookies.secretary });
    expect(answer.status).toBe(422);
    expect(answer.text).toMatch(/suspended/i);
  });

  test("the desk moves an existing visit to a new time", async () => {
    const start = new Date(Math.ceil((Date.now() + 12 * DAY) / 3_600_000) * 3_600_000 + 30 * 60_000);
    const answer = await post(`/panel/appointments/${visits.ana2!.id}`, { intent: "reschedule", slot: `${f.doctorIds[1]}|${start.toISOString()}` }, { cookie: f.cookies.secretary });
    expect(answer.status, answer.text.slice(0, 300)).toBe(302);
    expect(await statusOf(visits.ana2!.id)).toBe("rescheduled");
  });

  test("the desk cancels an existing visit", async () => {
    const answer = await post(`/panel/appointments/${visits.ben!.id}`, { intent: "cancel", reason: "closure" }, { cookie: f.cookies.secretary });
    expect(answer.status, answer.text.slice(0, 300)).toBe(302);
    expect(await statusOf(visits.ben!.id)).toBe("cancelled");
  });
});

describe("no new times are offered while suspended", () => {
  test("the desk cannot propose a time to a waiting request, and a freed time is offered to nobody", async () => {
    const inClinic = <T>(fn: (tx: Tx) => Promise<T>) => testDb().forClinic(f.clinic.id).tx(fn);
    const request = await inClinic((tx) => createFlexibleRequest(tx, f.clinic, { patientAccountId: patients.cleo!.id, serviceId: f.serviceId }, { type: "patient", id: patients.cleo!.id }));
    const start = new Date(Math.ceil((Date.now() + 15 * DAY) / 3_600_000) * 3_600_000);
    await expect(inClinic((tx) => proposeTime(tx, f.clinic, { requestId: request.id, start, practitionerId: f.doctorIds[0]! }, { type: "staff", id: f.staff.secretary }))).rejects.toThrow(/suspended/);
    const offered = await inClinic((tx) => offerFreedTime(tx, f.clinic, { serviceId: f.serviceId, practitionerId: f.doctorIds[0]!, locationId: f.locationId, start, end: new Date(start.getTime() + 30 * 60_000) }));
    expect(offered).toBeNull();
  });
});
