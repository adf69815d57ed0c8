import type { LinksFunction, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import leafletStyles from "leaflet/dist/leaflet.css";
import { ClinicMark } from "~/components/clinic-mark";
import { FavoriteButton } from "~/components/favorite-button";
import { LocationCard } from "~/components/location-card";
import { MarketplaceHeader } from "~/components/marketplace-header";
import { PlacesMap } from "~/components/places-map";
import { ServiceRow } from "~/components/published-service";
import { SiteFooter } from "~/components/site-footer";
import { getViewer } from "~/modules/auth/guards.server";
import { favoriteKeys } from "~/modules/favorites/favorites.server";
import { getPublishedClinicPage, targetKey } from "~/modules/marketplace/catalog.server";
import { requireMarketplace } from "~/modules/marketplace/marketplace-guard.server";
import { clinicHeaderView, doctorSummary, groupServices } from "~/modules/marketplace/place-views.server";
import { clinicSiteOrigin, marketplaceOrigin } from "~/utils/public-urls.server";
import { useRootData } from "~/components/root-data";
import { getDb } from "~/utils/db.server";

export const links: LinksFunction = () => [{ rel: "stylesheet", href: leafletStyles }];

export async function loader({ request, context, params }: LoaderFunctionArgs) {
  requireMarketplace(request, context.site);
  const db = getDb();
  const page = await getPublishedClinicPage(db, params.slug ?? "");
  if (!page) throw new Response("Not found", { status: 404 });
  const viewer = await getViewer(request, context);
  const saved = viewer.kind === "patient" ? await favoriteKeys(db, { clinicId: null }, viewer.patient.id, page.id) : new Set<string>();
  const isSaved = (kind: "clinic" | "service" | "doctor", targetId: string) => saved.has(targetKey({ kind, clinicId: page.id, targetId }));
  const siteUrl = clinicSiteOrigin(page.slug);
  return {
    clinic: { ...clinicHeaderView(page, siteUrl), saved: isSaved("clinic", page.id) },
    groups: groupServices(page.services, siteUrl).map((g) => ({ ...g, services: g.services.map((s) => ({ ...s, saved: isSaved("service", s.id) })) })),
    doctors: page.doctors.map((d) => doctorSummary(page, d)),
    locations: page.locations,
    places: page.locations.flatMap((l) =>
      l.latitude != null && l.longitude != null ? [{ id: l.id, name: `${page.name} · ${l.name}`, latitude: l.latitude, longitude: l.longitude, href: `#location-${l.id}` }] : [],
    ),
    marketplaceUrl: marketplaceOrigin(),
  };
}

export const meta: MetaFunction<typeof loader> = ({ data }) => {
  if (!data) return [{ title: "Clinic not found · Medslot" }];
  const description = data.clinic.tagline ?? data.clinic.description?.slice(0, 160) ?? `Services, prices and doctors at ${data.clinic.name}.`;
  return [
    { title: `${data.clinic.name} · Services, prices and doctors · Medslot` },
    { name: "description", content: description },
  ];
};

export default function ClinicPage() {
  const { clinic, groups, doctors, locations, places, marketplaceUrl } = useLoaderData<typeof loader>();
  const root = useRootData();
  const viewer = root?.viewer ?? { kind: "anonymous" as const };
  return (
    <div className="flex min-h-screen flex-col bg-slate-50">
      <MarketplaceHeader viewer={viewer} />
      <main id="main" className="flex-1">
        <div className="mx-auto w-full max-w-6xl px-4 pb-12 pt-4 sm:px-6 sm:pt-6">
          <nav aria-label="Breadcrumb" className="text-sm text-slate-600">
            <ol className="flex flex-wrap gap-1">
              <li>
                <a href="/clinics" className="underline decoration-slate-300 underline-offset-4 hover:text-slate-900">
                  Clinics
                </a>
                <span aria-hidden="true"> / </span>
              </li>
              <li aria-current="page" className="font-medium text-slate-800">
                {clinic.name}
              </li>
            </ol>
          </nav>

          <section className="card mt-4 p-5 sm:p-8" aria-labelledby="clinic-name">
            <div className="flex flex-col gap-4 sm:flex-row sm:items-start sm:justify-between">
              <div className="flex min-w-0 flex-col gap-3">
                <ClinicMark name={clinic.name} logoUrl={clinic.logoUrl} size="lg" alt="" />
                <div>
                  <h1 id="clinic-name" className="text-2xl font-bold tracking-tight text-slate-900 sm:text-3xl">
                    {clinic.name}
                  </h1>
                  {clinic.city ? <p className="text-slate-600">{clinic.city}</p> : null}
                </div>
              </div>
              <FavoriteButton target={{ kind: "clinic", clinicId: clinic.id, targetId: clinic.id, name: clinic.name }} saved={clinic.saved} />
            </div>
            {clinic.tagline ? <p className="mt-4 text-lg text-slate-800">{clinic.tagline}</p> : null}
            {clinic.description ? <p className="mt-2 max-w-3xl leading-7 text-slate-700">{clinic.description}</p> : null}
            {clinic.specialties.length ? (
              <ul className="mt-4 flex flex-wrap gap-1.5" aria-label="Specialties">
                {clinic.specialties.map((s) => (
                  <li key={s} className="rounded-full bg-slate-100 px-2.5 py-1 text-xs font-medium text-slate-700">
                    {s}
                  </li>
                ))}
              </ul>
            ) : null}
            <div className="mt-6 flex flex-col gap-2 sm:flex-row">
              <a href={clinic.bookUrl} className="btn-primary px-5 py-3 text-base" data-testid="book-on-site">
                Book on the clinic's site
              </a>
              <a href={clinic.siteUrl} className="btn-secondary px-5 py-3 text-base">
                Visit the clinic's site
              </a>
            </div>
          </section>

          <div className="mt-8 grid gap-8 lg:grid-cols-[minmax(0,2fr)_minmax(0,1fr)]">
            <section aria-labelledby="services-heading">
              <h2 id="services-heading" className="text-xl font-bold tracking-tight text-slate-900">
                Services and prices
              </h2>
              {groups.length ? (
                groups.map((g) => (
                  <div key={g.category ?? "other"} className="mt-4">
                    <h3 className="text-sm font-semibold uppercase tracking-wider text-slate-600">{g.category ?? "Other services"}</h3>
                    <ul className="mt-2 space-y-3" data-testid="service-list">
                      {g.services.map((s) => (
                        <ServiceRow key={s.id} service={s} favorite={{ target: { kind: "service", clinicId: clinic.id, targetId: s.id, name: s.name }, saved: s.saved }} />
                      ))}
                    </ul>
                  </div>
                ))
              ) : (
                <p className="card mt-4 p-5 text-slate-700">This clinic has not published its services yet. Its own site may tell you more.</p>
              )}
            </section>

            <section aria-labelledby="doctors-heading">
              <h2 id="doctors-heading" className="text-xl font-bold tracking-tight text-slate-900">
                Doctors
              </h2>
              {doctors.length ? (
                <ul className="card mt-4 divide-y divide-slate-100" data-testid="doctor-list">
                  {doctors.map((d) => (
                    <li key={d.id}>
                      <a href={d.href} className="flex min-h-14 items-center justify-between gap-3 px-4 py-3 hover:bg-slate-50">
                        <span>
                          <span className="block font-semibold text-slate-900">{d.name}</span>
                          {d.specialty ? <span className="block text-sm text-slate-600">{d.specialty}</span> : null}
                        </span>
                        <span aria-hidden="true" className="text-slate-400">
                          →
                        </span>
                      </a>
                    </li>
                  ))}
                </ul>
              ) : (
                <p className="card mt-4 p-5 text-slate-700">No doctors are listed yet.</p>
              )}
            </section>
          </div>

          <section aria-labelledby="locations-heading" className="mt-10">
            <h2 id="locations-heading" className="text-xl font-bold tracking-tight text-slate-900">
              Locations and opening hours
            </h2>
            <p className="mt-1 text-sm text-slate-600">Hours and “open now” are in the clinic's time zone ({clinic.timeZone.replace(/_/g, " ")}).</p>
            <div className="mt-4">
              <PlacesMap places={places} label={`Map of ${clinic.name}'s locations`} className="h-64 sm:h-80" />
            </div>
            <ul className="mt-4 grid gap-4 md:grid-cols-2">
              {locations.map((l) => (
                <li key={l.id} id={`location-${l.id}`}>
                  <LocationCard location={l} />
                </li>
              ))}
            </ul>
          </section>
        </div>
      </main>
      <SiteFooter marketplaceUrl={marketplaceUrl} />
    </div>
  );
}
