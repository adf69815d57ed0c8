import { proposeNoShow } from "~/modules/queue/tickets.server";
import { CANCELLED, DECLINED, MOVED, NO_SHOW, type AppointmentEventData } from "./appointment-messages.server";
import { inngest } from "./client.server";
import { appDeps, type WorkflowDeps } from "./deps.server";

/**
 * A booked visit still not checked in when its time is over is PROPOSED to the desk as a no-show.
 * The desk confirms it (and only then is a held deposit charged) or keeps the visit; this function
 * never marks a no-show by itself.
 */
export function createQueueNoShowProposal(deps: WorkflowDeps = appDeps) {
  return inngest.createFunction(
    {
      id: "queue-no-show-proposal",
      name: "Queue: propose a no-show after the visit's end",
      triggers: [{ event: "appointment.booked" }, { event: "appointment.confirmed" }, { event: "appointment.rescheduled" }],
      cancelOn: [CANCELLED, MOVED, NO_SHOW, DECLINED],
    },
    async ({ event, step }) => {
      const data = event.data as AppointmentEventData & { end?: string };
      if (data.status && data.status !== "confirmed") return { proposed: false, reason: `appointment is ${data.status}` };
      if (!data.end) return { proposed: false, reason: "no end time in the event" };
      await step.sleepUntil("wait-for-end", new Date(data.end));
      return step.run("propose-no-show", () => proposeNoShow(deps.db().forClinic(data.clinicId), data.appointmentId, deps.now()));
    },
  );
}

export const queueNoShowProposal = createQueueNoShowProposal();
