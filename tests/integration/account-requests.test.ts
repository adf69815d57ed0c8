/**
 * Flexible-schedule requests from the patient's account, against real PostgreSQL: sending one from
 * the form, the form's validation messages, accepting a proposed time (an appointment is booked),
 * a proposal whose time was taken meanwhile, declining, withdrawing, and another patient's request
 * being out of reach.
 */
import { afterAll, describe, expect, test } from "vitest";
import { formatDateTime } from "~/lib/format";
import type { AccountClinic } from "~/modules/patient-account/appointments.server";
import { addDependent, removeDependent } from "~/modules/patient-account/family.server";
import { accountRequests, answerRequest, requestForm, requestOptions, sendRequest, type RequestFormInput } from "~/modules/patient-account/requests.server";
import type { Actor } from "~/lib/actor";
import { bookAppointment, getAppointment } from "~/modules/scheduling/booking.server";
import { getFlexibleRequest, proposeTime } from "~/modules/scheduling/flexible-requests.server";
import { addDays, utcToZoned } from "~/lib/zoned-time";
import type { Tx } from "~/utils/db.server";
import { testDb } from "../support/db";
import { createScheduleFixture, localInstant, type ScheduleFixture } from "../support/scheduling";

afterAll(() => testDb().disconnect());

const desk = (f: ScheduleFixture): Actor => ({ type: "staff", id: f.doctorIds[0]! });
const clinicOf = (f: ScheduleFixture): AccountClinic & { name: string } => ({ ...f.clinic, name: "Test Clinic", contactPhone: "(212) 555-0100" });
const inClinic = <T>(f: ScheduleFixture, work: (tx: Tx) => Promise<T>) => testDb().forClinic(f.clinic.id).tx(work);

function day(f: ScheduleFixture, days: number) {
  return addDays(utcToZoned(new Date(), f.clinic.timeZone).date, days);
}

function form(input: Partial<RequestFormInput>) {
  return requestForm.safeParse({ intent: "send", ...input });
}

async function send(f: ScheduleFixture, input: Partial<RequestFormInput>, patientId = f.patientId) {
  const parsed = form({ service: f.serviceId, ...input });
  if (!parsed.success) throw new Error(JSON.stringify(parsed.error.issues));
  const sent = await sendRequest(testDb().forClinic(f.clinic.id), clinicOf(f), patientId, parsed.data, null);
  if (!sent.ok) throw new Error(sent.message);
  return sent.requestId;
}

const propose = (f: ScheduleFixture, requestId: string, start: Date) =>
  inClinic(f, (tx) => proposeTime(tx, f.clinic, { requestId, start, practitionerId: f.doctorIds[0]!, locationId: f.locationId }, desk(f)));

const audits = (f: ScheduleFixture, action: string) => inClinic(f, (tx) => tx.auditEvent.findMany({ where: { clinicId: f.clinic.id, action } }));

describe("sending a flexible request", () => {
  test("the form offers the account's family members, not one who was removed", async () => {
    const f = await createScheduleFixture();
    const db = testDb().forClinic(f.clinic.id);
    const kept = await addDependent(db, testDb(), f.patientId, { firstName: "Mia", lastName: "Kept", relationship: "child", dateOfBirth: "2019-03-14" }, null);
    const gone = await addDependent(db, testDb(), f.patientId, { firstName: "Noah", lastName: "Gone", relationship: "child", dateOfBirth: "2017-06-02" }, null);
    expect((await removeDependent(db, testDb(), f.patientId, gone.id, null)).ok).toBe(true);
    const options = await requestOptions(db, clinicOf(f), f.patientId);
    expect(options.family).toEqual([{ id: kept.id, name: "Mia Kept" }]);
  });

  test("a valid form creates an open request shown in plain words, and the send and the view are audited", async () => {
    const f = await createScheduleFixture({ doctors: 2 });
    const id = await send(f, { day2: "on", day4: "on", from: "08:00", to: "12:00", earliest: day(f, 3), latest: day(f, 30), doctor: f.doctorIds[1], note: "Mornings before work" });
    const stored = await inClinic(f, (tx) => getFlexibleRequest(tx, f.clinic, id));
    expect(stored).toMatchObject({ status: "open", preferredWeekdays: [2, 4], preferredFrom: "08:00", preferredTo: "12:00", practitionerId: f.doctorIds[1], locationId: null, note: "Mornings before work" });

    const list = await accountRequests(testDb().forClinic(f.clinic.id), clinicOf(f), f.patientId, null);
    expect(list).toHaveLength(1);
    expect(list[0]).toMatchObject({ id, serviceName: "Consultation", status: "Waiting for the clinic to find a time", canWithdraw: true, proposal: null });
    expect(list[0]!.wishes).toEqual(expect.arrayContaining(["Tuesday, Thursday", "Between 8:00 AM and 12:00 PM", "With Dr. Test 2", "Any location"]));
    expect(await audits(f, "patient.flexible_request_sent")).toHaveLength(1);
    expect((await audits(f, "patient.flexible_requests_viewed"))[0]).toMatchObject({ actorType: "patient", actorId: f.patientId });
  });

  test("bad input gets a clear message on the right field and nothing is saved", async () => {
    const f = await createScheduleFixture({ doctors: 1 });
    const noService = form({});
    expect(noService.success).toBe(false);
    expect(noService.error?.issues[0]).toMatchObject({ path: ["service"], message: "Choose what the visit is for." });
    const backwards = form({ service: f.serviceId, from: "14:00", to: "09:00", earliest: day(f, 10), latest: day(f, 2) });
    expect(backwards.error?.issues.map((i) => [i.path[0], i.message])).toEqual([
      ["to", "The end of the time of day must be later than its start."],
      ["latest", "The latest date must not be before the earliest date."],
    ]);
    expect(form({ service: f.serviceId, earliest: "2026-02-30" }).error?.issues[0]).toMatchObject({ path: ["earliest"], message: "Enter a date such as 2026-12-01." });

    // Checks only the clinic can make: a doctor who does not offer the service, a date gone by.
    const stranger = form({ service: f.serviceId, doctor: "00000000-0000-4000-8000-0000000000aa" });
    const refused = await sendRequest(testDb().forClinic(f.clinic.id), clinicOf(f), f.patientId, stranger.data!, null);
    expect(refused).toMatchObject({ ok: false, errors: { doctor: expect.stringContaining("does not offer this service") } });
    const past = await sendRequest(testDb().forClinic(f.clinic.id), clinicOf(f), f.patientId, form({ service: f.serviceId, latest: day(f, -1) }).data!, null);
    expect(past).toMatchObject({ ok: false, errors: { latest: "The latest date has already passed." } });
    expect(await accountRequests(testDb().forClinic(f.clinic.id), clinicOf(f), f.patientId, null)).toEqual([]);
  });
});

describe("answering the clinic", () => {
  test("accepting a proposal books the appointment; the request shows it as booked", async () => {
    const f = await createScheduleFixture({ doctors: 1 });
    const id = await send(f, {});
    const start = localInstant(f.clinic.timeZone, day(f, 5), "11:00");
    await propose(f, id, start);
    const [shown] = await accountRequests(testDb().forClinic(f.clinic.id), clinicOf(f), f.patientId, null);
    expect(shown!.status).toMatch(new RegExp(`^The clinic proposes ${formatDateTime(start, f.clinic.timeZone)}: accept or decline until `));
    expect(shown!.proposal).toMatchObject({ when: formatDateTime(start, f.clinic.timeZone), doctorName: "Dr. Test 1", locationName: "Main site" });

    const answer = await answerRequest(testDb().forClinic(f.clinic.id), clinicOf(f), f.patientId, { intent: "accept", requestId: id }, null);
    expect(answer.ok).toBe(true);
    if (!answer.ok) return;
    const booked = await inClinic(f, (tx) => getAppointment(tx, f.clinic, answer.appointmentId!));
    expect(booked).toMatchObject({ status: "confirmed", patient: { id: f.patientId }, practitionerId: f.doctorIds[0] });
    expect(booked.start).toEqual(start);
    const [after] = await accountRequests(testDb().forClinic(f.clinic.id), clinicOf(f), f.patientId, null);
    expect(after).toMatchObject({ status: `Booked for ${formatDateTime(start, f.clinic.timeZone)}`, appointmentId: booked.id, canWithdraw: false, proposal: null });
    expect(await audits(f, "patient.flexible_request_accepted")).toHaveLength(1);
  });

  test("a proposed time someone else booked meanwhile: the patient is told and nothing changes", async () => {
    const f = await createScheduleFixture({ doctors: 1 });
    const id = await send(f, {});
    const start = localInstant(f.clinic.timeZone, day(f, 5), "11:00");
    await propose(f, id, start);
    const other = await f.newPatient();
    await inClinic(f, (tx) => bookAppointment(tx, f.clinic, { serviceId: f.serviceId, practitionerId: f.doctorIds[0]!, start, patient: { patientAccountId: other }, channel: "staff" }, desk(f)));
    const answer = await answerRequest(testDb().forClinic(f.clinic.id), clinicOf(f), f.patientId, { intent: "accept", requestId: id }, null);
    expect(answer).toEqual({ ok: false, message: expect.stringContaining("this time is no longer free") });
    expect(await inClinic(f, (tx) => getFlexibleRequest(tx, f.clinic, id))).toMatchObject({ status: "proposed", appointmentId: null });
  });

  test("declining ends the desk's proposal; an open request can be withdrawn", async () => {
    const f = await createScheduleFixture({ doctors: 1 });
    const proposed = await send(f, {});
    await propose(f, proposed, localInstant(f.clinic.timeZone, day(f, 6), "10:00"));
    expect(await answerRequest(testDb().forClinic(f.clinic.id), clinicOf(f), f.patientId, { intent: "decline", requestId: proposed }, null)).toMatchObject({ ok: true });
    expect((await inClinic(f, (tx) => getFlexibleRequest(tx, f.clinic, proposed))).status).toBe("declined");

    const open = await send(f, { day1: "on" });
    expect(await answerRequest(testDb().forClinic(f.clinic.id), clinicOf(f), f.patientId, { intent: "withdraw", requestId: open }, null)).toEqual({ ok: true, message: "Your request is withdrawn." });
    const list = await accountRequests(testDb().forClinic(f.clinic.id), clinicOf(f), f.patientId, null);
    expect(Object.fromEntries(list.map((r) => [r.id, r.status]))).toEqual({ [proposed]: "Declined: you said no to the proposed time", [open]: "Withdrawn" });
    // Nothing left to answer: a second decline is refused with the reason.
    expect(await answerRequest(testDb().forClinic(f.clinic.id), clinicOf(f), f.patientId, { intent: "decline", requestId: proposed }, null)).toMatchObject({ ok: false, message: expect.stringContaining("declined") });
  });

  test("another patient cannot see, accept, decline or withdraw someone's request", async () => {
    const f = await createScheduleFixture({ doctors: 1 });
    const id = await send(f, {});
    await propose(f, id, localInstant(f.clinic.timeZone, day(f, 5), "11:00"));
    const intruder = await f.newPatient();
    expect(await accountRequests(testDb().forClinic(f.clinic.id), clinicOf(f), intruder, null)).toEqual([]);
    for (const intent of ["accept", "decline", "withdraw"] as const) {
      expect(await answerRequest(testDb().forClinic(f.clinic.id), clinicOf(f), intruder, { intent, requestId: id }, null)).toEqual({ ok: false, message: "We could not find this request among yours." });
    }
    expect(await inClinic(f, (tx) => getFlexibleRequest(tx, f.clinic, id))).toMatchObject({ status: "proposed", appointmentId: null });
  });
});
