/**
 * What a patient can book at a clinic: its bookable services with their doctors and locations,
 * read the way the API's catalog reads them (never inactive or internal-only services; a service
 * without listed locations is offered at every location).
 */
import type { ClinicDb } from "~/utils/db.server";
import { toDiscount, type Discount } from "~/modules/scheduling/discounts";

export interface BookableService {
  id: string;
  name: string;
  category: string | null;
  description: string | null;
  durationMin: number;
  priceMinor: number;
  deposit: { kind: "none" } | { kind: "fixed"; amountMinor: number } | { kind: "percent"; percent: number };
  preparationNotes: string | null;
  /** The reasons for a visit the patient may choose from; none asks no choice. */
  visitReasons: string[];
  cancellationWindowMin: number;
  requiresApproval: boolean;
  season: { from: string; to: string } | null;
  /** Every discount rule of the service, ended seasons included (callers decide what still applies). */
  discounts: Discount[];
  doctorIds: string[];
  locationIds: string[];
}

export interface BookingLocation {
  id: string;
  name: string;
  address: string;
}

export interface BookingDoctor {
  id: string;
  name: string;
  specialty: string | null;
  locationIds: string[];
}

export interface BookingCatalog {
  services: BookableService[];
  locations: BookingLocation[];
  doctors: BookingDoctor[];
}

const isoDate = (d: Date) => d.toISOString().slice(0, 10);

function listOf<T>(rows: T[], key: (row: T) => string, value: (row: T) => string): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const row of rows) out.set(key(row), [...(out.get(key(row)) ?? []), value(row)]);
  return out;
}

export async function loadBookingCatalog(db: ClinicDb): Promise<BookingCatalog> {
  return db.tx(async (tx) => {
    const services = await tx.service.findMany({ where: { visibility: { in: ["active", "seasonal"] } }, orderBy: [{ position: "asc" }, { name: "asc" }, { id: "asc" }] });
    const ids = services.map((s) => s.id);
    const categories = await tx.serviceCategory.findMany({ select: { id: true, name: true } });
    const serviceDoctors = await tx.serviceDoctor.findMany({ where: { serviceId: { in: ids } }, orderBy: { doctorId: "asc" } });
    const serviceLocations = await tx.serviceLocation.findMany({ where: { serviceId: { in: ids } }, orderBy: { locationId: "asc" } });
    const discountRows = await tx.serviceDiscount.findMany({ where: { serviceId: { in: ids } }, orderBy: [{ percent: "desc" }, { label: "asc" }] });
    const locations = await tx.location.findMany({
      orderBy: [{ createdAt: "asc" }, { name: "asc" }],
      select: { id: true, name: true, addressLine1: true, addressLine2: true, city: true, region: true, postalCode: true },
    });
    const memberships = await tx.clinicMembership.findMany({
      where: { role: "doctor", active: true },
      select: { id: true, specialty: true, staffUser: { select: { name: true } } },
    });
    const doctorLocations = await tx.doctorLocation.findMany({ where: { doctorId: { in: memberships.map((m) => m.id) } } });

    const doctorSet = new Set(memberships.map((m) => m.id));
    const categoryName = new Map(categories.map((c) => [c.id, c.name]));
    const doctorsOf = listOf(
      serviceDoctors.filter((d) => doctorSet.has(d.doctorId)),
      (r) => r.serviceId,
      (r) => r.doctorId,
    );
    const locationsOf = listOf(
      serviceLocations,
      (r) => r.serviceId,
      (r) => r.locationId,
    );
    const locationsOfDoctor = listOf(
      doctorLocations,
      (r) => r.doctorId,
      (r) => r.locationId,
    );
    const everyLocation = locations.map((l) => l.id);
    const discountsOf = new Map<string, Discount[]>();
    for (const d of discountRows) discountsOf.set(d.serviceId, [...(discountsOf.get(d.serviceId) ?? []), toDiscount(d)]);
    return {
      services: services.map((s) => ({
        id: s.id,
        name: s.name,
        category: s.categoryId ? (categoryName.get(s.categoryId) ?? null) : null,
        description: s.description,
        durationMin: s.durationMin,
        priceMinor: s.priceMinor,
        deposit:
          s.depositKind === "fixed"
            ? { kind: "fixed" as const, amountMinor: Math.min(s.depositValue, s.priceMinor) }
            : s.depositKind === "percent"
              ? { kind: "percent" as const, percent: s.depositValue }
              : { kind: "none" as const },
        preparationNotes: s.preparationNotes,
        visitReasons: s.visitReasons,
        cancellationWindowMin: s.cancellationWindowMin,
        requiresApproval: s.requiresApproval,
        season: s.visibility === "seasonal" && s.seasonFrom && s.seasonTo ? { from: isoDate(s.seasonFrom), to: isoDate(s.seasonTo) } : null,
        discounts: discountsOf.get(s.id) ?? [],
        doctorIds: doctorsOf.get(s.id) ?? [],
        locationIds: locationsOf.get(s.id) ?? everyLocation,
      })),
      locations: locations.map((l) => ({
        id: l.id,
        name: l.name,
        address: [l.addressLine1, l.addressLine2, [l.city, l.region, l.postalCode].filter(Boolean).join(" ")].filter(Boolean).join(", "),
      })),
      doctors: memberships
        .map((m) => ({ id: m.id, name: m.staffUser.name, specialty: m.specialty, locationIds: locationsOfDoctor.get(m.id) ?? [] }))
        .sort((a, b) => a.name.localeCompare(b.name)),
    };
  });
}
