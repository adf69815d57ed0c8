import { data, redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useFetcher, useLoaderData, useNavigation } from "@remix-run/react";
import { useEffect, useRef, useState, type ChangeEvent, type KeyboardEvent } from "react";
import { z } from "zod";
import { Answer } from "~/components/desk-ui";
import { PanelHeading } from "~/components/panel-shell";
import { requireStaff } from "~/modules/auth/guards.server";
import { formatDateTime, formatMoney } from "~/lib/format";
import { formatBookingCode } from "~/lib/booking-code";
import { deskAppointmentPage } from "~/modules/front-desk/appointment-desk.server";
import { deskResources } from "~/modules/front-desk/desk-appointments.server";
import { firstAvailable, type FirstAvailable, type FreeTime } from "~/modules/front-desk/first-available.server";
import { PART_OF_DAY_WORDS, PARTS_OF_DAY, PHONE_BOOKING_NOTE_MAX_LENGTH } from "~/modules/front-desk/phone-booking-choices";
import {
  bookByPhone,
  createPhonePatient,
  findPhonePatients,
  patientSearchQuery,
  phoneBookingForm,
  phonePatient,
  searchCallers,
  setPatientDateOfBirth,
  slotValue,
  type BookingWarning,
  type PhonePatient,
  type SlotOption,
} from "~/modules/front-desk/phone-booking.server";
import { RELATIONSHIP_OPTIONS } from "~/modules/patient-account/relationships";
import { MERGE_UNDO_DAYS, mergePatients, recentMerges, undoPatientMerge } from "~/modules/patients/patient-merge.server";
import { utcToZoned, LOCAL_DATE_PATTERN } from "~/lib/zoned-time";
import { dateOrderFor } from "~/lib/date-of-birth";
import { formatLocalDay } from "~/lib/format";
import { NotFoundError } from "~/utils/errors.server";
import { echoFields, readForm } from "~/utils/forms.server";
import { firstMessage } from "~/lib/form-errors";
import type { CallerSearchAnswer } from "./panel.book_.patients";
import type { FreeTimesAnswer } from "./panel.book_.times";

export const meta: MetaFunction = () => [{ title: "Book by phone · Staff panel" }];

const uuid = z.string().uuid();
/**
 * What the page keeps from step to step, and what other pages may link with: the calendar sends
 * `doctor`, `location` and `start` (an ISO instant) when a time is clicked. A `room` is not kept:
 * the booking kernel picks the room itself.
 */
const carried = z.object({
  service: uuid.optional().catch(undefined),
  doctor: uuid.optional().catch(undefined),
  location: uuid.optional().catch(undefined),
  start: z.string().datetime({ offset: true }).optional().catch(undefined),
  part: z.enum(PARTS_OF_DAY).optional().catch(undefined),
  from: z.string().regex(LOCAL_DATE_PATTERN).optional().catch(undefined),
});
type Carried = z.infer<typeof carried>;
const pageQuery = carried.extend({
  q: z.string().max(80).optional().catch(undefined),
  patient: uuid.optional().catch(undefined),
  dependent: uuid.optional().catch(undefined),
  /** A search for a duplicate of the chosen patient, to merge. */
  dup: z.string().max(80).optional().catch(undefined),
  merged: z.enum(["1", "undone"]).optional().catch(undefined),
  /** The visit just booked, for the confirmation. */
  booked: uuid.optional().catch(undefined),
});

/** "?patient=…&service=…": the page's address with the carried choices. */
function pageUrl(carry: Partial<Carried> & { patient?: string; dependent?: string; booked?: string }): string {
  const p = new URLSearchParams();
  for (const [k, v] of Object.entries(carry)) if (v) p.set(k, v);
  const text = p.toString();
  return text ? `/panel/book?${text}` : "/panel/book";
}

export async function loader({ request, context }: LoaderFunctionArgs) {
  const { actor, clinic, db: clinicDb } = await requireStaff(request, context, "book");
  const q = pageQuery.parse(Object.fromEntries(new URL(request.url).searchParams));
  const carry: Carried = { service: q.service, doctor: q.doctor, location: q.location, start: q.start, part: q.part, from: q.from };
  const now = new Date();
  const resources = await clinicDb.tx((tx) => deskResources(tx, clinic.id));
  const today = utcToZoned(now, clinic.timeZone).date;

  let search: CallerSearchAnswer | null = null;
  if (q.q !== undefined && !q.patient) {
    const text = patientSearchQuery.safeParse(q.q);
    if (text.success) {
      const found = await searchCallers(clinicDb, clinic, text.data, actor);
      search = { text: text.data, error: null, dateOfBirth: found.search.dateOfBirth, results: found.patients };
    } else search = { text: q.q, error: firstMessage(text.error, "Check the search."), dateOfBirth: null, results: [] };
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
  // The first available times are worked out on the server too, so the page works without script.
  const first: FirstAvailable | null = patient && carry.service ? await firstAvailable(clinicDb, clinic, { ...carry, service: carry.service }, resources, now) : null;
  // A time clicked on the calendar, before the caller is found: said at the top of the page.
  const doctorName = resources.doctors.find((d) => d.id === carry.doctor)?.name ?? null;
  const wantedWords = carry.start ? `${formatDateTime(new Date(carry.start), clinic.timeZone)}${doctorName ? ` with ${doctorName}` : ""}` : null;
  let booked = null;
  if (q.booked) {
    try {
      booked = await bookedVisit(clinicDb, clinic, q.booked, actor, now);
    } catch (error) {
      if (!(error instanceof NotFoundError)) throw error;
    }
  }
  return {
    q,
    carry,
    today,
    dateOrder: dateOrderFor(clinic.timeZone),
    search,
    patient,
    duplicates,
    merges,
    undoDays: MERGE_UNDO_DAYS,
    first,
    wantedWords,
    booked,
    services: resources.services.map((s) => ({ id: s.id, name: s.name, requiresApproval: s.requiresApproval, deposit: s.depositKind !== "none" })),
    doctors: resources.doctors.filter((d) => d.workStatus !== "inactive").map((d) => ({ id: d.id, name: d.name })),
    locations: resources.locations,
  };
}

/** The confirmation the desk reads back to the caller: what, when, who, where, price and deposit. */
async function bookedVisit(db: Parameters<typeof deskAppointmentPage>[0], clinic: Parameters<typeof deskAppointmentPage>[1] & { slug: string }, id: string, actor: Parameters<typeof deskAppointmentPage>[3], now: Date) {
  const page = await deskAppointmentPage(db, clinic, id, actor, now);
  const a = page.appointment;
  const depositAmount = formatMoney(a.depositMinor, a.currency);
  const deposit =
    a.depositMinor <= 0
      ? "No deposit for this service."
      : page.deposit && page.deposit.status !== "failed"
        ? `Deposit ${depositAmount}: the patient's saved card is on file and is held before the visit by the usual rules.`
        : `Deposit ${depositAmount}: awaiting deposit. The patient is sent a secure link to add a card; otherwise collect it at the desk.`;
  const who = a.dependent ? `${a.dependent.firstName} ${a.dependent.lastName}` : [a.patient?.firstName, a.patient?.lastName].filter(Boolean).join(" ");
  return {
    id: a.id,
    requested: a.status === "requested",
    code: formatBookingCode(clinic.slug, a.bookingCode),
    who,
    service: a.serviceName,
    when: formatDateTime(a.start, clinic.timeZone),
    doctor: page.doctorName,
    location: page.locationName,
    price: formatMoney(a.priceMinor, a.currency),
    deposit,
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
  // The choices a form carries on to the next step (service, doctor, time from the calendar).
  const carry = carried.parse(values);
  // What goes back into the page (the form as typed, hidden fields to confirm or pick another time).
  const echoed = echoFields(form, { note: PHONE_BOOKING_NOTE_MAX_LENGTH });
  if (values.intent === "create-patient") {
    const created = await createPhonePatient(clinicDb, clinic, values, actor);
    if (!created.ok && created.kind === "match") {
      return data<ActionAnswer>({ intent: "match", ok: false, message: "This phone or email is already on file at this clinic.", matches: created.matches, values: echoed }, { status: 200 });
    }
    if (!created.ok) return data<ActionAnswer>({ intent: "create", ok: false, message: "Check the patient's details.", fieldErrors: created.fieldErrors, values: echoed }, { status: 400 });
    return redirect(pageUrl({ patient: created.patientId, dependent: created.dependentId ?? undefined, ...carry }));
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
    return redirect(pageUrl({ patient: values.patientId, ...carry }));
  }
  if (values.intent === "book") {
    const parsed = phoneBookingForm.safeParse(values);
    if (!parsed.success) return data<ActionAnswer>({ intent: "book", ok: false, kind: "invalid", message: firstMessage(parsed.error, "Check the form."), alternatives: [], values: echoed }, { status: 400 });
    const names = new Map((await clinicDb.tx((tx) => deskResources(tx, clinic.id))).doctors.map((d) => [d.id, d.name]));
    const answer = await bookByPhone(clinicDb, clinic, parsed.data, actor, names);
    if (answer.ok) return redirect(pageUrl({ booked: answer.appointment.id }));
    if (answer.kind === "warnings") return data<ActionAnswer>({ intent: "book", ok: false, kind: "warnings", message: answer.message, warnings: answer.warnings, values: echoed }, { status: 200 });
    const alternatives = answer.kind === "taken" ? answer.alternatives.map((a) => ({ ...a, value: slotValue(a) })) : [];
    return data<ActionAnswer>({ intent: "book", ok: false, kind: answer.kind, message: answer.message, alternatives, values: echoed }, { status: answer.kind === "taken" ? 409 : 422 });
  }
  return data<ActionAnswer>({ intent: "book", ok: false, kind: "invalid", message: "Unknown action.", alternatives: [], values: echoed }, { status: 400 });
}

type BookData = ReturnType<typeof useLoaderData<typeof loader>>;

/** Hidden fields that carry the choices (service, doctor, time from the calendar) to the next step. */
function CarriedFields({ carry, skip = [] }: { carry: Partial<Carried>; skip?: (keyof Carried)[] }) {
  return (
    <>
      {Object.entries(carry).map(([k, v]) => (v && !skip.includes(k as keyof Carried) ? <input key={k} type="hidden" name={k} value={v} /> : null))}
    </>
  );
}

export default function BookByPhone() {
  const d = useLoaderData<typeof loader>();
  const actionAnswer = useActionData<typeof action>() as ActionAnswer | undefined;
  const nav = useNavigation();
  const creating = useFetcher<typeof action>();
  const submitting = nav.state === "submitting" || creating.state !== "idle";
  const answer = (creating.data as ActionAnswer | undefined) ?? actionAnswer;
  const create = answer?.intent === "create" ? answer : null;
  const match = answer?.intent === "match" ? answer : null;
  const dob = answer?.intent === "dob" ? answer : null;
  const merge = answer?.intent === "merge" ? answer : null;
  // A phone number the search did not find is the new patient's phone, unless the desk typed another.
  const [newPhone, setNewPhone] = useState(create?.values.phone ?? (d.search && /\d{4}/.test(d.search.text) && !d.search.dateOfBirth ? d.search.text : ""));
  const suggested = useRef(newPhone);
  const onPhoneNotFound = (text: string) => {
    setNewPhone((typed) => (typed === "" || typed === suggested.current ? text : typed));
    suggested.current = text;
  };
  return (
    <>
      <PanelHeading title="Book by phone">
        <p>Find the caller, choose the service and one of the first free times, and book. Times come from the doctors&apos; real schedules.</p>
      </PanelHeading>

      {d.booked ? <BookedCard booked={d.booked} /> : null}

      {!d.patient ? (
        <>
          {d.wantedWords ? (
            <p role="status" className="mb-4 rounded-xl bg-brand-soft px-4 py-3 text-sm text-slate-900 ring-1 ring-brand/30" data-testid="wanted-time">
              Booking {d.wantedWords}: find the caller first.
            </p>
          ) : null}
          <div className="grid gap-4 lg:grid-cols-2">
            <FindCaller d={d} onPhoneNotFound={onPhoneNotFound} />
            <section className="card p-5" aria-labelledby="new-title">
              <h2 id="new-title" className="text-lg font-semibold text-slate-900">
                Or add a new patient
              </h2>
              {match ? <MatchPrompt match={match} carry={d.carry} submitting={submitting} /> : null}
              <creating.Form method="post" className="mt-3 space-y-3" noValidate hidden={Boolean(match)}>
                <input type="hidden" name="intent" value="create-patient" />
                <CarriedFields carry={d.carry} />
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
                      {...(name === "phone"
                        ? { value: newPhone, onChange: (e: ChangeEvent<HTMLInputElement>) => setNewPhone(e.target.value) }
                        : { defaultValue: create?.values[name] ?? (name === "dateOfBirth" && d.search?.dateOfBirth ? d.search.dateOfBirth.date : "") })}
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
                  {creating.state !== "idle" ? "Saving…" : "Add patient"}
                </button>
              </creating.Form>
            </section>
          </div>
        </>
      ) : (
        <>
          <section className="card mb-4 flex flex-wrap items-center justify-between gap-3 p-4" aria-label="Patient" data-testid="chosen-patient">
            <span>
              <span className="block font-semibold text-slate-900">
                {d.patient.name}
                <AlertMarker alerts={d.patient.alerts} />
              </span>
              <PatientFacts patient={d.patient} withFamily={false} />
            </span>
            <Form method="post" className="flex flex-wrap items-end gap-2" aria-label="Date of birth" noValidate>
              <input type="hidden" name="intent" value="set-date-of-birth" />
              <input type="hidden" name="patientId" value={d.patient.id} />
              <CarriedFields carry={d.carry} />
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
            <Link to={pageUrl(d.carry)} className="btn-secondary min-h-11 px-4">
              Another patient
            </Link>
          </section>

          <BookTime d={d} answer={answer?.intent === "book" ? answer : null} />

          <div className="mt-4">
            <MergeSection d={d} merge={merge} submitting={submitting} />
          </div>
        </>
      )}
    </>
  );
}

/**
 * One field for phone, name or date of birth, focused on arrival. Results come as the desk types
 * (a fetcher, debounced); ↓ moves into the results, ↑/↓ between them, Enter chooses. Without
 * script the form searches by reloading the page.
 */
function FindCaller({ d, onPhoneNotFound }: { d: BookData; onPhoneNotFound: (text: string) => void }) {
  const fetcher = useFetcher<CallerSearchAnswer>();
  const [text, setText] = useState(d.search?.text ?? "");
  const list = useRef<HTMLUListElement>(null);
  const field = useRef<HTMLInputElement>(null);
  // The desk starts typing the moment the page shows: keep what was typed before the script ran.
  useEffect(() => {
    if (field.current && field.current.value !== text) setText(field.current.value);
    // Once, when the page comes alive.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);
  useEffect(() => {
    const q = text.trim();
    if (q.length < 2) return;
    const timer = setTimeout(() => fetcher.load(`/panel/book/patients?q=${encodeURIComponent(q)}`), 200);
    return () => clearTimeout(timer);
    // fetcher.load is stable enough for this: only the text starts a search.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [text]);
  const typed = text.trim().length >= 2;
  const found: CallerSearchAnswer | null = typed ? (fetcher.data ?? (d.search?.text === text.trim() ? d.search : null)) : null;
  const busy = fetcher.state === "loading";
  useEffect(() => {
    if (found && !found.error && !found.results.length && !found.dateOfBirth && /\d{4}/.test(found.text)) onPhoneNotFound(found.text);
    // Only a new answer counts.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [found?.text, found?.results.length]);
  const links = () => Array.from(list.current?.querySelectorAll<HTMLAnchorElement>("a[data-result]") ?? []);
  const onInputKey = (e: KeyboardEvent<HTMLInputElement>) => {
    if (e.key === "ArrowDown" && links().length) {
      e.preventDefault();
      links()[0]!.focus();
    }
  };
  const onListKey = (e: KeyboardEvent<HTMLUListElement>) => {
    const all = links();
    const at = all.indexOf(document.activeElement as HTMLAnchorElement);
    if (e.key === "ArrowDown" && at < all.length - 1) {
      e.preventDefault();
      all[at + 1]!.focus();
    } else if (e.key === "ArrowUp") {
      e.preventDefault();
      if (at > 0) all[at - 1]!.focus();
      else document.getElementById("q")?.focus();
    } else if (e.key === "Escape") document.getElementById("q")?.focus();
  };
  const order = d.dateOrder === "month-first" ? "month first" : "day first";
  return (
    <section className="card p-5" aria-labelledby="find-title">
      <h2 id="find-title" className="text-lg font-semibold text-slate-900">
        Find the caller
      </h2>
      <Form
        method="get"
        className="mt-3"
        role="search"
        onSubmit={(e) => {
          // With script the results are already there; Enter picks the first one.
          e.preventDefault();
          // Only results for what is typed now: never a stale list's first line.
          const first = !busy && found?.text === text.trim() ? links()[0] : undefined;
          if (first) first.click();
          else if (typed) fetcher.load(`/panel/book/patients?q=${encodeURIComponent(text.trim())}`);
        }}
      >
        <CarriedFields carry={d.carry} />
        <label htmlFor="q" className="field-label">
          Phone number or name, or date of birth
        </label>
        <div className="mt-1 flex gap-2">
          <input
            ref={field}
            id="q"
            name="q"
            type="search"
            // The desk answers the phone and types: the field is where the page starts.
            autoFocus
            value={text}
            onChange={(e) => setText(e.target.value)}
            onKeyDown={onInputKey}
            className="field-input mt-0 min-h-11"
            autoComplete="off"
            aria-describedby={`q-hint${found?.error ? " q-error" : ""}`}
            aria-invalid={found?.error ? true : undefined}
            aria-controls={found?.results.length ? "patient-results" : undefined}
          />
          <button type="submit" className="btn-primary min-h-11 px-4">
            Search
          </button>
        </div>
        <p id="q-hint" className="mt-1 text-sm text-slate-600">
          For example 917 555 0143, Thompson, 2 Dec 1968 or a date written {order} as this clinic does. Press ↓ to move through the results.
        </p>
        {found?.error ? (
          <p id="q-error" className="field-error">
            {found.error}
          </p>
        ) : null}
      </Form>
      <div aria-live="polite" className="mt-3 text-sm text-slate-700">
        {busy && !found ? <p>Searching…</p> : null}
        {found && !found.error ? (
          <p data-testid={found.results.length ? "search-summary" : "no-patients"}>
            {found.dateOfBirth ? (
              <>
                Born {found.dateOfBirth.words}
                {found.dateOfBirth.ambiguous ? ` (read ${order}, as this clinic writes dates; type 1968-12-02 to be exact)` : ""}:{" "}
              </>
            ) : null}
            {found.results.length === 0 ? `No patient of this clinic matches “${found.text}”. Add them as a new patient.` : found.results.length === 1 ? "1 patient found." : `${found.results.length} patients found.`}
          </p>
        ) : null}
      </div>
      {found && found.results.length ? (
        // Each result names what tells two people of one name apart: date of birth and age, phone, visits.
        <ul ref={list} id="patient-results" className={`mt-2 divide-y divide-slate-100 ${busy ? "opacity-70" : ""}`} data-testid="patient-results" onKeyDown={onListKey} aria-label="Patients found">
          {found.results.map((p) => (
            <li key={p.id}>
              <Link
                to={pageUrl({ patient: p.id, ...d.carry })}
                data-result
                data-testid="patient-result"
                className="-mx-2 block rounded-lg px-2 py-2 hover:bg-slate-50 focus-visible:bg-brand-soft"
              >
                <span className="block font-medium text-slate-900">
                  <span className="sr-only">Choose </span>
                  {p.name}
                  <AlertMarker alerts={p.alerts} />
                </span>
                <PatientFacts patient={p} />
              </Link>
            </li>
          ))}
        </ul>
      ) : null}
    </section>
  );
}

/** A marker beside a patient's name when the desk must see an alert (allergies, access needs). */
function AlertMarker({ alerts }: { alerts: string[] }) {
  if (!alerts.length) return null;
  return (
    <span className="ml-2 inline-flex items-center rounded-full bg-red-100 px-2 py-0.5 text-xs font-semibold text-red-900 ring-1 ring-red-300" data-testid="patient-alerts" title={alerts.join(" · ")}>
      Alert: {alerts.join(" · ")}
    </span>
  );
}

/**
 * Service, filters and the first available times, then the booking: all without leaving the page
 * (fetchers), and with plain forms when there is no script.
 */
function BookTime({ d, answer }: { d: BookData; answer: Extract<ActionAnswer, { intent: "book" }> | null }) {
  const patient = d.patient!;
  const times = useFetcher<FreeTimesAnswer>();
  const booking = useFetcher<typeof action>();
  const filters = useRef<HTMLFormElement>(null);
  const [serviceId, setServiceId] = useState(d.carry.service ?? "");
  const loaded: FreeTimesAnswer | null = times.data ?? (d.first ? { ok: true, first: d.first } : null);
  const first = loaded?.ok ? loaded.first : null;
  const [slot, setSlot] = useState(d.first?.wanted?.value ?? "");
  const book = (booking.data as Extract<ActionAnswer, { intent: "book" }> | undefined) ?? answer;
  const chosen = first?.times.find((t) => t.value === slot) ?? null;
  const firstService = useRef<HTMLInputElement>(null);
  const firstTime = useRef<HTMLInputElement>(null);
  // On arrival with a patient, the next thing to choose has the focus (the service, else a time).
  useEffect(() => {
    if (firstTime.current) firstTime.current.focus();
    else firstService.current?.focus();
    // Only when the patient is chosen, not when the page revalidates.
  }, [patient.id]);
  useEffect(() => {
    if (first && !first.times.some((t) => t.value === slot)) setSlot(first.wanted?.free && first.wanted.value ? first.wanted.value : "");
  }, [first, slot]);
  const reload = () => {
    const form = filters.current;
    if (!form) return;
    const params = new URLSearchParams();
    new FormData(form).forEach((v, k) => {
      if (typeof v === "string" && v) params.set(k, v);
    });
    if (params.get("service")) times.load(`/panel/book/times?${params.toString()}`);
  };
  const byDay: { day: string; words: string; times: FreeTime[] }[] = [];
  for (const t of first?.times ?? []) {
    const last = byDay[byDay.length - 1];
    if (last && last.day === t.day) last.times.push(t);
    else byDay.push({ day: t.day, words: t.dayWords, times: [t] });
  }
  const loading = times.state === "loading";
  return (
    <section className="card p-4" aria-labelledby="book-title">
      <h2 id="book-title" className="text-lg font-semibold text-slate-900">
        Book a time
      </h2>
      {patient.dependents.length ? (
        // Posted with the booking form (by its id), so it sits with the patient's choices.
        <div className="mt-3 max-w-md">
          <label htmlFor="dependent" className="field-label">
            The visit is for
          </label>
          <select id="dependent" name="dependentId" form="book-form" defaultValue={d.q.dependent ?? ""} className="field-input min-h-11">
            <option value="">{patient.name} (account holder)</option>
            {patient.dependents.map((x) => (
              <option key={x.id} value={x.id}>
                {x.name} ({x.relationship}
                {x.age !== null ? `, ${x.age}` : ""})
              </option>
            ))}
          </select>
        </div>
      ) : null}
      <Form
        ref={filters}
        method="get"
        className="mt-3 grid gap-3 sm:grid-cols-2 lg:grid-cols-4"
        aria-label="Service and first available times"
        onChange={(e) => {
          const target = e.target as HTMLInputElement;
          if (target.name === "service") setServiceId(target.value);
          reload();
        }}
        onSubmit={(e) => {
          e.preventDefault();
          reload();
        }}
      >
        <input type="hidden" name="patient" value={patient.id} />
        {d.carry.start ? <input type="hidden" name="start" value={d.carry.start} /> : null}
        <fieldset className="sm:col-span-2 lg:col-span-4">
          <legend className="field-label">Service</legend>
          <div className="mt-2 flex flex-wrap gap-2" data-testid="services">
            {d.services.map((s, i) => (
              <label key={s.id} className="flex min-h-11 cursor-pointer items-center gap-2 rounded-lg border border-slate-300 bg-white px-3 py-2 text-sm has-[:checked]:border-brand has-[:checked]:bg-brand-soft has-[:focus-visible]:ring-2 has-[:focus-visible]:ring-brand">
                <input ref={i === 0 ? firstService : undefined} type="radio" name="service" value={s.id} checked={serviceId === s.id} onChange={() => setServiceId(s.id)} className="h-4 w-4 accent-[rgb(var(--brand))]" />
                <span>
                  {s.name}
                  {s.requiresApproval ? " (needs approval)" : ""}
                </span>
              </label>
            ))}
          </div>
        </fieldset>
        <div>
          <label htmlFor="doctor" className="field-label">
            Doctor
          </label>
          <select id="doctor" name="doctor" defaultValue={d.carry.doctor ?? ""} className="field-input min-h-11">
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
          <select id="location" name="location" defaultValue={d.carry.location ?? ""} className="field-input min-h-11">
            <option value="">Any location</option>
            {d.locations.map((l) => (
              <option key={l.id} value={l.id}>
                {l.name}
              </option>
            ))}
          </select>
        </div>
        <div>
          <label htmlFor="part" className="field-label">
            Time of day
          </label>
          <select id="part" name="part" defaultValue={d.carry.part ?? ""} className="field-input min-h-11">
            <option value="">Any time</option>
            {PARTS_OF_DAY.map((p) => (
              <option key={p} value={p}>
                {PART_OF_DAY_WORDS[p]}
              </option>
            ))}
          </select>
        </div>
        <div>
          <label htmlFor="from" className="field-label">
            From
          </label>
          <input id="from" name="from" type="date" min={d.today} defaultValue={d.carry.from ?? d.today} className="field-input min-h-11" />
        </div>
        <div className="sm:col-span-2 lg:col-span-4">
          <button type="submit" className="btn-secondary min-h-11 px-4">
            {loading ? "Finding times…" : "Show first available times"}
          </button>
        </div>
      </Form>

      <div aria-live="polite" className="mt-4">
        {loaded && !loaded.ok ? <Answer answer={{ ok: false, message: loaded.message }} /> : null}
        {first?.wanted ? (
          first.wanted.free ? (
            <p className="mb-3 rounded-xl bg-emerald-50 px-4 py-3 text-sm text-emerald-900 ring-1 ring-emerald-200" data-testid="wanted-free">
              {first.wanted.words} is free and chosen below.
            </p>
          ) : (
            <p className="mb-3 rounded-xl bg-amber-50 px-4 py-3 text-sm text-amber-950 ring-1 ring-amber-300" data-testid="wanted-taken">
              {first.wanted.words} is no longer free. These are the nearest free times.
            </p>
          )
        ) : null}
        {!serviceId ? <p className="text-sm text-slate-700">Choose a service to see the first available times.</p> : loading && !first ? <p className="text-sm text-slate-700">Finding the first available times…</p> : null}
      </div>

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
              <booking.Form method="post" className="mt-3">
                {Object.entries(book.values).map(([k, v]) => (k === "confirmWarnings" ? null : <input key={k} type="hidden" name={k} value={v} />))}
                <input type="hidden" name="confirmWarnings" value="yes" />
                <button type="submit" className="btn-primary min-h-11 px-4" disabled={booking.state !== "idle"}>
                  Book anyway
                </button>
              </booking.Form>
            </div>
          ) : (
            <Answer answer={book} />
          )}
          {book.kind === "taken" && book.alternatives.length ? (
            <booking.Form method="post" className="mt-2" aria-label="Next free times">
              {Object.entries(book.values).map(([k, v]) => (k === "slot" ? null : <input key={k} type="hidden" name={k} value={v} />))}
              <p className="text-sm font-medium text-slate-800">Next free times:</p>
              <div className="mt-2 flex flex-wrap gap-2" data-testid="alternatives">
                {book.alternatives.map((a) => (
                  <button key={a.value} type="submit" name="slot" value={a.value} className="btn-secondary min-h-11 px-3">
                    {a.time} · {a.doctorName}
                  </button>
                ))}
              </div>
            </booking.Form>
          ) : null}
        </div>
      ) : null}

      {first ? (
        first.times.length ? (
          <booking.Form id="book-form" method="post" className={`mt-3 ${loading ? "opacity-70" : ""}`} aria-label="Book a time">
            <input type="hidden" name="intent" value="book" />
            <input type="hidden" name="patientId" value={patient.id} />
            <input type="hidden" name="serviceId" value={first.service.id} />
            {patient.dependents.length ? null : <input type="hidden" name="dependentId" value="" />}
            <fieldset>
              <legend className="field-label">
                First available: {first.service.name} · {first.service.duration}
                {first.service.requiresApproval ? " · needs approval: the booking waits as a request" : ""}
              </legend>
              <div className="mt-2 space-y-3" data-testid="free-times">
                {byDay.map((day, di) => (
                  <div key={day.day} data-testid="free-day" data-day={day.day}>
                    <p className="text-sm font-semibold text-slate-800">{day.words}</p>
                    <div className="mt-1 grid grid-cols-1 gap-2 sm:grid-cols-2 lg:grid-cols-3">
                      {day.times.map((t, ti) => (
                        <label
                          key={t.value}
                          data-testid="free-time"
                          data-doctor={t.doctorName}
                          className="flex min-h-11 cursor-pointer items-start gap-2 rounded-lg border border-slate-300 bg-white px-3 py-2 text-sm has-[:checked]:border-brand has-[:checked]:bg-brand-soft has-[:focus-visible]:ring-2 has-[:focus-visible]:ring-brand"
                        >
                          <input
                            ref={(di === 0 && ti === 0 && !first.wanted?.free) || t.value === first.wanted?.value ? firstTime : undefined}
                            type="radio"
                            name="slot"
                            value={t.value}
                            required
                            checked={slot === t.value}
                            onChange={() => setSlot(t.value)}
                            className="mt-0.5 h-4 w-4 accent-[rgb(var(--brand))]"
                          />
                          <span className="min-w-0">
                            <span className="font-semibold tabular-nums">{t.time}</span> · {t.doctorName}
                            <span className="block text-xs text-slate-600">
                              {d.locations.length > 1 ? `${t.locationName} · ` : ""}
                              {t.price}
                              {t.discount ? ` (${t.discount})` : ""} · {t.deposit ? `deposit ${t.deposit}` : "no deposit"}
                            </span>
                          </span>
                        </label>
                      ))}
                    </div>
                  </div>
                ))}
              </div>
            </fieldset>
            <details className="mt-3">
              <summary className="min-h-11 cursor-pointer py-2 text-sm font-medium text-slate-800">Add a note for the visit</summary>
              <label htmlFor="note" className="field-label">
                Note for the visit (optional)
              </label>
              <textarea id="note" name="note" rows={2} maxLength={PHONE_BOOKING_NOTE_MAX_LENGTH} className="field-input" />
            </details>
            <div className="mt-3 flex flex-wrap items-center gap-3">
              <button type="submit" className="btn-primary min-h-11 px-5" disabled={booking.state !== "idle"} data-testid="book-button">
                {booking.state !== "idle" ? "Booking…" : "Book this time"}
              </button>
              <p className="text-sm text-slate-700" data-testid="booking-summary">
                {chosen
                  ? `${first.service.name} · ${chosen.dayWords}, ${chosen.time} · ${chosen.doctorName}${chosen.locationName ? ` · ${chosen.locationName}` : ""} · price ${chosen.price} · ${chosen.deposit ? `deposit ${chosen.deposit} now` : "no deposit"}`
                  : "Choose a time: its price and deposit show here."}
              </p>
            </div>
          </booking.Form>
        ) : (
          <p className="mt-3 text-sm text-slate-700" data-testid="no-times">
            No free times in the next {first.days} days with these choices. Try any doctor, another location or another time of day.
          </p>
        )
      ) : null}
    </section>
  );
}

/** The booking, read back: what, when, who, where, price and deposit, and the next caller. */
function BookedCard({ booked }: { booked: NonNullable<BookData["booked"]> }) {
  return (
    <section role="status" aria-labelledby="booked-title" className="mb-6 rounded-2xl bg-emerald-50 p-5 text-sm text-emerald-950 ring-1 ring-emerald-300" data-testid="booked">
      <h2 id="booked-title" className="text-lg font-semibold">
        {booked.requested ? "Booked as a request: it needs approval" : "Booked"} · {booked.code}
      </h2>
      <p className="mt-1">
        {booked.service} for {booked.who}, {booked.when}, with {booked.doctor}
        {booked.location ? ` at ${booked.location}` : ""}.
      </p>
      <p className="mt-1" data-testid="booked-price">
        Price {booked.price}. {booked.deposit}
      </p>
      <div className="mt-3 flex flex-wrap gap-2">
        <Link to={`/panel/appointments/${booked.id}`} className="btn-secondary min-h-11 px-4">
          Open the visit
        </Link>
        <Link to="/panel/book" className="btn-secondary min-h-11 px-4">
          Next caller
        </Link>
      </div>
    </section>
  );
}

/** Phone, date of birth with age, last and next visit, and family: what tells two similar records apart. */
function PatientFacts({ patient, withFamily = true }: { patient: PhonePatient; withFamily?: boolean }) {
  return (
    <span className="block text-sm tabular-nums text-slate-600">
      {patient.born ? <span data-testid="patient-dob">{patient.born}</span> : <span>no date of birth on file</span>}
      {" · "}
      {patient.phoneDisplay}
      <span className="block">
        {patient.lastVisit ? `Last visit ${patient.lastVisit}` : "No visit yet"}
        {" · "}
        {patient.nextVisit ? `next ${patient.nextVisit}` : "nothing booked"}
      </span>
      {withFamily && patient.dependents.length ? <span className="block">Family: {patient.dependents.map((x) => x.name).join(", ")}</span> : null}
    </span>
  );
}

/**
 * The desk typed a phone or email this clinic already has: show who it belongs to and ask.
 * Nothing was saved; "someone else" sends the same details again with that answer.
 */
function MatchPrompt({ match, carry, submitting }: { match: { message: string; matches: PhonePatient[]; values: Record<string, string> }; carry: Partial<Carried>; submitting: boolean }) {
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
            <Link to={pageUrl({ patient: p.id, ...carry })} className="btn-primary min-h-11 px-4" data-testid="use-existing-patient">
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
