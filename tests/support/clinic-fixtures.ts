/**
 * One valid row per clinic-owned table, inserted for a given clinic. The isolation test
 * (tests/integration/rls-isolation.test.ts) finds every table with a clinic_id column in the live
 * database and fails for any table missing here, so each new clinic table must add its fixture.
 *
 * A fixture runs inside a transaction the caller has already scoped to a clinic (as the runtime
 * role, so RLS applies) and returns the new row's primary key, column → value.
 */
import { randomBytes, randomInt, randomUUID } from "node:crypto";
import type pg from "pg";
import type { Tx } from "~/utils/db.server";

/** Runs one statement in the caller's scoped transaction and returns its rows. */
export type Sql = (text: string, params?: unknown[]) => Promise<Record<string, unknown>[]>;

export type PrimaryKey = Record<string, string>;

export type ClinicRowFixture = (sql: Sql, clinicId: string) => Promise<PrimaryKey>;

const token = (bytes = 6) => randomBytes(bytes).toString("hex");
const phone = () => `+1555${String(randomInt(0, 10_000_000)).padStart(7, "0")}`;

async function one(sql: Sql, text: string, params: unknown[]): Promise<PrimaryKey> {
  const rows = await sql(text, params);
  if (rows.length !== 1) throw new Error(`expected one inserted row, got ${rows.length}: ${text}`);
  return Object.fromEntries(Object.entries(rows[0]!).map(([k, v]) => [k, String(v)]));
}

async function newStaffUser(sql: Sql) {
  const [row] = await sql(`INSERT INTO staff_users (email, name, password_hash) VALUES ($1, 'Fixture Staff', 'not-a-real-hash') RETURNING id::text AS id`, [
    `fixture-${token()}@clinic.test`,
  ]);
  return String(row!.id);
}

async function newPatientAccount(sql: Sql) {
  const [row] = await sql(`INSERT INTO patient_accounts (phone, first_name) VALUES ($1, 'Fixture') RETURNING id::text AS id`, [phone()]);
  return String(row!.id);
}

export const clinicRowFixtures: Record<string, ClinicRowFixture> = {
  // The clinic row itself: its id is the clinic.
  clinics: (sql, clinicId) =>
    one(sql, `INSERT INTO clinics (id, slug, name, time_zone, status) VALUES ($1::uuid, $2, 'Fixture clinic', 'Europe/Berlin', 'live') RETURNING id::text AS id`, [
      clinicId,
      `fx-${token()}`,
    ]),

  clinic_domains: (sql, clinicId) =>
    one(sql, `INSERT INTO clinic_domains (clinic_id, host) VALUES ($1::uuid, $2) RETURNING clinic_id::text AS clinic_id, id::text AS id`, [
      clinicId,
      `book-${token()}.clinic.test`,
    ]),

  locations: (sql, clinicId) =>
    one(
      sql,
      `INSERT INTO locations (clinic_id, key, name, address_line1, city, country, opening_hours)
       VALUES ($1::uuid, $2, 'Main site', '1 Fixture Street', 'Berlin', 'DE', '{"mon":[{"open":"08:00","close":"18:00"}]}'::jsonb)
       RETURNING clinic_id::text AS clinic_id, id::text AS id`,
      [clinicId, `loc-${token()}`],
    ),

  clinic_memberships: async (sql, clinicId) => {
    const staffUserId = await newStaffUser(sql);
    return one(
      sql,
      `INSERT INTO clinic_memberships (clinic_id, staff_user_id, role, specialty, work_status)
       VALUES ($1::uuid, $2::uuid, 'doctor', 'General practice', 'active')
       RETURNING clinic_id::text AS clinic_id, id::text AS id`,
      [clinicId, staffUserId],
    );
  },

  sessions: async (sql, clinicId) => {
    const patientAccountId = await newPatientAccount(sql);
    return one(
      sql,
      `INSERT INTO sessions (id, clinic_id, host, subject, patient_account_id, expires_at)
       VALUES ($1, $2::uuid, 'fixture.localhost', 'patient', $3::uuid, now() + interval '1 hour')
       RETURNING id`,
      [token(32), clinicId, patientAccountId],
    );
  },

  sign_in_codes: (sql, clinicId) =>
    one(
      sql,
      `INSERT INTO sign_in_codes (clinic_id, phone, code_hash, expires_at)
       VALUES ($1::uuid, $2, $3, now() + interval '10 minutes') RETURNING id::text AS id`,
      [clinicId, phone(), token(32)],
    ),

  audit_events: (sql, clinicId) =>
    one(
      sql,
      `INSERT INTO audit_events (clinic_id, actor_type, actor_id, action, target_type, target_id)
       VALUES ($1::uuid, 'system', NULL, 'fixture.created', 'clinic', $1::text) RETURNING id::text AS id`,
      [clinicId],
    ),

  outbox_events: (sql, clinicId) =>
    one(sql, `INSERT INTO outbox_events (clinic_id, name, data) VALUES ($1::uuid, 'fixture/created', $2::jsonb) RETURNING id::text AS id`, [
      clinicId,
      JSON.stringify({ fixture: randomUUID() }),
    ]),

  cache_changes: (sql, clinicId) =>
    one(sql, `INSERT INTO cache_changes (clinic_id, topic) VALUES ($1::uuid, 'site') RETURNING seq::text AS seq`, [clinicId]),

  clinic_patients: async (sql, clinicId) => {
    const patientAccountId = await newPatientAccount(sql);
    return one(
      sql,
      `INSERT INTO clinic_patients (clinic_id, patient_account_id) VALUES ($1::uuid, $2::uuid)
       RETURNING clinic_id::text AS clinic_id, patient_account_id::text AS patient_account_id`,
      [clinicId, patientAccountId],
    );
  },

  // A family member the patient shares with the clinic.
  clinic_family_members: async (sql, clinicId) => {
    const patientAccountId = await newClinicPatient(sql, clinicId);
    const [dep] = await sql(`INSERT INTO dependents (patient_account_id, first_name, last_name, relationship) VALUES ($1::uuid, 'Fixture', 'Child', 'child') RETURNING id::text AS id`, [patientAccountId]);
    return one(
      sql,
      `INSERT INTO clinic_family_members (clinic_id, dependent_id, patient_account_id) VALUES ($1::uuid, $2::uuid, $3::uuid)
       RETURNING clinic_id::text AS clinic_id, dependent_id::text AS dependent_id`,
      [clinicId, String(dep!.id), patientAccountId],
    );
  },
  patient_merges: async (sql, clinicId) => {
    const kept = await newClinicPatient(sql, clinicId);
    const merged = await newClinicPatient(sql, clinicId);
    return one(
      sql,
      `INSERT INTO patient_merges (clinic_id, kept_patient_account_id, merged_patient_account_id, moved, merged_by)
       VALUES ($1::uuid, $2::uuid, $3::uuid, '{}'::jsonb, 'fixture') RETURNING clinic_id::text AS clinic_id, id::text AS id`,
      [clinicId, kept, merged],
    );
  },

  // The desk's note on a visit, on a patient, and an alert on a patient.
  visit_desk_notes: async (sql, clinicId) => {
    const appointmentId = await newAppointment(sql, clinicId);
    const staffUserId = await newStaffUser(sql);
    return one(
      sql,
      `INSERT INTO visit_desk_notes (clinic_id, appointment_id, body, updated_by) VALUES ($1::uuid, $2::uuid, 'Prefers a call, not a text', $3::uuid)
       RETURNING clinic_id::text AS clinic_id, appointment_id::text AS appointment_id`,
      [clinicId, appointmentId, staffUserId],
    );
  },

  patient_desk_notes: async (sql, clinicId) => {
    const patientAccountId = await newClinicPatient(sql, clinicId);
    const staffUserId = await newStaffUser(sql);
    return one(
      sql,
      `INSERT INTO patient_desk_notes (clinic_id, patient_account_id, body, updated_by) VALUES ($1::uuid, $2::uuid, 'Pays by card only', $3::uuid)
       RETURNING clinic_id::text AS clinic_id, patient_account_id::text AS patient_account_id`,
      [clinicId, patientAccountId, staffUserId],
    );
  },

  patient_alerts: async (sql, clinicId) => {
    const patientAccountId = await newClinicPatient(sql, clinicId);
    const staffUserId = await newStaffUser(sql);
    return one(
      sql,
      `INSERT INTO patient_alerts (clinic_id, patient_account_id, kind, text, created_by) VALUES ($1::uuid, $2::uuid, 'allergy', 'Penicillin', $3::uuid)
       RETURNING clinic_id::text AS clinic_id, id::text AS id`,
      [clinicId, patientAccountId, staffUserId],
    );
  },

  // A patient's saved clinic; the fixture scope names no patient, so the clinic policy alone decides.
  favorites: async (sql, clinicId) => {
    const patientAccountId = await newPatientAccount(sql);
    return one(
      sql,
      `INSERT INTO favorites (clinic_id, patient_account_id, kind, target_id) VALUES ($1::uuid, $2::uuid, 'clinic', $1::uuid)
       RETURNING clinic_id::text AS clinic_id, patient_account_id::text AS patient_account_id, kind::text AS kind, target_id::text AS target_id`,
      [clinicId, patientAccountId],
    );
  },

  service_categories: (sql, clinicId) =>
    one(sql, `INSERT INTO service_categories (clinic_id, key, name) VALUES ($1::uuid, $2, 'Fixture category') RETURNING clinic_id::text AS clinic_id, id::text AS id`, [
      clinicId,
      `cat-${token()}`,
    ]),

  rooms: async (sql, clinicId) => {
    const locationId = await newLocation(sql, clinicId);
    return one(
      sql,
      `INSERT INTO rooms (clinic_id, location_id, key, name, type) VALUES ($1::uuid, $2::uuid, $3, 'Room 1', 'consultation')
       RETURNING clinic_id::text AS clinic_id, id::text AS id`,
      [clinicId, locationId, `room-${token()}`],
    );
  },

  services: async (sql, clinicId) => {
    const serviceId = await newService(sql, clinicId);
    return { clinic_id: clinicId, id: serviceId };
  },

  service_discounts: async (sql, clinicId) => {
    const serviceId = await newService(sql, clinicId);
    return one(
      sql,
      `INSERT INTO service_discounts (clinic_id, service_id, kind, label, percent, weekdays)
       VALUES ($1::uuid, $2::uuid, 'weekday', 'Midweek', 10, '{2,3}') RETURNING clinic_id::text AS clinic_id, id::text AS id`,
      [clinicId, serviceId],
    );
  },

  doctor_locations: async (sql, clinicId) => {
    const doctorId = await newDoctor(sql, clinicId);
    const locationId = await newLocation(sql, clinicId);
    return one(
      sql,
      `INSERT INTO doctor_locations (clinic_id, doctor_id, location_id) VALUES ($1::uuid, $2::uuid, $3::uuid)
       RETURNING clinic_id::text AS clinic_id, doctor_id::text AS doctor_id, location_id::text AS location_id`,
      [clinicId, doctorId, locationId],
    );
  },

  service_doctors: async (sql, clinicId) => {
    const serviceId = await newService(sql, clinicId);
    const doctorId = await newDoctor(sql, clinicId);
    return one(
      sql,
      `INSERT INTO service_doctors (clinic_id, service_id, doctor_id) VALUES ($1::uuid, $2::uuid, $3::uuid)
       RETURNING clinic_id::text AS clinic_id, service_id::text AS service_id, doctor_id::text AS doctor_id`,
      [clinicId, serviceId, doctorId],
    );
  },

  service_locations: async (sql, clinicId) => {
    const serviceId = await newService(sql, clinicId);
    const locationId = await newLocation(sql, clinicId);
    return one(
      sql,
      `INSERT INTO service_locations (clinic_id, service_id, location_id) VALUES ($1::uuid, $2::uuid, $3::uuid)
       RETURNING clinic_id::text AS clinic_id, service_id::text AS service_id, location_id::text AS location_id`,
      [clinicId, serviceId, locationId],
    );
  },

  availability_rules: async (sql, clinicId) => {
    const doctorId = await newDoctor(sql, clinicId);
    const locationId = await newLocation(sql, clinicId);
    return one(
      sql,
      `INSERT INTO availability_rules (clinic_id, doctor_id, location_id, weekday, start_minute, end_minute, breaks)
       VALUES ($1::uuid, $2::uuid, $3::uuid, 1, 540, 1020, '[{"start":"12:00","end":"13:00"}]'::jsonb)
       RETURNING clinic_id::text AS clinic_id, id::text AS id`,
      [clinicId, doctorId, locationId],
    );
  },

  schedule_exceptions: (sql, clinicId) =>
    one(
      sql,
      `INSERT INTO schedule_exceptions (clinic_id, kind, starts_at, ends_at, reason)
       VALUES ($1::uuid, 'closure', now() + interval '1 day', now() + interval '2 days', 'Fixture holiday')
       RETURNING clinic_id::text AS clinic_id, id::text AS id`,
      [clinicId],
    ),

  busy_blocks: async (sql, clinicId) => {
    const doctorId = await newDoctor(sql, clinicId);
    return one(
      sql,
      `INSERT INTO busy_blocks (clinic_id, doctor_id, starts_at, ends_at, external_ref)
       VALUES ($1::uuid, $2::uuid, now() + interval '1 day', now() + interval '1 day 1 hour', $3)
       RETURNING clinic_id::text AS clinic_id, id::text AS id`,
      [clinicId, doctorId, `ext-${token()}`],
    );
  },

  appointments: async (sql, clinicId) => {
    const appointmentId = await newAppointment(sql, clinicId);
    return { clinic_id: clinicId, id: appointmentId };
  },

  appointment_series: async (sql, clinicId) => {
    const serviceId = await newService(sql, clinicId);
    const doctorId = await newDoctor(sql, clinicId);
    const patientAccountId = await newClinicPatient(sql, clinicId);
    const locationId = await newLocation(sql, clinicId);
    return one(
      sql,
      `INSERT INTO appointment_series (clinic_id, patient_account_id, service_id, doctor_id, location_id, pattern, created_by)
       VALUES ($1::uuid, $2::uuid, $3::uuid, $4::uuid, $5::uuid, '{"repeat":"weekdays"}'::jsonb, 'fixture') RETURNING clinic_id::text AS clinic_id, id::text AS id`,
      [clinicId, patientAccountId, serviceId, doctorId, locationId],
    );
  },

  appointment_status_history: async (sql, clinicId) => {
    const appointmentId = await newAppointment(sql, clinicId);
    return one(
      sql,
      `INSERT INTO appointment_status_history (clinic_id, appointment_id, from_status, to_status, actor_type)
       VALUES ($1::uuid, $2::uuid, NULL, 'confirmed', 'system') RETURNING clinic_id::text AS clinic_id, id::text AS id`,
      [clinicId, appointmentId],
    );
  },

  flexible_requests: async (sql, clinicId) => {
    const serviceId = await newService(sql, clinicId);
    const patientAccountId = await newClinicPatient(sql, clinicId);
    return one(
      sql,
      `INSERT INTO flexible_requests (clinic_id, patient_account_id, service_id, preferred_weekdays, preferred_from_minute, preferred_to_minute)
       VALUES ($1::uuid, $2::uuid, $3::uuid, '{1,3}', 480, 720) RETURNING clinic_id::text AS clinic_id, id::text AS id`,
      [clinicId, patientAccountId, serviceId],
    );
  },

  api_keys: (sql, clinicId) =>
    one(
      sql,
      `INSERT INTO api_keys (clinic_id, name, key_hash, prefix) VALUES ($1::uuid, 'Fixture key', $2, 'msk_fx')
       RETURNING clinic_id::text AS clinic_id, id::text AS id`,
      [clinicId, token(32)],
    ),

  idempotent_requests: (sql, clinicId) =>
    one(
      sql,
      `INSERT INTO idempotent_requests (clinic_id, caller, key, method, path, request_hash, response_status, response_body)
       VALUES ($1::uuid, 'api-key:fixture', $2, 'POST', '/api/v1/appointments', 'hash', 201, '{}'::jsonb)
       RETURNING clinic_id::text AS clinic_id, caller, key`,
      [clinicId, `idem-${token()}`],
    ),

  deposits: async (sql, clinicId) => newDeposit(sql, clinicId),

  deposit_links: async (sql, clinicId) => {
    const deposit = await newDeposit(sql, clinicId);
    return one(
      sql,
      `INSERT INTO deposit_links (clinic_id, deposit_id, patient_account_id, token_hash, expires_at)
       SELECT clinic_id, id, patient_account_id, $3, now() + interval '1 day' FROM deposits WHERE clinic_id = $1::uuid AND id = $2::uuid
       RETURNING clinic_id::text AS clinic_id, id::text AS id`,
      [clinicId, deposit.id, token(16)],
    );
  },

  message_templates: (sql, clinicId) =>
    one(
      sql,
      `INSERT INTO message_templates (clinic_id, kind, channel, body) VALUES ($1::uuid, 'reminder', 'sms', 'See you {{date}} at {{time}}.')
       RETURNING clinic_id::text AS clinic_id, id::text AS id`,
      [clinicId],
    ),

  message_deliveries: async (sql, clinicId) => {
    const appointmentId = await newAppointment(sql, clinicId);
    return one(
      sql,
      `INSERT INTO message_deliveries (clinic_id, kind, channel, recipient, appointment_id, dedupe_key, status)
       VALUES ($1::uuid, 'reminder', 'sms', $2, $3::uuid, $4, 'sent') RETURNING id::text AS id`,
      [clinicId, phone(), appointmentId, `fixture:${token()}`],
    );
  },

  time_off_requests: async (sql, clinicId) => {
    const doctorId = await newDoctor(sql, clinicId);
    return one(
      sql,
      `INSERT INTO time_off_requests (clinic_id, doctor_id, kind, starts_at, ends_at, note)
       VALUES ($1::uuid, $2::uuid, 'training', now() + interval '3 days', now() + interval '4 days', 'Fixture course')
       RETURNING clinic_id::text AS clinic_id, id::text AS id`,
      [clinicId, doctorId],
    );
  },

  deposit_events: async (sql, clinicId) => {
    const deposit = await newDeposit(sql, clinicId);
    return one(
      sql,
      `INSERT INTO deposit_events (clinic_id, deposit_id, appointment_id, from_status, to_status, action, actor)
       SELECT clinic_id, id, appointment_id, NULL, 'pending', 'created', 'system' FROM deposits WHERE clinic_id = $1::uuid AND id = $2::uuid
       RETURNING clinic_id::text AS clinic_id, id::text AS id`,
      [clinicId, deposit.id],
    );
  },

  card_authentications: async (sql, clinicId) => {
    const appointmentId = await newAppointment(sql, clinicId);
    return one(
      sql,
      `INSERT INTO card_authentications (clinic_id, appointment_id, patient_account_id, held_by, provider, intent_ref, deposit_id, expires_at, hold_expires_at)
       SELECT clinic_id, id, patient_account_id, 'browser:fixture', 'demo', $3, gen_random_uuid(), now() + interval '10 minutes', now() + interval '5 minutes'
         FROM appointments WHERE clinic_id = $1::uuid AND id = $2::uuid
       RETURNING clinic_id::text AS clinic_id, id::text AS id`,
      [clinicId, appointmentId, `demo_pi_${token()}`],
    );
  },

  doctor_photos: async (sql, clinicId) => {
    const doctorId = await newDoctor(sql, clinicId);
    return one(
      sql,
      `INSERT INTO doctor_photos (clinic_id, doctor_id, data, content_type)
       VALUES ($1::uuid, $2::uuid, '\\x89504e470d0a1a0a'::bytea, 'image/png')
       RETURNING clinic_id::text AS clinic_id, doctor_id::text AS doctor_id`,
      [clinicId, doctorId],
    );
  },

  staff_invites: (sql, clinicId) =>
    one(
      sql,
      `INSERT INTO staff_invites (clinic_id, email, roles, token_hash, expires_at)
       VALUES ($1::uuid, $2, ARRAY['secretary']::staff_role[], $3, now() + interval '7 days')
       RETURNING clinic_id::text AS clinic_id, id::text AS id`,
      [clinicId, `invite-${token()}@clinic.test`, token(32)],
    ),

  clinic_documents: (sql, clinicId) =>
    one(
      sql,
      `INSERT INTO clinic_documents (clinic_id, kind, title, file_name, content_type, size_bytes, data)
       VALUES ($1::uuid, 'licence', 'Operating licence', 'licence.pdf', 'application/pdf', 8, '\\x255044462d312e34'::bytea)
       RETURNING clinic_id::text AS clinic_id, id::text AS id`,
      [clinicId],
    ),

  chart_notes: async (sql, clinicId) => {
    const doctorId = await newDoctor(sql, clinicId);
    const patientAccountId = await newClinicPatient(sql, clinicId);
    return one(
      sql,
      `WITH id AS (SELECT gen_random_uuid() AS id)
       INSERT INTO chart_notes (clinic_id, id, note_id, version, patient_account_id, author_membership_id, author_staff_user_id, body)
       SELECT $1::uuid, id.id, id.id, 1, $2::uuid, m.id, m.staff_user_id, 'Fixture note: knee pain, improving.'
         FROM id, clinic_memberships m WHERE m.clinic_id = $1::uuid AND m.id = $3::uuid
       RETURNING clinic_id::text AS clinic_id, id::text AS id`,
      [clinicId, patientAccountId, doctorId],
    );
  },

  treatment_plan_items: async (sql, clinicId) => {
    const staffUserId = await newStaffUser(sql);
    const patientAccountId = await newClinicPatient(sql, clinicId);
    return one(
      sql,
      `INSERT INTO treatment_plan_items (clinic_id, patient_account_id, title, visible_to_patient, created_by_staff_user_id, updated_by_staff_user_id)
       VALUES ($1::uuid, $2::uuid, 'Fixture: six physiotherapy sessions', true, $3::uuid, $3::uuid) RETURNING clinic_id::text AS clinic_id, id::text AS id`,
      [clinicId, patientAccountId, staffUserId],
    );
  },

  break_glass_grants: async (sql, clinicId) => {
    const staffUserId = await newStaffUser(sql);
    return one(
      sql,
      `INSERT INTO break_glass_grants (clinic_id, operator_staff_user_id, reason, granted_at, expires_at)
       VALUES ($1::uuid, $2::uuid, 'Fixture: support ticket 1234 about a missing visit', now(), now() + interval '30 minutes')
       RETURNING clinic_id::text AS clinic_id, id::text AS id`,
      [clinicId, staffUserId],
    );
  },

  queue_tickets: async (sql, clinicId) => {
    const appointmentId = await newAppointment(sql, clinicId);
    return one(
      sql,
      `INSERT INTO queue_tickets (clinic_id, appointment_id, location_id, doctor_id, local_day, prefix, seq, checked_in_via)
       SELECT clinic_id, id, location_id, doctor_id, (starts_at AT TIME ZONE 'UTC')::date, 'A', 1, 'desk' FROM appointments WHERE clinic_id = $1::uuid AND id = $2::uuid
       RETURNING clinic_id::text AS clinic_id, id::text AS id`,
      [clinicId, appointmentId],
    );
  },
};

async function newDeposit(sql: Sql, clinicId: string): Promise<PrimaryKey> {
  const appointmentId = await newAppointment(sql, clinicId);
  return one(
    sql,
    `INSERT INTO deposits (clinic_id, appointment_id, patient_account_id, provider, amount_minor, currency, authorize_at, capture_at)
     SELECT clinic_id, id, patient_account_id, 'demo', 2500, 'EUR', now(), starts_at - interval '48 hours' FROM appointments WHERE clinic_id = $1::uuid AND id = $2::uuid
     RETURNING clinic_id::text AS clinic_id, id::text AS id`,
    [clinicId, appointmentId],
  );
}

async function newLocation(sql: Sql, clinicId: string) {
  const [row] = await sql(
    `INSERT INTO locations (clinic_id, key, name, address_line1, city, country) VALUES ($1::uuid, $2, 'Fixture site', '2 Fixture Street', 'Berlin', 'DE')
     RETURNING id::text AS id`,
    [clinicId, `loc-${token()}`],
  );
  return String(row!.id);
}

async function newDoctor(sql: Sql, clinicId: string) {
  const staffUserId = await newStaffUser(sql);
  const [row] = await sql(
    `INSERT INTO clinic_memberships (clinic_id, staff_user_id, role, specialty, work_status) VALUES ($1::uuid, $2::uuid, 'doctor', 'Physiotherapy', 'active')
     RETURNING id::text AS id`,
    [clinicId, staffUserId],
  );
  return String(row!.id);
}

async function newService(sql: Sql, clinicId: string) {
  const [row] = await sql(
    `INSERT INTO services (clinic_id, key, name, duration_min, price_minor) VALUES ($1::uuid, $2, 'Fixture consultation', 30, 5000) RETURNING id::text AS id`,
    [clinicId, `svc-${token()}`],
  );
  return String(row!.id);
}

async function newClinicPatient(sql: Sql, clinicId: string) {
  const patientAccountId = await newPatientAccount(sql);
  await sql(`INSERT INTO clinic_patients (clinic_id, patient_account_id) VALUES ($1::uuid, $2::uuid)`, [clinicId, patientAccountId]);
  return patientAccountId;
}

async function newAppointment(sql: Sql, clinicId: string) {
  const serviceId = await newService(sql, clinicId);
  const doctorId = await newDoctor(sql, clinicId);
  const locationId = await newLocation(sql, clinicId);
  const patientAccountId = await newClinicPatient(sql, clinicId);
  const [row] = await sql(
    `INSERT INTO appointments (clinic_id, service_id, doctor_id, location_id, patient_account_id, status, starts_at, ends_at,
                               blocked_from, blocked_to, channel, currency, cancellation_window_min)
     VALUES ($1::uuid, $2::uuid, $3::uuid, $4::uuid, $5::uuid, 'confirmed', now() + interval '3 days', now() + interval '3 days 30 minutes',
             now() + interval '3 days', now() + interval '3 days 30 minutes', 'staff', 'EUR', 2880)
     RETURNING id::text AS id`,
    [clinicId, serviceId, doctorId, locationId, patientAccountId],
  );
  return String(row!.id);
}

/** A raw pg client as an Sql function (the caller owns the transaction and its scope). */
export function pgSql(client: pg.ClientBase): Sql {
  return async (text, params = []) => (await client.query(text, params)).rows as Record<string, unknown>[];
}

/** A transaction of the app's scoped client as an Sql function. */
export function prismaSql(tx: Tx): Sql {
  return (text, params = []) => tx.$queryRawUnsafe<Record<string, unknown>[]>(text, ...params);
}
