/**
 * The published catalog: the one path through which the marketplace reads across clinics. It runs
 * in the "published catalog" system scope and selects only the fields a clinic publishes on its
 * public site — never contacts of staff, never memberships, never a clinic that is not live.
 */
import type { Db, Tx } from "~/utils/db.server";
import { normaliseSearch } from "./catalog-search";

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

/** A LIKE pattern that matches `text` anywhere, with %, _ and \ taken literally. */
function containsPattern(text: string): string {
  return `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

/** Ids of live clinics whose name, city, tagline or one of whose specialties contains `search`. */
async function matchingClinicIds(tx: Tx, search: string): Promise<string[]> {
  const pattern = containsPattern(search);
  // Backslash is LIKE's default escape character, which containsPattern relies on.
  const rows = await tx.$queryRaw<{ id: string }[]>`
    SELECT c.id::text AS id
      FROM clinics c
     WHERE c.status = 'live'
       AND (c.name ILIKE ${pattern}
            OR c.city ILIKE ${pattern}
            OR c.tagline ILIKE ${pattern}
            OR EXISTS (SELECT 1 FROM unnest(c.specialties) AS s(name) WHERE s.name ILIKE ${pattern}))`;
  return rows.map((r) => r.id);
}

/**
 * Live clinics, alphabetically, with what a clinic card shows. With `search`, only those whose
 * name, city, tagline or a specialty contains it (case-insensitive).
 */
export async function listPublishedClinics(db: Db, options: { search?: string } = {}): Promise<PublishedClinic[]> {
  const search = normaliseSearch(options.search);
  const rows = await db.system("published catalog").tx(async (tx) => {
    const ids = search ? await matchingClinicIds(tx, search) : null;
    if (ids && ids.length === 0) return [];
    return tx.clinic.findMany({
      where: { status: "live", ...(ids ? { id: { in: ids } } : {}) },
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
