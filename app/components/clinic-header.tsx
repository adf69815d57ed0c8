import type { ViewerSummary } from "~/root";
import { AccountLinks } from "./account-links";
import { ClinicBrand } from "./clinic-mark";

const appointmentsLink = "text-sm font-semibold text-slate-800 underline decoration-brand decoration-2 underline-offset-4 hover:text-slate-950";

export function ClinicHeader({ name, logoUrl, viewer }: { name: string; logoUrl: string | null; viewer: ViewerSummary }) {
  return (
    <header className="border-b border-slate-200 bg-white">
      <div className="mx-auto flex max-w-6xl items-center justify-between gap-3 px-4 py-3 sm:px-6">
        <a href="/" className="flex min-w-0 items-center gap-3 rounded-lg">
          <ClinicBrand name={name} logoUrl={logoUrl} nameClassName="truncate text-base font-bold tracking-tight text-slate-900 sm:text-lg" />
        </a>
        <nav aria-label="Account" className="flex shrink-0 items-center gap-4">
          {viewer.kind === "patient" ? (
            <a href="/account" className={`hidden sm:inline ${appointmentsLink}`}>
              My appointments
            </a>
          ) : null}
          <AccountLinks viewer={viewer} where="clinic" />
        </nav>
      </div>
      {/* A phone's header row is full with the logo, the patient's name and "Sign out". */}
      {viewer.kind === "patient" ? (
        <div className="mx-auto max-w-6xl px-4 pb-3 sm:hidden">
          <a href="/account" className={appointmentsLink}>
            My appointments
          </a>
        </div>
      ) : null}
    </header>
  );
}
