import { createStripeProvider } from "~/integrations/stripe.server";
import { getEnv } from "~/utils/env.server";
import { createDemoProvider } from "./demo-provider.server";
import type { PaymentProvider } from "./provider";

/**
 * The payment provider this server uses: Stripe when STRIPE_SECRET_KEY is set, otherwise the demo
 * provider (no money moves, and every page that takes a card says so).
 */
let provider: PaymentProvider | undefined;

export function getPaymentProvider(): PaymentProvider {
  if (!provider) {
    const env = getEnv();
    provider = env.STRIPE_SECRET_KEY ? createStripeProvider({ secretKey: env.STRIPE_SECRET_KEY, webhookSecret: env.STRIPE_WEBHOOK_SECRET ?? null }) : createDemoProvider();
  }
  return provider;
}

/** Pages say "Demo payments — no card is charged" when this is true. */
export function paymentsAreDemo(): boolean {
  return getPaymentProvider().name === "demo";
}

/** The key Stripe.js needs on the card pages; null with the demo provider (its card form posts to our server). */
export function stripePublishableKey(): string | null {
  return getPaymentProvider().name === "stripe" ? (getEnv().STRIPE_PUBLISHABLE_KEY ?? null) : null;
}

/** For tests: use this provider until reset. */
export function usePaymentProviderForTests(next: PaymentProvider | undefined) {
  provider = next;
}
