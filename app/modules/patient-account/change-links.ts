/**
 * The change page's address: where the patient is in moving a visit (doctor, month, day, the held
 * time, a notice), so every step is a plain link or form. The page builds its links with this file in
 * the browser too, so it holds no schema: the server checks an address in change-query.server.ts.
 */

/** The keys of a change step's address. */
export const CHANGE_QUERY_KEYS = ["doctor", "month", "day", "hold", "notice"] as const;

export type ChangeNotice = "taken" | "expired" | "invalid";

/** Where the patient is in the change: carried in the address so every step works without JavaScript. */
export interface ChangeQuery {
  /** "any" or a doctor's id. */
  doctor?: string;
  month?: string;
  day?: string;
  hold?: string;
  notice?: ChangeNotice;
}

export function changeHref(appointmentId: string, q: ChangeQuery = {}): string {
  const params = new URLSearchParams();
  for (const key of CHANGE_QUERY_KEYS) {
    const value = q[key];
    if (value) params.set(key, value);
  }
  const query = params.toString();
  return `/account/appointments/${appointmentId}/change${query ? `?${query}` : ""}`;
}

export const NOTICES: Record<ChangeNotice, string> = {
  taken: "Sorry, someone just took that time. Here are the times still free.",
  expired: "We held that time for 10 minutes and the hold ran out, so it was released. Your visit has not changed; please choose a time again.",
  invalid: "That time can no longer be booked. Your visit has not changed; here are the times still free.",
};
