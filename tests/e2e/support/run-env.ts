/**
 * The e2e run's own server: a fresh data directory (embedded PostgreSQL inside) and two free ports,
 * chosen once by the Playwright runner and handed to its workers through the environment.
 */
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";

export interface E2eRun {
  port: number;
  pgPort: number;
  dataDir: string;
}

// Both ports are held open together so the kernel cannot hand out the same one twice.
const PICK_PORTS = `
const net = require("node:net");
const open = () => new Promise((resolve) => { const s = net.createServer(); s.listen(0, "127.0.0.1", () => resolve(s)); });
Promise.all([open(), open()]).then((servers) => {
  process.stdout.write(servers.map((s) => s.address().port).join(" "));
  servers.forEach((s) => s.close());
});`;

/** Set up once per run (the config is loaded again in every worker; the environment carries it). */
export function e2eRun(): E2eRun {
  if (!process.env.E2E_PORT || !process.env.E2E_PG_PORT || !process.env.E2E_DATA_DIR) {
    const [port, pgPort] = execFileSync(process.execPath, ["-e", PICK_PORTS], { encoding: "utf8" }).trim().split(" ");
    process.env.E2E_PORT = port;
    process.env.E2E_PG_PORT = pgPort;
    process.env.E2E_DATA_DIR = fs.mkdtempSync(path.join(os.tmpdir(), "medslot-e2e-"));
  }
  return { port: Number(process.env.E2E_PORT), pgPort: Number(process.env.E2E_PG_PORT), dataDir: process.env.E2E_DATA_DIR! };
}
