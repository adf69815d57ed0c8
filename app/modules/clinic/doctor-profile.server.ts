/**
 * A doctor's own profile: specialty and work status here, and every clinic they work at. The list of
 * clinics is a staff member's own memberships across clinics, read in the named "staff member's
 * clinics" scope; it returns only clinic names, addresses and the member's own roles.
 */
import type { DoctorWorkStatus, StaffRole } from "~/generated/prisma/enums";
import type { Db } from "~/utils/db.server";

export interface DoctorProfile {
  specialty: string | null;
  workStatus: DoctorWorkStatus | null;
  active: boolean;
  clinics: { slug: string; name: string; city: string | null; roles: StaffRole[]; active: boolean; current: boolean }[];
}

export async function getDoctorProfile(db: Db, clinicId: string, staffUserId: string): Promise<DoctorProfile> {
  const here = await db.forClinic(clinicId).tx((tx) =>
    tx.clinicMembership.findFirst({ where: { staffUserId, role: "doctor" }, select: { specialty: true, workStatus: true, active: true } }),
  );
  const memberships = await db.system("staff member's clinics").tx((tx) =>
    tx.clinicMembership.findMany({
      where: { staffUserId, clinic: { status: { not: "suspended" } } },
      select: { role: true, active: true, clinic: { select: { id: true, slug: true, name: true, city: true } } },
      orderBy: { createdAt: "asc" },
    }),
  );
  const clinics = new Map<string, DoctorProfile["clinics"][number]>();
  for (const m of memberships) {
    const entry = clinics.get(m.clinic.id) ?? { slug: m.clinic.slug, name: m.clinic.name, city: m.clinic.city, roles: [], active: false, current: m.clinic.id === clinicId };
    entry.roles.push(m.role);
    entry.active ||= m.active;
    clinics.set(m.clinic.id, entry);
  }
  return {
    specialty: here?.specialty ?? null,
    workStatus: here?.workStatus ?? null,
    active: here?.active ?? false,
    clinics: [...clinics.values()].sort((a, b) => Number(b.current) - Number(a.current) || a.name.localeCompare(b.name)),
  };
}
