import { tellPatientsOfSuspension } from "~/modules/messaging/suspension-notice.server";
import { workflowDb } from "./appointment-messages.server";
import { inngest } from "./client.server";

/** "The clinic is not taking bookings for now" to each patient with a visit ahead, once per suspension. */
export const clinicSuspensionNotice = inngest.createFunction(
  { id: "clinic-suspension-notice", name: "Clinic suspension notice", triggers: [{ event: "clinic.suspended" }] },
  async ({ event, step }) => {
    const data = event.data as { clinicId: string; suspensionId: string };
    return step.run("tell-patients", () => tellPatientsOfSuspension(workflowDb().forClinic(data.clinicId), data.suspensionId));
  },
);
