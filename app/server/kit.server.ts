/**
 * What server.ts needs from the app once the database is up, handed to it through the Remix build
 * (`build.entry.module.serverKit`), so the process loads the app's code once: the compiled server
 * bundles only what runs before the build is loaded (environment, embedded database, migrations).
 */
import { startOutboxRelay as startRelay } from "~/modules/outbox/relay.server";
import type { Db } from "~/utils/db.server";
import { inngest } from "~/workflows/client.server";

export { seedDemoClinics } from "~/seeding/demo-clinics.server";
export { startHousekeeping } from "~/modules/platform/housekeeping.server";
export { getDb } from "~/utils/db.server";
export { startInngestDevServer } from "~/utils/inngest-dev.server";
export { createHttpApp, startIntegrations } from "./http-app.server";

/** The outbox relay, delivering through the app's Inngest client (modules do not import workflows). */
export function startOutboxRelay(db: Db) {
  return startRelay(db, { send: (events) => inngest.send(events) });
}
