import { data, redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { Pill } from "~/components/status-badge";
import { auditContextFromRequest } from "~/modules/audit/audit.server";
import { requireOperator } from "~/modules/auth/guards.server";
import { chartPath } from "~/modules/records/access.server";
import { BREAK_GLASS_MAX_MINUTES, BREAK_GLASS_REASON_MAX_LENGTH, BREAK_GLASS_REASON_MIN } from "~/modules/records/words";
import { breakGlassForm, clinicForAdmin, operatorAccessOverview, operatorPatientList, requestBreakGlass } from "~/modules/records/break-glass.server";
import { orRefuse } from "~/modules/records/http.server";
import { formatDateTime } from "~/lib/format";
import { getDb } from "~/utils/db.server";
import { echoValue, readForm } from "~/utils/forms.server";
import { fieldErrorsOf } from "~/lib/form-errors";

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: `Patient data access · ${data?.clinic.name ?? "Clinic"} · Platform admin` }];

export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const { staff } = await requireOperator(request, context);
  const db = getDb();
  const clinic = await orRefuse(() => clinicForAdmin(db, params.id ?? ""));
  const now = new Date();
  const operator = { staffUserId: staff.id, request: auditContextFromRequest(request, context) };
  const { grant, history } = await operatorAccessOverview(db, clinic, staff.id, now);
  const q = (new URL(request.url).searchParams.get("q") ?? "").slice(0, 100);
  // Listing patients is itself a view of patient data: only under an active grant, and audited.
  const patients = grant ? (await orRefuse(() => operatorPatientList(db, clinic, operator, q, now))).patients.map((p) => ({ ...p, href: chartPath(`/admin/clinics/${clinic.id}/patients`, p) })) : [];
  return {
    clinic: { id: clinic.id, name: clinic.name, slug: clinic.slug },
    grant: grant ? { reason: grant.reason, expiresAt: formatDateTime(grant.expiresAt, clinic.timeZone), expiresAtIso: grant.expiresAt.toISOString() } : null,
    history,
    q,
    patients,
  };
}

type AccessAnswer = { errors: Partial<Record<"reason" | "minutes", string>>; values: { reason: string; minutes: string } };

export async function action({ request, context, params }: ActionFunctionArgs) {
  const { staff } = await requireOperator(request, context);
  const db = getDb();
  const clinic = await orRefuse(() => clinicForAdmin(db, params.id ?? ""));
  const raw = await readForm(request);
  const form = breakGlassForm.safeParse(raw);
  if (!form.success) {
    const errors = fieldErrorsOf(form.error);
    return data<AccessAnswer>({ errors, values: { reason: echoValue(raw.reason, BREAK_GLASS_REASON_MAX_LENGTH), minutes: echoValue(raw.minutes) } }, { status: 400 });
  }
  await requestBreakGlass(db, clinic, { staffUserId: staff.id, request: auditContextFromRequest(request, context) }, form.data);
  return redirect(`/admin/clinics/${clinic.id}/access`);
}

export default function ClinicAccess() {
  const { clinic, grant, history, q, patients } = useLoaderData<typeof loader>();
  const answer = useActionData<typeof action>() as AccessAnswer | undefined;
  const navigation = useNavigation();
  const busy = navigation.state !== "idle";
  return (
    <>
      <Link to="/admin" className="inline-flex min-h-11 items-center text-sm font-semibold text-slate-700 underline">
        ← Clinics
      </Link>
      <h1 className="text-2xl font-bold tracking-tight text-slate-900 sm:text-3xl">Patient data at {clinic.name}</h1>
      <p className="mt-2 max-w-3xl text-slate-600">
        Operators see no patient data. In an emergency or to resolve a support case you may break the glass: say why, for at most {BREAK_GLASS_MAX_MINUTES} minutes. The clinic's owner sees the reason and every record you open in their audit log; so does the platform log. Access is read only.
      </p>

      {grant ? (
        <section aria-labelledby="grant-heading" className="mt-6 rounded-2xl bg-amber-50 p-4 ring-2 ring-amber-400" data-testid="active-grant">
          <h2 id="grant-heading" className="font-semibold text-slate-900">
            Access open until {grant.expiresAt}
          </h2>
          <p className="mt-1 text-sm text-slate-800">Reason: {grant.reason}</p>
          <Form method="get" role="search" className="mt-4 flex flex-wrap items-end gap-3">
            <div className="min-w-0 flex-1">
              <label htmlFor="op-search" className="field-label">
                Find a patient by name or phone
              </label>
              <input id="op-search" name="q" type="search" defaultValue={q} className="field-input" />
            </div>
            <button type="submit" className="btn-primary min-h-11">
              Search
            </button>
          </Form>
          {patients.length ? (
            <ul className="mt-4 divide-y divide-amber-200 rounded-xl bg-white ring-1 ring-amber-200" data-testid="operator-patients">
              {patients.map((p) => (
                <li key={`${p.patientAccountId}-${p.dependentId ?? "self"}`}>
                  <Link to={p.href} className="flex min-h-11 flex-wrap items-center justify-between gap-2 px-4 py-3 hover:bg-amber-50">
                    <span className="font-semibold text-slate-900">{p.name}</span>
                    <span className="text-sm text-slate-600">
                      {p.phone}
                      {p.relation ? ` · ${p.relation}` : ""}
                    </span>
                  </Link>
                </li>
              ))}
            </ul>
          ) : (
            <p className="mt-4 text-sm text-slate-700">{q ? `No patient matches “${q}”.` : "This clinic has no patients yet."}</p>
          )}
        </section>
      ) : (
        <section aria-labelledby="request-heading" className="card mt-6 max-w-2xl p-5">
          <h2 id="request-heading" className="text-lg font-semibold text-slate-900">
            Break the glass
          </h2>
          <Form method="post" className="mt-3 space-y-4" noValidate>
            <div>
              <label htmlFor="bg-reason" className="field-label">
                Why do you need this clinic's patient records?
              </label>
              <textarea
                id="bg-reason"
                name="reason"
                rows={3}
                required
                minLength={BREAK_GLASS_REASON_MIN}
                maxLength={BREAK_GLASS_REASON_MAX_LENGTH}
                defaultValue={answer?.values.reason}
                className="field-input"
                aria-invalid={Boolean(answer?.errors.reason)}
                aria-describedby="bg-reason-help"
              />
              <p id="bg-reason-help" className={answer?.errors.reason ? "field-error" : "mt-1 text-sm text-slate-600"}>
                {answer?.errors.reason ?? `At least ${BREAK_GLASS_REASON_MIN} characters: the support ticket and what it is about. The clinic's owner reads this.`}
              </p>
            </div>
            <div>
              <label htmlFor="bg-minutes" className="field-label">
                For how long
              </label>
              <select id="bg-minutes" name="minutes" defaultValue={answer?.values.minutes || "15"} className="field-input min-h-11 max-w-xs py-2" aria-invalid={Boolean(answer?.errors.minutes)}>
                {[5, 15, 30, 45, 60].map((m) => (
                  <option key={m} value={m}>
                    {m} minutes
                  </option>
                ))}
              </select>
              {answer?.errors.minutes ? <p className="field-error">{answer.errors.minutes}</p> : null}
            </div>
            <button type="submit" className="btn-primary min-h-11" disabled={busy}>
              {busy ? "Opening…" : "Open read-only access"}
            </button>
          </Form>
        </section>
      )}

      <section aria-labelledby="history-heading" className="mt-8">
        <h2 id="history-heading" className="text-lg font-semibold text-slate-900">
          Your access to this clinic (90 days)
        </h2>
        {history.length ? (
          <ul className="mt-3 space-y-2 text-sm" data-testid="grant-history">
            {history.map((g) => (
              <li key={g.id} className="card p-3">
                <p className="font-medium text-slate-900">
                  {g.grantedAt} until {g.expiresAt} {g.active ? <Pill tone="warn">Active</Pill> : <Pill tone="muted">Ended</Pill>}
                </p>
                <p className="text-slate-700">{g.reason}</p>
                <p className="text-slate-600">
                  {g.views} {g.views === 1 ? "record opened" : "records opened"}
                </p>
              </li>
            ))}
          </ul>
        ) : (
          <p className="mt-2 text-sm text-slate-600">You have not opened this clinic's patient data.</p>
        )}
      </section>
    </>
  );
}
