import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { Fact, toneStyle } from "~/components/account/fact";
import { PrintButton } from "~/components/booking/print-button";
import { Alert } from "~/components/booking/step-header";
import { auditContextFromRequest } from "~/modules/audit/audit.server";
import { notFound, requireClinicSite, requirePatient } from "~/modules/auth/guards.server";
import { displayPhone, telHref } from "~/modules/clinic/phone-display.server";
import { appointmentPage } from "~/modules/patient-account/appointment-page.server";
import { calendarLinks } from "~/modules/booking-flow/ics";
import { CalendarLinks } from "~/components/booking/calendar-links";
import { visitPageUrl } from "~/utils/public-urls.server";
import { CheckInCardView } from "~/components/queue/check-in-card";
import { checkInCard } from "~/modules/queue/check-in-card.server";

export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const { clinic, db } = requireClinicSite(context);
  const { patient } = await requirePatient(request, context);
  const page = await appointmentPage(db, clinic, patient.id, params.id ?? "", auditContextFromRequest(request, context));
  // Someone else's appointment looks exactly like one that does not exist.
  if (!page) throw notFound();
  const { calendar, ...visit } = page;
  return {
    clinicName: clinic.name,
    phone: clinic.contactPhone ? { display: displayPhone(clinic.contactPhone), href: telHref(clinic.contactPhone) } : null,
    visit,
    links: calendarLinks({ ...calendar, url: visitPageUrl(clinic.slug, page.id) }),
    moved: new URL(request.url).searchParams.get("moved") === "1",
    checkIn: await checkInCard(db, clinic, visit.id),
  };
}

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: data ? `${data.visit.serviceName} · ${data.clinicName}` : "Appointment" }];

export default function AppointmentDetails() {
  const { clinicName, phone, visit, links, moved, checkIn } = useLoaderData<typeof loader>();
  return (
    <article className="mt-3" aria-labelledby="visit-heading" data-testid="appointment-page">
      <a href="/account" className="inline-flex items-center gap-1 rounded text-sm font-semibold text-slate-700 underline decoration-brand decoration-2 underline-offset-4 hover:text-slate-950 print:hidden">
        <svg viewBox="0 0 20 20" aria-hidden="true" className="h-4 w-4 fill-current">
          <path d="M12.7 4.3a1 1 0 0 1 0 1.4L8.4 10l4.3 4.3a1 1 0 1 1-1.4 1.4l-5-5a1 1 0 0 1 0-1.4l5-5a1 1 0 0 1 1.4 0Z" />
        </svg>
        All appointments
      </a>
      <p className="hidden text-lg font-semibold print:block">{clinicName}</p>
      <div className="mb-4 mt-3 flex flex-wrap items-start justify-between gap-3">
        <div>
          <h1 id="visit-heading" className="text-2xl font-bold tracking-tight text-slate-900 sm:text-3xl">
            {visit.serviceName}
          </h1>
          <p className="mt-1 text-lg font-semibold text-slate-800" data-testid="visit-when">
            {visit.when}
          </p>
        </div>
        <span className={`rounded-full px-3 py-1 text-sm font-semibold ring-1 ${toneStyle[visit.statusTone]}`} data-testid="appointment-status">
          {visit.status}
        </span>
      </div>

      {moved ? (
        <Alert tone="info">
          <span data-testid="moved-message">Your visit is moved to {visit.when}. We will text you a confirmation.</span>
        </Alert>
      ) : null}

      <dl className="card px-4 py-1 sm:px-6 print:border-0 print:px-0 print:shadow-none" data-testid="visit-details">
        <Fact label="Booking code">
          <span className="font-mono font-semibold tracking-wider" data-testid="booking-code">
            {visit.bookingCode}
          </span>
          <span className="block text-sm text-slate-600">Quote it when you call the clinic; it stays the same if the visit moves.</span>
        </Fact>
        <Fact label="For">{visit.patientName || "You"}</Fact>
        <Fact label="Doctor">{visit.doctorName}</Fact>
        {visit.location ? (
          <Fact label="Where">
            <span className="block font-medium">{visit.location.name}</span>
            <span className="block text-sm text-slate-600">{visit.location.address}</span>
          </Fact>
        ) : null}
        <Fact label="When">
          <span className="block font-semibold">{visit.when}</span>
          <span className="block text-sm text-slate-600">Clinic time ({visit.timeZone})</span>
        </Fact>
        <Fact label="Length">{visit.duration}</Fact>
        <Fact label="Price">
          {visit.price}
          {visit.deposit ? <span className="block text-sm text-slate-600">Deposit {visit.deposit}, part of the price</span> : null}
          <span className="block text-sm text-slate-600" data-testid="appointment-payment">
            {visit.payment}
          </span>
          {visit.depositDetail ? (
            <span className="mt-1 block text-sm text-slate-700" data-testid="deposit-detail">
              {visit.depositDetail.text}{" "}
              {visit.depositDetail.needsCard ? (
                <a href="/account/cards" className="font-semibold text-brand underline">
                  Update your card
                </a>
              ) : null}
            </span>
          ) : null}
        </Fact>
        {visit.preparationNotes ? <Fact label="Before you come">{visit.preparationNotes}</Fact> : null}
        {visit.visitReason ? <Fact label="Reason for the visit">{visit.visitReason}</Fact> : null}
        {visit.note ? <Fact label="Your note">{visit.note}</Fact> : null}
        <Fact label="Changing plans" testId="cancellation-policy">
          {visit.cancellationPolicy}
        </Fact>
        {visit.movedFrom ? (
          <Fact label="Moved from">
            <a href={`/account/appointments/${visit.movedFrom.id}`} className="underline decoration-brand decoration-2 underline-offset-4 print:no-underline">
              {visit.movedFrom.when}
            </a>
          </Fact>
        ) : null}
        {visit.movedTo ? (
          <Fact label="Moved to">
            <a href={`/account/appointments/${visit.movedTo.id}`} className="underline decoration-brand decoration-2 underline-offset-4 print:no-underline" data-testid="moved-to">
              {visit.movedTo.when}
            </a>
          </Fact>
        ) : null}
      </dl>

      <CheckInCardView card={checkIn} />

      {visit.tooLate ? (
        <div className="mt-4 rounded-xl bg-amber-50 px-4 py-3 text-sm text-amber-900 ring-1 ring-amber-200 print:hidden" data-testid="too-late">
          <p>{visit.tooLate}</p>
          {phone ? (
            <a href={phone.href} className="btn-secondary mt-3 min-h-12 text-base">
              Call {clinicName}: {phone.display}
            </a>
          ) : null}
        </div>
      ) : null}

      <div className="mt-6 flex flex-col gap-3 sm:flex-row sm:flex-wrap print:hidden">
        {visit.canChange ? (
          <a href={`/account/appointments/${visit.id}/change`} className="btn-primary min-h-12 text-base" data-testid="change-appointment">
            Change time
          </a>
        ) : null}
        <a href={`/account/appointments/${visit.id}/calendar.ics`} download className="btn-secondary min-h-12 text-base" data-testid="add-to-calendar">
          <svg viewBox="0 0 24 24" aria-hidden="true" className="h-5 w-5 fill-current">
            <path d="M7 2h2v2h6V2h2v2h3a1 1 0 0 1 1 1v15a1 1 0 0 1-1 1H4a1 1 0 0 1-1-1V5a1 1 0 0 1 1-1h3V2Zm12 8H5v9h14v-9Z" />
          </svg>
          Add to calendar
        </a>
        <CalendarLinks links={links} />
        <PrintButton />
      </div>

      {visit.history.length ? (
        <section aria-labelledby="history-heading" className="mt-8 print:mt-4">
          <h2 id="history-heading" className="mb-2 text-lg font-semibold text-slate-900">
            What happened so far
          </h2>
          <ol className="space-y-2 border-l-2 border-slate-200 pl-4" data-testid="status-history">
            {visit.history.map((h, i) => (
              <li key={i} className="text-sm">
                <span className="font-medium text-slate-900">{h.text}</span>
                <span className="block text-slate-600">{h.at}</span>
              </li>
            ))}
          </ol>
        </section>
      ) : null}
    </article>
  );
}
