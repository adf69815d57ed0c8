import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, Outlet, useLoaderData } from "@remix-run/react";
import { PanelShell } from "~/components/panel-shell";
import { requireStaff } from "~/modules/auth/guards.server";
import { listRoles } from "~/modules/clinic/labels";
import { panelNavFor } from "~/modules/clinic/panel-nav";
import { clinicLogoUrl } from "~/modules/clinic/logo.server";
import { openGrants } from "~/modules/records/break-glass.server";
import { suspensionNotice } from "~/modules/clinic/suspension.server";

export const meta: MetaFunction = ({ matches }) => {
  const root = matches.find((m) => m.id === "root")?.data as { site?: { kind: string; clinic?: { name: string } } } | undefined;
  return [{ title: `Staff panel · ${root?.site?.clinic?.name ?? "Medslot"}` }, { name: "robots", content: "noindex" }];
};

export async function loader({ request, context }: LoaderFunctionArgs) {
  const { staff, roles, clinic, db } = await requireStaff(request, context, "panel");
  return {
    clinicName: clinic.name,
    logoUrl: clinicLogoUrl(clinic),
    staffName: staff.name,
    rolesText: listRoles(roles),
    nav: panelNavFor(roles),
    // The owner sees at once when a Medslot operator can read the clinic's patient records.
    breakGlass: roles.includes("owner") ? await openGrants(db, clinic) : [],
    suspension: await suspensionNotice(db, clinic),
  };
}

export default function PanelLayout() {
  const data = useLoaderData<typeof loader>();
  return (
    <PanelShell clinicName={data.clinicName} logoUrl={data.logoUrl} staffName={data.staffName} rolesText={data.rolesText} nav={data.nav} area="Staff panel">
      {data.suspension ? <SuspendedBanner clinicName={data.clinicName} notice={data.suspension} /> : null}
      {data.breakGlass.length ? (
        <p role="status" className="mb-6 rounded-xl bg-amber-50 px-4 py-3 text-sm text-amber-950 ring-2 ring-amber-400" data-testid="break-glass-open">
          {data.breakGlass.map((g) => `${g.operatorName} (Medslot) can read your patients' records until ${g.expiresAt}.`).join(" ")}{" "}
          <Link to="/panel/audit?kind=break_glass" className="font-semibold underline">
            See why and what was opened
          </Link>
        </p>
      ) : null}
      <Outlet />
    </PanelShell>
  );
}

/** Why the clinic is offline for patients, and what the staff can still do. */
function SuspendedBanner({ clinicName, notice }: { clinicName: string; notice: { since: string; reason: string | null } }) {
  return (
    <section aria-labelledby="suspended-title" className="mb-6 rounded-xl bg-red-50 px-4 py-3 text-sm text-red-950 ring-2 ring-red-300" data-testid="clinic-suspended">
      <h2 id="suspended-title" className="text-base font-semibold">
        {notice.since ? `${clinicName} has been suspended since ${notice.since}` : `${clinicName} is suspended`}
      </h2>
      <p className="mt-1">
        <span className="font-semibold">Reason given by Medslot:</span> {notice.reason ?? "none recorded. Contact Medslot to learn more."}
      </p>
      <p className="mt-1">
        The booking site, the marketplace page and the API are offline and take no new bookings. You can still cancel or move the visits already booked and contact those patients; each patient with a
        visit ahead has been sent a message with the clinic's phone and email.
      </p>
    </section>
  );
}
