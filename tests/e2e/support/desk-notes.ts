/**
 * A patient's visit and a patient waiting for a time, written straight into the e2e database, for
 * the desk's notes, messages and waitlist specs.
 */
import { randomInt } from "node:crypto";
import pg from "pg";
import { e2eDatabaseUrls } from "./database";
import type { Offered } from "./visits";

let pool: pg.Pool | undefined;
function db(): pg.Pool {
  pool ??= new pg.Pool({ connectionString: e2eDatabaseUrls().superuserUrl, max: 1, allowExitOnIdle: true });
  return pool;
}

/**
 * A confirmed visit `daysAhead` days from now, late in the New York evening (03:00–05:00 UTC, hours
 * no demo visit takes; the minute is drawn so parallel runs do not meet). Returns its id and local date.
 */
export async function futureVisit(o: Offered, patientId: string, daysAhead: number): Promise<{ id: string; day: string }> {
  // Another run (the other browser project) may hold the doctor at the drawn time: draw again.
  for (let attempt = 0; ; attempt++) {
    try {
      return await insertVisit(o, patientId, daysAhead + (attempt % 3), randomInt(0, 24) * 5);
    } catch (error) {
      if ((error as { code?: string }).code !== "23P01" || attempt >= 20) throw error;
    }
  }
}

async function insertVisit(o: Offered, patientId: string, daysAhead: number, minutes: number): Promise<{ id: string; day: string }> {
  const { rows } = await db().query<{ id: string; day: string }>(
    `INSERT INTO appointments (clinic_id, service_id, doctor_id, location_id, patient_account_id, status, starts_at, ends_at, blocked_from, blocked_to,
                               channel, price_minor, currency, cancellation_window_min, created_by)
     SELECT $1::uuid, $2::uuid, $3::uuid, $4::uuid, $5::uuid, 'confirmed', t, t + interval '20 minutes', t, t + interval '20 minutes',
            'staff', s.price_minor, c.currency, s.cancellation_window_min, 'e2e: a visit for the desk'
       FROM (SELECT date_trunc('day', now()) + make_interval(days => $6::int) + interval '3 hours' + make_interval(mins => $7::int) AS t) w,
            services s JOIN clinics c ON c.id = s.clinic_id
      WHERE s.clinic_id = $1::uuid AND s.id = $2::uuid
     RETURNING id::text, to_char((starts_at AT TIME ZONE (SELECT time_zone FROM clinics WHERE id = $1::uuid))::date, 'YYYY-MM-DD') AS day`,
    [o.clinicId, o.serviceId, o.doctorId, o.locationId, patientId, daysAhead, minutes],
  );
  return rows[0]!;
}

/** An open flexible request: any doctor, any time, from tomorrow to `days` days ahead (clinic-local). */
export async function waitingRequest(o: Offered, patientId: string, days: number, note: string): Promise<string> {
  const { rows } = await db().query<{ id: string }>(
    `INSERT INTO flexible_requests (clinic_id, patient_account_id, service_id, earliest_date, latest_date, note)
     SELECT $1::uuid, $2::uuid, $3::uuid, (now() AT TIME ZONE c.time_zone)::date + 1, (now() AT TIME ZONE c.time_zone)::date + $4::int, $5
       FROM clinics c WHERE c.id = $1::uuid
     RETURNING id::text`,
    [o.clinicId, patientId, o.serviceId, days, note],
  );
  return rows[0]!.id;
}
