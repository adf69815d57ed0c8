/**
 * Loads everything the slot engine needs for one service and time window in ONE query (the
 * schedule_data() function in the scheduling migration): the service,
 * its eligible doctors and locations, rooms of the required type, the doctors' weekly rules, the
 * exceptions and the busy time (active appointments, unexpired holds, imported blocks) that touch
 * the window. No per-doctor or per-day queries: the cost is one round trip whatever the window.
 *
 * The window is clamped in SQL to [now + minimum notice, now + horizon] and widened by the
 * service's reach (buffers and duration), so nothing outside what the engine can use is read.
 */
import { WEEKDAYS, type OpeningPeriod, type Weekday } from "../tenancy/opening-hours";
import type { RawQuery, SqlTx } from "~/utils/db.server";
import type { Discount } from "./discounts";
import type { AvailabilityRule, BusyBlock, ScheduleException, SlotDoctor, SlotLocation, SlotRoom, SlotService, WallPeriod } from "./slot-engine";
import { CLAIMS_TIME } from "~/lib/appointment-status";

/** Blocking statuses: the same list as the exclusion constraints in the scheduling migration. */
/** The statuses that claim time (the exclusion constraints' own list). */
export const ACTIVE_STATUSES = CLAIMS_TIME;

/** Who the slots are for: patients never see internal-only services; staff and integrations do. */
export type Audience = "public" | "staff";

export interface ServiceTerms {
  id: string;
  name: string;
  durationMin: number;
  bufferBeforeMin: number;
  bufferAfterMin: number;
  requiresApproval: boolean;
  priceMinor: number;
  depositKind: "none" | "fixed" | "percent";
  depositValue: number;
  cancellationWindowMin: number;
  visibility: "active" | "inactive" | "seasonal" | "internal_only";
  seasonFrom: string | null;
  seasonTo: string | null;
}

export interface ScheduleData {
  service: SlotService;
  terms: ServiceTerms;
  locations: SlotLocation[];
  doctors: SlotDoctor[];
  rooms: SlotRoom[];
  exceptions: ScheduleException[];
  busy: BusyBlock[];
  /** Unexpired holds among `busy`: the time they block, in minutes since the epoch, and when they run out (ms). */
  holds: { fromMin: number; toMin: number; expiresAt: number }[];
  /** Read with the slot, in the same statement: a booking needs both. */
  clinicStatus: string | null;
  discounts: Discount[];
}

export interface ScheduleWindow {
  serviceId: string;
  from: Date;
  to: Date;
  now: Date;
  practitionerId?: string | null;
  locationId?: string | null;
}

interface Row {
  service: {
    id: string;
    name: string;
    duration_min: number;
    buffer_before_min: number;
    buffer_after_min: number;
    start_grid_min: number;
    room_type: string | null;
    min_notice_min: number;
    horizon_days: number;
    visibility: ServiceTerms["visibility"];
    season_from: string | null;
    season_to: string | null;
    requires_approval: boolean;
    price_minor: number;
    deposit_kind: ServiceTerms["depositKind"];
    deposit_value: number;
    cancellation_window_min: number;
  } | null;
  doctors: string[];
  locations: { id: string; openingHours: Partial<Record<Weekday, OpeningPeriod[]>> }[];
  rooms: { id: string; location_id: string; type: string }[];
  /** [doctor, location, iso weekday, start minute, end minute, breaks, from, to] */
  rules: [string, string, number, number, number, WallPeriod[], string | null, string | null][];
  /** [kind, doctor, location, start ms, end ms] */
  exceptions: [ScheduleException["kind"], string | null, string | null, number, number][];
  /** ["d" doctor | "r" room, its id, "from to from to …" in minutes since the epoch] */
  busy: ["d" | "r", string, string][];
  /** [from minute, to minute, expires ms] */
  holds?: [number, number, number][];
  clinic_status?: string | null;
  /** [kind, label, percent, starts on, ends on, weekdays, from minute, to minute] */
  discounts?: [Discount["kind"], string, number, string | null, string | null, number[], number | null, number | null][];
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** An id from outside that is not a UUID can match nothing; saying so early keeps SQL from erroring. */
export const isUuid = (value: string | null | undefined): value is string => typeof value === "string" && UUID.test(value);

const hhmm = (minutes: number) => `${String(Math.floor(minutes / 60)).padStart(2, "0")}:${String(minutes % 60).padStart(2, "0")}`;

/** Runs the query in a Prisma transaction (booking) or a driver-level read (slots): same SQL. */
export function prismaQuery(tx: SqlTx): RawQuery {
  return <R,>(text: string, params: unknown[] = []) => tx.$queryRawUnsafe<R[]>(text, ...params);
}

/**
 * Other writes that go in the same round trip as the schedule read (a hot path saves one): common
 * table expressions whose placeholders start at `$first`, their values, and one value of theirs
 * returned beside the schedule (`column`, an SQL expression).
 */
export interface AlongsideWork {
  ctes: (first: number) => string;
  values: unknown[];
  column: string;
}

export async function loadScheduleData(query: RawQuery, clinicId: string, w: ScheduleWindow): Promise<ScheduleData | null> {
  return (await loadScheduleDataWith(query, clinicId, w, null)).data;
}

/** The schedule and, in the same statement, `alongside`'s writes: `extra` is its column's value. */
export async function loadScheduleDataWith(query: RawQuery, clinicId: string, w: ScheduleWindow, alongside: AlongsideWork | null): Promise<{ data: ScheduleData | null; extra: string | null }> {
  if (!isUuid(w.serviceId)) return { data: null, extra: null };
  const practitionerId = w.practitionerId ?? null;
  const locationId = w.locationId ?? null;
  if ((practitionerId && !isUuid(practitionerId)) || (locationId && !isUuid(locationId))) return { data: null, extra: null };

  // The SQL is the schedule_data() function of the scheduling migration (planned once per connection).
  const read = `SELECT schedule_data($1::uuid, $2::uuid, $3::uuid, $4::uuid, $5::timestamptz, $6::timestamptz, $7::timestamptz) AS data`;
  const params = [clinicId, w.serviceId, practitionerId, locationId, w.from, w.to, w.now];
  const rows = alongside
    ? await query<{ data: Row; extra: string | null }>(`WITH ${alongside.ctes(params.length + 1)} ${read}, ${alongside.column} AS extra`, [...params, ...alongside.values])
    : await query<{ data: Row; extra?: undefined }>(read, params);
  const extra = rows[0]?.extra ?? null;
  return { data: scheduleFromRow(rows[0]?.data), extra };
}

function scheduleFromRow(row: Row | undefined): ScheduleData | null {
  if (!row?.service) return null;
  const s = row.service;

  const rulesByDoctor = new Map<string, AvailabilityRule[]>(row.doctors.map((id) => [id, []]));
  for (const [doctorId, locId, weekday, start, end, breaks, from, to] of row.rules) {
    rulesByDoctor.get(doctorId)?.push({
      locationId: locId,
      weekday: WEEKDAYS[weekday - 1]!,
      start: hhmm(start),
      end: hhmm(end),
      breaks,
      effectiveFrom: from,
      effectiveTo: to,
    });
  }

  return {
    service: {
      id: s.id,
      durationMin: s.duration_min,
      bufferBeforeMin: s.buffer_before_min,
      bufferAfterMin: s.buffer_after_min,
      startGridMin: s.start_grid_min,
      minNoticeMin: s.min_notice_min,
      horizonDays: s.horizon_days,
      roomType: s.room_type,
      eligibleDoctorIds: row.doctors,
      eligibleLocationIds: row.locations.map((l) => l.id),
    },
    terms: {
      id: s.id,
      name: s.name,
      durationMin: s.duration_min,
      bufferBeforeMin: s.buffer_before_min,
      bufferAfterMin: s.buffer_after_min,
      requiresApproval: s.requires_approval,
      priceMinor: s.price_minor,
      depositKind: s.deposit_kind,
      depositValue: s.deposit_value,
      cancellationWindowMin: s.cancellation_window_min,
      visibility: s.visibility,
      seasonFrom: s.season_from,
      seasonTo: s.season_to,
    },
    locations: row.locations.map((l) => ({ id: l.id, openingHours: l.openingHours ?? {} })),
    doctors: [...rulesByDoctor].map(([id, rules]) => ({ id, rules })),
    rooms: row.rooms.map((r) => ({ id: r.id, locationId: r.location_id, type: r.type })),
    exceptions: row.exceptions.map(([kind, doctorId, locId, start, end]): ScheduleException => {
      const span = { start: new Date(Number(start)), end: new Date(Number(end)) };
      if (kind === "closure") return { kind, locationId: locId, ...span };
      if (kind === "time_off") return { kind, doctorId: doctorId!, ...span };
      return { kind, doctorId: doctorId!, locationId: locId!, ...span };
    }),
    busy: row.busy.flatMap(([kind, id, spans]) => {
      const minutes = spans.split(" ");
      const blocks: BusyBlock[] = [];
      for (let i = 0; i + 1 < minutes.length; i += 2) {
        const span = { start: new Date(Number(minutes[i]) * 60_000), end: new Date(Number(minutes[i + 1]) * 60_000) };
        blocks.push(kind === "d" ? { doctorId: id, roomId: null, ...span } : { doctorId: null, roomId: id, ...span });
      }
      return blocks;
    }),
    holds: (row.holds ?? []).map(([f, t, expires]) => ({ fromMin: Number(f), toMin: Number(t), expiresAt: Number(expires) })),
    clinicStatus: row.clinic_status ?? null,
    discounts: (row.discounts ?? []).map(([kind, label, percent, startsOn, endsOn, weekdays, fromMinute, toMinute]) => ({ kind, label, percent, startsOn, endsOn, weekdays, fromMinute, toMinute })),
  };
}
