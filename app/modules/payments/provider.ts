/**
 * What the deposit rules need from a payment provider. Two providers implement it: Stripe
 * (app/integrations/stripe.server.ts, the only file that imports the Stripe SDK) and the demo
 * provider (demo-provider.server.ts), used when no Stripe keys are set: same states, same timings,
 * no money moving.
 *
 * Every mutating call takes an idempotency key, derived from our own ids (deposit id, attempt
 * number, action), so a retried workflow step or request can never charge, capture or refund twice.
 * Amounts are integers in the currency's minor units; currencies are ISO 4217 codes.
 */

export type PaymentProviderName = "stripe" | "demo";

/** A saved card as we show it; the provider keeps the card itself. */
export interface CardSummary {
  /** The provider's payment method id (Stripe `pm_…`). */
  ref: string;
  brand: string;
  last4: string;
  expMonth: number;
  expYear: number;
}

/** A card being saved: Stripe's SetupIntent, confirmed in the browser with its client secret. */
export interface CardSetup {
  setupRef: string;
  /** For Stripe.js; null for the demo provider, whose card form posts to our own server. */
  clientSecret: string | null;
}

export type AuthorizationResult =
  /** The amount is held on the card until captured or released (or until the hold lapses). */
  | { outcome: "authorized"; intentRef: string; captureBefore: Date | null }
  /** On-session only: the bank wants the patient to confirm (3-D Secure) in the browser. */
  | { outcome: "requires_action"; intentRef: string; clientSecret: string }
  /** The bank said no; `code` is the provider's decline code ("card_declined", "insufficient_funds", …). */
  | { outcome: "declined"; intentRef: string | null; code: string; message: string };

export interface AuthorizeRequest {
  customerRef: string;
  cardRef: string;
  amountMinor: number;
  currency: string;
  /** True when the patient is not present (the charge is merchant-initiated). */
  offSession: boolean;
  /** Shown on the patient's statement and in the clinic's dashboard. */
  description: string;
  /** Copied onto the payment; webhooks find the clinic and deposit from it. */
  metadata: { clinicId: string; depositId: string; appointmentId: string };
  /** The clinic's connected account: the charge settles there, less the platform fee. */
  connectedAccountRef: string | null;
  platformFeeMinor: number;
}

export interface ConnectStatus {
  chargesEnabled: boolean;
  payoutsEnabled: boolean;
  detailsSubmitted: boolean;
}

/** A provider webhook after its signature was checked, reduced to what changes our state. */
export type PaymentWebhookEvent = {
  /** The provider's event id: a delivery seen before is ignored. */
  id: string;
  type: string;
  created: Date;
} & (
  | { kind: "intent"; intentRef: string; status: "authorized" | "captured" | "released" | "failed"; amountMinor: number; failureCode: string | null; metadata: Record<string, string> }
  | { kind: "refund"; intentRef: string; amountRefundedMinor: number; fullyRefunded: boolean; metadata: Record<string, string> }
  | { kind: "card_saved"; customerRef: string; card: CardSummary }
  | { kind: "card_removed"; customerRef: string | null; cardRef: string }
  | { kind: "account"; accountRef: string; status: ConnectStatus }
  | { kind: "other" }
);

export interface PaymentProvider {
  readonly name: PaymentProviderName;
  /** The platform customer for a patient: one per patient, so one saved card works at every clinic. */
  createCustomer(input: { patientAccountId: string; phone: string; email: string | null; name: string | null }, idempotencyKey: string): Promise<{ customerRef: string }>;
  /** Starts saving a card for later off-session use (Stripe: a SetupIntent with usage off_session). */
  startCardSetup(input: { customerRef: string }, idempotencyKey: string): Promise<CardSetup>;
  /** The card a confirmed setup saved; null while the setup is not confirmed. */
  cardFromSetup(setupRef: string): Promise<CardSummary | null>;
  listCards(customerRef: string): Promise<CardSummary[]>;
  setDefaultCard(customerRef: string, cardRef: string, idempotencyKey: string): Promise<void>;
  removeCard(cardRef: string, idempotencyKey: string): Promise<void>;
  /** Holds a deposit on a saved card (manual capture). */
  authorize(request: AuthorizeRequest, idempotencyKey: string): Promise<AuthorizationResult>;
  /**
   * After the patient answered their bank's check in the browser (Stripe.js handleNextAction, or
   * the demo's own bank page): where the authorization stands now, confirming it on the server
   * when the provider asks for that. `bankAnswer` is the demo bank page's answer; Stripe ignores
   * it and asks Stripe. Still "requires_action" while the patient has not answered.
   */
  completeAuthentication(intentRef: string, bankAnswer: string | null, idempotencyKey: string): Promise<AuthorizationResult>;
  /** Takes the held amount. */
  capture(intentRef: string, idempotencyKey: string): Promise<void>;
  /** Lets the hold go: the patient is never charged. */
  release(intentRef: string, idempotencyKey: string): Promise<void>;
  /** Gives back a captured deposit (all of it unless an amount is given). */
  refund(intentRef: string, input: { amountMinor?: number; reason: string }, idempotencyKey: string): Promise<{ refundRef: string }>;
  /** Stripe Connect: an onboarding link for the clinic's owner (creating the account when needed). */
  connectOnboardingLink(input: { accountRef: string | null; clinicId: string; clinicName: string; email: string | null; country: string | null; refreshUrl: string; returnUrl: string }, idempotencyKey: string): Promise<{ accountRef: string; url: string }>;
  connectStatus(accountRef: string): Promise<ConnectStatus>;
  /** Checks the signature on the raw body and reads the event; throws WebhookSignatureError otherwise. */
  parseWebhook(rawBody: string, signatureHeader: string | null): PaymentWebhookEvent;
}

/** A webhook whose signature is missing, wrong or too old. */
export class WebhookSignatureError extends Error {}

/** The provider could not be reached or answered with an error that is not a decline: retry later. */
export class PaymentProviderUnavailableError extends Error {}
