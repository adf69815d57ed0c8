import type { HeadersFunction, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { ClinicHeader } from "~/components/clinic-header";
import { DoctorIntro } from "~/components/doctor-intro";
import { DraftBanner } from "~/components/draft-banner";
import { ServiceOffer } from "~/components/service-offer";
import { SiteFooter } from "~/components/site-footer";
import { TimeZoneNote } from "~/components/time-zone-note";
import { useRootData } from "~/components/root-data";
import { requireClinicSite } from "~/modules/auth/guards.server";
import { getSiteDoctorPage } from "~/modules/booking-flow/site-offer.server";
import { clinicLogoUrl } from "~/modules/clinic/logo.server";
import { marketplaceOrigin } from "~/utils/public-urls.server";
import { PAGE_CACHE_HEADER } from "~/utils/page-cache-header";

/** A doctor's page on the clinic's own site: who they are and their next free times per service. */
export async function loader({ context, params }: LoaderFunctionArgs) {
  const { clinic, db } = requireClinicSite(context);
  const page = await getSiteDoctorPage(db, clinic, params.doctorId ?? "");
  // Another clinic's doctor, or one who cannot be booked here: nothing to show.
  if (!page) throw new Response("Not found", { status: 404 });
  return {
    clinic: { name: clinic.name, status: clinic.status, timeZone: clinic.timeZone, logoUrl: clinicLogoUrl(clinic) },
    ...page,
    marketplaceUrl: marketplaceOrigin(),
  };
}

// The same for every visitor without a cookie, like the home page: kept a few seconds or until the clinic changes.
export const headers: HeadersFunction = () => ({ [PAGE_CACHE_HEADER]: "15" });

export const meta: MetaFunction<typeof loader> = ({ data }) => {
  if (!data) return [{ title: "Doctor not found" }];
  const what = data.doctor.specialty ? `${data.doctor.specialty} at ${data.clinic.name}` : data.clinic.name;
  const description = data.doctor.bio?.slice(0, 160) ?? `Book a visit with ${data.doctor.name}, ${what}.`;
  return [
    { title: `${data.doctor.name} · ${what}` },
    { name: "description", content: description },
    { property: "og:title", content: `${data.doctor.name} · ${data.clinic.name}` },
    { property: "og:description", content: description },
    ...(data.clinic.status === "draft" ? [{ name: "robots", content: "noindex" }] : []),
  ];
};

export default function ClinicDoctorPage() {
  const { clinic, doctor, services, locations, horizonDays, marketplaceUrl } = useLoaderData<typeof loader>();
  const root = useRootData();
  const viewer = root?.viewer ?? { kind: "anonymous" as const };
  return (
    <div className="flex min-h-screen flex-col">
      {clinic.status === "draft" ? <DraftBanner /> : null}
      <ClinicHeader name={clinic.name} logoUrl={clinic.logoUrl} viewer={viewer} />
      <main id="main" className="flex-1 bg-slate-50">
        <div className="mx-auto w-full max-w-4xl px-4 pb-12 pt-4 sm:px-6 sm:pt-6">
          <nav aria-label="Breadcrumb" className="text-sm text-slate-600">
            <ol className="flex flex-wrap gap-1">
              <li>
                <a href="/#doctors-heading" className="underline decoration-slate-300 underline-offset-4 hover:text-slate-900">
                  Our doctors
                </a>
                <span aria-hidden="true"> / </span>
              </li>
              <li aria-current="page" className="font-medium text-slate-800">
                {doctor.name}
              </li>
            </ol>
          </nav>

          <div className="mt-4">
            <DoctorIntro doctor={doctor} />
          </div>

          <section aria-labelledby="services-heading" className="mt-8">
            <h2 id="services-heading" className="text-xl font-bold tracking-tight text-slate-900">
              Book a visit with {doctor.name}
            </h2>
            <TimeZoneNote timeZone={clinic.timeZone} />
            <ul className="mt-4 space-y-3" data-testid="service-list">
              {services.map((s) => (
                <ServiceOffer key={s.id} service={s} horizonDays={horizonDays} withWhom={doctor.name} />
              ))}
            </ul>
          </section>

          {locations.length ? (
            <section aria-labelledby="locations-heading" className="mt-10">
              <h2 id="locations-heading" className="text-xl font-bold tracking-tight text-slate-900">
                Where {doctor.name} sees patients
              </h2>
              <ul className="mt-4 grid gap-3 md:grid-cols-2">
                {locations.map((l) => (
                  <li key={l.id} className="card p-4">
                    <p className="font-semibold text-slate-900">{l.name}</p>
                    <p className="mt-1 text-sm text-slate-700">{l.address}</p>
                  </li>
                ))}
              </ul>
            </section>
          ) : null}
        </div>
      </main>
      <SiteFooter marketplaceUrl={marketplaceUrl} clinicName={clinic.name} />
    </div>
  );
}
