/** Appointment and payment states in the words a patient would use. */

const STATUS: Record<string, { words: string; tone: "good" | "waiting" | "ended" }> = {
  requested: { words: "Waiting for the clinic to confirm", tone: "waiting" },
  confirmed: { words: "Confirmed", tone: "good" },
  checked_in: { words: "Checked in", tone: "good" },
  in_consultation: { words: "With the doctor", tone: "good" },
  completed: { words: "Completed", tone: "ended" },
  cancelled: { words: "Cancelled", tone: "ended" },
  declined: { words: "Declined by the clinic", tone: "ended" },
  no_show: { words: "Missed", tone: "ended" },
  rescheduled: { words: "Moved to another time", tone: "ended" },
};

export function statusWords(status: string): { words: string; tone: "good" | "waiting" | "ended" } {
  return STATUS[status] ?? { words: status.replace(/_/g, " "), tone: "ended" };
}

const PAYMENT: Record<string, string> = {
  card_saved: "Card saved, nothing charged yet",
  authorized: "Deposit reserved on your card, not yet charged",
  captured: "Deposit paid",
  released: "Deposit released, nothing charged",
  refunded: "Deposit refunded",
  failed: "Card payment failed: please update your card",
  waived: "Deposit waived by the clinic",
};

export function paymentWords(status: string, hasDeposit: boolean): string {
  if (status === "none") return hasDeposit ? "Nothing paid yet" : "No deposit; pay at the clinic";
  return PAYMENT[status] ?? status.replace(/_/g, " ");
}

/** 2880 → "48 hours", 1440 → "24 hours", 90 → "90 minutes". */
export function windowWords(minutes: number): string {
  if (minutes % 60 === 0) return minutes === 60 ? "1 hour" : `${minutes / 60} hours`;
  return `${minutes} minutes`;
}

/** ISO weekdays 1 (Monday) to 7 (Sunday), by index + 1. */
export const WEEKDAY_NAMES = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"] as const;

export interface DepositFacts {
  status: string;
  amount: string;
  card: string | null;
  /** On the clinic's clock, already formatted. */
  authorizeAt: string;
  deadline: string;
  /** The free-cancellation time is over (a visit booked inside the window starts this way). */
  deadlinePassed: boolean;
  failureMessage: string | null;
}

/**
 * The deposit in one sentence a patient understands: what is on which card, and what happens next.
 * `needsCard` asks for the link to update the card.
 */
export function depositDetail(d: DepositFacts): { text: string; needsCard: boolean } {
  const on = d.card ? ` on ${d.card}` : "";
  switch (d.status) {
    case "pending":
      if (d.deadlinePassed) return { text: `Your card${d.card ? ` (${d.card})` : ""} is saved. The time to cancel for free has passed, so ${d.amount} will be charged on it; it counts towards the price of the visit.`, needsCard: false };
      return { text: `Your card${d.card ? ` (${d.card})` : ""} is saved. ${d.amount} will be reserved on it on ${d.authorizeAt}; nothing is charged unless you cancel after ${d.deadline} or miss the visit.`, needsCard: false };
    case "authorized":
      if (d.deadlinePassed) return { text: `${d.amount} is reserved${on}. The time to cancel for free has passed, so it will be charged; it counts towards the price of the visit.`, needsCard: false };
      return { text: `${d.amount} is reserved${on}, not charged. Cancel before ${d.deadline} and it is released.`, needsCard: false };
    case "captured":
      return { text: `${d.amount} was charged${on}; it counts towards the price of the visit.`, needsCard: false };
    case "released":
      return { text: `The ${d.amount} reserved${on} was released. You were not charged.`, needsCard: false };
    case "refunded":
      return { text: `The ${d.amount} deposit was refunded${on}. Refunds take a few days to show.`, needsCard: false };
    case "waived":
      return { text: "The clinic waived the deposit. Nothing is charged.", needsCard: false };
    case "failed":
      return { text: `We could not reserve the ${d.amount} deposit${on}${d.failureMessage ? `: ${d.failureMessage}` : "."} Please update your card to keep the visit.`, needsCard: true };
    default:
      return { text: d.status, needsCard: false };
  }
}

/**
 * What cancelling now does to the deposit, said before the patient confirms. Only asked while the
 * visit can still be cancelled online, so in time: nothing is charged.
 */
export function cancelOutcome(d: DepositFacts | null, hasDeposit: boolean): string {
  if (!hasDeposit) return "There is no deposit on this visit, so cancelling costs nothing.";
  switch (d?.status) {
    case "authorized":
      return `The ${d.amount} reserved${d.card ? ` on ${d.card}` : ""} is released at once. You are not charged.`;
    case "pending":
      return `Nothing has been reserved on your card yet, and the ${d.amount} deposit will not be.`;
    default:
      return "Nothing has been charged for this visit, and nothing will be.";
  }
}
