import type { ReactNode } from "react";

/** What a marketplace result card shows, already formatted on the server. */
export interface SearchResultView {
  clinic: { slug: string; name: string; city: string | null };
  service: {
    id: string;
    name: string;
    category: string | null;
    specialty: string | null;
    durationMin: number;
    price: string;
    deposit: string | null;
    discounts: string[];
  };
  /** "Tomorrow 09:30 EST", or the no-free-time sentence. */
  nextFree: { label: string; available: boolean } | null;
  distance: string | null;
  bookUrl: string;
  compareUrl: string;
}

/**
 * One search result: the service, its clinic, price, duration, deposit, discount, next free time and
 * distance, with Book and Compare links. `actions` goes in the card's corner (e.g. a favorite button).
 */
export function SearchResultCard({ result, actions, dateLabel }: { result: SearchResultView; actions?: ReactNode; dateLabel?: string }) {
  const { clinic, service } = result;
  const headingId = `result-${service.id}`;
  return (
    <article className="card flex h-full flex-col p-5" data-testid="search-result" aria-labelledby={headingId}>
      <div className="flex items-start justify-between gap-3">
        <div className="min-w-0">
          <h3 id={headingId} className="text-lg font-semibold text-slate-900">
            {service.name}
          </h3>
          <p className="text-sm text-slate-600">
            {clinic.name}
            {clinic.city ? ` · ${clinic.city}` : ""}
            {result.distance ? (
              <>
                {" · "}
                <span data-testid="result-distance">{result.distance} away</span>
              </>
            ) : null}
          </p>
        </div>
        <div className="flex shrink-0 items-start gap-2">
          {service.discounts.length ? (
            <span className="rounded-full bg-amber-100 px-2.5 py-1 text-xs font-semibold text-amber-900" data-testid="discount-badge">
              Discount
            </span>
          ) : null}
          {actions}
        </div>
      </div>
      {service.category || service.specialty ? (
        <ul className="mt-3 flex flex-wrap gap-1.5" aria-label="Category and specialty">
          {[...new Set([service.category, service.specialty].filter((v): v is string => Boolean(v)))].map((label) => (
            <li key={label} className="rounded-full bg-slate-100 px-2.5 py-1 text-xs font-medium text-slate-700">
              {label}
            </li>
          ))}
        </ul>
      ) : null}
      <dl className="mt-4 grid grid-cols-2 gap-x-2 gap-y-3 text-sm">
        <div>
          <dt className="text-slate-600">Price</dt>
          <dd className="font-semibold text-slate-900" data-testid="result-price">
            {service.price}
          </dd>
        </div>
        <div>
          <dt className="text-slate-600">Duration</dt>
          <dd className="font-semibold text-slate-900">{service.durationMin} min</dd>
        </div>
        {result.nextFree ? (
          <div className="col-span-2">
            <dt className="text-slate-600">{dateLabel ? `First free time on ${dateLabel}` : "Next free time"}</dt>
            <dd className={result.nextFree.available ? "font-semibold text-teal-800" : "text-slate-700"} data-testid="result-next-free">
              {result.nextFree.label}
            </dd>
          </div>
        ) : null}
      </dl>
      {service.deposit ? <p className="mt-2 text-sm text-slate-600">{service.deposit} when you book</p> : null}
      {service.discounts.length ? (
        <ul className="mt-2 space-y-0.5 text-sm text-amber-900" aria-label="Discounts">
          {service.discounts.map((d) => (
            <li key={d}>{d}</li>
          ))}
        </ul>
      ) : null}
      <div className="mt-auto flex flex-col gap-2 pt-5">
        <a href={result.bookUrl} className="btn-primary w-full py-3" data-testid="book-result">
          Book at {clinic.name}
          <span className="sr-only">: {service.name}</span>
        </a>
        <a href={result.compareUrl} className="btn-secondary w-full py-2.5" data-testid="compare-result">
          Compare prices<span className="sr-only"> for {service.name} across clinics</span>
        </a>
      </div>
    </article>
  );
}
