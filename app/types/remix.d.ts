import "@remix-run/node";
import type { Site } from "~/modules/tenancy/site.server";

declare module "@remix-run/node" {
  interface AppLoadContext {
    /** Echoed in the X-Request-Id header and every log line of the request. */
    requestId: string;
    /** The clinic (or the marketplace) that the Host header names. */
    site: Site;
    /** The client's address, as seen through a trusted proxy. */
    clientIp: string;
  }
}
