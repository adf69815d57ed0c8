/**
 * One throwaway PostgreSQL cluster per test run (own directory, own port), migrated once, unless
 * DATABASE_URL and MIGRATE_DATABASE_URL are given. Tests read the URLs with inject().
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import type { TestProject } from "vitest/node";
import { startEmbeddedPostgres, OWNER_ROLE, RUNTIME_ROLE } from "../../app/utils/embedded-postgres.server";
import { migrate } from "../../app/utils/migrate.server";
import { freePort } from "./free-port";

declare module "vitest" {
  export interface ProvidedContext {
    runtimeUrl: string;
    ownerUrl: string;
    /** A superuser URL for fixtures that must see every clinic (only with the embedded cluster). */
    superuserUrl: string | null;
  }
}

export default async function setup(project: TestProject) {
  if (process.env.DATABASE_URL && process.env.MIGRATE_DATABASE_URL) {
    const runtimeRole = decodeURIComponent(new URL(process.env.DATABASE_URL).username);
    await migrate({ ownerUrl: process.env.MIGRATE_DATABASE_URL, runtimeRole });
    project.provide("runtimeUrl", process.env.DATABASE_URL);
    project.provide("ownerUrl", process.env.MIGRATE_DATABASE_URL);
    project.provide("superuserUrl", process.env.SUPERUSER_DATABASE_URL ?? null);
    return;
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "medslot-test-db-"));
  const port = await freePort();
  const db = await startEmbeddedPostgres({ dir, port });
  await migrate({ ownerUrl: db.ownerUrl, runtimeRole: RUNTIME_ROLE });
  const creds = JSON.parse(fs.readFileSync(path.join(dir, "credentials.json"), "utf8")) as { superuserPassword: string };
  project.provide("runtimeUrl", db.runtimeUrl);
  project.provide("ownerUrl", db.ownerUrl);
  project.provide("superuserUrl", `postgresql://postgres:${creds.superuserPassword}@127.0.0.1:${port}/medslot`);
  void OWNER_ROLE;
  return async () => {
    await db.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  };
}
