/**
 * Payment provider webhooks (docs/decisions/011-stripe.md, "Webhooks").
 *
 * The signature is checked on the raw body first. Each event is then handled in ONE transaction
 * that starts by recording its id in payment_webhook_events: a delivery seen before (Stripe retries,
 * and may send an event twice) finds its id there and changes nothing. Two copies arriving at once
 * queue on the primary key, and the second sees the first's row once it commits.
 *
 * Events only move things forward. Stripe does not promise order, and most events repeat what our
 * own calls already recorded (we capture, then hear `payment_intent.succeeded`), so an event that
 * would move a deposit to a state it has passed (an `authorized` arriving after `captured`) or out
 * of a state that ends it (released, waived, refunded) is recorded and ignored. What an event can
 * change on its own is what happened at Stripe without us: a hold that lapsed or was cancelled in
 * the dashboard, a capture or refund made there, a card removed there, a clinic's account that
 * finished onboarding.
 *
 * The transaction runs in the named system scope (payment_webhook_events, payment_customers,
 * payment_cards and reading clinics by account are system-only); a deposit or a clinic is changed
 * after naming its clinic, so the clinic's own row-level security applies to every write there.
 */
import type { DepositStatus } from "~/generated/prisma/enums";
import type { Db, Tx } from "~/utils/db.server";
import { log } from "~/utils/log.server";
import { forgetCardByRef, keepCard } from "./cards.server";
import { lockDeposit, moveDeposit, type DepositRow } from "./deposits.server";
import type { PaymentProvider, PaymentWebhookEvent } from "./provider";

export interface WebhookOutcome {
  eventId: string;
  type: string;
  /** duplicate: seen before, nothing changed; applied: something moved; ignored: recorded, nothing to change. */
  outcome: "duplicate" | "applied" | "ignored";
  detail: string;
}

type Target = "authorized" | "captured" | "released" | "failed" | "refunded";

/** The states a webhook may move a deposit out of, per target: only later in the lifecycle. */
const MOVES_FROM: Record<Target, readonly DepositStatus[]> = {
  authorized: ["pending", "failed"],
  captured: ["pending", "failed", "authorized"],
  released: ["pending", "failed", "authorized"],
  failed: ["pending"],
  refunded: ["pending", "failed", "authorized", "captured"],
};

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Checks, records and applies one webhook delivery. Throws WebhookSignatureError (answer 400)
 * when the signature does not hold; any other error rolls everything back, so the provider's
 * retry handles the event again from the start.
 */
export async function handlePaymentWebhook(db: Db, provider: PaymentProvider, rawBody: string, signature: string | null): Promise<WebhookOutcome> {
  return recordWebhookEvent(db, provider.name, provider.parseWebhook(rawBody, signature));
}

/** Records and applies an event whose signature was already checked (see handlePaymentWebhook). */
export async function recordWebhookEvent(db: Db, provider: PaymentProvider["name"], event: PaymentWebhookEvent): Promise<WebhookOutcome> {
  const outcome = await db.system("payment webhook").tx(
    async (tx) => {
      const recorded = await tx.$executeRaw`
        INSERT INTO payment_webhook_events (provider, event_id, type) VALUES (${provider}, ${event.id}, ${event.type})
        ON CONFLICT (provider, event_id) DO NOTHING`;
      if (recorded === 0) return { outcome: "duplicate" as const, detail: "this event was handled before" };
      return apply(tx, provider, event);
    },
    { timeoutMs: 30_000 },
  );
  const result = { eventId: event.id, type: event.type, ...outcome };
  log.info("payment webhook", { ...result });
  return result;
}

type Applied = Pick<WebhookOutcome, "outcome" | "detail">;
const ignored = (detail: string): Applied => ({ outcome: "ignored", detail });

async function apply(tx: Tx, provider: PaymentProvider["name"], event: PaymentWebhookEvent): Promise<Applied> {
  switch (event.kind) {
    case "intent":
      return moveByIntent(tx, provider, event, event.status);
    case "refund":
      if (!event.fullyRefunded) return ignored(`a partial refund (${event.amountRefundedMinor}); the deposit keeps its status`);
      return moveByIntent(tx, provider, event, "refunded");
    case "card_saved": {
      const [owner] = await tx.$queryRaw<{ patient_account_id: string }[]>`
        SELECT patient_account_id::text FROM payment_customers WHERE provider = ${provider} AND customer_ref = ${event.customerRef}`;
      if (!owner) return ignored("no patient has this customer");
      const card = await keepCard(tx, owner.patient_account_id, provider, event.card);
      return { outcome: "applied", detail: `card ${card.id} kept` };
    }
    case "card_removed": {
      const forgotten = await forgetCardByRef(tx, provider, event.cardRef);
      return forgotten ? { outcome: "applied", detail: "card removed" } : ignored("no saved card has this id, or it was removed already");
    }
    case "account": {
      const [clinic] = await tx.$queryRaw<{ id: string }[]>`SELECT id::text FROM clinics WHERE payout_account_ref = ${event.accountRef}`;
      if (!clinic) return ignored("no clinic has this account");
      await nameClinic(tx, clinic.id);
      await tx.clinic.update({
        where: { id: clinic.id },
        data: { payoutsChargesEnabled: event.status.chargesEnabled, payoutsEnabled: event.status.payoutsEnabled, payoutsDetailsSubmitted: event.status.detailsSubmitted },
      });
      return { outcome: "applied", detail: `clinic ${clinic.id} payout status updated` };
    }
    case "other":
      return ignored("not an event we act on");
  }
}

/** Opens the clinic's rows (deposits, appointments, its clinics row) for the rest of the transaction. */
async function nameClinic(tx: Tx, clinicId: string) {
  await tx.$executeRaw`SELECT set_config('app.clinic_id', ${clinicId}, true)`;
}

async function moveByIntent(
  tx: Tx,
  provider: PaymentProvider["name"],
  event: Extract<PaymentWebhookEvent, { kind: "intent" | "refund" }>,
  to: Target,
): Promise<Applied> {
  // Our payments carry the clinic and deposit in their metadata (see AuthorizeRequest); the deposit
  // is then looked up by the intent itself, inside that clinic, so metadata alone never moves anything.
  const clinicId = event.metadata.clinicId;
  if (!clinicId || !UUID.test(clinicId)) return ignored("the payment names no clinic of ours");
  await nameClinic(tx, clinicId);
  const [found] = await tx.$queryRaw<{ id: string }[]>`SELECT id::text FROM deposits WHERE clinic_id = ${clinicId}::uuid AND intent_ref = ${event.intentRef}`;
  if (!found) return ignored("no deposit holds this payment now");
  const deposit = (await lockDeposit(tx, clinicId, { id: found.id }))!;
  if (deposit.provider !== provider) return ignored(`the deposit is with the ${deposit.provider} provider`);
  if (!MOVES_FROM[to].includes(deposit.status)) return ignored(`the deposit is already ${deposit.status}; ${to} would not move it forward`);
  const at = event.created;
  const record = { actor: `provider:${provider}`, detail: `${event.type} ${event.id}`, event: `deposit.${to}` };
  switch (to) {
    case "authorized":
      await moveDeposit(tx, deposit, "authorized", { authorizedAt: deposit.authorizedAt ?? at, failureCode: null, failureMessage: null }, { ...record, action: "authorized" });
      break;
    case "captured":
      await moveDeposit(tx, deposit, "captured", { capturedAt: at }, { ...record, action: "captured" });
      break;
    case "released":
      await moveDeposit(tx, deposit, "released", { releasedAt: at }, { ...record, action: "released" });
      break;
    case "failed": {
      const code = event.kind === "intent" ? (event.failureCode ?? "payment_failed") : "payment_failed";
      await moveDeposit(tx, deposit, "failed", { failedAt: at, failureCode: code, failureMessage: "The bank declined the payment." }, { ...record, action: "declined", detail: `${code}: ${record.detail}` });
      break;
    }
    case "refunded":
      await moveDeposit(tx, deposit, "refunded", refundChange(deposit, event, at), { ...record, action: "refunded" });
      break;
  }
  return { outcome: "applied", detail: `deposit ${deposit.id}: ${deposit.status} → ${to}` };
}

/** A refund made at the provider (e.g. in the Stripe dashboard) still says why, as every refund here does. */
function refundChange(deposit: DepositRow, event: PaymentWebhookEvent & { metadata: Record<string, string> }, at: Date) {
  return {
    refundedAt: at,
    waiveReason: deposit.waiveReason ?? (event.metadata.reason ? `refunded at the payment provider: ${event.metadata.reason}` : "refunded at the payment provider"),
    waivedBy: deposit.waivedBy ?? `provider:${deposit.provider}`,
  };
}
