import type { LoaderFunctionArgs } from "@remix-run/node";
import { Outlet } from "@remix-run/react";
import { ClinicHeader } from "~/components/clinic-header";
import { DraftBanner } from "~/components/draft-banner";
import { SiteFooter } from "~/components/site-footer";
import { TimeZoneNote } from "~/components/time-zone-note";
import { requireClinicSite } from "~/modules/auth/guards.server";
import { useRootData } from "~/components/root-data";

/** Booking exists only on a clinic's own site; every step below shares its header and footer. */
export function loader({ context }: LoaderFunctionArgs) {
  requireClinicSite(context);
  return null;
}

export default function BookLayout() {
  const root = useRootData();
  const clinic = root?.site.kind === "clinic" ? root.site.clinic : null;
  const viewer = root?.viewer ?? { kind: "anonymous" as const };
  return (
    <div className="flex min-h-screen flex-col bg-slate-50 print:bg-white">
      {clinic?.status === "draft" ? <DraftBanner /> : null}
      <div className="print:hidden">{clinic ? <ClinicHeader name={clinic.name} logoUrl={clinic.logoUrl} viewer={viewer} /> : null}</div>
      <main id="main" className="flex-1">
        <div className="mx-auto w-full max-w-3xl px-4 pb-12 pt-5 sm:px-6 sm:pt-8">
          {clinic ? (
            <div className="print:hidden">
              <TimeZoneNote timeZone={clinic.timeZone} />
            </div>
          ) : null}
          <Outlet />
        </div>
      </main>
      <div className="print:hidden">
        <SiteFooter marketplaceUrl={root?.marketplaceUrl ?? "/"} clinicName={clinic?.name} />
      </div>
    </div>
  );
}
