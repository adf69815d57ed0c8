import { data, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { OnboardingStepBar } from "~/components/onboarding-steps";
import { ClinicStatusBadge, Pill } from "~/components/status-badge";
import { auditContextFromRequest } from "~/modules/audit/audit.server";
import { notFound, requireOperator } from "~/modules/auth/guards.server";
import { DOCUMENT_KIND_LABELS, DOCUMENT_STATUS_LABELS } from "~/modules/clinic/onboarding-words";
import { clinicSiteOrigin } from "~/utils/public-urls.server";
import { decideForClinic, getOnboardingDetail, missingForApproval, operatorDecisionForm, type OperatorAnswer } from "~/modules/platform/onboarding.server";
import { getDb } from "~/utils/db.server";
import { readForm } from "~/utils/forms.server";
import { firstFieldError } from "~/lib/form-errors";

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: `${data && "clinic" in data ? data.clinic.name : "Clinic"} · Platform admin` }];

export async function loader({ request, context, params }: LoaderFunctionArgs) {
  await requireOperator(request, context);
  const clinic = await getOnboardingDetail(getDb(), params.id ?? "");
  if (!clinic) throw notFound();
  return { clinic, missing: missingForApproval(clinic.steps).map((s) => s.label), url: clinicSiteOrigin(clinic.slug) };
}

type ActionAnswer = OperatorAnswer & { intent: string; documentId?: string };

export async function action({ request, context, params }: ActionFunctionArgs) {
  const { staff } = await requireOperator(request, context);
  const form = await readForm(request);
  const intent = typeof form.intent === "string" ? form.intent : "";
  const documentId = typeof form.documentId === "string" ? form.documentId : undefined;
  const parsed = operatorDecisionForm.safeParse(form);
  if (!parsed.success) {
    return data<ActionAnswer>({ ok: false, intent, documentId, ...firstFieldError(parsed.error) }, { status: 400 });
  }
  const answer = await decideForClinic(getDb(), params.id ?? "", parsed.data, { staffUserId: staff.id, request: auditContextFromRequest(request, context) });
  if (!answer.ok && answer.message === "There is no such clinic.") throw notFound();
  return data<ActionAnswer>({ ...answer, intent, documentId }, { status: answer.ok ? 200 : 422 });
}

const dateTime = new Intl.DateTimeFormat("en-GB", { day: "numeric", month: "short", year: "numeric", hour: "2-digit", minute: "2-digit", timeZone: "UTC", timeZoneName: "short" });
const size = (n: number) => (n >= 1024 * 1024 ? `${(n / 1024 / 1024).toFixed(1)} MB` : `${Math.max(1, Math.round(n / 1024))} KB`);
const DECISION_WORDS: Record<string, string> = { "clinic.approved": "Approved", "clinic.suspended": "Suspended", "clinic.reinstated": "Reinstated" };
const DOC_TONE = { pending: "warn", verified: "good", rejected: "muted" } as const;

function Banner({ answer }: { answer: ActionAnswer }) {
  return (
    <p role={answer.ok ? "status" : "alert"} className={`rounded-xl px-4 py-3 text-sm font-medium ring-1 ${answer.ok ? "bg-emerald-50 text-emerald-900 ring-emerald-200" : "bg-red-50 text-red-900 ring-red-200"}`} data-testid="admin-answer">
      {answer.message}
    </p>
  );
}

function ReasonField({ id, name, label, error, hint, required = true }: { id: string; name: string; label: string; error?: string; hint?: string; required?: boolean }) {
  return (
    <div>
      <label htmlFor={id} className="field-label">
        {label}
      </label>
      {hint ? (
        <p id={`${id}-hint`} className="mt-0.5 text-sm text-slate-500">
          {hint}
        </p>
      ) : null}
      <textarea
        id={id}
        name={name}
        rows={2}
        maxLength={500}
        required={required}
        className="field-input"
        aria-invalid={error ? true : undefined}
        aria-describedby={[hint ? `${id}-hint` : null, error ? `${id}-error` : null].filter(Boolean).join(" ") || undefined}
      />
      {error ? (
        <p id={`${id}-error`} className="field-error" role="alert">
          {error}
        </p>
      ) : null}
    </div>
  );
}

export default function AdminClinic() {
  const { clinic, missing, url } = useLoaderData<typeof loader>();
  const answer = useActionData<typeof action>() as ActionAnswer | undefined;
  const nav = useNavigation();
  const busy = nav.state !== "idle";
  // A message that belongs to a field is shown next to that field only.
  const statusAnswer = answer && ["approve", "suspend", "reinstate"].includes(answer.intent) && (answer.ok || !answer.field) ? answer : undefined;
  const errorFor = (intent: string, field: string) => (answer && !answer.ok && answer.intent === intent && answer.field === field ? answer.message : undefined);
  return (
    <>
      <p className="text-sm">
        <Link to="/admin" className="font-medium text-slate-700 underline-offset-4 hover:underline">
          ← All clinics
        </Link>
      </p>
      <div className="mt-2 flex flex-wrap items-start justify-between gap-3">
        <div>
          <h1 className="text-2xl font-bold tracking-tight text-slate-900 sm:text-3xl">{clinic.name}</h1>
          <p className="mt-1 text-slate-600">
            <a href={url} className="font-mono text-sm underline-offset-4 hover:underline">
              {clinic.slug}
            </a>
            {clinic.city ? ` · ${clinic.city}` : ""} · {clinic.timeZone} · {clinic.staffCount} staff · {clinic.appointmentsThisWeek} appointments this week
          </p>
        </div>
        <ClinicStatusBadge status={clinic.status} />
      </div>

      <section aria-labelledby="steps-heading" className="card mt-6 p-5 sm:p-6">
        <h2 id="steps-heading" className="text-lg font-semibold text-slate-900">
          Onboarding
        </h2>
        <div className="mt-4">
          <OnboardingStepBar steps={clinic.steps} />
        </div>
        <ol className="mt-5 divide-y divide-slate-100" data-testid="step-details">
          {clinic.steps.map((s, i) => (
            <li key={s.key} className="flex items-start gap-3 py-3" data-step={s.key} data-done={s.done}>
              <span
                className={`mt-0.5 flex h-7 w-7 shrink-0 items-center justify-center rounded-full text-sm font-bold ${s.done ? "bg-emerald-600 text-white" : "bg-white text-slate-700 ring-2 ring-slate-300"}`}
                aria-hidden="true"
              >
                {s.done ? "✓" : i + 1}
              </span>
              <div>
                <p className="font-semibold text-slate-900">
                  {s.label} <span className="sr-only">{s.done ? "(done)" : "(not done)"}</span>
                </p>
                <p className="text-sm text-slate-600">{s.detail}</p>
              </div>
            </li>
          ))}
        </ol>
      </section>

      <section aria-labelledby="decision-heading" className="card mt-6 p-5 sm:p-6">
        <h2 id="decision-heading" className="text-lg font-semibold text-slate-900">
          Status
        </h2>
        {statusAnswer ? (
          <div className="mt-3">
            <Banner answer={statusAnswer} />
          </div>
        ) : null}
        {clinic.status === "draft" ? (
          <Form method="post" className="mt-4 space-y-3" data-testid="approve-form" noValidate>
            <input type="hidden" name="intent" value="approve" />
            {missing.length ? (
              <>
                <p className="text-sm text-slate-700">
                  Not ready: {missing.map((label) => label.toLowerCase()).join(", ")}. Approving now needs an override reason (at least 10 characters), recorded in the clinic's and the platform's audit log.
                </p>
                <ReasonField id="override-reason" name="overrideReason" label="Override reason" required={false} error={errorFor("approve", "overrideReason")} />
              </>
            ) : (
              <p className="text-sm text-slate-700">Every step is done. Approving puts the booking site live at once.</p>
            )}
            <button type="submit" className="btn-primary min-h-11" disabled={busy}>
              {missing.length ? "Approve anyway" : "Approve and go live"}
            </button>
          </Form>
        ) : null}
        {clinic.status === "suspended" ? (
          <Form method="post" className="mt-4 space-y-3" data-testid="reinstate-form" noValidate>
            <input type="hidden" name="intent" value="reinstate" />
            <p className="text-sm text-slate-700">While suspended the booking site, marketplace page and API are offline and take no bookings; the clinic's staff keep the panel to cancel or move the visits already booked.</p>
            <ReasonField id="reinstate-reason" name="reason" label="Reason for reinstating" error={errorFor("reinstate", "reason")} />
            <button type="submit" className="btn-primary min-h-11" disabled={busy}>
              Reinstate
            </button>
          </Form>
        ) : (
          <Form method="post" className="mt-6 space-y-3 border-t border-slate-100 pt-5" data-testid="suspend-form" noValidate>
            <input type="hidden" name="intent" value="suspend" />
            <ReasonField id="suspend-reason" name="reason" label="Reason for suspending" hint="The clinic's site stops taking bookings at once; existing appointments stay." error={errorFor("suspend", "reason")} />
            <button type="submit" className="btn-secondary min-h-11 border-red-300 text-red-800 hover:bg-red-50" disabled={busy}>
              Suspend clinic
            </button>
          </Form>
        )}
        {clinic.decisions.length ? (
          <div className="mt-6 border-t border-slate-100 pt-4">
            <h3 className="text-sm font-semibold text-slate-900">History</h3>
            <ul className="mt-2 space-y-1 text-sm text-slate-700" data-testid="decisions">
              {clinic.decisions.map((d) => (
                <li key={`${d.action}-${d.at}`}>
                  <time dateTime={d.at}>{dateTime.format(new Date(d.at))}</time> — {DECISION_WORDS[d.action] ?? d.action}
                  {d.reason ? `: ${d.reason}` : ""}
                </li>
              ))}
            </ul>
          </div>
        ) : null}
      </section>

      <section aria-labelledby="documents-heading" className="mt-6">
        <h2 id="documents-heading" className="text-lg font-semibold text-slate-900">
          Documents ({clinic.documents.length})
        </h2>
        {clinic.documents.length === 0 ? (
          <p className="card mt-3 p-6 text-slate-700">The clinic has not uploaded any documents yet.</p>
        ) : (
          <ul className="mt-3 space-y-3" data-testid="admin-documents">
            {clinic.documents.map((d) => {
              const mine = answer && answer.documentId === d.id ? answer : undefined;
              const href = `/admin/clinics/${clinic.id}/documents/${d.id}`;
              return (
                <li key={d.id} className="card p-4 sm:p-5" data-testid="admin-document">
                  <div className="flex flex-wrap items-start justify-between gap-3">
                    <div className="min-w-0">
                      <p className="font-semibold text-slate-900">{d.title}</p>
                      <p className="mt-1 flex flex-wrap items-center gap-1.5 text-sm text-slate-600">
                        <Pill>{DOCUMENT_KIND_LABELS[d.kind]}</Pill>
                        <Pill tone={DOC_TONE[d.status]}>{DOCUMENT_STATUS_LABELS[d.status]}</Pill>
                        <span>
                          {d.fileName} · {size(d.sizeBytes)}
                        </span>
                      </p>
                      {d.reviewReason ? <p className="mt-1 text-sm text-slate-700">Reason: {d.reviewReason}</p> : null}
                    </div>
                    <div className="flex gap-2">
                      <a href={href} target="_blank" rel="noreferrer" className="btn-secondary min-h-11">
                        View
                      </a>
                      <a href={`${href}?download`} className="btn-secondary min-h-11">
                        Download
                      </a>
                    </div>
                  </div>
                  {mine ? (
                    <div className="mt-3">
                      <Banner answer={mine} />
                    </div>
                  ) : null}
                  {d.status !== "verified" ? (
                    <div className="mt-4 grid gap-3 border-t border-slate-100 pt-4 md:grid-cols-[auto_1fr]">
                      <Form method="post">
                        <input type="hidden" name="intent" value="verify-document" />
                        <input type="hidden" name="documentId" value={d.id} />
                        <button type="submit" className="btn-primary min-h-11" disabled={busy}>
                          Verify
                        </button>
                      </Form>
                      {d.status === "pending" ? (
                        <Form method="post" className="flex flex-wrap items-end gap-2" noValidate>
                          <input type="hidden" name="intent" value="reject-document" />
                          <input type="hidden" name="documentId" value={d.id} />
                          <div className="min-w-0 flex-1">
                            <label htmlFor={`reject-${d.id}`} className="field-label">
                              Reason for rejecting
                            </label>
                            <input
                              id={`reject-${d.id}`}
                              name="reason"
                              maxLength={500}
                              className="field-input"
                              aria-invalid={mine && !mine.ok && mine.field === "reason" ? true : undefined}
                            />
                          </div>
                          <button type="submit" className="btn-secondary min-h-11 text-red-800" disabled={busy}>
                            Reject
                          </button>
                        </Form>
                      ) : null}
                    </div>
                  ) : null}
                </li>
              );
            })}
          </ul>
        )}
      </section>

      <section aria-labelledby="access-heading" className="card mt-6 p-5 sm:p-6">
        <h2 id="access-heading" className="text-lg font-semibold text-slate-900">
          Patient data
        </h2>
        <p className="mt-2 text-sm text-slate-600">
          Operators see no patient data. In an emergency you can break the glass: give a reason, get read-only access for up to 60 minutes. Every
          access is written to the clinic&apos;s audit log and shown to its owner.
        </p>
        <Link to={`/admin/clinics/${clinic.id}/access`} className="btn-secondary mt-4 min-h-11">
          Break the glass…
        </Link>
      </section>
    </>
  );
}
