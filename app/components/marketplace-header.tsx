import type { ViewerSummary } from "~/root";
import { AccountLinks } from "./account-links";
import { MedslotMark } from "./clinic-mark";

export function MarketplaceHeader({ viewer }: { viewer: ViewerSummary }) {
  return (
    <header className="border-b border-slate-200 bg-white">
      <div className="mx-auto flex max-w-6xl items-center justify-between gap-3 px-4 py-3 sm:px-6">
        <a href="/" className="flex items-center gap-2.5 rounded-lg">
          <MedslotMark />
          <span className="text-lg font-bold tracking-tight text-slate-900">Medslot</span>
        </a>
        <div className="flex items-center gap-2 sm:gap-4">
          <nav aria-label="Marketplace">
            <a href="/clinics" className="inline-flex min-h-11 items-center rounded-lg px-2 text-sm font-semibold text-slate-700 hover:text-slate-950" data-testid="clinics-link">
              <span className="sm:hidden">Map</span>
              <span className="hidden sm:inline">Clinics map</span>
            </a>
          </nav>
          <nav aria-label="Account">
            <AccountLinks viewer={viewer} where="marketplace" />
          </nav>
        </div>
      </div>
    </header>
  );
}
