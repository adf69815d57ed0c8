/**
 * A clinic's patients: the searchable list, and one patient's record (contact details, family) with
 * the visit timeline (visits, status changes, payments in words). The chart (clinical notes and the
 * treatment plan) is added for this patient's doctors only. Every read here is a view of patient data
 * and writes its audit row in the same transaction as the read.
 */
import { Prisma } from "~/generated/prisma/client";
import { visitBeingSeen } from "./note-visit";
import { recordAudit, type AuditActor, type AuditRequestContext } from "~/modules/audit/audit.server";
import { formatDateOfBirth, formatDateTime, formatMoney } from "~/lib/format";
import { utcToZoned } from "~/lib/zoned-time";
import { relationshipLabel } from "~/modules/patient-account/relationships";
import { statusWords } from "~/modules/patient-account/wording";
import type { ClinicRef } from "~/modules/scheduling/slots.server";
import type { Tx } from "~/utils/db.server";
import type { PatientRef, StaffAsking } from "./access.server";
import { chartOf, type ChartView } from "./chart.server";

const name = (first: string | null | undefined, last: string | null | undefined) => [first, last].filter(Boolean).join(" ").trim();

export interface PatientListEntry {
  patientAccountId: string;
  dependentId: string | null;
  name: string;
  phone: string;
  /** For a dependent: "Child of Ana Lee". */
  relation: string | null;
  lastVisit: string | null;
  nextVisit: string | null;
  visits: number;
}

/**
 * The clinic's patients matching `query` (name or phone digits), at most `limit`. A doctor who is not
 * also owner or secretary sees only people with a visit with them.
 */
export async function listPatients(
  tx: Tx,
  clinic: ClinicRef,
  asking: StaffAsking,
  query: string,
  actor: { actor: AuditActor; request: AuditRequestContext | null },
  now = new Date(),
  limit = 50,
  audit: { action: string; details?: Record<string, unknown> } = { action: "patient.list_viewed" },
): Promise<PatientListEntry[]> {
  const desk = asking.roles.includes("owner") || asking.roles.includes("secretary");
  const q = query.trim();
  const digits = q.replace(/\D/g, "");
  const like = `%${q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
  const people = desk
    ? Prisma.sql`SELECT cp.patient_account_id, NULL::uuid AS dependent_id FROM clinic_patients cp WHERE cp.clinic_id = ${clinic.id}::uuid
                 UNION
                 SELECT DISTINCT a.patient_account_id, a.dependent_id FROM appointments a
                  WHERE a.clinic_id = ${clinic.id}::uuid AND a.dependent_id IS NOT NULL AND a.patient_account_id IS NOT NULL`
    : Prisma.sql`SELECT DISTINCT a.patient_account_id, a.dependent_id FROM appointments a
                  WHERE a.clinic_id = ${clinic.id}::uuid AND a.staff_user_id = ${asking.staffUserId}::uuid AND a.patient_account_id IS NOT NULL AND a.status IN ('requested', 'confirmed', 'checked_in', 'in_consultation', 'completed', 'no_show')`;
  const search = q
    ? Prisma.sql`AND (n.full_name ILIKE ${like} OR n.holder_name ILIKE ${like} ${digits.length >= 3 ? Prisma.sql`OR regexp_replace(p.phone, '\\D', '', 'g') LIKE ${`%${digits}%`}` : Prisma.empty})`
    : Prisma.empty;
  const rows = await tx.$queryRaw<
    { patient_account_id: string; dependent_id: string | null; full_name: string; holder_name: string; phone: string; relationship: string | null; last_visit: Date | null; next_visit: Date | null; visits: number }[]
  >`
    WITH people AS (${people}),
    named AS (
      SELECT pe.patient_account_id, pe.dependent_id, d.relationship::text AS relationship,
             trim(coalesce(d.first_name || ' ' || d.last_name, concat_ws(' ', coalesce(cp.first_name, p.first_name), coalesce(cp.last_name, p.last_name)))) AS full_name,
             trim(concat_ws(' ', coalesce(cp.first_name, p.first_name), coalesce(cp.last_name, p.last_name))) AS holder_name
        FROM people pe
        JOIN patient_accounts p ON p.id = pe.patient_account_id
        LEFT JOIN clinic_patients cp ON cp.clinic_id = ${clinic.id}::uuid AND cp.patient_account_id = pe.patient_account_id
        LEFT JOIN dependents d ON d.id = pe.dependent_id
    )
    SELECT n.patient_account_id::text, n.dependent_id::text, n.full_name, n.holder_name, p.phone, n.relationship,
           v.last_visit, v.next_visit, coalesce(v.visits, 0)::int AS visits
      FROM named n
      JOIN patient_accounts p ON p.id = n.patient_account_id
      LEFT JOIN LATERAL (
        SELECT max(a.starts_at) FILTER (WHERE a.starts_at <= ${now}) AS last_visit,
               min(a.starts_at) FILTER (WHERE a.starts_at > ${now} AND a.status IN ('requested', 'confirmed')) AS next_visit,
               count(*) FILTER (WHERE a.status IN ('requested', 'confirmed', 'checked_in', 'in_consultation', 'completed', 'no_show')) AS visits
          FROM appointments a
         WHERE a.clinic_id = ${clinic.id}::uuid AND a.patient_account_id = n.patient_account_id AND a.dependent_id IS NOT DISTINCT FROM n.dependent_id
      ) v ON true
     WHERE true ${search}
     ORDER BY lower(n.full_name), n.patient_account_id, n.dependent_id NULLS FIRST
     LIMIT ${limit}`;
  await recordAudit(tx, { clinicId: clinic.id, actor: actor.actor, action: audit.action, target: null, request: actor.request, details: { ...audit.details, query: q.slice(0, 100), shown: rows.length, onlyOwnPatients: !desk } });
  return rows.map((r) => ({
    patientAccountId: r.patient_account_id,
    dependentId: r.dependent_id,
    name: r.full_name || "Name not given",
    phone: r.phone,
    relation: r.dependent_id ? `${relationshipLabel(r.relationship ?? "other")} of ${r.holder_name || "the account holder"}` : null,
    lastVisit: r.last_visit ? formatDateTime(r.last_visit, clinic.timeZone) : null,
    nextVisit: r.next_visit ? formatDateTime(r.next_visit, clinic.timeZone) : null,
    visits: r.visits,
  }));
}

export interface TimelineEvent {
  at: string;
  atIso: string;
  kind: "status" | "payment";
  words: string;
}

export interface TimelineVisit {
  id: string;
  /** The doctor's membership, so a note can default to this doctor's own visit. */
  doctorId: string;
  when: string;
  startsAtIso: string;
  service: string;
  doctor: string;
  location: string;
  status: string;
  statusWords: string;
  price: string;
  events: TimelineEvent[];
}

export interface PatientRecord {
  ref: PatientRef;
  name: string;
  /** "Account holder" or "Child of …". */
  relation: string;
  phone: string;
  email: string | null;
  dateOfBirth: string | null;
  /** "2 Dec 1968, 58": the date of birth in words with the age on the clinic's today. */
  dateOfBirthText: string | null;
  holder: { name: string; phone: string } | null;
  family: { dependentId: string | null; name: string; relation: string; current: boolean }[];
  timeline: TimelineVisit[];
}

const DEPOSIT_WORDS: Record<string, string> = {
  pending: "Card saved for the deposit",
  authorized: "Deposit held on the card",
  captured: "Deposit charged",
  released: "Deposit released, nothing charged",
  refunded: "Deposit refunded",
  waived: "Deposit waived",
  failed: "Card declined for the deposit",
};

const ACTOR_WORDS: Record<string, string> = { patient: "by the patient", staff: "by staff", api: "by the clinic's software", api_key: "by the clinic's software", system: "automatically" };

function birth(d: Date | null): string | null {
  return d ? d.toISOString().slice(0, 10) : null;
}

/** The record and visit timeline, read without writing any audit row (callers audit the view). */
export async function readRecord(tx: Tx, clinic: ClinicRef, ref: PatientRef, now = new Date()): Promise<PatientRecord> {
  const account = await tx.$queryRaw<{ phone: string; first_name: string | null; last_name: string | null; email: string | null; date_of_birth: Date | null; cp_first: string | null; cp_last: string | null; cp_email: string | null }[]>`
    SELECT p.phone, p.first_name, p.last_name, p.email, p.date_of_birth, cp.first_name AS cp_first, cp.last_name AS cp_last, cp.email AS cp_email
      FROM patient_accounts p
      LEFT JOIN clinic_patients cp ON cp.clinic_id = ${clinic.id}::uuid AND cp.patient_account_id = p.id
     WHERE p.id = ${ref.patientAccountId}::uuid`;
  const a = account[0]!;
  const holderName = name(a.cp_first ?? a.first_name, a.cp_last ?? a.last_name) || "Name not given";
  // Family as this clinic knows it: the holder and the dependents with a visit here.
  const dependents = await tx.$queryRaw<{ id: string; first_name: string; last_name: string; relationship: string; date_of_birth: Date | null; removed_at: Date | null }[]>`
    SELECT d.id::text, d.first_name, d.last_name, d.relationship::text, d.date_of_birth, d.removed_at FROM dependents d
     WHERE d.patient_account_id = ${ref.patientAccountId}::uuid
       AND EXISTS (SELECT 1 FROM appointments x WHERE x.clinic_id = ${clinic.id}::uuid AND x.dependent_id = d.id)
     ORDER BY d.first_name, d.id`;
  const self = ref.dependentId ? dependents.find((d) => d.id === ref.dependentId)! : null;

  const visits = await tx.$queryRaw<{ id: string; doctor_id: string; starts_at: Date; status: string; service: string; doctor: string | null; location: string; price_minor: number; currency: string }[]>`
    SELECT a.id::text, a.doctor_id::text, a.starts_at, a.status::text, s.name AS service, u.name AS doctor, l.name AS location, a.price_minor, a.currency
      FROM appointments a
      JOIN services s ON s.clinic_id = a.clinic_id AND s.id = a.service_id
      JOIN locations l ON l.clinic_id = a.clinic_id AND l.id = a.location_id
      LEFT JOIN staff_users u ON u.id = a.staff_user_id
     WHERE a.clinic_id = ${clinic.id}::uuid AND a.patient_account_id = ${ref.patientAccountId}::uuid
       AND a.dependent_id IS NOT DISTINCT FROM ${ref.dependentId}::uuid AND a.status IN ('requested', 'confirmed', 'checked_in', 'in_consultation', 'completed', 'no_show')
     ORDER BY a.starts_at DESC, a.id DESC
     LIMIT 200`;
  const ids = visits.map((v) => v.id);
  const statusRows = ids.length
    ? await tx.$queryRaw<{ appointment_id: string; to_status: string; actor_type: string; reason: string | null; occurred_at: Date }[]>`
        SELECT appointment_id::text, to_status::text, actor_type, reason, occurred_at FROM appointment_status_history
         WHERE clinic_id = ${clinic.id}::uuid AND appointment_id = ANY (${ids}::uuid[]) AND to_status <> 'held'
         ORDER BY occurred_at, id`
    : [];
  const paymentRows = ids.length
    ? await tx.$queryRaw<{ appointment_id: string; to_status: string; amount_minor: number; currency: string; occurred_at: Date }[]>`
        SELECT e.appointment_id::text, e.to_status::text, d.amount_minor, d.currency, e.occurred_at FROM deposit_events e
          JOIN deposits d ON d.clinic_id = e.clinic_id AND d.id = e.deposit_id
         WHERE e.clinic_id = ${clinic.id}::uuid AND e.appointment_id = ANY (${ids}::uuid[]) AND (e.from_status IS DISTINCT FROM e.to_status)
         ORDER BY e.occurred_at, e.id`
    : [];
  const tz = clinic.timeZone;
  const timeline: TimelineVisit[] = visits.map((v) => {
    const events: TimelineEvent[] = [
      ...statusRows
        .filter((s) => s.appointment_id === v.id)
        .map((s) => ({ at: formatDateTime(s.occurred_at, tz), atIso: s.occurred_at.toISOString(), kind: "status" as const, words: `${statusWords(s.to_status).words} ${ACTOR_WORDS[s.actor_type] ?? ""}${s.reason ? ` — ${s.reason}` : ""}`.trim() })),
      ...paymentRows
        .filter((p) => p.appointment_id === v.id)
        .map((p) => ({ at: formatDateTime(p.occurred_at, tz), atIso: p.occurred_at.toISOString(), kind: "payment" as const, words: `${DEPOSIT_WORDS[p.to_status] ?? p.to_status}: ${formatMoney(p.amount_minor, p.currency)}` })),
    ].sort((x, y) => x.atIso.localeCompare(y.atIso));
    return {
      id: v.id,
      doctorId: v.doctor_id,
      when: formatDateTime(v.starts_at, tz),
      startsAtIso: v.starts_at.toISOString(),
      service: v.service,
      doctor: v.doctor ?? "",
      location: v.location,
      status: v.status,
      statusWords: statusWords(v.status).words,
      price: formatMoney(v.price_minor, v.currency),
      events,
    };
  });

  return {
    ref,
    name: self ? name(self.first_name, self.last_name) : holderName,
    relation: self ? `${relationshipLabel(self.relationship)} of ${holderName}` : "Account holder",
    phone: a.phone,
    email: self ? null : (a.cp_email ?? a.email),
    dateOfBirth: self ? birth(self.date_of_birth) : birth(a.date_of_birth),
    dateOfBirthText: ((dob) => (dob ? formatDateOfBirth(dob, utcToZoned(now, clinic.timeZone).date) : null))(self ? birth(self.date_of_birth) : birth(a.date_of_birth)),
    holder: self ? { name: holderName, phone: a.phone } : null,
    family: [
      { dependentId: null, name: holderName, relation: "Account holder", current: !ref.dependentId },
      ...dependents.map((d) => ({ dependentId: d.id, name: name(d.first_name, d.last_name), relation: `${relationshipLabel(d.relationship)}${d.removed_at ? " (removed from the family)" : ""}`, current: d.id === ref.dependentId })),
    ],
    timeline,
  };
}

export interface RecordPage {
  record: PatientRecord;
  /** Present only for a doctor of this patient. */
  chart: ChartView | null;
  /** The visit a new note is about unless the doctor chooses another: the one being seen ("" for none). */
  noteVisitId: string;
}

/** The record page for a member of staff whose access was checked in this transaction; audits the view(s). */
export async function viewRecord(
  tx: Tx,
  clinic: ClinicRef,
  ref: PatientRef,
  asking: StaffAsking & { clinical: boolean; doctorMembershipId?: string | null; askedVisitId?: string | null },
  audit: { actor: AuditActor; request: AuditRequestContext | null; details?: Record<string, unknown> },
  now = new Date(),
): Promise<RecordPage> {
  const record = await readRecord(tx, clinic, ref, now);
  const target = { type: "patient", id: ref.patientAccountId };
  const details = { dependentId: ref.dependentId, ...(audit.details ?? {}) };
  await recordAudit(tx, { clinicId: clinic.id, actor: audit.actor, action: "patient.record_viewed", target, request: audit.request, details: { ...details, visits: record.timeline.length } });
  if (!asking.clinical) return { record, chart: null, noteVisitId: "" };
  const chart = await chartOf(tx, clinic, ref, asking.staffUserId, now);
  await recordAudit(tx, { clinicId: clinic.id, actor: audit.actor, action: "chart.viewed", target, request: audit.request, details: { ...details, notes: chart.notes.length, planItems: chart.plan.length } });
  return { record, chart, noteVisitId: visitBeingSeen(record.timeline, asking.doctorMembershipId ?? null, now, asking.askedVisitId) };
}
