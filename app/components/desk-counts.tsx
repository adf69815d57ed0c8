/**
 * The desk's numbers as one strip: requests awaiting the desk, card problems and deposits, with the
 * period they cover. Today, Desk, Visits and Reports show this same strip from the same loader data
 * (modules/reports/desk-counts), so the figures agree wherever they are read.
 */
import { Link } from "@remix-run/react";
import { DEPOSIT_STATES, DEPOSIT_STATE_WORDS, type DeskCounts } from "~/modules/reports/desk-counts";

export function DeskCountsStrip({ counts, links = true }: { counts: DeskCounts; links?: boolean }) {
  const { requests, cardProblems, deposits, period } = counts;
  const tile = "rounded-xl bg-white p-3 ring-1 ring-slate-200";
  return (
    <section aria-labelledby="desk-counts-heading" className="mb-6" data-testid="desk-counts">
      <div className="flex flex-wrap items-baseline justify-between gap-x-3">
        <h2 id="desk-counts-heading" className="text-sm font-semibold text-slate-900">
          Desk numbers
        </h2>
        <p className="text-xs text-slate-600" data-testid="count-period">
          {period.label} · all locations
        </p>
      </div>
      <div className="mt-2 grid gap-2 sm:grid-cols-[1fr_1fr_2fr]">
        <div className={tile}>
          <p className="text-xs text-slate-600">Requests awaiting the desk</p>
          <p className="text-2xl font-bold tabular-nums text-slate-900" data-testid="count-requests">
            {requests.total}
          </p>
          <p className="text-xs text-slate-600">
            <span data-testid="count-requests-approval">{requests.approval}</span> to approve · <span data-testid="count-requests-flexible">{requests.flexible}</span> flexible (open now)
          </p>
          {links ? (
            <Link to="/panel/requests" className="text-xs font-semibold text-brand underline">
              Answer requests
            </Link>
          ) : null}
        </div>
        <div className={`${tile} ${cardProblems.total ? "ring-amber-400" : ""}`}>
          <p className="text-xs text-slate-600">Card problems</p>
          <p className={`text-2xl font-bold tabular-nums ${cardProblems.total ? "text-amber-900" : "text-slate-900"}`} data-testid="count-card-problems">
            {cardProblems.total}
          </p>
          <p className="text-xs text-slate-600">
            <span data-testid="count-card-declined">{cardProblems.declined}</span> declined · <span data-testid="count-card-awaiting">{cardProblems.awaitingCard}</span> awaiting a card
          </p>
          {links ? (
            <Link to="/panel/desk#payment-problems" className="text-xs font-semibold text-brand underline">
              See card problems
            </Link>
          ) : null}
        </div>
        <div className={tile}>
          <p className="text-xs text-slate-600">
            Deposits <span className="tabular-nums" data-testid="count-deposits">{deposits.total}</span>
          </p>
          <dl className="mt-1 grid grid-cols-4 gap-x-3 gap-y-1 text-xs lg:grid-cols-7">
            {DEPOSIT_STATES.map((s) => (
              <div key={s}>
                <dt className="text-slate-600">{DEPOSIT_STATE_WORDS[s]}</dt>
                <dd className="text-base font-semibold tabular-nums text-slate-900" data-testid={`count-deposits-${s}`}>
                  {deposits[s]}
                </dd>
              </div>
            ))}
          </dl>
        </div>
      </div>
    </section>
  );
}
