/** The clinic's staff as the owner sees them: one row per person, with every role they hold here. */
import type { DoctorWorkStatus, StaffRole } from "~/generated/prisma/enums";
import type { ClinicDb } from "~/utils/db.server";

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

export async function listClinicStaff(db: ClinicDb): Promise<StaffMember[]> {
  const memberships = await db.tx((tx) =>
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
  const people = new Map<string, StaffMember & { activeRoles: StaffRole[] }>();
  for (const m of memberships) {
    const person = people.get(m.staffUser.id) ?? {
      staffUserId: m.staffUser.id,
      name: m.staffUser.name,
      email: m.staffUser.email,
      roles: [],
      activeRoles: [],
      specialty: null,
      workStatus: null,
      active: false,
    };
    person.roles.push(m.role);
    if (m.active) person.activeRoles.push(m.role);
    person.specialty ??= m.specialty;
    if (m.role === "doctor" && m.active) person.workStatus = m.workStatus;
    person.active ||= m.active;
    people.set(m.staffUser.id, person);
  }
  const ordered = (roles: StaffRole[]) => [...roles].sort((a, b) => ROLE_ORDER.indexOf(a) - ROLE_ORDER.indexOf(b));
  // An active person shows the roles they hold now; a deactivated one the roles they held (offered back on reactivation).
  return [...people.values()]
    .map(({ activeRoles, ...p }) => ({ ...p, roles: ordered(p.active ? activeRoles : p.roles) }))
    .sort((a, b) => Number(b.active) - Number(a.active) || a.name.localeCompare(b.name));
}
