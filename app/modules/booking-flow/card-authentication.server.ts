/**
 * The bank's own check of the deposit card (3-D Secure) while the patient books a visit within 5
 * days. The authorization at booking may answer "requires_action": the booking then waits, with a
 * deadline, while the patient answers their bank on the page (Stripe.js handleNextAction, or the
 * demo bank page). Then the server asks the provider how the bank answered and either finishes the
 * booking — confirming the hold and writing the authorized deposit in one transaction — or lets
 * the payment go and leaves nothing behind.
 *
 * The browser names only our own authentication id; it is found for the clinic of the host (RLS),
 * the signed-in patient and the browser that holds the time, or not at all. The payment it finishes
 * is the one stored with it, never one the browser names.
 *
 * - Bank says no, or the patient stops the check: the payment is cancelled, nothing is booked and
 *   the time stays held for what was left of its 10 minutes, so another card can be tried at once.
 * - Nobody finishes by the deadline (the patient left): the payment is cancelled and the hold
 *   released, so the time is free for everyone again.
 */
import { z } from "zod";
import { recordAudit, type AuditRequestContext } from "~/modules/audit/audit.server";
import { insertDependent, type DependentInput } from "~/modules/patient-account/family.server";
import { writeOutboxEvent } from "~/modules/outbox/outbox.server";
import { findCard, makeDefaultCard, removeCard } from "~/modules/payments/cards.server";
import { recordDepositAtBooking } from "~/modules/payments/deposits.server";
import type { PaymentProvider } from "~/modules/payments/provider";
import { PaymentProviderUnavailableError } from "~/modules/payments/provider";
import type { Actor } from "~/lib/actor";
import { confirmHold, HoldExpiredError } from "~/modules/scheduling/booking.server";
import type { ClinicRef } from "~/modules/scheduling/slots.server";
import type { ClinicDb, Db, Tx } from "~/utils/db.server";
import { ValidationError } from "~/utils/errors.server";
import { log } from "~/utils/log.server";

/** How long a booking waits for the patient's bank (a 3-D Secure challenge takes a minute or two). */
export const AUTHENTICATION_MINUTES = 10;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The form the page posts once the bank was answered (or the patient stopped the check). */
export const authenticationForm = z.object({
  intent: z.enum(["finish-authentication", "stop-authentication"]),
  hold: z.string().regex(UUID),
  authentication: z.string().regex(UUID),
  /** The demo bank page's button; the real provider's answer comes from the provider itself. */
  bankAnswer: z.enum(["approve", "fail"]).optional(),
});

/** What the page needs to run the bank's check. */
export interface WaitingAuthentication {
  id: string;
  provider: PaymentProvider["name"];
  /** For Stripe.js handleNextAction; never stored. */
  clientSecret: string;
  cardLabel: string;
  expiresAt: Date;
}

export interface AuthenticationRequest {
  holdId: string;
  heldBy: string;
  patientAccountId: string;
  dependentId: string | null;
  newDependent?: DependentInput;
  note: string | null;
  visitReason?: string | null;
  depositId: string;
  card: { id: string; label: string };
  /** Typed for this booking: kept, as the default, only once the bank accepts it. */
  cardIsNew: boolean;
  intentRef: string;
  clientSecret: string;
}

/**
 * The booking waits for the bank: the hold is kept until the deadline and what the patient chose
 * is remembered. A hold that ran out meanwhile throws HoldExpiredError (the caller lets the payment go).
 */
export async function waitForAuthentication(db: ClinicDb, provider: PaymentProvider, clinic: ClinicRef, req: AuthenticationRequest, now = new Date()): Promise<WaitingAuthentication> {
  const expiresAt = new Date(now.getTime() + AUTHENTICATION_MINUTES * 60_000);
  const id = await db.tx(async (tx) => {
    const [hold] = await tx.$queryRaw<{ hold_expires_at: Date }[]>`
      SELECT hold_expires_at FROM appointments
       WHERE clinic_id = ${clinic.id}::uuid AND id = ${req.holdId}::uuid AND status = 'held' AND held_by = ${req.heldBy} AND hold_expires_at > ${now}
       FOR UPDATE`;
    if (!hold) throw new HoldExpiredError();
    const created = await tx.cardAuthentication.create({
      data: {
        clinicId: clinic.id,
        appointmentId: req.holdId,
        patientAccountId: req.patientAccountId,
        heldBy: req.heldBy,
        provider: provider.name,
        intentRef: req.intentRef,
        depositId: req.depositId,
        cardId: req.card.id,
        cardIsNew: req.cardIsNew,
        dependentId: req.dependentId,
        newDependent: req.newDependent ?? undefined,
        note: req.note,
        visitReason: req.visitReason ?? null,
        expiresAt,
        holdExpiresAt: hold.hold_expires_at,
      },
      select: { id: true },
    });
    // The time stays held while the bank asks; a hold with more time left keeps it.
    await tx.$executeRaw`
      UPDATE appointments SET hold_expires_at = greatest(hold_expires_at, ${expiresAt}), updated_at = now()
       WHERE clinic_id = ${clinic.id}::uuid AND id = ${req.holdId}::uuid`;
    await writeOutboxEvent(tx, { clinicId: clinic.id, name: "booking.authentication_started", data: { clinicId: clinic.id, authenticationId: created.id, holdId: req.holdId, expiresAt: expiresAt.toISOString() } });
    return created.id;
  });
  return { id, provider: provider.name, clientSecret: req.clientSecret, cardLabel: req.card.label, expiresAt };
}

export type FinishAnswer =
  | { ok: true; appointmentId: string }
  /** The bank said no, or the patient stopped: nothing booked, the time still held, another card may be tried. */
  | { ok: false; reason: "card"; message: string; cardId?: string | null }
  /** The bank has not answered yet: the page shows the check again until the deadline. */
  | { ok: false; reason: "waiting"; message: string; authentication: WaitingAuthentication }
  /** Too late: the hold is gone. */
  | { ok: false; reason: "expired"; message: string }
  /** Not this patient's, this browser's or this clinic's check. */
  | { ok: false; reason: "not-found"; message: string };

const NOT_FOUND = "We could not find this card check. Please confirm your booking again.";
const TOO_LATE = `We waited ${AUTHENTICATION_MINUTES} minutes for your bank and the time was released. Nothing was booked and nothing is held on your card. Please choose a time again.`;

interface Row {
  id: string;
  appointmentId: string;
  patientAccountId: string;
  heldBy: string;
  intentRef: string;
  depositId: string;
  cardId: string | null;
  cardIsNew: boolean;
  dependentId: string | null;
  newDependent: unknown;
  note: string | null;
  visitReason: string | null;
  status: string;
  expiresAt: Date;
  holdExpiresAt: Date;
}

async function lockRow(tx: Tx, clinicId: string, id: string): Promise<Row | null> {
  const [row] = await tx.$queryRaw<{ id: string }[]>`SELECT id::text FROM card_authentications WHERE clinic_id = ${clinicId}::uuid AND id = ${id}::uuid FOR UPDATE`;
  return row ? tx.cardAuthentication.findUnique({ where: { clinicId_id: { clinicId, id: row.id } } }) : null;
}

/** Lets the payment go; the bank lets an unused one lapse by itself if the provider cannot be reached now. */
async function letPaymentGo(provider: PaymentProvider, row: Pick<Row, "depositId" | "intentRef">) {
  try {
    await provider.release(row.intentRef, `deposit:${row.depositId}:release:${row.intentRef}`);
  } catch (error) {
    log.warn("could not cancel a payment whose card check did not finish", { depositId: row.depositId, intentRef: row.intentRef, error: (error as Error).message });
  }
}

/**
 * Ends a waiting check without a booking, in the caller's transaction. `lapsed` releases the hold
 * (the patient left); otherwise the hold keeps what was left of its own time.
 */
async function endWithoutBooking(tx: Tx, clinicId: string, row: Row, status: "failed" | "cancelled" | "abandoned", failureCode: string | null, actor: Actor, now: Date) {
  await tx.cardAuthentication.update({ where: { clinicId_id: { clinicId, id: row.id } }, data: { status, failureCode, resolvedAt: now } });
  if (status === "abandoned") {
    const released = await tx.$queryRaw<{ id: string }[]>`
      UPDATE appointments SET status = 'hold_released', hold_expires_at = NULL, updated_at = now()
       WHERE clinic_id = ${clinicId}::uuid AND id = ${row.appointmentId}::uuid AND status = 'held'
      RETURNING id::text`;
    if (released[0]) {
      await tx.appointmentStatusChange.create({
        data: { clinicId, appointmentId: row.appointmentId, fromStatus: "held", toStatus: "hold_released", actorType: actor.type, actorId: actor.id, reason: "the card check was not finished in time" },
      });
      await writeOutboxEvent(tx, { clinicId, name: "hold.released", data: { clinicId, holdId: row.appointmentId, reason: "the card check was not finished in time" } });
    }
  } else {
    await tx.$executeRaw`
      UPDATE appointments SET hold_expires_at = ${row.holdExpiresAt}, updated_at = now()
       WHERE clinic_id = ${clinicId}::uuid AND id = ${row.appointmentId}::uuid AND status = 'held'`;
  }
}

class CardGone extends Error {}

/**
 * A card typed for this booking that the bank did not accept (or whose check was stopped or left
 * unfinished) is not kept: removed at the provider and from the account, so it is neither listed nor
 * chosen next time. A card already saved before stays. Returns whether it went.
 */
async function forgetNewCard(accounts: Db, provider: PaymentProvider, row: Row): Promise<boolean> {
  if (!row.cardIsNew || !row.cardId) return false;
  try {
    await removeCard(accounts, provider, row.patientAccountId, row.cardId);
    return true;
  } catch (error) {
    // Already removed by the patient meanwhile; anything else is logged, the answer goes on.
    log.warn("could not remove a new card the bank did not accept", { authenticationId: row.id, error: (error as Error).message });
    return false;
  }
}

export interface FinishRequest {
  authenticationId: string;
  holdId: string;
  heldBy: string;
  patientAccountId: string;
  bankAnswer: string | null;
}

/** The patient's check, if it is theirs, this browser's and this clinic's (RLS scopes the clinic). */
async function ownRow(db: ClinicDb, clinic: ClinicRef, req: FinishRequest): Promise<Row | null> {
  if (!UUID.test(req.authenticationId)) return null;
  const row = await db.tx((tx) => tx.cardAuthentication.findUnique({ where: { clinicId_id: { clinicId: clinic.id, id: req.authenticationId } } }));
  if (!row || row.patientAccountId !== req.patientAccountId || row.heldBy !== req.heldBy || row.appointmentId !== req.holdId) return null;
  return row;
}

/**
 * After the bank was answered on the page: finish the booking, or leave nothing behind. `accounts`
 * is the root database, used only for the patient's platform account (the saved card's label).
 */
export async function finishAuthentication(db: ClinicDb, accounts: Db, provider: PaymentProvider, clinic: ClinicRef, req: FinishRequest, audit: AuditRequestContext | null, now = new Date()): Promise<FinishAnswer> {
  const actor: Actor = { type: "patient", id: req.patientAccountId, request: audit };
  const row = await ownRow(db, clinic, req);
  if (!row) return { ok: false, reason: "not-found", message: NOT_FOUND };
  if (row.status === "succeeded") return { ok: true, appointmentId: row.appointmentId };
  if (row.status !== "waiting") return { ok: false, reason: "card", message: "This card check has ended. Confirm your booking again, with this card or another one." };
  if (row.expiresAt.getTime() <= now.getTime()) {
    await lapseAuthentication(db, accounts, provider, row.id, now);
    return { ok: false, reason: "expired", message: TOO_LATE };
  }

  const stillWaiting = async (message: string, clientSecret: string): Promise<FinishAnswer> => {
    const card = row.cardId ? await accounts.forPlatform().tx((tx) => findCard(tx, row.patientAccountId, row.cardId!).catch(() => null)) : null;
    return { ok: false, reason: "waiting", message, authentication: { id: row.id, provider: provider.name, clientSecret, cardLabel: card?.label ?? "your card", expiresAt: row.expiresAt } };
  };
  let result;
  try {
    result = await provider.completeAuthentication(row.intentRef, req.bankAnswer, `deposit:${row.depositId}:authenticated:${row.intentRef}`);
  } catch (error) {
    if (error instanceof PaymentProviderUnavailableError) return { ok: false, reason: "card", message: "We could not reach the card service just now. Your time is still held; please try again in a moment." };
    throw error;
  }
  if (result.outcome === "requires_action") return stillWaiting("Your bank has not confirmed this payment yet. Finish the check with your bank, or stop it and use another card.", result.clientSecret);

  if (result.outcome === "declined") {
    await letPaymentGo(provider, row);
    await db.tx(async (tx) => {
      const locked = await lockRow(tx, clinic.id, row.id);
      if (locked?.status === "waiting") await endWithoutBooking(tx, clinic.id, locked, "failed", result.code, actor, now);
    });
    const forgotten = await forgetNewCard(accounts, provider, row);
    // The provider's own words stay in the record (failure_code); the patient gets plain ones.
    return { ok: false, reason: "card", message: "Your bank did not confirm the payment. Nothing was booked and nothing is held on your card. Try again, or use another card.", cardId: forgotten ? null : row.cardId };
  }

  const authorization = result;
  try {
    await db.tx(async (tx) => {
      const locked = await lockRow(tx, clinic.id, row.id);
      // Finished by a second tab meanwhile: that one booked it.
      if (!locked || locked.status !== "waiting") throw new HoldExpiredError();
      const newDependent = locked.newDependent as DependentInput | null;
      const dependentId = newDependent ? (await insertDependent(tx, { clinicId: clinic.id }, locked.patientAccountId, newDependent, audit)).id : locked.dependentId;
      const confirmed = await confirmHold(tx, clinic, { holdId: locked.appointmentId, heldBy: locked.heldBy, patient: { patientAccountId: locked.patientAccountId, dependentId }, note: locked.note, visitReason: locked.visitReason }, actor, now);
      const [terms] = await tx.$queryRaw<{ platform_fee_bps: number }[]>`SELECT platform_fee_bps FROM clinics WHERE id = ${clinic.id}::uuid`;
      // The card was removed from the account while the bank asked.
      const cardId = locked.cardId ? (await findCard(tx, locked.patientAccountId, locked.cardId).catch(() => null))?.id : null;
      if (!cardId) throw new CardGone();
      await recordDepositAtBooking(
        tx,
        clinic,
        { depositId: locked.depositId, appointmentId: confirmed.id, patientAccountId: locked.patientAccountId, start: confirmed.start, cancellationWindowMin: confirmed.cancellationWindowMin, amountMinor: confirmed.depositMinor, currency: confirmed.currency, platformFeeBps: terms?.platform_fee_bps ?? 0 },
        provider.name,
        { cardId, authorization },
        actor,
        now,
      );
      await tx.cardAuthentication.update({ where: { clinicId_id: { clinicId: clinic.id, id: locked.id } }, data: { status: "succeeded", resolvedAt: now } });
      await recordAudit(tx, { clinicId: clinic.id, actor: { type: "patient", id: locked.patientAccountId }, action: "deposit.card_authenticated", target: { type: "appointment", id: confirmed.id }, request: audit });
    });
    // Accepted by the bank: a card typed for this booking is now the account's default, as at booking.
    if (row.cardIsNew && row.cardId) await makeDefaultCard(accounts, provider, row.patientAccountId, row.cardId);
    return { ok: true, appointmentId: row.appointmentId };
  } catch (error) {
    // The booking could not be finished: the authorized amount must not stay held.
    const current = await db.tx((tx) => tx.cardAuthentication.findUnique({ where: { clinicId_id: { clinicId: clinic.id, id: row.id } }, select: { status: true } }));
    if (current?.status === "succeeded") return { ok: true, appointmentId: row.appointmentId };
    await letPaymentGo(provider, row);
    if (error instanceof HoldExpiredError) {
      await db.tx(async (tx) => {
        const locked = await lockRow(tx, clinic.id, row.id);
        if (locked?.status === "waiting") await endWithoutBooking(tx, clinic.id, locked, "abandoned", "hold_expired", actor, now);
      });
      return { ok: false, reason: "expired", message: TOO_LATE };
    }
    if (error instanceof ValidationError || error instanceof CardGone) {
      await db.tx(async (tx) => {
        const locked = await lockRow(tx, clinic.id, row.id);
        if (locked?.status === "waiting") await endWithoutBooking(tx, clinic.id, locked, "failed", error instanceof CardGone ? "card_removed" : "not_family", actor, now);
      });
      const message = error instanceof CardGone ? "This card is no longer on your account. Nothing was booked or held on it; choose another card." : "Choose yourself or a family member on your account, then confirm again. Nothing was booked or held on your card.";
      return { ok: false, reason: "card", message };
    }
    throw error;
  }
}

/** The patient stopped the bank's check (or chose another card): the payment goes, the time stays held. */
export async function stopAuthentication(
  db: ClinicDb,
  accounts: Db,
  provider: PaymentProvider,
  clinic: ClinicRef,
  req: FinishRequest,
  audit: AuditRequestContext | null,
  now = new Date(),
): Promise<FinishAnswer> {
  const row = await ownRow(db, clinic, req);
  if (!row) return { ok: false, reason: "not-found", message: NOT_FOUND };
  let forgotten = false;
  if (row.status === "waiting") {
    await letPaymentGo(provider, row);
    await db.tx(async (tx) => {
      const locked = await lockRow(tx, clinic.id, row.id);
      if (locked?.status === "waiting") await endWithoutBooking(tx, clinic.id, locked, "cancelled", null, { type: "patient", id: req.patientAccountId, request: audit }, now);
    });
    forgotten = await forgetNewCard(accounts, provider, row);
  }
  return { ok: false, reason: "card", message: "You stopped the check with your bank. Nothing was booked and nothing is held on your card. Try again, or use another card.", cardId: forgotten ? null : row.cardId };
}

/**
 * A new confirmation of the same hold replaces a check still waiting (the patient reloaded the
 * page or chose another card): its payment goes first.
 */
export async function dropWaitingAuthentication(db: ClinicDb, provider: PaymentProvider, clinic: ClinicRef, holdId: string, actor: Actor, now = new Date()) {
  const waiting = await db.tx((tx) => tx.cardAuthentication.findMany({ where: { clinicId: clinic.id, appointmentId: holdId, status: "waiting" } }));
  for (const row of waiting) {
    await letPaymentGo(provider, row);
    await db.tx(async (tx) => {
      const locked = await lockRow(tx, clinic.id, row.id);
      if (locked?.status === "waiting") await endWithoutBooking(tx, clinic.id, locked, "cancelled", null, actor, now);
    });
  }
}

/**
 * The deadline passed and nobody finished (the patient left): the payment goes and the hold is
 * released, so the time is free again. Does nothing to a check that already ended. Safe to repeat.
 */
export async function lapseAuthentication(db: ClinicDb, accounts: Db, provider: PaymentProvider, authenticationId: string, now = new Date()): Promise<"lapsed" | "ended" | "not-yet"> {
  const clinicId = db.clinicId;
  const row = await db.tx((tx) => tx.cardAuthentication.findUnique({ where: { clinicId_id: { clinicId, id: authenticationId } } }));
  if (!row || row.status !== "waiting") return "ended";
  if (row.expiresAt.getTime() > now.getTime()) return "not-yet";
  await letPaymentGo(provider, row);
  await db.tx(async (tx) => {
    const locked = await lockRow(tx, clinicId, row.id);
    if (locked?.status === "waiting") await endWithoutBooking(tx, clinicId, locked, "abandoned", "not_finished", { type: "system", id: null }, now);
  });
  await forgetNewCard(accounts, provider, row);
  return "lapsed";
}
