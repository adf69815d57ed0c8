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
import express from "express";
import compression from "compression";
import { createRequestHandler } from "@remix-run/express";
import type { ServerBuild } from "@remix-run/node";
import { getEnv, parseEnv, resetEnvCache } from "./app/utils/env.server";
import { DATA_FILES, startEmbeddedPostgres, writeFileAtomic, type EmbeddedDatabase } from "./app/utils/embedded-postgres.server";
import { migrate } from "./app/utils/migrate.server";
import { assertRuntimeRoleIsSafe, getDb } from "./app/utils/db.server";
import { log, redactPath } from "./app/utils/log.server";
import { resolveSite } from "./app/modules/tenancy/site.server";
import { seedDemoClinics } from "./app/modules/tenancy/tenant-import.server";
import { startOutboxRelay } from "./app/modules/outbox/relay.server";
import { startInngestDevServer } from "./app/utils/inngest-dev.server";
import { startHousekeeping } from "./app/modules/platform/housekeeping.server";
import { isSameOrigin } from "./app/utils/origin.server";
import { projectRoot } from "./app/utils/project-root.server";
import { describeStartupFailure, onDatabase, StartupError } from "./app/utils/startup-errors.server";

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

  const build = await loadRemixBuild();

  const app = express();
  app.disable("x-powered-by");
  app.set("trust proxy", parseTrustProxy(env.TRUST_PROXY));
  app.use(compression());
  app.use("/build", express.static(path.join(root, "public/build"), { immutable: true, maxAge: "1y" }));
  app.use(express.static(path.join(root, "public"), { maxAge: "1h" }));

  app.use((req, res, next) => {
    // A proxy's request id is kept when it looks like one; anything else is replaced, since it
    // ends up in logs and the audit trail.
    const given = req.get("x-request-id") ?? "";
    const requestId = /^[\w.-]{1,64}$/.test(given) ? given : randomUUID();
    res.locals.requestId = requestId;
    res.setHeader("X-Request-Id", requestId);
    const started = process.hrtime.bigint();
    res.on("finish", () => {
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      log.info("request", {
        requestId,
        method: req.method,
        path: redactPath(req.originalUrl.split("?")[0] ?? ""),
        status: res.statusCode,
        ms: Math.round(ms * 10) / 10,
        host: req.hostname,
        clinic: res.locals.clinicSlug,
      });
    });
    next();
  });

  app.get("/healthz", async (_req, res) => {
    try {
      await getDb().forPlatform().tx((tx) => tx.$queryRaw`SELECT 1`);
      res.status(200).json({ ok: true });
    } catch (error) {
      log.error("health check failed", { error: (error as Error).message });
      res.status(503).json({ ok: false });
    }
  });

  // Every mutating request must come from a page of the same site (CSRF defence from the Lucia
  // guide). That includes cookie-less ones: a cross-site form could otherwise send SMS codes or
  // reset emails from visitors' browsers. Exempt: machine-to-machine calls that authenticate
  // themselves (Inngest's, Stripe's and Twilio's signed requests, Bearer-token API calls without
  // cookies).
  app.use((req, res, next) => {
    if (["GET", "HEAD", "OPTIONS"].includes(req.method)) return next();
    if (["/api/inngest", "/api/payments/webhook", "/api/messages/status"].includes(req.path)) return next();
    if (/^Bearer\s/i.test(req.get("authorization") ?? "") && !req.headers.cookie) return next();
    if (isSameOrigin(req.get("origin") ?? null, req.get("referer") ?? null, req.get("host") ?? "", req.get("sec-fetch-site") ?? null)) return next();
    res.status(403).type("application/problem+json").send(JSON.stringify({
      type: "https://medslot.dev/problems/cross-origin-request",
      title: "Cross-origin request refused",
      status: 403,
      detail: "This request did not come from this site. Reload the page and try again.",
    }));
  });

  const remix = createRequestHandler({
    build,
    mode: env.NODE_ENV === "production" ? "production" : build.mode,
    getLoadContext: async (req, res) => {
      const site = await resolveSite(req.get("host"), env.APP_DOMAIN);
      if (site.kind === "clinic") res.locals.clinicSlug = site.clinic.slug;
      return { requestId: res.locals.requestId as string, site, clientIp: req.ip ?? "unknown" };
    },
  });
  app.all("*", (req, res, next) => {
    Promise.resolve(remix(req, res, next)).catch(next);
  });
  app.use((error: Error, _req: express.Request, res: express.Response, _next: express.NextFunction) => {
    log.error("unhandled error", { requestId: res.locals.requestId, error: error.message, stack: error.stack });
    if (!res.headersSent) res.status(500).type("text/plain").send("Something went wrong on our side.");
  });

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
    await new Promise<void>((resolve) => server.close(() => resolve()));
    server.closeAllConnections?.();
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

function parseTrustProxy(value: string): boolean | number | string {
  if (value === "true" || value === "false") return value === "true";
  return /^\d+$/.test(value) ? Number(value) : value;
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
