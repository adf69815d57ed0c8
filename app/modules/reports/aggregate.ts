/**
 * The reports' arithmetic, pure: rows in, figures out. The server reads the rows (one indexed
 * query each) and the page and the CSV files show what these functions return, so both always
 * agree. No row carries a patient's name, phone or id, and no figure does either.
 *
 * Definitions (also on the page and in docs/decisions/015-reports.md):
 * - A visit belongs to the range when it STARTS in the range (clinic time). Holds never count.
 * - Bookings: every visit in the range except those moved to another time (`rescheduled`: the
 *   new visit is counted instead). Status, source and service breakdowns count bookings.
 * - No-show rate: no-shows ÷ visits that were due and are settled, i.e. checked in, with the
 *   doctor, completed or no-show. Cancelled, declined and still-unconfirmed visits were not due;
 *   a confirmed visit whose time has passed without check-in or no-show is not settled yet and is
 *   listed apart ("awaiting the desk") rather than guessed either way.
 * - Cancellations: cancelled visits in the range, by reason, by who cancelled, and by how long
 *   before the start they were cancelled (the cancellation window is each visit's own).
 * - Deposits: what happened to deposits during the range, by the time of the move: a deposit
 *   captured on the 3rd counts in a range holding the 3rd, whenever its visit is.
 * - Utilization: booked minutes ÷ available minutes. Available: the doctor's working time at the
 *   location (weekly rules in effect, minus breaks, plus extra hours, minus time off) inside the
 *   location's open hours minus closures; for a room, the location's open hours minus closures.
 *   Booked: the length of visits that hold the time (requested, confirmed, checked in, with the
 *   doctor, completed, no-show), buffers excluded.
 */
import { dayIndexOf, type ReportRange } from "./range";
import { statusIs } from "~/lib/appointment-status";

export interface VisitRow {
  startsAt: Date;
  endsAt: Date;
  status: string;
  channel: string;
  serviceId: string;
  doctorId: string;
  roomId: string | null;
  priceMinor: number;
  cancelledAt: Date | null;
  cancelledBy: string | null;
  cancellationReason: string | null;
  cancellationWindowMin: number;
}

/** Deposits that reached a state during the range (each deposit once per state), and their amount. */
export interface DepositMoveRow {
  toStatus: string;
  deposits: number;
  amountMinor: number;
}

export interface Named {
  id: string;
  name: string;
}


export const BOOKING_STATUSES = ["requested", "confirmed", "checked_in", "in_consultation", "completed", "no_show", "cancelled", "declined"] as const;
export const STATUS_LABELS: Record<(typeof BOOKING_STATUSES)[number], string> = {
  requested: "Awaiting approval",
  confirmed: "Confirmed",
  checked_in: "Checked in",
  in_consultation: "With the doctor",
  completed: "Completed",
  no_show: "No-show",
  cancelled: "Cancelled",
  declined: "Declined",
};

/** States that count as "the visit was due and is settled" (the no-show rate's denominator). */
export const DUE_STATUSES = ["checked_in", "in_consultation", "completed", "no_show"] as const;
/** States whose time the visit holds (utilization's booked minutes). */
export const TIME_HOLDING_STATUSES = new Set(["requested", "confirmed", "checked_in", "in_consultation", "completed", "no_show"]);

export const CHANNELS = ["clinic_site", "marketplace", "staff", "api"] as const;
export const CHANNEL_LABELS: Record<(typeof CHANNELS)[number], string> = {
  clinic_site: "Clinic site",
  marketplace: "Marketplace",
  staff: "Staff (phone and desk)",
  api: "Clinic software (API)",
};

export const REASONS = ["patient_request", "illness", "staff_unavailable", "closure", "duplicate", "no_show"] as const;
export const REASON_LABELS: Record<(typeof REASONS)[number] | "none", string> = {
  patient_request: "Patient's request",
  illness: "Illness",
  staff_unavailable: "Doctor unavailable",
  closure: "Clinic closed",
  duplicate: "Duplicate booking",
  no_show: "Recorded as no-show",
  none: "No reason given",
};

export const TIMINGS = ["over_7_days", "days_2_to_7", "under_2_days", "inside_window", "after_start"] as const;
export type Timing = (typeof TIMINGS)[number];
export const TIMING_LABELS: Record<Timing, string> = {
  over_7_days: "More than 7 days before",
  days_2_to_7: "2 to 7 days before",
  under_2_days: "Under 2 days, before the window",
  inside_window: "Inside the cancellation window",
  after_start: "After the start time",
};

export const CANCELLERS = ["patient", "staff", "api", "system"] as const;
export type Canceller = (typeof CANCELLERS)[number];
export const CANCELLER_LABELS: Record<Canceller, string> = { patient: "Patient", staff: "Staff", api: "Clinic software (API)", system: "Automatic" };

export const DEPOSIT_MOVES = ["authorized", "captured", "released", "refunded", "failed", "waived"] as const;
export const DEPOSIT_LABELS: Record<(typeof DEPOSIT_MOVES)[number], string> = {
  authorized: "Authorized (held on the card)",
  captured: "Captured (charged)",
  released: "Released (not charged)",
  refunded: "Refunded",
  failed: "Failed authorization",
  waived: "Waived by staff",
};

export interface Count<K extends string = string> {
  key: K;
  label: string;
  count: number;
}

/** A share as a percentage with one decimal (33.3), or null when there is nothing to divide by. */
export function percent(part: number, whole: number): number | null {
  if (whole <= 0) return null;
  return Math.round((part / whole) * 1000) / 10;
}

/** Visits that are not holds. */
export function visitsOnly(rows: readonly VisitRow[]): VisitRow[] {
  return rows.filter((r) => !statusIs(r.status, "hold"));
}

function bookingsOf(rows: readonly VisitRow[]): VisitRow[] {
  return visitsOnly(rows).filter((r) => r.status !== "rescheduled");
}

// ---------------------------------------------------------------------------------------------

export interface BookingsReport {
  total: number;
  /** Visits moved to another time (not in the total: the new visit is). */
  rescheduled: number;
  byStatus: Count<(typeof BOOKING_STATUSES)[number]>[];
  /** One entry per local day of the range, with the count per status. */
  byDay: { date: string; total: number; byStatus: Record<(typeof BOOKING_STATUSES)[number], number> }[];
}

const zeroStatuses = () => Object.fromEntries(BOOKING_STATUSES.map((s) => [s, 0])) as Record<(typeof BOOKING_STATUSES)[number], number>;

export function bookingsReport(range: ReportRange, rows: readonly VisitRow[]): BookingsReport {
  const byDay = range.days.map((date) => ({ date, total: 0, byStatus: zeroStatuses() }));
  const totals = zeroStatuses();
  let total = 0;
  for (const r of bookingsOf(rows)) {
    const i = dayIndexOf(range, r.startsAt);
    if (i < 0 || !(r.status in totals)) continue;
    const status = r.status as (typeof BOOKING_STATUSES)[number];
    byDay[i]!.total++;
    byDay[i]!.byStatus[status]++;
    totals[status]++;
    total++;
  }
  const rescheduled = visitsOnly(rows).filter((r) => r.status === "rescheduled" && dayIndexOf(range, r.startsAt) >= 0).length;
  return { total, rescheduled, byStatus: BOOKING_STATUSES.map((key) => ({ key, label: STATUS_LABELS[key], count: totals[key] })), byDay };
}

// ---------------------------------------------------------------------------------------------

export interface NoShowReport {
  noShows: number;
  /** checked in + with the doctor + completed + no-show */
  due: number;
  /** no-shows ÷ due, as a percentage with one decimal; null when nothing was due. */
  rate: number | null;
  breakdown: Count<(typeof DUE_STATUSES)[number]>[];
  /** Confirmed visits whose start has passed with neither a check-in nor a no-show recorded. */
  awaitingDesk: number;
}

export function noShowReport(rows: readonly VisitRow[], now: Date): NoShowReport {
  const visits = bookingsOf(rows);
  const breakdown = DUE_STATUSES.map((key) => ({ key, label: STATUS_LABELS[key], count: visits.filter((v) => v.status === key).length }));
  const due = breakdown.reduce((s, b) => s + b.count, 0);
  const noShows = breakdown.find((b) => b.key === "no_show")!.count;
  const awaitingDesk = visits.filter((v) => v.status === "confirmed" && v.startsAt.getTime() <= now.getTime()).length;
  return { noShows, due, rate: percent(noShows, due), breakdown, awaitingDesk };
}

// ---------------------------------------------------------------------------------------------

const HOUR_MS = 3_600_000;

/**
 * How late a cancellation was, by the time left before the visit's start: after the start; inside
 * the visit's own cancellation window (from the deadline on, as the booking rules count it); more
 * than 7 days; 2 to 7 days (48 hours included); under 2 days but before the window (only for
 * windows shorter than 48 hours).
 */
export function cancellationTiming(startsAt: Date, cancelledAt: Date, windowMin: number): Timing {
  const lead = startsAt.getTime() - cancelledAt.getTime();
  if (lead <= 0) return "after_start";
  if (lead <= windowMin * 60_000) return "inside_window";
  if (lead > 7 * 24 * HOUR_MS) return "over_7_days";
  if (lead >= 48 * HOUR_MS) return "days_2_to_7";
  return "under_2_days";
}

/** Who cancelled, from `cancelled_by` ("patient:…", "staff:…", "api:…", "system"). */
export function cancellerOf(cancelledBy: string | null): Canceller {
  const kind = (cancelledBy ?? "").split(":")[0];
  return kind === "patient" || kind === "staff" || kind === "api" ? kind : "system";
}

export interface CancellationsReport {
  total: number;
  /** Cancelled ÷ bookings in the range, as a percentage. */
  share: number | null;
  byReason: Count[];
  byTiming: Count<Timing>[];
  byWhom: Count<Canceller>[];
}

export function cancellationsReport(rows: readonly VisitRow[]): CancellationsReport {
  const bookings = bookingsOf(rows);
  const cancelled = bookings.filter((r) => r.status === "cancelled");
  const reasonKeys = [...REASONS, "none"] as const;
  const byReason = reasonKeys.map((key) => ({ key, label: REASON_LABELS[key], count: cancelled.filter((r) => (r.cancellationReason ?? "none") === key).length }));
  const timings = cancelled.map((r) => cancellationTiming(r.startsAt, r.cancelledAt ?? r.startsAt, r.cancellationWindowMin));
  const byTiming = TIMINGS.map((key) => ({ key, label: TIMING_LABELS[key], count: timings.filter((t) => t === key).length }));
  const byWhom = CANCELLERS.map((key) => ({ key, label: CANCELLER_LABELS[key], count: cancelled.filter((r) => cancellerOf(r.cancelledBy) === key).length }));
  return { total: cancelled.length, share: percent(cancelled.length, bookings.length), byReason, byTiming, byWhom };
}

// ---------------------------------------------------------------------------------------------

export interface DepositsReport {
  currency: string;
  rows: { key: (typeof DEPOSIT_MOVES)[number]; label: string; count: number; amountMinor: number }[];
  /** Captured minus refunded during the range. */
  netMinor: number;
}

export function depositsReport(moves: readonly DepositMoveRow[], currency: string): DepositsReport {
  const totals = new Map<string, { count: number; amountMinor: number }>(DEPOSIT_MOVES.map((k) => [k, { count: 0, amountMinor: 0 }]));
  for (const m of moves) {
    const slot = totals.get(m.toStatus);
    if (!slot) continue;
    slot.count += m.deposits;
    slot.amountMinor += m.amountMinor;
  }
  const rows = DEPOSIT_MOVES.map((key) => ({ key, label: DEPOSIT_LABELS[key], ...totals.get(key)! }));
  const amount = (k: string) => rows.find((r) => r.key === k)!.amountMinor;
  return { currency, rows, netMinor: amount("captured") - amount("refunded") };
}

// ---------------------------------------------------------------------------------------------

export interface UtilizationRow {
  id: string;
  name: string;
  bookedMin: number;
  availableMin: number;
  /** booked ÷ available as a percentage; null when nothing was available. */
  rate: number | null;
}

export interface UtilizationReport {
  doctors: UtilizationRow[];
  rooms: UtilizationRow[];
}

/**
 * `available` holds each doctor's and room's available minutes in the range (from the schedule);
 * a doctor or room with neither available nor booked time is left out.
 */
export function utilizationReport(
  rows: readonly VisitRow[],
  doctors: readonly Named[],
  rooms: readonly Named[],
  available: { doctors: ReadonlyMap<string, number>; rooms: ReadonlyMap<string, number> },
): UtilizationReport {
  const booked = { doctors: new Map<string, number>(), rooms: new Map<string, number>() };
  for (const r of visitsOnly(rows)) {
    if (!TIME_HOLDING_STATUSES.has(r.status)) continue;
    const minutes = Math.round((r.endsAt.getTime() - r.startsAt.getTime()) / 60_000);
    booked.doctors.set(r.doctorId, (booked.doctors.get(r.doctorId) ?? 0) + minutes);
    if (r.roomId) booked.rooms.set(r.roomId, (booked.rooms.get(r.roomId) ?? 0) + minutes);
  }
  const build = (list: readonly Named[], b: Map<string, number>, a: ReadonlyMap<string, number>) =>
    list
      .map((x) => {
        const bookedMin = b.get(x.id) ?? 0;
        const availableMin = a.get(x.id) ?? 0;
        return { id: x.id, name: x.name, bookedMin, availableMin, rate: percent(bookedMin, availableMin) };
      })
      .filter((x) => x.bookedMin > 0 || x.availableMin > 0)
      .sort((x, y) => x.name.localeCompare(y.name, "en") || (x.id < y.id ? -1 : 1));
  return { doctors: build(doctors, booked.doctors, available.doctors), rooms: build(rooms, booked.rooms, available.rooms) };
}

// ---------------------------------------------------------------------------------------------

export interface ServiceDemandRow {
  id: string;
  name: string;
  bookings: number;
  cancelled: number;
  completed: number;
  /** Price of completed visits (as booked, after discounts). */
  revenueMinor: number;
}

export function serviceDemandReport(rows: readonly VisitRow[], services: readonly Named[]): { rows: ServiceDemandRow[]; revenueMinor: number } {
  const names = new Map(services.map((s) => [s.id, s.name]));
  const by = new Map<string, ServiceDemandRow>();
  for (const r of bookingsOf(rows)) {
    let row = by.get(r.serviceId);
    if (!row) {
      row = { id: r.serviceId, name: names.get(r.serviceId) ?? "Service", bookings: 0, cancelled: 0, completed: 0, revenueMinor: 0 };
      by.set(r.serviceId, row);
    }
    row.bookings++;
    if (r.status === "cancelled") row.cancelled++;
    if (r.status === "completed") {
      row.completed++;
      row.revenueMinor += r.priceMinor;
    }
  }
  const list = [...by.values()].sort((a, b) => b.bookings - a.bookings || a.name.localeCompare(b.name, "en"));
  return { rows: list, revenueMinor: list.reduce((s, r) => s + r.revenueMinor, 0) };
}

// ---------------------------------------------------------------------------------------------

export interface SourcesReport {
  total: number;
  rows: (Count<(typeof CHANNELS)[number]> & { share: number | null })[];
}

export function sourcesReport(rows: readonly VisitRow[]): SourcesReport {
  const bookings = bookingsOf(rows);
  return {
    total: bookings.length,
    rows: CHANNELS.map((key) => {
      const count = bookings.filter((r) => r.channel === key).length;
      return { key, label: CHANNEL_LABELS[key], count, share: percent(count, bookings.length) };
    }),
  };
}
