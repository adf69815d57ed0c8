/**
 * What the clinic's own site shows before booking: its services with prices and their next free
 * times (the home page), its doctors, and each doctor's page (photo, introduction, languages,
 * specialty, services with their next free times). Read in the clinic's own scope, so another
 * clinic's doctor is simply not found. A doctor has a page while they can be booked here: an
 * active doctor, not on leave or inactive, performing at least one publicly offered service.
 */
import { doctorPhotoUrl } from "~/modules/clinic/doctor-public-profile.server";
import { initialsOf } from "~/modules/clinic/doctor-profile-rules";
import type { ClinicRef } from "~/modules/scheduling/slots.server";
import { utcToZoned } from "~/lib/zoned-time";
import type { ClinicDb } from "~/utils/db.server";
import { loadBookingCatalog, type BookableService, type BookingCatalog, type BookingLocation } from "./catalog.server";
import { bookHref } from "./choice";
import { serviceCard, type ServiceCard } from "./flow.server";
import { rememberedForClinic } from "./site-catalog-cache.server";
import { freeTimeLinks, NEXT_TIMES_HORIZON_DAYS, upcomingFreeTimes, type FreeTimeLink } from "./next-free-times.server";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export interface SiteDoctor {
  id: string;
  name: string;
  specialty: string | null;
  bio: string | null;
  languages: string[];
  photoUrl: string | null;
  initials: string;
  /** The doctor's page on the clinic's site. */
  href: string;
}

export interface SiteServiceOffer extends ServiceCard {
  category: string | null;
  /** The booking flow at this service (and doctor, on a doctor's page). */
  bookUrl: string;
  times: FreeTimeLink[];
}

export interface ClinicHomeOffer {
  services: SiteServiceOffer[];
  doctors: SiteDoctor[];
  horizonDays: number;
}

export interface SiteDoctorPage {
  doctor: SiteDoctor;
  services: SiteServiceOffer[];
  locations: BookingLocation[];
  horizonDays: number;
}

interface DoctorProfiles {
  rows: Map<string, { bio: string | null; languages: string[] }>;
  photos: Map<string, number>;
}

/** The public profile of the clinic's doctors who see patients, read beside the catalog rather than after it. */
async function doctorProfiles(db: ClinicDb): Promise<DoctorProfiles> {
  return db.tx(async (tx) => {
    const rows = await tx.clinicMembership.findMany({
      where: { role: "doctor", active: true, OR: [{ workStatus: null }, { workStatus: "active" }] },
      select: { id: true, bio: true, languages: true },
    });
    const photos = await tx.doctorPhoto.findMany({ select: { doctorId: true, updatedAt: true } });
    return { rows: new Map(rows.map((r) => [r.id, r])), photos: new Map(photos.map((p) => [p.doctorId, p.updatedAt.getTime()])) };
  });
}

/** The clinic's bookable catalog and its doctors' profiles, remembered until its setup changes (site-catalog-cache.server.ts). */
function siteSetup(db: ClinicDb): Promise<[BookingCatalog, DoctorProfiles]> {
  return Promise.all([rememberedForClinic(db, "booking catalog", () => loadBookingCatalog(db)), rememberedForClinic(db, "doctor profiles", () => doctorProfiles(db))]);
}

/** The clinic's bookable doctors (active, seeing patients, performing a public service) with their public profile, by id. */
function bookableDoctors(catalog: BookingCatalog, profiles: DoctorProfiles): Map<string, SiteDoctor> {
  const performing = new Set(catalog.services.flatMap((s) => s.doctorIds));
  const out = new Map<string, SiteDoctor>();
  for (const d of catalog.doctors) {
    const p = profiles.rows.get(d.id);
    if (!p || !performing.has(d.id)) continue;
    const version = profiles.photos.get(d.id);
    out.set(d.id, {
      id: d.id,
      name: d.name,
      specialty: d.specialty,
      bio: p.bio,
      languages: p.languages,
      photoUrl: version === undefined ? null : doctorPhotoUrl(d.id, version),
      initials: initialsOf(d.name),
      href: `/doctors/${d.id}`,
    });
  }
  return out;
}

function offer(service: BookableService, clinic: ClinicRef, today: string, bookUrl: string, times: FreeTimeLink[]): SiteServiceOffer {
  return { ...serviceCard(service, clinic.currency, today), category: service.category, bookUrl, times };
}

/** The home page's services (each with its next free times with any doctor) and doctors. */
export async function clinicHomeOffer(db: ClinicDb, clinic: ClinicRef, options: { now?: Date; timesPerService?: number } = {}): Promise<ClinicHomeOffer> {
  const now = options.now ?? new Date();
  const [catalog, profiles] = await siteSetup(db);
  const doctors = bookableDoctors(catalog, profiles);
  // A service nobody here can perform has no times to offer; it is still listed with its price.
  const services = catalog.services;
  const times = await upcomingFreeTimes(
    db,
    clinic,
    services.map((s) => ({ serviceId: s.id, doctorId: null })),
    { now, perQuery: options.timesPerService ?? 3 },
  );
  const today = utcToZoned(now, clinic.timeZone).date;
  return {
    services: services.map((s, i) => offer(s, clinic, today, bookHref({ service: s.id }), freeTimeLinks(times[i]!, clinic, { serviceId: s.id, doctor: "any" }, { now }))),
    doctors: [...doctors.values()],
    horizonDays: NEXT_TIMES_HORIZON_DAYS,
  };
}

/**
 * One doctor's page on the clinic's site, or null when this clinic has no bookable doctor with
 * that id (another clinic's doctor, a former, inactive or on-leave doctor, or no id at all).
 */
export async function getSiteDoctorPage(db: ClinicDb, clinic: ClinicRef, doctorId: string, options: { now?: Date; timesPerService?: number } = {}): Promise<SiteDoctorPage | null> {
  if (!UUID.test(doctorId)) return null;
  const now = options.now ?? new Date();
  const [catalog, profiles] = await siteSetup(db);
  const doctor = bookableDoctors(catalog, profiles).get(doctorId);
  if (!doctor) return null;
  const listed = catalog.doctors.find((d) => d.id === doctorId)!.locationIds;
  const services = catalog.services.filter((s) => s.doctorIds.includes(doctorId));
  const times = await upcomingFreeTimes(
    db,
    clinic,
    services.map((s) => ({ serviceId: s.id, doctorId })),
    { now, perQuery: options.timesPerService ?? 4 },
  );
  const today = utcToZoned(now, clinic.timeZone).date;
  // A doctor with no listed locations works wherever their services are offered.
  const where = new Set(services.flatMap((s) => s.locationIds).filter((id) => listed.length === 0 || listed.includes(id)));
  const locations = catalog.locations.filter((l) => where.has(l.id));
  return {
    doctor,
    services: services.map((s, i) => {
      const at = s.locationIds.filter((id) => where.has(id));
      // With one place to see this doctor for it, the booking starts at the doctor's days.
      const bookUrl = bookHref(at.length === 1 ? { service: s.id, location: at[0], doctor: doctorId } : { service: s.id });
      return offer(s, clinic, today, bookUrl, freeTimeLinks(times[i]!, clinic, { serviceId: s.id, doctor: doctorId }, { now }));
    }),
    locations,
    horizonDays: NEXT_TIMES_HORIZON_DAYS,
  };
}
