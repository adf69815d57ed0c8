/**
 * The deposit rules (product.md, "Deposits and payments"):
 * - at booking the card is confirmed and saved; a visit within 5 days has its deposit authorized at
 *   once, a later one off-session 5 days before it (authorizations lapse: about 7 days when the
 *   patient is present, under 5 days for a merchant-initiated one);
 * - captured when the cancellation window opens (the same instant after which a patient can no
 *   longer cancel online, see scheduling/policy.ts), so a cancellation and a capture never both win;
 * - released when the patient cancels before the window, or when the clinic cancels;
 * - captured on a late cancellation or a no-show; refunded (or let go, if not yet taken) when staff
 *   waive it, with a reason, audited.
 *
 * Every action locks the deposit row, checks that it still applies, calls the provider with an
 * idempotency key made of our own ids, and records the outcome in the same transaction: the new
 * deposit status, the appointment's payment_status, a deposit event and an outbox event. A step
 * retried after a crash repeats the same provider call with the same key and gets the same answer,
 * so nothing is ever charged, captured or refunded twice, and running any of this again is safe.
 */
import { randomUUID } from "node:crypto";
import type { DepositStatus, PaymentStatus } from "~/generated/prisma/enums";
import type { ClinicDb, Db, Tx } from "~/utils/db.server";
import { NotFoundError, ValidationError } from "~/utils/errors.server";
import { recordAudit } from "../audit/audit.server";
import { clinicsOfPatient } from "../patient-account/patient-clinics.server";
import { actorLabel, auditActorOf, type Actor } from "~/lib/actor";
import { cancellationDeadline } from "../scheduling/policy";
import { platformFeeFor } from "../pricing/price";
import { cardLabel, customerRefOf, defaultCard, findCard, namePatient } from "./cards.server";
import type { AuthorizationResult, PaymentProvider } from "./provider";
import { statusIs } from "~/lib/appointment-status";

const DAY_MS = 86_400_000;
/** Off-session authorizations happen this long before the visit (a Visa merchant-initiated hold lasts under 5 days). */
export const AUTHORIZE_LEAD_MS = 5 * DAY_MS;
/** When the provider does not say, how long a hold lasts. */
const HOLD_MS = { onSession: 7 * DAY_MS, offSession: 4 * DAY_MS };
/** Declined off-session authorizations are tried again this often (or at once when the card changes), this many times. */
export const AUTHORIZATION_RETRY_MS = DAY_MS;
export const MAX_AUTHORIZATION_ATTEMPTS = 4;

/** Cancellations that are the clinic's doing: the patient never pays for them. */
const CLINIC_REASONS = new Set(["staff_unavailable", "closure", "duplicate"]);

export interface DepositTimes {
  /** When the deposit is authorized: now for a visit within 5 days, else 5 days before. */
  authorizeAt: Date;
  /** When the cancellation window opens and the deposit is captured. */
  captureAt: Date;
}

export function depositTimes(start: Date, cancellationWindowMin: number, now: Date): DepositTimes {
  return {
    authorizeAt: new Date(Math.max(now.getTime(), start.getTime() - AUTHORIZE_LEAD_MS)),
    captureAt: cancellationDeadline(start, cancellationWindowMin),
  };
}

/** Whether the deposit for a visit starting at `start` is authorized right at booking. */
export function authorizesAtBooking(start: Date, now: Date): boolean {
  return start.getTime() - now.getTime() <= AUTHORIZE_LEAD_MS;
}

const PAYMENT_STATUS: Record<DepositStatus, PaymentStatus> = {
  pending: "card_saved",
  authorized: "authorized",
  captured: "captured",
  released: "released",
  refunded: "refunded",
  waived: "waived",
  failed: "failed",
};

export interface DepositRow {
  id: string;
  clinicId: string;
  appointmentId: string;
  patientAccountId: string;
  provider: string;
  status: DepositStatus;
  amountMinor: number;
  currency: string;
  platformFeeMinor: number;
  cardId: string | null;
  intentRef: string | null;
  authorizationAttempts: number;
  authorizeAt: Date;
  captureAt: Date;
  authorizedAt: Date | null;
  authorizedOffSession: boolean | null;
  authorizationExpiresAt: Date | null;
  capturedAt: Date | null;
  releasedAt: Date | null;
  refundedAt: Date | null;
  failedAt: Date | null;
  failureCode: string | null;
  failureMessage: string | null;
  waiveReason: string | null;
  waivedBy: string | null;
  refundRef: string | null;
}

interface VisitRow {
  status: string;
  starts_at: Date;
  cancellation_window_min: number;
  cancellation_reason: string | null;
  cancelled_at: Date | null;
  cancelled_by: string | null;
  service_name: string;
  clinic_name: string;
  payout_account_ref: string | null;
  payouts_charges_enabled: boolean;
}

export async function lockDeposit(tx: Tx, clinicId: string, where: { id: string } | { appointmentId: string }): Promise<DepositRow | null> {
  const rows =
    "id" in where
      ? await tx.$queryRaw<{ id: string }[]>`SELECT id::text FROM deposits WHERE clinic_id = ${clinicId}::uuid AND id = ${where.id}::uuid FOR UPDATE`
      : await tx.$queryRaw<{ id: string }[]>`SELECT id::text FROM deposits WHERE clinic_id = ${clinicId}::uuid AND appointment_id = ${where.appointmentId}::uuid FOR UPDATE`;
  if (!rows[0]) return null;
  return tx.deposit.findUniqueOrThrow({ where: { clinicId_id: { clinicId, id: rows[0].id } } });
}

async function visitOf(tx: Tx, clinicId: string, appointmentId: string): Promise<VisitRow> {
  const [row] = await tx.$queryRaw<VisitRow[]>`
    SELECT a.status::text, a.starts_at, a.cancellation_window_min, a.cancellation_reason::text, a.cancelled_at, a.cancelled_by,
           s.name AS service_name, c.name AS clinic_name, c.payout_account_ref, c.payouts_charges_enabled
      FROM appointments a
      JOIN services s ON s.clinic_id = a.clinic_id AND s.id = a.service_id
      JOIN clinics c ON c.id = a.clinic_id
     WHERE a.clinic_id = ${clinicId}::uuid AND a.id = ${appointmentId}::uuid`;
  if (!row) throw new NotFoundError("There is no appointment with this id at this clinic.");
  return row;
}

type Change = Partial<Omit<DepositRow, "id" | "clinicId" | "status">>;

/**
 * Moves a deposit to `to` (or records an action that keeps its status), mirrors it onto the
 * appointment and announces it, in the caller's transaction.
 */
export async function moveDeposit(tx: Tx, deposit: DepositRow, to: DepositStatus, change: Change, record: { action: string; actor: string; detail?: string | null; event?: string }) {
  await tx.deposit.update({ where: { clinicId_id: { clinicId: deposit.clinicId, id: deposit.id } }, data: { ...change, status: to } });
  const appointmentId = change.appointmentId ?? deposit.appointmentId;
  await tx.appointment.update({ where: { clinicId_id: { clinicId: deposit.clinicId, id: appointmentId } }, data: { paymentStatus: PAYMENT_STATUS[to] } });
  await tx.depositEvent.create({
    data: { clinicId: deposit.clinicId, depositId: deposit.id, appointmentId, fromStatus: deposit.status, toStatus: to, action: record.action, actor: record.actor, detail: record.detail ?? null },
  });
  if (record.event) {
    const data = {
      clinicId: deposit.clinicId,
      depositId: deposit.id,
      appointmentId,
      patientAccountId: deposit.patientAccountId,
      status: to,
      previousStatus: deposit.status,
      amountMinor: deposit.amountMinor,
      currency: deposit.currency,
      failureCode: change.failureCode ?? null,
    };
    await tx.$executeRaw`INSERT INTO outbox_events (clinic_id, name, data) VALUES (${deposit.clinicId}::uuid, ${record.event}, ${JSON.stringify(data)}::jsonb)`;
  }
}

// ---------------------------------------------------------------------------------------------
// At booking

export interface OnSessionAuthorization {
  /** The card the patient chose, saved on their account. */
  cardId: string;
  result: Extract<AuthorizationResult, { outcome: "authorized" }>;
}

/**
 * The deposit of a visit just booked online, in the booking's transaction: the card is saved (and
 * for a visit within 5 days already authorized while the patient was here).
 */
export async function recordDepositAtBooking(
  tx: Tx,
  clinic: { id: string },
  booking: { depositId?: string; appointmentId: string; patientAccountId: string; start: Date; cancellationWindowMin: number; amountMinor: number; currency: string; platformFeeBps: number },
  provider: PaymentProvider["name"],
  card: { cardId: string; authorization: OnSessionAuthorization["result"] | null },
  actor: Actor,
  now: Date,
): Promise<DepositRow> {
  const times = depositTimes(booking.start, booking.cancellationWindowMin, now);
  // The id is chosen before the on-session authorization, which carries it in its metadata.
  const id = booking.depositId ?? randomUUID();
  const authorized = card.authorization;
  await tx.deposit.create({
    data: {
      clinicId: clinic.id,
      id,
      appointmentId: booking.appointmentId,
      patientAccountId: booking.patientAccountId,
      provider,
      status: "pending",
      amountMinor: booking.amountMinor,
      currency: booking.currency,
      platformFeeMinor: platformFeeFor(booking.amountMinor, booking.platformFeeBps),
      cardId: card.cardId,
      ...times,
    },
  });
  const created = (await lockDeposit(tx, clinic.id, { id }))!;
  await moveDeposit(tx, created, "pending", {}, { action: "card_saved", actor: actorLabel(actor) });
  if (authorized) {
    const pending = (await lockDeposit(tx, clinic.id, { id }))!;
    await moveDeposit(
      tx,
      pending,
      "authorized",
      { intentRef: authorized.intentRef, authorizationAttempts: 1, authorizedAt: now, authorizedOffSession: false, authorizationExpiresAt: authorized.captureBefore ?? new Date(now.getTime() + HOLD_MS.onSession) },
      { action: "authorized", actor: actorLabel(actor), detail: "on-session at booking", event: "deposit.authorized" },
    );
  }
  return (await lockDeposit(tx, clinic.id, { id }))!;
}

/** The idempotency key of the on-session authorization at booking: one per hold, card and page. */
export function bookingAuthorizationKey(holdId: string, cardId: string, formNonce: string) {
  return `deposit:${holdId}:booking:${cardId}:${formNonce}`;
}

/**
 * A deposit for a visit booked without the patient's card at hand (by the desk, by the clinic's
 * software): created from the patient's default card, or failed with "no_card" so the patient is
 * asked for one. Returns the deposit, or null when the visit needs none.
 */
export async function ensureDeposit(db: ClinicDb, provider: PaymentProvider["name"], appointmentId: string, now = new Date()): Promise<DepositRow | null> {
  const clinicId = db.clinicId;
  return db.tx(async (tx) => {
    const existing = await lockDeposit(tx, clinicId, { appointmentId });
    if (existing) return existing;
    const [a] = await tx.$queryRaw<{ status: string; patient_account_id: string | null; starts_at: Date; cancellation_window_min: number; deposit_minor: number; currency: string; platform_fee_bps: number }[]>`
      SELECT a.status::text, a.patient_account_id::text, a.starts_at, a.cancellation_window_min, a.deposit_minor, a.currency, c.platform_fee_bps
        FROM appointments a JOIN clinics c ON c.id = a.clinic_id
       WHERE a.clinic_id = ${clinicId}::uuid AND a.id = ${appointmentId}::uuid FOR UPDATE OF a`;
    if (!a || !a.patient_account_id || a.deposit_minor <= 0 || !statusIs(a.status, "changeable")) return null;
    const card = await defaultCard(tx, a.patient_account_id, provider);
    const id = randomUUID();
    await tx.deposit.create({
      data: {
        clinicId,
        id,
        appointmentId,
        patientAccountId: a.patient_account_id,
        provider,
        status: "pending",
        amountMinor: a.deposit_minor,
        currency: a.currency,
        platformFeeMinor: platformFeeFor(a.deposit_minor, a.platform_fee_bps),
        cardId: card?.id ?? null,
        ...depositTimes(a.starts_at, a.cancellation_window_min, now),
      },
    });
    const created = (await lockDeposit(tx, clinicId, { id }))!;
    if (card) {
      await moveDeposit(tx, created, "pending", {}, { action: "card_on_file", actor: "system", detail: "the patient's default card" });
    } else {
      await moveDeposit(tx, created, "failed", { failedAt: now, failureCode: "no_card", failureMessage: "No card is saved for this patient." }, { action: "no_card", actor: "system", event: "deposit.failed" });
    }
    return (await lockDeposit(tx, clinicId, { id }))!;
  });
}

// ---------------------------------------------------------------------------------------------
// Authorizing

export type AuthorizeOutcome =
  | { outcome: "authorized"; deposit: DepositRow }
  | { outcome: "declined"; deposit: DepositRow; code: string }
  /** Nothing to do: already authorized or settled, the visit is no longer active, or the deposit moved on. */
  | { outcome: "skipped"; deposit: DepositRow | null; why: string };

/**
 * Authorizes a pending (or declined) deposit off-session on the card chosen at booking, or the
 * patient's default card when that one was removed or declined. One attempt per call.
 */
export async function authorizeDeposit(db: ClinicDb, provider: PaymentProvider, appointmentId: string, now = new Date()): Promise<AuthorizeOutcome> {
  const clinicId = db.clinicId;
  return db.tx(
    async (tx) => {
      const deposit = await lockDeposit(tx, clinicId, { appointmentId });
      if (!deposit) return { outcome: "skipped", deposit: null, why: "no deposit for this appointment" };
      if (deposit.status !== "pending" && deposit.status !== "failed") return { outcome: "skipped", deposit, why: `the deposit is ${deposit.status}` };
      const visit = await visitOf(tx, clinicId, appointmentId);
      if (visit.status !== "confirmed") return { outcome: "skipped", deposit, why: `the appointment is ${visit.status}` };
      await namePatient(tx, deposit.patientAccountId);
      const chosen = deposit.cardId ? await findCard(tx, deposit.patientAccountId, deposit.cardId).catch(() => null) : null;
      // After a decline the patient is asked for another card: the newest default is the one to try.
      const card = deposit.status === "failed" ? ((await defaultCard(tx, deposit.patientAccountId, provider.name)) ?? chosen) : (chosen ?? (await defaultCard(tx, deposit.patientAccountId, provider.name)));
      const customerRef = await customerRefOf(tx, deposit.patientAccountId, provider.name);
      if (!card || !customerRef) {
        if (deposit.status === "failed" && deposit.failureCode === "no_card") return { outcome: "declined", deposit, code: "no_card" };
        await moveDeposit(tx, deposit, "failed", { failedAt: now, failureCode: "no_card", failureMessage: "No card is saved for this patient." }, { action: "no_card", actor: "system", event: "deposit.failed" });
        return { outcome: "declined", deposit: (await lockDeposit(tx, clinicId, { id: deposit.id }))!, code: "no_card" };
      }
      const attempt = deposit.authorizationAttempts + 1;
      const result = await provider.authorize(
        {
          customerRef,
          cardRef: card.cardRef,
          amountMinor: deposit.amountMinor,
          currency: deposit.currency,
          offSession: true,
          description: `Deposit: ${visit.service_name} at ${visit.clinic_name}`,
          metadata: { clinicId, depositId: deposit.id, appointmentId },
          connectedAccountRef: visit.payouts_charges_enabled ? visit.payout_account_ref : null,
          platformFeeMinor: deposit.platformFeeMinor,
        },
        `deposit:${deposit.id}:authorize:${attempt}`,
      );
      if (result.outcome === "authorized") {
        await moveDeposit(
          tx,
          deposit,
          "authorized",
          { cardId: card.id, intentRef: result.intentRef, authorizationAttempts: attempt, authorizedAt: now, authorizedOffSession: true, authorizationExpiresAt: result.captureBefore ?? new Date(now.getTime() + HOLD_MS.offSession), failureCode: null, failureMessage: null },
          { action: "authorized", actor: "system", detail: `off-session, attempt ${attempt}`, event: "deposit.authorized" },
        );
        return { outcome: "authorized", deposit: (await lockDeposit(tx, clinicId, { id: deposit.id }))! };
      }
      const code = result.outcome === "declined" ? result.code : "authentication_required";
      const message = result.outcome === "declined" ? result.message : "The bank asks the patient to confirm this payment.";
      await moveDeposit(
        tx,
        deposit,
        "failed",
        { cardId: card.id, intentRef: null, authorizationAttempts: attempt, failedAt: now, failureCode: code, failureMessage: message },
        { action: "declined", actor: "system", detail: `${code}, attempt ${attempt}`, event: "deposit.failed" },
      );
      return { outcome: "declined", deposit: (await lockDeposit(tx, clinicId, { id: deposit.id }))!, code };
    },
    { timeoutMs: 60_000 },
  );
}

/**
 * A moved visit keeps its deposit. When the hold it has would lapse before the new window opens
 * (a visit moved further out), the hold is let go and the deposit waits to be authorized again
 * 5 days before the new time.
 */
export async function renewIfLapsing(db: ClinicDb, provider: PaymentProvider, appointmentId: string, now = new Date()): Promise<DepositRow | null> {
  const clinicId = db.clinicId;
  return db.tx(
    async (tx) => {
      const deposit = await lockDeposit(tx, clinicId, { appointmentId });
      if (!deposit || deposit.status !== "authorized" || !deposit.intentRef) return deposit;
      const lapses = deposit.authorizationExpiresAt ?? new Date((deposit.authorizedAt ?? now).getTime() + HOLD_MS.offSession);
      if (lapses.getTime() > deposit.captureAt.getTime()) return deposit;
      await provider.release(deposit.intentRef, `deposit:${deposit.id}:release:${deposit.intentRef}`);
      await moveDeposit(
        tx,
        deposit,
        "pending",
        { intentRef: null, authorizedAt: null, authorizationExpiresAt: null, authorizedOffSession: null },
        { action: "hold_renewal", actor: "system", detail: `the hold would lapse on ${lapses.toISOString()}, before the window opens; authorized again from ${deposit.authorizeAt.toISOString()}` },
      );
      return lockDeposit(tx, clinicId, { id: deposit.id });
    },
    { timeoutMs: 60_000 },
  );
}

// ---------------------------------------------------------------------------------------------
// Capture, release, refund

export type SettleOutcome = { action: "captured" | "released" | "refunded" | "waived" | "none"; deposit: DepositRow | null; why: string };

async function capture(tx: Tx, provider: PaymentProvider, deposit: DepositRow, why: string, actor: string, now: Date): Promise<SettleOutcome> {
  if (deposit.status === "captured") return { action: "none", deposit, why: "already captured" };
  if (deposit.status !== "authorized" || !deposit.intentRef) return { action: "none", deposit, why: `nothing is held (the deposit is ${deposit.status})` };
  await provider.capture(deposit.intentRef, `deposit:${deposit.id}:capture:${deposit.intentRef}`);
  await moveDeposit(tx, deposit, "captured", { capturedAt: now }, { action: "captured", actor, detail: why, event: "deposit.captured" });
  return { action: "captured", deposit: await lockDeposit(tx, deposit.clinicId, { id: deposit.id }), why };
}

async function release(tx: Tx, provider: PaymentProvider, deposit: DepositRow, why: string, actor: string, now: Date, to: "released" | "waived" = "released", extra: Change = {}): Promise<SettleOutcome> {
  if (deposit.status === "released" || deposit.status === "waived" || deposit.status === "refunded") return { action: "none", deposit, why: `already ${deposit.status}` };
  if (deposit.status === "captured") return { action: "none", deposit, why: "already captured" };
  if (deposit.status === "authorized" && deposit.intentRef) await provider.release(deposit.intentRef, `deposit:${deposit.id}:release:${deposit.intentRef}`);
  await moveDeposit(tx, deposit, to, { releasedAt: now, ...extra }, { action: to, actor, detail: why, event: `deposit.${to}` });
  return { action: to, deposit: await lockDeposit(tx, deposit.clinicId, { id: deposit.id }), why };
}

async function refund(tx: Tx, provider: PaymentProvider, deposit: DepositRow, why: string, actor: string, now: Date, extra: Change = {}): Promise<SettleOutcome> {
  if (deposit.status !== "captured" || !deposit.intentRef) return { action: "none", deposit, why: `nothing was taken (the deposit is ${deposit.status})` };
  const { refundRef } = await provider.refund(deposit.intentRef, { reason: why }, `deposit:${deposit.id}:refund`);
  await moveDeposit(tx, deposit, "refunded", { refundedAt: now, refundRef, ...extra }, { action: "refunded", actor, detail: why, event: "deposit.refunded" });
  return { action: "refunded", deposit: await lockDeposit(tx, deposit.clinicId, { id: deposit.id }), why };
}

/**
 * The window opened: the deposit of a visit that is still on is captured. Run at `capture_at`; a
 * run that comes early does nothing (the deposit waits for its time).
 */
export async function captureAtWindow(db: ClinicDb, provider: PaymentProvider, appointmentId: string, now = new Date()): Promise<SettleOutcome> {
  const clinicId = db.clinicId;
  return db.tx(
    async (tx) => {
      const deposit = await lockDeposit(tx, clinicId, { appointmentId });
      if (!deposit) return { action: "none", deposit: null, why: "no deposit for this appointment" };
      if (now.getTime() < deposit.captureAt.getTime()) return { action: "none", deposit, why: "the window has not opened yet" };
      const visit = await visitOf(tx, clinicId, appointmentId);
      if (!statusIs(visit.status, "booked") || visit.status === "requested") return { action: "none", deposit, why: `the appointment is ${visit.status}` };
      return capture(tx, provider, deposit, "the cancellation window opened", "system", now);
    },
    { timeoutMs: 60_000 },
  );
}

/**
 * What a visit's end or cancellation means for its deposit, decided from the appointment as it
 * now is: a patient's cancellation before the window releases it, a later one captures it; the
 * clinic's own cancellation releases it (or refunds it, if already taken); a no-show captures it;
 * a declined request releases it. Safe to call any number of times, from a request or a workflow.
 */
export async function settleDeposit(db: ClinicDb, provider: PaymentProvider, appointmentId: string, now = new Date()): Promise<SettleOutcome> {
  const clinicId = db.clinicId;
  return db.tx(
    async (tx) => {
      const deposit = await lockDeposit(tx, clinicId, { appointmentId });
      if (!deposit) return { action: "none", deposit: null, why: "no deposit for this appointment" };
      const visit = await visitOf(tx, clinicId, appointmentId);
      if (visit.status === "no_show") return capture(tx, provider, deposit, "the patient did not come", "system", now);
      if (visit.status === "declined") return release(tx, provider, deposit, "the clinic declined the request", "system", now);
      if (visit.status !== "cancelled") return { action: "none", deposit, why: `the appointment is ${visit.status}` };
      const byClinic = !visit.cancelled_by?.startsWith("patient") && CLINIC_REASONS.has(visit.cancellation_reason ?? "");
      if (byClinic) {
        return deposit.status === "captured"
          ? refund(tx, provider, deposit, "the clinic cancelled the visit", "system", now)
          : release(tx, provider, deposit, "the clinic cancelled the visit", "system", now);
      }
      const deadline = cancellationDeadline(visit.starts_at, visit.cancellation_window_min);
      const cancelledAt = visit.cancelled_at ?? now;
      if (cancelledAt.getTime() < deadline.getTime()) return release(tx, provider, deposit, "cancelled before the cancellation window", "system", now);
      return capture(tx, provider, deposit, "cancelled inside the cancellation window", "system", now);
    },
    { timeoutMs: 60_000 },
  );
}

/**
 * Staff waive a deposit (reason required, audited): taken money is refunded, a hold is let go, and
 * a deposit not yet authorized is simply dropped. Announces `deposit.waived` so the workflow
 * stops waiting to capture it.
 */
export async function waiveDeposit(db: ClinicDb, provider: PaymentProvider, input: { appointmentId: string; reason: string }, actor: Actor, now = new Date()): Promise<SettleOutcome> {
  const clinicId = db.clinicId;
  const reason = input.reason.trim();
  if (reason.length < 3) throw new ValidationError("Say why the deposit is waived; the reason is kept in the audit log.", [{ path: "reason", message: "is required" }]);
  if (actor.type === "patient") throw new ValidationError("Only the clinic can waive a deposit.", [{ path: "reason", message: "staff only" }]);
  return db.tx(
    async (tx) => {
      const deposit = await lockDeposit(tx, clinicId, { appointmentId: input.appointmentId });
      if (!deposit) throw new NotFoundError("This appointment has no deposit.");
      const extra = { waiveReason: reason, waivedBy: actorLabel(actor) };
      const label = actorLabel(actor);
      const outcome =
        deposit.status === "captured"
          ? await refund(tx, provider, deposit, `waived: ${reason}`, label, now, extra)
          : deposit.status === "pending" || deposit.status === "authorized" || deposit.status === "failed"
            ? await release(tx, provider, deposit, `waived: ${reason}`, label, now, "waived", extra)
            : { action: "none" as const, deposit, why: `the deposit is already ${deposit.status}` };
      if (outcome.action === "none") throw new ValidationError(`There is nothing to waive: the deposit is already ${deposit.status}.`, [{ path: "status", message: `is ${deposit.status}` }]);
      await recordAudit(tx, {
        clinicId,
        actor: auditActorOf(actor),
        action: "deposit.waived",
        target: { type: "appointment", id: input.appointmentId },
        request: actor.request ?? null,
        details: { depositId: deposit.id, from: deposit.status, to: outcome.deposit?.status, amountMinor: deposit.amountMinor, currency: deposit.currency, reason },
      });
      await tx.$executeRaw`INSERT INTO outbox_events (clinic_id, name, data) VALUES (${clinicId}::uuid, 'deposit.waived', ${JSON.stringify({ clinicId, appointmentId: input.appointmentId, depositId: deposit.id })}::jsonb)`;
      return outcome;
    },
    { timeoutMs: 60_000 },
  );
}

/** Moves a visit's deposit to its new appointment row, in the reschedule's transaction. */
export async function carryDepositOver(tx: Tx, clinicId: string, move: { fromAppointmentId: string; toAppointmentId: string; start: Date; cancellationWindowMin: number }, actor: Actor, now: Date) {
  const deposit = await lockDeposit(tx, clinicId, { appointmentId: move.fromAppointmentId });
  if (!deposit) return;
  const times = depositTimes(move.start, move.cancellationWindowMin, now);
  await moveDeposit(tx, deposit, deposit.status, { appointmentId: move.toAppointmentId, ...times }, { action: "moved", actor: actorLabel(actor), detail: `with the visit, from appointment ${move.fromAppointmentId}` });
}

/** The deposit of an appointment, read without locking (for pages). */
export async function depositOf(tx: Tx, clinicId: string, appointmentId: string): Promise<(DepositRow & { card: { brand: string; last4: string } | null }) | null> {
  const deposit = await tx.deposit.findUnique({ where: { clinicId_appointmentId: { clinicId, appointmentId } } });
  if (!deposit) return null;
  let card: { brand: string; last4: string } | null = null;
  if (deposit.cardId) {
    await namePatient(tx, deposit.patientAccountId);
    card = await tx.paymentCard.findUnique({ where: { id: deposit.cardId }, select: { brand: true, last4: true } });
  }
  return { ...deposit, card };
}


/**
 * The patient saved a card: every deposit of theirs that failed for want of a working card, at any
 * clinic, for a visit still ahead of its window, is authorized again now. Returns what each did.
 */
export async function retryFailedDeposits(db: Db, provider: PaymentProvider, patientAccountId: string, now = new Date()): Promise<{ clinicId: string; appointmentId: string; outcome: AuthorizeOutcome["outcome"] }[]> {
  const results: { clinicId: string; appointmentId: string; outcome: AuthorizeOutcome["outcome"] }[] = [];
  for (const clinicId of await clinicsOfPatient(db, patientAccountId)) {
    const scoped = db.forClinic(clinicId);
    const failed = await scoped.tx((tx) => tx.deposit.findMany({ where: { clinicId, patientAccountId, status: "failed", captureAt: { gt: now }, authorizeAt: { lte: now } }, select: { appointmentId: true }, orderBy: { captureAt: "asc" } }));
    for (const { appointmentId } of failed) {
      const r = await authorizeDeposit(scoped, provider, appointmentId, now);
      results.push({ clinicId, appointmentId, outcome: r.outcome });
    }
  }
  return results;
}

/** The deposit of an appointment as the patient's pages word it, or null when there is none. */
export async function depositFactsOf(
  tx: Tx,
  clinic: { id: string; timeZone: string },
  appointmentId: string,
  format: { money: (minor: number, currency: string) => string; dateTime: (at: Date, timeZone: string) => string },
  now: Date,
) {
  const d = await depositOf(tx, clinic.id, appointmentId);
  if (!d) return null;
  return {
    status: d.status,
    amount: format.money(d.amountMinor, d.currency),
    card: d.card ? cardLabel(d.card) : null,
    authorizeAt: format.dateTime(d.authorizeAt, clinic.timeZone),
    deadline: format.dateTime(d.captureAt, clinic.timeZone),
    deadlinePassed: d.captureAt.getTime() <= now.getTime(),
    failureMessage: d.failureMessage,
  };
}
