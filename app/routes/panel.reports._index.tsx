import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, useLoaderData, useNavigation, useSubmit } from "@remix-run/react";
import { useRef } from "react";
import { PanelHeading } from "~/components/panel-shell";
import { DeskCountsStrip } from "~/components/desk-counts";
import { BookingsSection, CancellationsSection, DateField, DepositsSection, NoShowSection, ServicesSection, SourcesSection, Summary, UtilizationSection } from "~/components/reports/report-sections";
import { auditContextFromRequest } from "~/modules/audit/audit.server";
import { notFound, requireStaff } from "~/modules/auth/guards.server";
import { PRESET_LABELS, RANGE_PRESETS } from "~/modules/reports/range";
import { reportsPage } from "~/modules/reports/reports.server";
import { NotFoundError } from "~/utils/errors.server";

export const meta: MetaFunction = () => [{ title: "Reports · Staff panel" }];

export async function loader({ request, context }: LoaderFunctionArgs) {
  const { staff, clinic, db } = await requireStaff(request, context, "reports");
  try {
    return await reportsPage(db, clinic, new URL(request.url), { staffId: staff.id, request: auditContextFromRequest(request, context) });
  } catch (error) {
    if (error instanceof NotFoundError) throw notFound();
    throw error;
  }
}

const longDate = (d: string) => new Intl.DateTimeFormat("en-GB", { timeZone: "UTC", day: "numeric", month: "long", year: "numeric" }).format(new Date(`${d}T12:00:00Z`));

export default function PanelReports() {
  const data = useLoaderData<typeof loader>();
  const navigation = useNavigation();
  const submit = useSubmit();
  const form = useRef<HTMLFormElement>(null);
  const preset = useRef<HTMLSelectElement>(null);
  const updating = navigation.state === "loading" && navigation.location?.pathname === "/panel/reports";
  const r = data.reports;
  const fieldError = (field: "from" | "to") => (data.error?.field === field ? data.error.message : null);

  return (
    <>
      <PanelHeading title="Reports">
        <p>Figures for the days you choose, on the clinic&apos;s clock ({data.timeZone}). Reports hold no patient names.</p>
      </PanelHeading>

      <DeskCountsStrip counts={data.counts} />

      <Form ref={form} method="get" className="card mb-6 grid gap-4 p-4 sm:grid-cols-2 lg:grid-cols-[1.2fr_1fr_1fr_1.2fr_auto] lg:items-end" aria-label="Report filters">
        <div>
          <label htmlFor="range" className="field-label">
            Period
          </label>
          <select
            ref={preset}
            id="range"
            name="range"
            defaultValue={data.filters.range}
            key={`range-${data.filters.range}`}
            className="field-input min-h-11"
            onChange={(e) => {
              if (e.currentTarget.value !== "custom") submit(e.currentTarget.form);
            }}
          >
            {RANGE_PRESETS.map((p) => (
              <option key={p} value={p}>
                {PRESET_LABELS[p]}
              </option>
            ))}
          </select>
        </div>
        <DateField name="from" label="From" value={data.filters.from} error={fieldError("from")} onEdit={() => preset.current && (preset.current.value = "custom")} />
        <DateField name="to" label="To" value={data.filters.to} error={fieldError("to")} onEdit={() => preset.current && (preset.current.value = "custom")} />
        <div>
          <label htmlFor="location" className="field-label">
            Location
          </label>
          <select id="location" name="location" defaultValue={data.filters.location} key={`loc-${data.filters.location}`} className="field-input min-h-11" onChange={(e) => submit(e.currentTarget.form)}>
            <option value="">All locations</option>
            {data.locations.map((l) => (
              <option key={l.id} value={l.id}>
                {l.name}
              </option>
            ))}
          </select>
        </div>
        <button type="submit" className="btn-primary min-h-11 px-5" disabled={updating}>
          {updating ? "Updating…" : "Show"}
        </button>
      </Form>

      <p role="status" aria-live="polite" className="sr-only">
        {updating ? "Updating the reports…" : ""}
      </p>

      {r ? (
        <div aria-busy={updating} className={`relative space-y-6 transition-opacity ${updating ? "pointer-events-none opacity-50" : ""}`} data-testid="reports" data-range={`${data.filters.from}..${data.filters.to}`}>
          {updating ? (
            <div className="absolute inset-x-0 top-4 z-10 flex justify-center">
              <span className="rounded-full bg-slate-900 px-4 py-2 text-sm font-semibold text-white shadow-lg">Updating…</span>
            </div>
          ) : null}
          <p className="text-sm text-slate-700" data-testid="report-period">
            {longDate(data.filters.from)} to {longDate(data.filters.to)}
            {r.location ? ` · ${r.location.name}` : " · all locations"}
          </p>
          <Summary r={r} />
          <BookingsSection r={r} query={data.query} />
          <div className="grid gap-6 lg:grid-cols-2">
            <NoShowSection r={r} query={data.query} />
            <SourcesSection r={r} query={data.query} />
          </div>
          <CancellationsSection r={r} query={data.query} />
          <DepositsSection r={r} query={data.query} />
          <UtilizationSection r={r} query={data.query} />
          <ServicesSection r={r} query={data.query} />
        </div>
      ) : (
        <p className="card p-5 text-slate-700">Correct the dates above to see the reports.</p>
      )}
    </>
  );
}
