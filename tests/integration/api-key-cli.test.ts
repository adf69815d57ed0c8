/**
 * `npm run -s cli -- api-key …` exactly as an operator runs it: npm, the build check before it
 * (`precli`, which builds only when the build is stale) and the compiled build/cli.js, on the test
 * database. The create command's stdout is the key and nothing else, so
 * `KEY=$(npm run -s cli -- api-key create …)` works in scripts.
 */
import { spawn } from "node:child_process";
import path from "node:path";
import { afterAll, expect, test } from "vitest";
import { inject } from "vitest";
import { authenticateApiKey, hashApiKey } from "~/modules/api/api-keys.server";
import { createTestClinic, testDb } from "../support/db";

afterAll(() => testDb().disconnect());

function cli(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    DATABASE_URL: inject("runtimeUrl"),
    MIGRATE_DATABASE_URL: inject("ownerUrl"),
    NODE_ENV: "test",
    LOG_LEVEL: "warn",
  };
  const child = spawn("npm", ["run", "-s", "cli", "--", ...args], {
    cwd: path.resolve(import.meta.dirname, "../.."),
    env,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
  child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`the command did not finish within 60 s\nstdout:\n${stdout}\nstderr:\n${stderr}`));
    }, 60_000);
    child.on("exit", (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

test("api-key create prints only the key; list shows it without the key; revoke ends it", { timeout: 120_000 }, async () => {
  const clinic = await createTestClinic();
  const created = await cli(["api-key", "create", "--clinic", clinic.slug, "--name", "Practice software"]);
  expect(created.code, created.stderr).toBe(0);
  expect(created.stdout).toMatch(/^msk_[A-Za-z0-9_-]{43}\n$/);
  const key = created.stdout.trim();
  expect(await authenticateApiKey(testDb(), clinic.id, key)).toMatchObject({ clinicId: clinic.id, name: "Practice software" });

  const listed = await cli(["api-key", "list", "--clinic", clinic.slug]);
  expect(listed.code, listed.stderr).toBe(0);
  expect(listed.stdout).toContain("Practice software");
  expect(listed.stdout).toContain(key.slice(0, 12));
  expect(listed.stdout).not.toContain(key);
  expect(listed.stdout).not.toContain(hashApiKey(key));
  const id = /^([0-9a-f-]{36})\s/m.exec(listed.stdout)?.[1];
  expect(id).toBeDefined();

  const revoked = await cli(["api-key", "revoke", "--clinic", clinic.slug, "--id", id!]);
  expect(revoked.code, revoked.stderr).toBe(0);
  expect(revoked.stdout).toContain(`Revoked API key ${id}`);
  await expect(authenticateApiKey(testDb(), clinic.id, key)).rejects.toThrow(/revoked/);
});

test("an unknown clinic fails with a message and prints nothing on stdout", { timeout: 120_000 }, async () => {
  const unknown = await cli(["api-key", "create", "--clinic", "no-such-clinic-anywhere", "--name", "x"]);
  expect(unknown.code).toBe(1);
  expect(unknown.stdout).toBe("");
  expect(unknown.stderr).toContain('There is no clinic with the slug "no-such-clinic-anywhere"');
});

test("api-key create --rate gives a high-volume integration its own limit; set-rate changes it or puts it back", { timeout: 180_000 }, async () => {
  const clinic = await createTestClinic();
  const created = await cli(["api-key", "create", "--clinic", clinic.slug, "--name", "Booking widget", "--rate", "250/s"]);
  expect(created.code, created.stderr).toBe(0);
  const key = created.stdout.trim();
  expect(await authenticateApiKey(testDb(), clinic.id, key)).toMatchObject({ rateLimitPerSecond: 250 });
  const listed = await cli(["api-key", "list", "--clinic", clinic.slug]);
  expect(listed.stdout).toMatch(/Booking widget\s+250\/s/);
  const id = /^([0-9a-f-]{36})\s/m.exec(listed.stdout)![1]!;

  const changed = await cli(["api-key", "set-rate", "--clinic", clinic.slug, "--id", id, "--rate", "default"]);
  expect(changed.code, changed.stderr).toBe(0);
  expect(changed.stdout).toContain("now has the rate limit default (10/s)");
  // The change was made by another process: this one learns it from the change log within its
  // read interval (docs/decisions/022), not necessarily by the time the CLI has exited.
  await expect.poll(() => authenticateApiKey(testDb(), clinic.id, key), { timeout: 10_000 }).toMatchObject({ rateLimitPerSecond: null });

  const wrong = await cli(["api-key", "create", "--clinic", clinic.slug, "--name", "x", "--rate", "fast"]);
  expect(wrong.code).toBe(2);
  expect(wrong.stdout).toBe("");
  expect(wrong.stderr).toContain("--rate is requests a second");
});
