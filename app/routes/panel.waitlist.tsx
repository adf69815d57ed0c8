import { data, redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { Answer } from "~/components/desk-ui";
import { PanelHeading } from "~/components/panel-shell";
import { PatientAlerts } from "~/components/patient-alerts";
import { formatDuration, formatTime } from "~/lib/format";
import { firstFieldError } from "~/lib/form-errors";
import { requireStaff } from "~/modules/auth/guards.server";
import { shortWhen } from "~/modules/front-desk/visit-contact.server";
import { doctorNamesOf, offerGap, offerGapForm, WAITLIST_DAYS, WAITLIST_OFFER_HOURS, waitlistView } from "~/modules/front-desk/waitlist.server";
import type { FlexibleRequestRecord } from "~/modules/scheduling/flexible-requests.server";
import { readForm } from "~/utils/forms.server";

export const meta: MetaFunction = () => [{ title: "Waitlist · Staff panel" }];

const WEEKDAY_WORDS = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];
const dayMonth = (date: string) => new Intl.DateTimeFormat("en-GB", { timeZone: "UTC", day: "numeric", month: "long" }).format(new Date(`${date}T12:00:00Z`));

/** What the patient asked for, in words: "Mon, Wed · 09:00–12:00 · by 15 January · Dr Lee". */
function wishWords(r: FlexibleRequestRecord, doctorNames: Map<string, string>): string {
  const parts: string[] = [];
  parts.push(r.preferredWeekdays.length ? r.preferredWeekdays.map((d) => WEEKDAY_WORDS[d - 1]).join(", ") : "Any day");
  if (r.preferredFrom || r.preferredTo) parts.push(r.preferredFrom && r.preferredTo ? `${r.preferredFrom}–${r.preferredTo}` : r.preferredFrom ? `from ${r.preferredFrom}` : `until ${r.preferredTo}`);
  if (r.earliestDate && r.latestDate) parts.push(`${dayMonth(r.earliestDate)} to ${dayMonth(r.latestDate)}`);
  else if (r.earliestDate) parts.push(`from ${dayMonth(r.earliestDate)}`);
  else if (r.latestDate) parts.push(`by ${dayMonth(r.latestDate)}`);
  parts.push(r.practitionerId ? (doctorNames.get(r.practitionerId) ?? "a chosen doctor") : "any doctor");
  return parts.join(" · ");
}

const nameOf = (r: FlexibleRequestRecord) =>
  r.dependent ? `${r.dependent.firstName} ${r.dependent.lastName} (for ${[r.patient.firstName, r.patient.lastName].filter(Boolean).join(" ") || "the account holder"})` : [r.patient.firstName, r.patient.lastName].filter(Boolean).join(" ") || "Patient";

export async function loader({ request, context }: LoaderFunctionArgs) {
  const { actor, clinic, db } = await requireStaff(request, context, "waitlist");
  const now = new Date();
  const [view, doctorNames] = [await waitlistView(db, clinic, actor, now), await doctorNamesOf(db)];
  const tz = clinic.timeZone;
  const done = new URL(request.url).searchParams.get("done")?.slice(0, 300) ?? null;
  return {
    done,
    days: WAITLIST_DAYS,
    offerHours: WAITLIST_OFFER_HOURS,
    freeMinutes: view.freeMinutes,
    entries: view.entries.map((e) => ({
      id: e.request.id,
      patientName: nameOf(e.request),
      patientAccountId: e.request.patient.id,
      alerts: e.alerts,
      serviceName: e.request.serviceName,
      wish: wishWords(e.request, doctorNames),
      note: e.request.note,
      since: shortWhen(e.request.createdAt, tz),
      matched: e.matched,
      fits: e.fits.map((f) => ({
        key: `${f.doctorId}|${f.gap.start.toISOString()}`,
        doctorName: f.doctorName,
        day: new Intl.DateTimeFormat("en-GB", { timeZone: tz, weekday: "short", day: "numeric", month: "short" }).format(f.gap.start),
        gap: `${formatTime(f.gap.start, tz)}–${formatTime(f.gap.end, tz)}`,
        length: formatDuration(f.gap.minutes),
        offerTime: formatTime(f.offer.start, tz),
        slot: `${f.offer.doctorId}|${f.offer.start.toISOString()}`,
      })),
    })),
    answering: view.answering.map((r) => ({
      id: r.id,
      patientName: nameOf(r),
      alerts: r.alerts,
      serviceName: r.serviceName,
      when: r.proposal ? shortWhen(r.proposal.start, tz) : null,
      doctorName: r.proposal?.practitionerId ? (doctorNames.get(r.proposal.practitionerId) ?? "Doctor") : null,
      until: r.proposal?.expiresAt ? shortWhen(r.proposal.expiresAt, tz) : null,
      kind: r.status === "offered" ? "Offered automatically" : "Offered by the desk",
    })),
  };
}

type OfferAnswer = { ok: false; message: string };

export async function action({ request, context }: ActionFunctionArgs) {
  const { actor, clinic, db } = await requireStaff(request, context, "waitlist");
  const form = offerGapForm.safeParse(await readForm(request));
  if (!form.success) return data<OfferAnswer>({ ok: false, message: firstFieldError(form.error).message }, { status: 400 });
  const answer = await offerGap(db, clinic, form.data, actor);
  if (answer.ok) return redirect(`/panel/waitlist?done=${encodeURIComponent(answer.message)}`);
  return data<OfferAnswer>({ ok: false, message: answer.message }, { status: 409 });
}

export default function Waitlist() {
  const d = useLoaderData<typeof loader>();
  const answer = useActionData<typeof action>() as OfferAnswer | undefined;
  const nav = useNavigation();
  const offering = nav.state === "submitting" ? String(nav.formData?.get("slot") ?? "") : null;
  return (
    <>
      <PanelHeading title="Waitlist">
        <p>
          Patients waiting for a time, next to the free gaps of the next {d.days} days that fit what they asked for. Offering a time asks the patient to accept it within {d.offerHours} hours;
          nothing is held, so it is theirs if it is still free when they accept.
        </p>
      </PanelHeading>
      {d.done && !answer ? <Answer answer={{ ok: true, message: d.done }} /> : null}
      {answer && !answer.ok ? <Answer answer={answer} /> : null}

      <section aria-labelledby="waiting-title">
        <h2 id="waiting-title" className="text-lg font-semibold text-slate-900">
          Waiting for a time <span className="ml-1 rounded-full bg-slate-100 px-2 py-0.5 text-sm font-semibold text-slate-700">{d.entries.length}</span>
        </h2>
        {d.entries.length === 0 ? (
          <p className="card mt-3 p-5 text-slate-700" data-testid="waitlist-empty">
            Nobody is waiting. Patients join from a fully booked day on the booking site, or the desk adds a flexible request for them.
          </p>
        ) : (
          <ul className="mt-3 space-y-3" data-testid="waitlist">
            {d.entries.map((e) => (
              <li key={e.id} className="card grid gap-3 p-4 lg:grid-cols-[minmax(0,2fr)_minmax(0,3fr)]" data-testid="waitlist-entry" data-request-id={e.id}>
                <div className="min-w-0">
                  <Link to={`/panel/patients/${e.patientAccountId}`} className="font-semibold text-slate-900 underline decoration-slate-300 underline-offset-2 hover:decoration-brand">
                    {e.patientName}
                  </Link>
                  {e.alerts.length ? <PatientAlerts alerts={e.alerts} compact className="ml-2" /> : null}
                  <p className="text-sm text-slate-800">{e.serviceName}</p>
                  <p className="text-sm text-slate-600">{e.wish}</p>
                  {e.note ? <p className="mt-1 break-words text-sm text-slate-700">“{e.note}”</p> : null}
                  <p className="mt-1 text-xs text-slate-600">Waiting since {e.since}</p>
                </div>
                <div className="min-w-0">
                  <h3 className="sr-only">Free gaps that fit {e.patientName}</h3>
                  {e.fits.length ? (
                    <ul className="space-y-2" data-testid="waitlist-fits">
                      {e.fits.map((f) => (
                        <li key={f.key} className="flex flex-wrap items-center justify-between gap-2 rounded-lg border border-slate-200 px-3 py-2 text-sm" data-testid="waitlist-fit">
                          <span className="min-w-0">
                            <span className="font-medium text-slate-900">
                              {f.day} · {f.doctorName}
                            </span>
                            <span className="block text-slate-600">
                              Free {f.gap} ({f.length})
                            </span>
                          </span>
                          <Form method="post">
                            <input type="hidden" name="intent" value="offer" />
                            <input type="hidden" name="requestId" value={e.id} />
                            <input type="hidden" name="slot" value={f.slot} />
                            <button type="submit" className="btn-primary min-h-11 px-3" disabled={offering !== null} aria-label={`Offer ${f.offerTime}, ${f.day}, with ${f.doctorName} to ${e.patientName}`}>
                              {offering === f.slot ? "Offering…" : `Offer ${f.offerTime}`}
                            </button>
                          </Form>
                        </li>
                      ))}
                    </ul>
                  ) : (
                    <p className="rounded-lg bg-slate-50 px-3 py-2 text-sm text-slate-600" data-testid="waitlist-no-fit">
                      {!e.matched
                        ? "Not matched yet: answer the older requests first."
                        : d.freeMinutes === 0
                          ? `No doctor has free time in the next ${d.days} days.`
                          : `No free gap in the next ${d.days} days fits this request.`}
                    </p>
                  )}
                </div>
              </li>
            ))}
          </ul>
        )}
      </section>

      <section aria-labelledby="answering-title" className="mt-6">
        <h2 id="answering-title" className="text-lg font-semibold text-slate-900">
          Waiting for the patient's answer <span className="ml-1 rounded-full bg-slate-100 px-2 py-0.5 text-sm font-semibold text-slate-700">{d.answering.length}</span>
        </h2>
        {d.answering.length ? (
          <ul className="card mt-3 divide-y divide-slate-200" data-testid="waitlist-answering">
            {d.answering.map((r) => (
              <li key={r.id} className="px-4 py-3 text-sm">
                <span className="font-semibold text-slate-900">{r.patientName}</span>
                {r.alerts.length ? <PatientAlerts alerts={r.alerts} compact className="ml-2" /> : null}
                <span className="block text-slate-700">
                  {r.serviceName}
                  {r.when ? ` · ${r.when}` : ""}
                  {r.doctorName ? ` with ${r.doctorName}` : ""}
                </span>
                <span className="block text-slate-600">
                  {r.kind}
                  {r.until ? ` · answer due by ${r.until}` : ""}
                </span>
              </li>
            ))}
          </ul>
        ) : (
          <p className="mt-3 text-sm text-slate-600">No time is waiting for a patient's answer.</p>
        )}
      </section>
    </>
  );
}
