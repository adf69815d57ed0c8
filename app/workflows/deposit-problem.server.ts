import { sendPatientMessage } from "~/modules/messaging/notify.server";
import { issueDepositLink } from "~/modules/payments/deposit-links.server";
import { inngest } from "./client.server";
import { appDeps, type WorkflowDeps } from "./deps.server";

/**
 * A deposit could not be held (declined, or no card saved): the patient — or whoever manages the
 * dependent it is for — is asked to update the card, with a link to their cards (or, when the
 * clinic may not hold their cards yet, a secure link to add or allow one for this deposit). One message per
 * deposit and reason, so the daily retries do not text the same news every day; a different
 * reason (e.g. a new card that is declined too) is told again.
 */
export function createDepositProblem(deps: WorkflowDeps = appDeps) {
  return inngest.createFunction(
    { id: "deposit-problem", name: "Deposit: ask the patient to update the card", triggers: [{ event: "deposit.failed" }] },
    async ({ event, step }) => {
      const { clinicId, appointmentId, depositId, failureCode } = event.data as { clinicId: string; appointmentId: string; depositId: string; failureCode: string | null };
      return step.run("tell-the-patient", async () => {
        // A patient who has not allowed this clinic to hold their cards gets a secure link to add or allow one.
        const link = await issueDepositLink(deps.db().forClinic(clinicId), depositId, undefined, deps.now());
        const sent = await sendPatientMessage(deps.db(), {
          clinicId,
          kind: "deposit_problem",
          appointmentId,
          dedupeKey: `deposit-problem:${depositId}:${failureCode ?? "declined"}`,
          now: deps.now(),
          ...(link ? { vars: { cardsUrl: link } } : {}),
        });
        return { deliveries: sent.deliveries.length, deferredUntil: sent.deferredUntil };
      });
    },
  );
}

export const depositProblem = createDepositProblem();
