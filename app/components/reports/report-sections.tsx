/**
 * The sections of the owner's reports page: each a figure, a chart or a table with its CSV link.
 * They take the page's figures as the loader serialized them and hold no patient names.
 */
import type { SerializeFrom } from "@remix-run/node";
import type { ReactNode } from "react";
import { DailyBars, Meter, ShareBar } from "~/components/report-charts";
import { formatMoney } from "~/lib/format";
import { REPORT_TITLES, type ReportKey } from "~/modules/reports/csv";
import type { loader } from "~/routes/panel.reports._index";

type Figures = NonNullable<SerializeFrom<typeof loader>["reports"]>;

const pctText = (v: number | null) => (v === null ? "–" : `${v}%`);
const hours = (min: number) => `${Math.floor(min / 60)} h${min % 60 ? ` ${min % 60} min` : ""}`;

export function DateField({ name, label, value, error, onEdit }: { name: string; label: string; value: string; error: string | null; onEdit: () => void }) {
  return (
    <div>
      <label htmlFor={name} className="field-label">
        {label}
      </label>
      <input id={name} name={name} type="date" defaultValue={value} key={`${name}-${value}`} className="field-input min-h-11" aria-invalid={error ? true : undefined} aria-describedby={error ? `${name}-error` : undefined} onChange={onEdit} />
      {error ? (
        <p id={`${name}-error`} className="field-error">
          {error}
        </p>
      ) : null}
    </div>
  );
}

function Section({ id, title, query, children, className = "" }: { id: ReportKey; title: string; query: string; children: ReactNode; className?: string }) {
  return (
    <section aria-labelledby={`${id}-title`} className={`card min-w-0 p-4 sm:p-5 ${className}`} data-testid={`report-${id}`}>
      <div className="mb-4 flex flex-wrap items-center justify-between gap-2">
        <h2 id={`${id}-title`} className="text-lg font-semibold text-slate-900">
          {title}
        </h2>
        <a href={`/panel/reports/${id}.csv?${query}`} download className="btn-secondary min-h-11 px-3 text-sm" data-testid={`csv-${id}`}>
          Download CSV<span className="sr-only"> of {REPORT_TITLES[id].toLowerCase()}</span>
        </a>
      </div>
      {children}
    </section>
  );
}

function Tile({ label, value, note, testId }: { label: string; value: string; note?: string; testId: string }) {
  return (
    <div className="card p-4">
      <p className="text-sm font-medium text-slate-600">{label}</p>
      <p className="mt-1 text-2xl font-bold tabular-nums text-slate-900" data-testid={testId}>
        {value}
      </p>
      {note ? <p className="mt-1 text-xs text-slate-600">{note}</p> : null}
    </div>
  );
}

export function Summary({ r }: { r: Figures }) {
  const captured = r.deposits.rows.find((d) => d.key === "captured")!;
  return (
    <div className="grid grid-cols-2 gap-3 lg:grid-cols-4">
      <Tile label="Bookings" value={String(r.bookings.total)} testId="total-bookings" />
      <Tile label="No-show rate" value={pctText(r.noShows.rate)} note={`${r.noShows.noShows} of ${r.noShows.due} visits due`} testId="no-show-rate" />
      <Tile label="Cancellations" value={String(r.cancellations.total)} note={r.cancellations.share === null ? undefined : `${r.cancellations.share}% of bookings`} testId="total-cancellations" />
      <Tile label="Deposits captured" value={formatMoney(captured.amountMinor, r.currency)} note={`${captured.count} ${captured.count === 1 ? "deposit" : "deposits"}`} testId="deposits-captured" />
    </div>
  );
}

export function BookingsSection({ r, query }: { r: Figures; query: string }) {
  return (
    <Section id="bookings" title="Bookings" query={query}>
      <p className="mb-3 text-sm text-slate-700">
        Visits starting on each day, whatever became of them. Holds are not bookings; a visit moved to another time counts once, at its new time
        {r.bookings.rescheduled ? ` (${r.bookings.rescheduled} moved)` : ""}.
      </p>
      <DailyBars title="Bookings per day" unit={["booking", "bookings"]} points={r.bookings.byDay.map((d) => ({ date: d.date, value: d.total }))} testId="chart-bookings" />
      <h3 className="mb-2 mt-5 text-sm font-semibold text-slate-900">By status</h3>
      <ShareBar title="Bookings by status" shares={r.bookings.byStatus.map((s) => ({ key: s.key, label: s.label, value: s.count }))} testId="bookings-status" />
    </Section>
  );
}

export function NoShowSection({ r, query }: { r: Figures; query: string }) {
  const n = r.noShows;
  return (
    <Section id="no-shows" title="No-show rate" query={query}>
      <p className="text-4xl font-bold tabular-nums text-slate-900" data-testid="no-show-rate-big">
        {pctText(n.rate)}
      </p>
      <p className="mt-2 text-sm text-slate-700">
        No-shows divided by the visits that were due and settled: checked in, with the doctor, completed or no-show. Cancelled, declined and unapproved visits were not due.
      </p>
      <table className="mt-3 w-full text-sm">
        <caption className="sr-only">Visits that were due</caption>
        <tbody>
          {n.breakdown.map((b) => (
            <tr key={b.key} className="border-t border-slate-100">
              <th scope="row" className="py-1.5 text-left font-normal text-slate-700">
                {b.label}
              </th>
              <td className="py-1.5 text-right tabular-nums">{b.count}</td>
            </tr>
          ))}
          <tr className="border-t border-slate-300">
            <th scope="row" className="py-1.5 text-left font-semibold">
              Visits due
            </th>
            <td className="py-1.5 text-right font-semibold tabular-nums" data-testid="visits-due">
              {n.due}
            </td>
          </tr>
        </tbody>
      </table>
      {n.awaitingDesk ? (
        <p className="mt-3 rounded-lg bg-amber-50 px-3 py-2 text-sm text-amber-900 ring-1 ring-amber-200">
          {n.awaitingDesk} past {n.awaitingDesk === 1 ? "visit is" : "visits are"} still confirmed, with no check-in or no-show recorded, and not counted yet.
        </p>
      ) : null}
    </Section>
  );
}

export function SourcesSection({ r, query }: { r: Figures; query: string }) {
  return (
    <Section id="sources" title="Booking source" query={query}>
      <p className="mb-3 text-sm text-slate-700">Where the {r.sources.total} bookings were made.</p>
      <ShareBar title="Bookings by source" shares={r.sources.rows.map((s) => ({ key: s.key, label: s.label, value: s.count }))} testId="sources" columns={1} />
    </Section>
  );
}

function CountTable({ caption, rows, testId }: { caption: string; rows: readonly { key: string; label: string; count: number }[]; testId: string }) {
  const max = Math.max(0, ...rows.map((x) => x.count));
  return (
    <table className="w-full text-sm" data-testid={testId}>
      <caption className="mb-2 text-left text-sm font-semibold text-slate-900">{caption}</caption>
      <thead className="sr-only">
        <tr>
          <th scope="col">Group</th>
          <th scope="col">Share of the largest</th>
          <th scope="col">Cancellations</th>
        </tr>
      </thead>
      <tbody>
        {rows.map((x) => (
          <tr key={x.key} className="border-t border-slate-100" data-testid={`${testId}-${x.key}`}>
            <th scope="row" className="py-1.5 pr-3 text-left font-normal text-slate-700">
              {x.label}
            </th>
            <td className="w-1/3 py-1.5">
              <Meter value={x.count} max={max} />
            </td>
            <td className="py-1.5 pl-3 text-right tabular-nums">{x.count}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

export function CancellationsSection({ r, query }: { r: Figures; query: string }) {
  const c = r.cancellations;
  return (
    <Section id="cancellations" title="Cancellations" query={query}>
      <p className="mb-4 text-sm text-slate-700">
        {c.total} cancelled {c.total === 1 ? "visit" : "visits"}
        {c.share === null ? "" : `, ${c.share}% of bookings`}. How late is counted from the cancellation to the visit&apos;s start; the window is each visit&apos;s own cancellation window (48 hours unless the service says otherwise).
      </p>
      <div className="grid gap-6 lg:grid-cols-3">
        <CountTable caption="By reason" rows={c.byReason} testId="cancel-reason" />
        <CountTable caption="By how late" rows={c.byTiming} testId="cancel-timing" />
        <CountTable caption="By whom" rows={c.byWhom} testId="cancel-by" />
      </div>
    </Section>
  );
}

export function DepositsSection({ r, query }: { r: Figures; query: string }) {
  return (
    <Section id="deposits" title="Deposits" query={query}>
      <p className="mb-3 text-sm text-slate-700">What happened to deposits during these days, whenever the visit is. Amounts in {r.currency}.</p>
      <div className="overflow-x-auto">
        <table className="w-full text-sm" data-testid="deposits-table">
          <caption className="sr-only">Deposits by what happened to them</caption>
          <thead>
            <tr className="text-left text-slate-600">
              <th scope="col" className="py-2 font-semibold">
                Deposit state
              </th>
              <th scope="col" className="py-2 text-right font-semibold">
                Deposits
              </th>
              <th scope="col" className="py-2 text-right font-semibold">
                Amount
              </th>
            </tr>
          </thead>
          <tbody>
            {r.deposits.rows.map((d) => (
              <tr key={d.key} className="border-t border-slate-100" data-testid={`deposit-${d.key}`}>
                <th scope="row" className="py-1.5 text-left font-normal">
                  {d.label}
                </th>
                <td className="py-1.5 text-right tabular-nums">{d.count}</td>
                <td className="py-1.5 text-right tabular-nums">{formatMoney(d.amountMinor, r.currency)}</td>
              </tr>
            ))}
            <tr className="border-t border-slate-300">
              <th scope="row" className="py-1.5 text-left font-semibold">
                Captured minus refunded
              </th>
              <td />
              <td className="py-1.5 text-right font-semibold tabular-nums">{formatMoney(r.deposits.netMinor, r.currency)}</td>
            </tr>
          </tbody>
        </table>
      </div>
    </Section>
  );
}

function UtilizationTable({ caption, rows, testId }: { caption: string; rows: Figures["utilization"]["doctors"]; testId: string }) {
  if (!rows.length) return <p className="text-sm text-slate-700">{caption}: nothing scheduled in this range.</p>;
  return (
    <div className="overflow-x-auto">
      <table className="w-full text-sm" data-testid={testId}>
        <caption className="mb-2 text-left text-sm font-semibold text-slate-900">{caption}</caption>
        <thead>
          <tr className="text-left text-slate-600">
            <th scope="col" className="py-2 pr-3 font-semibold">
              Name
            </th>
            <th scope="col" className="py-2 pr-3 text-right font-semibold">
              Booked
            </th>
            <th scope="col" className="py-2 pr-3 text-right font-semibold">
              Available
            </th>
            <th scope="col" className="hidden w-1/4 py-2 font-semibold sm:table-cell">
              <span className="sr-only">Bar</span>
            </th>
            <th scope="col" className="py-2 pl-3 text-right font-semibold">
              Utilization
            </th>
          </tr>
        </thead>
        <tbody>
          {rows.map((u) => (
            <tr key={u.id} className="border-t border-slate-100" data-testid={`${testId}-row`}>
              <th scope="row" className="py-1.5 pr-3 text-left font-normal">
                {u.name}
              </th>
              <td className="whitespace-nowrap py-1.5 pr-3 text-right tabular-nums">{hours(u.bookedMin)}</td>
              <td className="whitespace-nowrap py-1.5 pr-3 text-right tabular-nums">{hours(u.availableMin)}</td>
              <td className="hidden py-1.5 sm:table-cell">
                <Meter value={u.rate} />
              </td>
              <td className="py-1.5 pl-3 text-right font-semibold tabular-nums">{pctText(u.rate)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

export function UtilizationSection({ r, query }: { r: Figures; query: string }) {
  return (
    <Section id="utilization" title="Utilization" query={query}>
      <p className="mb-4 text-sm text-slate-700">
        Booked time divided by available time. A doctor is available during their weekly hours (breaks out, extra hours in, time off out) while the location is open; a room while its location is open, closures out. Booked: visits that hold the time, no-shows included, buffers not.
      </p>
      <div className="space-y-6">
        <UtilizationTable caption="Doctors" rows={r.utilization.doctors} testId="utilization-doctors" />
        <UtilizationTable caption="Rooms" rows={r.utilization.rooms} testId="utilization-rooms" />
      </div>
    </Section>
  );
}

export function ServicesSection({ r, query }: { r: Figures; query: string }) {
  const max = Math.max(0, ...r.services.rows.map((s) => s.bookings));
  return (
    <Section id="services" title="Service demand" query={query}>
      <p className="mb-3 text-sm text-slate-700">Bookings per service; revenue is the booked price of completed visits, after discounts.</p>
      {r.services.rows.length ? (
        <div className="overflow-x-auto">
          <table className="w-full text-sm" data-testid="services-table">
            <caption className="sr-only">Bookings and revenue per service</caption>
            <thead>
              <tr className="text-left text-slate-600">
                <th scope="col" className="py-2 pr-3 font-semibold">
                  Service
                </th>
                <th scope="col" className="hidden w-1/5 py-2 sm:table-cell">
                  <span className="sr-only">Bar</span>
                </th>
                <th scope="col" className="py-2 px-3 text-right font-semibold">
                  Bookings
                </th>
                <th scope="col" className="py-2 px-3 text-right font-semibold">
                  Cancelled
                </th>
                <th scope="col" className="py-2 px-3 text-right font-semibold">
                  Completed
                </th>
                <th scope="col" className="py-2 pl-3 text-right font-semibold">
                  Revenue
                </th>
              </tr>
            </thead>
            <tbody>
              {r.services.rows.map((s) => (
                <tr key={s.id} className="border-t border-slate-100" data-testid="service-row">
                  <th scope="row" className="py-1.5 pr-3 text-left font-normal">
                    {s.name}
                  </th>
                  <td className="hidden py-1.5 sm:table-cell">
                    <Meter value={s.bookings} max={max} />
                  </td>
                  <td className="px-3 py-1.5 text-right tabular-nums">{s.bookings}</td>
                  <td className="px-3 py-1.5 text-right tabular-nums">{s.cancelled}</td>
                  <td className="px-3 py-1.5 text-right tabular-nums">{s.completed}</td>
                  <td className="whitespace-nowrap py-1.5 pl-3 text-right tabular-nums">{formatMoney(s.revenueMinor, r.currency)}</td>
                </tr>
              ))}
              <tr className="border-t border-slate-300">
                <th scope="row" className="py-1.5 pr-3 text-left font-semibold">
                  Total
                </th>
                <td className="hidden sm:table-cell" />
                <td className="px-3 py-1.5 text-right font-semibold tabular-nums">{r.bookings.total}</td>
                <td className="px-3 py-1.5 text-right font-semibold tabular-nums">{r.cancellations.total}</td>
                <td className="px-3 py-1.5 text-right font-semibold tabular-nums">{r.services.rows.reduce((n, s) => n + s.completed, 0)}</td>
                <td className="whitespace-nowrap py-1.5 pl-3 text-right font-semibold tabular-nums">{formatMoney(r.services.revenueMinor, r.currency)}</td>
              </tr>
            </tbody>
          </table>
        </div>
      ) : (
        <p className="text-sm text-slate-700">No bookings in this range.</p>
      )}
    </Section>
  );
}
