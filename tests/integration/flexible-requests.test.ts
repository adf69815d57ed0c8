import { randomUUID } from "node:crypto";
import { afterAll, describe, expect, test } from "vitest";
import type { Actor } from "~/lib/actor";
import { bookAppointment, SlotTakenError } from "~/modules/scheduling/booking.server";
import {
  cancelFlexibleRequest,
  createFlexibleRequest,
  declineProposal,
  expireOffers,
  getFlexibleRequest,
  listFlexibleRequests,
  MAX_OPEN_REQUESTS_PER_PATIENT,
  offerFreedTime,
  proposeTime,
  type FlexibleRequestInput,
  type FlexibleRequestRecord,
} from "~/modules/scheduling/flexible-requests.server";
import { acceptProposal } from "~/modules/scheduling/flexible-acceptance.server";
import { addDays, utcToZoned, weekdayOf } from "~/lib/zoned-time";
import { WEEKDAYS } from "~/modules/tenancy/opening-hours";
import type { Tx } from "~/utils/db.server";
import { ConflictError, ForbiddenError, NotFoundError, ValidationError } from "~/utils/errors.server";
import { testDb } from "../support/db";
import { createScheduleFixture, localInstant, type ScheduleFixture } from "../support/scheduling";

afterAll(() => testDb().disconnect());

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

/** A clinic whose doctors work 09:00–17:00 every day, and a day a week ahead to plan on. */
async function setup() {
  const f = await createScheduleFixture();
  const tz = f.clinic.timeZone;
  const day = addDays(utcToZoned(new Date(), tz).date, 7);
  const isoWeekday = WEEKDAYS.indexOf(weekdayOf(day)) + 1;
  return { f, day, isoWeekday, at: (hhmm: string) => localInstant(tz, day, hhmm) };
}

const inClinic = <T>(f: ScheduleFixture, fn: (tx: Tx) => Promise<T>) => testDb().forClinic(f.clinic.id).tx(fn);
const patient = (id: string): Actor => ({ type: "patient", id });
const desk = (f: ScheduleFixture): Actor => ({ type: "staff", id: f.doctorIds[0]! });

async function caught(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error("expected the call to fail");
}

async function fieldErrorsOf(promise: Promise<unknown>) {
  const error = await caught(promise);
  expect(error).toBeInstanceOf(ValidationError);
  return (error as ValidationError).errors.map((e) => e.path);
}

/** A request by a new patient of the clinic, so tests never run into the per-patient limit. */
async function requestBy(f: ScheduleFixture, input: Partial<FlexibleRequestInput> = {}) {
  const patientAccountId = input.patientAccountId ?? (await f.newPatient());
  // Separate transactions a moment apart, so "oldest first" is unambiguous.
  await new Promise((resolve) => setTimeout(resolve, 3));
  return inClinic(f, (tx) => createFlexibleRequest(tx, f.clinic, { serviceId: f.serviceId, ...input, patientAccountId }, patient(patientAccountId)));
}

async function eventsOf(f: ScheduleFixture, requestId?: string) {
  const rows = await inClinic(f, (tx) => tx.outboxEvent.findMany({ where: { clinicId: f.clinic.id, name: { startsWith: "flexible_request." } }, orderBy: { createdAt: "asc" } }));
  return rows.filter((r) => !requestId || (r.data as { requestId?: string }).requestId === requestId);
}

describe("creating a flexible request", () => {
  test("a patient's request is stored open with its preferences and announced", async () => {
    const { f, day } = await setup();
    const r = await requestBy(f, {
      patientAccountId: f.patientId,
      practitionerId: f.doctorIds[0],
      locationId: f.locationId,
      preferredWeekdays: [3, 1, 1],
      preferredFrom: "09:00",
      preferredTo: "12:30",
      earliestDate: day,
      note: "  Mornings suit me best  ",
    });
    expect(r).toMatchObject({
      status: "open",
      patient: { id: f.patientId },
      dependent: null,
      serviceId: f.serviceId,
      serviceName: "Consultation",
      practitionerId: f.doctorIds[0],
      locationId: f.locationId,
      preferredWeekdays: [1, 3],
      preferredFrom: "09:00",
      preferredTo: "12:30",
      earliestDate: day,
      latestDate: null,
      note: "Mornings suit me best",
      proposal: null,
      appointmentId: null,
    });
    const events = await eventsOf(f, r.id);
    expect(events.map((e) => e.name)).toEqual(["flexible_request.created"]);
    expect(events[0]!.data).toMatchObject({ requestId: r.id, status: "open", patientAccountId: f.patientId, serviceId: f.serviceId });
    // Patients' own requests are not desk actions.
    expect(await inClinic(f, (tx) => tx.auditEvent.count({ where: { clinicId: f.clinic.id, action: "flexible_request.created" } }))).toBe(0);

    const afternoon = await requestBy(f, { patientAccountId: f.patientId, preferredFrom: "14:00" });
    expect([afternoon.preferredFrom, afternoon.preferredTo]).toEqual(["14:00", "24:00"]);
  });

  test("the desk can take a request down for a family member, and that is audited", async () => {
    const { f } = await setup();
    const dependent = await inClinic(f, (tx) => tx.dependent.create({ data: { patientAccountId: f.patientId, firstName: "Kid", lastName: "Ient", relationship: "child" } }));
    const r = await inClinic(f, (tx) => createFlexibleRequest(tx, f.clinic, { patientAccountId: f.patientId, dependentId: dependent.id, serviceId: f.serviceId }, desk(f)));
    expect(r.dependent).toMatchObject({ id: dependent.id, firstName: "Kid", relationship: "child" });
    const audit = await inClinic(f, (tx) => tx.auditEvent.findMany({ where: { clinicId: f.clinic.id, action: "flexible_request.created" } }));
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ actorType: "staff", actorId: f.doctorIds[0], targetType: "flexible_request", targetId: r.id });
  });

  test("refuses a bad weekday, an empty time window, an unknown service and someone else's family member", async () => {
    const { f } = await setup();
    const create = (input: Partial<FlexibleRequestInput>) =>
      inClinic(f, (tx) => createFlexibleRequest(tx, f.clinic, { patientAccountId: f.patientId, serviceId: f.serviceId, ...input }, patient(f.patientId)));

    expect(await fieldErrorsOf(create({ preferredWeekdays: [1, 8] }))).toEqual(["preferredWeekdays.1"]);
    expect(await fieldErrorsOf(create({ preferredWeekdays: [0] }))).toEqual(["preferredWeekdays.0"]);
    expect(await fieldErrorsOf(create({ preferredFrom: "12:00", preferredTo: "12:00" }))).toEqual(["preferredTo"]);
    expect(await fieldErrorsOf(create({ preferredFrom: "15:00", preferredTo: "09:00" }))).toEqual(["preferredTo"]);
    expect(await fieldErrorsOf(create({ preferredFrom: "9:00" }))).toEqual(["preferredFrom"]);
    expect(await fieldErrorsOf(create({ earliestDate: "2030-02-10", latestDate: "2030-02-01" }))).toEqual(["latestDate"]);
    expect(await fieldErrorsOf(create({ latestDate: "2020-01-01" }))).toEqual(["latestDate"]);
    expect(await fieldErrorsOf(create({ serviceId: randomUUID() }))).toEqual(["serviceId"]);
    expect(await fieldErrorsOf(create({ practitionerId: randomUUID() }))).toEqual(["practitionerId"]);

    const stranger = await f.newPatient();
    const theirs = await inClinic(f, (tx) => tx.dependent.create({ data: { patientAccountId: stranger, firstName: "Not", lastName: "Yours", relationship: "child" } }));
    expect(await fieldErrorsOf(create({ dependentId: theirs.id }))).toEqual(["dependentId"]);

    // A patient asks only for themselves.
    expect(await caught(inClinic(f, (tx) => createFlexibleRequest(tx, f.clinic, { patientAccountId: stranger, serviceId: f.serviceId }, patient(f.patientId))))).toBeInstanceOf(ForbiddenError);
    expect(await inClinic(f, (tx) => listFlexibleRequests(tx, f.clinic))).toEqual([]);
  });

  test(`a patient has at most ${MAX_OPEN_REQUESTS_PER_PATIENT} open requests at a clinic`, async () => {
    const { f } = await setup();
    const mine: FlexibleRequestRecord[] = [];
    for (let i = 0; i < MAX_OPEN_REQUESTS_PER_PATIENT; i++) mine.push(await requestBy(f, { patientAccountId: f.patientId }));
    expect(await caught(requestBy(f, { patientAccountId: f.patientId }))).toBeInstanceOf(ConflictError);
    // Another patient is not affected, and withdrawing one makes room again.
    await requestBy(f);
    await inClinic(f, (tx) => cancelFlexibleRequest(tx, f.clinic, { requestId: mine[0]!.id }, patient(f.patientId)));
    await requestBy(f, { patientAccountId: f.patientId });
    const list = await inClinic(f, (tx) => listFlexibleRequests(tx, f.clinic, { patientAccountId: f.patientId }));
    expect(list.map((r) => r.status).sort()).toEqual(["cancelled", "open", "open", "open", "open", "open"]);
    expect(await inClinic(f, (tx) => listFlexibleRequests(tx, f.clinic, { status: "cancelled" }))).toHaveLength(1);
  });
});

describe("the desk proposes a time", () => {
  test("a free time is proposed, audited and announced", async () => {
    const { f, at } = await setup();
    const r = await requestBy(f, { patientAccountId: f.patientId });
    const now = new Date();
    const { request, releasedOffer } = await inClinic(f, (tx) => proposeTime(tx, f.clinic, { requestId: r.id, start: at("10:00"), practitionerId: f.doctorIds[0]! }, desk(f), now));
    expect(releasedOffer).toBeNull();
    expect(request.status).toBe("proposed");
    expect(request.proposal).toEqual({
      kind: "proposal",
      start: at("10:00"),
      end: at("10:30"),
      practitionerId: f.doctorIds[0],
      locationId: f.locationId,
      expiresAt: new Date(now.getTime() + 48 * HOUR),
      by: `staff:${f.doctorIds[0]}`,
    });
    const audit = await inClinic(f, (tx) => tx.auditEvent.findMany({ where: { clinicId: f.clinic.id, action: "flexible_request.proposed" } }));
    expect(audit).toHaveLength(1);
    expect(audit[0]!.targetId).toBe(r.id);
    const events = await eventsOf(f, r.id);
    expect(events.map((e) => e.name)).toEqual(["flexible_request.created", "flexible_request.proposed"]);
    expect(events[1]!.data).toMatchObject({ status: "proposed", proposal: { kind: "proposal", start: at("10:00").toISOString(), localStart: expect.stringMatching(/T10:00:00-0[45]:00$/) } });

    // A proposal never outlives the proposed time itself.
    const soon = await inClinic(f, (tx) => proposeTime(tx, f.clinic, { requestId: r.id, start: at("11:00"), practitionerId: f.doctorIds[1]!, expiresInHours: 24 * 14 }, desk(f), now));
    expect(soon.request.proposal).toMatchObject({ start: at("11:00"), practitionerId: f.doctorIds[1], expiresAt: at("11:00") });
  });

  test("a taken time, a time outside working hours and a patient proposing are refused", async () => {
    const { f, at } = await setup();
    const r = await requestBy(f, { patientAccountId: f.patientId });
    const other = await f.newPatient();
    await inClinic(f, (tx) =>
      bookAppointment(tx, f.clinic, { serviceId: f.serviceId, practitionerId: f.doctorIds[0]!, start: at("10:00"), locationId: f.locationId, patient: { patientAccountId: other }, channel: "staff" }, desk(f)),
    );
    const propose = (start: Date, actor = desk(f)) => inClinic(f, (tx) => proposeTime(tx, f.clinic, { requestId: r.id, start, practitionerId: f.doctorIds[0]! }, actor));

    expect(await caught(propose(at("10:00")))).toBeInstanceOf(SlotTakenError);
    expect(await fieldErrorsOf(propose(at("20:00")))).toEqual(["start"]);
    expect(await fieldErrorsOf(propose(at("10:10")))).toEqual(["start"]);
    expect(await caught(propose(at("10:30"), patient(f.patientId)))).toBeInstanceOf(ForbiddenError);
    expect(await caught(inClinic(f, (tx) => proposeTime(tx, f.clinic, { requestId: randomUUID(), start: at("10:30"), practitionerId: f.doctorIds[0]! }, desk(f))))).toBeInstanceOf(NotFoundError);
    expect((await inClinic(f, (tx) => getFlexibleRequest(tx, f.clinic, r.id))).status).toBe("open");

    // One time is put to one patient at a time.
    const second = await requestBy(f);
    await propose(at("10:30"));
    const clash = await caught(inClinic(f, (tx) => proposeTime(tx, f.clinic, { requestId: second.id, start: at("10:30"), practitionerId: f.doctorIds[0]! }, desk(f))));
    expect(clash).toBeInstanceOf(ConflictError);
    expect((clash as ConflictError).detail).toMatch(/already proposed or offered/);
  });
});

describe("the patient answers", () => {
  async function proposed() {
    const s = await setup();
    const r = await requestBy(s.f, { patientAccountId: s.f.patientId });
    const now = new Date();
    await inClinic(s.f, (tx) => proposeTime(tx, s.f.clinic, { requestId: r.id, start: s.at("14:00"), practitionerId: s.f.doctorIds[1]! }, desk(s.f), now));
    return { ...s, r, now };
  }

  test("accepting books the time and closes the request", async () => {
    const { f, at, r } = await proposed();
    const { request, appointment } = await inClinic(f, (tx) => acceptProposal(tx, f.clinic, { requestId: r.id }, patient(f.patientId)));
    expect(request).toMatchObject({ status: "accepted", appointmentId: appointment.id });
    expect(appointment).toMatchObject({ status: "confirmed", start: at("14:00"), practitionerId: f.doctorIds[1], locationId: f.locationId, channel: "clinic_site", patient: { id: f.patientId } });
    const stored = await inClinic(f, (tx) => tx.appointment.findUniqueOrThrow({ where: { clinicId_id: { clinicId: f.clinic.id, id: appointment.id } } }));
    expect(stored.status).toBe("confirmed");
    const names = (await inClinic(f, (tx) => tx.outboxEvent.findMany({ where: { clinicId: f.clinic.id }, orderBy: { createdAt: "asc" } }))).map((e) => e.name);
    expect(names).toEqual(expect.arrayContaining(["appointment.booked", "flexible_request.accepted"]));
    // Accepting twice does not book twice.
    expect(await caught(inClinic(f, (tx) => acceptProposal(tx, f.clinic, { requestId: r.id }, patient(f.patientId))))).toBeInstanceOf(ConflictError);
  });

  test("an expired proposal cannot be accepted", async () => {
    const { f, r, now } = await proposed();
    const later = new Date(now.getTime() + 48 * HOUR);
    const error = await caught(inClinic(f, (tx) => acceptProposal(tx, f.clinic, { requestId: r.id }, patient(f.patientId), later)));
    expect(error).toBeInstanceOf(ConflictError);
    expect((error as ConflictError).detail).toMatch(/expired/);
    expect(await inClinic(f, (tx) => tx.appointment.count({ where: { clinicId: f.clinic.id } }))).toBe(0);
  });

  test("another patient's request is not found, and the desk does not accept for the patient", async () => {
    const { f, r } = await proposed();
    const stranger = await f.newPatient();
    expect(await caught(inClinic(f, (tx) => acceptProposal(tx, f.clinic, { requestId: r.id }, patient(stranger))))).toBeInstanceOf(NotFoundError);
    expect(await caught(inClinic(f, (tx) => declineProposal(tx, f.clinic, { requestId: r.id }, patient(stranger))))).toBeInstanceOf(NotFoundError);
    expect(await caught(inClinic(f, (tx) => cancelFlexibleRequest(tx, f.clinic, { requestId: r.id }, patient(stranger))))).toBeInstanceOf(NotFoundError);
    expect(await caught(inClinic(f, (tx) => acceptProposal(tx, f.clinic, { requestId: "not-an-id" }, patient(f.patientId))))).toBeInstanceOf(NotFoundError);
    expect(await caught(inClinic(f, (tx) => acceptProposal(tx, f.clinic, { requestId: r.id }, desk(f))))).toBeInstanceOf(ForbiddenError);
    expect((await inClinic(f, (tx) => getFlexibleRequest(tx, f.clinic, r.id))).status).toBe("proposed");
  });

  test("a time taken meanwhile fails with SlotTakenError and leaves the request as it was", async () => {
    const { f, at, r } = await proposed();
    const other = await f.newPatient();
    await inClinic(f, (tx) =>
      bookAppointment(tx, f.clinic, { serviceId: f.serviceId, practitionerId: f.doctorIds[1]!, start: at("14:00"), locationId: f.locationId, patient: { patientAccountId: other }, channel: "staff" }, desk(f)),
    );
    expect(await caught(inClinic(f, (tx) => acceptProposal(tx, f.clinic, { requestId: r.id }, patient(f.patientId))))).toBeInstanceOf(SlotTakenError);
    expect(await inClinic(f, (tx) => getFlexibleRequest(tx, f.clinic, r.id))).toMatchObject({ status: "proposed", appointmentId: null });
  });

  test("declining a desk proposal ends the request", async () => {
    const { f, r } = await proposed();
    const { request, releasedOffer } = await inClinic(f, (tx) => declineProposal(tx, f.clinic, { requestId: r.id }, patient(f.patientId)));
    expect(request.status).toBe("declined");
    expect(releasedOffer).toBeNull();
    expect(await caught(inClinic(f, (tx) => acceptProposal(tx, f.clinic, { requestId: r.id }, patient(f.patientId))))).toBeInstanceOf(ConflictError);
    expect(await caught(inClinic(f, (tx) => cancelFlexibleRequest(tx, f.clinic, { requestId: r.id }, patient(f.patientId))))).toBeInstanceOf(ConflictError);
    expect((await eventsOf(f, r.id)).map((e) => e.name)).toEqual(["flexible_request.created", "flexible_request.proposed", "flexible_request.declined"]);
  });

  test("cancelling withdraws the request; a second cancel changes nothing", async () => {
    const { f, r } = await proposed();
    const first = await inClinic(f, (tx) => cancelFlexibleRequest(tx, f.clinic, { requestId: r.id }, patient(f.patientId)));
    expect(first.request.status).toBe("cancelled");
    const again = await inClinic(f, (tx) => cancelFlexibleRequest(tx, f.clinic, { requestId: r.id }, patient(f.patientId)));
    expect(again.request.status).toBe("cancelled");
    expect((await eventsOf(f, r.id)).filter((e) => e.name === "flexible_request.cancelled")).toHaveLength(1);
  });
});

describe("the waitlist", () => {
  test("a freed time goes to the oldest matching open request, and to one request only", async () => {
    const { f, day, isoWeekday, at } = await setup();
    const wrongDay = await requestBy(f, { preferredWeekdays: [(isoWeekday % 7) + 1] });
    const wrongWindow = await requestBy(f, { preferredFrom: "13:00", preferredTo: "17:00" });
    const otherDoctor = await requestBy(f, { practitionerId: f.doctorIds[1] });
    const tooLate = await requestBy(f, { latestDate: addDays(day, -1) });
    const tooEarly = await requestBy(f, { earliestDate: addDays(day, 1) });
    const endsAtTen = await requestBy(f, { preferredFrom: "08:00", preferredTo: "10:00" });
    const oldest = await requestBy(f, { preferredWeekdays: [isoWeekday], preferredFrom: "09:00", preferredTo: "12:00", practitionerId: f.doctorIds[0], locationId: f.locationId });
    const newer = await requestBy(f);
    const freed = (hhmm: string, doctor = f.doctorIds[0]!) => ({ serviceId: f.serviceId, practitionerId: doctor, locationId: f.locationId, start: at(hhmm), end: new Date(at(hhmm).getTime() + 30 * MINUTE) });

    const now = new Date();
    const offered = await inClinic(f, (tx) => offerFreedTime(tx, f.clinic, freed("10:00"), now));
    expect(offered?.id).toBe(oldest.id);
    expect(offered).toMatchObject({
      status: "offered",
      proposal: { kind: "offer", start: at("10:00"), end: at("10:30"), practitionerId: f.doctorIds[0], locationId: f.locationId, expiresAt: new Date(now.getTime() + 30 * MINUTE), by: "system" },
    });
    const event = (await eventsOf(f, oldest.id)).at(-1)!;
    expect(event.name).toBe("flexible_request.offered");
    expect(event.data).toMatchObject({ patientAccountId: oldest.patient.id, proposal: { kind: "offer", start: at("10:00").toISOString(), expiresAt: new Date(now.getTime() + 30 * MINUTE).toISOString() } });

    // The same time is not offered twice; the next time goes to the next request in line.
    expect(await inClinic(f, (tx) => offerFreedTime(tx, f.clinic, freed("10:00"), now))).toBeNull();
    expect((await inClinic(f, (tx) => offerFreedTime(tx, f.clinic, freed("10:30"), now)))?.id).toBe(newer.id);
    expect(await inClinic(f, (tx) => offerFreedTime(tx, f.clinic, freed("11:00"), now))).toBeNull();
    // The request for the other doctor gets that doctor's freed time.
    expect((await inClinic(f, (tx) => offerFreedTime(tx, f.clinic, freed("11:00", f.doctorIds[1]), now)))?.id).toBe(otherDoctor.id);

    const stillOpen = await inClinic(f, (tx) => listFlexibleRequests(tx, f.clinic, { status: "open" }));
    expect(stillOpen.map((r) => r.id)).toEqual([wrongDay.id, wrongWindow.id, tooLate.id, tooEarly.id, endsAtTen.id]);
    expect((await inClinic(f, (tx) => listFlexibleRequests(tx, f.clinic, { status: ["offered"] }))).map((r) => r.id)).toEqual([otherDoctor.id, oldest.id, newer.id]);
  });

  test("a time that is not free, or already past, is not offered", async () => {
    const { f, at } = await setup();
    await requestBy(f);
    await inClinic(f, (tx) =>
      bookAppointment(tx, f.clinic, { serviceId: f.serviceId, practitionerId: f.doctorIds[0]!, start: at("10:00"), locationId: f.locationId, patient: { patientAccountId: f.patientId }, channel: "staff" }, desk(f)),
    );
    const freed = { serviceId: f.serviceId, practitionerId: f.doctorIds[0]!, locationId: f.locationId, start: at("10:00"), end: at("10:30") };
    expect(await inClinic(f, (tx) => offerFreedTime(tx, f.clinic, freed))).toBeNull();
    expect(await inClinic(f, (tx) => offerFreedTime(tx, f.clinic, { ...freed, start: at("19:00"), end: at("19:30") }))).toBeNull();
    expect(await inClinic(f, (tx) => offerFreedTime(tx, f.clinic, { ...freed, start: new Date(Date.now() - HOUR), end: new Date() }))).toBeNull();
    expect(await inClinic(f, (tx) => listFlexibleRequests(tx, f.clinic, { status: "open" }))).toHaveLength(1);
  });

  test("an offer can be accepted, or declined back onto the waitlist, and is not offered to the same request again", async () => {
    const { f, at } = await setup();
    const first = await requestBy(f);
    const second = await requestBy(f);
    const freed = { serviceId: f.serviceId, practitionerId: f.doctorIds[0]!, locationId: f.locationId, start: at("09:30"), end: at("10:00") };
    expect((await inClinic(f, (tx) => offerFreedTime(tx, f.clinic, freed)))?.id).toBe(first.id);

    const declined = await inClinic(f, (tx) => declineProposal(tx, f.clinic, { requestId: first.id }, patient(first.patient.id)));
    expect(declined.request.status).toBe("open");
    expect(declined.releasedOffer).toEqual({ ...freed });
    const declinedEvent = (await eventsOf(f, first.id)).at(-1)!;
    expect(declinedEvent.name).toBe("flexible_request.declined");
    expect(declinedEvent.data).toMatchObject({ status: "open", previousStatus: "offered", releasedOffer: { start: at("09:30").toISOString() } });

    const next = await inClinic(f, (tx) => offerFreedTime(tx, f.clinic, declined.releasedOffer!));
    expect(next?.id).toBe(second.id);
    const { request, appointment } = await inClinic(f, (tx) => acceptProposal(tx, f.clinic, { requestId: second.id }, patient(second.patient.id)));
    expect(request.status).toBe("accepted");
    expect(appointment).toMatchObject({ start: at("09:30"), practitionerId: f.doctorIds[0], status: "confirmed" });

    // The first request keeps waiting and gets the next time that fits.
    expect((await inClinic(f, (tx) => offerFreedTime(tx, f.clinic, { ...freed, start: at("10:00"), end: at("10:30") })))?.id).toBe(first.id);
  });

  test("expired offers go back to open and their times to the next request; expired desk proposals end", async () => {
    const { f, at } = await setup();
    const waiting = await requestBy(f);
    const next = await requestBy(f);
    const asked = await requestBy(f);
    const now = new Date();
    const freed = { serviceId: f.serviceId, practitionerId: f.doctorIds[0]!, locationId: f.locationId, start: at("15:00"), end: at("15:30") };
    expect((await inClinic(f, (tx) => offerFreedTime(tx, f.clinic, freed, now)))?.id).toBe(waiting.id);
    await inClinic(f, (tx) => proposeTime(tx, f.clinic, { requestId: asked.id, start: at("16:00"), practitionerId: f.doctorIds[1]!, expiresInHours: 1 }, desk(f), now));

    expect(await inClinic(f, (tx) => expireOffers(tx, f.clinic, new Date(now.getTime() + 29 * MINUTE)))).toEqual([]);
    const later = new Date(now.getTime() + 2 * HOUR);
    const expired = await inClinic(f, (tx) => expireOffers(tx, f.clinic, later));
    expect(expired).toEqual([
      { requestId: waiting.id, patientAccountId: waiting.patient.id, previousStatus: "offered", status: "open", time: freed },
      {
        requestId: asked.id,
        patientAccountId: asked.patient.id,
        previousStatus: "proposed",
        status: "expired",
        time: { serviceId: f.serviceId, practitionerId: f.doctorIds[1], locationId: f.locationId, start: at("16:00"), end: at("16:30") },
      },
    ]);
    expect((await inClinic(f, (tx) => getFlexibleRequest(tx, f.clinic, waiting.id))).status).toBe("open");
    expect((await inClinic(f, (tx) => getFlexibleRequest(tx, f.clinic, asked.id))).status).toBe("expired");
    expect((await eventsOf(f)).filter((e) => e.name === "flexible_request.expired").map((e) => (e.data as { requestId: string }).requestId).sort()).toEqual([waiting.id, asked.id].sort());
    expect(await caught(inClinic(f, (tx) => acceptProposal(tx, f.clinic, { requestId: waiting.id }, patient(waiting.patient.id), later)))).toBeInstanceOf(ConflictError);

    // The lapsed time goes to the next in line, not back to the one who let it lapse.
    expect((await inClinic(f, (tx) => offerFreedTime(tx, f.clinic, expired[0]!.time, later)))?.id).toBe(next.id);
    expect(await inClinic(f, (tx) => expireOffers(tx, f.clinic, later))).toEqual([]);
  });
});

describe("events and isolation", () => {
  test("every step is in outbox_events, and another clinic sees none of it", async () => {
    const { f, at } = await setup();
    const r = await requestBy(f, { patientAccountId: f.patientId });
    await inClinic(f, (tx) => proposeTime(tx, f.clinic, { requestId: r.id, start: at("12:00"), practitionerId: f.doctorIds[0]! }, desk(f)));
    await inClinic(f, (tx) => acceptProposal(tx, f.clinic, { requestId: r.id }, patient(f.patientId)));
    const events = await eventsOf(f, r.id);
    expect(events.map((e) => e.name)).toEqual(["flexible_request.created", "flexible_request.proposed", "flexible_request.accepted"]);
    expect(events.every((e) => e.clinicId === f.clinic.id && e.sentAt === null)).toBe(true);

    const other = await createScheduleFixture();
    const otherDb = testDb().forClinic(other.clinic.id);
    expect(await otherDb.tx((tx) => listFlexibleRequests(tx, other.clinic))).toEqual([]);
    // Even asking with the first clinic's reference, row-level security shows nothing.
    expect(await otherDb.tx((tx) => listFlexibleRequests(tx, f.clinic))).toEqual([]);
    expect(await otherDb.tx((tx) => tx.flexibleRequest.count())).toBe(0);
    expect(await caught(otherDb.tx((tx) => getFlexibleRequest(tx, other.clinic, r.id)))).toBeInstanceOf(NotFoundError);
    expect(await caught(otherDb.tx((tx) => cancelFlexibleRequest(tx, other.clinic, { requestId: r.id }, patient(f.patientId))))).toBeInstanceOf(NotFoundError);
    expect(await otherDb.tx((tx) => expireOffers(tx, f.clinic, new Date(Date.now() + 100 * HOUR)))).toEqual([]);
    expect(await otherDb.tx((tx) => tx.outboxEvent.count({ where: { name: { startsWith: "flexible_request." } } }))).toBe(0);
  });
});
