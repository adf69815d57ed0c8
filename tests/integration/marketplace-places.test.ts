/**
 * Clinic pages, doctor pages, the map's list and favorites, all read through the published catalog
 * with the runtime role (RLS applies), on the real database.
 */
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { addFavorite, favoriteKeys, listFavorites, removeFavorite } from "~/modules/favorites/favorites.server";
import { getPublishedClinicPage, getPublishedDoctorPage, listClinicPlaces } from "~/modules/marketplace/catalog.server";
import { NotFoundError, ValidationError } from "~/utils/errors.server";
import { createTestClinic, runtimePg, testDb } from "../support/db";
import { createScheduleFixture, type ScheduleFixture } from "../support/scheduling";

afterAll(() => testDb().disconnect());

let fx: ScheduleFixture;
let hiddenServiceId: string;
let inactiveServiceId: string;
let onLeaveDoctorId: string;
let secretaryId: string;
let internalOnlyDoctorId: string;

beforeAll(async () => {
  fx = await createScheduleFixture({ doctors: 2 });
  const db = testDb().forClinic(fx.clinic.id);
  await db.tx(async (tx) => {
    await tx.clinic.update({ where: { id: fx.clinic.id }, data: { city: "Placeville", specialties: ["General practice"], contactEmail: "desk@placeville.test" } });
    const hidden = await tx.service.create({ data: { clinicId: fx.clinic.id, key: "staff-only", name: "Staff-only procedure", durationMin: 20, priceMinor: 1, visibility: "internal_only" } });
    const inactive = await tx.service.create({ data: { clinicId: fx.clinic.id, key: "retired", name: "Retired service", durationMin: 20, priceMinor: 2, visibility: "inactive" } });
    hiddenServiceId = hidden.id;
    inactiveServiceId = inactive.id;
    await tx.serviceDiscount.create({ data: { clinicId: fx.clinic.id, serviceId: fx.serviceId, kind: "weekday", label: "Quiet Tuesday", percent: 10, weekdays: [2] } });
    // A doctor on leave, and one who performs only the internal service: neither is bookable.
    const leaveUser = await tx.staffUser.create({ data: { email: `leave-${fx.clinic.slug}@clinic.test`, name: "Dr. On Leave", passwordHash: "x" } });
    const leave = await tx.clinicMembership.create({ data: { clinicId: fx.clinic.id, staffUserId: leaveUser.id, role: "doctor", workStatus: "on_leave" } });
    await tx.serviceDoctor.create({ data: { clinicId: fx.clinic.id, serviceId: fx.serviceId, doctorId: leave.id } });
    onLeaveDoctorId = leave.id;
    const internalUser = await tx.staffUser.create({ data: { email: `internal-${fx.clinic.slug}@clinic.test`, name: "Dr. Internal", passwordHash: "x" } });
    const internal = await tx.clinicMembership.create({ data: { clinicId: fx.clinic.id, staffUserId: internalUser.id, role: "doctor", workStatus: "active" } });
    await tx.serviceDoctor.create({ data: { clinicId: fx.clinic.id, serviceId: hidden.id, doctorId: internal.id } });
    internalOnlyDoctorId = internal.id;
    const secretaryUser = await tx.staffUser.create({ data: { email: `desk-${fx.clinic.slug}@clinic.test`, name: "Front Desk", passwordHash: "x" } });
    secretaryId = (await tx.clinicMembership.create({ data: { clinicId: fx.clinic.id, staffUserId: secretaryUser.id, role: "secretary" } })).id;
  });
});

describe("clinic page", () => {
  test("shows only publicly offered services, bookable doctors and no staff contacts", async () => {
    const page = await getPublishedClinicPage(testDb(), fx.clinic.slug);
    expect(page).not.toBeNull();
    const serviceIds = page!.services.map((s) => s.id);
    expect(serviceIds).toEqual([fx.serviceId]);
    expect(serviceIds).not.toContain(hiddenServiceId);
    expect(serviceIds).not.toContain(inactiveServiceId);
    expect(page!.services[0]!.discounts).toEqual([{ label: "Quiet Tuesday", percent: 10, text: "Quiet Tuesday: 10% off on Tuesdays" }]);
    expect(page!.doctors.map((d) => d.id).sort()).toEqual([...fx.doctorIds].sort());
    expect(page!.locations.map((l) => l.id)).toEqual([fx.locationId]);
    const text = JSON.stringify(page);
    for (const secret of ["Staff-only procedure", "Retired service", "Dr. On Leave", "Dr. Internal", "Front Desk", "@clinic.test", "desk@placeville.test"]) {
      expect(text).not.toContain(secret);
    }
  });

  test("is not found for an unknown slug, a draft clinic or a suspended one", async () => {
    const draft = await createTestClinic({ status: "draft" });
    const suspended = await createTestClinic({ status: "suspended" });
    expect(await getPublishedClinicPage(testDb(), "no-such-clinic")).toBeNull();
    expect(await getPublishedClinicPage(testDb(), draft.slug)).toBeNull();
    expect(await getPublishedClinicPage(testDb(), suspended.slug)).toBeNull();
  });
});

describe("doctor page", () => {
  test("exists only for a bookable doctor of a live clinic", async () => {
    const found = await getPublishedDoctorPage(testDb(), fx.clinic.slug, fx.doctorIds[0]!);
    expect(found?.doctor).toMatchObject({ id: fx.doctorIds[0], name: "Dr. Test 1", serviceIds: [fx.serviceId], locationIds: [fx.locationId] });
    for (const notBookable of [onLeaveDoctorId, internalOnlyDoctorId, secretaryId]) {
      expect(await getPublishedDoctorPage(testDb(), fx.clinic.slug, notBookable)).toBeNull();
    }
    // Another clinic's address for the same doctor is not a page either.
    const other = await createTestClinic({ status: "live" });
    expect(await getPublishedDoctorPage(testDb(), other.slug, fx.doctorIds[0]!)).toBeNull();
  });

  test("disappears when the clinic goes back to draft", async () => {
    const clinic = await createScheduleFixture({ doctors: 1 });
    expect(await getPublishedDoctorPage(testDb(), clinic.clinic.slug, clinic.doctorIds[0]!)).not.toBeNull();
    await testDb().forClinic(clinic.clinic.id).tx((tx) => tx.clinic.update({ where: { id: clinic.clinic.id }, data: { status: "draft" } }));
    expect(await getPublishedDoctorPage(testDb(), clinic.clinic.slug, clinic.doctorIds[0]!)).toBeNull();
  });
});

test("the map's list filters live clinics by city and specialty", async () => {
  const { clinics, cities, specialties } = await listClinicPlaces(testDb(), { city: "placeville" });
  expect(clinics.map((c) => c.slug)).toEqual([fx.clinic.slug]);
  expect(cities).toContain("Placeville");
  expect(specialties).toContain("General practice");
  const none = await listClinicPlaces(testDb(), { city: "Placeville", specialty: "Astrology" });
  expect(none.clinics).toEqual([]);
});

describe("favorites", () => {
  const marketplace = { clinicId: null };
  const clinicFav = () => ({ kind: "clinic" as const, clinicId: fx.clinic.id, targetId: fx.clinic.id });

  test("adding and removing are idempotent", async () => {
    const patient = await fx.newPatient();
    const change = { patientAccountId: patient, ...clinicFav() };
    await addFavorite(testDb(), marketplace, change);
    await addFavorite(testDb(), marketplace, change);
    await addFavorite(testDb(), marketplace, { patientAccountId: patient, kind: "service", clinicId: fx.clinic.id, targetId: fx.serviceId });
    let list = await listFavorites(testDb(), marketplace, patient);
    expect(list.map((f) => f.kind).sort()).toEqual(["clinic", "service"]);
    await removeFavorite(testDb(), marketplace, change);
    await removeFavorite(testDb(), marketplace, change);
    list = await listFavorites(testDb(), marketplace, patient);
    expect(list.map((f) => `${f.kind}:${f.targetId}`)).toEqual([`service:${fx.serviceId}`]);
  });

  test("only published targets can be saved, and a clinic's site saves only its own", async () => {
    const patient = await fx.newPatient();
    await expect(addFavorite(testDb(), marketplace, { patientAccountId: patient, kind: "service", clinicId: fx.clinic.id, targetId: hiddenServiceId })).rejects.toBeInstanceOf(NotFoundError);
    await expect(addFavorite(testDb(), marketplace, { patientAccountId: patient, kind: "doctor", clinicId: fx.clinic.id, targetId: onLeaveDoctorId })).rejects.toBeInstanceOf(NotFoundError);
    const other = await createScheduleFixture({ doctors: 1 });
    await expect(
      addFavorite(testDb(), { clinicId: fx.clinic.id }, { patientAccountId: patient, kind: "clinic", clinicId: other.clinic.id, targetId: other.clinic.id }),
    ).rejects.toBeInstanceOf(ValidationError);
    expect(await listFavorites(testDb(), marketplace, patient)).toEqual([]);

    // Nor removes another clinic's: the favorite stays, and this clinic's audit log never names it.
    const elsewhere = { patientAccountId: patient, kind: "clinic" as const, clinicId: other.clinic.id, targetId: other.clinic.id };
    await addFavorite(testDb(), marketplace, elsewhere);
    await expect(removeFavorite(testDb(), { clinicId: fx.clinic.id }, elsewhere)).rejects.toBeInstanceOf(ValidationError);
    expect((await listFavorites(testDb(), marketplace, patient)).map((f) => f.targetId)).toEqual([other.clinic.id]);
  });

  test("a patient never sees another patient's favorites, and a clinic's site shows only its own", async () => {
    const alice = await fx.newPatient();
    const bob = await fx.newPatient();
    const other = await createScheduleFixture({ doctors: 1 });
    await addFavorite(testDb(), marketplace, { patientAccountId: alice, ...clinicFav() });
    await addFavorite(testDb(), marketplace, { patientAccountId: alice, kind: "doctor", clinicId: other.clinic.id, targetId: other.doctorIds[0]! });
    await addFavorite(testDb(), marketplace, { patientAccountId: bob, kind: "service", clinicId: fx.clinic.id, targetId: fx.serviceId });

    expect((await listFavorites(testDb(), marketplace, bob)).map((f) => f.targetId)).toEqual([fx.serviceId]);
    expect((await listFavorites(testDb(), marketplace, alice)).map((f) => f.kind).sort()).toEqual(["clinic", "doctor"]);
    expect((await listFavorites(testDb(), { clinicId: fx.clinic.id }, alice)).map((f) => f.kind)).toEqual(["clinic"]);
    expect([...(await favoriteKeys(testDb(), marketplace, bob))]).toEqual([`service:${fx.clinic.id}:${fx.serviceId}`]);

    // Bob cannot remove Alice's favorite by naming it.
    await removeFavorite(testDb(), marketplace, { patientAccountId: bob, ...clinicFav() });
    expect(await listFavorites(testDb(), marketplace, alice)).toHaveLength(2);

    // Underneath, the database refuses too: with Bob named in the transaction, Alice's rows are invisible
    // and cannot be written, even in the clinic's own scope.
    const client = await runtimePg();
    try {
      await client.query("BEGIN");
      await client.query(`SELECT set_config('app.clinic_id', '', true), set_config('app.patient_account_id', $1, true)`, [bob]);
      const seen = await client.query(`SELECT patient_account_id::text AS id FROM favorites`);
      expect(seen.rows.map((r) => r.id)).toEqual([bob]);
      await client.query("ROLLBACK");
      await client.query("BEGIN");
      await client.query(`SELECT set_config('app.clinic_id', $1, true), set_config('app.patient_account_id', $2, true)`, [fx.clinic.id, bob]);
      expect((await client.query(`SELECT 1 FROM favorites WHERE patient_account_id = $1::uuid`, [alice])).rowCount).toBe(0);
      await expect(
        client.query(`INSERT INTO favorites (clinic_id, patient_account_id, kind, target_id) VALUES ($1::uuid, $2::uuid, 'service', $3::uuid)`, [fx.clinic.id, alice, fx.serviceId]),
      ).rejects.toMatchObject({ code: "42501" });
      await client.query("ROLLBACK");
      // The marketplace scope without a patient sees no favorites at all.
      await client.query("BEGIN");
      await client.query(`SELECT set_config('app.clinic_id', '', true)`);
      expect((await client.query(`SELECT 1 FROM favorites`)).rowCount).toBe(0);
      await client.query("ROLLBACK");
    } finally {
      await client.end();
    }
  });

  test("a favorite whose target is no longer published is listed as no longer offered", async () => {
    const clinic = await createScheduleFixture({ doctors: 1 });
    const patient = await clinic.newPatient();
    await addFavorite(testDb(), marketplace, { patientAccountId: patient, kind: "service", clinicId: clinic.clinic.id, targetId: clinic.serviceId });
    await addFavorite(testDb(), marketplace, { patientAccountId: patient, kind: "doctor", clinicId: clinic.clinic.id, targetId: clinic.doctorIds[0]! });
    let list = await listFavorites(testDb(), marketplace, patient);
    expect(list.every((f) => f.target !== null)).toBe(true);

    await testDb()
      .forClinic(clinic.clinic.id)
      .tx((tx) => tx.service.update({ where: { clinicId_id: { clinicId: clinic.clinic.id, id: clinic.serviceId } }, data: { visibility: "internal_only" } }));
    list = await listFavorites(testDb(), marketplace, patient);
    const byKind = Object.fromEntries(list.map((f) => [f.kind, f]));
    expect(byKind.service!.target).toBeNull();
    // The doctor performs no published service any more, so is not bookable either.
    expect(byKind.doctor!.target).toBeNull();

    // It can still be removed.
    await removeFavorite(testDb(), marketplace, { patientAccountId: patient, kind: "service", clinicId: clinic.clinic.id, targetId: clinic.serviceId });
    expect((await listFavorites(testDb(), marketplace, patient)).map((f) => f.kind)).toEqual(["doctor"]);
  });

  test("viewing the list is recorded in the audit log", async () => {
    const patient = await fx.newPatient();
    await listFavorites(testDb(), marketplace, patient, { ip: "203.0.113.9", userAgent: "test", requestId: "r1" });
    const events = await testDb()
      .forPlatform()
      .tx((tx) => tx.auditEvent.findMany({ where: { actorId: patient, action: "patient.favorites_viewed" } }));
    expect(events).toHaveLength(1);
  });
});
