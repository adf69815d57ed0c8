import type { InngestFunction } from "inngest";
import { appointmentCancellation } from "./appointment-cancellation.server";
import { appointmentChange } from "./appointment-change.server";
import { appointmentConfirmation } from "./appointment-confirmation.server";
import { appointmentReminders } from "./appointment-reminders.server";
import { cardCheckDeadline } from "./card-check-deadline.server";
import { clinicSuspensionNotice } from "./clinic-suspension-notice.server";
import { depositCardSaved } from "./deposit-card-saved.server";
import { depositLifecycle } from "./deposit-lifecycle.server";
import { depositProblem } from "./deposit-problem.server";
import { depositSettle } from "./deposit-settle.server";
import { flexibleRequestMessages } from "./flexible-request-messages.server";
import { holdExpiry } from "./hold-expiry.server";
import { holdSweep } from "./hold-sweep.server";
import { messageDeferred } from "./message-deferred.server";
import { queueLateArrival } from "./queue-late-arrival.server";
import { queueNoShowProposal } from "./queue-no-show-proposal.server";
import { staffPasswordGuessing } from "./staff-password-guessing.server";
import { waitlistOfferExpiry } from "./waitlist-offers.server";
import { youreNext } from "./youre-next.server";

/**
 * Every workflow the app serves at /api/inngest. Each lives in its own file in this folder, created
 * with `inngest.createFunction(...)` from client.server.ts, and is listed here.
 */
export const functions: InngestFunction.Any[] = [
  // Deposits
  depositLifecycle,
  depositSettle,
  depositCardSaved,
  depositProblem,
  // Messages and reminders
  appointmentConfirmation,
  appointmentChange,
  appointmentCancellation,
  appointmentReminders,
  messageDeferred,
  flexibleRequestMessages,
  youreNext,
  clinicSuspensionNotice,
  // Holds and the waitlist
  holdExpiry,
  holdSweep,
  cardCheckDeadline,
  waitlistOfferExpiry,
  // The live queue ("you're next" is sent by youreNext above, on the queue's queue.youre_next)
  queueLateArrival,
  queueNoShowProposal,
  // Staff accounts
  staffPasswordGuessing,
];
