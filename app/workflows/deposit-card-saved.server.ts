import { retryFailedDeposits } from "~/modules/payments/deposits.server";
import { inngest } from "./client.server";
import { appDeps, type WorkflowDeps } from "./deps.server";

/**
 * A patient whose deposit was declined was asked for another card; the moment one is saved, the
 * failed deposits are authorized with it instead of waiting for the next daily retry.
 */
export function createDepositCardSaved(deps: WorkflowDeps = appDeps) {
  return inngest.createFunction(
    {
      id: "deposit-card-saved",
      name: "Deposit: try again with the card just saved",
      triggers: [{ event: "payment.card_saved" }],
      retries: 5,
    },
    async ({ event, step }) => {
      const { patientAccountId } = event.data as { patientAccountId: string };
      return step.run("authorize-failed-deposits", () => retryFailedDeposits(deps.db(), deps.payments(), patientAccountId, deps.now()));
    }
  );
}

export const depositCardSaved = createDepositCardSaved();
