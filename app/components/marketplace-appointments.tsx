import { AppointmentList } from "~/components/account/appointment-list";
import { Fact, toneStyle } from "~/components/account/fact";
import type { MarketplaceAppointment } from "~/modules/patient-account/marketplace-account.server";

export type MarketplaceAppointmentCard = MarketplaceAppointment & { manageUrl: string | null };

function Card({ a }: { a: MarketplaceAppointmentCard }) {
  return (
    <li className="card px-4 py-4 sm:px-6" data-testid="marketplace-appointment">
      <p className="text-sm font-semibold uppercase tracking-wide text-slate-600" data-testid="appointment-clinic">
        {a.clinic.name}
      </p>
      <div className="mt-1 flex flex-wrap items-start justify-between gap-2">
        <div>
          <h3 className="text-lg font-semibold text-slate-900">{a.serviceName}</h3>
          <p className="font-semibold text-slate-800" data-testid="appointment-when">
            {a.when}
          </p>
          <p className="text-sm text-slate-600">Clinic time ({a.clinic.timeZone})</p>
        </div>
        <span className={`rounded-full px-3 py-1 text-sm font-semibold ring-1 ${toneStyle[a.statusTone]}`} data-testid="appointment-status">
          {a.status}
        </span>
      </div>
      <dl className="mt-3 space-y-2">
        {a.patientName ? (
          <Fact compact label="For">
            <span data-testid="appointment-for">{a.patientName}</span>
          </Fact>
        ) : null}
        <Fact compact label="Doctor">{a.doctorName}</Fact>
        {a.location ? (
          <Fact compact label="Where">
            <span className="block font-medium">{a.location.name}</span>
            <span className="block text-sm text-slate-600">{a.location.address}</span>
          </Fact>
        ) : null}
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
        {a.list === "upcoming" && a.canCancel ? (
          <Fact compact label="Change online until">
            <span>{a.deadline}</span>
          </Fact>
        ) : null}
      </dl>
      {a.list === "upcoming" && a.tooLate ? <p className="mt-3 rounded-xl bg-amber-50 px-3 py-2 text-sm text-amber-900 ring-1 ring-amber-200">{a.tooLate}</p> : null}
      {a.list !== "upcoming" ? null : a.manageUrl ? (
        <a href={a.manageUrl} className="btn-secondary mt-4 min-h-12 w-full text-base sm:w-auto" data-testid="manage-at-clinic">
          Manage at {a.clinic.name}
          <span className="sr-only">: {a.serviceName} on {a.when}</span>
        </a>
      ) : (
        <p className="mt-3 text-sm text-slate-700">
          {a.clinic.name} is not taking online changes at the moment{a.clinic.phone ? `; call them on ${a.clinic.phone}` : ""}.
        </p>
      )}
    </li>
  );
}

/** The marketplace account's appointments: every clinic's, each with a way to its own site. */
export function MarketplaceAppointments({ upcoming, past, cancelled }: { upcoming: MarketplaceAppointmentCard[]; past: MarketplaceAppointmentCard[]; cancelled: MarketplaceAppointmentCard[] }) {
  return (
    <>
      <div className="mb-5 mt-3 flex flex-wrap items-end justify-between gap-3">
        <div>
          <h1 className="text-2xl font-bold tracking-tight text-slate-900 sm:text-3xl">Your appointments</h1>
          <p className="mt-1 text-slate-700">At every clinic you have booked with. Times are on each clinic&apos;s clock.</p>
        </div>
        <a href="/search" className="btn-primary min-h-12 text-base">
          Find a visit
        </a>
      </div>
      <section aria-labelledby="upcoming-heading">
        <h2 id="upcoming-heading" className="mb-3 text-lg font-semibold text-slate-900">
          Upcoming
        </h2>
        {upcoming.length ? (
          <ul className="space-y-4" data-testid="upcoming-appointments">
            {upcoming.map((a) => (
              <Card key={a.id} a={a} />
            ))}
          </ul>
        ) : (
          <div className="card px-4 py-6 text-center sm:px-6" data-testid="no-appointments">
            <p className="text-slate-700">You have no upcoming appointments.</p>
            <a href="/search" className="mt-3 inline-block font-semibold text-slate-900 underline decoration-brand decoration-2 underline-offset-4">
              Search clinics and services
            </a>
          </div>
        )}
      </section>
      <AppointmentList id="past" title="Past" items={past} card={(a) => <Card key={a.id} a={a} />} />
      <AppointmentList id="cancelled" title="Cancelled and moved" items={cancelled} card={(a) => <Card key={a.id} a={a} />} />
    </>
  );
}
