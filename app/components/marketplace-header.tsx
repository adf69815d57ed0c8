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
        <nav aria-label="Account">
          <AccountLinks viewer={viewer} where="marketplace" />
        </nav>
      </div>
    </header>
  );
}
