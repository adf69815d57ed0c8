/**
 * The platform operator's directory of every clinic, read in the named "platform admin" system
 * scope. Counts only: no contacts of staff and no patient data leave this module.
 */
import type { ClinicStatus } from "~/generated/prisma/enums";
import type { Db } from "~/utils/db.server";

export interface DirectoryClinic {
  id: string;
  slug: string;
  name: string;
  status: ClinicStatus;
  city: string | null;
  timeZone: string;
  locationCount: number;
  staffCount: number;
  createdAt: string;
}

export interface PlatformCounts {
  clinicsByStatus: Record<ClinicStatus, number>;
  clinics: number;
  staffUsers: number;
  patientAccounts: number;
}

export async function getClinicDirectory(db: Db): Promise<{ clinics: DirectoryClinic[]; counts: PlatformCounts }> {
  return db.system("platform admin").tx(async (tx) => {
    const rows = await tx.clinic.findMany({
      orderBy: [{ createdAt: "desc" }, { name: "asc" }],
      select: {
        id: true,
        slug: true,
        name: true,
        status: true,
        city: true,
        timeZone: true,
        createdAt: true,
        _count: { select: { locations: true } },
      },
    });
    // A person holding two roles at one clinic is one member of staff.
    const staff = await tx.clinicMembership.groupBy({ by: ["clinicId", "staffUserId"], where: { active: true } });
    const staffPerClinic = new Map<string, number>();
    for (const s of staff) staffPerClinic.set(s.clinicId, (staffPerClinic.get(s.clinicId) ?? 0) + 1);
    const staffUsers = await tx.staffUser.count();
    const patientAccounts = await tx.patientAccount.count();

    const clinicsByStatus: Record<ClinicStatus, number> = { draft: 0, live: 0, suspended: 0 };
    for (const r of rows) clinicsByStatus[r.status] += 1;
    return {
      clinics: rows.map((r) => ({
        id: r.id,
        slug: r.slug,
        name: r.name,
        status: r.status,
        city: r.city,
        timeZone: r.timeZone,
        locationCount: r._count.locations,
        staffCount: staffPerClinic.get(r.id) ?? 0,
        createdAt: r.createdAt.toISOString(),
      })),
      counts: { clinicsByStatus, clinics: rows.length, staffUsers, patientAccounts },
    };
  });
}
