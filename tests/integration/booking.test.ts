/**
 * The booking core against real PostgreSQL: exclusion constraints under concurrency, holds and their
 * expiry, atomic rescheduling, the cancellation window at its boundary, and the history, audit and
 * outbox rows each change writes.
 */
import { afterAll, describe, expect, inject, test } from "vitest";
import { ensureClinicPatient } from "~/modules/patients/clinic-patients.server";
import type { Actor } from "~/lib/actor";
import { bookAppointment, confirmHold, findHold, getAppointment, HoldExpiredError, placeHold, releaseHold, SlotTakenError, sweepExpiredHolds } from "~/modules/scheduling/booking.server";
import { cancelAppointment, rescheduleAppointment, transitionAppointment } from "~/modules/scheduling/appointment-changes.server";
import { createFlexibleRequest } from "~/modules/scheduling/flexible-requests.server";
import { findSlots } from "~/modules/scheduling/slots.server";
import { CLAIMS_TIME } from "~/lib/appointment-status";
import { addDays, utcToZoned } from "~/lib/zoned-time";
import { createDb, type Db } from "~/utils/db.server";
import { ValidationError } from "~/utils/errors.server";
import { testDb } from "../support/db";
import { createScheduleFixture, fictitiousPhone, localInstant, type ScheduleFixture } from "../support/scheduling";

afterAll(() => testDb().disconnect());

const staff: Actor = { type: "staff", id: "00000000-0000-4000-8000-000000000001" };
const api: Actor = { type: "api", id: "00000000-0000-4000-8000-000000000002" };

/** 10:00 local, `days` days from today in the clinic's zone. */
function at(f: ScheduleFixture, days: number, hhmm = "10:00") {
  const today = utcToZoned(new Date(), f.clinic.timeZone).date;
  return localInstant(f.clinic.timeZone, addDays(today, days), hhmm);
}

const book = (f: ScheduleFixture, start: Date, opts: { doctor?: number; patientId?: string; actor?: Actor; now?: Date; db?: Db } = {}) =>
  (opts.db ?? testDb())
    .forClinic(f.clinic.id)
    .tx((tx) =>
      bookAppointment(
        tx,
        f.clinic,
        { serviceId: f.serviceId, practitionerId: f.doctorIds[opts.doctor ?? 0]!, start, patient: { patientAccountId: opts.patientId ?? f.patientId }, channel: "api" },
        opts.actor ?? api,
        opts.now,
      ),
    );

async function countActive(f: ScheduleFixture, doctorId?: string) {
  const rows = await testDb()
    .forClinic(f.clinic.id)
    .tx((tx) => tx.appointment.count({ where: { clinicId: f.clinic.id, status: { in: ["held", "requested", "confirmed"] }, ...(doctorId ? { doctorId } : {}) } }));
  return rows;
}

describe("no double booking", () => {
  test("50 parallel bookings of one slot: exactly one row, 49 conflicts", async () => {
    const f = await createScheduleFixture({ doctors: 1 });
    const start = at(f, 3);
    const patients = await Promise.all(Array.from({ length: 50 }, () => f.newPatient()));
    // A connection each, so the 50 transactions really race at the database rather than wait
    // their turn for a small pool (and, on a busy machine, give up waiting).
    const rush = createDb(inject("runtimeUrl"), { poolSize: 50 });
    const results = await Promise.allSettled(patients.map((patientId) => book(f, start, { patientId, db: rush }))).finally(() => rush.disconnect());
    const ok = results.filter((r) => r.status === "fulfilled");
    const failed = results.filter((r): r is PromiseRejectedResult => r.status === "rejected");
    expect(ok).toHaveLength(1);
    expect(failed).toHaveLength(49);
    // On a failure, say what the loser got instead (a Prisma code and the end of its message).
    for (const r of failed) expect(r.reason, `${(r.reason as { code?: string }).code ?? ""} ${String((r.reason as Error).message).slice(-300)}`).toBeInstanceOf(SlotTakenError);
    expect(await countActive(f)).toBe(1);
  });

  test("the exclusion constraints count exactly the statuses the code treats as claiming time", async () => {
    const rows = await testDb()
      .forPlatform()
      .tx((tx) => tx.$queryRaw<{ name: string; def: string }[]>`SELECT conname AS name, pg_get_constraintdef(oid) AS def FROM pg_constraint WHERE conname IN ('appointments_no_doctor_overlap', 'appointments_no_room_overlap')`);
    expect(rows).toHaveLength(2);
    for (const { name, def } of rows) {
      const listed = [...def.matchAll(/'(\w+)'::appointment_status/g)].map((m) => m[1]);
      expect(listed.sort(), name).toEqual([...CLAIMS_TIME].sort());
    }
  });

  test("two doctors cannot take the only room of the required type at the same time", async () => {
    const f = await createScheduleFixture({ doctors: 2, rooms: { type: "therapy", count: 1 }, service: { roomType: "therapy" } });
    const start = at(f, 4);
    const results = await Promise.allSettled([book(f, start, { doctor: 0 }), book(f, start, { doctor: 1, patientId: await f.newPatient() })]);
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    const rejected = results.find((r): r is PromiseRejectedResult => r.status === "rejected");
    expect(rejected?.reason).toBeInstanceOf(SlotTakenError);
    const booked = results.find((r) => r.status === "fulfilled");
    expect(booked && booked.status === "fulfilled" ? booked.value.roomId : null).toBe(f.roomIds[0]);
  });

  test("the database refuses an overlapping row even when written directly, buffers included", async () => {
    const f = await createScheduleFixture({ doctors: 1, service: { bufferAfterMin: 15, startGridMin: 15 } });
    const first = await book(f, at(f, 5, "10:00"));
    expect(first.end.getTime() - first.start.getTime()).toBe(30 * 60_000);
    // 10:30 is inside the first visit's 15-minute buffer.
    await expect(book(f, at(f, 5, "10:30"), { patientId: await f.newPatient() })).rejects.toBeInstanceOf(SlotTakenError);
    const raw = testDb()
      .forClinic(f.clinic.id)
      .tx((tx) =>
        tx.$executeRaw`INSERT INTO appointments (clinic_id, service_id, doctor_id, location_id, patient_account_id, status, starts_at, ends_at, blocked_from, blocked_to, channel, currency, cancellation_window_min)
          VALUES (${f.clinic.id}::uuid, ${f.serviceId}::uuid, ${f.doctorIds[0]}::uuid, ${f.locationId}::uuid, ${f.patientId}::uuid, 'confirmed',
                  ${at(f, 5, "10:40")}, ${at(f, 5, "11:10")}, ${at(f, 5, "10:40")}, ${at(f, 5, "11:10")}, 'staff', 'USD', 2880)`,
      );
    await expect(raw).rejects.toThrow(/appointments_no_doctor_overlap|23P01|exclusion/i);
    // 10:45 starts when the buffer ends: back to back is fine.
    await expect(book(f, at(f, 5, "10:45"), { patientId: await f.newPatient() })).resolves.toMatchObject({ status: "confirmed" });
  });

  test("a time outside working hours or off the grid is invalid input, not a conflict", async () => {
    const f = await createScheduleFixture({ doctors: 1 });
    await expect(book(f, at(f, 3, "08:00"))).rejects.toBeInstanceOf(ValidationError);
    await expect(book(f, at(f, 3, "10:10"))).rejects.toBeInstanceOf(ValidationError);
    await expect(book(f, new Date(Date.now() - 3_600_000))).rejects.toBeInstanceOf(ValidationError);
  });

  test("a booked time disappears from the slots and the other doctor's time stays", async () => {
    const f = await createScheduleFixture({ doctors: 2 });
    const start = at(f, 6);
    await book(f, start, { doctor: 0 });
    const slots = await findSlots(testDb().forClinic(f.clinic.id), f.clinic, { serviceId: f.serviceId, from: start, to: new Date(start.getTime() + 60_000), practitionerId: f.doctorIds[0] });
    expect(slots).toHaveLength(0);
    const any = await findSlots(testDb().forClinic(f.clinic.id), f.clinic, { serviceId: f.serviceId, from: start, to: new Date(start.getTime() + 60_000) });
    expect(any.map((s) => s.doctorId)).toEqual([f.doctorIds[1]]);
  });
});

describe("booking for a family member", () => {
  test("a dependent on the account is booked; someone else's dependent is refused and nothing is written", async () => {
    const f = await createScheduleFixture({ doctors: 1 });
    const db = testDb().forClinic(f.clinic.id);
    const other = await f.newPatient();
    const [mine, theirs] = await db.tx((tx) =>
      Promise.all([
        tx.dependent.create({ data: { patientAccountId: f.patientId, firstName: "Mia", lastName: "Ient", relationship: "child" } }),
        tx.dependent.create({ data: { patientAccountId: other, firstName: "Leo", lastName: "Other", relationship: "child" } }),
      ]),
    );
    const request = (dependentId: string, start: Date) =>
      db.tx((tx) =>
        bookAppointment(tx, f.clinic, { serviceId: f.serviceId, practitionerId: f.doctorIds[0]!, start, patient: { patientAccountId: f.patientId, dependentId }, channel: "staff" }, staff),
      );
    await expect(request(theirs.id, at(f, 3, "10:00"))).rejects.toThrow(/not on the patient's account/);
    // The desk books only family members the patient shared with this clinic.
    await expect(request(mine.id, at(f, 3, "10:00"))).rejects.toThrow(/not on the patient's account/);
    expect(await db.tx((tx) => tx.appointment.count({ where: { clinicId: f.clinic.id } }))).toBe(0);
    await db.tx((tx) => tx.clinicFamilyMember.create({ data: { clinicId: f.clinic.id, dependentId: mine.id, patientAccountId: f.patientId } }));
    const booked = await request(mine.id, at(f, 3, "10:00"));
    expect(booked.dependent).toEqual({ id: mine.id, firstName: "Mia", lastName: "Ient", relationship: "child" });
    expect(await db.tx((tx) => getAppointment(tx, f.clinic, booked.id))).toEqual(booked);
  });
});

describe("holds", () => {
  test("a hold blocks the time for others; confirming turns the same row into the appointment", async () => {
    const f = await createScheduleFixture({ doctors: 1 });
    const start = at(f, 3);
    const db = testDb().forClinic(f.clinic.id);
    const hold = await db.tx((tx) => placeHold(tx, f.clinic, { serviceId: f.serviceId, practitionerId: f.doctorIds[0]!, start, heldBy: "session:a", channel: "clinic_site" }, { type: "system", id: null }));
    await expect(book(f, start, { patientId: await f.newPatient() })).rejects.toBeInstanceOf(SlotTakenError);
    const patient: Actor = { type: "patient", id: f.patientId };
    await expect(db.tx((tx) => confirmHold(tx, f.clinic, { holdId: hold.id, heldBy: "session:b", patient: { patientAccountId: f.patientId } }, patient))).rejects.toBeInstanceOf(HoldExpiredError);
    const appointment = await db.tx((tx) => confirmHold(tx, f.clinic, { holdId: hold.id, heldBy: "session:a", patient: { patientAccountId: f.patientId } }, patient));
    expect(appointment).toMatchObject({ id: hold.id, status: "confirmed", patient: { id: f.patientId } });
    const events = await db.tx((tx) => tx.outboxEvent.findMany({ where: { clinicId: f.clinic.id }, orderBy: { createdAt: "asc" }, select: { name: true } }));
    expect(events.map((e) => e.name)).toEqual(["hold.placed", "appointment.booked"]);
  });

  test("an expired hold never blocks anyone, even before the sweeper runs", async () => {
    const f = await createScheduleFixture({ doctors: 1 });
    const start = at(f, 3);
    const db = testDb().forClinic(f.clinic.id);
    const hold = await db.tx((tx) => placeHold(tx, f.clinic, { serviceId: f.serviceId, practitionerId: f.doctorIds[0]!, start, heldBy: "session:a", channel: "clinic_site" }, { type: "system", id: null }));
    await db.tx((tx) => tx.$executeRaw`UPDATE appointments SET hold_expires_at = now() - interval '1 second' WHERE clinic_id = ${f.clinic.id}::uuid AND id = ${hold.id}::uuid`);
    const slots = await findSlots(testDb().forClinic(f.clinic.id), f.clinic, { serviceId: f.serviceId, from: start, to: new Date(start.getTime() + 60_000) });
    expect(slots).toHaveLength(1);
    const booked = await book(f, start, { patientId: await f.newPatient() });
    expect(booked.status).toBe("confirmed");
    const released = await db.tx((tx) => tx.appointment.findUniqueOrThrow({ where: { clinicId_id: { clinicId: f.clinic.id, id: hold.id } } }));
    expect(released.status).toBe("hold_expired");
    const expiredEvents = await db.tx((tx) => tx.outboxEvent.count({ where: { clinicId: f.clinic.id, name: "hold.expired" } }));
    expect(expiredEvents).toBe(1);
  });

  test("hold expiry racing a confirmation: exactly one of them wins", async () => {
    for (let round = 0; round < 5; round++) {
      const f = await createScheduleFixture({ doctors: 1 });
      const start = at(f, 3);
      const db = testDb().forClinic(f.clinic.id);
      const hold = await db.tx((tx) => placeHold(tx, f.clinic, { serviceId: f.serviceId, practitionerId: f.doctorIds[0]!, start, heldBy: "session:a", channel: "clinic_site" }, { type: "system", id: null }));
      const expiresAt = hold.expiresAt;
      // The sweeper runs as if at the expiry instant; the confirmation a moment before it.
      const [swept, confirmed] = await Promise.allSettled([
        db.tx((tx) => sweepExpiredHolds(tx, f.clinic, expiresAt)),
        db.tx((tx) => confirmHold(tx, f.clinic, { holdId: hold.id, heldBy: "session:a", patient: { patientAccountId: f.patientId } }, { type: "patient", id: f.patientId }, new Date(expiresAt.getTime() - 1))),
      ]);
      const row = await db.tx((tx) => tx.appointment.findUniqueOrThrow({ where: { clinicId_id: { clinicId: f.clinic.id, id: hold.id } } }));
      if (confirmed.status === "fulfilled") {
        expect(row.status).toBe("confirmed");
        expect(swept).toMatchObject({ status: "fulfilled", value: 0 });
      } else {
        expect(confirmed.reason).toBeInstanceOf(HoldExpiredError);
        expect(row.status).toBe("hold_expired");
        expect(swept).toMatchObject({ status: "fulfilled", value: 1 });
      }
    }
  });

  test("the holder finds and releases their hold: history and a hold.released event, and the time is free again", async () => {
    const f = await createScheduleFixture({ doctors: 1 });
    const db = testDb().forClinic(f.clinic.id);
    const start = at(f, 3, "10:00");
    const hold = await db.tx((tx) => placeHold(tx, f.clinic, { serviceId: f.serviceId, practitionerId: f.doctorIds[0]!, start, heldBy: "session:r", channel: "clinic_site" }, { type: "system", id: null }));
    expect(await db.tx((tx) => findHold(tx, f.clinic, hold.id, "session:other"))).toBeNull();
    expect(await db.tx((tx) => findHold(tx, f.clinic, hold.id, "session:r"))).toMatchObject({ id: hold.id, status: "held", start });
    await db.tx((tx) => releaseHold(tx, f.clinic, hold.id, "session:r", { type: "patient", id: f.patientId }));
    expect(await db.tx((tx) => findHold(tx, f.clinic, hold.id, "session:r"))).toBeNull();
    const history = await db.tx((tx) => tx.appointmentStatusChange.findMany({ where: { clinicId: f.clinic.id, appointmentId: hold.id }, orderBy: { id: "asc" } }));
    expect(history.map((h) => h.toStatus)).toEqual(["held", "hold_released"]);
    expect(await db.tx((tx) => tx.outboxEvent.count({ where: { clinicId: f.clinic.id, name: "hold.released" } }))).toBe(1);
    await expect(book(f, start)).resolves.toMatchObject({ status: "confirmed" });
  });

  test("a new hold by the same holder releases the previous one", async () => {
    const f = await createScheduleFixture({ doctors: 1 });
    const db = testDb().forClinic(f.clinic.id);
    const req = (start: Date) => ({ serviceId: f.serviceId, practitionerId: f.doctorIds[0]!, start, heldBy: "session:x", channel: "clinic_site" as const });
    const first = await db.tx((tx) => placeHold(tx, f.clinic, req(at(f, 3, "10:00")), { type: "system", id: null }));
    await db.tx((tx) => placeHold(tx, f.clinic, req(at(f, 3, "11:00")), { type: "system", id: null }));
    const row = await db.tx((tx) => tx.appointment.findUniqueOrThrow({ where: { clinicId_id: { clinicId: f.clinic.id, id: first.id } } }));
    expect(row.status).toBe("hold_released");
  });
});

describe("rescheduling", () => {
  test("moving onto a taken time leaves the original untouched", async () => {
    const f = await createScheduleFixture({ doctors: 1 });
    const mine = await book(f, at(f, 4, "10:00"));
    await book(f, at(f, 4, "11:00"), { patientId: await f.newPatient() });
    const db = testDb().forClinic(f.clinic.id);
    await expect(db.tx((tx) => rescheduleAppointment(tx, f.clinic, { appointmentId: mine.id, start: at(f, 4, "11:00") }, api))).rejects.toBeInstanceOf(SlotTakenError);
    const after = await db.tx((tx) => getAppointment(tx, f.clinic, mine.id));
    expect(after).toMatchObject({ status: "confirmed", start: mine.start, rescheduledToId: null });
    expect(await db.tx((tx) => tx.appointment.count({ where: { clinicId: f.clinic.id } }))).toBe(2);
  });

  test("a move by half an hour onto its own time works, links both rows and keeps the price", async () => {
    const f = await createScheduleFixture({ doctors: 1, service: { durationMin: 60 } });
    const mine = await book(f, at(f, 4, "10:00"));
    const db = testDb().forClinic(f.clinic.id);
    const moved = await db.tx((tx) => rescheduleAppointment(tx, f.clinic, { appointmentId: mine.id, start: at(f, 4, "10:30") }, api));
    expect(moved).toMatchObject({ status: "confirmed", rescheduledFromId: mine.id, priceMinor: mine.priceMinor });
    const old = await db.tx((tx) => tx.appointment.findUniqueOrThrow({ where: { clinicId_id: { clinicId: f.clinic.id, id: mine.id } } }));
    expect(old).toMatchObject({ status: "rescheduled", rescheduledToId: moved.id });
    const events = await db.tx((tx) => tx.outboxEvent.findMany({ where: { clinicId: f.clinic.id, name: "appointment.rescheduled" } }));
    expect(events).toHaveLength(1);
  });
});

describe("the cancellation window (48 h)", () => {
  // The deadline is start − 48 h; at the deadline itself it is already too late.
  const minutesBefore = async (f: ScheduleFixture, startsIn: number) => {
    const appointment = await book(f, at(f, 4, "10:00"), { patientId: await f.newPatient() });
    const now = new Date(appointment.start.getTime() - startsIn * 60_000);
    const actor: Actor = { type: "patient", id: appointment.patient!.id };
    return testDb()
      .forClinic(f.clinic.id)
      .tx((tx) => cancelAppointment(tx, f.clinic, { appointmentId: appointment.id, reason: "patient_request" }, actor, now));
  };

  test("48 h + 1 min before: the patient may cancel", async () => {
    const f = await createScheduleFixture({ doctors: 1 });
    await expect(minutesBefore(f, 48 * 60 + 1)).resolves.toMatchObject({ status: "cancelled", cancellation: { reason: "patient_request" } });
  });

  test("exactly 48 h before: too late, the deadline is explained", async () => {
    const f = await createScheduleFixture({ doctors: 1 });
    await expect(minutesBefore(f, 48 * 60)).rejects.toThrow(/too late to cancel.*until/i);
  });

  test("48 h − 1 min before: too late", async () => {
    const f = await createScheduleFixture({ doctors: 1 });
    await expect(minutesBefore(f, 48 * 60 - 1)).rejects.toBeInstanceOf(ValidationError);
  });

  test("staff override inside the window needs a reason and is in the audit log", async () => {
    const f = await createScheduleFixture({ doctors: 1 });
    const appointment = await book(f, at(f, 1, "10:00"));
    const db = testDb().forClinic(f.clinic.id);
    await expect(db.tx((tx) => cancelAppointment(tx, f.clinic, { appointmentId: appointment.id, reason: "illness" }, staff))).rejects.toThrow(/give a reason/);
    const cancelled = await db.tx((tx) => cancelAppointment(tx, f.clinic, { appointmentId: appointment.id, reason: "illness", overrideReason: "Patient called from hospital" }, staff));
    expect(cancelled.status).toBe("cancelled");
    const audit = await db.tx((tx) => tx.auditEvent.findMany({ where: { clinicId: f.clinic.id, targetId: appointment.id } }));
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ action: "appointment.cancelled_with_override", actorType: "staff", actorId: staff.id, details: { reason: "Patient called from hospital", insideWindow: true } });
    const history = await db.tx((tx) => tx.appointmentStatusChange.findMany({ where: { clinicId: f.clinic.id, appointmentId: appointment.id }, orderBy: { id: "asc" } }));
    expect(history.map((h) => [h.fromStatus, h.toStatus, h.actorType])).toEqual([
      [null, "confirmed", "api"],
      ["confirmed", "cancelled", "staff"],
    ]);
  });

  test("a patient cannot cancel someone else's appointment", async () => {
    const f = await createScheduleFixture({ doctors: 1 });
    const appointment = await book(f, at(f, 5, "10:00"));
    const stranger: Actor = { type: "patient", id: await f.newPatient() };
    await expect(
      testDb()
        .forClinic(f.clinic.id)
        .tx((tx) => cancelAppointment(tx, f.clinic, { appointmentId: appointment.id, reason: "patient_request" }, stranger)),
    ).rejects.toThrow(/no appointment/);
  });
});

describe("the waitlist", () => {
  test("cancelling offers the freed time to the oldest matching flexible-schedule request, in the same transaction", async () => {
    const f = await createScheduleFixture({ doctors: 1 });
    const start = at(f, 5, "10:00");
    const appointment = await book(f, start);
    const waiting = await f.newPatient();
    const db = testDb().forClinic(f.clinic.id);
    const request = await db.tx((tx) =>
      createFlexibleRequest(tx, f.clinic, { patientAccountId: waiting, serviceId: f.serviceId, preferredWeekdays: [] }, { type: "patient", id: waiting }),
    );
    await db.tx((tx) => cancelAppointment(tx, f.clinic, { appointmentId: appointment.id, reason: "illness" }, api));
    const offered = await db.tx((tx) => tx.flexibleRequest.findUniqueOrThrow({ where: { clinicId_id: { clinicId: f.clinic.id, id: request.id } } }));
    expect(offered).toMatchObject({ status: "offered", proposedStart: start, proposedDoctorId: f.doctorIds[0] });
    expect(await db.tx((tx) => tx.outboxEvent.count({ where: { clinicId: f.clinic.id, name: "flexible_request.offered" } }))).toBe(1);
  });
});

describe("approval and the visit day", () => {
  test("a requires-approval service is requested until staff confirm; decline needs a reason", async () => {
    const f = await createScheduleFixture({ doctors: 1, service: { requiresApproval: true } });
    const requested = await book(f, at(f, 3));
    expect(requested.status).toBe("requested");
    const db = testDb().forClinic(f.clinic.id);
    await expect(db.tx((tx) => transitionAppointment(tx, f.clinic, { appointmentId: requested.id, transition: "decline" }, staff))).rejects.toThrow(/why/);
    const confirmed = await db.tx((tx) => transitionAppointment(tx, f.clinic, { appointmentId: requested.id, transition: "confirm" }, staff));
    expect(confirmed.status).toBe("confirmed");
    const names = await db.tx((tx) => tx.outboxEvent.findMany({ where: { clinicId: f.clinic.id }, orderBy: { createdAt: "asc" }, select: { name: true } }));
    expect(names.map((n) => n.name)).toEqual(["appointment.requested", "appointment.confirmed"]);
  });

  test("check-in, consultation and completion follow each other; no-show only after the start", async () => {
    const f = await createScheduleFixture({ doctors: 1 });
    const a = await book(f, at(f, 3));
    const db = testDb().forClinic(f.clinic.id);
    await expect(db.tx((tx) => transitionAppointment(tx, f.clinic, { appointmentId: a.id, transition: "no_show" }, staff))).rejects.toThrow(/after the appointment's start/);
    await expect(db.tx((tx) => transitionAppointment(tx, f.clinic, { appointmentId: a.id, transition: "complete" }, staff))).rejects.toBeInstanceOf(ValidationError);
    for (const transition of ["check_in", "start", "complete"] as const) {
      await db.tx((tx) => transitionAppointment(tx, f.clinic, { appointmentId: a.id, transition }, staff));
    }
    expect((await db.tx((tx) => getAppointment(tx, f.clinic, a.id))).status).toBe("completed");
    const b = await book(f, at(f, 3, "13:00"), { patientId: await f.newPatient() });
    const noShow = await db.tx((tx) => transitionAppointment(tx, f.clinic, { appointmentId: b.id, transition: "no_show" }, staff, new Date(b.start.getTime() + 20 * 60_000)));
    expect(noShow.status).toBe("no_show");
  });
});

describe("one person, several clinics", () => {
  test("a doctor who works at two clinics cannot be booked at both at once; a hold at one does not block the other", async () => {
    const a = await createScheduleFixture({ doctors: 1 });
    const b = await createScheduleFixture({ doctors: 1 });
    const booked = await book(a, at(a, 3, "10:00"));
    const staffUserId = (await testDb().forClinic(a.clinic.id).tx((tx) => tx.clinicMembership.findFirstOrThrow({ where: { id: a.doctorIds[0] } }))).staffUserId;
    const inB = testDb().forClinic(b.clinic.id);
    const membership = await inB.tx((tx) => tx.clinicMembership.create({ data: { clinicId: b.clinic.id, staffUserId, role: "doctor", specialty: "General practice", workStatus: "active" } }));
    const insert = (status: "confirmed" | "held") =>
      inB.tx((tx) =>
        tx.$executeRaw`INSERT INTO appointments (clinic_id, service_id, doctor_id, location_id, patient_account_id, status, hold_expires_at, starts_at, ends_at, blocked_from, blocked_to, channel, currency, cancellation_window_min)
          VALUES (${b.clinic.id}::uuid, ${b.serviceId}::uuid, ${membership.id}::uuid, ${b.locationId}::uuid, ${status === "held" ? null : b.patientId}::uuid, ${status}::appointment_status,
                  ${status === "held" ? new Date(Date.now() + 600_000) : null}, ${booked.start}, ${booked.end}, ${booked.start}, ${booked.end}, 'staff', 'USD', 2880)`,
      );
    await expect(insert("confirmed")).rejects.toThrow(/appointments_no_person_overlap|23P01|exclusion/i);
    await expect(insert("held")).resolves.toBe(1);
  });

  test("the name a clinic types stays the clinic's own; the patient's account keeps theirs", async () => {
    const f = await createScheduleFixture({ doctors: 1 });
    const db = testDb().forClinic(f.clinic.id);
    const phone = fictitiousPhone();
    await db.tx((tx) => tx.patientAccount.create({ data: { phone, firstName: "Real", lastName: "Name" } }));
    const patientId = await db.tx((tx) => ensureClinicPatient(tx, f.clinic.id, { phone, firstName: "Typed", lastName: "Bythedesk" }));
    const booked = await book(f, at(f, 3, "10:00"), { patientId });
    expect(booked.patient).toMatchObject({ firstName: "Typed", lastName: "Bythedesk" });
    expect(await db.tx((tx) => tx.patientAccount.findUniqueOrThrow({ where: { id: patientId } }))).toMatchObject({ firstName: "Real", lastName: "Name" });
  });
});

describe("clinic isolation", () => {
  test("the one-round-trip read path is scoped to its clinic and refuses any parameter it cannot inline safely", async () => {
    const a = await createScheduleFixture({ doctors: 1 });
    const b = await createScheduleFixture({ doctors: 1 });
    const rows = await testDb().forClinic(a.clinic.id).readOne<{ id: string }>("SELECT id::text FROM services WHERE id = $1::uuid OR id = $2::uuid", [a.serviceId, b.serviceId]);
    expect(rows.map((r) => r.id)).toEqual([a.serviceId]);
    await expect(testDb().forClinic(a.clinic.id).readOne("SELECT $1::text", ["x'; DROP TABLE services; --"])).rejects.toThrow(/accepts only/);
    // A failed statement leaves no open transaction behind on the pooled connection.
    await expect(testDb().forClinic(a.clinic.id).readOne("SELECT 1/0 AS boom")).rejects.toThrow(/division by zero/);
    expect(await testDb().forClinic(a.clinic.id).readOne<{ n: number }>("SELECT count(*)::int AS n FROM services")).toEqual([{ n: 1 }]);
  });

  test("another clinic cannot read or cancel an appointment by id", async () => {
    const a = await createScheduleFixture({ doctors: 1 });
    const b = await createScheduleFixture({ doctors: 1 });
    const appointment = await book(a, at(a, 3));
    const asB = testDb().forClinic(b.clinic.id);
    await expect(asB.tx((tx) => getAppointment(tx, b.clinic, appointment.id))).rejects.toThrow(/no appointment/);
    await expect(asB.tx((tx) => cancelAppointment(tx, b.clinic, { appointmentId: appointment.id, reason: "duplicate" }, staff))).rejects.toThrow(/no appointment/);
    expect((await testDb().forClinic(a.clinic.id).tx((tx) => getAppointment(tx, a.clinic, appointment.id))).status).toBe("confirmed");
  });
});

describe("slots from the database", () => {
  const localStarts = (slots: { start: Date }[], zone: string) =>
    slots.map((s) => {
      const z = utcToZoned(s.start, zone);
      return `${z.date} ${String(Math.floor(z.minutes / 60)).padStart(2, "0")}:${String(z.minutes % 60).padStart(2, "0")}`;
    });

  test("Berlin's spring-forward weekend: the 09:00 shift stays 09:00 local on both sides", async () => {
    const zone = "Europe/Berlin";
    const f = await createScheduleFixture({ timeZone: zone, doctors: 1, shift: { start: "09:00", end: "10:00" }, service: { startGridMin: 30 } });
    const now = new Date("2027-03-20T12:00:00Z");
    const slots = await findSlots(
      testDb().forClinic(f.clinic.id),
      f.clinic,
      { serviceId: f.serviceId, from: localInstant(zone, "2027-03-27", "00:00"), to: localInstant(zone, "2027-03-29", "00:00"), practitionerId: f.doctorIds[0] },
      now,
    );
    expect(localStarts(slots, zone)).toEqual(["2027-03-27 09:00", "2027-03-27 09:30", "2027-03-28 09:00", "2027-03-28 09:30"]);
    expect(slots[2]!.start.toISOString()).toBe("2027-03-28T07:00:00.000Z");
  });

  test("closures, time off and imported busy blocks remove time; a range over 62 days is refused", async () => {
    const zone = "America/New_York";
    const f = await createScheduleFixture({ timeZone: zone, doctors: 1, shift: { start: "09:00", end: "12:00" }, service: { startGridMin: 60, durationMin: 60 } });
    const day = (n: number) => addDays(utcToZoned(new Date(), zone).date, n);
    const db = testDb().forClinic(f.clinic.id);
    await db.tx(async (tx) => {
      await tx.scheduleException.create({ data: { clinicId: f.clinic.id, kind: "closure", startsAt: localInstant(zone, day(3), "00:00"), endsAt: localInstant(zone, day(4), "00:00"), reason: "Holiday" } });
      await tx.scheduleException.create({ data: { clinicId: f.clinic.id, kind: "time_off", doctorId: f.doctorIds[0], startsAt: localInstant(zone, day(4), "09:00"), endsAt: localInstant(zone, day(4), "10:00") } });
      await tx.busyBlock.create({ data: { clinicId: f.clinic.id, doctorId: f.doctorIds[0], startsAt: localInstant(zone, day(4), "11:00"), endsAt: localInstant(zone, day(4), "12:00"), externalRef: "ehr-1" } });
    });
    const slots = await findSlots(testDb().forClinic(f.clinic.id), f.clinic, { serviceId: f.serviceId, from: localInstant(zone, day(3), "00:00"), to: localInstant(zone, day(5), "00:00") });
    expect(localStarts(slots, zone)).toEqual([`${day(4)} 10:00`]);
    await expect(findSlots(testDb().forClinic(f.clinic.id), f.clinic, { serviceId: f.serviceId, from: new Date(), to: new Date(Date.now() + 63 * 86_400_000) })).rejects.toThrow(/at most 62 days/);
  });

  test("an internal-only service has no public slots but staff can book it", async () => {
    const f = await createScheduleFixture({ doctors: 1, service: { visibility: "internal_only" } });
    const start = at(f, 3);
    await expect(findSlots(testDb().forClinic(f.clinic.id), f.clinic, { serviceId: f.serviceId, from: start, to: new Date(start.getTime() + 3_600_000) })).rejects.toThrow(/no bookable service/);
    const staffSlots = await findSlots(testDb().forClinic(f.clinic.id), f.clinic, { serviceId: f.serviceId, from: start, to: new Date(start.getTime() + 3_600_000), audience: "staff" });
    expect(staffSlots.length).toBeGreaterThan(0);
    await expect(book(f, start)).resolves.toMatchObject({ status: "confirmed" });
  });
});
