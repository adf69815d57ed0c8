import { redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { timeInZone, useTimesInOwnZone, ZoneToggle } from "~/components/booking/zone-toggle";
import { Form, useLoaderData, useNavigation } from "@remix-run/react";
import { MonthCalendar } from "~/components/booking/month-calendar";
import { HoldCountdown } from "~/components/booking/hold-countdown";
import { Alert, StepHeader } from "~/components/booking/step-header";
import { auditContextFromRequest } from "~/modules/audit/audit.server";
import { notFound, requireClinicSite, requirePatient } from "~/modules/auth/guards.server";
import { holderFor, readHolder } from "~/modules/booking-flow/browser-hold.server";
import { displayPhone, telHref } from "~/modules/clinic/phone-display.server";
import { changeHref, NOTICES } from "~/modules/patient-account/change-links";
import { parseChangeQuery } from "~/modules/patient-account/change-query.server";
import { changeView, confirmChange, confirmChangeForm, holdChangeForm, holdChangeTime } from "~/modules/patient-account/change.server";
import { readForm } from "~/utils/forms.server";

export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const { clinic, db } = requireClinicSite(context);
  const { patient } = await requirePatient(request, context);
  const id = params.id ?? "";
  const query = parseChangeQuery(new URL(request.url).searchParams);
  // A mangled address starts the change over rather than failing.
  if (!query) throw redirect(changeHref(id));
  const view = await changeView(db, clinic, patient.id, id, query, readHolder(request), auditContextFromRequest(request, context));
  if (view.kind === "not-found") throw notFound();
  return {
    clinicName: clinic.name,
    phone: clinic.contactPhone ? { display: displayPhone(clinic.contactPhone), href: telHref(clinic.contactPhone) } : null,
    query,
    notice: query.notice ? NOTICES[query.notice] : null,
    view,
  };
}

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: data ? `Change your appointment · ${data.clinicName}` : "Change your appointment" }];

export async function action({ request, context, params }: ActionFunctionArgs) {
  const { clinic, db } = requireClinicSite(context);
  const { patient } = await requirePatient(request, context);
  const id = params.id ?? "";
  const query = parseChangeQuery(new URL(request.url).searchParams) ?? {};
  const fields = await readForm(request);
  const back = (notice: "taken" | "expired" | "invalid") => redirect(changeHref(id, { doctor: query.doctor, day: query.day, notice }));

  if (fields.intent === "confirm") {
    const form = confirmChangeForm.safeParse(fields);
    const heldBy = readHolder(request);
    if (!form.success || !heldBy) return back("expired");
    const answer = await confirmChange(db, clinic, patient.id, id, form.data.hold, heldBy, auditContextFromRequest(request, context));
    if (answer.ok) return redirect(`/account/appointments/${answer.appointmentId}?moved=1`);
    if (answer.reason === "not-found") throw notFound();
    // Too late now: the page itself explains the deadline and how to reach the clinic.
    if (answer.reason === "closed") return redirect(changeHref(id));
    return back(answer.reason);
  }

  const form = holdChangeForm.safeParse(fields);
  if (!form.success) return back("invalid");
  const holder = holderFor(request);
  const headers = holder.setCookie ? { "Set-Cookie": holder.setCookie } : undefined;
  const doctor = query.doctor ?? form.data.practitioner;
  const held = await holdChangeTime(db, clinic, patient.id, id, { doctor, practitionerId: form.data.practitioner, start: new Date(form.data.start), heldBy: holder.heldBy });
  if (held.ok) return redirect(changeHref(id, { doctor: query.doctor, day: query.day, hold: held.holdId }), { headers });
  if (held.reason === "not-found") throw notFound();
  if (held.reason === "closed") return redirect(changeHref(id), { headers });
  return redirect(changeHref(id, { doctor: query.doctor, day: query.day, notice: held.reason }), { headers });
}

function Comparison({ label, before, after }: { label: string; before: string; after: string }) {
  const same = before === after;
  return (
    <div className="grid gap-1 border-b border-slate-100 py-3 last:border-0 sm:grid-cols-[8rem_1fr_1fr] sm:gap-4">
      <dt className="text-sm font-medium text-slate-500">{label}</dt>
      <dd className="text-base text-slate-600">
        <span className="text-sm font-medium text-slate-500 sm:sr-only">Now: </span>
        <span className={same ? "" : "line-through decoration-slate-400"}>{before}</span>
      </dd>
      <dd className="text-base font-semibold text-slate-900">
        <span className="text-sm font-medium text-slate-500 sm:sr-only">New: </span>
        {after}
      </dd>
    </div>
  );
}

export default function ChangeAppointment() {
  const { clinicName, phone, query, notice, view } = useLoaderData<typeof loader>();
  const busy = useNavigation().state !== "idle";
  const zones = useTimesInOwnZone(view.kind === "steps" && view.step.step === "time" ? view.step.timeZone : null);
  const visit = view.visit;
  const detailsHref = `/account/appointments/${visit.id}`;

  if (view.kind === "closed" || view.kind === "unavailable") {
    return (
      <>
        <StepHeader backHref={detailsHref} backLabel="Back to the appointment" title="Change your appointment" />
        <p className="mb-4 text-slate-700">
          {visit.serviceName}, <span className="font-semibold">{visit.when}</span>
        </p>
        <div className="card p-4 sm:p-6" data-testid="change-closed">
          <p className="text-slate-900">{view.kind === "closed" ? view.reason : `This visit can no longer be moved online: ${clinicName} is not offering other times for it here. Please call the clinic.`}</p>
          {phone ? (
            <a href={phone.href} className="btn-primary mt-4 min-h-12 w-full text-base sm:w-auto">
              Call {clinicName}: {phone.display}
            </a>
          ) : null}
        </div>
      </>
    );
  }

  if (view.kind === "review") {
    const r = view.review;
    return (
      <>
        <StepHeader backHref={changeHref(visit.id, { doctor: view.doctor, day: view.day || undefined })} backLabel="Choose another time" title="Check the change">
          <HoldCountdown secondsLeft={r.secondsLeft} what="the new time" againHref={changeHref(visit.id, { doctor: view.doctor, day: view.day || undefined })} />
        </StepHeader>
        <dl className="card px-4 py-1 sm:px-6" data-testid="change-review">
          <div className="hidden gap-4 py-2 text-xs font-semibold uppercase tracking-wide text-slate-500 sm:grid sm:grid-cols-[8rem_1fr_1fr]" aria-hidden="true">
            <span />
            <span>Now</span>
            <span>New</span>
          </div>
          <Comparison label="When" before={r.oldWhen} after={r.newWhen} />
          <Comparison label="Doctor" before={r.oldDoctor} after={r.newDoctor} />
          <div className="grid gap-1 border-b border-slate-100 py-3 last:border-0 sm:grid-cols-[8rem_1fr] sm:gap-4">
            <dt className="text-sm font-medium text-slate-500">Visit</dt>
            <dd>
              {visit.serviceName} · {r.duration}
              {visit.location ? <span className="block text-sm text-slate-600">{visit.location.name}, {visit.location.address}</span> : null}
            </dd>
          </div>
          <div className="grid gap-1 py-3 sm:grid-cols-[8rem_1fr] sm:gap-4">
            <dt className="text-sm font-medium text-slate-500">Changing plans</dt>
            <dd data-testid="new-policy">{r.newPolicy}</dd>
          </div>
        </dl>
        <p className="mt-4 text-sm text-slate-700">The price, deposit and anything already paid stay with the visit. Your current time is given up once you confirm.</p>
        <Form method="post" className="mt-5">
          <input type="hidden" name="intent" value="confirm" />
          <input type="hidden" name="hold" value={r.holdId} />
          <button type="submit" className="btn-primary min-h-12 w-full text-base sm:w-auto" disabled={busy} data-testid="confirm-change">
            Move my visit to {r.newWhen}
          </button>
        </Form>
      </>
    );
  }

  const step = view.step;
  const doctorChoice = (doctor: string) => changeHref(visit.id, { doctor, month: query.month, day: query.day });
  const pill = (active: boolean) =>
    `inline-flex min-h-11 items-center rounded-full px-4 text-sm font-semibold ring-1 ${active ? "bg-brand text-brand-ink ring-brand" : "bg-white text-slate-800 ring-slate-200 hover:ring-brand"}`;
  return (
    <>
      <StepHeader
        backHref={step.step === "time" ? changeHref(visit.id, { doctor: view.doctor, month: step.day.slice(0, 7) }) : detailsHref}
        backLabel={step.step === "time" ? "Other days" : "Back to the appointment"}
        title={step.step === "time" ? step.dayLabel : "Change your appointment"}
      >
        <p className="mt-2 text-slate-700">
          Now: {visit.serviceName}, <span className="font-semibold" data-testid="current-when">{visit.when}</span>, {visit.doctorName}
          {visit.location ? `, ${visit.location.name}` : ""}.
        </p>
      </StepHeader>
      {notice ? <Alert tone="error">{notice}</Alert> : null}

      <nav aria-label="Which doctor" className="mb-4 flex flex-wrap gap-2">
        {view.sameDoctor ? (
          <a href={doctorChoice(view.sameDoctor.id)} className={pill(view.doctor !== "any")} aria-current={view.doctor !== "any" ? "true" : undefined} data-testid="same-doctor">
            {view.sameDoctor.name}
          </a>
        ) : null}
        <a href={doctorChoice("any")} className={pill(view.doctor === "any")} aria-current={view.doctor === "any" ? "true" : undefined} data-testid="any-doctor">
          Any doctor
        </a>
      </nav>

      {step.step === "day" ? (
        <>
          {step.calendar.days.some((d) => d.freeTimes > 0) ? null : (
            <Alert tone="info">
              No free times in {step.monthLabel}.{" "}
              {step.canGoForward ? (
                <a className="underline" href={changeHref(visit.id, { doctor: view.doctor, month: step.calendar.next })}>
                  Look at the next month
                </a>
              ) : null}
            </Alert>
          )}
          <MonthCalendar
            calendar={step.calendar}
            monthLabel={step.monthLabel}
            canGoBack={step.canGoBack}
            canGoForward={step.canGoForward}
            dayHref={(day) => changeHref(visit.id, { doctor: view.doctor, day })}
            monthHref={(month) => changeHref(visit.id, { doctor: view.doctor, month })}
          />
          <p className="mt-3 text-sm text-slate-600">Times are on the clinic&apos;s clock ({step.zone}).</p>
        </>
      ) : (
        <>
          <ZoneToggle clinicZone={step.timeZone} ownZone={zones.ownZone} mine={zones.mine} onChange={zones.choose} />
          <p className="mb-3 text-sm text-slate-700" data-testid="time-zone">
            {zones.mine && zones.ownZone ? `Times in ${zones.ownZone}, your own clock; the clinic's is ${step.zone}.` : `Times in ${step.zone}.`}
          </p>
          {step.times.length === 0 ? (
            <p className="card p-5 text-slate-700">
              No free times left on this day.{" "}
              <a className="font-semibold underline" href={changeHref(visit.id, { doctor: view.doctor, month: step.day.slice(0, 7) })}>
                Choose another day
              </a>
            </p>
          ) : (
            <ul className="grid grid-cols-2 gap-3 sm:grid-cols-4" aria-label={`Free times on ${step.dayLabel}`}>
              {step.times.map((t) => (
                <li key={`${t.start}-${t.practitionerId}`}>
                  <Form method="post" replace>
                    <input type="hidden" name="intent" value="hold" />
                    <input type="hidden" name="start" value={t.start} />
                    <input type="hidden" name="practitioner" value={t.practitionerId} />
                    <button type="submit" className="btn-secondary min-h-12 w-full flex-col gap-0 text-base hover:border-brand" disabled={busy} data-testid="time-option">
                      <span data-testid="time-label">{zones.mine && zones.ownZone ? timeInZone(t.start, zones.ownZone, step.timeZone) : t.label}</span>
                      {t.doctorName ? <span className="text-xs font-normal text-slate-600">{t.doctorName}</span> : null}
                    </button>
                  </Form>
                </li>
              ))}
            </ul>
          )}
          <p className="mt-4 text-sm text-slate-600">Choosing a time holds it for you for {step.holdMinutes} minutes while you check the change. Your current time stays yours until you confirm.</p>
        </>
      )}
    </>
  );
}
