import { sendPatientMessage } from "~/modules/messaging/notify.server";
import { inngest } from "./client.server";
import { appDeps, type WorkflowDeps } from "./deps.server";

/**
 * A deposit could not be held (declined, or no card saved): the patient — or whoever manages the
 * dependent it is for — is asked to update the card, with a link to their cards. One message per
 * deposit and reason, so the daily retries do not text the same news every day; a different
 * reason (e.g. a new card that is declined too) is told again.
 */
export function createDepositProblem(deps: WorkflowDeps = appDeps) {
  return inngest.createFunction(
    { id: "deposit-problem", name: "Deposit: ask the patient to update the card", triggers: [{ event: "deposit.failed" }] },
    async ({ event, step }) => {
      const { clinicId, appointmentId, depositId, failureCode } = event.data as { clinicId: string; appointmentId: string; depositId: string; failureCode: string | null };
      return step.run("tell-the-patient", async () => {
        const sent = await sendPatientMessage(deps.db(), { clinicId, kind: "deposit_problem", appointmentId, dedupeKey: `deposit-problem:${depositId}:${failureCode ?? "declined"}`, now: deps.now() });
        return { deliveries: sent.deliveries.length, deferredUntil: sent.deferredUntil };
      });
    },
  );
}

export const depositProblem = createDepositProblem();
