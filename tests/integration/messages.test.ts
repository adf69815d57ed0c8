import { createHmac, randomUUID } from "node:crypto";
import { afterAll, describe, expect, test } from "vitest";
import { quietHoursEnd, sendPatientMessage, sendQueuedDelivery } from "~/modules/messaging/notify.server";
import { handleMessageStatus } from "~/modules/messaging/status-callback.server";
import { readMessageSettings, saveMessageSettings } from "~/modules/messaging/settings.server";
import { resetTemplate, saveTemplate } from "~/modules/messaging/templates.server";
import { readMessagePreferences, saveMessagePreferences } from "~/modules/patient-account/message-preferences.server";
import { ValidationError } from "~/utils/errors.server";
import { testDb } from "../support/db";
import { insertAppointment, insertPatient, LINK_ENV, recordingMessenger } from "../support/messages";
import { createScheduleFixture, fictitiousPhone, type ScheduleFixture } from "../support/scheduling";

afterAll(() => testDb().disconnect());

const NY = "America/New_York";
const HOUR = 3_600_000;

/** A clinic whose quiet hours are switched off, unless a test sets them. */
async function clinic(opts: { timeZone?: string; quietHours?: [number, number] | null } = {}) {
  const f = await createScheduleFixture({ timeZone: opts.timeZone ?? NY });
  const [start, end] = opts.quietHours === undefined ? [null, null] : (opts.quietHours ?? [null, null]);
  await testDb()
    .forClinic(f.clinic.id)
    .tx((tx) => tx.clinic.update({ where: { id: f.clinic.id }, data: { quietHoursStartMin: start, quietHoursEndMin: end, name: "Northside Family Practice" } }));
  return f;
}

const deliveriesOf = (f: ScheduleFixture, appointmentId: string) =>
  testDb()
    .forClinic(f.clinic.id)
    .tx((tx) => tx.messageDelivery.findMany({ where: { appointmentId }, orderBy: { channel: "asc" } }));

describe("sendPatientMessage", () => {
  test("a family member's visit: the message goes to the account that manages them, on both channels", async () => {
    const f = await clinic();
    const parent = await insertPatient(f, { firstName: "Maria" });
    const child = await testDb()
      .forClinic(f.clinic.id)
      .tx((tx) => tx.dependent.create({ data: { patientAccountId: parent.id, firstName: "Leo", lastName: "Lopez", relationship: "child" } }));
    const a = await insertAppointment(f, { patientAccountId: parent.id, dependentId: child.id });
    const messenger = recordingMessenger();

    const result = await sendPatientMessage(testDb(), { clinicId: f.clinic.id, kind: "booking_confirmation", appointmentId: a.id, dedupeKey: `t:${a.id}` }, { messenger, env: LINK_ENV });

    expect(result.deferredUntil).toBeNull();
    expect(result.deliveries.map((d) => [d.channel, d.status])).toEqual([
      ["sms", "sent"],
      ["email", "sent"],
    ]);
    expect(messenger.sms).toHaveLength(1);
    expect(messenger.sms[0]!.to).toBe(parent.phone);
    expect(messenger.sms[0]!.body).toContain("Consultation for Leo");
    expect(messenger.sms[0]!.body).toContain("Northside Family Practice");
    expect(messenger.sms[0]!.body).toContain(`https://${f.clinic.slug}.medslot.example/account/appointments/${a.id}`);
    expect(messenger.sms[0]!.statusCallback).toBe("https://medslot.example/api/messages/status");
    expect(messenger.emails[0]).toMatchObject({ to: parent.email, subject: expect.stringContaining("Booked: Consultation") });
    expect(messenger.emails[0]!.text).toContain("Hello Maria");

    const rows = await deliveriesOf(f, a.id);
    expect(rows.map((r) => ({ channel: r.channel, status: r.status, patient: r.patientAccountId, provider: r.provider }))).toEqual([
      { channel: "sms", status: "sent", patient: parent.id, provider: "twilio" },
      { channel: "email", status: "sent", patient: parent.id, provider: "smtp" },
    ]);
  });

  test("the visit's date and time are in the clinic's time zone", async () => {
    const f = await clinic({ timeZone: "Europe/Berlin" });
    const a = await insertAppointment(f, { start: new Date("2027-03-02T08:30:00Z") });
    const messenger = recordingMessenger();
    await sendPatientMessage(testDb(), { clinicId: f.clinic.id, kind: "reminder", appointmentId: a.id, dedupeKey: `t:${a.id}` }, { messenger, env: LINK_ENV });
    expect(messenger.sms[0]!.body).toContain("Tue 2 Mar at 09:30");
  });

  test("channel preferences: SMS off, email off, both off, no email address", async () => {
    const f = await clinic();
    const cases = [
      { prefs: { smsMessages: false }, expected: [["email", "sent"]] },
      { prefs: { emailMessages: false }, expected: [["sms", "sent"]] },
      { prefs: { email: null }, expected: [["sms", "sent"]] },
      { prefs: { smsMessages: false, emailMessages: false }, expected: [["sms", "skipped"]] },
    ] as const;
    for (const c of cases) {
      const patient = await insertPatient(f, c.prefs);
      const a = await insertAppointment(f, { patientAccountId: patient.id });
      const messenger = recordingMessenger();
      const result = await sendPatientMessage(testDb(), { clinicId: f.clinic.id, kind: "reminder", appointmentId: a.id, dedupeKey: `t:${a.id}` }, { messenger, env: LINK_ENV });
      expect(result.deliveries.map((d) => [d.channel, d.status]), JSON.stringify(c.prefs)).toEqual(c.expected);
      expect(messenger.sms.length + messenger.emails.length).toBe(c.expected.filter(([, s]) => s === "sent").length);
    }
  });

  test("the same dedupe key twice sends once and answers with the first call's rows", async () => {
    const f = await clinic();
    const a = await insertAppointment(f);
    const messenger = recordingMessenger();
    const input = { clinicId: f.clinic.id, kind: "reminder" as const, appointmentId: a.id, dedupeKey: `reminder:${a.id}:120` };
    const first = await sendPatientMessage(testDb(), input, { messenger, env: LINK_ENV });
    const again = await Promise.all([sendPatientMessage(testDb(), input, { messenger, env: LINK_ENV }), sendPatientMessage(testDb(), input, { messenger, env: LINK_ENV })]);
    expect(messenger.sms).toHaveLength(1);
    for (const r of again) expect(r.deliveries).toEqual(first.deliveries);
  });

  test("a provider failure is recorded as failed, and the same key never sends again", async () => {
    const f = await clinic();
    const a = await insertAppointment(f);
    const messenger = recordingMessenger();
    messenger.failing = true;
    const input = { clinicId: f.clinic.id, kind: "cancellation" as const, appointmentId: a.id, dedupeKey: `t:${a.id}` };
    const result = await sendPatientMessage(testDb(), input, { messenger, env: LINK_ENV });
    expect(result.deliveries.every((d) => d.status === "failed")).toBe(true);
    messenger.failing = false;
    await sendPatientMessage(testDb(), input, { messenger, env: LINK_ENV });
    expect(messenger.sms).toHaveLength(0);
    expect((await deliveriesOf(f, a.id))[0]!.error).toContain("unreachable");
  });

  test("a clinic's own template is used; saving refuses unknown variables; reset returns to the default", async () => {
    const f = await clinic();
    const by = { actor: { type: "staff" as const, id: randomUUID() } };
    await expect(saveTemplate(testDb().forClinic(f.clinic.id), { kind: "reminder", channel: "sms", body: "See you {{when}}" }, by)).rejects.toBeInstanceOf(ValidationError);
    await saveTemplate(testDb().forClinic(f.clinic.id), { kind: "reminder", channel: "sms", body: "{{clinicName}} expects {{visitFor}} on {{date}} at {{time}}." }, by);
    const patient = await insertPatient(f, { emailMessages: false });
    const a = await insertAppointment(f, { patientAccountId: patient.id });
    const messenger = recordingMessenger();
    await sendPatientMessage(testDb(), { clinicId: f.clinic.id, kind: "reminder", appointmentId: a.id, dedupeKey: `t:${a.id}` }, { messenger, env: LINK_ENV });
    expect(messenger.sms[0]!.body).toMatch(/^Northside Family Practice expects you on .+ at .+\.$/);

    const reset = await resetTemplate(testDb().forClinic(f.clinic.id), { kind: "reminder", channel: "sms" }, by);
    expect(reset.custom).toBe(false);
    expect(reset.body).toContain("Reminder from {{clinicName}}");
  });

  test("marketplace sign-in codes: no clinic, SMS only, visible only in the system scope", async () => {
    const phone = fictitiousPhone();
    const messenger = recordingMessenger();
    const key = `sign-in:${randomUUID()}`;
    const result = await sendPatientMessage(testDb(), { clinicId: null, kind: "sign_in_code", phone, vars: { code: "123456", host: "medslot.example" }, dedupeKey: key }, { messenger, env: LINK_ENV });
    expect(result.deliveries).toEqual([{ id: expect.any(String), channel: "sms", status: "sent" }]);
    expect(messenger.sms[0]!.body).toMatch(/^123456 is your Medslot sign-in code/);
    const id = result.deliveries[0]!.id;
    expect(await testDb().forPlatform().tx((tx) => tx.messageDelivery.count({ where: { id } }))).toBe(0);
    const f = await clinic();
    expect(await testDb().forClinic(f.clinic.id).tx((tx) => tx.messageDelivery.count({ where: { id } }))).toBe(0);
    const row = await testDb().system("test").tx((tx) => tx.messageDelivery.findUniqueOrThrow({ where: { id } }));
    // The code itself is never kept.
    expect(row).toMatchObject({ clinicId: null, recipient: phone, vars: {} });
  });
});

describe("quiet hours", () => {
  test("quietHoursEnd: across midnight, in the clinic's zone, on the day clocks go back (America/New_York 2026-11-01)", () => {
    const [start, end] = [21 * 60, 8 * 60];
    // 19:00 EDT on Oct 31: outside.
    expect(quietHoursEnd(new Date("2026-10-31T23:00:00Z"), NY, start, end)).toBeNull();
    // 23:30 EDT on Oct 31 → 08:00 EST on Nov 1, which is 13:00 UTC (not 12:00: the clocks went back).
    expect(quietHoursEnd(new Date("2026-11-01T03:30:00Z"), NY, start, end)).toEqual(new Date("2026-11-01T13:00:00Z"));
    // 01:30 EST (the second 01:30 of the night) and 07:59 EST: same end.
    expect(quietHoursEnd(new Date("2026-11-01T06:30:00Z"), NY, start, end)).toEqual(new Date("2026-11-01T13:00:00Z"));
    expect(quietHoursEnd(new Date("2026-11-01T12:59:00Z"), NY, start, end)).toEqual(new Date("2026-11-01T13:00:00Z"));
    // 08:00 EST: over.
    expect(quietHoursEnd(new Date("2026-11-01T13:00:00Z"), NY, start, end)).toBeNull();
    // An ordinary winter night: 22:00 EST → 08:00 EST next morning.
    expect(quietHoursEnd(new Date("2026-12-01T03:00:00Z"), NY, start, end)).toEqual(new Date("2026-12-01T13:00:00Z"));
    // Quiet hours within one day (12:00–14:00) and switched off.
    expect(quietHoursEnd(new Date("2026-12-01T17:30:00Z"), NY, 12 * 60, 14 * 60)).toEqual(new Date("2026-12-01T19:00:00Z"));
    expect(quietHoursEnd(new Date("2026-12-01T03:00:00Z"), NY, null, null)).toBeNull();
  });

  test("inside quiet hours the message is queued until they end, and sent then, once", async () => {
    const f = await clinic({ quietHours: [21 * 60, 8 * 60] });
    const now = new Date("2026-11-01T03:30:00Z"); // 23:30 in New York
    const patient = await insertPatient(f);
    const a = await insertAppointment(f, { patientAccountId: patient.id, start: new Date("2026-11-05T15:00:00Z") });
    const messenger = recordingMessenger();
    const result = await sendPatientMessage(testDb(), { clinicId: f.clinic.id, kind: "booking_confirmation", appointmentId: a.id, dedupeKey: `t:${a.id}`, now }, { messenger, env: LINK_ENV });

    expect(result.deferredUntil).toEqual(new Date("2026-11-01T13:00:00Z"));
    expect(result.deliveries.map((d) => d.status)).toEqual(["queued", "queued"]);
    expect(messenger.sms).toHaveLength(0);
    const rows = await deliveriesOf(f, a.id);
    expect(rows.every((r) => r.sendAfter?.toISOString() === "2026-11-01T13:00:00.000Z")).toBe(true);
    const events = await testDb()
      .forClinic(f.clinic.id)
      .tx((tx) => tx.outboxEvent.findMany({ where: { clinicId: f.clinic.id, name: "message.deferred" } }));
    expect(events).toHaveLength(1);
    expect(events[0]!.data).toMatchObject({ deliveryIds: rows.map((r) => r.id), sendAfter: "2026-11-01T13:00:00.000Z" });

    const later = new Date("2026-11-01T13:00:00Z");
    for (const row of rows) await sendQueuedDelivery(testDb(), row.id, { messenger, env: LINK_ENV, now: later, clinicId: f.clinic.id });
    for (const row of rows) await sendQueuedDelivery(testDb(), row.id, { messenger, env: LINK_ENV, now: later });
    expect(messenger.sms).toHaveLength(1);
    expect(messenger.emails).toHaveLength(1);
    expect((await deliveriesOf(f, a.id)).map((r) => r.status)).toEqual(["sent", "sent"]);
  });

  test("the same call again after quiet hours sends the held message once; the deferred send then finds it sent", async () => {
    const f = await clinic({ quietHours: [21 * 60, 8 * 60] });
    const patient = await insertPatient(f, { emailMessages: false });
    const a = await insertAppointment(f, { patientAccountId: patient.id, start: new Date("2026-12-04T15:00:00Z") });
    const messenger = recordingMessenger();
    const input = { clinicId: f.clinic.id, kind: "reminder" as const, appointmentId: a.id, dedupeKey: `reminder:${a.id}:1440` };
    const held = await sendPatientMessage(testDb(), { ...input, now: new Date("2026-12-01T03:00:00Z") }, { messenger, env: LINK_ENV });
    expect(held.deliveries[0]!.status).toBe("queued");
    const morning = new Date("2026-12-01T13:05:00Z");
    const retried = await sendPatientMessage(testDb(), { ...input, now: morning }, { messenger, env: LINK_ENV });
    expect(retried).toEqual({ deliveries: [{ id: held.deliveries[0]!.id, channel: "sms", status: "sent" }], deferredUntil: null });
    expect(await sendQueuedDelivery(testDb(), held.deliveries[0]!.id, { messenger, env: LINK_ENV, now: morning })).toMatchObject({ status: "sent" });
    expect(messenger.sms).toHaveLength(1);
  });

  test("a queued message about a visit cancelled meanwhile is skipped", async () => {
    const f = await clinic({ quietHours: [21 * 60, 8 * 60] });
    const now = new Date("2026-12-01T03:00:00Z");
    const a = await insertAppointment(f, { start: new Date("2026-12-04T15:00:00Z") });
    const messenger = recordingMessenger();
    const result = await sendPatientMessage(testDb(), { clinicId: f.clinic.id, kind: "reminder", appointmentId: a.id, dedupeKey: `t:${a.id}`, now }, { messenger, env: LINK_ENV });
    await testDb()
      .forClinic(f.clinic.id)
      .tx((tx) => tx.appointment.update({ where: { clinicId_id: { clinicId: f.clinic.id, id: a.id } }, data: { status: "cancelled", cancellationReason: "patient_request", cancelledAt: new Date() } }));
    for (const d of result.deliveries) expect(await sendQueuedDelivery(testDb(), d.id, { messenger, env: LINK_ENV })).toMatchObject({ status: "skipped" });
    expect(messenger.sms).toHaveLength(0);
  });

  test("sign-in codes ignore quiet hours and preferences; a visit that starts before quiet hours end is not held back", async () => {
    const f = await clinic({ quietHours: [21 * 60, 8 * 60] });
    const night = new Date("2026-12-01T03:00:00Z");
    const patient = await insertPatient(f, { smsMessages: false, emailMessages: false });
    const messenger = recordingMessenger();
    const code = await sendPatientMessage(
      testDb(),
      { clinicId: f.clinic.id, kind: "sign_in_code", phone: patient.phone, vars: { code: "654321", host: "x" }, dedupeKey: `sign-in:${randomUUID()}`, now: night },
      { messenger, env: LINK_ENV },
    );
    expect(code).toMatchObject({ deferredUntil: null, deliveries: [{ channel: "sms", status: "sent" }] });

    const early = await insertAppointment(f, { start: new Date(night.getTime() + 4 * HOUR) });
    const reminder = await sendPatientMessage(testDb(), { clinicId: f.clinic.id, kind: "reminder", appointmentId: early.id, dedupeKey: `t:${early.id}`, now: night }, { messenger, env: LINK_ENV });
    expect(reminder.deferredUntil).toBeNull();
    expect(reminder.deliveries[0]!.status).toBe("sent");
  });
});

describe("Twilio status callback", () => {
  const authToken = "twilio-test-token";
  const callbackUrl = "https://medslot.example/api/messages/status";
  const sign = (url: string, params: Record<string, string>) =>
    createHmac("sha1", authToken)
      .update(url + Object.keys(params).sort().map((k) => k + params[k]).join(""))
      .digest("base64");
  const post = (params: Record<string, string>, signature = sign(callbackUrl, params)) =>
    handleMessageStatus(
      new Request("http://127.0.0.1:3000/api/messages/status", {
        method: "POST",
        headers: { "Content-Type": "application/x-www-form-urlencoded", "X-Twilio-Signature": signature },
        body: new URLSearchParams(params).toString(),
      }),
      { db: testDb(), authToken, callbackUrl },
    );

  async function sentSms() {
    const f = await clinic();
    const patient = await insertPatient(f, { emailMessages: false });
    const a = await insertAppointment(f, { patientAccountId: patient.id });
    await sendPatientMessage(testDb(), { clinicId: f.clinic.id, kind: "reminder", appointmentId: a.id, dedupeKey: `t:${a.id}` }, { messenger: recordingMessenger(), env: LINK_ENV });
    const [row] = await deliveriesOf(f, a.id);
    return { f, a, sid: row!.providerRef! };
  }
  const statusOf = async (f: ScheduleFixture, appointmentId: string) => (await deliveriesOf(f, appointmentId))[0]!.status;

  test("a wrong or missing signature is a 403 problem document and changes nothing", async () => {
    const { f, a, sid } = await sentSms();
    const params = { MessageSid: sid, MessageStatus: "delivered" };
    for (const signature of ["", sign(callbackUrl, { ...params, MessageStatus: "failed" }), "bm90LWEtc2lnbmF0dXJl"]) {
      const response = await post(params, signature);
      expect(response.status).toBe(403);
      expect(response.headers.get("content-type")).toBe("application/problem+json");
      expect(await response.json()).toMatchObject({ status: 403, title: "Invalid signature" });
    }
    expect(await statusOf(f, a.id)).toBe("sent");
  });

  test("sent → delivered; replays and late reports change nothing; an unknown message is harmless", async () => {
    const { f, a, sid } = await sentSms();
    expect((await post({ MessageSid: sid, MessageStatus: "queued" })).status).toBe(204);
    expect(await statusOf(f, a.id)).toBe("sent");
    expect((await post({ MessageSid: sid, MessageStatus: "delivered" })).status).toBe(204);
    expect(await statusOf(f, a.id)).toBe("delivered");
    // Replayed, out of order, or a contradicting late report: still delivered.
    for (const status of ["delivered", "sent", "sending", "undelivered"]) await post({ MessageSid: sid, MessageStatus: status });
    expect(await statusOf(f, a.id)).toBe("delivered");
    expect((await deliveriesOf(f, a.id))[0]!.deliveredAt).not.toBeNull();
    expect((await post({ MessageSid: `SM${"0".repeat(32)}`, MessageStatus: "delivered" })).status).toBe(204);
  });

  test("undelivered becomes failed, with Twilio's error code", async () => {
    const { f, a, sid } = await sentSms();
    await post({ MessageSid: sid, MessageStatus: "undelivered", ErrorCode: "30003" });
    const [row] = await deliveriesOf(f, a.id);
    expect(row).toMatchObject({ status: "failed", error: "Twilio error 30003" });
  });
});

describe("message preferences", () => {
  test("saved from the form in one transaction with an audit entry; a bad value saves nothing", async () => {
    const f = await clinic();
    const patient = await insertPatient(f);
    const scope = testDb().forClinic(f.clinic.id);
    await saveMessagePreferences(scope, testDb(), patient.id, { smsMessages: "on" }, null);
    expect(await readMessagePreferences(scope, testDb(), patient.id)).toEqual({ smsMessages: true, emailMessages: false, hasEmail: true });
    await expect(saveMessagePreferences(scope, testDb(), patient.id, { smsMessages: "maybe", emailMessages: "on" }, null)).rejects.toBeInstanceOf(ValidationError);
    expect(await readMessagePreferences(scope, testDb(), patient.id)).toMatchObject({ smsMessages: true, emailMessages: false });
    const audit = await testDb()
      .forClinic(f.clinic.id)
      .tx((tx) => tx.auditEvent.findMany({ where: { clinicId: f.clinic.id, action: "patient.message_preferences_updated", targetId: patient.id } }));
    expect(audit).toHaveLength(1);
    expect(audit[0]!.details).toEqual({ smsMessages: true, emailMessages: false });
  });
});

describe("clinic message settings", () => {
  test("quiet hours and reminder times are saved; bad input is refused with field errors", async () => {
    const f = await clinic();
    const by = { actor: { type: "staff" as const, id: randomUUID() } };
    expect(await saveMessageSettings(testDb().forClinic(f.clinic.id), { quietHoursStart: "22:00", quietHoursEnd: "07:30", reminderOffsetsMin: [120, 2880, 120] }, by)).toEqual({
      quietHours: { startMin: 1320, endMin: 450 },
      reminderOffsetsMin: [2880, 120],
    });
    expect(await readMessageSettings(testDb().forClinic(f.clinic.id))).toEqual({ quietHours: { startMin: 1320, endMin: 450 }, reminderOffsetsMin: [2880, 120] });
    expect((await saveMessageSettings(testDb().forClinic(f.clinic.id), { quietHoursStart: "", quietHoursEnd: "", reminderOffsetsMin: [] }, by)).quietHours).toBeNull();
    for (const bad of [
      { quietHoursStart: "22:00", quietHoursEnd: "", reminderOffsetsMin: [120] },
      { quietHoursStart: "25:00", quietHoursEnd: "07:00", reminderOffsetsMin: [120] },
      { quietHoursStart: null, quietHoursEnd: null, reminderOffsetsMin: [0] },
      { quietHoursStart: null, quietHoursEnd: null, reminderOffsetsMin: [1, 2, 3, 4, 5, 6] },
    ]) {
      await expect(saveMessageSettings(testDb().forClinic(f.clinic.id), bad, by)).rejects.toBeInstanceOf(ValidationError);
    }
  });
});
