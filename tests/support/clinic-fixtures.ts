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
};

/** A raw pg client as an Sql function (the caller owns the transaction and its scope). */
export function pgSql(client: pg.ClientBase): Sql {
  return async (text, params = []) => (await client.query(text, params)).rows as Record<string, unknown>[];
}

/** A transaction of the app's scoped client as an Sql function. */
export function prismaSql(tx: Tx): Sql {
  return (text, params = []) => tx.$queryRawUnsafe<Record<string, unknown>[]>(text, ...params);
}
