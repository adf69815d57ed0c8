/**
 * What the desk's time grid is made of, shared by the server that lays it out and the browser that
 * drags and steps through it: wall-clock minutes on a column's local date, never instants, so the
 * grid reads the same on both sides of a daylight-saving change. No server imports here.
 */

/** Row sizes the desk can choose (minutes); a drag or a keyboard move snaps to the row. */
export const ROW_STEPS = [5, 10, 15] as const;
export type RowStep = (typeof ROW_STEPS)[number];

/** A stretch of one column's local day, in minutes since its local midnight ([from, to), 0–1440). */
export interface CalendarSpan {
  from: number;
  to: number;
}

/** Time in a column nobody can be booked in: a doctor's break or time off, a closure or holiday. */
export interface CalendarMark extends CalendarSpan {
  kind: "break" | "time_off" | "closure";
  label: string;
}

export interface CalendarBlock {
  id: string;
  /** Local minutes since midnight of the column's date. */
  top: number;
  bottom: number;
  lane: number;
  lanes: number;
  time: string;
  endTime: string;
  /** The visit's start, as an instant (for the move's undo). */
  start: string;
  status: string;
  patientName: string;
  serviceId: string;
  serviceName: string;
  doctorId: string;
  doctorName: string;
  locationId: string;
  roomId: string | null;
  roomName: string | null;
  paymentStatus: string;
  depositMinor: number;
  /** Why the visit must be moved (the time off or closure it falls in), or null. */
  needsMoving: string | null;
  /** Its start is inside the cancellation window: a move needs a reason. */
  insideWindow: boolean;
  /** Still ahead and requested or confirmed: the desk may drag it. */
  movable: boolean;
  /** In progress now (started, not ended, not finished). */
  current: boolean;
  /** Booked outside the schedule on purpose (kind and reason), or null: the grid marks it. */
  override: string | null;
  /** The intake form's state once intake exists; null until then. */
  intake: string | null;
  /** Patient alerts (allergies, access needs); a marker shows when there are any. */
  alerts?: string[];
}

export interface CalendarColumn {
  key: string;
  label: string;
  date: string;
  /** What a booking made in this column is for: the link from an empty time carries these. */
  book: { doctor: string | null; location: string | null; room: string | null };
  /** The location's opening hours that day (the rest is closed). */
  open: CalendarSpan[];
  /** A doctor's working periods that day (null for room and location columns). */
  shifts: CalendarSpan[] | null;
  marks: CalendarMark[];
  blocks: CalendarBlock[];
}

/** "09:30" for minutes since midnight (1440 is "24:00"). */
export function clock(m: number): string {
  return `${String(Math.floor(m / 60)).padStart(2, "0")}:${String(m % 60).padStart(2, "0")}`;
}

/** Spans sorted and merged where they touch or overlap. */
export function mergeSpans(spans: CalendarSpan[]): CalendarSpan[] {
  const sorted = spans.filter((s) => s.to > s.from).sort((a, b) => a.from - b.from);
  const out: CalendarSpan[] = [];
  for (const s of sorted) {
    const last = out[out.length - 1];
    if (last && s.from <= last.to) last.to = Math.max(last.to, s.to);
    else out.push({ ...s });
  }
  return out;
}

/** The parts of [from, to) outside every span: the closed time around opening hours. */
export function gapsOutside(spans: CalendarSpan[], from: number, to: number): CalendarSpan[] {
  const out: CalendarSpan[] = [];
  let at = from;
  for (const s of mergeSpans(spans)) {
    if (s.from > at) out.push({ from: at, to: Math.min(s.from, to) });
    at = Math.max(at, s.to);
  }
  if (at < to) out.push({ from: at, to });
  return out.filter((s) => s.to > s.from);
}

/**
 * Colours for colouring by service: light backgrounds with a strong edge, each readable with
 * slate-900 text (contrast above 4.5:1), picked by the service's place in the clinic's list.
 */
export const SERVICE_TONES = [
  "border-sky-600 bg-sky-50",
  "border-violet-600 bg-violet-50",
  "border-teal-600 bg-teal-50",
  "border-rose-600 bg-rose-50",
  "border-amber-600 bg-amber-50",
  "border-lime-700 bg-lime-50",
  "border-indigo-600 bg-indigo-50",
  "border-fuchsia-600 bg-fuchsia-50",
  "border-cyan-700 bg-cyan-50",
  "border-orange-600 bg-orange-50",
] as const;

export const STATUS_TONES: Record<string, string> = {
  requested: "border-amber-500 bg-amber-50",
  confirmed: "border-brand bg-brand-soft",
  checked_in: "border-emerald-600 bg-emerald-50",
  in_consultation: "border-emerald-700 bg-emerald-100",
  completed: "border-slate-400 bg-slate-100",
  no_show: "border-slate-400 bg-white line-through",
  cancelled: "border-slate-300 bg-white line-through",
  declined: "border-slate-300 bg-white line-through",
};

/** The deposit or payment as the block says it, or null when there is nothing to say. */
export function paymentWords(status: string, depositMinor: number): string | null {
  const words: Record<string, string> = {
    card_saved: "Card saved",
    authorized: "Deposit held",
    captured: "Deposit charged",
    released: "Deposit released",
    refunded: "Deposit refunded",
    waived: "Deposit waived",
    failed: "Card problem",
  };
  if (status === "none") return depositMinor > 0 ? "Deposit to collect" : null;
  return words[status] ?? null;
}

/** What the grid hears back after a move or an undo. */
export type CalendarMoveAnswer =
  | {
      ok: true;
      message: string;
      /** The visit's row after the move (a move makes a new one). */
      appointmentId: string;
      /** What moves it back: the same form with intent "undo". */
      undo: { appointmentId: string; date: string; minute: number; doctor: string; location: string; room: string | null };
      undone: boolean;
    }
  | { ok: false; message: string; field?: string; status: number };

