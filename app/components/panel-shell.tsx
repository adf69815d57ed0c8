import { NavLink, useLocation } from "@remix-run/react";
import { useCallback, useEffect, useRef, useState, type ReactNode } from "react";
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
  return `flex min-h-11 items-center rounded-lg px-2 py-1 text-sm font-medium leading-tight transition-colors lg:min-h-8 ${
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
  const links = <NavGroups groups={groups} />;
  const desktopNav = useRef<HTMLElement>(null);
  const moreBelow = useScrollCue(desktopNav);

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
        <a href="/panel" className="flex flex-col gap-1 border-b border-slate-200 px-5 py-3">
          <ClinicBrand name={clinicName} logoUrl={logoUrl} nameClassName="truncate font-semibold text-slate-900" />
          <span className="text-xs font-semibold uppercase tracking-wider text-slate-600">{area}</span>
        </a>
        <div className="relative flex min-h-0 flex-1 flex-col">
          <nav ref={desktopNav} aria-label="Panel" className="flex-1 overflow-y-auto px-3 py-3" data-testid="panel-nav" onScroll={moreBelow.check}>
            {links}
          </nav>
          {moreBelow.shown ? (
            // The menu is longer than the screen: say so rather than hide links below the fold.
            <p className="pointer-events-none absolute inset-x-0 bottom-0 bg-gradient-to-t from-white via-white/95 to-transparent px-5 pb-1 pt-6 text-xs font-semibold text-slate-700" data-testid="panel-nav-more" aria-hidden="true">
              More below ↓
            </p>
          ) : null}
        </div>
        <div className="flex items-center gap-3 border-t border-slate-200 px-5 py-3">
          <div className="min-w-0 flex-1">
            <p className="truncate text-sm font-medium text-slate-900">{staffName}</p>
            <p className="truncate text-xs text-slate-600">{rolesText}</p>
          </div>
          <SignOut className="btn-secondary shrink-0 px-3 py-1.5 text-sm" />
        </div>
      </aside>

      <main id="main" className="min-w-0 flex-1">
        <div className="mx-auto max-w-5xl px-4 py-6 sm:px-6 lg:px-10 lg:py-10">{children}</div>
      </main>
    </div>
  );
}

/**
 * The menu's groups under their headings, two short links a row, so a laptop's height holds the
 * whole menu (24 links and room for a few more) without a hidden scroll; a single link that names
 * its own group (Patients) needs no heading.
 */
function NavGroups({ groups }: { groups: { name: string | undefined; items: PanelNavItem[] }[] }) {
  return (
    <div className="space-y-2">
      {groups.map((g, i) => {
        const headed = g.name && groups.length > 1 && !(g.items.length === 1 && g.items[0]!.label === g.name);
        return (
          <div key={g.name ?? i} data-testid="panel-nav-group">
            {headed ? <p className="px-2 pb-0.5 text-[11px] font-semibold uppercase tracking-wider text-slate-600">{g.name}</p> : null}
            <ul className="grid grid-cols-2 gap-0.5">
              {g.items.map((item) => (
                <li key={item.to} className="min-w-0">
                  <NavLink to={item.to} end={item.end} className={navClass} prefetch="intent">
                    {item.label}
                  </NavLink>
                </li>
              ))}
            </ul>
          </div>
        );
      })}
    </div>
  );
}

/** Whether a scrolling box has more below what shows, kept up to date as it scrolls or resizes. */
function useScrollCue(box: React.RefObject<HTMLElement>) {
  const [shown, setShown] = useState(false);
  const check = useCallback(() => {
    const el = box.current;
    setShown(!!el && el.scrollHeight - el.scrollTop - el.clientHeight > 4);
  }, [box]);
  useEffect(() => {
    const el = box.current;
    if (!el) return;
    check();
    const resize = new ResizeObserver(check);
    resize.observe(el);
    return () => resize.disconnect();
  }, [box, check]);
  return { shown, check };
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
