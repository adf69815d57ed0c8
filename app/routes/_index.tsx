import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { ClinicHome } from "~/components/clinic-home";
import { MarketplaceHome } from "~/components/marketplace-home";
import { displayPhone, telHref } from "~/modules/clinic/phone-display.server";
import { listClinicLocations } from "~/modules/clinic/locations.server";
import { listPublishedClinics } from "~/modules/marketplace/catalog.server";
import { clinicSiteUrl, marketplaceUrl } from "~/modules/marketplace/site-urls.server";
import { useRootData } from "~/root";
import { getDb } from "~/utils/db.server";

export async function loader({ request, context }: LoaderFunctionArgs) {
  const { site } = context;
  if (site.kind === "clinic") {
    const c = site.clinic;
    const locations = await listClinicLocations(getDb(), c);
    return {
      kind: "clinic" as const,
      clinic: {
        name: c.name,
        tagline: c.tagline,
        description: c.description,
        status: c.status,
        timeZone: c.timeZone,
        logoUrl: c.hasLogo ? `/brand/logo?v=${c.logoVersion}` : null,
        contactPhone: c.contactPhone ? { display: displayPhone(c.contactPhone), href: telHref(c.contactPhone) } : null,
        contactEmail: c.contactEmail,
        website: c.website,
      },
      locations,
      marketplaceUrl: marketplaceUrl(request),
    };
  }
  // The root loader already answered 404 for hosts that name nothing.
  const clinics = await listPublishedClinics(getDb());
  return {
    kind: "marketplace" as const,
    clinics: clinics.map((c) => {
      const url = clinicSiteUrl(request, c.slug);
      return {
        slug: c.slug,
        name: c.name,
        tagline: c.tagline,
        city: c.city,
        specialties: c.specialties,
        locationCount: c.locationCount,
        url,
        logoUrl: c.hasLogo ? `${url}/brand/logo?v=${c.logoVersion}` : null,
      };
    }),
    marketplaceUrl: marketplaceUrl(request),
  };
}

export const meta: MetaFunction<typeof loader> = ({ data }) => {
  if (data?.kind === "clinic") {
    const { clinic } = data;
    const description = clinic.tagline ?? clinic.description?.slice(0, 160) ?? `Book an appointment at ${clinic.name} online.`;
    return [
      { title: `${clinic.name} · Book an appointment` },
      { name: "description", content: description },
      { property: "og:title", content: clinic.name },
      { property: "og:description", content: description },
      ...(clinic.status === "draft" ? [{ name: "robots", content: "noindex" }] : []),
    ];
  }
  return [
    { title: "Medslot · Book a visit at a clinic near you" },
    { name: "description", content: "Compare clinics, services and prices, see the next free time, and book online." },
  ];
};

export default function Index() {
  const data = useLoaderData<typeof loader>();
  const root = useRootData();
  const viewer = root?.viewer ?? { kind: "anonymous" as const };
  if (data.kind === "clinic") {
    return <ClinicHome clinic={data.clinic} locations={data.locations} viewer={viewer} marketplaceUrl={data.marketplaceUrl} />;
  }
  return <MarketplaceHome clinics={data.clinics} viewer={viewer} marketplaceUrl={data.marketplaceUrl} />;
}
