/**
 * The server must connect as a role that owns nothing and cannot bypass row-level security, and
 * refuse to start otherwise.
 */
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import path from "node:path";
import pg from "pg";
import { expect, inject, test } from "vitest";
import { assertRuntimeRoleIsSafe, UnsafeRuntimeRoleError } from "~/utils/db.server";
import { migrate } from "~/utils/migrate.server";
import { ensureBuilt } from "../support/built-server";
import { freePort } from "../support/free-port";
import { createScratchDatabase, requireSuperuserUrl } from "../support/scratch-database";

const roleOf = (url: string) => decodeURIComponent(new URL(url).username);

async function refusal(url: string): Promise<UnsafeRuntimeRoleError> {
  const error = await assertRuntimeRoleIsSafe(url).then(
    () => null,
    (e: unknown) => e,
  );
  if (!(error instanceof UnsafeRuntimeRoleError)) throw new Error(`expected UnsafeRuntimeRoleError, got ${String(error)}`);
  expect(error.message).toMatch(/^Refusing to start: the database role in DATABASE_URL could read across clinics\./);
  return error;
}

test("accepts the runtime role: no superuser, no BYPASSRLS, owns nothing", async () => {
  await expect(assertRuntimeRoleIsSafe(inject("runtimeUrl"))).resolves.toBeUndefined();
});

test("refuses a superuser, naming the problem", async () => {
  const error = await refusal(requireSuperuserUrl());
  expect(error.message).toContain(`role "${roleOf(requireSuperuserUrl())}" is a superuser`);
});

test("refuses the owner role, which owns the tables and so is not bound by their policies", async () => {
  const ownerUrl = inject("ownerUrl");
  const error = await refusal(ownerUrl);
  expect(error.message).toContain(`role "${roleOf(ownerUrl)}" owns or inherits ownership of`);
  expect(error.message).toMatch(/owns or inherits ownership of [^\n]*\bclinics\b/);
  expect(error.message).toContain("npm run db:migrate");
});

test("refuses a role with BYPASSRLS even when it owns nothing and is granted like the runtime role", async () => {
  const role = `medslot_bypass_${randomBytes(4).toString("hex")}`;
  const password = randomBytes(12).toString("hex");
  const admin = new pg.Client({ connectionString: requireSuperuserUrl() });
  await admin.connect();
  try {
    await admin.query(`CREATE ROLE ${role} LOGIN NOSUPERUSER BYPASSRLS NOINHERIT PASSWORD '${password}'`);
    // The migration step refuses to grant to such a role and changes nothing...
    await expect(migrate({ ownerUrl: inject("ownerUrl"), runtimeRole: role })).rejects.toThrow(/a BYPASSRLS role\); no grants were changed/);
    // ...and were it granted by hand like the runtime role, the server would still refuse it.
    await admin.query(`GRANT USAGE ON SCHEMA public TO ${role}; GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO ${role}`);
    const url = new URL(inject("runtimeUrl"));
    url.username = role;
    url.password = password;
    const error = await refusal(url.toString());
    expect(error.message).toContain(`role "${role}" has BYPASSRLS`);
    expect(error.message).not.toContain("superuser");
    expect(error.message).not.toContain("ownership");
  } finally {
    await admin.query(`DROP OWNED BY ${role}`).catch(() => {});
    await admin.query(`DROP ROLE IF EXISTS ${role}`);
    await admin.end();
  }
});

test("the server exits non-zero with a clear message when DATABASE_URL names the owner role", { timeout: 600_000 }, async () => {
  // A database of its own: the start-up migrates and grants before it checks the role.
  const scratch = await createScratchDatabase("medslot_refuse");
  try {
    const port = await freePort();
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      DATABASE_URL: scratch.ownerUrl,
      MIGRATE_DATABASE_URL: scratch.ownerUrl,
      PORT: String(port),
      NODE_ENV: "test",
      LOG_LEVEL: "warn",
    };
    // The compiled server, as `npm start` runs it.
    ensureBuilt();
    const child = spawn(process.execPath, ["build/server.js"], { cwd: path.resolve(import.meta.dirname, "../.."), env, stdio: ["ignore", "pipe", "pipe"] });
    let stderr = "";
    let stdout = "";
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
    const code = await new Promise<number | null>((resolve, reject) => {
      const timer = setTimeout(() => {
        child.kill("SIGKILL");
        reject(new Error(`the server did not exit within 60 s; it should refuse to start.\nstdout:\n${stdout}\nstderr:\n${stderr}`));
      }, 60_000);
      child.on("exit", (c) => {
        clearTimeout(timer);
        resolve(c);
      });
    });
    expect(code, `stderr:\n${stderr}`).not.toBe(0);
    expect(stderr).toContain("Refusing to start");
    // The migration step notices first, before it could revoke the owner's own rights.
    expect(stderr).toContain(`The runtime role "${roleOf(scratch.ownerUrl)}" named in DATABASE_URL must be a separate role`);
    expect(stderr).toContain("no grants were changed");
    expect(stdout).not.toContain("medslot is serving");
  } finally {
    await scratch.drop();
  }
});
