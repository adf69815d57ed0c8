/**
 * The platform operator's view of clinic onboarding, and the decisions only the operator makes:
 * verifying a clinic's documents, approving it (draft → live), suspending and reinstating it.
 *
 * Reads across clinics go through named system-scope paths ("platform admin: …") that select only
 * clinic-level facts: profile fields, counts of locations, bookable services and schedule rules,
 * document metadata, payout flags, staff counts, and appointment NUMBERS (platform_appointment_counts
 * returns counts only). No patient table is read here. Decisions about one clinic are written in
 * that clinic's own scope, audited in its log and, in the same transaction, in the platform's log.
 */
import { randomUUID } from "node:crypto";
import { z } from "zod";
import type { ClinicDocumentKind, ClinicDocumentStatus, ClinicStatus } from "~/generated/prisma/enums";
import { recordAudit, type AuditRequestContext } from "~/modules/audit/audit.server";
import { toSummary, type ClinicDocumentSummary } from "~/modules/clinic/clinic-documents.server";
import { REQUIRED_DOCUMENT_KINDS } from "~/modules/clinic/onboarding-words";
import { writeOutboxEvent } from "~/modules/outbox/outbox.server";
import { forgetCachedSites } from "~/modules/tenancy/site.server";
import type { Db, Tx } from "~/utils/db.server";

export const ONBOARDING_STEPS = ["profile", "services", "documents", "payouts", "live"] as const;
export type OnboardingStepKey = (typeof ONBOARDING_STEPS)[number];

export const STEP_LABELS: Record<OnboardingStepKey, string> = {
  profile: "Profile complete",
  services: "Services and schedules",
  documents: "Documents verified",
  payouts: "Payouts connected",
  live: "Live",
};

export interface OnboardingStep {
  key: OnboardingStepKey;
  label: string;
  done: boolean;
  /** What is missing, or what was found, in words for the operator. */
  detail: string;
}

export interface ClinicFacts {
  status: ClinicStatus;
  name: string;
  tagline: string | null;
  description: string | null;
  contactPhone: string | null;
  contactEmail: string | null;
  locations: number;
  bookableServices: number;
  scheduleRules: number;
  documents: { kind: ClinicDocumentKind; status: ClinicDocumentStatus }[];
  payoutsChargesEnabled: boolean;
}

/** The five steps from a clinic's facts (pure, so the rules are easy to test). */
export function onboardingSteps(f: ClinicFacts): OnboardingStep[] {
  const missingProfile = [
    !f.name.trim() ? "a name" : null,
    !f.tagline && !f.description ? "a tagline or description" : null,
    !f.contactPhone && !f.contactEmail ? "a contact phone or email" : null,
    f.locations === 0 ? "a location" : null,
  ].filter((x): x is string => x !== null);
  const unverified = REQUIRED_DOCUMENT_KINDS.filter((k) => !f.documents.some((d) => d.kind === k && d.status === "verified"));
  const pending = f.documents.filter((d) => d.status === "pending").length;
  const step = (key: OnboardingStepKey, done: boolean, detail: string): OnboardingStep => ({ key, label: STEP_LABELS[key], done, detail });
  return [
    step("profile", missingProfile.length === 0, missingProfile.length ? `Missing ${missingProfile.join(", ")}.` : `${f.locations} ${f.locations === 1 ? "location" : "locations"}, contacts and description set.`),
    step(
      "services",
      f.bookableServices > 0 && f.scheduleRules > 0,
      f.bookableServices === 0 ? "No bookable service yet." : f.scheduleRules === 0 ? "No doctor has weekly hours yet." : `${f.bookableServices} bookable services, ${f.scheduleRules} weekly schedule rules.`,
    ),
    step(
      "documents",
      unverified.length === 0,
      unverified.length ? `Needs a verified ${unverified.join(" and a verified ")} document${pending ? ` (${pending} waiting for review)` : ""}.` : "Licence and insurance verified.",
    ),
    step("payouts", f.payoutsChargesEnabled, f.payoutsChargesEnabled ? "The payout account can take charges." : "The payout account is not connected or cannot take charges yet."),
    step("live", f.status === "live", f.status === "live" ? "Taking bookings." : f.status === "suspended" ? "Suspended: not taking bookings." : "Draft: waiting for approval."),
  ];
}

/** The steps that must be done before approval (all but "live" itself). */
export function missingForApproval(steps: OnboardingStep[]): OnboardingStep[] {
  return steps.filter((s) => s.key !== "live" && !s.done);
}

export interface OnboardingClinic {
  id: string;
  slug: string;
  name: string;
  status: ClinicStatus;
  city: string | null;
  timeZone: string;
  staffCount: number;
  appointmentsThisWeek: number;
  documentsPending: number;
  steps: OnboardingStep[];
  createdAt: string;
}

export interface PlatformTotals {
  clinicsByStatus: Record<ClinicStatus, number>;
  clinics: number;
  staffUsers: number;
  activeStaffMemberships: number;
  patientAccounts: number;
  appointmentsThisWeek: number;
  documentsPending: number;
  /** The week counted, Monday 00:00 UTC to the next Monday. */
  week: { from: string; to: string };
}

export function utcWeek(now: Date): { from: Date; to: Date } {
  const day = (now.getUTCDay() + 6) % 7; // Monday 0 … Sunday 6
  const from = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() - day));
  return { from, to: new Date(from.getTime() + 7 * 86_400_000) };
}

const clinicFactsSelect = {
  id: true,
  slug: true,
  name: true,
  status: true,
  city: true,
  timeZone: true,
  tagline: true,
  description: true,
  contactPhone: true,
  contactEmail: true,
  payoutsChargesEnabled: true,
  createdAt: true,
  _count: { select: { locations: true } },
} as const;

async function countsBy(tx: Tx, ids: string[], from: Date, to: Date) {
  const [services, rules, docs, staff, appointments] = await Promise.all([
    // The system scope sees active and seasonal services only: exactly the bookable ones.
    tx.service.groupBy({ by: ["clinicId"], where: { clinicId: { in: ids } }, _count: { _all: true } }),
    tx.availabilityRule.groupBy({ by: ["clinicId"], where: { clinicId: { in: ids } }, _count: { _all: true } }),
    tx.clinicDocument.findMany({ where: { clinicId: { in: ids } }, select: { clinicId: true, kind: true, status: true } }),
    tx.clinicMembership.groupBy({ by: ["clinicId", "staffUserId"], where: { clinicId: { in: ids }, active: true } }),
    tx.$queryRaw<{ clinic_id: string; appointments: bigint }[]>`SELECT clinic_id::text AS clinic_id, appointments FROM platform_appointment_counts(${from}::timestamptz, ${to}::timestamptz)`,
  ]);
  const byClinic = <T extends { clinicId: string }>(rows: T[]) => {
    const m = new Map<string, T[]>();
    for (const r of rows) m.set(r.clinicId, [...(m.get(r.clinicId) ?? []), r]);
    return m;
  };
  return {
    services: new Map(services.map((s) => [s.clinicId, s._count._all])),
    rules: new Map(rules.map((r) => [r.clinicId, r._count._all])),
    docs: byClinic(docs),
    staff: new Map([...byClinic(staff)].map(([k, v]) => [k, v.length])),
    appointments: new Map(appointments.map((a) => [a.clinic_id, Number(a.appointments)])),
  };
}

type FactsRow = { status: ClinicStatus; name: string; tagline: string | null; description: string | null; contactPhone: string | null; contactEmail: string | null; payoutsChargesEnabled: boolean; _count: { locations: number } };

function factsOf(r: FactsRow, counts: Awaited<ReturnType<typeof countsBy>>, id: string): ClinicFacts {
  return {
    status: r.status,
    name: r.name,
    tagline: r.tagline,
    description: r.description,
    contactPhone: r.contactPhone,
    contactEmail: r.contactEmail,
    locations: r._count.locations,
    bookableServices: counts.services.get(id) ?? 0,
    scheduleRules: counts.rules.get(id) ?? 0,
    documents: (counts.docs.get(id) ?? []).map((d) => ({ kind: d.kind, status: d.status })),
    payoutsChargesEnabled: r.payoutsChargesEnabled,
  };
}

export const clinicStatusFilter = z.enum(["draft", "live", "suspended"]).optional().catch(undefined);

/** Every clinic with its onboarding steps, and the platform's totals (numbers only). */
export async function getOnboardingOverview(db: Db, opts: { status?: ClinicStatus; now?: Date } = {}): Promise<{ clinics: OnboardingClinic[]; totals: PlatformTotals }> {
  const now = opts.now ?? new Date();
  const week = utcWeek(now);
  return db.system("platform admin: onboarding overview").tx(async (tx) => {
    const rows = await tx.clinic.findMany({ orderBy: [{ createdAt: "desc" }, { name: "asc" }], select: clinicFactsSelect });
    const counts = await countsBy(
      tx,
      rows.map((r) => r.id),
      week.from,
      week.to,
    );
    const staffUsers = await tx.staffUser.count();
    const patientAccounts = await tx.patientAccount.count();
    const clinicsByStatus: Record<ClinicStatus, number> = { draft: 0, live: 0, suspended: 0 };
    for (const r of rows) clinicsByStatus[r.status] += 1;
    const all = rows.map((r) => ({
      id: r.id,
      slug: r.slug,
      name: r.name,
      status: r.status,
      city: r.city,
      timeZone: r.timeZone,
      staffCount: counts.staff.get(r.id) ?? 0,
      appointmentsThisWeek: counts.appointments.get(r.id) ?? 0,
      documentsPending: (counts.docs.get(r.id) ?? []).filter((d) => d.status === "pending").length,
      steps: onboardingSteps(factsOf(r, counts, r.id)),
      createdAt: r.createdAt.toISOString(),
    }));
    return {
      clinics: opts.status ? all.filter((c) => c.status === opts.status) : all,
      totals: {
        clinicsByStatus,
        clinics: rows.length,
        staffUsers,
        activeStaffMemberships: [...counts.staff.values()].reduce((a, b) => a + b, 0),
        patientAccounts,
        appointmentsThisWeek: all.reduce((a, c) => a + c.appointmentsThisWeek, 0),
        documentsPending: all.reduce((a, c) => a + c.documentsPending, 0),
        week: { from: week.from.toISOString(), to: week.to.toISOString() },
      },
    };
  });
}

export interface StatusDecision {
  action: string;
  at: string;
  reason: string | null;
}

export interface OnboardingDetail extends OnboardingClinic {
  tagline: string | null;
  contactPhone: string | null;
  contactEmail: string | null;
  locations: number;
  documents: ClinicDocumentSummary[];
  /** The operator's decisions about this clinic, newest first (from the platform's own log). */
  decisions: StatusDecision[];
}

const uuid = z.string().uuid();

/** One clinic's onboarding in detail, or null for an unknown id. */
export async function getOnboardingDetail(db: Db, clinicId: string, now = new Date()): Promise<OnboardingDetail | null> {
  if (!uuid.safeParse(clinicId).success) return null;
  const week = utcWeek(now);
  const found = await db.system("platform admin: clinic onboarding").tx(async (tx) => {
    const r = await tx.clinic.findUnique({ where: { id: clinicId }, select: clinicFactsSelect });
    if (!r) return null;
    const counts = await countsBy(tx, [r.id], week.from, week.to);
    const documents = await tx.clinicDocument.findMany({
      where: { clinicId },
      select: { id: true, kind: true, title: true, fileName: true, contentType: true, sizeBytes: true, status: true, reviewReason: true, reviewedAt: true, createdAt: true },
      orderBy: [{ createdAt: "desc" }, { id: "asc" }],
    });
    return { r, counts, documents };
  });
  if (!found) return null;
  const { r, counts, documents } = found;
  const decisions = await db.forPlatform().tx((tx) =>
    tx.auditEvent.findMany({
      where: { clinicId: null, targetType: "clinic", targetId: clinicId, action: { in: ["clinic.approved", "clinic.suspended", "clinic.reinstated"] } },
      orderBy: [{ occurredAt: "desc" }, { id: "desc" }],
      take: 20,
      select: { action: true, occurredAt: true, details: true },
    }),
  );
  return {
    id: r.id,
    slug: r.slug,
    name: r.name,
    status: r.status,
    city: r.city,
    timeZone: r.timeZone,
    tagline: r.tagline,
    contactPhone: r.contactPhone,
    contactEmail: r.contactEmail,
    locations: r._count.locations,
    staffCount: counts.staff.get(r.id) ?? 0,
    appointmentsThisWeek: counts.appointments.get(r.id) ?? 0,
    documentsPending: documents.filter((d) => d.status === "pending").length,
    steps: onboardingSteps(factsOf(r, counts, r.id)),
    createdAt: r.createdAt.toISOString(),
    documents: documents.map(toSummary),
    decisions: decisions.map((d) => {
      const details = (d.details ?? {}) as Record<string, unknown>;
      const reason = typeof details.reason === "string" ? details.reason : typeof details.overrideReason === "string" ? details.overrideReason : null;
      return { action: d.action, at: d.occurredAt.toISOString(), reason };
    }),
  };
}

/** A document's file for the operator to view or download (document metadata and bytes only). */
export async function getDocumentFileForOperator(db: Db, clinicId: string, documentId: string, operator: OperatorActor) {
  if (!uuid.safeParse(clinicId).success || !uuid.safeParse(documentId).success) return null;
  const file = await db
    .system("platform admin: clinic document file")
    .tx((tx) => tx.clinicDocument.findFirst({ where: { clinicId, id: documentId }, select: { fileName: true, contentType: true, data: true, kind: true } }));
  if (!file) return null;
  await db.forPlatform().tx((tx) =>
    recordAudit(tx, { clinicId: null, actor: { type: "operator", id: operator.staffUserId }, action: "clinic.document_viewed", target: { type: "clinic_document", id: documentId }, request: operator.request, details: { clinicId, kind: file.kind } }),
  );
  return file;
}

// Decisions --------------------------------------------------------------------------------------

export interface OperatorActor {
  staffUserId: string;
  request: AuditRequestContext | null;
}

export type OperatorAnswer = { ok: true; message: string } | { ok: false; message: string; field?: string; missing?: string[] };

const reason = (what: string) => z.string({ error: `Give a reason for ${what}.` }).trim().min(5, `Give a reason for ${what} (at least 5 characters).`).max(500, "Use at most 500 characters.");

export const operatorDecisionForm = z.discriminatedUnion("intent", [
  z.object({
    intent: z.literal("approve"),
    overrideReason: z
      .string()
      .trim()
      .max(500, "Use at most 500 characters.")
      .optional()
      .transform((v) => (v ? v : null)),
  }),
  z.object({ intent: z.literal("suspend"), reason: reason("suspending the clinic") }),
  z.object({ intent: z.literal("reinstate"), reason: reason("reinstating the clinic") }),
  z.object({ intent: z.literal("verify-document"), documentId: z.string().uuid("Choose a document.") }),
  z.object({ intent: z.literal("reject-document"), documentId: z.string().uuid("Choose a document."), reason: reason("rejecting the document") }),
]);

export type OperatorDecision = z.infer<typeof operatorDecisionForm>;

/** Switches the open transaction to the platform's own scope (its audit log has no clinic). */
async function toPlatformScope(tx: Tx) {
  await tx.$executeRaw`SELECT set_config('app.clinic_id', '', true), set_config('app.scope', '', true)`;
}

async function bothLogs(tx: Tx, clinicId: string, operator: OperatorActor, action: string, target: { type: string; id: string }, details: Record<string, unknown>) {
  const actor = { type: "operator" as const, id: operator.staffUserId };
  await recordAudit(tx, { clinicId, actor, action, target, request: operator.request, details });
  await toPlatformScope(tx);
  await recordAudit(tx, { clinicId: null, actor, action, target, request: operator.request, details: { ...details, clinicId } });
}

const MIN_OVERRIDE = 10;

/**
 * One decision about one clinic. The clinic row (or document), the clinic's audit row and the
 * platform's audit row commit together. Approval is refused while a required step is missing,
 * unless the operator gives an explicit override reason (recorded in both logs).
 */
export async function decideForClinic(db: Db, clinicId: string, decision: OperatorDecision, operator: OperatorActor, now = new Date()): Promise<OperatorAnswer> {
  if (!uuid.safeParse(clinicId).success) return { ok: false, message: "There is no such clinic." };
  let steps: OnboardingStep[] | null = null;
  if (decision.intent === "approve") {
    const detail = await getOnboardingDetail(db, clinicId, now);
    if (!detail) return { ok: false, message: "There is no such clinic." };
    steps = detail.steps;
  }
  const answer = await db.forClinic(clinicId).tx(async (tx): Promise<OperatorAnswer> => {
    const rows = await tx.$queryRaw<{ status: ClinicStatus; name: string }[]>`SELECT status, name FROM clinics WHERE id = ${clinicId}::uuid FOR NO KEY UPDATE`;
    const clinic = rows[0];
    if (!clinic) return { ok: false, message: "There is no such clinic." };
    const target = { type: "clinic", id: clinicId };
    switch (decision.intent) {
      case "approve": {
        if (clinic.status !== "draft") return { ok: false, message: clinic.status === "live" ? `${clinic.name} is already live.` : `${clinic.name} is suspended. Reinstate it instead.` };
        const missing = missingForApproval(steps!);
        if (missing.length && (!decision.overrideReason || decision.overrideReason.length < MIN_OVERRIDE)) {
          return {
            ok: false,
            field: "overrideReason",
            missing: missing.map((s) => s.label),
            message: `${clinic.name} can't go live yet: ${missing.map((s) => s.label.toLowerCase()).join(", ")} ${missing.length === 1 ? "is" : "are"} not done. Finish ${missing.length === 1 ? "it" : "them"} first, or approve anyway with an override reason of at least ${MIN_OVERRIDE} characters.`,
          };
        }
        await tx.clinic.update({ where: { id: clinicId }, data: { status: "live" } });
        await bothLogs(tx, clinicId, operator, "clinic.approved", target, { from: "draft", to: "live", ...(missing.length ? { overrideReason: decision.overrideReason, missingSteps: missing.map((s) => s.key) } : {}) });
        return { ok: true, message: `${clinic.name} is live and taking bookings.` };
      }
      case "suspend": {
        if (clinic.status === "suspended") return { ok: false, message: `${clinic.name} is already suspended.` };
        await tx.clinic.update({ where: { id: clinicId }, data: { status: "suspended" } });
        // In the clinic's scope, before bothLogs moves the transaction to the platform's.
        await writeOutboxEvent(tx, { clinicId, name: "clinic.suspended", data: { suspensionId: randomUUID(), at: now.toISOString() } });
        await bothLogs(tx, clinicId, operator, "clinic.suspended", target, { from: clinic.status, to: "suspended", reason: decision.reason });
        return { ok: true, message: `${clinic.name} is suspended: its booking site, marketplace page and API are offline and take no bookings; its staff keep the panel, and patients with visits ahead are told.` };
      }
      case "reinstate": {
        if (clinic.status !== "suspended") return { ok: false, message: `${clinic.name} is not suspended.` };
        await tx.clinic.update({ where: { id: clinicId }, data: { status: "live" } });
        await bothLogs(tx, clinicId, operator, "clinic.reinstated", target, { from: "suspended", to: "live", reason: decision.reason });
        return { ok: true, message: `${clinic.name} is live again.` };
      }
      case "verify-document":
      case "reject-document": {
        const doc = await tx.clinicDocument.findFirst({ where: { id: decision.documentId }, select: { id: true, title: true, kind: true, status: true } });
        if (!doc) return { ok: false, message: "That document does not exist." };
        const verified = decision.intent === "verify-document";
        await tx.clinicDocument.update({
          where: { clinicId_id: { clinicId, id: doc.id } },
          data: { status: verified ? "verified" : "rejected", reviewReason: verified ? null : decision.reason, reviewedAt: now, reviewedBy: operator.staffUserId },
        });
        await bothLogs(tx, clinicId, operator, verified ? "clinic.document_verified" : "clinic.document_rejected", { type: "clinic_document", id: doc.id }, {
          kind: doc.kind,
          from: doc.status,
          ...(verified ? {} : { reason: decision.reason }),
        });
        return { ok: true, message: verified ? `“${doc.title}” is verified.` : `“${doc.title}” is rejected; the clinic sees the reason.` };
      }
    }
  });
  // The host directory caches each clinic for a few seconds; this server forgets it at once.
  if (answer.ok && (decision.intent === "approve" || decision.intent === "suspend" || decision.intent === "reinstate")) forgetCachedSites();
  return answer;
}
