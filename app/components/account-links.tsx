import type { ViewerSummary } from "~/root";

/**
 * Who is signed in, in the site header. Patients sign in on the clinic's site; staff go to the
 * panel; a platform operator on the marketplace goes to the admin.
 */
export function AccountLinks({ viewer, where }: { viewer: ViewerSummary; where: "clinic" | "marketplace" }) {
  if (viewer.kind === "staff") {
    const panel = where === "clinic" ? { href: "/panel", label: "Staff panel" } : viewer.operator ? { href: "/admin", label: "Platform admin" } : null;
    return (
      <div className="flex items-center gap-3">
        <span className="hidden text-sm text-slate-600 sm:inline">{viewer.name}</span>
        {panel ? (
          <a href={panel.href} className="btn-secondary px-3 py-2" data-testid="staff-panel-link">
            {panel.label}
          </a>
        ) : (
          <SignOut />
        )}
      </div>
    );
  }
  if (viewer.kind === "patient") {
    return (
      // min-w-0 lets a long name shrink to its ellipsis instead of pushing the header wider than a phone.
      <div className="flex min-w-0 items-center gap-3">
        <span className="min-w-0 max-w-[8rem] truncate text-sm font-medium text-slate-800 sm:max-w-[10rem]" data-testid="signed-in-as">
          <span className="sr-only">Signed in as </span>
          {viewer.name}
        </span>
        <SignOut />
      </div>
    );
  }
  return (
    <a href="/sign-in" className="btn-secondary px-3 py-2" data-testid="sign-in-link">
      Sign in
    </a>
  );
}

export function SignOut({ className = "btn-secondary whitespace-nowrap px-3 py-2" }: { className?: string }) {
  return (
    <form method="post" action="/sign-out">
      <button type="submit" className={className}>
        Sign out
      </button>
    </form>
  );
}
