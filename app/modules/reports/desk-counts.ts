/**
 * The desk's numbers, defined once (docs/decisions/049-one-set-of-desk-numbers.md). Today, Desk,
 * Visits and Reports all show these figures from `deskCounts`, for the same period, so no screen
 * contradicts another. This file holds the definitions and words, no I/O, so pages can use them.
 *
 * - Period: today and the next 6 days on the clinic's clock (local midnight to local midnight,
 *   so a daylight-saving week is an hour shorter or longer), all locations.
 * - Requests awaiting the desk: visits in the period awaiting approval, plus flexible-schedule
 *   requests that are open now (they have no visit yet, so no date to fall in the period).
 * - Card problems: visits in the period still to happen (awaiting approval, confirmed or checked
 *   in) whose deposit failed: declined by the card, or awaiting a card (no card saved).
 * - Deposits: every visit in the period with a deposit, by where its deposit stands now (the
 *   visit's payment status, as each visit row shows it).
 */
import { addDays, type LocalDate } from "~/lib/zoned-time";

/** How many local days the period covers, today included. */
export const COUNT_PERIOD_DAYS = 7;

/** Visits that can still have a card problem the desk should call about. */
export const CARD_PROBLEM_VISIT_STATUSES = ["requested", "confirmed", "checked_in"] as const;

/** The deposit states counted, in the order pages show them, with the clinic's words for each. */
export const DEPOSIT_STATES = ["pending", "authorized", "captured", "released", "refunded", "waived", "failed"] as const;
export type DepositState = (typeof DEPOSIT_STATES)[number];
export const DEPOSIT_STATE_WORDS: Record<DepositState, string> = {
  pending: "Card saved",
  authorized: "Held",
  captured: "Captured",
  released: "Released",
  refunded: "Refunded",
  waived: "Waived",
  failed: "Failed",
};

export interface CountPeriod {
  /** First and last local dates, both included. */
  first: LocalDate;
  last: LocalDate;
  /** "Today and the next 6 days · Tue 8 Dec – Mon 14 Dec, clinic time (America/New_York)" */
  label: string;
}

export interface DeskCounts {
  period: CountPeriod;
  requests: { approval: number; flexible: number; total: number };
  cardProblems: { declined: number; awaitingCard: number; total: number };
  deposits: Record<DepositState, number> & { total: number };
}

/** A visit with this status and payment status ("failed": its deposit failed) is a card problem: the rule the counts use in SQL. */
export function isCardProblem(visitStatus: string, paymentStatus: string | null | undefined): boolean {
  return paymentStatus === "failed" && (CARD_PROBLEM_VISIT_STATUSES as readonly string[]).includes(visitStatus);
}

const shortDay = (date: LocalDate) => new Intl.DateTimeFormat("en-GB", { timeZone: "UTC", weekday: "short", day: "numeric", month: "short" }).format(new Date(`${date}T12:00:00Z`)).replace(",", "");

export function countPeriod(today: LocalDate, timeZone: string): CountPeriod {
  const last = addDays(today, COUNT_PERIOD_DAYS - 1);
  return { first: today, last, label: `Today and the next ${COUNT_PERIOD_DAYS - 1} days · ${shortDay(today)} – ${shortDay(last)}, clinic time (${timeZone})` };
}
