/**
 * The desk's notes, patient alerts and contact with the patient, on the real database and through
 * the panel's routes: alerts added and removed (audited, refused for bad input and for another
 * clinic's patient), the visit's desk note (desk roles only), resending the confirmation (one
 * message per click, even clicked twice), a message from the desk, and the visit's message log
 * with the statuses Twilio's callbacks report.
 */
import { createHmac, randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { addDays, utcToZoned } from "~/lib/zoned-time";
import { resendConfirmation, sendDeskMessage, visitMessages } from "~/modules/front-desk/visit-contact.server";
import { handleMessageStatus } from "~/modules/messaging/status-callback.server";
import { alertsFor } from "~/modules/patients/patient-alerts.server";
import { bookAppointment } from "~/modules/scheduling/booking.server";
import * as appointmentPage from "~/routes/panel.appointments.$id";
import * as patientPage from "~/routes/panel.patients.$patientAccountId";
import * as patientList from "~/routes/panel.patients._index";
import * as deskPage from "~/routes/panel.desk";
import { releaseAppDb, routeDbIsTestDb } from "../support/api-client";
import { testDb } from "../support/db";
import { insertAppointment, insertPatient, LINK_ENV, recordingMessenger } from "../support/messages";
import { callPanel, createPanelFixture, type PanelFixture } from "../support/panel-client";
import { localInstant } from "../support/scheduling";

let a: PanelFixture;
let b: PanelFixture;

beforeAll(async () => {
  routeDbIsTestDb();
  [a, b] = await Promise.all([createPanelFixture(), createPanelFixture()]);
});
afterAll(async () => {
  await releaseAppDb();
});

let booked = 0;
const dayIn = (f: PanelFixture, days: number) => addDays(utcToZoned(new Date(), f.clinic.timeZone).date, days);

/** A confirmed visit in `days` days on the clinic's clock, each at its own hour, booked through the kernel. */
async function bookVisit(f: PanelFixture, patientAccountId = f.patientId, days = 3) {
  booked += 1;
  const start = localInstant(f.clinic.timeZone, dayIn(f, days), `${String(9 + (booked % 8)).padStart(2, "0")}:00`);
  return (
    await testDb()
      .forClinic(f.clinic.id)
      .tx((tx) => bookAppointment(tx, f.clinic, { serviceId: f.serviceId, practitionerId: f.doctorIds[0]!, start, patient: { patientAccountId }, channel: "staff" }, { type: "staff", id: null }))
  ).id;
}

const patientRoute = (f: PanelFixture, id: string) => ({ host: f.host, params: { patientAccountId: id } });
const visitRoute = (f: PanelFixture, id: string) => ({ host: f.host, params: { id } });
const auditActions = (f: PanelFixture, action: string) =>
  testDb().forClinic(f.clinic.id).tx((tx) => tx.auditEvent.findMany({ where: { clinicId: f.clinic.id, action }, select: { actorId: true, targetId: true, details: true } }));

describe("patient alerts", () => {
  test("the desk adds an allergy, sees it on the patient page and the list, and removes it; both audited", async () => {
    const patient = await a.newPatient();
    const added = await callPanel<{ ok: boolean }>(patientPage, `/panel/patients/${patient}`, { ...patientRoute(a, patient), cookie: a.cookies.secretary, form: { intent: "add-alert", kind: "allergy", text: "  Penicillin  " } });
    expect(added.status).toBe(200);
    expect(added.data.ok).toBe(true);

    const page = await callPanel<{ desk: { alerts: { id: string; kind: string; text: string }[] } }>(patientPage, `/panel/patients/${patient}`, { ...patientRoute(a, patient), cookie: a.cookies.secretary });
    expect(page.data.desk.alerts).toEqual([expect.objectContaining({ kind: "allergy", text: "Penicillin" })]);
    const list = await callPanel<{ patients: { patientAccountId: string; alerts: { text: string }[] }[] }>(patientList, "/panel/patients?q=Ient", { host: a.host, cookie: a.cookies.secretary });
    expect(list.data.patients.find((p) => p.patientAccountId === patient)?.alerts.map((x) => x.text)).toEqual(["Penicillin"]);

    const alertId = page.data.desk.alerts[0]!.id;
    const removed = await callPanel<{ ok: boolean }>(patientPage, `/panel/patients/${patient}`, { ...patientRoute(a, patient), cookie: a.cookies.owner, form: { intent: "remove-alert", alertId } });
    expect(removed.data.ok).toBe(true);
    expect((await testDb().forClinic(a.clinic.id).tx((tx) => alertsFor(tx, a.clinic.id, [patient]))).get(patient)).toEqual([]);
    // Kept, with who removed it.
    const row = await testDb().forClinic(a.clinic.id).tx((tx) => tx.patientAlert.findFirstOrThrow({ where: { clinicId: a.clinic.id, id: alertId } }));
    expect(row.removedBy).toBe(a.staff.owner);
    expect((await auditActions(a, "patient.alert_added")).filter((e) => e.targetId === patient)).toHaveLength(1);
    expect((await auditActions(a, "patient.alert_removed")).filter((e) => e.targetId === patient)).toEqual([expect.objectContaining({ actorId: a.staff.owner })]);

    // Removing it twice is a clear answer, not a 500.
    const again = await callPanel<{ ok: boolean; message: string }>(patientPage, `/panel/patients/${patient}`, { ...patientRoute(a, patient), cookie: a.cookies.owner, form: { intent: "remove-alert", alertId } });
    expect(again.status).toBe(404);
    expect(again.data.message).toMatch(/removed already/);
  });

  test("bad input is a form message and nothing is saved", async () => {
    const patient = await a.newPatient();
    for (const form of [{ intent: "add-alert", kind: "allergy", text: "x" }, { intent: "add-alert", kind: "horoscope", text: "Leo" }, { intent: "add-alert", kind: "other", text: "y".repeat(121) }]) {
      const answer = await callPanel<{ ok: boolean; field: string }>(patientPage, `/panel/patients/${patient}`, { ...patientRoute(a, patient), cookie: a.cookies.secretary, form });
      expect(answer.status).toBe(400);
      expect(answer.data.ok).toBe(false);
    }
    expect((await testDb().forClinic(a.clinic.id).tx((tx) => alertsFor(tx, a.clinic.id, [patient]))).get(patient)).toEqual([]);
  });

  test("another clinic's patient cannot be given an alert or read through alertsFor", async () => {
    const patient = await a.newPatient();
    await callPanel(patientPage, `/panel/patients/${patient}`, { ...patientRoute(a, patient), cookie: a.cookies.secretary, form: { intent: "add-alert", kind: "access", text: "Needs wheelchair access" } });
    // Clinic B's desk, on its own host, with A's patient id.
    const refused = await callPanel(patientPage, `/panel/patients/${patient}`, { ...patientRoute(b, patient), cookie: b.cookies.secretary, form: { intent: "add-alert", kind: "allergy", text: "Latex" } });
    expect(refused.status).toBe(404);
    expect((await testDb().forClinic(b.clinic.id).tx((tx) => alertsFor(tx, b.clinic.id, [patient]))).get(patient)).toEqual([]);
    // B's scope asking for A's clinic id sees nothing either (row-level security).
    expect((await testDb().forClinic(b.clinic.id).tx((tx) => alertsFor(tx, a.clinic.id, [patient]))).get(patient)).toEqual([]);
    expect((await testDb().forClinic(a.clinic.id).tx((tx) => alertsFor(tx, a.clinic.id, [patient]))).get(patient)?.map((x) => x.text)).toEqual(["Needs wheelchair access"]);
    // B's staff on A's host are sent to sign in.
    const stranger = await callPanel(patientPage, `/panel/patients/${patient}`, { ...patientRoute(a, patient), cookie: b.cookies.owner, form: { intent: "add-alert", kind: "allergy", text: "Latex" } });
    expect(stranger.status).toBe(302);
  });

  test("the alert shows on the visit page and the desk board, not on a family member's visit", async () => {
    const patient = await a.newPatient();
    await callPanel(patientPage, `/panel/patients/${patient}`, { ...patientRoute(a, patient), cookie: a.cookies.secretary, form: { intent: "add-alert", kind: "allergy", text: "Peanuts" } });
    const visit = await bookVisit(a, patient, 2);
    const page = await callPanel<{ alerts: { text: string }[] }>(appointmentPage, `/panel/appointments/${visit}`, { ...visitRoute(a, visit), cookie: a.cookies.secretary });
    expect(page.data.alerts.map((x) => x.text)).toEqual(["Peanuts"]);
    const board = await callPanel<{ columns: { visits: { id: string; alerts: { text: string }[] }[] }[] }>(deskPage, `/panel/desk?day=${dayIn(a, 2)}`, { host: a.host, cookie: a.cookies.secretary });
    const onBoard = board.data.columns.flatMap((c) => c.visits).find((v) => v.id === visit);
    expect(onBoard?.alerts.map((x) => x.text)).toEqual(["Peanuts"]);

    // The holder's child: the holder's allergy is not theirs.
    const child = await testDb().forClinic(a.clinic.id).tx((tx) => tx.dependent.create({ data: { patientAccountId: patient, firstName: "Leo", lastName: "Ient", relationship: "child" }, select: { id: true } }));
    const childVisit = await insertAppointment(a, { patientAccountId: patient, dependentId: child.id, start: localInstant(a.clinic.timeZone, dayIn(a, 2), "16:30") });
    const again = await callPanel<{ columns: { visits: { id: string; alerts: unknown[] }[] }[] }>(deskPage, `/panel/desk?day=${dayIn(a, 2)}`, { host: a.host, cookie: a.cookies.secretary });
    expect(again.data.columns.flatMap((c) => c.visits).find((v) => v.id === childVisit.id)?.alerts).toEqual([]);
    const childPage = await callPanel<{ alerts: unknown[] }>(appointmentPage, `/panel/appointments/${childVisit.id}`, { ...visitRoute(a, childVisit.id), cookie: a.cookies.secretary });
    expect(childPage.data.alerts).toEqual([]);
  });
});

describe("the visit's desk note", () => {
  test("saved and changed by the desk with who and when; a doctor is refused; another clinic's visit is not found", async () => {
    const visit = await bookVisit(a);
    const saved = await callPanel(appointmentPage, `/panel/appointments/${visit}`, { ...visitRoute(a, visit), cookie: a.cookies.secretary, form: { intent: "desk-note", body: "Prefers a call, not a text" } });
    expect(saved.status).toBe(302);
    let page = await callPanel<{ deskNote: { body: string; by: string; at: string } | null }>(appointmentPage, `/panel/appointments/${visit}`, { ...visitRoute(a, visit), cookie: a.cookies.owner });
    expect(page.data.deskNote).toMatchObject({ body: "Prefers a call, not a text", by: "Secretary Person" });
    expect(page.data.deskNote!.at).toMatch(/^[A-Z][a-z]{2} \d{1,2} [A-Z][a-z]{2}, \d{2}:\d{2}$/);

    await callPanel(appointmentPage, `/panel/appointments/${visit}`, { ...visitRoute(a, visit), cookie: a.cookies.owner, form: { intent: "desk-note", body: "Call after 5 pm" } });
    page = await callPanel(appointmentPage, `/panel/appointments/${visit}`, { ...visitRoute(a, visit), cookie: a.cookies.owner });
    expect(page.data.deskNote).toMatchObject({ body: "Call after 5 pm", by: "Owner Person" });

    const doctor = await callPanel(appointmentPage, `/panel/appointments/${visit}`, { ...visitRoute(a, visit), cookie: a.cookies.doctor, form: { intent: "desk-note", body: "Doctor's words" } });
    expect(doctor.status).toBe(403);
    const otherClinic = await callPanel(appointmentPage, `/panel/appointments/${visit}`, { ...visitRoute(b, visit), cookie: b.cookies.secretary, form: { intent: "desk-note", body: "From B" } });
    expect(otherClinic.status).toBe(404);
    const tooLong = await callPanel(appointmentPage, `/panel/appointments/${visit}`, { ...visitRoute(a, visit), cookie: a.cookies.owner, form: { intent: "desk-note", body: "z".repeat(2001) } });
    expect(tooLong.status).toBe(400);

    const notes = await testDb().forClinic(a.clinic.id).tx((tx) => tx.visitDeskNote.findMany({ where: { clinicId: a.clinic.id, appointmentId: visit } }));
    expect(notes.map((n) => n.body)).toEqual(["Call after 5 pm"]);
    expect(await auditActions(a, "appointment.desk_note_saved").then((e) => e.filter((x) => x.targetId === visit))).toHaveLength(2);
    // Staff only: the note is not the patient's note on the visit.
    const row = await testDb().forClinic(a.clinic.id).tx((tx) => tx.appointment.findFirstOrThrow({ where: { clinicId: a.clinic.id, id: visit }, select: { patientNote: true } }));
    expect(row.patientNote).toBeNull();
  });
});

describe("contacting the patient about a visit", () => {
  test("resend confirmation sends exactly one message, even when the form is sent twice", async () => {
    const visit = await bookVisit(a);
    const before = await testDb().forClinic(a.clinic.id).tx((tx) => tx.messageDelivery.count({ where: { clinicId: a.clinic.id, appointmentId: visit, kind: "booking_confirmation" } }));
    const token = randomUUID();
    for (let i = 0; i < 2; i++) {
      const answer = await callPanel(appointmentPage, `/panel/appointments/${visit}`, { ...visitRoute(a, visit), cookie: a.cookies.secretary, form: { intent: "resend-confirmation", token } });
      expect(answer.status).toBe(302);
      expect(decodeURIComponent(answer.location ?? "")).toMatch(/The confirmation (is queued|sent by SMS)/);
    }
    const after = await testDb().forClinic(a.clinic.id).tx((tx) => tx.messageDelivery.findMany({ where: { clinicId: a.clinic.id, appointmentId: visit, kind: "booking_confirmation" } }));
    // The fixture's patient has a phone and no email: one SMS.
    expect(after.length - before).toBe(1);
    expect((await auditActions(a, "appointment.confirmation_resent")).filter((e) => e.targetId === visit)).toHaveLength(2);
    // A doctor may not send it.
    const doctor = await callPanel(appointmentPage, `/panel/appointments/${visit}`, { ...visitRoute(a, visit), cookie: a.cookies.doctor, form: { intent: "resend-confirmation", token: randomUUID() } });
    expect(doctor.status).toBe(403);
  });

  test("a cancelled visit has no confirmation to resend", async () => {
    const visit = await bookVisit(a, a.patientId, 4);
    await callPanel(appointmentPage, `/panel/appointments/${visit}`, { ...visitRoute(a, visit), cookie: a.cookies.secretary, form: { intent: "cancel", reason: "patient_request", overrideReason: "The patient called" } });
    const answer = await callPanel<{ ok: boolean; message: string }>(appointmentPage, `/panel/appointments/${visit}`, { ...visitRoute(a, visit), cookie: a.cookies.secretary, form: { intent: "resend-confirmation", token: randomUUID() } });
    expect(answer.status).toBe(409);
    expect(answer.data.message).toMatch(/confirmed visit/);
  });

  test("the message log lists every message about the visit with the status Twilio's callbacks report", async () => {
    const patient = await insertPatient(a, { emailMessages: false });
    const visit = await insertAppointment(a, { patientAccountId: patient.id });
    const messenger = recordingMessenger();
    const db = testDb().forClinic(a.clinic.id);
    const staff = { type: "staff" as const, id: a.staff.secretary };
    // At noon on the clinic's clock, outside any quiet hours.
    const noon = localInstant(a.clinic.timeZone, dayIn(a, 0), "12:00");
    const confirmation = await resendConfirmation(db, a.clinic, visit.id, randomUUID(), staff, { messenger, env: LINK_ENV }, noon);
    expect(confirmation).toEqual({ ok: true, message: "The confirmation sent by SMS." });
    const desk = await sendDeskMessage(db, a.clinic, visit.id, { intent: "send-message", token: randomUUID(), channel: "sms", message: "Please bring your new insurance card." }, staff, { messenger, env: LINK_ENV }, noon);
    expect(desk).toEqual({ ok: true, message: "The message sent by SMS." });
    expect(messenger.sms.map((m) => m.body)).toEqual([expect.stringContaining("is booked for"), `${await clinicName(a)}: Please bring your new insurance card.`]);

    const refs = await db.tx((tx) => tx.messageDelivery.findMany({ where: { clinicId: a.clinic.id, appointmentId: visit.id }, orderBy: { createdAt: "asc" }, select: { kind: true, providerRef: true } }));
    const ref = (kind: string) => refs.find((r) => r.kind === kind)!.providerRef!;
    // Twilio reports through the signed status callback, as in production.
    expect(await twilioReports({ MessageSid: ref("booking_confirmation"), MessageStatus: "delivered" })).toBe(204);
    expect(await twilioReports({ MessageSid: ref("desk_message"), MessageStatus: "undelivered", ErrorCode: "30005" })).toBe(204);
    // A late "sent" after "delivered" changes nothing.
    expect(await twilioReports({ MessageSid: ref("booking_confirmation"), MessageStatus: "sent" })).toBe(204);

    const log = await db.tx((tx) => visitMessages(tx, a.clinic.id, visit.id));
    expect(log.map((m) => [m.kind, m.channel, m.status])).toEqual([
      ["desk_message", "sms", "failed"],
      ["booking_confirmation", "sms", "delivered"],
    ]);
    expect(log[0]).toMatchObject({ text: "Please bring your new insurance card.", problem: "Twilio error 30005" });

    // The page shows the same log, in words.
    const page = await callPanel<{ messages: { kindWords: string; channel: string; status: string; at: string }[] }>(appointmentPage, `/panel/appointments/${visit.id}`, { ...visitRoute(a, visit.id), cookie: a.cookies.secretary });
    expect(page.data.messages.map((m) => [m.kindWords, m.channel, m.status])).toEqual([
      ["Message from the desk", "SMS", "failed"],
      ["Booking confirmation", "SMS", "delivered"],
    ]);
    expect(page.data.messages[0]!.at).not.toMatch(/\d{4}-\d{2}-\d{2}/);
  });

  test("a moved visit keeps its log and its note: they follow the booking", async () => {
    const patient = await insertPatient(a, { emailMessages: false });
    const first = await insertAppointment(a, { patientAccountId: patient.id });
    const messenger = recordingMessenger();
    const db = testDb().forClinic(a.clinic.id);
    await sendDeskMessage(db, a.clinic, first.id, { intent: "send-message", token: randomUUID(), channel: "preferred", message: "See you soon" }, { type: "staff", id: a.staff.secretary }, { messenger, env: LINK_ENV });
    await callPanel(appointmentPage, `/panel/appointments/${first.id}`, { ...visitRoute(a, first.id), cookie: a.cookies.secretary, form: { intent: "desk-note", body: "Wheelchair at the door" } });
    const moved = await insertAppointment(a, { patientAccountId: patient.id, rescheduledFromId: first.id });
    await db.tx(async (tx) => {
      const code = (await tx.appointment.findFirstOrThrow({ where: { clinicId: a.clinic.id, id: first.id }, select: { bookingCode: true } })).bookingCode;
      await tx.appointment.update({ where: { clinicId_id: { clinicId: a.clinic.id, id: first.id } }, data: { status: "rescheduled" } });
      await tx.appointment.update({ where: { clinicId_id: { clinicId: a.clinic.id, id: moved.id } }, data: { bookingCode: code } });
    });
    const page = await callPanel<{ messages: { kindWords: string }[]; deskNote: { body: string } | null }>(appointmentPage, `/panel/appointments/${moved.id}`, { ...visitRoute(a, moved.id), cookie: a.cookies.secretary });
    expect(page.data.messages.map((m) => m.kindWords)).toEqual(["Message from the desk"]);
    expect(page.data.deskNote?.body).toBe("Wheelchair at the door");
  });

  test("in the clinic's quiet hours the message waits for the morning, and the desk is told when it goes", async () => {
    await testDb().forClinic(b.clinic.id).tx((tx) => tx.clinic.update({ where: { id: b.clinic.id }, data: { quietHoursStartMin: 21 * 60, quietHoursEndMin: 8 * 60 } }));
    const patient = await insertPatient(b, { emailMessages: false });
    const visit = await insertAppointment(b, { patientAccountId: patient.id });
    const messenger = recordingMessenger();
    const late = localInstant(b.clinic.timeZone, dayIn(b, 0), "23:00");
    const answer = await sendDeskMessage(testDb().forClinic(b.clinic.id), b.clinic, visit.id, { intent: "send-message", token: randomUUID(), channel: "preferred", message: "Your results are in." }, { type: "staff", id: b.staff.secretary }, { messenger, env: LINK_ENV }, late);
    const morning = new Intl.DateTimeFormat("en-GB", { timeZone: b.clinic.timeZone, weekday: "short", day: "numeric", month: "short" }).format(localInstant(b.clinic.timeZone, dayIn(b, 1), "08:00"));
    expect(answer).toEqual({ ok: true, message: `The message is queued: the clinic's quiet hours hold it until ${morning}, 08:00.` });
    expect(messenger.sms).toHaveLength(0);
    const log = await testDb().forClinic(b.clinic.id).tx((tx) => visitMessages(tx, b.clinic.id, visit.id));
    expect(log.map((m) => [m.status, m.sendAfter?.toISOString()])).toEqual([["queued", localInstant(b.clinic.timeZone, dayIn(b, 1), "08:00").toISOString()]]);
  });

  test("the patient's choices apply: SMS turned off is not sent, and the desk is told", async () => {
    const patient = await insertPatient(a, { smsMessages: false, email: null });
    const visit = await insertAppointment(a, { patientAccountId: patient.id });
    const messenger = recordingMessenger();
    const answer = await sendDeskMessage(testDb().forClinic(a.clinic.id), a.clinic, visit.id, { intent: "send-message", token: randomUUID(), channel: "sms", message: "Hello" }, { type: "staff", id: a.staff.secretary }, { messenger, env: LINK_ENV });
    expect(answer.ok).toBe(false);
    expect(answer.message).toMatch(/turned off/);
    expect(messenger.sms).toHaveLength(0);
    const log = await testDb().forClinic(a.clinic.id).tx((tx) => visitMessages(tx, a.clinic.id, visit.id));
    expect(log.map((m) => [m.status, m.problem])).toEqual([["skipped", "The patient has turned off messages by SMS."]]);
  });

  test("a message too long or empty is a form message; another clinic's visit is not found", async () => {
    const visit = await bookVisit(a, a.patientId, 5);
    const long = await callPanel<{ ok: boolean; field: string }>(appointmentPage, `/panel/appointments/${visit}`, { ...visitRoute(a, visit), cookie: a.cookies.secretary, form: { intent: "send-message", token: randomUUID(), channel: "sms", message: "a".repeat(481) } });
    expect([long.status, long.data.field]).toEqual([400, "message"]);
    const empty = await callPanel<{ ok: boolean; field: string }>(appointmentPage, `/panel/appointments/${visit}`, { ...visitRoute(a, visit), cookie: a.cookies.secretary, form: { intent: "send-message", token: randomUUID(), channel: "sms", message: " " } });
    expect(empty.status).toBe(400);
    const otherClinic = await callPanel(appointmentPage, `/panel/appointments/${visit}`, { ...visitRoute(b, visit), cookie: b.cookies.secretary, form: { intent: "send-message", token: randomUUID(), channel: "sms", message: "Hi from B" } });
    expect(otherClinic.status).toBe(404);
    const sent = await testDb().forClinic(a.clinic.id).tx((tx) => tx.messageDelivery.count({ where: { clinicId: a.clinic.id, appointmentId: visit, kind: "desk_message" } }));
    expect(sent).toBe(0);
  });
});

async function clinicName(f: PanelFixture) {
  return (await testDb().forClinic(f.clinic.id).tx((tx) => tx.clinic.findUniqueOrThrow({ where: { id: f.clinic.id }, select: { name: true } }))).name;
}

/** Posts a status report signed the way Twilio signs it (HMAC-SHA1 of the URL and sorted fields). */
async function twilioReports(params: Record<string, string>): Promise<number> {
  const authToken = "twilio-test-token";
  const callbackUrl = "https://medslot.example/api/messages/status";
  const signature = createHmac("sha1", authToken)
    .update(callbackUrl + Object.keys(params).sort().map((k) => k + params[k]).join(""))
    .digest("base64");
  const response = await handleMessageStatus(
    new Request("http://127.0.0.1:3000/api/messages/status", {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded", "X-Twilio-Signature": signature },
      body: new URLSearchParams(params).toString(),
    }),
    { db: testDb(), authToken, callbackUrl },
  );
  return response.status;
}
