/** The clinic's logo bytes, read in the clinic's own scope, and the one way to link to them. */
import type { ClinicDb } from "~/utils/db.server";

/** Served by app/routes/brand.logo.ts on the clinic's own host. */
export const LOGO_PATH = "/brand/logo";

/**
 * The logo's address, versioned by its update time so a new logo gets a new URL and each version
 * can be cached for a year. `origin` is the clinic's site when the page is on another host.
 */
export function clinicLogoUrl(clinic: { hasLogo: boolean; logoVersion: number }, origin = ""): string | null {
  return clinic.hasLogo ? `${origin}${LOGO_PATH}?v=${clinic.logoVersion}` : null;
}

export async function getClinicLogo(db: ClinicDb) {
  const row = await db.tx((tx) =>
    tx.clinic.findUnique({ where: { id: db.clinicId }, select: { logoData: true, logoType: true, logoUpdatedAt: true } }),
  );
  if (!row?.logoData || !row.logoType) return null;
  return { bytes: row.logoData, contentType: row.logoType, version: row.logoUpdatedAt?.getTime() ?? 0 };
}
