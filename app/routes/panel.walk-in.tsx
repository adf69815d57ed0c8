import { data, redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { z } from "zod";
import { Answer } from "~/components/desk-ui";
import { PatientPicker } from "~/components/desk-patient-picker";
import { PanelHeading } from "~/components/panel-shell";
import { formatTime } from "~/lib/format";
import { requireStaff } from "~/modules/auth/guards.server";
import { deskResources } from "~/modules/front-desk/desk-appointments.server";
import { bookWalkIn, mayOverride, overrideSetting, walkInDoctors } from "~/modules/front-desk/overrides.server";
import { deskPatientLookup } from "~/modules/front-desk/patient-lookup.server";
import { createPhonePatient, type PhonePatient } from "~/modules/front-desk/phone-booking.server";
import { walkInStart } from "~/modules/scheduling/override-booking.server";
import { readForm } from "~/utils/forms.server";

export const meta: MetaFunction = () => [{ title: "Walk-in · Staff panel" }];

const uuid = z.string().uuid().optional().catch(undefined);
const pageQuery = z.object({ q: z.string().max(80).optional().catch(undefined), patient: uuid, dependent: uuid, service: uuid, location: uuid });

export async function loader({ request, context }: LoaderFunctionArgs) {
  const { actor, clinic, db, roles } = await requireStaff(request, context, "book");
  const q = pageQuery.parse(Object.fromEntries(new URL(request.url).searchParams));
  const now = new Date();
  const { search, patient } = await deskPatientLookup(db, clinic, q, actor);
  const resources = await db.tx((tx) => deskResources(tx, clinic.id));
  const location = q.location ?? (resources.locations.length === 1 ? resources.locations[0]!.id : undefined);
  const names = new Map(resources.doctors.map((x) => [x.id, x.name]));
  const doctors = patient && q.service && location ? await walkInDoctors(db, clinic, { serviceId: q.service, locationId: location }, now) : null;
  const startNow = walkInStart(now);
  return {
    q,
    location,
    search,
    patient,
    now: formatTime(startNow, clinic.timeZone),
    doctors: doctors
      ? doctors
          .map((x) => ({ id: x.doctorId, name: names.get(x.doctorId) ?? "Doctor", start: x.start?.toISOString() ?? null, time: x.start ? formatTime(x.start, clinic.timeZone) : null, now: x.start?.getTime() === startNow.getTime() }))
          .sort((a, b) => (a.start ?? "9").localeCompare(b.start ?? "9") || a.name.localeCompare(b.name))
      : null,
    mayOverride: mayOverride(roles, await overrideSetting(db)),
    services: resources.services.map((s) => ({ id: s.id, name: s.name })),
    locations: resources.locations,
  };
}

type WalkInActionAnswer = { ok: false; message: string; field?: string; matches?: PhonePatient[] };

export async function action({ request, context }: ActionFunctionArgs) {
  const { actor, clinic, db, roles } = await requireStaff(request, context, "book");
  const form = await readForm(request);
  const values = Object.fromEntries(Object.entries(form).map(([k, v]) => [k, String(v).slice(0, 500)]));
  if (values.intent === "create-patient") {
    const created = await createPhonePatient(db, clinic, values, actor);
    if (!created.ok && created.kind === "match") return data<WalkInActionAnswer>({ ok: false, message: "This phone or email is already on file: choose the patient below.", matches: created.matches });
    if (!created.ok) return data<WalkInActionAnswer>({ ok: false, message: Object.values(created.fieldErrors)[0] ?? "Check the patient's details.", field: Object.keys(created.fieldErrors)[0] }, { status: 400 });
    const back = new URLSearchParams({ patient: created.patientId });
    if (created.dependentId) back.set("dependent", created.dependentId);
    return redirect(`/panel/walk-in?${back.toString()}`);
  }
  const [doctorId, start] = (values.slot ?? "").split("|");
  const answer = await bookWalkIn(db, clinic, roles, { ...values, doctorId: doctorId || values.doctorId, start: start || undefined }, actor);
  if (answer.ok) return redirect(`/panel/appointments/${answer.appointmentId}?done=${encodeURIComponent(answer.message)}`);
  return data<WalkInActionAnswer>(answer, { status: answer.field === "role" ? 403 : 422 });
}

export default function WalkIn() {
  const d = useLoaderData<typeof loader>();
  const answer = useActionData() as WalkInActionAnswer | undefined;
  const nav = useNavigation();
  const busy = nav.state === "submitting";
  const free = d.doctors?.filter((x) => x.start) ?? [];
  return (
    <>
      <PanelHeading title="Walk-in">
        <p>Book a patient who is at the desk and check them in, in one step. The visit starts at the next five-minute mark ({d.now}) or when the doctor is free.</p>
      </PanelHeading>
      {answer && !answer.ok ? <Answer answer={answer} /> : null}
      {answer?.matches?.length ? (
        <ul className="card mb-4 divide-y divide-slate-100 p-4" data-testid="walk-in-matches">
          {answer.matches.map((m) => (
            <li key={m.id} className="flex flex-wrap items-center justify-between gap-2 py-2">
              <span>
                <span className="block font-medium text-slate-900">{m.name}</span>
                <span className="block text-sm text-slate-600">{m.phoneDisplay}</span>
              </span>
              <Link to={`?patient=${m.id}`} className="btn-secondary min-h-11 px-4">
                Use this patient
              </Link>
            </li>
          ))}
        </ul>
      ) : null}
      {!d.patient ? (
        <div className="grid gap-4 lg:grid-cols-2">
          <PatientPicker search={d.search} keep={{}} />
          <section className="card p-5" aria-labelledby="walk-in-new-title">
            <h2 id="walk-in-new-title" className="text-lg font-semibold text-slate-900">
              Or a new patient
            </h2>
            <Form method="post" className="mt-3 space-y-3">
              <input type="hidden" name="intent" value="create-patient" />
              {(
                [
                  ["phone", "Mobile phone", "tel"],
                  ["firstName", "First name", "text"],
                  ["lastName", "Last name", "text"],
                ] as const
              ).map(([name, label, type]) => (
                <div key={name}>
                  <label htmlFor={`wi-${name}`} className="field-label">
                    {label}
                  </label>
                  <input id={`wi-${name}`} name={name} type={type} required className="field-input min-h-11" aria-invalid={answer?.field === name ? true : undefined} />
                </div>
              ))}
              <button type="submit" className="btn-secondary min-h-11 px-4" disabled={busy}>
                Add patient
              </button>
            </Form>
          </section>
        </div>
      ) : (
        <>
          <section className="card mb-4 flex flex-wrap items-center justify-between gap-3 p-4" aria-label="Patient" data-testid="chosen-patient">
            <span>
              <span className="block font-semibold text-slate-900">{d.patient.name}</span>
              <span className="block text-sm text-slate-600">{d.patient.phoneDisplay}</span>
            </span>
            <Link to="/panel/walk-in" className="btn-secondary min-h-11 px-4">
              Another patient
            </Link>
          </section>
          <Form method="get" className="card grid gap-3 p-4 sm:grid-cols-3" aria-label="Service and location">
            <input type="hidden" name="patient" value={d.patient.id} />
            {d.q.dependent ? <input type="hidden" name="dependent" value={d.q.dependent} /> : null}
            <div>
              <label htmlFor="wi-service" className="field-label">
                Service
              </label>
              <select id="wi-service" name="service" defaultValue={d.q.service ?? ""} required className="field-input min-h-11">
                <option value="">Choose a service</option>
                {d.services.map((s) => (
                  <option key={s.id} value={s.id}>
                    {s.name}
                  </option>
                ))}
              </select>
            </div>
            <div>
              <label htmlFor="wi-location" className="field-label">
                Location
              </label>
              <select id="wi-location" name="location" defaultValue={d.location ?? ""} required className="field-input min-h-11">
                <option value="">Choose a location</option>
                {d.locations.map((l) => (
                  <option key={l.id} value={l.id}>
                    {l.name}
                  </option>
                ))}
              </select>
            </div>
            <div className="flex items-end">
              <button type="submit" className="btn-secondary min-h-11 px-4">
                {nav.state === "loading" ? "Looking…" : "Who is free now"}
              </button>
            </div>
          </Form>
          {d.doctors ? (
            <div className="mt-4 grid gap-4 lg:grid-cols-2">
              <Form method="post" className="card p-5" aria-labelledby="free-title" data-testid="walk-in-free">
                <h2 id="free-title" className="text-lg font-semibold text-slate-900">
                  Free doctors
                </h2>
                <input type="hidden" name="patientId" value={d.patient.id} />
                <input type="hidden" name="dependentId" value={d.q.dependent ?? ""} />
                <input type="hidden" name="serviceId" value={d.q.service ?? ""} />
                <input type="hidden" name="locationId" value={d.location ?? ""} />
                {free.length ? (
                  <fieldset className="mt-2">
                    <legend className="field-label">Doctor and start</legend>
                    <div className="mt-2 flex flex-col gap-2">
                      {free.map((x, i) => (
                        <label key={x.id} className="flex min-h-11 cursor-pointer items-center gap-2 rounded-lg border border-slate-300 bg-white px-3 text-sm has-[:checked]:border-brand has-[:checked]:bg-brand-soft has-[:focus-visible]:ring-2 has-[:focus-visible]:ring-brand">
                          <input type="radio" name="slot" value={`${x.id}|${x.start}`} defaultChecked={i === 0} required className="h-4 w-4" />
                          <span>
                            <span className="font-semibold">{x.name}</span> · {x.now ? `now (${x.time})` : `free at ${x.time}`}
                          </span>
                        </label>
                      ))}
                    </div>
                  </fieldset>
                ) : (
                  <p className="mt-2 text-sm text-slate-700" data-testid="walk-in-none-free">
                    No doctor is free for this service in the next two hours.
                  </p>
                )}
                {free.length ? (
                  <button type="submit" className="btn-primary mt-4 min-h-11 px-5" disabled={busy}>
                    {busy ? "Booking…" : "Book and check in"}
                  </button>
                ) : null}
              </Form>
              {d.mayOverride ? (
                <Form method="post" className="card p-5" aria-labelledby="squeeze-title" data-testid="walk-in-squeeze">
                  <h2 id="squeeze-title" className="text-lg font-semibold text-slate-900">
                    Squeeze in now ({d.now})
                  </h2>
                  <p className="mt-1 text-sm text-slate-700">Over the doctor&apos;s other visit or outside their hours, with a reason. The room and the patient&apos;s other bookings still count.</p>
                  <input type="hidden" name="patientId" value={d.patient.id} />
                  <input type="hidden" name="dependentId" value={d.q.dependent ?? ""} />
                  <input type="hidden" name="serviceId" value={d.q.service ?? ""} />
                  <input type="hidden" name="locationId" value={d.location ?? ""} />
                  <label htmlFor="wi-doctor" className="field-label mt-3">
                    Doctor
                  </label>
                  <select id="wi-doctor" name="doctorId" required defaultValue="" className="field-input min-h-11">
                    <option value="">Choose a doctor</option>
                    {d.doctors.map((x) => (
                      <option key={x.id} value={x.id}>
                        {x.name}
                      </option>
                    ))}
                  </select>
                  <label htmlFor="wi-reason" className="field-label mt-3">
                    Reason (kept with the visit and in the audit log)
                  </label>
                  <textarea id="wi-reason" name="reason" rows={2} required minLength={3} maxLength={500} className="field-input" />
                  <button type="submit" className="btn-secondary mt-3 min-h-11 px-4" disabled={busy}>
                    Squeeze in and check in
                  </button>
                </Form>
              ) : (
                <p className="card p-5 text-sm text-slate-700">Only the owner may squeeze a walk-in in over a doctor&apos;s other visits; the owner can allow secretaries in Settings.</p>
              )}
            </div>
          ) : (
            <p className="mt-4 text-sm text-slate-700">Choose the service to see who is free now.</p>
          )}
        </>
      )}
    </>
  );
}
