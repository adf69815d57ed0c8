/**
 * Extra live clinics for marketplace specs, written straight into the e2e database as the owner
 * (in the clinic's own scope, as RLS requires); the published search index picks them up itself.
 */
import { randomUUID } from "node:crypto";
import pg from "pg";
import { e2eDatabaseUrls } from "./database";

export interface MarketplaceClinicSpec {
  name: string;
  city: string;
  currency?: string;
  timeZone?: string;
  services: { key: string; name: string; specialty?: string; priceMinor: number; visibility?: "active" | "internal_only" }[];
}

export async function createMarketplaceClinic(spec: MarketplaceClinicSpec): Promise<{ id: string; slug: string }> {
  const id = randomUUID();
  const slug = `e2e-${id.slice(0, 8)}`;
  const client = new pg.Client({ connectionString: e2eDatabaseUrls().ownerUrl });
  await client.connect();
  try {
    await client.query("BEGIN");
    await client.query("SELECT set_config('app.clinic_id', $1, true)", [id]);
    await client.query(`INSERT INTO clinics (id, slug, name, time_zone, currency, status, city) VALUES ($1, $2, $3, $4, $5, 'live', $6)`, [
      id,
      slug,
      spec.name,
      spec.timeZone ?? "America/New_York",
      spec.currency ?? "USD",
      spec.city,
    ]);
    for (const s of spec.services) {
      await client.query(`INSERT INTO services (clinic_id, key, name, specialty, duration_min, price_minor, visibility) VALUES ($1, $2, $3, $4, 30, $5, $6)`, [
        id,
        s.key,
        s.name,
        s.specialty ?? null,
        s.priceMinor,
        s.visibility ?? "active",
      ]);
    }
    await client.query("COMMIT");
  } catch (error) {
    await client.query("ROLLBACK");
    throw error;
  } finally {
    await client.end();
  }
  return { id, slug };
}
