/**
 * What the patient has chosen so far, carried in the address of every booking step so each step
 * works as a plain link or form without client JavaScript. The pages build links with this file in
 * the browser too, so it holds no schema: the server reads and checks an address in choice.server.ts.
 */

/** The keys of a choice, in the order they are chosen. */
export const CHOICE_KEYS = ["service", "location", "doctor", "month", "day", "for"] as const;

/**
 * Ids of the service, location and doctor ("any" or one), and the month and day looked at; `for`
 * is the family member the visit is meant for when that is known already ("Book again" for them).
 */
export type Choice = { [K in (typeof CHOICE_KEYS)[number]]?: string };

/** What the patient may type for the clinic at booking (kept as the visit's note). */
export const VISIT_NOTE_MAX = 500;

export function choiceQuery(choice: Choice & { hold?: string }): string {
  const params = new URLSearchParams();
  for (const key of ["hold", "service", "location", "doctor", "month", "day", "for"] as const) {
    const value = choice[key];
    if (value) params.set(key, value);
  }
  const query = params.toString();
  return query ? `?${query}` : "";
}

export function bookHref(choice: Choice): string {
  return `/book${choiceQuery(choice)}`;
}

/** The id of a time on a day's list of times ("t-20261209T153000Z"), so a link can lead straight to it. */
export function timeAnchor(start: string): string {
  return `t-${new Date(start).toISOString().replace(/[-:]|\.\d+/g, "")}`;
}
