/**
 * The published catalog: the one path through which the marketplace reads across clinics. It runs
 * in the "published catalog" system scope and selects only the fields a clinic publishes on its
 * public site — never contacts of staff, never memberships, never a clinic that is not live.
 */
import type { Db } from "~/utils/db.server";

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

/** Live clinics, alphabetically, with what a clinic card shows. */
export async function listPublishedClinics(db: Db): Promise<PublishedClinic[]> {
  const rows = await db.system("published catalog").tx((tx) =>
    tx.clinic.findMany({
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
    }),
  );
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
