/**
 * Visits and busy days written straight into the e2e database, for specs about what a patient
 * does with them: a past visit to book again, a doctor's day taken by the clinic's own software (so
 * the booking calendar shows it fully booked), a service's reasons for a visit.
 */
import { randomInt } from "node:crypto";
import pg from "pg";
import { e2eDatabaseUrls } from "./database";

let pool: pg.Pool | undefined;
function db(): pg.Pool {
  pool ??= new pg.Pool({ connectionString: e2eDatabaseUrls().superuserUrl, max: 1, allowExitOnIdle: true });
  return pool;
}

export interface Offered {
  clinicId: string;
  serviceId: string;
  serviceName: string;
  doctorId: string;
  doctorName: string;
  locationId: string;
  locationName: string;
}

/** The service `serviceName` at `clinic` as the doctor with `doctorEmail` offers it at `locationName`. */
export async function offered(clinic: string, serviceName: string, doctorEmail: string, locationName: string): Promise<Offered> {
  const { rows } = await db().query<Offered>(
    `SELECT c.id::text AS "clinicId", s.id::text AS "serviceId", s.name AS "serviceName", m.id::text AS "doctorId", u.name AS "doctorName",
            l.id::text AS "locationId", l.name AS "locationName"
       FROM clinics c
       JOIN services s ON s.clinic_id = c.id AND s.name = $2
       JOIN staff_users u ON lower(u.email) = lower($3)
       JOIN clinic_memberships m ON m.clinic_id = c.id AND m.staff_user_id = u.id AND m.role = 'doctor'
       JOIN locations l ON l.clinic_id = c.id AND l.name = $4
      WHERE c.slug = $1`,
    [clinic, serviceName, doctorEmail, locationName],
  );
  if (!rows[0]) throw new Error(`${doctorEmail} does not offer ${serviceName} at ${locationName} (${clinic})`);
  return rows[0];
}

/** A new patient account known to the clinic; returns its phone (E.164) for signInPatient. */
export async function newPatientAt(clinicId: string, name: { first: string; last: string }): Promise<{ id: string; phone: string }> {
  const phone = `+1999${String(randomInt(0, 1_000_000_000)).padStart(9, "0")}`;
  const { rows } = await db().query<{ id: string }>(`INSERT INTO patient_accounts (phone, first_name, last_name) VALUES ($1, $2, $3) RETURNING id::text`, [phone, name.first, name.last]);
  const id = rows[0]!.id;
  await db().query(`INSERT INTO clinic_patients (clinic_id, patient_account_id, linked_at, linked_by) VALUES ($1::uuid, $2::uuid, now(), 'online_booking')`, [clinicId, id]);
  return { id, phone };
}

/**
 * A visit the patient had `daysAgo` days ago in the night (from 03:00 UTC, a night hour no demo visit
 * takes), done. Specs run side by side on one database and several may want the same doctor's night:
 * a half hour already taken moves this one to the next.
 */
export async function pastVisit(o: Offered, patientId: string, daysAgo: number): Promise<string> {
  for (let slot = 0; slot < 12; slot++) {
    try {
      const { rows } = await db().query<{ id: string }>(
        `INSERT INTO appointments (clinic_id, service_id, doctor_id, location_id, patient_account_id, status, starts_at, ends_at, blocked_from, blocked_to,
                                   channel, price_minor, currency, cancellation_window_min, created_by)
         SELECT $1::uuid, $2::uuid, $3::uuid, $4::uuid, $5::uuid, 'completed', t, t + interval '30 minutes', t, t + interval '30 minutes',
                'clinic_site', s.price_minor, c.currency, s.cancellation_window_min, 'e2e: a past visit'
           FROM (SELECT date_trunc('day', now()) - make_interval(days => $6::int) + interval '3 hours' + make_interval(mins => $7::int * 30) AS t) w,
                services s JOIN clinics c ON c.id = s.clinic_id
          WHERE s.clinic_id = $1::uuid AND s.id = $2::uuid
         RETURNING id::text`,
        [o.clinicId, o.serviceId, o.doctorId, o.locationId, patientId, daysAgo, slot],
      );
      return rows[0]!.id;
    } catch (error) {
      if ((error as { code?: string }).code !== "23P01") throw error;
    }
  }
  throw new Error(`no free half hour in the night ${daysAgo} days ago`);
}

/**
 * The first day at least `minDaysAhead` days ahead on which the doctor works at the location, taken
 * whole by a busy block from the clinic's software: the booking calendar shows it fully booked for
 * that doctor. Returns the clinic-local date (YYYY-MM-DD).
 */
export async function fillDoctorsDay(o: Offered, minDaysAhead: number): Promise<string> {
  const { rows } = await db().query<{ day: string }>(
    `WITH days AS (
       SELECT (now() AT TIME ZONE c.time_zone)::date + g AS day, c.time_zone
         FROM clinics c, generate_series($4::int, $4::int + 14) g
        WHERE c.id = $1::uuid)
     INSERT INTO busy_blocks (clinic_id, doctor_id, starts_at, ends_at, source, note)
     SELECT $1::uuid, $2::uuid, d.day::timestamp AT TIME ZONE d.time_zone, (d.day + 1)::timestamp AT TIME ZONE d.time_zone, 'e2e', 'e2e: a fully booked day'
       FROM days d
      WHERE EXISTS (SELECT 1 FROM availability_rules r
                     WHERE r.clinic_id = $1::uuid AND r.doctor_id = $2::uuid AND r.location_id = $3::uuid
                       AND r.weekday = extract(isodow FROM d.day)
                       AND (r.effective_from IS NULL OR r.effective_from <= d.day) AND (r.effective_to IS NULL OR r.effective_to >= d.day))
        AND NOT EXISTS (SELECT 1 FROM schedule_exceptions x
                         WHERE x.clinic_id = $1::uuid AND x.starts_at < (d.day + 1)::timestamp AT TIME ZONE d.time_zone AND x.ends_at > d.day::timestamp AT TIME ZONE d.time_zone)
      ORDER BY d.day
      LIMIT 1
     RETURNING to_char((starts_at AT TIME ZONE (SELECT time_zone FROM clinics WHERE id = $1::uuid))::date, 'YYYY-MM-DD') AS day`,
    [o.clinicId, o.doctorId, o.locationId, minDaysAhead],
  );
  if (!rows[0]) throw new Error("no working day to fill");
  return rows[0].day;
}

/** Sets the reasons a patient may choose for the service (the owner's service form does the same). */
export async function setVisitReasons(o: Offered, reasons: string[]): Promise<void> {
  await db().query(`UPDATE services SET visit_reasons = $3::text[], updated_at = now() WHERE clinic_id = $1::uuid AND id = $2::uuid`, [o.clinicId, o.serviceId, reasons]);
}
