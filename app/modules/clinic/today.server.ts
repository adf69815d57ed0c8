/**
 * The figures on the panel's Today page: how many visits today, how many people waiting, what
 * needs the desk's answer. Counts only, no names, so the page needs no audit row of its own.
 */
import type { StaffRole } from "~/generated/prisma/enums";
import { addDays, utcToZoned, zonedToUtc } from "~/lib/zoned-time";
import type { ClinicDb } from "~/utils/db.server";
import { ON_THE_DIARY } from "~/lib/appointment-status";
import { deskCounts, type DeskCounts } from "~/modules/reports/desk-counts.server";

export interface TodayFigures {
  /** Visits today (the doctor's own for a doctor who is not also at the desk). */
  visitsToday: number;
  waitingNow: number;
  /** The desk's numbers (requests, card problems, deposits), as every desk screen shows them; null for a doctor's own view. */
  desk: DeskCounts | null;
}


export async function todayFigures(db: ClinicDb, clinic: { id: string; timeZone: string }, who: { staffUserId: string; roles: readonly StaffRole[] }, now = new Date()): Promise<TodayFigures> {
  const today = utcToZoned(now, clinic.timeZone).date;
  const from = zonedToUtc(today, 0, clinic.timeZone);
  const to = zonedToUtc(addDays(today, 1), 0, clinic.timeZone);
  const deskView = who.roles.includes("owner") || who.roles.includes("secretary");
  const mine = deskView ? {} : { staffUserId: who.staffUserId };
  return db.tx(async (tx) => {
    // One query at a time: a transaction holds one connection.
    const visitsToday = await tx.appointment.count({ where: { ...mine, startsAt: { gte: from, lt: to }, status: { in: ON_THE_DIARY } } });
    const waitingNow = await tx.appointment.count({ where: { ...mine, startsAt: { gte: from, lt: to }, status: "checked_in" } });
    const desk = deskView ? await deskCounts(tx, clinic, now) : null;
    return { visitsToday, waitingNow, desk };
  });
}
