import { sendQueuedDelivery } from "~/modules/messaging/notify.server";
import { inngest } from "./client.server";
import { workflowDb } from "./appointment-messages.server";

/** Messages held back by the clinic's quiet hours go out when they end (notify.server.ts). */
export const messageDeferred = inngest.createFunction(
  { id: "message-deferred", name: "Send a message after quiet hours", triggers: [{ event: "message.deferred" }] },
  async ({ event, step }) => {
    const data = event.data as { deliveryIds: string[]; sendAfter: string; clinicId?: string };
    await step.sleepUntil("wait-for-quiet-hours-end", data.sendAfter);
    const results = [];
    for (const id of data.deliveryIds) {
      results.push(await step.run(`send-${id}`, () => sendQueuedDelivery(workflowDb(), id, { clinicId: data.clinicId ?? null })));
    }
    return results;
  },
);
