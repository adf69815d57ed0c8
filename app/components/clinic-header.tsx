import type { ViewerSummary } from "~/root";
import { AccountLinks } from "./account-links";
import { ClinicBrand } from "./clinic-mark";

export function ClinicHeader({ name, logoUrl, viewer }: { name: string; logoUrl: string | null; viewer: ViewerSummary }) {
  return (
    <header className="border-b border-slate-200 bg-white">
      <div className="mx-auto flex max-w-6xl items-center justify-between gap-3 px-4 py-3 sm:px-6">
        <a href="/" className="flex min-w-0 items-center gap-3 rounded-lg">
          <ClinicBrand name={name} logoUrl={logoUrl} nameClassName="truncate text-base font-bold tracking-tight text-slate-900 sm:text-lg" />
        </a>
        <nav aria-label="Account" className="shrink-0">
          <AccountLinks viewer={viewer} where="clinic" />
        </nav>
      </div>
    </header>
  );
}
