/** The clinic's logo bytes, read in the clinic's own scope. */
import type { Db } from "~/utils/db.server";

export async function getClinicLogo(db: Db, clinicId: string) {
  const row = await db.forClinic(clinicId).tx((tx) =>
    tx.clinic.findUnique({ where: { id: clinicId }, select: { logoData: true, logoType: true, logoUpdatedAt: true } }),
  );
  if (!row?.logoData || !row.logoType) return null;
  return { bytes: row.logoData, contentType: row.logoType, version: row.logoUpdatedAt?.getTime() ?? 0 };
}
