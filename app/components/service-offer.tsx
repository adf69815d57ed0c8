import type { ReactNode } from "react";
import type { SiteServiceOffer } from "~/modules/booking-flow/site-offer.server";
import { FreeTimes } from "./free-times";

/**
 * One service on the clinic's own pages: what it takes and costs (deposit and discounts included)
 * and its next free times, each leading into booking. `withWhom` names the doctor on a doctor's page.
 */
export function ServiceOffer({ service, horizonDays, withWhom, headingLevel = 3, children }: { service: SiteServiceOffer; horizonDays: number; withWhom?: string; headingLevel?: 2 | 3 | 4; children?: ReactNode }) {
  const Heading = `h${headingLevel}` as const;
  const what = withWhom ? `${service.name} with ${withWhom}` : service.name;
  return (
    <li className="card flex flex-col gap-3 p-4 sm:p-5" data-testid="service-offer" data-service={service.name}>
      <div className="flex flex-wrap items-baseline justify-between gap-x-4 gap-y-1">
        <Heading className="text-base font-semibold text-slate-900 sm:text-lg">{service.name}</Heading>
        <p className="text-base font-bold text-slate-900" data-testid="service-price">
          {service.price}
        </p>
      </div>
      <div className="-mt-2 text-sm text-slate-700">
        <p>
          {service.category ? (
            <>
              <span>{service.category}</span>
              <span aria-hidden="true"> · </span>
            </>
          ) : null}
          <span>{service.duration}</span>
          {service.deposit ? (
            <>
              <span aria-hidden="true"> · </span>
              <span data-testid="service-deposit">Deposit {service.deposit}</span>
            </>
          ) : null}
        </p>
        {service.season ? <p className="mt-0.5 text-slate-600">{service.season}</p> : null}
      </div>
      {service.discounts.length ? (
        <ul className="flex flex-wrap gap-1.5" aria-label={`Discounts on ${service.name}`}>
          {service.discounts.map((d) => (
            <li key={d} className="rounded-full bg-amber-50 px-2.5 py-1 text-xs font-semibold text-amber-900 ring-1 ring-amber-200" data-testid="service-discount">
              {d}
            </li>
          ))}
        </ul>
      ) : null}
      {service.description ? <p className="text-sm leading-6 text-slate-600">{service.description}</p> : null}
      <FreeTimes times={service.times} what={what} horizonDays={horizonDays} moreHref={service.bookUrl} />
      {children}
    </li>
  );
}
