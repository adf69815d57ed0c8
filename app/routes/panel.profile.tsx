import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { PanelHeading } from "~/components/panel-shell";
import { Pill } from "~/components/status-badge";
import { requireStaff } from "~/modules/auth/guards.server";
import { getDoctorProfile } from "~/modules/clinic/doctor-profile.server";
import { listRoles, WORK_STATUS_LABELS } from "~/modules/clinic/labels";
import { clinicSiteOrigin } from "~/utils/public-urls.server";
import { getDb } from "~/utils/db.server";

export const meta: MetaFunction = () => [{ title: "My profile · Staff panel" }];

export async function loader({ request, context }: LoaderFunctionArgs) {
  const { clinicId, staff } = await requireStaff(request, context, "profile");
  const profile = await getDoctorProfile(getDb(), clinicId, staff.id);
  return {
    name: staff.name,
    email: staff.email,
    specialty: profile.specialty,
    workStatus: profile.workStatus,
    active: profile.active,
    clinics: profile.clinics.map((c) => ({ ...c, roles: listRoles(c.roles), panelUrl: `${clinicSiteOrigin(c.slug)}/panel` })),
  };
}

export default function PanelMyProfile() {
  const data = useLoaderData<typeof loader>();
  return (
    <>
      <PanelHeading title="My profile">
        <p>How you appear to patients and colleagues.</p>
      </PanelHeading>

      <section aria-labelledby="me-heading" className="card p-5 sm:p-6">
        <h2 id="me-heading" className="text-lg font-semibold text-slate-900">
          {data.name}
        </h2>
        <p className="text-sm text-slate-600">{data.email}</p>
        <dl className="mt-4 grid gap-4 sm:grid-cols-3">
          <div>
            <dt className="text-sm font-medium text-slate-600">Specialty</dt>
            <dd className="mt-1 font-semibold text-slate-900" data-testid="my-specialty">
              {data.specialty ?? "Not set"}
            </dd>
          </div>
          <div>
            <dt className="text-sm font-medium text-slate-600">Work status</dt>
            <dd className="mt-1">
              {data.workStatus ? <Pill tone={data.workStatus === "active" ? "good" : "warn"}>{WORK_STATUS_LABELS[data.workStatus]}</Pill> : "Not set"}
            </dd>
          </div>
          <div>
            <dt className="text-sm font-medium text-slate-600">Account here</dt>
            <dd className="mt-1">{data.active ? <Pill tone="good">Active</Pill> : <Pill tone="muted">Inactive</Pill>}</dd>
          </div>
        </dl>
        <p className="mt-4 text-sm text-slate-600">The clinic's owner keeps your specialty and work status up to date.</p>
      </section>

      <section aria-labelledby="clinics-heading" className="mt-8">
        <h2 id="clinics-heading" className="text-lg font-semibold text-slate-900">
          Clinics I work at
        </h2>
        <ul className="mt-4 grid gap-4 md:grid-cols-2" data-testid="my-clinics">
          {data.clinics.map((c) => (
            <li key={c.slug} className="card p-5">
              <div className="flex items-start justify-between gap-2">
                <h3 className="font-semibold text-slate-900">{c.name}</h3>
                {c.current ? <Pill tone="brand">This clinic</Pill> : null}
              </div>
              <p className="text-sm text-slate-600">{[c.city, c.roles].filter(Boolean).join(" · ")}</p>
              {c.current ? null : (
                <a href={c.panelUrl} className="mt-3 inline-block text-sm font-semibold text-slate-800 underline decoration-brand decoration-2 underline-offset-4">
                  Open its staff panel<span className="sr-only"> for {c.name}</span>
                </a>
              )}
            </li>
          ))}
        </ul>
      </section>
    </>
  );
}
