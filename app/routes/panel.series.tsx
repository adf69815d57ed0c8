import { data, redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation, type ShouldRevalidateFunction } from "@remix-run/react";
import { z } from "zod";
import { Answer } from "~/components/desk-ui";
import { PatientPicker } from "~/components/desk-patient-picker";
import { PanelHeading } from "~/components/panel-shell";
import { firstFieldError } from "~/lib/form-errors";
import { formatLocalDay } from "~/lib/format";
import { addDays, utcToZoned } from "~/lib/zoned-time";
import { requireStaff } from "~/modules/auth/guards.server";
import { deskResources } from "~/modules/front-desk/desk-appointments.server";
import { deskPatientLookup } from "~/modules/front-desk/patient-lookup.server";
import { cancelRestOfSeries, MAX_SERIES_VISITS, previewSeries, saveSeries, seriesPattern, type SeriesPreview } from "~/modules/front-desk/series.server";
import { WEEKDAY_WORDS } from "~/modules/front-desk/outside-schedule-words";
import { ValidationError } from "~/utils/errors.server";
import { readFormWithLists } from "~/utils/forms.server";

export const meta: MetaFunction = () => [{ title: "Book a series · Staff panel" }];

const text = z.string().max(80).optional().catch(undefined);
const pageQuery = z.object({ q: text, patient: z.string().uuid().optional().catch(undefined) });
const PATTERN_FIELDS = ["patient", "dependent", "service", "doctor", "location", "first", "time", "repeat", "every", "count", "until"] as const;

/** The pattern as typed (query or form), with the ticked weekdays as a list. */
function patternInput(get: (k: string) => string | null, weekdays: string[]) {
  const input: Record<string, string | string[]> = { weekdays };
  for (const k of PATTERN_FIELDS) {
    const v = get(k);
    if (v !== null) input[k] = v.slice(0, 80);
  }
  return input;
}

export async function loader({ request, context }: LoaderFunctionArgs) {
  const { actor, clinic, db } = await requireStaff(request, context, "book");
  const url = new URL(request.url);
  const q = pageQuery.parse(Object.fromEntries(url.searchParams));
  const { search, patient } = await deskPatientLookup(db, clinic, q, actor);
  const resources = await db.tx((tx) => deskResources(tx, clinic.id));
  const today = utcToZoned(new Date(), clinic.timeZone).date;
  const typed = patternInput((k) => url.searchParams.get(k), url.searchParams.getAll("weekdays"));
  let preview: SeriesPreview | null = null;
  let problem: { field: string; message: string } | null = null;
  if (patient && url.searchParams.has("service")) {
    const parsed = seriesPattern.safeParse(typed);
    if (!parsed.success) problem = firstFieldError(parsed.error);
    else {
      try {
        preview = await previewSeries(db, clinic, parsed.data, new Map(resources.doctors.map((d) => [d.id, d.name])));
      } catch (error) {
        if (!(error instanceof ValidationError)) throw error;
        problem = { field: error.errors[0]?.path ?? "", message: error.message };
      }
    }
  }
  return {
    search,
    patient,
    typed,
    defaults: { first: addDays(today, 1), time: "10:00", repeat: "weekdays", count: "12" },
    today,
    preview,
    problem,
    firstWords: typeof typed.first === "string" && /^\d{4}-\d{2}-\d{2}$/.test(typed.first) ? formatLocalDay(typed.first) : null,
    services: resources.services.map((s) => ({ id: s.id, name: s.name })),
    doctors: resources.doctors.filter((d) => d.workStatus !== "inactive").map((d) => ({ id: d.id, name: d.name })),
    locations: resources.locations,
    maxVisits: MAX_SERIES_VISITS,
  };
}

type SeriesActionAnswer = { ok: false; message: string; field?: string };

export async function action({ request, context }: ActionFunctionArgs) {
  const { actor, clinic, db } = await requireStaff(request, context, "book");
  const form = await readFormWithLists(request, ["weekdays"]);
  const one = (k: string) => (typeof form[k] === "string" ? (form[k] as string) : null);
  if (one("intent") === "cancel-rest") {
    const id = one("appointmentId") ?? "";
    const answer = await cancelRestOfSeries(db, clinic, form, actor);
    const back = /^[0-9a-f-]{36}$/i.test(id) ? `/panel/appointments/${id}` : "/panel/desk";
    return redirect(`${back}?${answer.ok ? "done" : "seriesError"}=${encodeURIComponent(answer.message)}`);
  }
  const weekdays = Array.isArray(form.weekdays) ? form.weekdays.map(String) : [];
  const parsed = seriesPattern.safeParse(patternInput(one, weekdays));
  if (!parsed.success) return data<SeriesActionAnswer>({ ok: false, ...firstFieldError(parsed.error) }, { status: 400 });
  const picks: Record<string, string> = {};
  for (const [k, v] of Object.entries(form)) if (k.startsWith("pick.") && typeof v === "string") picks[k.slice(5)] = v.slice(0, 120);
  const answer = await saveSeries(db, clinic, parsed.data, picks, actor);
  if (answer.ok) return redirect(`/panel/appointments/${answer.booked[0]!.id}?done=${encodeURIComponent(answer.message)}`);
  return data<SeriesActionAnswer>({ ok: false, message: answer.message, field: answer.field }, { status: answer.kind === "taken" ? 409 : 422 });
}

/**
 * A refused save (a time taken meanwhile answers 409) must check the list again: the page's preview
 * comes from the loader, which a 4xx answer does not re-run by default.
 */
export const shouldRevalidate: ShouldRevalidateFunction = ({ formMethod, defaultShouldRevalidate }) => (formMethod?.toUpperCase() === "POST" ? true : defaultShouldRevalidate);

export default function BookSeries() {
  const d = useLoaderData<typeof loader>();
  const answer = useActionData() as SeriesActionAnswer | undefined;
  const nav = useNavigation();
  const busy = nav.state !== "idle";
  const typed = d.typed as Record<string, string | string[] | undefined>;
  const value = (k: string, fallback = "") => (typeof typed[k] === "string" ? (typed[k] as string) : fallback);
  const ticked = Array.isArray(typed.weekdays) ? typed.weekdays : [];
  const hasPattern = Boolean(typed.service);
  return (
    <>
      <PanelHeading title="Book a series">
        <p>A course of visits in one go, e.g. twice a week for six weeks. Every visit is checked against the real schedule before anything is booked.</p>
      </PanelHeading>
      {answer && !answer.ok ? <Answer answer={answer} /> : null}
      {!d.patient ? (
        <PatientPicker search={d.search} keep={{}} newPatientLink="/panel/book" />
      ) : (
        <>
          <section className="card mb-4 flex flex-wrap items-center justify-between gap-3 p-4" aria-label="Patient" data-testid="chosen-patient">
            <span>
              <span className="block font-semibold text-slate-900">{d.patient.name}</span>
              <span className="block text-sm text-slate-600">{d.patient.phoneDisplay}</span>
            </span>
            <Link to="/panel/series" className="btn-secondary min-h-11 px-4">
              Another patient
            </Link>
          </section>
          <Form method="get" className="card grid gap-4 p-5 sm:grid-cols-2 lg:grid-cols-4" aria-label="Series pattern" data-testid="series-pattern">
            <input type="hidden" name="patient" value={d.patient.id} />
            {d.patient.dependents.length ? (
              <div className="sm:col-span-2 lg:col-span-4">
                <label htmlFor="dependent" className="field-label">
                  The visits are for
                </label>
                <select id="dependent" name="dependent" defaultValue={value("dependent")} className="field-input min-h-11">
                  <option value="">{d.patient.name} (account holder)</option>
                  {d.patient.dependents.map((x) => (
                    <option key={x.id} value={x.id}>
                      {x.name} ({x.relationship})
                    </option>
                  ))}
                </select>
              </div>
            ) : null}
            <Select id="service" label="Service" value={value("service")} options={d.services} />
            <Select id="doctor" label="Doctor" value={value("doctor")} options={d.doctors} />
            <Select id="location" label="Location" value={value("location", d.locations.length === 1 ? d.locations[0]!.id : "")} options={d.locations} />
            <div>
              <label htmlFor="time" className="field-label">
                Time (clinic time)
              </label>
              <input id="time" name="time" type="time" step={300} required defaultValue={value("time", d.defaults.time)} className="field-input min-h-11" />
            </div>
            <div>
              <label htmlFor="first" className="field-label">
                First visit on or after
              </label>
              <input id="first" name="first" type="date" min={d.today} required defaultValue={value("first", d.defaults.first)} className="field-input min-h-11" />
            </div>
            <div>
              <label htmlFor="repeat" className="field-label">
                Repeat
              </label>
              <select id="repeat" name="repeat" defaultValue={value("repeat", d.defaults.repeat)} className="field-input min-h-11">
                <option value="weekdays">On the weekdays ticked</option>
                <option value="days">Every N days</option>
                <option value="weeks">Every N weeks</option>
              </select>
            </div>
            <div>
              <label htmlFor="every" className="field-label">
                N (for every N days or weeks)
              </label>
              <input id="every" name="every" type="number" min={1} max={30} defaultValue={value("every")} className="field-input min-h-11" />
            </div>
            <fieldset className="sm:col-span-2 lg:col-span-4">
              <legend className="field-label">Weekdays</legend>
              <div className="mt-1 flex flex-wrap gap-2">
                {WEEKDAY_WORDS.map((w, i) => (
                  <label key={w} className="flex min-h-11 cursor-pointer items-center gap-2 rounded-lg border border-slate-300 bg-white px-3 text-sm has-[:checked]:border-brand has-[:checked]:bg-brand-soft has-[:focus-visible]:ring-2 has-[:focus-visible]:ring-brand">
                    <input type="checkbox" name="weekdays" value={String(i + 1)} defaultChecked={ticked.includes(String(i + 1))} className="h-4 w-4" />
                    {w}
                  </label>
                ))}
              </div>
            </fieldset>
            <div>
              <label htmlFor="count" className="field-label">
                Number of visits
              </label>
              <input id="count" name="count" type="number" min={1} max={d.maxVisits} defaultValue={value("count", hasPattern ? "" : d.defaults.count)} className="field-input min-h-11" />
            </div>
            <div>
              <label htmlFor="until" className="field-label">
                Or until (last day)
              </label>
              <input id="until" name="until" type="date" min={d.today} defaultValue={value("until")} className="field-input min-h-11" />
            </div>
            <div className="flex items-end sm:col-span-2">
              <button type="submit" className="btn-primary min-h-11 px-5">
                {nav.state === "loading" ? "Checking…" : "Check the visits"}
              </button>
            </div>
            {d.problem ? (
              <p role="alert" className="field-error sm:col-span-2 lg:col-span-4" data-testid="series-problem">
                {d.problem.message}
              </p>
            ) : null}
          </Form>
          {d.preview ? <PreviewList d={d} preview={d.preview} busy={busy} /> : hasPattern ? null : <p className="mt-4 text-sm text-slate-700">Choose the service, doctor and repeat, then check the visits.</p>}
        </>
      )}
    </>
  );
}

type SeriesData = ReturnType<typeof useLoaderData<typeof loader>>;

function PreviewList({ d, preview, busy }: { d: SeriesData; preview: SeriesPreview; busy: boolean }) {
  const typed = d.typed as Record<string, string | string[] | undefined>;
  if (!preview.occurrences.length) return <p className="mt-4 text-sm text-slate-700">No dates match this repeat. Check the weekdays and the end date.</p>;
  return (
    <Form method="post" className="card mt-4 p-5" aria-labelledby="preview-title" data-testid="series-preview">
      {Object.entries(typed).flatMap(([k, v]) => (Array.isArray(v) ? v.map((one) => <input key={`${k}-${one}`} type="hidden" name={k} value={one} />) : v ? [<input key={k} type="hidden" name={k} value={v} />] : []))}
      <h2 id="preview-title" className="text-lg font-semibold text-slate-900">
        {preview.occurrences.length} visits{d.firstWords ? ` from ${d.firstWords}` : ""}
        {preview.conflicts ? ` · ${preview.conflicts} need${preview.conflicts === 1 ? "s" : ""} another time` : " · all free"}
      </h2>
      <ol className="mt-3 divide-y divide-slate-100">
        {preview.occurrences.map((o) => (
          <li key={o.n} className="py-3" data-testid={`occurrence-${o.n}`}>
            <fieldset>
              <legend className="flex flex-wrap items-center gap-2 text-sm">
                <span className="font-semibold tabular-nums text-slate-900">
                  {o.n}. {o.label}
                </span>
                {o.free ? <span className="rounded-full bg-emerald-50 px-2 py-0.5 text-xs font-semibold text-emerald-900 ring-1 ring-emerald-200">Free</span> : <span className="rounded-full bg-amber-50 px-2 py-0.5 text-xs font-semibold text-amber-950 ring-1 ring-amber-300">{o.problem}</span>}
              </legend>
              <div className="mt-2 flex flex-wrap gap-2">
                {o.free ? <Pick name={`pick.${o.n}`} value={o.value} label="Keep this time" checked /> : null}
                {o.alternatives.map((a) => (
                  <Pick key={a.value} name={`pick.${o.n}`} value={a.value} label={`${a.label} · ${a.doctorName}`} />
                ))}
                <Pick name={`pick.${o.n}`} value="skip" label="Skip this visit" />
              </div>
              {!o.free && !o.alternatives.length ? <p className="mt-1 text-sm text-slate-700">No free time nearby: skip this visit, or book it separately.</p> : null}
            </fieldset>
          </li>
        ))}
      </ol>
      <button type="submit" name="intent" value="save" className="btn-primary mt-4 min-h-11 px-5" disabled={busy}>
        {busy ? "Booking…" : "Book the series"}
      </button>
    </Form>
  );
}

function Pick({ name, value, label, checked }: { name: string; value: string; label: string; checked?: boolean }) {
  return (
    <label className="flex min-h-11 cursor-pointer items-center gap-2 rounded-lg border border-slate-300 bg-white px-3 text-sm has-[:checked]:border-brand has-[:checked]:bg-brand-soft has-[:focus-visible]:ring-2 has-[:focus-visible]:ring-brand">
      <input type="radio" name={name} value={value} defaultChecked={checked} required className="h-4 w-4" />
      <span className="tabular-nums">{label}</span>
    </label>
  );
}

function Select({ id, label, value, options }: { id: string; label: string; value: string; options: { id: string; name: string }[] }) {
  return (
    <div>
      <label htmlFor={id} className="field-label">
        {label}
      </label>
      <select id={id} name={id} defaultValue={value} required className="field-input min-h-11">
        <option value="">Choose…</option>
        {options.map((o) => (
          <option key={o.id} value={o.id}>
            {o.name}
          </option>
        ))}
      </select>
    </div>
  );
}
