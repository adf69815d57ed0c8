import type { ClinicDb } from "~/utils/db.server";
import { log } from "~/utils/log.server";
import { settleDeposit } from "./deposits.server";
import { getPaymentProvider } from "./provider.server";

/**
 * Settles a visit's deposit right after a person cancelled it or marked it missed, so the page they
 * see next already says "released" or "charged". Best effort: if the provider cannot be reached the
 * deposit-settle workflow, started by the same change, does it (settling twice changes nothing).
 */
export async function settleNow(db: ClinicDb, appointmentId: string): Promise<void> {
  try {
    await settleDeposit(db, getPaymentProvider(), appointmentId);
  } catch (error) {
    log.warn("deposit not settled yet; the workflow will", { clinicId: db.clinicId, appointmentId, error: (error as Error).message });
  }
}
