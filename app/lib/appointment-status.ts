/**
 * What each appointment status means, in one place. `MEANING` is a record over the schema's enum,
 * so a status added to the schema does not compile until it is placed here; the lists the pages,
 * queries and rules use are derived from it rather than written out again in each module.
 */
import type { AppointmentStatus } from "~/generated/prisma/enums";

export type { AppointmentStatus };

interface Meaning {
  /** A hold while a patient books, live or ended. */
  hold: boolean;
  /** Blocks the doctor's and the room's time: the exclusion constraints count it, slots skip it. */
  claimsTime: boolean;
  /** Not over yet: a hold, or a visit that has not finished. A location with one cannot be closed. */
  open: boolean;
  /** Still to come and not started: reminders and messages about it may go out. */
  upcoming: boolean;
  /** The patient or the desk may still cancel or move it. */
  changeable: boolean;
  /** The patient is expected at the clinic or is there: they may check in, the queue follows them. */
  atTheClinic: boolean;
  /** A booking that went ahead or may still (a deposit on it is live). */
  booked: boolean;
  /** On the desk's board and calendar and the doctor's day. */
  onTheDiary: boolean;
  /** A status a visit can show to staff (not a hold, not the old half of a move). */
  visit: boolean;
}

const no: Meaning = { hold: false, claimsTime: false, open: false, upcoming: false, changeable: false, atTheClinic: false, booked: false, onTheDiary: false, visit: false };

export const MEANING: Readonly<Record<AppointmentStatus, Meaning>> = {
  held: { ...no, hold: true, claimsTime: true, open: true },
  hold_expired: { ...no, hold: true },
  hold_released: { ...no, hold: true },
  requested: { ...no, claimsTime: true, open: true, upcoming: true, changeable: true, booked: true, onTheDiary: true, visit: true },
  confirmed: { ...no, claimsTime: true, open: true, upcoming: true, changeable: true, atTheClinic: true, booked: true, onTheDiary: true, visit: true },
  checked_in: { ...no, claimsTime: true, open: true, upcoming: true, atTheClinic: true, booked: true, onTheDiary: true, visit: true },
  in_consultation: { ...no, claimsTime: true, open: true, atTheClinic: true, booked: true, onTheDiary: true, visit: true },
  completed: { ...no, claimsTime: true, booked: true, onTheDiary: true, visit: true },
  cancelled: { ...no, visit: true },
  declined: { ...no, visit: true },
  no_show: { ...no, onTheDiary: true, visit: true },
  rescheduled: { ...no },
};

export type StatusMeaning = keyof Meaning;

/** The statuses that have this meaning, in the schema's order. */
export function statusesThat(meaning: StatusMeaning): AppointmentStatus[] {
  return (Object.keys(MEANING) as AppointmentStatus[]).filter((s) => MEANING[s][meaning]);
}

/** Whether a status (as read from a row, possibly raw SQL text) has this meaning. */
export function statusIs(status: string, meaning: StatusMeaning): boolean {
  return Object.hasOwn(MEANING, status) && MEANING[status as AppointmentStatus][meaning];
}

export const HOLD_STATUSES = statusesThat("hold");
export const CLAIMS_TIME = statusesThat("claimsTime");
export const OPEN_STATUSES = statusesThat("open");
export const UPCOMING_STATUSES = statusesThat("upcoming");
export const CHANGEABLE_STATUSES = statusesThat("changeable");
export const AT_THE_CLINIC = statusesThat("atTheClinic");
export const BOOKED_STATUSES = statusesThat("booked");
export const ON_THE_DIARY = statusesThat("onTheDiary");
