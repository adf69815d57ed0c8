/**
 * Dates of birth as the desk types them into one search field ("2 Dec 1968", "02/12/1968",
 * "1968-12-02", "2.12.68") and as the desk reads them back ("born 2 Dec 1968, 58").
 *
 * Slashed dates are read the way the clinic writes dates: month first in US clinics (as the
 * clinic's messages do), day first elsewhere. A slashed date whose numbers are both 12 or under is
 * ambiguous; the answer says so, so the page can show how it was read. A reading that is not a real
 * date one way but is the other way ("25/12/1968" in New York) is taken the way it is real. Dotted
 * dates ("02.12.1968") are day first everywhere: nobody writes a month first with dots.
 */
import { countryForTimeZone } from "./phone";
import type { LocalDate } from "./zoned-time";

export type DateOrder = "month-first" | "day-first";

/** How the clinic's staff write a numeric date: month first in the US, day first elsewhere. */
export function dateOrderFor(timeZone: string): DateOrder {
  const country = countryForTimeZone(timeZone);
  return country === "US" || (!country && timeZone.startsWith("America/") && !timeZone.includes("Mexico")) ? "month-first" : "day-first";
}

const MONTHS = ["january", "february", "march", "april", "may", "june", "july", "august", "september", "october", "november", "december"];
const SHORT_MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

export interface TypedDate {
  date: LocalDate;
  /** Both numbers could be the month: read by the clinic's order. */
  ambiguous: boolean;
}

const pad = (n: number) => String(n).padStart(2, "0");

function realDate(year: number, month: number, day: number): LocalDate | null {
  if (month < 1 || month > 12 || day < 1 || day > 31) return null;
  const d = new Date(Date.UTC(year, month - 1, day));
  if (d.getUTCFullYear() !== year || d.getUTCMonth() !== month - 1 || d.getUTCDate() !== day) return null;
  return `${year}-${pad(month)}-${pad(day)}`;
}

/** A two-digit year as the latest year not after this one ("68" → 1968, "05" → 2005 in 2026). */
function fullYear(text: string, today: LocalDate): number {
  const n = Number(text);
  if (text.length !== 2) return n;
  const thisYear = Number(today.slice(0, 4));
  const century = Math.floor(thisYear / 100) * 100;
  return century + n > thisYear ? century - 100 + n : century + n;
}

function monthOf(word: string): number | null {
  const w = word.toLowerCase().replace(/\.$/, "");
  if (w.length < 3) return null;
  const i = w === "sept" ? 8 : MONTHS.findIndex((m) => m.startsWith(w));
  return i < 0 ? null : i + 1;
}

/**
 * A typed text read as a date of birth, or null when it is not one. Only days from 1900 up to
 * `today` (the clinic's date) are dates of birth.
 */
export function readDateOfBirth(text: string, order: DateOrder, today: LocalDate): TypedDate | null {
  const t = text.trim().replace(/\s+/g, " ");
  const found = readDate(t, order, today);
  if (!found || found.date < "1900-01-01" || found.date > today) return null;
  return found;
}

function readDate(t: string, order: DateOrder, today: LocalDate): TypedDate | null {
  let m = /^(\d{4})-(\d{1,2})-(\d{1,2})$/.exec(t);
  if (m) {
    const date = realDate(Number(m[1]), Number(m[2]), Number(m[3]));
    return date ? { date, ambiguous: false } : null;
  }
  m = /^(\d{1,2})\.(\d{1,2})\.(\d{4}|\d{2})$/.exec(t);
  if (m) {
    const date = realDate(fullYear(m[3]!, today), Number(m[2]), Number(m[1]));
    return date ? { date, ambiguous: false } : null;
  }
  m = /^(\d{1,2})[/-](\d{1,2})[/-](\d{4}|\d{2})$/.exec(t);
  if (m) {
    const [a, b, year] = [Number(m[1]), Number(m[2]), fullYear(m[3]!, today)];
    const [month, day] = order === "month-first" ? [a, b] : [b, a];
    const date = realDate(year, month, day);
    if (date) return { date, ambiguous: a !== b && a <= 12 && b <= 12 };
    const swapped = realDate(year, day, month);
    return swapped ? { date: swapped, ambiguous: false } : null;
  }
  // Words: "2 Dec 1968", "2nd December 1968", "Dec 2 1968", "December 2, 1968".
  const parts = t.replace(/,/g, " ").split(" ").filter(Boolean);
  if (parts.length !== 3) return null;
  const monthAt = parts.findIndex((p) => monthOf(p) !== null);
  if (monthAt < 0 || monthAt === 2) return null;
  const rest = parts.filter((_, i) => i !== monthAt);
  const day = /^(\d{1,2})(st|nd|rd|th)?$/i.exec(rest[0]!);
  const year = /^(\d{4}|\d{2})$/.exec(rest[1]!);
  if (!day || !year) return null;
  const date = realDate(fullYear(year[1]!, today), monthOf(parts[monthAt]!)!, Number(day[1]));
  return date ? { date, ambiguous: false } : null;
}

/** "1968-12-02" → "2 Dec 1968". */
export function dateOfBirthWords(date: LocalDate): string {
  return `${Number(date.slice(8, 10))} ${SHORT_MONTHS[Number(date.slice(5, 7)) - 1]} ${date.slice(0, 4)}`;
}

/** Whole years from a date of birth to a local day. */
export function ageOn(dateOfBirth: string | null, today: LocalDate): number | null {
  if (!dateOfBirth) return null;
  const years = Number(today.slice(0, 4)) - Number(dateOfBirth.slice(0, 4));
  return today.slice(5) < dateOfBirth.slice(5) ? years - 1 : years;
}

/** "born 2 Dec 1968, 58": how the desk tells two people of the same name apart. */
export function bornWords(dateOfBirth: string, today: LocalDate): string {
  return `born ${dateOfBirthWords(dateOfBirth)}, ${ageOn(dateOfBirth, today)}`;
}
