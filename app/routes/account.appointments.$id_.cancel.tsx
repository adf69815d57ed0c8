import { data, redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { useEffect, useRef } from "react";
import { Fact } from "~/components/account/fact";
import { Alert } from "~/components/booking/step-header";
import { auditContextFromRequest } from "~/modules/audit/audit.server";
import { notFound, requireClinicSite, requirePatient } from "~/modules/auth/guards.server";
import { displayPhone, telHref } from "~/modules/clinic/phone-display.server";
import { appointmentPage } from "~/modules/patient-account/appointment-page.server";
import { CANCEL_REASONS, cancelForm, cancelOwnAppointment } from "~/modules/patient-account/appointments.server";
import { readForm } from "~/utils/forms.server";

/**
 * Cancelling a visit asks first: the patient sees the visit, what happens to the deposit, and may
 * say why (optional) before "Yes, cancel". The list's "Cancel" leads here instead of cancelling in
 * one tap.
 */
export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const { clinic, db } = requireClinicSite(context);
  const { patient } = await requirePatient(request, context);
  const page = await appointmentPage(db, clinic, patient.id, params.id ?? "", auditContextFromRequest(request, context));
  // Someone else's appointment looks exactly like one that does not exist.
  if (!page) throw notFound();
  return {
    clinicName: clinic.name,
    phone: clinic.contactPhone ? { display: displayPhone(clinic.contactPhone), href: telHref(clinic.contactPhone) } : null,
    visit: {
      id: page.id,
      serviceName: page.serviceName,
      patientName: page.patientName,
      doctorName: page.doctorName,
      when: page.when,
      status: page.status,
      canCancel: page.canChange,
      tooLate: page.tooLate,
      outcome: page.cancelOutcome,
    },
    reasons: Object.entries(CANCEL_REASONS).map(([value, label]) => ({ value, label })),
  };
}

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: data ? `Cancel ${data.visit.serviceName} · ${data.clinicName}` : "Cancel a visit" }];

type ActionResult = { message: string; field?: "note" };

export async function action({ request, context, params }: ActionFunctionArgs) {
  const { clinic, db } = requireClinicSite(context);
  const { patient } = await requirePatient(request, context);
  const form = cancelForm.safeParse({ ...(await readForm(request)), appointmentId: params.id });
  if (!form.success) {
    const note = form.error.issues.find((issue) => issue.path[0] === "note");
    return data<ActionResult>(note ? { message: note.message, field: "note" } : { message: "We could not read your answer. Please try again." }, { status: 400 });
  }
  const { appointmentId, reason, note } = form.data;
  const answer = await cancelOwnAppointment(db, clinic, patient.id, appointmentId, auditContextFromRequest(request, context), { reason, note });
  if (answer.ok) return redirect(`/account?cancelled=${answer.appointmentId}`);
  return data<ActionResult>({ message: answer.message }, { status: 409 });
}

export default function CancelVisit() {
  const { clinicName, phone, visit, reasons } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>() as ActionResult | undefined;
  const busy = useNavigation().state === "submitting";
  const error = useRef<HTMLDivElement>(null);
  // A refused answer moves focus to its message, so a screen reader and a phone user both see it.
  useEffect(() => {
    if (result) error.current?.focus();
  }, [result]);

  return (
    <article className="mx-auto mt-3 max-w-2xl" aria-labelledby="cancel-heading" data-testid="cancel-page">
      <a href="/account" className="inline-flex items-center gap-1 rounded text-sm font-semibold text-slate-700 underline decoration-brand decoration-2 underline-offset-4 hover:text-slate-950">
        <svg viewBox="0 0 20 20" aria-hidden="true" className="h-4 w-4 fill-current">
          <path d="M12.7 4.3a1 1 0 0 1 0 1.4L8.4 10l4.3 4.3a1 1 0 1 1-1.4 1.4l-5-5a1 1 0 0 1 0-1.4l5-5a1 1 0 0 1 1.4 0Z" />
        </svg>
        All appointments
      </a>
      <h1 id="cancel-heading" className="mt-3 text-2xl font-bold tracking-tight text-slate-900 sm:text-3xl">
        {visit.canCancel ? "Cancel this visit?" : "This visit cannot be cancelled online"}
      </h1>

      <dl className="card mt-4 px-4 py-1 sm:px-6" data-testid="cancel-visit">
        <Fact label="Visit">{visit.serviceName}</Fact>
        <Fact label="When">
          <span className="font-semibold">{visit.when}</span>
        </Fact>
        <Fact label="For">{visit.patientName || "You"}</Fact>
        <Fact label="Doctor">{visit.doctorName}</Fact>
      </dl>

      {result ? (
        <div ref={error} id="cancel-error" tabIndex={-1} className="mt-4 outline-none" data-testid="cancel-error">
          <Alert tone="error">{result.message}</Alert>
        </div>
      ) : null}

      {visit.canCancel ? (
        <Form method="post" className="mt-4 space-y-5" noValidate>
          <p className="rounded-xl bg-sky-50 px-4 py-3 text-slate-800 ring-1 ring-sky-200" data-testid="cancel-deposit">
            {visit.outcome}
          </p>
          <fieldset>
            <legend className="font-semibold text-slate-900">
              Why are you cancelling? <span className="font-normal text-slate-600">(optional)</span>
            </legend>
            <div className="mt-2 grid gap-2 sm:grid-cols-2">
              {reasons.map((r) => (
                <label key={r.value} className="flex min-h-12 items-center gap-3 rounded-xl px-3 py-2 ring-1 ring-slate-200 has-[:checked]:ring-2 has-[:checked]:ring-brand">
                  <input type="radio" name="reason" value={r.value} className="h-5 w-5 accent-[rgb(var(--brand))]" />
                  <span>{r.label}</span>
                </label>
              ))}
            </div>
          </fieldset>
          <div>
            <label htmlFor="cancel-note" className="font-semibold text-slate-900">
              Anything {clinicName} should know? <span className="font-normal text-slate-600">(optional)</span>
            </label>
            <textarea
              id="cancel-note"
              name="note"
              rows={3}
              maxLength={300}
              className="field-input mt-1 w-full"
              aria-invalid={result?.field === "note" ? true : undefined}
              aria-describedby={result?.field === "note" ? "cancel-error" : undefined}
            />
          </div>
          <div className="flex flex-col gap-3 sm:flex-row-reverse sm:justify-end">
            <button type="submit" className="btn-primary min-h-12 bg-red-700 text-base hover:bg-red-800" disabled={busy} data-testid="confirm-cancel">
              {busy ? "Cancelling…" : "Yes, cancel the visit"}
            </button>
            <a href="/account" className="btn-secondary min-h-12 text-base" data-testid="keep-visit">
              Keep the visit
            </a>
          </div>
        </Form>
      ) : (
        <div className="mt-4 rounded-xl bg-amber-50 px-4 py-3 text-amber-900 ring-1 ring-amber-200" data-testid="too-late">
          <p>{visit.tooLate ?? `This visit is ${visit.status.toLowerCase()}, so there is nothing to cancel.`}</p>
          {phone && visit.tooLate ? (
            <a href={phone.href} className="btn-secondary mt-3 min-h-12 text-base">
              Call {clinicName}: {phone.display}
            </a>
          ) : null}
        </div>
      )}
    </article>
  );
}
