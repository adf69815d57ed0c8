import type { InngestFunction } from "inngest";
import { depositCardSaved } from "./deposit-card-saved.server";
import { depositLifecycle } from "./deposit-lifecycle.server";
import { depositSettle } from "./deposit-settle.server";
import { holdExpiry } from "./hold-expiry.server";
import { holdSweep } from "./hold-sweep.server";
import { waitlistOfferExpiry } from "./waitlist-offers.server";

/**
 * Every workflow the app serves at /api/inngest. Each lives in its own file in this folder, created
 * with `inngest.createFunction(...)` from client.server.ts, and is listed here.
 */
export const functions: InngestFunction.Any[] = [depositLifecycle, depositSettle, depositCardSaved, holdExpiry, holdSweep, waitlistOfferExpiry];
