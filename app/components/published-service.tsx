import type { ReactNode } from "react";
import type { ServiceView } from "~/modules/marketplace/place-views.server";
import { FavoriteButton, type FavoriteTarget } from "./favorite-button";

/** One published service: what it costs and takes, its discounts and deposit, and where to book it. */
export function ServiceRow({ service, favorite, bookLabel = "Book", children }: { service: ServiceView; favorite?: { target: FavoriteTarget; saved: boolean }; bookLabel?: string; children?: ReactNode }) {
  return (
    <li className="card p-4 sm:p-5" data-testid="service-row">
      <div className="flex flex-wrap items-start justify-between gap-3">
        <div className="min-w-0 flex-1">
          <h4 className="text-base font-semibold text-slate-900">{service.name}</h4>
          <p className="mt-0.5 text-sm text-slate-700">
            <span>{service.duration}</span>
            <span aria-hidden="true"> · </span>
            <span className="font-semibold text-slate-900">{service.price}</span>
            {service.deposit ? (
              <>
                <span aria-hidden="true"> · </span>
                <span>{service.deposit}</span>
              </>
            ) : null}
          </p>
          {service.discounts.length ? (
            <ul className="mt-2 flex flex-wrap gap-1.5" aria-label="Discounts">
              {service.discounts.map((d) => (
                <li key={d} className="rounded-full bg-amber-50 px-2.5 py-1 text-xs font-semibold text-amber-900 ring-1 ring-amber-200">
                  {d}
                </li>
              ))}
            </ul>
          ) : null}
          {service.season ? <p className="mt-1 text-sm text-slate-600">{service.season}</p> : null}
          {service.description ? <p className="mt-2 text-sm leading-6 text-slate-600">{service.description}</p> : null}
        </div>
        {favorite ? <FavoriteButton target={favorite.target} saved={favorite.saved} compact /> : null}
      </div>
      <div className="mt-3 flex flex-wrap gap-2">
        {children ?? (
          <a href={service.bookUrl} className="btn-primary px-4 py-2.5" data-testid="service-book">
            {bookLabel}
            <span className="sr-only"> {service.name}</span>
          </a>
        )}
      </div>
    </li>
  );
}
