/**
 * Loads everything the slot engine needs for one service and time window in ONE query: the service,
 * its eligible doctors and locations, rooms of the required type, the doctors' weekly rules, the
 * exceptions and the busy time (active appointments, unexpired holds, imported blocks) that touch
 * the window. No per-doctor or per-day queries: the cost is one round trip whatever the window.
 *
 * The window is clamped in SQL to [now + minimum notice, now + horizon] and widened by the
 * service's reach (buffers and duration), so nothing outside what the engine can use is read.
 */
import { WEEKDAYS, type OpeningPeriod, type Weekday } from "../tenancy/opening-hours";
import type { RawQuery, Tx } from "~/utils/db.server";
import type { AvailabilityRule, BusyBlock, ScheduleException, SlotDoctor, SlotLocation, SlotRoom, SlotService, WallPeriod } from "./slot-engine";

/** Blocking statuses: the same list as the exclusion constraints in the scheduling migration. */
export const ACTIVE_STATUSES = ["held", "requested", "confirmed", "checked_in", "in_consultation", "completed"] as const;

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
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** An id from outside that is not a UUID can match nothing; saying so early keeps SQL from erroring. */
export const isUuid = (value: string | null | undefined): value is string => typeof value === "string" && UUID.test(value);

const hhmm = (minutes: number) => `${String(Math.floor(minutes / 60)).padStart(2, "0")}:${String(minutes % 60).padStart(2, "0")}`;

/** Runs the query in a Prisma transaction (booking) or a driver-level read (slots): same SQL. */
export function prismaQuery(tx: Tx): RawQuery {
  return <R,>(text: string, params: unknown[] = []) => tx.$queryRawUnsafe<R[]>(text, ...params);
}

// $1 clinic, $2 service, $3 practitioner or NULL, $4 location or NULL, $5 from, $6 to, $7 now.
const SCHEDULE_SQL = `
    WITH svc AS (
      SELECT s.id, s.name, s.duration_min, s.buffer_before_min, s.buffer_after_min, s.start_grid_min, s.room_type::text AS room_type,
             s.min_notice_min, s.horizon_days, s.visibility::text AS visibility, s.season_from::text AS season_from,
             s.season_to::text AS season_to, s.requires_approval, s.price_minor, s.deposit_kind::text AS deposit_kind,
             s.deposit_value, s.cancellation_window_min
        FROM services s WHERE s.clinic_id = $1::uuid AND s.id = $2::uuid
    ),
    docs AS (
      SELECT m.id FROM service_doctors sd
        JOIN clinic_memberships m ON m.clinic_id = sd.clinic_id AND m.id = sd.doctor_id
       WHERE sd.clinic_id = $1::uuid AND sd.service_id = $2::uuid
         AND m.role = 'doctor' AND m.active AND m.work_status = 'active'
         AND ($3::uuid IS NULL OR m.id = $3::uuid)
    ),
    locs AS (
      SELECT l.id, l.opening_hours FROM locations l
       WHERE l.clinic_id = $1::uuid AND ($4::uuid IS NULL OR l.id = $4::uuid)
         AND (NOT EXISTS (SELECT 1 FROM service_locations sl WHERE sl.clinic_id = $1::uuid AND sl.service_id = $2::uuid)
              OR EXISTS (SELECT 1 FROM service_locations sl
                          WHERE sl.clinic_id = $1::uuid AND sl.service_id = $2::uuid AND sl.location_id = l.id))
    ),
    rms AS (
      SELECT r.id, r.location_id, r.type::text AS type FROM rooms r, svc
       WHERE r.clinic_id = $1::uuid AND r.active AND svc.room_type IS NOT NULL AND r.type::text = svc.room_type
         AND r.location_id IN (SELECT id FROM locs)
    ),
    win AS (
      SELECT greatest($5::timestamptz, $7::timestamptz + make_interval(mins => svc.min_notice_min))
               - make_interval(mins => svc.buffer_before_min + svc.duration_min + svc.buffer_after_min) AS lo,
             least($6::timestamptz, $7::timestamptz + make_interval(days => svc.horizon_days))
               + make_interval(mins => svc.buffer_before_min + svc.duration_min + svc.buffer_after_min) AS hi
        FROM svc
    ),
    busy AS (
      SELECT a.doctor_id, a.room_id,
             floor(extract(epoch FROM a.blocked_from) / 60)::bigint AS f, ceil(extract(epoch FROM a.blocked_to) / 60)::bigint AS t
        FROM appointments a, win
       WHERE a.clinic_id = $1::uuid
         -- Constant bounds the index can use (a visit lasts at most 12 hours plus buffers), then the
         -- exact window.
         AND a.starts_at >= $5::timestamptz - interval '1 day' AND a.starts_at < $6::timestamptz + interval '1 day'
         AND a.starts_at < win.hi AND a.blocked_to > win.lo
         AND a.status IN ('held', 'requested', 'confirmed', 'checked_in', 'in_consultation', 'completed')
         AND NOT (a.status = 'held' AND a.hold_expires_at <= $7::timestamptz)
         AND (a.doctor_id IN (SELECT id FROM docs) OR a.room_id IN (SELECT id FROM rms))
      UNION ALL
      SELECT bb.doctor_id, bb.room_id, floor(extract(epoch FROM bb.starts_at) / 60)::bigint, ceil(extract(epoch FROM bb.ends_at) / 60)::bigint
        FROM busy_blocks bb, win
       WHERE bb.clinic_id = $1::uuid AND bb.ends_at > win.lo AND bb.starts_at < win.hi
         AND (bb.doctor_id IN (SELECT id FROM docs) OR bb.room_id IN (SELECT id FROM rms))
    )
    SELECT
      (SELECT row_to_json(svc) FROM svc) AS service,
      (SELECT coalesce(json_agg(id ORDER BY id), '[]') FROM docs) AS doctors,
      (SELECT coalesce(json_agg(json_build_object('id', id, 'openingHours', opening_hours)), '[]') FROM locs) AS locations,
      (SELECT coalesce(json_agg(row_to_json(rms)), '[]') FROM rms) AS rooms,
      (SELECT coalesce(json_agg(json_build_array(r.doctor_id, r.location_id, r.weekday, r.start_minute, r.end_minute, r.breaks,
                                                 r.effective_from::text, r.effective_to::text)), '[]')
         FROM availability_rules r
        WHERE r.clinic_id = $1::uuid AND r.doctor_id IN (SELECT id FROM docs) AND r.location_id IN (SELECT id FROM locs)) AS rules,
      (SELECT coalesce(json_agg(json_build_array(e.kind, e.doctor_id, e.location_id,
                                                 (extract(epoch FROM e.starts_at) * 1000)::bigint, (extract(epoch FROM e.ends_at) * 1000)::bigint)), '[]')
         FROM schedule_exceptions e, win
        WHERE e.clinic_id = $1::uuid AND e.ends_at > win.lo AND e.starts_at < win.hi
          AND (e.doctor_id IS NULL OR e.doctor_id IN (SELECT id FROM docs))) AS exceptions,
      -- Busy time as one line of "from to" minute pairs per doctor and per room: thousands of
      -- appointments travel as a few compact strings instead of thousands of JSON objects.
      (SELECT coalesce(json_agg(json_build_array(g.kind, g.id, g.spans)), '[]') FROM (
         SELECT 'd' AS kind, b.doctor_id AS id, string_agg(b.f || ' ' || b.t, ' ') AS spans FROM busy b
          WHERE b.doctor_id IN (SELECT id FROM docs) GROUP BY b.doctor_id
         UNION ALL
         SELECT 'r', b.room_id, string_agg(b.f || ' ' || b.t, ' ') FROM busy b
          WHERE b.room_id IN (SELECT id FROM rms) GROUP BY b.room_id
      ) g) AS busy`;

export async function loadScheduleData(query: RawQuery, clinicId: string, w: ScheduleWindow): Promise<ScheduleData | null> {
  if (!isUuid(w.serviceId)) return null;
  const practitionerId = w.practitionerId ?? null;
  const locationId = w.locationId ?? null;
  if ((practitionerId && !isUuid(practitionerId)) || (locationId && !isUuid(locationId))) return null;

  const rows = await query<Row>(SCHEDULE_SQL, [clinicId, w.serviceId, practitionerId, locationId, w.from, w.to, w.now], "schedule-data");
  const row = rows[0];
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
  };
}
export { SCHEDULE_SQL as SCHEDULE_SQL_PROFILE };
