import { NavLink } from "@remix-run/react";

export interface AccountTab {
  to: string;
  label: string;
}

/** The patient account's sections; on a clinic's site they concern that clinic, on the marketplace all clinics. */
export function accountTabs(where: "clinic" | "marketplace"): AccountTab[] {
  return [
    { to: "/account", label: "Appointments" },
    ...(where === "clinic" ? [{ to: "/account/requests", label: "Flexible requests" }] : []),
    ...(where === "clinic" ? [{ to: "/account/care-plan", label: "Care plan" }] : []),
    { to: "/account/family", label: "Family" },
    { to: "/account/favorites", label: "Favorites" },
    { to: "/account/cards", label: "Cards" },
    { to: "/account/profile", label: "Profile" },
    ...(where === "clinic" ? [{ to: "/account/messages", label: "Messages" }] : []),
  ];
}

export function AccountNav({ tabs }: { tabs: AccountTab[] }) {
  return (
    <nav aria-label="Your account" className="-mx-4 overflow-x-auto px-4 print:hidden sm:mx-0 sm:px-0">
      <ul className="flex min-w-max gap-1 border-b border-slate-200">
        {tabs.map((t) => (
          <li key={t.to}>
            <NavLink
              to={t.to}
              end={t.to === "/account"}
              prefetch="intent"
              className={({ isActive }) =>
                `inline-flex min-h-11 items-center border-b-2 px-3 text-sm font-semibold ${
                  isActive ? "border-brand text-slate-900" : "border-transparent text-slate-600 hover:border-slate-300 hover:text-slate-900"
                }`
              }
            >
              {t.label}
            </NavLink>
          </li>
        ))}
      </ul>
    </nav>
  );
}
