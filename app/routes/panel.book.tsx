import { data, redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { z } from "zod";
import { Answer } from "~/components/desk-ui";
import { PanelHeading } from "~/components/panel-shell";
import { requireStaff } from "~/modules/auth/guards.server";
import { formatDuration, formatLocalDay, formatShortDate } from "~/lib/format";
import { deskResources } from "~/modules/front-desk/desk-appointments.server";
import {
  bookByPhone,
  createPhonePatient,
  findPhonePatients,
  freeTimesOfDay,
  patientSearchQuery,
  PHONE_BOOKING_NOTE_MAX_LENGTH,
  phoneBookingForm,
  phonePatient,
  setPatientDateOfBirth,
  slotValue,
  type BookingWarning,
  type PhonePatient,
  type SlotOption,
} from "~/modules/front-desk/phone-booking.server";
import { RELATIONSHIP_OPTIONS } from "~/modules/patient-account/relationships";
import { MERGE_UNDO_DAYS, mergePatients, recentMerges, undoPatientMerge } from "~/modules/patients/patient-merge.server";
import { addDays, utcToZoned, LOCAL_DATE_PATTERN } from "~/lib/zoned-time";
import { NotFoundError } from "~/utils/errors.server";
import { echoFields, readForm } from "~/utils/forms.server";
import { firstMessage } from "~/lib/form-errors";

export const meta: MetaFunction = () => [{ title: "Book by phone · Staff panel" }];

const uuid = z.string().uuid();
const pageQuery = z.object({
  q: z.string().max(80).optional().catch(undefined),
  patient: uuid.optional().catch(undefined),
  dependent: uuid.optional().catch(undefined),
  service: uuid.optional().catch(undefined),
  doctor: uuid.optional().catch(undefined),
  location: uuid.optional().catch(undefined),
  day: z.string().regex(LOCAL_DATE_PATTERN).optional().catch(undefined),
  new: z.literal("1").optional().catch(undefined),
  /** A search for a duplicate of the chosen patient, to merge. */
  dup: z.string().max(80).optional().catch(undefined),
  merged: z.enum(["1", "undone"]).optional().catch(undefined),
});

export async function loader({ request, context }: LoaderFunctionArgs) {
  const { actor, clinic, db: clinicDb } = await requireStaff(request, context, "book");
  const q = pageQuery.parse(Object.fromEntries(new URL(request.url).searchParams));
  const now = new Date();
  const resources = await clinicDb.tx((tx) => deskResources(tx, clinic.id));
  const names = new Map(resources.doctors.map((d) => [d.id, d.name]));
  const today = utcToZoned(now, clinic.timeZone).date;
  const day = q.day && q.day >= today ? q.day : today;

  let search: { text: string; error: string | null; results: Awaited<ReturnType<typeof findPhonePatients>> } | null = null;
  if (q.q !== undefined && !q.patient) {
    const text = patientSearchQuery.safeParse(q.q);
    search = text.success ? { text: text.data, error: null, results: await findPhonePatients(clinicDb, clinic, text.data, actor) } : { text: q.q, error: firstMessage(text.error, "Check the search."), results: [] };
  }
  let patient = null;
  if (q.patient) {
    try {
      patient = await phonePatient(clinicDb, clinic, q.patient, actor);
    } catch (error) {
      if (error instanceof NotFoundError) throw new Response("Not found", { status: 404 });
      throw error;
    }
  }
  let duplicates: { text: string; error: string | null; results: PhonePatient[] } | null = null;
  let merges: { id: string; mergedName: string; mergedPhone: string; undoUntil: string }[] = [];
  if (patient) {
    const chosen = patient;
    if (q.dup !== undefined) {
      const text = patientSearchQuery.safeParse(q.dup);
      duplicates = text.success
        ? { text: text.data, error: null, results: (await findPhonePatients(clinicDb, clinic, text.data, actor)).filter((p) => p.id !== chosen.id) }
        : { text: q.dup, error: firstMessage(text.error, "Check the search."), results: [] };
    }
    merges = (await clinicDb.tx((tx) => recentMerges(tx, clinic, chosen.id, now)))
      .filter((m) => m.canUndo)
      .map((m) => ({ id: m.id, mergedName: m.mergedName, mergedPhone: m.mergedPhone, undoUntil: formatLocalDay(utcToZoned(m.undoUntil, clinic.timeZone).date) }));
  }
  const service = resources.services.find((s) => s.id === q.service) ?? null;
  const times: SlotOption[] = patient && service ? await freeTimesOfDay(clinicDb, clinic, { serviceId: service.id, practitionerId: q.doctor ?? null, locationId: q.location ?? null, day }, names, now) : [];
  return {
    q,
    day,
    today,
    dayTitle: formatLocalDay(day),
    previousDay: day > today ? addDays(day, -1) : null,
    nextDay: addDays(day, 1),
    search,
    patient,
    duplicates,
    merges,
    undoDays: MERGE_UNDO_DAYS,
    service: service ? { ...service, duration: formatDuration(service.durationMin) } : null,
    times: times.map((t) => ({ ...t, value: slotValue(t), locationName: resources.locations.find((l) => l.id === t.locationId)?.name ?? "" })),
    services: resources.services.map((s) => ({ id: s.id, name: s.name, requiresApproval: s.requiresApproval, deposit: s.depositKind !== "none" })),
    doctors: resources.doctors.filter((d) => d.workStatus !== "inactive").map((d) => ({ id: d.id, name: d.name })),
    locations: resources.locations,
  };
}

type ActionAnswer =
  | { intent: "create"; ok: false; message: string; fieldErrors: Record<string, string>; values: Record<string, string> }
  | { intent: "match"; ok: false; message: string; matches: PhonePatient[]; values: Record<string, string> }
  | { intent: "dob"; ok: false; message: string; fieldErrors: Record<string, string> }
  | { intent: "merge"; ok: false; message: string; confirm: { keepId: string; mergeId: string } | null }
  | { intent: "book"; ok: false; kind: "warnings"; message: string; warnings: BookingWarning[]; values: Record<string, string> }
  | { intent: "book"; ok: false; kind: "taken" | "invalid"; message: string; alternatives: (SlotOption & { value: string })[]; values: Record<string, string> };

export async function action({ request, context }: ActionFunctionArgs) {
  const { actor, clinic, db: clinicDb } = await requireStaff(request, context, "book");
  const form = await readForm(request);
  const values = Object.fromEntries(Object.entries(form).map(([k, v]) => [k, String(v)]));
  // What goes back into the page (the form as typed, hidden fields to confirm or pick another time).
  const echoed = echoFields(form, { note: PHONE_BOOKING_NOTE_MAX_LENGTH });
  if (values.intent === "create-patient") {
    const created = await createPhonePatient(clinicDb, clinic, values, actor);
    if (!created.ok && created.kind === "match") {
      return data<ActionAnswer>({ intent: "match", ok: false, message: "This phone or email is already on file at this clinic.", matches: created.matches, values: echoed }, { status: 200 });
    }
    if (!created.ok) return data<ActionAnswer>({ intent: "create", ok: false, message: "Check the patient's details.", fieldErrors: created.fieldErrors, values: echoed }, { status: 400 });
    return redirect(`/panel/book?patient=${created.patientId}${created.dependentId ? `&dependent=${created.dependentId}` : ""}`);
  }
  if (values.intent === "merge") {
    // The first press only asks (the page says what moves); the confirmation sends `confirm=yes`.
    const pair = { keepId: values.keepId ?? "", mergeId: values.mergeId ?? "" };
    if (values.confirm !== "yes") return data<ActionAnswer>({ intent: "merge", ok: false, message: "", confirm: pair });
    const merged = await mergePatients(clinicDb, clinic, pair, actor);
    if (!merged.ok) return data<ActionAnswer>({ intent: "merge", ok: false, message: merged.message, confirm: null }, { status: 422 });
    return redirect(`/panel/book?patient=${pair.keepId}&merged=1`);
  }
  if (values.intent === "undo-merge") {
    const undone = await undoPatientMerge(clinicDb, clinic, values.mergeId ?? "", actor);
    if (!undone.ok) return data<ActionAnswer>({ intent: "merge", ok: false, message: undone.message, confirm: null }, { status: 422 });
    return redirect(`/panel/book?patient=${values.patientId ?? ""}&merged=undone`);
  }
  if (values.intent === "set-date-of-birth") {
    const set = await setPatientDateOfBirth(clinicDb, clinic, { patientId: values.patientId ?? "", dateOfBirth: values.dateOfBirth ?? "" }, actor);
    if (!set.ok) return data<ActionAnswer>({ intent: "dob", ok: false, message: "Check the date of birth.", fieldErrors: set.fieldErrors }, { status: 400 });
    return redirect(`/panel/book?patient=${values.patientId}`);
  }
  if (values.intent === "book") {
    const parsed = phoneBookingForm.safeParse(values);
    if (!parsed.success) return data<ActionAnswer>({ intent: "book", ok: false, kind: "invalid", message: firstMessage(parsed.error, "Check the form."), alternatives: [], values: echoed }, { status: 400 });
    const names = new Map((await clinicDb.tx((tx) => deskResources(tx, clinic.id))).doctors.map((d) => [d.id, d.name]));
    const answer = await bookByPhone(clinicDb, clinic, parsed.data, actor, names);
    if (answer.ok) {
      const note = encodeURIComponent(`${answer.appointment.status === "requested" ? "Booked as a request: it needs approval." : "Booked."} ${answer.deposit.words}`);
      return redirect(`/panel/appointments/${answer.appointment.id}?done=${note}`);
    }
    if (answer.kind === "warnings") return data<ActionAnswer>({ intent: "book", ok: false, kind: "warnings", message: answer.message, warnings: answer.warnings, values: echoed }, { status: 200 });
    const alternatives = answer.kind === "taken" ? answer.alternatives.map((a) => ({ ...a, value: slotValue(a) })) : [];
    return data<ActionAnswer>({ intent: "book", ok: false, kind: answer.kind, message: answer.message, alternatives, values: echoed }, { status: answer.kind === "taken" ? 409 : 422 });
  }
  return data<ActionAnswer>({ intent: "book", ok: false, kind: "invalid", message: "Unknown action.", alternatives: [], values: echoed }, { status: 400 });
}

export default function BookByPhone() {
  const d = useLoaderData<typeof loader>();
  const answer = useActionData<typeof action>() as ActionAnswer | undefined;
  const nav = useNavigation();
  const submitting = nav.state === "submitting";
  const loading = nav.state === "loading";
  const keep = (over: Record<string, string | undefined>) => {
    const p = new URLSearchParams();
    const base: Record<string, string | undefined> = { patient: d.q.patient, dependent: d.q.dependent, service: d.q.service, doctor: d.q.doctor, location: d.q.location, day: d.day, ...over };
    for (const [k, v] of Object.entries(base)) if (v) p.set(k, v);
    return `?${p.toString()}`;
  };
  const create = answer?.intent === "create" ? answer : null;
  const match = answer?.intent === "match" ? answer : null;
  const dob = answer?.intent === "dob" ? answer : null;
  const merge = answer?.intent === "merge" ? answer : null;
  const book = answer?.intent === "book" ? answer : null;
  return (
    <>
      <PanelHeading title="Book by phone">
        <p>Find the caller, choose the service and a free time, and book. Times come from the doctors&apos; real schedules.</p>
      </PanelHeading>

      {!d.patient ? (
        <div className="grid gap-4 lg:grid-cols-2">
          <section className="card p-5" aria-labelledby="find-title">
            <h2 id="find-title" className="text-lg font-semibold text-slate-900">
              1. Find the patient
            </h2>
            <Form method="get" className="mt-3" role="search">
              <label htmlFor="q" className="field-label">
                Phone number or name
              </label>
              <div className="mt-1 flex gap-2">
                <input id="q" name="q" type="search" defaultValue={d.search?.text ?? ""} className="field-input mt-0 min-h-11" autoComplete="off" aria-invalid={d.search?.error ? true : undefined} aria-describedby={d.search?.error ? "q-error" : undefined} />
                <button type="submit" className="btn-primary min-h-11 px-4">
                  {loading ? "Searching…" : "Search"}
                </button>
              </div>
              {d.search?.error ? (
                <p id="q-error" className="field-error">
                  {d.search.error}
                </p>
              ) : null}
            </Form>
            {d.search && !d.search.error ? (
              d.search.results.length ? (
                <ul className="mt-4 divide-y divide-slate-100" data-testid="patient-results">
                  {d.search.results.map((p) => (
                    <li key={p.id} className="flex items-center justify-between gap-3 py-2">
                      <span>
                        <span className="block font-medium text-slate-900">{p.name}</span>
                        <PatientFacts patient={p} />
                      </span>
                      <Link to={`?patient=${p.id}`} className="btn-secondary min-h-11 px-4" aria-label={`Choose ${p.name}`}>
                        Choose
                      </Link>
                    </li>
                  ))}
                </ul>
              ) : (
                <p className="mt-4 text-sm text-slate-700" data-testid="no-patients">
                  No patient of this clinic matches “{d.search.text}”. Add them on the right.
                </p>
              )
            ) : null}
          </section>
          <section className="card p-5" aria-labelledby="new-title">
            <h2 id="new-title" className="text-lg font-semibold text-slate-900">
              Or add a new patient
            </h2>
            {match ? <MatchPrompt match={match} submitting={submitting} /> : null}
            <Form method="post" className="mt-3 space-y-3" noValidate hidden={Boolean(match)}>
              <input type="hidden" name="intent" value="create-patient" />
              {(
                [
                  ["phone", "Mobile phone", "tel"],
                  ["firstName", "First name", "given-name"],
                  ["lastName", "Last name", "family-name"],
                  ["dateOfBirth", "Date of birth (optional)", "bday"],
                  ["email", "Email (optional)", "email"],
                ] as const
              ).map(([name, label, auto]) => (
                <div key={name}>
                  <label htmlFor={`new-${name}`} className="field-label">
                    {label}
                  </label>
                  <input
                    id={`new-${name}`}
                    name={name}
                    type={name === "phone" ? "tel" : name === "dateOfBirth" ? "date" : name === "email" ? "email" : "text"}
                    autoComplete={auto}
                    required={name !== "dateOfBirth" && name !== "email"}
                    max={name === "dateOfBirth" ? d.today : undefined}
                    defaultValue={create?.values[name] ?? (name === "phone" && d.search && /\d{4}/.test(d.search.text) ? d.search.text : "")}
                    className="field-input min-h-11"
                    aria-invalid={create?.fieldErrors[name] ? true : undefined}
                    aria-describedby={create?.fieldErrors[name] ? `new-${name}-error` : undefined}
                  />
                  {create?.fieldErrors[name] ? (
                    <p id={`new-${name}-error`} className="field-error">
                      {create.fieldErrors[name]}
                    </p>
                  ) : null}
                </div>
              ))}
              <button type="submit" className="btn-primary min-h-11 px-4" disabled={submitting}>
                {submitting ? "Saving…" : "Add patient"}
              </button>
            </Form>
          </section>
        </div>
      ) : (
        <>
          <section className="card mb-4 flex flex-wrap items-center justify-between gap-3 p-4" aria-label="Patient" data-testid="chosen-patient">
            <span>
              <span className="block font-semibold text-slate-900">{d.patient.name}</span>
              <PatientFacts patient={d.patient} withFamily={false} />
            </span>
            <Form method="post" className="flex flex-wrap items-end gap-2" aria-label="Date of birth" noValidate>
              <input type="hidden" name="intent" value="set-date-of-birth" />
              <input type="hidden" name="patientId" value={d.patient.id} />
              <span>
                <label htmlFor="dob" className="field-label">
                  Date of birth
                </label>
                <input id="dob" name="dateOfBirth" type="date" max={d.today} defaultValue={d.patient.dateOfBirth ?? ""} className="field-input mt-0 min-h-11" aria-invalid={dob ? true : undefined} aria-describedby={dob ? "dob-error" : undefined} />
              </span>
              <button type="submit" className="btn-secondary min-h-11 px-4" disabled={submitting}>
                Save date of birth
              </button>
              {dob ? (
                <p id="dob-error" className="field-error w-full">
                  {dob.fieldErrors.dateOfBirth ?? dob.fieldErrors.patientId ?? dob.message}
                </p>
              ) : null}
            </Form>
            <Link to="/panel/book" className="btn-secondary min-h-11 px-4">
              Another patient
            </Link>
          </section>

          <MergeSection d={d} merge={merge} submitting={submitting} />

          <Form method="get" className="card grid gap-3 p-4 sm:grid-cols-2 lg:grid-cols-4" aria-label="Service and doctor">
            <input type="hidden" name="patient" value={d.patient.id} />
            {d.patient.dependents.length ? (
              <div className="sm:col-span-2 lg:col-span-4">
                <label htmlFor="dependent" className="field-label">
                  The visit is for
                </label>
                <select id="dependent" name="dependent" defaultValue={d.q.dependent ?? ""} className="field-input min-h-11">
                  <option value="">{d.patient.name} (account holder)</option>
                  {d.patient.dependents.map((x) => (
                    <option key={x.id} value={x.id}>
                      {x.name} ({x.relationship}
                      {x.age !== null ? `, ${x.age}` : ""})
                    </option>
                  ))}
                </select>
              </div>
            ) : null}
            <div>
              <label htmlFor="service" className="field-label">
                Service
              </label>
              <select id="service" name="service" defaultValue={d.q.service ?? ""} className="field-input min-h-11" required>
                <option value="">Choose a service</option>
                {d.services.map((s) => (
                  <option key={s.id} value={s.id}>
                    {s.name}
                    {s.requiresApproval ? " (needs approval)" : ""}
                    {s.deposit ? " · deposit" : ""}
                  </option>
                ))}
              </select>
            </div>
            <div>
              <label htmlFor="doctor" className="field-label">
                Doctor
              </label>
              <select id="doctor" name="doctor" defaultValue={d.q.doctor ?? ""} className="field-input min-h-11">
                <option value="">Any doctor</option>
                {d.doctors.map((x) => (
                  <option key={x.id} value={x.id}>
                    {x.name}
                  </option>
                ))}
              </select>
            </div>
            <div>
              <label htmlFor="location" className="field-label">
                Location
              </label>
              <select id="location" name="location" defaultValue={d.q.location ?? ""} className="field-input min-h-11">
                <option value="">Any location</option>
                {d.locations.map((l) => (
                  <option key={l.id} value={l.id}>
                    {l.name}
                  </option>
                ))}
              </select>
            </div>
            <div>
              <label htmlFor="day" className="field-label">
                Day
              </label>
              <input id="day" name="day" type="date" min={d.today} defaultValue={d.day} className="field-input min-h-11" />
            </div>
            <div className="sm:col-span-2 lg:col-span-4">
              <button type="submit" className="btn-secondary min-h-11 px-4">
                {loading ? "Finding times…" : "Show free times"}
              </button>
            </div>
          </Form>

          {d.service ? (
            <section className="card mt-4 p-4" aria-labelledby="times-title">
              <div className="flex flex-wrap items-center justify-between gap-2">
                <h2 id="times-title" className="text-lg font-semibold text-slate-900">
                  Free times · {d.dayTitle}
                </h2>
                <span className="flex gap-2">
                  {d.previousDay ? (
                    <Link to={keep({ day: d.previousDay })} className="btn-secondary min-h-11 px-3" aria-label="Previous day">
                      ←
                    </Link>
                  ) : null}
                  <Link to={keep({ day: d.nextDay })} className="btn-secondary min-h-11 px-3" aria-label="Next day">
                    →
                  </Link>
                </span>
              </div>
              <p className="text-sm text-slate-600">
                {d.service.name} · {d.service.duration}
                {d.service.requiresApproval ? " · this service needs approval: the booking waits as a request" : ""}
              </p>
              {book ? (
                <div className="mt-3">
                  {book.kind === "warnings" ? (
                    <div role="alert" className="rounded-xl bg-amber-50 p-4 text-sm text-amber-950 ring-1 ring-amber-300" data-testid="booking-warnings">
                      <p className="font-semibold">{book.message}</p>
                      <ul className="mt-1 list-disc pl-5">
                        {book.warnings.map((w) => (
                          <li key={w.message}>{w.message}</li>
                        ))}
                      </ul>
                      <Form method="post" className="mt-3">
                        {Object.entries(book.values).map(([k, v]) => (k === "confirmWarnings" ? null : <input key={k} type="hidden" name={k} value={v} />))}
                        <input type="hidden" name="confirmWarnings" value="yes" />
                        <button type="submit" className="btn-primary min-h-11 px-4" disabled={submitting}>
                          Book anyway
                        </button>
                      </Form>
                    </div>
                  ) : (
                    <Answer answer={book} />
                  )}
                  {book.kind === "taken" && book.alternatives.length ? (
                    <Form method="post" className="mt-2" aria-label="Next free times">
                      {Object.entries(book.values).map(([k, v]) => (k === "slot" ? null : <input key={k} type="hidden" name={k} value={v} />))}
                      <p className="text-sm font-medium text-slate-800">Next free times:</p>
                      <div className="mt-2 flex flex-wrap gap-2" data-testid="alternatives">
                        {book.alternatives.map((a) => (
                          <button key={a.value} type="submit" name="slot" value={a.value} className="btn-secondary min-h-11 px-3">
                            {a.time} · {a.doctorName}
                          </button>
                        ))}
                      </div>
                    </Form>
                  ) : null}
                </div>
              ) : null}
              {d.times.length ? (
                <Form method="post" className="mt-3" aria-label="Book a time">
                  <input type="hidden" name="intent" value="book" />
                  <input type="hidden" name="patientId" value={d.patient.id} />
                  <input type="hidden" name="dependentId" value={d.q.dependent ?? ""} />
                  <input type="hidden" name="serviceId" value={d.service.id} />
                  <fieldset>
                    <legend className="field-label">Choose a time</legend>
                    <div className="mt-2 grid grid-cols-2 gap-2 sm:grid-cols-3 lg:grid-cols-4" data-testid="free-times">
                      {d.times.map((t) => (
                        <label key={t.value} className="flex min-h-11 cursor-pointer items-center gap-2 rounded-lg border border-slate-300 bg-white px-3 py-2 text-sm has-[:checked]:border-brand has-[:checked]:bg-brand-soft has-[:focus-visible]:ring-2 has-[:focus-visible]:ring-brand">
                          <input type="radio" name="slot" value={t.value} required className="h-4 w-4 accent-[var(--brand)]" />
                          <span>
                            <span className="font-semibold tabular-nums">{t.time}</span>
                            <span className="block text-xs text-slate-600">
                              {t.doctorName}
                              {t.locationName && d.locations.length > 1 ? ` · ${t.locationName}` : ""}
                            </span>
                          </span>
                        </label>
                      ))}
                    </div>
                  </fieldset>
                  <label htmlFor="note" className="field-label mt-4">
                    Note for the visit (optional)
                  </label>
                  <textarea id="note" name="note" rows={2} maxLength={500} className="field-input" />
                  <button type="submit" className="btn-primary mt-3 min-h-11 px-5" disabled={submitting}>
                    {submitting ? "Booking…" : "Book this time"}
                  </button>
                </Form>
              ) : (
                <p className="mt-3 text-sm text-slate-700" data-testid="no-times">
                  No free times on this day. Try the next day or another doctor.
                </p>
              )}
            </section>
          ) : (
            <p className="mt-4 text-sm text-slate-700">Choose a service to see the free times.</p>
          )}
        </>
      )}
    </>
  );
}

/** Phone, date of birth with age, and family: what tells two similar records apart. */
function PatientFacts({ patient, withFamily = true }: { patient: PhonePatient; withFamily?: boolean }) {
  return (
    <span className="block text-sm tabular-nums text-slate-600">
      {patient.phoneDisplay}
      {" · "}
      {patient.dateOfBirth ? (
        <span data-testid="patient-dob">
          born {formatShortDate(patient.dateOfBirth)}, {patient.age}
        </span>
      ) : (
        <span className="text-slate-500">no date of birth on file</span>
      )}
      {withFamily && patient.dependents.length ? ` · family: ${patient.dependents.map((x) => x.name).join(", ")}` : ""}
    </span>
  );
}

/**
 * The desk typed a phone or email this clinic already has: show who it belongs to and ask.
 * Nothing was saved; "someone else" sends the same details again with that answer.
 */
function MatchPrompt({ match, submitting }: { match: { message: string; matches: PhonePatient[]; values: Record<string, string> }; submitting: boolean }) {
  const typed = [match.values.firstName, match.values.lastName].filter(Boolean).join(" ");
  return (
    <div role="alert" className="mt-3 rounded-xl bg-amber-50 p-4 text-sm text-amber-950 ring-1 ring-amber-300" data-testid="patient-match">
      <p className="font-semibold">{match.message}</p>
      <p className="mt-1">Is “{typed}” one of these patients?</p>
      <ul className="mt-2 divide-y divide-amber-200">
        {match.matches.map((p) => (
          <li key={p.id} className="flex flex-wrap items-center justify-between gap-2 py-2">
            <span>
              <span className="block font-medium text-slate-900">{p.name}</span>
              <PatientFacts patient={p} />
            </span>
            <Link to={`?patient=${p.id}`} className="btn-primary min-h-11 px-4">
              Use this patient
            </Link>
          </li>
        ))}
      </ul>
      <Form method="post" className="mt-3 space-y-2 border-t border-amber-200 pt-3">
        {Object.entries(match.values).map(([k, v]) => (k === "match" || k === "relationship" ? null : <input key={k} type="hidden" name={k} value={v} />))}
        <input type="hidden" name="match" value="someone-else" />
        <p>
          It&apos;s someone else (a family member, or a shared phone): “{typed}” is added as a separate person on that phone, and the record above is not changed.
        </p>
        <label htmlFor="match-relationship" className="field-label">
          Relationship to the phone&apos;s owner
        </label>
        <select id="match-relationship" name="relationship" defaultValue="other" className="field-input min-h-11">
          {RELATIONSHIP_OPTIONS.map((r) => (
            <option key={r.value} value={r.value}>
              {r.label}
            </option>
          ))}
        </select>
        <div className="flex flex-wrap gap-2">
          <button type="submit" className="btn-secondary min-h-11 px-4" disabled={submitting}>
            It&apos;s someone else: add as a separate person
          </button>
          <Link to="/panel/book" className="btn-secondary min-h-11 px-4">
            Start again
          </Link>
        </div>
      </Form>
    </div>
  );
}

type BookData = ReturnType<typeof useLoaderData<typeof loader>>;

/**
 * Duplicate records of the chosen patient: find the other record, say which to keep, confirm. The
 * kept record takes the other's visits and notes; the desk can undo it for 30 days.
 */
function MergeSection({ d, merge, submitting }: { d: BookData; merge: { message: string; confirm: { keepId: string; mergeId: string } | null } | null; submitting: boolean }) {
  const patient = d.patient!;
  const other = merge?.confirm ? [...(d.duplicates?.results ?? [])].find((p) => p.id === (merge.confirm!.keepId === patient.id ? merge.confirm!.mergeId : merge.confirm!.keepId)) : undefined;
  const kept = merge?.confirm?.keepId === patient.id ? patient : other;
  const gone = merge?.confirm?.keepId === patient.id ? other : patient;
  return (
    <details className="card mb-4 p-4" open={Boolean(d.duplicates || merge || d.merges.length || d.q.merged)} data-testid="merge-section">
      <summary className="min-h-11 cursor-pointer py-2 font-semibold text-slate-900">Duplicate records of this patient</summary>
      {d.q.merged === "1" ? (
        <p role="status" className="mt-2 rounded-xl bg-emerald-50 px-4 py-3 text-sm font-medium text-emerald-900 ring-1 ring-emerald-200" data-testid="merge-done">
          Records merged. You can undo it for {d.undoDays} days.
        </p>
      ) : d.q.merged === "undone" ? (
        <p role="status" className="mt-2 rounded-xl bg-emerald-50 px-4 py-3 text-sm font-medium text-emerald-900 ring-1 ring-emerald-200" data-testid="merge-undone">
          Merge undone: both records are back as they were.
        </p>
      ) : null}
      {merge && !merge.confirm ? <Answer answer={{ ok: false, message: merge.message }} /> : null}
      {merge?.confirm && kept && gone ? (
        <div role="alert" className="mt-3 rounded-xl bg-amber-50 p-4 text-sm text-amber-950 ring-1 ring-amber-300" data-testid="merge-confirm">
          <p className="font-semibold">
            Keep {kept.name} ({kept.phoneDisplay}) and merge {gone.name} ({gone.phoneDisplay}) into it?
          </p>
          <p className="mt-1">
            {gone.name}&apos;s visits, requests, chart notes and treatment plan move to {kept.name}, and {gone.name} no longer shows in search. Family members stay with their phone. You can undo this for {d.undoDays} days.
          </p>
          <div className="mt-3 flex flex-wrap gap-2">
            <Form method="post">
              <input type="hidden" name="intent" value="merge" />
              <input type="hidden" name="keepId" value={kept.id} />
              <input type="hidden" name="mergeId" value={gone.id} />
              <input type="hidden" name="confirm" value="yes" />
              <button type="submit" className="btn-primary min-h-11 px-4" disabled={submitting}>
                {submitting ? "Merging…" : "Yes, merge"}
              </button>
            </Form>
            <Link to={`?patient=${patient.id}`} className="btn-secondary min-h-11 px-4">
              Don&apos;t merge
            </Link>
          </div>
        </div>
      ) : null}
      {d.merges.length ? (
        <ul className="mt-3 divide-y divide-slate-100" aria-label="Recent merges">
          {d.merges.map((m) => (
            <li key={m.id} className="flex flex-wrap items-center justify-between gap-2 py-2 text-sm">
              <span>
                Merged {m.mergedName} ({m.mergedPhone}) into this record · undo until {m.undoUntil}
              </span>
              <Form method="post">
                <input type="hidden" name="intent" value="undo-merge" />
                <input type="hidden" name="mergeId" value={m.id} />
                <input type="hidden" name="patientId" value={patient.id} />
                <button type="submit" className="btn-secondary min-h-11 px-4" disabled={submitting}>
                  Undo merge
                </button>
              </Form>
            </li>
          ))}
        </ul>
      ) : null}
      <Form method="get" className="mt-3" role="search">
        <input type="hidden" name="patient" value={patient.id} />
        <label htmlFor="dup" className="field-label">
          Find the other record (phone number or name)
        </label>
        <div className="mt-1 flex flex-wrap gap-2">
          <input id="dup" name="dup" type="search" defaultValue={d.duplicates?.text ?? ""} className="field-input mt-0 min-h-11 max-w-md" autoComplete="off" aria-invalid={d.duplicates?.error ? true : undefined} aria-describedby={d.duplicates?.error ? "dup-error" : undefined} />
          <button type="submit" className="btn-secondary min-h-11 px-4">
            Find
          </button>
        </div>
        {d.duplicates?.error ? (
          <p id="dup-error" className="field-error">
            {d.duplicates.error}
          </p>
        ) : null}
      </Form>
      {d.duplicates && !d.duplicates.error ? (
        d.duplicates.results.length ? (
          <ul className="mt-3 divide-y divide-slate-100" data-testid="duplicate-results">
            {d.duplicates.results.map((p) => (
              <li key={p.id} className="flex flex-wrap items-center justify-between gap-2 py-2">
                <span>
                  <span className="block font-medium text-slate-900">{p.name}</span>
                  <PatientFacts patient={p} />
                </span>
                <span className="flex flex-wrap gap-2">
                  {(
                    [
                      [patient.id, p.id, `Keep ${patient.name}`],
                      [p.id, patient.id, `Keep ${p.name}`],
                    ] as const
                  ).map(([keepId, mergeId, label]) => (
                    <Form key={keepId} method="post" action={`?patient=${patient.id}&dup=${encodeURIComponent(d.duplicates!.text)}`}>
                      <input type="hidden" name="intent" value="merge" />
                      <input type="hidden" name="keepId" value={keepId} />
                      <input type="hidden" name="mergeId" value={mergeId} />
                      <button type="submit" className="btn-secondary min-h-11 px-3">
                        {label}
                      </button>
                    </Form>
                  ))}
                </span>
              </li>
            ))}
          </ul>
        ) : (
          <p className="mt-3 text-sm text-slate-700">No other record of this clinic matches “{d.duplicates.text}”.</p>
        )
      ) : null}
    </details>
  );
}
