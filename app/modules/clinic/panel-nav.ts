/** Which panel pages a member of staff sees, by role. Only pages that exist are listed. */
import type { StaffRole } from "~/generated/prisma/enums";

export interface PanelPage {
  to: string;
  label: string;
  end?: boolean;
  roles: readonly StaffRole[] | "everyone";
}

export const PANEL_PAGES: readonly PanelPage[] = [
  { to: "/panel", label: "Today", end: true, roles: "everyone" },
  { to: "/panel/desk", label: "Desk", roles: ["owner", "secretary"] },
  { to: "/panel/calendar", label: "Calendar", roles: ["owner", "secretary"] },
  { to: "/panel/book", label: "Book by phone", roles: ["owner", "secretary"] },
  { to: "/panel/requests", label: "Requests", roles: ["owner", "secretary"] },
  { to: "/panel/visits", label: "Visits", roles: ["owner", "secretary"] },
  { to: "/panel/clinic", label: "Clinic profile", roles: ["owner"] },
  { to: "/panel/staff", label: "Staff", roles: ["owner"] },
  { to: "/panel/payouts", label: "Payouts", roles: ["owner"] },
  { to: "/panel/profile", label: "My profile", roles: ["doctor"] },
  { to: "/panel/account", label: "My account", roles: "everyone" },
];

export function panelNavFor(roles: readonly StaffRole[]) {
  return PANEL_PAGES.filter((p) => p.roles === "everyone" || p.roles.some((r) => roles.includes(r))).map(({ to, label, end }) => ({ to, label, end }));
}
