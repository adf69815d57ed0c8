import { sweepClinic } from "~/modules/platform/housekeeping.server";
import { inngest } from "./client.server";
import { appDeps, asDate, type WorkflowDeps } from "./deps.server";

/**
 * A freed time is offered to one matching flexible-schedule request at a time, oldest first
 * (flexible-requests.server.ts). When an offer lapses unanswered it goes back to its request and the
 * time is offered to the next one, which announces flexible_request.offered again: the chain moves
 * on one offer at a time, each expiring before the next is made. An offer the patient answered is
 * no longer `offered`, and the sweep passes it by.
 */
export function createWaitlistOfferExpiry(deps: WorkflowDeps = appDeps) {
  return inngest.createFunction(
    {
      id: "waitlist-offer-expiry",
      name: "Waitlist: pass a lapsed offer to the next request",
      triggers: [{ event: "flexible_request.offered" }],
    },
    async ({ event, step }) => {
      const { clinicId, proposal } = event.data as {
        clinicId: string;
        proposal: { expiresAt: string | null } | null;
      };
      if (!proposal?.expiresAt) return { outcome: "no expiry" };
      await step.sleepUntil("until-the-offer-lapses", asDate(proposal.expiresAt));
      return step.run("pass-on", () => sweepClinic(deps.db().forClinic(clinicId), deps.now()));
    }
  );
}

export const waitlistOfferExpiry = createWaitlistOfferExpiry();
