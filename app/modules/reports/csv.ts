/**
 * CSV files of the reports (RFC 4180): UTF-8 with a byte-order mark so spreadsheet programs read
 * accents right, CRLF line ends, a header row, and a field quoted when it holds a comma, a quote,
 * a line break or edge spaces. A text field that a spreadsheet would run as a formula (=, +, -,
 * @ first) is prefixed with an apostrophe. Numbers are plain: 33.3 for 33.3 %, 120.00 for $120.
 */
import type { BookingsReport, CancellationsReport, DepositsReport, NoShowReport, ServiceDemandRow, SourcesReport, UtilizationReport } from "./aggregate";
import { BOOKING_STATUSES, STATUS_LABELS } from "./aggregate";
import { decimalAmount } from "~/lib/money";

export const REPORT_KEYS = ["bookings", "no-shows", "cancellations", "deposits", "utilization", "services", "sources"] as const;
export type ReportKey = (typeof REPORT_KEYS)[number];

export const REPORT_TITLES: Record<ReportKey, string> = {
  bookings: "Bookings",
  "no-shows": "No-show rate",
  cancellations: "Cancellations",
  deposits: "Deposits",
  utilization: "Utilization",
  services: "Service demand",
  sources: "Booking source",
};

type Cell = string | number | null;

function field(value: Cell): string {
  if (value === null) return "";
  if (typeof value === "number") return String(value);
  const text = /^[=+\-@]/.test(value) ? `'${value}` : value;
  return /[",\r\n]|^\s|\s$/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function toCsv(header: readonly string[], rows: readonly (readonly Cell[])[]): string {
  return `\uFEFF${[header, ...rows].map((r) => r.map(field).join(",")).join("\r\n")}\r\n`;
}


export interface AllReports {
  currency: string;
  bookings: BookingsReport;
  noShows: NoShowReport;
  cancellations: CancellationsReport;
  deposits: DepositsReport;
  utilization: UtilizationReport;
  services: { rows: ServiceDemandRow[]; revenueMinor: number };
  sources: SourcesReport;
}

export function reportCsv(key: ReportKey, r: AllReports): string {
  switch (key) {
    case "bookings":
      return toCsv(
        ["Date", "Bookings", ...BOOKING_STATUSES.map((s) => STATUS_LABELS[s])],
        [...r.bookings.byDay.map((d) => [d.date, d.total, ...BOOKING_STATUSES.map((s) => d.byStatus[s])]), ["Total", r.bookings.total, ...r.bookings.byStatus.map((s) => s.count)]],
      );
    case "no-shows":
      return toCsv(
        ["Figure", "Value"],
        [...r.noShows.breakdown.map((b) => [b.label, b.count]), ["Visits due", r.noShows.due], ["No-show rate (%)", r.noShows.rate], ["Past visits awaiting check-in or no-show", r.noShows.awaitingDesk]],
      );
    case "cancellations":
      return toCsv(
        ["Grouping", "Group", "Cancellations"],
        [
          ...r.cancellations.byReason.map((c) => ["Reason", c.label, c.count]),
          ...r.cancellations.byTiming.map((c) => ["Timing", c.label, c.count]),
          ...r.cancellations.byWhom.map((c) => ["Cancelled by", c.label, c.count]),
          ["Total", "All cancellations", r.cancellations.total],
        ],
      );
    case "deposits":
      return toCsv(
        ["Deposit state", "Deposits", `Amount (${r.currency})`],
        [...r.deposits.rows.map((d) => [d.label, d.count, decimalAmount(d.amountMinor, r.currency)]), ["Captured minus refunded", null, decimalAmount(r.deposits.netMinor, r.currency)]],
      );
    case "utilization":
      return toCsv(
        ["Kind", "Name", "Booked minutes", "Available minutes", "Utilization (%)"],
        [...r.utilization.doctors.map((u) => ["Doctor", u.name, u.bookedMin, u.availableMin, u.rate]), ...r.utilization.rooms.map((u) => ["Room", u.name, u.bookedMin, u.availableMin, u.rate])],
      );
    case "services":
      return toCsv(
        ["Service", "Bookings", "Cancelled", "Completed", `Revenue (${r.currency})`],
        [...r.services.rows.map((s) => [s.name, s.bookings, s.cancelled, s.completed, decimalAmount(s.revenueMinor, r.currency)]), ["Total", r.bookings.total, r.cancellations.total, r.services.rows.reduce((n, s) => n + s.completed, 0), decimalAmount(r.services.revenueMinor, r.currency)]],
      );
    case "sources":
      return toCsv(
        ["Source", "Bookings", "Share (%)"],
        [...r.sources.rows.map((s) => [s.label, s.count, s.share]), ["Total", r.sources.total, r.sources.total ? 100 : null]],
      );
  }
}
