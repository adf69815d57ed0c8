/**
 * Removes the run's data directory. Playwright stops the web server only after global teardown,
 * so the removal happens at process exit, once the server is gone; PostgreSQL may still be
 * finishing its shutdown then, so it is given a moment to leave before its files are deleted.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";

const sleep = (ms: number) => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);

function isAlive(pid: number) {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Waits up to 15 s for the cluster's postmaster to exit (exit handlers must be synchronous). */
function waitForPostgres(dir: string) {
  const pidFile = path.join(dir, "pg", "postmaster.pid");
  const deadline = Date.now() + 15_000;
  while (fs.existsSync(pidFile) && Date.now() < deadline) {
    const pid = Number(fs.readFileSync(pidFile, "utf8").split("\n")[0]);
    if (!Number.isInteger(pid) || pid <= 0 || !isAlive(pid)) return;
    sleep(100);
  }
}

export default function globalTeardown() {
  const dir = process.env.E2E_DATA_DIR;
  if (!dir) return;
  const resolved = path.resolve(dir);
  // Only ever delete a directory this run created under the temp folder.
  if (!resolved.startsWith(path.join(os.tmpdir(), "medslot-e2e-"))) return;
  process.once("exit", () => {
    waitForPostgres(resolved);
    try {
      fs.rmSync(resolved, { recursive: true, force: true, maxRetries: 5, retryDelay: 200 });
    } catch (error) {
      process.stderr.write(`Could not remove the e2e data directory ${resolved}: ${(error as Error).message}\n`);
    }
  });
}
