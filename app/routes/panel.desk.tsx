import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, Link, useLoaderData, useNavigation } from "@remix-run/react";
import { Empty, NeedsMovingBadge, PaymentPill, Section, VisitStatus } from "~/components/desk-ui";
import { PanelHeading } from "~/components/panel-shell";
import { requireStaff } from "~/modules/auth/guards.server";
import { formatDuration, formatLocalDay, formatMoney, formatTime } from "~/lib/format";
import { boardQuery, deskBoard, visitAlerts } from "~/modules/front-desk/board.server";
import { PatientAlerts } from "~/components/patient-alerts";
import type { DeskAppointment } from "~/modules/front-desk/desk-appointments.server";

export const meta: MetaFunction = () => [{ title: "Desk · Staff panel" }];

export async function loader({ request, context }: LoaderFunctionArgs) {
  const { actor, clinic, db } = await requireStaff(request, context, "desk");
  const query = boardQuery.parse(Object.fromEntries(new URL(request.url).searchParams));
  const now = new Date();
  const board = await deskBoard(db, clinic, query, actor, now);
  const tz = clinic.timeZone;
  const view = (a: DeskAppointment) => ({
    id: a.id,
    time: formatTime(a.start, tz),
    endTime: formatTime(a.end, tz),
    status: a.status,
    patientName: a.patientName,
    serviceName: a.serviceName,
    visitReason: a.visitReason,
    doctorName: a.doctorName,
    roomName: a.roomName,
    paymentStatus: a.paymentStatus,
    depositMinor: a.depositMinor,
    deposit: a.depositMinor > 0 ? formatMoney(a.depositMinor, a.currency) : null,
    problem: a.depositProblem,
    dayText: formatLocalDay(new Intl.DateTimeFormat("en-CA", { timeZone: tz }).format(a.start)),
    lateMinutes: Math.max(0, Math.floor((now.getTime() - a.start.getTime()) / 60_000)),
    cancellation: a.cancellationReason,
    cancellationNote: a.cancellationNote,
    needsMoving: a.needsMoving,
    alerts: visitAlerts(board.alerts, a),
  });
  return {
    day: board.day,
    title: formatLocalDay(board.day),
    isToday: board.isToday,
    previous: board.previous,
    next: board.next,
    by: board.by,
    locationId: board.locationId,
    locations: board.resources.locations,
    columns: board.columns.map((c) => ({ id: c.id, name: c.name, visits: c.visits.map(view) })),
    count: board.visits.length,
    requested: board.requested.map(view),
    flexible: board.flexible.map((f) => ({
      id: f.id,
      patientName: f.dependent ? `${f.dependent.firstName} ${f.dependent.lastName}` : [f.patient.firstName, f.patient.lastName].filter(Boolean).join(" ") || "Patient",
      serviceName: f.serviceName,
      note: f.note,
    })),
    paymentProblems: board.paymentProblems.map(view),
    cancellations: board.cancellations.map(view),
    late: board.late.map(view),
    needsMoving: board.needsMoving.map(view),
    onlyNeedsMoving: query.needsMoving === "1",
    gaps: board.gaps.map((g) => ({
      doctorId: g.doctorId,
      doctorName: g.doctorName,
      free: formatDuration(g.freeMinutes),
      freeMinutes: g.freeMinutes,
      gaps: g.gaps.map((x) => ({ from: formatTime(x.start, tz), to: formatTime(x.end, tz), length: formatDuration(x.minutes) })),
    })),
  };
}

type View = ReturnType<typeof useLoaderData<typeof loader>>["requested"][number];

function VisitCard({ v, checkIn, redirectTo }: { v: View; checkIn: boolean; redirectTo: string }) {
  return (
    <li className="space-y-1">
      <Link
        to={`/panel/appointments/${v.id}`}
        className={`block min-h-11 rounded-xl border bg-white p-3 text-sm shadow-sm hover:border-brand focus:outline-none focus-visible:ring-2 focus-visible:ring-brand ${v.problem || v.needsMoving ? "border-amber-400" : "border-slate-200"}`}
        data-testid="board-visit"
        data-appointment-id={v.id}
      >
        <span className="block font-semibold text-slate-900">
          <span className="tabular-nums">{v.time}</span> · {v.patientName}
        </span>
        {v.alerts.length ? <PatientAlerts alerts={v.alerts} compact className="mt-1" /> : null}
        <span className="block text-slate-600">{v.serviceName}</span>
        {v.visitReason ? (
          <span className="block text-slate-800" data-testid="board-visit-reason">
            Reason: {v.visitReason}
          </span>
        ) : null}
        <span className="mt-2 flex flex-wrap gap-1.5">
          <VisitStatus status={v.status} />
          <PaymentPill status={v.paymentStatus} depositMinor={v.depositMinor} />
          <NeedsMovingBadge why={v.needsMoving} />
        </span>
      </Link>
      {checkIn && v.status === "confirmed" ? (
        <Form method="post" action="/panel/queue">
          <input type="hidden" name="intent" value="check-in" />
          <input type="hidden" name="appointmentId" value={v.id} />
          <input type="hidden" name="redirectTo" value={redirectTo} />
          <button type="submit" className="btn-secondary min-h-11 w-full px-3" aria-label={`Check in ${v.patientName}`}>
            Check in
          </button>
        </Form>
      ) : null}
    </li>
  );
}

function Line({ v, extra }: { v: View; extra?: string }) {
  return (
    <li className="py-2">
      <Link to={`/panel/appointments/${v.id}`} className="font-medium text-slate-900 underline decoration-slate-300 underline-offset-2 hover:decoration-brand">
        {v.patientName}
      </Link>
      {v.alerts.length ? <PatientAlerts alerts={v.alerts} compact className="ml-2" /> : null}
      <span className="block text-slate-600">
        {v.dayText} {v.time} · {v.serviceName} · {v.doctorName}
        {extra ? ` · ${extra}` : ""}
      </span>
    </li>
  );
}

export default function DeskBoard() {
  const data = useLoaderData<typeof loader>();
  const busy = useNavigation().state === "loading";
  const params = (over: Record<string, string | null>) => {
    const p = new URLSearchParams();
    const base: Record<string, string | null> = { day: data.day, location: data.locationId, by: data.by, needsMoving: data.onlyNeedsMoving ? "1" : null, ...over };
    for (const [k, v] of Object.entries(base)) if (v) p.set(k, v);
    return `?${p.toString()}`;
  };
  return (
    <>
      <PanelHeading title="Desk">
        <div className="flex flex-wrap items-center gap-2">
          <Link to={params({ day: data.previous })} className="btn-secondary min-h-11 px-3" aria-label="Previous day">
            ←
          </Link>
          <span className="text-lg font-semibold text-slate-900" data-testid="board-day">
            {data.title}
            {data.isToday ? " (today)" : ""}
          </span>
          <Link to={params({ day: data.next })} className="btn-secondary min-h-11 px-3" aria-label="Next day">
            →
          </Link>
          {!data.isToday ? (
            <Link to={params({ day: null })} className="text-sm font-semibold text-brand underline">
              Today
            </Link>
          ) : null}
          <span className="ml-auto flex flex-wrap gap-2">
            <Link to="/panel/book" className="btn-primary min-h-11 px-4">
              Book by phone
            </Link>
            <a href={`/panel/desk/print${params({ by: null })}`} className="btn-secondary min-h-11 px-4" target="_blank" rel="noreferrer">
              Print day list
            </a>
          </span>
        </div>
        <Form method="get" className="mt-4 flex flex-wrap items-end gap-3" aria-label="Board filters">
          <input type="hidden" name="day" value={data.day} />
          <div>
            <label htmlFor="board-location" className="field-label">
              Location
            </label>
            <select id="board-location" name="location" defaultValue={data.locationId ?? ""} className="field-input min-h-11">
              <option value="">All locations</option>
              {data.locations.map((l) => (
                <option key={l.id} value={l.id}>
                  {l.name}
                </option>
              ))}
            </select>
          </div>
          <fieldset className="flex gap-1">
            <legend className="field-label">Columns</legend>
            {(["doctor", "room"] as const).map((by) => (
              <label key={by} className={`mt-1 flex min-h-11 cursor-pointer items-center rounded-lg border px-3 text-sm font-medium has-[:focus-visible]:ring-2 has-[:focus-visible]:ring-brand ${data.by === by ? "border-brand bg-brand-soft" : "border-slate-300 bg-white"}`}>
                <input type="radio" name="by" value={by} defaultChecked={data.by === by} className="sr-only" />
                By {by}
              </label>
            ))}
          </fieldset>
          <label className="flex min-h-11 cursor-pointer items-center gap-2 text-sm font-medium text-slate-800">
            <input type="checkbox" name="needsMoving" value="1" defaultChecked={data.onlyNeedsMoving} className="h-4 w-4 accent-[var(--brand)]" />
            Only visits that need moving
          </label>
          <button type="submit" className="btn-secondary min-h-11 px-4">
            {busy ? "Loading…" : "Show"}
          </button>
        </Form>
      </PanelHeading>

      <p className="mb-3 text-sm text-slate-700" data-testid="board-count">
        {data.count} {data.count === 1 ? "visit" : "visits"} {data.onlyNeedsMoving ? (data.count === 1 ? "that needs moving " : "that need moving ") : ""}
        {data.isToday ? "today" : "this day"}
      </p>
      {data.columns.length ? (
        <div className="-mx-4 overflow-x-auto px-4 pb-2 sm:mx-0 sm:px-0" data-testid="board-columns" data-by={data.by}>
          <div className="grid auto-cols-[minmax(13rem,1fr)] grid-flow-col gap-3">
            {data.columns.map((c) => (
              <section key={c.id} aria-labelledby={`col-${c.id}`} className="rounded-2xl bg-slate-50 p-3 ring-1 ring-slate-200" data-testid="board-column">
                <h2 id={`col-${c.id}`} className="flex items-center justify-between text-sm font-semibold text-slate-900">
                  <span>{c.name}</span>
                  <span className="text-xs text-slate-600">{c.visits.length}</span>
                </h2>
                {c.visits.length ? (
                  <ul className="mt-2 space-y-2">
                    {c.visits.map((v) => (
                      <VisitCard key={v.id} v={v} checkIn={data.isToday} redirectTo={`/panel/desk${params({})}`} />
                    ))}
                  </ul>
                ) : (
                  <p className="mt-2 text-sm text-slate-600">No visits.</p>
                )}
              </section>
            ))}
          </div>
        </div>
      ) : (
        <p className="card p-5 text-slate-700">No doctors or rooms at this location.</p>
      )}

      <div className="mt-6 grid gap-4 md:grid-cols-2">
        <Section title="Needs moving" count={data.needsMoving.length} testId="board-needs-moving">
          {data.needsMoving.length ? (
            <ul className="divide-y divide-slate-100">
              {data.needsMoving.map((v) => (
                <Line key={v.id} v={v} extra={`inside ${v.needsMoving}: move or cancel`} />
              ))}
            </ul>
          ) : (
            <Empty>No booked visits fall in time off or a closure.</Empty>
          )}
        </Section>
        <Section title="Waiting for approval" count={data.requested.length} testId="board-requested">
          {data.requested.length ? (
            <ul className="divide-y divide-slate-100">
              {data.requested.slice(0, 6).map((v) => (
                <Line key={v.id} v={v} />
              ))}
            </ul>
          ) : (
            <Empty>No requests waiting.</Empty>
          )}
          {data.requested.length ? (
            <Link to="/panel/requests" className="mt-2 inline-flex min-h-11 items-center font-semibold text-brand underline">
              {data.requested.length > 6 ? `Answer all ${data.requested.length} requests` : "Answer requests"}
            </Link>
          ) : null}
        </Section>
        <Section title="Flexible-schedule requests" count={data.flexible.length} testId="board-flexible">
          {data.flexible.length ? (
            <ul className="divide-y divide-slate-100">
              {data.flexible.map((f) => (
                <li key={f.id} className="py-2">
                  <span className="font-medium text-slate-900">{f.patientName}</span>
                  <span className="block text-slate-600">
                    {f.serviceName}
                    {f.note ? ` · “${f.note}”` : ""}
                  </span>
                </li>
              ))}
            </ul>
          ) : (
            <Empty>No open requests.</Empty>
          )}
          <span className="mt-2 flex flex-wrap gap-x-4">
            {data.flexible.length ? (
              <Link to="/panel/requests" className="inline-flex min-h-11 items-center font-semibold text-brand underline">
                Propose times
              </Link>
            ) : null}
            <Link to="/panel/waitlist" className="inline-flex min-h-11 items-center font-semibold text-brand underline" data-testid="board-waitlist-link">
              Waitlist and free gaps
            </Link>
          </span>
        </Section>
        <Section title="Payment problems" count={data.paymentProblems.length} testId="board-payments">
          {data.paymentProblems.length ? (
            <ul className="divide-y divide-slate-100">
              {data.paymentProblems.map((v) => (
                <Line key={v.id} v={v} extra={`${v.deposit ?? ""} — ${v.problem ?? "card problem"}`} />
              ))}
            </ul>
          ) : (
            <Empty>No failed deposits in the next two weeks.</Empty>
          )}
        </Section>
        <Section title="Late arrivals" count={data.late.length} testId="board-late">
          {data.late.length ? (
            <ul className="divide-y divide-slate-100">
              {data.late.map((v) => (
                <Line key={v.id} v={v} extra={`${v.lateMinutes} min late`} />
              ))}
            </ul>
          ) : (
            <Empty>{data.isToday ? "Nobody is late." : "Late arrivals show on the day itself."}</Empty>
          )}
        </Section>
        <Section title="Cancellations" count={data.cancellations.length} testId="board-cancellations">
          {data.cancellations.length ? (
            <ul className="divide-y divide-slate-100">
              {data.cancellations.map((v) => (
                <Line key={v.id} v={v} extra={v.cancellationNote ?? undefined} />
              ))}
            </ul>
          ) : (
            <Empty>No cancellations for this day.</Empty>
          )}
        </Section>
        <Section title={data.isToday ? "Free time left today" : "Free time"} testId="board-gaps">
          {data.gaps.some((g) => g.freeMinutes > 0) ? (
            <ul className="space-y-3">
              {data.gaps
                .filter((g) => g.freeMinutes > 0)
                .map((g) => (
                  <li key={g.doctorId} data-testid="gap-doctor">
                    <span className="font-medium text-slate-900">{g.doctorName}</span> <span className="text-slate-600">· {g.free} free</span>
                    <span className="mt-1 flex flex-wrap gap-1.5">
                      {g.gaps.map((x) => (
                        <span key={x.from} className="rounded-md bg-emerald-50 px-2 py-0.5 text-xs font-medium text-emerald-900 ring-1 ring-emerald-200">
                          {x.from}–{x.to}
                        </span>
                      ))}
                    </span>
                  </li>
                ))}
            </ul>
          ) : (
            <Empty>No free time left on this day.</Empty>
          )}
        </Section>
      </div>
    </>
  );
}
