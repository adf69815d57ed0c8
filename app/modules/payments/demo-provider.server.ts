/**
 * The demo payment provider, used when no Stripe keys are set: the same states and timings as
 * Stripe (an authorization lapses after about 7 days on-session and under 5 days off-session), no
 * money moving, and no card numbers kept anywhere. It holds no state of its own: what a test card
 * will do later is written into the card's id when the card is saved, so any server of the
 * stateless web tier answers the same.
 *
 * Test cards (any future expiry, any CVC), the same numbers Stripe's test mode uses:
 *   4242 4242 4242 4242  Visa, always succeeds
 *   5555 5555 5555 4444  Mastercard, always succeeds
 *   4000 0000 0000 0002  declined when saved
 *   4000 0000 0000 9995  saved; authorizations declined (insufficient funds)
 *   4000 0000 0000 0341  saved; every authorization declined (card declined)
 *   4000 0027 6000 3184  saved; every authorization needs the bank's check (3-D Secure): on the page
 *                        the demo bank asks the patient to approve or fail it; off-session it is
 *                        declined (authentication required)
 * Any other number that passes the Luhn check succeeds.
 */
import { randomUUID, createHash } from "node:crypto";
import { ValidationError } from "~/utils/errors.server";
import { WebhookSignatureError, type AuthorizationResult, type CardSummary, type PaymentProvider } from "./provider";

type Behaviour = "ok" | "insufficient" | "decline" | "sca";

const TEST_CARDS: Record<string, Behaviour | "decline_on_save"> = {
  "4000000000000002": "decline_on_save",
  "4000000000009995": "insufficient",
  "4000000000000341": "decline",
  "4000002760003184": "sca",
};

const DAY_MS = 86_400_000;
/** Card networks keep a customer-present authorization about 7 days, a merchant-initiated one under 5. */
export const ON_SESSION_HOLD_MS = 7 * DAY_MS;
export const OFF_SESSION_HOLD_MS = 4 * DAY_MS;

/** The two answers of the demo bank page. */
export const DEMO_BANK_APPROVE = "approve";
export const DEMO_BANK_FAIL = "fail";

export interface DemoCardInput {
  number: string;
  expMonth: number;
  expYear: number;
  cvc: string;
}

function luhn(digits: string): boolean {
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let d = Number(digits[digits.length - 1 - i]);
    if (i % 2 === 1) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return sum % 10 === 0;
}

function brandOf(digits: string): string {
  if (digits.startsWith("4")) return "visa";
  if (/^5[1-5]/.test(digits) || /^2[2-7]/.test(digits)) return "mastercard";
  if (/^3[47]/.test(digits)) return "amex";
  return "card";
}

/** Short ids that look like the provider's own, unique per key so a retried call answers the same. */
const idFor = (prefix: string, key: string) => `${prefix}_${createHash("sha256").update(key).digest("hex").slice(0, 24)}`;

const behaviourOf = (cardRef: string): Behaviour => (cardRef.split("_")[2] as Behaviour | undefined) ?? "ok";

export interface DemoPaymentProvider extends PaymentProvider {
  /** The demo card form: checks a test card and returns it as saved by a setup. */
  confirmCard(setupRef: string, card: DemoCardInput, now?: Date): CardSummary;
}

export function createDemoProvider(opts: { now?: () => Date } = {}): DemoPaymentProvider {
  const now = opts.now ?? (() => new Date());
  return {
    name: "demo",
    async createCustomer(_input, idempotencyKey) {
      return { customerRef: idFor("demo_cus", idempotencyKey) };
    },
    async startCardSetup(_input, idempotencyKey) {
      return { setupRef: idFor("demo_seti", idempotencyKey), clientSecret: null };
    },
    // The demo form confirms and saves in one step (confirmCard); there is nothing to look up.
    async cardFromSetup() {
      return null;
    },
    async listCards() {
      return [];
    },
    async setDefaultCard() {},
    async removeCard() {},
    confirmCard(setupRef, card, at = now()) {
      const digits = card.number.replace(/[\s-]/g, "");
      const fields: { path: string; message: string }[] = [];
      if (!/^\d{12,19}$/.test(digits) || !luhn(digits)) fields.push({ path: "number", message: "This card number is not valid. In the demo, use 4242 4242 4242 4242." });
      const endOfExpiry = Date.UTC(card.expYear, card.expMonth, 1);
      if (!Number.isInteger(card.expMonth) || card.expMonth < 1 || card.expMonth > 12 || !Number.isInteger(card.expYear) || endOfExpiry <= at.getTime()) {
        fields.push({ path: "expiry", message: "The expiry date is in the past or not a month and year." });
      }
      if (!/^\d{3,4}$/.test(card.cvc)) fields.push({ path: "cvc", message: "The security code is the 3 or 4 digits on the card." });
      if (fields.length) throw new ValidationError(fields.map((f) => f.message).join(" "), fields);
      const behaviour = TEST_CARDS[digits] ?? "ok";
      if (behaviour === "decline_on_save") throw new ValidationError("Your card was declined. Try another card.", [{ path: "number", message: "The bank declined this card." }]);
      return {
        ref: `demo_pm_${behaviour}_${createHash("sha256").update(`${setupRef}:${digits}`).digest("hex").slice(0, 16)}`,
        brand: brandOf(digits),
        last4: digits.slice(-4),
        expMonth: card.expMonth,
        expYear: card.expYear,
      };
    },
    async authorize(request, idempotencyKey): Promise<AuthorizationResult> {
      const intentRef = idFor("demo_pi", idempotencyKey);
      const behaviour = behaviourOf(request.cardRef);
      if (behaviour === "insufficient") return { outcome: "declined", intentRef, code: "insufficient_funds", message: "Your card has insufficient funds." };
      if (behaviour === "decline") return { outcome: "declined", intentRef, code: "card_declined", message: "Your card was declined." };
      if (behaviour === "sca" && request.offSession) {
        return { outcome: "declined", intentRef, code: "authentication_required", message: "Your bank asks you to confirm this payment yourself." };
      }
      // The patient is here: the demo bank asks them, like Stripe's test 3-D Secure page.
      if (behaviour === "sca") return { outcome: "requires_action", intentRef, clientSecret: `${intentRef}_secret_demo` };
      return { outcome: "authorized", intentRef, captureBefore: new Date(now().getTime() + (request.offSession ? OFF_SESSION_HOLD_MS : ON_SESSION_HOLD_MS)) };
    },
    // The demo bank page is the bank: its answer is the bank's answer.
    async completeAuthentication(intentRef, bankAnswer): Promise<AuthorizationResult> {
      if (bankAnswer === DEMO_BANK_APPROVE) return { outcome: "authorized", intentRef, captureBefore: new Date(now().getTime() + ON_SESSION_HOLD_MS) };
      if (bankAnswer === DEMO_BANK_FAIL) return { outcome: "declined", intentRef, code: "payment_intent_authentication_failure", message: "Your bank could not confirm it was you." };
      return { outcome: "requires_action", intentRef, clientSecret: `${intentRef}_secret_demo` };
    },
    async capture() {},
    async release() {},
    async refund(_intentRef, _input, idempotencyKey) {
      return { refundRef: idFor("demo_re", idempotencyKey) };
    },
    async connectOnboardingLink(input) {
      // Nothing to fill in: the demo clinic is connected at once and comes straight back.
      return { accountRef: input.accountRef ?? `demo_acct_${input.clinicId.replace(/-/g, "").slice(0, 16)}`, url: `${input.returnUrl}${input.returnUrl.includes("?") ? "&" : "?"}demo=${randomUUID().slice(0, 8)}` };
    },
    async connectStatus() {
      return { chargesEnabled: true, payoutsEnabled: true, detailsSubmitted: true };
    },
    parseWebhook() {
      throw new WebhookSignatureError("The demo payment provider sends no webhooks.");
    },
  };
}
