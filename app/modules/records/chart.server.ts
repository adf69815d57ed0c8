/**
 * The clinical part of a patient's chart: notes per visit (versioned, never edited in place, locked
 * once signed or 24 hours old) and the treatment plan (items, some marked for the patient to see).
 * Only a doctor of the patient reaches these functions; every change is audited in its transaction.
 */
import { z } from "zod";
import type { TreatmentPlanItemStatus } from "~/generated/prisma/enums";
import { recordAudit, type AuditActor, type AuditRequestContext } from "~/modules/audit/audit.server";
import { formatDateTime } from "~/lib/format";
import type { ClinicRef } from "~/modules/scheduling/slots.server";
import type { Tx } from "~/utils/db.server";
import { NotFoundError, ValidationError } from "~/utils/errors.server";
import type { PatientRef } from "./access.server";
import { PLAN_STATUS_WORDS } from "./words";
import { chainNotes, noteChangeRefusal, NOTE_REFUSAL_WORDS, type NoteVersion } from "./notes";

const PLAN_STATUSES = ["planned", "in_progress", "done", "cancelled"] as const;

export interface NoteVersionView {
  id: string;
  version: number;
  body: string;
  amendReason: string | null;
  at: string;
  atIso: string;
}

export interface NoteView {
  noteId: string;
  appointmentId: string | null;
  author: string;
  mine: boolean;
  current: NoteVersionView;
  /** Older versions, newest first. */
  history: NoteVersionView[];
  writtenAt: string;
  signedAt: string | null;
  locked: boolean;
  lockedWords: string | null;
  locksAt: string;
  canChange: boolean;
}

export interface PlanItemView {
  id: string;
  title: string;
  details: string | null;
  status: TreatmentPlanItemStatus;
  statusWords: string;
  visibleToPatient: boolean;
  targetDate: string | null;
  updatedBy: string;
  updatedAt: string;
}

export interface ChartView {
  notes: NoteView[];
  plan: PlanItemView[];
}

export async function chartOf(tx: Tx, clinic: ClinicRef, ref: PatientRef, staffUserId: string, now = new Date()): Promise<ChartView> {
  const rows = await tx.$queryRaw<(Omit<NoteVersion, "id"> & { id: string; appointmentId: string | null; author: string })[]>`
    SELECT n.id::text AS id, n.note_id::text AS "noteId", n.version, n.author_staff_user_id::text AS "authorStaffUserId", n.body,
           n.amend_reason AS "amendReason", n.created_at AS "createdAt", n.signed_at AS "signedAt", n.appointment_id::text AS "appointmentId", u.name AS author
      FROM chart_notes n JOIN staff_users u ON u.id = n.author_staff_user_id
     WHERE n.clinic_id = ${clinic.id}::uuid AND n.patient_account_id = ${ref.patientAccountId}::uuid AND n.dependent_id IS NOT DISTINCT FROM ${ref.dependentId}::uuid`;
  const tz = clinic.timeZone;
  const versionView = (v: NoteVersion): NoteVersionView => ({ id: v.id, version: v.version, body: v.body, amendReason: v.amendReason, at: formatDateTime(v.createdAt, tz), atIso: v.createdAt.toISOString() });
  const notes = chainNotes(rows, now).map((c): NoteView => {
    const first = c.first as (typeof rows)[number];
    return {
      noteId: c.noteId,
      appointmentId: first.appointmentId,
      author: first.author,
      mine: first.authorStaffUserId === staffUserId,
      current: versionView(c.current),
      history: c.versions.slice(1).map(versionView),
      writtenAt: formatDateTime(c.first.createdAt, tz),
      signedAt: c.signedAt ? formatDateTime(c.signedAt, tz) : null,
      locked: c.locked,
      lockedWords: c.lockedBecause === "signed" ? "Signed and locked" : c.lockedBecause === "time" ? "Locked after 24 hours" : null,
      locksAt: formatDateTime(c.locksAt, tz),
      canChange: noteChangeRefusal(c, staffUserId) === null,
    };
  });
  const items = await tx.$queryRaw<{ id: string; title: string; details: string | null; status: TreatmentPlanItemStatus; visible_to_patient: boolean; target_date: Date | null; updated_by: string; updated_at: Date }[]>`
    SELECT i.id::text, i.title, i.details, i.status, i.visible_to_patient, i.target_date, u.name AS updated_by, i.updated_at
      FROM treatment_plan_items i JOIN staff_users u ON u.id = i.updated_by_staff_user_id
     WHERE i.clinic_id = ${clinic.id}::uuid AND i.patient_account_id = ${ref.patientAccountId}::uuid AND i.dependent_id IS NOT DISTINCT FROM ${ref.dependentId}::uuid
     ORDER BY (i.status IN ('done', 'cancelled')), i.target_date NULLS LAST, i.created_at, i.id`;
  return {
    notes,
    plan: items.map((i) => ({
      id: i.id,
      title: i.title,
      details: i.details,
      status: i.status,
      statusWords: PLAN_STATUS_WORDS[i.status],
      visibleToPatient: i.visible_to_patient,
      targetDate: i.target_date ? i.target_date.toISOString().slice(0, 10) : null,
      updatedBy: i.updated_by,
      updatedAt: formatDateTime(i.updated_at, tz),
    })),
  };
}

const body = z.string().trim().min(1, "Write the note.").max(20000, "A note holds at most 20,000 characters.");
const optionalUuid = z.preprocess((v) => (v === "" || v === null ? undefined : v), z.string().uuid().optional());
const checkbox = z.preprocess((v) => v === "on" || v === "true" || v === "1", z.boolean());
const targetDate = z.preprocess(
  (v) => (v === "" || v === null ? undefined : v),
  z
    .string()
    .regex(/^\d{4}-\d{2}-\d{2}$/, "Enter the date as YYYY-MM-DD.")
    .refine((d) => !Number.isNaN(new Date(`${d}T00:00:00Z`).getTime()) && new Date(`${d}T00:00:00Z`).toISOString().slice(0, 10) === d, "This date does not exist.")
    .optional(),
);

export const chartForm = z.discriminatedUnion("intent", [
  z.object({ intent: z.literal("add-note"), body, appointmentId: optionalUuid }),
  z.object({
    intent: z.literal("amend-note"),
    noteId: z.string().uuid(),
    expectedVersion: z.coerce.number().int().min(1),
    body,
    amendReason: z.string().trim().min(3, "Say why the note is amended (at least 3 characters).").max(500),
  }),
  z.object({ intent: z.literal("sign-note"), noteId: z.string().uuid() }),
  z.object({
    intent: z.literal("add-plan-item"),
    title: z.string().trim().min(1, "Name the step of the plan.").max(200, "Keep the title under 200 characters."),
    details: z.string().trim().max(2000, "Keep the details under 2,000 characters.").optional().default(""),
    targetDate,
    visibleToPatient: checkbox,
  }),
  z.object({ intent: z.literal("update-plan-item"), itemId: z.string().uuid(), status: z.enum(PLAN_STATUSES), visibleToPatient: checkbox }),
]);
export type ChartForm = z.infer<typeof chartForm>;

export interface ChartActor {
  staffUserId: string;
  doctorMembershipId: string;
  audit: { actor: AuditActor; request: AuditRequestContext | null };
}

export type ChartAnswer = { ok: true; message: string } | { ok: false; message: string; field?: string };

async function noteVersions(tx: Tx, clinicId: string, ref: PatientRef, noteId: string) {
  const rows = await tx.$queryRaw<(NoteVersion & { appointmentId: string | null })[]>`
    SELECT id::text, note_id::text AS "noteId", version, author_staff_user_id::text AS "authorStaffUserId", body, amend_reason AS "amendReason",
           created_at AS "createdAt", signed_at AS "signedAt", appointment_id::text AS "appointmentId"
      FROM chart_notes
     WHERE clinic_id = ${clinicId}::uuid AND note_id = ${noteId}::uuid AND patient_account_id = ${ref.patientAccountId}::uuid
       AND dependent_id IS NOT DISTINCT FROM ${ref.dependentId}::uuid
     FOR UPDATE`;
  if (!rows.length) throw new NotFoundError("No such note in this chart.");
  return rows;
}

/** One change to the chart, in the caller's transaction (whose access check it follows). */
export async function changeChart(tx: Tx, clinic: ClinicRef, ref: PatientRef, form: ChartForm, who: ChartActor, now = new Date()): Promise<ChartAnswer> {
  const target = { type: "patient", id: ref.patientAccountId };
  const audit = (action: string, details: Record<string, unknown>) => recordAudit(tx, { clinicId: clinic.id, actor: who.audit.actor, action, target, request: who.audit.request, details: { dependentId: ref.dependentId, ...details } });
  switch (form.intent) {
    case "add-note": {
      if (form.appointmentId) {
        const visit = await tx.$queryRaw<{ ok: number }[]>`
          SELECT 1 AS ok FROM appointments WHERE clinic_id = ${clinic.id}::uuid AND id = ${form.appointmentId}::uuid
             AND patient_account_id = ${ref.patientAccountId}::uuid AND dependent_id IS NOT DISTINCT FROM ${ref.dependentId}::uuid`;
        if (!visit.length) return { ok: false, message: "Pick one of this patient's visits.", field: "appointmentId" };
      }
      const rows = await tx.$queryRaw<{ id: string }[]>`
        WITH fresh AS (SELECT gen_random_uuid() AS id)
        INSERT INTO chart_notes (clinic_id, id, note_id, version, patient_account_id, dependent_id, appointment_id, author_membership_id, author_staff_user_id, body, created_at)
        SELECT ${clinic.id}::uuid, fresh.id, fresh.id, 1, ${ref.patientAccountId}::uuid, ${ref.dependentId}::uuid, ${form.appointmentId ?? null}::uuid,
               ${who.doctorMembershipId}::uuid, ${who.staffUserId}::uuid, ${form.body}, ${now}
          FROM fresh
        RETURNING id::text`;
      await audit("chart.note_added", { noteId: rows[0]!.id, appointmentId: form.appointmentId ?? null, version: 1 });
      return { ok: true, message: "Note added to the chart." };
    }
    case "amend-note":
    case "sign-note": {
      // One change of a note at a time: a second tab waits, then reads the version the first made
      // and is told so, rather than failing on the version's unique key.
      await tx.$queryRaw`SELECT pg_advisory_xact_lock(hashtextextended(${`chart-note:${form.noteId}`}, 0))::text AS locked`;
      const versions = await noteVersions(tx, clinic.id, ref, form.noteId);
      const [chain] = chainNotes(versions, now);
      const refusal = noteChangeRefusal(chain!, who.staffUserId, form.intent === "amend-note" ? form.expectedVersion : undefined);
      if (refusal) return { ok: false, message: NOTE_REFUSAL_WORDS[refusal] };
      if (form.intent === "sign-note") {
        await tx.$executeRaw`UPDATE chart_notes SET signed_at = ${now} WHERE clinic_id = ${clinic.id}::uuid AND id = ${chain!.current.id}::uuid`;
        await audit("chart.note_signed", { noteId: form.noteId, version: chain!.current.version });
        return { ok: true, message: "Note signed. It can no longer be amended." };
      }
      if (form.body === chain!.current.body) return { ok: false, message: "The text is unchanged, so there is nothing to amend.", field: "body" };
      const first = versions.find((v) => v.version === 1)!;
      const version = chain!.current.version + 1;
      await tx.$executeRaw`
        INSERT INTO chart_notes (clinic_id, note_id, version, patient_account_id, dependent_id, appointment_id, author_membership_id, author_staff_user_id, body, amend_reason, created_at)
        VALUES (${clinic.id}::uuid, ${form.noteId}::uuid, ${version}, ${ref.patientAccountId}::uuid, ${ref.dependentId}::uuid, ${first.appointmentId}::uuid,
                ${who.doctorMembershipId}::uuid, ${who.staffUserId}::uuid, ${form.body}, ${form.amendReason}, ${now})`;
      await audit("chart.note_amended", { noteId: form.noteId, version, reason: form.amendReason });
      return { ok: true, message: `Note amended (version ${version}). Earlier versions stay in its history.` };
    }
    case "add-plan-item": {
      const rows = await tx.$queryRaw<{ id: string }[]>`
        INSERT INTO treatment_plan_items (clinic_id, patient_account_id, dependent_id, title, details, target_date, visible_to_patient, created_by_staff_user_id, updated_by_staff_user_id, created_at, updated_at)
        VALUES (${clinic.id}::uuid, ${ref.patientAccountId}::uuid, ${ref.dependentId}::uuid, ${form.title}, ${form.details || null}, ${form.targetDate ?? null}::date,
                ${form.visibleToPatient}, ${who.staffUserId}::uuid, ${who.staffUserId}::uuid, ${now}, ${now})
        RETURNING id::text`;
      await audit("treatment_plan.updated", { change: "added", itemId: rows[0]!.id, visibleToPatient: form.visibleToPatient });
      return { ok: true, message: form.visibleToPatient ? "Added to the plan. The patient sees it in their account." : "Added to the plan (for the clinic only)." };
    }
    case "update-plan-item": {
      const before = await tx.$queryRaw<{ status: string; visible_to_patient: boolean }[]>`
        SELECT status::text, visible_to_patient FROM treatment_plan_items
         WHERE clinic_id = ${clinic.id}::uuid AND id = ${form.itemId}::uuid AND patient_account_id = ${ref.patientAccountId}::uuid
           AND dependent_id IS NOT DISTINCT FROM ${ref.dependentId}::uuid
         FOR UPDATE`;
      if (!before.length) throw new NotFoundError("No such item in this plan.");
      const was = before[0]!;
      if (was.status === form.status && was.visible_to_patient === form.visibleToPatient) return { ok: true, message: "Nothing changed." };
      await tx.$executeRaw`
        UPDATE treatment_plan_items SET status = ${form.status}::treatment_plan_item_status, visible_to_patient = ${form.visibleToPatient},
               updated_by_staff_user_id = ${who.staffUserId}::uuid, updated_at = ${now}
         WHERE clinic_id = ${clinic.id}::uuid AND id = ${form.itemId}::uuid`;
      await audit("treatment_plan.updated", { change: "updated", itemId: form.itemId, from: { status: was.status, visibleToPatient: was.visible_to_patient }, to: { status: form.status, visibleToPatient: form.visibleToPatient } });
      return { ok: true, message: "Plan updated." };
    }
  }
}

/** Domain refusals as a form answer. */
export function chartRefusal(error: unknown): ChartAnswer | null {
  if (error instanceof ValidationError || error instanceof NotFoundError) return { ok: false, message: error.message };
  return null;
}
