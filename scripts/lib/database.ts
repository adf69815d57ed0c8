/**
 * Finds the database a command-line script should work on, the same way `npm start` does:
 *
 *   DATABASE_URL set          → that database (MIGRATE_DATABASE_URL is the owner for migrations)
 *   unset, npm start running  → its embedded cluster under .data/ (credentials.json, its port)
 *   unset, nothing running    → starts the embedded cluster, migrates, works, stops it cleanly
 */
import fs from "node:fs";
import path from "node:path";
import { runningPostmaster, startEmbeddedPostgres, OWNER_ROLE, RUNTIME_ROLE } from "../../app/utils/embedded-postgres.server";
import { parseEnv } from "../../app/utils/env.server";
import { migrate, type MigrationResult } from "../../app/utils/migrate.server";
import { projectRoot } from "../../app/utils/project-root.server";

/** Found by looking for package.json, so it holds for the TypeScript source and for build/cli.js. */
export const PROJECT_ROOT = projectRoot();
const EMBEDDED_DATABASE = "medslot";

export interface DatabaseTarget {
  /** The runtime role (RLS applies): what the app itself connects as. */
  runtimeUrl: string;
  /** The owner role, for migrations; absent when only DATABASE_URL is known. */
  ownerUrl: string | undefined;
  /** For messages: "DATABASE_URL", "embedded PostgreSQL (.data, port 54329)", ... */
  description: string;
  /** Set when this run applied (or checked) the migrations. */
  migration?: MigrationResult;
}

/** A problem the user can fix from the message alone. */
export class ScriptError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ScriptError";
  }
}

/** ".data" inside the project, the absolute path elsewhere. */
function displayPath(dir: string) {
  const relative = path.relative(PROJECT_ROOT, dir);
  return relative && !relative.startsWith("..") && !path.isAbsolute(relative) ? relative : dir;
}

function runtimeRoleOf(url: string) {
  return decodeURIComponent(new URL(url).username);
}

interface EmbeddedCredentials {
  ownerPassword: string;
  runtimePassword: string;
}

/**
 * Runs `work` against the environment's database. With `migrate: true` the migrations are applied
 * first (and the runtime role granted); a freshly started embedded cluster is always migrated.
 */
export async function withDatabase<T>(opts: { migrate: boolean; log?: (message: string) => void }, work: (target: DatabaseTarget) => Promise<T>): Promise<T> {
  const env = (() => {
    try {
      return parseEnv();
    } catch (error) {
      throw new ScriptError((error as Error).message);
    }
  })();
  const log = opts.log ?? (() => {});

  if (env.DATABASE_URL) {
    const target: DatabaseTarget = { runtimeUrl: env.DATABASE_URL, ownerUrl: env.MIGRATE_DATABASE_URL, description: "the database in DATABASE_URL" };
    if (opts.migrate) target.migration = await migrateTarget(target);
    return work(target);
  }

  const dir = path.resolve(PROJECT_ROOT, env.MEDSLOT_DATA_DIR ?? ".data");
  const pgDir = path.join(dir, "pg");
  const running = runningPostmaster(pgDir);
  if (running) {
    const credentialsFile = path.join(dir, "credentials.json");
    if (!fs.existsSync(credentialsFile)) throw new ScriptError(`PostgreSQL is running from ${pgDir} but ${credentialsFile} is missing; stop it and start again with npm start.`);
    const creds = JSON.parse(fs.readFileSync(credentialsFile, "utf8")) as EmbeddedCredentials;
    const url = (user: string, password: string) => `postgresql://${user}:${encodeURIComponent(password)}@127.0.0.1:${running.port}/${EMBEDDED_DATABASE}`;
    const target: DatabaseTarget = {
      runtimeUrl: url(RUNTIME_ROLE, creds.runtimePassword),
      ownerUrl: url(OWNER_ROLE, creds.ownerPassword),
      description: `the running embedded PostgreSQL (${displayPath(dir)}, port ${running.port})`,
    };
    if (opts.migrate) target.migration = await migrateTarget(target);
    return work(target);
  }

  log(`starting the embedded PostgreSQL from ${dir} on port ${env.EMBEDDED_PG_PORT}`);
  const embedded = await startEmbeddedPostgres({
    dir,
    port: env.EMBEDDED_PG_PORT,
    portIsDefault: !process.env.EMBEDDED_PG_PORT?.trim(),
    portSetting: "EMBEDDED_PG_PORT",
    // On stderr: stdout may be a value a script captures (an API key).
    notice: (m) => process.stderr.write(`${m}\n`),
  });
  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    await embedded.stop();
  };
  // Ctrl-C mid-way still shuts PostgreSQL down cleanly instead of leaving a stale postmaster.pid.
  const onSignal = (signal: NodeJS.Signals) => {
    void stop().finally(() => process.exit(signal === "SIGINT" ? 130 : 143));
  };
  process.once("SIGINT", onSignal);
  process.once("SIGTERM", onSignal);
  try {
    const target: DatabaseTarget = {
      runtimeUrl: embedded.runtimeUrl,
      ownerUrl: embedded.ownerUrl,
      description: `the embedded PostgreSQL (${displayPath(dir)}, port ${embedded.port})`,
    };
    target.migration = await migrateTarget(target);
    return await work(target);
  } finally {
    process.off("SIGINT", onSignal);
    process.off("SIGTERM", onSignal);
    await stop();
  }
}

async function migrateTarget(target: DatabaseTarget): Promise<MigrationResult> {
  if (!target.ownerUrl) throw new ScriptError("MIGRATE_DATABASE_URL is not set: migrations need the owner role's connection URL.");
  return migrate({ ownerUrl: target.ownerUrl, runtimeRole: runtimeRoleOf(target.runtimeUrl), dir: path.join(PROJECT_ROOT, "prisma/migrations") });
}

/** Turns a connection failure or missing table into a sentence instead of a driver stack trace. */
export function describeDatabaseError(error: unknown, target?: DatabaseTarget): string | null {
  const e = error as { code?: string; message?: string; cause?: { code?: string; message?: string } };
  const code = e.code ?? e.cause?.code;
  const where = target ? ` (${target.description})` : "";
  if (code === "ECONNREFUSED" || code === "P1001") return `Cannot reach PostgreSQL${where}: connection refused. Is the database running?`;
  if (code === "28P01" || code === "P1000") return `PostgreSQL refused the password${where}; check the connection URL.`;
  if (code === "3D000") return `The database does not exist${where}.`;
  if (code === "42P01" || code === "P2021") return `The tables do not exist yet${where}; run \`npm run db:migrate\` first.`;
  return null;
}
