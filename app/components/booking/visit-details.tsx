import type { ReactNode } from "react";
import { YourTime } from "./zone-toggle";

export interface VisitFacts {
  serviceName: string;
  doctorName: string;
  location: { name: string; address: string } | null;
  when: string;
  duration: string;
  price: string;
  /** The discount in the price, when there is one ("Quiet Tuesdays: 10% off $220.00"). */
  discount?: string | null;
  deposit: string | null;
  preparationNotes: string | null;
  cancellationPolicy: string;
}

function Row({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div className="grid gap-1 border-b border-slate-100 py-3 last:border-0 sm:grid-cols-[10rem_1fr] sm:gap-4">
      <dt className="text-sm font-medium text-slate-500">{label}</dt>
      <dd className="text-base text-slate-900">{children}</dd>
    </div>
  );
}

/** What the visit is, where, when and what it costs: the same list on the review and confirmation pages. */
export function VisitDetails({
  visit,
  patientName,
  phone,
  start,
}: {
  visit: VisitFacts;
  patientName?: string;
  phone?: { display: string; href: string } | null;
  /** The start and the clinic's zone: a visitor on another clock also sees the time on theirs. */
  start?: { at: string; timeZone: string };
}) {
  return (
    <dl className="card px-4 py-1 sm:px-6 print:border-0 print:shadow-none" data-testid="visit-details">
      <Row label="Visit">{visit.serviceName}</Row>
      {patientName ? <Row label="For">{patientName}</Row> : null}
      <Row label="When">
        <span className="font-semibold" data-testid="visit-when">
          {visit.when}
        </span>
        {start ? <YourTime at={start.at} clinicZone={start.timeZone} /> : null}
      </Row>
      <Row label="Length">{visit.duration}</Row>
      <Row label="Doctor">{visit.doctorName}</Row>
      {visit.location ? (
        <Row label="Where">
          <span className="block font-medium">{visit.location.name}</span>
          <span className="block text-sm text-slate-600">{visit.location.address}</span>
        </Row>
      ) : null}
      <Row label="Price">
        {visit.price}
        {visit.discount ? (
          <span className="block text-sm font-medium text-emerald-800" data-testid="visit-discount">
            {visit.discount}
          </span>
        ) : null}
        {visit.deposit ? <span className="block text-sm text-slate-600">Deposit {visit.deposit}, part of the price</span> : null}
      </Row>
      {visit.preparationNotes ? <Row label="Before you come">{visit.preparationNotes}</Row> : null}
      <Row label="Changing plans">
        <span data-testid="cancellation-policy">{visit.cancellationPolicy}</span>
        {phone ? (
          <a href={phone.href} className="mt-1 block font-semibold text-slate-900 underline decoration-brand decoration-2 underline-offset-4" data-testid="clinic-phone">
            Call the clinic: {phone.display}
          </a>
        ) : null}
      </Row>
    </dl>
  );
}
