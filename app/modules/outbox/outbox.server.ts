import type { Prisma } from "~/generated/prisma/client";
import type { Tx } from "~/utils/db.server";

/**
 * Events that start workflows ("appointment.booked", "hold.placed", ...) are written to the outbox
 * inside the transaction of the change they announce, so an event exists if and only if the change
 * committed. The relay (relay.server.ts) sends them to Inngest afterwards.
 */
export interface OutboxEventInput {
  /** The clinic the event belongs to; null for platform events. */
  clinicId: string | null;
  /** Dotted, lower case: "appointment.booked". */
  name: string;
  /** A JSON object. The relay adds `clinicId` when it sends the event. */
  data: Record<string, unknown>;
}

const namePattern = /^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)+$/;

export async function writeOutboxEvent(tx: Tx, event: OutboxEventInput): Promise<{ id: string }> {
  if (!namePattern.test(event.name)) throw new Error(`Outbox event name "${event.name}" must be dotted lower-case words, e.g. "appointment.booked"`);
  if (event.data === null || typeof event.data !== "object" || Array.isArray(event.data)) throw new Error("Outbox event data must be a JSON object");
  return tx.outboxEvent.create({
    data: { clinicId: event.clinicId, name: event.name, data: event.data as Prisma.InputJsonObject },
    select: { id: true },
  });
}
