/**
 * What server.ts needs from the app once the database is up, handed to it through the Remix build
 * (`build.entry.module.serverKit`), so the process loads the app's code once: the compiled server
 * bundles only what runs before the build is loaded (environment, embedded database, migrations).
 */
export { seedDemoClinics } from "~/modules/tenancy/tenant-import.server";
export { startOutboxRelay } from "~/modules/outbox/relay.server";
export { startHousekeeping } from "~/modules/platform/housekeeping.server";
export { getDb } from "~/utils/db.server";
export { startInngestDevServer } from "~/utils/inngest-dev.server";
export { createHttpApp, startIntegrations } from "./http-app.server";
