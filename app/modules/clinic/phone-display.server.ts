import { parsePhoneNumberFromString } from "libphonenumber-js/min";

/** "+12125550142" → "+1 212 555 0142": stored numbers are E.164, people read them grouped. */
export function displayPhone(phone: string): string {
  return parsePhoneNumberFromString(phone)?.formatInternational() ?? phone;
}

/** The tel: link for a stored number. */
export function telHref(phone: string): string {
  return `tel:${phone.replace(/[^\d+]/g, "")}`;
}
