import { sendGuessingNotice } from "~/modules/auth/guessing-notice.server";
import { sendEmail } from "~/modules/messaging/messenger.server";
import { inngest } from "./client.server";
import { appDeps, type WorkflowDeps } from "./deps.server";

/** Someone is guessing a staff member's password ("staff.password_guessing"): tell them by email. */
export function createStaffPasswordGuessing(deps: WorkflowDeps = appDeps, send = sendEmail) {
  return inngest.createFunction(
    { id: "staff-password-guessing", name: "Staff: tell the account holder their password is being guessed", triggers: [{ event: "staff.password_guessing" }] },
    async ({ event, step }) => {
      const data = event.data as { clinicId: string | null; staffUserId: string; failures: number; networks: number };
      return step.run("tell-the-account-holder", () =>
        sendGuessingNotice(deps.db(), { clinicId: data.clinicId ?? null, staffUserId: data.staffUserId, failures: data.failures, networks: data.networks }, send),
      );
    },
  );
}

export const staffPasswordGuessing = createStaffPasswordGuessing();
