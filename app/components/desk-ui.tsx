/** Small pieces the front desk's pages share: status and payment pills, the answer banner, filters. */
import type { ReactNode } from "react";
import { Pill } from "./status-badge";

const STATUS: Record<string, { words: string; tone: "neutral" | "good" | "warn" | "muted" | "brand" }> = {
  requested: { words: "Waiting for approval", tone: "warn" },
  confirmed: { words: "Confirmed", tone: "brand" },
  checked_in: { words: "Checked in", tone: "good" },
  in_consultation: { words: "In consultation", tone: "good" },
  completed: { words: "Completed", tone: "muted" },
  no_show: { words: "No-show", tone: "muted" },
  cancelled: { words: "Cancelled", tone: "muted" },
  declined: { words: "Declined", tone: "muted" },
  rescheduled: { words: "Moved", tone: "muted" },
};

export function visitStatusWords(status: string) {
  return STATUS[status]?.words ?? status.replace(/_/g, " ");
}

export function VisitStatus({ status, compact }: { status: string; compact?: boolean }) {
  const s = STATUS[status] ?? { words: status.replace(/_/g, " "), tone: "neutral" as const };
  return (
    <Pill tone={s.tone} compact={compact}>
      <span data-testid="visit-status">{s.words}</span>
    </Pill>
  );
}

const PAYMENT: Record<string, { words: string; tone: "neutral" | "good" | "warn" | "muted" }> = {
  card_saved: { words: "Card saved", tone: "neutral" },
  authorized: { words: "Deposit held", tone: "good" },
  captured: { words: "Deposit charged", tone: "good" },
  released: { words: "Deposit released", tone: "muted" },
  refunded: { words: "Deposit refunded", tone: "muted" },
  waived: { words: "Deposit waived", tone: "muted" },
  failed: { words: "Card problem", tone: "warn" },
};

/** A visit inside a doctor's time off or a closure: the desk must move or cancel it. */
export function NeedsMovingBadge({ why, compact }: { why: string | null; compact?: boolean }) {
  if (!why) return null;
  return (
    <Pill tone="warn" compact={compact}>
      <span data-testid="visit-needs-moving" title={`Needs moving: ${why}`}>
        Needs moving
      </span>
    </Pill>
  );
}

/** Where the deposit stands; nothing for a visit without one. */
export function PaymentPill({ status, depositMinor, compact }: { status: string; depositMinor: number; compact?: boolean }) {
  if (depositMinor <= 0 && status === "none") return null;
  const p = status === "none" ? { words: "Deposit to collect", tone: "warn" as const } : (PAYMENT[status] ?? { words: status, tone: "neutral" as const });
  return (
    <Pill tone={p.tone} compact={compact}>
      <span data-testid="visit-payment">{p.words}</span>
    </Pill>
  );
}

export function Answer({ answer }: { answer: { ok: boolean; message: string } | null | undefined }) {
  if (!answer) return null;
  return (
    <p role={answer.ok ? "status" : "alert"} className={`mb-4 rounded-xl px-4 py-3 text-sm font-medium ring-1 ${answer.ok ? "bg-emerald-50 text-emerald-900 ring-emerald-200" : "bg-red-50 text-red-900 ring-red-200"}`} data-testid="desk-answer">
      {answer.message}
    </p>
  );
}

export function Section({ title, count, children, testId }: { title: string; count?: number; children: ReactNode; testId?: string }) {
  return (
    <section className="card p-4" aria-labelledby={testId ? `${testId}-title` : undefined} data-testid={testId}>
      <h2 id={testId ? `${testId}-title` : undefined} className="flex items-center justify-between gap-2 text-base font-semibold text-slate-900">
        <span>{title}</span>
        {count !== undefined ? <span className="rounded-full bg-slate-100 px-2 py-0.5 text-xs font-semibold text-slate-700">{count}</span> : null}
      </h2>
      <div className="mt-3 text-sm text-slate-700">{children}</div>
    </section>
  );
}

export function Empty({ children }: { children: ReactNode }) {
  return <p className="text-sm text-slate-600">{children}</p>;
}

export const CANCELLATION_REASON_WORDS: Record<string, string> = {
  patient_request: "The patient asked",
  staff_unavailable: "The doctor is unavailable",
  illness: "Illness",
  duplicate: "Booked twice",
  no_show: "Did not come",
  closure: "The clinic is closed",
};
