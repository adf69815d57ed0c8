/** Who did something, as the audit log records it. */
export type AuditActorType = "patient" | "staff" | "operator" | "system" | "api_key" | "anonymous";

export interface AuditActor {
  type: AuditActorType;
  id?: string | null;
}

/** Where the action came from. */
export interface AuditRequestContext {
  ip: string | null;
  userAgent: string | null;
  requestId: string | null;
}

/** Who is changing an appointment: recorded in its status history and the audit log. */
export interface Actor {
  type: "patient" | "staff" | "api" | "system";
  /** Patient account, clinic membership, API key id; null for the system. */
  id: string | null;
  request?: AuditRequestContext | null;
}

export const SYSTEM_ACTOR: Actor = { type: "system", id: null };

export function auditActorOf(actor: Actor): AuditActor {
  return { type: actor.type === "api" ? "api_key" : actor.type, id: actor.id };
}

/** "staff:…", "api:…": the form kept in `cancelled_by`, `created_by` and `held_by`. */
export function actorLabel(actor: Actor): string {
  return actor.id ? `${actor.type}:${actor.id}` : actor.type;
}
