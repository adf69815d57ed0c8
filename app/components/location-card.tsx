import type { LocationView } from "~/modules/clinic/locations.server";
import { OpenBadge } from "./open-badge";
import { OpeningHoursTable } from "./opening-hours-table";

export function LocationCard({ location }: { location: LocationView }) {
  return (
    <article className="card flex flex-col p-5" data-testid="location-card" aria-labelledby={`loc-${location.id}`}>
      <div className="flex flex-wrap items-start justify-between gap-2">
        <h3 id={`loc-${location.id}`} className="text-lg font-semibold text-slate-900">
          {location.name}
        </h3>
        <OpenBadge isOpen={location.isOpen} text={location.openStateText} />
      </div>
      <address className="mt-2 text-sm not-italic leading-6 text-slate-700">
        {location.addressLines.map((line) => (
          <span key={line} className="block">
            {line}
          </span>
        ))}
      </address>
      <div className="mt-3 flex flex-wrap gap-x-4 gap-y-2 text-sm">
        {location.mapUrl ? (
          <a href={location.mapUrl} target="_blank" rel="noopener noreferrer" className="font-semibold text-slate-800 underline decoration-brand decoration-2 underline-offset-4 hover:text-slate-950">
            View on map<span className="sr-only"> (OpenStreetMap, opens in a new tab)</span>
          </a>
        ) : null}
        {location.phone ? (
          <a href={location.phone.href} className="font-semibold text-slate-800 underline decoration-brand decoration-2 underline-offset-4 hover:text-slate-950">
            {location.phone.display}
          </a>
        ) : null}
      </div>
      <h4 className="mt-5 text-xs font-semibold uppercase tracking-wider text-slate-600">Opening hours</h4>
      <div className="mt-2">
        <OpeningHoursTable week={location.week} caption={`Opening hours of ${location.name}`} />
      </div>
    </article>
  );
}
