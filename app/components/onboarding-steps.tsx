/** A clinic's onboarding as a bar of five steps: done steps filled, the rest outlined. */
export interface StepView {
  key: string;
  label: string;
  done: boolean;
  detail: string;
}

export function OnboardingStepBar({ steps, compact = false }: { steps: StepView[]; compact?: boolean }) {
  const done = steps.filter((s) => s.done).length;
  return (
    <div data-testid="onboarding-steps" data-done={done}>
      <p className="sr-only">
        {done} of {steps.length} onboarding steps done: {steps.map((s) => `${s.label} ${s.done ? "done" : "not done"}`).join(", ")}.
      </p>
      <ol className="flex gap-1" aria-hidden="true">
        {steps.map((s) => (
          <li key={s.key} className="min-w-0 flex-1" title={`${s.label}: ${s.detail}`}>
            <span className={`block h-2 rounded-full ${s.done ? "bg-emerald-600" : "bg-slate-200 ring-1 ring-inset ring-slate-300"}`} />
            {compact ? null : <span className={`mt-1.5 block truncate text-xs font-medium ${s.done ? "text-emerald-800" : "text-slate-600"}`}>{s.label}</span>}
          </li>
        ))}
      </ol>
      {compact ? (
        <p className="mt-1 text-xs text-slate-600" aria-hidden="true">
          {done}/{steps.length} done{steps.find((s) => !s.done) ? ` · next: ${steps.find((s) => !s.done)!.label}` : ""}
        </p>
      ) : null}
    </div>
  );
}
