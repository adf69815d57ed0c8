/**
 * `npm start`: starts the embedded PostgreSQL when DATABASE_URL is unset, migrates, seeds the demo
 * clinics on first run, builds if the build is missing or stale, checks that the runtime role
 * cannot bypass row-level security, and serves every host (marketplace and clinic sites).
 */
import { randomUUID } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { spawnSync } from "node:child_process";
import { fileURLToPath, pathToFileURL } from "node:url";
import express from "express";
import compression from "compression";
import { createRequestHandler } from "@remix-run/express";
import type { ServerBuild } from "@remix-run/node";
import { getEnv, parseEnv, resetEnvCache, EnvError } from "./app/utils/env.server";
import { startEmbeddedPostgres, type EmbeddedDatabase } from "./app/utils/embedded-postgres.server";
import { migrate, RuntimeRoleMisconfiguredError } from "./app/utils/migrate.server";
import { assertRuntimeRoleIsSafe, getDb, UnsafeRuntimeRoleError } from "./app/utils/db.server";
import { log, redactPath } from "./app/utils/log.server";
import { resolveSite } from "./app/modules/tenancy/site.server";
import { seedDemoClinics } from "./app/modules/tenancy/tenant-import.server";
import { startOutboxRelay } from "./app/modules/outbox/relay.server";
import { startInngestDevServer } from "./app/utils/inngest-dev.server";
import { startHousekeeping } from "./app/modules/platform/housekeeping.server";
import { isSameOrigin } from "./app/utils/origin.server";
import { knownRefusalBeforeRouting, sendEarlyRefusal } from "./app/modules/api/rate-limits.server";

const root = path.dirname(fileURLToPath(import.meta.url));

async function main() {
  let env = parseEnv();
  let embedded: EmbeddedDatabase | undefined;
  // Pin the mode chosen from the original environment before the embedded URLs are filled in.
  process.env.NODE_ENV = env.NODE_ENV;
  if (!env.DATABASE_URL) {
    const dir = path.resolve(root, env.MEDSLOT_DATA_DIR ?? ".data");
    log.info("starting embedded PostgreSQL", { dir, port: env.EMBEDDED_PG_PORT });
    embedded = await startEmbeddedPostgres({ dir, port: env.EMBEDDED_PG_PORT, log: (m) => log.debug(m, { component: "postgres" }) });
    process.env.DATABASE_URL = embedded.runtimeUrl;
    process.env.MIGRATE_DATABASE_URL = embedded.ownerUrl;
    if (!process.env.SESSION_SECRET) process.env.SESSION_SECRET = readOrCreateSecret(dir);
    resetEnvCache();
    env = getEnv();
  }

  const runtimeRole = decodeURIComponent(new URL(env.DATABASE_URL!).username);
  const migrated = await migrate({ ownerUrl: env.MIGRATE_DATABASE_URL!, runtimeRole, log: (m) => log.info(m, { component: "migrate" }) });
  log.info("database migrated", { applied: migrated.applied.length, alreadyApplied: migrated.alreadyApplied.length });
  await assertRuntimeRoleIsSafe(env.DATABASE_URL!);

  if (embedded) {
    const marker = path.join(path.resolve(root, env.MEDSLOT_DATA_DIR ?? ".data"), "seeded");
    if (!fs.existsSync(marker)) {
      const report = await seedDemoClinics(getDb(), path.join(root, "tenants"));
      fs.writeFileSync(marker, new Date().toISOString());
      printLogins(report.logins);
    }
  }

  await buildIfNeeded();
  const build = (await import(pathToFileURL(path.join(root, "build/index.js")).href)) as ServerBuild;

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

  // An API caller already known to be over its rate limit is answered here, from memory, for about
  // what a static file costs (through Remix a 429 costs three times as much), and held until a
  // retry could succeed, so a client that ignores Retry-After cannot spend the server on refusals.
  app.use("/api/v1", (req, res, next) => {
    const refusal = knownRefusalBeforeRouting({ authorization: req.get("authorization"), clientIp: req.ip ?? "unknown", requestId: res.locals.requestId as string });
    if (!refusal) return next();
    sendEarlyRefusal(refusal, () => {
      if (!res.destroyed) res.status(refusal.status).set(refusal.headers).send(refusal.body);
    });
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

  const relay = startOutboxRelay(getDb());
  const housekeeping = startHousekeeping(getDb());
  // The local demo runs its workflows on Inngest's dev server when it can be fetched.
  const inngestDev = await startInngestDevServer({
    appPort: env.PORT,
    enabled: !env.INNGEST_EVENT_KEY && !env.INNGEST_BASE_URL && env.NODE_ENV === "development" && process.env.MEDSLOT_INNGEST_DEV !== "0",
  });
  const server = app.listen(env.PORT, () => {
    log.info("medslot is serving", {
      marketplace: `http://${env.APP_DOMAIN}:${env.PORT}`,
      clinics: `http://{slug}.${env.APP_DOMAIN}:${env.PORT}`,
      database: embedded ? "embedded" : "external",
    });
  });

  let stoppingSince = 0;
  const stop = async (signal: string) => {
    if (stoppingSince) {
      // Ctrl-C reaches both tsx and this process, so the first signal often arrives twice; only a
      // later one means "stop now": give up waiting, but still stop PostgreSQL.
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

function readOrCreateSecret(dir: string) {
  const file = path.join(dir, "session-secret");
  if (!fs.existsSync(file)) fs.writeFileSync(file, randomUUID() + randomUUID(), { mode: 0o600 });
  return fs.readFileSync(file, "utf8").trim();
}

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(p) : fs.statSync(p).mtimeMs);
  }
  return newest;
}

async function buildIfNeeded() {
  const output = path.join(root, "build/index.js");
  const sources = Math.max(newestMtime(path.join(root, "app")), fs.statSync(path.join(root, "remix.config.js")).mtimeMs, fs.statSync(path.join(root, "tailwind.config.ts")).mtimeMs);
  if (fs.existsSync(output) && fs.statSync(output).mtimeMs >= sources) return;
  log.info("building the app (first start or sources changed)");
  const result = spawnSync("npx", ["--no-install", "remix", "build"], { cwd: root, stdio: "inherit" });
  if (result.status !== 0) throw new Error("remix build failed");
}

function printLogins(logins: { clinic: string; email: string; password: string; role: string }[]) {
  if (!logins.length) return;
  const width = (pick: (l: (typeof logins)[number]) => string) => Math.max(...logins.map((l) => pick(l).length));
  const [c, r, e] = [width((l) => l.clinic), width((l) => l.role), width((l) => l.email)];
  const lines = logins.map((l) => `  ${l.clinic.padEnd(c)}  ${l.role.padEnd(r)}  ${l.email.padEnd(e)}  ${l.password}`);
  process.stdout.write(`\nDemo staff logins (panel at http://{clinic}.${getEnv().APP_DOMAIN}:${getEnv().PORT}/panel):\n${lines.join("\n")}\n\n`);
}

main().catch((error) => {
  if (error instanceof EnvError || error instanceof UnsafeRuntimeRoleError) {
    process.stderr.write(`\n${error.message}\n\n`);
  } else if (error instanceof RuntimeRoleMisconfiguredError) {
    process.stderr.write(`\nRefusing to start: ${error.message}\n\n`);
  } else {
    log.error("start-up failed", { error: (error as Error).message, stack: (error as Error).stack });
  }
  process.exit(1);
});
