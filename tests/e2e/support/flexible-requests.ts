/**
 * The clinic's side of a flexible request, written straight into the e2e database: what the desk
 * does when it proposes a time, so a spec can see the patient answer it.
 */
import pg from "pg";
import { e2eDatabaseUrls } from "./database";

export async function proposeTimeInDatabase(slug: string, requestId: string, proposal: { start: string; doctorId: string; locationId: string; hours?: number }) {
  const client = new pg.Client({ connectionString: e2eDatabaseUrls().runtimeUrl });
  await client.connect();
  try {
    await client.query("BEGIN");
    await client.query("SELECT set_config('app.scope', 'system', true)");
    const clinic = await client.query<{ id: string }>("SELECT id::text FROM clinics WHERE slug = $1", [slug]);
    const clinicId = clinic.rows[0]?.id;
    if (!clinicId) throw new Error(`no clinic ${slug}`);
    await client.query("SELECT set_config('app.scope', '', true), set_config('app.clinic_id', $1, true)", [clinicId]);
    const updated = await client.query(
      `UPDATE flexible_requests
          SET status = 'proposed', proposed_start = $2, proposed_doctor_id = $3::uuid, proposed_location_id = $4::uuid,
              proposed_by = 'staff:e2e', proposal_expires_at = now() + make_interval(hours => $5::int), updated_at = now()
        WHERE clinic_id = $1::uuid AND id = $6::uuid AND status = 'open'`,
      [clinicId, proposal.start, proposal.doctorId, proposal.locationId, proposal.hours ?? 48, requestId],
    );
    if (updated.rowCount !== 1) throw new Error(`request ${requestId} is not open at ${slug}`);
    await client.query("COMMIT");
  } catch (error) {
    await client.query("ROLLBACK");
    throw error;
  } finally {
    await client.end();
  }
}
