import type { LocationView } from "~/modules/clinic/locations.server";
import type { ViewerSummary } from "~/root";
import { ClinicHeader } from "./clinic-header";
import { DraftBanner } from "./draft-banner";
import { OpenBadge } from "./open-badge";
import { SiteFooter } from "./site-footer";
import { TimeZoneNote } from "./time-zone-note";

type Phone = { display: string; href: string };

export interface BookPageProps {
  clinic: {
    name: string;
    status: "draft" | "live" | "suspended";
    timeZone: string;
    logoUrl: string | null;
    contactPhone: Phone | null;
    contactEmail: string | null;
  };
  locations: LocationView[];
  viewer: ViewerSummary;
  marketplaceUrl: string;
}

function PhoneIcon({ className = "h-6 w-6" }: { className?: string }) {
  return (
    <svg viewBox="0 0 24 24" aria-hidden="true" className={`${className} shrink-0 fill-current`}>
      <path d="M6.6 10.8a15.1 15.1 0 0 0 6.6 6.6l2.2-2.2a1 1 0 0 1 1-.25 11.4 11.4 0 0 0 3.6.57 1 1 0 0 1 1 1V20a1 1 0 0 1-1 1A17 17 0 0 1 3 4a1 1 0 0 1 1-1h3.5a1 1 0 0 1 1 1c0 1.25.2 2.46.57 3.6a1 1 0 0 1-.25 1l-2.2 2.2Z" />
    </svg>
  );
}

/** How to book a visit at this clinic today: call a location, or write. */
export function BookPage({ clinic, locations, viewer, marketplaceUrl }: BookPageProps) {
  // The main line is worth its own button only when no location already shows it.
  const mainLine = clinic.contactPhone && !locations.some((l) => l.phone?.href === clinic.contactPhone?.href) ? clinic.contactPhone : null;
  return (
    <div className="flex min-h-screen flex-col">
      {clinic.status === "draft" ? <DraftBanner /> : null}
      <ClinicHeader name={clinic.name} logoUrl={clinic.logoUrl} viewer={viewer} />

      <main id="main" className="flex-1">
        <section className="bg-brand-soft">
          <div className="mx-auto max-w-3xl px-4 pb-8 pt-6 sm:px-6 sm:pb-12 sm:pt-10">
            <a href="/" className="inline-flex items-center gap-1 rounded text-sm font-semibold text-slate-700 underline decoration-brand decoration-2 underline-offset-4 hover:text-slate-950">
              <svg viewBox="0 0 20 20" aria-hidden="true" className="h-4 w-4 fill-current">
                <path d="M12.7 4.3a1 1 0 0 1 0 1.4L8.4 10l4.3 4.3a1 1 0 1 1-1.4 1.4l-5-5a1 1 0 0 1 0-1.4l5-5a1 1 0 0 1 1.4 0Z" />
              </svg>
              {clinic.name}
            </a>
            <h1 className="mt-4 text-3xl font-bold tracking-tight text-slate-900 sm:text-4xl">Book an appointment</h1>
            <p className="mt-3 text-lg text-slate-700">Call the location that suits you and the front desk will find a time with you.</p>
            <p className="mt-4 rounded-xl bg-white/70 px-4 py-3 text-sm leading-6 text-slate-800 ring-1 ring-slate-900/10" data-testid="booking-note">
              Online booking of specific times is not available at {clinic.name} yet, so appointments are made by phone
              {clinic.contactEmail ? " or email" : ""}.
            </p>
          </div>
        </section>

        <div className="mx-auto max-w-3xl px-4 py-8 sm:px-6 sm:py-12">
          <section aria-labelledby="call-heading">
            <h2 id="call-heading" className="text-xl font-bold tracking-tight text-slate-900 sm:text-2xl">
              {locations.length === 1 ? "Call us" : "Call a location"}
            </h2>
            <TimeZoneNote timeZone={clinic.timeZone} />
            {locations.length ? (
              <ul className="mt-5 space-y-4">
                {locations.map((l) => (
                  <li key={l.id}>
                    <BookLocationCard location={l} fallbackPhone={clinic.contactPhone} />
                  </li>
                ))}
              </ul>
            ) : clinic.contactPhone ? (
              <a href={clinic.contactPhone.href} className="btn-primary mt-5 min-h-14 w-full gap-3 px-5 py-4 text-lg">
                <PhoneIcon />
                Call {clinic.contactPhone.display}
              </a>
            ) : (
              <p className="card mt-5 p-5 text-slate-700">{clinic.name} has not listed a phone number yet.</p>
            )}
          </section>

          {clinic.contactEmail || mainLine ? (
            <section aria-labelledby="write-heading" className="card mt-8 p-5 sm:p-6">
              <h2 id="write-heading" className="text-lg font-semibold text-slate-900">
                {clinic.contactEmail ? "Prefer to write?" : "Main line"}
              </h2>
              {clinic.contactEmail ? (
                <>
                  <p className="mt-2 text-sm leading-6 text-slate-700">Send your name, your phone number and the days and times that suit you, and the clinic will reply with a time.</p>
                  <a href={`mailto:${clinic.contactEmail}`} className="btn-secondary mt-4 w-full break-all px-5 py-3.5 text-base sm:w-auto" data-testid="book-email">
                    <svg viewBox="0 0 24 24" aria-hidden="true" className="h-5 w-5 shrink-0 fill-current">
                      <path d="M3 5h18a1 1 0 0 1 1 1v12a1 1 0 0 1-1 1H3a1 1 0 0 1-1-1V6a1 1 0 0 1 1-1Zm9 7.2L4.4 7H4v.3l8 5.5 8-5.5V7h-.4L12 12.2Z" />
                    </svg>
                    {clinic.contactEmail}
                  </a>
                </>
              ) : null}
              {mainLine ? (
                <p className="mt-4 text-sm text-slate-700">
                  {clinic.contactEmail ? "Or call the main line: " : "For anything else, call "}
                  <a href={mainLine.href} className="font-semibold text-slate-900 underline decoration-brand decoration-2 underline-offset-4">
                    {mainLine.display}
                  </a>
                </p>
              ) : null}
            </section>
          ) : null}
        </div>
      </main>

      <SiteFooter marketplaceUrl={marketplaceUrl} clinicName={clinic.name} />
    </div>
  );
}

function BookLocationCard({ location, fallbackPhone }: { location: LocationView; fallbackPhone: Phone | null }) {
  const phone = location.phone ?? fallbackPhone;
  const headingId = `book-loc-${location.id}`;
  return (
    <article className="card p-5 sm:p-6" aria-labelledby={headingId} data-testid="book-location">
      <div className="flex flex-wrap items-center justify-between gap-2">
        <h3 id={headingId} className="text-lg font-semibold text-slate-900">
          {location.name}
        </h3>
        <OpenBadge isOpen={location.isOpen} text={location.openStateText} showDetail />
      </div>
      <p className="mt-1 text-sm text-slate-700">
        <span className="font-medium text-slate-900">Today:</span> <span className="tabular-nums">{location.todayText}</span>
        <span aria-hidden="true" className="hidden sm:inline"> · </span>
        <span className="block sm:inline">{location.nextChangeText}</span>
      </p>
      {location.addressLines.length ? (
        <address className="mt-2 text-sm not-italic text-slate-600">{location.addressLines.slice(0, 2).join(", ")}</address>
      ) : null}
      {phone ? (
        <a href={phone.href} className="btn-primary mt-4 min-h-14 w-full gap-3 px-5 py-4 text-lg" data-testid="book-call">
          <PhoneIcon />
          <span>
            Call <span className="tabular-nums">{phone.display}</span>
            <span className="sr-only">, {location.name}</span>
          </span>
        </a>
      ) : (
        <p className="mt-4 text-sm text-slate-700">This location has no phone number listed.</p>
      )}
      {location.mapUrl ? (
        <a href={location.mapUrl} target="_blank" rel="noopener noreferrer" className="mt-3 inline-block text-sm font-semibold text-slate-800 underline decoration-brand decoration-2 underline-offset-4 hover:text-slate-950">
          Directions on the map<span className="sr-only"> to {location.name} (OpenStreetMap, opens in a new tab)</span>
        </a>
      ) : null}
    </article>
  );
}
