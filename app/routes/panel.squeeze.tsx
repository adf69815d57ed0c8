import { data, redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { z } from "zod";
import { Answer } from "~/components/desk-ui";
import { PatientPicker } from "~/components/desk-patient-picker";
import { PanelHeading } from "~/components/panel-shell";
import { formatDateTime, formatTime } from "~/lib/format";
import { utcToZoned } from "~/lib/zoned-time";
import { requireStaff, type StaffAccess } from "~/modules/auth/guards.server";
import { deskResources } from "~/modules/front-desk/desk-appointments.server";
import { mayOverride, overrideSetting, parseStart, REFUSED_OVERRIDE_MESSAGE, squeezeIn } from "~/modules/front-desk/overrides.server";
import { deskPatientLookup } from "~/modules/front-desk/patient-lookup.server";
import { judgeTime } from "~/modules/scheduling/override-booking.server";
import { readForm } from "~/utils/forms.server";
import { DomainError } from "~/utils/errors.server";

export const meta: MetaFunction = () => [{ title: "Squeeze a visit in · Staff panel" }];

const uuid = z.string().uuid().optional().catch(undefined);
const pageQuery = z.object({
  q: z.string().max(80).optional().catch(undefined),
  patient: uuid,
  dependent: uuid,
  service: uuid,
  doctor: uuid,
  location: uuid,
  start: z.string().max(40).optional().catch(undefined),
});

const localInput = (at: Date, timeZone: string) => {
  const z2 = utcToZoned(at, timeZone);
  return `${z2.date}T${String(Math.floor(z2.minutes / 60)).padStart(2, "0")}:${String(z2.minutes % 60).padStart(2, "0")}`;
};

export async function loader({ request, context }: LoaderFunctionArgs) {
  const { actor, clinic, db, roles } = await requireStaff(request, context, "book");
  if (!mayOverride(roles, await overrideSetting(db))) return data({ refused: REFUSED_OVERRIDE_MESSAGE, page: null }, { status: 403 });
  return { refused: null, page: await squeezePage(request, { actor, clinic, db }) };
}

async function squeezePage(request: Request, { actor, clinic, db }: Pick<StaffAccess, "actor" | "clinic" | "db">) {
  const q = pageQuery.parse(Object.fromEntries(new URL(request.url).searchParams));
  const now = new Date();
  const { search, patient } = await deskPatientLookup(db, clinic, q, actor);
  const resources = await db.tx((tx) => deskResources(tx, clinic.id));
  const start = parseStart(q.start, clinic.timeZone);
  const doctorName = (id: string) => resources.doctors.find((d) => d.id === id)?.name ?? "The doctor";
  // What squeezing in at this time would be, before the desk commits to it.
  let verdict: { words: string; tone: "warn" | "good" } | null = null;
  if (patient && q.service && q.doctor && q.location && start) {
    try {
      const v = await db.tx((tx) => judgeTime(tx, clinic, { serviceId: q.service!, practitionerId: q.doctor!, locationId: q.location!, start }, now));
      verdict =
        v.kind === "double_book"
          ? { tone: "warn", words: `${doctorName(q.doctor)} is busy then${v.overlaps.length ? ` (${v.overlaps.map((o) => `${o.serviceName} at ${formatTime(o.start, clinic.timeZone)}`).join(", ")})` : ""}: this visit will be double-booked on purpose.` }
          : v.kind === "outside_hours"
            ? { tone: "warn", words: `This time is outside ${doctorName(q.doctor)}'s schedule: the visit will be marked as booked outside the schedule.` }
            : { tone: "good", words: "This time is free in the schedule: it will be booked as an ordinary visit." };
    } catch (error) {
      if (!(error instanceof DomainError)) throw error;
      verdict = { tone: "warn", words: error.message };
    }
  }
  const page = {
      q,
      search,
      patient,
      startInput: start ? localInput(start, clinic.timeZone) : "",
      startWords: start ? formatDateTime(start, clinic.timeZone) : null,
      verdict,
      services: resources.services.map((s) => ({ id: s.id, name: s.name })),
      doctors: resources.doctors.filter((d) => d.workStatus !== "inactive").map((d) => ({ id: d.id, name: d.name })),
      locations: resources.locations,
  };
  return page;
}

type SqueezePage = { refused: string | null; page: Awaited<ReturnType<typeof squeezePage>> | null };
type SqueezeAnswer = { ok: false; message: string; field?: string };

export async function action({ request, context }: ActionFunctionArgs) {
  const { actor, clinic, db, roles } = await requireStaff(request, context, "book");
  const form = await readForm(request);
  const answer = await squeezeIn(db, clinic, roles, form, actor);
  if (answer.ok) return redirect(`/panel/appointments/${answer.appointment.id}?done=${encodeURIComponent(answer.message)}`);
  return data(answer, { status: answer.field === "role" ? 403 : 422 });
}

export default function Squeeze() {
  const d = useLoaderData() as SqueezePage;
  const answer = useActionData() as SqueezeAnswer | undefined;
  const nav = useNavigation();
  const busy = nav.state === "submitting";
  if (!d.page) {
    return (
      <>
        <PanelHeading title="Squeeze a visit in" />
        <p role="alert" className="rounded-xl bg-amber-50 p-4 text-sm text-amber-950 ring-1 ring-amber-300" data-testid="override-refused">
          {d.refused}
        </p>
      </>
    );
  }
  const p = d.page;
  const keep = { service: p.q.service, doctor: p.q.doctor, location: p.q.location, start: p.q.start };
  return (
    <>
      <PanelHeading title="Squeeze a visit in">
        <p>Book outside the doctor&apos;s hours, or over another visit of the same doctor, with a reason. A room and the patient&apos;s other bookings are never double-booked.</p>
      </PanelHeading>
      {answer && !answer.ok ? <Answer answer={answer} /> : null}
      {!p.patient ? (
        <PatientPicker search={p.search} keep={keep} newPatientLink="/panel/book" />
      ) : (
        <Form method="post" className="card grid gap-4 p-5 sm:grid-cols-2" aria-label="Squeeze in" data-testid="squeeze-form">
          <input type="hidden" name="patientId" value={p.patient.id} />
          <div className="sm:col-span-2 flex flex-wrap items-center justify-between gap-2">
            <p>
              <span className="block font-semibold text-slate-900">{p.patient.name}</span>
              <span className="block text-sm text-slate-600">{p.patient.phoneDisplay}</span>
            </p>
            <Link to={`?${new URLSearchParams(Object.entries(keep).filter((e): e is [string, string] => Boolean(e[1]))).toString()}`} className="btn-secondary min-h-11 px-4">
              Another patient
            </Link>
          </div>
          {p.patient.dependents.length ? (
            <div className="sm:col-span-2">
              <label htmlFor="sq-dependent" className="field-label">
                The visit is for
              </label>
              <select id="sq-dependent" name="dependentId" defaultValue={p.q.dependent ?? ""} className="field-input min-h-11">
                <option value="">{p.patient.name} (account holder)</option>
                {p.patient.dependents.map((x: { id: string; name: string; relationship: string }) => (
                  <option key={x.id} value={x.id}>
                    {x.name} ({x.relationship})
                  </option>
                ))}
              </select>
            </div>
          ) : null}
          <Choice id="sq-service" name="serviceId" label="Service" value={p.q.service} options={p.services} />
          <Choice id="sq-doctor" name="doctorId" label="Doctor" value={p.q.doctor} options={p.doctors} />
          <Choice id="sq-location" name="locationId" label="Location" value={p.q.location ?? (p.locations.length === 1 ? p.locations[0]!.id : undefined)} options={p.locations} />
          <div>
            <label htmlFor="sq-start" className="field-label">
              Date and time (clinic time)
            </label>
            <input id="sq-start" name="start" type="datetime-local" step={300} required defaultValue={p.startInput} className="field-input min-h-11" aria-invalid={answer && !answer.ok && answer.field === "start" ? true : undefined} />
          </div>
          {p.verdict ? (
            <p className={`sm:col-span-2 rounded-lg px-3 py-2 text-sm ring-1 ${p.verdict.tone === "warn" ? "bg-amber-50 text-amber-950 ring-amber-300" : "bg-emerald-50 text-emerald-900 ring-emerald-200"}`} data-testid="squeeze-verdict">
              {p.startWords ? `${p.startWords}: ` : ""}
              {p.verdict.words}
            </p>
          ) : null}
          <div className="sm:col-span-2">
            <label htmlFor="sq-reason" className="field-label">
              Reason (kept with the visit and in the audit log)
            </label>
            <textarea id="sq-reason" name="reason" rows={2} required minLength={3} maxLength={500} className="field-input" aria-invalid={answer && !answer.ok && answer.field === "reason" ? true : undefined} aria-describedby={answer && !answer.ok && answer.field === "reason" ? "sq-reason-error" : undefined} />
            {answer && !answer.ok && answer.field === "reason" ? (
              <p id="sq-reason-error" className="field-error">
                {answer.message}
              </p>
            ) : null}
          </div>
          <div className="sm:col-span-2">
            <button type="submit" className="btn-primary min-h-11 px-5" disabled={busy}>
              {busy ? "Booking…" : "Squeeze in"}
            </button>
          </div>
        </Form>
      )}
    </>
  );
}

function Choice({ id, name, label, value, options }: { id: string; name: string; label: string; value: string | undefined; options: { id: string; name: string }[] }) {
  return (
    <div>
      <label htmlFor={id} className="field-label">
        {label}
      </label>
      <select id={id} name={name} defaultValue={value ?? ""} required className="field-input min-h-11">
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
