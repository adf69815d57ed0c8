import { Inngest, type ClientOptions, type Logger } from "inngest";
import { getEnv, type Env } from "~/utils/env.server";
import { log } from "~/utils/log.server";

/** The local Inngest dev server (`npx inngest-cli dev`). */
export const INNGEST_DEV_SERVER_URL = "http://localhost:8288/";

/** A send that hangs would hold the relay's claimed rows; give up and retry later instead. */
const REQUEST_TIMEOUT_MS = 10_000;

export type InngestSettings = Pick<Env, "INNGEST_EVENT_KEY" | "INNGEST_SIGNING_KEY" | "INNGEST_BASE_URL" | "NODE_ENV">;

/**
 * How the app talks to Inngest:
 * - with INNGEST_EVENT_KEY: Inngest Cloud, or a self-hosted Inngest at INNGEST_BASE_URL; requests to
 *   /api/inngest must carry a valid signature (INNGEST_SIGNING_KEY).
 * - without it, outside production: the dev server at INNGEST_BASE_URL or http://localhost:8288.
 *   When none runs, sends fail and events wait in the outbox until one does.
 * - without it in production: still cloud mode, so /api/inngest never accepts unsigned calls; sends
 *   fail for want of a key and events wait in the outbox.
 */
export function inngestClientOptions(settings: InngestSettings): ClientOptions {
  const cloud = Boolean(settings.INNGEST_EVENT_KEY) || settings.NODE_ENV === "production";
  const baseUrl = settings.INNGEST_BASE_URL ? withTrailingSlash(settings.INNGEST_BASE_URL) : cloud ? undefined : INNGEST_DEV_SERVER_URL;
  return {
    id: "medslot",
    isDev: !cloud,
    eventKey: settings.INNGEST_EVENT_KEY,
    signingKey: settings.INNGEST_SIGNING_KEY,
    baseUrl,
    logger: inngestLogger,
    fetch: (input, init) => fetch(input, { ...init, signal: init?.signal ?? AbortSignal.timeout(REQUEST_TIMEOUT_MS) }),
  };
}

export function createInngestClient(settings: InngestSettings) {
  return new Inngest(inngestClientOptions(settings));
}

// The SDK resolves "e/{key}" against the base URL; without the slash a path prefix would be dropped.
function withTrailingSlash(url: string) {
  return url.endsWith("/") ? url : `${url}/`;
}

/** Routes the SDK's own messages into the app's structured log. */
const inngestLogger: Logger = {
  debug: (...args) => write("debug", args),
  info: (...args) => write("info", args),
  warn: (...args) => write("warn", args),
  error: (...args) => write("error", args),
};

function write(level: "debug" | "info" | "warn" | "error", args: unknown[]) {
  let msg = "";
  const fields: Record<string, unknown> = { component: "inngest" };
  for (const arg of args) {
    if (typeof arg === "string") msg = msg ? `${msg} ${arg}` : arg;
    else if (arg instanceof Error) fields.error = arg.message;
    else if (arg && typeof arg === "object") {
      for (const [k, v] of Object.entries(arg)) fields[k] = v instanceof Error ? v.message : v;
    } else if (arg !== undefined) msg = msg ? `${msg} ${String(arg)}` : String(arg);
  }
  log[level](msg || "inngest", fields);
}

/** The app's Inngest client. Workflow functions are created on it, one per file (see index.server.ts). */
export const inngest = createInngestClient(getEnv());
