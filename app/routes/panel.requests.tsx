import { data, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { Answer, Empty } from "~/components/desk-ui";
import { PanelHeading } from "~/components/panel-shell";
import { requireStaff } from "~/modules/auth/guards.server";
import { formatDateTime, formatDateWindow } from "~/lib/format";
import { runAppointmentAction } from "~/modules/front-desk/appointment-desk.server";
import { deskResources } from "~/modules/front-desk/desk-appointments.server";
import { slotValue } from "~/modules/front-desk/phone-booking.server";
import { proposeForRequest, requestActionForm, requestsInbox } from "~/modules/front-desk/requests.server";
import { readForm } from "~/utils/forms.server";
import { firstMessage } from "~/lib/form-errors";

export const meta: MetaFunction = () => [{ title: "Requests · Staff panel" }];

const WEEKDAY = ["", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];

export async function loader({ request, context }: LoaderFunctionArgs) {
  const { actor, clinic, db } = await requireStaff(request, context, "requests");
  const resources = await db.tx((tx) => deskResources(tx, clinic.id));
  const names = new Map(resources.doctors.map((d) => [d.id, d.name]));
  const inbox = await requestsInbox(db, clinic, actor, names);
  const tz = clinic.timeZone;
  const person = (r: { patient: { firstName: string | null; lastName: string | null }; dependent: { firstName: string; lastName: string } | null }) =>
    r.dependent ? `${r.dependent.firstName} ${r.dependent.lastName}` : [r.patient.firstName, r.patient.lastName].filter(Boolean).join(" ") || "Patient";
  return {
    approvals: inbox.approvals.map((a) => ({ id: a.id, patientName: a.patientName, serviceName: a.serviceName, doctorName: a.doctorName, when: formatDateTime(a.start, tz), note: a.note })),
    flexible: inbox.flexible.map((r) => ({
      id: r.id,
      patientName: person(r),
      serviceName: r.serviceName,
      doctorName: r.practitionerId ? (names.get(r.practitionerId) ?? "A doctor") : "Any doctor",
      locationName: r.locationId ? (resources.locations.find((l) => l.id === r.locationId)?.name ?? "") : "Any location",
      days: r.preferredWeekdays.length ? r.preferredWeekdays.map((d) => WEEKDAY[d]).join(", ") : "Any day",
      hours: r.preferredFrom || r.preferredTo ? `${r.preferredFrom ?? "opening"}–${r.preferredTo ?? "closing"}` : "Any time",
      dates: formatDateWindow(r.earliestDate, r.latestDate),
      note: r.note,
      since: formatDateTime(r.createdAt, tz),
      times: r.times.map((t) => ({ ...t, value: slotValue(t) })),
      suggested: r.suggested,
    })),
    waiting: inbox.waiting.map((r) => ({ id: r.id, patientName: person(r), serviceName: r.serviceName, when: r.proposal ? formatDateTime(r.proposal.start, tz) : "", until: r.proposal?.expiresAt ? formatDateTime(r.proposal.expiresAt, tz) : "", kind: r.status })),
  };
}

type RequestAnswer = { ok: boolean; message: string; targetId?: string };

export async function action({ request, context }: ActionFunctionArgs) {
  const { actor, clinic, db } = await requireStaff(request, context, "requests");
  const raw = await readForm(request);
  const form = requestActionForm.safeParse(raw);
  const targetId = String(raw.appointmentId ?? raw.requestId ?? "");
  if (!form.success) return data<RequestAnswer>({ ok: false, message: firstMessage(form.error, "Check the form."), targetId }, { status: 400 });
  if (form.data.intent === "propose") {
    const answer = await proposeForRequest(db, clinic, form.data, actor);
    return data<RequestAnswer>({ ...answer, targetId }, { status: answer.ok ? 200 : 409 });
  }
  const names = new Map<string, string>();
  const answer = await runAppointmentAction(db, clinic, form.data.appointmentId, form.data.intent === "approve" ? { intent: "approve" } : { intent: "decline", reason: form.data.reason }, actor, names);
  return data<RequestAnswer>({ ok: answer.ok, message: answer.message, targetId }, { status: answer.ok ? 200 : 422 });
}

export default function DeskRequests() {
  const d = useLoaderData<typeof loader>();
  const answer = useActionData<typeof action>() as RequestAnswer | undefined;
  const busy = useNavigation().state === "submitting";
  return (
    <>
      <PanelHeading title="Requests">
        <p>Approve or decline visits that need approval, and propose times to patients waiting for one.</p>
      </PanelHeading>
      <Answer answer={answer} />

      <section aria-labelledby="approvals-title" className="mb-8">
        <h2 id="approvals-title" className="mb-3 text-lg font-semibold text-slate-900">
          Waiting for approval ({d.approvals.length})
        </h2>
        {d.approvals.length ? (
          <ul className="space-y-3" data-testid="approvals">
            {d.approvals.map((a) => (
              <li key={a.id} className="card p-4" data-testid="approval" data-appointment-id={a.id}>
                <div className="flex flex-wrap items-start justify-between gap-3">
                  <div>
                    <Link to={`/panel/appointments/${a.id}`} className="font-semibold text-slate-900 underline decoration-slate-300 underline-offset-2">
                      {a.patientName}
                    </Link>
                    <p className="text-sm text-slate-600">
                      {a.serviceName} with {a.doctorName} · {a.when}
                    </p>
                    {a.note ? <p className="mt-1 text-sm text-slate-700">“{a.note}”</p> : null}
                  </div>
                  <Form method="post">
                    <input type="hidden" name="appointmentId" value={a.id} />
                    <button type="submit" name="intent" value="approve" className="btn-primary min-h-11 px-4" disabled={busy}>
                      Approve
                    </button>
                  </Form>
                </div>
                <details className="mt-3">
                  <summary className="inline-flex min-h-11 cursor-pointer items-center text-sm font-semibold text-slate-800 underline">Decline with a reason…</summary>
                  <Form method="post" className="mt-2 max-w-lg">
                    <input type="hidden" name="appointmentId" value={a.id} />
                    <label htmlFor={`decline-${a.id}`} className="field-label">
                      Reason (the patient is told)
                    </label>
                    <textarea id={`decline-${a.id}`} name="reason" rows={2} required minLength={3} maxLength={500} className="field-input" />
                    {answer && !answer.ok && answer.targetId === a.id ? <p className="field-error">{answer.message}</p> : null}
                    <button type="submit" name="intent" value="decline" className="btn-secondary mt-2 min-h-11 px-4" disabled={busy}>
                      Decline
                    </button>
                  </Form>
                </details>
              </li>
            ))}
          </ul>
        ) : (
          <div className="card p-4">
            <Empty>No visits are waiting for approval.</Empty>
          </div>
        )}
      </section>

      <section aria-labelledby="flexible-title" className="mb-8">
        <h2 id="flexible-title" className="mb-3 text-lg font-semibold text-slate-900">
          Flexible-schedule requests ({d.flexible.length})
        </h2>
        {d.flexible.length ? (
          <ul className="space-y-3" data-testid="flexible-requests">
            {d.flexible.map((r) => (
              <li key={r.id} className="card p-4" data-testid="flexible-request">
                <p className="font-semibold text-slate-900">{r.patientName}</p>
                <p className="text-sm text-slate-600">
                  {r.serviceName} · {r.doctorName} · {r.locationName}
                </p>
                <p className="text-sm text-slate-600">
                  {r.days} · {r.hours} · {r.dates} · asked {r.since}
                </p>
                {r.note ? <p className="mt-1 text-sm text-slate-700">“{r.note}”</p> : null}
                {r.times.length ? (
                  <Form method="post" className="mt-3">
                    <input type="hidden" name="intent" value="propose" />
                    <input type="hidden" name="requestId" value={r.id} />
                    <fieldset>
                      <legend className="field-label">Free times that fit</legend>
                      <div className="mt-2 grid gap-2 sm:grid-cols-2 lg:grid-cols-4">
                        {r.times.map((t) => (
                          <label key={t.value} className="flex min-h-11 cursor-pointer items-center gap-2 rounded-lg border border-slate-300 bg-white px-3 py-1 text-sm has-[:checked]:border-brand has-[:checked]:bg-brand-soft has-[:focus-visible]:ring-2 has-[:focus-visible]:ring-brand">
                            <input type="radio" name="slot" value={t.value} required className="h-4 w-4" />
                            <span>
                              <span className="font-semibold">{t.time}</span>
                              <span className="block text-xs text-slate-600">{t.doctorName}</span>
                            </span>
                          </label>
                        ))}
                      </div>
                    </fieldset>
                    <label htmlFor={`expires-${r.id}`} className="field-label mt-3">
                      Hours the patient has to answer
                    </label>
                    <input id={`expires-${r.id}`} name="expiresInHours" type="number" min={1} max={336} defaultValue={48} className="field-input min-h-11 max-w-32" />
                    {answer && !answer.ok && answer.targetId === r.id ? <p className="field-error">{answer.message}</p> : null}
                    <button type="submit" className="btn-primary mt-3 min-h-11 px-4" disabled={busy}>
                      Propose this time
                    </button>
                  </Form>
                ) : r.suggested ? (
                  <p className="mt-2 text-sm text-slate-700">No free time fits these wishes in the next four weeks. Call the patient to widen them.</p>
                ) : (
                  <p className="mt-2 text-sm text-slate-700">Free times are suggested for the oldest requests first; answer those and this one&apos;s times appear.</p>
                )}
              </li>
            ))}
          </ul>
        ) : (
          <div className="card p-4">
            <Empty>No flexible-schedule requests are waiting.</Empty>
          </div>
        )}
      </section>

      {d.waiting.length ? (
        <section aria-labelledby="waiting-title">
          <h2 id="waiting-title" className="mb-3 text-lg font-semibold text-slate-900">
            Waiting for the patient&apos;s answer ({d.waiting.length})
          </h2>
          <ul className="card divide-y divide-slate-100 p-2 text-sm">
            {d.waiting.map((w) => (
              <li key={w.id} className="px-2 py-2">
                <span className="font-medium text-slate-900">{w.patientName}</span> · {w.serviceName} · {w.kind === "offered" ? "offered" : "proposed"} {w.when}
                {w.until ? <span className="text-slate-600"> · answer by {w.until}</span> : null}
              </li>
            ))}
          </ul>
        </section>
      ) : null}
    </>
  );
}
