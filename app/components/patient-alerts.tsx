/**
 * A patient's alerts (allergies, access needs) where staff see the patient. `compact` is a small
 * marker for lists, boards and cards: the first alert cut short, "+N" for the rest, with the full
 * text for screen readers and on hover; the full form lists every alert with its kind.
 */
import { ALERT_KIND_WORDS, type PatientAlert } from "~/modules/patients/alerts";

const fullText = (alerts: readonly PatientAlert[]) => alerts.map((a) => `${ALERT_KIND_WORDS[a.kind]}: ${a.text}`).join("; ");

const MARKER_CHARS = 28;

export function PatientAlerts({ alerts, compact = false, className = "" }: { alerts: readonly PatientAlert[] | null | undefined; compact?: boolean; className?: string }) {
  if (!alerts || alerts.length === 0) return null;
  if (compact) {
    const first = alerts[0]!;
    const short = first.text.length > MARKER_CHARS ? `${first.text.slice(0, MARKER_CHARS - 1).trimEnd()}…` : first.text;
    const all = fullText(alerts);
    return (
      <span
        className={`inline-flex max-w-full items-center gap-1 rounded-full bg-red-50 px-2 py-0.5 text-xs font-semibold text-red-900 ring-1 ring-red-300 ${className}`}
        title={all}
        data-testid="patient-alert-marker"
      >
        <span aria-hidden="true">⚠</span>
        <span aria-hidden="true" className="truncate">
          {short}
          {alerts.length > 1 ? ` +${alerts.length - 1}` : ""}
        </span>
        <span className="sr-only">Alerts: {all}</span>
      </span>
    );
  }
  return (
    <ul className={`flex flex-wrap gap-2 ${className}`} aria-label="Patient alerts" data-testid="patient-alerts">
      {alerts.map((a) => (
        <li key={a.id} className="inline-flex items-center gap-1 rounded-lg bg-red-50 px-2.5 py-1 text-sm text-red-900 ring-1 ring-red-300" data-testid="patient-alert">
          <span aria-hidden="true">⚠</span>
          <span className="font-semibold">{ALERT_KIND_WORDS[a.kind]}:</span> {a.text}
        </li>
      ))}
    </ul>
  );
}
