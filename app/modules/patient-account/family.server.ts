/**
 * A patient's family (dependents): listing, adding, editing and removing them, and the patient's
 * own profile. Dependents and accounts are platform-level rows (not one clinic's), so they are the
 * same on every clinic's site and the marketplace; the audit entry goes to the log of the site where
 * the change was made (the clinic's, or the platform's on the marketplace).
 *
 * Removing is soft (`removed_at`): visits already booked keep the person's name, while nothing ever
 * offers a removed person again and the booking core refuses them.
 */
import { z } from "zod";
import type { DependentRelationship } from "~/generated/prisma/enums";
import { recordAudit, type AuditRequestContext } from "~/modules/audit/audit.server";
import { shareWithSignedInClinic } from "~/modules/patients/clinic-patients.server";
import type { ClinicDb, Db, ScopedDb, Tx } from "~/utils/db.server";
import { echoFields } from "~/utils/forms.server";
import { RELATIONSHIP_VALUES, relationshipLabel } from "./relationships";
import { fieldErrorsOf, type FieldErrors } from "~/lib/form-errors";

/** Which log the audit entries go to: a clinic's (its site) or the platform's (marketplace). */
export interface AccountScope {
  clinicId: string | null;
}

/**
 * The functions below take `db`, the clinic's handle on its site or null on the marketplace, and
 * `accounts`, the root database, used only for the platform's scope on the marketplace.
 */
function scoped(db: ClinicDb | null, accounts: Db): ScopedDb {
  return db ?? accounts.forPlatform();
}

function scopeOf(db: ClinicDb | null): AccountScope {
  return { clinicId: db?.clinicId ?? null };
}

const DATE = /^\d{4}-\d{2}-\d{2}$/;
const MAX_AGE_YEARS = 130;

/** "YYYY-MM-DD" that is a real calendar day, not in the future and not absurdly old. */
function birthDate(required: boolean) {
  const base = z.string().trim();
  return base
    .refine((v) => !required || v !== "", { message: "Enter the date of birth." })
    .refine((v) => v === "" || DATE.test(v), { message: "Enter the date of birth as a date, for example 2019-03-14." })
    .refine(
      (v) => {
        if (v === "" || !DATE.test(v)) return true;
        const d = new Date(`${v}T00:00:00Z`);
        return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === v;
      },
      { message: "This date does not exist. Check the day and month." },
    )
    .refine((v) => v === "" || !DATE.test(v) || v <= new Date().toISOString().slice(0, 10), { message: "The date of birth cannot be in the future." })
    .refine((v) => v === "" || !DATE.test(v) || Number(v.slice(0, 4)) >= new Date().getUTCFullYear() - MAX_AGE_YEARS, { message: "Check the year of birth." });
}

const name = (what: string) =>
  z
    .string({ error: `Enter the ${what}.` })
    .trim()
    .min(1, { message: `Enter the ${what}.` })
    .max(80, { message: `Keep the ${what} under 80 characters.` });

export const dependentSchema = z.object({
  firstName: name("first name"),
  lastName: name("last name"),
  relationship: z.enum(RELATIONSHIP_VALUES, { error: "Choose how they are related to you." }),
  dateOfBirth: birthDate(true),
});
export type DependentInput = z.infer<typeof dependentSchema>;

export const profileSchema = z.object({
  firstName: name("first name"),
  lastName: name("last name"),
  email: z
    .string()
    .trim()
    .max(200, { message: "Keep the email under 200 characters." })
    .refine((v) => v === "" || z.email().safeParse(v).success, { message: "Enter an email address like name@example.com, or leave it empty." }),
  dateOfBirth: birthDate(false),
});
export type ProfileInput = z.infer<typeof profileSchema>;

export type { FieldErrors };
export type Parsed<T, K extends string> = { ok: true; data: T } | { ok: false; errors: FieldErrors<K>; values: Record<K, string> };

function text(raw: Record<string, unknown>, key: string): string {
  const v = raw[key];
  return typeof v === "string" ? v : "";
}

/** Reads a posted form against a schema; on failure, one message per field and the values as typed (cut to 200 characters). */
function parseWith<S extends z.ZodObject, K extends Extract<keyof z.infer<S>, string>>(schema: S, keys: readonly K[], raw: Record<string, unknown>): Parsed<z.infer<S>, K> {
  const values = Object.fromEntries(keys.map((k) => [k, text(raw, k)])) as Record<K, string>;
  const parsed = schema.safeParse(values);
  if (parsed.success) return { ok: true, data: parsed.data };
  return { ok: false, errors: fieldErrorsOf(parsed.error) as FieldErrors<K>, values: echoFields(values) as Record<K, string> };
}

export const DEPENDENT_FIELDS = ["firstName", "lastName", "relationship", "dateOfBirth"] as const;
export type DependentField = (typeof DEPENDENT_FIELDS)[number];
export const parseDependentForm = (raw: Record<string, unknown>) => parseWith(dependentSchema, DEPENDENT_FIELDS, raw);

export const PROFILE_FIELDS = ["firstName", "lastName", "email", "dateOfBirth"] as const;
export type ProfileField = (typeof PROFILE_FIELDS)[number];
export const parseProfileForm = (raw: Record<string, unknown>) => parseWith(profileSchema, PROFILE_FIELDS, raw);

const asDate = (v: string) => (v === "" ? null : new Date(`${v}T00:00:00Z`));
const isoDay = (d: Date | null) => (d ? d.toISOString().slice(0, 10) : "");

/** "14 March 2019" (a date of birth has no time zone). */
export function formatBirthDate(d: Date | null): string {
  return d ? new Intl.DateTimeFormat("en-GB", { timeZone: "UTC", day: "numeric", month: "long", year: "numeric" }).format(d) : "";
}

export interface FamilyMemberView {
  id: string;
  firstName: string;
  lastName: string;
  name: string;
  relationship: DependentRelationship;
  relationshipLabel: string;
  /** "YYYY-MM-DD" for the edit form; "" when unknown. */
  dateOfBirth: string;
  dateOfBirthText: string;
}

const selectDependent = { id: true, firstName: true, lastName: true, relationship: true, dateOfBirth: true } as const;

function view(d: { id: string; firstName: string; lastName: string; relationship: DependentRelationship; dateOfBirth: Date | null }): FamilyMemberView {
  return {
    id: d.id,
    firstName: d.firstName,
    lastName: d.lastName,
    name: `${d.firstName} ${d.lastName}`,
    relationship: d.relationship,
    relationshipLabel: relationshipLabel(d.relationship),
    dateOfBirth: isoDay(d.dateOfBirth),
    dateOfBirthText: formatBirthDate(d.dateOfBirth),
  };
}

/** The family members still on the account (never removed ones), in name order. */
export async function activeDependents(tx: Tx, patientAccountId: string): Promise<FamilyMemberView[]> {
  const rows = await tx.dependent.findMany({
    where: { patientAccountId, removedAt: null },
    orderBy: [{ firstName: "asc" }, { lastName: "asc" }, { createdAt: "asc" }],
    select: selectDependent,
  });
  return rows.map(view);
}

/** The family page: the account's members, with the view written to the audit log. */
export async function listFamily(db: ClinicDb | null, accounts: Db, patientAccountId: string, audit: AuditRequestContext | null): Promise<FamilyMemberView[]> {
  const scope = scopeOf(db);
  return scoped(db, accounts).tx(async (tx) => {
    const members = await activeDependents(tx, patientAccountId);
    await recordAudit(tx, {
      clinicId: scope.clinicId,
      actor: { type: "patient", id: patientAccountId },
      action: "patient.family_viewed",
      target: { type: "patient_account", id: patientAccountId },
      request: audit,
      details: { count: members.length },
    });
    return members;
  });
}

/** Adds a family member inside the caller's transaction (also used when confirming a booking for them). */
export async function insertDependent(tx: Tx, scope: AccountScope, patientAccountId: string, input: DependentInput, audit: AuditRequestContext | null): Promise<FamilyMemberView> {
  const created = await tx.dependent.create({
    data: { patientAccountId, firstName: input.firstName, lastName: input.lastName, relationship: input.relationship, dateOfBirth: asDate(input.dateOfBirth) },
    select: selectDependent,
  });
  await recordAudit(tx, {
    clinicId: scope.clinicId,
    actor: { type: "patient", id: patientAccountId },
    action: "patient.dependent_added",
    target: { type: "dependent", id: created.id },
    request: audit,
    details: { relationship: created.relationship },
  });
  // Added on a clinic's site (signed in there): shared with that clinic; other clinics never see it.
  if (scope.clinicId) await shareWithSignedInClinic(tx, scope.clinicId, patientAccountId, created.id);
  return view(created);
}

export async function addDependent(db: ClinicDb | null, accounts: Db, patientAccountId: string, input: DependentInput, audit: AuditRequestContext | null): Promise<FamilyMemberView> {
  const scope = scopeOf(db);
  return scoped(db, accounts).tx((tx) => insertDependent(tx, scope, patientAccountId, input, audit));
}

export type FamilyChange = { ok: true; member: FamilyMemberView } | { ok: false; message: string };
const NOT_YOURS = "We could not find this person in your family. They may have been removed already.";
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Edits one of the account's own, not removed, family members; anyone else's is "not found". */
export async function updateDependent(
  db: ClinicDb | null,
  accounts: Db,
  patientAccountId: string,
  dependentId: string,
  input: DependentInput,
  audit: AuditRequestContext | null,
): Promise<FamilyChange> {
  if (!UUID.test(dependentId)) return { ok: false, message: NOT_YOURS };
  const scope = scopeOf(db);
  return scoped(db, accounts).tx(async (tx): Promise<FamilyChange> => {
    const before = await tx.dependent.findFirst({ where: { id: dependentId, patientAccountId, removedAt: null }, select: selectDependent });
    if (!before) return { ok: false, message: NOT_YOURS };
    const after = await tx.dependent.update({
      where: { id: dependentId },
      data: { firstName: input.firstName, lastName: input.lastName, relationship: input.relationship, dateOfBirth: asDate(input.dateOfBirth) },
      select: selectDependent,
    });
    const changed: string[] = (["firstName", "lastName", "relationship"] as const).filter((k) => before[k] !== after[k]);
    if (isoDay(before.dateOfBirth) !== isoDay(after.dateOfBirth)) changed.push("dateOfBirth");
    await recordAudit(tx, {
      clinicId: scope.clinicId,
      actor: { type: "patient", id: patientAccountId },
      action: "patient.dependent_updated",
      target: { type: "dependent", id: dependentId },
      request: audit,
      details: { changed },
    });
    return { ok: true, member: view(after) };
  });
}

/** Removes a family member from the account (softly); already booked visits keep their name. */
export async function removeDependent(db: ClinicDb | null, accounts: Db, patientAccountId: string, dependentId: string, audit: AuditRequestContext | null, now = new Date()): Promise<FamilyChange> {
  if (!UUID.test(dependentId)) return { ok: false, message: NOT_YOURS };
  const scope = scopeOf(db);
  return scoped(db, accounts).tx(async (tx): Promise<FamilyChange> => {
    // Only a row that is this account's and still active changes; the count says whether it was.
    const { count } = await tx.dependent.updateMany({ where: { id: dependentId, patientAccountId, removedAt: null }, data: { removedAt: now } });
    if (count !== 1) return { ok: false, message: NOT_YOURS };
    const removed = await tx.dependent.findUniqueOrThrow({ where: { id: dependentId }, select: selectDependent });
    await recordAudit(tx, {
      clinicId: scope.clinicId,
      actor: { type: "patient", id: patientAccountId },
      action: "patient.dependent_removed",
      target: { type: "dependent", id: dependentId },
      request: audit,
    });
    return { ok: true, member: view(removed) };
  });
}

// ---------------------------------------------------------------------------------------------
// Profile

export interface ProfileView {
  phone: string;
  firstName: string;
  lastName: string;
  email: string;
  dateOfBirth: string;
}

export async function readProfile(db: ClinicDb | null, accounts: Db, patientAccountId: string, audit: AuditRequestContext | null): Promise<ProfileView> {
  const scope = scopeOf(db);
  return scoped(db, accounts).tx(async (tx) => {
    const p = await tx.patientAccount.findUniqueOrThrow({ where: { id: patientAccountId }, select: { phone: true, firstName: true, lastName: true, email: true, dateOfBirth: true } });
    await recordAudit(tx, {
      clinicId: scope.clinicId,
      actor: { type: "patient", id: patientAccountId },
      action: "patient.profile_viewed",
      target: { type: "patient_account", id: patientAccountId },
      request: audit,
    });
    return { phone: p.phone, firstName: p.firstName ?? "", lastName: p.lastName ?? "", email: p.email ?? "", dateOfBirth: isoDay(p.dateOfBirth) };
  });
}

/** Saves the patient's own name, email and date of birth. The phone is the sign-in and stays as is. */
export async function updateProfile(db: ClinicDb | null, accounts: Db, patientAccountId: string, input: ProfileInput, audit: AuditRequestContext | null): Promise<void> {
  const scope = scopeOf(db);
  await scoped(db, accounts).tx(async (tx) => {
    const before = await tx.patientAccount.findUniqueOrThrow({ where: { id: patientAccountId }, select: { firstName: true, lastName: true, email: true, dateOfBirth: true } });
    const next = { firstName: input.firstName, lastName: input.lastName, email: input.email === "" ? null : input.email, dateOfBirth: asDate(input.dateOfBirth) };
    await tx.patientAccount.update({ where: { id: patientAccountId }, data: next });
    const changed = (["firstName", "lastName", "email"] as const).filter((k) => (before[k] ?? null) !== next[k]) as string[];
    if (isoDay(before.dateOfBirth) !== isoDay(next.dateOfBirth)) changed.push("dateOfBirth");
    await recordAudit(tx, {
      clinicId: scope.clinicId,
      actor: { type: "patient", id: patientAccountId },
      action: "patient.profile_updated",
      target: { type: "patient_account", id: patientAccountId },
      request: audit,
      details: { changed },
    });
  });
}
