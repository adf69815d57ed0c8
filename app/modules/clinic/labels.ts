/** How roles and statuses read in the clinic's words. */
import type { ClinicStatus, DoctorWorkStatus, StaffRole } from "~/generated/prisma/enums";

export const ROLE_LABELS: Record<StaffRole, string> = { owner: "Owner", secretary: "Secretary", doctor: "Doctor" };

export const WORK_STATUS_LABELS: Record<DoctorWorkStatus, string> = { active: "Seeing patients", on_leave: "On leave", inactive: "Not practising" };

export const CLINIC_STATUS_LABELS: Record<ClinicStatus, string> = { draft: "Draft", live: "Live", suspended: "Suspended" };

export function listRoles(roles: readonly StaffRole[]): string {
  return roles.map((r) => ROLE_LABELS[r]).join(", ");
}
