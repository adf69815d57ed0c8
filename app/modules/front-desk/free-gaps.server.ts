/**
 * Free time left in a doctor's day, from the same slot engine that offers times to patients: the
 * doctor's weekly rules, exceptions (closures, time off, extra hours), the location's opening hours
 * and everything that blocks the doctor (visits with their buffers, unexpired holds, imported busy
 * blocks). The engine is asked for free 5-minute starts with no room needed; consecutive starts
 * merge into gaps. Only time from `now` on counts, so on today's board a gap shrinks as the day goes.
 */
import type { Tx } from "~/utils/db.server";
import { oneByOne } from "./desk-appointments.server";
import { ACTIVE_STATUSES } from "~/modules/scheduling/schedule-data.server";
import { computeSlots, type AvailabilityRule, type BusyBlock, type ScheduleException, type SlotDoctor, type SlotLocation } from "~/modules/scheduling/slot-engine";
import { addDays, zonedToUtc, type LocalDate } from "~/lib/zoned-time";
import { WEEKDAYS, type OpeningPeriod, type Weekday } from "~/modules/tenancy/opening-hours";

/** The resolution of a gap: the finest start grid a clinic uses. */
export const GAP_STEP_MIN = 5;

export interface FreeGap {
  start: Date;
  end: Date;
  minutes: number;
  locationId: string;
}

export interface DoctorGaps {
  doctorId: string;
  doctorName: string;
  gaps: FreeGap[];
  freeMinutes: number;
}

const hhmm = (m: number) => `${String(Math.floor(m / 60)).padStart(2, "0")}:${String(m % 60).padStart(2, "0")}`;
const dateOnly = (d: Date | null) => (d ? d.toISOString().slice(0, 10) : null);

export async function freeGapsOfDay(tx: Tx, clinic: { id: string; timeZone: string }, day: LocalDate, opts: { locationId?: string | null }, now: Date): Promise<DoctorGaps[]> {
  const from = zonedToUtc(day, 0, clinic.timeZone);
  const to = zonedToUtc(addDays(day, 1), 0, clinic.timeZone);
  const clinicId = clinic.id;
  const locationFilter = opts.locationId ? { locationId: opts.locationId } : {};
  const [locations, doctors, links, rules, exceptions, appointments, blocks] = await oneByOne([
    () => tx.location.findMany({ where: { clinicId, ...(opts.locationId ? { id: opts.locationId } : {}) }, select: { id: true, openingHours: true } }),
    () => tx.clinicMembership.findMany({ where: { clinicId, role: "doctor", active: true, OR: [{ workStatus: "active" }, { workStatus: null }] }, select: { id: true, staffUser: { select: { name: true } } } }),
    () => tx.doctorLocation.findMany({ where: { clinicId, ...locationFilter }, select: { doctorId: true } }),
    () => tx.availabilityRule.findMany({ where: { clinicId, ...locationFilter } }),
    () => tx.scheduleException.findMany({ where: { clinicId, startsAt: { lt: to }, endsAt: { gt: from } } }),
    () => tx.appointment.findMany({
      where: { clinicId, status: { in: [...ACTIVE_STATUSES] }, blockedFrom: { lt: to }, blockedTo: { gt: from } },
      select: { doctorId: true, status: true, holdExpiresAt: true, blockedFrom: true, blockedTo: true },
    }),
    () => tx.busyBlock.findMany({ where: { clinicId, startsAt: { lt: to }, endsAt: { gt: from }, doctorId: { not: null } }, select: { doctorId: true, startsAt: true, endsAt: true } }),
  ]);
  const atLocation = new Set(links.map((l) => l.doctorId));
  const working = doctors.filter((d) => atLocation.has(d.id));
  const slotDoctors: SlotDoctor[] = working.map((d) => ({
    id: d.id,
    rules: rules
      .filter((r) => r.doctorId === d.id)
      .map(
        (r): AvailabilityRule => ({
          locationId: r.locationId,
          weekday: WEEKDAYS[r.weekday - 1] as Weekday,
          start: hhmm(r.startMinute),
          end: hhmm(r.endMinute),
          breaks: (r.breaks as { start: string; end: string }[] | null) ?? [],
          effectiveFrom: dateOnly(r.effectiveFrom),
          effectiveTo: dateOnly(r.effectiveTo),
        }),
      ),
  }));
  const slotLocations: SlotLocation[] = locations.map((l) => ({ id: l.id, openingHours: (l.openingHours ?? {}) as Partial<Record<Weekday, OpeningPeriod[]>> }));
  const slotExceptions: ScheduleException[] = exceptions.flatMap((e): ScheduleException[] => {
    const span = { start: e.startsAt, end: e.endsAt };
    if (e.kind === "closure") return [{ kind: "closure", locationId: e.locationId, ...span }];
    if (e.kind === "time_off" && e.doctorId) return [{ kind: "time_off", doctorId: e.doctorId, ...span }];
    if (e.kind === "extra_hours" && e.doctorId && e.locationId) return [{ kind: "extra_hours", doctorId: e.doctorId, locationId: e.locationId, ...span }];
    return [];
  });
  const busy: BusyBlock[] = [
    ...appointments
      .filter((a) => a.status !== "held" || (a.holdExpiresAt && a.holdExpiresAt.getTime() > now.getTime()))
      .map((a) => ({ doctorId: a.doctorId, roomId: null, start: a.blockedFrom, end: a.blockedTo })),
    ...blocks.map((b) => ({ doctorId: b.doctorId, roomId: null, start: b.startsAt, end: b.endsAt })),
  ];
  const slots = computeSlots({
    timeZone: clinic.timeZone,
    now,
    window: { from, to },
    service: {
      id: "free-time",
      durationMin: GAP_STEP_MIN,
      bufferBeforeMin: 0,
      bufferAfterMin: 0,
      startGridMin: GAP_STEP_MIN,
      minNoticeMin: 0,
      horizonDays: 3660,
      roomType: null,
      eligibleDoctorIds: working.map((d) => d.id),
      eligibleLocationIds: slotLocations.map((l) => l.id),
    },
    locations: slotLocations,
    doctors: slotDoctors,
    rooms: [],
    exceptions: slotExceptions,
    busy,
  });
  return working
    .map((d) => {
      const gaps: FreeGap[] = [];
      const mine = slots.filter((s) => s.doctorId === d.id).sort((x, y) => x.start.getTime() - y.start.getTime());
      for (const s of mine) {
        const last = gaps[gaps.length - 1];
        if (last && last.end.getTime() === s.start.getTime() && last.locationId === s.locationId) {
          last.end = s.end;
          last.minutes = Math.round((last.end.getTime() - last.start.getTime()) / 60_000);
        } else if (!last || s.start.getTime() >= last.end.getTime()) {
          gaps.push({ start: s.start, end: s.end, minutes: GAP_STEP_MIN, locationId: s.locationId });
        }
      }
      return { doctorId: d.id, doctorName: d.staffUser.name, gaps, freeMinutes: gaps.reduce((n, g) => n + g.minutes, 0) };
    })
    .sort((x, y) => x.doctorName.localeCompare(y.doctorName));
}
