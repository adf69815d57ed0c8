/**
 * A fresh, empty database in the test cluster, owned by the migration (owner) role and prepared the
 * way the embedded start-up prepares `medslot`, for tests that must migrate or break a database of
 * their own. Needs the superuser connection of the test cluster.
 */
import { randomBytes } from "node:crypto";
import pg from "pg";
import { inject } from "vitest";

export interface ScratchDatabase {
  name: string;
  /** ownerUrl pointed at the scratch database. */
  ownerUrl: string;
  /** runtimeUrl pointed at the scratch database. */
  runtimeUrl: string;
  superuserUrl: string;
  drop(): Promise<void>;
}

export function requireSuperuserUrl(): string {
  const url = inject("superuserUrl");
  if (!url) throw new Error("This test needs a superuser connection: set SUPERUSER_DATABASE_URL when DATABASE_URL is given.");
  return url;
}

export function withDatabase(url: string, database: string) {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
}

export async function createScratchDatabase(prefix: string): Promise<ScratchDatabase> {
  const superuserUrl = requireSuperuserUrl();
  const ownerUrl = inject("ownerUrl");
  const owner = decodeURIComponent(new URL(ownerUrl).username);
  const name = `${prefix}_${randomBytes(5).toString("hex")}`;
  const admin = new pg.Client({ connectionString: superuserUrl });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE "${name}" OWNER "${owner}"`);
  } finally {
    await admin.end();
  }
  const inDb = new pg.Client({ connectionString: withDatabase(superuserUrl, name) });
  await inDb.connect();
  try {
    await inDb.query(`CREATE EXTENSION IF NOT EXISTS btree_gist; CREATE EXTENSION IF NOT EXISTS pg_trgm;
      REVOKE ALL ON SCHEMA public FROM PUBLIC; ALTER SCHEMA public OWNER TO "${owner}"`);
  } finally {
    await inDb.end();
  }
  return {
    name,
    ownerUrl: withDatabase(ownerUrl, name),
    runtimeUrl: withDatabase(inject("runtimeUrl"), name),
    superuserUrl: withDatabase(superuserUrl, name),
    async drop() {
      const c = new pg.Client({ connectionString: superuserUrl });
      await c.connect();
      try {
        await c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      } finally {
        await c.end();
      }
    },
  };
}
