import { AppointmentList } from "~/components/account/appointment-list";
import { Fact, toneStyle } from "~/components/account/fact";
import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { Alert } from "~/components/booking/step-header";
import { auditContextFromRequest } from "~/modules/audit/audit.server";
import { requireClinicSite, requirePatient } from "~/modules/auth/guards.server";
import { MarketplaceAppointments } from "~/components/marketplace-appointments";
import { requireSite } from "~/modules/clinic/site-guard.server";
import { crossSiteLink } from "~/modules/auth/hand-off.server";
import { displayPhone, telHref } from "~/modules/clinic/phone-display.server";
import { marketplaceAppointments } from "~/modules/patient-account/marketplace-account.server";
import { accountAppointments, type AccountAppointment } from "~/modules/patient-account/appointments.server";
import { getDb } from "~/utils/db.server";

export async function loader({ request, context }: LoaderFunctionArgs) {
  const site = requireSite(request, context.site);
  if (site.kind === "marketplace") {
    // On the marketplace: the patient's visits at every clinic, each managed on that clinic's site,
    // where the patient arrives signed in (a hand-off, decision 042).
    const { patient } = await requirePatient(request, context);
    const view = await marketplaceAppointments(getDb(), patient.id, auditContextFromRequest(request, context));
    const withLinks = (list: typeof view.upcoming) => list.map((a) => ({ ...a, manageUrl: a.clinic.online ? crossSiteLink(a.clinic.slug, `/account/appointments/${a.id}`) : null }));
    return { where: "marketplace" as const, upcoming: withLinks(view.upcoming), past: withLinks(view.past), cancelled: withLinks(view.cancelled) };
  }
  const { clinic, db } = requireClinicSite(context);
  const { patient } = await requirePatient(request, context);
  const view = await accountAppointments(db, clinic, patient.id, auditContextFromRequest(request, context));
  // After a cancel the confirm page redirects here, so a reload does not post again.
  const cancelledId = new URL(request.url).searchParams.get("cancelled");
  const justCancelled = cancelledId ? view.cancelled.find((a) => a.id === cancelledId && a.status === "Cancelled") : undefined;
  return {
    where: "clinic" as const,
    clinicName: clinic.name,
    phone: clinic.contactPhone ? { display: displayPhone(clinic.contactPhone), href: telHref(clinic.contactPhone) } : null,
    ...view,
    justCancelled: justCancelled ? { serviceName: justCancelled.serviceName, when: justCancelled.when, payment: justCancelled.payment } : null,
  };
}

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: data?.where === "clinic" ? `Your appointments · ${data.clinicName}` : "Your appointments" }];

function AppointmentCard({ a, phone }: { a: AccountAppointment; phone: { display: string; href: string } | null }) {
  return (
    <li className="card px-4 py-4 sm:px-6" data-testid="account-appointment">
      <div className="flex flex-wrap items-start justify-between gap-2">
        <div>
          <h3 className="text-lg font-semibold text-slate-900">{a.serviceName}</h3>
          <p className="font-semibold text-slate-800" data-testid="appointment-when">
            {a.when}
          </p>
        </div>
        <span className={`rounded-full px-3 py-1 text-sm font-semibold ring-1 ${toneStyle[a.statusTone]}`} data-testid="appointment-status">
          {a.status}
        </span>
      </div>
      <dl className="mt-3 space-y-2">
        {a.patientName ? <Fact compact label="For">{a.patientName}</Fact> : null}
        <Fact compact label="Doctor">{a.doctorName}</Fact>
        {a.location ? (
          <Fact compact label="Where">
            <span className="block font-medium">{a.location.name}</span>
            <span className="block text-sm text-slate-600">{a.location.address}</span>
          </Fact>
        ) : null}
        <Fact compact label="Length">{a.duration}</Fact>
        <Fact compact label="Price">
          {a.price}
          {a.deposit ? <span className="block text-sm text-slate-600">Deposit {a.deposit}, part of the price</span> : null}
          <span className="block text-sm text-slate-600" data-testid="appointment-payment">
            {a.payment}
          </span>
        </Fact>
        {a.movedTo ? (
          <Fact compact label="Moved to">
            <span data-testid="appointment-moved-to">{a.movedTo}</span>
          </Fact>
        ) : null}
        {a.canCancel ? (
          <Fact compact label="Cancel online until">
            <span data-testid="appointment-deadline">{a.deadline}</span>
          </Fact>
        ) : null}
      </dl>
      {a.tooLate ? (
        <div className="mt-3 rounded-xl bg-amber-50 px-3 py-2 text-sm text-amber-900 ring-1 ring-amber-200" data-testid="too-late">
          <p>{a.tooLate}</p>
          {phone ? (
            <a href={phone.href} className="btn-secondary mt-2 min-h-12 text-base" data-testid="clinic-phone">
              Call {phone.display}
            </a>
          ) : null}
        </div>
      ) : null}
      {a.list !== "upcoming" ? (
        <div className="mt-4 flex flex-col gap-3 sm:flex-row">
          <a href={`/account/appointments/${a.id}/book-again`} className="btn-secondary min-h-12 text-base" data-testid="book-again">
            Book again<span className="sr-only">: {a.serviceName} with {a.doctorName}</span>
          </a>
        </div>
      ) : null}
      {a.list === "upcoming" && (a.canCancel || a.tooLate) ? (
        <div className="mt-4 flex flex-col gap-3 sm:flex-row">
          <a href={`/account/appointments/${a.id}`} className="btn-secondary min-h-12 text-base" data-testid="appointment-details">
            Details and printing
          </a>
          {a.canCancel ? (
            <a href={`/account/appointments/${a.id}/change`} className="btn-secondary min-h-12 text-base" aria-label={`Change ${a.serviceName} on ${a.when}`} data-testid="change-appointment">
              Change
            </a>
          ) : null}
          {a.canCancel ? (
            <a
              href={`/account/appointments/${a.id}/cancel`}
              className="btn-secondary min-h-12 text-base text-red-700 sm:ml-auto"
              aria-label={`Cancel ${a.serviceName} on ${a.when}`}
              data-testid="cancel-appointment"
            >
              Cancel
            </a>
          ) : null}
        </div>
      ) : null}
    </li>
  );
}

export default function Account() {
  const loaded = useLoaderData<typeof loader>();
  if (loaded.where === "marketplace") return <MarketplaceAppointments upcoming={loaded.upcoming} past={loaded.past} cancelled={loaded.cancelled} />;
  const { upcoming, past, cancelled, justCancelled, phone } = loaded;
  return (
    <>
          <div className="mb-5 mt-3 flex flex-wrap items-end justify-between gap-3">
            <h1 className="text-2xl font-bold tracking-tight text-slate-900 sm:text-3xl">Your appointments</h1>
            <a href="/book" className="btn-primary min-h-12 text-base">
              Book a visit
            </a>
          </div>
          {justCancelled ? (
            <Alert tone="info">
              <span data-testid="cancelled-message">
                Your {justCancelled.serviceName} on {justCancelled.when} is cancelled. {justCancelled.payment}. We will text you a confirmation.
              </span>
            </Alert>
          ) : null}

          <section aria-labelledby="upcoming-heading">
            <h2 id="upcoming-heading" className="mb-3 text-lg font-semibold text-slate-900">
              Upcoming
            </h2>
            {upcoming.length ? (
              <ul className="space-y-4" data-testid="upcoming-appointments">
                {upcoming.map((a) => (
                  <AppointmentCard key={a.id} a={a} phone={phone} />
                ))}
              </ul>
            ) : (
              <div className="card px-4 py-6 text-center sm:px-6" data-testid="no-appointments">
                <p className="text-slate-700">You have no upcoming appointments here.</p>
                <a href="/book" className="mt-3 inline-block font-semibold text-slate-900 underline decoration-brand decoration-2 underline-offset-4">
                  Book an appointment
                </a>
              </div>
            )}
          </section>

          <AppointmentList id="past" title="Past" items={past} card={(a) => <AppointmentCard key={a.id} a={a} phone={phone} />} />

          <AppointmentList id="cancelled" title="Cancelled and moved" items={cancelled} card={(a) => <AppointmentCard key={a.id} a={a} phone={phone} />} />
    </>
  );
}
