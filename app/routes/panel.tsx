import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Outlet, useLoaderData } from "@remix-run/react";
import { PanelShell } from "~/components/panel-shell";
import { requireStaff } from "~/modules/auth/guards.server";
import { listRoles } from "~/modules/clinic/labels";
import { panelNavFor } from "~/modules/clinic/panel-nav";
import { clinicLogoUrl } from "~/modules/clinic/logo.server";

export const meta: MetaFunction = ({ matches }) => {
  const root = matches.find((m) => m.id === "root")?.data as { site?: { kind: string; clinic?: { name: string } } } | undefined;
  return [{ title: `Staff panel · ${root?.site?.clinic?.name ?? "Medslot"}` }, { name: "robots", content: "noindex" }];
};

export async function loader({ request, context }: LoaderFunctionArgs) {
  const { staff, roles } = await requireStaff(request, context);
  if (context.site.kind !== "clinic") throw new Response("Not found", { status: 404 });
  const clinic = context.site.clinic;
  return {
    clinicName: clinic.name,
    logoUrl: clinicLogoUrl(clinic),
    staffName: staff.name,
    rolesText: listRoles(roles),
    nav: panelNavFor(roles),
  };
}

export default function PanelLayout() {
  const data = useLoaderData<typeof loader>();
  return (
    <PanelShell clinicName={data.clinicName} logoUrl={data.logoUrl} staffName={data.staffName} rolesText={data.rolesText} nav={data.nav} area="Staff panel">
      <Outlet />
    </PanelShell>
  );
}
