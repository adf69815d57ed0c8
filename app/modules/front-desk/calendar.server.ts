/**
 * Day and week calendars for the desk, by doctor, room or location, laid out on the clinic's wall
 * clock: each column carries its opening hours, the doctor's shifts and what nobody can be booked
 * in (breaks, time off, closures), and each visit block what the desk needs at a glance.
 *
 * Every block is placed by its local start and end minutes on its local date, so a 09:00 visit sits
 * at 09:00 on both sides of a daylight-saving change; a week is the seven local dates from Monday,
 * its instants from Monday's local midnight to the next Monday's (a week with a change lasts 167 or
 * 169 hours). Reading it lists patients, so each view is audited.
 */
import { alertLine } from "~/modules/patients/alerts";
import { alertsOfVisits, visitAlerts } from "./board.server";
import { z } from "zod";
import { recordAudit } from "~/modules/audit/audit.server";
import type { Actor } from "~/lib/actor";
import type { ClinicRef } from "~/modules/scheduling/slots.server";
import { addDays, datesFromTo, utcToZoned, weekdayOf, zonedToUtc, type LocalDate, LOCAL_DATE_PATTERN } from "~/lib/zoned-time";
import type { ClinicDb } from "~/utils/db.server";
import { patientMayChange } from "~/modules/scheduling/policy";
import { deskAppointments, deskResources, VISIT_STATUSES, type DeskAppointment, type DeskResources } from "./desk-appointments.server";
import { ON_THE_DIARY, statusIs } from "~/lib/appointment-status";
import type { CalendarBlock, CalendarColumn } from "./calendar-grid";
import { calendarSchedule, columnTimes } from "./calendar-hours.server";

const uuid = z.string().uuid();
export const calendarQuery = z.object({
  view: z.enum(["day", "week"]).default("day").catch("day"),
  by: z.enum(["doctor", "room", "location"]).default("doctor").catch("doctor"),
  date: z.string().regex(LOCAL_DATE_PATTERN).optional().catch(undefined),
  location: uuid.optional().catch(undefined),
  doctor: uuid.optional().catch(undefined),
  room: uuid.optional().catch(undefined),
  service: uuid.optional().catch(undefined),
  status: z.enum(VISIT_STATUSES).optional().catch(undefined),
  /** Only visits flagged as needing a move (inside a doctor's time off or a closure). */
  needsMoving: z.literal("1").optional().catch(undefined),
  /** Minutes per row of the grid. */
  step: z.enum(["5", "10", "15"]).default("15").catch("15"),
  /** What a visit's colour says: its status or its service. */
  colour: z.enum(["status", "service"]).default("status").catch("status"),
});
export type CalendarQuery = z.infer<typeof calendarQuery>;

export type { CalendarBlock, CalendarColumn };

export interface DeskCalendar {
  view: "day" | "week";
  by: "doctor" | "room" | "location";
  date: LocalDate;
  first: LocalDate;
  last: LocalDate;
  previous: LocalDate;
  next: LocalDate;
  from: Date;
  to: Date;
  /** The hours the grid shows, local: [startHour, endHour). */
  hours: [number, number];
  columns: CalendarColumn[];
  resources: DeskResources;
  query: CalendarQuery;
  count: number;
  /** The clinic's today and the minute of now on its clock (for the now-line). */
  today: LocalDate;
  nowMinute: number;
}

/** Monday of the week a local date falls in. */
export function mondayOf(date: LocalDate): LocalDate {
  const offset = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"].indexOf(weekdayOf(date));
  return addDays(date, -offset);
}

const clock = (m: number) => `${String(Math.floor(m / 60) % 24).padStart(2, "0")}:${String(m % 60).padStart(2, "0")}`;

/** Local start and end minutes of a visit on its start date (an end past midnight is clamped to 24:00). */
export function wallSpan(a: { start: Date; end: Date }, timeZone: string): { date: LocalDate; top: number; bottom: number } {
  const s = utcToZoned(a.start, timeZone);
  const e = utcToZoned(a.end, timeZone);
  const bottom = e.date === s.date ? e.minutes : 1440;
  return { date: s.date, top: s.minutes, bottom: Math.max(bottom, s.minutes + 5) };
}

/** Greedy lanes: blocks that overlap in one column sit side by side. */
function laneOut(blocks: CalendarBlock[]): CalendarBlock[] {
  const sorted = [...blocks].sort((a, b) => a.top - b.top || a.bottom - b.bottom);
  let group: CalendarBlock[] = [];
  let groupEnd = -1;
  const flush = () => {
    const lanes = Math.max(1, ...group.map((b) => b.lane + 1));
    for (const b of group) b.lanes = lanes;
    group = [];
  };
  const laneEnds: number[] = [];
  for (const b of sorted) {
    if (b.top >= groupEnd) {
      flush();
      laneEnds.length = 0;
    }
    let lane = laneEnds.findIndex((end) => end <= b.top);
    if (lane < 0) lane = laneEnds.length;
    laneEnds[lane] = b.bottom;
    b.lane = lane;
    group.push(b);
    groupEnd = Math.max(groupEnd, b.bottom);
  }
  flush();
  return sorted;
}

export function toBlock(a: DeskAppointment, timeZone: string, extra: { cancellationWindowMin?: number; now?: Date } = {}): CalendarBlock & { date: LocalDate } {
  const span = wallSpan(a, timeZone);
  const now = extra.now ?? new Date();
  const changeable = statusIs(a.status, "changeable");
  return {
    id: a.id,
    date: span.date,
    top: span.top,
    bottom: span.bottom,
    lane: 0,
    lanes: 1,
    time: clock(span.top),
    endTime: clock(span.bottom),
    start: a.start.toISOString(),
    status: a.status,
    patientName: a.patientName,
    serviceId: a.serviceId,
    serviceName: a.serviceName,
    doctorId: a.doctorId,
    doctorName: a.doctorName,
    locationId: a.locationId,
    roomId: a.roomId,
    roomName: a.roomName,
    paymentStatus: a.paymentStatus,
    depositMinor: a.depositMinor,
    needsMoving: a.needsMoving,
    insideWindow: changeable && !patientMayChange(a.start, extra.cancellationWindowMin ?? 0, now),
    movable: changeable && a.start.getTime() > now.getTime(),
    current: a.start.getTime() <= now.getTime() && now.getTime() < a.end.getTime() && ["confirmed", "checked_in", "in_consultation"].includes(a.status),
    intake: null,
    override: a.override,
  };
}

/** The columns before their visits: who or what each one is, on which date. */
interface ColumnPlan {
  key: string;
  label: string;
  date: LocalDate;
  doctorId: string | null;
  roomId: string | null;
  locationId: string | null;
  matches: (v: DeskAppointment) => boolean;
}

export async function deskCalendar(db: ClinicDb, clinic: ClinicRef, query: CalendarQuery, actor: Actor, now = new Date()): Promise<DeskCalendar> {
  const here = utcToZoned(now, clinic.timeZone);
  const date = query.date ?? here.date;
  const first = query.view === "week" ? mondayOf(date) : date;
  const last = query.view === "week" ? addDays(first, 6) : first;
  const from = zonedToUtc(first, 0, clinic.timeZone);
  const to = zonedToUtc(addDays(last, 1), 0, clinic.timeZone);
  return db.tx(async (tx) => {
    const resources = await deskResources(tx, clinic.id);
    const locationId = resources.locations.some((l) => l.id === query.location) ? query.location! : null;
    // A week is one doctor's, one room's or one location's: seven columns stay readable on a tablet.
    if (query.view === "week") {
      if (query.by === "doctor" && !resources.doctors.some((d) => d.id === query.doctor)) {
        query = { ...query, doctor: resources.doctors.find((d) => (!locationId || d.locationIds.includes(locationId)) && d.workStatus === "active")?.id };
      }
      if (query.by === "room" && !resources.rooms.some((r) => r.id === query.room)) query = { ...query, room: resources.rooms.find((r) => !locationId || r.locationId === locationId)?.id };
    }
    const weekLocation = query.view === "week" && query.by === "location" ? (locationId ?? resources.locations[0]?.id ?? null) : locationId;
    if (query.view === "week" && query.by === "location") query = { ...query, location: weekLocation ?? undefined };
    const doctors = resources.doctors.filter((d) => (!locationId || d.locationIds.includes(locationId)) && (!query.doctor || d.id === query.doctor));
    const rooms = resources.rooms.filter((r) => (!locationId || r.locationId === locationId) && (!query.room || r.id === query.room));
    const locations = resources.locations.filter((l) => !weekLocation || l.id === weekLocation);
    // Cancelled and declined visits free their time; they show only when asked for by status.
    const statuses = query.status ? [query.status] : ON_THE_DIARY;
    const visits = await deskAppointments(tx, clinic.id, { from, to }, {
      locationId: weekLocation,
      doctorId: query.by === "doctor" ? query.doctor : null,
      roomId: query.by === "room" ? query.room : null,
      serviceId: query.service,
      statuses,
      needsMoving: query.needsMoving === "1",
    });
    const windows = new Map(
      (visits.length ? await tx.appointment.findMany({ where: { clinicId: clinic.id, id: { in: visits.map((v) => v.id) } }, select: { id: true, cancellationWindowMin: true } }) : []).map((a) => [a.id, a.cancellationWindowMin]),
    );
    const alerts = await alertsOfVisits(tx, clinic.id, visits);
    const blocks = visits.map((v) => ({ visit: v, block: { ...toBlock(v, clinic.timeZone, { cancellationWindowMin: windows.get(v.id), now }), alerts: visitAlerts(alerts, v).map(alertLine) } }));
    const schedule = await calendarSchedule(tx, clinic, { from, to });

    const plans: ColumnPlan[] = [];
    const dates = datesFromTo(first, last);
    if (query.by === "doctor") {
      // A doctor on leave or inactive gets a column only for visits still on their calendar.
      const shown = query.view === "week" ? doctors.slice(0, 1) : doctors.filter((d) => d.workStatus === "active" || d.workStatus === null || query.doctor === d.id || visits.some((v) => v.doctorId === d.id));
      for (const d of shown) for (const day of dates) plans.push({ key: query.view === "week" ? day : d.id, label: d.name, date: day, doctorId: d.id, roomId: null, locationId, matches: (v) => v.doctorId === d.id });
    } else if (query.by === "room") {
      for (const r of query.view === "week" ? rooms.slice(0, 1) : rooms) for (const day of dates) plans.push({ key: query.view === "week" ? day : r.id, label: r.name, date: day, doctorId: null, roomId: r.id, locationId: r.locationId, matches: (v) => v.roomId === r.id });
    } else {
      for (const l of query.view === "week" ? locations.slice(0, 1) : locations) for (const day of dates) plans.push({ key: query.view === "week" ? day : l.id, label: l.name, date: day, doctorId: null, roomId: null, locationId: l.id, matches: (v) => v.locationId === l.id });
    }
    const columns: CalendarColumn[] = plans.map((p) => {
      const doctor = p.doctorId ? resources.doctors.find((d) => d.id === p.doctorId) : undefined;
      const times = columnTimes(schedule, { date: p.date, doctorId: p.doctorId, locationIds: p.locationId ? [p.locationId] : (doctor?.locationIds ?? []) });
      return {
        key: p.key,
        label: p.label,
        date: p.date,
        book: { doctor: p.doctorId, location: p.locationId ?? times.location, room: p.roomId },
        open: times.open,
        shifts: p.doctorId ? times.shifts : null,
        marks: times.marks,
        blocks: laneOut(blocks.filter(({ block, visit }) => block.date === p.date && p.matches(visit)).map(({ block }) => block)),
      };
    });

    const starts = columns.flatMap((c) => [...c.blocks.map((b) => b.top), ...c.open.map((s) => s.from), ...(c.shifts ?? []).map((s) => s.from)]);
    const ends = columns.flatMap((c) => [...c.blocks.map((b) => b.bottom), ...c.open.map((s) => s.to), ...(c.shifts ?? []).map((s) => s.to)]);
    const hours: [number, number] = [Math.min(starts.length ? 23 : 7, ...starts.map((t) => Math.floor(t / 60))), Math.max(starts.length ? 1 : 19, ...ends.map((b) => Math.ceil(b / 60)))];
    await recordAudit(tx, {
      clinicId: clinic.id,
      actor: { type: "staff", id: actor.id },
      action: "staff.calendar_viewed",
      target: { type: query.view === "week" ? "week" : "day", id: first },
      request: actor.request ?? null,
      details: { view: query.view, by: query.by, visits: visits.length, locationId: weekLocation, doctorId: query.doctor ?? null, roomId: query.room ?? null, serviceId: query.service ?? null, status: query.status ?? null },
    });
    const step = query.view === "week" ? 7 : 1;
    return { view: query.view, by: query.by, date, first, last, previous: addDays(first, -step), next: addDays(first, step), from, to, hours, columns, resources, query, count: visits.length, today: here.date, nowMinute: here.minutes };
  });
}
