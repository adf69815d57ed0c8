/**
 * Merging two records of one patient at a clinic: the desk picks the record to keep, and the
 * other's own visits, requests, chart notes and treatment plan move to it. The merged record is
 * hidden from the desk, not deleted, and the merge keeps the ids it moved, so for 30 days it can be
 * undone exactly: those rows go back and the record shows again. Both steps are audited.
 *
 * Family members' visits stay where they are: a family member belongs to the account that holds
 * them (the phone), not to one clinic's record. Chart notes are otherwise unchangeable; the
 * database lets a note's patient change only inside a recorded merge or its undo (migration
 * 20261207030300_patient_merges).
 */
import { z } from "zod";
import { Prisma } from "~/generated/prisma/client";
import { recordAudit } from "~/modules/audit/audit.server";
import { formatPhone } from "~/lib/phone";
import type { Actor } from "~/lib/actor";
import type { ClinicRef } from "~/modules/scheduling/slots.server";
import type { ClinicDb, Tx } from "~/utils/db.server";
import { firstMessage } from "~/lib/form-errors";

export const MERGE_UNDO_DAYS = 30;

/** The tables whose rows belong to a clinic's record of a patient, by the key the merge stores. */
const MOVED_TABLES = {
  appointments: "appointments",
  flexibleRequests: "flexible_requests",
  chartNotes: "chart_notes",
  treatmentPlanItems: "treatment_plan_items",
} as const;
type MovedKey = keyof typeof MOVED_TABLES;
type Moved = Record<MovedKey, string[]>;

export const mergeForm = z
  .object({
    keepId: z.string().uuid("Choose the record to keep."),
    mergeId: z.string().uuid("Choose the duplicate record."),
  })
  .refine((v) => v.keepId !== v.mergeId, { message: "Choose two different records.", path: ["mergeId"] });

export type MergeAnswer = { ok: true; mergeId: string; moved: number } | { ok: false; message: string };

const actorId = (actor: Actor) => actor.id ?? actor.type;

async function inMerge(tx: Tx, mergeId: string | null) {
  // Transaction-local: the chart-note guard reads it to allow exactly this merge's moves.
  await tx.$queryRaw`SELECT set_config('app.patient_merge', ${mergeId ?? ""}, true)`;
}

/** Merges the duplicate record into the kept one (both this clinic's, neither merged already). */
export async function mergePatients(db: ClinicDb, clinic: ClinicRef, raw: z.input<typeof mergeForm>, actor: Actor): Promise<MergeAnswer> {
  const parsed = mergeForm.safeParse(raw);
  if (!parsed.success) return { ok: false, message: firstMessage(parsed.error, "Choose two records.") };
  const { keepId, mergeId } = parsed.data;
  return db.tx(async (tx): Promise<MergeAnswer> => {
    // Locked in a fixed order, so two desks merging the same pair both ways cannot deadlock.
    const records = await tx.$queryRaw<{ patient_account_id: string }[]>`
      SELECT patient_account_id::text FROM clinic_patients
       WHERE clinic_id = ${clinic.id}::uuid AND patient_account_id IN (${keepId}::uuid, ${mergeId}::uuid) AND merged_into_patient_account_id IS NULL
       ORDER BY patient_account_id FOR UPDATE`;
    if (records.length !== 2) return { ok: false, message: "Both records must be current patients of this clinic." };
    const merge = await tx.patientMerge.create({ data: { clinicId: clinic.id, keptPatientAccountId: keepId, mergedPatientAccountId: mergeId, moved: {}, mergedBy: actorId(actor) }, select: { id: true } });
    await inMerge(tx, merge.id);
    const moved = {} as Moved;
    for (const [key, table] of Object.entries(MOVED_TABLES) as [MovedKey, string][]) {
      const rows = await tx.$queryRaw<{ id: string }[]>(Prisma.sql`
        UPDATE ${Prisma.raw(table)} SET patient_account_id = ${keepId}::uuid
         WHERE clinic_id = ${clinic.id}::uuid AND patient_account_id = ${mergeId}::uuid AND dependent_id IS NULL
        RETURNING id::text`);
      moved[key] = rows.map((r) => r.id);
    }
    await inMerge(tx, null);
    await tx.patientMerge.update({ where: { clinicId_id: { clinicId: clinic.id, id: merge.id } }, data: { moved } });
    await tx.clinicPatient.update({ where: { clinicId_patientAccountId: { clinicId: clinic.id, patientAccountId: mergeId } }, data: { mergedIntoPatientAccountId: keepId } });
    const counts = Object.fromEntries(Object.entries(moved).map(([k, ids]) => [k, ids.length]));
    await recordAudit(tx, { clinicId: clinic.id, actor: { type: "staff", id: actor.id }, action: "patient.merged", target: { type: "patient", id: keepId }, request: actor.request ?? null, details: { mergeId: merge.id, mergedPatientAccountId: mergeId, moved: counts } });
    return { ok: true, mergeId: merge.id, moved: Object.values(moved).reduce((n, ids) => n + ids.length, 0) };
  });
}

/** Undoes a merge within 30 days: what it moved goes back, and the merged record shows again. */
export async function undoPatientMerge(db: ClinicDb, clinic: ClinicRef, mergeId: string, actor: Actor, now = new Date()): Promise<{ ok: true } | { ok: false; message: string }> {
  if (!z.string().uuid().safeParse(mergeId).success) return { ok: false, message: "There is no such merge at this clinic." };
  return db.tx(async (tx) => {
    const locked = await tx.$queryRaw<{ id: string }[]>`SELECT id::text FROM patient_merges WHERE clinic_id = ${clinic.id}::uuid AND id = ${mergeId}::uuid FOR UPDATE`;
    if (!locked.length) return { ok: false as const, message: "There is no such merge at this clinic." };
    const merge = await tx.patientMerge.findUniqueOrThrow({ where: { clinicId_id: { clinicId: clinic.id, id: mergeId } } });
    if (merge.undoneAt) return { ok: false as const, message: "This merge was already undone." };
    if (now.getTime() - merge.mergedAt.getTime() > MERGE_UNDO_DAYS * 86_400_000) {
      return { ok: false as const, message: `A merge can be undone for ${MERGE_UNDO_DAYS} days; this one is older.` };
    }
    // Marked undone first: the chart-note guard allows the move back only for an undone merge.
    await tx.patientMerge.update({ where: { clinicId_id: { clinicId: clinic.id, id: mergeId } }, data: { undoneAt: now, undoneBy: actorId(actor) } });
    await inMerge(tx, mergeId);
    const moved = (merge.moved ?? {}) as Partial<Moved>;
    let back = 0;
    for (const [key, table] of Object.entries(MOVED_TABLES) as [MovedKey, string][]) {
      const ids = moved[key] ?? [];
      if (!ids.length) continue;
      // Only rows still on the kept record: one cancelled or moved since stays as it is now.
      back += await tx.$executeRaw(Prisma.sql`
        UPDATE ${Prisma.raw(table)} SET patient_account_id = ${merge.mergedPatientAccountId}::uuid
         WHERE clinic_id = ${clinic.id}::uuid AND patient_account_id = ${merge.keptPatientAccountId}::uuid AND id = ANY(${ids}::uuid[])`);
    }
    await inMerge(tx, null);
    await tx.clinicPatient.update({ where: { clinicId_patientAccountId: { clinicId: clinic.id, patientAccountId: merge.mergedPatientAccountId } }, data: { mergedIntoPatientAccountId: null } });
    await recordAudit(tx, { clinicId: clinic.id, actor: { type: "staff", id: actor.id }, action: "patient.merge_undone", target: { type: "patient", id: merge.keptPatientAccountId }, request: actor.request ?? null, details: { mergeId, mergedPatientAccountId: merge.mergedPatientAccountId, movedBack: back } });
    return { ok: true as const };
  });
}

export interface MergeView {
  id: string;
  keptName: string;
  mergedName: string;
  mergedPhone: string;
  mergedAt: Date;
  undoUntil: Date;
  canUndo: boolean;
}

/** The clinic's merges of the last 30 days that involve this record, newest first (a view of names, audited by the page). */
export async function recentMerges(tx: Tx, clinic: ClinicRef, patientAccountId: string, now = new Date()): Promise<MergeView[]> {
  const since = new Date(now.getTime() - MERGE_UNDO_DAYS * 86_400_000);
  const rows = await tx.$queryRaw<{ id: string; kept: string | null; merged: string | null; phone: string; merged_at: Date; undone_at: Date | null }[]>`
    SELECT m.id::text, concat_ws(' ', k.first_name, k.last_name) AS kept, concat_ws(' ', d.first_name, d.last_name) AS merged, p.phone, m.merged_at, m.undone_at
      FROM patient_merges m
      JOIN clinic_patients k ON k.clinic_id = m.clinic_id AND k.patient_account_id = m.kept_patient_account_id
      JOIN clinic_patients d ON d.clinic_id = m.clinic_id AND d.patient_account_id = m.merged_patient_account_id
      JOIN patient_accounts p ON p.id = m.merged_patient_account_id
     WHERE m.clinic_id = ${clinic.id}::uuid AND m.merged_at >= ${since} AND m.undone_at IS NULL
       AND m.kept_patient_account_id = ${patientAccountId}::uuid
     ORDER BY m.merged_at DESC`;
  return rows.map((r) => {
    const undoUntil = new Date(r.merged_at.getTime() + MERGE_UNDO_DAYS * 86_400_000);
    return { id: r.id, keptName: r.kept || "No name on file", mergedName: r.merged || "No name on file", mergedPhone: formatPhone(r.phone), mergedAt: r.merged_at, undoUntil, canUndo: !r.undone_at && undoUntil > now };
  });
}
