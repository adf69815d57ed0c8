import { data, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { useEffect, useRef } from "react";
import { PanelHeading } from "~/components/panel-shell";
import { PatientAlerts } from "~/components/patient-alerts";
import { ALERT_KIND_WORDS, ALERT_KINDS, ALERT_TEXT_MAX } from "~/modules/patients/alerts";
import { changePatientDesk, PATIENT_DESK_INTENTS, patientDeskForm, patientDeskPart } from "~/modules/patients/patient-alerts.server";
import { shortWhen } from "~/modules/front-desk/visit-contact.server";
import { NotFoundError } from "~/utils/errors.server";
import { z } from "zod";
import { Pill } from "~/components/status-badge";
import { auditContextFromRequest } from "~/modules/audit/audit.server";
import { requireStaff } from "~/modules/auth/guards.server";
import { auditRefusedRecord, chartPath, recordAccessFor, requireClinicalAccess } from "~/modules/records/access.server";
import { changeChart, chartForm, type ChartAnswer, type NoteView } from "~/modules/records/chart.server";
import { PLAN_STATUS_WORDS } from "~/modules/records/words";
import { orRefuse, patientRefFrom } from "~/modules/records/http.server";
import { viewRecord, type TimelineVisit } from "~/modules/records/record.server";
import { ForbiddenError } from "~/utils/errors.server";
import { readForm } from "~/utils/forms.server";
import { firstFieldError } from "~/lib/form-errors";

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: `${data?.record.name ?? "Patient"} · Staff panel` }];

export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const { staff, roles, clinicId, clinic, db: clinicDb } = await requireStaff(request, context, "patients");
  const ref = patientRefFrom(request, params.patientAccountId);
  const asking = { staffUserId: staff.id, roles };
  const audit = auditContextFromRequest(request, context);
  const page = await orRefuse(() =>
    clinicDb
      .tx(async (tx) => {
        const access = await recordAccessFor(tx, clinicId, asking, ref);
        // ?visit= (from the doctor's day) names the visit being seen; anything else is ignored.
        const askedVisitId = z.string().uuid().safeParse(new URL(request.url).searchParams.get("visit")).data ?? null;
        return viewRecord(tx, clinic, ref, { ...asking, clinical: access.clinical, doctorMembershipId: access.doctorMembershipId, askedVisitId }, { actor: { type: "staff", id: staff.id }, request: audit });
      })
      .catch(async (error: unknown) => {
        if (error instanceof ForbiddenError) await auditRefusedRecord(clinicDb, staff.id, ref, audit);
        throw error;
      }),
  );
  // Alerts and the desk's note belong to the account holder's record at the clinic.
  const desk = ref.dependentId ? null : await patientDeskPart(clinicDb, ref.patientAccountId);
  return {
    ...page,
    desk: desk
      ? { alerts: desk.alerts, note: desk.note ? { body: desk.note.body, by: desk.note.updatedByName, at: shortWhen(desk.note.updatedAt, clinic.timeZone) } : null }
      : null,
    family: page.record.family.map((f) => ({ ...f, href: chartPath("/panel/patients", { patientAccountId: ref.patientAccountId, dependentId: f.dependentId }) })),
    isOwner: roles.includes("owner"),
    isDoctor: roles.includes("doctor"),
  };
}

/** Alerts and the desk's note: any member of staff may keep them, unlike the clinical chart. */
async function deskAction({ request, context, params }: ActionFunctionArgs, raw: Record<string, unknown>) {
  const { actor, db } = await requireStaff(request, context, "patients");
  const ref = patientRefFrom(request, params.patientAccountId);
  const form = patientDeskForm.safeParse(raw);
  if (!form.success) return data<ChartAnswer & { intent: string }>({ ok: false, intent: String(raw.intent), ...firstFieldError(form.error) }, { status: 400 });
  if (ref.dependentId) throw new Response("Not found", { status: 404 });
  try {
    const message = await changePatientDesk(db, ref.patientAccountId, form.data, actor);
    return data<ChartAnswer & { intent: string }>({ ok: true, message, intent: form.data.intent });
  } catch (error) {
    if (error instanceof NotFoundError) {
      if (form.data.intent === "remove-alert") return data<ChartAnswer & { intent: string }>({ ok: false, message: error.message, intent: form.data.intent }, { status: 404 });
      throw new Response("Not found", { status: 404 });
    }
    throw error;
  }
}

export async function action(args: ActionFunctionArgs) {
  const { request, context, params } = args;
  const raw = await readForm(request);
  // Built here, not at the top of the file: a route's top level also runs in the browser, where server modules are empty.
  if (z.object({ intent: z.enum(PATIENT_DESK_INTENTS) }).safeParse(raw).success) return deskAction(args, raw);
  const { staff, roles, clinicId, clinic, db: clinicDb } = await requireStaff(request, context, "patients.chart");
  const ref = patientRefFrom(request, params.patientAccountId);
  const form = chartForm.safeParse(raw);
  if (!form.success) {
    return data<ChartAnswer>({ ok: false, ...firstFieldError(form.error) }, { status: 400 });
  }
  const answer = await orRefuse(() =>
    clinicDb
      .tx(async (tx) => {
        const doctorMembershipId = await requireClinicalAccess(tx, clinicId, { staffUserId: staff.id, roles }, ref);
        return changeChart(tx, clinic, ref, form.data, { staffUserId: staff.id, doctorMembershipId, audit: { actor: { type: "staff", id: staff.id }, request: auditContextFromRequest(request, context) } });
      }),
  );
  return data<ChartAnswer & { intent: string }>({ ...answer, intent: form.data.intent }, { status: answer.ok ? 200 : 422 });
}

function Message({ answer }: { answer: ChartAnswer | undefined }) {
  if (!answer) return null;
  return (
    <p role={answer.ok ? "status" : "alert"} className={`mb-4 rounded-xl px-4 py-3 text-sm font-medium ring-1 ${answer.ok ? "bg-emerald-50 text-emerald-900 ring-emerald-200" : "bg-red-50 text-red-900 ring-red-200"}`} data-testid="chart-answer">
      {answer.message}
    </p>
  );
}

function Note({ note, busy }: { note: NoteView; busy: boolean }) {
  return (
    <li className="rounded-xl border border-slate-200 bg-white p-3" data-testid="chart-note" data-note-id={note.noteId}>
      <div className="flex flex-wrap items-center justify-between gap-2 text-sm text-slate-600">
        <span>
          <span className="font-semibold text-slate-900">{note.author}</span> · {note.writtenAt}
          {note.current.version > 1 ? ` · amended ${note.current.at} (version ${note.current.version})` : ""}
        </span>
        {note.locked ? <Pill tone="muted">{note.lockedWords}</Pill> : <Pill tone="warn">Open until {note.locksAt}</Pill>}
      </div>
      <p className="mt-2 whitespace-pre-wrap text-slate-900" data-testid="note-body">
        {note.current.body}
      </p>
      {note.current.amendReason ? <p className="mt-1 text-sm text-slate-600">Why amended: {note.current.amendReason}</p> : null}
      {note.history.length ? (
        <details className="mt-2 text-sm">
          <summary className="cursor-pointer font-medium text-brand underline">Earlier versions ({note.history.length})</summary>
          <ol className="mt-2 space-y-2 border-l-2 border-slate-200 pl-3">
            {note.history.map((v) => (
              <li key={v.id}>
                <p className="text-slate-600">
                  Version {v.version} · {v.at}
                  {v.amendReason ? ` · ${v.amendReason}` : ""}
                </p>
                <p className="whitespace-pre-wrap text-slate-800">{v.body}</p>
              </li>
            ))}
          </ol>
        </details>
      ) : null}
      {note.canChange ? (
        <div className="mt-3 flex flex-wrap items-start gap-3">
          <details className="min-w-0 flex-1">
            <summary className="btn-secondary min-h-11 cursor-pointer list-none">Amend…</summary>
            <Form method="post" className="mt-3 space-y-2">
              <input type="hidden" name="intent" value="amend-note" />
              <input type="hidden" name="noteId" value={note.noteId} />
              <input type="hidden" name="expectedVersion" value={note.current.version} />
              <label className="field-label" htmlFor={`amend-${note.noteId}`}>
                New version of the note
              </label>
              <textarea id={`amend-${note.noteId}`} name="body" required rows={4} defaultValue={note.current.body} className="field-input" />
              <label className="field-label" htmlFor={`reason-${note.noteId}`}>
                Why is it amended? (kept with the note)
              </label>
              <input id={`reason-${note.noteId}`} name="amendReason" required minLength={3} maxLength={500} className="field-input" />
              <button type="submit" className="btn-primary min-h-11" disabled={busy}>
                Save as version {note.current.version + 1}
              </button>
            </Form>
          </details>
          <Form method="post">
            <input type="hidden" name="intent" value="sign-note" />
            <input type="hidden" name="noteId" value={note.noteId} />
            <button type="submit" className="btn-secondary min-h-11" disabled={busy}>
              Sign and lock
            </button>
          </Form>
        </div>
      ) : null}
    </li>
  );
}

function Visit({ v, notes, busy }: { v: TimelineVisit; notes: NoteView[] | null; busy: boolean }) {
  return (
    <li className="relative pl-6" data-testid="timeline-visit" data-appointment-id={v.id}>
      <span aria-hidden="true" className="absolute left-0 top-1.5 h-3 w-3 rounded-full bg-brand ring-4 ring-white" />
      <div className="card p-4">
        <div className="flex flex-wrap items-start justify-between gap-2">
          <div>
            <p className="font-semibold text-slate-900">
              {v.when} · {v.service}
            </p>
            <p className="text-sm text-slate-600">
              {v.doctor ? `with ${v.doctor} · ` : ""}
              {v.location} · {v.price}
            </p>
          </div>
          <Pill tone={["cancelled", "no_show", "rescheduled", "declined"].includes(v.status) ? "muted" : "brand"}>{v.statusWords}</Pill>
        </div>
        {v.events.length ? (
          <ul className="mt-3 space-y-1 text-sm text-slate-700" aria-label="What happened">
            {v.events.map((e, i) => (
              <li key={i} className="flex gap-2">
                <span className="shrink-0 tabular-nums text-slate-500">{e.at}</span>
                <span>
                  {e.kind === "payment" ? "💳 " : ""}
                  {e.words}
                </span>
              </li>
            ))}
          </ul>
        ) : null}
        {notes && notes.length ? (
          <div className="mt-3">
            <h4 className="text-sm font-semibold text-slate-900">Notes for this visit</h4>
            <ul className="mt-2 space-y-2">
              {notes.map((n) => (
                <Note key={n.noteId} note={n} busy={busy} />
              ))}
            </ul>
          </div>
        ) : null}
      </div>
    </li>
  );
}

export default function PatientChart() {
  const { record, chart, family, isOwner, isDoctor, noteVisitId, desk } = useLoaderData<typeof loader>();
  const answer = useActionData<typeof action>() as (ChartAnswer & { intent?: string }) | undefined;
  const navigation = useNavigation();
  const busy = navigation.state !== "idle";
  const noteForm = useRef<HTMLFormElement>(null);
  const planForm = useRef<HTMLFormElement>(null);
  const alertForm = useRef<HTMLFormElement>(null);
  useEffect(() => {
    if (answer?.ok && answer.intent === "add-note") noteForm.current?.reset();
    if (answer?.ok && answer.intent === "add-plan-item") planForm.current?.reset();
    if (answer?.ok && answer.intent === "add-alert") alertForm.current?.reset();
  }, [answer]);
  const visitIds = new Set(record.timeline.map((v) => v.id));
  const looseNotes = chart ? chart.notes.filter((n) => !n.appointmentId || !visitIds.has(n.appointmentId)) : [];
  return (
    <>
      <Link to="/panel/patients" className="mb-3 inline-flex min-h-11 items-center text-sm font-semibold text-brand underline">
        ← Patients
      </Link>
      <PanelHeading title={record.name}>
        <p className="flex flex-wrap items-center gap-2">
          <span data-testid="patient-relation">{record.relation}</span>
          {chart ? <Pill tone="good">You are this patient's doctor</Pill> : null}
          {isOwner ? (
            <Link to={`/panel/audit?patient=${record.ref.patientAccountId}`} className="text-sm font-semibold text-brand underline">
              Who opened this record
            </Link>
          ) : null}
        </p>
      </PanelHeading>
      {desk?.alerts.length ? <PatientAlerts alerts={desk.alerts} className="mb-4" /> : null}
      <Message answer={answer} />

      <div className="grid gap-6 lg:grid-cols-3">
        <section aria-labelledby="contact-heading" className="card self-start p-4 lg:col-span-1">
          <h2 id="contact-heading" className="text-lg font-semibold text-slate-900">
            Contact
          </h2>
          <dl className="mt-3 space-y-2 text-sm">
            <div>
              <dt className="text-slate-600">Phone</dt>
              <dd className="font-medium text-slate-900">
                <a href={`tel:${record.phone}`} className="underline">
                  {record.phone}
                </a>
                {record.holder ? ` (${record.holder.name})` : ""}
              </dd>
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
                  <span className="font-semibold text-slate-900" aria-current="page">
                    {f.name} · {f.relation}
                  </span>
                ) : (
                  <Link to={f.href} className="inline-flex min-h-11 items-center text-brand underline">
                    {f.name} · {f.relation}
                  </Link>
                )}
              </li>
            ))}
          </ul>
          {desk ? (
            <div id="desk-alerts" className="mt-5 border-t border-slate-200 pt-4" data-testid="desk-part">
              <h3 className="text-sm font-semibold text-slate-900">Alerts</h3>
              <p className="text-xs text-slate-600">Shown to staff wherever this patient appears; never to the patient.</p>
              {desk.alerts.length ? (
                <ul className="mt-2 space-y-2 text-sm" data-testid="alert-list">
                  {desk.alerts.map((a) => (
                    <li key={a.id} className="flex items-start justify-between gap-2 rounded-lg bg-red-50 px-3 py-2 text-red-900 ring-1 ring-red-300">
                      <span className="min-w-0 break-words">
                        <span className="font-semibold">{ALERT_KIND_WORDS[a.kind]}:</span> {a.text}
                      </span>
                      <Form method="post">
                        <input type="hidden" name="intent" value="remove-alert" />
                        <input type="hidden" name="alertId" value={a.id} />
                        <button type="submit" className="min-h-11 rounded px-2 text-sm font-semibold text-red-900 underline" disabled={busy} aria-label={`Remove alert: ${a.text}`}>
                          Remove
                        </button>
                      </Form>
                    </li>
                  ))}
                </ul>
              ) : (
                <p className="mt-2 text-sm text-slate-600">No alerts.</p>
              )}
              <Form method="post" ref={alertForm} className="mt-3 space-y-2" data-testid="alert-form">
                <input type="hidden" name="intent" value="add-alert" />
                <div>
                  <label className="field-label" htmlFor="alert-kind">
                    Kind
                  </label>
                  <select id="alert-kind" name="kind" className="field-input min-h-11 py-2" defaultValue="allergy">
                    {ALERT_KINDS.map((k) => (
                      <option key={k} value={k}>
                        {ALERT_KIND_WORDS[k]}
                      </option>
                    ))}
                  </select>
                </div>
                <div>
                  <label className="field-label" htmlFor="alert-text">
                    Alert
                  </label>
                  <input
                    id="alert-text"
                    name="text"
                    required
                    minLength={2}
                    maxLength={ALERT_TEXT_MAX}
                    placeholder="e.g. Penicillin, needs wheelchair access"
                    className="field-input"
                    aria-invalid={answer?.ok === false && answer.intent === "add-alert" && answer.field === "text" ? true : undefined}
                    aria-describedby={answer?.ok === false && answer.intent === "add-alert" ? "alert-error" : undefined}
                  />
                  {answer?.ok === false && answer.intent === "add-alert" ? (
                    <p id="alert-error" className="field-error">
                      {answer.message}
                    </p>
                  ) : null}
                </div>
                <button type="submit" className="btn-secondary min-h-11" disabled={busy}>
                  Add alert
                </button>
              </Form>
              <Form method="post" className="mt-4 space-y-2" data-testid="patient-note-form">
                <input type="hidden" name="intent" value="patient-note" />
                <label className="field-label" htmlFor="patient-desk-note">
                  Desk note on this patient
                </label>
                <textarea id="patient-desk-note" name="body" rows={3} maxLength={2000} defaultValue={desk.note?.body ?? ""} key={desk.note?.at ?? "none"} className="field-input" aria-describedby="patient-desk-note-meta" />
                <p id="patient-desk-note-meta" className="text-xs text-slate-600">
                  {desk.note ? `Last changed by ${desk.note.by}, ${desk.note.at}.` : "No note yet."} Staff only.
                </p>
                <button type="submit" className="btn-secondary min-h-11" disabled={busy}>
                  Save note
                </button>
              </Form>
            </div>
          ) : null}
        </section>

        <div className="space-y-6 lg:col-span-2">
          {chart ? (
            <section aria-labelledby="plan-heading" className="card p-4" data-testid="treatment-plan">
              <h2 id="plan-heading" className="text-lg font-semibold text-slate-900">
                Treatment plan
              </h2>
              {chart.plan.length ? (
                <ul className="mt-3 divide-y divide-slate-200">
                  {chart.plan.map((item) => (
                    <li key={item.id} className="py-3" data-testid="plan-item">
                      <div className="flex flex-wrap items-start justify-between gap-2">
                        <div className="min-w-0">
                          <p className={`font-semibold ${item.status === "cancelled" ? "text-slate-500 line-through" : "text-slate-900"}`}>{item.title}</p>
                          {item.details ? <p className="whitespace-pre-wrap text-sm text-slate-700">{item.details}</p> : null}
                          <p className="text-xs text-slate-600">
                            {item.targetDate ? `By ${item.targetDate} · ` : ""}Updated by {item.updatedBy}, {item.updatedAt}
                          </p>
                        </div>
                        <div className="flex gap-2">
                          <Pill tone={item.status === "done" ? "good" : "neutral"}>{item.statusWords}</Pill>
                          {item.visibleToPatient ? <Pill tone="brand">Patient sees it</Pill> : <Pill tone="muted">Clinic only</Pill>}
                        </div>
                      </div>
                      <Form method="post" className="mt-2 flex flex-wrap items-end gap-3">
                        <input type="hidden" name="intent" value="update-plan-item" />
                        <input type="hidden" name="itemId" value={item.id} />
                        <div>
                          <label className="field-label" htmlFor={`status-${item.id}`}>
                            Status
                          </label>
                          <select id={`status-${item.id}`} name="status" defaultValue={item.status} className="field-input min-h-11 py-2">
                            {Object.entries(PLAN_STATUS_WORDS).map(([value, words]) => (
                              <option key={value} value={value}>
                                {words}
                              </option>
                            ))}
                          </select>
                        </div>
                        <label className="inline-flex min-h-11 items-center gap-2 text-sm text-slate-800">
                          <input type="checkbox" name="visibleToPatient" defaultChecked={item.visibleToPatient} className="h-5 w-5 rounded border-slate-300" />
                          Visible to the patient
                        </label>
                        <button type="submit" className="btn-secondary min-h-11" disabled={busy}>
                          Save
                        </button>
                      </Form>
                    </li>
                  ))}
                </ul>
              ) : (
                <p className="mt-2 text-sm text-slate-600">No plan yet.</p>
              )}
              <details className="mt-3" open={chart.plan.length === 0}>
                <summary className="btn-secondary min-h-11 cursor-pointer list-none">Add a step to the plan</summary>
                <Form method="post" ref={planForm} className="mt-3 space-y-3" data-testid="plan-form">
                  <input type="hidden" name="intent" value="add-plan-item" />
                  <div>
                    <label className="field-label" htmlFor="plan-title">
                      Step
                    </label>
                    <input id="plan-title" name="title" required maxLength={200} className="field-input" aria-invalid={answer?.ok === false && answer.field === "title"} />
                    {answer?.ok === false && answer.field === "title" ? <p className="field-error">{answer.message}</p> : null}
                  </div>
                  <div>
                    <label className="field-label" htmlFor="plan-details">
                      Details (optional)
                    </label>
                    <textarea id="plan-details" name="details" rows={2} maxLength={2000} className="field-input" />
                  </div>
                  <div className="flex flex-wrap items-end gap-4">
                    <div>
                      <label className="field-label" htmlFor="plan-date">
                        Target date (optional)
                      </label>
                      <input id="plan-date" name="targetDate" type="date" className="field-input" aria-invalid={answer?.ok === false && answer.field === "targetDate"} />
                      {answer?.ok === false && answer.field === "targetDate" ? <p className="field-error">{answer.message}</p> : null}
                    </div>
                    <label className="inline-flex min-h-11 items-center gap-2 text-sm text-slate-800">
                      <input type="checkbox" name="visibleToPatient" className="h-5 w-5 rounded border-slate-300" />
                      Visible to the patient in their account
                    </label>
                  </div>
                  <button type="submit" className="btn-primary min-h-11" disabled={busy}>
                    {busy && navigation.formData?.get("intent") === "add-plan-item" ? "Adding…" : "Add to the plan"}
                  </button>
                </Form>
              </details>
            </section>
          ) : (
            <p className="card border-dashed p-4 text-sm text-slate-700" data-testid="clinical-hidden">
              Clinical notes and the treatment plan are shown only to this patient's doctors{isDoctor ? " (a doctor with a visit with this patient)" : ""}. You see the contact details, family and visit timeline.
            </p>
          )}

          {chart ? (
            <section aria-labelledby="note-heading" className="card p-4">
              <h2 id="note-heading" className="text-lg font-semibold text-slate-900">
                Add a clinical note
              </h2>
              <Form method="post" ref={noteForm} className="mt-3 space-y-3" data-testid="note-form">
                <input type="hidden" name="intent" value="add-note" />
                <div>
                  <label className="field-label" htmlFor="note-visit">
                    Visit
                  </label>
                  <select id="note-visit" name="appointmentId" className="field-input min-h-11 py-2" defaultValue={noteVisitId}>
                    <option value="">Not about one visit</option>
                    {record.timeline.map((v) => (
                      <option key={v.id} value={v.id}>
                        {v.when} · {v.service}
                      </option>
                    ))}
                  </select>
                </div>
                <div>
                  <label className="field-label" htmlFor="note-body">
                    Note
                  </label>
                  <textarea id="note-body" name="body" required rows={4} maxLength={20000} className="field-input" aria-invalid={answer?.ok === false && answer.field === "body"} />
                  {answer?.ok === false && answer.field === "body" ? <p className="field-error">{answer.message}</p> : null}
                  <p className="mt-1 text-xs text-slate-600">A note can be amended by you (each change kept as a version) until you sign it or 24 hours pass.</p>
                </div>
                <button type="submit" className="btn-primary min-h-11" disabled={busy}>
                  {busy && navigation.formData?.get("intent") === "add-note" ? "Saving…" : "Add note"}
                </button>
              </Form>
              {looseNotes.length ? (
                <>
                  <h3 className="mt-5 text-sm font-semibold text-slate-900">Notes not tied to a visit</h3>
                  <ul className="mt-2 space-y-2">
                    {looseNotes.map((n) => (
                      <Note key={n.noteId} note={n} busy={busy} />
                    ))}
                  </ul>
                </>
              ) : null}
            </section>
          ) : null}

          <section aria-labelledby="timeline-heading">
            <h2 id="timeline-heading" className="text-lg font-semibold text-slate-900">
              Visit timeline
            </h2>
            {record.timeline.length ? (
              <ol className="relative mt-3 space-y-4 before:absolute before:bottom-0 before:left-[5px] before:top-2 before:w-0.5 before:bg-slate-200" data-testid="timeline">
                {record.timeline.map((v) => (
                  <Visit key={v.id} v={v} notes={chart ? chart.notes.filter((n) => n.appointmentId === v.id) : null} busy={busy} />
                ))}
              </ol>
            ) : (
              <p className="card mt-3 p-4 text-sm text-slate-700">No visits yet.</p>
            )}
          </section>
        </div>
      </div>
    </>
  );
}
