/**
 * A card's expiry as people type it. Phones show a numeric keypad with no "/" for the field, so
 * "1229" must mean 12/29; "12/29", "12 / 2029", "12-29" and "1/29" are read too.
 */

/** The month and the four-digit year, or null when the text is no expiry. */
export function readCardExpiry(text: string): { expMonth: number; expYear: number } | null {
  const trimmed = text.trim();
  let month: string;
  let year: string;
  const split = /^(\d{1,2})\s*[/\-. ]\s*(\d{2}|\d{4})$/.exec(trimmed);
  if (split) {
    [, month, year] = split as unknown as [string, string, string];
  } else if (/^\d{4}$/.test(trimmed) || /^\d{6}$/.test(trimmed)) {
    month = trimmed.slice(0, 2);
    year = trimmed.slice(2);
  } else if (/^\d{3}$/.test(trimmed)) {
    month = trimmed.slice(0, 1);
    year = trimmed.slice(1);
  } else {
    return null;
  }
  const expMonth = Number(month);
  if (expMonth < 1 || expMonth > 12) return null;
  const expYear = year.length === 2 ? 2000 + Number(year) : Number(year);
  return { expMonth, expYear };
}

/**
 * What the field shows as the patient types: the slash goes in after the month by itself, and a
 * month that can only be one digit (2–9) gets its leading zero. `deleting` leaves a trailing slash
 * out, so backspace over it works.
 */
export function expiryAsTyped(value: string, deleting: boolean): string {
  let digits = value.replace(/\D/g, "").slice(0, 4);
  if (digits.length === 1 && Number(digits) > 1) digits = `0${digits}`;
  if (digits.length < 2) return digits;
  if (digits.length === 2) return deleting ? digits : `${digits}/`;
  return `${digits.slice(0, 2)}/${digits.slice(2)}`;
}
