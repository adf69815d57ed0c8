import { Form, Link, useSearchParams } from "@remix-run/react";
import { CANCELLATION_REASON_WORDS, visitStatusWords } from "~/components/desk-ui";
import { DESK_CANCELLATION_REASONS } from "~/modules/front-desk/statuses";

export interface VisitSeriesView {
  occurrence: number;
  total: number;
  visits: { id: string; occurrence: number; label: string; status: string; current: boolean }[];
  cancellableFromHere: number;
}

/**
 * A visit's series on its page: "visit n of m", its other visits, and cancelling this visit and the
 * rest of the series (posted to /panel/series, which comes back here).
 */
export function VisitSeries({ appointmentId, series, insideWindow }: { appointmentId: string; series: VisitSeriesView; insideWindow: boolean }) {
  const [params] = useSearchParams();
  const failed = params.get("seriesError");
  return (
    <section className="card mt-4 p-5" aria-labelledby="series-title" data-testid="visit-series">
      <h2 id="series-title" className="text-lg font-semibold text-slate-900">
        Series · visit {series.occurrence} of {series.total}
      </h2>
      {failed ? (
        <p role="alert" className="mt-2 rounded-lg bg-red-50 px-3 py-2 text-sm text-red-900 ring-1 ring-red-200">
          {failed}
        </p>
      ) : null}
      <ol className="mt-3 flex flex-wrap gap-2 text-sm">
        {series.visits.map((v) => (
          <li key={v.id}>
            {v.current ? (
              <span aria-current="page" className="inline-flex min-h-11 items-center rounded-lg bg-brand-soft px-3 font-semibold text-slate-900 ring-1 ring-brand">
                {v.occurrence}. {v.label}
              </span>
            ) : (
              <Link to={`/panel/appointments/${v.id}`} className="inline-flex min-h-11 items-center rounded-lg px-3 text-slate-800 ring-1 ring-slate-300 hover:bg-slate-50">
                {v.occurrence}. {v.label}
                {v.status !== "confirmed" ? ` · ${visitStatusWords(v.status)}` : ""}
              </Link>
            )}
          </li>
        ))}
      </ol>
      {series.cancellableFromHere > 0 ? (
        <details className="mt-4">
          <summary className="btn-secondary min-h-11 cursor-pointer list-none px-4">Cancel this and the rest ({series.cancellableFromHere})…</summary>
          <Form method="post" action="/panel/series" className="mt-3 max-w-lg">
            <input type="hidden" name="intent" value="cancel-rest" />
            <input type="hidden" name="appointmentId" value={appointmentId} />
            <label htmlFor="series-cancel-reason" className="field-label">
              Reason
            </label>
            <select id="series-cancel-reason" name="reason" required defaultValue="" className="field-input min-h-11">
              <option value="" disabled>
                Choose a reason
              </option>
              {DESK_CANCELLATION_REASONS.map((r) => (
                <option key={r} value={r}>
                  {CANCELLATION_REASON_WORDS[r]}
                </option>
              ))}
            </select>
            <label htmlFor="series-cancel-note" className="field-label mt-3">
              Note (optional)
            </label>
            <textarea id="series-cancel-note" name="note" rows={2} maxLength={500} className="field-input" />
            {insideWindow ? (
              <>
                <label htmlFor="series-cancel-override" className="field-label mt-3">
                  Reason for cancelling inside the cancellation window (kept in the audit log)
                </label>
                <textarea id="series-cancel-override" name="overrideReason" rows={2} required maxLength={500} className="field-input" />
              </>
            ) : null}
            <button type="submit" className="btn-primary mt-3 min-h-11 px-4">
              Cancel {series.cancellableFromHere} visit{series.cancellableFromHere === 1 ? "" : "s"}
            </button>
          </Form>
        </details>
      ) : null}
    </section>
  );
}
