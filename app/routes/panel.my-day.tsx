import { type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { PanelHeading } from "~/components/panel-shell";
import { LiveBadge, useLastingAnswer, useLiveRevalidate } from "~/components/queue/live";
import { AnswerBanner, CallForm, StepButton, TicketNumber, WaitLine } from "~/components/queue/ticket-parts";
import { Pill } from "~/components/status-badge";
import { PatientAlerts } from "~/components/patient-alerts";
import { forbidden, requireStaff } from "~/modules/auth/guards.server";
import { formatLocalDay } from "~/lib/format";
import { statusWords } from "~/modules/patient-account/wording";
import { dayParam, doctorDay, type DayVisit } from "~/modules/queue/my-day.server";
import { answer, doctorMembershipOf, doctorQueueForm, invalidForm, type QueueAnswer } from "~/modules/queue/panel.server";
import { callNext, queueStep } from "~/modules/queue/tickets.server";
import { addDays } from "~/lib/zoned-time";
import { readForm } from "~/utils/forms.server";

export const meta: MetaFunction = () => [{ title: "My day · Staff panel" }];

async function doctorOf(request: Request, context: LoaderFunctionArgs["context"]) {
  const { staff, actor, clinic, db } = await requireStaff(request, context, "my-day");
  const doctorId = await doctorMembershipOf(db, staff.id);
  if (!doctorId) throw forbidden();
  return { clinic, doctorId, actor, db };
}

export async function loader({ request, context }: LoaderFunctionArgs) {
  const { clinic, doctorId, actor, db } = await doctorOf(request, context);
  const day = dayParam.safeParse(new URL(request.url).searchParams.get("day") ?? undefined);
  const view = await doctorDay(db, clinic, doctorId, day.success ? day.data : undefined, actor);
  return { ...view, title: formatLocalDay(view.day), previous: addDays(view.day, -1), next: addDays(view.day, 1) };
}

export async function action({ request, context }: ActionFunctionArgs) {
  const { clinic, doctorId, actor, db } = await doctorOf(request, context);
  const form = doctorQueueForm.safeParse(await readForm(request));
  if (!form.success) return invalidForm(form.error);
  const f = form.data;
  if (f.intent === "call-next") return answer(async () => ({ ok: true, message: (await callNext(db, clinic, doctorId, f.roomId, actor)).message }));
  return answer(async () => ({ ok: true, message: (await queueStep(db, clinic, { appointmentId: f.appointmentId, step: f.intent, roomId: f.intent === "call" ? f.roomId : null }, actor, { doctorId })).message }), f.appointmentId);
}

const WEEKDAY = new Intl.DateTimeFormat("en-GB", { timeZone: "UTC", weekday: "short", day: "numeric" });

/** The patient's chart, opened on this visit (a new note is about it unless the doctor chooses another). */
function ChartLink({ id, dependentId, name, visitId }: { id: string | null; dependentId: string | null; name: string; visitId: string }) {
  if (!id) return <span className="font-semibold text-slate-900">{name}</span>;
  const query = new URLSearchParams({ ...(dependentId ? { dependent: dependentId } : {}), visit: visitId });
  return (
    <Link to={`/panel/patients/${id}?${query.toString()}`} className="font-semibold text-slate-900 underline decoration-brand decoration-2 underline-offset-4">
      {name}
    </Link>
  );
}

function WeekGrid({ week, visits, day, today }: { week: string[]; visits: DayVisit[]; day: string; today: string }) {
  const active = visits.filter((v) => v.status !== "no_show");
  const first = Math.min(8 * 60, ...active.map((v) => Math.floor(v.startMin / 60) * 60));
  const last = Math.max(18 * 60, ...active.map((v) => Math.ceil(v.endMin / 60) * 60));
  const hours = Array.from({ length: (last - first) / 60 }, (_, i) => first + i * 60);
  // Tall enough that a 30-minute visit shows its time and the patient's whole name.
  const PX_PER_MIN = 1.6;
  const height = (last - first) * PX_PER_MIN;
  return (
    <div className="overflow-x-auto" data-testid="my-week">
      <div className="grid min-w-[700px] grid-cols-[3rem_repeat(7,minmax(0,1fr))] gap-x-1">
        <div />
        {week.map((d) => (
          <Link key={d} to={`?day=${d}`} className={`rounded-lg px-1 py-2 text-center text-sm font-semibold ${d === day ? "bg-brand text-white" : d === today ? "bg-brand-soft text-slate-900" : "text-slate-700 hover:bg-slate-100"}`} aria-current={d === day ? "date" : undefined}>
            {WEEKDAY.format(new Date(`${d}T12:00:00Z`))}
          </Link>
        ))}
        <div className="relative" style={{ height }}>
          {hours.map((h) => (
            <span key={h} className="absolute right-1 -translate-y-2 text-xs tabular-nums text-slate-500" style={{ top: (h - first) * PX_PER_MIN }}>
              {String(h / 60).padStart(2, "0")}:00
            </span>
          ))}
        </div>
        {week.map((d) => (
          <div key={d} className="relative rounded-lg bg-slate-50 ring-1 ring-slate-200" style={{ height }}>
            {hours.map((h) => (
              <div key={h} className="absolute inset-x-0 border-t border-slate-200" style={{ top: (h - first) * PX_PER_MIN }} />
            ))}
            {visits
              .filter((v) => v.date === d)
              .map((v) => (
                <div
                  key={v.id}
                  className={`absolute inset-x-0.5 overflow-hidden rounded-md px-1 ring-1 ${v.endMin - v.startMin >= 25 ? "py-0.5 text-[11px] leading-tight" : "text-[10px] leading-[11px]"} ${v.status === "completed" ? "bg-slate-200 text-slate-700 ring-slate-300" : v.status === "no_show" ? "bg-white text-slate-500 line-through ring-slate-200" : "bg-brand-soft text-slate-900 ring-brand/40"}`}
                  style={{ top: (v.startMin - first) * PX_PER_MIN, height: Math.max(16, (v.endMin - v.startMin) * PX_PER_MIN - 2) }}
                  title={`${v.time} ${v.patientName} · ${v.serviceName}`}
                  data-testid="my-week-visit"
                  data-patient-name={v.patientName}
                >
                  {/* A short visit shows the whole name alone (its time is where it sits); a longer one adds the time above. */}
                  {v.endMin - v.startMin >= 25 ? <span className="block font-semibold tabular-nums">{v.time}</span> : <span className="sr-only">{v.time} </span>}
                  <span className="block break-words" data-testid="my-week-name">
                    {v.patientName}
                  </span>
                </div>
              ))}
          </div>
        ))}
      </div>
    </div>
  );
}

export default function MyDay() {
  const { day, today, week, visits, queue, locations, title, previous, next, alerts } = useLoaderData<typeof loader>();
  const result = useLastingAnswer(useActionData<typeof action>() as QueueAnswer | undefined);
  const busy = useNavigation().state !== "idle";
  const live = useLiveRevalidate("/panel/queue/events");
  const dayVisits = visits.filter((v) => v.date === day);
  const waiting = queue.filter((t) => t.state === "waiting");
  const current = queue.filter((t) => t.state === "called" || t.state === "in_consultation");

  return (
    <>
      <PanelHeading title="My day">
        <nav aria-label="Day" className="flex flex-wrap items-center gap-2">
          <Link to={`?day=${previous}`} className="btn-secondary min-h-11 px-3" aria-label="Previous day">
            ←
          </Link>
          <span className="text-lg font-semibold text-slate-900" data-testid="my-day-date">
            {title}
          </span>
          <Link to={`?day=${next}`} className="btn-secondary min-h-11 px-3" aria-label="Next day">
            →
          </Link>
          {day !== today ? (
            <Link to="/panel/my-day" className="text-sm font-semibold text-brand underline">
              Today
            </Link>
          ) : null}
          <LiveBadge state={live} />
        </nav>
      </PanelHeading>
      <AnswerBanner answer={result} />

      {day === today ? (
        <section className="card mb-6 p-4" aria-labelledby="my-queue" data-testid="my-queue">
          <h2 id="my-queue" className="text-lg font-semibold text-slate-900">
            My queue
          </h2>
          {current.length ? (
            <ul className="mt-3 space-y-3">
              {current.map((t) => (
                <li key={t.ticketId} className="rounded-xl bg-brand-soft p-4 ring-1 ring-brand/30" data-testid="my-current" data-state={t.state} data-appointment-id={t.appointmentId}>
                  <div className="flex flex-wrap items-center gap-3">
                    <TicketNumber number={t.number} big />
                    <ChartLink id={t.patientAccountId} dependentId={t.dependentId} name={t.patientName} visitId={t.appointmentId} />{" "}
                    <PatientAlerts alerts={t.patientAccountId && !t.dependentId ? alerts[t.patientAccountId] : null} compact />
                    <Pill tone="brand">{t.state === "called" ? `Called to ${t.roomName}` : `In consultation · ${t.roomName}`}</Pill>
                  </div>
                  <p className="mt-1 text-sm text-slate-700">
                    {t.time} · {t.serviceName}
                  </p>
                  <div className="mt-3 flex flex-wrap gap-2">
                    {t.state === "called" ? <StepButton intent="start" appointmentId={t.appointmentId} label="Start visit" tone="primary" busy={busy} /> : <StepButton intent="finish" appointmentId={t.appointmentId} label="Finish visit" tone="primary" busy={busy} />}
                    <StepButton intent="undo" appointmentId={t.appointmentId} label="Undo" busy={busy} />
                  </div>
                </li>
              ))}
            </ul>
          ) : null}
          <div className="mt-4 flex flex-wrap gap-4">
            {locations.map((l) => (
              <div key={l.id} className="min-w-0">
                {locations.length > 1 ? <p className="mb-1 text-sm font-semibold text-slate-700">{l.name}</p> : null}
                <CallForm rooms={l.rooms} busy={busy || !waiting.length} intent="call-next" label="Call next" idSuffix={`next-${l.id}`} />
              </div>
            ))}
          </div>
          <h3 className="mt-5 text-sm font-semibold uppercase tracking-wide text-slate-600">Waiting ({waiting.length})</h3>
          {waiting.length ? (
            <ul className="mt-2 divide-y divide-slate-100" data-testid="my-waiting">
              {waiting.map((t) => (
                <li key={t.ticketId} className="flex flex-wrap items-center justify-between gap-3 py-3" data-testid="my-waiting-ticket" data-appointment-id={t.appointmentId}>
                  <div className="min-w-0">
                    <div className="flex flex-wrap items-center gap-2">
                      <TicketNumber number={t.number} />
                      <ChartLink id={t.patientAccountId} dependentId={t.dependentId} name={t.patientName} visitId={t.appointmentId} />{" "}
                      <PatientAlerts alerts={t.patientAccountId && !t.dependentId ? alerts[t.patientAccountId] : null} compact />
                      {t.late ? <Pill tone="warn">Late</Pill> : null}
                    </div>
                    <p className="text-sm text-slate-600">
                      {t.time} · {t.serviceName} · <WaitLine position={t.position} minutes={t.estimatedWaitMin} />
                    </p>
                  </div>
                </li>
              ))}
            </ul>
          ) : (
            <p className="mt-2 rounded-lg bg-slate-50 px-3 py-3 text-sm text-slate-600" data-testid="my-queue-empty">
              No one is waiting for you right now. Patients appear here as soon as they check in.
            </p>
          )}
        </section>
      ) : null}

      <section className="card mb-6 p-4" aria-labelledby="day-visits">
        <h2 id="day-visits" className="text-lg font-semibold text-slate-900">
          {day === today ? "Today's visits" : "Visits"}
        </h2>
        {dayVisits.length ? (
          <ul className="mt-2 divide-y divide-slate-100" data-testid="my-day-visits">
            {dayVisits.map((v) => (
              <li key={v.id} className="flex flex-wrap items-center justify-between gap-2 py-3">
                <div className="min-w-0">
                  <p>
                    <span className="font-semibold tabular-nums">{v.time}</span> · <ChartLink id={v.patientAccountId} dependentId={v.dependentId} name={v.patientName} visitId={v.id} />{" "}
                    <PatientAlerts alerts={v.patientAccountId && !v.dependentId ? alerts[v.patientAccountId] : null} compact />
                  </p>
                  <p className="text-sm text-slate-600">
                    {v.serviceName} · {v.locationName}
                  </p>
                  {v.visitReason || v.patientNote ? (
                    <p className="mt-1 text-sm text-slate-800" data-testid="visit-reason">
                      <span className="font-semibold">Reason:</span> {[v.visitReason, v.patientNote ? `“${v.patientNote}”` : null].filter(Boolean).join(" · ")}
                    </p>
                  ) : null}
                </div>
                <Pill tone={v.status === "completed" || v.status === "no_show" ? "muted" : "brand"}>{statusWords(v.status).words}</Pill>
              </li>
            ))}
          </ul>
        ) : (
          <p className="mt-2 text-slate-600">No visits on this day.</p>
        )}
      </section>

      <section className="card p-4" aria-labelledby="my-week-title">
        <h2 id="my-week-title" className="mb-3 text-lg font-semibold text-slate-900">
          My week
        </h2>
        <WeekGrid week={week} visits={visits} day={day} today={today} />
      </section>
    </>
  );
}
