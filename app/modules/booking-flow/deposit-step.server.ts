/**
 * The deposit part of confirming a booking: which card pays, and — for a visit within 5 days —
 * the on-session authorization while the patient is on the page. The hold is confirmed only after
 * the card is settled, and the deposit row is written in the confirmation's own transaction; an
 * authorization whose confirmation then fails (the hold ran out) is let go at once.
 */
import { countryForTimeZone } from "~/lib/phone";
import type { WalletDeposit } from "~/modules/payments/wallet";
import { randomUUID } from "node:crypto";
import { z } from "zod";
import { readCardExpiry } from "~/lib/card-expiry";
import { browserCardSetup, customerRefOf, findCard, listCards, saveCard, type CardToSave, type SavedCard } from "~/modules/payments/cards.server";
import { authorizesAtBooking, bookingAuthorizationKey, recordDepositAtBooking, type OnSessionAuthorization } from "~/modules/payments/deposits.server";
import { platformFeeFor } from "~/modules/pricing/price";
import type { PaymentProvider } from "~/modules/payments/provider";
import { PaymentProviderUnavailableError } from "~/modules/payments/provider";
import type { Actor } from "~/lib/actor";
import type { ClinicRef } from "~/modules/scheduling/slots.server";
import type { Db, Tx } from "~/utils/db.server";
import { ValidationError } from "~/utils/errors.server";
import { log } from "~/utils/log.server";
import { formatDateTime, formatMoney } from "~/lib/format";

export interface CardChoice {
  demo: boolean;
  /** Stripe only: what its card field needs to save a new card in the browser. */
  stripe: { publishableKey: string; clientSecret: string } | null;
  cards: { id: string; label: string; expiry: string; isDefault: boolean }[];
  /** "$30.00 is held on your card now, not charged." or "... 5 days before the visit". */
  holdText: string;
  /** Apple Pay and Google Pay: offered through Stripe where the browser has a wallet (decision 043). */
  wallet: WalletDeposit;
}

/** What the review page shows about paying the deposit. */
export async function cardChoice(
  db: Db,
  provider: PaymentProvider,
  patient: { id: string; phone: string; email: string | null; name: string | null },
  hold: { start: Date; depositMinor: number; currency: string },
  clinic: { name: string; timeZone: string },
  publishableKey: string | null,
  now = new Date(),
): Promise<CardChoice> {
  const timeZone = clinic.timeZone;
  const cards = await db.forPlatform().tx((tx) => listCards(tx, patient.id, provider.name));
  const stripe = await browserCardSetup(db, provider, patient, publishableKey);
  const amount = formatMoney(hold.depositMinor, hold.currency);
  const holdText = authorizesAtBooking(hold.start, now)
    ? `${amount} is held on your card when you confirm. Nothing is charged unless you cancel late or miss the visit.`
    : `Your card is saved now; ${amount} is held on it from ${formatDateTime(new Date(hold.start.getTime() - 5 * 86_400_000), timeZone)} (5 days before the visit). Nothing is charged unless you cancel late or miss the visit.`;
  const wallet: WalletDeposit = { country: countryForTimeZone(timeZone) ?? "US", currency: hold.currency, amountMinor: hold.depositMinor, label: `Deposit · ${clinic.name}` };
  return { demo: provider.name === "demo", stripe, cards: cards.map((c) => ({ id: c.id, label: c.label, expiry: c.expiry, isDefault: c.isDefault })), holdText, wallet };
}

/** One per page view (see cardForm.payNonce). */
export const newPayNonce = () => randomUUID();

const digits = z.string().trim().transform((s) => s.replace(/[\s-]/g, ""));

/** The card part of the confirm form: a saved card's id, or a new card (demo fields, or Stripe's confirmed setup). */
export const cardForm = z.object({
  card: z.string().trim().min(1, "Choose a card for the deposit."),
  cardNumber: digits.optional(),
  cardExpiry: z.string().trim().optional(),
  cardCvc: z.string().trim().optional(),
  setupRef: z.string().trim().max(200).optional(),
  /** One per page view: a resubmitted page reuses its authorization instead of making a second. */
  payNonce: z.string().trim().regex(/^[A-Za-z0-9-]{8,64}$/),
});
export type CardFormInput = z.infer<typeof cardForm>;

export class CardProblem extends Error {
  constructor(
    message: string,
    readonly field: "card" | "cardNumber" | "cardExpiry" | "cardCvc" = "card",
  ) {
    super(message);
  }
}

function parseExpiry(text: string | undefined): { expMonth: number; expYear: number } {
  const expiry = readCardExpiry(text ?? "");
  if (!expiry) throw new CardProblem("Enter the expiry as MM/YY, for example 12/29.", "cardExpiry");
  return expiry;
}

/**
 * The card the patient chose, saving a new one first. Card problems come back as CardProblem.
 * `makeDefault: false` saves a new card beside the default (it still becomes the default when it is
 * the only one): booking makes it the default only once the bank has accepted it.
 */
export async function chosenCard(
  db: Db,
  provider: PaymentProvider,
  patient: { id: string; phone: string; email: string | null; name: string | null },
  input: CardFormInput,
  opts: { makeDefault: boolean } = { makeDefault: true },
): Promise<SavedCard> {
  if (input.card !== "new") {
    try {
      return await db.forPlatform().tx((tx) => findCard(tx, patient.id, input.card));
    } catch {
      throw new CardProblem("This card is no longer on your account. Choose another card.");
    }
  }
  let toSave: CardToSave;
  if (input.setupRef) toSave = { setupRef: input.setupRef };
  else {
    if (!input.cardNumber) throw new CardProblem("Enter the card number.", "cardNumber");
    toSave = { demoCard: { number: input.cardNumber, ...parseExpiry(input.cardExpiry), cvc: input.cardCvc ?? "" } };
  }
  try {
    return await saveCard(db, provider, patient, toSave, { makeDefault: opts.makeDefault });
  } catch (error) {
    if (error instanceof ValidationError) {
      const path = error.errors[0]?.path;
      throw new CardProblem(error.message, path === "number" ? "cardNumber" : path === "expiry" ? "cardExpiry" : path === "cvc" ? "cardCvc" : "card");
    }
    throw error;
  }
}

export interface HeldVisit {
  holdId: string;
  start: Date;
  depositMinor: number;
  currency: string;
  serviceName: string;
  clinicName: string;
  payoutAccountRef: string | null;
  payoutsChargesEnabled: boolean;
  platformFeeBps: number;
}

export interface DepositPlan {
  depositId: string;
  card: SavedCard;
  authorization: OnSessionAuthorization["result"] | null;
  /** The bank wants the patient to confirm (3-D Secure): the payment waiting for them. */
  authentication: { intentRef: string; clientSecret: string } | null;
}

/**
 * For a visit within 5 days, holds the deposit on the card now (the patient is here, so the bank
 * may ask them to confirm). A decline is a CardProblem and the time stays held for another try.
 */
export async function authorizeAtBooking(db: Db, provider: PaymentProvider, clinic: ClinicRef, visit: HeldVisit, patientAccountId: string, card: SavedCard, nonce: string, now = new Date()): Promise<DepositPlan> {
  const depositId = randomUUID();
  if (!authorizesAtBooking(visit.start, now)) return { depositId, card, authorization: null, authentication: null };
  const customerRef = await db.forPlatform().tx((tx) => customerRefOf(tx, patientAccountId, provider.name));
  if (!customerRef) throw new CardProblem("Add your card again, please.");
  let result;
  try {
    result = await provider.authorize(
      {
        customerRef,
        cardRef: card.cardRef,
        amountMinor: visit.depositMinor,
        currency: visit.currency,
        offSession: false,
        description: `Deposit: ${visit.serviceName} at ${visit.clinicName}`,
        metadata: { clinicId: clinic.id, depositId, appointmentId: visit.holdId },
        connectedAccountRef: visit.payoutsChargesEnabled ? visit.payoutAccountRef : null,
        platformFeeMinor: platformFeeFor(visit.depositMinor, visit.platformFeeBps),
      },
      bookingAuthorizationKey(visit.holdId, card.id, nonce),
    );
  } catch (error) {
    if (error instanceof PaymentProviderUnavailableError) throw new CardProblem("We could not reach the card service just now. Your time is still held; please try again in a moment.");
    throw error;
  }
  if (result.outcome === "declined") throw new CardProblem(`${card.label} was declined: ${result.message} Try another card.`);
  if (result.outcome === "requires_action") return { depositId, card, authorization: null, authentication: { intentRef: result.intentRef, clientSecret: result.clientSecret } };
  return { depositId, card, authorization: result, authentication: null };
}

/** In the confirmation's transaction: the deposit, with its card (and its hold, if placed now). */
export async function recordPlannedDeposit(tx: Tx, clinic: ClinicRef, provider: PaymentProvider, appointment: { id: string; start: Date; cancellationWindowMin: number; depositMinor: number; currency: string }, patientAccountId: string, plan: DepositPlan, platformFeeBps: number, actor: Actor, now: Date) {
  return recordDepositAtBooking(
    tx,
    clinic,
    { depositId: plan.depositId, appointmentId: appointment.id, patientAccountId, start: appointment.start, cancellationWindowMin: appointment.cancellationWindowMin, amountMinor: appointment.depositMinor, currency: appointment.currency, platformFeeBps },
    provider.name,
    { cardId: plan.card.id, authorization: plan.authorization },
    actor,
    now,
  );
}

/** The confirmation failed after the hold was placed on the card: let it go, so nothing stays held. */
export async function undoAuthorization(provider: PaymentProvider, plan: DepositPlan) {
  const intentRef = plan.authorization?.intentRef ?? plan.authentication?.intentRef;
  if (!intentRef) return;
  try {
    await provider.release(intentRef, `deposit:${plan.depositId}:release:${intentRef}`);
  } catch (error) {
    // The bank lets an unused hold lapse by itself; the patient still sees why the booking failed.
    log.warn("could not release a deposit hold after a failed confirmation", { depositId: plan.depositId, intentRef, error: (error as Error).message });
  }
}

/** What the clinic's row says about where a deposit settles. */
export async function heldVisitTerms(tx: Tx, clinicId: string) {
  const [row] = await tx.$queryRaw<{ name: string; payout_account_ref: string | null; payouts_charges_enabled: boolean; platform_fee_bps: number }[]>`
    SELECT name, payout_account_ref, payouts_charges_enabled, platform_fee_bps FROM clinics WHERE id = ${clinicId}::uuid`;
  return row!;
}
