import { DoctorAvatar } from "./doctor-avatar";

export interface DoctorIntroView {
  name: string;
  specialty: string | null;
  bio: string | null;
  languages: string[];
  photoUrl: string | null;
  initials: string;
}

/** The top of a doctor's page, on the clinic's site and the marketplace alike: photo, name, specialty, languages, introduction. */
export function DoctorIntro({ doctor, children, aside }: { doctor: DoctorIntroView; children?: React.ReactNode; aside?: React.ReactNode }) {
  const paragraphs = (doctor.bio ?? "")
    .split(/\n{2,}/)
    .map((p) => p.trim())
    .filter(Boolean);
  return (
    <section className="card p-5 sm:p-8" aria-labelledby="doctor-name" data-testid="doctor-intro">
      <div className="flex flex-col gap-5 sm:flex-row sm:items-start">
        <DoctorAvatar name={doctor.name} initials={doctor.initials} photoUrl={doctor.photoUrl} size="lg" alt={doctor.photoUrl ? `Photo of ${doctor.name}` : ""} />
        <div className="min-w-0 flex-1">
          <div className="flex flex-wrap items-start justify-between gap-3">
            <div className="min-w-0">
              <h1 id="doctor-name" className="text-2xl font-bold tracking-tight text-slate-900 sm:text-3xl">
                {doctor.name}
              </h1>
              {doctor.specialty ? (
                <p className="mt-1 text-lg text-slate-700" data-testid="doctor-specialty">
                  {doctor.specialty}
                </p>
              ) : null}
            </div>
            {aside}
          </div>
          {doctor.languages.length ? (
            <div className="mt-3 flex flex-wrap items-center gap-1.5 text-sm">
              <span className="font-medium text-slate-700">Speaks</span>
              <ul className="flex flex-wrap gap-1.5" aria-label="Languages" data-testid="doctor-languages">
                {doctor.languages.map((l) => (
                  <li key={l} className="rounded-full bg-slate-100 px-2.5 py-0.5 font-medium text-slate-800 ring-1 ring-slate-200">
                    {l}
                  </li>
                ))}
              </ul>
            </div>
          ) : null}
          {children}
        </div>
      </div>
      {paragraphs.length ? (
        <div className="mt-5 max-w-3xl space-y-3 text-base leading-7 text-slate-700" data-testid="doctor-bio">
          {paragraphs.map((p) => (
            <p key={p} className="whitespace-pre-line">
              {p}
            </p>
          ))}
        </div>
      ) : null}
    </section>
  );
}
