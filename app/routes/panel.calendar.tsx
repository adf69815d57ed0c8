import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, Link, useLoaderData, useNavigation } from "@remix-run/react";
import { visitStatusWords } from "~/components/desk-ui";
import { PanelHeading } from "~/components/panel-shell";
import { requireStaff } from "~/modules/auth/guards.server";
import { formatLocalDay } from "~/lib/format";
import { calendarQuery, deskCalendar } from "~/modules/front-desk/calendar.server";
import { VISIT_STATUSES } from "~/modules/front-desk/statuses";

export const meta: MetaFunction = () => [{ title: "Calendar · Staff panel" }];

function weekOf(cal: Awaited<ReturnType<typeof deskCalendar>>) {
  const name = cal.by === "doctor" ? cal.resources.doctors.find((d) => d.id === cal.query.doctor)?.name : cal.resources.rooms.find((r) => r.id === cal.query.room)?.name;
  return name ? ` · ${name}` : "";
}

export async function loader({ request, context }: LoaderFunctionArgs) {
  const { actor, clinic, db } = await requireStaff(request, context, "calendar");
  const query = calendarQuery.parse(Object.fromEntries(new URL(request.url).searchParams));
  const cal = await deskCalendar(db, clinic, query, actor);
  return {
    view: cal.view,
    by: cal.by,
    date: cal.date,
    first: cal.first,
    previous: cal.previous,
    next: cal.next,
    title: cal.view === "week" ? `Week of ${formatLocalDay(cal.first)}${weekOf(cal)}` : formatLocalDay(cal.first),
    hours: cal.hours,
    count: cal.count,
    query: cal.query,
    columns: cal.columns.map((c) => ({ ...c, label: cal.view === "week" ? formatLocalDay(c.date) : c.label })),
    locations: cal.resources.locations,
    doctors: cal.resources.doctors.map((d) => ({ id: d.id, name: d.name })),
    rooms: cal.resources.rooms.map((r) => ({ id: r.id, name: r.name })),
    services: cal.resources.services.map((s) => ({ id: s.id, name: s.name })),
  };
}

const TONE: Record<string, string> = {
  requested: "border-amber-500 bg-amber-50",
  confirmed: "border-brand bg-brand-soft",
  checked_in: "border-emerald-600 bg-emerald-50",
  in_consultation: "border-emerald-700 bg-emerald-100",
  completed: "border-slate-400 bg-slate-100",
  no_show: "border-slate-400 bg-white line-through",
  cancelled: "border-slate-300 bg-white line-through",
  declined: "border-slate-300 bg-white line-through",
};

export default function DeskCalendar() {
  const data = useLoaderData<typeof loader>();
  const busy = useNavigation().state === "loading";
  const [startHour, endHour] = data.hours;
  // A 15-minute visit stays readable: two lines of text.
  const PX_PER_MIN = data.view === "week" ? 1.6 : 2;
  const height = (endHour - startHour) * 60 * PX_PER_MIN;
  const link = (over: Record<string, string | undefined>) => {
    const p = new URLSearchParams();
    const base: Record<string, string | undefined> = { view: data.view, by: data.by, date: data.first, location: data.query.location, doctor: data.query.doctor, room: data.query.room, service: data.query.service, status: data.query.status, needsMoving: data.query.needsMoving, ...over };
    for (const [k, v] of Object.entries(base)) if (v) p.set(k, v);
    return `?${p.toString()}`;
  };
  const hourLabels = Array.from({ length: endHour - startHour }, (_, i) => startHour + i);
  return (
    <>
      <PanelHeading title="Calendar">
        <div className="flex flex-wrap items-center gap-2">
          <Link to={link({ date: data.previous })} className="btn-secondary min-h-11 px-3" aria-label={data.view === "week" ? "Previous week" : "Previous day"}>
            ←
          </Link>
          <span className="text-lg font-semibold text-slate-900" data-testid="calendar-title">
            {data.title}
          </span>
          <Link to={link({ date: data.next })} className="btn-secondary min-h-11 px-3" aria-label={data.view === "week" ? "Next week" : "Next day"}>
            →
          </Link>
          <Link to={link({ date: undefined })} className="text-sm font-semibold text-brand underline">
            Today
          </Link>
          <span className="ml-auto flex gap-1" role="group" aria-label="View">
            {(["day", "week"] as const).map((v) => (
              <Link key={v} to={link({ view: v })} aria-current={data.view === v ? "page" : undefined} className={`btn min-h-11 px-4 ${data.view === v ? "btn-primary" : "btn-secondary"}`}>
                {v === "day" ? "Day" : "Week"}
              </Link>
            ))}
            {(["doctor", "room"] as const).map((b) => (
              <Link key={b} to={link({ by: b })} aria-current={data.by === b ? "page" : undefined} className={`btn min-h-11 px-4 ${data.by === b ? "btn-primary" : "btn-secondary"}`}>
                By {b}
              </Link>
            ))}
          </span>
        </div>
        <Form method="get" className="mt-4 grid gap-3 sm:grid-cols-2 lg:grid-cols-6" aria-label="Calendar filters">
          <input type="hidden" name="view" value={data.view} />
          <input type="hidden" name="by" value={data.by} />
          <input type="hidden" name="date" value={data.first} />
          <Filter id="cal-location" name="location" label="Location" value={data.query.location} all="All locations" options={data.locations} />
          {data.by === "doctor" ? (
            <Filter id="cal-doctor" name="doctor" label="Doctor" value={data.query.doctor} all={data.view === "week" ? null : "All doctors"} options={data.doctors} />
          ) : (
            <Filter id="cal-room" name="room" label="Room" value={data.query.room} all={data.view === "week" ? null : "All rooms"} options={data.rooms} />
          )}
          <Filter id="cal-service" name="service" label="Service" value={data.query.service} all="All services" options={data.services} />
          <Filter id="cal-status" name="status" label="Status" value={data.query.status} all="Active visits" options={VISIT_STATUSES.map((s) => ({ id: s, name: visitStatusWords(s) }))} />
          <label className="flex min-h-11 cursor-pointer items-center gap-2 self-end text-sm font-medium text-slate-800">
            <input type="checkbox" name="needsMoving" value="1" defaultChecked={data.query.needsMoving === "1"} className="h-4 w-4 accent-[var(--brand)]" />
            Only visits that need moving
          </label>
          <div className="flex items-end">
            <button type="submit" className="btn-secondary min-h-11 w-full px-4">
              {busy ? "Loading…" : "Apply filters"}
            </button>
          </div>
        </Form>
      </PanelHeading>
      <p className="mb-3 text-sm text-slate-700">
        {data.count} {data.count === 1 ? "visit" : "visits"} · times on the clinic&apos;s clock
      </p>
      {data.columns.length ? (
        <div className="-mx-4 overflow-x-auto px-4 pb-3 sm:mx-0 sm:px-0">
          <div className="grid min-w-max gap-x-2" style={{ gridTemplateColumns: `3.5rem repeat(${data.columns.length}, minmax(${data.view === "week" ? "7rem" : "10rem"}, 1fr))` }} data-testid="calendar-grid" data-view={data.view}>
            <div />
            {data.columns.map((c) => (
              <h2 key={c.key} className="sticky top-0 z-10 truncate bg-white pb-2 text-sm font-semibold text-slate-900" title={c.label}>
                {c.label}
              </h2>
            ))}
            <div className="relative" style={{ height }} aria-hidden="true">
              {hourLabels.map((h) => (
                <span key={h} className="absolute right-1 -translate-y-2 text-xs tabular-nums text-slate-500" style={{ top: (h - startHour) * 60 * PX_PER_MIN }}>
                  {String(h).padStart(2, "0")}:00
                </span>
              ))}
            </div>
            {data.columns.map((c) => (
              <ol
                key={c.key}
                aria-label={`${c.label}: ${c.blocks.length} ${c.blocks.length === 1 ? "visit" : "visits"}`}
                className="relative rounded-lg bg-[repeating-linear-gradient(to_bottom,theme(colors.slate.200)_0,theme(colors.slate.200)_1px,transparent_1px,transparent_var(--hour))] ring-1 ring-slate-200"
                style={{ height, ["--hour" as string]: `${60 * PX_PER_MIN}px` }}
                data-testid="calendar-column"
                data-date={c.date}
              >
                {c.blocks.map((b) => (
                  <li
                    key={b.id}
                    className="absolute p-0.5"
                    style={{ top: (b.top - startHour * 60) * PX_PER_MIN, height: Math.max(24, (b.bottom - b.top) * PX_PER_MIN), left: `${(b.lane / b.lanes) * 100}%`, width: `${100 / b.lanes}%` }}
                  >
                    <Link
                      to={`/panel/appointments/${b.id}`}
                      className={`block h-full overflow-hidden rounded-md border-l-4 px-1.5 py-0.5 text-xs leading-tight text-slate-900 shadow-sm hover:ring-2 hover:ring-brand focus:outline-none focus-visible:ring-2 focus-visible:ring-brand ${TONE[b.status] ?? "border-slate-400 bg-white"} ${b.needsMoving ? "ring-2 ring-amber-500" : ""}`}
                      data-testid="calendar-block"
                      data-needs-moving={b.needsMoving ? "true" : undefined}
                      data-top={b.top}
                      data-appointment-id={b.id}
                    >
                      <span className="font-semibold tabular-nums">{b.time}</span>
                      <span className="sr-only">–{b.endTime}</span> {b.patientName}
                      <span className="block truncate text-slate-700">{b.serviceName}</span>
                      {b.needsMoving ? (
                        <span className="mt-0.5 inline-block rounded bg-amber-100 px-1 font-semibold text-amber-950" title={`Needs moving: ${b.needsMoving}`} data-testid="visit-needs-moving">
                          Needs moving
                        </span>
                      ) : null}
                      <span className="sr-only">
                        , {data.by === "room" ? b.doctorName : (b.roomName ?? "no room")}, {visitStatusWords(b.status)}
                      </span>
                    </Link>
                  </li>
                ))}
              </ol>
            ))}
          </div>
        </div>
      ) : (
        <p className="card p-5 text-slate-700">Nothing to show: no {data.by === "room" ? "rooms" : "doctors"} match these filters.</p>
      )}
    </>
  );
}

function Filter({ id, name, label, value, all, options }: { id: string; name: string; label: string; value: string | undefined; all: string | null; options: { id: string; name: string }[] }) {
  return (
    <div>
      <label htmlFor={id} className="field-label">
        {label}
      </label>
      <select id={id} name={name} defaultValue={value ?? ""} className="field-input min-h-11">
        {all ? <option value="">{all}</option> : null}
        {options.map((o) => (
          <option key={o.id} value={o.id}>
            {o.name}
          </option>
        ))}
      </select>
    </div>
  );
}
