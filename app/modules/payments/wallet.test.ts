import { describe, expect, test } from "vitest";
import { walletPaymentRequest } from "./wallet";

describe("the wallet's payment request", () => {
  test("is the deposit in minor units, Stripe's lower-case currency, and says it is not charged yet", () => {
    expect(walletPaymentRequest({ country: "us", currency: "USD", amountMinor: 4_400, label: "Deposit · Northside" })).toEqual({
      country: "US",
      currency: "usd",
      total: { label: "Deposit · Northside", amount: 4_400, pending: true },
      requestPayerName: false,
      requestPayerEmail: false,
    });
  });

  test("a zero-decimal currency stays in its own units", () => {
    expect(walletPaymentRequest({ country: "JP", currency: "JPY", amountMinor: 3_000, label: "Deposit" }).total.amount).toBe(3_000);
  });
});
