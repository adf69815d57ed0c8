import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { ClinicMark } from "~/components/clinic-mark";
import { DoctorIntro } from "~/components/doctor-intro";
import { FavoriteButton } from "~/components/favorite-button";
import { FreeTimes } from "~/components/free-times";
import { LocationCard } from "~/components/location-card";
import { MarketplaceHeader } from "~/components/marketplace-header";
import { ServiceRow } from "~/components/published-service";
import { SiteFooter } from "~/components/site-footer";
import { TimeZoneNote } from "~/components/time-zone-note";
import { getViewer } from "~/modules/auth/guards.server";
import { crossSiteLink } from "~/modules/auth/hand-off.server";
import { NEXT_TIMES_HORIZON_DAYS } from "~/modules/booking-flow/next-free-times.server";
import { initialsOf } from "~/modules/clinic/doctor-profile-rules";
import { doctorPhotoUrl } from "~/modules/clinic/doctor-public-profile.server";
import { favoriteKeys } from "~/modules/favorites/favorites.server";
import { getPublishedDoctorPage, targetKey } from "~/modules/marketplace/catalog.server";
import { publishedDoctorTimes } from "~/modules/marketplace/doctor-times.server";
import { requireMarketplace } from "~/modules/marketplace/marketplace-guard.server";
import { clinicHeaderView, serviceView } from "~/modules/marketplace/place-views.server";
import { clinicSiteOrigin, marketplaceOrigin } from "~/utils/public-urls.server";
import { useRootData } from "~/components/root-data";
import { getDb } from "~/utils/db.server";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export async function loader({ request, context, params }: LoaderFunctionArgs) {
  requireMarketplace(request, context.site);
  const doctorId = params.doctorId ?? "";
  if (!UUID.test(doctorId)) throw new Response("Not found", { status: 404 });
  const db = getDb();
  const found = await getPublishedDoctorPage(db, params.slug ?? "", doctorId);
  if (!found) throw new Response("Not found", { status: 404 });
  const { clinic, doctor } = found;
  const viewer = await getViewer(request, context);
  const saved = viewer.kind === "patient" ? await favoriteKeys(db, { clinicId: null }, viewer.patient.id, clinic.id) : new Set<string>();
  const isSaved = (kind: "service" | "doctor", targetId: string) => saved.has(targetKey({ kind, clinicId: clinic.id, targetId }));
  const siteUrl = clinicSiteOrigin(clinic.slug);
  const locations = clinic.locations.filter((l) => doctor.locationIds.includes(l.id));
  const times = await publishedDoctorTimes(db, clinic, doctor, siteUrl);
  // A signed-in patient arrives at the clinic's booking signed in there too (decision 042).
  const carry = (url: string) => {
    if (viewer.kind !== "patient") return url;
    const to = new URL(url);
    return crossSiteLink(clinic.slug, `${to.pathname}${to.search}${to.hash}`);
  };
  const services = clinic.services
    .filter((s) => doctor.serviceIds.includes(s.id))
    .map((s) => {
      // The doctor and, where that decides it, the location are chosen already on the clinic's site.
      const where = locations.filter((l) => s.locationIds.includes(l.id));
      return {
        ...serviceView(s, siteUrl),
        bookUrl: carry(serviceView(s, siteUrl).bookUrl),
        saved: isSaved("service", s.id),
        times: (times.get(s.id) ?? []).map((t) => ({ ...t, href: carry(t.href) })),
        bookings: where.map((l) => ({ locationName: l.name, url: carry(`${siteUrl}/book?${new URLSearchParams({ service: s.id, location: l.id, doctor: doctor.id })}`) })),
      };
    });
  return {
    clinic: clinicHeaderView(clinic, siteUrl),
    doctor: {
      id: doctor.id,
      name: doctor.name,
      specialty: doctor.specialty,
      bio: doctor.bio,
      languages: doctor.languages,
      // Served from the clinic's own host, like its logo.
      photoUrl: doctor.photoVersion === null ? null : doctorPhotoUrl(doctor.id, doctor.photoVersion, siteUrl),
      initials: initialsOf(doctor.name),
      saved: isSaved("doctor", doctor.id),
    },
    services,
    locations,
    horizonDays: NEXT_TIMES_HORIZON_DAYS,
    marketplaceUrl: marketplaceOrigin(),
  };
}

export const meta: MetaFunction<typeof loader> = ({ data }) => {
  if (!data) return [{ title: "Doctor not found · Medslot" }];
  const what = data.doctor.specialty ? `${data.doctor.specialty} at ${data.clinic.name}` : data.clinic.name;
  return [
    { title: `${data.doctor.name} · ${what} · Medslot` },
    { name: "description", content: `Book a visit with ${data.doctor.name}, ${what}: services, prices and locations.` },
  ];
};

export default function DoctorPage() {
  const { clinic, doctor, services, locations, horizonDays, marketplaceUrl } = useLoaderData<typeof loader>();
  const root = useRootData();
  const viewer = root?.viewer ?? { kind: "anonymous" as const };
  return (
    <div className="flex min-h-screen flex-col bg-slate-50">
      <MarketplaceHeader viewer={viewer} />
      <main id="main" className="flex-1">
        <div className="mx-auto w-full max-w-4xl px-4 pb-12 pt-4 sm:px-6 sm:pt-6">
          <nav aria-label="Breadcrumb" className="text-sm text-slate-600">
            <ol className="flex flex-wrap gap-1">
              <li>
                <a href="/clinics" className="underline decoration-slate-300 underline-offset-4 hover:text-slate-900">
                  Clinics
                </a>
                <span aria-hidden="true"> / </span>
              </li>
              <li>
                <a href={clinic.href} className="underline decoration-slate-300 underline-offset-4 hover:text-slate-900">
                  {clinic.name}
                </a>
                <span aria-hidden="true"> / </span>
              </li>
              <li aria-current="page" className="font-medium text-slate-800">
                {doctor.name}
              </li>
            </ol>
          </nav>

          <div className="mt-4">
            <DoctorIntro doctor={doctor} aside={<FavoriteButton target={{ kind: "doctor", clinicId: clinic.id, targetId: doctor.id, name: doctor.name }} saved={doctor.saved} />}>
              <p className="mt-2 flex items-center gap-2 text-sm text-slate-600">
                <ClinicMark name={clinic.name} logoUrl={null} size="sm" />
                <a href={clinic.href} className="font-medium underline decoration-slate-300 underline-offset-4 hover:text-slate-900">
                  {clinic.name}
                </a>
              </p>
            </DoctorIntro>
          </div>

          <section aria-labelledby="services-heading" className="mt-8">
            <h2 id="services-heading" className="text-xl font-bold tracking-tight text-slate-900">
              Book a visit with {doctor.name}
            </h2>
            {/* Free times are on the clinic's clock; a visitor elsewhere is told so. */}
            <TimeZoneNote timeZone={clinic.timeZone} />
            <ul className="mt-4 space-y-3" data-testid="service-list">
              {services.map((s) => (
                <ServiceRow key={s.id} service={s} favorite={{ target: { kind: "service", clinicId: clinic.id, targetId: s.id, name: s.name }, saved: s.saved }}>
                  <div className="w-full">
                    <FreeTimes times={s.times} what={`${s.name} with ${doctor.name}`} horizonDays={horizonDays} moreHref={s.bookings[0]?.url ?? s.bookUrl} />
                  </div>
                  {s.bookings.length === 0 ? (
                    <a href={s.bookUrl} className="btn-primary px-4 py-2.5" data-testid="service-book">
                      Book<span className="sr-only"> {s.name}</span>
                    </a>
                  ) : (
                    s.bookings.map((b) => (
                      <a key={b.url} href={b.url} className="btn-primary px-4 py-2.5" data-testid="doctor-book">
                        {s.bookings.length > 1 ? `Book at ${b.locationName}` : "Book"}
                        <span className="sr-only">
                          {" "}
                          {s.name} with {doctor.name}
                          {s.bookings.length > 1 ? "" : ` at ${b.locationName}`}
                        </span>
                      </a>
                    ))
                  )}
                </ServiceRow>
              ))}
            </ul>
          </section>

          {locations.length ? (
            <section aria-labelledby="locations-heading" className="mt-10">
              <h2 id="locations-heading" className="text-xl font-bold tracking-tight text-slate-900">
                Where {doctor.name} works
              </h2>
              <ul className="mt-4 grid gap-4 md:grid-cols-2">
                {locations.map((l) => (
                  <li key={l.id}>
                    <LocationCard location={l} />
                  </li>
                ))}
              </ul>
            </section>
          ) : null}
        </div>
      </main>
      <SiteFooter marketplaceUrl={marketplaceUrl} />
    </div>
  );
}
