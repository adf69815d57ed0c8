import { sendPatientMessage } from "~/modules/messaging/notify.server";
import { inngest } from "./client.server";
import { CANCELLED, chainWasConfirmed, CONFIRMATION_DELAY, MOVED, readAppointmentState, workflowDb, type AppointmentEventData } from "./appointment-messages.server";

/**
 * "Your visit has moved", after the same short delay as a confirmation. When the patient was never
 * told about the earlier time (it was moved within the confirmation delay), they get ONE
 * confirmation for the new time instead. Moved or cancelled again within the delay: this run is
 * cancelled and the next one speaks.
 */
export const appointmentChange = inngest.createFunction(
  {
    id: "appointment-change",
    name: "Appointment change message",
    triggers: [{ event: "appointment.rescheduled" }],
    cancelOn: [CANCELLED, MOVED],
  },
  async ({ event, step }) => {
    const data = event.data as AppointmentEventData;
    await step.sleep("wait-for-corrections", CONFIRMATION_DELAY);
    return step.run("send-change", async () => {
      const db = workflowDb();
      const appointment = await readAppointmentState(db, data.clinicId, data.appointmentId);
      if (!appointment || !["confirmed", "requested"].includes(appointment.status)) return { sent: false, reason: `appointment is ${appointment?.status ?? "gone"}` };
      const toldBefore = data.rescheduledFromId ? await chainWasConfirmed(db, data.clinicId, data.rescheduledFromId) : false;
      if (toldBefore) {
        const result = await sendPatientMessage(db, { clinicId: data.clinicId, kind: "booking_change", appointmentId: data.appointmentId, dedupeKey: `change:${data.appointmentId}` });
        return { sent: true, kind: "booking_change", ...result };
      }
      // A request still waiting for the desk is confirmed by the appointment-confirmation workflow.
      if (appointment.status !== "confirmed") return { sent: false, reason: "the moved request is not confirmed yet" };
      const result = await sendPatientMessage(db, { clinicId: data.clinicId, kind: "booking_confirmation", appointmentId: data.appointmentId, dedupeKey: `confirmation:${data.appointmentId}` });
      return { sent: true, kind: "booking_confirmation", ...result };
    });
  },
);
