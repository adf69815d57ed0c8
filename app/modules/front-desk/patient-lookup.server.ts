/**
 * The patient part of the desk's one-step pages (series, walk-in, squeeze): the search typed in
 * `q` and the patient chosen in `patient`, both through the phone booking's audited reads. Another
 * clinic's patient id is not found (404).
 */
import type { Actor } from "~/lib/actor";
import { firstMessage } from "~/lib/form-errors";
import type { ClinicRef } from "~/modules/scheduling/slots.server";
import type { ClinicDb } from "~/utils/db.server";
import { NotFoundError } from "~/utils/errors.server";
import { findPhonePatients, patientSearchQuery, phonePatient, type PhonePatient } from "./phone-booking.server";

export interface DeskPatientLookup {
  search: { text: string; error: string | null; results: PhonePatient[] } | null;
  patient: PhonePatient | null;
}

export async function deskPatientLookup(db: ClinicDb, clinic: ClinicRef, q: { q?: string; patient?: string }, actor: Actor): Promise<DeskPatientLookup> {
  let search: DeskPatientLookup["search"] = null;
  if (q.q !== undefined && !q.patient) {
    const text = patientSearchQuery.safeParse(q.q);
    search = text.success ? { text: text.data, error: null, results: await findPhonePatients(db, clinic, text.data, actor) } : { text: q.q, error: firstMessage(text.error, "Check the search."), results: [] };
  }
  let patient: PhonePatient | null = null;
  if (q.patient) {
    try {
      patient = await phonePatient(db, clinic, q.patient, actor);
    } catch (error) {
      if (error instanceof NotFoundError) throw new Response("Not found", { status: 404 });
      throw error;
    }
  }
  return { search, patient };
}
