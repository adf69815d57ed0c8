import { MAX_SEARCH_LENGTH } from "~/modules/marketplace/catalog-search";
import type { ViewerSummary } from "~/root";
import { ClinicMark } from "./clinic-mark";
import { MarketplaceHeader } from "./marketplace-header";
import { SiteFooter } from "./site-footer";

export interface ClinicCard {
  slug: string;
  name: string;
  tagline: string | null;
  city: string | null;
  specialties: string[];
  locationCount: number;
  url: string;
  logoUrl: string | null;
}

export interface MarketplaceHomeProps {
  clinics: ClinicCard[];
  viewer: ViewerSummary;
  marketplaceUrl: string;
}

export function MarketplaceHome({ clinics, viewer, marketplaceUrl }: MarketplaceHomeProps) {
  return (
    <div className="flex min-h-screen flex-col">
      <MarketplaceHeader viewer={viewer} />
      <main id="main" className="flex-1">
        <section className="bg-gradient-to-b from-teal-50 to-slate-50">
          <div className="mx-auto max-w-6xl px-4 py-14 sm:px-6 sm:py-20">
            <h1 className="max-w-3xl text-3xl font-bold tracking-tight text-slate-900 sm:text-5xl">Book a visit at a clinic you can trust</h1>
            <p className="mt-4 max-w-2xl text-lg text-slate-700">
              Compare clinics, services and prices, see the next free time, and book in a minute. Reminders keep your appointment on track.
            </p>
            {/* One search for services, doctors and clinics: the search page answers it. */}
            <form method="get" action="/search" role="search" className="mt-8 max-w-2xl" data-testid="marketplace-search">
              <label htmlFor="q" className="field-label">
                Search clinics, services or doctors
              </label>
              <div className="mt-1 flex flex-col gap-2 sm:flex-row">
                <input
                  id="q"
                  name="q"
                  type="search"
                  maxLength={MAX_SEARCH_LENGTH}
                  autoComplete="off"
                  aria-describedby="q-hint"
                  placeholder="e.g. dental cleaning, Dr. Patel or Berlin"
                  className="field-input mt-0 flex-1"
                />
                <button type="submit" className="btn-primary px-6 py-3 text-base">
                  Search
                </button>
              </div>
              <p id="q-hint" className="mt-2 text-sm text-slate-600">
                Services, specialties, doctors' and clinics' names, or a city. Small spelling mistakes are fine.
              </p>
            </form>
          </div>
        </section>

        <section aria-labelledby="clinics-heading" className="mx-auto max-w-6xl px-4 py-12 sm:px-6">
          <div className="flex flex-wrap items-baseline justify-between gap-x-4 gap-y-2">
            <h2 id="clinics-heading" className="text-2xl font-bold tracking-tight text-slate-900">
              Clinics on Medslot
            </h2>
            <p className="flex flex-wrap items-baseline gap-x-3 text-sm text-slate-600">
              {clinics.length ? (
                <span>
                  {clinics.length} {clinics.length === 1 ? "clinic" : "clinics"} listed
                </span>
              ) : null}
              <a href="/clinics" className="font-semibold text-teal-800 underline decoration-teal-300 underline-offset-4 hover:decoration-teal-800" data-testid="clinics-map-link">
                See them on a map
              </a>
            </p>
          </div>
          {clinics.length ? (
            <ul className="mt-6 grid gap-6 sm:grid-cols-2 lg:grid-cols-3" data-testid="clinic-list">
              {clinics.map((c) => (
                <li key={c.slug}>
                  <ClinicTile clinic={c} />
                </li>
              ))}
            </ul>
          ) : (
            <div className="card mt-6 flex flex-col items-center px-6 py-14 text-center" data-testid="no-clinics">
              <svg viewBox="0 0 24 24" aria-hidden="true" className="h-10 w-10 text-slate-400">
                <path fill="currentColor" d="M12 2 3 7v2h18V7l-9-5Zm-7 9v7H3v2h18v-2h-2v-7h-2v7h-3v-7h-2v7H7v-7H5Z" />
              </svg>
              <p className="mt-4 text-lg font-semibold text-slate-900">No clinics are listed yet</p>
              <p className="mt-1 max-w-md text-slate-600">Clinics appear here as soon as they publish their site. Check back soon.</p>
            </div>
          )}
        </section>
      </main>
      <SiteFooter marketplaceUrl={marketplaceUrl} />
    </div>
  );
}

function ClinicTile({ clinic }: { clinic: ClinicCard }) {
  return (
    <article className="card group relative flex h-full flex-col p-5 transition-shadow focus-within:ring-2 focus-within:ring-brand hover:shadow-md" data-testid="clinic-card">
      <div className="flex flex-col gap-3">
        <ClinicMark name={clinic.name} logoUrl={clinic.logoUrl} size="md" />
        <div className="min-w-0">
          <h3 className="truncate text-lg font-semibold text-slate-900">
            {/* The whole card is the link; the stretched ::after keeps one tab stop per clinic. */}
            <a href={clinic.url} className="after:absolute after:inset-0 after:rounded-2xl focus:outline-none">
              {clinic.name}
            </a>
          </h3>
          {clinic.city ? <p className="text-sm text-slate-600">{clinic.city}</p> : null}
        </div>
      </div>
      {clinic.tagline ? <p className="mt-3 text-sm leading-6 text-slate-700">{clinic.tagline}</p> : null}
      {clinic.specialties.length ? (
        <ul className="mt-4 flex flex-wrap gap-1.5" aria-label="Specialties">
          {clinic.specialties.map((s) => (
            <li key={s} className="rounded-full bg-slate-100 px-2.5 py-1 text-xs font-medium text-slate-700">
              {s}
            </li>
          ))}
        </ul>
      ) : null}
      <div className="mt-auto flex items-center justify-between pt-5 text-sm">
        <span className="text-slate-600">
          {clinic.locationCount} {clinic.locationCount === 1 ? "location" : "locations"}
        </span>
        <span aria-hidden="true" className="font-semibold text-teal-800 group-hover:underline">
          Visit site →
        </span>
      </div>
    </article>
  );
}
