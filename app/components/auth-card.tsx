import type { InputHTMLAttributes, ReactNode } from "react";
import { Link } from "@remix-run/react";
import { useRootData } from "~/components/root-data";

/** A centred, branded card for the sign-in pages: the clinic's logo or name above the form. */
export function AuthCard({ title, intro, children, footer }: { title: string; intro?: ReactNode; children: ReactNode; footer?: ReactNode }) {
  const data = useRootData();
  const clinic = data?.site.kind === "clinic" ? data.site.clinic : null;
  return (
    <main id="main" className="flex min-h-screen flex-col items-center bg-brand-soft px-4 py-10 sm:justify-center sm:py-16">
      <Link to="/" className="mb-6 flex items-center gap-3 rounded-lg" aria-label={clinic ? `${clinic.name} home` : "Medslot home"}>
        {/* The demo logos are wordmarks: the logo stands in for the name, which stays for screen readers. */}
        {clinic?.logoUrl ? (
          <img src={clinic.logoUrl} alt={clinic.name} className="h-12 w-auto max-w-[16rem]" />
        ) : (
          <span className="text-xl font-bold tracking-tight text-brand">{clinic?.name ?? "Medslot"}</span>
        )}
      </Link>
      <div className="card w-full max-w-md p-6 sm:p-8">
        <h1 className="text-2xl font-bold tracking-tight text-slate-900">{title}</h1>
        {intro ? <div className="mt-2 text-sm text-slate-600">{intro}</div> : null}
        <div className="mt-6">{children}</div>
      </div>
      {footer ? <div className="mt-6 w-full max-w-md text-center text-sm text-slate-600">{footer}</div> : null}
    </main>
  );
}

type FieldProps = InputHTMLAttributes<HTMLInputElement> & { label: string; name: string; error?: string | null; hint?: ReactNode };

/** A labelled input whose error is announced and tied to it (aria-invalid, aria-describedby). */
export function Field({ label, name, error, hint, id, ...input }: FieldProps) {
  const fieldId = id ?? `field-${name}`;
  const hintId = hint ? `${fieldId}-hint` : undefined;
  const errorId = error ? `${fieldId}-error` : undefined;
  return (
    <div>
      <label htmlFor={fieldId} className="field-label">
        {label}
      </label>
      {hint ? (
        <p id={hintId} className="mt-0.5 text-sm text-slate-500">
          {hint}
        </p>
      ) : null}
      <input
        id={fieldId}
        name={name}
        className="field-input"
        aria-invalid={error ? true : undefined}
        aria-describedby={[hintId, errorId].filter(Boolean).join(" ") || undefined}
        {...input}
      />
      {error ? (
        <p id={errorId} className="field-error" role="alert">
          {error}
        </p>
      ) : null}
    </div>
  );
}

export function Notice({ tone = "info", children }: { tone?: "info" | "success" | "error"; children: ReactNode }) {
  const styles = {
    info: "border-brand/30 bg-brand-soft text-slate-800",
    success: "border-emerald-300 bg-emerald-50 text-emerald-900",
    error: "border-red-300 bg-red-50 text-red-800",
  }[tone];
  return (
    <div role={tone === "error" ? "alert" : "status"} className={`mb-4 rounded-lg border px-3 py-2 text-sm ${styles}`}>
      {children}
    </div>
  );
}
