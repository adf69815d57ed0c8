import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { auditContextFromRequest } from "~/modules/audit/audit.server";
import { requireClinicSite, requirePatient } from "~/modules/auth/guards.server";
import { patientCarePlan } from "~/modules/records/care-plan.server";

export const meta: MetaFunction = () => [{ title: "Your care plan" }];

/** The steps of the treatment plans this clinic's doctors shared with the patient, for them and their family. */
export async function loader({ request, context }: LoaderFunctionArgs) {
  const { clinic, db } = requireClinicSite(context);
  const { patient } = await requirePatient(request, context);
  const people = await patientCarePlan(db, clinic, patient.id, auditContextFromRequest(request, context));
  return { clinicName: clinic.name, people };
}

export default function CarePlan() {
  const { clinicName, people } = useLoaderData<typeof loader>();
  return (
    <section aria-labelledby="care-plan-heading" className="mt-6">
      <h1 id="care-plan-heading" className="text-2xl font-bold tracking-tight text-slate-900">
        Your care plan
      </h1>
      <p className="mt-1 text-slate-600">What your doctors at {clinicName} planned with you, for you and your family.</p>
      {people.length ? (
        <div className="mt-5 space-y-6">
          {people.map((p) => (
            <div key={p.dependentId ?? "self"} data-testid="care-plan-person">
              <h2 className="text-lg font-semibold text-slate-900">{p.name}</h2>
              <ol className="mt-2 space-y-2">
                {p.items.map((i) => (
                  <li key={i.id} className="card flex flex-wrap items-start justify-between gap-3 p-4" data-testid="care-plan-item">
                    <div className="min-w-0">
                      <p className={`font-semibold ${i.status === "cancelled" ? "text-slate-500 line-through" : "text-slate-900"}`}>{i.title}</p>
                      {i.details ? <p className="mt-1 whitespace-pre-wrap text-sm text-slate-700">{i.details}</p> : null}
                      {i.targetDate ? <p className="mt-1 text-sm text-slate-600">By {i.targetDate}</p> : null}
                    </div>
                    <span className={`rounded-full px-3 py-1 text-sm font-semibold ring-1 ${i.done ? "bg-slate-50 text-slate-700 ring-slate-200" : "bg-emerald-50 text-emerald-900 ring-emerald-200"}`}>{i.statusWords}</span>
                  </li>
                ))}
              </ol>
            </div>
          ))}
        </div>
      ) : (
        <p className="card mt-5 p-5 text-slate-700" data-testid="care-plan-empty">
          Nothing here yet. When your doctor shares a step of your treatment plan with you, it appears here.
        </p>
      )}
    </section>
  );
}
