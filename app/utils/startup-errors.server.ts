/**
 * Start-up failures as a person reads them: what is wrong and what to do, never a driver's stack
 * trace (that is printed too only with LOG_LEVEL=debug).
 */
import { EnvError } from "./env.server";
import { EmbeddedPostgresError } from "./embedded-postgres.server";
import { RuntimeRoleMisconfiguredError } from "./migrate.server";
import { UnsafeRuntimeRoleError } from "./runtime-role.server";

/** A start-up problem whose message already says what is wrong and what to do. */
export class StartupError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "StartupError";
  }
}

const CONNECTION_PROBLEMS: Record<string, string> = {
  ECONNREFUSED: "the connection was refused; is PostgreSQL running there?",
  ECONNRESET: "the connection was closed by the other side; is it PostgreSQL?",
  ENOTFOUND: "the host name does not resolve",
  EAI_AGAIN: "the host name could not be resolved (DNS did not answer)",
  ETIMEDOUT: "the connection timed out",
  EHOSTUNREACH: "the host cannot be reached",
  ENETUNREACH: "the network cannot be reached",
  "28P01": "PostgreSQL refused the password",
  "28000": "PostgreSQL does not let this role connect (no such role, or pg_hba.conf refuses it)",
  "3D000": "the database does not exist",
  "57P03": "PostgreSQL is still starting up or shutting down",
  "53300": "PostgreSQL has no free connections left",
};

/** A network errno or SQLSTATE anywhere in an error, its cause or an AggregateError's errors. */
function codeOf(error: unknown, depth = 0): string | undefined {
  if (!error || typeof error !== "object" || depth > 4) return undefined;
  const e = error as { code?: unknown; cause?: unknown; errors?: unknown[] };
  if (typeof e.code === "string" && e.code in CONNECTION_PROBLEMS) return e.code;
  return codeOf(e.cause, depth + 1) ?? (Array.isArray(e.errors) ? e.errors.map((inner) => codeOf(inner, depth + 1)).find(Boolean) : undefined);
}

/** The URL without its password, for messages. */
export function describeUrl(url: string): string {
  try {
    const u = new URL(url);
    return `${u.protocol}//${u.username ? `${decodeURIComponent(u.username)}@` : ""}${u.host}${u.pathname}`;
  } catch {
    return "(not a valid URL)";
  }
}

/** Runs one start-up step on the database named by `setting`; a connection failure becomes a sentence. */
export async function onDatabase<T>(setting: string, url: string, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    const code = codeOf(error);
    if (!code) throw error;
    throw new StartupError(`Cannot use the database in ${setting} (${describeUrl(url)}): ${CONNECTION_PROBLEMS[code]}.\nCheck ${setting}, and that the database server is running and reachable from here.`);
  }
}

export function messageOf(error: unknown): string {
  if (error instanceof Error && error.message) return error.message;
  if (error instanceof Error) return `${error.name} without a message`;
  if (error === undefined || error === null) return "an error without any description";
  return String(error);
}

/** The text printed when start-up fails. */
export function describeStartupFailure(error: unknown, opts: { debug?: boolean } = {}): string {
  if (error instanceof EnvError || error instanceof UnsafeRuntimeRoleError || error instanceof EmbeddedPostgresError || error instanceof StartupError) {
    return error.message;
  }
  if (error instanceof RuntimeRoleMisconfiguredError) return `Refusing to start: ${error.message}`;
  const code = codeOf(error);
  const text = code
    ? `Start-up failed: ${CONNECTION_PROBLEMS[code]} (${messageOf(error)}).\nCheck DATABASE_URL and MIGRATE_DATABASE_URL, and that the database server is running.`
    : `Start-up failed: ${messageOf(error)}\nThis was not expected. Run again with LOG_LEVEL=debug to see where it happened.`;
  const stack = error instanceof Error ? error.stack : undefined;
  return opts.debug && stack ? `${text}\n\n${stack}` : text;
}
