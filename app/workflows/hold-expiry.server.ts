import { sweepClinic } from "~/modules/platform/housekeeping.server";
import { inngest } from "./client.server";
import { appDeps, asDate, type WorkflowDeps } from "./deps.server";

/**
 * A hold that was never confirmed is marked expired the moment it lapses, and announced
 * (hold.expired), so the time shows as free everywhere. Writers already ignore expired holds (a
 * trigger releases them), so a late sweep is untidy, never wrong. A confirmed hold is not `held`
 * any more and the sweep passes it by.
 */
export function createHoldExpiry(deps: WorkflowDeps = appDeps) {
  return inngest.createFunction(
    {
      id: "hold-expiry",
      name: "Holds: mark a lapsed hold expired",
      triggers: [{ event: "hold.placed" }],
      cancelOn: [
        // Confirmed in time: the hold became the appointment (same id).
        {
          event: "appointment.booked",
          if: "async.data.appointmentId == event.data.holdId",
        },
        {
          event: "appointment.requested",
          if: "async.data.appointmentId == event.data.holdId",
        },
      ],
    },
    async ({ event, step }) => {
      const { clinicId, expiresAt } = event.data as {
        clinicId: string;
        holdId: string;
        expiresAt: string;
      };
      await step.sleepUntil("until-the-hold-lapses", asDate(expiresAt));
      return step.run("sweep", () => sweepClinic(deps.db().forClinic(clinicId), deps.now()));
    }
  );
}

export const holdExpiry = createHoldExpiry();
