import { data, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { PanelHeading } from "~/components/panel-shell";
import { Pill } from "~/components/status-badge";
import { DeskCountsStrip } from "~/components/desk-counts";
import { requireStaff } from "~/modules/auth/guards.server";
import { formatLocalDay } from "~/lib/format";
import { dayParam, deskActionForm, markNoShow, visitsOfDay, waiveVisitDeposit, type DeskAnswer } from "~/modules/clinic/visits-day.server";
import { statusWords } from "~/modules/patient-account/wording";
import { paymentsAreDemo } from "~/modules/payments/provider.server";
import { readForm } from "~/utils/forms.server";
import { firstMessage } from "~/lib/form-errors";

export const meta: MetaFunction = () => [{ title: "Visits · Staff panel" }];

export async function loader({ request, context }: LoaderFunctionArgs) {
  const { actor, clinic, db } = await requireStaff(request, context, "visits");
  const day = dayParam.safeParse(new URL(request.url).searchParams.get("day") ?? undefined);
  const list = await visitsOfDay(db, clinic, day.success ? day.data : undefined, actor);
  return { ...list, title: formatLocalDay(list.day), demo: paymentsAreDemo() };
}

export async function action({ request, context }: ActionFunctionArgs) {
  const { actor, clinic, db } = await requireStaff(request, context, "visits");
  const form = deskActionForm.safeParse(await readForm(request));
  if (!form.success) return data<DeskAnswer>({ ok: false, message: firstMessage(form.error, "Check the form and try again.") }, { status: 400 });
  const answer = form.data.intent === "no-show" ? await markNoShow(db, clinic, form.data.appointmentId, actor) : await waiveVisitDeposit(db, clinic, form.data.appointmentId, form.data.reason, actor);
  return data<DeskAnswer>(answer, { status: answer.ok ? 200 : 422 });
}

const TONE = { good: "good", warn: "warn", muted: "muted", neutral: "neutral" } as const;

export default function PanelVisits() {
  const { day, previous, next, visits, title, demo, counts } = useLoaderData<typeof loader>();
  const answer = useActionData<typeof action>() as DeskAnswer | undefined;
  const busy = useNavigation().state !== "idle";
  const problems = visits.filter((v) => v.cardProblem).length;
  return (
    <>
      <PanelHeading title="Visits">
        <nav aria-label="Day" className="flex flex-wrap items-center gap-2">
          <Link to={`?day=${previous}`} className="btn-secondary min-h-11 px-3" aria-label="Previous day">
            ←
          </Link>
          <span className="text-lg font-semibold text-slate-900" data-testid="visits-day">
            {title}
          </span>
          <Link to={`?day=${next}`} className="btn-secondary min-h-11 px-3" aria-label="Next day">
            →
          </Link>
          <Link to="/panel/visits" className="text-sm font-semibold text-brand underline">
            Today
          </Link>
        </nav>
        <p className="mt-2 text-sm">
          {visits.length} {visits.length === 1 ? "visit" : "visits"}
          {" on this day"}
          {problems ? <span className="font-semibold text-amber-900"> · {problems} with a card problem</span> : null}
          {demo ? " · Demo payments: no card is charged." : null}
        </p>
      </PanelHeading>
      <DeskCountsStrip counts={counts} />
      {answer ? (
        <p role={answer.ok ? "status" : "alert"} className={`mb-4 rounded-xl px-4 py-3 text-sm font-medium ring-1 ${answer.ok ? "bg-emerald-50 text-emerald-900 ring-emerald-200" : "bg-red-50 text-red-900 ring-red-200"}`} data-testid="desk-answer">
          {answer.message}
        </p>
      ) : null}
      {visits.length ? (
        <ul className="space-y-3" data-testid="visits" data-day={day}>
          {visits.map((v) => (
            <li key={v.id} className={`card p-4 ${v.cardProblem ? "ring-2 ring-amber-400" : ""}`} data-testid="visit" data-appointment-id={v.id}>
              <div className="flex flex-wrap items-start justify-between gap-3">
                <div className="min-w-0">
                  <p className="font-semibold text-slate-900">
                    <span className="tabular-nums">{v.time}</span> · {v.patientName}
                  </p>
                  <p className="text-sm text-slate-600">
                    {v.serviceName}
                    {v.doctorName ? ` with ${v.doctorName}` : ""}
                  </p>
                </div>
                <div className="flex flex-wrap gap-2">
                  <Pill tone={v.status === "no_show" || v.status === "cancelled" ? "muted" : "brand"}>
                    <span data-testid="visit-status">{statusWords(v.status).words}</span>
                  </Pill>
                  {v.deposit ? (
                    <Pill tone={TONE[v.deposit.tone]}>
                      <span data-testid="visit-deposit">
                        {v.deposit.words} · {v.deposit.amount}
                      </span>
                    </Pill>
                  ) : null}
                </div>
              </div>
              {v.deposit?.problem ? <p className="mt-2 text-sm text-amber-900">Card problem: {v.deposit.problem} The patient was asked to update their card.</p> : null}
              {v.canMarkNoShow || v.deposit?.waivable ? (
                <div className="mt-3 flex flex-wrap items-start gap-3">
                  {v.canMarkNoShow ? (
                    <Form method="post">
                      <input type="hidden" name="appointmentId" value={v.id} />
                      <button type="submit" name="intent" value="no-show" className="btn-secondary min-h-11 px-4" disabled={busy}>
                        Mark no-show
                      </button>
                    </Form>
                  ) : null}
                  {v.deposit?.waivable ? (
                    <details className="min-w-0 flex-1">
                      <summary className="btn-secondary min-h-11 cursor-pointer list-none px-4">Waive deposit…</summary>
                      <Form method="post" className="mt-3 max-w-md">
                        <input type="hidden" name="appointmentId" value={v.id} />
                        <label className="field-label" htmlFor={`reason-${v.id}`}>
                          Why is the deposit waived? (kept in the audit log)
                        </label>
                        <textarea id={`reason-${v.id}`} name="reason" required minLength={3} maxLength={500} rows={2} className="field-input" />
                        <button type="submit" name="intent" value="waive" className="btn-primary mt-2 min-h-11 px-4" disabled={busy}>
                          Waive {v.deposit.amount}
                        </button>
                      </Form>
                    </details>
                  ) : null}
                </div>
              ) : null}
            </li>
          ))}
        </ul>
      ) : (
        <p className="card p-5 text-slate-700" data-testid="no-visits">
          No visits on this day.
        </p>
      )}
    </>
  );
}
