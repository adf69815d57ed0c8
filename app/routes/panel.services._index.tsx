import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { PanelHeading } from "~/components/panel-shell";
import { Pill } from "~/components/status-badge";
import { requireStaff } from "~/modules/auth/guards.server";
import { formatDuration, formatMoney } from "~/lib/format";
import { depositFor } from "~/modules/pricing/price";
import { VISIBILITY_LABELS } from "~/modules/services/service-form";
import { listServices, type ServiceListRow } from "~/modules/services/services.server";

export const meta: MetaFunction = () => [{ title: "Services · Staff panel" }];

export async function loader({ request, context }: LoaderFunctionArgs) {
  const { db, clinic } = await requireStaff(request, context, "services");
  return { services: await listServices(db), currency: clinic.currency };
}

const TONE = { active: "good", seasonal: "brand", internal_only: "neutral", inactive: "muted" } as const;

function depositText(s: ServiceListRow, currency: string) {
  if (s.depositKind === "none") return "No deposit";
  const amount = formatMoney(depositFor(s.priceMinor, s.depositKind, s.depositValue), currency);
  return s.depositKind === "percent" ? `${s.depositValue}% (${amount})` : amount;
}

export default function PanelServices() {
  const { services, currency } = useLoaderData<typeof loader>();
  const bookable = services.filter((s) => s.visibility !== "inactive").length;
  return (
    <>
      <PanelHeading title="Services">
        <div className="flex flex-wrap items-center justify-between gap-3">
          <p>
            {services.length} {services.length === 1 ? "service" : "services"}, {bookable} bookable. Changes show on the booking site as soon as they are saved.
          </p>
          <Link to="/panel/services/new" className="btn-primary min-h-11">
            Add a service
          </Link>
        </div>
      </PanelHeading>
      {services.length === 0 ? (
        <div className="card p-6 text-slate-700" data-testid="no-services">
          <p className="font-semibold text-slate-900">No services yet.</p>
          <p className="mt-1">Add the first service patients can book: its price, how long it takes and which doctors perform it.</p>
        </div>
      ) : (
        <ul className="grid gap-3 md:grid-cols-2" data-testid="services">
          {services.map((s) => (
            <li key={s.id} className={`card p-4 ${s.visibility === "inactive" ? "opacity-80" : ""}`} data-testid="service">
              <div className="flex items-start justify-between gap-3">
                <div className="min-w-0">
                  <Link to={`/panel/services/${s.id}`} className="font-semibold text-slate-900 underline-offset-2 hover:underline focus-visible:underline">
                    {s.name}
                  </Link>
                  <p className="text-sm text-slate-600">{s.category ?? "No category"}</p>
                </div>
                <Pill tone={TONE[s.visibility]}>{VISIBILITY_LABELS[s.visibility]}</Pill>
              </div>
              <dl className="mt-3 grid grid-cols-3 gap-2 text-sm">
                <div>
                  <dt className="text-slate-600">Price</dt>
                  <dd className="font-medium tabular-nums text-slate-900">{formatMoney(s.priceMinor, currency)}</dd>
                </div>
                <div>
                  <dt className="text-slate-600">Duration</dt>
                  <dd className="font-medium text-slate-900">{formatDuration(s.durationMin)}</dd>
                </div>
                <div>
                  <dt className="text-slate-600">Deposit</dt>
                  <dd className="font-medium text-slate-900">{depositText(s, currency)}</dd>
                </div>
              </dl>
              <p className="mt-3 text-sm text-slate-700">
                <span className="font-medium">Doctors: </span>
                {s.doctors.length ? s.doctors.join(", ") : <span className="font-semibold text-amber-900">none — nobody can be booked</span>}
              </p>
              <div className="mt-2 flex flex-wrap gap-1.5">
                {s.discountCount ? <Pill tone="brand">{s.discountCount === 1 ? "1 discount" : `${s.discountCount} discounts`}</Pill> : null}
                {s.requiresApproval ? <Pill tone="warn">Needs approval</Pill> : null}
              </div>
            </li>
          ))}
        </ul>
      )}
    </>
  );
}
