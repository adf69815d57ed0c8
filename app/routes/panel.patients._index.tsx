import { redirect, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useLoaderData, useNavigation } from "@remix-run/react";
import { PanelHeading } from "~/components/panel-shell";
import { Pill } from "~/components/status-badge";
import { PatientAlerts } from "~/components/patient-alerts";
import { alertsFor } from "~/modules/patients/patient-alerts.server";
import { searchedBookingCode } from "~/lib/booking-code";
import { findByBookingCode } from "~/modules/front-desk/appointment-desk.server";
import { auditContextFromRequest } from "~/modules/audit/audit.server";
import { requireStaff } from "~/modules/auth/guards.server";
import { chartPath } from "~/modules/records/access.server";
import { listPatients } from "~/modules/records/record.server";

export const meta: MetaFunction = () => [{ title: "Patients · Staff panel" }];

export async function loader({ request, context }: LoaderFunctionArgs) {
  const { staff, roles, clinic, db: clinicDb } = await requireStaff(request, context, "patients");
  const q = (new URL(request.url).searchParams.get("q") ?? "").slice(0, 100);
  // A booking code read out on the phone opens that visit (its page checks who may see it).
  const code = searchedBookingCode(q);
  const booking = code ? await findByBookingCode(clinicDb, code) : null;
  if (booking) throw redirect(`/panel/appointments/${booking.id}`);
  const patients = await clinicDb
    .tx((tx) => listPatients(tx, clinic, { staffUserId: staff.id, roles }, q, { actor: { type: "staff", id: staff.id }, request: auditContextFromRequest(request, context) }));
  const ownOnly = !roles.includes("owner") && !roles.includes("secretary");
  // Alerts are on the account holder's record; a family member's row shows none of them.
  const alerts = await clinicDb.tx((tx) => alertsFor(tx, clinic.id, patients.filter((p) => !p.dependentId).map((p) => p.patientAccountId)));
  return { q, ownOnly, patients: patients.map((p) => ({ ...p, href: chartPath("/panel/patients", p), alerts: p.dependentId ? [] : (alerts.get(p.patientAccountId) ?? []) })) };
}

export default function PanelPatients() {
  const { q, ownOnly, patients } = useLoaderData<typeof loader>();
  const navigation = useNavigation();
  const searching = navigation.state === "loading" && navigation.location?.pathname === "/panel/patients";
  return (
    <>
      <PanelHeading title="Patients">
        <p>{ownOnly ? "Your patients: everyone with a visit with you. Open a chart to read and write notes and the treatment plan." : "Every patient of the clinic. Search by name or phone number, or type a booking code (NOR-7K4QX) to open that visit."}</p>
      </PanelHeading>
      <Form method="get" role="search" className="card mb-6 flex flex-wrap items-end gap-3 p-4">
        <div className="min-w-0 flex-1">
          <label htmlFor="patient-search" className="field-label">
            Name or phone
          </label>
          <input id="patient-search" name="q" type="search" defaultValue={q} className="field-input" autoComplete="off" placeholder="e.g. Rivera, 555 0134 or a booking code" />
        </div>
        <button type="submit" className="btn-primary min-h-11" disabled={searching}>
          {searching ? "Searching…" : "Search"}
        </button>
        {q ? (
          <Link to="/panel/patients" className="btn-secondary min-h-11">
            Clear
          </Link>
        ) : null}
      </Form>
      {patients.length ? (
        <ul className="card divide-y divide-slate-200" data-testid="patients">
          {patients.map((p) => (
            <li key={`${p.patientAccountId}-${p.dependentId ?? "self"}`}>
              <Link to={p.href} className="grid min-h-11 gap-2 px-4 py-3 hover:bg-slate-50 focus-visible:bg-slate-50 sm:grid-cols-[minmax(0,1fr)_auto] sm:items-center" data-testid="patient-link">
                <span className="min-w-0">
                  <span className="block font-semibold text-slate-900">{p.name}</span>
                  {p.alerts.length ? <PatientAlerts alerts={p.alerts} compact /> : null}
                  <span className="block text-sm text-slate-600">
                    {p.phone}
                    {p.relation ? ` · ${p.relation}` : ""}
                  </span>
                </span>
                <span className="flex flex-wrap items-center gap-x-3 gap-y-1 text-sm text-slate-600 sm:flex-col sm:items-end sm:text-right">
                  {p.nextVisit ? <Pill tone="brand">Next: {p.nextVisit}</Pill> : null}
                  <span>
                    {p.lastVisit ? `Last visit ${p.lastVisit}` : "No visit yet"} · {p.visits} {p.visits === 1 ? "visit" : "visits"}
                  </span>
                </span>
              </Link>
            </li>
          ))}
        </ul>
      ) : (
        <p className="card p-5 text-slate-700" data-testid="no-patients">
          {q ? `No patient matches “${q}”.` : ownOnly ? "No patient has a visit with you yet." : "The clinic has no patients yet."}
        </p>
      )}
      {patients.length >= 50 ? <p className="mt-3 text-sm text-slate-600">Showing the first 50. Search to narrow the list.</p> : null}
    </>
  );
}
