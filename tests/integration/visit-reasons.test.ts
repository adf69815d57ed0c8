/**
 * The reason for a visit: the short list a service offers (checked in the service form), the
 * choice and the free text on the booking's review (checked per service, kept on a mistake),
 * stored on the appointment, carried over when the visit is moved, and shown to the doctor's day,
 * the desk and the API.
 */
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import type { Actor } from "~/lib/actor";
import { addDays, utcToZoned } from "~/lib/zoned-time";
import { serializeAppointment } from "~/modules/api/serialize.server";
import { SESSION_COOKIE } from "~/modules/auth/cookies.server";
import { createSession } from "~/modules/auth/session.server";
import { HOLDER_COOKIE } from "~/modules/booking-flow/browser-hold.server";
import { confirmForm } from "~/modules/booking-flow/choice.server";
import { bookingStep, confirmBooking, holdTime, reviewHold } from "~/modules/booking-flow/flow.server";
import { deskAppointments } from "~/modules/front-desk/desk-appointments.server";
import { doctorDay } from "~/modules/queue/my-day.server";
import { rescheduleAppointment } from "~/modules/scheduling/appointment-changes.server";
import { getAppointment } from "~/modules/scheduling/booking.server";
import { appointmentPage } from "~/modules/patient-account/appointment-page.server";
import { parseServiceForm } from "~/modules/services/service-form";
import { createService, getService, updateService } from "~/modules/services/services.server";
import * as reviewRoute from "~/routes/book.review";
import { releaseAppDb, routeDbIsTestDb } from "../support/api-client";
import { testDb } from "../support/db";
import { callPanel } from "../support/panel-client";
import { serviceForm } from "../support/panel-forms";
import { createScheduleFixture, localInstant, type ScheduleFixture } from "../support/scheduling";

beforeAll(() => routeDbIsTestDb());
afterAll(async () => {
  await releaseAppDb();
  await testDb().disconnect();
});

const REASONS = ["Check-up", "Pain", "Follow-up"];
const anonymous = { type: "patient" as const, id: null };
const desk: Actor = { type: "staff", id: "00000000-0000-4000-8000-0000000000aa" };

function dayAhead(f: ScheduleFixture, days: number) {
  return addDays(utcToZoned(new Date(), f.clinic.timeZone).date, days);
}

async function withReasons(f: ScheduleFixture, reasons: string[]) {
  await testDb()
    .forClinic(f.clinic.id)
    .tx((tx) => tx.service.update({ where: { clinicId_id: { clinicId: f.clinic.id, id: f.serviceId } }, data: { visitReasons: reasons } }));
}

/** Holds the first free time `days` ahead for one browser. */
async function hold(f: ScheduleFixture, heldBy: string, days = 3) {
  const step = await bookingStep(testDb().forClinic(f.clinic.id), f.clinic, { service: f.serviceId, location: f.locationId, doctor: f.doctorIds[0], day: dayAhead(f, days) });
  if ("redirect" in step || step.step !== "time") throw new Error("expected the time step");
  const time = step.times[0]!;
  const held = await holdTime(testDb().forClinic(f.clinic.id), f.clinic, { serviceId: f.serviceId, locationId: f.locationId, practitionerId: time.practitionerId, start: new Date(time.start), heldBy }, anonymous);
  if (!held.ok) throw new Error(held.message);
  return { holdId: held.holdId, start: new Date(time.start) };
}

describe("the service's list of reasons", () => {
  const ids = { doctorIds: ["00000000-0000-4000-8000-000000000001"], locationId: "00000000-0000-4000-8000-000000000002" };
  const reasonsOf = (typed: string) => parseServiceForm(serviceForm(ids, { visitReasons: typed }), "USD");

  test("one per line, trimmed, blank lines dropped; none is an empty list", () => {
    expect(reasonsOf("  Check-up \r\n\nPain\n  Follow-up  visit\n")).toMatchObject({ ok: true, value: { visitReasons: ["Check-up", "Pain", "Follow-up visit"] } });
    expect(reasonsOf("")).toMatchObject({ ok: true, value: { visitReasons: [] } });
    // A form from before the field existed saves no reasons.
    expect(parseServiceForm(serviceForm(ids), "USD")).toMatchObject({ ok: true, value: { visitReasons: [] } });
  });

  test("too many, too short, too long or twice is refused with a message naming it", () => {
    expect(reasonsOf(Array.from({ length: 9 }, (_, i) => `Reason ${i + 1}`).join("\n"))).toEqual({ ok: false, errors: { visitReasons: "At most 8 reasons (there are 9). Keep the ones patients choose most." } });
    expect(reasonsOf("Pain\nX")).toEqual({ ok: false, errors: { visitReasons: '"X" is too short: give each reason at least 2 characters.' } });
    expect(reasonsOf(`Pain\n${"A very long reason ".repeat(4)}`)).toMatchObject({ ok: false, errors: { visitReasons: expect.stringMatching(/is too long: at most 60 characters per reason\.$/) } });
    expect(reasonsOf("Pain\npain")).toEqual({ ok: false, errors: { visitReasons: '"pain" is listed twice.' } });
  });

  test("saved with the service, changed and emptied again; the audit names the change", async () => {
    const f = await createScheduleFixture({ doctors: 1 });
    const db = testDb().forClinic(f.clinic.id);
    const owner: Actor = { type: "staff", id: "owner-test", request: null };
    const parsed = parseServiceForm(serviceForm(f, { visitReasons: "Check-up\nPain" }), "USD");
    if (!parsed.ok) throw new Error(JSON.stringify(parsed.errors));
    const created = await createService(db, parsed.value, owner);
    if (!created.ok) throw new Error(JSON.stringify(created.errors));
    expect((await getService(db, created.serviceId)).visitReasons).toEqual(["Check-up", "Pain"]);

    const changed = parseServiceForm(serviceForm(f, { visitReasons: "Follow-up" }), "USD");
    if (!changed.ok) throw new Error(JSON.stringify(changed.errors));
    expect(await updateService(db, created.serviceId, changed.value, owner)).toEqual({ ok: true, serviceId: created.serviceId });
    expect((await getService(db, created.serviceId)).visitReasons).toEqual(["Follow-up"]);
    const audit = await db.tx((tx) => tx.auditEvent.findFirst({ where: { clinicId: f.clinic.id, action: "service.updated", targetId: created.serviceId } }));
    expect((audit?.details as { changed: string[] }).changed).toEqual(["visitReasons"]);

    const emptied = parseServiceForm(serviceForm(f, { visitReasons: "" }), "USD");
    if (!emptied.ok) throw new Error(JSON.stringify(emptied.errors));
    await updateService(db, created.serviceId, emptied.value, owner);
    expect((await getService(db, created.serviceId)).visitReasons).toEqual([]);
  });
});

describe("choosing a reason when booking", () => {
  let f: ScheduleFixture;
  beforeAll(async () => {
    f = await createScheduleFixture({ doctors: 1 });
    await withReasons(f, REASONS);
  });

  test("the review offers the service's reasons; the chosen one and the note are stored, moved with the visit, and shown to the doctor, the desk and the API", async () => {
    const db = testDb().forClinic(f.clinic.id);
    const { holdId } = await hold(f, "browser:reason-1");
    expect(await reviewHold(db, f.clinic, holdId, "browser:reason-1")).toMatchObject({ visitReasons: REASONS });

    const booked = await confirmBooking(db, testDb(), f.clinic, { holdId, heldBy: "browser:reason-1", patientAccountId: f.patientId, dependentId: null, note: "Left knee since Monday", visitReason: "Pain" });
    if (!booked.ok) throw new Error(booked.reason);
    const visit = await db.tx((tx) => getAppointment(tx, f.clinic, booked.appointmentId));
    expect(visit).toMatchObject({ visitReason: "Pain", note: "Left knee since Monday" });
    expect(serializeAppointment(visit, f.clinic)).toMatchObject({ visitReason: "Pain", note: "Left knee since Monday" });

    // Moved by the desk to the next day: the new visit keeps the reason and the note.
    const newStart = localInstant(f.clinic.timeZone, dayAhead(f, 4), "11:00");
    const moved = await db.tx((tx) => rescheduleAppointment(tx, f.clinic, { appointmentId: booked.appointmentId, start: newStart }, desk));
    expect(moved).toMatchObject({ visitReason: "Pain", note: "Left knee since Monday", rescheduledFromId: booked.appointmentId });

    // The doctor's day lists it with the reason; the desk's board rows carry it too.
    const day = await doctorDay(db, f.clinic, f.doctorIds[0]!, dayAhead(f, 4), desk);
    expect(day.visits.find((v) => v.id === moved.id)).toMatchObject({ visitReason: "Pain", patientNote: "Left knee since Monday" });
    const rows = await db.tx((tx) => deskAppointments(tx, f.clinic.id, { from: newStart, to: new Date(newStart.getTime() + 60_000) }));
    expect(rows).toMatchObject([{ id: moved.id, visitReason: "Pain", note: "Left knee since Monday" }]);
    // The patient sees it on the visit's page too.
    expect(await appointmentPage(db, { ...f.clinic, name: "Test Clinic", contactPhone: null }, f.patientId, moved.id, null)).toMatchObject({ visitReason: "Pain", note: "Left knee since Monday" });
  });

  test("a reason the service does not list is refused before anything is booked, and the time stays held", async () => {
    const db = testDb().forClinic(f.clinic.id);
    const { holdId } = await hold(f, "browser:reason-2", 5);
    const refused = await confirmBooking(db, testDb(), f.clinic, { holdId, heldBy: "browser:reason-2", patientAccountId: f.patientId, dependentId: null, note: null, visitReason: "Cosmetic" });
    expect(refused).toEqual({ ok: false, reason: "visit-reason", message: "Choose one of the reasons listed for this visit, or none of them." });
    expect(await reviewHold(db, f.clinic, holdId, "browser:reason-2")).not.toBeNull();
    // No reason at all is fine: the choice is optional.
    const booked = await confirmBooking(db, testDb(), f.clinic, { holdId, heldBy: "browser:reason-2", patientAccountId: f.patientId, dependentId: null, note: null, visitReason: null });
    if (!booked.ok) throw new Error(booked.reason);
    expect(await db.tx((tx) => getAppointment(tx, f.clinic, booked.appointmentId))).toMatchObject({ visitReason: null, note: null });
  });

  test("another clinic's reason, or any reason for a service that lists none, is refused", async () => {
    const other = await createScheduleFixture({ doctors: 1 });
    await withReasons(other, ["Whitening"]);
    const plain = await createScheduleFixture({ doctors: 1 });
    const { holdId } = await hold(plain, "browser:reason-3");
    const db = testDb().forClinic(plain.clinic.id);
    expect(await reviewHold(db, plain.clinic, holdId, "browser:reason-3")).toMatchObject({ visitReasons: [] });
    for (const visitReason of ["Whitening", "Pain"]) {
      expect(await confirmBooking(db, testDb(), plain.clinic, { holdId, heldBy: "browser:reason-3", patientAccountId: plain.patientId, dependentId: null, note: null, visitReason })).toMatchObject({
        ok: false,
        reason: "visit-reason",
      });
    }
  });

  test("the confirm form's own limits read as messages", () => {
    const base = { hold: "00000000-0000-4000-8000-000000000009", visitFor: "self" };
    const long = confirmForm.safeParse({ ...base, note: "x".repeat(501) });
    expect(long.success).toBe(false);
    expect(long.error?.issues[0]).toMatchObject({ path: ["note"], message: "Keep what the clinic should know under 500 characters." });
    expect(confirmForm.safeParse({ ...base, note: ` ${"x".repeat(500)} `, visitReason: " Pain " })).toMatchObject({ success: true, data: { note: "x".repeat(500), visitReason: "Pain" } });
  });
});

describe("the review page", () => {
  let f: ScheduleFixture;
  let host: string;
  beforeAll(async () => {
    f = await createScheduleFixture({ doctors: 1 });
    await withReasons(f, REASONS);
    host = `${f.clinic.slug}.localhost`;
  });

  async function browser() {
    const token = randomBytes(24).toString("base64url");
    const session = await createSession(testDb(), { clinicId: f.clinic.id, host }, { subject: "patient", patientAccountId: f.patientId }, { ip: null, userAgent: "vitest" });
    return { heldBy: `browser:${token}`, cookie: `${SESSION_COOKIE}=${session.token}; ${HOLDER_COOKIE}=${token}` };
  }

  test("a note that is too long or a reason not listed comes back with its message and everything typed, and nothing is booked", async () => {
    const b = await browser();
    const { holdId } = await hold(f, b.heldBy, 6);
    const path = `/book/review?hold=${holdId}&service=${f.serviceId}&location=${f.locationId}&doctor=${f.doctorIds[0]}`;
    const typed = `${"My knee hurts when I climb stairs. ".repeat(15)}`;
    const tooLong = await callPanel<{ message: string; note: string; visitReason: string; errors: Record<string, string> }>(reviewRoute, path, {
      host,
      cookie: b.cookie,
      form: { intent: "confirm", hold: holdId, visitFor: "self", visitReason: "Pain", note: typed },
    });
    expect(tooLong.status).toBe(400);
    expect(tooLong.data).toMatchObject({ message: "Keep what the clinic should know under 500 characters.", note: typed, visitReason: "Pain", errors: { note: "Keep what the clinic should know under 500 characters." } });

    const notListed = await callPanel<{ message: string; note: string; errors: Record<string, string> }>(reviewRoute, path, {
      host,
      cookie: b.cookie,
      form: { intent: "confirm", hold: holdId, visitFor: "self", visitReason: "Something odd", note: "Short note" },
    });
    expect(notListed.status).toBe(422);
    expect(notListed.data).toMatchObject({ note: "Short note", errors: { visitReason: "Choose one of the reasons listed for this visit, or none of them." } });
    expect(await reviewHold(testDb().forClinic(f.clinic.id), f.clinic, holdId, b.heldBy)).not.toBeNull();

    const booked = await callPanel(reviewRoute, path, { host, cookie: b.cookie, form: { intent: "confirm", hold: holdId, visitFor: "self", visitReason: "Follow-up", note: "Short note" } });
    expect(booked).toMatchObject({ status: 302, location: `/book/done/${holdId}` });
    expect(await testDb().forClinic(f.clinic.id).tx((tx) => getAppointment(tx, f.clinic, holdId))).toMatchObject({ visitReason: "Follow-up", note: "Short note" });
  });
});
