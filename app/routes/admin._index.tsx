import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData, useNavigation } from "@remix-run/react";
import { OnboardingStepBar } from "~/components/onboarding-steps";
import { ClinicStatusBadge } from "~/components/status-badge";
import { requireOperator } from "~/modules/auth/guards.server";
import { clinicSiteOrigin } from "~/utils/public-urls.server";
import { clinicStatusFilter, getOnboardingOverview } from "~/modules/platform/onboarding.server";
import { getDb } from "~/utils/db.server";

export const meta: MetaFunction = () => [{ title: "Clinics · Platform admin" }];

export async function loader({ request, context }: LoaderFunctionArgs) {
  await requireOperator(request, context);
  const status = clinicStatusFilter.parse(new URL(request.url).searchParams.get("status") ?? undefined);
  const { clinics, totals } = await getOnboardingOverview(getDb(), { status });
  return { clinics: clinics.map((c) => ({ ...c, url: clinicSiteOrigin(c.slug) })), totals, status: status ?? null };
}

const dayFmt = new Intl.DateTimeFormat("en-GB", { day: "numeric", month: "short", timeZone: "UTC" });
const created = new Intl.DateTimeFormat("en-GB", { day: "numeric", month: "short", year: "numeric", timeZone: "UTC" });

const FILTERS = [
  { value: null, label: "All" },
  { value: "draft", label: "Draft" },
  { value: "live", label: "Live" },
  { value: "suspended", label: "Suspended" },
] as const;

export default function AdminClinics() {
  const { clinics, totals, status } = useLoaderData<typeof loader>();
  const loading = useNavigation().state === "loading";
  const weekEnd = new Date(Date.parse(totals.week.to) - 86_400_000);
  const stats = [
    { label: "Live clinics", value: totals.clinicsByStatus.live },
    { label: "Draft clinics", value: totals.clinicsByStatus.draft },
    { label: "Suspended clinics", value: totals.clinicsByStatus.suspended },
    { label: "Staff accounts", value: totals.staffUsers },
    { label: "Active staff memberships", value: totals.activeStaffMemberships },
    { label: `Appointments ${dayFmt.format(new Date(totals.week.from))}–${dayFmt.format(weekEnd)}`, value: totals.appointmentsThisWeek },
    { label: "Documents to review", value: totals.documentsPending },
    { label: "Patient accounts", value: totals.patientAccounts },
  ];
  const countFor = (v: (typeof FILTERS)[number]["value"]) => (v ? totals.clinicsByStatus[v] : totals.clinics);
  return (
    <>
      <h1 className="text-2xl font-bold tracking-tight text-slate-900 sm:text-3xl">Clinics</h1>
      <p className="mt-2 text-slate-600">Every clinic on the platform with its onboarding progress. Counts only: no patient names, phones or appointments are shown here.</p>

      <section aria-labelledby="counts-heading" className="mt-6">
        <h2 id="counts-heading" className="sr-only">
          Platform totals
        </h2>
        <dl className="grid grid-cols-2 gap-3 sm:grid-cols-4" data-testid="platform-counts">
          {stats.map((s) => (
            <div key={s.label} className="card p-4">
              <dt className="text-sm text-slate-600">{s.label}</dt>
              <dd className="mt-1 text-2xl font-bold tabular-nums text-slate-900">{s.value}</dd>
            </div>
          ))}
        </dl>
        <p className="mt-2 text-xs text-slate-500">Appointments: booked visits (not holds, cancellations or moves) starting this week, Monday to Sunday in UTC.</p>
      </section>

      <section aria-labelledby="directory-heading" className="mt-8">
        <div className="flex flex-wrap items-end justify-between gap-3">
          <h2 id="directory-heading" className="text-lg font-semibold text-slate-900">
            {status ? `${FILTERS.find((f) => f.value === status)?.label} clinics` : "All clinics"} ({clinics.length})
          </h2>
          <nav aria-label="Filter by status">
            <ul className="flex flex-wrap gap-2">
              {FILTERS.map((f) => {
                const current = (f.value ?? null) === status;
                return (
                  <li key={f.label}>
                    <Link
                      to={f.value ? `/admin?status=${f.value}` : "/admin"}
                      aria-current={current ? "page" : undefined}
                      className={`inline-flex min-h-11 items-center rounded-full px-4 text-sm font-semibold ring-1 ${current ? "bg-slate-900 text-white ring-slate-900" : "bg-white text-slate-800 ring-slate-300 hover:bg-slate-50"}`}
                    >
                      {f.label} <span className="ml-1.5 tabular-nums opacity-80">{countFor(f.value)}</span>
                    </Link>
                  </li>
                );
              })}
            </ul>
          </nav>
        </div>
        {clinics.length ? (
          <ul className={`mt-4 grid gap-3 md:grid-cols-2 ${loading ? "opacity-60" : ""}`} data-testid="clinic-directory">
            {clinics.map((c) => (
              <li key={c.id} className="card p-4 sm:p-5" data-testid={`directory-${c.slug}`}>
                <div className="flex items-start justify-between gap-3">
                  <div className="min-w-0">
                    <Link to={`/admin/clinics/${c.id}`} className="font-semibold text-slate-900 underline decoration-slate-300 underline-offset-4 hover:decoration-slate-900">
                      {c.name}
                    </Link>
                    <p className="mt-0.5 truncate text-sm text-slate-600">
                      <a href={c.url} className="font-mono text-xs hover:underline">
                        {c.slug}
                      </a>
                      {c.city ? ` · ${c.city}` : ""} · <span className="font-mono text-xs">{c.timeZone}</span>
                    </p>
                  </div>
                  <ClinicStatusBadge status={c.status} />
                </div>
                <div className="mt-4">
                  <OnboardingStepBar steps={c.steps} compact />
                </div>
                <p className="mt-3 flex flex-wrap gap-x-4 gap-y-1 text-sm text-slate-700">
                  <span>
                    <span className="font-semibold tabular-nums">{c.staffCount}</span> staff
                  </span>
                  <span>
                    <span className="font-semibold tabular-nums">{c.appointmentsThisWeek}</span> appointments this week
                  </span>
                  {c.documentsPending ? <span className="font-semibold text-amber-900">{c.documentsPending} {c.documentsPending === 1 ? "document" : "documents"} to review</span> : null}
                  <span className="text-slate-500">since {created.format(new Date(c.createdAt))}</span>
                </p>
              </li>
            ))}
          </ul>
        ) : (
          <p className="card mt-4 p-6 text-slate-700">
            {status ? `No ${status} clinics. ` : "No clinics yet. "}
            {status ? (
              <Link to="/admin" className="font-semibold underline">
                Show all clinics
              </Link>
            ) : (
              <>
                Import one with <code className="font-mono">npm run -s cli -- tenant import &lt;folder&gt;</code>.
              </>
            )}
          </p>
        )}
      </section>
    </>
  );
}
