/**
 * The clinic, its bookable services and its practitioners, as an integration (or a signed-in
 * patient) reads them. Each answer is one clinic-scoped transaction.
 */
import type { Prisma } from "~/generated/prisma/client";
import { parseOpeningHours } from "~/modules/tenancy/opening-hours";
import type { Audience } from "~/modules/scheduling/schedule-data.server";
import type { Tx } from "~/utils/db.server";
import type { ApiRequest } from "./request.server";
import type { ClinicBody, PractitionerBody, ServiceBody } from "./schemas.server";

/** Never inactive; internal-only services only for integrations (they book on the clinic's behalf). */
function visibleServices(audience: Audience): Prisma.ServiceWhereInput {
  return { visibility: { in: audience === "staff" ? ["active", "seasonal", "internal_only"] : ["active", "seasonal"] } };
}

export async function getClinicForApi(api: ApiRequest): Promise<ClinicBody> {
  const { clinic } = api;
  return api.db.tx(async (tx) => {
    const row = await tx.clinic.findUniqueOrThrow({
      where: { id: clinic.id },
      select: {
        id: true,
        slug: true,
        name: true,
        timeZone: true,
        currency: true,
        tagline: true,
        description: true,
        contactPhone: true,
        contactEmail: true,
        website: true,
      },
    });
    const locations = await tx.location.findMany({ orderBy: [{ createdAt: "asc" }, { name: "asc" }] });
    return {
      id: row.id,
      slug: row.slug,
      name: row.name,
      timeZone: row.timeZone,
      currency: row.currency,
      tagline: row.tagline,
      description: row.description,
      contact: { phone: row.contactPhone, email: row.contactEmail, website: row.website },
      locations: locations.map((l) => ({
        id: l.id,
        name: l.name,
        address: { line1: l.addressLine1, line2: l.addressLine2, city: l.city, region: l.region, postalCode: l.postalCode, country: l.country },
        latitude: l.latitude,
        longitude: l.longitude,
        phone: l.phone,
        openingHours: parseOpeningHours(l.openingHours),
      })),
    };
  });
}

function groupBy<T>(rows: T[], key: (row: T) => string, value: (row: T) => string): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const row of rows) {
    const list = out.get(key(row)) ?? [];
    list.push(value(row));
    out.set(key(row), list);
  }
  return out;
}

/** Doctors who take bookings at all: an active doctor membership (on leave still listed, with its status). */
async function doctorIds(tx: Tx): Promise<Set<string>> {
  const rows = await tx.clinicMembership.findMany({ where: { role: "doctor", active: true }, select: { id: true } });
  return new Set(rows.map((r) => r.id));
}

/** A @db.Date column comes back as UTC midnight of that date. */
const isoDate = (d: Date) => d.toISOString().slice(0, 10);

export async function listServicesForApi(api: ApiRequest): Promise<{ services: ServiceBody[] }> {
  const { clinic } = api;
  return api.db.tx(async (tx) => {
    const services = await tx.service.findMany({ where: visibleServices(api.audience), orderBy: [{ position: "asc" }, { name: "asc" }, { id: "asc" }] });
    const ids = services.map((s) => s.id);
    const categories = await tx.serviceCategory.findMany({ select: { id: true, name: true } });
    const serviceDoctors = await tx.serviceDoctor.findMany({ where: { serviceId: { in: ids } }, orderBy: { doctorId: "asc" } });
    const serviceLocations = await tx.serviceLocation.findMany({ where: { serviceId: { in: ids } }, orderBy: { locationId: "asc" } });
    const locations = await tx.location.findMany({ orderBy: [{ createdAt: "asc" }, { name: "asc" }], select: { id: true } });
    const doctors = await doctorIds(tx);
    const categoryName = new Map(categories.map((c) => [c.id, c.name]));
    const practitionersOf = groupBy(
      serviceDoctors.filter((d) => doctors.has(d.doctorId)),
      (r) => r.serviceId,
      (r) => r.doctorId,
    );
    const locationsOf = groupBy(
      serviceLocations,
      (r) => r.serviceId,
      (r) => r.locationId,
    );
    const everyLocation = locations.map((l) => l.id);
    const money = (amountMinor: number) => ({ amountMinor, currency: clinic.currency });
    return {
      services: services.flatMap((s): ServiceBody[] => {
        const visibility = s.visibility;
        // The where clause already leaves inactive services out; this narrows the type.
        if (visibility === "inactive") return [];
        return [
          {
            id: s.id,
            name: s.name,
            category: s.categoryId ? categoryName.get(s.categoryId) ?? null : null,
            description: s.description,
            specialty: s.specialty,
            durationMinutes: s.durationMin,
            price: money(s.priceMinor),
            deposit:
              s.depositKind === "fixed"
                ? { kind: "fixed", amount: money(s.depositValue) }
                : s.depositKind === "percent"
                ? { kind: "percent", percent: s.depositValue }
                : { kind: "none" },
            bufferBeforeMinutes: s.bufferBeforeMin,
            bufferAfterMinutes: s.bufferAfterMin,
            minimumNoticeMinutes: s.minNoticeMin,
            horizonDays: s.horizonDays,
            cancellationWindowMinutes: s.cancellationWindowMin,
            requiresApproval: s.requiresApproval,
            visibility,
            season: s.seasonFrom && s.seasonTo ? { from: isoDate(s.seasonFrom), to: isoDate(s.seasonTo) } : null,
            preparationNotes: s.preparationNotes,
            practitionerIds: practitionersOf.get(s.id) ?? [],
            // A service without listed locations is offered at every location.
            locationIds: locationsOf.get(s.id) ?? everyLocation,
          },
        ];
      }),
    };
  });
}

export async function listPractitionersForApi(api: ApiRequest): Promise<{ practitioners: PractitionerBody[] }> {
  return api.db.tx(async (tx) => {
    const memberships = await tx.clinicMembership.findMany({
      where: { role: "doctor", active: true },
      select: { id: true, specialty: true, workStatus: true, staffUser: { select: { name: true } } },
    });
    const ids = memberships.map((m) => m.id);
    const visible = new Set((await tx.service.findMany({ where: visibleServices(api.audience), select: { id: true } })).map((s) => s.id));
    const doctorLocations = await tx.doctorLocation.findMany({ where: { doctorId: { in: ids } }, orderBy: { locationId: "asc" } });
    const serviceDoctors = await tx.serviceDoctor.findMany({ where: { doctorId: { in: ids } }, orderBy: { serviceId: "asc" } });
    const locationsOf = groupBy(
      doctorLocations,
      (r) => r.doctorId,
      (r) => r.locationId,
    );
    const servicesOf = groupBy(
      serviceDoctors.filter((r) => visible.has(r.serviceId)),
      (r) => r.doctorId,
      (r) => r.serviceId,
    );
    return {
      practitioners: memberships
        .map((m) => ({
          id: m.id,
          name: m.staffUser.name,
          specialty: m.specialty,
          workStatus: m.workStatus ?? "active",
          locationIds: locationsOf.get(m.id) ?? [],
          serviceIds: servicesOf.get(m.id) ?? [],
        }))
        .sort((a, b) => a.name.localeCompare(b.name) || a.id.localeCompare(b.id)),
    };
  });
}
