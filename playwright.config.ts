/**
 * End-to-end tests in Debian's Chromium (Playwright cannot download browsers on these machines)
 * against the real compiled server (build/server.js, built first when stale, as `npm start` does)
 * with its own embedded PostgreSQL in a fresh temp directory.
 *
 * Projects: "desktop" runs every spec but those tagged @phone-only; "phone" runs the tests tagged
 * @phone or @phone-only (screenshots and layout checks on a phone-sized viewport).
 */
import fs from "node:fs";
import { defineConfig, devices } from "@playwright/test";
import { e2eRun } from "./tests/e2e/support/run-env";

// Debian's headless shell first: it draws pages without the whole browser around them, and the
// suite spends most of its CPU in the browser (232 s with full Chromium, 145 s with the shell, on
// two cores; decision 039). Full Chromium runs every spec too.
const BROWSERS = ["/usr/bin/chromium-headless-shell", "/usr/bin/chromium"];
const chromium = process.env.CHROMIUM_PATH ?? BROWSERS.find((file) => fs.existsSync(file));
if (!chromium || !fs.existsSync(chromium)) {
  throw new Error(
    `No Chromium at ${chromium ?? BROWSERS.join(" or ")}. The e2e tests use Debian's Chromium: install it with\n` +
      "  sudo apt-get update && sudo apt-get install -y chromium-headless-shell\n" +
      "or point CHROMIUM_PATH at a Chromium/Chrome binary.",
  );
}

const run = e2eRun();
const baseURL = `http://localhost:${run.port}`;

export default defineConfig({
  testDir: "tests/e2e",
  testMatch: "**/*.spec.ts",
  outputDir: "tests/e2e/.artifacts/test-results",
  fullyParallel: false,
  forbidOnly: Boolean(process.env.CI),
  retries: 0,
  workers: Number(process.env.E2E_WORKERS) || 2,
  timeout: 60_000,
  expect: { timeout: 10_000 },
  reporter: "list",
  globalTeardown: "./tests/e2e/support/global-teardown.ts",
  use: {
    baseURL,
    // A trace records every action's page and a stream of frames for every test, to keep only a
    // failing one's: it took the suite from 145 to 259 s. Asked for with E2E_TRACE=1 (decision 039).
    trace: process.env.E2E_TRACE === "1" ? "retain-on-failure" : "off",
    screenshot: "only-on-failure",
    launchOptions: {
      executablePath: chromium,
      args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"],
    },
  },
  projects: [
    {
      name: "desktop",
      grepInvert: /@phone-only|@tablet-only/,
      use: { ...devices["Desktop Chrome"], viewport: { width: 1366, height: 900 }, channel: undefined },
    },
    {
      name: "phone",
      grep: /@phone/,
      use: { viewport: { width: 390, height: 844 }, deviceScaleFactor: 3, isMobile: true, hasTouch: true, userAgent: devices["Pixel 7"].userAgent },
    },
    {
      // The desk's tablet at the front counter (820 × 1180, portrait): the calendar and the desk pages.
      name: "tablet",
      grep: /@tablet/,
      use: { viewport: { width: 820, height: 1180 }, deviceScaleFactor: 2, hasTouch: true },
    },
  ],
  webServer: {
    command: "node scripts/build-if-needed.mjs && exec node build/server.js",
    url: `${baseURL}/healthz`,
    timeout: 180_000,
    reuseExistingServer: false,
    stdout: "ignore",
    stderr: "pipe",
    gracefulShutdown: { signal: "SIGTERM", timeout: 15_000 },
    env: {
      NODE_ENV: "test",
      LOG_LEVEL: "warn",
      PORT: String(run.port),
      APP_DOMAIN: "localhost",
      EMBEDDED_PG_PORT: String(run.pgPort),
      // The browser on loopback stands for a proxy in front: each test may say it comes from a
      // network of its own in X-Forwarded-For (tests/e2e/support/patient.ts).
      TRUST_PROXY: "loopback",
      MEDSLOT_DATA_DIR: run.dataDir,
      // Always the run's own embedded database, even when the shell points at another one.
      DATABASE_URL: undefined as unknown as string,
      MIGRATE_DATABASE_URL: undefined as unknown as string,
    },
  },
});
