/**
 * The migration that gives clinic records a proof and consents, run over existing data: a record
 * with an online booking there is proven and allows deposits (and shares the family member booked
 * online), a record whose patient has a session on the clinic's site is proven without deposits,
 * and a record made only by a desk or an integration stays the clinic's own.
 */
import { randomUUID } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { expect, inject, test } from "vitest";
import { defaultMigrationsDir, migrate } from "~/utils/migrate.server";
import { clinicRowFixtures, pgSql } from "../support/clinic-fixtures";
import { createScratchDatabase } from "../support/scratch-database";

const MIGRATION = "20261207010000_patient_proof_and_consent";
const runtimeRole = decodeURIComponent(new URL(inject("runtimeUrl")).username);

test("existing records: online bookings and site sessions count as proven, desk-only records do not", { timeout: 120_000 }, async () => {
  const scratch = await createScratchDatabase("medslot_proof");
  const before = fs.mkdtempSync(path.join(os.tmpdir(), "medslot-migrations-"));
  try {
    const all = defaultMigrationsDir();
    for (const entry of fs.readdirSync(all, { withFileTypes: true })) {
      if (entry.name === MIGRATION) continue;
      fs.cpSync(path.join(all, entry.name), path.join(before, entry.name), { recursive: true });
    }
    await migrate({ ownerUrl: scratch.ownerUrl, runtimeRole, dir: before });

    // Data as it was: written as the superuser (no row-level security) with the isolation fixtures.
    const client = new pg.Client({ connectionString: scratch.superuserUrl });
    await client.connect();
    let ids: { clinicId: string; online: string; desk: string; signedIn: string; child: string; unbookedChild: string };
    try {
      const sql = pgSql(client);
      const clinicId = randomUUID();
      await clinicRowFixtures.clinics!(sql, clinicId);
      const patientOf = async (appointmentId: string) => String((await sql(`SELECT patient_account_id::text AS p FROM appointments WHERE id = $1`, [appointmentId]))[0]!.p);
      const onlineVisit = (await clinicRowFixtures.appointments!(sql, clinicId)).id!;
      await sql(`UPDATE appointments SET channel = 'clinic_site' WHERE id = $1`, [onlineVisit]);
      const online = await patientOf(onlineVisit);
      const [child] = await sql(`INSERT INTO dependents (patient_account_id, first_name, last_name, relationship) VALUES ($1, 'Kid', 'Online', 'child') RETURNING id::text AS id`, [online]);
      const [unbooked] = await sql(`INSERT INTO dependents (patient_account_id, first_name, last_name, relationship) VALUES ($1, 'Other', 'Online', 'child') RETURNING id::text AS id`, [online]);
      const childVisit = (await clinicRowFixtures.appointments!(sql, clinicId)).id!;
      await sql(`UPDATE appointments SET channel = 'marketplace', patient_account_id = $2, dependent_id = $3 WHERE id = $1`, [childVisit, online, child!.id]);
      const desk = await patientOf((await clinicRowFixtures.appointments!(sql, clinicId)).id!);
      const signedIn = await patientOf((await clinicRowFixtures.appointments!(sql, clinicId)).id!);
      await sql(`INSERT INTO sessions (id, clinic_id, host, subject, patient_account_id, expires_at) VALUES ($1, $2, 'fixture.localhost', 'patient', $3, now() + interval '1 hour')`, [randomUUID(), clinicId, signedIn]);
      ids = { clinicId, online, desk, signedIn, child: String(child!.id), unbookedChild: String(unbooked!.id) };
    } finally {
      await client.end();
    }

    expect((await migrate({ ownerUrl: scratch.ownerUrl, runtimeRole })).applied).toEqual([MIGRATION]);

    const check = new pg.Client({ connectionString: scratch.superuserUrl });
    await check.connect();
    try {
      const { rows } = await check.query<{ patient_account_id: string; linked_by: string | null; linked: boolean; allowed: boolean }>(
        `SELECT patient_account_id::text, linked_by, linked_at IS NOT NULL AS linked, deposits_allowed_at IS NOT NULL AS allowed FROM clinic_patients WHERE clinic_id = $1`,
        [ids.clinicId],
      );
      const of = (id: string) => rows.find((r) => r.patient_account_id === id);
      expect(of(ids.online)).toMatchObject({ linked: true, linked_by: "online_booking", allowed: true });
      expect(of(ids.signedIn)).toMatchObject({ linked: true, linked_by: "sign_in", allowed: false });
      expect(of(ids.desk)).toMatchObject({ linked: false, linked_by: null, allowed: false });
      const shared = await check.query<{ dependent_id: string }>(`SELECT dependent_id::text FROM clinic_family_members WHERE clinic_id = $1`, [ids.clinicId]);
      expect(shared.rows.map((r) => r.dependent_id)).toEqual([ids.child]);
    } finally {
      await check.end();
    }
  } finally {
    fs.rmSync(before, { recursive: true, force: true });
    await scratch.drop();
  }
});
