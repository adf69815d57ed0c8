/** How the booking pages write money and times: the clinic's currency and the clinic's clock. */

// Building a number format costs far more than using one (a search page writes 60 prices): one per locale and currency.
const moneyFormats = new Map<string, { format: Intl.NumberFormat; digits: number }>();

/** Minor units (cents) to a price in the clinic's currency, e.g. 22000 USD → "$220.00". */
export function formatMoney(amountMinor: number, currency: string, locale = "en-US"): string {
  const key = `${locale} ${currency}`;
  let money = moneyFormats.get(key);
  if (!money) {
    const format = new Intl.NumberFormat(locale, { style: "currency", currency });
    money = { format, digits: format.resolvedOptions().maximumFractionDigits ?? 2 };
    // Currencies and locales are few; the bound only guards against a caller passing arbitrary ones.
    if (moneyFormats.size >= 200) moneyFormats.clear();
    moneyFormats.set(key, money);
  }
  return money.format.format(amountMinor / 10 ** money.digits);
}

/** "9:30 AM" on the clinic's clock. */
export function formatTime(at: Date, timeZone: string): string {
  return new Intl.DateTimeFormat("en-US", { timeZone, hour: "numeric", minute: "2-digit" }).format(at);
}

/** "Monday 7 December 2026, 9:30 AM EST" on the clinic's clock. */
export function formatDateTime(at: Date, timeZone: string): string {
  const day = new Intl.DateTimeFormat("en-GB", { timeZone, weekday: "long", day: "numeric", month: "long", year: "numeric" }).format(at).replace(",", "");
  return `${day}, ${formatTime(at, timeZone)} ${zoneAbbreviation(at, timeZone)}`;
}

/** The zone's short name at that instant ("EST", "EDT", "GMT+1"). */
export function zoneAbbreviation(at: Date, timeZone: string): string {
  const part = new Intl.DateTimeFormat("en-US", { timeZone, timeZoneName: "short" }).formatToParts(at).find((p) => p.type === "timeZoneName");
  return part?.value ?? timeZone;
}

/** A local date ("2026-12-07") as "Monday 7 December". */
export function formatLocalDay(date: string): string {
  return new Intl.DateTimeFormat("en-GB", { timeZone: "UTC", weekday: "long", day: "numeric", month: "long" }).format(new Date(`${date}T12:00:00Z`)).replace(",", "");
}

/** A local month ("2026-12") as "December 2026". */
export function formatLocalMonth(month: string): string {
  return new Intl.DateTimeFormat("en-GB", { timeZone: "UTC", month: "long", year: "numeric" }).format(new Date(`${month}-15T12:00:00Z`));
}

export function formatDuration(minutes: number): string {
  if (minutes < 60) return `${minutes} min`;
  const h = Math.floor(minutes / 60);
  const m = minutes % 60;
  return m ? `${h} h ${m} min` : `${h} h`;
}

/** A local date as "1 September": for seasons, which come back every year. */
export function formatDayMonth(date: string): string {
  return new Intl.DateTimeFormat("en-GB", { timeZone: "UTC", day: "numeric", month: "long" }).format(new Date(`${date}T12:00:00Z`));
}

/** A local date as "2 Dec 1968": for dates of birth and other dates of a past year. */
export function formatShortDate(date: string): string {
  return new Intl.DateTimeFormat("en-GB", { timeZone: "UTC", day: "numeric", month: "short", year: "numeric" }).format(new Date(`${date}T12:00:00Z`));
}

/** Whole years from a date of birth to `today` (both local dates): the age people say. */
export function ageOn(dateOfBirth: string, today: string): number {
  const years = Number(today.slice(0, 4)) - Number(dateOfBirth.slice(0, 4));
  return today.slice(5) < dateOfBirth.slice(5) ? years - 1 : years;
}

/** A date of birth with the age today: "2 Dec 1968, 58". */
export function formatDateOfBirth(dateOfBirth: string, today: string): string {
  return `${formatShortDate(dateOfBirth)}, ${ageOn(dateOfBirth, today)}`;
}

/** A window of dates in words: "by 15 January", "from 2 March", "15 December to 15 January", or "Any date". */
export function formatDateWindow(earliest: string | null, latest: string | null): string {
  if (earliest && latest) return `${formatDayMonth(earliest)} to ${formatDayMonth(latest)}`;
  if (latest) return `by ${formatDayMonth(latest)}`;
  if (earliest) return `from ${formatDayMonth(earliest)}`;
  return "Any date";
}
