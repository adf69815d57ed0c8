import { randomUUID } from "node:crypto";
import pg from "pg";
import { inject } from "vitest";
import { createDb, type Db } from "~/utils/db.server";

let db: Db | undefined;

/** The app's database client, connected as the runtime role (RLS applies). One per test file. */
export function testDb(): Db {
  db ??= createDb(inject("runtimeUrl"), { poolSize: 10 });
  return db;
}

/** A plain pg client as the runtime role, for tests that probe RLS with raw SQL. */
export async function runtimePg() {
  const client = new pg.Client({ connectionString: inject("runtimeUrl") });
  await client.connect();
  return client;
}

/** Creates a clinic through the clinic-scoped client, the same way the app does. */
export async function createTestClinic(overrides: Partial<{ slug: string; name: string; timeZone: string; status: "draft" | "live" | "suspended" }> = {}) {
  const id = randomUUID();
  const slug = overrides.slug ?? `t-${id.slice(0, 8)}`;
  return testDb()
    .forClinic(id)
    .tx((tx) =>
      tx.clinic.create({
        data: { id, slug, name: overrides.name ?? `Test clinic ${slug}`, timeZone: overrides.timeZone ?? "America/New_York", status: overrides.status ?? "live" },
      }),
    );
}
