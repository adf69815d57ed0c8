import type { LocationView } from "~/modules/clinic/locations.server";

/** A week of opening hours, Monday first, with today (in the clinic's zone) highlighted. */
export function OpeningHoursTable({ week, caption }: { week: LocationView["week"]; caption: string }) {
  return (
    <table className="w-full text-sm">
      <caption className="sr-only">{caption}</caption>
      <tbody>
        {week.map((row) => (
          <tr
            key={row.day}
            className={row.isToday ? "bg-brand-soft font-semibold text-slate-900" : "text-slate-700"}
            aria-current={row.isToday ? "date" : undefined}
            data-testid={`hours-${row.day}`}
          >
            <th scope="row" className="rounded-l-lg py-1.5 pl-2 pr-3 text-left font-medium">
              {row.name}
              {row.isToday ? <span className="ml-2 rounded bg-brand px-1.5 py-0.5 text-[11px] font-semibold uppercase tracking-wide text-brand-ink">Today</span> : null}
            </th>
            <td className={`rounded-r-lg py-1.5 pl-3 pr-2 text-right tabular-nums ${row.closed ? "text-slate-600" : ""}`}>
              {row.periods.length ? row.periods.map((p) => <span key={p.open} className="block">{p.open}–{p.close}</span>) : "Closed"}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
