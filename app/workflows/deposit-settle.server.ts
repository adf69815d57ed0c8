import { settleDeposit } from "~/modules/payments/deposits.server";
import { inngest } from "./client.server";
import { appDeps, type WorkflowDeps } from "./deps.server";

/**
 * The visit ended without taking place: a patient's cancellation before the window releases the
 * deposit, a later one or a no-show captures it, the clinic's own cancellation or a declined
 * request lets it go. The page that cancelled usually settled it already; this is the guaranteed
 * path, and settling twice changes nothing.
 */
export function createDepositSettle(deps: WorkflowDeps = appDeps) {
  return inngest.createFunction(
    {
      id: "deposit-settle",
      name: "Deposit: settle a cancelled, declined or missed visit",
      triggers: [{ event: "appointment.cancelled" }, { event: "appointment.no_show" }, { event: "appointment.declined" }],
      retries: 8,
    },
    async ({ event, step }) => {
      const { clinicId, appointmentId } = event.data as {
        clinicId: string;
        appointmentId: string;
      };
      return step.run("settle", async () => {
        const r = await settleDeposit(deps.db().forClinic(clinicId), deps.payments(), appointmentId, deps.now());
        return {
          action: r.action,
          why: r.why,
          status: r.deposit?.status ?? null,
        };
      });
    }
  );
}

export const depositSettle = createDepositSettle();
