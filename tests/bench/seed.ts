/**
 * The benchmark's scheduling clinic, at the sizes the quality targets name: `bench-clinic`
 * (America/New_York), 2 locations, 10 doctors working Mon–Sat 07:00–19:00 with a lunch break, one
 * service all of them offer at both locations, and 20,000 appointments over the past 5 months and
 * the coming 2 months, plus two API keys: the benchmark's own, standing for a clinic's high-volume
 * integration (its own rate limit, high enough never to be what the bench measures), and one on the
 * default limit for the fairness row.
 *
 * Written as a handful of set-based statements (generate_series, unnest) as the owner role, so it
 * takes seconds, not the minutes that 20,000 single inserts through the app would. RLS is forced
 * even for the owner, so the transaction names the clinic first. The API keys are made by the API
 * module itself (the path the CLI's `api-key create --rate` takes), so they are what the server checks.
 */
import { randomUUID } from "node:crypto";
import pg from "pg";
import { createApiKey } from "../../app/modules/api/api-keys.server";
import type { Db } from "../../app/utils/db.server";

export const BENCH_SLUG = "bench-clinic";
export const BENCH_TIME_ZONE = "America/New_York";

/** The service as seeded; the scenarios need its shape to pick slots that do not overlap. */
export const BENCH_SERVICE = {
  durationMin: 30,
  bufferBeforeMin: 5,
  bufferAfterMin: 5,
  startGridMin: 15,
  minNoticeMin: 60,
  horizonDays: 180,
} as const;

const DOCTORS = 10;
const PATIENTS = 5_000;
const PAST_DAYS = 150;
const FUTURE_DAYS = 60;
const ACTIVE_APPOINTMENTS = 18_000;
/** Cancelled visits may overlap anything (the exclusion constraints ignore them), as in real life. */
const CANCELLED_APPOINTMENTS = 2_000;

/**
 * The benchmark key's own limit: far above what two cores can serve (32 clients of slots, 100-way
 * races, hundreds of bookings a second), so the scheduling rows measure the server, not the limit.
 */
export const BENCH_KEY_RATE_PER_SECOND = 10_000;

const WORK_START = 7 * 60;
const LUNCH = { start: 12 * 60, end: 13 * 60 };
const WORK_END = 19 * 60;

export interface BenchClinic {
  clinicId: string;
  slug: string;
  serviceId: string;
  doctorIds: string[];
  locationIds: string[];
  apiKey: string;
  /** A key on the default rate limit. */
  defaultApiKey: string;
  appointments: number;
  patients: number;
  seconds: number;
}

const hhmm = (minutes: number) => `${String(Math.floor(minutes / 60)).padStart(2, "0")}:${String(minutes % 60).padStart(2, "0")}`;

/**
 * Visit starts that never overlap one another with buffers (a 45-minute stride on the 15-minute
 * grid) and fit the working hours with buffers: every seeded active visit sits on one of these, so
 * the exclusion constraints hold by construction and the free time between them is real slots.
 */
function seededStarts(): number[] {
  const { durationMin, bufferBeforeMin, bufferAfterMin, startGridMin } = BENCH_SERVICE;
  const stride = Math.ceil((durationMin + bufferBeforeMin + bufferAfterMin) / startGridMin) * startGridMin;
  const starts: number[] = [];
  for (const [from, to] of [
    [WORK_START, LUNCH.start],
    [LUNCH.end, WORK_END],
  ] as const) {
    let start = Math.ceil((from + bufferBeforeMin) / startGridMin) * startGridMin;
    for (; start + durationMin + bufferAfterMin <= to; start += stride) starts.push(start);
  }
  return starts;
}

/** `ownerUrl` writes the bulk rows; `db` (the runtime role) makes the API key. */
export async function seedBenchClinic(ownerUrl: string, db: Db): Promise<BenchClinic> {
  const started = performance.now();
  const clinicId = randomUUID();
  const openingDay = [
    { open: hhmm(WORK_START), close: hhmm(WORK_END) },
  ];
  const openingHours = { mon: openingDay, tue: openingDay, wed: openingDay, thu: openingDay, fri: openingDay, sat: openingDay, sun: [] };
  const breaks = [{ start: hhmm(LUNCH.start), end: hhmm(LUNCH.end) }];

  const client = new pg.Client({ connectionString: ownerUrl });
  await client.connect();
  try {
    await client.query("BEGIN");
    await client.query("SELECT set_config('app.clinic_id', $1, true)", [clinicId]);
    // The same clinic on every run, so runs compare.
    await client.query("SELECT setseed(0.2026)");

    await client.query(
      `INSERT INTO clinics (id, slug, name, time_zone, currency, status, city, tagline, specialties)
       VALUES ($1, $2, 'Bench Clinic', $3, 'USD', 'live', 'New York', 'Ten doctors, two sites, busy every day', '{General practice}')`,
      [clinicId, BENCH_SLUG, BENCH_TIME_ZONE],
    );
    const locations = await client.query<{ id: string }>(
      `INSERT INTO locations (clinic_id, key, name, address_line1, city, region, postal_code, country, opening_hours)
       SELECT $1, 'site-' || i, 'Bench Clinic ' || (ARRAY['Midtown', 'Brooklyn'])[i], i || '00 Bench Street', 'New York', 'NY', '1000' || i, 'US', $2::jsonb
         FROM generate_series(1, 2) AS i
       ORDER BY i
       RETURNING id`,
      [clinicId, JSON.stringify(openingHours)],
    );
    const locationIds = locations.rows.map((r) => r.id);

    // Staff accounts are platform-wide; the password hash is not a hash, so nobody can sign in as them.
    const doctors = await client.query<{ id: string }>(
      `WITH staff AS (
         INSERT INTO staff_users (email, name, password_hash)
         SELECT 'doctor-' || i || '@bench-clinic.test', 'Dr. Bench ' || i, '!' FROM generate_series(1, $2::int) AS i
         RETURNING id, email
       )
       INSERT INTO clinic_memberships (clinic_id, staff_user_id, role, specialty, work_status)
       SELECT $1, id, 'doctor', 'General practice', 'active' FROM staff ORDER BY email
       RETURNING id`,
      [clinicId, DOCTORS],
    );
    const doctorIds = doctors.rows.map((r) => r.id);
    // Half the doctors at each site.
    const doctorLocation = doctorIds.map((_, i) => locationIds[i % locationIds.length]!);

    await client.query(
      `INSERT INTO doctor_locations (clinic_id, doctor_id, location_id) SELECT $1, d, l FROM unnest($2::uuid[], $3::uuid[]) AS t(d, l)`,
      [clinicId, doctorIds, doctorLocation],
    );
    await client.query(
      `INSERT INTO availability_rules (clinic_id, doctor_id, location_id, weekday, start_minute, end_minute, breaks)
       SELECT $1, d, l, w, $4, $5, $6::jsonb FROM unnest($2::uuid[], $3::uuid[]) AS t(d, l), generate_series(1, 6) AS w`,
      [clinicId, doctorIds, doctorLocation, WORK_START, WORK_END, JSON.stringify(breaks)],
    );

    const s = BENCH_SERVICE;
    const service = await client.query<{ id: string }>(
      `INSERT INTO services (clinic_id, key, name, specialty, duration_min, price_minor, buffer_before_min, buffer_after_min,
                             start_grid_min, min_notice_min, horizon_days)
       VALUES ($1, 'consultation', 'General consultation', 'General practice', $2, 12000, $3, $4, $5, $6, $7)
       RETURNING id`,
      [clinicId, s.durationMin, s.bufferBeforeMin, s.bufferAfterMin, s.startGridMin, s.minNoticeMin, s.horizonDays],
    );
    const serviceId = service.rows[0]!.id;
    await client.query(`INSERT INTO service_doctors (clinic_id, service_id, doctor_id) SELECT $1, $2, unnest($3::uuid[])`, [clinicId, serviceId, doctorIds]);
    await client.query(`INSERT INTO service_locations (clinic_id, service_id, location_id) SELECT $1, $2, unnest($3::uuid[])`, [clinicId, serviceId, locationIds]);

    // Patients are platform accounts; these numbers (+1 646 555 …) never collide with the ones the
    // booking scenarios send (+1 212 555 …).
    await client.query(
      `INSERT INTO patient_accounts (phone, first_name, last_name)
       SELECT '+1646555' || lpad(i::text, 4, '0'), 'Patient', 'Bench ' || i FROM generate_series(0, $1::int - 1) AS i
       ON CONFLICT (phone) DO NOTHING`,
      [PATIENTS],
    );
    const patients = await client.query(
      `INSERT INTO clinic_patients (clinic_id, patient_account_id, first_seen_at)
       SELECT $1, id, now() - interval '200 days' FROM patient_accounts WHERE phone LIKE '+1646555%'`,
      [clinicId],
    );

    // Every (doctor, working day, seeded start) from 150 days ago to 60 days ahead. Active visits
    // are a weighted sample without replacement (key u^(1/w)): the past is booked about as densely
    // as the near future, and the diary thins out towards two months ahead.
    await client.query(
      `CREATE TEMP TABLE bench_visit ON COMMIT DROP AS
       WITH params AS (
         SELECT (now() AT TIME ZONE $2)::date AS today
       ),
       doctor AS (
         SELECT d AS doctor_id, l AS location_id FROM unnest($3::uuid[], $4::uuid[]) AS t(d, l)
       ),
       day AS (
         SELECT g::date AS day FROM params, generate_series(today - $5::int, today + $6::int, interval '1 day') AS g
          WHERE extract(isodow FROM g) BETWEEN 1 AND 6
       ),
       candidate AS (
         SELECT doctor_id, location_id, ((day + make_interval(mins => m)) AT TIME ZONE $2) AS starts_at
           FROM doctor, day, unnest($7::int[]) AS m
       ),
       active AS (
         SELECT doctor_id, location_id, starts_at, false AS cancelled FROM candidate
          ORDER BY power(random(), 1.0 / CASE WHEN starts_at <= now() THEN 1.0
                 ELSE greatest(0.3, 1.0 - 0.7 * extract(epoch FROM starts_at - now()) / ($6::int * 86400.0)) END) DESC
          LIMIT $8
       ),
       cancelled AS (
         SELECT doctor_id, location_id, starts_at, true AS cancelled FROM candidate ORDER BY random() LIMIT $9
       ),
       patient AS (
         SELECT patient_account_id, row_number() OVER (ORDER BY patient_account_id) AS k FROM clinic_patients WHERE clinic_id = $1
       ),
       visit AS (
         SELECT v.*, 1 + floor(random() * (SELECT count(*) FROM patient))::int AS k, random() AS r
           FROM (SELECT * FROM active UNION ALL SELECT * FROM cancelled) AS v
       )
       SELECT visit.*, patient.patient_account_id, row_number() OVER (ORDER BY visit.starts_at, visit.doctor_id) AS n
         FROM visit JOIN patient USING (k)`,
      [clinicId, BENCH_TIME_ZONE, doctorIds, doctorLocation, PAST_DAYS, FUTURE_DAYS, seededStarts(), ACTIVE_APPOINTMENTS, CANCELLED_APPOINTMENTS],
    );
    const insertVisits = (where: string) =>
      client.query(
        `INSERT INTO appointments (clinic_id, service_id, doctor_id, location_id, patient_account_id, status, starts_at, ends_at,
                                   blocked_from, blocked_to, channel, price_minor, currency, cancellation_window_min,
                                   cancellation_reason, cancelled_by, cancelled_at, created_at, updated_at)
         SELECT $1, $2, doctor_id, location_id, patient_account_id,
                (CASE WHEN cancelled THEN 'cancelled'
                      WHEN starts_at > now() THEN 'confirmed'
                      WHEN r < 0.06 THEN 'no_show'
                      ELSE 'completed' END)::appointment_status,
                starts_at, starts_at + make_interval(mins => $3),
                starts_at - make_interval(mins => $4), starts_at + make_interval(mins => $3 + $5),
                (ARRAY['clinic_site', 'staff', 'marketplace', 'api']::booking_channel[])[1 + floor(r * 4)::int],
                12000, 'USD', 2880,
                CASE WHEN cancelled THEN 'patient_request'::cancellation_reason END,
                CASE WHEN cancelled THEN 'patient' END,
                CASE WHEN cancelled THEN least(starts_at - interval '1 day', now()) END,
                least(starts_at - make_interval(days => 2 + floor(r * 20)::int), now()) - interval '1 day',
                least(starts_at, now())
           FROM bench_visit WHERE ${where} ORDER BY n`,
        [clinicId, serviceId, s.durationMin, s.bufferBeforeMin, s.bufferAfterMin],
      );
    // The insert trigger looks for expired holds among the doctor's rows. Planned on an empty,
    // never-analyzed table it scans them all, which makes one big insert quadratic; a first small
    // batch and ANALYZE give it the index plan the live table has.
    const first = await insertVisits("n <= 1000");
    await client.query("ANALYZE appointments");
    const rest = await insertVisits("n > 1000");
    const appointments = (first.rowCount ?? 0) + (rest.rowCount ?? 0);

    await client.query("COMMIT");
    // Fresh statistics, as a long-running database would have: the planner sees 20,000 rows.
    await client.query("ANALYZE appointments, clinic_patients, patient_accounts, availability_rules, services, clinic_memberships");
    const { key } = await createApiKey(db.forClinic(clinicId), "Benchmark", "bench", { rateLimitPerSecond: BENCH_KEY_RATE_PER_SECOND });
    const { key: defaultApiKey } = await createApiKey(db.forClinic(clinicId), "Benchmark, default limit", "bench");

    return {
      clinicId,
      slug: BENCH_SLUG,
      serviceId,
      doctorIds,
      locationIds,
      apiKey: key,
      defaultApiKey,
      appointments,
      patients: patients.rowCount ?? 0,
      seconds: Math.round((performance.now() - started) / 10) / 100,
    };
  } catch (error) {
    await client.query("ROLLBACK").catch(() => {});
    throw error;
  } finally {
    await client.end();
  }
}
