import type { ViewerSummary } from "~/root";
import { AccountLinks } from "./account-links";
import { MedslotMark } from "./clinic-mark";

export function MarketplaceHeader({ viewer }: { viewer: ViewerSummary }) {
  return (
    <header className="border-b border-slate-200 bg-white">
      <div className="mx-auto flex max-w-6xl flex-wrap items-center justify-between gap-x-3 gap-y-2 px-4 py-3 sm:px-6">
        <a href="/" className="flex items-center gap-2.5 rounded-lg">
          <MedslotMark />
          <span className="text-lg font-bold tracking-tight text-slate-900">Medslot</span>
        </a>
        <div className="ml-auto flex min-w-0 flex-wrap items-center justify-end gap-2 sm:gap-3">
          <nav aria-label="Marketplace">
            <a href="/clinics" className="inline-flex min-h-11 items-center rounded-lg px-2 text-sm font-semibold text-slate-700 hover:text-slate-950" data-testid="clinics-link">
              <span className="sm:hidden">Map</span>
              <span className="hidden sm:inline">Clinics map</span>
            </a>
          </nav>
          <nav aria-label="Account" className="flex min-w-0 items-center gap-2 sm:gap-3">
            {viewer.kind === "patient" ? (
              <a href="/account" className="whitespace-nowrap rounded-lg px-1 py-2 text-sm font-semibold text-slate-800 underline decoration-brand decoration-2 underline-offset-4 hover:text-slate-950" data-testid="my-appointments-link">
                My appointments
              </a>
            ) : null}
            <AccountLinks viewer={viewer} where="marketplace" />
          </nav>
        </div>
      </div>
    </header>
  );
}
