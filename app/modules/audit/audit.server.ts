import type { AppLoadContext } from "@remix-run/node";
import type { Prisma } from "~/generated/prisma/client";
import type { Tx } from "~/utils/db.server";
import { ValidationError } from "~/utils/errors.server";
import type { AuditActor, AuditActorType, AuditRequestContext } from "~/lib/actor";

export type { AuditActor, AuditActorType, AuditRequestContext };

/**
 * The audit log: who did what to which record, from where. Rows are append-only (the runtime role
 * may only insert and read, and a trigger refuses updates and deletes), and row-level security keeps
 * each clinic's log to itself; platform events (marketplace, admin) have no clinic.
 *
 * Never put secrets in `details`: no sign-in codes, passwords, tokens or card data.
 */


export interface AuditTarget {
  type: string;
  id: string;
}


export interface AuditEventInput {
  /** The clinic whose log records the event; null for the marketplace and the admin host. */
  clinicId: string | null;
  actor: AuditActor;
  /** Dotted, lower case: "staff.sign_in", "staff.locked_out", "appointment.cancelled". */
  action: string;
  target?: AuditTarget | null;
  request?: AuditRequestContext | null;
  details?: Record<string, unknown>;
}

export interface AuditEntry {
  id: string;
  clinicId: string | null;
  occurredAt: Date;
  actor: { type: AuditActorType; id: string | null };
  action: string;
  target: AuditTarget | null;
  ip: string | null;
  userAgent: string | null;
  requestId: string | null;
  details: Record<string, unknown>;
}

const actorTypes: ReadonlySet<string> = new Set<AuditActorType>(["patient", "staff", "operator", "system", "api_key", "anonymous"]);
const actionPattern = /^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)+$/;

function clip(value: string | null | undefined, max: number): string | null {
  if (value === null || value === undefined || value === "") return null;
  return value.length > max ? value.slice(0, max) : value;
}

/** Records one audit event inside the caller's transaction, so it commits with the change it describes. */
export async function recordAudit(tx: Tx, event: AuditEventInput): Promise<{ id: string }> {
  if (!actionPattern.test(event.action)) throw new Error(`Audit action "${event.action}" must be dotted lower-case words, e.g. "staff.sign_in"`);
  if (!actorTypes.has(event.actor.type)) throw new Error(`Unknown audit actor type "${event.actor.type}"`);
  const row = await tx.auditEvent.create({
    data: {
      clinicId: event.clinicId,
      actorType: event.actor.type,
      actorId: clip(event.actor.id, 200),
      action: event.action,
      targetType: clip(event.target?.type, 100),
      targetId: clip(event.target?.id, 200),
      ip: clip(event.request?.ip, 64),
      // User agents are attacker-controlled text; a bound keeps the log small.
      userAgent: clip(event.request?.userAgent, 512),
      requestId: clip(event.request?.requestId, 64),
      details: (event.details ?? {}) as Prisma.InputJsonObject,
    },
    select: { id: true },
  });
  return row;
}

/** The "from where" of an audit event, taken from the request and the server's load context. */
export function auditContextFromRequest(request: Request, context: Pick<AppLoadContext, "requestId" | "clientIp">): AuditRequestContext {
  return {
    ip: context.clientIp && context.clientIp !== "unknown" ? context.clientIp : null,
    userAgent: request.headers.get("user-agent"),
    requestId: context.requestId || null,
  };
}

export interface AuditQuery {
  /** The clinic whose log is read (null: the platform's own log). RLS enforces the same; naming it lets the (clinic_id, occurred_at) index serve the query. */
  clinicId: string | null;
  /** Inclusive lower bound. */
  from?: Date;
  /** Exclusive upper bound. */
  to?: Date;
  actorId?: string;
  action?: string;
  /** 1..500. */
  limit: number;
  /** `nextCursor` from the previous page. */
  cursor?: string | null;
}

export interface AuditPage {
  events: AuditEntry[];
  /** Pass back as `cursor` for the next (older) page; null on the last page. */
  nextCursor: string | null;
}

function encodeCursor(entry: { occurredAt: Date; id: string }) {
  return Buffer.from(`${entry.occurredAt.toISOString()}|${entry.id}`, "utf8").toString("base64url");
}

function decodeCursor(cursor: string): { occurredAt: Date; id: string } {
  const [iso, id] = Buffer.from(cursor, "base64url").toString("utf8").split("|");
  const occurredAt = new Date(iso ?? "");
  if (!id || Number.isNaN(occurredAt.getTime()) || !/^[0-9a-f-]{36}$/i.test(id)) throw new ValidationError("The audit log cursor is not valid; start again from the first page.", [{ path: "cursor", message: "Not a cursor from this log" }]);
  return { occurredAt, id };
}


/** Newest first, paged by a cursor so pages stay stable while new events arrive. */
export async function listAuditEvents(tx: Tx, query: AuditQuery): Promise<AuditPage> {
  const limit = Math.min(Math.max(Math.trunc(query.limit), 1), 500);
  const after = query.cursor ? decodeCursor(query.cursor) : null;
  const where: Prisma.AuditEventWhereInput = {
    clinicId: query.clinicId,
    ...(query.actorId ? { actorId: query.actorId } : {}),
    ...(query.action ? { action: query.action } : {}),
    AND: [
      query.from || query.to ? { occurredAt: { ...(query.from ? { gte: query.from } : {}), ...(query.to ? { lt: query.to } : {}) } } : {},
      after ? { OR: [{ occurredAt: { lt: after.occurredAt } }, { occurredAt: after.occurredAt, id: { lt: after.id } }] } : {},
    ],
  };
  const rows = await tx.auditEvent.findMany({ where, orderBy: [{ occurredAt: "desc" }, { id: "desc" }], take: limit + 1 });
  const page = rows.slice(0, limit);
  const events: AuditEntry[] = page.map((r) => ({
    id: r.id,
    clinicId: r.clinicId,
    occurredAt: r.occurredAt,
    actor: { type: r.actorType as AuditActorType, id: r.actorId },
    action: r.action,
    target: r.targetType && r.targetId ? { type: r.targetType, id: r.targetId } : null,
    ip: r.ip,
    userAgent: r.userAgent,
    requestId: r.requestId,
    details: (r.details ?? {}) as Record<string, unknown>,
  }));
  const last = page[page.length - 1];
  return { events, nextCursor: rows.length > limit && last ? encodeCursor(last) : null };
}
