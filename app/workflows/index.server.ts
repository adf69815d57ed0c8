import type { InngestFunction } from "inngest";
import { appointmentCancellation } from "./appointment-cancellation.server";
import { appointmentChange } from "./appointment-change.server";
import { appointmentConfirmation } from "./appointment-confirmation.server";
import { appointmentReminders } from "./appointment-reminders.server";
import { flexibleRequestMessages } from "./flexible-request-messages.server";
import { messageDeferred } from "./message-deferred.server";
import { youreNext } from "./youre-next.server";

/**
 * Every workflow the app serves at /api/inngest. Each lives in its own file in this folder, created
 * with `inngest.createFunction(...)` from client.server.ts, and is listed here.
 */
export const functions: InngestFunction.Any[] = [
  appointmentConfirmation,
  appointmentChange,
  appointmentCancellation,
  appointmentReminders,
  messageDeferred,
  flexibleRequestMessages,
  youreNext,
];
