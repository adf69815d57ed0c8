/**
 * A doctor's day made ready for the time-grid spec: the first working day of the doctor at least
 * `minDaysAhead` days away with no closure or time off, at a location offering the service, working 09:00–14:45 without a break then
 * except between 11:15 and 14:00, emptied of the demo diary's visits (as a
 * desk would after calls), and given the spec's own visits at fixed wall times. Each project passes
 * its own distance, so desktop and tablet runs never share a day.
 */
import pg from "pg";
import { e2eDatabaseUrls } from "./database";

let pool: pg.Pool | undefined;
function db(): pg.Pool {
  pool ??= new pg.Pool({ connectionString: e2eDatabaseUrls().superuserUrl, max: 1, allowExitOnIdle: true });
  return pool;
}

export interface GridDay {
  clinicId: string;
  timeZone: string;
  doctorId: string;
  locationId: string;
  serviceId: string;
  /** Local date, YYYY-MM-DD. */
  day: string;
}

/** The doctor's next working day from `minDaysAhead` on, cleared of other visits. */
export async function clearedDay(clinic: string, doctorEmail: string, serviceName: string, minDaysAhead: number): Promise<GridDay> {
  const { rows } = await db().query<GridDay>(
    `SELECT c.id::text AS "clinicId", c.time_zone AS "timeZone", m.id::text AS "doctorId", r.location_id::text AS "locationId", s.id::text AS "serviceId",
            to_char(d.day, 'YYYY-MM-DD') AS day
       FROM clinics c
       JOIN staff_users u ON lower(u.email) = lower($2)
       JOIN clinic_memberships m ON m.clinic_id = c.id AND m.staff_user_id = u.id AND m.role = 'doctor'
       JOIN services s ON s.clinic_id = c.id AND s.name = $3
       CROSS JOIN LATERAL (SELECT (now() AT TIME ZONE c.time_zone)::date + g AS day FROM generate_series($4::int, $4::int + 21) g) d
       JOIN availability_rules r ON r.clinic_id = c.id AND r.doctor_id = m.id AND r.weekday = extract(isodow FROM d.day)
                                AND EXISTS (SELECT 1 FROM service_locations sl WHERE sl.clinic_id = c.id AND sl.service_id = s.id AND sl.location_id = r.location_id)
                                AND r.start_minute <= 540 AND r.end_minute >= 885
                                -- The spec's times (09:00–11:15 and 14:00–14:45) clear of the doctor's breaks.
                                AND NOT EXISTS (SELECT 1 FROM jsonb_array_elements(r.breaks) b
                                                 WHERE ((b->>'start')::time < '11:15' AND (b->>'end')::time > '09:00')
                                                    OR ((b->>'start')::time < '14:45' AND (b->>'end')::time > '14:00'))
                                AND (r.effective_from IS NULL OR r.effective_from <= d.day) AND (r.effective_to IS NULL OR r.effective_to >= d.day)
      WHERE c.slug = $1
        AND NOT EXISTS (SELECT 1 FROM schedule_exceptions x
                         WHERE x.clinic_id = c.id AND x.kind <> 'extra_hours'
                           AND x.starts_at < (d.day + 1)::timestamp AT TIME ZONE c.time_zone AND x.ends_at > d.day::timestamp AT TIME ZONE c.time_zone)
      ORDER BY d.day
      LIMIT 1`,
    [clinic, doctorEmail, serviceName, minDaysAhead],
  );
  const found = rows[0];
  if (!found) throw new Error(`no working day for ${doctorEmail} at ${clinic}`);
  await db().query(
    `UPDATE appointments
        SET status = 'cancelled', cancellation_reason = 'patient_request', cancelled_at = now(), cancelled_by = 'e2e: a clear day for the grid'
      WHERE clinic_id = $1::uuid AND doctor_id = $2::uuid AND status IN ('requested', 'confirmed', 'held')
        AND starts_at >= $3::date::timestamp AT TIME ZONE $4 AND starts_at < ($3::date + 1)::timestamp AT TIME ZONE $4`,
    [found.clinicId, found.doctorId, found.day, found.timeZone],
  );
  return found;
}

/** A confirmed visit of the service for a new patient at a local wall time (its own cancellation window, 48 hours unless said); returns its id. */
export async function visitAt(g: GridDay, hhmm: string, patient: { first: string; last: string }, cancellationWindowMin = 2880): Promise<string> {
  const phone = `+1999${String(Math.floor(Math.random() * 1e9)).padStart(9, "0")}`;
  const { rows: people } = await db().query<{ id: string }>(`INSERT INTO patient_accounts (phone, first_name, last_name) VALUES ($1, $2, $3) RETURNING id::text`, [phone, patient.first, patient.last]);
  const patientId = people[0]!.id;
  await db().query(`INSERT INTO clinic_patients (clinic_id, patient_account_id, linked_at, linked_by) VALUES ($1::uuid, $2::uuid, now(), 'online_booking')`, [g.clinicId, patientId]);
  const { rows } = await db().query<{ id: string }>(
    `INSERT INTO appointments (clinic_id, service_id, doctor_id, location_id, patient_account_id, status, starts_at, ends_at, blocked_from, blocked_to,
                               channel, price_minor, currency, cancellation_window_min, created_by)
     SELECT $1::uuid, s.id, $3::uuid, $4::uuid, $5::uuid, 'confirmed', t, t + make_interval(mins => s.duration_min),
            t - make_interval(mins => s.buffer_before_min), t + make_interval(mins => s.duration_min + s.buffer_after_min),
            'staff', s.price_minor, c.currency, $9::int, 'e2e: a visit on the grid'
       FROM (SELECT ($6::date + $7::time)::timestamp AT TIME ZONE $8 AS t) w, services s JOIN clinics c ON c.id = s.clinic_id
      WHERE s.clinic_id = $1::uuid AND s.id = $2::uuid
     RETURNING id::text`,
    [g.clinicId, g.serviceId, g.doctorId, g.locationId, patientId, g.day, hhmm, g.timeZone, cancellationWindowMin],
  );
  return rows[0]!.id;
}
