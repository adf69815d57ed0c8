import { Form, Link } from "@remix-run/react";
import { timeInZone, useTimesInOwnZone, ZoneToggle } from "./zone-toggle";
import { bookHref, timeAnchor, type Choice } from "~/modules/booking-flow/choice";
import type { BookingStep, Chosen } from "~/modules/booking-flow/flow.server";
import { OpenBadge } from "../open-badge";
import { MonthCalendar } from "./month-calendar";
import { Alert, ChoiceSummary, StepHeader } from "./step-header";

export interface ClinicPhone {
  id: string;
  name: string;
  phone: { display: string; href: string };
  openStateText: string;
  isOpen: boolean;
}

/** "Tell me if an earlier time frees up" on a day with no free time. */
export interface WaitlistOffer {
  signedIn: boolean;
  /** The patient already waits for a time this day would give (then no button, a link to manage it). */
  waiting: boolean;
  /** Joined just now: the page says so. */
  justJoined: boolean;
  signInHref: string;
}

function WaitlistCard({ offer, dayLabel, doctorName }: { offer: WaitlistOffer; dayLabel: string; doctorName: string | null }) {
  const who = doctorName ? `with ${doctorName}` : "with any doctor";
  if (offer.waiting) {
    return (
      <div className="card mt-4 p-5" role="status" data-testid="waitlist-joined">
        <h2 className="text-lg font-semibold text-slate-900">{offer.justJoined ? "You are on the waitlist" : "You are already on the waitlist"}</h2>
        <p className="mt-1 text-slate-700">
          If a time {who} on or before {dayLabel} frees up, we let you know at once, and you can book it from your account.
        </p>
        <a href="/account/requests" className="mt-3 inline-block font-semibold text-slate-900 underline decoration-brand decoration-2 underline-offset-4">
          See or withdraw your waitlist requests
        </a>
      </div>
    );
  }
  return (
    <section className="card mt-4 p-5" aria-labelledby="waitlist-heading" data-testid="waitlist-offer">
      <h2 id="waitlist-heading" className="text-lg font-semibold text-slate-900">
        Hoping for an earlier time?
      </h2>
      <p className="mt-1 text-slate-700">
        When someone cancels, we let you know of a free time {who} on or before {dayLabel}.
      </p>
      {offer.signedIn ? (
        <Form method="post" className="mt-3">
          <button type="submit" name="intent" value="waitlist" className="btn-primary min-h-12 w-full text-base sm:w-auto" data-testid="join-waitlist">
            Tell me if an earlier time frees up
          </button>
        </Form>
      ) : (
        <a href={offer.signInHref} className="btn-primary mt-3 min-h-12 w-full text-base sm:w-auto" data-testid="join-waitlist-sign-in">
          Sign in to be told if an earlier time frees up
        </a>
      )}
    </section>
  );
}

const optionCard = "card flex min-h-14 items-center justify-between gap-4 p-4 hover:border-brand hover:ring-2 hover:ring-brand/30 focus-visible:ring-2 sm:p-5";

function Chevron() {
  return (
    <svg viewBox="0 0 20 20" aria-hidden="true" className="h-5 w-5 shrink-0 fill-current text-slate-400">
      <path d="M7.3 4.3a1 1 0 0 1 1.4 0l5 5a1 1 0 0 1 0 1.4l-5 5a1 1 0 1 1-1.4-1.4L11.6 10 7.3 5.7a1 1 0 0 1 0-1.4Z" />
    </svg>
  );
}

/** The choice so far as links back to each step. */
function summaryParts(chosen: Chosen, choice: Choice) {
  const parts: { label: string; href?: string }[] = [{ label: `${chosen.service.name} · ${chosen.service.duration} · ${chosen.service.price}`, href: bookHref({ for: choice.for }) }];
  if (chosen.location) parts.push({ label: chosen.location.name, href: chosen.locationCount > 1 ? bookHref({ service: choice.service, for: choice.for }) : undefined });
  if (choice.doctor) parts.push({ label: chosen.doctor?.name ?? "Any doctor", href: bookHref({ service: choice.service, location: choice.location, for: choice.for }) });
  return parts;
}

export function BookingStepView({
  choice,
  step,
  phones,
  refusedMessage,
  waitlist = null,
}: {
  choice: Choice;
  step: BookingStep;
  phones: ClinicPhone[];
  refusedMessage: string | null;
  waitlist?: WaitlistOffer | null;
}) {
  // Hooks before the steps: only the times step has a clock to switch.
  const clinicZone = step.step === "time" ? step.timeZone : null;
  const zones = useTimesInOwnZone(clinicZone);
  switch (step.step) {
    case "service":
      return (
        <>
          <StepHeader backHref="/" backLabel="Home" title="Book an appointment">
            <p className="mt-2 text-slate-700">Choose what you would like to come in for.</p>
          </StepHeader>
          {step.groups.length === 0 ? <p className="card p-5 text-slate-700">There is nothing to book online right now. Please call us.</p> : null}
          {step.groups.map((g) => (
            <section key={g.category ?? "other"} aria-labelledby={`cat-${g.category ?? "other"}`} className="mb-6">
              <h2 id={`cat-${g.category ?? "other"}`} className="mb-3 text-sm font-semibold uppercase tracking-wide text-slate-600">
                {g.category ?? "Other services"}
              </h2>
              <ul className="space-y-3">
                {g.services.map((s) => (
                  <li key={s.id}>
                    <Link to={bookHref({ service: s.id, for: choice.for })} prefetch="intent" className={optionCard} data-testid="service-option">
                      <span className="min-w-0">
                        <span className="block text-base font-semibold text-slate-900">{s.name}</span>
                        {s.description ? <span className="mt-1 line-clamp-2 block text-sm text-slate-600">{s.description}</span> : null}
                        <span className="mt-2 flex flex-wrap gap-x-3 gap-y-1 text-sm text-slate-700">
                          <span>{s.duration}</span>
                          <span className="font-semibold text-slate-900">{s.price}</span>
                          {s.deposit ? <span>Deposit {s.deposit}</span> : <span>No deposit</span>}
                          {s.season ? <span className="text-amber-800">{s.season}</span> : null}
                        </span>
                        {s.discounts.length ? (
                          <span className="mt-2 flex flex-wrap gap-1.5" data-testid="service-discounts">
                            {s.discounts.map((d) => (
                              <span key={d} className="rounded-lg bg-emerald-50 px-2.5 py-0.5 text-xs font-semibold text-emerald-800 ring-1 ring-emerald-200">
                                {d}
                              </span>
                            ))}
                          </span>
                        ) : null}
                      </span>
                      <Chevron />
                    </Link>
                  </li>
                ))}
              </ul>
            </section>
          ))}
          {phones.length ? (
            <section aria-labelledby="call-heading" className="card mt-8 p-5" data-testid="call-clinic">
              <h2 id="call-heading" className="text-lg font-semibold text-slate-900">
                Prefer to call?
              </h2>
              <p className="mt-1 text-sm text-slate-600">The front desk can find a time with you.</p>
              <ul className="mt-4 space-y-3">
                {phones.map((p) => (
                  <li key={p.id} className="flex flex-wrap items-center justify-between gap-3" data-testid="call-location">
                    <span className="flex flex-col items-start gap-1">
                      <span className="font-medium text-slate-900">{p.name}</span>
                      <OpenBadge isOpen={p.isOpen} text={p.openStateText} />
                    </span>
                    <a href={p.phone.href} className="btn-secondary">
                      Call {p.phone.display}
                    </a>
                  </li>
                ))}
              </ul>
            </section>
          ) : null}
        </>
      );

    case "location":
      return (
        <>
          <StepHeader backHref="/book" backLabel="Services" title="Where would you like to be seen?">
            <ChoiceSummary parts={summaryParts(step.chosen, choice)} />
          </StepHeader>
          <ul className="space-y-3">
            {step.locations.map((l) => (
              <li key={l.id}>
                <Link to={bookHref({ service: choice.service, location: l.id, for: choice.for })} prefetch="intent" className={optionCard} data-testid="location-option">
                  <span>
                    <span className="block font-semibold text-slate-900">{l.name}</span>
                    <span className="mt-1 block text-sm text-slate-600">{l.address}</span>
                  </span>
                  <Chevron />
                </Link>
              </li>
            ))}
          </ul>
        </>
      );

    case "doctor":
      return (
        <>
          <StepHeader backHref={step.chosen.locationCount > 1 ? bookHref({ service: choice.service }) : "/book"} title="Who would you like to see?">
            <ChoiceSummary parts={summaryParts(step.chosen, choice)} />
          </StepHeader>
          <ul className="space-y-3">
            <li>
              <Link to={bookHref({ service: choice.service, location: choice.location, doctor: "any", for: choice.for })} prefetch="intent" className={optionCard} data-testid="doctor-option">
                <span>
                  <span className="block font-semibold text-slate-900">Any doctor</span>
                  <span className="mt-1 block text-sm text-slate-600">The most free times: we show every doctor who offers this visit.</span>
                </span>
                <Chevron />
              </Link>
            </li>
            {step.doctors.map((d) => (
              <li key={d.id}>
                <Link to={bookHref({ service: choice.service, location: choice.location, doctor: d.id, for: choice.for })} prefetch="intent" className={optionCard} data-testid="doctor-option">
                  <span>
                    <span className="block font-semibold text-slate-900">{d.name}</span>
                    {d.specialty ? <span className="mt-1 block text-sm text-slate-600">{d.specialty}</span> : null}
                  </span>
                  <Chevron />
                </Link>
              </li>
            ))}
          </ul>
        </>
      );

    case "day": {
      const base = { service: choice.service, location: choice.location, doctor: choice.doctor, for: choice.for };
      const anyFree = step.calendar.days.some((d) => d.freeTimes > 0);
      return (
        <>
          <StepHeader backHref={bookHref({ service: choice.service, location: choice.location })} title="Choose a day">
            <ChoiceSummary parts={summaryParts(step.chosen, choice)} />
          </StepHeader>
          {anyFree ? null : (
            <Alert tone="info">
              No free times in {step.monthLabel}.{" "}
              {step.canGoForward ? (
                <Link className="underline" to={bookHref({ ...base, month: step.calendar.next })} prefetch="intent">
                  Look at the next month
                </Link>
              ) : null}
            </Alert>
          )}
          <MonthCalendar
            calendar={step.calendar}
            monthLabel={step.monthLabel}
            canGoBack={step.canGoBack}
            canGoForward={step.canGoForward}
            dayHref={(day) => bookHref({ ...base, day })}
            monthHref={(month) => bookHref({ ...base, month })}
          />
          {step.calendar.days.some((d) => d.full) ? (
            <p className="mt-3 text-sm text-slate-600" data-testid="full-days-note">
              Days with a hollow dot are fully booked: open one to be told if a time frees up.
            </p>
          ) : null}
          <p className="mt-3 text-sm text-slate-600">Times are on the clinic&apos;s clock ({step.zone}).</p>
        </>
      );
    }

    case "time": {
      const base = { service: choice.service, location: choice.location, doctor: choice.doctor, for: choice.for };
      return (
        <>
          <StepHeader backHref={bookHref({ ...base, month: step.day.slice(0, 7) })} backLabel="Other days" title={step.dayLabel}>
            <ChoiceSummary parts={summaryParts(step.chosen, choice)} />
          </StepHeader>
          {refusedMessage ? <Alert tone="error">{refusedMessage}</Alert> : null}
          <ZoneToggle clinicZone={step.timeZone} ownZone={zones.ownZone} mine={zones.mine} onChange={zones.choose} />
          <p className="mb-3 text-sm text-slate-700" data-testid="time-zone">
            {zones.mine && zones.ownZone ? `Times in ${zones.ownZone}, your own clock; the clinic's is ${step.zone}.` : `Times in ${step.zone}.`}
          </p>
          {step.times.length === 0 ? (
            <>
              <p className="card p-5 text-slate-700" data-testid="day-full">
                No free times left on this day.{" "}
                <Link className="font-semibold underline" to={bookHref({ ...base, month: step.day.slice(0, 7) })} prefetch="intent">
                  Choose another day
                </Link>
              </p>
              {waitlist ? <WaitlistCard offer={waitlist} dayLabel={step.dayLabel} doctorName={step.chosen.doctor?.name ?? null} /> : null}
            </>
          ) : (
            <ul className="grid grid-cols-2 gap-3 sm:grid-cols-4" aria-label={`Free times on ${step.dayLabel}`}>
              {step.times.map((t, i) => (
                // A free time linked from the clinic's pages lands here, outlined (the first of a start has the id).
                <li key={`${t.start}-${t.practitionerId}`} id={step.times[i - 1]?.start === t.start ? undefined : timeAnchor(t.start)} className="scroll-mt-24 rounded-lg target:ring-4 target:ring-brand target:ring-offset-2">
                  {/* Not `replace`: Back from the review comes back to these times (and lets the held one go). */}
                  <Form method="post">
                    <input type="hidden" name="start" value={t.start} />
                    <input type="hidden" name="practitioner" value={t.practitionerId} />
                    <button type="submit" className="btn-secondary min-h-12 w-full flex-col gap-0 text-base hover:border-brand" data-testid="time-option">
                      <span data-testid="time-label">{zones.mine && zones.ownZone ? timeInZone(t.start, zones.ownZone, step.timeZone) : t.label}</span>
                      {t.doctorName ? <span className="text-xs font-normal text-slate-600">{t.doctorName}</span> : null}
                      {t.discount ? (
                        <span className="text-xs font-semibold text-emerald-800" data-testid="time-discount">
                          {t.discount}
                        </span>
                      ) : null}
                    </button>
                  </Form>
                </li>
              ))}
            </ul>
          )}
          <p className="mt-4 text-sm text-slate-600">Choosing a time holds it for you for {step.holdMinutes} minutes while you check the details.</p>
        </>
      );
    }
  }
}
