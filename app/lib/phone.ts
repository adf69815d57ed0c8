import { parsePhoneNumberFromString, type CountryCode } from "libphonenumber-js/max";

/**
 * Patients sign in with their mobile number. We keep it in E.164 ("+12125550123") so the same
 * person is one account on every clinic's site and on the marketplace.
 */

// The country a clinic's patients most likely dial from, by the clinic's time zone. Numbers that
// start with "+" are accepted from anywhere.
const COUNTRY_BY_TIME_ZONE: Record<string, CountryCode> = {
  "America/New_York": "US", "America/Chicago": "US", "America/Denver": "US", "America/Phoenix": "US",
  "America/Los_Angeles": "US", "America/Anchorage": "US", "America/Detroit": "US", "Pacific/Honolulu": "US",
  "America/Toronto": "CA", "America/Vancouver": "CA", "America/Mexico_City": "MX",
  "Europe/Berlin": "DE", "Europe/Vienna": "AT", "Europe/Zurich": "CH", "Europe/London": "GB",
  "Europe/Paris": "FR", "Europe/Madrid": "ES", "Europe/Rome": "IT", "Europe/Amsterdam": "NL",
  "Europe/Warsaw": "PL", "Europe/Kyiv": "UA", "Europe/Istanbul": "TR", "Europe/Moscow": "RU",
  "Asia/Tashkent": "UZ", "Asia/Samarkand": "UZ", "Asia/Almaty": "KZ", "Asia/Bishkek": "KG",
  "Asia/Dubai": "AE", "Asia/Kolkata": "IN", "Asia/Tokyo": "JP", "Asia/Singapore": "SG",
  "Australia/Sydney": "AU", "Australia/Melbourne": "AU",
};

export function countryForTimeZone(timeZone: string | null | undefined): CountryCode | undefined {
  return timeZone ? COUNTRY_BY_TIME_ZONE[timeZone] : undefined;
}

export type PhoneResult = { ok: true; e164: string } | { ok: false; message: string };

export function normalizePhone(input: string, defaultCountry?: CountryCode): PhoneResult {
  const raw = input.trim();
  if (!raw) return { ok: false, message: "Enter your mobile phone number." };
  if (/[a-z]/i.test(raw)) return { ok: false, message: "A phone number can only contain digits, spaces, dashes, brackets and a leading +." };
  // "00" is the international prefix in most of the world; treat it like "+".
  const text = raw.startsWith("00") ? `+${raw.slice(2)}` : raw;
  if (!text.startsWith("+") && !defaultCountry) {
    return { ok: false, message: "Enter the number with its country code, starting with + (for example +1 212 555 0123)." };
  }
  const parsed = parsePhoneNumberFromString(text, defaultCountry);
  if (!parsed || !parsed.isValid()) {
    return {
      ok: false,
      message: text.startsWith("+")
        ? "That doesn't look like a valid phone number. Check the country code and the number."
        : "That doesn't look like a valid phone number. Check it, or enter it with its country code starting with +.",
    };
  }
  const type = parsed.getType();
  if (type === "FIXED_LINE" || type === "TOLL_FREE" || type === "PREMIUM_RATE" || type === "SHARED_COST" || type === "VOICEMAIL" || type === "PAGER") {
    return { ok: false, message: "We send the code by text message, so enter a mobile number." };
  }
  return { ok: true, e164: parsed.number };
}

/** "+12125550123" → "+1 212 555 0123", for showing a number back to its owner. */
export function formatPhone(e164: string): string {
  return parsePhoneNumberFromString(e164)?.formatInternational() ?? e164;
}

/** "+12125550123" → "+1 ••• ••• 0123": enough to recognise, not enough to copy. */
export function maskPhone(e164: string): string {
  return e164.length > 6 ? `${e164.slice(0, e164.length - 4).replace(/\d/g, "•")}${e164.slice(-4)}` : "••••";
}

// Sign-in codes -------------------------------------------------------------------------------

/**
 * Number types a text message reliably reaches. North American numbers cannot be told apart
 * (FIXED_LINE_OR_MOBILE), so they pass; satellite (+870) and international-network (+882, +883)
 * numbers have no country and are refused by the country check below, whatever their type.
 */
const TEXTABLE_TYPES = new Set(["MOBILE", "FIXED_LINE_OR_MOBILE"]);

export type SmsDestination = { ok: true; country: CountryCode } | { ok: false; reason: "not-mobile" | "country"; message: string };

const countryNames = new Intl.DisplayNames(["en"], { type: "region" });

export function countryName(code: string): string {
  try {
    return countryNames.of(code) ?? code;
  } catch {
    return code;
  }
}

/**
 * Whether a sign-in code may be texted to this number: a mobile number of one of the allowed
 * countries. Premium, satellite and international-network numbers cost far more per message and
 * are what SMS pumping aims at. The answer names the countries, never anything about accounts.
 */
export function smsDestination(e164: string, allowedCountries: readonly string[]): SmsDestination {
  const parsed = parsePhoneNumberFromString(e164);
  const allowed = [...new Set(allowedCountries)];
  const where = allowed.length ? ` from ${allowed.map(countryName).join(", ")}` : "";
  if (!parsed || !parsed.isValid() || !TEXTABLE_TYPES.has(parsed.getType() ?? "") || !parsed.country) {
    return { ok: false, reason: "not-mobile", message: `We can only text sign-in codes to mobile numbers${where}. Enter your mobile number.` };
  }
  if (!allowed.includes(parsed.country)) {
    return { ok: false, reason: "country", message: `We can't text sign-in codes to numbers from ${countryName(parsed.country)} here. Enter a mobile number${where}.` };
  }
  return { ok: true, country: parsed.country };
}
