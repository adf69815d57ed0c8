import { Link } from "@remix-run/react";
import type { ReactNode } from "react";

/** The top of a booking step: a way back, the step's question, and what is chosen so far. */
export function StepHeader({ backHref, backLabel, title, children }: { backHref?: string; backLabel?: string; title: string; children?: ReactNode }) {
  return (
    <div className="mb-5">
      {backHref ? (
        <Link to={backHref} prefetch="intent" className="inline-flex items-center gap-1 rounded text-sm font-semibold text-slate-700 underline decoration-brand decoration-2 underline-offset-4 hover:text-slate-950 print:hidden">
          <svg viewBox="0 0 20 20" aria-hidden="true" className="h-4 w-4 fill-current">
            <path d="M12.7 4.3a1 1 0 0 1 0 1.4L8.4 10l4.3 4.3a1 1 0 1 1-1.4 1.4l-5-5a1 1 0 0 1 0-1.4l5-5a1 1 0 0 1 1.4 0Z" />
          </svg>
          {backLabel ?? "Back"}
        </Link>
      ) : null}
      <h1 className="mt-3 text-2xl font-bold tracking-tight text-slate-900 sm:text-3xl">{title}</h1>
      {children}
    </div>
  );
}

/** "Annual physical · Harlem · Any doctor": the choice so far, each part a link back to change it. */
export function ChoiceSummary({ parts }: { parts: { label: string; href?: string }[] }) {
  return (
    <p className="mt-3 flex flex-wrap gap-2 text-sm" data-testid="choice-summary">
      {parts.map((p) =>
        p.href ? (
          <Link key={p.label} to={p.href} prefetch="intent" className="rounded-full bg-white px-3 py-1 font-medium text-slate-800 ring-1 ring-slate-200 hover:ring-brand" title="Change">
            {p.label}
          </Link>
        ) : (
          <span key={p.label} className="rounded-full bg-white px-3 py-1 font-medium text-slate-800 ring-1 ring-slate-200">
            {p.label}
          </span>
        ),
      )}
    </p>
  );
}

export function Alert({ tone, children }: { tone: "error" | "info"; children: ReactNode }) {
  const style = tone === "error" ? "bg-red-50 text-red-900 ring-red-200" : "bg-brand-soft text-slate-900 ring-slate-900/10";
  return (
    <div role={tone === "error" ? "alert" : "status"} className={`mb-5 rounded-xl px-4 py-3 text-sm font-medium ring-1 ${style}`} data-testid={tone === "error" ? "booking-error" : "booking-info"}>
      {children}
    </div>
  );
}
