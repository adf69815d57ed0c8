/**
 * The patient's family, profile and marketplace-wide account against real PostgreSQL: validation of
 * what is typed, soft removal (never offered again, refused at confirm, past visits keep the name),
 * another account's family member refused with nothing written, adding someone while confirming in
 * one transaction, and the marketplace account listing the patient's visits at two clinics and
 * never anyone else's.
 */
import { afterAll, describe, expect, test } from "vitest";
import { bookingStep, confirmBooking, familyOf, holdTime } from "~/modules/booking-flow/flow.server";
import {
  addDependent,
  listFamily,
  parseDependentForm,
  parseProfileForm,
  readProfile,
  removeDependent,
  updateDependent,
  updateProfile,
  type DependentInput,
} from "~/modules/patient-account/family.server";
import { marketplaceAppointments } from "~/modules/patient-account/marketplace-account.server";
import { clinicsOfPatient } from "~/modules/patient-account/patient-clinics.server";
import type { Actor } from "~/lib/actor";
import { bookAppointment, getAppointment } from "~/modules/scheduling/booking.server";
import { addDays, utcToZoned } from "~/lib/zoned-time";
import { sqlStateOf } from "~/utils/db-errors.server";
import { provePhoneAtClinic } from "~/modules/patients/clinic-patients.server";
import { runtimePg, testDb } from "../support/db";
import { createScheduleFixture, localInstant, type ScheduleFixture } from "../support/scheduling";

afterAll(() => testDb().disconnect());

const staff: Actor = { type: "staff", id: "00000000-0000-4000-8000-000000000001" };
const anonymous = { type: "patient" as const, id: null };
const mia: DependentInput = { firstName: "Mia", lastName: "Ient", relationship: "child", dateOfBirth: "2019-03-14" };

function day(f: ScheduleFixture, days: number) {
  return addDays(utcToZoned(new Date(), f.clinic.timeZone).date, days);
}

async function holdFirstTime(f: ScheduleFixture, heldBy: string, days = 3) {
  const step = await bookingStep(testDb().forClinic(f.clinic.id), f.clinic, { service: f.serviceId, location: f.locationId, doctor: "any", day: day(f, days) });
  if ("redirect" in step || step.step !== "time") throw new Error("expected the time step");
  const time = step.times[0]!;
  const held = await holdTime(testDb().forClinic(f.clinic.id), f.clinic, { serviceId: f.serviceId, locationId: f.locationId, practitionerId: time.practitionerId, start: new Date(time.start), heldBy }, anonymous);
  if (!held.ok) throw new Error(held.message);
  return held.holdId;
}

const appointmentRow = (f: ScheduleFixture, id: string) =>
  testDb()
    .forClinic(f.clinic.id)
    .tx((tx) => tx.appointment.findUniqueOrThrow({ where: { clinicId_id: { clinicId: f.clinic.id, id } }, select: { status: true, patientAccountId: true, dependentId: true } }));

const auditActions = (clinicId: string, actorId: string) =>
  testDb()
    .forClinic(clinicId)
    .tx((tx) => tx.auditEvent.findMany({ where: { clinicId, actorId }, orderBy: { occurredAt: "asc" }, select: { action: true, targetId: true } }));

describe("what is typed", () => {
  test("a family member needs names, a relationship and a real, past date of birth; each field gets its own message", () => {
    const empty = parseDependentForm({});
    expect(empty.ok).toBe(false);
    if (empty.ok) return;
    expect(empty.errors).toEqual({
      firstName: "Enter the first name.",
      lastName: "Enter the last name.",
      relationship: "Choose how they are related to you.",
      dateOfBirth: "Enter the date of birth.",
    });

    const wrong = parseDependentForm({ firstName: "  Mia ", lastName: "x".repeat(81), relationship: "cousin", dateOfBirth: "2019-02-30" });
    expect(wrong.ok).toBe(false);
    if (wrong.ok) return;
    expect(wrong.errors).toEqual({
      lastName: "Keep the last name under 80 characters.",
      relationship: "Choose how they are related to you.",
      dateOfBirth: "This date does not exist. Check the day and month.",
    });
    // What was typed comes back as typed, for the form to show again.
    expect(wrong.values.firstName).toBe("  Mia ");

    const future = parseDependentForm({ firstName: "A", lastName: "B", relationship: "child", dateOfBirth: `${new Date().getUTCFullYear() + 1}-01-01` });
    expect(!future.ok && future.errors.dateOfBirth).toBe("The date of birth cannot be in the future.");
    const notADate = parseDependentForm({ firstName: "A", lastName: "B", relationship: "child", dateOfBirth: "14/03/2019" });
    expect(!notADate.ok && notADate.errors.dateOfBirth).toMatch(/as a date/);

    expect(parseDependentForm({ firstName: " Mia ", lastName: "Ient", relationship: "child", dateOfBirth: "2019-03-14" })).toEqual({ ok: true, data: mia });
  });

  test("the profile accepts an empty email and date of birth but not a malformed one", () => {
    expect(parseProfileForm({ firstName: "Pat", lastName: "Ient", email: "", dateOfBirth: "" })).toMatchObject({ ok: true });
    const bad = parseProfileForm({ firstName: "", lastName: "Ient", email: "pat@", dateOfBirth: "1990-13-01" });
    expect(bad.ok).toBe(false);
    if (bad.ok) return;
    expect(Object.keys(bad.errors).sort()).toEqual(["dateOfBirth", "email", "firstName"]);
  });
});

describe("the family", () => {
  test("add, edit and remove, each audited; another account cannot edit or remove them", async () => {
    const f = await createScheduleFixture({ doctors: 1 });
    const db = testDb();
    const scope = db.forClinic(f.clinic.id);
    const other = await f.newPatient();

    const added = await addDependent(scope, db, f.patientId, mia, null);
    expect(added).toMatchObject({ name: "Mia Ient", relationship: "child", relationshipLabel: "Child", dateOfBirth: "2019-03-14", dateOfBirthText: "14 March 2019" });

    expect(await updateDependent(scope, db, other, added.id, { ...mia, firstName: "Hacked" }, null)).toMatchObject({ ok: false });
    expect(await removeDependent(scope, db, other, added.id, null)).toMatchObject({ ok: false });
    expect(await updateDependent(scope, db, f.patientId, added.id, { ...mia, firstName: "Amelia" }, null)).toMatchObject({ ok: true, member: { name: "Amelia Ient" } });
    expect((await listFamily(scope, db, f.patientId, null)).map((m) => m.name)).toEqual(["Amelia Ient"]);
    expect(await listFamily(scope, db, other, null)).toEqual([]);

    expect(await removeDependent(scope, db, f.patientId, added.id, null)).toMatchObject({ ok: true });
    // Removed twice, or edited after removal: not found, nothing changes.
    expect(await removeDependent(scope, db, f.patientId, added.id, null)).toMatchObject({ ok: false });
    expect(await updateDependent(scope, db, f.patientId, added.id, mia, null)).toMatchObject({ ok: false });
    expect(await listFamily(scope, db, f.patientId, null)).toEqual([]);

    expect(await auditActions(f.clinic.id, f.patientId)).toEqual([
      { action: "patient.dependent_added", targetId: added.id },
      { action: "patient.dependent_updated", targetId: added.id },
      { action: "patient.family_viewed", targetId: f.patientId },
      { action: "patient.dependent_removed", targetId: added.id },
      { action: "patient.family_viewed", targetId: f.patientId },
    ]);
    expect(await auditActions(f.clinic.id, other)).toEqual([{ action: "patient.family_viewed", targetId: other }]);
  });

  test("on the marketplace the changes go to the platform's log, not a clinic's", async () => {
    const f = await createScheduleFixture({ doctors: 1 });
    const added = await addDependent(null, testDb(), f.patientId, mia, null);
    const platform = await testDb()
      .forPlatform()
      .tx((tx) => tx.auditEvent.findMany({ where: { actorId: f.patientId }, select: { clinicId: true, action: true, targetId: true } }));
    expect(platform).toEqual([{ clinicId: null, action: "patient.dependent_added", targetId: added.id }]);
    expect(await auditActions(f.clinic.id, f.patientId)).toEqual([]);
  });

  test("a removed family member is never offered and is refused at confirm with nothing written; past visits keep the name", async () => {
    const f = await createScheduleFixture({ doctors: 1 });
    const db = testDb();
    const kept = await addDependent(db.forClinic(f.clinic.id), db, f.patientId, { ...mia, firstName: "Zoe" }, null);
    const gone = await addDependent(db.forClinic(f.clinic.id), db, f.patientId, mia, null);
    // A visit booked before the removal.
    const earlier = await db
      .forClinic(f.clinic.id)
      .tx((tx) =>
        bookAppointment(tx, f.clinic, { serviceId: f.serviceId, practitionerId: f.doctorIds[0]!, start: localInstant(f.clinic.timeZone, day(f, 5), "15:00"), patient: { patientAccountId: f.patientId, dependentId: gone.id }, channel: "staff" }, staff),
      );
    expect((await familyOf(db.forClinic(f.clinic.id), f.clinic, f.patientId)).map((m) => m.name)).toEqual(["Mia Ient", "Zoe Ient"]);

    expect(await removeDependent(db.forClinic(f.clinic.id), db, f.patientId, gone.id, null)).toMatchObject({ ok: true });
    expect(await familyOf(db.forClinic(f.clinic.id), f.clinic, f.patientId)).toEqual([{ id: kept.id, name: "Zoe Ient", relationship: "Child" }]);

    const holdId = await holdFirstTime(f, "browser:family");
    const refused = await confirmBooking(db.forClinic(f.clinic.id), db, f.clinic, { holdId, heldBy: "browser:family", patientAccountId: f.patientId, dependentId: gone.id, note: null });
    expect(refused).toEqual({ ok: false, reason: "not-family", message: "Choose yourself or a family member on your account." });
    expect(await appointmentRow(f, holdId)).toEqual({ status: "held", patientAccountId: null, dependentId: null });
    // Staff booking (and the API) refuse the removed person too.
    await expect(
      db
        .forClinic(f.clinic.id)
        .tx((tx) =>
          bookAppointment(tx, f.clinic, { serviceId: f.serviceId, practitionerId: f.doctorIds[0]!, start: localInstant(f.clinic.timeZone, day(f, 6), "15:00"), patient: { patientAccountId: f.patientId, dependentId: gone.id }, channel: "staff" }, staff),
        ),
    ).rejects.toThrow(/not on the patient's account/);

    const before = await db.forClinic(f.clinic.id).tx((tx) => getAppointment(tx, f.clinic, earlier.id));
    expect(before.dependent).toMatchObject({ id: gone.id, firstName: "Mia", lastName: "Ient" });

    // The hold is intact: the patient can still confirm it for someone on the account.
    const confirmed = await confirmBooking(db.forClinic(f.clinic.id), db, f.clinic, { holdId, heldBy: "browser:family", patientAccountId: f.patientId, dependentId: kept.id, note: null });
    expect(confirmed).toMatchObject({ ok: true, appointmentId: holdId });
    expect(await appointmentRow(f, holdId)).toEqual({ status: "confirmed", patientAccountId: f.patientId, dependentId: kept.id });
  });

  test("another account's family member is refused at confirm and nothing is written", async () => {
    const f = await createScheduleFixture({ doctors: 1 });
    const db = testDb();
    const other = await f.newPatient();
    const theirs = await addDependent(db.forClinic(f.clinic.id), db, other, mia, null);
    const holdId = await holdFirstTime(f, "browser:mine");
    const answer = await confirmBooking(db.forClinic(f.clinic.id), db, f.clinic, { holdId, heldBy: "browser:mine", patientAccountId: f.patientId, dependentId: theirs.id, note: null });
    expect(answer).toMatchObject({ ok: false, reason: "not-family" });
    expect(await appointmentRow(f, holdId)).toEqual({ status: "held", patientAccountId: null, dependentId: null });
    expect((await familyOf(db.forClinic(f.clinic.id), f.clinic, f.patientId)).length).toBe(0);
  });

  test("someone added while confirming is added and booked in one go; an expired hold adds nobody", async () => {
    const f = await createScheduleFixture({ doctors: 1 });
    const db = testDb();
    const holdId = await holdFirstTime(f, "browser:new");
    const booked = await confirmBooking(db.forClinic(f.clinic.id), db, f.clinic, { holdId, heldBy: "browser:new", patientAccountId: f.patientId, dependentId: null, note: null, newDependent: mia });
    expect(booked).toMatchObject({ ok: true });
    const [child] = await familyOf(db.forClinic(f.clinic.id), f.clinic, f.patientId);
    expect(child).toMatchObject({ name: "Mia Ient" });
    expect(await appointmentRow(f, holdId)).toEqual({ status: "confirmed", patientAccountId: f.patientId, dependentId: child!.id });

    const late = await holdFirstTime(f, "browser:late", 4);
    await db.forClinic(f.clinic.id).tx((tx) => tx.$executeRaw`UPDATE appointments SET hold_expires_at = now() - interval '1 second' WHERE clinic_id = ${f.clinic.id}::uuid AND id = ${late}::uuid`);
    const expired = await confirmBooking(db.forClinic(f.clinic.id), db, f.clinic, { holdId: late, heldBy: "browser:late", patientAccountId: f.patientId, dependentId: null, note: null, newDependent: { ...mia, firstName: "Noah" } });
    expect(expired).toMatchObject({ ok: false, reason: "expired" });
    expect((await familyOf(db.forClinic(f.clinic.id), f.clinic, f.patientId)).map((m) => m.name)).toEqual(["Mia Ient"]);
  });
});

describe("the profile", () => {
  test("reads and saves the patient's own details, audited; the phone stays", async () => {
    const f = await createScheduleFixture({ doctors: 1 });
    const db = testDb();
    const scope = db.forClinic(f.clinic.id);
    const before = await readProfile(scope, db, f.patientId, null);
    expect(before).toMatchObject({ firstName: "Pat", lastName: "Ient", email: "", dateOfBirth: "" });
    await updateProfile(scope, db, f.patientId, { firstName: "Patricia", lastName: "Ient", email: "pat@example.com", dateOfBirth: "1990-05-01" }, null);
    expect(await readProfile(scope, db, f.patientId, null)).toEqual({ phone: before.phone, firstName: "Patricia", lastName: "Ient", email: "pat@example.com", dateOfBirth: "1990-05-01" });
    const audit = await testDb()
      .forClinic(f.clinic.id)
      .tx((tx) => tx.auditEvent.findMany({ where: { clinicId: f.clinic.id, action: "patient.profile_updated" }, select: { actorId: true, details: true } }));
    expect(audit).toEqual([{ actorId: f.patientId, details: { changed: ["firstName", "email", "dateOfBirth"] } }]);
  });
});

describe("the marketplace account", () => {
  test("lists the patient's visits at two clinics, never another patient's, and logs the view in each clinic", async () => {
    const a = await createScheduleFixture({ doctors: 1 });
    const b = await createScheduleFixture({ doctors: 1, timeZone: "Europe/Berlin" });
    const db = testDb();
    const me = a.patientId;
    const someoneElse = await a.newPatient();
    const book = (f: ScheduleFixture, patientAccountId: string, days: number, hhmm = "10:00") =>
      db
        .forClinic(f.clinic.id)
        .tx((tx) =>
          bookAppointment(tx, f.clinic, { serviceId: f.serviceId, practitionerId: f.doctorIds[0]!, start: localInstant(f.clinic.timeZone, day(f, days), hhmm), patient: { patientAccountId }, channel: "staff" }, staff),
        );
    const atA = await book(a, me, 5);
    const atB = await book(b, me, 3);
    // Booked by B's desk under the typed phone: listed once the patient proves the phone at B.
    await db.forClinic(b.clinic.id).tx((tx) => provePhoneAtClinic(tx, b.clinic.id, me, "sign_in"));
    await book(a, someoneElse, 5, "11:00");
    await book(b, someoneElse, 3, "11:00");
    await book(b, b.patientId, 3, "12:00");

    expect((await clinicsOfPatient(db, me)).sort()).toEqual([a.clinic.id, b.clinic.id].sort());
    expect(await clinicsOfPatient(db, b.patientId)).toEqual([b.clinic.id]);

    const view = await marketplaceAppointments(db, me, null);
    expect(view.upcoming.map((x) => x.id)).toEqual([atB.id, atA.id]);
    expect(view.past).toEqual([]);
    expect(view.upcoming[0]).toMatchObject({ clinic: { id: b.clinic.id, timeZone: "Europe/Berlin", online: true }, status: "Confirmed", payment: "No deposit; pay at the clinic" });
    expect(view.upcoming[0]!.when).toMatch(/10:00 AM (CET|CEST|GMT\+1|GMT\+2)$/);
    expect(view.upcoming[1]!.when).toMatch(/10:00 AM E[SD]T$/);

    for (const f of [a, b]) {
      const viewed = await auditActions(f.clinic.id, me);
      expect(viewed.filter((v) => v.action === "patient.appointments_viewed")).toEqual([{ action: "patient.appointments_viewed", targetId: me }]);
    }
    // Someone with no clinics sees nothing (and nothing is logged anywhere).
    const stranger = await testDb()
      .forPlatform()
      .tx((tx) => tx.patientAccount.create({ data: { phone: `+1888${String(Date.now()).slice(-9)}` } }));
    expect(await marketplaceAppointments(db, stranger.id, null)).toEqual({ upcoming: [], past: [], cancelled: [] });
  });

  test("the runtime role cannot read other patients' clinic records around the named function", async () => {
    const a = await createScheduleFixture({ doctors: 1 });
    const client = await runtimePg();
    try {
      await client.query("BEGIN");
      await client.query(`SELECT set_config('app.patient_index', $1, true)`, [a.patientId]);
      const rows = await client.query(`SELECT clinic_id FROM clinic_patients WHERE patient_account_id = $1`, [a.patientId]);
      expect(rows.rows).toEqual([]);
      const viaFunction = await client.query(`SELECT patient_clinic_ids($1)::text AS id`, [a.patientId]);
      expect(viaFunction.rows).toEqual([{ id: a.clinic.id }]);
      // Nothing else of the table is visible afterwards in the same transaction.
      const after = await client.query(`SELECT count(*)::int AS n FROM clinic_patients`);
      expect(after.rows).toEqual([{ n: 0 }]);
      await client.query("ROLLBACK");
      await expect(client.query(`SELECT patient_clinic_ids('not-a-uuid')`)).rejects.toSatisfy((e: unknown) => sqlStateOf(e) === "22P02");
    } finally {
      await client.end();
    }
  });
});
