/**
 * The slot engine: which start times a service can be booked at. Pure: rules, exceptions, busy
 * times and `now` are all inputs.
 *
 * A slot [start, end) exists when
 * - the location is open for [start, end): opening hours minus closures;
 * - the doctor's time covers [start − buffer before, end + buffer after]: the weekly rules in
 *   effect on that local date at that location, minus breaks, plus extra hours, minus time off,
 *   minus the doctor's busy times (appointments, holds, imported blocks);
 * - for a room-bound service, a room of the required type at the location is free for the same
 *   padded interval (the first free one by id);
 * - start lies on the service's grid counted in local wall time from midnight, so a 09:00 start
 *   stays 09:00 local on daylight-saving days;
 * - start ≥ now + minimum notice, start < now + horizon, and start is within the window.
 *
 * Busy times are the time already occupied, including that booking's own buffers; the engine
 * adds only the candidate's buffers.
 *
 * Extra hours add doctor time but never open a location: a slot still needs opening hours, and a
 * closure wins over extra hours.
 *
 * On the fall-back day the repeated hour offers its starts once (its first occurrence).
 *
 * Internally every instant is whole minutes since the epoch, and every availability is a sorted
 * list of disjoint intervals, so the cost grows with the number of intervals, not minutes.
 */
import { minutesOf, type OpeningPeriod, type Weekday } from "../tenancy/opening-hours";
import { addDays, datesFromTo, localDateEpochMs, offsetMinutes, utcToZoned, weekdayOf, zonedToUtc, type LocalDate } from "~/lib/zoned-time";

export interface WallPeriod {
  start: string;
  end: string;
}

export interface AvailabilityRule {
  locationId: string;
  weekday: Weekday;
  start: string;
  end: string;
  breaks: WallPeriod[];
  /** First local date the rule applies (included). */
  effectiveFrom?: LocalDate | null;
  /** Last local date the rule applies (included). */
  effectiveTo?: LocalDate | null;
}

export interface SlotDoctor {
  id: string;
  rules: AvailabilityRule[];
}

export interface SlotLocation {
  id: string;
  openingHours: Partial<Record<Weekday, OpeningPeriod[]>>;
}

export interface SlotRoom {
  id: string;
  locationId: string;
  type: string;
}

export type ScheduleException =
  | { kind: "closure"; locationId: string | null; start: Date; end: Date }
  | { kind: "time_off"; doctorId: string; start: Date; end: Date }
  | { kind: "extra_hours"; doctorId: string; locationId: string; start: Date; end: Date };

export interface BusyBlock {
  doctorId?: string | null;
  roomId?: string | null;
  start: Date;
  end: Date;
}

export interface SlotService {
  id: string;
  durationMin: number;
  bufferBeforeMin: number;
  bufferAfterMin: number;
  startGridMin: number;
  minNoticeMin: number;
  horizonDays: number;
  roomType?: string | null;
  eligibleDoctorIds: readonly string[];
  eligibleLocationIds: readonly string[];
}

export interface SlotQuery {
  timeZone: string;
  now: Date;
  window: { from: Date; to: Date };
  service: SlotService;
  locations: readonly SlotLocation[];
  doctors: readonly SlotDoctor[];
  rooms: readonly SlotRoom[];
  exceptions: readonly ScheduleException[];
  busy: readonly BusyBlock[];
  /** A chosen doctor; absent means any eligible doctor. */
  practitionerId?: string | null;
  /** A chosen location; absent means any eligible location. */
  locationId?: string | null;
}

export interface Slot {
  start: Date;
  end: Date;
  doctorId: string;
  locationId: string;
  roomId: string | null;
}

export type Interval = readonly [number, number];

const MINUTE_MS = 60_000;

const floorMin = (d: Date) => Math.floor(d.getTime() / MINUTE_MS);
const ceilMin = (d: Date) => Math.ceil(d.getTime() / MINUTE_MS);

/** Sorted, merged, non-empty intervals; touching intervals join (a 20:00–24:00 shift meets 00:00–02:00). */
export function normalize(list: Interval[]): Interval[] {
  const sorted = list.filter(([a, b]) => b > a).sort((x, y) => x[0] - y[0]);
  const out: [number, number][] = [];
  for (const [a, b] of sorted) {
    const last = out[out.length - 1];
    if (last && a <= last[1]) last[1] = Math.max(last[1], b);
    else out.push([a, b]);
  }
  return out;
}

/** `from` minus `cut`, both normalized. */
export function subtract(from: readonly Interval[], cut: readonly Interval[]): Interval[] {
  if (cut.length === 0) return [...from];
  const out: Interval[] = [];
  let j = 0;
  for (const [a0, b] of from) {
    let a = a0;
    while (j < cut.length && (cut[j] as Interval)[1] <= a) j++;
    let k = j;
    while (k < cut.length && a < b) {
      const [ca, cb] = cut[k] as Interval;
      if (ca >= b) break;
      if (ca > a) out.push([a, ca]);
      a = Math.max(a, cb);
      k++;
    }
    if (a < b) out.push([a, b]);
  }
  return out;
}

/** Index of the last interval starting at or before `t`, or −1. */
function lastStartingBy(list: readonly Interval[], t: number): number {
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if ((list[mid] as Interval)[0] <= t) lo = mid + 1;
    else hi = mid;
  }
  return lo - 1;
}

function covers(list: readonly Interval[], a: number, b: number): boolean {
  const i = lastStartingBy(list, a);
  return i >= 0 && (list[i] as Interval)[1] >= b;
}

function overlaps(list: readonly Interval[], a: number, b: number): boolean {
  // Intervals are disjoint and sorted, so only the one starting last before b can reach past a.
  const i = lastStartingBy(list, b - 1);
  return i >= 0 && (list[i] as Interval)[1] > a;
}

function lowerBound(sorted: readonly number[], t: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if ((sorted[mid] as number) < t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** One local day: its midnights and, on a clock-change day, when and how the offset changes. */
interface Day {
  date: LocalDate;
  weekday: Weekday;
  start: number;
  end: number;
  localEpoch: number;
  /** Offset in minutes in force at the start of the day. */
  offset: number;
  change: { at: number; offset: number } | null;
}

// The same spans come back on every slot request (a window starts on one of a few dates), so
// they are kept; Day objects are never changed once made.
const builtDays = new Map<string, readonly Day[]>();

function buildDays(first: LocalDate, last: LocalDate, timeZone: string): readonly Day[] {
  const key = `${timeZone}|${first}|${last}`;
  let days = builtDays.get(key);
  if (!days) {
    days = buildDaysNow(first, last, timeZone);
    if (builtDays.size >= 2_000) builtDays.delete(builtDays.keys().next().value!);
    builtDays.set(key, days);
  }
  return days;
}

function buildDaysNow(first: LocalDate, last: LocalDate, timeZone: string): Day[] {
  const dates = [...datesFromTo(first, last), addDays(last, 1)];
  const localEpochs = dates.map((d) => localDateEpochMs(d) / MINUTE_MS);
  const midnights: number[] = [];
  let offset: number | null = null;
  for (const [i, date] of dates.entries()) {
    const local = localEpochs[i] as number;
    // Most days keep yesterday's offset: one Intl call confirms it instead of a full conversion.
    if (offset !== null && offsetMinutes(new Date((local - offset) * MINUTE_MS), timeZone) === offset) midnights.push(local - offset);
    else midnights.push(floorMin(zonedToUtc(date, 0, timeZone)));
    offset = local - (midnights[i] as number);
  }
  return dates.slice(0, -1).map((date, i) => {
    const start = midnights[i] as number;
    const end = midnights[i + 1] as number;
    const offsetHere = (localEpochs[i] as number) - start;
    const offsetNext = (localEpochs[i + 1] as number) - end;
    const day: Day = { date, weekday: weekdayOf(date), start, end, localEpoch: localEpochs[i] as number, offset: offsetHere, change: null };
    if (offsetHere === offsetNext) return day;
    // Midnight in a gap resolves to the gap's end, so the offset before the change is read a minute earlier.
    day.offset = offsetMinutes(new Date((start - 1) * MINUTE_MS), timeZone);
    let lo = start - 1;
    let hi = end;
    while (hi - lo > 1) {
      const mid = (lo + hi) >> 1;
      if (offsetMinutes(new Date(mid * MINUTE_MS), timeZone) === day.offset) lo = mid;
      else hi = mid;
    }
    day.change = { at: hi, offset: offsetMinutes(new Date(hi * MINUTE_MS), timeZone) };
    return day;
  });
}

/** Same rules as zonedToUtc (gap → its end, repeat → first occurrence), without calling Intl. */
function wallToInstant(day: Day, wallMin: number): number {
  const underBefore = day.localEpoch + wallMin - day.offset;
  if (!day.change) return underBefore;
  const underAfter = day.localEpoch + wallMin - day.change.offset;
  const valid = [underBefore < day.change.at ? underBefore : null, underAfter >= day.change.at ? underAfter : null].filter((t) => t !== null);
  return valid.length > 0 ? Math.min(...valid) : day.change.at;
}

/** Start times on the service grid, in local wall time from each day's midnight. */
function gridStarts(days: readonly Day[], gridMin: number): number[] {
  const out: number[] = [];
  for (const day of days) {
    for (let w = 0; w < 1440; w += gridMin) {
      const t = wallToInstant(day, w);
      // Gap times collapse onto the gap's end; keep each instant once.
      if (t < day.end && (out.length === 0 || t > (out[out.length - 1] as number))) out.push(t);
    }
  }
  return out;
}

function inEffect(rule: AvailabilityRule, date: LocalDate): boolean {
  return (!rule.effectiveFrom || date >= rule.effectiveFrom) && (!rule.effectiveTo || date <= rule.effectiveTo);
}

function asInterval(block: { start: Date; end: Date }): Interval {
  // Round outwards so a block never frees part of a minute it touches.
  return [floorMin(block.start), ceilMin(block.end)];
}

/** A location's open time on `days`: its opening hours in wall time minus closures (its own and clinic-wide). */
function locationOpenTime(location: SlotLocation, days: readonly Day[], exceptions: readonly ScheduleException[]): Interval[] {
  const hours = days.flatMap((day) => (location.openingHours[day.weekday] ?? []).map((p): Interval => [wallToInstant(day, minutesOf(p.open)), wallToInstant(day, minutesOf(p.close))]));
  const closed = normalize(exceptions.filter((c) => c.kind === "closure" && (c.locationId === null || c.locationId === location.id)).map(asInterval));
  return subtract(normalize(hours), closed);
}

/** A doctor's working time at a location on `days`: weekly rules in effect minus breaks, plus extra hours (time off is not taken out here). */
function doctorWorkingTime(doctor: SlotDoctor, locationId: string, days: readonly Day[], exceptions: readonly ScheduleException[]): Interval[] {
  const working: Interval[] = [];
  for (const rule of doctor.rules) {
    if (rule.locationId !== locationId) continue;
    const shift = [minutesOf(rule.start), minutesOf(rule.end)] as const;
    const breaks = rule.breaks.map((b) => [minutesOf(b.start), minutesOf(b.end)] as const);
    for (const day of days) {
      if (day.weekday !== rule.weekday || !inEffect(rule, day.date)) continue;
      const onDay = ([a, b]: Interval): Interval => [wallToInstant(day, a), wallToInstant(day, b)];
      working.push(...subtract([onDay(shift)], normalize(breaks.map(onDay))));
    }
  }
  for (const e of exceptions) {
    if (e.kind === "extra_hours" && e.doctorId === doctor.id && e.locationId === locationId) working.push(asInterval(e));
  }
  return normalize(working);
}

export function computeSlots(input: SlotQuery): Slot[] {
  const { timeZone, service } = input;
  const duration = service.durationMin;
  const before = service.bufferBeforeMin;
  const after = service.bufferAfterMin;
  const grid = service.startGridMin;
  if (!(duration > 0) || !(grid > 0)) return [];

  const nowMin = floorMin(input.now);
  const earliest = Math.max(ceilMin(input.window.from), nowMin + service.minNoticeMin);
  const latest = Math.min(ceilMin(input.window.to), nowMin + service.horizonDays * 1440); // starts before this
  if (earliest >= latest) return [];

  const doctorIds = [...new Set(service.eligibleDoctorIds)]
    .filter((id) => !input.practitionerId || id === input.practitionerId)
    .sort();
  const locationIds = [...new Set(service.eligibleLocationIds)].filter((id) => !input.locationId || id === input.locationId).sort();
  if (doctorIds.length === 0 || locationIds.length === 0) return [];

  // Days whose hours can touch a padded slot starting in [earliest, latest).
  const reach = before + duration + after;
  const firstDate = utcToZoned(new Date((earliest - reach) * MINUTE_MS), timeZone).date;
  const lastDate = utcToZoned(new Date((latest + reach) * MINUTE_MS), timeZone).date;
  const days = buildDays(firstDate, lastDate, timeZone);

  const starts = gridStarts(days, grid);
  const startsFrom = lowerBound(starts, earliest);
  const startsTo = lowerBound(starts, latest);

  const openByLocation = new Map<string, Interval[]>();
  for (const location of input.locations) {
    if (!locationIds.includes(location.id)) continue;
    openByLocation.set(location.id, locationOpenTime(location, days, input.exceptions));
  }

  const roomBusy = new Map<string, Interval[]>();
  const doctorBusy = new Map<string, Interval[]>();
  const push = (map: Map<string, Interval[]>, id: string, iv: Interval) => {
    const list = map.get(id);
    if (list) list.push(iv);
    else map.set(id, [iv]);
  };
  for (const block of input.busy) {
    if (block.roomId) push(roomBusy, block.roomId, asInterval(block));
    if (block.doctorId) push(doctorBusy, block.doctorId, asInterval(block));
  }
  for (const [id, list] of roomBusy) roomBusy.set(id, normalize(list));

  const roomsByLocation = new Map<string, SlotRoom[]>();
  if (service.roomType) {
    for (const room of [...input.rooms].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))) {
      if (room.type !== service.roomType) continue;
      const list = roomsByLocation.get(room.locationId);
      if (list) list.push(room);
      else roomsByLocation.set(room.locationId, [room]);
    }
  }

  const doctorsById = new Map(input.doctors.map((d) => [d.id, d]));
  const slots: Slot[] = [];

  for (const doctorId of doctorIds) {
    const doctor = doctorsById.get(doctorId);
    if (!doctor) continue;
    const timeOff = input.exceptions.filter((e) => e.kind === "time_off" && e.doctorId === doctorId).map(asInterval);
    const unavailable = normalize([...timeOff, ...(doctorBusy.get(doctorId) ?? [])]);

    for (const locationId of locationIds) {
      const open = openByLocation.get(locationId);
      if (!open || open.length === 0) continue;
      const rooms = service.roomType ? (roomsByLocation.get(locationId) ?? []) : null;
      if (rooms && rooms.length === 0) continue;

      const free = subtract(doctorWorkingTime(doctor, locationId, days, input.exceptions), unavailable);

      for (const [a, b] of free) {
        for (let i = Math.max(startsFrom, lowerBound(starts, a + before)); i < startsTo; i++) {
          const start = starts[i] as number;
          const end = start + duration;
          if (end + after > b) break;
          if (!covers(open, start, end)) continue;
          let roomId: string | null = null;
          if (rooms) {
            const room = rooms.find((r) => !overlaps(roomBusy.get(r.id) ?? [], start - before, end + after));
            if (!room) continue;
            roomId = room.id;
          }
          slots.push({ start: new Date(start * MINUTE_MS), end: new Date(end * MINUTE_MS), doctorId, locationId, roomId });
        }
      }
    }
  }

  return slots.sort((x, y) => x.start.getTime() - y.start.getTime() || compare(x.doctorId, y.doctorId) || compare(x.locationId, y.locationId));
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * "Any doctor": one slot per start and location, taken from the doctor whose id sorts first, so
 * the same inputs always offer the same doctor.
 */
export function mergeAnyDoctor(slots: readonly Slot[]): Slot[] {
  const chosen = new Map<string, Slot>();
  for (const slot of slots) {
    const key = `${slot.start.getTime()}|${slot.locationId}`;
    const held = chosen.get(key);
    if (!held || compare(slot.doctorId, held.doctorId) < 0) chosen.set(key, slot);
  }
  return [...chosen.values()].sort((x, y) => x.start.getTime() - y.start.getTime() || compare(x.locationId, y.locationId));
}

/** The local days of a window, worked out once (one time-zone lookup per day) and shared by the queries below. */
export interface WindowDays {
  readonly window: { from: Date; to: Date };
  readonly days: readonly Day[];
}

export function windowDays(timeZone: string, window: { from: Date; to: Date }): WindowDays {
  if (window.to.getTime() <= window.from.getTime()) return { window, days: [] };
  return { window, days: buildDays(utcToZoned(window.from, timeZone).date, utcToZoned(new Date(window.to.getTime() - 1), timeZone).date, timeZone) };
}

/** The UTC instant of each local midnight from `first` to the day after `last` (daylight-saving days are 23 or 25 hours). */
export function localMidnights(first: LocalDate, last: LocalDate, timeZone: string): Date[] {
  const days = buildDays(first, last, timeZone);
  return [...days.map((d) => new Date(d.start * MINUTE_MS)), new Date((days[days.length - 1]?.end ?? floorMin(zonedToUtc(first, 0, timeZone))) * MINUTE_MS)];
}

export interface AvailableTimeQuery {
  span: WindowDays;
  location: SlotLocation;
  exceptions: readonly ScheduleException[];
}

function clipTo(list: readonly Interval[], window: { from: Date; to: Date }): Interval[] {
  const a = ceilMin(window.from);
  const b = floorMin(window.to);
  return list.map(([x, y]): Interval => [Math.max(x, a), Math.min(y, b)]).filter(([x, y]) => y > x);
}

/** The time a location is open within the window (opening hours minus closures), in whole minutes since the epoch. */
export function openTimeIn(q: AvailableTimeQuery): Interval[] {
  return clipTo(locationOpenTime(q.location, q.span.days, q.exceptions), q.span.window);
}

/**
 * The time a doctor can see patients at a location within the window, as the slot engine counts
 * it before busy times: working time (rules, breaks, extra hours) minus time off, inside the
 * location's open time. Whole minutes since the epoch.
 */
export function doctorAvailableTimeIn(q: AvailableTimeQuery & { doctor: SlotDoctor; /** The location's openTimeIn(), when already known. */ open?: readonly Interval[] }): Interval[] {
  const timeOff = normalize(q.exceptions.filter((e) => e.kind === "time_off" && e.doctorId === q.doctor.id).map(asInterval));
  const working = subtract(doctorWorkingTime(q.doctor, q.location.id, q.span.days, q.exceptions), timeOff);
  if (working.length === 0) return [];
  const open = q.open ?? locationOpenTime(q.location, q.span.days, q.exceptions);
  return clipTo(subtract(working, subtract(working, open)), q.span.window);
}

/** Total minutes in a list of disjoint intervals. */
export function minutesIn(list: readonly Interval[]): number {
  return list.reduce((sum, [a, b]) => sum + (b - a), 0);
}
