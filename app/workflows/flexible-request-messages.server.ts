import { proposedVisitVars, sendPatientMessage } from "~/modules/messaging/notify.server";
import { inngest } from "./client.server";
import { workflowDb } from "./appointment-messages.server";

interface FlexibleRequestEventData {
  clinicId: string;
  requestId: string;
  status: string;
  patientAccountId: string;
  dependentId: string | null;
  serviceId: string;
  proposal: { kind: "proposal" | "offer"; start: string; practitionerId: string | null; locationId: string | null; expiresAt: string | null } | null;
}

/**
 * The patient hears about a time put to them: a desk proposal for their flexible-schedule request
 * ("flexible_request.proposed") or a freed time offered from the waitlist
 * ("flexible_request.offered"), with the time until which it is held. One message per event.
 */
export const flexibleRequestMessages = inngest.createFunction(
  {
    id: "flexible-request-messages",
    name: "Flexible request and waitlist offer messages",
    triggers: [{ event: "flexible_request.proposed" }, { event: "flexible_request.offered" }],
  },
  async ({ event, step }) => {
    const data = event.data as FlexibleRequestEventData;
    return step.run("send-offer", async () => {
      const p = data.proposal;
      if (!p) return { sent: false, reason: "no time in the event" };
      const db = workflowDb();
      const vars = await proposedVisitVars(db.forClinic(data.clinicId), {
        serviceId: data.serviceId,
        practitionerId: p.practitionerId,
        locationId: p.locationId,
        start: new Date(p.start),
        dependentId: data.dependentId,
        expiresAt: p.expiresAt ? new Date(p.expiresAt) : null,
      });
      const kind = event.name === "flexible_request.offered" ? "waitlist_offer" : "flexible_proposal";
      const result = await sendPatientMessage(db, { clinicId: data.clinicId, kind, patientAccountId: data.patientAccountId, vars, dedupeKey: `${kind}:${data.requestId}:${event.id ?? p.start}` });
      return { sent: true, kind, ...result };
    });
  },
);
