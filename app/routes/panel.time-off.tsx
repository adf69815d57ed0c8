import { data, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { VisitList } from "~/components/affected-visits";
import { PanelHeading } from "~/components/panel-shell";
import { Pill } from "~/components/status-badge";
import { forbidden, notFound, requireStaff } from "~/modules/auth/guards.server";
import { fieldErrorsOf, type FieldErrors } from "~/lib/form-errors";
import {
  approveTimeOff,
  declineSchema,
  declineTimeOff,
  doctorMembershipOf,
  myTimeOff,
  pendingTimeOff,
  requestTimeOff,
  withdrawTimeOff,
} from "~/modules/schedules/time-off.server";
import { TIME_OFF_KIND_LABELS, TIME_OFF_KINDS, TIME_OFF_STATUS_LABELS } from "~/modules/schedules/time-off";
import { utcToZoned } from "~/lib/zoned-time";
import { ConflictError, NotFoundError } from "~/utils/errors.server";
import { readForm } from "~/utils/forms.server";

export const meta: MetaFunction = () => [{ title: "Time off · Staff panel" }];

export async function loader({ request, context }: LoaderFunctionArgs) {
  const { staff, roles, actor, clinic, db } = await requireStaff(request, context, "time-off");
  const doctorId = roles.includes("doctor") ? await doctorMembershipOf(db, staff.id) : null;
  return {
    isOwner: roles.includes("owner"),
    isDoctor: doctorId !== null,
    mine: doctorId ? await myTimeOff(db, clinic, doctorId) : [],
    pending: roles.includes("owner") ? await pendingTimeOff(db, clinic, actor) : [],
    today: utcToZoned(new Date(), clinic.timeZone).date,
    timeZone: clinic.timeZone,
  };
}

type Answer = { intent: string; ok: true; message: string } | { intent: string; ok: false; errors: FieldErrors; requestId?: string };

export async function action({ request, context }: ActionFunctionArgs) {
  const { staff, roles, actor, clinic, db } = await requireStaff(request, context, "time-off");
  const form = await readForm(request);
  const intent = typeof form.intent === "string" ? form.intent : "";
  const requestId = typeof form.requestId === "string" ? form.requestId : "";
  try {
    if (intent === "request" || intent === "withdraw") {
      const doctorId = roles.includes("doctor") ? await doctorMembershipOf(db, staff.id) : null;
      if (!doctorId) throw forbidden();
      if (intent === "withdraw") {
        await withdrawTimeOff(db, doctorId, requestId, actor);
        return data<Answer>({ intent, ok: true, message: "Request withdrawn." });
      }
      const answer = await requestTimeOff(db, clinic, doctorId, form, actor);
      if (!answer.ok) return data<Answer>({ intent, ok: false, errors: answer.errors }, { status: 400 });
      return data<Answer>({ intent, ok: true, message: "Request sent. The clinic's owner will approve or decline it." });
    }
    if (intent === "approve" || intent === "decline") {
      if (!roles.includes("owner")) throw forbidden();
      if (intent === "approve") {
        await approveTimeOff(db, clinic, requestId, staff.id, actor);
        return data<Answer>({ intent, ok: true, message: "Approved. Those times are no longer offered to patients." });
      }
      const parsed = declineSchema.safeParse({ reason: form.reason ?? "" });
      if (!parsed.success) return data<Answer>({ intent, ok: false, requestId, errors: fieldErrorsOf(parsed.error) }, { status: 400 });
      await declineTimeOff(db, requestId, parsed.data.reason, staff.id, actor);
      return data<Answer>({ intent, ok: true, message: "Declined. The doctor sees your reason." });
    }
  } catch (error) {
    if (error instanceof NotFoundError) throw notFound();
    if (error instanceof ConflictError) return data<Answer>({ intent, ok: false, requestId, errors: { request: error.message } }, { status: 409 });
    throw error;
  }
  return data<Answer>({ intent, ok: false, errors: { request: "Unknown action." } }, { status: 400 });
}

const STATUS_TONE = { pending: "warn", approved: "good", declined: "muted", withdrawn: "muted" } as const;

export default function PanelTimeOff() {
  const { isOwner, isDoctor, mine, pending, today } = useLoaderData<typeof loader>();
  const answer = useActionData<typeof action>() as Answer | undefined;
  const navigation = useNavigation();
  const busy = navigation.state === "submitting";
  const errors = answer && !answer.ok && answer.intent === "request" ? answer.errors : {};
  const err = (name: string) => (errors[name] ? <span className="field-error block">{errors[name]}</span> : null);
  const invalid = (name: string) => (errors[name] ? { "aria-invalid": true as const } : {});

  return (
    <>
      <PanelHeading title="Time off">
        <p>{isOwner && isDoctor ? "Your own requests, and the requests of the clinic's doctors that wait for you." : isOwner ? "Doctors' requests that wait for your decision." : "Ask for time off; the clinic's owner approves or declines it."}</p>
      </PanelHeading>
      {answer ? (
        <p role={answer.ok ? "status" : "alert"} className={`mb-4 rounded-xl px-4 py-3 text-sm font-medium ring-1 ${answer.ok ? "bg-emerald-50 text-emerald-900 ring-emerald-200" : "bg-red-50 text-red-900 ring-red-200"}`} data-testid="time-off-answer">
          {answer.ok ? answer.message : (answer.errors.request ?? Object.values(answer.errors)[0])}
        </p>
      ) : null}

      {isOwner ? (
        <section aria-labelledby="pending-title" className="mb-8" data-testid="pending-requests">
          <h2 id="pending-title" className="mb-3 text-lg font-semibold text-slate-900">
            Waiting for approval
          </h2>
          {pending.length === 0 ? (
            <p className="card p-5 text-slate-700" data-testid="no-pending">
              No requests wait for you.
            </p>
          ) : (
            <ul className="space-y-3">
              {pending.map((r) => (
                <li key={r.id} className="card p-4" data-testid="pending-request">
                  <div className="flex flex-wrap items-start justify-between gap-3">
                    <div className="min-w-0">
                      <p className="font-semibold text-slate-900">{r.doctor}</p>
                      <p className="text-sm text-slate-700">
                        {TIME_OFF_KIND_LABELS[r.kind]} · {r.when}
                      </p>
                      {r.note ? <p className="mt-1 text-sm text-slate-600">“{r.note}”</p> : null}
                    </div>
                    <Pill tone="warn">Waiting</Pill>
                  </div>
                  {r.conflicts.length ? (
                    <div className="mt-3 rounded-xl bg-amber-50 p-3 ring-1 ring-amber-300" data-testid="request-conflicts">
                      <p className="text-sm font-semibold text-amber-950">
                        {r.conflicts.length === 1 ? "1 booked visit" : `${r.conflicts.length} booked visits`} in this time. Approving does not move them; reschedule them with the patients.
                      </p>
                      <VisitList visits={r.conflicts} />
                    </div>
                  ) : (
                    <p className="mt-2 text-sm text-emerald-800">No booked visits in this time.</p>
                  )}
                  <div className="mt-3 flex flex-wrap items-start gap-3">
                    <Form method="post">
                      <input type="hidden" name="intent" value="approve" />
                      <input type="hidden" name="requestId" value={r.id} />
                      <button type="submit" className="btn-primary min-h-11" disabled={busy}>
                        Approve
                      </button>
                    </Form>
                    <details className="min-w-0 flex-1" open={answer && !answer.ok && answer.intent === "decline" && answer.requestId === r.id}>
                      <summary className="btn-secondary min-h-11 cursor-pointer list-none">Decline…</summary>
                      <Form method="post" className="mt-3 max-w-md">
                        <input type="hidden" name="intent" value="decline" />
                        <input type="hidden" name="requestId" value={r.id} />
                        <label className="field-label" htmlFor={`reason-${r.id}`}>
                          Why? (the doctor sees this)
                        </label>
                        <textarea id={`reason-${r.id}`} name="reason" rows={2} maxLength={500} className="field-input" />
                        {answer && !answer.ok && answer.intent === "decline" && answer.requestId === r.id && answer.errors.reason ? <span className="field-error block">{answer.errors.reason}</span> : null}
                        <button type="submit" className="btn-secondary mt-2 min-h-11" disabled={busy}>
                          Decline request
                        </button>
                      </Form>
                    </details>
                  </div>
                </li>
              ))}
            </ul>
          )}
        </section>
      ) : null}

      {isDoctor ? (
        <>
          <section aria-labelledby="ask-title" className="card mb-6 p-5 sm:p-6">
            <h2 id="ask-title" className="text-lg font-semibold text-slate-900">
              Ask for time off
            </h2>
            <Form method="post" className="mt-4 space-y-4" key={answer?.ok && answer.intent === "request" ? "sent" : "form"}>
              <input type="hidden" name="intent" value="request" />
              <label className="block max-w-xs">
                <span className="field-label">Kind</span>
                <select name="kind" defaultValue="vacation" className="field-input min-h-11" {...invalid("kind")}>
                  {TIME_OFF_KINDS.map((k) => (
                    <option key={k} value={k}>
                      {TIME_OFF_KIND_LABELS[k]}
                    </option>
                  ))}
                </select>
                {err("kind")}
              </label>
              <div className="grid gap-4 sm:grid-cols-4">
                <label className="block">
                  <span className="field-label">First day</span>
                  <input type="date" name="startDate" min={today} defaultValue={today} className="field-input min-h-11" {...invalid("startDate")} />
                  {err("startDate")}
                </label>
                <label className="block">
                  <span className="field-label">From (optional)</span>
                  <input type="time" name="startTime" className="field-input min-h-11" {...invalid("startTime")} />
                  {err("startTime")}
                </label>
                <label className="block">
                  <span className="field-label">Last day</span>
                  <input type="date" name="endDate" min={today} defaultValue={today} className="field-input min-h-11" {...invalid("endDate")} />
                  {err("endDate")}
                </label>
                <label className="block">
                  <span className="field-label">Until (optional)</span>
                  <input type="time" name="endTime" className="field-input min-h-11" {...invalid("endTime")} />
                  {err("endTime")}
                </label>
              </div>
              <label className="block">
                <span className="field-label">Note for the owner (optional)</span>
                <textarea name="note" rows={2} maxLength={500} className="field-input" {...invalid("note")} />
                {err("note")}
              </label>
              <p className="text-sm text-slate-600">Without times the request covers whole days.</p>
              <button type="submit" className="btn-primary min-h-11" disabled={busy}>
                {busy ? "Sending…" : "Send request"}
              </button>
            </Form>
          </section>

          <section aria-labelledby="mine-title" data-testid="my-requests">
            <h2 id="mine-title" className="mb-3 text-lg font-semibold text-slate-900">
              My requests
            </h2>
            {mine.length === 0 ? (
              <p className="card p-5 text-slate-700" data-testid="no-requests">
                You have not asked for time off yet.
              </p>
            ) : (
              <ul className="space-y-3">
                {mine.map((r) => (
                  <li key={r.id} className="card flex flex-wrap items-start justify-between gap-3 p-4" data-testid="my-request">
                    <div className="min-w-0">
                      <p className="font-semibold text-slate-900">
                        {TIME_OFF_KIND_LABELS[r.kind]} · {r.when}
                      </p>
                      {r.note ? <p className="text-sm text-slate-600">{r.note}</p> : null}
                      {r.declineReason ? <p className="mt-1 text-sm text-slate-800">Reason: {r.declineReason}</p> : null}
                    </div>
                    <div className="flex flex-wrap items-center gap-2">
                      <Pill tone={STATUS_TONE[r.status]}>{TIME_OFF_STATUS_LABELS[r.status]}</Pill>
                      {r.status === "pending" ? (
                        <Form method="post">
                          <input type="hidden" name="intent" value="withdraw" />
                          <input type="hidden" name="requestId" value={r.id} />
                          <button type="submit" className="btn-secondary min-h-11" disabled={busy}>
                            Withdraw
                          </button>
                        </Form>
                      ) : null}
                    </div>
                  </li>
                ))}
              </ul>
            )}
          </section>
        </>
      ) : null}
    </>
  );
}
