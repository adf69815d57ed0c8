import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, Link, useLoaderData, useNavigation } from "@remix-run/react";
import type { ReactNode } from "react";
import { DeskCountsStrip } from "~/components/desk-counts";
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
    counts: board.counts,
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

/** One visit as one compact row: time, patient and service, status pills; check-in beside it on the day itself. */
function VisitRow({ v, checkIn, redirectTo }: { v: View; checkIn: boolean; redirectTo: string }) {
  return (
    <li className={`flex items-stretch gap-1 rounded-lg border bg-white ${v.problem || v.needsMoving ? "border-amber-400" : "border-slate-200"}`}>
      <Link
        to={`/panel/appointments/${v.id}`}
        className="block min-h-11 min-w-0 flex-1 rounded-lg px-2 py-1 text-sm leading-5 hover:bg-slate-50 focus:outline-none focus-visible:ring-2 focus-visible:ring-brand"
        data-testid="board-visit"
        data-appointment-id={v.id}
        title={`${v.time}–${v.endTime} · ${v.patientName} · ${v.serviceName}${v.visitReason ? ` · Reason: ${v.visitReason}` : ""}`}
      >
        <span className="flex items-baseline gap-1.5">
          <span className="shrink-0 font-semibold tabular-nums text-slate-900">{v.time}</span>
          <span className="truncate font-medium text-slate-900">{v.patientName}</span>
        </span>
        {v.alerts.length ? <PatientAlerts alerts={v.alerts} compact className="mt-0.5" /> : null}
        <span className="block truncate text-xs text-slate-600">
          {v.serviceName}
          {v.visitReason ? <span data-testid="board-visit-reason"> · Reason: {v.visitReason}</span> : null}
        </span>
        <span className="mt-0.5 flex flex-wrap gap-1">
          <VisitStatus status={v.status} compact />
          <PaymentPill status={v.paymentStatus} depositMinor={v.depositMinor} compact />
          <NeedsMovingBadge why={v.needsMoving} compact />
        </span>
      </Link>
      {checkIn && v.status === "confirmed" ? (
        <Form method="post" action="/panel/queue" className="flex">
          <input type="hidden" name="intent" value="check-in" />
          <input type="hidden" name="appointmentId" value={v.id} />
          <input type="hidden" name="redirectTo" value={redirectTo} />
          <button type="submit" className="min-h-11 rounded-r-lg border-l border-slate-200 px-2 text-xs font-semibold text-brand hover:bg-brand-soft focus-visible:ring-2 focus-visible:ring-brand" aria-label={`Check in ${v.patientName}`}>
            Check in
          </button>
        </Form>
      ) : null}
    </li>
  );
}

function Line({ v, extra }: { v: View; extra?: string }) {
  return (
    <li className="py-1.5">
      <Link to={`/panel/appointments/${v.id}`} className="font-medium text-slate-900 underline decoration-slate-300 underline-offset-2 hover:decoration-brand">
        {v.patientName}
      </Link>
      {v.alerts.length ? <PatientAlerts alerts={v.alerts} compact className="ml-2" /> : null}
      <span className="block text-xs text-slate-600">
        {v.dayText} {v.time} · {v.serviceName} · {v.doctorName}
        {extra ? ` · ${extra}` : ""}
      </span>
    </li>
  );
}

/** A list that stays short on the board: the first few, the rest one click away. */
function ShortList<T>({ items, render, first = 4 }: { items: T[]; render: (item: T) => ReactNode; first?: number }) {
  return (
    <>
      <ul className="divide-y divide-slate-100">{items.slice(0, first).map(render)}</ul>
      {items.length > first ? (
        <details className="mt-1">
          <summary className="inline-flex min-h-11 cursor-pointer items-center text-sm font-semibold text-brand underline">Show {items.length - first} more</summary>
          <ul className="divide-y divide-slate-100">{items.slice(first).map(render)}</ul>
        </details>
      ) : null}
    </>
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
  const many = data.columns.length > 3;
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
            <Link to="/panel/walk-in" className="btn-secondary min-h-11 px-4">
              Walk-in
            </Link>
            <Link to="/panel/series" className="btn-secondary min-h-11 px-4">
              Book a series
            </Link>
            <Link to="/panel/squeeze" className="btn-secondary min-h-11 px-4">
              Squeeze in
            </Link>
            <a href={`/panel/desk/print${params({ by: null })}`} className="btn-secondary min-h-11 px-4" target="_blank" rel="noreferrer">
              Print day list
            </a>
          </span>
        </div>
        <Form method="get" className="mt-3 flex flex-wrap items-end gap-3" aria-label="Board filters">
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

      <DeskCountsStrip counts={data.counts} />

      <div className="flex flex-wrap items-baseline justify-between gap-2">
        <p className="mb-2 text-sm text-slate-700" data-testid="board-count">
          {data.count} {data.count === 1 ? "visit" : "visits"} {data.onlyNeedsMoving ? (data.count === 1 ? "that needs moving " : "that need moving ") : ""}
          {data.isToday ? "today" : "this day"}
        </p>
        {many ? (
          <p className="mb-2 text-xs text-slate-600" data-testid="board-scroll-cue">
            {data.columns.length} columns: scroll sideways for more →
          </p>
        ) : null}
      </div>
      {data.columns.length ? (
        // The columns scroll inside this box (sideways for many doctors, down for a long day), with their names kept in view.
        <div
          className="max-h-[70vh] overflow-auto rounded-2xl bg-slate-50 ring-1 ring-slate-200 focus-visible:ring-2 focus-visible:ring-brand"
          data-testid="board-columns"
          data-by={data.by}
          tabIndex={0}
          role="region"
          aria-label={`Visits by ${data.by}`}
        >
          <div className="grid min-w-full auto-cols-[minmax(14rem,1fr)] grid-flow-col">
            {data.columns.map((c) => (
              <section key={c.id} aria-labelledby={`col-${c.id}`} className="border-r border-slate-200 last:border-r-0" data-testid="board-column">
                <h2 id={`col-${c.id}`} className="sticky top-0 z-10 flex items-center justify-between gap-2 border-b border-slate-200 bg-slate-100 px-2 py-2 text-sm font-semibold text-slate-900">
                  <span className="truncate" title={c.name}>
                    {c.name}
                  </span>
                  <span className="shrink-0 text-xs text-slate-700">{c.visits.length}</span>
                </h2>
                {c.visits.length ? (
                  <ul className="space-y-1 p-1.5">
                    {c.visits.map((v) => (
                      <VisitRow key={v.id} v={v} checkIn={data.isToday} redirectTo={`/panel/desk${params({})}`} />
                    ))}
                  </ul>
                ) : (
                  <p className="p-2 text-sm text-slate-600">No visits.</p>
                )}
              </section>
            ))}
          </div>
        </div>
      ) : (
        <p className="card p-5 text-slate-700">No doctors or rooms at this location.</p>
      )}

      <div className="mt-4 grid items-start gap-3 md:grid-cols-2 xl:grid-cols-3">
        <Section title="Needs moving" count={data.needsMoving.length} testId="board-needs-moving">
          {data.needsMoving.length ? <ShortList items={data.needsMoving} render={(v) => <Line key={v.id} v={v} extra={`inside ${v.needsMoving}: move or cancel`} />} /> : <Empty>No booked visits fall in time off or a closure.</Empty>}
        </Section>
        <Section title="Waiting for approval" count={data.requested.length} testId="board-requested">
          <p className="-mt-2 mb-1 text-xs text-slate-600">{data.counts.period.label}</p>
          {data.requested.length ? <ShortList items={data.requested} render={(v) => <Line key={v.id} v={v} />} /> : <Empty>No requests waiting.</Empty>}
          {data.requested.length ? (
            <Link to="/panel/requests" className="mt-1 inline-flex min-h-11 items-center font-semibold text-brand underline">
              Answer requests
            </Link>
          ) : null}
        </Section>
        <Section title="Flexible-schedule requests" count={data.flexible.length} testId="board-flexible">
          {data.flexible.length ? (
            <ShortList
              items={data.flexible}
              render={(f) => (
                <li key={f.id} className="py-1.5">
                  <span className="font-medium text-slate-900">{f.patientName}</span>
                  <span className="block text-xs text-slate-600">
                    {f.serviceName}
                    {f.note ? ` · “${f.note}”` : ""}
                  </span>
                </li>
              )}
            />
          ) : (
            <Empty>No open requests.</Empty>
          )}
          <span className="mt-1 flex flex-wrap gap-x-4">
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
        <div id="payment-problems" className="scroll-mt-4">
          <Section title="Card problems" count={data.paymentProblems.length} testId="board-payments">
            <p className="-mt-2 mb-1 text-xs text-slate-600">{data.counts.period.label}</p>
            {data.paymentProblems.length ? <ShortList items={data.paymentProblems} render={(v) => <Line key={v.id} v={v} extra={`${v.deposit ?? ""} — ${v.problem ?? "card problem"}`} />} /> : <Empty>No card problems in this period.</Empty>}
          </Section>
        </div>
        <Section title="Late arrivals" count={data.late.length} testId="board-late">
          {data.late.length ? <ShortList items={data.late} render={(v) => <Line key={v.id} v={v} extra={`${v.lateMinutes} min late`} />} /> : <Empty>{data.isToday ? "Nobody is late." : "Late arrivals show on the day itself."}</Empty>}
        </Section>
        <Section title="Cancellations" count={data.cancellations.length} testId="board-cancellations">
          {data.cancellations.length ? <ShortList items={data.cancellations} render={(v) => <Line key={v.id} v={v} extra={v.cancellationNote ?? undefined} />} /> : <Empty>No cancellations for this day.</Empty>}
        </Section>
        <Section title={data.isToday ? "Free time left today" : "Free time"} testId="board-gaps">
          {data.gaps.some((g) => g.freeMinutes > 0) ? (
            <ul className="space-y-2">
              {data.gaps
                .filter((g) => g.freeMinutes > 0)
                .map((g) => (
                  <li key={g.doctorId} data-testid="gap-doctor">
                    <span className="font-medium text-slate-900">{g.doctorName}</span> <span className="text-slate-600">· {g.free} free</span>
                    <span className="mt-1 flex flex-wrap gap-1">
                      {g.gaps.map((x) => (
                        <span key={x.from} className="rounded-md bg-emerald-50 px-1.5 py-0.5 text-xs font-medium text-emerald-900 ring-1 ring-emerald-200">
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
