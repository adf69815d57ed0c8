import type { Db } from "~/utils/db.server";
import { log } from "~/utils/log.server";
import { settleDeposit } from "./deposits.server";
import { getPaymentProvider } from "./provider.server";

/**
 * Settles a visit's deposit right after a person cancelled it or marked it missed, so the page they
 * see next already says "released" or "charged". Best effort: if the provider cannot be reached the
 * deposit-settle workflow, started by the same change, does it (settling twice changes nothing).
 */
export async function settleNow(db: Db, clinicId: string, appointmentId: string): Promise<void> {
  try {
    await settleDeposit(db.forClinic(clinicId), getPaymentProvider(), appointmentId);
  } catch (error) {
    log.warn("deposit not settled yet; the workflow will", { clinicId, appointmentId, error: (error as Error).message });
  }
}
