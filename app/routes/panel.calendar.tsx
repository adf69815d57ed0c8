import { data, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useFetcher, useLoaderData, useNavigation } from "@remix-run/react";
import { visitStatusWords } from "~/components/desk-ui";
import { PanelHeading } from "~/components/panel-shell";
import { TimeGrid, type GridColumn } from "~/components/time-grid";
import { requireStaff } from "~/modules/auth/guards.server";
import { formatLocalDay } from "~/lib/format";
import { calendarQuery, deskCalendar } from "~/modules/front-desk/calendar.server";
import { calendarMoveForm, moveOnCalendar, type CalendarMoveAnswer } from "~/modules/front-desk/calendar-moves.server";
import { SERVICE_TONES, STATUS_TONES } from "~/modules/front-desk/calendar-grid";
import { VISIT_STATUSES } from "~/modules/front-desk/statuses";
import { ON_THE_DIARY } from "~/lib/appointment-status";
import { readForm } from "~/utils/forms.server";
import { firstFieldError } from "~/lib/form-errors";

export const meta: MetaFunction = () => [{ title: "Calendar · Staff panel" }];

/** "Mon 7 Dec": a week's column header that fits a tablet's seven columns. */
const shortDay = (date: string) => new Intl.DateTimeFormat("en-GB", { timeZone: "UTC", weekday: "short", day: "numeric", month: "short" }).format(new Date(`${date}T12:00:00Z`)).replace(",", "");

function weekOf(cal: Awaited<ReturnType<typeof deskCalendar>>) {
  const r = cal.resources;
  const name =
    cal.by === "doctor" ? r.doctors.find((d) => d.id === cal.query.doctor)?.name : cal.by === "room" ? r.rooms.find((x) => x.id === cal.query.room)?.name : r.locations.find((l) => l.id === cal.query.location)?.name;
  return name ? ` · ${name}` : "";
}

export async function loader({ request, context }: LoaderFunctionArgs) {
  const { actor, clinic, db } = await requireStaff(request, context, "calendar");
  const query = calendarQuery.parse(Object.fromEntries(new URL(request.url).searchParams));
  const cal = await deskCalendar(db, clinic, query, actor);
  // A service keeps its colour whatever the filters: its place in the clinic's list picks it.
  const serviceTone = new Map(cal.resources.services.map((s, i) => [s.id, i % SERVICE_TONES.length]));
  const shownServices = new Set(cal.columns.flatMap((c) => c.blocks.map((b) => b.serviceId)));
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
    step: Number(cal.query.step),
    colour: cal.query.colour,
    timeZone: clinic.timeZone,
    today: cal.today,
    nowMinute: cal.nowMinute,
    columns: cal.columns.map((c): GridColumn => ({ ...c, label: cal.view === "week" ? shortDay(c.date) : c.label, dayWords: formatLocalDay(c.date) })),
    locations: cal.resources.locations,
    doctors: cal.resources.doctors.map((d) => ({ id: d.id, name: d.name })),
    rooms: cal.resources.rooms.map((r) => ({ id: r.id, name: r.name })),
    services: cal.resources.services.map((s) => ({ id: s.id, name: s.name, tone: serviceTone.get(s.id) ?? 0, shown: shownServices.has(s.id) })),
  };
}

/** A visit dropped on the grid (or its undo): the reschedule kernel decides, the answer says what happened. */
export async function action({ request, context }: ActionFunctionArgs) {
  const { actor, clinic, db } = await requireStaff(request, context, "calendar");
  const form = calendarMoveForm.safeParse(await readForm(request));
  if (!form.success) return data<CalendarMoveAnswer>({ ok: false, status: 400, ...firstFieldError(form.error) }, { status: 400 });
  const answer = await moveOnCalendar(db, clinic, form.data, actor);
  return data<CalendarMoveAnswer>(answer, { status: answer.ok ? 200 : answer.status });
}

export default function DeskCalendar() {
  const d = useLoaderData<typeof loader>();
  const busy = useNavigation().state === "loading";
  const fetcher = useFetcher<typeof action>();
  const link = (over: Record<string, string | undefined>) => {
    const p = new URLSearchParams();
    const base: Record<string, string | undefined> = {
      view: d.view,
      by: d.by,
      date: d.first,
      location: d.query.location,
      doctor: d.query.doctor,
      room: d.query.room,
      service: d.query.service,
      status: d.query.status,
      needsMoving: d.query.needsMoving,
      step: d.query.step === "15" ? undefined : d.query.step,
      colour: d.colour === "status" ? undefined : d.colour,
      ...over,
    };
    for (const [k, v] of Object.entries(base)) if (v) p.set(k, v);
    return `?${p.toString()}`;
  };
  const choice = (active: boolean) => `btn min-h-11 px-3 ${active ? "btn-primary" : "btn-secondary"}`;
  const byWords = { doctor: "By doctor", room: "By room", location: "By location" } as const;
  return (
    <>
      <PanelHeading title="Calendar">
        <div className="flex flex-wrap items-center gap-2">
          <Link to={link({ date: d.previous })} className="btn-secondary min-h-11 px-3" aria-label={d.view === "week" ? "Previous week" : "Previous day"}>
            ←
          </Link>
          <span className="text-lg font-semibold text-slate-900" data-testid="calendar-title">
            {d.title}
          </span>
          <Link to={link({ date: d.next })} className="btn-secondary min-h-11 px-3" aria-label={d.view === "week" ? "Next week" : "Next day"}>
            →
          </Link>
          <Link to={link({ date: undefined })} className="inline-flex min-h-11 items-center px-1 text-sm font-semibold text-brand underline">
            Today
          </Link>
        </div>
        <div className="mt-3 flex flex-wrap items-center gap-x-4 gap-y-2">
          <span className="flex flex-wrap gap-1" role="group" aria-label="View">
            {(["day", "week"] as const).map((v) => (
              <Link key={v} to={link({ view: v })} aria-current={d.view === v ? "page" : undefined} className={choice(d.view === v)}>
                {v === "day" ? "Day" : "Week"}
              </Link>
            ))}
          </span>
          <span className="flex flex-wrap gap-1" role="group" aria-label="Columns">
            {(["doctor", "room", "location"] as const).map((b) => (
              <Link key={b} to={link({ by: b })} aria-current={d.by === b ? "page" : undefined} className={choice(d.by === b)}>
                {byWords[b]}
              </Link>
            ))}
          </span>
          <span className="flex flex-wrap items-center gap-1" role="group" aria-label="Row size">
            <span className="text-sm font-medium text-slate-700">Rows</span>
            {(["5", "10", "15"] as const).map((s) => (
              <Link key={s} to={link({ step: s === "15" ? undefined : s })} aria-current={d.query.step === s ? "true" : undefined} className={choice(d.query.step === s)}>
                {s} min<span className="sr-only"> rows</span>
              </Link>
            ))}
          </span>
          <span className="flex flex-wrap items-center gap-1" role="group" aria-label="Colour visits by">
            <span className="text-sm font-medium text-slate-700">Colour by</span>
            {(["status", "service"] as const).map((c) => (
              <Link key={c} to={link({ colour: c === "status" ? undefined : c })} aria-current={d.colour === c ? "true" : undefined} className={choice(d.colour === c)}>
                {c === "status" ? "Status" : "Service"}
              </Link>
            ))}
          </span>
        </div>
        <Form method="get" className="mt-4 grid gap-3 sm:grid-cols-2 lg:grid-cols-6" aria-label="Calendar filters">
          <input type="hidden" name="view" value={d.view} />
          <input type="hidden" name="by" value={d.by} />
          <input type="hidden" name="date" value={d.first} />
          {d.query.step !== "15" ? <input type="hidden" name="step" value={d.query.step} /> : null}
          {d.colour !== "status" ? <input type="hidden" name="colour" value={d.colour} /> : null}
          <Filter id="cal-location" name="location" label="Location" value={d.query.location} all={d.view === "week" && d.by === "location" ? null : "All locations"} options={d.locations} />
          {d.by === "doctor" ? (
            <Filter id="cal-doctor" name="doctor" label="Doctor" value={d.query.doctor} all={d.view === "week" ? null : "All doctors"} options={d.doctors} />
          ) : d.by === "room" ? (
            <Filter id="cal-room" name="room" label="Room" value={d.query.room} all={d.view === "week" ? null : "All rooms"} options={d.rooms} />
          ) : null}
          <Filter id="cal-service" name="service" label="Service" value={d.query.service} all="All services" options={d.services} />
          <Filter id="cal-status" name="status" label="Status" value={d.query.status} all="Active visits" options={VISIT_STATUSES.map((s) => ({ id: s, name: visitStatusWords(s) }))} />
          <label className="flex min-h-11 cursor-pointer items-center gap-2 self-end text-sm font-medium text-slate-800">
            <input type="checkbox" name="needsMoving" value="1" defaultChecked={d.query.needsMoving === "1"} className="h-4 w-4 accent-[var(--brand)]" />
            Only visits that need moving
          </label>
          <div className="flex items-end">
            <button type="submit" className="btn-secondary min-h-11 w-full px-4">
              {busy ? "Loading…" : "Apply filters"}
            </button>
          </div>
        </Form>
      </PanelHeading>
      <Legend colour={d.colour} services={d.services.filter((s) => s.shown)} />
      <p className="mb-3 text-sm text-slate-700" id="calendar-help">
        {d.count} {d.count === 1 ? "visit" : "visits"} · times on the clinic&apos;s clock · click an empty time to book it, drag a visit to move it. By keyboard: arrow keys move the cursor, Enter books or opens, M or Space picks a visit up, Enter drops it, Escape cancels.
      </p>
      {d.columns.length ? (
        <TimeGrid
          key={`${d.view}-${d.by}-${d.first}-${d.query.step}`}
          columns={d.columns}
          hours={d.hours}
          step={d.step}
          view={d.view}
          by={d.by}
          colour={d.colour}
          serviceTones={Object.fromEntries(d.services.map((s) => [s.id, s.tone]))}
          timeZone={d.timeZone}
          today={d.today}
          nowMinute={d.nowMinute}
          serviceFilter={d.query.service ?? null}
          fetcher={fetcher}
        />
      ) : (
        <p className="card p-5 text-slate-700">Nothing to show: no {d.by === "room" ? "rooms" : d.by === "location" ? "locations" : "doctors"} match these filters.</p>
      )}
    </>
  );
}

function Legend({ colour, services }: { colour: "status" | "service"; services: { id: string; name: string; tone: number }[] }) {
  const item = "inline-flex items-center gap-1.5";
  const swatch = "inline-block h-3.5 w-3.5 rounded-sm border-l-4";
  return (
    <div className="mb-3 flex flex-wrap gap-x-4 gap-y-1.5 text-xs text-slate-800" aria-label="Legend" role="group" data-testid="calendar-legend">
      {colour === "status"
        ? ON_THE_DIARY.map((s) => (
            <span key={s} className={item}>
              <span className={`${swatch} ${STATUS_TONES[s] ?? ""}`} aria-hidden="true" />
              {visitStatusWords(s)}
            </span>
          ))
        : services.map((s) => (
            <span key={s.id} className={item}>
              <span className={`${swatch} ${SERVICE_TONES[s.tone]}`} aria-hidden="true" />
              {s.name}
            </span>
          ))}
      {colour === "service" && !services.length ? <span>No visits shown</span> : null}
      <span className={item}>
        <span className="inline-block h-3.5 w-3.5 rounded-sm bg-white ring-1 ring-slate-300" aria-hidden="true" />
        Open
      </span>
      <span className={item}>
        <span className="inline-block h-3.5 w-3.5 rounded-sm bg-slate-200 ring-1 ring-slate-300" aria-hidden="true" />
        Closed
      </span>
      <span className={item}>
        <span className="inline-block h-3.5 w-3.5 rounded-sm bg-slate-100 ring-1 ring-slate-300" aria-hidden="true" />
        Not working
      </span>
      <span className={item}>
        <span className="grid-mark-break inline-block h-3.5 w-3.5 rounded-sm ring-1 ring-slate-300" aria-hidden="true" />
        Break
      </span>
      <span className={item}>
        <span className="grid-mark-time_off inline-block h-3.5 w-3.5 rounded-sm ring-1 ring-slate-300" aria-hidden="true" />
        Time off
      </span>
      <span className={item}>
        <span className="grid-mark-closure inline-block h-3.5 w-3.5 rounded-sm ring-1 ring-slate-300" aria-hidden="true" />
        Closure or holiday
      </span>
      <span className={item}>
        <span className="inline-block h-0.5 w-4 bg-red-600" aria-hidden="true" />
        Now
      </span>
      <span className={item}>
        <span className="inline-block h-3.5 w-3.5 rounded-sm ring-2 ring-emerald-700" aria-hidden="true" />
        In progress
      </span>
      <span className={item}>
        <span className="inline-block rounded bg-violet-800 px-1 text-xs font-semibold text-white" aria-hidden="true">
          Squeezed in
        </span>
        Booked outside the schedule or double-booked on purpose
      </span>
    </div>
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
