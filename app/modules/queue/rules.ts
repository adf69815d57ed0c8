/**
 * The queue's rules as plain functions: which step may follow which, when a patient may check in
 * on their own, what a ticket is called, and where a waiting patient stands. The database module
 * (tickets.server.ts) applies them inside its transactions; the tests check them at their edges.
 */

export const TICKET_STATES = ["waiting", "called", "in_consultation", "done", "left", "no_show"] as const;
export type TicketState = (typeof TICKET_STATES)[number];

export const QUEUE_STEPS = ["call", "start", "finish", "left", "undo"] as const;
export type QueueStep = (typeof QUEUE_STEPS)[number];

/** The appointment status that goes with each ticket state. */
export const APPOINTMENT_STATUS_OF: Record<TicketState, "checked_in" | "in_consultation" | "completed" | "no_show"> = {
  waiting: "checked_in",
  called: "checked_in",
  in_consultation: "in_consultation",
  done: "completed",
  left: "no_show",
  no_show: "no_show",
};

/** Minutes after the start at which a patient not yet here counts as late. */
export const LATE_GRACE_MIN = 10;
/** How early before the start a patient may check in from their phone. */
export const SELF_CHECK_IN_OPENS_MIN = 60;

/**
 * The desk checks a patient in without asking up to this long before the visit. Earlier than
 * that, or before the location opens, it asks first: a check-in hours early is usually the wrong
 * patient or the wrong day, and it starts the queue's clock and the doctor's screen.
 */
export const EARLY_CHECK_IN_ASK_MIN = 60;

/**
 * How early a desk check-in would be, in whole minutes before the start, when it needs a yes
 * first (more than the allowance before the visit); null otherwise. `beforeOpening` says the
 * location is not open yet, for the question's words. Opening hours alone never ask: a check-in
 * hours before opening is hours before any visit at or after opening, and a visit booked before
 * opening (a doctor's extra hours) that starts within the hour is the patient arriving for it.
 */
export function earlyCheckIn(start: Date, now: Date, locationOpensAt: Date | null): { minutes: number; beforeOpening: boolean } | null {
  const minutes = Math.floor((start.getTime() - now.getTime()) / 60_000);
  if (minutes <= EARLY_CHECK_IN_ASK_MIN) return null;
  return { minutes, beforeOpening: locationOpensAt !== null && now.getTime() < locationOpensAt.getTime() };
}

/** "3 h", "2 h 30 min", "45 min": how early, as the desk says it. */
export function earlyWords(minutes: number): string {
  if (minutes < 60) return `${minutes} min`;
  const h = Math.floor(minutes / 60);
  const m = minutes % 60;
  return m ? `${h} h ${m} min` : `${h} h`;
}

export class StepRefused extends Error {}

const FORWARD: Record<Exclude<QueueStep, "undo">, { from: readonly TicketState[]; to: TicketState }> = {
  call: { from: ["waiting", "called"], to: "called" },
  start: { from: ["called"], to: "in_consultation" },
  finish: { from: ["in_consultation"], to: "done" },
  left: { from: ["waiting", "called"], to: "left" },
};

const STATE_WORDS: Record<TicketState, string> = {
  waiting: "waiting",
  called: "called",
  in_consultation: "in consultation",
  done: "done",
  left: "marked as left",
  no_show: "marked as not answering",
};

const STEP_WORDS: Record<QueueStep, string> = { call: "called", start: "started", finish: "finished", left: "marked as left", undo: "undone" };

export function stateWords(state: TicketState): string {
  return STATE_WORDS[state];
}

/**
 * The state a step leads to. Only the next step is allowed (no skipping from waiting to done), and
 * the only way back is `undo`, one step at a time. `undo` of a waiting ticket means the check-in
 * itself was a mistake: the ticket goes away (null) and the appointment is booked again.
 * `calledBefore` tells undo of "left" whether the patient had been called.
 */
export function nextState(current: TicketState, step: QueueStep, calledBefore = false): TicketState | null {
  if (step === "undo") {
    switch (current) {
      case "waiting":
        return null;
      case "called":
        return "waiting";
      case "in_consultation":
        return "called";
      case "done":
        return "in_consultation";
      case "left":
      case "no_show":
        return calledBefore ? "called" : "waiting";
    }
  }
  const rule = FORWARD[step];
  if (!rule.from.includes(current)) {
    throw new StepRefused(`A ticket that is ${STATE_WORDS[current]} cannot be ${STEP_WORDS[step]}${hint(current)}.`);
  }
  return rule.to;
}

function hint(current: TicketState) {
  if (current === "waiting") return "; call the patient first";
  if (current === "called") return "; start the visit first";
  if (current === "done" || current === "left" || current === "no_show") return "; use Undo if this was a mistake";
  return "";
}

export type SelfCheckInWindow = { open: true } | { open: false; reason: "too_early" | "too_late"; opensAt?: Date };

/** A patient may say "I'm here" from an hour before the start until the visit's end. */
export function selfCheckInWindow(start: Date, end: Date, now: Date): SelfCheckInWindow {
  const opensAt = new Date(start.getTime() - SELF_CHECK_IN_OPENS_MIN * 60_000);
  if (now.getTime() < opensAt.getTime()) return { open: false, reason: "too_early", opensAt };
  if (now.getTime() >= end.getTime()) return { open: false, reason: "too_late" };
  return { open: true };
}

/** Checked in more than the grace period after the start. */
export function isLate(start: Date, checkedInAt: Date): boolean {
  return checkedInAt.getTime() > start.getTime() + LATE_GRACE_MIN * 60_000;
}

/** "A-012": the location's letter and the day's number, three digits. */
export function ticketNumber(prefix: string, seq: number): string {
  return `${prefix}-${String(seq).padStart(3, "0")}`;
}

/** A, B, C… by the location's place in the clinic's list; past Z it starts again. */
export function prefixFor(index: number): string {
  return String.fromCharCode(65 + (((index % 26) + 26) % 26));
}

/** "J. S." from a first and last name; never more than the initials. */
export function initialsOf(first: string | null | undefined, last: string | null | undefined): string {
  const letters = [first, last].map((n) => (n ?? "").trim().charAt(0).toUpperCase()).filter(Boolean);
  return letters.length ? letters.map((l) => `${l}.`).join(" ") : "—";
}

export interface QueueEntry {
  id: string;
  doctorId: string;
  state: TicketState;
  /** The appointment's start and its booked length. */
  start: Date;
  durationMin: number;
  checkedInAt: Date;
  seq: number;
  startedAt: Date | null;
}

export interface WaitFigure {
  /** 1 = next in line for their doctor. */
  position: number;
  /** Minutes until the doctor is likely to call them. */
  estimatedWaitMin: number;
}

/** Who waits for one doctor, in the order they will be called: by appointment time, then arrival. */
export function waitingOrder<T extends Pick<QueueEntry, "start" | "checkedInAt" | "seq">>(entries: readonly T[]): T[] {
  return [...entries].sort((a, b) => a.start.getTime() - b.start.getTime() || a.checkedInAt.getTime() - b.checkedInAt.getTime() || a.seq - b.seq);
}

/**
 * Position and estimated wait of every waiting ticket. A patient waits for the doctor's current
 * visit to end (its booked length from when it started, never less than zero), for each patient
 * already called, and for everyone ahead in line, each for their booked length; and never less
 * than until their own appointment time, since doctors see people at their times.
 */
export function waitFigures(entries: readonly QueueEntry[], now: Date): Map<string, WaitFigure> {
  const out = new Map<string, WaitFigure>();
  const byDoctor = new Map<string, QueueEntry[]>();
  for (const e of entries) byDoctor.set(e.doctorId, [...(byDoctor.get(e.doctorId) ?? []), e]);
  for (const list of byDoctor.values()) {
    let busyMin = 0;
    for (const e of list) {
      if (e.state === "in_consultation") {
        const endsAt = (e.startedAt ?? now).getTime() + e.durationMin * 60_000;
        busyMin += Math.max(0, Math.ceil((endsAt - now.getTime()) / 60_000));
      } else if (e.state === "called") {
        busyMin += e.durationMin;
      }
    }
    const waiting = waitingOrder(list.filter((e) => e.state === "waiting"));
    waiting.forEach((e, i) => {
      const untilStart = Math.max(0, Math.ceil((e.start.getTime() - now.getTime()) / 60_000));
      out.set(e.id, { position: i + 1, estimatedWaitMin: Math.max(busyMin, untilStart) });
      busyMin += e.durationMin;
    });
  }
  return out;
}

/** "about 15 min", "a few minutes", "any moment now". */
export function waitWords(minutes: number): string {
  if (minutes <= 1) return "any moment now";
  if (minutes < 5) return "a few minutes";
  if (minutes < 60) return `about ${Math.round(minutes / 5) * 5} min`;
  const h = Math.floor(minutes / 60);
  const m = Math.round((minutes % 60) / 5) * 5;
  return `about ${h} h${m ? ` ${m} min` : ""}`;
}
