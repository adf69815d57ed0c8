import { sendPatientMessage } from "~/modules/messaging/notify.server";
import { inngest } from "./client.server";
import { CANCELLED, DECLINED, MOVED, NO_SHOW, readAppointmentState, workflowDb, type AppointmentEventData } from "./appointment-messages.server";

/** When the clinic has not chosen: a day and two hours before. */
export const DEFAULT_REMINDER_OFFSETS_MIN = [1440, 120];

export interface PlannedReminder {
  offsetMin: number;
  /** ISO 8601: when the reminder is due. */
  at: string;
}

/** The reminders still ahead for a visit at `start`, earliest first; offsets already past are dropped. */
export function planReminders(start: Date, offsetsMin: readonly number[], now: Date): PlannedReminder[] {
  return [...new Set(offsetsMin)]
    .filter((o) => Number.isInteger(o) && o > 0)
    .sort((a, b) => b - a)
    .map((offsetMin) => ({ offsetMin, at: new Date(start.getTime() - offsetMin * 60_000).toISOString() }))
    .filter((r) => new Date(r.at).getTime() > now.getTime());
}

/**
 * Reminders before a visit, at the clinic's offsets (24 h and 2 h by default). Each waits until its
 * time, then looks at the appointment again and sends only if it is still booked at the same start.
 * A cancellation, a move (the new appointment gets its own run), a no-show or a declined request
 * cancels the run. The dedupe key `reminder:{appointmentId}:{offset}` means a retried step, or a
 * second run for the same appointment, never sends a reminder twice.
 */
export const appointmentReminders = inngest.createFunction(
  {
    id: "appointment-reminders",
    name: "Appointment reminders",
    triggers: [{ event: "appointment.booked" }, { event: "appointment.confirmed" }, { event: "appointment.rescheduled" }],
    cancelOn: [CANCELLED, MOVED, NO_SHOW, DECLINED],
  },
  async ({ event, step }) => {
    const data = event.data as AppointmentEventData;
    const planned = await step.run("plan-reminders", async () => {
      const db = workflowDb();
      const clinic = await db.forClinic(data.clinicId).tx((tx) => tx.clinic.findUnique({ where: { id: data.clinicId }, select: { reminderOffsetsMin: true } }));
      return planReminders(new Date(data.start), clinic?.reminderOffsetsMin ?? DEFAULT_REMINDER_OFFSETS_MIN, new Date());
    });
    const outcomes: { offsetMin: number; sent: boolean }[] = [];
    for (const reminder of planned) {
      await step.sleepUntil(`wait-for-reminder-${reminder.offsetMin}`, reminder.at);
      const outcome = await step.run(`send-reminder-${reminder.offsetMin}`, () => sendReminder(data, reminder.offsetMin));
      outcomes.push({ offsetMin: reminder.offsetMin, sent: outcome.sent });
    }
    return { planned: planned.length, outcomes };
  },
);

/** One reminder, if the visit is still booked at the time it was booked for. */
export async function sendReminder(data: Pick<AppointmentEventData, "clinicId" | "appointmentId" | "start">, offsetMin: number, now?: Date) {
  const db = workflowDb();
  const appointment = await readAppointmentState(db, data.clinicId, data.appointmentId);
  if (appointment?.status !== "confirmed") return { sent: false, reason: `appointment is ${appointment?.status ?? "gone"}` };
  if (appointment.startsAt.getTime() !== new Date(data.start).getTime()) return { sent: false, reason: "appointment moved" };
  const result = await sendPatientMessage(db, { clinicId: data.clinicId, kind: "reminder", appointmentId: data.appointmentId, dedupeKey: `reminder:${data.appointmentId}:${offsetMin}`, now });
  return { sent: result.deliveries.some((d) => d.status === "sent" || d.status === "delivered" || d.status === "queued"), deliveries: result.deliveries };
}
