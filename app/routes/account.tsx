import type { LoaderFunctionArgs } from "@remix-run/node";
import { Outlet, useLoaderData } from "@remix-run/react";
import { AccountNav, accountTabs } from "~/components/account-nav";
import { ClinicHeader } from "~/components/clinic-header";
import { DraftBanner } from "~/components/draft-banner";
import { MarketplaceHeader } from "~/components/marketplace-header";
import { SiteFooter } from "~/components/site-footer";
import { TimeZoneNote } from "~/components/time-zone-note";
import { requirePatient } from "~/modules/auth/guards.server";
import { crossSiteLink, MARKETPLACE } from "~/modules/auth/hand-off.server";
import { requireSite } from "~/modules/clinic/site-guard.server";
import { useRootData } from "~/components/root-data";

/**
 * The patient's account. On a clinic's site every section concerns that clinic; on the
 * marketplace the appointments and favorites span every clinic the patient has used.
 */
export async function loader({ request, context }: LoaderFunctionArgs) {
  const site = requireSite(request, context.site);
  await requirePatient(request, context);
  // From a clinic's site to the patient's visits at every clinic, signed in there too (decision 042).
  return { where: site.kind === "clinic" ? ("clinic" as const) : ("marketplace" as const), everyClinic: crossSiteLink(MARKETPLACE, "/account") };
}

export default function AccountLayout() {
  const { where, everyClinic } = useLoaderData<typeof loader>();
  const root = useRootData();
  const clinic = root?.site.kind === "clinic" ? root.site.clinic : null;
  const viewer = root?.viewer ?? { kind: "anonymous" as const };
  return (
    <div className="flex min-h-screen flex-col bg-slate-50 print:bg-white">
      {clinic?.status === "draft" ? <DraftBanner /> : null}
      <div className="print:hidden">{clinic ? <ClinicHeader name={clinic.name} logoUrl={clinic.logoUrl} viewer={viewer} /> : <MarketplaceHeader viewer={viewer} />}</div>
      <main id="main" className="flex-1">
        <div className="mx-auto w-full max-w-3xl px-4 pb-12 pt-4 sm:px-6 sm:pt-6">
          <AccountNav tabs={accountTabs(where)} />
          {clinic ? <TimeZoneNote timeZone={clinic.timeZone} /> : null}
          {clinic ? (
            <p className="mt-3 text-sm text-slate-600 print:hidden">
              <a href={everyClinic} className="font-semibold text-brand underline decoration-2 underline-offset-4" data-testid="every-clinic">
                Your visits at every clinic on Medslot
              </a>
            </p>
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
