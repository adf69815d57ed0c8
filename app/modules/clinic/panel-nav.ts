/** Which panel pages a member of staff may use, by role, and the sidebar built from that. */
import type { StaffRole } from "~/generated/prisma/enums";

/** The menu's groups, in order. Day-to-day opens by default; new desk pages (waitlist, series, walk-in) belong there. */
export type PanelGroup = "Day-to-day" | "Patients" | "Money" | "Clinic setup" | "You";

const DESK: readonly StaffRole[] = ["owner", "secretary"];
const OWNER: readonly StaffRole[] = ["owner"];

/**
 * Who may open each panel page and use its actions: the one table the guard reads
 * (`requireStaff(request, context, "desk")`), the menu is built from, and the permission tests
 * walk. A key is a page, or a part of one with rules of its own ("queue.read": doctors may look at
 * the queue, only the desk acts on it). "everyone" is any member of the clinic's staff.
 */
export const PANEL_ACCESS = {
  panel: "everyone",
  today: "everyone",
  desk: DESK,
  "desk.print": DESK,
  queue: DESK,
  "queue.read": [...DESK, "doctor"],
  "queue.events": "everyone",
  "my-day": ["doctor"],
  calendar: DESK,
  book: DESK,
  requests: DESK,
  waitlist: DESK,
  visits: DESK,
  appointment: DESK,
  patients: "everyone",
  "patients.chart": ["doctor"],
  clinic: OWNER,
  locations: OWNER,
  services: OWNER,
  schedules: OWNER,
  staff: OWNER,
  settings: OWNER,
  documents: OWNER,
  payouts: OWNER,
  "api-keys": OWNER,
  reports: OWNER,
  audit: OWNER,
  "time-off": ["doctor", "owner"],
  profile: ["doctor"],
  account: "everyone",
} as const satisfies Record<string, readonly StaffRole[] | "everyone">;

export type PanelPageKey = keyof typeof PANEL_ACCESS;

/** Whether someone with these roles at the clinic may use this page. */
export function mayUse(page: PanelPageKey, roles: readonly StaffRole[]): boolean {
  const allowed: readonly StaffRole[] | "everyone" = PANEL_ACCESS[page];
  return roles.length > 0 && (allowed === "everyone" || allowed.some((r) => roles.includes(r)));
}

export interface PanelPage {
  to: string;
  label: string;
  group: PanelGroup;
  end?: boolean;
  page: PanelPageKey;
}

/** The sidebar, in order and groups; each entry shows to whoever may use its page. */
export const PANEL_PAGES: readonly PanelPage[] = [
  { to: "/panel", label: "Today", group: "Day-to-day", end: true, page: "today" },
  { to: "/panel/desk", label: "Desk", group: "Day-to-day", page: "desk" },
  { to: "/panel/queue", label: "Queue", group: "Day-to-day", page: "queue" },
  { to: "/panel/my-day", label: "My day", group: "Day-to-day", page: "my-day" },
  { to: "/panel/calendar", label: "Calendar", group: "Day-to-day", page: "calendar" },
  { to: "/panel/book", label: "Book by phone", group: "Day-to-day", page: "book" },
  { to: "/panel/requests", label: "Requests", group: "Day-to-day", page: "requests" },
  { to: "/panel/waitlist", label: "Waitlist", group: "Day-to-day", page: "waitlist" },
  { to: "/panel/visits", label: "Visits", group: "Day-to-day", page: "visits" },
  { to: "/panel/patients", label: "Patients", group: "Patients", page: "patients" },
  { to: "/panel/reports", label: "Reports", group: "Money", page: "reports" },
  { to: "/panel/payouts", label: "Payouts", group: "Money", page: "payouts" },
  { to: "/panel/clinic", label: "Clinic profile", group: "Clinic setup", page: "clinic" },
  { to: "/panel/locations", label: "Locations", group: "Clinic setup", page: "locations" },
  { to: "/panel/services", label: "Services", group: "Clinic setup", page: "services" },
  { to: "/panel/schedules", label: "Schedules", group: "Clinic setup", page: "schedules" },
  { to: "/panel/staff", label: "Staff", group: "Clinic setup", page: "staff" },
  { to: "/panel/settings", label: "Settings", group: "Clinic setup", page: "settings" },
  { to: "/panel/documents", label: "Documents", group: "Clinic setup", page: "documents" },
  { to: "/panel/api-keys", label: "API keys", group: "Clinic setup", page: "api-keys" },
  { to: "/panel/audit", label: "Audit log", group: "Clinic setup", page: "audit" },
  { to: "/panel/time-off", label: "Time off", group: "You", page: "time-off" },
  { to: "/panel/profile", label: "My profile", group: "You", page: "profile" },
  { to: "/panel/account", label: "My account", group: "You", page: "account" },
];

export function panelNavFor(roles: readonly StaffRole[]) {
  return PANEL_PAGES.filter((p) => mayUse(p.page, roles)).map(({ to, label, end, group }) => ({ to, label, end, group }));
}
