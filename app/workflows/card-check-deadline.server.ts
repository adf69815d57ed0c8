import { lapseAuthentication } from "~/modules/booking-flow/card-authentication.server";
import { inngest } from "./client.server";
import { appDeps, asDate, type WorkflowDeps } from "./deps.server";

/**
 * A booking waiting for the patient's bank (3-D Secure) that nobody finished by its deadline: the
 * payment is cancelled and the hold released, so the time is free again. A check that already
 * ended is left alone.
 */
export function createCardCheckDeadline(deps: WorkflowDeps = appDeps) {
  return inngest.createFunction(
    {
      id: "card-check-deadline",
      name: "Bookings: end a card check nobody finished",
      triggers: [{ event: "booking.authentication_started" }],
    },
    async ({ event, step }) => {
      const { clinicId, authenticationId, expiresAt } = event.data as { clinicId: string; authenticationId: string; expiresAt: string };
      await step.sleepUntil("until-the-deadline", asDate(expiresAt));
      return step.run("lapse", () => lapseAuthentication(deps.db().forClinic(clinicId), deps.db(), deps.payments(), authenticationId, deps.now()));
    },
  );
}

export const cardCheckDeadline = createCardCheckDeadline();
