/**
 * Reads the desk's numbers (definitions in desk-counts.ts) in one statement, so every screen that
 * shows them gets the same figures for the same period. Counts only, no names: showing them needs
 * no audit row of its own.
 */
import { utcToZoned, zonedToUtc, addDays, type LocalDate } from "~/lib/zoned-time";
import type { Tx } from "~/utils/db.server";
import { statusesThat } from "~/lib/appointment-status";
import { CARD_PROBLEM_VISIT_STATUSES, COUNT_PERIOD_DAYS, countPeriod, DEPOSIT_STATES, type CountPeriod, type DeskCounts } from "./desk-counts";

export * from "./desk-counts";

/** The period on the clinic's clock for an instant: today and the next days, as local midnights. */
export function countWindow(timeZone: string, now: Date): CountPeriod & { from: Date; to: Date; today: LocalDate } {
  const today = utcToZoned(now, timeZone).date;
  return { ...countPeriod(today, timeZone), today, from: zonedToUtc(today, 0, timeZone), to: zonedToUtc(addDays(today, COUNT_PERIOD_DAYS), 0, timeZone) };
}

interface Row {
  approval: number;
  flexible: number;
  declined: number;
  awaiting_card: number;
  pending: number;
  authorized: number;
  captured: number;
  released: number;
  refunded: number;
  waived: number;
  failed: number;
}

export async function deskCounts(tx: Tx, clinic: { id: string; timeZone: string }, now = new Date()): Promise<DeskCounts> {
  const w = countWindow(clinic.timeZone, now);
  const problemStatuses = [...CARD_PROBLEM_VISIT_STATUSES] as string[];
  // Visits only: no holds, and not the old half of a moved visit (its payment state went with the move).
  const visitStatuses = statusesThat("visit") as string[];
  // The visit's payment_status is the deposit's state as every visit row shows it (kept in step by
  // moveDeposit); the deposit row adds only why a card problem is one (no card saved).
  const [row] = await tx.$queryRaw<Row[]>`
    WITH visits AS (
      SELECT a.id, a.status::text AS status, a.payment_status::text AS pay FROM appointments a
       WHERE a.clinic_id = ${clinic.id}::uuid AND a.starts_at >= ${w.from} AND a.starts_at < ${w.to} AND a.status::text = ANY (${visitStatuses})
    ), problems AS (
      SELECT v.id, EXISTS (SELECT 1 FROM deposits d WHERE d.clinic_id = ${clinic.id}::uuid AND d.appointment_id = v.id AND d.failure_code = 'no_card') AS no_card
        FROM visits v WHERE v.pay = 'failed' AND v.status = ANY (${problemStatuses})
    )
    SELECT count(*) FILTER (WHERE status = 'requested')::int AS approval,
           (SELECT count(*)::int FROM flexible_requests f WHERE f.clinic_id = ${clinic.id}::uuid AND f.status = 'open') AS flexible,
           (SELECT count(*)::int FROM problems WHERE NOT no_card) AS declined,
           (SELECT count(*)::int FROM problems WHERE no_card) AS awaiting_card,
           count(*) FILTER (WHERE pay = 'card_saved')::int AS pending,
           count(*) FILTER (WHERE pay = 'authorized')::int AS authorized,
           count(*) FILTER (WHERE pay = 'captured')::int AS captured,
           count(*) FILTER (WHERE pay = 'released')::int AS released,
           count(*) FILTER (WHERE pay = 'refunded')::int AS refunded,
           count(*) FILTER (WHERE pay = 'waived')::int AS waived,
           count(*) FILTER (WHERE pay = 'failed')::int AS failed
      FROM visits`;
  const r = row!;
  const deposits = Object.fromEntries(DEPOSIT_STATES.map((s) => [s, r[s]])) as Record<(typeof DEPOSIT_STATES)[number], number>;
  return {
    period: { first: w.first, last: w.last, label: w.label },
    requests: { approval: r.approval, flexible: r.flexible, total: r.approval + r.flexible },
    cardProblems: { declined: r.declined, awaitingCard: r.awaiting_card, total: r.declined + r.awaiting_card },
    deposits: { ...deposits, total: DEPOSIT_STATES.reduce((n, s) => n + deposits[s], 0) },
  };
}
