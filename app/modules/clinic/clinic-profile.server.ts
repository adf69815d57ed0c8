/** The owner's read-only overview of the clinic: identity, branding, contacts and domains. */
import type { ClinicDb } from "~/utils/db.server";
import { displayPhone } from "./phone-display.server";
import { contrastRatio, inkFor } from "~/modules/tenancy/theme";

/** WCAG AA for normal text. */
const AA = 4.5;

export async function getClinicProfile(db: ClinicDb) {
  const clinicId = db.clinicId;
  const { clinic, domains, locationCount } = await db.tx(async (tx) => ({
    clinic: await tx.clinic.findUniqueOrThrow({
      where: { id: clinicId },
      select: {
        slug: true,
        name: true,
        status: true,
        timeZone: true,
        tagline: true,
        description: true,
        logoType: true,
        logoUpdatedAt: true,
        colorPrimary: true,
        colorAccent: true,
        contactPhone: true,
        contactEmail: true,
        website: true,
        city: true,
        specialties: true,
        createdAt: true,
      },
    }),
    domains: await tx.clinicDomain.findMany({ orderBy: { host: "asc" }, select: { id: true, host: true, verifiedAt: true } }),
    locationCount: await tx.location.count(),
  }));
  const ink = inkFor(clinic.colorPrimary);
  const colours = [
    { name: "Primary", hex: clinic.colorPrimary, textOn: ink, ratio: contrastRatio(clinic.colorPrimary, ink) },
    { name: "Accent", hex: clinic.colorAccent, textOn: inkFor(clinic.colorAccent), ratio: contrastRatio(clinic.colorAccent, inkFor(clinic.colorAccent)) },
  ].map((c) => ({ ...c, ratio: Math.round(c.ratio * 100) / 100, passes: c.ratio >= AA }));
  const { logoType, logoUpdatedAt, createdAt, contactPhone, ...rest } = clinic;
  return {
    ...rest,
    contactPhone: contactPhone ? displayPhone(contactPhone) : null,
    hasLogo: Boolean(logoType),
    logoType,
    logoUpdatedAt: logoUpdatedAt?.toISOString() ?? null,
    createdAt: createdAt.toISOString(),
    colours,
    domains: domains.map((d) => ({ id: d.id, host: d.host, verified: d.verifiedAt != null })),
    locationCount,
  };
}
