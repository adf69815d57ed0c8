/**
 * `npm start` (compiled to build/server.js by `npm run build`; `npm run dev` runs this file with
 * tsx): starts the embedded PostgreSQL when DATABASE_URL is unset, migrates, seeds the demo
 * clinics on first run, checks that the runtime role cannot bypass row-level security, and serves
 * every host (marketplace and clinic sites). Building when the build is missing or stale happens
 * before, in scripts/build-if-needed.mjs (`prestart`).
 */
import { randomUUID } from "node:crypto";
import fs from "node:fs";
import type http from "node:http";
import path from "node:path";
import { pathToFileURL } from "node:url";
import type express from "express";
import type { ServerBuild } from "@remix-run/node";
import { getEnv, parseEnv, resetEnvCache } from "./app/utils/env.server";
import { DATA_FILES, startEmbeddedPostgres, writeFileAtomic, type EmbeddedDatabase } from "./app/utils/embedded-postgres.server";
import { migrate } from "./app/utils/migrate.server";
import { log } from "./app/utils/log.server";
import { assertRuntimeRoleIsSafe } from "./app/utils/runtime-role.server";
import { projectRoot } from "./app/utils/project-root.server";
import { describeStartupFailure, onDatabase, StartupError } from "./app/utils/startup-errors.server";
// Types only: the app's code comes from the Remix build (see app/server/kit.server.ts).
import type * as ServerKit from "./app/server/kit.server";

const root = projectRoot();
/** The embedded database, once started: stopped on the way out, whatever happens after. */
let embedded: EmbeddedDatabase | undefined;

async function main() {
  let env = parseEnv();
  // Pin the mode chosen from the original environment before the embedded URLs are filled in.
  process.env.NODE_ENV = env.NODE_ENV;
  const dataDir = path.resolve(root, env.MEDSLOT_DATA_DIR ?? ".data");
  if (!env.DATABASE_URL) {
    log.info("starting embedded PostgreSQL", { dir: dataDir, port: env.EMBEDDED_PG_PORT });
    embedded = await startEmbeddedPostgres({
      dir: dataDir,
      port: env.EMBEDDED_PG_PORT,
      // Only the default moves to the next free port; a port the operator chose is kept or refused.
      portIsDefault: !process.env.EMBEDDED_PG_PORT?.trim(),
      portSetting: "EMBEDDED_PG_PORT",
      log: (m) => log.debug(m, { component: "postgres" }),
      notice: (m) => log.warn(m, { component: "postgres" }),
    });
    process.env.DATABASE_URL = embedded.runtimeUrl;
    process.env.MIGRATE_DATABASE_URL = embedded.ownerUrl;
    if (!process.env.SESSION_SECRET) process.env.SESSION_SECRET = readOrCreateSecret(dataDir);
    resetEnvCache();
    env = getEnv();
  }

  const runtimeRole = decodeURIComponent(new URL(env.DATABASE_URL!).username);
  // Each migration is one transaction with its _prisma_migrations row: one cut short by a kill
  // leaves nothing behind and is applied again here.
  const migrated = await onDatabase("MIGRATE_DATABASE_URL", env.MIGRATE_DATABASE_URL!, () =>
    migrate({ ownerUrl: env.MIGRATE_DATABASE_URL!, runtimeRole, dir: path.join(root, "prisma/migrations"), log: (m) => log.info(m, { component: "migrate" }) }),
  );
  log.info("database migrated", { applied: migrated.applied.length, alreadyApplied: migrated.alreadyApplied.length });

  const build = await loadRemixBuild();
  const { createHttpApp, getDb, seedDemoClinics, startHousekeeping, startInngestDevServer, startIntegrations, startOutboxRelay } = serverKitOf(build);
  await onDatabase("DATABASE_URL", env.DATABASE_URL!, () => assertRuntimeRoleIsSafe(env.DATABASE_URL!));

  if (embedded) {
    // The marker is written only after the whole seed: a start killed half-way seeds again, and
    // the seed creates or updates (never duplicates), so it finishes what was left.
    const marker = path.join(dataDir, DATA_FILES.seeded);
    if (!fs.existsSync(marker)) {
      log.info("loading the demo clinics", { from: "tenants/" });
      const report = await seedDemoClinics(getDb(), path.join(root, "tenants"));
      writeFileAtomic(marker, `${new Date().toISOString()}\n`, 0o644);
      printLogins(report.logins);
    }
  }

  await startIntegrations(build);
  const app = createHttpApp({ build, env, publicDir: path.join(root, "public") });

  const server = await listen(app, env.PORT);
  const relay = startOutboxRelay(getDb());
  const housekeeping = startHousekeeping(getDb());
  // The local demo runs its workflows on Inngest's dev server when it can be fetched.
  const inngestDev = await startInngestDevServer({
    appPort: env.PORT,
    enabled: !env.INNGEST_EVENT_KEY && !env.INNGEST_BASE_URL && env.NODE_ENV === "development" && process.env.MEDSLOT_INNGEST_DEV !== "0",
  });
  log.info("medslot is serving", {
    marketplace: `http://${env.APP_DOMAIN}:${env.PORT}`,
    clinics: `http://{slug}.${env.APP_DOMAIN}:${env.PORT}`,
    database: embedded ? `embedded (port ${embedded.port})` : "external",
  });

  let stoppingSince = 0;
  const stop = async (signal: string) => {
    if (stoppingSince) {
      // Ctrl-C reaches this process both from the terminal and through npm, so the first signal
      // often arrives twice; only a later one means "stop now": give up waiting, but still stop PostgreSQL.
      if (Date.now() - stoppingSince < 2_000) return;
      log.warn("stopping at once", { signal });
      await embedded?.stop().catch(() => {});
      process.exit(1);
    }
    stoppingSince = Date.now();
    log.info("stopping", { signal });
    // Answers under way get a few seconds to finish; a connection still dropping the rest of a
    // refused upload (or a slow client) does not hold the stop any longer than that.
    const cutOff = setTimeout(() => server.closeAllConnections(), 5_000);
    await new Promise<void>((resolve) => server.close(() => resolve()));
    clearTimeout(cutOff);
    housekeeping.stop();
    inngestDev.stop();
    await relay.stop();
    await getDb().disconnect();
    if (embedded) await embedded.stop();
    process.exit(0);
  };
  process.on("SIGINT", () => void stop("SIGINT"));
  process.on("SIGTERM", () => void stop("SIGTERM"));
}

/** The demo's session secret, kept under the data folder; one cut short by a kill is made again. */
function readOrCreateSecret(dir: string) {
  const file = path.join(dir, DATA_FILES.sessionSecret);
  const existing = fs.existsSync(file) ? fs.readFileSync(file, "utf8").trim() : "";
  if (existing.length >= 32) return existing;
  const secret = randomUUID() + randomUUID();
  writeFileAtomic(file, secret);
  return secret;
}

/** The Remix server build, which `npm run build` (or `npm start`'s prestart) writes to build/index.js. */
async function loadRemixBuild(): Promise<ServerBuild> {
  const file = path.join(root, "build/index.js");
  if (!fs.existsSync(file)) throw new StartupError(`The app is not built: ${file} is missing.\nRun \`npm run build\` (or start with \`npm start\`, which builds when needed).`);
  return (await import(pathToFileURL(file).href)) as ServerBuild;
}

/** The app's own entry points, from the build (one copy of the app's code per process). */
function serverKitOf(build: ServerBuild): typeof ServerKit {
  const kit = (build.entry.module as { serverKit?: typeof ServerKit }).serverKit;
  if (!kit) throw new StartupError("The app's build is from an older version (it has no serverKit).\nRun `npm run build`.");
  return kit;
}

/** Listens on `port`; a port that is taken or not allowed fails with a sentence, not an event error. */
function listen(app: express.Express, port: number): Promise<http.Server> {
  return new Promise((resolve, reject) => {
    const server = app.listen(port);
    server.once("listening", () => resolve(server));
    server.once("error", (error: NodeJS.ErrnoException) => {
      if (error.code === "EADDRINUSE") reject(new StartupError(`Port ${port} (PORT) is already in use by another program.\nStop that program, or set PORT to a free port.`));
      else if (error.code === "EACCES") reject(new StartupError(`Port ${port} (PORT) needs privileges this process does not have.\nSet PORT to a port above 1023, or put a proxy in front.`));
      else reject(error);
    });
  });
}

function printLogins(logins: { clinic: string; email: string; password: string; role: string }[]) {
  if (!logins.length) return;
  const width = (pick: (l: (typeof logins)[number]) => string) => Math.max(...logins.map((l) => pick(l).length));
  const [c, r, e] = [width((l) => l.clinic), width((l) => l.role), width((l) => l.email)];
  const lines = logins.map((l) => `  ${l.clinic.padEnd(c)}  ${l.role.padEnd(r)}  ${l.email.padEnd(e)}  ${l.password}`);
  process.stdout.write(`\nDemo staff logins (panel at http://{clinic}.${getEnv().APP_DOMAIN}:${getEnv().PORT}/panel):\n${lines.join("\n")}\n\n`);
}

main().catch(async (error: unknown) => {
  process.stderr.write(`\n${describeStartupFailure(error, { debug: process.env.LOG_LEVEL === "debug" })}\n\n`);
  await embedded?.stop().catch(() => {});
  process.exit(1);
});
