/**
 * The owner's audit log viewer: who viewed or changed which patient's data, when and from where,
 * filtered by date range (the clinic's days), member of staff, patient and kind of action, newest
 * first with keyset pagination on (occurred_at, id) (index audit_events_clinic_id_occurred_at_id_idx),
 * names resolved for the owner, and a CSV export of the same filter. Break-the-glass accesses by
 * platform operators are marked.
 */
import { z } from "zod";
import { Prisma } from "~/generated/prisma/client";
import { formatDateTime } from "~/lib/format";
import { formatBookingCode } from "~/lib/booking-code";
import type { ClinicRef } from "~/modules/scheduling/slots.server";
import { addDays, zonedToUtc, LOCAL_DATE_PATTERN } from "~/lib/zoned-time";
import type { Tx } from "~/utils/db.server";
import { AUDIT_KIND_WORDS, AUDIT_KINDS, type AuditKind } from "./words";


const VIEW_PATTERN = "(viewed|downloaded|exported|refused)$";
const SIGN_IN_PATTERN = "(sign_in|signed_in|sign_out|locked_out|password|totp)";

/** The kind of an action, by its name. */
export function auditKindOf(action: string, actorType: string): AuditKind {
  if (action.startsWith("break_glass.") || actorType === "operator") return "break_glass";
  if (new RegExp(VIEW_PATTERN).test(action)) return "views";
  if (new RegExp(SIGN_IN_PATTERN).test(action)) return "sign_ins";
  return "changes";
}

const day = z.preprocess((v) => (v === "" || v === null ? undefined : v), z.string().regex(LOCAL_DATE_PATTERN, "Enter a date as YYYY-MM-DD.").optional());
const uuid = z.preprocess((v) => (v === "" || v === null ? undefined : v), z.string().uuid("Pick from the list.").optional());

export const auditFilterSchema = z
  .object({
    from: day,
    to: day,
    actor: uuid,
    patient: uuid,
    kind: z.preprocess((v) => (v === "" || v === null ? undefined : v), z.enum(AUDIT_KINDS).optional()),
    cursor: z.preprocess((v) => (v === "" || v === null ? undefined : v), z.string().max(200).optional()),
  })
  .refine((f) => !f.from || !f.to || f.from <= f.to, { message: "The start date must be on or before the end date.", path: ["to"] });
export type AuditFilter = z.infer<typeof auditFilterSchema>;

export interface AuditRow {
  id: string;
  occurredAtIso: string;
  when: string;
  actorType: string;
  actorId: string | null;
  actorName: string;
  action: string;
  actionWords: string;
  kind: AuditKind;
  patientAccountId: string | null;
  patientName: string | null;
  targetType: string | null;
  targetId: string | null;
  /** What the entry touched, in words ("Visit NOR-7K4QX, Ava Private, Tue 8 Dec 09:30"), or null when nothing. */
  targetWords: string | null;
  ip: string | null;
  userAgent: string | null;
  breakGlass: boolean;
  reason: string | null;
}

export interface AuditPageView {
  rows: AuditRow[];
  nextCursor: string | null;
}

const ACTION_WORDS: Record<string, string> = {
  "patient.record_viewed": "Opened the patient record",
  "chart.viewed": "Opened the chart",
  "patient.list_viewed": "Searched the patient list",
  "chart.note_added": "Added a clinical note",
  "chart.note_amended": "Amended a clinical note",
  "chart.note_signed": "Signed a clinical note",
  "treatment_plan.updated": "Changed the treatment plan",
  "staff.day_list_viewed": "Opened a day's visit list",
  "break_glass.granted": "Broke the glass: access granted",
  "break_glass.record_viewed": "Broke the glass: opened a patient record",
  "break_glass.patient_list_viewed": "Broke the glass: listed patients",
  "break_glass.access_refused": "Medslot operator refused: no active access",
  "patient.record_refused": "Refused: not this doctor's patient",
  "patient.care_plan_viewed": "Patient viewed their care plan",
  "audit.log_viewed": "Viewed the audit log",
  "audit.log_exported": "Exported the audit log",
  "staff.signed_in": "Signed in",
  "staff.sign_out": "Signed out",
  "staff.sign_in_failed": "Failed sign-in",
  "patient.signed_in": "Patient signed in",
};

export function actionWords(action: string): string {
  return ACTION_WORDS[action] ?? action.replace(/[._]/g, " ").replace(/^\w/, (c) => c.toUpperCase());
}

function encodeCursor(at: Date, id: string) {
  return Buffer.from(`${at.toISOString()}|${id}`, "utf8").toString("base64url");
}

/** A cursor from this log, or null for anything else (the first page is shown again). */
export function decodeAuditCursor(cursor: string | undefined): { at: Date; id: string } | null {
  if (!cursor) return null;
  const [iso, id] = Buffer.from(cursor, "base64url").toString("utf8").split("|");
  const at = new Date(iso ?? "");
  if (!id || Number.isNaN(at.getTime()) || !/^[0-9a-f-]{36}$/i.test(id)) return null;
  return { at, id };
}

function conditions(clinic: ClinicRef, filter: AuditFilter): Prisma.Sql[] {
  const parts: Prisma.Sql[] = [Prisma.sql`e.clinic_id = ${clinic.id}::uuid`];
  if (filter.from) parts.push(Prisma.sql`e.occurred_at >= ${zonedToUtc(filter.from, 0, clinic.timeZone)}`);
  if (filter.to) parts.push(Prisma.sql`e.occurred_at < ${zonedToUtc(addDays(filter.to, 1), 0, clinic.timeZone)}`);
  if (filter.actor) parts.push(Prisma.sql`e.actor_id = ${filter.actor}`);
  if (filter.patient) {
    parts.push(Prisma.sql`((e.target_type = 'patient' AND e.target_id = ${filter.patient})
      OR (e.actor_type = 'patient' AND e.actor_id = ${filter.patient})
      OR (e.target_type = 'appointment' AND e.target_id IN (SELECT a.id::text FROM appointments a WHERE a.clinic_id = ${clinic.id}::uuid AND a.patient_account_id = ${filter.patient}::uuid)))`);
  }
  if (filter.kind === "break_glass") parts.push(Prisma.sql`(e.action LIKE 'break\\_glass.%' OR e.actor_type = 'operator')`);
  else if (filter.kind) {
    const notBreakGlass = Prisma.sql`NOT (e.action LIKE 'break\\_glass.%' OR e.actor_type = 'operator')`;
    if (filter.kind === "views") parts.push(Prisma.sql`${notBreakGlass} AND e.action ~ ${VIEW_PATTERN}`);
    if (filter.kind === "sign_ins") parts.push(Prisma.sql`${notBreakGlass} AND e.action !~ ${VIEW_PATTERN} AND e.action ~ ${SIGN_IN_PATTERN}`);
    if (filter.kind === "changes") parts.push(Prisma.sql`${notBreakGlass} AND e.action !~ ${VIEW_PATTERN} AND e.action !~ ${SIGN_IN_PATTERN}`);
  }
  return parts;
}

interface RawEvent {
  id: string;
  occurred_at: Date;
  actor_type: string;
  actor_id: string | null;
  action: string;
  target_type: string | null;
  target_id: string | null;
  ip: string | null;
  user_agent: string | null;
  details: Record<string, unknown>;
}

const UUID = /^[0-9a-f-]{36}$/i;

/** "Tue 8 Dec 09:30" on the clinic's clock. */
function shortDayTime(at: Date, timeZone: string): string {
  const parts = new Intl.DateTimeFormat("en-GB", { timeZone, weekday: "short", day: "numeric", month: "short", hour: "2-digit", minute: "2-digit", hourCycle: "h23" }).formatToParts(at);
  const get = (type: string) => parts.find((p) => p.type === type)?.value ?? "";
  return `${get("weekday")} ${get("day")} ${get("month")} ${get("hour")}:${get("minute")}`;
}

const TARGET_WORDS: Record<string, string> = {
  clinic: "Clinic settings",
  staff_invite: "Staff invitation",
  time_off_request: "Time-off request",
  clinic_document: "Clinic document",
  api_key: "API key",
  payment_card: "Payment card",
  message_template: "Message template",
  schedule_exception: "Time off or closure",
  report: "Report",
  system: "Medslot",
};

/** What an entry touched, in words, from the names read for the whole page. */
function targetWords(
  e: RawEvent,
  names: { appointmentWords: Map<string, string>; namedTargets: Map<string, string>; staffNames: Map<string, string>; patientName: string | null; timeZone: string },
): string | null {
  const id = e.target_id;
  switch (e.target_type) {
    case null:
      return null;
    case "appointment":
      return (id && names.appointmentWords.get(id)) ?? "A visit no longer at this clinic";
    case "patient":
    case "patient_account":
      return names.patientName ? `Record of ${names.patientName}` : "A patient's record";
    case "dependent":
      return names.patientName ? `Family member: ${names.patientName}` : "A family member";
    case "staff_user":
    case "staff":
    case "operator":
      return `Staff: ${(id && names.staffNames.get(id)) ?? "a member of staff"}`;
    case "day":
      return id && LOCAL_DATE_PATTERN.test(id) ? `Day list of ${new Intl.DateTimeFormat("en-GB", { timeZone: "UTC", weekday: "short", day: "numeric", month: "short", year: "numeric" }).format(new Date(`${id}T12:00:00Z`)).replace(",", "")}` : "A day's list";
    case "location":
    case "service":
    case "room": {
      const label = { location: "Location", service: "Service", room: "Room" }[e.target_type];
      return `${label}: ${(id && names.namedTargets.get(id)) ?? "no longer listed"}`;
    }
    default:
      return TARGET_WORDS[e.target_type] ?? e.target_type.replace(/_/g, " ").replace(/^./, (c) => c.toUpperCase());
  }
}

/** Names of the staff, patients and other things on a page of events, resolved in the clinic's scope, one read per kind. */
async function resolveNames(tx: Tx, clinic: ClinicRef, events: RawEvent[]): Promise<AuditRow[]> {
  const staffIds = [
    ...new Set([
      ...events.filter((e) => (e.actor_type === "staff" || e.actor_type === "operator") && e.actor_id && UUID.test(e.actor_id)).map((e) => e.actor_id!),
      ...events.filter((e) => (e.target_type === "staff_user" || e.target_type === "staff" || e.target_type === "operator") && e.target_id && UUID.test(e.target_id)).map((e) => e.target_id!),
    ]),
  ];
  const patientOf = (e: RawEvent): string | null => {
    if ((e.target_type === "patient" || e.target_type === "patient_account") && e.target_id && UUID.test(e.target_id)) return e.target_id;
    if (e.actor_type === "patient" && e.actor_id && UUID.test(e.actor_id)) return e.actor_id;
    return null;
  };
  const appointmentIds = [...new Set(events.filter((e) => e.target_type === "appointment" && e.target_id && UUID.test(e.target_id)).map((e) => e.target_id!))];
  const appointmentPatient = new Map<string, string>();
  const appointmentWords = new Map<string, string>();
  if (appointmentIds.length) {
    // One read for the page's visits: who, when and the booking code each entry names.
    const rows = await tx.$queryRaw<{ id: string; patient_account_id: string | null; booking_code: string; slug: string; starts_at: Date; name: string | null; dep_name: string | null }[]>`
      SELECT a.id::text, a.patient_account_id::text, a.booking_code, c.slug, a.starts_at,
             trim(concat_ws(' ', coalesce(cp.first_name, p.first_name), coalesce(cp.last_name, p.last_name))) AS name,
             trim(concat_ws(' ', d.first_name, d.last_name)) AS dep_name
        FROM appointments a
        JOIN clinics c ON c.id = a.clinic_id
        LEFT JOIN patient_accounts p ON p.id = a.patient_account_id
        LEFT JOIN clinic_patients cp ON cp.clinic_id = a.clinic_id AND cp.patient_account_id = a.patient_account_id
        LEFT JOIN dependents d ON d.id = a.dependent_id
       WHERE a.clinic_id = ${clinic.id}::uuid AND a.id = ANY (${appointmentIds}::uuid[])`;
    for (const r of rows) {
      if (r.patient_account_id) appointmentPatient.set(r.id, r.patient_account_id);
      const who = r.dep_name || r.name || "patient";
      appointmentWords.set(r.id, `Visit ${formatBookingCode(r.slug, r.booking_code)}, ${who}, ${shortDayTime(r.starts_at, clinic.timeZone)}`);
    }
  }
  const targetsOf = (type: string) => [...new Set(events.filter((e) => e.target_type === type && e.target_id && UUID.test(e.target_id)).map((e) => e.target_id!))];
  const namedTargets = new Map<string, string>();
  const named = async (ids: string[], read: (ids: string[]) => Promise<{ id: string; name: string }[]>) => {
    if (ids.length) for (const r of await read(ids)) namedTargets.set(r.id, r.name);
  };
  await named(targetsOf("location"), (ids) => tx.$queryRaw`SELECT id::text, name FROM locations WHERE clinic_id = ${clinic.id}::uuid AND id = ANY (${ids}::uuid[])`);
  await named(targetsOf("service"), (ids) => tx.$queryRaw`SELECT id::text, name FROM services WHERE clinic_id = ${clinic.id}::uuid AND id = ANY (${ids}::uuid[])`);
  await named(targetsOf("room"), (ids) => tx.$queryRaw`SELECT id::text, name FROM rooms WHERE clinic_id = ${clinic.id}::uuid AND id = ANY (${ids}::uuid[])`);
  const patientIds = [...new Set(events.map((e) => patientOf(e) ?? (e.target_id ? appointmentPatient.get(e.target_id) : undefined)).filter((x): x is string => Boolean(x)))];
  const dependentIds = [...new Set(events.map((e) => e.details?.dependentId).filter((x): x is string => typeof x === "string" && UUID.test(x)))];
  const staffNames = new Map<string, string>();
  if (staffIds.length) for (const s of await tx.$queryRaw<{ id: string; name: string }[]>`SELECT id::text, name FROM staff_users WHERE id = ANY (${staffIds}::uuid[])`) staffNames.set(s.id, s.name);
  const patientNames = new Map<string, string>();
  if (patientIds.length) {
    for (const p of await tx.$queryRaw<{ id: string; name: string }[]>`
      SELECT p.id::text, trim(concat_ws(' ', coalesce(cp.first_name, p.first_name), coalesce(cp.last_name, p.last_name))) AS name
        FROM patient_accounts p JOIN clinic_patients cp ON cp.clinic_id = ${clinic.id}::uuid AND cp.patient_account_id = p.id
       WHERE p.id = ANY (${patientIds}::uuid[])`)
      patientNames.set(p.id, p.name || "Name not given");
  }
  const dependentNames = new Map<string, string>();
  if (dependentIds.length) {
    for (const d of await tx.$queryRaw<{ id: string; name: string }[]>`
      SELECT d.id::text, trim(d.first_name || ' ' || d.last_name) AS name FROM dependents d
       WHERE d.id = ANY (${dependentIds}::uuid[]) AND EXISTS (SELECT 1 FROM appointments a WHERE a.clinic_id = ${clinic.id}::uuid AND a.dependent_id = d.id)`)
      dependentNames.set(d.id, d.name);
  }
  const ACTOR_TYPE_WORDS: Record<string, string> = { patient: "Patient", system: "Medslot (automatic)", api_key: "Clinic's software (API key)", anonymous: "Someone not signed in" };
  return events.map((e) => {
    const patientAccountId = patientOf(e) ?? (e.target_id ? (appointmentPatient.get(e.target_id) ?? null) : null);
    const dependentId = typeof e.details?.dependentId === "string" ? e.details.dependentId : null;
    const holder = patientAccountId ? (patientNames.get(patientAccountId) ?? null) : null;
    const dependent = dependentId ? dependentNames.get(dependentId) : undefined;
    const kind = auditKindOf(e.action, e.actor_type);
    const actorName =
      e.actor_type === "staff" || e.actor_type === "operator"
        ? `${(e.actor_id && staffNames.get(e.actor_id)) || "Unknown member of staff"}${e.actor_type === "operator" ? " (Medslot operator)" : ""}`
        : e.actor_type === "patient"
          ? (holder ?? "Patient")
          : (ACTOR_TYPE_WORDS[e.actor_type] ?? e.actor_type);
    return {
      id: e.id,
      occurredAtIso: e.occurred_at.toISOString(),
      when: formatDateTime(e.occurred_at, clinic.timeZone),
      actorType: e.actor_type,
      actorId: e.actor_id,
      actorName,
      action: e.action,
      actionWords: actionWords(e.action),
      kind,
      patientAccountId,
      patientName: dependent ? `${dependent} (family of ${holder ?? "the account holder"})` : holder,
      targetType: e.target_type,
      targetId: e.target_id,
      targetWords: targetWords(e, { appointmentWords, namedTargets, staffNames, patientName: dependent ? `${dependent} (family of ${holder ?? "the account holder"})` : holder, timeZone: clinic.timeZone }),
      ip: e.ip,
      userAgent: e.user_agent,
      breakGlass: kind === "break_glass",
      reason: kind === "break_glass" && typeof e.details?.reason === "string" ? e.details.reason : null,
    };
  });
}

/** One page, newest first; `nextCursor` continues after its last row. */
export async function auditLogPage(tx: Tx, clinic: ClinicRef, filter: AuditFilter, limit = 50): Promise<AuditPageView> {
  const parts = conditions(clinic, filter);
  const after = decodeAuditCursor(filter.cursor);
  if (after) parts.push(Prisma.sql`(e.occurred_at, e.id) < (${after.at}, ${after.id}::uuid)`);
  const events = await tx.$queryRaw<RawEvent[]>`
    SELECT e.id::text, e.occurred_at, e.actor_type, e.actor_id, e.action, e.target_type, e.target_id, e.ip, e.user_agent, e.details
      FROM audit_events e
     WHERE ${Prisma.join(parts, " AND ")}
     ORDER BY e.occurred_at DESC, e.id DESC
     LIMIT ${limit + 1}`;
  const page = events.slice(0, limit);
  const last = page[page.length - 1];
  return { rows: await resolveNames(tx, clinic, page), nextCursor: events.length > limit && last ? encodeCursor(last.occurred_at, last.id) : null };
}

export const CSV_MAX_ROWS = 10_000;

/** Every row of the filter (up to CSV_MAX_ROWS), newest first, walked page by page on the same index. */
export async function auditLogRows(tx: Tx, clinic: ClinicRef, filter: AuditFilter): Promise<AuditRow[]> {
  const rows: AuditRow[] = [];
  let cursor: string | undefined;
  do {
    const page = await auditLogPage(tx, clinic, { ...filter, cursor }, 500);
    rows.push(...page.rows);
    cursor = page.nextCursor ?? undefined;
  } while (cursor && rows.length < CSV_MAX_ROWS);
  return rows.slice(0, CSV_MAX_ROWS);
}

/** A CSV cell: quoted when needed, and a leading = + - @ neutralised so spreadsheets never run it. */
export function csvCell(value: string | null | undefined): string {
  let v = value ?? "";
  if (/^[=+\-@\t\r]/.test(v)) v = `'${v}`;
  return /[",\r\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v;
}

export const CSV_HEADER = ["Time (UTC)", "Time (clinic)", "Kind", "Who", "Who (type)", "What", "Action", "Patient", "Target", "IP address", "User agent", "Break the glass", "Reason"];

export function auditCsv(rows: AuditRow[]): string {
  const lines = [CSV_HEADER.map(csvCell).join(",")];
  for (const r of rows) {
    lines.push(
      [r.occurredAtIso, r.when, AUDIT_KIND_WORDS[r.kind], r.actorName, r.actorType, r.actionWords, r.action, r.patientName, r.targetType && r.targetId ? `${r.targetType}:${r.targetId}` : "", r.ip, r.userAgent, r.breakGlass ? "yes" : "no", r.reason]
        .map(csvCell)
        .join(","),
    );
  }
  return `${lines.join("\r\n")}\r\n`;
}

/** The member-of-staff filter's choices: staff who appear in the clinic (members and operators with grants). */
export async function auditFilterChoices(tx: Tx, clinic: ClinicRef) {
  const staff = await tx.$queryRaw<{ id: string; name: string; operator: boolean }[]>`
    SELECT u.id::text, u.name, false AS operator FROM staff_users u
     WHERE EXISTS (SELECT 1 FROM clinic_memberships m WHERE m.clinic_id = ${clinic.id}::uuid AND m.staff_user_id = u.id)
    UNION
    SELECT u.id::text, u.name, true FROM staff_users u
     WHERE EXISTS (SELECT 1 FROM break_glass_grants g WHERE g.clinic_id = ${clinic.id}::uuid AND g.operator_staff_user_id = u.id)
    ORDER BY 2, 1`;
  return { staff: staff.map((s) => ({ id: s.id, name: s.operator ? `${s.name} (Medslot operator)` : s.name })) };
}

/** What the patient search box takes: part of a name, or of a phone number. */
export const auditPatientQuery = z.string().trim().min(2, "Type at least 2 letters or digits.").max(80);

export const AUDIT_PATIENT_MATCHES = 10;

export interface AuditPatientChoice {
  id: string;
  name: string;
  phone: string;
}

/** The clinic's patients whose name or phone holds the text, a few at a time (the log filter's search, not a list of everyone). */
export async function findAuditPatients(tx: Tx, clinic: ClinicRef, query: string): Promise<AuditPatientChoice[]> {
  const digits = query.replace(/\D/g, "");
  const words = query.toLowerCase().split(/\s+/).filter(Boolean).slice(0, 4);
  const rows = await tx.$queryRaw<{ id: string; name: string; phone: string }[]>`
    SELECT p.id::text, trim(concat_ws(' ', coalesce(cp.first_name, p.first_name), coalesce(cp.last_name, p.last_name))) AS name, p.phone
      FROM clinic_patients cp JOIN patient_accounts p ON p.id = cp.patient_account_id
     WHERE cp.clinic_id = ${clinic.id}::uuid
       AND ((${digits.length >= 3} AND regexp_replace(p.phone, '[^0-9]', '', 'g') LIKE ${`%${digits}%`})
            OR (SELECT bool_and(lower(concat_ws(' ', coalesce(cp.first_name, p.first_name), coalesce(cp.last_name, p.last_name))) LIKE '%' || w || '%') FROM unnest(${words}::text[]) w))
     ORDER BY 2, 1
     LIMIT ${AUDIT_PATIENT_MATCHES}`;
  return rows.map((r) => ({ id: r.id, name: r.name || "Name not given", phone: r.phone }));
}

/** The patient the log is filtered to, by name, or null for an id that is not this clinic's patient. */
export async function auditPatientChoice(tx: Tx, clinic: ClinicRef, patientAccountId: string): Promise<AuditPatientChoice | null> {
  const [row] = await tx.$queryRaw<{ id: string; name: string; phone: string }[]>`
    SELECT p.id::text, trim(concat_ws(' ', coalesce(cp.first_name, p.first_name), coalesce(cp.last_name, p.last_name))) AS name, p.phone
      FROM clinic_patients cp JOIN patient_accounts p ON p.id = cp.patient_account_id
     WHERE cp.clinic_id = ${clinic.id}::uuid AND p.id = ${patientAccountId}::uuid`;
  return row ? { id: row.id, name: row.name || "Name not given", phone: row.phone } : null;
}
