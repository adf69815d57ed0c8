import { formatBookingCode } from "~/lib/booking-code";
import { data, redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useLocation, useNavigation } from "@remix-run/react";
import { z } from "zod";
import { Answer, CANCELLATION_REASON_WORDS, PaymentPill, VisitStatus, visitStatusWords } from "~/components/desk-ui";
import { PanelHeading } from "~/components/panel-shell";
import { PatientAlerts } from "~/components/patient-alerts";
import { requireStaff } from "~/modules/auth/guards.server";
import { formatDateTime, formatLocalDay, formatMoney } from "~/lib/format";
import { appointmentActionForm, deskAppointmentPage, runAppointmentAction, type AppointmentActionAnswer } from "~/modules/front-desk/appointment-desk.server";
import { deskResources } from "~/modules/front-desk/desk-appointments.server";
import { freeTimesOfDay, slotValue } from "~/modules/front-desk/phone-booking.server";
import { DESK_CANCELLATION_REASONS } from "~/modules/front-desk/statuses";
import { addDays, utcToZoned, LOCAL_DATE_PATTERN } from "~/lib/zoned-time";
import { DESK_MESSAGE_MAX, deskMessageForm, resendConfirmationForm, resendConfirmation, saveVisitDeskNote, sendDeskMessage, shortWhen, visitDeskPart, visitNoteForm, VISIT_NOTE_MAX, type ContactAnswer } from "~/modules/front-desk/visit-contact.server";
import { ConflictError, NotFoundError } from "~/utils/errors.server";
import { readForm } from "~/utils/forms.server";
import { firstFieldError } from "~/lib/form-errors";
import { VisitSeries } from "~/components/visit-series";
import { visitOverride } from "~/modules/front-desk/overrides.server";
import { seriesOfVisit } from "~/modules/front-desk/series.server";

export const meta: MetaFunction = () => [{ title: "Appointment · Staff panel" }];

const pageQuery = z.object({
  day: z.string().regex(LOCAL_DATE_PATTERN).optional().catch(undefined),
  doctor: z.string().uuid().optional().catch(undefined),
  done: z.string().max(300).optional().catch(undefined),
});

export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const { actor, clinic, db } = await requireStaff(request, context, "appointment");
  const q = pageQuery.parse(Object.fromEntries(new URL(request.url).searchParams));
  const now = new Date();
  let page;
  try {
    page = await deskAppointmentPage(db, clinic, params.id ?? "", actor, now);
  } catch (error) {
    if (error instanceof NotFoundError) throw new Response("Not found", { status: 404 });
    throw error;
  }
  const a = page.appointment;
  const tz = clinic.timeZone;
  const resources = await db.tx((tx) => deskResources(tx, clinic.id));
  const names = new Map(resources.doctors.map((d) => [d.id, d.name]));
  const changeable = a.status === "requested" || a.status === "confirmed";
  const today = utcToZoned(now, tz).date;
  const visitDay = utcToZoned(a.start, tz).date;
  const day = q.day && q.day >= today ? q.day : visitDay >= today ? visitDay : today;
  const doctor = q.doctor ?? a.practitionerId;
  const times = changeable ? await freeTimesOfDay(db, clinic, { serviceId: a.serviceId, practitionerId: doctor, day }, names, now) : [];
  const desk = await visitDeskPart(db, { id: a.id, patientAccountId: a.patient?.id ?? null, forFamilyMember: a.dependent !== null });
  const patientName = a.patient ? [a.patient.firstName, a.patient.lastName].filter(Boolean).join(" ") || "Patient" : "Patient";
  return {
    id: a.id,
    bookingCode: formatBookingCode(clinic.slug, a.bookingCode),
    status: a.status,
    when: formatDateTime(a.start, tz),
    end: formatDateTime(a.end, tz),
    isToday: visitDay === today,
    started: a.start.getTime() <= now.getTime(),
    patientName: a.dependent ? `${a.dependent.firstName} ${a.dependent.lastName} (for ${patientName})` : patientName,
    phone: page.phoneDisplay,
    serviceName: a.serviceName,
    doctorName: page.doctorName,
    doctorId: a.practitionerId,
    locationName: page.locationName,
    roomName: page.roomName,
    note: a.note,
    visitReason: a.visitReason,
    channel: a.channel,
    price: formatMoney(a.priceMinor, a.currency),
    deposit: a.depositMinor > 0 ? formatMoney(a.depositMinor, a.currency) : null,
    depositMinor: a.depositMinor,
    paymentStatus: a.paymentStatus,
    depositCard: page.deposit?.card ?? null,
    depositFailure: page.deposit?.failure ?? null,
    // Awaiting the patient's card (sent a secure link), until the deposit's deadline.
    depositAwaitingUntil: page.deposit?.awaitingCardUntil ? formatDateTime(page.deposit.awaitingCardUntil, tz) : null,
    waivable: page.deposit ? ["pending", "authorized", "captured", "failed"].includes(page.deposit.status) : false,
    insideWindow: page.insideWindow,
    deadline: formatDateTime(a.cancellationDeadline, tz),
    cancellation: a.cancellation ? { reason: CANCELLATION_REASON_WORDS[a.cancellation.reason] ?? a.cancellation.reason, note: a.cancellation.note, at: formatDateTime(a.cancellation.at, tz) } : null,
    rescheduledFromId: a.rescheduledFromId,
    rescheduledToId: a.rescheduledToId,
    history: page.history.map((h) => ({ at: formatDateTime(h.at, tz), from: h.from, to: h.to, who: h.actorName ?? (h.actorType === "patient" ? "The patient" : h.actorType === "system" ? "Medslot" : h.actorType === "api" ? "The clinic's software" : "Staff"), reason: h.reason })),
    changeable,
    day,
    dayTitle: formatLocalDay(day),
    previousDay: day > today ? addDays(day, -1) : null,
    nextDay: addDays(day, 1),
    doctorFilter: doctor,
    doctors: resources.doctors.map((d) => ({ id: d.id, name: d.name })),
    times: times.map((t) => ({ ...t, value: slotValue(t) })),
    done: q.done ?? null,
    series: await seriesOfVisit(db, clinic, a.id),
    override: await visitOverride(db, a.id),
    patientAccountId: a.patient?.id ?? null,
    alerts: desk.alerts,
    deskNote: desk.note ? { body: desk.note.body, by: desk.note.updatedByName, at: shortWhen(desk.note.updatedAt, tz) } : null,
    messages: desk.messages.map((m) => ({
      id: m.id,
      kindWords: m.kindWords,
      channel: m.channel === "sms" ? "SMS" : "Email",
      status: m.status,
      at: shortWhen(m.at, tz),
      queuedUntil: m.sendAfter ? shortWhen(m.sendAfter, tz) : null,
      problem: m.problem,
      text: m.text,
    })),
    // A fresh token per page view: one click (or a resubmitted form) sends one message.
    sendToken: crypto.randomUUID(),
    mayResend: a.status === "confirmed" && a.start.getTime() > now.getTime(),
    // Server-only constants reach the form through the loader.
    limits: { message: DESK_MESSAGE_MAX, note: VISIT_NOTE_MAX },
  };
}

const deskIntents = z.object({ intent: z.enum(["desk-note", "resend-confirmation", "send-message"]) });

/** The desk's note and messages to the patient: answered here, the visit's changes below. */
type Staff = Awaited<ReturnType<typeof requireStaff>>;
async function deskAction(form: Record<string, unknown>, intent: z.infer<typeof deskIntents>["intent"], { db, clinic, actor, id }: Pick<Staff, "db" | "clinic" | "actor"> & { id: string }) {
  const schema = intent === "desk-note" ? visitNoteForm : intent === "resend-confirmation" ? resendConfirmationForm : deskMessageForm;
  const parsed = schema.safeParse(form);
  if (!parsed.success) return data<ContactAnswer & { intent: string }>({ ok: false, intent, ...firstFieldError(parsed.error) }, { status: 400 });
  try {
    let answer: ContactAnswer;
    if (parsed.data.intent === "desk-note") {
      const body = parsed.data.body;
      await db.tx((tx) => saveVisitDeskNote(tx, clinic, id, body, actor));
      answer = { ok: true, message: body ? "Desk note saved." : "Desk note removed." };
    } else if (parsed.data.intent === "resend-confirmation") {
      answer = await resendConfirmation(db, clinic, id, parsed.data.token, actor);
    } else {
      answer = await sendDeskMessage(db, clinic, id, parsed.data, actor);
    }
    if (answer.ok) return redirect(`/panel/appointments/${id}?done=${encodeURIComponent(answer.message)}`);
    return data<ContactAnswer & { intent: string }>({ ...answer, intent }, { status: 422 });
  } catch (error) {
    if (error instanceof NotFoundError) throw new Response("Not found", { status: 404 });
    if (error instanceof ConflictError) return data<ContactAnswer & { intent: string }>({ ok: false, intent, message: error.message }, { status: 409 });
    throw error;
  }
}

export async function action({ request, context, params }: ActionFunctionArgs) {
  const { actor, clinic, db } = await requireStaff(request, context, "appointment");
  const raw = await readForm(request);
  const desk = deskIntents.safeParse(raw);
  if (desk.success) return deskAction(raw, desk.data.intent, { db, clinic, actor, id: params.id ?? "" });
  const form = appointmentActionForm.safeParse(raw);
  if (!form.success) {
    return data<AppointmentActionAnswer>({ ok: false, ...firstFieldError(form.error) }, { status: 400 });
  }
  const names = new Map((await db.tx((tx) => deskResources(tx, clinic.id))).doctors.map((d) => [d.id, d.name]));
  const answer = await runAppointmentAction(db, clinic, params.id ?? "", form.data, actor, names);
  if (answer.ok) return redirect(`/panel/appointments/${answer.appointmentId}?done=${encodeURIComponent(answer.message)}`);
  return data<AppointmentActionAnswer>(answer, { status: answer.alternatives ? 409 : 422 });
}

export default function DeskAppointment() {
  const d = useLoaderData<typeof loader>();
  const posted = useActionData<typeof action>() as (AppointmentActionAnswer & { intent?: string }) | undefined;
  const contact = posted && "intent" in posted && posted.intent ? (posted as ContactAnswer & { intent: string; field?: string }) : null;
  const answer = contact ? undefined : (posted as AppointmentActionAnswer | undefined);
  const nav = useNavigation();
  const busy = nav.state === "submitting";
  const location = useLocation();
  const failed = answer && !answer.ok ? answer : null;
  const overrideField = (id: string) =>
    d.insideWindow ? (
      <div className="mt-3">
        <label htmlFor={id} className="field-label">
          Reason for changing inside the cancellation window (kept in the audit log)
        </label>
        <textarea id={id} name="overrideReason" rows={2} required maxLength={500} className="field-input" aria-invalid={failed?.field === "overrideReason" ? true : undefined} aria-describedby={failed?.field === "overrideReason" ? `${id}-error` : undefined} />
        {failed?.field === "overrideReason" ? (
          <p id={`${id}-error`} className="field-error">
            {failed.message}
          </p>
        ) : null}
      </div>
    ) : null;
  return (
    <>
      <PanelHeading title={d.patientName}>
        <p className="text-lg text-slate-800">
          {d.serviceName} · {d.when}
        </p>
        <div className="mt-2 flex flex-wrap gap-2">
          <VisitStatus status={d.status} />
          <PaymentPill status={d.paymentStatus} depositMinor={d.depositMinor} />
          {d.override ? (
            <span className="rounded-full bg-violet-50 px-2 py-0.5 text-sm font-semibold text-violet-900 ring-1 ring-violet-300" data-testid="visit-override" title={d.override.reason}>
              {d.override.words}: {d.override.reason}
            </span>
          ) : null}
        </div>
      </PanelHeading>
      {d.alerts.length ? (
        <div className="mb-4 flex flex-wrap items-center gap-3" data-testid="visit-alerts">
          <PatientAlerts alerts={d.alerts} />
          {d.patientAccountId ? (
            <Link to={`/panel/patients/${d.patientAccountId}#desk-alerts`} className="inline-flex min-h-11 items-center text-sm font-semibold text-brand underline">
              Change alerts
            </Link>
          ) : null}
        </div>
      ) : null}
      {d.done && !posted ? <Answer answer={{ ok: true, message: d.done }} /> : null}
      {contact && !contact.ok ? <Answer answer={{ ok: false, message: contact.message }} /> : null}
      {failed && !failed.field ? <Answer answer={failed} /> : null}
      {failed?.field && failed.field !== "overrideReason" ? <Answer answer={failed} /> : null}
      {d.rescheduledToId ? (
        <p className="mb-4 rounded-xl bg-slate-50 px-4 py-3 text-sm ring-1 ring-slate-200">
          This visit was moved.{" "}
          <Link to={`/panel/appointments/${d.rescheduledToId}`} className="font-semibold text-brand underline">
            Open the new appointment
          </Link>
        </p>
      ) : null}

      <div className="grid gap-4 lg:grid-cols-3">
        <section className="card p-5 lg:col-span-2" aria-labelledby="details-title">
          <h2 id="details-title" className="text-lg font-semibold text-slate-900">
            Details
          </h2>
          <dl className="mt-3 grid gap-x-6 gap-y-2 text-sm sm:grid-cols-2">
            {(
              [
                ["Booking code", d.bookingCode],
                ["Patient", d.patientName],
                ["Phone", d.phone ?? "—"],
                ["Service", d.serviceName],
                ["Doctor", d.doctorName],
                ["Location", d.locationName],
                ["Room", d.roomName ?? "No room needed"],
                ["Starts", d.when],
                ["Ends", d.end],
                ["Price", d.price],
                ["Deposit", d.deposit ? `${d.deposit}${d.depositCard ? ` · ${d.depositCard}` : ""}` : "None"],
                ["Booked through", { staff: "The desk", clinic_site: "The clinic's site", marketplace: "The marketplace", api: "The clinic's software" }[d.channel] ?? d.channel],
                ["Free changes until", d.deadline],
              ] as const
            ).map(([k, v]) => (
              <div key={k}>
                <dt className="font-medium text-slate-600">{k}</dt>
                <dd className="text-slate-900" data-testid={`detail-${k.toLowerCase().replace(/\s+/g, "-")}`}>
                  {v}
                </dd>
              </div>
            ))}
          </dl>
          {d.depositAwaitingUntil ? (
            <p className="mt-3 rounded-lg bg-amber-50 px-3 py-2 text-sm text-amber-950 ring-1 ring-amber-300" data-testid="deposit-awaiting">
              Awaiting deposit: the patient was sent a secure link to add or allow a card by {d.depositAwaitingUntil}. Otherwise collect it at the desk.
            </p>
          ) : d.depositFailure ? <p className="mt-3 rounded-lg bg-amber-50 px-3 py-2 text-sm text-amber-950 ring-1 ring-amber-300">Card problem: {d.depositFailure} Collect the deposit at the desk or ask the patient to update their card.</p> : null}
          {d.visitReason ? (
            <p className="mt-3 text-sm text-slate-900" data-testid="visit-reason">
              <span className="font-semibold">Reason for the visit:</span> {d.visitReason}
            </p>
          ) : null}
          {d.note ? <p className="mt-3 text-sm text-slate-700" data-testid="visit-note">Note: {d.note}</p> : null}
          {d.cancellation ? (
            <p className="mt-3 text-sm text-slate-700" data-testid="cancellation">
              Cancelled {d.cancellation.at}: {d.cancellation.reason}
              {d.cancellation.note ? ` — ${d.cancellation.note}` : ""}
            </p>
          ) : null}
        </section>

        <section className="card p-5" aria-labelledby="actions-title">
          <h2 id="actions-title" className="text-lg font-semibold text-slate-900">
            At the desk
          </h2>
          <div className="mt-3 flex flex-col gap-2">
            {d.status === "confirmed" && d.isToday ? (
              <Form method="post" action="/panel/queue">
                <input type="hidden" name="intent" value="check-in" />
                <input type="hidden" name="appointmentId" value={d.id} />
                <input type="hidden" name="redirectTo" value={location.pathname} />
                <button type="submit" className="btn-primary min-h-11 w-full px-4" disabled={busy}>
                  Check in
                </button>
              </Form>
            ) : null}
            {d.status === "confirmed" && d.started ? (
              <Form method="post">
                <button type="submit" name="intent" value="no-show" className="btn-secondary min-h-11 w-full px-4" disabled={busy}>
                  Mark no-show
                </button>
              </Form>
            ) : null}
            {d.status === "requested" ? (
              <>
                <Form method="post">
                  <button type="submit" name="intent" value="approve" className="btn-primary min-h-11 w-full px-4" disabled={busy}>
                    Approve request
                  </button>
                </Form>
                <details>
                  <summary className="btn-secondary min-h-11 w-full cursor-pointer list-none px-4">Decline…</summary>
                  <Form method="post" className="mt-2">
                    <label htmlFor="decline-reason" className="field-label">
                      Why is it declined? (the patient is told)
                    </label>
                    <textarea id="decline-reason" name="reason" rows={2} required minLength={3} maxLength={500} className="field-input" />
                    <button type="submit" name="intent" value="decline" className="btn-secondary mt-2 min-h-11 px-4" disabled={busy}>
                      Decline request
                    </button>
                  </Form>
                </details>
              </>
            ) : null}
            {!d.changeable && d.status !== "confirmed" ? <p className="text-sm text-slate-600">This visit is {visitStatusWords(d.status).toLowerCase()}; it can no longer be changed here.</p> : null}
          </div>
          {d.waivable && d.deposit ? (
            <details className="mt-4">
              <summary className="btn-secondary min-h-11 w-full cursor-pointer list-none px-4">Waive the deposit…</summary>
              <Form method="post" className="mt-3">
                <label htmlFor="waive-reason" className="field-label">
                  Why is the deposit waived? (kept in the audit log)
                </label>
                <textarea id="waive-reason" name="reason" rows={2} required minLength={3} maxLength={500} className="field-input" />
                <button type="submit" name="intent" value="waive" className="btn-secondary mt-2 min-h-11 px-4" disabled={busy}>
                  Waive {d.deposit}
                </button>
              </Form>
            </details>
          ) : null}
          {d.changeable ? (
            <details className="mt-4" data-testid="cancel-box">
              <summary className="btn-secondary min-h-11 w-full cursor-pointer list-none px-4">Cancel the visit…</summary>
              <Form method="post" className="mt-3">
                <label htmlFor="cancel-reason" className="field-label">
                  Reason
                </label>
                <select id="cancel-reason" name="reason" required className="field-input min-h-11" defaultValue="">
                  <option value="" disabled>
                    Choose a reason
                  </option>
                  {DESK_CANCELLATION_REASONS.map((r) => (
                    <option key={r} value={r}>
                      {CANCELLATION_REASON_WORDS[r]}
                    </option>
                  ))}
                </select>
                <label htmlFor="cancel-note" className="field-label mt-3">
                  Note (optional)
                </label>
                <textarea id="cancel-note" name="note" rows={2} maxLength={500} className="field-input" />
                {overrideField("cancel-override")}
                <button type="submit" name="intent" value="cancel" className="btn-primary mt-3 min-h-11 px-4" disabled={busy}>
                  {busy ? "Cancelling…" : "Cancel visit"}
                </button>
              </Form>
            </details>
          ) : null}
        </section>
      </div>

      <div className="mt-4 grid gap-4 lg:grid-cols-2">
        <section className="card p-5" aria-labelledby="desk-note-title" data-testid="desk-note">
          <h2 id="desk-note-title" className="text-lg font-semibold text-slate-900">
            Desk note
          </h2>
          <p className="mt-1 text-sm text-slate-600">Only staff see this note; the patient never does.</p>
          <Form method="post" className="mt-3">
            <input type="hidden" name="intent" value="desk-note" />
            <label htmlFor="desk-note-body" className="field-label">
              Note on this visit
            </label>
            <textarea id="desk-note-body" name="body" rows={3} maxLength={d.limits.note} defaultValue={d.deskNote?.body ?? ""} key={d.deskNote?.at ?? "none"} className="field-input" aria-describedby="desk-note-meta" />
            <p id="desk-note-meta" className="mt-1 text-xs text-slate-600" data-testid="desk-note-meta">
              {d.deskNote ? `Last changed by ${d.deskNote.by}, ${d.deskNote.at}.` : "No note yet."} Leave it empty and save to remove it.
            </p>
            {contact?.intent === "desk-note" && !contact.ok ? <p className="field-error">{contact.message}</p> : null}
            <button type="submit" className="btn-secondary mt-2 min-h-11 px-4" disabled={busy}>
              Save note
            </button>
          </Form>
        </section>

        <section className="card p-5" aria-labelledby="contact-title" data-testid="contact-patient">
          <h2 id="contact-title" className="text-lg font-semibold text-slate-900">
            Contact the patient
          </h2>
          {d.mayResend ? (
            <Form method="post" className="mt-3">
              <input type="hidden" name="intent" value="resend-confirmation" />
              <input type="hidden" name="token" value={d.sendToken} />
              <button type="submit" className="btn-secondary min-h-11 px-4" disabled={busy}>
                Resend confirmation
              </button>
            </Form>
          ) : null}
          <Form method="post" className="mt-3" key={d.sendToken}>
            <input type="hidden" name="intent" value="send-message" />
            <input type="hidden" name="token" value={d.sendToken} />
            <label htmlFor="desk-message" className="field-label">
              Message
            </label>
            <textarea
              id="desk-message"
              name="message"
              rows={3}
              required
              minLength={2}
              maxLength={d.limits.message}
              className="field-input"
              aria-describedby="desk-message-hint"
              aria-invalid={contact?.intent === "send-message" && contact.field === "message" ? true : undefined}
            />
            <p id="desk-message-hint" className="mt-1 text-xs text-slate-600">
              Up to {d.limits.message} characters. The clinic's name is put in front. Patients who turned messages off are not sent it.
            </p>
            <label htmlFor="desk-message-channel" className="field-label mt-3">
              Send by
            </label>
            <select id="desk-message-channel" name="channel" defaultValue="preferred" className="field-input min-h-11">
              <option value="preferred">The patient's choice (SMS and/or email)</option>
              <option value="sms">SMS only</option>
              <option value="email">Email only</option>
            </select>
            <button type="submit" className="btn-primary mt-3 min-h-11 px-4" disabled={busy}>
              {busy && nav.formData?.get("intent") === "send-message" ? "Sending…" : "Send message"}
            </button>
          </Form>
        </section>
      </div>

      <section className="card mt-4 p-5" aria-labelledby="messages-title">
        <h2 id="messages-title" className="text-lg font-semibold text-slate-900">
          Messages about this visit
        </h2>
        {d.messages.length ? (
          <ol className="mt-3 divide-y divide-slate-200" data-testid="message-log">
            {d.messages.map((m) => (
              <li key={m.id} className="flex flex-wrap items-start justify-between gap-2 py-2 text-sm" data-testid="message-log-entry" data-status={m.status}>
                <div className="min-w-0">
                  <p className="font-medium text-slate-900">
                    {m.kindWords} · {m.channel}
                  </p>
                  <p className="text-slate-600">
                    {m.at}
                    {m.queuedUntil ? ` · held until ${m.queuedUntil} (quiet hours)` : ""}
                  </p>
                  {m.text ? <p className="mt-1 whitespace-pre-wrap break-words text-slate-800">“{m.text}”</p> : null}
                  {m.problem ? <p className="mt-1 text-red-800">{m.problem}</p> : null}
                </div>
                <DeliveryStatus status={m.status} />
              </li>
            ))}
          </ol>
        ) : (
          <p className="mt-2 text-sm text-slate-600">No messages sent about this visit yet.</p>
        )}
      </section>

      {d.changeable ? (
        <section className="card mt-4 p-5" aria-labelledby="move-title">
          <div className="flex flex-wrap items-center justify-between gap-2">
            <h2 id="move-title" className="text-lg font-semibold text-slate-900">
              Reschedule · {d.dayTitle}
            </h2>
            <span className="flex gap-2">
              {d.previousDay ? (
                <Link to={`?day=${d.previousDay}&doctor=${d.doctorFilter}`} className="btn-secondary min-h-11 px-3" aria-label="Previous day">
                  ←
                </Link>
              ) : null}
              <Link to={`?day=${d.nextDay}&doctor=${d.doctorFilter}`} className="btn-secondary min-h-11 px-3" aria-label="Next day">
                →
              </Link>
            </span>
          </div>
          <Form method="get" className="mt-2 flex flex-wrap items-end gap-2">
            <input type="hidden" name="day" value={d.day} />
            <div>
              <label htmlFor="move-doctor" className="field-label">
                Doctor
              </label>
              <select id="move-doctor" name="doctor" defaultValue={d.doctorFilter} className="field-input min-h-11">
                {d.doctors.map((x) => (
                  <option key={x.id} value={x.id}>
                    {x.name}
                  </option>
                ))}
              </select>
            </div>
            <button type="submit" className="btn-secondary min-h-11 px-4">
              Show times
            </button>
          </Form>
          {failed?.alternatives?.length ? (
            <p className="mt-3 text-sm text-slate-800" data-testid="alternatives">
              Next free times: {failed.alternatives.map((a) => `${a.time} (${a.doctorName})`).join(", ")}
            </p>
          ) : null}
          {d.times.length ? (
            <Form method="post" className="mt-3">
              <fieldset>
                <legend className="field-label">New time</legend>
                <div className="mt-2 grid grid-cols-2 gap-2 sm:grid-cols-4 lg:grid-cols-6" data-testid="move-times">
                  {d.times.map((t) => (
                    <label key={t.value} className="flex min-h-11 cursor-pointer items-center gap-2 rounded-lg border border-slate-300 bg-white px-3 text-sm has-[:checked]:border-brand has-[:checked]:bg-brand-soft has-[:focus-visible]:ring-2 has-[:focus-visible]:ring-brand">
                      <input type="radio" name="slot" value={t.value} required className="h-4 w-4" />
                      <span className="font-semibold tabular-nums">{t.time}</span>
                    </label>
                  ))}
                </div>
              </fieldset>
              {overrideField("move-override")}
              <button type="submit" name="intent" value="reschedule" className="btn-primary mt-3 min-h-11 px-4" disabled={busy}>
                {busy ? "Moving…" : "Move to this time"}
              </button>
            </Form>
          ) : (
            <p className="mt-3 text-sm text-slate-700">No free times for this doctor on this day. Try the next day.</p>
          )}
        </section>
      ) : null}

      {d.series ? <VisitSeries appointmentId={d.id} series={d.series} insideWindow={d.insideWindow} /> : null}

      <section className="card mt-4 p-5" aria-labelledby="history-title">
        <h2 id="history-title" className="text-lg font-semibold text-slate-900">
          History
        </h2>
        <ol className="mt-3 space-y-2 text-sm" data-testid="history">
          {d.history.map((h, i) => (
            <li key={i} className="flex flex-wrap gap-x-2">
              <span className="tabular-nums text-slate-600">{h.at}</span>
              <span className="font-medium text-slate-900">
                {h.from ? `${visitStatusWords(h.from)} → ` : ""}
                {h.to === "held" ? "Time held" : visitStatusWords(h.to)}
              </span>
              <span className="text-slate-700">by {h.who}</span>
              {h.reason ? <span className="text-slate-700">· {h.reason}</span> : null}
            </li>
          ))}
        </ol>
        {d.rescheduledFromId ? (
          <Link to={`/panel/appointments/${d.rescheduledFromId}`} className="mt-3 inline-flex min-h-11 items-center text-sm font-semibold text-brand underline">
            The visit this one was moved from
          </Link>
        ) : null}
      </section>
    </>
  );
}

const DELIVERY_WORDS: Record<string, { words: string; tone: string }> = {
  queued: { words: "Queued", tone: "bg-slate-100 text-slate-800 ring-slate-300" },
  sent: { words: "Sent", tone: "bg-sky-50 text-sky-900 ring-sky-200" },
  delivered: { words: "Delivered", tone: "bg-emerald-50 text-emerald-900 ring-emerald-200" },
  failed: { words: "Failed", tone: "bg-red-50 text-red-900 ring-red-300" },
  skipped: { words: "Not sent", tone: "bg-amber-50 text-amber-950 ring-amber-300" },
};

function DeliveryStatus({ status }: { status: string }) {
  const s = DELIVERY_WORDS[status] ?? { words: status, tone: "bg-slate-100 text-slate-800 ring-slate-300" };
  return (
    <span className={`inline-flex shrink-0 items-center rounded-full px-2.5 py-0.5 text-xs font-semibold ring-1 ${s.tone}`} data-testid="delivery-status">
      {s.words}
    </span>
  );
}
