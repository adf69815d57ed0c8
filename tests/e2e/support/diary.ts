/**
 * The demo diary fills the coming days (seven in ten times and more, the nearer the fuller), so a
 * spec that needs a time within a few days at one clinic may find none left at some hours of the
 * week. `makeRoom` first cancels one demo visit of the service in that window, as a desk would for
 * a patient who rang to cancel; the cache hears of it through the database's change feed.
 */
import pg from "pg";
import { e2eDatabaseUrls } from "./database";

let pool: pg.Pool | undefined;
function db(): pg.Pool {
  pool ??= new pg.Pool({ connectionString: e2eDatabaseUrls().superuserUrl, max: 1, allowExitOnIdle: true });
  return pool;
}

/** Cancels the first confirmed demo visit of `serviceName` at `clinic` between `from` and `to`; false when there was none. */
export async function makeRoom(clinic: string, serviceName: string, window: { from: Date; to: Date }): Promise<boolean> {
  const { rowCount } = await db().query(
    `UPDATE appointments a
        SET status = 'cancelled', cancellation_reason = 'patient_request', cancelled_at = now(), cancelled_by = 'e2e: room for a spec'
      WHERE (a.clinic_id, a.id) = (
        SELECT v.clinic_id, v.id
          FROM appointments v
          JOIN clinics c ON c.id = v.clinic_id
          JOIN services s ON s.clinic_id = v.clinic_id AND s.id = v.service_id
         WHERE c.slug = $1 AND s.name = $2 AND v.status = 'confirmed' AND v.starts_at >= $3 AND v.ends_at <= $4
         ORDER BY v.starts_at
         LIMIT 1)`,
    [clinic, serviceName, window.from, window.to],
  );
  return rowCount === 1;
}
