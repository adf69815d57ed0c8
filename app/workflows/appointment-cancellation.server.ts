import { sendPatientMessage } from "~/modules/messaging/notify.server";
import { inngest } from "./client.server";
import { chainWasConfirmed, readAppointmentState, workflowDb, type AppointmentEventData } from "./appointment-messages.server";

/**
 * "Your visit is cancelled". A patient who cancels a visit they were never told about (within the
 * confirmation delay) needs no message; anyone else gets one.
 */
export const appointmentCancellation = inngest.createFunction(
  { id: "appointment-cancellation", name: "Appointment cancellation message", triggers: [{ event: "appointment.cancelled" }] },
  async ({ event, step }) => {
    const data = event.data as AppointmentEventData;
    return step.run("send-cancellation", async () => {
      const db = workflowDb();
      const appointment = await readAppointmentState(db, data.clinicId, data.appointmentId);
      if (appointment?.status !== "cancelled") return { sent: false, reason: `appointment is ${appointment?.status ?? "gone"}` };
      if (data.actor?.type === "patient" && !(await chainWasConfirmed(db, data.clinicId, data.appointmentId))) {
        return { sent: false, reason: "the patient cancelled before any message about the visit" };
      }
      const result = await sendPatientMessage(db, { clinicId: data.clinicId, kind: "cancellation", appointmentId: data.appointmentId, dedupeKey: `cancellation:${data.appointmentId}` });
      return { sent: true, ...result };
    });
  },
);
