/**
 * Reads the desk's numbers (definitions in desk-counts.ts) in one statement, so every screen that
 * shows them gets the same figures for the same period. Counts only, no names: showing them needs
 * no audit row of its own.
 */
import { utcToZoned, zonedToUtc, addDays, type LocalDate } from "~/lib/zoned-time";
import type { Tx } from "~/utils/db.server";
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
  const [row] = await tx.$queryRaw<Row[]>`
    WITH visits AS (
      SELECT a.id, a.status::text AS status FROM appointments a
       WHERE a.clinic_id = ${clinic.id}::uuid AND a.starts_at >= ${w.from} AND a.starts_at < ${w.to}
    ), deposits_in AS (
      SELECT d.status::text AS status, d.failure_code, v.status AS visit_status
        FROM deposits d JOIN visits v ON v.id = d.appointment_id
       WHERE d.clinic_id = ${clinic.id}::uuid
    )
    SELECT (SELECT count(*)::int FROM visits WHERE status = 'requested') AS approval,
           (SELECT count(*)::int FROM flexible_requests f WHERE f.clinic_id = ${clinic.id}::uuid AND f.status = 'open') AS flexible,
           count(*) FILTER (WHERE status = 'failed' AND visit_status = ANY (${problemStatuses}) AND failure_code IS DISTINCT FROM 'no_card')::int AS declined,
           count(*) FILTER (WHERE status = 'failed' AND visit_status = ANY (${problemStatuses}) AND failure_code = 'no_card')::int AS awaiting_card,
           count(*) FILTER (WHERE status = 'pending')::int AS pending,
           count(*) FILTER (WHERE status = 'authorized')::int AS authorized,
           count(*) FILTER (WHERE status = 'captured')::int AS captured,
           count(*) FILTER (WHERE status = 'released')::int AS released,
           count(*) FILTER (WHERE status = 'refunded')::int AS refunded,
           count(*) FILTER (WHERE status = 'waived')::int AS waived,
           count(*) FILTER (WHERE status = 'failed')::int AS failed
      FROM deposits_in`;
  const r = row!;
  const deposits = Object.fromEntries(DEPOSIT_STATES.map((s) => [s, r[s]])) as Record<(typeof DEPOSIT_STATES)[number], number>;
  return {
    period: { first: w.first, last: w.last, label: w.label },
    requests: { approval: r.approval, flexible: r.flexible, total: r.approval + r.flexible },
    cardProblems: { declined: r.declined, awaitingCard: r.awaiting_card, total: r.declined + r.awaiting_card },
    deposits: { ...deposits, total: DEPOSIT_STATES.reduce((n, s) => n + deposits[s], 0) },
  };
}
