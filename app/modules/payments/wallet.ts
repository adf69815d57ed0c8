/**
 * Apple Pay and Google Pay for the deposit, through Stripe's Payment Request button: the wallet
 * gives a card, which is saved on the page's SetupIntent like one typed into Stripe's field, so the
 * server's path is the same (decision 043). Plain module: the browser builds the request from it.
 */

/** What the wallet sheet shows and which wallets may offer themselves. */
export interface WalletDeposit {
  /** ISO 3166 country of the clinic's account: the wallets check it against the card's. */
  country: string;
  /** ISO 4217, as the clinic's prices. */
  currency: string;
  /** In minor units: what the patient is told is held, not charged. */
  amountMinor: number;
  /** "Deposit · Northside Family Health". */
  label: string;
}

/** The options of `stripe.paymentRequest(...)`: Stripe wants the currency in lower case and the amount in minor units. */
export function walletPaymentRequest(deposit: WalletDeposit) {
  return {
    country: deposit.country.toUpperCase(),
    currency: deposit.currency.toLowerCase(),
    // Pending: the amount is held on the card later (or now) and charged only after a late cancel.
    total: { label: deposit.label, amount: deposit.amountMinor, pending: true },
    requestPayerName: false,
    requestPayerEmail: false,
  };
}
