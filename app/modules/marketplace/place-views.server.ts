/**
 * The published catalog's clinic and doctor records as the marketplace's pages show them: prices in
 * the clinic's currency, discounts and deposits in words, links to the clinic's own site.
 */
import { formatDuration, formatMoney } from "~/lib/format";
import { depositWords } from "~/modules/pricing/price";
import { clinicLogoUrl } from "~/modules/clinic/logo.server";
import type { PublishedClinicPage, PublishedDoctor, PublishedService } from "./catalog.server";
import { bookingUrl } from "./search.server";

export interface ServiceView {
  id: string;
  name: string;
  description: string | null;
  duration: string;
  price: string;
  /** Its discounts in plain words, e.g. "Early bird: 20% off on Mondays and Tuesdays". */
  discounts: string[];
  deposit: string | null;
  season: string | null;
  bookUrl: string;
}

export interface DoctorSummary {
  id: string;
  name: string;
  specialty: string | null;
  href: string;
}

export function clinicPagePath(slug: string) {
  return `/clinics/${encodeURIComponent(slug)}`;
}

export function doctorPagePath(slug: string, doctorId: string) {
  return `${clinicPagePath(slug)}/doctors/${encodeURIComponent(doctorId)}`;
}

function depositText(service: PublishedService): string | null {
  const d = service.deposit;
  const words = depositWords({ priceMinor: service.priceMinor, currency: service.currency, depositKind: d.kind, depositValue: d.kind === "fixed" ? d.amountMinor : d.kind === "percent" ? d.percent : 0 }, formatMoney);
  return words && `${words} deposit`;
}

export function serviceView(service: PublishedService, siteUrl: string, extra: Record<string, string> = {}): ServiceView {
  const query = new URLSearchParams(extra).toString();
  return {
    id: service.id,
    name: service.name,
    description: service.description,
    duration: formatDuration(service.durationMin),
    price: formatMoney(service.priceMinor, service.currency),
    discounts: service.discounts.map((d) => d.text),
    deposit: depositText(service),
    season: service.season ? `Offered ${service.season.from} to ${service.season.to}` : null,
    bookUrl: `${bookingUrl(siteUrl, service.id)}${query ? `&${query}` : ""}`,
  };
}

export function groupServices(services: PublishedService[], siteUrl: string): { category: string | null; services: ServiceView[] }[] {
  const groups = new Map<string | null, ServiceView[]>();
  for (const s of services) groups.set(s.category, [...(groups.get(s.category) ?? []), serviceView(s, siteUrl)]);
  return [...groups].map(([category, list]) => ({ category, services: list }));
}

export function doctorSummary(clinic: PublishedClinicPage, doctor: PublishedDoctor): DoctorSummary {
  return { id: doctor.id, name: doctor.name, specialty: doctor.specialty, href: doctorPagePath(clinic.slug, doctor.id) };
}

export function clinicHeaderView(clinic: PublishedClinicPage, siteUrl: string) {
  return {
    id: clinic.id,
    slug: clinic.slug,
    name: clinic.name,
    tagline: clinic.tagline,
    description: clinic.description,
    city: clinic.city,
    specialties: clinic.specialties,
    timeZone: clinic.timeZone,
    logoUrl: clinicLogoUrl(clinic, siteUrl),
    siteUrl,
    bookUrl: `${siteUrl}/book`,
    href: clinicPagePath(clinic.slug),
  };
}
