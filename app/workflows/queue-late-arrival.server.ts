import { flagLate } from "~/modules/queue/tickets.server";
import { LATE_GRACE_MIN } from "~/modules/queue/rules";
import { CANCELLED, DECLINED, MOVED, NO_SHOW, type AppointmentEventData } from "./appointment-messages.server";
import { inngest } from "./client.server";
import { appDeps, type WorkflowDeps } from "./deps.server";

/**
 * A booked visit not checked in 10 minutes after its start is flagged late: the desk's queue and
 * the doctor's screen show it at once (the flag notifies them). A cancelled or moved visit ends the
 * run (the moved one starts its own); a visit checked in by then is left alone.
 */
export function createQueueLateArrival(deps: WorkflowDeps = appDeps) {
  return inngest.createFunction(
    {
      id: "queue-late-arrival",
      name: "Queue: flag a late arrival",
      triggers: [{ event: "appointment.booked" }, { event: "appointment.confirmed" }, { event: "appointment.rescheduled" }],
      cancelOn: [CANCELLED, MOVED, NO_SHOW, DECLINED],
    },
    async ({ event, step }) => {
      const data = event.data as AppointmentEventData;
      if (data.status && data.status !== "confirmed") return { flagged: false, reason: `appointment is ${data.status}` };
      await step.sleepUntil("wait-for-grace", new Date(new Date(data.start).getTime() + LATE_GRACE_MIN * 60_000));
      return step.run("flag-late", () => flagLate(deps.db().forClinic(data.clinicId), data.appointmentId, deps.now()));
    },
  );
}

export const queueLateArrival = createQueueLateArrival();
