/**
 * Money as the database keeps it: whole minor units (cents) in the clinic's currency. How many
 * digits a currency has comes from Intl (USD 2, JPY 0, KWD 3); this is the one place that turns
 * minor units into the decimals people type and read, and back. Formatting with the currency sign
 * is `formatMoney` in format.ts.
 */

const digitsByCurrency = new Map<string, number>();

/** Digits after the decimal point in a currency (2 for USD, 0 for JPY, 3 for KWD). */
export function minorDigits(currency: string): number {
  let digits = digitsByCurrency.get(currency);
  if (digits === undefined) {
    digits = new Intl.NumberFormat("en-US", { style: "currency", currency }).resolvedOptions().maximumFractionDigits ?? 2;
    // Currencies are few; the bound only guards against a caller passing arbitrary ones.
    if (digitsByCurrency.size >= 300) digitsByCurrency.clear();
    digitsByCurrency.set(currency, digits);
  }
  return digits;
}

/** An amount in major units as an integer of minor units (180.5 USD → 18050). */
export function toMinorUnits(amountInMajor: number, currency: string): number {
  return Math.round(amountInMajor * 10 ** minorDigits(currency));
}

/** Minor units as a decimal in the currency's own digits: 12050 USD → "120.50", 5000 JPY → "5000". */
export function decimalAmount(amountMinor: number, currency: string): string {
  const digits = minorDigits(currency);
  const sign = amountMinor < 0 ? "-" : "";
  const abs = Math.abs(amountMinor);
  if (digits === 0) return `${sign}${abs}`;
  const unit = 10 ** digits;
  return `${sign}${Math.floor(abs / unit)}.${String(abs % unit).padStart(digits, "0")}`;
}

/** "120", "120.5", "1,200.50" in the currency's units → minor units; null when it is not an amount. */
export function parseMoney(value: string, currency: string): number | null {
  const digits = minorDigits(currency);
  const clean = value.trim().replace(/,/g, "");
  const pattern = digits === 0 ? /^\d{1,9}$/ : new RegExp(`^\\d{1,9}(?:\\.\\d{1,${digits}})?$`);
  if (!pattern.test(clean)) return null;
  const [whole, fraction = ""] = clean.split(".");
  return Number(whole) * 10 ** digits + Number(fraction.padEnd(digits, "0") || "0");
}
