import { Link } from "@remix-run/react";
import type { CalendarMonth } from "~/modules/booking-flow/calendar";

const WEEKDAYS = [
  ["Mon", "Monday"],
  ["Tue", "Tuesday"],
  ["Wed", "Wednesday"],
  ["Thu", "Thursday"],
  ["Fri", "Friday"],
  ["Sat", "Saturday"],
  ["Sun", "Sunday"],
] as const;

/**
 * A month on the clinic's clock. Days with free times are links to that day's times, and fully
 * booked days to their page (which offers the waitlist); the rest are shown but not focusable, so
 * a screen reader lists only days that lead somewhere.
 */
export function MonthCalendar({
  calendar,
  monthLabel,
  dayHref,
  monthHref,
  canGoBack,
  canGoForward,
}: {
  calendar: CalendarMonth;
  monthLabel: string;
  dayHref: (date: string) => string;
  monthHref: (month: string) => string;
  canGoBack: boolean;
  canGoForward: boolean;
}) {
  const nav = "inline-flex h-11 w-11 items-center justify-center rounded-full ring-1 ring-slate-200 bg-white text-slate-800";
  return (
    <section aria-labelledby="month-heading" className="card p-3 sm:max-w-lg sm:p-5">
      <div className="mb-3 flex items-center justify-between gap-2">
        {canGoBack ? (
          <Link to={monthHref(calendar.previous)} prefetch="intent" className={`${nav} hover:ring-brand`} aria-label="Previous month" data-testid="previous-month">
            ‹
          </Link>
        ) : (
          <span className={`${nav} opacity-40`} aria-hidden="true">
            ‹
          </span>
        )}
        <h2 id="month-heading" className="text-lg font-semibold text-slate-900" aria-live="polite">
          {monthLabel}
        </h2>
        {canGoForward ? (
          <Link to={monthHref(calendar.next)} prefetch="intent" className={`${nav} hover:ring-brand`} aria-label="Next month" data-testid="next-month">
            ›
          </Link>
        ) : (
          <span className={`${nav} opacity-40`} aria-hidden="true">
            ›
          </span>
        )}
      </div>
      <ol className="grid grid-cols-7 gap-1 text-center" role="list">
        {WEEKDAYS.map(([short, long]) => (
          <li key={short} className="pb-1 text-xs font-semibold uppercase tracking-wide text-slate-500" aria-hidden="true" title={long}>
            {short}
          </li>
        ))}
        {Array.from({ length: calendar.leadingBlanks }, (_, i) => (
          <li key={`blank-${i}`} aria-hidden="true" />
        ))}
        {calendar.days.map((d) => (
          <li key={d.date}>
            {d.freeTimes > 0 ? (
              <Link
                to={dayHref(d.date)}
                prefetch="intent"
                aria-label={d.label}
                className="flex aspect-square flex-col items-center justify-center rounded-xl bg-brand-soft text-base font-semibold text-slate-900 ring-1 ring-brand/40 hover:bg-brand hover:text-brand-ink sm:text-lg"
                data-testid="free-day"
              >
                {d.dayOfMonth}
                <span className="mt-0.5 h-1.5 w-1.5 rounded-full bg-brand" aria-hidden="true" />
              </Link>
            ) : d.full ? (
              // Fully booked: its page offers to tell the patient when a time frees up.
              <Link
                to={dayHref(d.date)}
                prefetch="intent"
                aria-label={d.label}
                className="flex aspect-square flex-col items-center justify-center rounded-xl bg-white text-base text-slate-700 ring-1 ring-slate-300 hover:ring-brand sm:text-lg"
                data-testid="full-day"
              >
                {d.dayOfMonth}
                {/* No word here: the link's name ("…, fully booked") says it, and must contain all it shows. */}
                <span className="mt-0.5 h-1.5 w-1.5 rounded-full ring-1 ring-slate-500" aria-hidden="true" />
              </Link>
            ) : (
              <span aria-disabled="true" aria-label={d.label} className="flex aspect-square items-center justify-center rounded-xl text-base text-slate-400 line-through decoration-slate-300 sm:text-lg">
                {d.dayOfMonth}
              </span>
            )}
          </li>
        ))}
      </ol>
    </section>
  );
}
