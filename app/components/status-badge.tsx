import type { ClinicStatus } from "~/generated/prisma/enums";
import { CLINIC_STATUS_LABELS } from "~/modules/clinic/labels";

const TONES: Record<ClinicStatus, string> = {
  draft: "bg-amber-50 text-amber-900 ring-amber-200",
  live: "bg-emerald-50 text-emerald-800 ring-emerald-200",
  suspended: "bg-red-50 text-red-800 ring-red-200",
};

export function ClinicStatusBadge({ status }: { status: ClinicStatus }) {
  return (
    <span className={`inline-flex items-center rounded-full px-2.5 py-0.5 text-xs font-semibold ring-1 ${TONES[status]}`} data-testid="clinic-status">
      {CLINIC_STATUS_LABELS[status]}
    </span>
  );
}

/** A neutral or coloured pill for short facts (roles, work status, active). */
export function Pill({ children, tone = "neutral", compact = false }: { children: React.ReactNode; tone?: "neutral" | "good" | "warn" | "muted" | "brand"; compact?: boolean }) {
  const tones = {
    neutral: "bg-slate-100 text-slate-800 ring-slate-200",
    good: "bg-emerald-50 text-emerald-800 ring-emerald-200",
    warn: "bg-amber-50 text-amber-900 ring-amber-200",
    muted: "bg-white text-slate-600 ring-slate-300",
    brand: "bg-brand-soft text-slate-900 ring-brand/30",
  } as const;
  // Compact pills fit the desk board's dense rows.
  const size = compact ? "px-1.5 text-[11px] leading-4" : "px-2.5 py-0.5 text-xs";
  return <span className={`inline-flex items-center rounded-full font-semibold ring-1 ${size} ${tones[tone]}`}>{children}</span>;
}
