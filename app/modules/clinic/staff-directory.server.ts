/** The clinic's staff as the owner sees them: one row per person, with every role they hold here. */
import type { DoctorWorkStatus, StaffRole } from "~/generated/prisma/enums";
import type { Db } from "~/utils/db.server";

export interface StaffMember {
  staffUserId: string;
  name: string;
  email: string;
  roles: StaffRole[];
  specialty: string | null;
  workStatus: DoctorWorkStatus | null;
  active: boolean;
}

const ROLE_ORDER: StaffRole[] = ["owner", "secretary", "doctor"];

export async function listClinicStaff(db: Db, clinicId: string): Promise<StaffMember[]> {
  const memberships = await db.forClinic(clinicId).tx((tx) =>
    tx.clinicMembership.findMany({
      select: {
        role: true,
        specialty: true,
        workStatus: true,
        active: true,
        staffUser: { select: { id: true, name: true, email: true } },
      },
    }),
  );
  const people = new Map<string, StaffMember>();
  for (const m of memberships) {
    const person = people.get(m.staffUser.id) ?? {
      staffUserId: m.staffUser.id,
      name: m.staffUser.name,
      email: m.staffUser.email,
      roles: [],
      specialty: null,
      workStatus: null,
      active: false,
    };
    person.roles.push(m.role);
    person.specialty ??= m.specialty;
    if (m.role === "doctor") person.workStatus = m.workStatus;
    person.active ||= m.active;
    people.set(m.staffUser.id, person);
  }
  return [...people.values()]
    .map((p) => ({ ...p, roles: [...p.roles].sort((a, b) => ROLE_ORDER.indexOf(a) - ROLE_ORDER.indexOf(b)) }))
    .sort((a, b) => Number(b.active) - Number(a.active) || a.name.localeCompare(b.name));
}
