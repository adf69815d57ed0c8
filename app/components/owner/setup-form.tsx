/** Form pieces shared by the owner's setup pages: labelled fields with their message, answers, sections. */
import type { InputHTMLAttributes, ReactNode, TextareaHTMLAttributes } from "react";

export interface SetupAnswerView {
  intent: string;
  ok: boolean;
  message: string;
  errors: Record<string, string>;
  extra?: Record<string, string>;
}

/** The answer of the last submit, when it belongs to `intent` (or to any intent when none is given). */
export function answerFor(answer: SetupAnswerView | undefined, intent?: string): SetupAnswerView | undefined {
  if (!answer) return undefined;
  return intent === undefined || answer.intent === intent ? answer : undefined;
}

export function AnswerLine({ answer, testId }: { answer: SetupAnswerView | undefined; testId?: string }) {
  if (!answer) return null;
  return (
    <p role={answer.ok ? "status" : "alert"} data-testid={testId} className={`mb-4 rounded-xl px-4 py-3 text-sm font-medium ring-1 ${answer.ok ? "bg-emerald-50 text-emerald-900 ring-emerald-200" : "bg-red-50 text-red-900 ring-red-200"}`}>
      {answer.message}
    </p>
  );
}

type FieldBase = {
  label: string;
  name: string;
  error?: string;
  hint?: ReactNode;
  id?: string;
};

function describedBy(fieldId: string, hint: unknown, error: unknown) {
  return [hint ? `${fieldId}-hint` : null, error ? `${fieldId}-error` : null].filter(Boolean).join(" ") || undefined;
}

function FieldFrame({ label, fieldId, hint, error, children }: { label: string; fieldId: string; hint?: ReactNode; error?: string; children: ReactNode }) {
  return (
    <div>
      <label htmlFor={fieldId} className="field-label">
        {label}
      </label>
      {hint ? (
        <p id={`${fieldId}-hint`} className="mt-0.5 text-sm text-slate-600">
          {hint}
        </p>
      ) : null}
      {children}
      {error ? (
        <p id={`${fieldId}-error`} className="field-error" role="alert">
          {error}
        </p>
      ) : null}
    </div>
  );
}

export function TextField({ label, name, error, hint, id, ...input }: FieldBase & InputHTMLAttributes<HTMLInputElement>) {
  const fieldId = id ?? `field-${name}`;
  return (
    <FieldFrame label={label} fieldId={fieldId} hint={hint} error={error}>
      <input id={fieldId} name={name} className="field-input min-h-11" aria-invalid={error ? true : undefined} aria-describedby={describedBy(fieldId, hint, error)} {...input} />
    </FieldFrame>
  );
}

export function TextAreaField({ label, name, error, hint, id, ...input }: FieldBase & TextareaHTMLAttributes<HTMLTextAreaElement>) {
  const fieldId = id ?? `field-${name}`;
  return (
    <FieldFrame label={label} fieldId={fieldId} hint={hint} error={error}>
      <textarea id={fieldId} name={name} className="field-input" aria-invalid={error ? true : undefined} aria-describedby={describedBy(fieldId, hint, error)} {...input} />
    </FieldFrame>
  );
}

export function SetupSection({ title, description, children, className = "", testId }: { title: string; description?: ReactNode; children: ReactNode; className?: string; testId?: string }) {
  const id = `section-${title.toLowerCase().replace(/\W+/g, "-")}`;
  return (
    <section aria-labelledby={id} className={`card p-5 sm:p-6 ${className}`} data-testid={testId}>
      <h2 id={id} className="text-lg font-semibold text-slate-900">
        {title}
      </h2>
      {description ? <div className="mt-1 text-sm text-slate-600">{description}</div> : null}
      <div className="mt-4">{children}</div>
    </section>
  );
}

export function SubmitButton({
  children,
  busy,
  busyText,
  name = "intent",
  value,
  tone = "primary",
  className = "",
}: {
  children: ReactNode;
  busy: boolean;
  busyText: string;
  name?: string;
  value: string;
  tone?: "primary" | "secondary" | "danger";
  className?: string;
}) {
  const tones = {
    primary: "btn-primary",
    secondary: "btn-secondary",
    danger: "btn border border-red-300 bg-white text-red-800 hover:bg-red-50",
  } as const;
  return (
    <button type="submit" name={name} value={value} className={`${tones[tone]} min-h-11 px-4 ${className}`} disabled={busy} aria-disabled={busy}>
      {busy ? busyText : children}
    </button>
  );
}
