import { data, redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import type { ReactNode } from "react";
import { Alert } from "~/components/booking/step-header";
import { auditContextFromRequest } from "~/modules/audit/audit.server";
import { fieldErrorsOf } from "~/lib/form-errors";
import { requireClinicSite, requirePatient } from "~/modules/auth/guards.server";
import { accountRequests, answerForm, answerRequest, clinicToday, requestForm, requestOptions, sendRequest, type AccountRequest } from "~/modules/patient-account/requests.server";
import { WEEKDAY_NAMES } from "~/modules/patient-account/wording";
import { readForm } from "~/utils/forms.server";

const DONE = {
  sent: "Your request is sent. The clinic will propose a time; we will text you when it does.",
  accepted: "Booked. We will text you a confirmation.",
  declined: "You declined the proposed time.",
  passed: "You passed on that time. Your request keeps waiting for another one.",
  withdrawn: "Your request is withdrawn.",
} as const;

export async function loader({ request, context }: LoaderFunctionArgs) {
  const { clinic, db } = requireClinicSite(context);
  const { patient } = await requirePatient(request, context);
  const [requests, options] = await Promise.all([accountRequests(db, clinic, patient.id, auditContextFromRequest(request, context)), requestOptions(db, clinic, patient.id)]);
  const url = new URL(request.url);
  const done = url.searchParams.get("done");
  const appointment = url.searchParams.get("appointment");
  return {
    clinicName: clinic.name,
    requests,
    options,
    today: clinicToday(clinic),
    timeZone: clinic.timeZone,
    done: done && done in DONE ? DONE[done as keyof typeof DONE] : null,
    bookedAppointment: done === "accepted" && appointment && /^[0-9a-f-]{36}$/i.test(appointment) ? appointment : null,
  };
}

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: data ? `Flexible requests · ${data.clinicName}` : "Flexible requests" }];

type ActionResult = { intent: "send" | "answer"; message: string; errors: Record<string, string>; values: Record<string, string>; requestId?: string };

export async function action({ request, context }: ActionFunctionArgs) {
  const { clinic, db } = requireClinicSite(context);
  const { patient } = await requirePatient(request, context);
  const fields = await readForm(request);
  const values = Object.fromEntries(Object.entries(fields).map(([k, v]) => [k, typeof v === "string" ? v : ""]));
  const audit = auditContextFromRequest(request, context);

  if (values.intent === "send") {
    const form = requestForm.safeParse(values);
    if (!form.success) return data<ActionResult>({ intent: "send", message: "Please check the highlighted fields.", errors: fieldErrorsOf(form.error), values }, { status: 400 });
    const sent = await sendRequest(db, clinic, patient.id, form.data, audit);
    if (sent.ok) return redirect("/account/requests?done=sent");
    return data<ActionResult>({ intent: "send", message: sent.message, errors: sent.errors, values }, { status: 409 });
  }

  const form = answerForm.safeParse(values);
  if (!form.success) return data<ActionResult>({ intent: "answer", message: "We could not tell which request you meant. Please try again.", errors: {}, values: {} }, { status: 400 });
  const answer = await answerRequest(db, clinic, patient.id, form.data, audit);
  if (!answer.ok) return data<ActionResult>({ intent: "answer", message: answer.message, errors: {}, values: {}, requestId: form.data.requestId }, { status: 409 });
  if (form.data.intent === "accept") return redirect(`/account/requests?done=accepted&appointment=${answer.appointmentId ?? ""}`);
  if (form.data.intent === "decline") return redirect(`/account/requests?done=${answer.message.startsWith("You passed") ? "passed" : "declined"}`);
  return redirect("/account/requests?done=withdrawn");
}

const toneStyle = {
  action: "bg-brand-soft text-slate-900 ring-brand/40",
  waiting: "bg-amber-50 text-amber-900 ring-amber-200",
  good: "bg-emerald-50 text-emerald-800 ring-emerald-200",
  ended: "bg-slate-100 text-slate-700 ring-slate-200",
} as const;

function RequestCard({ r, busy, error }: { r: AccountRequest; busy: boolean; error: string | null }) {
  return (
    <li className="card px-4 py-4 sm:px-6" data-testid="flexible-request">
      <div className="flex flex-wrap items-start justify-between gap-2">
        <div>
          <h3 className="text-lg font-semibold text-slate-900">{r.serviceName}</h3>
          {r.forName ? <p className="text-sm text-slate-700">For {r.forName}</p> : null}
        </div>
      </div>
      <p className={`mt-2 rounded-xl px-3 py-2 text-sm font-semibold ring-1 ${toneStyle[r.tone]}`} data-testid="request-status">
        {r.status}
      </p>
      {error ? (
        <p role="alert" className="mt-3 rounded-xl bg-red-50 px-3 py-2 text-sm font-medium text-red-900 ring-1 ring-red-200" data-testid="request-error">
          {error}
        </p>
      ) : null}
      {r.proposal ? (
        <div className="mt-3 rounded-xl bg-white px-3 py-3 ring-2 ring-brand" data-testid="request-proposal">
          <p className="font-semibold text-slate-900">{r.proposal.when}</p>
          <p className="text-sm text-slate-700">{[r.proposal.doctorName, r.proposal.locationName].filter(Boolean).join(" · ")}</p>
          <div className="mt-3 flex flex-col gap-2 sm:flex-row">
            <Form method="post">
              <input type="hidden" name="intent" value="accept" />
              <input type="hidden" name="requestId" value={r.id} />
              <button type="submit" className="btn-primary min-h-12 w-full text-base" disabled={busy} data-testid="accept-proposal">
                Accept and book<span className="sr-only"> {r.proposal.when}</span>
              </button>
            </Form>
            <Form method="post">
              <input type="hidden" name="intent" value="decline" />
              <input type="hidden" name="requestId" value={r.id} />
              <button type="submit" className="btn-secondary min-h-12 w-full text-base" disabled={busy} data-testid="decline-proposal">
                Decline<span className="sr-only"> {r.proposal.when}</span>
              </button>
            </Form>
          </div>
        </div>
      ) : null}
      <ul className="mt-3 flex flex-wrap gap-x-4 gap-y-1 text-sm text-slate-700" aria-label="What you asked for">
        {r.wishes.map((w) => (
          <li key={w}>{w}</li>
        ))}
      </ul>
      {r.note ? <p className="mt-2 text-sm text-slate-600">“{r.note}”</p> : null}
      <div className="mt-3 flex flex-wrap items-center justify-between gap-3">
        <p className="text-xs text-slate-500">Sent {r.sent}</p>
        {r.appointmentId ? (
          <a href={`/account/appointments/${r.appointmentId}`} className="text-sm font-semibold text-slate-900 underline decoration-brand decoration-2 underline-offset-4">
            See the appointment
          </a>
        ) : null}
        {r.canWithdraw ? (
          <Form method="post">
            <input type="hidden" name="intent" value="withdraw" />
            <input type="hidden" name="requestId" value={r.id} />
            <button type="submit" className="btn-secondary min-h-11 text-sm text-red-700" disabled={busy} data-testid="withdraw-request">
              Withdraw request<span className="sr-only"> for {r.serviceName}</span>
            </button>
          </Form>
        ) : null}
      </div>
    </li>
  );
}

function FieldError({ id, error }: { id: string; error?: string }) {
  return error ? (
    <p id={`${id}-error`} className="field-error">
      {error}
    </p>
  ) : null;
}

function Labelled({ id, label, optional, error, children }: { id: string; label: string; optional?: boolean; error?: string; children: ReactNode }) {
  return (
    <div>
      <label htmlFor={id} className="field-label">
        {label} {optional ? <span className="font-normal text-slate-500">(optional)</span> : null}
      </label>
      {children}
      <FieldError id={id} error={error} />
    </div>
  );
}

export default function FlexibleRequests() {
  const { requests, options, today, timeZone, done, bookedAppointment } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>() as ActionResult | undefined;
  const busy = useNavigation().state === "submitting";
  const sendResult = result?.intent === "send" ? result : undefined;
  const errors = sendResult?.errors ?? {};
  const v = sendResult?.values ?? {};
  const invalid = (name: string) => (errors[name] ? { "aria-invalid": true as const, "aria-describedby": `${name}-error` } : {});

  return (
    <>
      <div className="mb-5 mt-3">
        <h1 className="text-2xl font-bold tracking-tight text-slate-900 sm:text-3xl">Flexible requests</h1>
        <p className="mt-2 text-slate-700">No time that suits you? Tell the clinic when you could come, and it proposes a time that fits. You accept or decline it here.</p>
      </div>
      {done ? (
        <Alert tone="info">
          <span data-testid="request-done">{done}</span>
          {bookedAppointment ? (
            <>
              {" "}
              <a href={`/account/appointments/${bookedAppointment}`} className="font-semibold underline">
                See the appointment
              </a>
            </>
          ) : null}
        </Alert>
      ) : null}
      {result?.intent === "answer" && !result.requestId ? <Alert tone="error">{result.message}</Alert> : null}

      <section aria-labelledby="requests-heading">
        <h2 id="requests-heading" className="mb-3 text-lg font-semibold text-slate-900">
          Your requests
        </h2>
        {requests.length ? (
          <ul className="space-y-4" data-testid="flexible-requests">
            {requests.map((r) => (
              <RequestCard key={r.id} r={r} busy={busy} error={result?.intent === "answer" && result.requestId === r.id ? result.message : null} />
            ))}
          </ul>
        ) : (
          <p className="card px-4 py-6 text-center text-slate-700 sm:px-6" data-testid="no-requests">
            You have not sent any requests to this clinic.
          </p>
        )}
      </section>

      <section aria-labelledby="send-heading" className="mt-8">
        <h2 id="send-heading" className="mb-3 text-lg font-semibold text-slate-900">
          Send a request
        </h2>
        {options.services.length === 0 ? (
          <p className="card p-5 text-slate-700">There is nothing to book online at this clinic right now. Please call us.</p>
        ) : (
          <Form method="post" className="card space-y-5 p-4 sm:p-6" noValidate key={sendResult ? "again" : "fresh"} data-testid="request-form">
            {sendResult ? (
              <p role="alert" className="rounded-xl bg-red-50 px-3 py-2 text-sm font-medium text-red-900 ring-1 ring-red-200" data-testid="request-form-error">
                {sendResult.message}
              </p>
            ) : null}
            <Labelled id="service" label="What is the visit for?" error={errors.service}>
              <select id="service" name="service" className="field-input" defaultValue={v.service ?? ""} required {...invalid("service")}>
                <option value="" disabled>
                  Choose a service
                </option>
                {options.services.map((s) => (
                  <option key={s.id} value={s.id}>
                    {s.name}
                  </option>
                ))}
              </select>
            </Labelled>
            {options.family.length ? (
              <Labelled id="visitFor" label="Who is it for?" error={errors.visitFor}>
                <select id="visitFor" name="visitFor" className="field-input" defaultValue={v.visitFor ?? "self"} {...invalid("visitFor")}>
                  <option value="self">Me</option>
                  {options.family.map((f) => (
                    <option key={f.id} value={f.id}>
                      {f.name}
                    </option>
                  ))}
                </select>
              </Labelled>
            ) : null}
            <div className="grid gap-5 sm:grid-cols-2">
              <Labelled id="doctor" label="Doctor" optional error={errors.doctor}>
                <select id="doctor" name="doctor" className="field-input" defaultValue={v.doctor ?? ""} {...invalid("doctor")}>
                  <option value="">Any doctor</option>
                  {options.doctors.map((d) => (
                    <option key={d.id} value={d.id}>
                      {d.name}
                    </option>
                  ))}
                </select>
              </Labelled>
              <Labelled id="location" label="Location" optional error={errors.location}>
                <select id="location" name="location" className="field-input" defaultValue={v.location ?? ""} {...invalid("location")}>
                  <option value="">Any location</option>
                  {options.locations.map((l) => (
                    <option key={l.id} value={l.id}>
                      {l.name}
                    </option>
                  ))}
                </select>
              </Labelled>
            </div>
            <fieldset>
              <legend className="field-label">
                Days that suit you <span className="font-normal text-slate-500">(none ticked means any day)</span>
              </legend>
              <div className="mt-2 grid grid-cols-2 gap-2 sm:grid-cols-4">
                {WEEKDAY_NAMES.map((name, i) => (
                  <label key={name} className="flex min-h-11 items-center gap-2 rounded-lg px-3 ring-1 ring-slate-200 has-[:checked]:ring-2 has-[:checked]:ring-brand">
                    <input type="checkbox" name={`day${i + 1}`} value="on" defaultChecked={Boolean(v[`day${i + 1}`])} className="h-5 w-5 accent-[rgb(var(--brand))]" />
                    <span className="text-sm font-medium">{name}</span>
                  </label>
                ))}
              </div>
            </fieldset>
            <fieldset>
              <legend className="field-label">
                Time of day <span className="font-normal text-slate-500">(optional, clinic time: {timeZone})</span>
              </legend>
              <div className="mt-1 grid grid-cols-2 gap-3">
                <Labelled id="from" label="From" error={errors.from}>
                  <input id="from" name="from" type="time" className="field-input" defaultValue={v.from ?? ""} {...invalid("from")} />
                </Labelled>
                <Labelled id="to" label="Until" error={errors.to}>
                  <input id="to" name="to" type="time" className="field-input" defaultValue={v.to ?? ""} {...invalid("to")} />
                </Labelled>
              </div>
            </fieldset>
            <div className="grid grid-cols-2 gap-3">
              <Labelled id="earliest" label="Earliest date" optional error={errors.earliest}>
                <input id="earliest" name="earliest" type="date" min={today} className="field-input" defaultValue={v.earliest ?? ""} {...invalid("earliest")} />
              </Labelled>
              <Labelled id="latest" label="Latest date" optional error={errors.latest}>
                <input id="latest" name="latest" type="date" min={today} className="field-input" defaultValue={v.latest ?? ""} {...invalid("latest")} />
              </Labelled>
            </div>
            <Labelled id="note" label="Anything the clinic should know?" optional error={errors.note}>
              <textarea id="note" name="note" rows={3} maxLength={1000} className="field-input" defaultValue={v.note ?? ""} {...invalid("note")} />
            </Labelled>
            <button type="submit" className="btn-primary min-h-12 w-full text-base sm:w-auto" disabled={busy} data-testid="send-request">
              Send request
            </button>
            <input type="hidden" name="intent" value="send" />
          </Form>
        )}
      </section>
    </>
  );
}
