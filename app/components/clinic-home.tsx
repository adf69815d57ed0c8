import type { ClinicHomeOffer, SiteDoctor } from "~/modules/booking-flow/site-offer.server";
import type { LocationView } from "~/modules/clinic/locations.server";
import type { ViewerSummary } from "~/root";
import { ClinicHeader } from "./clinic-header";
import { DoctorAvatar } from "./doctor-avatar";
import { DraftBanner } from "./draft-banner";
import { LocationCard } from "./location-card";
import { ServiceOffer } from "./service-offer";
import { SiteFooter } from "./site-footer";
import { TimeZoneNote } from "./time-zone-note";

export interface ClinicHomeProps {
  clinic: {
    name: string;
    tagline: string | null;
    description: string | null;
    status: "draft" | "live" | "suspended";
    timeZone: string;
    logoUrl: string | null;
    contactPhone: { display: string; href: string } | null;
    contactEmail: string | null;
    website: string | null;
  };
  locations: LocationView[];
  offer: ClinicHomeOffer;
  viewer: ViewerSummary;
  marketplaceUrl: string;
}

function websiteLabel(url: string) {
  return url.replace(/^https?:\/\//, "").replace(/\/$/, "");
}

export function ClinicHome({ clinic, locations, offer, viewer, marketplaceUrl }: ClinicHomeProps) {
  const paragraphs = (clinic.description ?? "")
    .split(/\n{2,}/)
    .map((p) => p.trim())
    .filter(Boolean);
  // Only web addresses become links: a stored "javascript:" URL must never be clickable.
  const website = clinic.website && /^https?:\/\//i.test(clinic.website) ? clinic.website : null;
  const hasContacts = clinic.contactPhone || clinic.contactEmail || website;
  return (
    <div className="flex min-h-screen flex-col">
      {clinic.status === "draft" ? <DraftBanner /> : null}
      <ClinicHeader name={clinic.name} logoUrl={clinic.logoUrl} viewer={viewer} />

      <main id="main" className="flex-1">
        <ClinicHero name={clinic.name} tagline={clinic.tagline} contactPhone={clinic.contactPhone} />

        <div className="mx-auto grid max-w-6xl gap-10 px-4 py-12 sm:px-6 lg:grid-cols-3">
          <div className="lg:col-span-2">
            {paragraphs.length ? (
              <section aria-labelledby="about-heading">
                <h2 id="about-heading" className="text-2xl font-bold tracking-tight text-slate-900">
                  About us
                </h2>
                <div className="mt-4 space-y-4 text-base leading-7 text-slate-700">
                  {paragraphs.map((p) => (
                    <p key={p}>{p}</p>
                  ))}
                </div>
              </section>
            ) : null}

            {offer.services.length ? (
              <section aria-labelledby="services-heading" className={paragraphs.length ? "mt-12" : ""}>
                <h2 id="services-heading" className="text-2xl font-bold tracking-tight text-slate-900">
                  Services and prices
                </h2>
                <p className="mt-2 text-slate-700">Choose a time to book it, or see every day with free times.</p>
                <TimeZoneNote timeZone={clinic.timeZone} />
                <ul className="mt-6 space-y-3" data-testid="home-services">
                  {offer.services.map((s) => (
                    <ServiceOffer key={s.id} service={s} horizonDays={offer.horizonDays} />
                  ))}
                </ul>
              </section>
            ) : null}

            {offer.doctors.length ? (
              <section aria-labelledby="doctors-heading" className="mt-12">
                <h2 id="doctors-heading" className="scroll-mt-6 text-2xl font-bold tracking-tight text-slate-900">
                  Our doctors
                </h2>
                <ul className="mt-6 grid gap-3 sm:grid-cols-2" data-testid="home-doctors">
                  {offer.doctors.map((d) => (
                    <DoctorCard key={d.id} doctor={d} />
                  ))}
                </ul>
              </section>
            ) : null}

            <section aria-labelledby="locations-heading" className={paragraphs.length || offer.services.length || offer.doctors.length ? "mt-12" : ""}>
              <h2 id="locations-heading" className="text-2xl font-bold tracking-tight text-slate-900">
                {locations.length === 1 ? "Where to find us" : "Our locations"}
              </h2>
              <TimeZoneNote timeZone={clinic.timeZone} />
              {locations.length ? (
                <div className="mt-6 grid gap-6 md:grid-cols-2">
                  {locations.map((l) => (
                    <LocationCard key={l.id} location={l} />
                  ))}
                </div>
              ) : (
                <p className="card mt-6 p-5 text-slate-700">Our address will appear here soon. Please call us for directions.</p>
              )}
            </section>
          </div>

          <aside aria-labelledby="contact-heading" className="lg:pt-1">
            <div className="card p-6 lg:sticky lg:top-6">
              <h2 id="contact-heading" className="text-lg font-semibold text-slate-900">
                Contact
              </h2>
              {hasContacts ? (
                <dl className="mt-4 space-y-4 text-sm">
                  {clinic.contactPhone ? (
                    <div>
                      <dt className="font-medium text-slate-600">Phone</dt>
                      <dd className="mt-0.5">
                        <a href={clinic.contactPhone.href} className="text-base font-semibold text-slate-900 underline decoration-brand decoration-2 underline-offset-4">
                          {clinic.contactPhone.display}
                        </a>
                      </dd>
                    </div>
                  ) : null}
                  {clinic.contactEmail ? (
                    <div>
                      <dt className="font-medium text-slate-600">Email</dt>
                      <dd className="mt-0.5 break-all">
                        <a href={`mailto:${clinic.contactEmail}`} className="text-base font-semibold text-slate-900 underline decoration-brand decoration-2 underline-offset-4">
                          {clinic.contactEmail}
                        </a>
                      </dd>
                    </div>
                  ) : null}
                  {website ? (
                    <div>
                      <dt className="font-medium text-slate-600">Website</dt>
                      <dd className="mt-0.5 break-all">
                        <a href={website} rel="noopener noreferrer" className="text-base font-semibold text-slate-900 underline decoration-brand decoration-2 underline-offset-4">
                          {websiteLabel(website)}
                        </a>
                      </dd>
                    </div>
                  ) : null}
                </dl>
              ) : (
                <p className="mt-4 text-sm text-slate-700">See how to book a visit with us.</p>
              )}
              <a href="/book" className="btn-primary mt-6 w-full">
                Book an appointment
              </a>
            </div>
          </aside>
        </div>
      </main>

      <SiteFooter marketplaceUrl={marketplaceUrl} clinicName={clinic.name} />
    </div>
  );
}

/** The top of the clinic's home page: its name, tagline and the way to book. The owner's live preview shows the same. */
export function ClinicHero({ name, tagline, contactPhone, headingLevel = 1 }: { name: string; tagline: string | null; contactPhone: { display: string; href: string } | null; headingLevel?: 1 | 2 }) {
  const Heading = headingLevel === 1 ? "h1" : "h2";
  return (
    <section className="bg-brand-soft">
      <div className="mx-auto max-w-6xl px-4 py-12 sm:px-6 sm:py-16">
        <Heading className="text-3xl font-bold tracking-tight text-slate-900 sm:text-5xl">{name}</Heading>
        {tagline ? <p className="mt-3 max-w-2xl text-lg text-slate-700 sm:text-xl">{tagline}</p> : null}
        <div className="mt-8 flex flex-col gap-3 sm:flex-row sm:items-center">
          {/* Booking is its own page; a plain link keeps this page free of its code. */}
          <a href="/book" className="btn-primary px-6 py-3.5 text-base shadow-sm" data-testid="book-link">
            Book an appointment
            <svg viewBox="0 0 20 20" aria-hidden="true" className="h-5 w-5 fill-current">
              <path d="M7.3 4.3a1 1 0 0 1 1.4 0l5 5a1 1 0 0 1 0 1.4l-5 5a1 1 0 1 1-1.4-1.4L11.6 10 7.3 5.7a1 1 0 0 1 0-1.4Z" />
            </svg>
          </a>
          {contactPhone ? (
            <a href={contactPhone.href} className="btn-secondary px-6 py-3.5 text-base">
              Call {contactPhone.display}
            </a>
          ) : null}
        </div>
      </div>
    </section>
  );
}

/** A doctor on the home page: photo or initials, name, specialty and languages, leading to their page. */
function DoctorCard({ doctor }: { doctor: SiteDoctor }) {
  return (
    <li className="card relative flex items-center gap-4 p-4 focus-within:ring-2 focus-within:ring-brand hover:border-brand/50" data-testid="home-doctor">
      <DoctorAvatar name={doctor.name} initials={doctor.initials} photoUrl={doctor.photoUrl} size="sm" />
      <div className="min-w-0">
        <h3 className="font-semibold text-slate-900">
          {/* The whole card is the link's target; the name is its text. */}
          <a href={doctor.href} className="after:absolute after:inset-0 after:rounded-2xl focus:outline-none" data-testid="doctor-link">
            {doctor.name}
          </a>
        </h3>
        {doctor.specialty ? <p className="text-sm text-slate-700">{doctor.specialty}</p> : null}
        {doctor.languages.length ? <p className="mt-0.5 text-sm text-slate-600">Speaks {doctor.languages.join(", ")}</p> : null}
      </div>
    </li>
  );
}
