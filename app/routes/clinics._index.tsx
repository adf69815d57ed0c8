import type { LinksFunction, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, useLoaderData, useNavigation } from "@remix-run/react";
import leafletStyles from "leaflet/dist/leaflet.css";
import { z } from "zod";
import { ClinicMark } from "~/components/clinic-mark";
import { MarketplaceHeader } from "~/components/marketplace-header";
import { PlacesMap } from "~/components/places-map";
import { SiteFooter } from "~/components/site-footer";
import { clinicLogoUrl } from "~/modules/clinic/logo.server";
import { listClinicPlaces } from "~/modules/marketplace/catalog.server";
import { requireMarketplace } from "~/modules/marketplace/marketplace-guard.server";
import { clinicPagePath } from "~/modules/marketplace/place-views.server";
import { clinicSiteOrigin, marketplaceOrigin } from "~/utils/public-urls.server";
import { useRootData } from "~/components/root-data";
import { getDb } from "~/utils/db.server";

export const links: LinksFunction = () => [{ rel: "stylesheet", href: leafletStyles }];

const filterSchema = z.object({
  city: z.string().trim().max(100).optional().catch(undefined),
  specialty: z.string().trim().max(100).optional().catch(undefined),
});

export async function loader({ request, context }: LoaderFunctionArgs) {
  requireMarketplace(request, context.site);
  const params = new URL(request.url).searchParams;
  const filters = filterSchema.parse({ city: params.get("city") || undefined, specialty: params.get("specialty") || undefined });
  const { clinics, cities, specialties } = await listClinicPlaces(getDb(), filters);
  return {
    filters: { city: filters.city ?? "", specialty: filters.specialty ?? "" },
    cities,
    specialties,
    clinics: clinics.map((c) => ({
      slug: c.slug,
      name: c.name,
      tagline: c.tagline,
      city: c.city,
      specialties: c.specialties,
      href: clinicPagePath(c.slug),
      logoUrl: clinicLogoUrl(c, clinicSiteOrigin(c.slug)),
      locations: c.locations,
    })),
    marketplaceUrl: marketplaceOrigin(),
  };
}

export const meta: MetaFunction<typeof loader> = ({ data }) => [
  { title: "Clinics on a map · Medslot" },
  { name: "description", content: "Every clinic on Medslot on a map and in a list, by city and specialty." },
  ...(data && (data.filters.city || data.filters.specialty) ? [{ name: "robots", content: "noindex" }] : []),
];

export default function ClinicsMap() {
  const { filters, cities, specialties, clinics, marketplaceUrl } = useLoaderData<typeof loader>();
  const root = useRootData();
  const viewer = root?.viewer ?? { kind: "anonymous" as const };
  const navigation = useNavigation();
  const filtering = navigation.state === "loading" && navigation.location.pathname === "/clinics";
  const places = clinics.flatMap((c) =>
    c.locations.flatMap((l) =>
      l.latitude != null && l.longitude != null ? [{ id: l.id, name: `${c.name} · ${l.name}`, latitude: l.latitude, longitude: l.longitude, href: c.href }] : [],
    ),
  );
  const filtered = Boolean(filters.city || filters.specialty);
  return (
    <div className="flex min-h-screen flex-col bg-slate-50">
      <MarketplaceHeader viewer={viewer} />
      <main id="main" className="flex-1">
        <div className="mx-auto w-full max-w-6xl px-4 pb-12 pt-6 sm:px-6 sm:pt-8">
          <h1 className="text-2xl font-bold tracking-tight text-slate-900 sm:text-3xl">Clinics near you</h1>
          <p className="mt-1 text-slate-700">Every clinic on Medslot, on the map and in the list. Open one to see its services, prices and doctors.</p>

          <Form method="get" className="card mt-5 grid gap-3 p-4 sm:grid-cols-[1fr_1fr_auto] sm:items-end" aria-label="Filter clinics" data-testid="clinic-filters">
            <div>
              <label htmlFor="city" className="field-label">
                City
              </label>
              <select id="city" name="city" defaultValue={filters.city} className="field-input">
                <option value="">All cities</option>
                {cities.map((c) => (
                  <option key={c} value={c}>
                    {c}
                  </option>
                ))}
              </select>
            </div>
            <div>
              <label htmlFor="specialty" className="field-label">
                Specialty
              </label>
              <select id="specialty" name="specialty" defaultValue={filters.specialty} className="field-input">
                <option value="">All specialties</option>
                {specialties.map((s) => (
                  <option key={s} value={s}>
                    {s}
                  </option>
                ))}
              </select>
            </div>
            <div className="flex gap-2">
              <button type="submit" className="btn-primary flex-1 px-5 py-3 sm:flex-none">
                {filtering ? "Filtering…" : "Show clinics"}
              </button>
              {filtered ? (
                <a href="/clinics" className="btn-secondary px-4 py-3">
                  Clear
                </a>
              ) : null}
            </div>
          </Form>

          <div className="mt-6 grid gap-6 lg:grid-cols-[minmax(0,1fr)_minmax(0,1.2fr)]">
            <section aria-labelledby="list-heading" className={filtering ? "opacity-60" : undefined} aria-busy={filtering}>
              <h2 id="list-heading" className="text-lg font-semibold text-slate-900">
                <span role="status" data-testid="clinic-count">
                  {clinics.length} {clinics.length === 1 ? "clinic" : "clinics"}
                  {filters.city ? ` in ${filters.city}` : ""}
                  {filters.specialty ? ` for ${filters.specialty}` : ""}
                </span>
              </h2>
              {clinics.length ? (
                <ul className="mt-3 space-y-3" data-testid="clinic-places">
                  {clinics.map((c) => (
                    <li key={c.slug} className="card relative p-4 focus-within:ring-2 focus-within:ring-brand hover:shadow-md" data-testid="clinic-place">
                      <div className="flex items-start gap-3">
                        <ClinicMark name={c.name} logoUrl={c.logoUrl} size="sm" />
                        <div className="min-w-0">
                          <h3 className="font-semibold text-slate-900">
                            <a href={c.href} className="after:absolute after:inset-0 after:rounded-2xl focus:outline-none">
                              {c.name}
                            </a>
                          </h3>
                          {c.tagline ? <p className="text-sm text-slate-700">{c.tagline}</p> : null}
                        </div>
                      </div>
                      <ul className="mt-2 space-y-1 text-sm text-slate-700" aria-label={`Locations of ${c.name}`}>
                        {c.locations.map((l) => (
                          <li key={l.id}>
                            <span className="font-medium text-slate-800">{l.name}</span> — {l.address}
                          </li>
                        ))}
                      </ul>
                      {c.specialties.length ? <p className="mt-2 text-xs text-slate-600">{c.specialties.join(" · ")}</p> : null}
                    </li>
                  ))}
                </ul>
              ) : (
                <div className="card mt-3 p-6 text-center" data-testid="no-clinic-places">
                  <p className="font-semibold text-slate-900">No clinics match these filters</p>
                  <p className="mt-1 text-slate-600">Try another city or specialty, or search for a service.</p>
                  <div className="mt-4 flex flex-wrap justify-center gap-2">
                    <a href="/clinics" className="btn-secondary px-4 py-2.5">
                      Show all clinics
                    </a>
                    <a href="/search" className="btn-secondary px-4 py-2.5">
                      Search services
                    </a>
                  </div>
                </div>
              )}
            </section>
            <section aria-labelledby="map-heading" className="lg:sticky lg:top-4 lg:self-start">
              <h2 id="map-heading" className="sr-only">
                Map
              </h2>
              <PlacesMap places={places} label="Map of clinic locations" className="h-72 sm:h-96 lg:h-[32rem]" />
            </section>
          </div>
        </div>
      </main>
      <SiteFooter marketplaceUrl={marketplaceUrl} />
    </div>
  );
}
