/** Which panel pages a member of staff sees, by role, in the order and groups of the sidebar. */
import type { StaffRole } from "~/generated/prisma/enums";

export type PanelGroup = "Daily work" | "Patients" | "Clinic setup" | "Insights" | "You";

export interface PanelPage {
  to: string;
  label: string;
  group: PanelGroup;
  end?: boolean;
  roles: readonly StaffRole[] | "everyone";
}

const DESK: readonly StaffRole[] = ["owner", "secretary"];

export const PANEL_PAGES: readonly PanelPage[] = [
  { to: "/panel", label: "Today", group: "Daily work", end: true, roles: "everyone" },
  { to: "/panel/desk", label: "Desk", group: "Daily work", roles: DESK },
  { to: "/panel/queue", label: "Queue", group: "Daily work", roles: DESK },
  { to: "/panel/my-day", label: "My day", group: "Daily work", roles: ["doctor"] },
  { to: "/panel/calendar", label: "Calendar", group: "Daily work", roles: DESK },
  { to: "/panel/book", label: "Book by phone", group: "Daily work", roles: DESK },
  { to: "/panel/requests", label: "Requests", group: "Daily work", roles: DESK },
  { to: "/panel/visits", label: "Visits", group: "Daily work", roles: DESK },
  { to: "/panel/patients", label: "Patients", group: "Patients", roles: "everyone" },
  { to: "/panel/clinic", label: "Clinic profile", group: "Clinic setup", roles: ["owner"] },
  { to: "/panel/locations", label: "Locations", group: "Clinic setup", roles: ["owner"] },
  { to: "/panel/services", label: "Services", group: "Clinic setup", roles: ["owner"] },
  { to: "/panel/schedules", label: "Schedules", group: "Clinic setup", roles: ["owner"] },
  { to: "/panel/staff", label: "Staff", group: "Clinic setup", roles: ["owner"] },
  { to: "/panel/settings", label: "Settings", group: "Clinic setup", roles: ["owner"] },
  { to: "/panel/documents", label: "Documents", group: "Clinic setup", roles: ["owner"] },
  { to: "/panel/payouts", label: "Payouts", group: "Clinic setup", roles: ["owner"] },
  { to: "/panel/api-keys", label: "API keys", group: "Clinic setup", roles: ["owner"] },
  { to: "/panel/reports", label: "Reports", group: "Insights", roles: ["owner"] },
  { to: "/panel/audit", label: "Audit log", group: "Insights", roles: ["owner"] },
  { to: "/panel/time-off", label: "Time off", group: "You", roles: ["doctor", "owner"] },
  { to: "/panel/profile", label: "My profile", group: "You", roles: ["doctor"] },
  { to: "/panel/account", label: "My account", group: "You", roles: "everyone" },
];

export function panelNavFor(roles: readonly StaffRole[]) {
  return PANEL_PAGES.filter((p) => p.roles === "everyone" || p.roles.some((r) => roles.includes(r))).map(({ to, label, end, group }) => ({ to, label, end, group }));
}
