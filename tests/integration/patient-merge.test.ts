/**
 * Merging two records of one patient at the desk, on the real database: the duplicate's visits,
 * requests and chart notes move to the kept record, the merge is audited, and for 30 days an undo
 * puts back exactly what moved; after that it is refused. A merge never reaches another clinic's
 * records, and chart notes stay unchangeable outside a merge.
 */
import { randomUUID } from "node:crypto";
import { afterAll, describe, expect, test } from "vitest";
import { findPhonePatients } from "~/modules/front-desk/phone-booking.server";
import { mergePatients, recentMerges, undoPatientMerge } from "~/modules/patients/patient-merge.server";
import type { Actor } from "~/lib/actor";
import { testDb } from "../support/db";
import { insertAppointment } from "../support/messages";
import { createScheduleFixture, type ScheduleFixture } from "../support/scheduling";

afterAll(() => testDb().disconnect());

const staff: Actor = { type: "staff", id: "00000000-0000-4000-8000-0000000000d1", request: null };

async function named(f: ScheduleFixture, first: string, last: string) {
  const id = await f.newPatient();
  await testDb()
    .forClinic(f.clinic.id)
    .tx((tx) => tx.clinicPatient.update({ where: { clinicId_patientAccountId: { clinicId: f.clinic.id, patientAccountId: id } }, data: { firstName: first, lastName: last } }));
  return id;
}

async function chartNote(f: ScheduleFixture, patientAccountId: string) {
  return testDb()
    .forClinic(f.clinic.id)
    .tx(async (tx) => {
      const doctor = await tx.clinicMembership.findFirstOrThrow({ where: { clinicId: f.clinic.id, id: f.doctorIds[0]! }, select: { id: true, staffUserId: true } });
      const id = randomUUID();
      await tx.chartNote.create({ data: { clinicId: f.clinic.id, id, noteId: id, version: 1, patientAccountId, authorMembershipId: doctor.id, authorStaffUserId: doctor.staffUserId, body: "Knee pain, left." } });
      return id;
    });
}

const ownerOf = async (f: ScheduleFixture, table: "appointment" | "chartNote", id: string): Promise<string | null> =>
  testDb()
    .forClinic(f.clinic.id)
    .tx(async (tx) =>
      table === "appointment"
        ? (await tx.appointment.findUniqueOrThrow({ where: { clinicId_id: { clinicId: f.clinic.id, id } }, select: { patientAccountId: true } })).patientAccountId
        : (await tx.chartNote.findUniqueOrThrow({ where: { clinicId_id: { clinicId: f.clinic.id, id } }, select: { patientAccountId: true } })).patientAccountId,
    );

async function duplicates() {
  const f = await createScheduleFixture({ doctors: 1 });
  const brian = await named(f, "Brian", "Thompson");
  const dup = await named(f, "Brian", "Thomson");
  const visit = await insertAppointment(f, { patientAccountId: dup });
  const note = await chartNote(f, dup);
  const ownVisit = await insertAppointment(f, { patientAccountId: brian });
  return { f, brian, dup, visit, note, ownVisit };
}

describe("merging duplicate records", () => {
  test("moves the duplicate's visits and notes to the kept record, hides it, and is audited", async () => {
    const { f, brian, dup, visit, note, ownVisit } = await duplicates();
    const merged = await mergePatients(testDb().forClinic(f.clinic.id), f.clinic, { keepId: brian, mergeId: dup }, staff);
    if (!merged.ok) throw new Error(merged.message);
    expect(merged.moved).toBe(2);
    expect(await ownerOf(f, "appointment", visit.id)).toBe(brian);
    expect(await ownerOf(f, "chartNote", note)).toBe(brian);
    expect(await ownerOf(f, "appointment", ownVisit.id)).toBe(brian);
    expect((await findPhonePatients(testDb().forClinic(f.clinic.id), f.clinic, "brian", staff)).map((p) => p.id)).toEqual([brian]);
    const audit = await testDb()
      .forClinic(f.clinic.id)
      .tx((tx) => tx.auditEvent.findMany({ where: { clinicId: f.clinic.id, action: "patient.merged" } }));
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ targetId: brian, details: { mergeId: merged.mergeId, mergedPatientAccountId: dup, moved: { appointments: 1, chartNotes: 1 } } });
    const list = await testDb().forClinic(f.clinic.id).tx((tx) => recentMerges(tx, f.clinic, brian));
    expect(list.map((m) => [m.id, m.mergedName, m.canUndo])).toEqual([[merged.mergeId, "Brian Thomson", true]]);
  });

  test("undo within 30 days puts back exactly what moved and shows both records again", async () => {
    const { f, brian, dup, visit, note, ownVisit } = await duplicates();
    const merged = await mergePatients(testDb().forClinic(f.clinic.id), f.clinic, { keepId: brian, mergeId: dup }, staff);
    if (!merged.ok) throw new Error(merged.message);
    const undone = await undoPatientMerge(testDb().forClinic(f.clinic.id), f.clinic, merged.mergeId, staff, new Date(Date.now() + 29 * 86_400_000));
    expect(undone).toEqual({ ok: true });
    expect(await ownerOf(f, "appointment", visit.id)).toBe(dup);
    expect(await ownerOf(f, "chartNote", note)).toBe(dup);
    expect(await ownerOf(f, "appointment", ownVisit.id)).toBe(brian);
    expect((await findPhonePatients(testDb().forClinic(f.clinic.id), f.clinic, "brian", staff)).map((p) => p.id).sort()).toEqual([brian, dup].sort());
    const audit = await testDb()
      .forClinic(f.clinic.id)
      .tx((tx) => tx.auditEvent.count({ where: { clinicId: f.clinic.id, action: "patient.merge_undone" } }));
    expect(audit).toBe(1);
    expect(await undoPatientMerge(testDb().forClinic(f.clinic.id), f.clinic, merged.mergeId, staff)).toMatchObject({ ok: false, message: expect.stringContaining("already undone") });
  });

  test("undo is refused after 30 days, and nothing moves back", async () => {
    const { f, brian, dup, visit } = await duplicates();
    const merged = await mergePatients(testDb().forClinic(f.clinic.id), f.clinic, { keepId: brian, mergeId: dup }, staff);
    if (!merged.ok) throw new Error(merged.message);
    const late = await undoPatientMerge(testDb().forClinic(f.clinic.id), f.clinic, merged.mergeId, staff, new Date(Date.now() + 31 * 86_400_000));
    expect(late).toMatchObject({ ok: false, message: expect.stringContaining("30 days") });
    expect(await ownerOf(f, "appointment", visit.id)).toBe(brian);
  });

  test("another clinic's records cannot be merged, and another clinic cannot undo or list a merge", async () => {
    const { f, brian, dup, visit } = await duplicates();
    const g = await createScheduleFixture({ doctors: 1 });
    const theirs = await named(g, "Brian", "Thompson");
    expect(await mergePatients(testDb().forClinic(g.clinic.id), g.clinic, { keepId: theirs, mergeId: dup }, staff)).toMatchObject({ ok: false });
    expect(await mergePatients(testDb().forClinic(f.clinic.id), f.clinic, { keepId: brian, mergeId: theirs }, staff)).toMatchObject({ ok: false });
    expect(await ownerOf(f, "appointment", visit.id)).toBe(dup);

    const merged = await mergePatients(testDb().forClinic(f.clinic.id), f.clinic, { keepId: brian, mergeId: dup }, staff);
    if (!merged.ok) throw new Error(merged.message);
    expect(await undoPatientMerge(testDb().forClinic(g.clinic.id), g.clinic, merged.mergeId, staff)).toMatchObject({ ok: false, message: expect.stringContaining("no such merge") });
    expect(await testDb().forClinic(g.clinic.id).tx((tx) => recentMerges(tx, g.clinic, brian))).toEqual([]);
    expect(await ownerOf(f, "appointment", visit.id)).toBe(brian);
  });

  test("a chart note's patient still cannot be changed outside a merge", async () => {
    const { f, brian, note } = await duplicates();
    await expect(
      testDb()
        .forClinic(f.clinic.id)
        .tx((tx) => tx.chartNote.update({ where: { clinicId_id: { clinicId: f.clinic.id, id: note } }, data: { patientAccountId: brian } })),
    ).rejects.toThrow(/cannot be changed/);
  });

  test("a record cannot be merged into itself or twice", async () => {
    const { f, brian, dup } = await duplicates();
    expect(await mergePatients(testDb().forClinic(f.clinic.id), f.clinic, { keepId: brian, mergeId: brian }, staff)).toMatchObject({ ok: false, message: "Choose two different records." });
    expect((await mergePatients(testDb().forClinic(f.clinic.id), f.clinic, { keepId: brian, mergeId: dup }, staff)).ok).toBe(true);
    expect((await mergePatients(testDb().forClinic(f.clinic.id), f.clinic, { keepId: brian, mergeId: dup }, staff)).ok).toBe(false);
  });
});
