import { sendPatientMessage } from "~/modules/messaging/notify.server";
import { inngest } from "./client.server";
import { readAppointmentState, workflowDb } from "./appointment-messages.server";

/**
 * "You're next" when the queue calls the patient up ("queue.youre_next", data.appointmentId). The
 * queue module that emits it is a later issue; this is the message side.
 */
export const youreNext = inngest.createFunction(
  { id: "youre-next", name: "You're next message", triggers: [{ event: "queue.youre_next" }] },
  async ({ event, step }) => {
    const data = event.data as { clinicId: string; appointmentId: string };
    return step.run("send-youre-next", async () => {
      const db = workflowDb();
      const appointment = await readAppointmentState(db, data.clinicId, data.appointmentId);
      if (!appointment || !["confirmed", "checked_in"].includes(appointment.status)) return { sent: false, reason: `appointment is ${appointment?.status ?? "gone"}` };
      const result = await sendPatientMessage(db, { clinicId: data.clinicId, kind: "youre_next", appointmentId: data.appointmentId, dedupeKey: `youre-next:${data.appointmentId}:${event.id ?? ""}` });
      return { sent: true, ...result };
    });
  },
);
