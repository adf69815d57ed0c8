import { createDemoProvider } from "./demo-provider.server";
import type { PaymentProvider } from "./provider";

/**
 * The payment provider this server uses: Stripe when STRIPE_SECRET_KEY is set, otherwise the demo
 * provider (no money moves, and every page that takes a card says so).
 */
let provider: PaymentProvider | undefined;

export function getPaymentProvider(): PaymentProvider {
  provider ??= createDemoProvider();
  return provider;
}

/** Pages say "Demo payments — no card is charged" when this is true. */
export function paymentsAreDemo(): boolean {
  return getPaymentProvider().name === "demo";
}

/** For tests: use this provider until reset. */
export function usePaymentProviderForTests(next: PaymentProvider | undefined) {
  provider = next;
}
