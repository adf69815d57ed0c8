import { redirect, type HeadersFunction, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { ClinicHome } from "~/components/clinic-home";
import { MarketplaceHome } from "~/components/marketplace-home";
import { requireClinicSite } from "~/modules/auth/guards.server";
import { clinicHomeOffer } from "~/modules/booking-flow/site-offer.server";
import { listClinicLocations } from "~/modules/clinic/locations.server";
import { clinicLogoUrl } from "~/modules/clinic/logo.server";
import { displayPhone, telHref } from "~/modules/clinic/phone-display.server";
import { requireSite } from "~/modules/clinic/site-guard.server";
import { listPublishedClinics } from "~/modules/marketplace/catalog.server";
import { clinicSiteOrigin, marketplaceOrigin } from "~/utils/public-urls.server";
import { useRootData } from "~/components/root-data";
import { getDb } from "~/utils/db.server";
import { PAGE_CACHE_HEADER } from "~/utils/page-cache-header";

export async function loader({ request, context }: LoaderFunctionArgs) {
  const site = requireSite(request, context.site);
  if (site.kind === "clinic") {
    const { clinic: c, db } = requireClinicSite(context);
    // Free times from the availability cache, which forgets a day as soon as a booking reaches it; the
    // page itself is kept at most 15 seconds and dropped on any change at the clinic.
    const [locations, offer] = await Promise.all([listClinicLocations(db, c), clinicHomeOffer(db, c)]);
    return {
      kind: "clinic" as const,
      clinic: {
        name: c.name,
        tagline: c.tagline,
        description: c.description,
        status: c.status,
        timeZone: c.timeZone,
        logoUrl: clinicLogoUrl(c),
        contactPhone: c.contactPhone ? { display: displayPhone(c.contactPhone), href: telHref(c.contactPhone) } : null,
        contactEmail: c.contactEmail,
        website: c.website,
      },
      locations,
      offer,
      marketplaceUrl: marketplaceOrigin(),
    };
  }
  // The search box submits to /search, which finds services, doctors and clinics; an older link to
  // /?q= is sent there with its words.
  const q = new URL(request.url).searchParams.get("q");
  if (q !== null) throw redirect(q.trim() ? `/search?${new URLSearchParams({ q })}` : "/search");
  const clinics = await listPublishedClinics(getDb());
  return {
    kind: "marketplace" as const,
    clinics: clinics.map((c) => {
      const url = clinicSiteOrigin(c.slug);
      return {
        slug: c.slug,
        name: c.name,
        tagline: c.tagline,
        city: c.city,
        specialties: c.specialties,
        locationCount: c.locationCount,
        url,
        logoUrl: clinicLogoUrl(c, url),
      };
    }),
    marketplaceUrl: marketplaceOrigin(),
  };
}

// The same for every visitor who is not signed in: rendered once, then sent from memory for a few
// seconds or until the clinic changes (app/server/page-cache.server.ts).
export const headers: HeadersFunction = () => ({ [PAGE_CACHE_HEADER]: "15" });

export const meta: MetaFunction<typeof loader> = ({ data }) => {
  if (data?.kind === "clinic") {
    const { clinic } = data;
    const description = clinic.tagline ?? clinic.description?.slice(0, 160) ?? `Book an appointment at ${clinic.name}.`;
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
    return <ClinicHome clinic={data.clinic} locations={data.locations} offer={data.offer} viewer={viewer} marketplaceUrl={data.marketplaceUrl} />;
  }
  return <MarketplaceHome clinics={data.clinics} viewer={viewer} marketplaceUrl={data.marketplaceUrl} />;
}
