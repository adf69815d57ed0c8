/**
 * A process that used the embedded PostgreSQL still ends with the code it meant to: the library's
 * exit hook calls process.exit(0) after stopping its clusters, which once turned every failing test
 * run (Vitest sets process.exitCode = 1 and lets the process end) into a green one.
 */
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { expect, test } from "vitest";

const root = path.resolve(import.meta.dirname, "../..");

function runScript(exitCode: number) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "medslot-exit-"));
  const script = path.join(dir, "script.mts");
  fs.writeFileSync(
    script,
    `import { startEmbeddedPostgres } from ${JSON.stringify(path.join(root, "app/utils/embedded-postgres.server.ts"))};
     import { freePort } from ${JSON.stringify(path.join(root, "tests/support/free-port.ts"))};
     const db = await startEmbeddedPostgres({ dir: ${JSON.stringify(path.join(dir, "data"))}, port: await freePort() });
     await db.stop();
     process.exitCode = ${exitCode};`,
  );
  try {
    return spawnSync(process.execPath, ["--import", "tsx", script], { cwd: root, encoding: "utf8", timeout: 60_000 });
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

test("a failing process that used the embedded database still exits with its failure", () => {
  const failing = runScript(3);
  expect(failing.status, failing.stderr).toBe(3);
}, 120_000);
