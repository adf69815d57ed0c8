/**
 * Alerts on a patient's record at one clinic, and the desk's note on that record. Staff only:
 * nothing here reaches the patient, a message or the API. Adding and removing an alert, and each
 * change of the note, is audited; a removed alert is kept with who removed it.
 */
import { z } from "zod";
import { recordAudit } from "~/modules/audit/audit.server";
import type { Actor } from "~/lib/actor";
import type { ClinicDb, Tx } from "~/utils/db.server";
import { NotFoundError } from "~/utils/errors.server";
import { alertInputSchema, isAlertKind, type PatientAlert } from "./alerts";

export type { PatientAlert } from "./alerts";

/**
 * The current alerts of each patient (by patient account id), oldest first. Every id asked for is
 * in the map, with an empty list when the patient has none; ids of another clinic simply have none.
 */
export async function alertsFor(tx: Tx, clinicId: string, patientAccountIds: string[]): Promise<Map<string, PatientAlert[]>> {
  const ids = [...new Set(patientAccountIds.filter(Boolean))];
  const map = new Map<string, PatientAlert[]>(ids.map((id) => [id, []]));
  if (!ids.length) return map;
  const rows = await tx.patientAlert.findMany({
    where: { clinicId, patientAccountId: { in: ids }, removedAt: null },
    orderBy: [{ createdAt: "asc" }, { id: "asc" }],
    select: { id: true, patientAccountId: true, kind: true, text: true },
  });
  for (const r of rows) map.get(r.patientAccountId)?.push({ id: r.id, kind: isAlertKind(r.kind) ? r.kind : "other", text: r.text });
  return map;
}

/** The clinic's record of this patient, or NotFoundError (another clinic's patient, a made-up id). */
async function requireClinicPatient(tx: Tx, clinicId: string, patientAccountId: string) {
  const row = await tx.clinicPatient.findUnique({ where: { clinicId_patientAccountId: { clinicId, patientAccountId } }, select: { patientAccountId: true } });
  if (!row) throw new NotFoundError("There is no such patient at this clinic.");
}

const staffActor = (actor: Actor) => {
  if (actor.type !== "staff" || !actor.id) throw new Error("desk notes and alerts are written by staff");
  return actor.id;
};

export async function addAlert(tx: Tx, clinicId: string, patientAccountId: string, input: unknown, actor: Actor): Promise<PatientAlert> {
  const staffUserId = staffActor(actor);
  const { kind, text } = alertInputSchema.parse(input);
  await requireClinicPatient(tx, clinicId, patientAccountId);
  const row = await tx.patientAlert.create({ data: { clinicId, patientAccountId, kind, text, createdBy: staffUserId }, select: { id: true } });
  await recordAudit(tx, { clinicId, actor: { type: "staff", id: staffUserId }, action: "patient.alert_added", target: { type: "patient", id: patientAccountId }, request: actor.request ?? null, details: { alertId: row.id, kind, text } });
  return { id: row.id, kind, text };
}

/** Removes a current alert of this patient; one already removed, or another patient's, is not found. */
export async function removeAlert(tx: Tx, clinicId: string, patientAccountId: string, alertId: string, actor: Actor, now = new Date()): Promise<void> {
  const staffUserId = staffActor(actor);
  const alert = await tx.patientAlert.findFirst({ where: { clinicId, id: alertId, patientAccountId, removedAt: null }, select: { id: true, kind: true, text: true } });
  if (!alert) throw new NotFoundError("This alert is not on the patient's record (it may have been removed already).");
  await tx.patientAlert.updateMany({ where: { clinicId, id: alertId, removedAt: null }, data: { removedAt: now, removedBy: staffUserId } });
  await recordAudit(tx, { clinicId, actor: { type: "staff", id: staffUserId }, action: "patient.alert_removed", target: { type: "patient", id: patientAccountId }, request: actor.request ?? null, details: { alertId, kind: alert.kind, text: alert.text } });
}

export interface DeskNote {
  body: string;
  updatedByName: string;
  updatedAt: Date;
}

export async function patientDeskNote(tx: Tx, clinicId: string, patientAccountId: string): Promise<DeskNote | null> {
  const row = await tx.patientDeskNote.findUnique({ where: { clinicId_patientAccountId: { clinicId, patientAccountId } }, select: { body: true, updatedBy: true, updatedAt: true } });
  if (!row) return null;
  return { body: row.body, updatedAt: row.updatedAt, updatedByName: await staffName(tx, row.updatedBy) };
}

/** Saves the desk's note on the patient's record; an empty note removes it. */
export async function savePatientDeskNote(tx: Tx, clinicId: string, patientAccountId: string, body: string, actor: Actor, now = new Date()): Promise<void> {
  const staffUserId = staffActor(actor);
  await requireClinicPatient(tx, clinicId, patientAccountId);
  const text = body.trim();
  if (text) {
    await tx.patientDeskNote.upsert({
      where: { clinicId_patientAccountId: { clinicId, patientAccountId } },
      create: { clinicId, patientAccountId, body: text, updatedBy: staffUserId, updatedAt: now },
      update: { body: text, updatedBy: staffUserId, updatedAt: now },
    });
  } else {
    await tx.patientDeskNote.deleteMany({ where: { clinicId, patientAccountId } });
  }
  await recordAudit(tx, { clinicId, actor: { type: "staff", id: staffUserId }, action: text ? "patient.desk_note_saved" : "patient.desk_note_cleared", target: { type: "patient", id: patientAccountId }, request: actor.request ?? null, details: { length: text.length } });
}

export async function staffName(tx: Tx, staffUserId: string): Promise<string> {
  const u = await tx.staffUser.findUnique({ where: { id: staffUserId }, select: { name: true } });
  return u?.name ?? "Staff";
}

// ---------------------------------------------------------------------------------------------
// The patient page's desk part

export interface PatientDeskPart {
  alerts: PatientAlert[];
  note: DeskNote | null;
}

export async function patientDeskPart(db: ClinicDb, patientAccountId: string): Promise<PatientDeskPart> {
  return db.tx(async (tx) => ({
    alerts: (await alertsFor(tx, db.clinicId, [patientAccountId])).get(patientAccountId) ?? [],
    note: await patientDeskNote(tx, db.clinicId, patientAccountId),
  }));
}

export const patientDeskForm = z.discriminatedUnion("intent", [
  z.object({ intent: z.literal("add-alert"), kind: alertInputSchema.shape.kind, text: alertInputSchema.shape.text }),
  z.object({ intent: z.literal("remove-alert"), alertId: z.string().uuid("Choose an alert to remove.") }),
  z.object({ intent: z.literal("patient-note"), body: z.string().trim().max(2000, "At most 2000 characters.").default("") }),
]);
export const PATIENT_DESK_INTENTS = ["add-alert", "remove-alert", "patient-note"] as const;

/** One change the desk makes on the patient's record; the answer is what the page says. */
export async function changePatientDesk(db: ClinicDb, patientAccountId: string, input: z.infer<typeof patientDeskForm>, actor: Actor): Promise<string> {
  return db.tx(async (tx) => {
    switch (input.intent) {
      case "add-alert":
        await addAlert(tx, db.clinicId, patientAccountId, input, actor);
        return "Alert added. It shows wherever staff see this patient.";
      case "remove-alert":
        await removeAlert(tx, db.clinicId, patientAccountId, input.alertId, actor);
        return "Alert removed.";
      case "patient-note":
        await savePatientDeskNote(tx, db.clinicId, patientAccountId, input.body, actor);
        return input.body ? "Desk note saved." : "Desk note removed.";
    }
  });
}
