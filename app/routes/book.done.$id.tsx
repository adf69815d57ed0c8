import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { PrintButton } from "~/components/booking/print-button";
import { VisitDetails } from "~/components/booking/visit-details";
import { auditContextFromRequest } from "~/modules/audit/audit.server";
import { notFound, requireClinicSite, requirePatient } from "~/modules/auth/guards.server";
import { confirmedVisit } from "~/modules/booking-flow/flow.server";
import { calendarLinks } from "~/modules/booking-flow/ics";
import { CalendarLinks } from "~/components/booking/calendar-links";
import { visitPageUrl } from "~/utils/public-urls.server";
import { displayPhone, telHref } from "~/modules/clinic/phone-display.server";
import { CheckInCardView } from "~/components/queue/check-in-card";
import { checkInCard } from "~/modules/queue/check-in-card.server";

export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const { clinic, db } = requireClinicSite(context);
  const { patient } = await requirePatient(request, context);
  const visit = await confirmedVisit(db, clinic, params.id ?? "", patient.id, auditContextFromRequest(request, context));
  if (!visit) throw notFound();
  // The calendar entry is built again by the download route; the page needs only what it shows.
  const { calendar, ...shown } = visit;
  const links = calendarLinks({ ...calendar, url: visitPageUrl(clinic.slug, visit.id) });
  const phone = clinic.contactPhone ? { display: displayPhone(clinic.contactPhone), href: telHref(clinic.contactPhone) } : null;
  return { clinicName: clinic.name, phone, visit: shown, start: { at: calendar.start.toISOString(), timeZone: clinic.timeZone }, links, checkIn: await checkInCard(db, clinic, visit.id) };
}

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: data ? `Booked · ${data.clinicName}` : "Booked" }];

export default function BookingDone() {
  const { clinicName, phone, visit, start, links, checkIn } = useLoaderData<typeof loader>();
  const requested = visit.status === "requested";
  return (
    <>
      <div className="mb-5 mt-3">
        <p className="hidden text-lg font-semibold print:block">{clinicName}</p>
        <h1 className="text-2xl font-bold tracking-tight text-slate-900 sm:text-3xl" data-testid="booking-done">
          {requested ? "Your request is with the clinic" : "You're booked"}
        </h1>
        <p className="mt-3 inline-flex items-baseline gap-2 rounded-lg bg-slate-100 px-3 py-1.5 text-sm text-slate-700 ring-1 ring-slate-200">
          Booking code
          <span className="font-mono text-base font-semibold tracking-wider text-slate-900" data-testid="booking-code">
            {visit.bookingCode}
          </span>
        </p>
        <p className="mt-2 text-slate-700">
          {requested ? "The clinic confirms this kind of visit itself; we will text you when it does." : `We look forward to seeing you at ${clinicName}. We will text you a reminder.`}
        </p>
      </div>
      <VisitDetails visit={visit} patientName={visit.patientName || undefined} phone={phone} start={start} />
      {visit.depositDetail ? (
        <p className="mt-4 rounded-xl bg-slate-50 px-4 py-3 text-sm text-slate-800 ring-1 ring-slate-200" data-testid="deposit-detail">
          <span className="font-semibold">Deposit: </span>
          {visit.depositDetail.text}
          {visit.depositDetail.needsCard ? (
            <>
              {" "}
              <a href="/account/cards" className="font-semibold text-brand underline">
                Update your card
              </a>
            </>
          ) : null}
        </p>
      ) : null}
      <CheckInCardView card={checkIn} />
      <div className="mt-6 flex flex-col gap-3 sm:flex-row print:hidden">
        <a href={`/book/done/${visit.id}/calendar.ics`} download className="btn-primary min-h-12 text-base" data-testid="add-to-calendar">
          <svg viewBox="0 0 24 24" aria-hidden="true" className="h-5 w-5 fill-current">
            <path d="M7 2h2v2h6V2h2v2h3a1 1 0 0 1 1 1v15a1 1 0 0 1-1 1H4a1 1 0 0 1-1-1V5a1 1 0 0 1 1-1h3V2Zm12 8H5v9h14v-9Z" />
          </svg>
          Add to calendar
        </a>
        <CalendarLinks links={links} />
        <PrintButton />
        <a href="/" className="btn-secondary min-h-12 text-base">
          Back to {clinicName}
        </a>
      </div>
    </>
  );
}
