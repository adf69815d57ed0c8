/**
 * The desk's patient records on the real database: adding a "new" patient with the phone of an
 * existing one never renames them; the match is shown and the desk chooses (this patient, or
 * someone else on the same phone, kept as a separate person); search shows date of birth and age.
 */
import { afterAll, describe, expect, test } from "vitest";
import { createPhonePatient, findPhonePatients, setPatientDateOfBirth } from "~/modules/front-desk/phone-booking.server";
import type { Actor } from "~/lib/actor";
import { addDays, utcToZoned } from "~/lib/zoned-time";
import { testDb } from "../support/db";
import { createScheduleFixture } from "../support/scheduling";

// Numbers the desk's phone check accepts (New York mobiles in the 555-01xx fictional range).
let next = 100;
const fictitiousPhone = () => `+1917555${String(next++).padStart(4, "0")}`;

afterAll(() => testDb().disconnect());

const staff: Actor = { type: "staff", id: "00000000-0000-4000-8000-0000000000d1" };

async function brian() {
  const f = await createScheduleFixture({ doctors: 1 });
  const phone = fictitiousPhone();
  const created = await createPhonePatient(testDb().forClinic(f.clinic.id), f.clinic, { phone, firstName: "Brian", lastName: "Thompson" }, staff);
  if (!created.ok) throw new Error(JSON.stringify(created));
  return { f, phone, brianId: created.patientId };
}

const clinicRecord = (clinicId: string, patientAccountId: string) =>
  testDb().forClinic(clinicId).tx((tx) => tx.clinicPatient.findUniqueOrThrow({ where: { clinicId_patientAccountId: { clinicId, patientAccountId } } }));

describe("adding a patient whose phone the clinic already has", () => {
  test("the existing record is shown and asked about; nothing is renamed", async () => {
    const { f, phone, brianId } = await brian();
    const answer = await createPhonePatient(testDb().forClinic(f.clinic.id), f.clinic, { phone, firstName: "Bryan", lastName: "Thomson" }, staff);
    expect(answer.ok).toBe(false);
    if (answer.ok || answer.kind !== "match") throw new Error(`expected a match, got ${JSON.stringify(answer)}`);
    expect(answer.matches.map((m) => [m.id, m.name])).toEqual([[brianId, "Brian Thompson"]]);
    expect(await clinicRecord(f.clinic.id, brianId)).toMatchObject({ firstName: "Brian", lastName: "Thompson" });
  });

  test("an email the clinic already has is a match too", async () => {
    const f = await createScheduleFixture({ doctors: 1 });
    const first = await createPhonePatient(testDb().forClinic(f.clinic.id), f.clinic, { phone: fictitiousPhone(), firstName: "Grace", lastName: "Hopper", email: "grace@example.test" }, staff);
    if (!first.ok) throw new Error(JSON.stringify(first));
    const answer = await createPhonePatient(testDb().forClinic(f.clinic.id), f.clinic, { phone: fictitiousPhone(), firstName: "Grace", lastName: "Hoper", email: "GRACE@example.test" }, staff);
    expect(!answer.ok && answer.kind === "match" && answer.matches.map((m) => m.id)).toEqual([first.patientId]);
  });

  test("someone else on the same phone is kept as a separate person of that phone; Brian keeps his name", async () => {
    const { f, phone, brianId } = await brian();
    const answer = await createPhonePatient(testDb().forClinic(f.clinic.id), f.clinic, { phone, firstName: "Bryan", lastName: "Thomson", match: "someone-else", relationship: "sibling", dateOfBirth: "2001-04-02" }, staff);
    if (!answer.ok) throw new Error(JSON.stringify(answer));
    expect(answer.patientId).toBe(brianId);
    expect(answer.dependentId).toBeTruthy();
    expect(await clinicRecord(f.clinic.id, brianId)).toMatchObject({ firstName: "Brian", lastName: "Thompson" });
    const [found] = await findPhonePatients(testDb().forClinic(f.clinic.id), f.clinic, phone, staff);
    expect(found!.name).toBe("Brian Thompson");
    expect(found!.dependents).toEqual([expect.objectContaining({ id: answer.dependentId, name: "Bryan Thomson", relationship: "sibling", dateOfBirth: "2001-04-02" })]);
  });

  test("the clinic's software booking an existing phone under another name does not rename the record either", async () => {
    const { f, phone, brianId } = await brian();
    const { ensureClinicPatient } = await import("~/modules/patients/clinic-patients.server");
    await testDb().forClinic(f.clinic.id).tx((tx) => ensureClinicPatient(tx, f.clinic.id, { phone, firstName: "Bryan", lastName: "Thomson", email: "b@example.test" }));
    expect(await clinicRecord(f.clinic.id, brianId)).toMatchObject({ firstName: "Brian", lastName: "Thompson", email: "b@example.test" });
  });
});

test("a phone known only at another clinic is no match here, and that clinic's record keeps its name", async () => {
  const { f, phone, brianId } = await brian();
  const g = await createScheduleFixture({ doctors: 1 });
  const answer = await createPhonePatient(testDb().forClinic(g.clinic.id), g.clinic, { phone, firstName: "Bryan", lastName: "Thomson" }, staff);
  if (!answer.ok) throw new Error(`expected a new record at the other clinic, got ${JSON.stringify(answer)}`);
  expect(await clinicRecord(f.clinic.id, brianId)).toMatchObject({ firstName: "Brian", lastName: "Thompson" });
  expect((await findPhonePatients(testDb().forClinic(g.clinic.id), g.clinic, phone, staff)).map((p) => p.name)).toEqual(["Bryan Thomson"]);
});

describe("date of birth on the clinic's record", () => {
  test("search shows date of birth and age; the desk can enter it later", async () => {
    const f = await createScheduleFixture({ doctors: 1 });
    const today = utcToZoned(new Date(), f.clinic.timeZone).date;
    const tenYearsAgoTomorrow = `${Number(today.slice(0, 4)) - 10}${addDays(today, 1).slice(4)}`;
    const created = await createPhonePatient(testDb().forClinic(f.clinic.id), f.clinic, { phone: fictitiousPhone(), firstName: "Ada", lastName: "Byron", dateOfBirth: "1990-12-10" }, staff);
    if (!created.ok) throw new Error(JSON.stringify(created));
    const [ada] = await findPhonePatients(testDb().forClinic(f.clinic.id), f.clinic, "ada byron", staff);
    expect(ada).toMatchObject({ dateOfBirth: "1990-12-10" });
    expect(ada!.age).toBe(Number(today.slice(0, 4)) - 1990 - (today.slice(5) < "12-10" ? 1 : 0));

    const set = await setPatientDateOfBirth(testDb().forClinic(f.clinic.id), f.clinic, { patientId: created.patientId, dateOfBirth: tenYearsAgoTomorrow }, staff);
    expect(set.ok).toBe(true);
    const [again] = await findPhonePatients(testDb().forClinic(f.clinic.id), f.clinic, "ada byron", staff);
    expect(again).toMatchObject({ dateOfBirth: tenYearsAgoTomorrow, age: 9 });
    const audit = await testDb().forClinic(f.clinic.id).tx((tx) => tx.auditEvent.findMany({ where: { clinicId: f.clinic.id, action: "patient.date_of_birth_set" } }));
    expect(audit).toHaveLength(1);
  });

  test("a date of birth in the future is a form message, not a saved change", async () => {
    const f = await createScheduleFixture({ doctors: 1 });
    const created = await createPhonePatient(testDb().forClinic(f.clinic.id), f.clinic, { phone: fictitiousPhone(), firstName: "Al", lastName: "Future", dateOfBirth: "2999-01-01" }, staff);
    expect(!created.ok && "fieldErrors" in created && created.fieldErrors.dateOfBirth).toMatch(/future/);
    expect(await findPhonePatients(testDb().forClinic(f.clinic.id), f.clinic, "al future", staff)).toEqual([]);
  });

  test("another clinic cannot set a date of birth on this clinic's patient", async () => {
    const { brianId } = await brian();
    const g = await createScheduleFixture({ doctors: 1 });
    const set = await setPatientDateOfBirth(testDb().forClinic(g.clinic.id), g.clinic, { patientId: brianId, dateOfBirth: "1980-01-01" }, staff);
    expect(set.ok).toBe(false);
  });
});
