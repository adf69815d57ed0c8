import { serve } from "inngest/remix";
import { getEnv } from "~/utils/env.server";
import { problem, problemType } from "~/utils/problem.server";
import { inngest, inngestClientOptions, type InngestSettings } from "./client.server";
import { functions } from "./index.server";

const handler = serve({ client: inngest, functions, servePath: "/api/inngest" });

/**
 * Whether /api/inngest is there. Talking to Inngest Cloud (an event key, or production) the SDK
 * accepts only signed calls and fails every call when it has no signing key to check them with:
 * without one the endpoint does not exist, rather than answering each caller with a server error.
 */
export function servesInngest(settings: InngestSettings): boolean {
  return inngestClientOptions(settings).isDev === true || Boolean(settings.INNGEST_SIGNING_KEY);
}

/** Inngest calls this to discover the functions (GET), run steps (POST) and sync the app (PUT). */
export function inngestHandler(args: { request: Request }) {
  if (!servesInngest(getEnv())) {
    return problem({ status: 404, type: problemType("not-found"), title: "Not found", detail: "Background workflows are not served here: INNGEST_SIGNING_KEY is not set." });
  }
  return handler(args);
}
