/**
 * A patient's saved cards. Cards belong to the patient, not to a clinic: one platform customer at
 * the provider per patient, so a card saved at one clinic pays deposits at every clinic. The tables
 * show a row only when the transaction names its patient (see the payments migration), so every
 * function here names the patient first.
 */
import { randomUUID } from "node:crypto";
import type { Db, Tx } from "~/utils/db.server";
import { NotFoundError, ValidationError } from "~/utils/errors.server";
import type { DemoCardInput, DemoPaymentProvider } from "./demo-provider.server";
import type { CardSummary, PaymentProvider } from "./provider";

export interface SavedCard {
  id: string;
  brand: string;
  last4: string;
  expMonth: number;
  expYear: number;
  isDefault: boolean;
  /** "Visa •••• 4242" */
  label: string;
  /** "12/2028" */
  expiry: string;
  provider: string;
  cardRef: string;
}

const BRANDS: Record<string, string> = { visa: "Visa", mastercard: "Mastercard", amex: "American Express", discover: "Discover", jcb: "JCB", unionpay: "UnionPay", diners: "Diners Club" };

export function cardLabel(card: { brand: string; last4: string }): string {
  return `${BRANDS[card.brand] ?? "Card"} •••• ${card.last4}`;
}

/** Opens the patient's own rows in this transaction (payment_cards, payment_customers). */
export async function namePatient(tx: Tx, patientAccountId: string) {
  await tx.$executeRaw`SELECT set_config('app.patient_account_id', ${patientAccountId}, true)`;
}

function toSaved(c: { id: string; brand: string; last4: string; expMonth: number; expYear: number; isDefault: boolean; provider: string; cardRef: string }): SavedCard {
  return { ...c, label: cardLabel(c), expiry: `${String(c.expMonth).padStart(2, "0")}/${c.expYear}` };
}

const cardColumns = { id: true, brand: true, last4: true, expMonth: true, expYear: true, isDefault: true, provider: true, cardRef: true } as const;

/** The patient's cards at this provider, the default first. */
export async function listCards(tx: Tx, patientAccountId: string, provider: PaymentProvider["name"]): Promise<SavedCard[]> {
  await namePatient(tx, patientAccountId);
  const rows = await tx.paymentCard.findMany({
    where: { patientAccountId, provider, removedAt: null },
    select: cardColumns,
    orderBy: [{ isDefault: "desc" }, { createdAt: "desc" }],
  });
  return rows.map(toSaved);
}

/** One of the patient's cards; someone else's card (or a removed one) is not found. */
export async function findCard(tx: Tx, patientAccountId: string, cardId: string): Promise<SavedCard> {
  await namePatient(tx, patientAccountId);
  const card = /^[0-9a-f-]{36}$/i.test(cardId) ? await tx.paymentCard.findFirst({ where: { id: cardId, patientAccountId, removedAt: null }, select: cardColumns }) : null;
  if (!card) throw new NotFoundError("This card is not saved on your account.");
  return toSaved(card);
}

export async function defaultCard(tx: Tx, patientAccountId: string, provider: PaymentProvider["name"]): Promise<SavedCard | null> {
  return (await listCards(tx, patientAccountId, provider))[0] ?? null;
}

/**
 * The patient's customer at the provider, created the first time. The idempotency key is the
 * patient's id, so two requests racing here create one customer.
 */
export async function ensureCustomer(db: Db, provider: PaymentProvider, patient: { id: string; phone: string; email: string | null; name: string | null }): Promise<string> {
  const scope = db.forPlatform();
  const existing = await scope.tx(async (tx) => {
    await namePatient(tx, patient.id);
    return tx.paymentCustomer.findUnique({ where: { patientAccountId: patient.id } });
  });
  if (existing && existing.provider === provider.name) return existing.customerRef;
  const { customerRef } = await provider.createCustomer({ patientAccountId: patient.id, phone: patient.phone, email: patient.email, name: patient.name }, `customer:${patient.id}:${provider.name}`);
  await scope.tx(async (tx) => {
    await namePatient(tx, patient.id);
    await tx.$executeRaw`
      INSERT INTO payment_customers (patient_account_id, provider, customer_ref) VALUES (${patient.id}::uuid, ${provider.name}, ${customerRef})
      ON CONFLICT (patient_account_id) DO UPDATE SET provider = excluded.provider, customer_ref = excluded.customer_ref`;
  });
  return customerRef;
}

export async function customerRefOf(tx: Tx, patientAccountId: string, provider: PaymentProvider["name"]): Promise<string | null> {
  await namePatient(tx, patientAccountId);
  const row = await tx.paymentCustomer.findUnique({ where: { patientAccountId } });
  return row && row.provider === provider ? row.customerRef : null;
}

/**
 * Keeps a card the provider saved. The first card becomes the default; saving the same card again
 * changes nothing. Announces `payment.card_saved`, which wakes deposits waiting for a new card.
 */
export async function keepCard(tx: Tx, patientAccountId: string, provider: PaymentProvider["name"], card: CardSummary, opts: { makeDefault?: boolean } = {}): Promise<SavedCard> {
  await namePatient(tx, patientAccountId);
  const hasDefault = (await tx.paymentCard.count({ where: { patientAccountId, provider, removedAt: null, isDefault: true } })) > 0;
  const makeDefault = opts.makeDefault || !hasDefault;
  if (makeDefault) await tx.paymentCard.updateMany({ where: { patientAccountId, isDefault: true }, data: { isDefault: false } });
  const [row] = await tx.$queryRaw<{ id: string }[]>`
    INSERT INTO payment_cards (patient_account_id, provider, card_ref, brand, last4, exp_month, exp_year, is_default)
    VALUES (${patientAccountId}::uuid, ${provider}, ${card.ref}, ${card.brand}, ${card.last4}, ${card.expMonth}, ${card.expYear}, ${makeDefault})
    ON CONFLICT (provider, card_ref) DO UPDATE SET removed_at = NULL, is_default = excluded.is_default OR payment_cards.is_default
    RETURNING id::text`;
  const saved = await findCard(tx, patientAccountId, row!.id);
  await tx.$executeRaw`INSERT INTO outbox_events (clinic_id, name, data) VALUES (NULL, 'payment.card_saved', ${JSON.stringify({ patientAccountId, cardId: saved.id })}::jsonb)`;
  return saved;
}

export async function makeDefaultCard(db: Db, provider: PaymentProvider, patientAccountId: string, cardId: string): Promise<void> {
  const scope = db.forPlatform();
  const card = await scope.tx((tx) => findCard(tx, patientAccountId, cardId));
  const customerRef = await scope.tx((tx) => customerRefOf(tx, patientAccountId, provider.name));
  if (customerRef) await provider.setDefaultCard(customerRef, card.cardRef, `default-card:${card.id}:${Date.now()}`);
  await scope.tx(async (tx) => {
    await namePatient(tx, patientAccountId);
    await tx.paymentCard.updateMany({ where: { patientAccountId, isDefault: true }, data: { isDefault: false } });
    await tx.paymentCard.update({ where: { id: card.id }, data: { isDefault: true } });
  });
}

/**
 * Removes a card at the provider and here. Another card becomes the default. Deposits already held
 * on it stay held (the hold is the bank's); later authorizations use the new default.
 */
export async function removeCard(db: Db, provider: PaymentProvider, patientAccountId: string, cardId: string): Promise<void> {
  const scope = db.forPlatform();
  const card = await scope.tx((tx) => findCard(tx, patientAccountId, cardId));
  await provider.removeCard(card.cardRef, `remove-card:${card.id}`);
  await scope.tx(async (tx) => {
    await namePatient(tx, patientAccountId);
    await tx.paymentCard.update({ where: { id: card.id }, data: { removedAt: new Date(), isDefault: false } });
    if (card.isDefault) {
      await tx.$executeRaw`
        UPDATE payment_cards SET is_default = true
         WHERE id = (SELECT id FROM payment_cards WHERE patient_account_id = ${patientAccountId}::uuid AND removed_at IS NULL ORDER BY created_at DESC LIMIT 1)`;
    }
  });
}

/** A card the provider says was removed (e.g. from the Stripe dashboard): hidden here too. */
export async function forgetCardByRef(tx: Tx, provider: PaymentProvider["name"], cardRef: string): Promise<number> {
  return tx.$executeRaw`UPDATE payment_cards SET removed_at = now(), is_default = false WHERE provider = ${provider} AND card_ref = ${cardRef} AND removed_at IS NULL`;
}

/**
 * What the card form sends: with Stripe, the SetupIntent the browser confirmed with Stripe.js (the
 * card number never reaches us); with the demo provider, the test card itself.
 */
export type CardToSave = { setupRef: string } | { demoCard: DemoCardInput };

/** Saves a card on the patient's account (the first one becomes the default). */
export async function saveCard(db: Db, provider: PaymentProvider, patient: { id: string; phone: string; email: string | null; name: string | null }, input: CardToSave, opts: { makeDefault?: boolean } = {}): Promise<SavedCard> {
  let card: CardSummary | null;
  if ("demoCard" in input) {
    if (provider.name !== "demo") throw new ValidationError("Enter your card in the secure card field.", [{ path: "card", message: "card numbers are not accepted here" }]);
    const customerRef = await ensureCustomer(db, provider, patient);
    const setup = await provider.startCardSetup({ customerRef }, `card-setup:${patient.id}:${randomUUID()}`);
    card = (provider as DemoPaymentProvider).confirmCard(setup.setupRef, input.demoCard);
  } else {
    card = await provider.cardFromSetup(input.setupRef);
    if (!card) throw new ValidationError("Your bank has not confirmed the card yet. Try again, or use another card.", [{ path: "card", message: "not confirmed" }]);
  }
  const saved = card;
  return db.forPlatform().tx((tx) => keepCard(tx, patient.id, provider.name, saved, opts));
}

/** Stripe only: a SetupIntent for the browser's secure card field on this page view; null for the demo. */
export async function browserCardSetup(db: Db, provider: PaymentProvider, patient: { id: string; phone: string; email: string | null; name: string | null }, publishableKey: string | null) {
  if (provider.name !== "stripe" || !publishableKey) return null;
  const customerRef = await ensureCustomer(db, provider, patient);
  const setup = await provider.startCardSetup({ customerRef }, `card-setup:${patient.id}:${randomUUID()}`);
  return setup.clientSecret ? { publishableKey, clientSecret: setup.clientSecret } : null;
}

/** The signed-in patient as the payment provider's customer knows them. */
export function payerOf(p: { id: string; phone: string; firstName: string | null; lastName: string | null }) {
  return { id: p.id, phone: p.phone, email: null, name: [p.firstName, p.lastName].filter(Boolean).join(" ") || null };
}
