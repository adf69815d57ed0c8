import type { Prisma } from "~/generated/prisma/client";
import { formatBookingCode } from "~/lib/booking-code";
import type { ClinicDb, Db, ScopedDb, Tx } from "~/utils/db.server";
import { getEnv } from "~/utils/env.server";
import { log } from "~/utils/log.server";
import { writeOutboxEvent } from "../outbox/outbox.server";
import { addDays, utcToZoned, zonedToUtc } from "~/lib/zoned-time";
import { clinicSiteOrigin, marketplaceOrigin, messageStatusCallbackUrl, type PublicUrlEnv } from "~/utils/public-urls.server";
import { sendEmail, sendSms, type Delivery, type Messenger } from "./messenger.server";
import { renderTemplate, type MessageChannel, type MessageKind } from "./templates";
import { resolveTemplate } from "./templates.server";
import { checkInUrl } from "../queue/tokens.server";
import { statusIs } from "~/lib/appointment-status";

export type { MessageKind } from "./templates";

/**
 * One message to a patient, on the channels they chose, with a delivery record per channel.
 *
 * - The recipient is the account holder: for a family member's visit, the account that manages
 *   them. Sign-in codes go to the number that asked for one.
 * - Channels: SMS and/or email as the patient prefers (email only with an address). Sign-in codes
 *   always go by SMS. A patient who turned both off gets a `skipped` record and no message.
 * - Quiet hours (the clinic's local wall time): inside them the message is recorded `queued` with
 *   `send_after` at their end, and a "message.deferred" event (written in the same transaction)
 *   has a workflow send it then. Sign-in codes ignore quiet hours; so does a message about a
 *   visit that would otherwise arrive after the visit has begun.
 * - The dedupe key makes the call idempotent: a second call with the same key sends nothing and
 *   answers with the rows of the first. A row is claimed before the provider is called, so even a
 *   crash between the provider's answer and our update never sends the message twice.
 */

export interface PatientMessageInput {
  /** Null for marketplace sign-in codes. */
  clinicId: string | null;
  kind: MessageKind;
  appointmentId?: string;
  patientAccountId?: string;
  /** The number for a sign-in code (the person may have no account yet). */
  phone?: string;
  /** Extra or overriding template variables, e.g. `code`, `expiresAt`. */
  vars?: Record<string, string>;
  /**
   * Only this channel, when the desk chose one for its own message. The patient's choices still
   * apply: a channel they turned off (or email without an address) is recorded as skipped.
   */
  channel?: MessageChannel;
  dedupeKey: string;
  now?: Date;
}

export interface DeliverySummary {
  id: string;
  channel: "sms" | "email";
  status: string;
}

export interface PatientMessageResult {
  deliveries: DeliverySummary[];
  /** When the message will go out, if quiet hours hold it back. */
  deferredUntil: Date | null;
}

export interface NotifyDeps {
  messenger?: { sendSms: Messenger["sendSms"]; sendEmail?: Messenger["sendEmail"] };
  env?: PublicUrlEnv;
}

/** Kinds whose message is about an appointment that must still be booked when it goes out. */
const NEEDS_LIVE_APPOINTMENT: ReadonlySet<MessageKind> = new Set(["booking_confirmation", "booking_change", "reminder", "deposit_problem", "youre_next"]);

const SYSTEM_PURPOSE = "marketplace messages";
const MAX_ERROR_LENGTH = 500;

/**
 * Where a message's rows live. A clinic's handle sends that clinic's messages only; the root
 * database (workflows, marketplace sign-in codes) opens the clinic's scope, or the system scope
 * for messages without a clinic.
 */
function scopeOf(db: Db | ClinicDb, clinicId: string | null): ScopedDb {
  if (!("forClinic" in db)) {
    if (db.clinicId !== clinicId) throw new Error(`a message of clinic ${clinicId ?? "(none)"} cannot be sent through clinic ${db.clinicId}'s handle`);
    return db;
  }
  return clinicId ? db.forClinic(clinicId) : db.system(SYSTEM_PURPOSE);
}

const keyFor = (dedupeKey: string, channel: MessageChannel) => `${dedupeKey}:${channel}`;

// ---------------------------------------------------------------------------------------------
// What a message is about

interface ClinicInfo {
  id: string;
  slug: string;
  name: string;
  timeZone: string;
  status: string;
  contactPhone: string | null;
  contactEmail: string | null;
  quietHoursStartMin: number | null;
  quietHoursEndMin: number | null;
}

interface AppointmentInfo {
  id: string;
  status: string;
  starts_at: Date;
  patient_account_id: string | null;
  dependent_id: string | null;
  manager_id: string | null;
  dependent_first_name: string | null;
  service_name: string;
  doctor_name: string | null;
  location_name: string;
  booking_code: string;
}

interface Recipient {
  patientAccountId: string | null;
  phone: string;
  email: string | null;
  firstName: string | null;
  smsMessages: boolean;
  emailMessages: boolean;
}

async function readClinic(tx: Tx, clinicId: string): Promise<ClinicInfo | null> {
  return tx.clinic.findUnique({
    where: { id: clinicId },
    select: { id: true, slug: true, name: true, timeZone: true, status: true, contactPhone: true, contactEmail: true, quietHoursStartMin: true, quietHoursEndMin: true },
  });
}

async function readAppointment(tx: Tx, clinicId: string, appointmentId: string): Promise<AppointmentInfo | null> {
  const rows = await tx.$queryRaw<AppointmentInfo[]>`
    SELECT a.id::text, a.status::text, a.starts_at, a.patient_account_id::text, a.dependent_id::text,
           d.patient_account_id::text AS manager_id, d.first_name AS dependent_first_name,
           s.name AS service_name, u.name AS doctor_name, l.name AS location_name, a.booking_code
      FROM appointments a
      JOIN services s ON s.clinic_id = a.clinic_id AND s.id = a.service_id
      JOIN locations l ON l.clinic_id = a.clinic_id AND l.id = a.location_id
      LEFT JOIN clinic_memberships m ON m.clinic_id = a.clinic_id AND m.id = a.doctor_id
      LEFT JOIN staff_users u ON u.id = m.staff_user_id
      LEFT JOIN dependents d ON d.id = a.dependent_id
     WHERE a.clinic_id = ${clinicId}::uuid AND a.id = ${appointmentId}::uuid`;
  return rows[0] ?? null;
}

async function readAccount(tx: Tx, where: { id: string } | { phone: string }): Promise<Recipient | null> {
  const account = await tx.patientAccount.findUnique({ where, select: { id: true, phone: true, email: true, firstName: true, smsMessages: true, emailMessages: true } });
  return account ? { patientAccountId: account.id, phone: account.phone, email: account.email, firstName: account.firstName, smsMessages: account.smsMessages, emailMessages: account.emailMessages } : null;
}

function localeFor(timeZone: string) {
  return timeZone.startsWith("America/") ? "en-US" : "en-GB";
}

/** A visit's date and time as the clinic's patients read them: "Tue, Dec 1" and "9:30 AM". */
export function localDateTime(instant: Date, timeZone: string): { date: string; time: string; dateTime: string } {
  const locale = localeFor(timeZone);
  const date = new Intl.DateTimeFormat(locale, { timeZone, weekday: "short", month: "short", day: "numeric" }).format(instant);
  const time = new Intl.DateTimeFormat(locale, { timeZone, hour: locale === "en-US" ? "numeric" : "2-digit", minute: "2-digit" }).format(instant);
  return { date, time, dateTime: `${date}, ${time}` };
}

/** The variables every clinic message can use, from the clinic and (when given) the appointment. */
function baseVars(clinic: ClinicInfo | null, appointment: AppointmentInfo | null, recipient: Recipient | null, env: PublicUrlEnv): Record<string, string> {
  const vars: Record<string, string> = { clinicName: clinic?.name ?? "Medslot", patientName: recipient?.firstName ?? "there", visitFor: "you" };
  if (clinic) {
    const site = clinicSiteOrigin(clinic.slug, env);
    const platformAccountUrl = `${marketplaceOrigin(env)}/account`;
    // A suspended clinic's site is offline: its messages point at Medslot's own host instead.
    const offline = clinic.status === "suspended";
    Object.assign(vars, {
      clinicPhone: clinic.contactPhone ?? "",
      clinicEmail: clinic.contactEmail ?? "",
      // On Medslot's own host: it answers even while the clinic's site is offline.
      platformAccountUrl,
      accountUrl: offline ? platformAccountUrl : `${site}/account`,
      bookUrl: offline ? marketplaceOrigin(env) : `${site}/book`,
      cardsUrl: offline ? platformAccountUrl : `${site}/account/cards`,
      requestsUrl: offline ? platformAccountUrl : `${site}/account/requests`,
    });
    if (appointment) {
      const when = localDateTime(appointment.starts_at, clinic.timeZone);
      Object.assign(vars, {
        visitFor: appointment.dependent_first_name ?? "you",
        serviceName: appointment.service_name,
        doctorName: appointment.doctor_name ?? "your practitioner",
        locationName: appointment.location_name,
        date: when.date,
        time: when.time,
        appointmentUrl: offline ? platformAccountUrl : `${site}/account/appointments/${appointment.id}`,
        bookingCode: formatBookingCode(clinic.slug, appointment.booking_code),
        checkInUrl: checkInUrl(clinic, appointment.id, env),
        checkInQrUrl: `${checkInUrl(clinic, appointment.id, env)}/qr.svg`,
      });
    }
  }
  return vars;
}

/**
 * The visit variables for a time that is not (yet) an appointment: a desk proposal or a waitlist
 * offer. Workflows pass them as `vars` to sendPatientMessage.
 */
export async function proposedVisitVars(
  db: ClinicDb,
  visit: { serviceId: string; practitionerId: string | null; locationId: string | null; start: Date; dependentId?: string | null; expiresAt?: Date | null },
): Promise<Record<string, string>> {
  const clinicId = db.clinicId;
  return db.tx(async (tx) => {
    const clinic = await readClinic(tx, clinicId);
    if (!clinic) return {};
    const [row] = await tx.$queryRaw<{ service_name: string | null; doctor_name: string | null; location_name: string | null; dependent_first_name: string | null }[]>`
      SELECT (SELECT s.name FROM services s WHERE s.clinic_id = ${clinicId}::uuid AND s.id = ${visit.serviceId}::uuid) AS service_name,
             (SELECT u.name FROM clinic_memberships m JOIN staff_users u ON u.id = m.staff_user_id
               WHERE m.clinic_id = ${clinicId}::uuid AND m.id = ${visit.practitionerId}::uuid) AS doctor_name,
             (SELECT l.name FROM locations l WHERE l.clinic_id = ${clinicId}::uuid AND l.id = ${visit.locationId}::uuid) AS location_name,
             (SELECT d.first_name FROM dependents d WHERE d.id = ${visit.dependentId ?? null}::uuid) AS dependent_first_name`;
    const when = localDateTime(visit.start, clinic.timeZone);
    const vars: Record<string, string> = { date: when.date, time: when.time, visitFor: row?.dependent_first_name ?? "you" };
    if (row?.service_name) vars.serviceName = row.service_name;
    vars.doctorName = row?.doctor_name ?? "the first free practitioner";
    if (row?.location_name) vars.locationName = row.location_name;
    if (visit.expiresAt) vars.expiresAt = localDateTime(visit.expiresAt, clinic.timeZone).dateTime;
    return vars;
  });
}

// ---------------------------------------------------------------------------------------------
// Quiet hours

/**
 * The end of the quiet hours `now` falls in, in the clinic's time zone, or null outside them.
 * Quiet hours may run across midnight (21:00–08:00); the end is found on the right local date and
 * converted with that date's offset, so a daylight-saving change overnight is honoured.
 */
export function quietHoursEnd(now: Date, timeZone: string, startMin: number | null, endMin: number | null): Date | null {
  if (startMin === null || endMin === null || startMin === endMin) return null;
  const local = utcToZoned(now, timeZone);
  const acrossMidnight = startMin > endMin;
  const inside = acrossMidnight ? local.minutes >= startMin || local.minutes < endMin : local.minutes >= startMin && local.minutes < endMin;
  if (!inside) return null;
  const endDate = acrossMidnight && local.minutes >= startMin ? addDays(local.date, 1) : local.date;
  const end = zonedToUtc(endDate, endMin, timeZone);
  return end.getTime() > now.getTime() ? end : null;
}

// ---------------------------------------------------------------------------------------------
// Sending

type DeliveryRow = {
  id: string;
  clinicId: string | null;
  kind: string;
  channel: MessageChannel;
  recipient: string;
  patientAccountId: string | null;
  appointmentId: string | null;
  status: string;
  sendAfter: Date | null;
  claimedAt: Date | null;
  vars: Prisma.JsonValue;
};

const deliverySelect = {
  id: true,
  clinicId: true,
  kind: true,
  channel: true,
  recipient: true,
  patientAccountId: true,
  appointmentId: true,
  status: true,
  sendAfter: true,
  claimedAt: true,
  vars: true,
} as const;

const summary = (r: Pick<DeliveryRow, "id" | "channel" | "status">): DeliverySummary => ({ id: r.id, channel: r.channel, status: r.status });

function deferredUntilOf(rows: DeliveryRow[], now: Date): Date | null {
  const times = rows.filter((r) => r.status === "queued" && r.sendAfter && r.sendAfter.getTime() > now.getTime()).map((r) => r.sendAfter!.getTime());
  return times.length ? new Date(Math.min(...times)) : null;
}

/**
 * Sends a message to a patient (see the module comment). `db` is the clinic's handle for a
 * clinic's message (its clinic must be `input.clinicId`), or the root database (workflows, and
 * marketplace messages, which have no clinic).
 */
export async function sendPatientMessage(db: Db | ClinicDb, input: PatientMessageInput, deps: NotifyDeps = {}): Promise<PatientMessageResult> {
  const now = input.now ?? new Date();
  const env = deps.env ?? getEnv();
  const scope = scopeOf(db, input.clinicId);
  const keys = [keyFor(input.dedupeKey, "sms"), keyFor(input.dedupeKey, "email")];

  const prepared = await scope.tx(async (tx) => {
    const existing = await tx.messageDelivery.findMany({ where: { dedupeKey: { in: keys } }, select: deliverySelect, orderBy: { channel: "asc" } });
    if (existing.length) return { rows: existing, content: null };

    const clinic = input.clinicId ? await readClinic(tx, input.clinicId) : null;
    if (input.clinicId && !clinic) throw new Error(`sendPatientMessage: no clinic ${input.clinicId} in this scope`);
    const appointment = clinic && input.appointmentId ? await readAppointment(tx, clinic.id, input.appointmentId) : null;
    if (input.appointmentId && !appointment) throw new Error(`sendPatientMessage: no appointment ${input.appointmentId} at clinic ${input.clinicId}`);

    // The account holder: for a family member's visit, the account that manages them.
    const accountId = appointment ? (appointment.manager_id ?? appointment.patient_account_id) : (input.patientAccountId ?? null);
    const recipient = accountId ? await readAccount(tx, { id: accountId }) : input.phone ? ((await readAccount(tx, { phone: input.phone })) ?? null) : null;
    const phone = input.kind === "sign_in_code" ? (input.phone ?? recipient?.phone) : recipient?.phone;
    if (!phone) return null;

    const allowed: MessageChannel[] =
      input.kind === "sign_in_code" ? ["sms"] : [...(recipient?.smsMessages ? (["sms"] as const) : []), ...(recipient?.emailMessages && recipient.email ? (["email"] as const) : [])];
    const channels = input.channel ? allowed.filter((c) => c === input.channel) : allowed;
    const skippedChannel: MessageChannel = input.channel ?? "sms";

    let sendAfter: Date | null = null;
    if (input.kind !== "sign_in_code" && clinic) {
      sendAfter = quietHoursEnd(now, clinic.timeZone, clinic.quietHoursStartMin, clinic.quietHoursEndMin);
      // A message about a visit is worth more than the quiet hour when the visit comes first.
      if (sendAfter && appointment && sendAfter.getTime() >= appointment.starts_at.getTime()) sendAfter = null;
    }

    // Sign-in codes are never kept; other variables are, so a deferred message can be rendered later.
    const storedVars = input.kind === "sign_in_code" ? {} : (input.vars ?? {});
    const common = { clinicId: input.clinicId, kind: input.kind, patientAccountId: recipient?.patientAccountId ?? null, appointmentId: input.appointmentId ?? null, vars: storedVars };
    const data: Prisma.MessageDeliveryCreateManyInput[] = channels.length
      ? channels.map((channel) => ({ ...common, channel, recipient: channel === "sms" ? phone : recipient!.email!, dedupeKey: keyFor(input.dedupeKey, channel), status: "queued", sendAfter }))
      : [
          {
            ...common,
            channel: skippedChannel,
            recipient: skippedChannel === "email" ? (recipient?.email ?? phone) : phone,
            dedupeKey: keyFor(input.dedupeKey, skippedChannel),
            status: "skipped",
            error: skippedChannel === "email" && !recipient?.email ? "The patient has no email address." : input.channel ? `The patient has turned off messages by ${input.channel === "sms" ? "SMS" : "email"}.` : "The patient has turned off messages.",
          },
        ];
    const created = await tx.messageDelivery.createManyAndReturn({ data, skipDuplicates: true, select: deliverySelect });
    if (sendAfter && created.some((r) => r.status === "queued")) {
      await writeOutboxEvent(tx, {
        clinicId: input.clinicId,
        name: "message.deferred",
        data: { deliveryIds: created.filter((r) => r.status === "queued").map((r) => r.id), sendAfter: sendAfter.toISOString(), kind: input.kind },
      });
    }
    const rows = created.length === data.length ? created : await tx.messageDelivery.findMany({ where: { dedupeKey: { in: keys } }, select: deliverySelect, orderBy: { channel: "asc" } });
    return { rows, content: { clinic, appointment, recipient } };
  });

  if (!prepared) {
    // A visit booked without a patient account (imported, say) has nobody to tell.
    log.info("message has no recipient", { kind: input.kind, clinicId: input.clinicId, appointmentId: input.appointmentId ?? null });
    return { deliveries: [], deferredUntil: null };
  }
  if (!prepared.content) {
    // Seen before: nothing is sent again, except a row that was recorded but never claimed (the
    // first call stopped between the two); the claim keeps that to one send.
    const deliveries: DeliverySummary[] = [];
    for (const row of prepared.rows) {
      const due = row.status === "queued" && !row.claimedAt && (!row.sendAfter || row.sendAfter.getTime() <= now.getTime());
      deliveries.push(due ? ((await sendStoredDelivery(db, row.id, { ...deps, now, clinicId: input.clinicId }, input.vars ?? {})) ?? summary(row)) : summary(row));
    }
    return { deliveries, deferredUntil: deferredUntilOf(prepared.rows, now) };
  }
  const deferredUntil = deferredUntilOf(prepared.rows, now);
  if (deferredUntil) return { deliveries: prepared.rows.map(summary), deferredUntil };

  const { clinic, appointment, recipient } = prepared.content;
  const vars = { ...baseVars(clinic, appointment, recipient, env), ...input.vars };
  const deliveries: DeliverySummary[] = [];
  for (const row of prepared.rows) {
    deliveries.push(row.status === "queued" ? await deliver(scope, row, vars, now, deps, env) : summary(row));
  }
  return { deliveries, deferredUntil: null };
}

/**
 * Sends a delivery that quiet hours held back. The message is rendered with what is true now (a
 * moved visit shows its new time); one about a visit that is no longer booked is skipped. A row
 * already sent, claimed or skipped is left alone, so a repeated call sends nothing.
 */
export async function sendQueuedDelivery(db: Db, id: string, deps: NotifyDeps & { now?: Date; clinicId?: string | null } = {}): Promise<DeliverySummary | null> {
  return sendStoredDelivery(db, id, deps, {});
}

async function sendStoredDelivery(db: Db | ClinicDb, id: string, deps: NotifyDeps & { now?: Date; clinicId?: string | null }, extraVars: Record<string, string>): Promise<DeliverySummary | null> {
  const now = deps.now ?? new Date();
  const env = deps.env ?? getEnv();
  // The relay adds the clinic to the event; without it, look the row up in the system scope.
  const clinicId =
    deps.clinicId !== undefined
      ? deps.clinicId
      : "forClinic" in db
        ? ((await db.system("deferred message").tx((tx) => tx.messageDelivery.findUnique({ where: { id }, select: { clinicId: true } })))?.clinicId ?? null)
        : db.clinicId;
  const scope = scopeOf(db, clinicId);
  const loaded = await scope.tx(async (tx) => {
    const row = await tx.messageDelivery.findUnique({ where: { id }, select: deliverySelect });
    if (!row) return null;
    if (row.status !== "queued" || row.claimedAt) return { row, vars: null };
    const clinic = row.clinicId ? await readClinic(tx, row.clinicId) : null;
    const appointment = clinic && row.appointmentId ? await readAppointment(tx, clinic.id, row.appointmentId) : null;
    const kind = row.kind as MessageKind;
    const stale =
      (NEEDS_LIVE_APPOINTMENT.has(kind) && (!appointment || !statusIs(appointment.status, "upcoming"))) ||
      (kind === "cancellation" && appointment !== null && appointment.status !== "cancelled") ||
      (kind === "request_declined" && appointment !== null && appointment.status !== "declined");
    if (stale) {
      const skipped = await tx.messageDelivery.update({ where: { id }, data: { status: "skipped", error: "The appointment changed before the message was due." }, select: deliverySelect });
      return { row: skipped, vars: null };
    }
    const recipient = row.patientAccountId ? await readAccount(tx, { id: row.patientAccountId }) : null;
    const stored = row.vars && typeof row.vars === "object" && !Array.isArray(row.vars) ? (row.vars as Record<string, string>) : {};
    return { row, vars: { ...baseVars(clinic, appointment, recipient, env), ...stored, ...extraVars } };
  });
  if (!loaded) return null;
  if (!loaded.vars) return summary(loaded.row);
  return deliver(scope, loaded.row, loaded.vars, now, deps, env);
}

/** Claims the row, renders and sends it, and records the outcome. */
async function deliver(scope: ScopedDb, row: DeliveryRow, vars: Record<string, string>, now: Date, deps: NotifyDeps, env: PublicUrlEnv): Promise<DeliverySummary> {
  const claimed = await scope.tx(async (tx) => {
    const { count } = await tx.messageDelivery.updateMany({ where: { id: row.id, status: "queued", claimedAt: null }, data: { claimedAt: now } });
    if (!count) return null;
    return resolveTemplate(tx, row.clinicId, row.kind as MessageKind, row.channel);
  });
  if (!claimed) {
    const current = await scope.tx((tx) => tx.messageDelivery.findUniqueOrThrow({ where: { id: row.id }, select: deliverySelect }));
    return summary(current);
  }

  const purpose = row.kind.replace(/_/g, "-");
  const body = renderTemplate(claimed.body, vars);
  let outcome: { ok: true; delivery: Delivery } | { ok: false; error: string };
  try {
    const delivery =
      row.channel === "sms"
        ? await (deps.messenger?.sendSms ?? sendSms)({ to: row.recipient, body, clinicId: row.clinicId, purpose, statusCallback: messageStatusCallbackUrl(env) })
        : await (deps.messenger?.sendEmail ?? sendEmail)({ to: row.recipient, subject: renderTemplate(claimed.subject ?? "", vars) || vars.clinicName || "Medslot", text: body, clinicId: row.clinicId, purpose });
    outcome = { ok: true, delivery };
  } catch (error) {
    outcome = { ok: false, error: (error instanceof Error ? error.message : String(error)).slice(0, MAX_ERROR_LENGTH) };
    log.warn("message not sent", { kind: row.kind, channel: row.channel, clinicId: row.clinicId, deliveryId: row.id, error: outcome.error });
  }

  const updated = await scope.tx((tx) =>
    tx.messageDelivery.update({
      where: { id: row.id },
      data: outcome.ok
        ? {
            status: "sent",
            sentAt: now,
            provider: outcome.delivery.via,
            providerRef: outcome.delivery.via === "dev-outbox" ? `dev-outbox:${outcome.delivery.outboxId}` : outcome.delivery.providerId,
            error: null,
          }
        : { status: "failed", error: outcome.error },
      select: { id: true, channel: true, status: true },
    }),
  );
  return summary(updated);
}

// ---------------------------------------------------------------------------------------------
// Provider status reports

const STATUS_RANK: Record<string, number> = { queued: 0, sent: 1, delivered: 2, failed: 2, skipped: 2 };

/** Twilio's message statuses in our words; statuses that say nothing new map to null. */
export function deliveryStatusFromTwilio(status: string): "queued" | "sent" | "delivered" | "failed" | null {
  switch (status) {
    case "accepted":
    case "scheduled":
    case "queued":
    case "sending":
      return "queued";
    case "sent":
      return "sent";
    case "delivered":
    case "read":
      return "delivered";
    case "failed":
    case "undelivered":
    case "canceled":
      return "failed";
    default:
      return null;
  }
}

/**
 * Records a status the provider reported for one of our messages. Statuses only move forward
 * (queued → sent → delivered, or failed), so a replayed or late report changes nothing.
 */
export async function recordProviderStatus(db: Db, report: { providerRef: string; status: string; errorCode?: string | null; now?: Date }): Promise<{ found: boolean; status: string | null; changed: boolean }> {
  const next = deliveryStatusFromTwilio(report.status);
  const now = report.now ?? new Date();
  return db.system("message status callback").tx(async (tx) => {
    const row = await tx.messageDelivery.findUnique({ where: { providerRef: report.providerRef }, select: { id: true, status: true } });
    if (!row) return { found: false, status: null, changed: false };
    if (!next || STATUS_RANK[next]! <= STATUS_RANK[row.status]!) return { found: true, status: row.status, changed: false };
    // Guarded by the status read, so two reports racing cannot move it backwards.
    const { count } = await tx.messageDelivery.updateMany({
      where: { id: row.id, status: row.status },
      data: {
        status: next,
        ...(next === "delivered" ? { deliveredAt: now } : {}),
        ...(next === "failed" ? { error: report.errorCode ? `Twilio error ${report.errorCode}` : `Twilio reported ${report.status}` } : {}),
      },
    });
    return { found: true, status: count ? next : row.status, changed: count > 0 };
  });
}
