import type { InngestFunction } from "inngest";

/**
 * Every workflow the app serves at /api/inngest. Each lives in its own file in this folder, created
 * with `inngest.createFunction(...)` from client.server.ts, and is listed here.
 */
export const functions: InngestFunction.Any[] = [];
