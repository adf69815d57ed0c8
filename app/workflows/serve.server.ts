import { serve } from "inngest/remix";
import { inngest } from "./client.server";
import { functions } from "./index.server";

/** Inngest calls this to discover the functions (GET), run steps (POST) and sync the app (PUT). */
export const inngestHandler = serve({ client: inngest, functions, servePath: "/api/inngest" });
