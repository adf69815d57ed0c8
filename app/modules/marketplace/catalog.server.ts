/**
 * The published catalog: the one path through which the marketplace reads across clinics. It runs
 * in the "published catalog" system scope and selects only the fields a clinic publishes on its
 * public site — never contacts of staff, never memberships, never a clinic that is not live.
 */
import { describeDiscount } from "~/modules/booking-flow/discounts";
import { toDiscount } from "~/modules/scheduling/discounts";
import type { Db, Tx } from "~/utils/db.server";
import { LOCATION_VIEW_FIELDS, toLocationView, type LocationView } from "~/modules/clinic/locations.server";

/** Every field the marketplace may show about a clinic. Nothing else leaves this module. */
export const PUBLISHED_CLINIC_FIELDS = [
  "slug",
  "name",
  "tagline",
  "city",
  "specialties",
  "timeZone",
  "hasLogo",
  "logoVersion",
  "locationCount",
] as const;

export interface PublishedClinic {
  slug: string;
  name: string;
  tagline: string | null;
  city: string | null;
  specialties: string[];
  timeZone: string;
  hasLogo: boolean;
  logoVersion: number;
  locationCount: number;
}

/**
 * Live clinics, alphabetically, with what a clinic card shows (the marketplace home). Searching
 * clinics is part of the one marketplace search (search.server.ts, decision 040).
 */
export async function listPublishedClinics(db: Db): Promise<PublishedClinic[]> {
  const rows = await db.system("published catalog").tx(async (tx) => {
    return tx.clinic.findMany({
      where: { status: "live" },
      orderBy: [{ name: "asc" }, { slug: "asc" }],
      select: {
        slug: true,
        name: true,
        tagline: true,
        city: true,
        specialties: true,
        timeZone: true,
        logoType: true,
        logoUpdatedAt: true,
        _count: { select: { locations: true } },
      },
    });
  });
  return rows.map((r) => ({
    slug: r.slug,
    name: r.name,
    tagline: r.tagline,
    city: r.city,
    specialties: r.specialties,
    timeZone: r.timeZone,
    hasLogo: Boolean(r.logoType),
    logoVersion: r.logoUpdatedAt?.getTime() ?? 0,
    locationCount: r._count.locations,
  }));
}

// Clinic pages, doctor pages and the map ------------------------------------------------------------
//
// The same published-catalog scope, for one live clinic at a time: its public profile, locations,
// publicly offered services (active or seasonal; RLS refuses the others to this scope as well) and
// the doctors who perform them. Staff e-mail, phone and memberships of other roles never leave here.

export interface PublishedDiscount {
  label: string;
  percent: number;
  /** The whole discount in plain words, as the booking pages say it ("Quiet Tuesdays: 10% off on Tuesdays"). */
  text: string;
}

export interface PublishedService {
  id: string;
  name: string;
  category: string | null;
  description: string | null;
  specialty: string | null;
  durationMin: number;
  priceMinor: number;
  currency: string;
  deposit: { kind: "none" } | { kind: "fixed"; amountMinor: number } | { kind: "percent"; percent: number };
  discounts: PublishedDiscount[];
  season: { from: string; to: string } | null;
  doctorIds: string[];
  /** Where it is offered; every location when the clinic lists none. */
  locationIds: string[];
}

export interface PublishedDoctor {
  id: string;
  name: string;
  specialty: string | null;
  /** What the doctor tells patients about themselves, and the languages they see patients in. */
  bio: string | null;
  languages: string[];
  /** The photo's version on the clinic's host (doctorPhotoUrl), or null for none. */
  photoVersion: number | null;
  /** Locations the doctor works at for the clinic's published services. */
  locationIds: string[];
  serviceIds: string[];
}

export interface PublishedClinicPage {
  id: string;
  slug: string;
  name: string;
  tagline: string | null;
  description: string | null;
  city: string | null;
  specialties: string[];
  timeZone: string;
  currency: string;
  hasLogo: boolean;
  logoVersion: number;
  locations: (LocationView & { latitude: number | null; longitude: number | null; city: string })[];
  services: PublishedService[];
  doctors: PublishedDoctor[];
}

const isoDay = (d: Date) => d.toISOString().slice(0, 10);

function groupIds<T>(rows: T[], key: (row: T) => string, value: (row: T) => string): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const row of rows) out.set(key(row), [...(out.get(key(row)) ?? []), value(row)]);
  return out;
}

async function loadPublishedClinic(tx: Tx, where: { slug: string } | { id: string }, now: Date): Promise<PublishedClinicPage | null> {
  const clinic = await tx.clinic.findFirst({
    where: { ...where, status: "live" },
    select: {
      id: true,
      slug: true,
      name: true,
      tagline: true,
      description: true,
      city: true,
      specialties: true,
      timeZone: true,
      currency: true,
      logoType: true,
      logoUpdatedAt: true,
    },
  });
  if (!clinic) return null;
  const clinicId = clinic.id;
  const today = new Date(`${isoDay(now)}T00:00:00Z`);
  const [locations, services, categories] = await Promise.all([
    tx.location.findMany({ where: { clinicId }, orderBy: [{ createdAt: "asc" }, { name: "asc" }], select: LOCATION_VIEW_FIELDS }),
    tx.service.findMany({
      where: { clinicId, visibility: { in: ["active", "seasonal"] } },
      orderBy: [{ position: "asc" }, { name: "asc" }, { id: "asc" }],
      select: {
        id: true,
        name: true,
        categoryId: true,
        description: true,
        specialty: true,
        durationMin: true,
        priceMinor: true,
        depositKind: true,
        depositValue: true,
        visibility: true,
        seasonFrom: true,
        seasonTo: true,
      },
    }),
    tx.serviceCategory.findMany({ where: { clinicId }, select: { id: true, name: true, position: true } }),
  ]);
  const serviceIds = services.map((s) => s.id);
  const [discounts, serviceDoctors, serviceLocations, memberships] = await Promise.all([
    tx.serviceDiscount.findMany({
      where: { clinicId, serviceId: { in: serviceIds }, OR: [{ endsOn: null }, { endsOn: { gte: today } }] },
      orderBy: [{ percent: "desc" }, { label: "asc" }],
    }),
    tx.serviceDoctor.findMany({ where: { clinicId, serviceId: { in: serviceIds } }, orderBy: { doctorId: "asc" } }),
    tx.serviceLocation.findMany({ where: { clinicId, serviceId: { in: serviceIds } }, orderBy: { locationId: "asc" } }),
    // Bookable doctors only: an active doctor membership that is not on leave or inactive.
    tx.clinicMembership.findMany({
      where: { clinicId, role: "doctor", active: true, OR: [{ workStatus: null }, { workStatus: "active" }] },
      select: { id: true, specialty: true, bio: true, languages: true, staffUser: { select: { name: true } } },
    }),
  ]);
  const doctorIds = memberships.map((m) => m.id);
  const [doctorLocations, photos] = await Promise.all([
    tx.doctorLocation.findMany({ where: { clinicId, doctorId: { in: doctorIds } } }),
    // Whether there is a photo and its version: the bytes are served from the clinic's own host.
    tx.doctorPhoto.findMany({ where: { clinicId, doctorId: { in: doctorIds } }, select: { doctorId: true, updatedAt: true } }),
  ]);
  const photoVersionOf = new Map(photos.map((p) => [p.doctorId, p.updatedAt.getTime()]));

  const categoryOf = new Map(categories.map((c) => [c.id, c]));
  const bookable = new Set(memberships.map((m) => m.id));
  const doctorsOf = groupIds(serviceDoctors.filter((d) => bookable.has(d.doctorId)), (r) => r.serviceId, (r) => r.doctorId);
  const locationsOf = groupIds(serviceLocations, (r) => r.serviceId, (r) => r.locationId);
  const discountsOf = new Map<string, PublishedDiscount[]>();
  for (const d of discounts) discountsOf.set(d.serviceId, [...(discountsOf.get(d.serviceId) ?? []), { label: d.label, percent: d.percent, text: describeDiscount(toDiscount(d)) }]);
  const everyLocation = locations.map((l) => l.id);

  const sortedServices = [...services].sort((a, b) => {
    const pa = a.categoryId ? (categoryOf.get(a.categoryId)?.position ?? 0) : Number.MAX_SAFE_INTEGER;
    const pb = b.categoryId ? (categoryOf.get(b.categoryId)?.position ?? 0) : Number.MAX_SAFE_INTEGER;
    return pa - pb;
  });
  const published: PublishedService[] = sortedServices.map((s) => ({
    id: s.id,
    name: s.name,
    category: s.categoryId ? (categoryOf.get(s.categoryId)?.name ?? null) : null,
    description: s.description,
    specialty: s.specialty,
    durationMin: s.durationMin,
    priceMinor: s.priceMinor,
    currency: clinic.currency,
    deposit:
      s.depositKind === "fixed" && s.depositValue > 0
        ? { kind: "fixed", amountMinor: Math.min(s.depositValue, s.priceMinor) }
        : s.depositKind === "percent" && s.depositValue > 0
          ? { kind: "percent", percent: s.depositValue }
          : { kind: "none" },
    discounts: discountsOf.get(s.id) ?? [],
    season: s.visibility === "seasonal" && s.seasonFrom && s.seasonTo ? { from: isoDay(s.seasonFrom), to: isoDay(s.seasonTo) } : null,
    doctorIds: doctorsOf.get(s.id) ?? [],
    locationIds: locationsOf.get(s.id) ?? everyLocation,
  }));

  const listedLocationsOf = groupIds(doctorLocations, (r) => r.doctorId, (r) => r.locationId);
  const doctors: PublishedDoctor[] = memberships
    .map((m) => {
      const performs = published.filter((s) => s.doctorIds.includes(m.id));
      const listed = listedLocationsOf.get(m.id);
      // A doctor with no listed locations works wherever their services are offered.
      const where = new Set(performs.flatMap((s) => s.locationIds).filter((id) => !listed || listed.includes(id)));
      return {
        id: m.id,
        name: m.staffUser.name,
        specialty: m.specialty,
        bio: m.bio,
        languages: m.languages,
        photoVersion: photoVersionOf.get(m.id) ?? null,
        serviceIds: performs.map((s) => s.id),
        locationIds: everyLocation.filter((id) => where.has(id)),
      };
    })
    .filter((d) => d.serviceIds.length > 0)
    .sort((a, b) => a.name.localeCompare(b.name));

  return {
    id: clinic.id,
    slug: clinic.slug,
    name: clinic.name,
    tagline: clinic.tagline,
    description: clinic.description,
    city: clinic.city,
    specialties: clinic.specialties,
    timeZone: clinic.timeZone,
    currency: clinic.currency,
    hasLogo: Boolean(clinic.logoType),
    logoVersion: clinic.logoUpdatedAt?.getTime() ?? 0,
    locations: locations.map((l) => ({ ...toLocationView(l, clinic.timeZone, now), latitude: l.latitude, longitude: l.longitude, city: l.city })),
    services: published,
    doctors,
  };
}

/** A live clinic's published page by its slug; null for an unknown, draft or suspended clinic. */
export async function getPublishedClinicPage(db: Db, slug: string, now = new Date()): Promise<PublishedClinicPage | null> {
  return db.system("published catalog").tx((tx) => loadPublishedClinic(tx, { slug }, now));
}

/**
 * One doctor's published page: null unless the clinic is live and the doctor is bookable there
 * (active, not on leave, performing at least one publicly offered service).
 */
export async function getPublishedDoctorPage(
  db: Db,
  slug: string,
  doctorId: string,
  now = new Date(),
): Promise<{ clinic: PublishedClinicPage; doctor: PublishedDoctor } | null> {
  const clinic = await getPublishedClinicPage(db, slug, now);
  const doctor = clinic?.doctors.find((d) => d.id === doctorId);
  return clinic && doctor ? { clinic, doctor } : null;
}

/** What a saved favorite points at, as the catalog publishes it today. */
export type PublishedTarget =
  | { kind: "clinic"; clinic: PublishedClinicPage }
  | { kind: "service"; clinic: PublishedClinicPage; service: PublishedService }
  | { kind: "doctor"; clinic: PublishedClinicPage; doctor: PublishedDoctor };

export interface TargetRef {
  clinicId: string;
  kind: "clinic" | "service" | "doctor";
  targetId: string;
}

export const targetKey = (ref: TargetRef) => `${ref.kind}:${ref.clinicId}:${ref.targetId}`;

/** Each reference resolved through the published catalog; null when it is not published (any more). */
export async function resolvePublishedTargets(db: Db, refs: TargetRef[], now = new Date()): Promise<Map<string, PublishedTarget | null>> {
  const clinicIds = [...new Set(refs.map((r) => r.clinicId))];
  const clinics = await db.system("published catalog").tx(async (tx) => {
    const out = new Map<string, PublishedClinicPage | null>();
    for (const id of clinicIds) out.set(id, await loadPublishedClinic(tx, { id }, now));
    return out;
  });
  const resolved = new Map<string, PublishedTarget | null>();
  for (const ref of refs) {
    const clinic = clinics.get(ref.clinicId) ?? null;
    let target: PublishedTarget | null = null;
    if (clinic && ref.kind === "clinic" && ref.targetId === clinic.id) target = { kind: "clinic", clinic };
    if (clinic && ref.kind === "service") {
      const service = clinic.services.find((s) => s.id === ref.targetId);
      if (service) target = { kind: "service", clinic, service };
    }
    if (clinic && ref.kind === "doctor") {
      const doctor = clinic.doctors.find((d) => d.id === ref.targetId);
      if (doctor) target = { kind: "doctor", clinic, doctor };
    }
    resolved.set(targetKey(ref), target);
  }
  return resolved;
}

export interface ClinicPlace {
  slug: string;
  name: string;
  tagline: string | null;
  city: string | null;
  specialties: string[];
  hasLogo: boolean;
  logoVersion: number;
  locations: { id: string; name: string; address: string; city: string; latitude: number | null; longitude: number | null }[];
}

export interface ClinicPlaceFilters {
  city?: string;
  specialty?: string;
}

/**
 * Live clinics with their locations, for the list and map of clinics. `city` matches the clinic's
 * city or a location's; `specialty` the clinic's specialties or a published service's (both
 * case-insensitive, exact). Also the cities and specialties the filters can offer.
 */
export async function listClinicPlaces(
  db: Db,
  filters: ClinicPlaceFilters = {},
): Promise<{ clinics: ClinicPlace[]; cities: string[]; specialties: string[] }> {
  return db.system("published catalog").tx(async (tx) => {
    const clinics = await tx.clinic.findMany({
      where: { status: "live" },
      orderBy: [{ name: "asc" }, { slug: "asc" }],
      select: {
        id: true,
        slug: true,
        name: true,
        tagline: true,
        city: true,
        specialties: true,
        logoType: true,
        logoUpdatedAt: true,
        locations: {
          orderBy: [{ createdAt: "asc" }, { name: "asc" }],
          select: { id: true, name: true, addressLine1: true, postalCode: true, city: true, latitude: true, longitude: true },
        },
      },
    });
    const ids = clinics.map((c) => c.id);
    const services = ids.length
      ? await tx.service.findMany({
          where: { clinicId: { in: ids }, visibility: { in: ["active", "seasonal"] }, specialty: { not: null } },
          select: { clinicId: true, specialty: true },
        })
      : [];
    const serviceSpecialties = groupIds(services, (s) => s.clinicId, (s) => s.specialty ?? "");
    const lower = (s: string) => s.toLocaleLowerCase("en");
    const citiesOf = (c: (typeof clinics)[number]) => [...new Set([c.city, ...c.locations.map((l) => l.city)].filter((x): x is string => Boolean(x)))];
    const specialtiesOf = (c: (typeof clinics)[number]) => [...new Set([...c.specialties, ...(serviceSpecialties.get(c.id) ?? [])].filter(Boolean))];
    const cities = [...new Set(clinics.flatMap(citiesOf))].sort((a, b) => a.localeCompare(b));
    const specialties = [...new Set(clinics.flatMap(specialtiesOf))].sort((a, b) => a.localeCompare(b));
    const matching = clinics.filter(
      (c) =>
        (!filters.city || citiesOf(c).some((x) => lower(x) === lower(filters.city!))) &&
        (!filters.specialty || specialtiesOf(c).some((x) => lower(x) === lower(filters.specialty!))),
    );
    return {
      cities,
      specialties,
      clinics: matching.map((c) => ({
        slug: c.slug,
        name: c.name,
        tagline: c.tagline,
        city: c.city,
        specialties: c.specialties,
        hasLogo: Boolean(c.logoType),
        logoVersion: c.logoUpdatedAt?.getTime() ?? 0,
        locations: c.locations.map((l) => ({
          id: l.id,
          name: l.name,
          address: [l.addressLine1, [l.postalCode, l.city].filter(Boolean).join(" ")].filter(Boolean).join(", "),
          city: l.city,
          latitude: l.latitude,
          longitude: l.longitude,
        })),
      })),
    };
  });
}
