/**
 * Connection URLs of the e2e server's embedded PostgreSQL, for tests that prepare data directly
 * (for example a session row instead of clicking through sign-in every time).
 */
import fs from "node:fs";
import path from "node:path";
import { OWNER_ROLE, RUNTIME_ROLE } from "../../../app/utils/embedded-postgres.server";

interface Credentials {
  ownerPassword: string;
  runtimePassword: string;
  superuserPassword: string;
}

/** `superuserUrl` bypasses row-level security: for a test that must reach into one clinic's rows (an expired hold). */
export function e2eDatabaseUrls(): { runtimeUrl: string; ownerUrl: string; superuserUrl: string } {
  const dir = process.env.E2E_DATA_DIR;
  const port = process.env.E2E_PG_PORT;
  if (!dir || !port) throw new Error("E2E_DATA_DIR/E2E_PG_PORT are not set: run the e2e tests through `npx playwright test`.");
  const creds = JSON.parse(fs.readFileSync(path.join(dir, "credentials.json"), "utf8")) as Credentials;
  const url = (user: string, password: string) => `postgresql://${user}:${password}@127.0.0.1:${port}/medslot`;
  return {
    runtimeUrl: url(RUNTIME_ROLE, creds.runtimePassword),
    ownerUrl: url(OWNER_ROLE, creds.ownerPassword),
    superuserUrl: url("postgres", creds.superuserPassword),
  };
}
