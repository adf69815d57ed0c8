import { NavLink, useLocation } from "@remix-run/react";
import { useEffect, useRef, type ReactNode } from "react";
import { ClinicBrand } from "./clinic-mark";
import { SignOut } from "./account-links";

export interface PanelNavItem {
  to: string;
  label: string;
  /** Matches only the exact path (the panel's own index). */
  end?: boolean;
  /** A heading the link is listed under; links without one come first. */
  group?: string;
}

interface PanelShellProps {
  clinicName: string;
  logoUrl: string | null;
  staffName: string;
  rolesText: string;
  nav: PanelNavItem[];
  children: ReactNode;
  /** "Staff panel" on a clinic, "Platform admin" on the marketplace. */
  area: string;
}

function navClass({ isActive }: { isActive: boolean }) {
  return `flex min-h-11 items-center rounded-lg px-3 py-2 text-sm font-medium transition-colors ${
    isActive ? "bg-brand text-brand-ink" : "text-slate-700 hover:bg-slate-100 hover:text-slate-900"
  }`;
}

/**
 * The staff panel's frame: a sidebar on wide screens and a top bar with a menu on phones. The menu
 * is a <details> element so it opens before the page's script has loaded; it closes itself after
 * a navigation.
 */
export function PanelShell({ clinicName, logoUrl, staffName, rolesText, nav, children, area }: PanelShellProps) {
  const menu = useRef<HTMLDetailsElement>(null);
  const location = useLocation();
  useEffect(() => {
    if (menu.current) menu.current.open = false;
  }, [location.pathname]);

  const groups: { name: string | undefined; items: PanelNavItem[] }[] = [];
  for (const item of nav) {
    const last = groups[groups.length - 1];
    if (last && last.name === item.group) last.items.push(item);
    else groups.push({ name: item.group, items: [item] });
  }
  const links = (
    <div className="space-y-4">
      {groups.map((g, i) => (
        <div key={g.name ?? i}>
          {g.name && groups.length > 1 ? <p className="px-3 pb-1 text-xs font-semibold uppercase tracking-wider text-slate-600">{g.name}</p> : null}
          <ul className="space-y-0.5">
            {g.items.map((item) => (
              <li key={item.to}>
                <NavLink to={item.to} end={item.end} className={navClass} prefetch="intent">
                  {item.label}
                </NavLink>
              </li>
            ))}
          </ul>
        </div>
      ))}
    </div>
  );

  return (
    <div className="min-h-screen lg:flex lg:bg-[linear-gradient(to_right,white_16rem,transparent_16rem)]">
      {/* Phones and tablets */}
      <header className="sticky top-0 z-20 border-b border-slate-200 bg-white lg:hidden">
        <div className="flex items-center justify-between gap-3 px-4 py-2.5">
          <a href="/panel" className="flex min-w-0 flex-col rounded-lg">
            <ClinicBrand name={clinicName} logoUrl={logoUrl} size="sm" nameClassName="truncate text-sm font-semibold text-slate-900" />
            <span className="sr-only">{area}</span>
          </a>
          <details ref={menu} className="group relative">
            <summary className="btn-secondary cursor-pointer list-none px-3 py-2 [&::-webkit-details-marker]:hidden" aria-label="Menu">
              <svg viewBox="0 0 20 20" aria-hidden="true" className="h-5 w-5 fill-current">
                <path d="M3 5h14v2H3zM3 9h14v2H3zM3 13h14v2H3z" className="group-open:hidden" />
                <path d="m5.4 4 4.6 4.6L14.6 4 16 5.4 11.4 10l4.6 4.6-1.4 1.4-4.6-4.6L5.4 16 4 14.6 8.6 10 4 5.4z" className="hidden group-open:block" />
              </svg>
              <span>Menu</span>
            </summary>
            <nav aria-label="Panel" className="absolute right-0 mt-2 max-h-[80vh] w-64 overflow-y-auto rounded-xl border border-slate-200 bg-white p-3 shadow-lg">
              {links}
              <div className="mt-3 border-t border-slate-200 pt-3">
                <p className="truncate px-3 text-sm font-medium text-slate-900">{staffName}</p>
                <p className="px-3 text-xs text-slate-600">{rolesText}</p>
                <SignOut className="mt-2 w-full rounded-lg px-3 py-2 text-left text-sm font-medium text-slate-700 hover:bg-slate-100" />
              </div>
            </nav>
          </details>
        </div>
      </header>

      {/* Desktop */}
      <aside className="hidden w-64 shrink-0 flex-col border-r border-slate-200 bg-white lg:sticky lg:top-0 lg:flex lg:h-screen">
        <a href="/panel" className="flex flex-col gap-2 border-b border-slate-200 px-5 py-4">
          <ClinicBrand name={clinicName} logoUrl={logoUrl} nameClassName="truncate font-semibold text-slate-900" />
          <span className="text-xs font-semibold uppercase tracking-wider text-slate-600">{area}</span>
        </a>
        <nav aria-label="Panel" className="flex-1 overflow-y-auto px-3 py-4">
          {links}
        </nav>
        <div className="border-t border-slate-200 px-5 py-4">
          <p className="truncate text-sm font-medium text-slate-900">{staffName}</p>
          <p className="text-xs text-slate-600">{rolesText}</p>
          <SignOut className="btn-secondary mt-3 w-full px-3 py-2" />
        </div>
      </aside>

      <main id="main" className="min-w-0 flex-1">
        <div className="mx-auto max-w-5xl px-4 py-6 sm:px-6 lg:px-10 lg:py-10">{children}</div>
      </main>
    </div>
  );
}

/** The page title block every panel page starts with. */
export function PanelHeading({ title, children }: { title: string; children?: ReactNode }) {
  return (
    <div className="mb-8">
      <h1 className="text-2xl font-bold tracking-tight text-slate-900 sm:text-3xl">{title}</h1>
      {children ? <div className="mt-2 text-slate-600">{children}</div> : null}
    </div>
  );
}
