import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { Pill } from "~/components/status-badge";
import { auditContextFromRequest } from "~/modules/audit/audit.server";
import { requireOperator } from "~/modules/auth/guards.server";
import { formatDateTime } from "~/lib/format";
import { chartPath } from "~/modules/records/access.server";
import { clinicForAdmin, operatorPatientRecord } from "~/modules/records/break-glass.server";
import { orRefuse, patientRefFrom } from "~/modules/records/http.server";
import { getDb } from "~/utils/db.server";

export const meta: MetaFunction = () => [{ title: "Patient record (break the glass) · Platform admin" }, { name: "robots", content: "noindex" }];

/** A read-only patient record and timeline under an active break-the-glass grant; no clinical notes. */
export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const { staff } = await requireOperator(request, context);
  const db = getDb();
  const clinic = await orRefuse(() => clinicForAdmin(db, params.id ?? ""));
  const ref = patientRefFrom(request, params.patientId);
  const { record, grant } = await orRefuse(() => operatorPatientRecord(db, clinic, { staffUserId: staff.id, request: auditContextFromRequest(request, context) }, ref));
  const base = `/admin/clinics/${clinic.id}/patients`;
  return {
    clinic: { id: clinic.id, name: clinic.name },
    record,
    family: record.family.map((f) => ({ ...f, href: chartPath(base, { patientAccountId: ref.patientAccountId, dependentId: f.dependentId }) })),
    grant: { reason: grant.reason, expiresAt: formatDateTime(grant.expiresAt, clinic.timeZone) },
  };
}

export default function OperatorPatientRecord() {
  const { clinic, record, family, grant } = useLoaderData<typeof loader>();
  return (
    <>
      <Link to={`/admin/clinics/${clinic.id}/access`} className="inline-flex min-h-11 items-center text-sm font-semibold text-slate-700 underline">
        ← Patient data at {clinic.name}
      </Link>
      <p className="mt-2 rounded-xl bg-amber-50 px-4 py-3 text-sm text-amber-950 ring-2 ring-amber-400" role="note" data-testid="break-glass-notice">
        Break-the-glass access, read only, until {grant.expiresAt}. This view is written to {clinic.name}'s audit log with your reason: {grant.reason}
      </p>
      <h1 className="mt-4 text-2xl font-bold tracking-tight text-slate-900 sm:text-3xl">{record.name}</h1>
      <p className="text-slate-600">{record.relation}</p>
      <div className="mt-6 grid gap-6 lg:grid-cols-3">
        <section aria-labelledby="op-contact" className="card self-start p-4">
          <h2 id="op-contact" className="text-lg font-semibold text-slate-900">
            Contact
          </h2>
          <dl className="mt-3 space-y-2 text-sm">
            <div>
              <dt className="text-slate-600">Phone</dt>
              <dd className="font-medium text-slate-900">{record.phone}</dd>
            </div>
            {record.email ? (
              <div>
                <dt className="text-slate-600">Email</dt>
                <dd className="break-all font-medium text-slate-900">{record.email}</dd>
              </div>
            ) : null}
            <div>
              <dt className="text-slate-600">Date of birth</dt>
              <dd className="font-medium text-slate-900">{record.dateOfBirthText ? `born ${record.dateOfBirthText}` : "Not given"}</dd>
            </div>
          </dl>
          <h3 className="mt-5 text-sm font-semibold text-slate-900">Family at this clinic</h3>
          <ul className="mt-2 space-y-1 text-sm">
            {family.map((f) => (
              <li key={f.dependentId ?? "self"}>
                {f.current ? (
                  <span className="font-semibold">
                    {f.name} · {f.relation}
                  </span>
                ) : (
                  <Link to={f.href} className="inline-flex min-h-11 items-center underline">
                    {f.name} · {f.relation}
                  </Link>
                )}
              </li>
            ))}
          </ul>
        </section>
        <section aria-labelledby="op-timeline" className="lg:col-span-2">
          <h2 id="op-timeline" className="text-lg font-semibold text-slate-900">
            Visit timeline
          </h2>
          <p className="text-sm text-slate-600">Clinical notes and treatment plans are not shown to operators.</p>
          {record.timeline.length ? (
            <ol className="mt-3 space-y-3" data-testid="timeline">
              {record.timeline.map((v) => (
                <li key={v.id} className="card p-4" data-testid="timeline-visit">
                  <div className="flex flex-wrap items-start justify-between gap-2">
                    <p className="font-semibold text-slate-900">
                      {v.when} · {v.service}
                      <span className="block text-sm font-normal text-slate-600">
                        {v.doctor ? `with ${v.doctor} · ` : ""}
                        {v.location} · {v.price}
                      </span>
                    </p>
                    <Pill>{v.statusWords}</Pill>
                  </div>
                  {v.events.length ? (
                    <ul className="mt-2 space-y-1 text-sm text-slate-700">
                      {v.events.map((e, i) => (
                        <li key={i}>
                          <span className="tabular-nums text-slate-500">{e.at}</span> {e.words}
                        </li>
                      ))}
                    </ul>
                  ) : null}
                </li>
              ))}
            </ol>
          ) : (
            <p className="card mt-3 p-4 text-sm text-slate-700">No visits yet.</p>
          )}
        </section>
      </div>
    </>
  );
}
