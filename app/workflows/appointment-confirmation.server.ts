import { sendPatientMessage } from "~/modules/messaging/notify.server";
import { inngest } from "./client.server";
import { CANCELLED, CONFIRMATION_DELAY, MOVED, readAppointmentState, workflowDb, type AppointmentEventData } from "./appointment-messages.server";

/**
 * "Your visit is booked", a short while after booking (or after the desk confirms a request), so a
 * quick correction replaces it: a cancellation within the delay cancels this run, and a move within
 * it cancels this run too; the change workflow then sends one confirmation for the new time.
 */
export const appointmentConfirmation = inngest.createFunction(
  {
    id: "appointment-confirmation",
    name: "Appointment confirmation message",
    triggers: [{ event: "appointment.booked" }, { event: "appointment.confirmed" }],
    cancelOn: [CANCELLED, MOVED],
  },
  async ({ event, step }) => {
    const data = event.data as AppointmentEventData;
    await step.sleep("wait-for-corrections", CONFIRMATION_DELAY);
    return step.run("send-confirmation", async () => {
      const db = workflowDb();
      const appointment = await readAppointmentState(db, data.clinicId, data.appointmentId);
      if (appointment?.status !== "confirmed") return { sent: false, reason: `appointment is ${appointment?.status ?? "gone"}` };
      const result = await sendPatientMessage(db, { clinicId: data.clinicId, kind: "booking_confirmation", appointmentId: data.appointmentId, dedupeKey: `confirmation:${data.appointmentId}` });
      return { sent: true, ...result };
    });
  },
);
