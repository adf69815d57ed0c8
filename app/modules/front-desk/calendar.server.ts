/**
 * Day and week calendars for the desk, by doctor or by room, laid out on the clinic's wall clock.
 *
 * Every block is placed by its local start and end minutes on its local date, so a 09:00 visit sits
 * at 09:00 on both sides of a daylight-saving change; a week is the seven local dates from Monday,
 * its instants from Monday's local midnight to the next Monday's (a week with a change lasts 167 or
 * 169 hours). Reading it lists patients, so each view is audited.
 */
import { z } from "zod";
import { recordAudit } from "~/modules/audit/audit.server";
import type { Actor } from "~/lib/actor";
import type { ClinicRef } from "~/modules/scheduling/slots.server";
import { addDays, utcToZoned, weekdayOf, zonedToUtc, type LocalDate, LOCAL_DATE_PATTERN } from "~/lib/zoned-time";
import type { ClinicDb } from "~/utils/db.server";
import { deskAppointments, deskResources, VISIT_STATUSES, type DeskAppointment, type DeskResources } from "./desk-appointments.server";
import { ON_THE_DIARY } from "~/lib/appointment-status";

const uuid = z.string().uuid();
export const calendarQuery = z.object({
  view: z.enum(["day", "week"]).default("day").catch("day"),
  by: z.enum(["doctor", "room"]).default("doctor").catch("doctor"),
  date: z.string().regex(LOCAL_DATE_PATTERN).optional().catch(undefined),
  location: uuid.optional().catch(undefined),
  doctor: uuid.optional().catch(undefined),
  room: uuid.optional().catch(undefined),
  service: uuid.optional().catch(undefined),
  status: z.enum(VISIT_STATUSES).optional().catch(undefined),
  /** Only visits flagged as needing a move (inside a doctor's time off or a closure). */
  needsMoving: z.literal("1").optional().catch(undefined),
});
export type CalendarQuery = z.infer<typeof calendarQuery>;

export interface CalendarBlock {
  id: string;
  /** Local minutes since midnight of the column's date. */
  top: number;
  bottom: number;
  lane: number;
  lanes: number;
  time: string;
  endTime: string;
  status: string;
  patientName: string;
  serviceName: string;
  doctorName: string;
  roomName: string | null;
  paymentStatus: string;
  /** Why the visit must be moved (the time off or closure it falls in), or null. */
  needsMoving: string | null;
  /** Booked outside the schedule on purpose (kind and reason), or null: the grid marks it. */
  override: string | null;
}

export interface CalendarColumn {
  key: string;
  label: string;
  date: LocalDate;
  blocks: CalendarBlock[];
}

export interface DeskCalendar {
  view: "day" | "week";
  by: "doctor" | "room";
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

export function toBlock(a: DeskAppointment, timeZone: string): CalendarBlock & { date: LocalDate } {
  const span = wallSpan(a, timeZone);
  return {
    id: a.id,
    date: span.date,
    top: span.top,
    bottom: span.bottom,
    lane: 0,
    lanes: 1,
    time: clock(span.top),
    endTime: clock(span.bottom),
    status: a.status,
    patientName: a.patientName,
    serviceName: a.serviceName,
    doctorName: a.doctorName,
    roomName: a.roomName,
    paymentStatus: a.paymentStatus,
    needsMoving: a.needsMoving,
    override: a.override,
  };
}

export async function deskCalendar(db: ClinicDb, clinic: ClinicRef, query: CalendarQuery, actor: Actor, now = new Date()): Promise<DeskCalendar> {
  const date = query.date ?? utcToZoned(now, clinic.timeZone).date;
  const first = query.view === "week" ? mondayOf(date) : date;
  const last = query.view === "week" ? addDays(first, 6) : first;
  const from = zonedToUtc(first, 0, clinic.timeZone);
  const to = zonedToUtc(addDays(last, 1), 0, clinic.timeZone);
  return db.tx(async (tx) => {
    const resources = await deskResources(tx, clinic.id);
    const locationId = resources.locations.some((l) => l.id === query.location) ? query.location! : null;
    // A week is one doctor's or one room's: seven columns of one calendar stay readable on a tablet.
    if (query.view === "week") {
      if (query.by === "doctor" && !resources.doctors.some((d) => d.id === query.doctor)) {
        query = { ...query, doctor: resources.doctors.find((d) => (!locationId || d.locationIds.includes(locationId)) && d.workStatus === "active")?.id };
      }
      if (query.by === "room" && !resources.rooms.some((r) => r.id === query.room)) query = { ...query, room: resources.rooms.find((r) => !locationId || r.locationId === locationId)?.id };
    }
    const doctors = resources.doctors.filter((d) => (!locationId || d.locationIds.includes(locationId)) && (!query.doctor || d.id === query.doctor));
    const rooms = resources.rooms.filter((r) => (!locationId || r.locationId === locationId) && (!query.room || r.id === query.room));
    // Cancelled and declined visits free their time; they show only when asked for by status.
    const statuses = query.status ? [query.status] : ON_THE_DIARY;
    const visits = await deskAppointments(tx, clinic.id, { from, to }, { locationId, doctorId: query.by === "doctor" ? query.doctor : null, roomId: query.by === "room" ? query.room : null, serviceId: query.service, statuses, needsMoving: query.needsMoving === "1" });
    const blocks = visits.map((v) => ({ visit: v, block: toBlock(v, clinic.timeZone) }));

    let columns: CalendarColumn[];
    if (query.view === "day") {
      // A doctor on leave or inactive gets a column only for visits still on their calendar.
      const shownDoctors = doctors.filter((d) => d.workStatus === "active" || d.workStatus === null || query.doctor === d.id || visits.some((v) => v.doctorId === d.id));
      const resourcesShown = query.by === "room" ? rooms.map((r) => ({ key: r.id, label: r.name })) : shownDoctors.map((d) => ({ key: d.id, label: d.name }));
      columns = resourcesShown.map((r) => ({
        key: r.key,
        label: r.label,
        date: first,
        blocks: laneOut(blocks.filter(({ visit }) => (query.by === "room" ? visit.roomId : visit.doctorId) === r.key).map(({ block }) => block)),
      }));
    } else {
      columns = [];
      for (let d = first; d <= last; d = addDays(d, 1)) {
        columns.push({
          key: d,
          label: d,
          date: d,
          blocks: laneOut(
            blocks
              .filter(({ block, visit }) => block.date === d && (query.by === "room" ? visit.roomId !== null && rooms.some((r) => r.id === visit.roomId) : doctors.some((x) => x.id === visit.doctorId)))
              .map(({ block }) => block),
          ),
        });
      }
    }
    const tops = columns.flatMap((c) => c.blocks.map((b) => b.top));
    const bottoms = columns.flatMap((c) => c.blocks.map((b) => b.bottom));
    const hours: [number, number] = [Math.min(7, ...tops.map((t) => Math.floor(t / 60))), Math.max(19, ...bottoms.map((b) => Math.ceil(b / 60)))];
    await recordAudit(tx, {
      clinicId: clinic.id,
      actor: { type: "staff", id: actor.id },
      action: "staff.calendar_viewed",
      target: { type: query.view === "week" ? "week" : "day", id: first },
      request: actor.request ?? null,
      details: { view: query.view, by: query.by, visits: visits.length, locationId, doctorId: query.doctor ?? null, roomId: query.room ?? null, serviceId: query.service ?? null, status: query.status ?? null },
    });
    const step = query.view === "week" ? 7 : 1;
    return { view: query.view, by: query.by, date, first, last, previous: addDays(first, -step), next: addDays(first, step), from, to, hours, columns, resources, query, count: visits.length };
  });
}
