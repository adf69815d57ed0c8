import type { ReactNode } from "react";

/**
 * One labelled fact of an appointment or request: label above on a phone, beside it from `sm` up.
 * `compact` is for facts inside a list card (no rules between them).
 */
export function Fact({ label, children, testId, compact = false }: { label: string; children: ReactNode; testId?: string; compact?: boolean }) {
  const layout = compact
    ? "grid gap-0.5 sm:grid-cols-[9rem_1fr] sm:gap-4"
    : "grid gap-0.5 border-b border-slate-100 py-3 last:border-0 sm:grid-cols-[10rem_1fr] sm:gap-4 print:grid-cols-[10rem_1fr] print:py-2";
  return (
    <div className={layout}>
      <dt className="text-sm font-medium text-slate-500">{label}</dt>
      <dd className="text-base text-slate-900" data-testid={testId}>
        {children}
      </dd>
    </div>
  );
}

export const toneStyle = {
  good: "bg-emerald-50 text-emerald-800 ring-emerald-200",
  waiting: "bg-amber-50 text-amber-900 ring-amber-200",
  ended: "bg-slate-100 text-slate-700 ring-slate-200",
} as const;
