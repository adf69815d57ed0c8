import { data, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useLocation, useNavigation, useSubmit } from "@remix-run/react";
import { useState, type ReactNode } from "react";
import { PanelHeading } from "~/components/panel-shell";
import { Pill } from "~/components/status-badge";
import { VisitList } from "~/components/affected-visits";
import { WeekEditor } from "~/components/week-editor";
import { auditContextFromRequest } from "~/modules/audit/audit.server";
import { notFound, requireStaff } from "~/modules/auth/guards.server";
import { EXCEPTION_KIND_LABELS, EXCEPTION_KINDS, exceptionSchema, parseWeekForm, spanInstants, TIME_OFF_REASONS, type FieldErrors } from "~/modules/schedules/schedule-form";
import { addException, removeException, saveWeek, scheduleEditor, type AffectedVisit, type ExceptionRemoval } from "~/modules/schedules/weekly-schedule.server";
import type { Actor } from "~/lib/actor";
import { NotFoundError } from "~/utils/errors.server";
import { readForm } from "~/utils/forms.server";
import { fieldErrorsOf } from "~/lib/form-errors";

export const meta: MetaFunction = () => [{ title: "Schedules · Staff panel" }];

function actorOf(request: Request, context: LoaderFunctionArgs["context"], staffId: string): Actor {
  return { type: "staff", id: staffId, request: auditContextFromRequest(request, context) };
}

export async function loader({ request, context }: LoaderFunctionArgs) {
  const { staff, clinic, db } = await requireStaff(request, context, "schedules");
  const url = new URL(request.url);
  const q = (name: string) => url.searchParams.get(name);
  try {
    const editor = await scheduleEditor(db, clinic, { doctor: q("doctor"), location: q("location"), period: q("period"), service: q("service") }, actorOf(request, context, staff.id));
    return { ...editor, timeZone: clinic.timeZone };
  } catch (error) {
    if (error instanceof NotFoundError) throw notFound();
    throw error;
  }
}

type Answer =
  | { intent: "save-week"; ok: true; outside: AffectedVisit[] }
  | { intent: "save-week"; ok: false; errors: FieldErrors }
  | { intent: "add-exception"; ok: true; affected: AffectedVisit[] }
  | { intent: "add-exception"; ok: false; errors: FieldErrors }
  | { intent: "remove-exception"; ok: true; what: string }
  | { intent: "remove-exception"; ok: false; confirm: ExceptionRemoval };

export async function action({ request, context }: ActionFunctionArgs) {
  const { staff, clinic, db } = await requireStaff(request, context, "schedules");
  const form = await readForm(request);
  const actor = actorOf(request, context, staff.id);
  try {
    if (form.intent === "save-week") {
      const parsed = parseWeekForm(form);
      if (!parsed.ok) return data<Answer>({ intent: "save-week", ok: false, errors: parsed.errors }, { status: 400 });
      const saved = await saveWeek(db, clinic, parsed.value, actor);
      if (!saved.ok) return data<Answer>({ intent: "save-week", ok: false, errors: saved.errors }, { status: 422 });
      return data<Answer>({ intent: "save-week", ok: true, outside: saved.outside });
    }
    if (form.intent === "add-exception") {
      const parsed = exceptionSchema.safeParse({
        kind: form.kind ?? "",
        doctorId: form.doctorId ?? "",
        locationId: form.locationId ?? "",
        reasonKind: form.reasonKind ?? "",
        note: form.note ?? "",
        startDate: form.startDate ?? "",
        startTime: form.startTime ?? "",
        endDate: form.endDate ?? "",
        endTime: form.endTime ?? "",
      });
      if (!parsed.success) {
        return data<Answer>({ intent: "add-exception", ok: false, errors: fieldErrorsOf(parsed.error) }, { status: 400 });
      }
      const e = parsed.data;
      const span = spanInstants(e, clinic.timeZone);
      if ("error" in span) return data<Answer>({ intent: "add-exception", ok: false, errors: { endDate: span.error } }, { status: 400 });
      const reason = e.kind === "time_off" ? `${e.reasonKind}${e.note ? `: ${e.note}` : ""}` : e.note || null;
      const added = await addException(db, clinic, { kind: e.kind, doctorId: e.kind === "closure" ? null : e.doctorId, locationId: e.kind === "time_off" ? null : e.locationId || null, start: span.start, end: span.end, reason }, actor);
      return data<Answer>({ intent: "add-exception", ok: true, affected: added.affected });
    }
    if (form.intent === "remove-exception") {
      // The first press only asks; the confirmation form sends `confirm=yes`.
      const removed = await removeException(db, clinic, typeof form.exceptionId === "string" ? form.exceptionId : "", actor, { confirmed: form.confirm === "yes" });
      if (!removed.removed) return data<Answer>({ intent: "remove-exception", ok: false, confirm: removed.confirm });
      return data<Answer>({ intent: "remove-exception", ok: true, what: removed.what });
    }
  } catch (error) {
    if (error instanceof NotFoundError) throw notFound();
    throw error;
  }
  return data({ message: "Unknown action." }, { status: 400 });
}

export default function PanelSchedules() {
  const d = useLoaderData<typeof loader>();
  const answer = useActionData<typeof action>() as Answer | undefined;
  const navigation = useNavigation();
  const submit = useSubmit();
  const busy = (intent: string) => navigation.state === "submitting" && navigation.formData?.get("intent") === intent;
  const weekErrors = answer?.intent === "save-week" && !answer.ok ? answer.errors : {};

  if (!d.doctor) {
    return (
      <>
        <PanelHeading title="Schedules" />
        <p className="card p-6 text-slate-700" data-testid="no-doctors">
          The clinic has no active doctors yet. Add doctors on the Staff page, then set their weekly hours here.
        </p>
      </>
    );
  }
  const query = (patch: Record<string, string | null>) => {
    const p = new URLSearchParams({ doctor: d.doctor!.id, ...(d.locationId ? { location: d.locationId } : {}), ...(d.period ? { period: d.period.key } : {}), ...(d.serviceId ? { service: d.serviceId } : {}) });
    for (const [k, v] of Object.entries(patch)) {
      if (v === null) p.delete(k);
      else p.set(k, v);
    }
    return `?${p.toString()}`;
  };
  const locationName = d.locations.find((l) => l.id === d.locationId)?.name ?? "";

  return (
    <>
      <PanelHeading title="Schedules">
        <p>Weekly hours per doctor and location, in the clinic&apos;s time ({d.timeZone}). A 09:00 start stays 09:00 on both sides of a clock change.</p>
      </PanelHeading>

      {d.pendingTimeOff ? (
        <p className="mb-4 rounded-xl bg-amber-50 px-4 py-3 text-sm text-amber-950 ring-1 ring-amber-200" data-testid="pending-time-off">
          {d.pendingTimeOff === 1 ? "1 time-off request waits" : `${d.pendingTimeOff} time-off requests wait`} for approval.{" "}
          <Link to="/panel/time-off" className="font-semibold underline">
            Review time off
          </Link>
        </p>
      ) : null}

      <Form method="get" className="card mb-6 grid gap-4 p-4 sm:grid-cols-[1fr_1fr_auto] sm:items-end" onChange={(e) => submit(e.currentTarget)} key={`${d.doctor.id}|${d.locationId}`}>
        <label className="block">
          <span className="field-label">Doctor</span>
          <select name="doctor" defaultValue={d.doctor.id} className="field-input min-h-11">
            {d.doctors.map((doc) => (
              <option key={doc.id} value={doc.id}>
                {doc.name}
                {doc.workStatus && doc.workStatus !== "active" ? ` (${doc.workStatus === "on_leave" ? "on leave" : "inactive"})` : ""}
              </option>
            ))}
          </select>
        </label>
        <label className="block">
          <span className="field-label">Location</span>
          <select name="location" defaultValue={d.locationId ?? ""} className="field-input min-h-11">
            {d.locations.map((l) => (
              <option key={l.id} value={l.id}>
                {l.name}
              </option>
            ))}
          </select>
        </label>
        <button type="submit" className="btn-secondary min-h-11">
          Show
        </button>
      </Form>

      {answer?.intent === "save-week" && answer.ok ? (
        <Notice tone="good" testId="week-saved">
          Schedule saved. The booking site offers the new times now.
        </Notice>
      ) : null}
      {answer?.intent === "save-week" && !answer.ok ? (
        <Notice tone="bad" testId="week-errors">
          The schedule was not saved: {Object.values(answer.errors)[0]}
        </Notice>
      ) : null}

      {d.outside.length ? (
        <section aria-labelledby="outside-title" className="mb-6 rounded-2xl bg-amber-50 p-5 ring-1 ring-amber-300" data-testid="outside-working-time">
          <h2 id="outside-title" className="font-semibold text-amber-950">
            {d.outside.length === 1 ? "1 booked visit is" : `${d.outside.length} booked visits are`} now outside {d.doctor.name}&apos;s working time
          </h2>
          <p className="mt-1 text-sm text-amber-950">They were not moved. Reschedule them or change the hours back.</p>
          <VisitList visits={d.outside} />
        </section>
      ) : null}

      <section aria-labelledby="week-title" className="card mb-6 p-5 sm:p-6">
        <div className="flex flex-wrap items-start justify-between gap-3">
          <h2 id="week-title" className="text-lg font-semibold text-slate-900">
            {d.doctor.name} at {locationName}
          </h2>
          {d.doctor.workStatus && d.doctor.workStatus !== "active" ? <Pill tone="warn">Not bookable: {d.doctor.workStatus === "on_leave" ? "on leave" : "inactive"}</Pill> : null}
        </div>
        <nav aria-label="Schedule periods" className="mt-3 flex flex-wrap gap-2">
          {d.periods.map((p) => (
            <Link key={p.key} to={query({ period: p.key })} className={`inline-flex min-h-11 items-center rounded-lg border px-3 text-sm font-medium ${!d.isNewPeriod && d.period?.key === p.key ? "border-brand bg-brand-soft text-slate-900" : "border-slate-300 text-slate-700 hover:bg-slate-50"}`} aria-current={!d.isNewPeriod && d.period?.key === p.key ? "page" : undefined}>
              {p.label}
              {p.current ? <span className="ml-2 text-xs text-slate-600">(in effect today)</span> : null}
            </Link>
          ))}
          <Link to={query({ period: "new" })} className={`inline-flex min-h-11 items-center rounded-lg border border-dashed px-3 text-sm font-medium ${d.isNewPeriod ? "border-brand bg-brand-soft" : "border-slate-400 text-slate-700 hover:bg-slate-50"}`}>
            New period…
          </Link>
        </nav>
        {d.elsewhere.some((e) => e.length) ? (
          <p className="mt-3 text-sm text-slate-600">
            Also works at:{" "}
            {d.elsewhere
              .map((e, i) => (e.length ? `${["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"][i]} ${e.join(", ")}` : null))
              .filter(Boolean)
              .join(" · ")}
          </p>
        ) : null}
        <Form method="post" className="mt-5 space-y-5" key={`${d.doctor.id}|${d.locationId}|${d.isNewPeriod ? "new" : (d.period?.key ?? "")}|${JSON.stringify(d.days)}`}>
          <input type="hidden" name="intent" value="save-week" />
          <input type="hidden" name="doctorId" value={d.doctor.id} />
          <input type="hidden" name="locationId" value={d.locationId ?? ""} />
          <input type="hidden" name="replaces" value={d.isNewPeriod ? "" : (d.period?.key ?? "")} />
          <fieldset className="grid gap-4 sm:grid-cols-2">
            <legend className="mb-2 text-sm font-semibold text-slate-900">In effect (leave empty for no limit)</legend>
            <label className="block">
              <span className="field-label">From</span>
              <input type="date" name="effectiveFrom" defaultValue={d.isNewPeriod ? "" : (d.period?.from ?? "")} className="field-input min-h-11" aria-invalid={weekErrors.effectiveFrom ? true : undefined} />
              {weekErrors.effectiveFrom ? <span className="field-error block">{weekErrors.effectiveFrom}</span> : null}
            </label>
            <label className="block">
              <span className="field-label">Until</span>
              <input type="date" name="effectiveTo" defaultValue={d.isNewPeriod ? "" : (d.period?.to ?? "")} className="field-input min-h-11" aria-invalid={weekErrors.effectiveTo ? true : undefined} />
              {weekErrors.effectiveTo ? <span className="field-error block">{weekErrors.effectiveTo}</span> : null}
            </label>
          </fieldset>
          <WeekEditor days={d.isNewPeriod ? d.days.map(() => []) : d.days} errors={weekErrors} />
          <button type="submit" className="btn-primary min-h-11 px-6" disabled={busy("save-week")}>
            {busy("save-week") ? "Saving…" : "Save weekly hours"}
          </button>
        </Form>
      </section>

      <Preview d={d} />

      <Exceptions d={d} answer={answer} busy={busy} />
    </>
  );
}

type LoaderData = Exclude<ReturnType<typeof useLoaderData<typeof loader>>, { doctor: null }>;

function Preview({ d }: { d: LoaderData }) {
  const submit = useSubmit();
  return (
    <section aria-labelledby="preview-title" className="card mb-6 p-5 sm:p-6" data-testid="slot-preview">
      <h2 id="preview-title" className="text-lg font-semibold text-slate-900">
        Free times in the next 7 days
      </h2>
      <p className="mt-1 text-sm text-slate-600">What patients can book with {d.doctor!.name}, worked out from the saved hours, exceptions, bookings and the service&apos;s rules.</p>
      {d.services.length === 0 ? (
        <p className="mt-4 text-sm text-slate-700">
          {d.doctor!.name} performs no bookable service yet. Tick them on a service on the{" "}
          <Link to="/panel/services" className="font-semibold text-brand underline">
            Services
          </Link>{" "}
          page.
        </p>
      ) : (
        <>
          <Form method="get" className="mt-4 flex flex-wrap items-end gap-3" onChange={(e) => submit(e.currentTarget, { preventScrollReset: true })} preventScrollReset>
            <input type="hidden" name="doctor" value={d.doctor!.id} />
            {d.locationId ? <input type="hidden" name="location" value={d.locationId} /> : null}
            {d.period && !d.isNewPeriod ? <input type="hidden" name="period" value={d.period.key} /> : null}
            <label className="block">
              <span className="field-label">Service</span>
              <select name="service" defaultValue={d.serviceId ?? ""} className="field-input min-h-11">
                {d.services.map((s) => (
                  <option key={s.id} value={s.id}>
                    {s.name}
                  </option>
                ))}
              </select>
            </label>
            <button type="submit" className="btn-secondary min-h-11">
              Show times
            </button>
          </Form>
          <ol className="mt-4 grid items-start gap-3 sm:grid-cols-2 lg:grid-cols-4 xl:grid-cols-7">
            {(d.preview ?? []).map((day) => (
              <li key={day.date} className="rounded-xl border border-slate-200 p-3" data-testid="preview-day" data-date={day.date}>
                <h3 className="text-sm font-semibold text-slate-900">{day.label}</h3>
                {day.times.length ? (
                  <>
                    <p className="text-xs text-slate-600">{day.times.length === 1 ? "1 time" : `${day.times.length} times`}</p>
                    <ul className="mt-2 flex flex-wrap gap-1">
                      {day.times.slice(0, 24).map((t) => (
                        <li key={`${t.start}|${t.location}`} className="rounded bg-brand-soft px-1.5 py-0.5 text-xs tabular-nums text-slate-900" title={t.location} data-testid="preview-time">
                          {t.time}
                        </li>
                      ))}
                      {day.times.length > 24 ? <li className="text-xs text-slate-600">+{day.times.length - 24} more</li> : null}
                    </ul>
                  </>
                ) : (
                  <p className="mt-1 text-xs text-slate-600">No free times</p>
                )}
              </li>
            ))}
          </ol>
        </>
      )}
    </section>
  );
}

function Exceptions({ d, answer, busy }: { d: LoaderData; answer: Answer | undefined; busy: (intent: string) => boolean }) {
  const errors = answer?.intent === "add-exception" && !answer.ok ? answer.errors : {};
  const [kind, setKind] = useState<(typeof EXCEPTION_KINDS)[number]>("time_off");
  const field = (name: string) => (errors[name] ? { "aria-invalid": true as const } : {});
  const err = (name: string) => (errors[name] ? <span className="field-error block">{errors[name]}</span> : null);
  return (
    <section aria-labelledby="exceptions-title" className="card p-5 sm:p-6" data-testid="exceptions">
      <h2 id="exceptions-title" className="text-lg font-semibold text-slate-900">
        Exceptions
      </h2>
      <p className="mt-1 text-sm text-slate-600">Clinic holidays and closures, {d.doctor!.name}&apos;s time off and extra hours, from today on.</p>
      {answer?.intent === "add-exception" && answer.ok ? (
        <div className="mt-4">
          <Notice tone="good" testId="exception-added">
            Exception added. The booking site no longer offers those times.
          </Notice>
          {answer.affected.length ? (
            <div className="rounded-xl bg-amber-50 p-4 ring-1 ring-amber-300" data-testid="exception-conflicts">
              <p className="font-semibold text-amber-950">{answer.affected.length === 1 ? "1 booked visit falls" : `${answer.affected.length} booked visits fall`} in this time. They were not moved or cancelled:</p>
              <VisitList visits={answer.affected} />
            </div>
          ) : null}
        </div>
      ) : null}
      {answer?.intent === "remove-exception" && answer.ok ? (
        <div className="mt-4">
          <Notice tone="good" testId="exception-removed">
            Exception removed: {answer.what}.
          </Notice>
        </div>
      ) : null}
      {answer?.intent === "remove-exception" && !answer.ok ? <ConfirmRemoval confirm={answer.confirm} busy={busy("remove-exception")} /> : null}
      {d.exceptions.length ? (
        <ul className="mt-4 divide-y divide-slate-200" data-testid="exception-list">
          {d.exceptions.map((e) => (
            <li key={e.id} className="flex flex-wrap items-center justify-between gap-3 py-3">
              <div className="min-w-0">
                <p className="font-medium text-slate-900">
                  <Pill tone={e.kind === "extra_hours" ? "good" : e.kind === "closure" ? "warn" : "neutral"}>{EXCEPTION_KIND_LABELS[e.kind]}</Pill> <span className="ml-1">{e.when}</span>
                </p>
                <p className="text-sm text-slate-600">
                  {e.who} · {e.where}
                  {e.reason ? ` · ${e.reason}` : ""}
                </p>
              </div>
              <Form method="post" preventScrollReset>
                <input type="hidden" name="intent" value="remove-exception" />
                <input type="hidden" name="exceptionId" value={e.id} />
                <button type="submit" className="btn-secondary min-h-11" aria-label={`Remove ${EXCEPTION_KIND_LABELS[e.kind].toLowerCase()} ${e.when}…`}>
                  Remove…
                </button>
              </Form>
            </li>
          ))}
        </ul>
      ) : (
        <p className="mt-4 text-sm text-slate-700" data-testid="no-exceptions">
          No upcoming exceptions.
        </p>
      )}

      <Form method="post" className="mt-6 space-y-4 rounded-xl border border-slate-200 p-4" preventScrollReset key={`${d.doctor!.id}|${d.locationId}`}>
        <h3 className="font-semibold text-slate-900">Add an exception</h3>
        <input type="hidden" name="intent" value="add-exception" />
        <div className="grid gap-4 sm:grid-cols-2">
          <label className="block">
            <span className="field-label">Kind</span>
            <select name="kind" value={kind} onChange={(e) => setKind(e.target.value as typeof kind)} className="field-input min-h-11">
              {EXCEPTION_KINDS.map((k) => (
                <option key={k} value={k}>
                  {EXCEPTION_KIND_LABELS[k]}
                </option>
              ))}
            </select>
          </label>
          {kind !== "closure" ? (
            <label className="block">
              <span className="field-label">Doctor</span>
              <select name="doctorId" defaultValue={d.doctor!.id} className="field-input min-h-11" {...field("doctorId")}>
                {d.doctors.map((doc) => (
                  <option key={doc.id} value={doc.id}>
                    {doc.name}
                  </option>
                ))}
              </select>
              {err("doctorId")}
            </label>
          ) : null}
          {kind !== "time_off" ? (
            <label className="block">
              <span className="field-label">Location</span>
              <select name="locationId" defaultValue={kind === "extra_hours" ? (d.locationId ?? "") : ""} className="field-input min-h-11" {...field("locationId")}>
                {kind === "closure" ? <option value="">Whole clinic</option> : null}
                {d.locations.map((l) => (
                  <option key={l.id} value={l.id}>
                    {l.name}
                  </option>
                ))}
              </select>
              {err("locationId")}
            </label>
          ) : (
            <label className="block">
              <span className="field-label">Reason</span>
              <select name="reasonKind" defaultValue="Sick leave" className="field-input min-h-11" {...field("reasonKind")}>
                {TIME_OFF_REASONS.map((r) => (
                  <option key={r}>{r}</option>
                ))}
              </select>
              {err("reasonKind")}
            </label>
          )}
        </div>
        <div className="grid gap-4 sm:grid-cols-4">
          <label className="block">
            <span className="field-label">From day</span>
            <input type="date" name="startDate" defaultValue={d.today} className="field-input min-h-11" {...field("startDate")} />
            {err("startDate")}
          </label>
          <label className="block">
            <span className="field-label">{kind === "extra_hours" ? "From time" : "From time (optional)"}</span>
            <input type="time" name="startTime" className="field-input min-h-11" {...field("startTime")} />
            {err("startTime")}
          </label>
          <label className="block">
            <span className="field-label">Until day</span>
            <input type="date" name="endDate" defaultValue={d.today} className="field-input min-h-11" {...field("endDate")} />
            {err("endDate")}
          </label>
          <label className="block">
            <span className="field-label">{kind === "extra_hours" ? "Until time" : "Until time (optional)"}</span>
            <input type="time" name="endTime" className="field-input min-h-11" {...field("endTime")} />
            {err("endTime")}
          </label>
        </div>
        <label className="block">
          <span className="field-label">{kind === "closure" ? "Why the clinic is closed" : "Note (optional)"}</span>
          <input type="text" name="note" maxLength={300} className="field-input min-h-11" {...field("note")} />
          {err("note")}
        </label>
        <p className="text-sm text-slate-600">Without times an exception covers whole days. Booked visits are never moved: any that fall inside are listed after saving.</p>
        <button type="submit" className="btn-primary min-h-11" disabled={busy("add-exception")}>
          {busy("add-exception") ? "Adding…" : "Add exception"}
        </button>
      </Form>
    </section>
  );
}

/** Asks before an exception goes, saying what it reopens; plain forms, so it works without JavaScript. */
function ConfirmRemoval({ confirm, busy }: { confirm: ExceptionRemoval; busy: boolean }) {
  const location = useLocation();
  return (
    <div role="alertdialog" aria-labelledby="confirm-removal-title" aria-describedby="confirm-removal-text" className="mt-4 rounded-xl bg-amber-50 p-4 ring-1 ring-amber-300" data-testid="exception-confirm">
      <p id="confirm-removal-title" className="font-semibold text-amber-950">
        Remove {confirm.what}?
      </p>
      <p id="confirm-removal-text" className="mt-1 text-sm text-amber-950">
        {confirm.reopens}
      </p>
      <div className="mt-3 flex flex-wrap gap-2">
        <Form method="post" preventScrollReset>
          <input type="hidden" name="intent" value="remove-exception" />
          <input type="hidden" name="exceptionId" value={confirm.id} />
          <input type="hidden" name="confirm" value="yes" />
          <button type="submit" className="btn-primary min-h-11 px-4" disabled={busy} autoFocus>
            {busy ? "Removing…" : "Yes, remove it"}
          </button>
        </Form>
        <Link to={`${location.pathname}${location.search}`} className="btn-secondary min-h-11 px-4" preventScrollReset>
          Keep it
        </Link>
      </div>
    </div>
  );
}

function Notice({ tone, testId, children }: { tone: "good" | "bad"; testId: string; children: ReactNode }) {
  return (
    <p role={tone === "good" ? "status" : "alert"} className={`mb-4 rounded-xl px-4 py-3 text-sm font-medium ring-1 ${tone === "good" ? "bg-emerald-50 text-emerald-900 ring-emerald-200" : "bg-red-50 text-red-900 ring-red-200"}`} data-testid={testId}>
      {children}
    </p>
  );
}
