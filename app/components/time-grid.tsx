/**
 * The desk's time grid: columns (doctors, rooms, locations or the days of a week) over rows of 5,
 * 10 or 15 minutes. The server lays out everything (hours, marks, visit blocks); the browser adds
 * only what needs it: click an empty time to book it, drag a visit to move it, and a keyboard
 * cursor (arrows, Enter, M or Space to pick a visit up, Escape). Moves go to the page's action
 * through a fetcher; the answer comes back as "Moved to Tue 8 Dec 10:30 · Undo".
 */
import { useNavigate, type FetcherWithComponents } from "@remix-run/react";
import { useEffect, useRef, useState, type KeyboardEvent as ReactKeyboardEvent, type PointerEvent as ReactPointerEvent } from "react";
import { visitStatusWords } from "~/components/desk-ui";
import { zonedToUtc } from "~/lib/zoned-time";
import { clock, gapsOutside, paymentWords, SERVICE_TONES, STATUS_TONES, type CalendarBlock, type CalendarColumn, type CalendarMoveAnswer, type CalendarSpan } from "~/modules/front-desk/calendar-grid";

export type GridColumn = CalendarColumn & { dayWords: string };

interface Props {
  columns: GridColumn[];
  hours: [number, number];
  step: number;
  view: "day" | "week";
  by: "doctor" | "room" | "location";
  colour: "status" | "service";
  serviceTones: Record<string, number>;
  timeZone: string;
  today: string;
  nowMinute: number;
  serviceFilter: string | null;
  fetcher: FetcherWithComponents<unknown>;
}

/** Every row is this tall, whatever its minutes. */
const ROW_PX = 24;

interface Target {
  col: number;
  minute: number;
}

interface PendingMove extends Target {
  block: CalendarBlock;
}

/** The booking page, preset to a time in a column (its doctor, location or room). */
export function bookingLink(column: CalendarColumn, minute: number, timeZone: string, service: string | null): string {
  const p = new URLSearchParams();
  if (service) p.set("service", service);
  if (column.book.doctor) p.set("doctor", column.book.doctor);
  if (column.book.location) p.set("location", column.book.location);
  if (column.book.room) p.set("room", column.book.room);
  p.set("start", zonedToUtc(column.date, minute, timeZone).toISOString());
  return `/panel/book?${p.toString()}`;
}

export function TimeGrid(props: Props) {
  const { columns, hours, step, view, colour, serviceTones, timeZone, today, serviceFilter, fetcher } = props;
  const navigate = useNavigate();
  const ppm = ROW_PX / step;
  const startMin = hours[0] * 60;
  const endMin = hours[1] * 60;
  const height = (endMin - startMin) * ppm;
  const scrollRef = useRef<HTMLDivElement>(null);
  const columnRefs = useRef<(HTMLDivElement | null)[]>([]);
  const dialogRef = useRef<HTMLDialogElement>(null);
  const [nowMinute, setNowMinute] = useState(props.nowMinute);
  const [cursor, setCursor] = useState<Target>(() => ({ col: 0, minute: snap(columns.some((c) => c.date === today) ? props.nowMinute : (columns[0]?.shifts?.[0]?.from ?? columns[0]?.open[0]?.from ?? startMin)) }));
  const [focused, setFocused] = useState(false);
  const [carrying, setCarrying] = useState<PendingMove | null>(null);
  const [drag, setDrag] = useState<PendingMove | null>(null);
  const [hover, setHover] = useState<Target | null>(null);
  const [asking, setAsking] = useState<PendingMove | null>(null);
  const [pending, setPending] = useState<PendingMove | null>(null);
  const [announcement, setAnnouncement] = useState("");
  const [answerShown, setAnswerShown] = useState(true);
  const suppressClick = useRef(false);

  function snap(minute: number) {
    return Math.max(startMin, Math.min(endMin - step, Math.floor(minute / step) * step));
  }

  const answer = fetcher.data as CalendarMoveAnswer | undefined;
  useEffect(() => {
    if (fetcher.state === "idle") setPending(null);
  }, [fetcher.state]);
  useEffect(() => {
    if (answer) {
      setAnswerShown(true);
      setAnnouncement(answer.message);
    }
  }, [answer]);

  // The now-line follows the clock without reloading the page.
  useEffect(() => {
    const timer = window.setInterval(() => {
      const parts = new Intl.DateTimeFormat("en-GB", { timeZone, hour: "2-digit", minute: "2-digit", hourCycle: "h23" }).format(new Date()).split(":").map(Number);
      setNowMinute(parts[0]! * 60 + parts[1]!);
    }, 60_000);
    return () => window.clearInterval(timer);
  }, [timeZone]);

  // Open on the cursor's time (now on today, else the first working hour), not at midnight.
  useEffect(() => {
    const el = scrollRef.current;
    if (el) el.scrollTop = Math.max(0, (cursor.minute - startMin - 30) * ppm);
    // Only on the first render of this grid.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);

  const blockAt = (col: number, minute: number) => columns[col]?.blocks.find((b) => b.top <= minute && minute < b.bottom);
  const columnName = (c: GridColumn) => (view === "week" ? c.dayWords : `${c.label}, ${c.dayWords}`);
  const closedAt = (c: GridColumn, minute: number) => !c.open.some((s) => s.from <= minute && minute < s.to);
  const markAt = (c: GridColumn, minute: number) => c.marks.find((m) => m.from <= minute && minute < m.to);

  function describe(target: Target): string {
    const c = columns[target.col];
    if (!c) return "";
    const b = blockAt(target.col, target.minute);
    const where = `${columnName(c)}, ${clock(target.minute)}`;
    if (b) return `${where}: ${b.patientName}, ${b.serviceName}, ${b.time} to ${b.endTime}. Enter opens it${b.movable ? "; M or Space picks it up to move" : ""}.`;
    const mark = markAt(c, target.minute);
    return `${where}: ${mark ? mark.label : closedAt(c, target.minute) ? "closed" : "free"}. Enter books this time.`;
  }

  function moveCursor(target: Target) {
    const next = { col: Math.max(0, Math.min(columns.length - 1, target.col)), minute: snap(target.minute) };
    setCursor(next);
    if (carrying) {
      const c = columns[next.col];
      setAnnouncement(`Moving ${carrying.block.patientName} to ${c ? columnName(c) : ""}, ${clock(next.minute)}. Enter drops it, Escape cancels.`);
    } else setAnnouncement(describe(next));
    // Keep the cursor in view inside the scrolling grid.
    const el = scrollRef.current;
    const colEl = columnRefs.current[next.col];
    if (el && colEl) {
      const top = colEl.offsetTop + (next.minute - startMin) * ppm;
      if (top < el.scrollTop + 40) el.scrollTop = top - 40;
      else if (top + ROW_PX > el.scrollTop + el.clientHeight) el.scrollTop = top + ROW_PX * 2 - el.clientHeight;
      if (colEl.offsetLeft < el.scrollLeft + 56) el.scrollLeft = colEl.offsetLeft - 56;
      else if (colEl.offsetLeft + colEl.offsetWidth > el.scrollLeft + el.clientWidth) el.scrollLeft = colEl.offsetLeft + colEl.offsetWidth - el.clientWidth;
    }
  }

  function submitMove(move: PendingMove, reason: string | null) {
    const c = columns[move.col]!;
    const form: Record<string, string> = { intent: "move", appointmentId: move.block.id, date: c.date, minute: String(move.minute) };
    // A doctor column moves to that doctor (their rule that day says where); a room column to that
    // room; a location column to that location with the same doctor.
    if (c.book.doctor) form.doctor = c.book.doctor;
    else if (c.book.room) form.room = c.book.room;
    else if (c.book.location) form.location = c.book.location;
    if (reason) form.overrideReason = reason;
    setPending(move);
    setAnnouncement(`Moving ${move.block.patientName} to ${clock(move.minute)}…`);
    fetcher.submit(form, { method: "post" });
  }

  function requestMove(move: PendingMove) {
    const c = columns[move.col];
    if (!c) return;
    const sameColumn = c.book.doctor ? c.book.doctor === move.block.doctorId && c.date === columns.find((x) => x.blocks.includes(move.block))?.date : columns.find((x) => x.blocks.includes(move.block)) === c;
    if (sameColumn && move.minute === move.block.top) {
      setAnnouncement("The visit stays where it was.");
      return;
    }
    if (move.block.insideWindow) {
      setAsking(move);
      window.setTimeout(() => dialogRef.current?.showModal(), 0);
      return;
    }
    submitMove(move, null);
  }

  function undo() {
    if (!answer?.ok) return;
    const u = answer.undo;
    const form: Record<string, string> = { intent: "undo", appointmentId: u.appointmentId, date: u.date, minute: String(u.minute), doctor: u.doctor, location: u.location };
    if (u.room) form.room = u.room;
    fetcher.submit(form, { method: "post" });
  }

  function onKeyDown(event: ReactKeyboardEvent<HTMLDivElement>) {
    const onLink = (event.target as HTMLElement).closest("a");
    const key = event.key;
    const arrows: Record<string, Target> = {
      ArrowUp: { col: cursor.col, minute: cursor.minute - step },
      ArrowDown: { col: cursor.col, minute: cursor.minute + step },
      ArrowLeft: { col: cursor.col - 1, minute: cursor.minute },
      ArrowRight: { col: cursor.col + 1, minute: cursor.minute },
    };
    if (arrows[key]) {
      event.preventDefault();
      if (onLink) scrollRef.current?.focus();
      moveCursor(arrows[key]);
      return;
    }
    if (key === "Escape" && carrying) {
      event.preventDefault();
      setCarrying(null);
      setAnnouncement(`Move cancelled; ${carrying.block.patientName} stays at ${carrying.block.time}.`);
      return;
    }
    if (key === "Enter") {
      if (onLink && !carrying) return; // the link opens the visit
      event.preventDefault();
      if (carrying) {
        const move = { ...carrying, col: cursor.col, minute: cursor.minute };
        setCarrying(null);
        requestMove(move);
        return;
      }
      const b = blockAt(cursor.col, cursor.minute);
      const c = columns[cursor.col];
      if (b) navigate(`/panel/appointments/${b.id}`);
      else if (c) navigate(bookingLink(c, cursor.minute, timeZone, serviceFilter));
      return;
    }
    if ((key === "m" || key === "M" || key === " ") && !carrying) {
      const id = onLink?.getAttribute("data-appointment-id");
      const col = id ? columns.findIndex((c) => c.blocks.some((b) => b.id === id)) : cursor.col;
      const b = id ? columns[col]?.blocks.find((x) => x.id === id) : blockAt(cursor.col, cursor.minute);
      if (!b) return;
      event.preventDefault();
      if (!b.movable) {
        setAnnouncement(`${b.patientName}'s visit cannot be moved from here (${visitStatusWords(b.status).toLowerCase()}${b.current ? ", in progress" : ""}).`);
        return;
      }
      if (onLink) scrollRef.current?.focus();
      setCursor({ col, minute: b.top });
      setCarrying({ block: b, col, minute: b.top });
      setAnnouncement(`Picked up ${b.patientName}, ${b.time}. Arrow keys move it, Enter drops it, Escape cancels.`);
    }
  }

  /** The column and snapped minute under a point on the screen, or null outside the columns. */
  function targetAt(x: number, y: number, offset: number): Target | null {
    for (let i = 0; i < columns.length; i++) {
      const rect = columnRefs.current[i]?.getBoundingClientRect();
      if (rect && x >= rect.left && x < rect.right) return { col: i, minute: snap(Math.round(((y - rect.top) / ppm + startMin - offset) / step) * step) };
    }
    return null;
  }

  function onBlockPointerDown(event: ReactPointerEvent<HTMLAnchorElement>, block: CalendarBlock, col: number) {
    // A finger on a movable block drags it (the block does not scroll the grid: touch-none); a tap still opens it.
    if (event.button !== 0 || !block.movable) return;
    const rect = columnRefs.current[col]!.getBoundingClientRect();
    const offset = (event.clientY - rect.top) / ppm + startMin - block.top;
    const origin = { x: event.clientX, y: event.clientY };
    let moving = false;
    let last: PendingMove | null = null;
    const onMove = (e: PointerEvent) => {
      if (!moving && Math.hypot(e.clientX - origin.x, e.clientY - origin.y) < 5) return;
      moving = true;
      const t = targetAt(e.clientX, e.clientY, offset);
      if (t) {
        last = { block, ...t };
        setDrag(last);
      }
    };
    const onUp = () => {
      window.removeEventListener("pointermove", onMove);
      window.removeEventListener("pointerup", onUp);
      setDrag(null);
      if (!moving) return;
      suppressClick.current = true;
      window.setTimeout(() => (suppressClick.current = false), 0);
      if (last) requestMove(last);
    };
    window.addEventListener("pointermove", onMove);
    window.addEventListener("pointerup", onUp);
  }

  function onColumnClick(event: React.MouseEvent<HTMLDivElement>, col: number) {
    // The click that ends a drag (mouse up over the column) is not a booking.
    if (suppressClick.current || (event.target as HTMLElement).closest("a")) return;
    const c = columns[col];
    const t = targetAt(event.clientX, event.clientY, 0);
    if (!c || !t) return;
    // The row the pointer is in, not the nearest line.
    const minute = snap(Math.floor(((event.clientY - columnRefs.current[col]!.getBoundingClientRect().top) / ppm + startMin) / step) * step);
    if (blockAt(col, minute)) return;
    navigate(bookingLink(c, minute, timeZone, serviceFilter));
  }

  function onColumnHover(event: React.PointerEvent<HTMLDivElement>, col: number) {
    if (drag || (event.target as HTMLElement).closest("a")) return setHover(null);
    const minute = snap(Math.floor(((event.clientY - event.currentTarget.getBoundingClientRect().top) / ppm + startMin) / step) * step);
    if (hover?.col !== col || hover.minute !== minute) setHover({ col, minute });
  }

  const ghost = drag ?? (carrying ? { ...carrying, col: cursor.col, minute: cursor.minute } : null) ?? pending;
  const tone = (b: CalendarBlock) => (colour === "service" ? SERVICE_TONES[(serviceTones[b.serviceId] ?? 0) % SERVICE_TONES.length] : (STATUS_TONES[b.status] ?? "border-slate-400 bg-white"));
  const y = (minute: number) => (minute - startMin) * ppm;
  const span = (s: CalendarSpan) => ({ top: y(Math.max(s.from, startMin)), height: Math.max(0, (Math.min(s.to, endMin) - Math.max(s.from, startMin)) * ppm) });
  const hourLabels = Array.from({ length: hours[1] - hours[0] }, (_, i) => hours[0] + i);
  const answerOk = answer?.ok ? answer : null;

  return (
    <>
      <div aria-live="polite" role="status" className="sr-only" data-testid="calendar-announcer">
        {announcement}
      </div>
      {answer && answerShown ? (
        <div
          role={answer.ok ? "status" : "alert"}
          className={`mb-3 flex flex-wrap items-center gap-3 rounded-xl px-4 py-2 text-sm font-medium ring-1 ${answer.ok ? "bg-emerald-50 text-emerald-900 ring-emerald-200" : "bg-red-50 text-red-900 ring-red-200"}`}
          data-testid="calendar-answer"
        >
          <span>{answer.message}</span>
          {answerOk && !answerOk.undone ? (
            <button type="button" onClick={undo} className="btn-secondary min-h-11 px-3" disabled={fetcher.state !== "idle"}>
              Undo
            </button>
          ) : null}
          <button type="button" onClick={() => setAnswerShown(false)} className="ml-auto min-h-11 px-2 text-sm font-semibold underline" aria-label="Dismiss message">
            Dismiss
          </button>
        </div>
      ) : null}
      <div
        ref={scrollRef}
        tabIndex={0}
        role="group"
        aria-label="Time grid"
        aria-describedby="calendar-help"
        onKeyDown={onKeyDown}
        onFocus={(e) => {
          // The cursor is for the keyboard: the grid itself has focus (a click on a visit focuses the visit).
          if (e.target === e.currentTarget && !focused) {
            setFocused(true);
            setAnnouncement(describe(cursor));
          }
        }}
        onBlur={(e) => {
          if (e.target === e.currentTarget) setFocused(false);
        }}
        className="max-h-[78vh] overflow-auto rounded-lg bg-white ring-1 ring-slate-200 focus:outline-none focus-visible:ring-2 focus-visible:ring-brand"
        data-testid="calendar-scroll"
      >
        <div
          className={`grid min-w-max ${drag ? "cursor-grabbing select-none" : ""}`}
          style={{ gridTemplateColumns: `3.5rem repeat(${columns.length}, minmax(${view === "week" ? "7.5rem" : "10rem"}, 1fr))` }}
          data-testid="calendar-grid"
          data-view={view}
          data-step={step}
          data-start-minute={startMin}
          data-px-per-minute={ppm}
        >
          <div className="sticky left-0 top-0 z-30 border-b border-slate-200 bg-white" />
          {columns.map((c) => (
            <h2 key={c.key} className="sticky top-0 z-20 truncate border-b border-l border-slate-200 bg-white px-2 py-2 text-sm font-semibold text-slate-900" title={columnName(c)}>
              {c.label}
              {c.date === today && view === "week" ? <span className="ml-1 text-xs font-semibold text-brand">Today</span> : null}
            </h2>
          ))}
          <div className="sticky left-0 z-10 bg-white" style={{ height }} aria-hidden="true">
            {hourLabels.map((h) => (
              <span key={h} className="absolute right-1 text-xs tabular-nums text-slate-600" style={{ top: y(h * 60) + 2 }}>
                {String(h).padStart(2, "0")}:00
              </span>
            ))}
          </div>
          {columns.map((c, ci) => {
            const closed = gapsOutside(c.open, startMin, endMin);
            const offShift = c.shifts ? c.open.flatMap((o) => gapsOutside(c.shifts!, o.from, o.to)) : [];
            const showNow = c.date === today && nowMinute >= startMin && nowMinute < endMin;
            return (
              <div
                key={c.key}
                ref={(el) => {
                  columnRefs.current[ci] = el;
                }}
                className="relative cursor-pointer border-l border-slate-200"
                style={{ height }}
                onClick={(e) => onColumnClick(e, ci)}
                onPointerMove={(e) => onColumnHover(e, ci)}
                onPointerLeave={() => setHover(null)}
                data-testid="calendar-column"
                data-col={ci}
                data-date={c.date}
                data-doctor-id={c.book.doctor ?? undefined}
                data-room-id={c.book.room ?? undefined}
                data-location-id={c.book.location ?? undefined}
              >
                {closed.map((s) => (
                  <div key={`c${s.from}`} className="absolute inset-x-0 bg-slate-200" style={span(s)} data-testid="grid-closed" data-from={s.from} data-to={s.to} />
                ))}
                {offShift.map((s) => (
                  <div key={`o${s.from}`} className="absolute inset-x-0 bg-slate-100" style={span(s)} data-testid="grid-off-shift" data-from={s.from} data-to={s.to} />
                ))}
                <div
                  className="pointer-events-none absolute inset-0"
                  style={{
                    backgroundImage: "linear-gradient(to bottom, rgb(203 213 225) 1px, transparent 1px), linear-gradient(to bottom, rgb(241 245 249) 1px, transparent 1px)",
                    backgroundSize: `100% ${60 * ppm}px, 100% ${ROW_PX}px`,
                  }}
                  aria-hidden="true"
                />
                {c.marks.map((m) => (
                  <div key={`${m.kind}${m.from}`} className={`grid-mark-${m.kind} absolute inset-x-0 overflow-hidden px-1.5 text-xs font-medium text-slate-800`} style={span(m)} title={`${m.label}, ${clock(m.from)}–${clock(m.to)}`} data-testid="grid-mark" data-kind={m.kind} data-from={m.from} data-to={m.to}>
                    {span(m).height >= 16 ? m.label : null}
                  </div>
                ))}
                {hover && hover.col === ci && !drag && !blockAt(ci, hover.minute) ? (
                  <div className="pointer-events-none absolute inset-x-1 rounded bg-brand-soft px-1.5 text-xs font-semibold text-slate-900 ring-1 ring-brand" style={{ top: y(hover.minute), height: ROW_PX }} aria-hidden="true">
                    + Book {clock(hover.minute)}
                  </div>
                ) : null}
                <ol aria-label={`${columnName(c)}: ${c.blocks.length} ${c.blocks.length === 1 ? "visit" : "visits"}`} className="contents">
                  {c.blocks.map((b) => {
                    const payment = paymentWords(b.paymentStatus, b.depositMinor);
                    const lifted = ghost?.block.id === b.id;
                    // A block of one row has one line: time and full name, cut with an ellipsis (the title has it all).
                    const compact = (b.bottom - b.top) * ppm < 2 * ROW_PX - 4;
                    const label = [
                      `${b.time}–${b.endTime}`,
                      b.patientName,
                      b.serviceName,
                      props.by === "doctor" ? b.roomName : b.doctorName,
                      visitStatusWords(b.status),
                      payment,
                      b.current ? "in progress now" : null,
                      b.needsMoving ? `needs moving: ${b.needsMoving}` : null,
                      b.override,
                      b.alerts?.length ? `alerts: ${b.alerts.join(", ")}` : null,
                    ]
                      .filter(Boolean)
                      .join(", ");
                    return (
                      <li key={b.id} className="absolute z-10 p-0.5" style={{ top: y(b.top), height: Math.max(ROW_PX, (b.bottom - b.top) * ppm), left: `${(b.lane / b.lanes) * 100}%`, width: `${100 / b.lanes}%` }}>
                        <a
                          href={`/panel/appointments/${b.id}`}
                          draggable={false}
                          onClick={(e) => {
                            if (suppressClick.current) e.preventDefault();
                          }}
                          onPointerDown={(e) => onBlockPointerDown(e, b, ci)}
                          title={label}
                          className={`block h-full overflow-hidden rounded-md border-l-4 px-1.5 py-0.5 text-xs leading-tight text-slate-900 shadow-sm ${compact ? "truncate whitespace-nowrap" : ""} hover:ring-2 hover:ring-brand focus:outline-none focus-visible:ring-2 focus-visible:ring-brand ${tone(b)} ${b.current ? "ring-2 ring-emerald-700" : ""} ${b.needsMoving ? "ring-2 ring-amber-500" : ""} ${b.movable ? "cursor-grab touch-none" : ""} ${lifted ? "opacity-40" : ""}`}
                          data-testid="calendar-block"
                          data-appointment-id={b.id}
                          data-top={b.top}
                          data-status={b.status}
                          data-current={b.current ? "true" : undefined}
                          data-needs-moving={b.needsMoving ? "true" : undefined}
                          data-override={b.override ? "true" : undefined}
                          data-intake={b.intake ?? undefined}
                        >
                          <span className="font-semibold tabular-nums">{b.time}</span>
                          <span className="sr-only"> to {b.endTime},</span> <span className="break-words font-medium">{b.patientName}</span>
                          <span className="sr-only">
                            , {props.by === "doctor" ? (b.roomName ?? "no room") : b.doctorName}, {visitStatusWords(b.status)}
                            {b.current ? ", in progress now" : ""}
                            {b.override ? `, ${b.override}` : ""}
                            {b.alerts?.length ? `, alerts: ${b.alerts.join(", ")}` : ""},
                          </span>
                          {b.alerts?.length ? (
                            <span className="ml-1 inline-block rounded bg-red-700 px-1 font-bold text-white" data-testid="visit-alert-marker" aria-hidden="true">
                              !
                            </span>
                          ) : null}
                          {b.current ? <span className="ml-1 inline-block rounded bg-emerald-800 px-1 font-semibold text-white">Now</span> : null}
                          {b.override ? (
                            <span className="ml-1 inline-block rounded bg-violet-800 px-1 font-semibold text-white" data-testid="visit-override-marker" aria-hidden="true">
                              Squeezed in
                            </span>
                          ) : null}
                          <span className={compact ? "text-slate-800" : "block truncate text-slate-800"}>
                            {compact ? " · " : ""}
                            {b.serviceName}
                          </span>
                          {payment ? (
                            <span className={compact ? "text-slate-800" : "block truncate text-slate-800"}>
                              {compact ? " · " : ""}
                              {payment}
                            </span>
                          ) : null}
                          {b.needsMoving ? (
                            <span className="mt-0.5 inline-block rounded bg-amber-100 px-1 font-semibold text-amber-950" data-testid="visit-needs-moving">
                              Needs moving
                            </span>
                          ) : null}
                        </a>
                      </li>
                    );
                  })}
                </ol>
                {ghost && ghost.col === ci ? (
                  <div
                    className="pointer-events-none absolute inset-x-1 z-20 rounded-md border-2 border-dashed border-brand bg-white/90 px-1.5 text-xs font-semibold text-slate-900"
                    style={{ top: y(ghost.minute), height: Math.max(ROW_PX, (ghost.block.bottom - ghost.block.top) * ppm) }}
                    data-testid="calendar-ghost"
                    aria-hidden="true"
                  >
                    {pending ? "Moving… " : ""}
                    {clock(ghost.minute)} {ghost.block.patientName}
                  </div>
                ) : null}
                {showNow ? <div className="pointer-events-none absolute inset-x-0 z-20 border-t-2 border-red-600" style={{ top: y(nowMinute) }} data-testid="now-line" aria-hidden="true" /> : null}
                {focused && cursor.col === ci ? (
                  <div className="pointer-events-none absolute inset-x-0 z-30 rounded-sm ring-2 ring-inset ring-slate-900" style={{ top: y(cursor.minute), height: ROW_PX }} data-testid="grid-cursor" data-minute={cursor.minute} aria-hidden="true" />
                ) : null}
              </div>
            );
          })}
        </div>
      </div>
      <dialog
        ref={dialogRef}
        aria-labelledby="move-reason-title"
        className="w-[min(32rem,calc(100vw-2rem))] rounded-2xl p-0 shadow-xl backdrop:bg-slate-900/40"
        onClose={() => {
          if (asking) setAnnouncement(`${asking.block.patientName} stays at ${asking.block.time}.`);
          setAsking(null);
          scrollRef.current?.focus();
        }}
      >
        {asking ? (
          <form
            className="p-5"
            onSubmit={(e) => {
              e.preventDefault();
              const reason = String(new FormData(e.currentTarget).get("overrideReason") ?? "").trim();
              if (!reason) return;
              const move = asking;
              setAsking(null);
              dialogRef.current?.close();
              submitMove(move, reason);
            }}
          >
            <h2 id="move-reason-title" className="text-lg font-semibold text-slate-900">
              Move inside the cancellation window
            </h2>
            <p className="mt-1 text-sm text-slate-700">
              {asking.block.patientName}&apos;s visit at {asking.block.time} is close; moving it to {clock(asking.minute)} needs a reason, kept in the audit log.
            </p>
            <label htmlFor="move-reason" className="field-label mt-3">
              Reason for moving
            </label>
            <textarea id="move-reason" name="overrideReason" rows={2} required maxLength={500} className="field-input" autoFocus />
            <div className="mt-4 flex flex-wrap justify-end gap-2">
              <button type="button" className="btn-secondary min-h-11 px-4" onClick={() => dialogRef.current?.close()}>
                Keep it where it is
              </button>
              <button type="submit" className="btn-primary min-h-11 px-4">
                Move visit
              </button>
            </div>
          </form>
        ) : null}
      </dialog>
    </>
  );
}
