import { Form, Link } from "@remix-run/react";

export interface PickerPatient {
  id: string;
  name: string;
  phoneDisplay: string;
  age: number | null;
}

/**
 * Finding the patient on the desk's one-step pages (series, walk-in, squeeze): a search by phone or
 * name; each result links back to the page with `patient` set and the other fields kept.
 */
export function PatientPicker({ search, keep, heading = "Find the patient", newPatientLink }: {
  search: { text: string; error: string | null; results: PickerPatient[] } | null;
  /** The page's other query fields, carried through the search and the choice. */
  keep: Record<string, string | undefined>;
  heading?: string;
  newPatientLink?: string;
}) {
  const hidden = Object.entries(keep).filter((e): e is [string, string] => Boolean(e[1]));
  const choose = (id: string) => `?${new URLSearchParams([...hidden, ["patient", id]]).toString()}`;
  return (
    <section className="card p-5" aria-labelledby="picker-title">
      <h2 id="picker-title" className="text-lg font-semibold text-slate-900">
        {heading}
      </h2>
      <Form method="get" className="mt-3" role="search">
        {hidden.map(([k, v]) => (
          <input key={k} type="hidden" name={k} value={v} />
        ))}
        <label htmlFor="picker-q" className="field-label">
          Phone number or name
        </label>
        <div className="mt-1 flex flex-wrap gap-2">
          <input id="picker-q" name="q" type="search" defaultValue={search?.text ?? ""} className="field-input mt-0 min-h-11 max-w-md" autoComplete="off" aria-invalid={search?.error ? true : undefined} aria-describedby={search?.error ? "picker-q-error" : undefined} />
          <button type="submit" className="btn-primary min-h-11 px-4">
            Search
          </button>
        </div>
        {search?.error ? (
          <p id="picker-q-error" className="field-error">
            {search.error}
          </p>
        ) : null}
      </Form>
      {search && !search.error ? (
        search.results.length ? (
          <ul className="mt-4 divide-y divide-slate-100" data-testid="patient-results">
            {search.results.map((p) => (
              <li key={p.id} className="flex flex-wrap items-center justify-between gap-3 py-2">
                <span>
                  <span className="block font-medium text-slate-900">{p.name}</span>
                  <span className="block text-sm tabular-nums text-slate-600">
                    {p.phoneDisplay}
                    {p.age !== null ? ` · age ${p.age}` : ""}
                  </span>
                </span>
                <Link to={choose(p.id)} className="btn-secondary min-h-11 px-4" aria-label={`Choose ${p.name}`}>
                  Choose
                </Link>
              </li>
            ))}
          </ul>
        ) : (
          <p className="mt-4 text-sm text-slate-700" data-testid="no-patients">
            No patient of this clinic matches “{search.text}”.{" "}
            {newPatientLink ? (
              <Link to={newPatientLink} className="font-semibold text-brand underline">
                Add a new patient
              </Link>
            ) : null}
          </p>
        )
      ) : null}
    </section>
  );
}
