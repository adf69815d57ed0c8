import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { ClinicStatusBadge } from "~/components/status-badge";
import { requireOperator } from "~/modules/auth/guards.server";
import { clinicSiteUrl } from "~/modules/marketplace/site-urls.server";
import { getClinicDirectory } from "~/modules/platform/clinic-directory.server";
import { getDb } from "~/utils/db.server";

export const meta: MetaFunction = () => [{ title: "Clinics · Platform admin" }];

export async function loader({ request, context }: LoaderFunctionArgs) {
  await requireOperator(request, context);
  const { clinics, counts } = await getClinicDirectory(getDb());
  return { clinics: clinics.map((c) => ({ ...c, url: clinicSiteUrl(request, c.slug) })), counts };
}

const created = new Intl.DateTimeFormat("en-GB", { day: "numeric", month: "short", year: "numeric", timeZone: "UTC" });

export default function AdminClinics() {
  const { clinics, counts } = useLoaderData<typeof loader>();
  const stats = [
    { label: "Live clinics", value: counts.clinicsByStatus.live },
    { label: "Draft clinics", value: counts.clinicsByStatus.draft },
    { label: "Suspended clinics", value: counts.clinicsByStatus.suspended },
    { label: "Staff accounts", value: counts.staffUsers },
    { label: "Patient accounts", value: counts.patientAccounts },
  ];
  return (
    <>
      <h1 className="text-2xl font-bold tracking-tight text-slate-900 sm:text-3xl">Clinics</h1>
      <p className="mt-2 text-slate-600">Every clinic on the platform, newest first. Patient records are not shown here.</p>

      <section aria-labelledby="counts-heading" className="mt-6">
        <h2 id="counts-heading" className="sr-only">
          Platform totals
        </h2>
        <dl className="grid grid-cols-2 gap-3 sm:grid-cols-3 lg:grid-cols-5" data-testid="platform-counts">
          {stats.map((s) => (
            <div key={s.label} className="card p-4">
              <dt className="text-sm text-slate-600">{s.label}</dt>
              <dd className="mt-1 text-2xl font-bold tabular-nums text-slate-900">{s.value}</dd>
            </div>
          ))}
        </dl>
      </section>

      <section aria-labelledby="directory-heading" className="mt-8">
        <h2 id="directory-heading" className="text-lg font-semibold text-slate-900">
          All clinics ({counts.clinics})
        </h2>
        {clinics.length ? (
          <div className="card mt-4 overflow-hidden">
            <div className="overflow-x-auto">
              <table className="w-full min-w-[48rem] text-left text-sm" data-testid="clinic-directory">
                <caption className="sr-only">All clinics with status, location and staff counts</caption>
                <thead className="bg-slate-50 text-xs uppercase tracking-wider text-slate-600">
                  <tr>
                    <th scope="col" className="px-4 py-3 font-semibold">Clinic</th>
                    <th scope="col" className="px-4 py-3 font-semibold">Status</th>
                    <th scope="col" className="px-4 py-3 font-semibold">City</th>
                    <th scope="col" className="px-4 py-3 font-semibold">Time zone</th>
                    <th scope="col" className="px-4 py-3 text-right font-semibold">Locations</th>
                    <th scope="col" className="px-4 py-3 text-right font-semibold">Staff</th>
                    <th scope="col" className="px-4 py-3 font-semibold">Created</th>
                  </tr>
                </thead>
                <tbody className="divide-y divide-slate-100">
                  {clinics.map((c) => (
                    <tr key={c.id} data-testid={`directory-${c.slug}`}>
                      <th scope="row" className="px-4 py-3 font-normal">
                        <a href={c.url} className="whitespace-nowrap font-semibold text-slate-900 underline decoration-slate-300 underline-offset-4 hover:decoration-slate-900">
                          {c.name}
                        </a>
                        <span className="block font-mono text-xs text-slate-600">{c.slug}</span>
                      </th>
                      <td className="px-4 py-3">
                        <ClinicStatusBadge status={c.status} />
                      </td>
                      <td className="px-4 py-3 text-slate-800">{c.city ?? "—"}</td>
                      <td className="px-4 py-3 font-mono text-xs text-slate-800">{c.timeZone}</td>
                      <td className="px-4 py-3 text-right tabular-nums">{c.locationCount}</td>
                      <td className="px-4 py-3 text-right tabular-nums">{c.staffCount}</td>
                      <td className="px-4 py-3 text-slate-800">
                        <time dateTime={c.createdAt}>{created.format(new Date(c.createdAt))}</time>
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          </div>
        ) : (
          <p className="card mt-4 p-6 text-slate-700">No clinics yet. Import one with <code className="font-mono">npm run -s cli -- tenant import &lt;folder&gt;</code>.</p>
        )}
      </section>
    </>
  );
}
