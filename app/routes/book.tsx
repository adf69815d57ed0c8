import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { BookPage } from "~/components/book-page";
import { listClinicLocations } from "~/modules/clinic/locations.server";
import { clinicLogoUrl } from "~/modules/clinic/logo.server";
import { displayPhone, telHref } from "~/modules/clinic/phone-display.server";
import { requireClinicSite } from "~/modules/clinic/site-guard.server";
import { marketplaceUrl } from "~/modules/marketplace/site-urls.server";
import { useRootData } from "~/root";
import { getDb } from "~/utils/db.server";

/** How to book a visit at this clinic: its locations' phones with today's hours, and its email. */
export async function loader({ request, context }: LoaderFunctionArgs) {
  const c = requireClinicSite(request, context.site);
  const locations = await listClinicLocations(getDb(), c);
  return {
    clinic: {
      name: c.name,
      status: c.status,
      timeZone: c.timeZone,
      logoUrl: clinicLogoUrl(c),
      contactPhone: c.contactPhone ? { display: displayPhone(c.contactPhone), href: telHref(c.contactPhone) } : null,
      contactEmail: c.contactEmail,
    },
    locations,
    marketplaceUrl: marketplaceUrl(request),
  };
}

export const meta: MetaFunction<typeof loader> = ({ data }) => {
  if (!data) return [{ title: "Page not found · Medslot" }];
  const { clinic } = data;
  const description = `Book a visit at ${clinic.name}: call one of its locations or write to the clinic.`;
  return [
    { title: `Book an appointment · ${clinic.name}` },
    { name: "description", content: description },
    { property: "og:title", content: `Book an appointment · ${clinic.name}` },
    { property: "og:description", content: description },
    ...(clinic.status === "draft" ? [{ name: "robots", content: "noindex" }] : []),
  ];
};

export default function Book() {
  const data = useLoaderData<typeof loader>();
  const viewer = useRootData()?.viewer ?? { kind: "anonymous" as const };
  return <BookPage clinic={data.clinic} locations={data.locations} viewer={viewer} marketplaceUrl={data.marketplaceUrl} />;
}
