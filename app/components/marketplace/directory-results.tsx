import { ClinicMark } from "~/components/clinic-mark";

/** A clinic found by a search, as its card shows it. */
export interface ClinicResultView {
  slug: string;
  name: string;
  tagline: string | null;
  city: string | null;
  specialties: string[];
  locationCount: number;
  logoUrl: string | null;
  /** Its page on the marketplace: services, doctors, locations. */
  url: string;
}

/** A doctor found by a search, as their card shows them. */
export interface DoctorResultView {
  id: string;
  name: string;
  specialty: string | null;
  clinic: { name: string; city: string | null };
  /** The first few services they offer, and how many more. */
  services: string[];
  moreServices: number;
  /** Their page on the marketplace, where they are booked. */
  url: string;
}

const cardLink = "after:absolute after:inset-0 after:rounded-2xl focus:outline-none";
const cardClass = "card group relative flex h-full flex-col p-5 transition-shadow focus-within:ring-2 focus-within:ring-brand hover:shadow-md";

/** Clinics whose name, city or specialty the search resembles; each card leads to the clinic's page. */
export function ClinicResults({ clinics }: { clinics: ClinicResultView[] }) {
  return (
    <section aria-labelledby="clinic-results-heading" className="mt-6" data-testid="clinic-results">
      <h3 id="clinic-results-heading" className="text-lg font-semibold text-slate-900">
        Clinics
      </h3>
      <ul className="mt-3 grid gap-4 sm:grid-cols-2 lg:grid-cols-3">
        {clinics.map((c) => (
          <li key={c.slug}>
            <article className={cardClass} data-testid="clinic-result">
              {/* A logo may carry the clinic's name and be wide: it gets a line of its own. */}
              <div className="flex flex-col gap-2">
                <ClinicMark name={c.name} logoUrl={c.logoUrl} size="sm" />
                <div className="min-w-0">
                  <h4 className="font-semibold text-slate-900">
                    {/* The whole card is the link; the stretched ::after keeps one tab stop per clinic. */}
                    <a href={c.url} className={cardLink}>
                      {c.name}
                    </a>
                  </h4>
                  <p className="text-sm text-slate-600">
                    {[c.city, `${c.locationCount} ${c.locationCount === 1 ? "location" : "locations"}`].filter(Boolean).join(" · ")}
                  </p>
                </div>
              </div>
              {c.tagline ? <p className="mt-3 text-sm leading-6 text-slate-700">{c.tagline}</p> : null}
              {c.specialties.length ? (
                <ul className="mt-3 flex flex-wrap gap-1.5" aria-label="Specialties">
                  {c.specialties.map((s) => (
                    <li key={s} className="rounded-full bg-slate-100 px-2.5 py-1 text-xs font-medium text-slate-700">
                      {s}
                    </li>
                  ))}
                </ul>
              ) : null}
            </article>
          </li>
        ))}
      </ul>
    </section>
  );
}

/** Doctors whose name or specialty the search resembles; each card leads to the doctor's page. */
export function DoctorResults({ doctors }: { doctors: DoctorResultView[] }) {
  return (
    <section aria-labelledby="doctor-results-heading" className="mt-6" data-testid="doctor-results">
      <h3 id="doctor-results-heading" className="text-lg font-semibold text-slate-900">
        Doctors
      </h3>
      <ul className="mt-3 grid gap-4 sm:grid-cols-2 lg:grid-cols-3">
        {doctors.map((d) => (
          <li key={d.id}>
            <article className={cardClass} data-testid="doctor-result">
              <div className="flex items-start gap-3">
                <span aria-hidden="true" className="flex h-10 w-10 shrink-0 items-center justify-center rounded-full bg-teal-100 text-sm font-semibold text-teal-900">
                  {initials(d.name)}
                </span>
                <div className="min-w-0">
                  <h4 className="font-semibold text-slate-900">
                    <a href={d.url} className={cardLink}>
                      {d.name}
                    </a>
                  </h4>
                  <p className="text-sm text-slate-600">{[d.specialty, d.clinic.name, d.clinic.city].filter(Boolean).join(" · ")}</p>
                </div>
              </div>
              {d.services.length ? (
                <p className="mt-3 text-sm text-slate-700">
                  <span className="font-medium text-slate-800">Offers: </span>
                  {d.services.join(", ")}
                  {d.moreServices ? ` and ${d.moreServices} more` : ""}
                </p>
              ) : null}
              <span aria-hidden="true" className="mt-auto pt-3 text-sm font-semibold text-teal-800 group-hover:underline">
                See times and book →
              </span>
            </article>
          </li>
        ))}
      </ul>
    </section>
  );
}

/** "Dr. Anjali Patel" → "AP": the name's first two words after a title. */
function initials(name: string): string {
  const words = name.split(/\s+/).filter((w) => w && !/^(dr|prof)\.?$/i.test(w));
  return words
    .slice(0, 2)
    .map((w) => w[0]!.toUpperCase())
    .join("");
}
