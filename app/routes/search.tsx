import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, useLoaderData, useNavigation } from "@remix-run/react";
import { NearMeButton } from "~/components/marketplace/near-me-button";
import { FavoriteButton } from "~/components/favorite-button";
import { ClinicResults, DoctorResults, type ClinicResultView, type DoctorResultView } from "~/components/marketplace/directory-results";
import { SearchResultCard, type SearchResultView } from "~/components/marketplace/search-result-card";
import { MarketplaceHeader } from "~/components/marketplace-header";
import { SiteFooter } from "~/components/site-footer";
import { getViewer } from "~/modules/auth/guards.server";
import { clinicLogoUrl } from "~/modules/clinic/logo.server";
import { requireSite } from "~/modules/clinic/site-guard.server";
import { favoriteKeys } from "~/modules/favorites/favorites.server";
import { targetKey } from "~/modules/marketplace/catalog.server";
import { MAX_SEARCH_LENGTH } from "~/modules/marketplace/catalog-search";
import { readSearchForm, type SearchForm } from "~/modules/marketplace/search-query";
import { describeDiscount, formatDeposit, formatDistance, formatNextFree, formatPrice, NO_FREE_TIME } from "~/modules/marketplace/result-format";
import { bookingUrl, listSearchFacets, searchMarketplace, type CatalogSearchResult, type ClinicMatch, type DoctorMatch, type PublishedResult } from "~/modules/marketplace/search.server";
import { clinicSiteOrigin, marketplaceOrigin } from "~/utils/public-urls.server";
import { useRootData } from "~/components/root-data";
import { getDb } from "~/utils/db.server";
import { ValidationError } from "~/utils/errors.server";

/** The card's view of a result: formatted here, on the clinic's clock, so the page needs no time-zone code. */
export function resultView(request: Request, r: CatalogSearchResult, now: Date, onDate?: string): SearchResultView {
  return {
    clinic: { slug: r.clinic.slug, name: r.clinic.name, city: r.clinic.city },
    service: {
      id: r.service.id,
      name: r.service.name,
      category: r.service.category,
      specialty: r.service.specialty,
      durationMin: r.service.durationMin,
      price: formatPrice(r.service.priceMinor, r.service.currency),
      deposit: formatDeposit(r.service.deposit, r.service.currency, r.service.priceMinor),
      discounts: r.service.discounts.map(describeDiscount),
    },
    nextFree:
      r.nextFreeAt === undefined
        ? null
        : r.nextFreeAt
          ? { label: formatNextFree(r.nextFreeAt, r.clinic.timeZone, now), available: true }
          : { label: onDate ? "No free time that day" : NO_FREE_TIME, available: false },
    distance: r.distanceKm === null ? null : formatDistance(r.distanceKm),
    bookUrl: bookingUrl(clinicSiteOrigin(r.clinic.slug), r.service.id),
    compareUrl: `/compare?service=${encodeURIComponent(r.service.name)}`,
  };
}

/** Services a doctor's card names before "and N more". */
const DOCTOR_SERVICES_SHOWN = 3;

function clinicView(c: ClinicMatch): ClinicResultView {
  return {
    slug: c.slug,
    name: c.name,
    tagline: c.tagline,
    city: c.city,
    specialties: c.specialties,
    locationCount: c.locationCount,
    logoUrl: clinicLogoUrl(c, clinicSiteOrigin(c.slug)),
    url: `/clinics/${encodeURIComponent(c.slug)}`,
  };
}

function doctorView(d: DoctorMatch): DoctorResultView {
  return {
    id: d.id,
    name: d.name,
    specialty: d.specialty,
    clinic: { name: d.clinic.name, city: d.clinic.city },
    services: d.services.slice(0, DOCTOR_SERVICES_SHOWN),
    moreServices: Math.max(0, d.services.length - DOCTOR_SERVICES_SHOWN),
    url: `/clinics/${encodeURIComponent(d.clinic.slug)}/doctors/${d.id}`,
  };
}

/** "Sunday 14 March" for the date filter's heading. */
function dayLabel(date: string): string {
  return new Intl.DateTimeFormat("en-GB", { timeZone: "UTC", weekday: "long", day: "numeric", month: "long" }).format(new Date(`${date}T12:00:00Z`)).replace(",", "");
}

/**
 * The marketplace's one search (the home page's box leads here): clinics and doctors whose names
 * resemble the words, and services across clinics, found even when misspelled; each service books on
 * the clinic's own site, each doctor on their page.
 */
export async function loader({ request, context }: LoaderFunctionArgs) {
  const site = requireSite(request, context.site);
  if (site.kind !== "marketplace") throw new Response("Not found", { status: 404 });

  const { form, input } = readSearchForm(new URL(request.url).searchParams);
  const searching = Boolean(form.q || form.city || form.specialty || form.priceMin || form.priceMax || form.discounted || form.date || form.lat || form.sort !== "relevance");
  const db = getDb();
  const now = new Date();
  const facets = await listSearchFacets(db);
  let error: string | null = null;
  let invalid: string[] = [];
  let results: PublishedResult[] = [];
  let clinics: ClinicMatch[] = [];
  let doctors: DoctorMatch[] = [];
  let pages = { page: 1, first: 1, hasNextPage: false };
  if (searching) {
    try {
      const found = await searchMarketplace(db, input, { withAvailability: true });
      ({ results } = found.services);
      ({ clinics, doctors } = found);
      pages = { page: found.services.page, first: (found.services.page - 1) * found.services.limit + 1, hasNextPage: found.services.hasNextPage };
    } catch (e) {
      if (!(e instanceof ValidationError)) throw e;
      error = e.detail;
      invalid = e.errors.map((f) => f.path);
    }
  }
  // A signed-in patient sees which of these services they have saved.
  const viewer = await getViewer(request, context);
  const saved = viewer.kind === "patient" && results.length ? await favoriteKeys(db, { clinicId: null }, viewer.patient.id) : new Set<string>();
  return {
    form,
    searching,
    error,
    invalid,
    facets,
    results: results.map((r) => ({
      ...resultView(request, r, now, form.date || undefined),
      favorite: { clinicId: r.ref.clinicId, saved: saved.has(targetKey({ kind: "service", clinicId: r.ref.clinicId, targetId: r.service.id })) },
    })),
    clinics: clinics.map(clinicView),
    doctors: doctors.map(doctorView),
    pages,
    dateLabel: form.date && !error ? dayLabel(form.date) : null,
    today: now.toISOString().slice(0, 10),
    marketplaceUrl: marketplaceOrigin(),
  };
}

type LoaderData = Awaited<ReturnType<typeof loader>>;

export const meta: MetaFunction<typeof loader> = ({ data }) => {
  if (!data) return [{ title: "Page not found · Medslot" }];
  if (data.form.q) return [{ title: `“${data.form.q}” · Search on Medslot` }, { name: "robots", content: "noindex" }];
  return [
    { title: "Search services, doctors and clinics · Medslot" },
    { name: "description", content: "Search services, specialties, doctors and clinics, compare prices and book online." },
  ];
};

export default function Search() {
  const data = useLoaderData<typeof loader>();
  const viewer = useRootData()?.viewer ?? { kind: "anonymous" as const };
  return (
    <div className="flex min-h-screen flex-col">
      <MarketplaceHeader viewer={viewer} />
      <main id="main" className="flex-1">
        <section className="bg-gradient-to-b from-teal-50 to-slate-50">
          <div className="mx-auto max-w-6xl px-4 py-8 sm:px-6 sm:py-10">
            <h1 className="text-2xl font-bold tracking-tight text-slate-900 sm:text-3xl">Search services, doctors and clinics</h1>
            <p className="mt-2 max-w-2xl text-slate-700">Find a service, a specialty, a doctor or a clinic. Small spelling mistakes are fine.</p>
            <SearchFilters form={data.form} facets={data.facets} error={data.error} invalid={data.invalid} today={data.today} />
          </div>
        </section>
        <section aria-labelledby="results-heading" className="mx-auto max-w-6xl px-4 pb-12 pt-6 sm:px-6 sm:pt-8">
          <SearchResults data={data} />
        </section>
      </main>
      <SiteFooter marketplaceUrl={data.marketplaceUrl} />
    </div>
  );
}

function SearchFilters({ form, facets, error, invalid, today }: { form: SearchForm; facets: LoaderData["facets"]; error: string | null; invalid: string[]; today: string }) {
  const describedBy = (field: string) => (invalid.includes(field) ? "search-error" : undefined);
  return (
    <Form id="service-search" method="get" action="/search" role="search" className="mt-6" data-testid="service-search">
      <label htmlFor="search-q" className="field-label">
        Service, doctor or clinic
      </label>
      <div className="mt-1 flex flex-col gap-2 sm:flex-row">
        <input
          id="search-q"
          name="q"
          type="search"
          defaultValue={form.q}
          maxLength={MAX_SEARCH_LENGTH}
          autoComplete="off"
          placeholder="e.g. dental cleaning, Dr. Patel or Spree Physio"
          className="field-input mt-0 flex-1"
        />
        <button type="submit" className="btn-primary px-6 py-3 text-base">
          Search
        </button>
      </div>
      <fieldset className="mt-4 grid grid-cols-2 gap-3 sm:grid-cols-3 sm:gap-4 lg:grid-cols-7">
        <legend className="sr-only">Filters</legend>
        <div className="col-span-2 sm:col-span-1">
          <label htmlFor="search-city" className="field-label">
            City
          </label>
          <select id="search-city" name="city" defaultValue={form.city} className="field-input">
            <option value="">Any city</option>
            {facets.cities.map((c) => (
              <option key={c} value={c}>
                {c}
              </option>
            ))}
          </select>
        </div>
        <div className="col-span-2 sm:col-span-1 lg:col-span-2">
          <label htmlFor="search-specialty" className="field-label">
            Specialty
          </label>
          <select id="search-specialty" name="specialty" defaultValue={form.specialty} className="field-input">
            <option value="">Any specialty</option>
            {facets.specialties.map((s) => (
              <option key={s} value={s}>
                {s}
              </option>
            ))}
          </select>
        </div>
        <div>
          <label htmlFor="search-price-min" className="field-label">
            Price from
          </label>
          <input id="search-price-min" name="priceMin" inputMode="decimal" defaultValue={form.priceMin} placeholder="0" className="field-input" aria-invalid={invalid.includes("priceMin") || undefined} aria-describedby={describedBy("priceMin")} />
        </div>
        <div>
          <label htmlFor="search-price-max" className="field-label">
            Price up to
          </label>
          <input id="search-price-max" name="priceMax" inputMode="decimal" defaultValue={form.priceMax} placeholder="Any" className="field-input" aria-invalid={invalid.includes("priceMax") || undefined} aria-describedby={describedBy("priceMax")} />
        </div>
        <div className="col-span-2 sm:col-span-1">
          <label htmlFor="search-date" className="field-label">
            Free on
          </label>
          <input id="search-date" name="date" type="date" min={today} defaultValue={form.date} className="field-input" aria-invalid={invalid.includes("date") || undefined} aria-describedby={describedBy("date")} />
        </div>
        <div className="col-span-2 sm:col-span-1">
          <label htmlFor="search-sort" className="field-label">
            Sort by
          </label>
          <select id="search-sort" name="sort" defaultValue={form.sort} className="field-input" aria-invalid={invalid.includes("sort") || undefined} aria-describedby={describedBy("sort") ?? "sort-hint"}>
            <option value="relevance">Best match</option>
            <option value="price">Lowest price</option>
            <option value="soonest">Next free time</option>
            <option value="distance">Nearest (needs your location)</option>
          </select>
        </div>
      </fieldset>
      <div className="mt-3 flex flex-wrap items-center justify-between gap-3">
        <label className="inline-flex items-center gap-2 text-sm font-medium text-slate-800">
          <input type="checkbox" name="discounted" value="1" defaultChecked={form.discounted} className="h-4 w-4 rounded border-slate-300 text-teal-700 focus:ring-brand" />
          Only services with a discount
        </label>
        <p className="text-xs text-slate-600">Prices are in each clinic's own currency. Times are each clinic's local time.</p>
      </div>
      <div className="mt-3 flex flex-wrap items-center gap-3">
        <NearMeButton formId="service-search" />
        <p id="sort-hint" className="text-sm text-slate-700">
          {form.lat ? (
            <>
              Distances are from the location your browser shared.{" "}
              <a href={withoutLocation(form)} className="font-semibold text-teal-800 underline underline-offset-4">
                Stop using my location
              </a>
            </>
          ) : (
            "To sort by distance, use “Near me” and let your browser share your location (it needs JavaScript)."
          )}
        </p>
      </div>
      {form.lat || form.lng ? (
        <>
          <input type="hidden" name="lat" value={form.lat} />
          <input type="hidden" name="lng" value={form.lng} />
        </>
      ) : null}
      {error ? (
        <p id="search-error" role="alert" className="field-error" data-testid="search-error">
          {error}
        </p>
      ) : null}
    </Form>
  );
}

function SearchResults({ data }: { data: LoaderData }) {
  const { results, searching, form, clinics, doctors } = data;
  const navigation = useNavigation();
  const loading = navigation.state === "loading" && navigation.location.pathname === "/search";
  const { page, first, hasNextPage } = data.pages;
  const directory = clinics.length > 0 || doctors.length > 0;
  // With more than one page, which of the results these are (not every match is counted).
  const services = page > 1 || hasNextPage ? `Services ${first}–${first + results.length - 1}` : `${results.length} ${results.length === 1 ? "service" : "services"}`;
  const parts = [
    ...(clinics.length ? [`${clinics.length} ${clinics.length === 1 ? "clinic" : "clinics"}`] : []),
    ...(doctors.length ? [`${doctors.length} ${doctors.length === 1 ? "doctor" : "doctors"}`] : []),
    // Beside clinics and doctors (first page only), a list that goes on is "more than 12 services".
    ...(results.length || !directory ? [directory ? `${hasNextPage ? "more than " : ""}${results.length} ${results.length === 1 ? "service" : "services"}` : services] : []),
  ];
  const count = parts.length > 1 ? `${parts.slice(0, -1).join(", ")} and ${parts[parts.length - 1]}` : parts[0]!;
  return (
    <>
      <div className="flex flex-wrap items-baseline justify-between gap-x-4 gap-y-2">
        <h2 id="results-heading" className="text-2xl font-bold tracking-tight text-slate-900">
          {searching ? "Results" : "Start with what you need"}
        </h2>
        {searching && !data.error ? (
          <p className="flex flex-wrap items-baseline gap-x-3 text-sm text-slate-700">
            <span role="status" data-testid="search-count">
              {loading ? "Searching…" : `${form.q ? `${count} found for “${form.q}”` : `${count} found`}${data.dateLabel ? ` with free times on ${data.dateLabel}` : ""}`}
            </span>
            <a href="/search" className="font-semibold text-teal-800 underline decoration-teal-300 underline-offset-4 hover:decoration-teal-800">
              Clear search
            </a>
          </p>
        ) : null}
      </div>
      {clinics.length ? <ClinicResults clinics={clinics} /> : null}
      {doctors.length ? <DoctorResults doctors={doctors} /> : null}
      {directory && results.length ? (
        <h3 id="service-results-heading" className="mt-8 text-lg font-semibold text-slate-900">
          Services
        </h3>
      ) : null}
      {results.length ? (
        <>
          <ul className={`${directory ? "mt-3" : "mt-6"} grid gap-6 transition-opacity sm:grid-cols-2 lg:grid-cols-3 ${loading ? "opacity-50" : ""}`} aria-busy={loading || undefined} data-testid="search-results">
            {results.map((r) => (
              <li key={r.service.id}>
                <SearchResultCard
                  result={r}
                  dateLabel={data.dateLabel ?? undefined}
                  actions={<FavoriteButton compact target={{ kind: "service", clinicId: r.favorite.clinicId, targetId: r.service.id, name: `${r.service.name} at ${r.clinic.name}` }} saved={r.favorite.saved} />}
                />
              </li>
            ))}
          </ul>
          {page > 1 || hasNextPage ? <PageLinks form={form} page={page} hasNextPage={hasNextPage} /> : null}
        </>
      ) : searching && !data.error && page > 1 ? (
        <p className="mt-6 text-slate-700" data-testid="no-more-results">
          There are no more results for this search.{" "}
          <a href={pageUrl(form, 1)} className="font-semibold text-teal-800 underline underline-offset-4">
            Back to the first page
          </a>
        </p>
      ) : searching && !data.error && directory ? (
        <p className="mt-8 text-slate-700" data-testid="no-service-results">
          No services match “{form.q}”{form.city ? ` in ${form.city}` : ""}.
        </p>
      ) : searching && !data.error ? (
        <div className="card mt-6 flex flex-col items-center px-6 py-12 text-center" data-testid="no-results">
          <svg viewBox="0 0 24 24" aria-hidden="true" className="h-10 w-10 text-slate-400">
            <path fill="currentColor" d="M10 2a8 8 0 0 1 6.32 12.9l5.39 5.4-1.42 1.4-5.39-5.38A8 8 0 1 1 10 2Zm0 2a6 6 0 1 0 0 12 6 6 0 0 0 0-12Z" />
          </svg>
          <p className="mt-4 text-lg font-semibold text-slate-900">{form.q ? `Nothing matches “${form.q}”` : "No services match these filters"}</p>
          <p className="mt-1 max-w-md text-slate-600">
            {form.date
              ? "No service has a free time that day. Try another date, fewer words or another city."
              : form.q
                ? "No service, doctor or clinic is called anything like that. Check the spelling, try fewer words, another city or a wider price range."
                : "Try another city or a wider price range."}
          </p>
          <a href="/search" className="btn-secondary mt-6 px-5 py-3">
            Clear search
          </a>
        </div>
      ) : !searching ? (
        <p className="mt-3 max-w-2xl text-slate-700">Type a service such as “dental cleaning”, a specialty such as physiotherapy, a doctor's or a clinic's name, or pick a city.</p>
      ) : null}
    </>
  );
}

/** Previous and next pages of the same search, as plain links (they work without JavaScript). */
function PageLinks({ form, page, hasNextPage }: { form: SearchForm; page: number; hasNextPage: boolean }) {
  const link = "inline-flex min-h-11 items-center rounded-full px-5 font-semibold text-teal-800 ring-1 ring-slate-300 hover:bg-slate-50";
  return (
    <nav aria-label="Result pages" className="mt-8 flex items-center justify-between gap-4" data-testid="result-pages">
      {page > 1 ? (
        <a href={pageUrl(form, page - 1)} rel="prev" className={link} data-testid="previous-page">
          Previous<span className="sr-only"> results</span>
        </a>
      ) : (
        <span />
      )}
      <span className="text-sm text-slate-700">Page {page}</span>
      {hasNextPage ? (
        <a href={pageUrl(form, page + 1)} rel="next" className={link} data-testid="next-page">
          Next<span className="sr-only"> results</span>
        </a>
      ) : (
        <span />
      )}
    </nav>
  );
}

/** The query string of the same search, with only what was asked for. */
function searchParams(form: SearchForm): URLSearchParams {
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(form)) {
    if (value === "" || value === false || (name === "sort" && value === "relevance")) continue;
    params.set(name, value === true ? "1" : String(value));
  }
  return params;
}

/** Page `page` of the same search (the first page has no page number). */
function pageUrl(form: SearchForm, page: number): string {
  const params = searchParams(form);
  if (page > 1) params.set("page", String(page));
  return `/search?${params.toString()}`;
}

/** The same search without the shared location (and not sorted by distance). */
function withoutLocation(form: SearchForm): string {
  const params = searchParams(form);
  params.delete("lat");
  params.delete("lng");
  if (params.get("sort") === "distance") params.delete("sort");
  return `/search?${params.toString()}`;
}
