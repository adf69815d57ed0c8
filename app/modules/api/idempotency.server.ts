/**
 * `Idempotency-Key` on POSTs: a client that retries after a lost answer gets the first answer
 * again instead of a second booking.
 *
 * The key is claimed by inserting its row FIRST in the transaction that makes the change, and the
 * answer is written into that row before the commit. So a retry sees either both the change and
 * the answer, or neither; and a concurrent request with the same key waits on the row's primary
 * key until the first commits, then replays its answer (or, if the first failed and rolled back,
 * claims the key itself). Failures are not stored: nothing changed, so trying again is safe.
 *
 * Keys are per caller (one API key cannot replay another's answers) and live 24 hours; an older
 * row is taken over by the next request that uses its key.
 */
import { createHash } from "node:crypto";
import type { Prisma } from "~/generated/prisma/client";
import type { ClinicDb, Tx } from "~/utils/db.server";
import { DomainError } from "~/utils/errors.server";
import { problemType } from "~/utils/problem.server";
import { badRequest } from "./problems.server";

export const IDEMPOTENCY_HEADER = "Idempotency-Key";
export const REPLAYED_HEADER = "Idempotent-Replayed";
const VISIBLE_ASCII = /^[\x21-\x7e]{1,255}$/;

/** The same key was sent with a different request: replaying would answer a question not asked. */
export class IdempotencyKeyReusedError extends DomainError {
  readonly status = 422;
  readonly problemType = problemType("idempotency-key-reused");
  readonly title = "Idempotency-Key already used";
  constructor() {
    super("This Idempotency-Key was already used with a different request in the last 24 hours. Use a new key for a new request.");
  }
}

/** The Idempotency-Key header, if sent: 1–255 visible ASCII characters. */
export function idempotencyKeyOf(request: Request): string | null {
  const value = request.headers.get(IDEMPOTENCY_HEADER);
  if (value === null) return null;
  if (!VISIBLE_ASCII.test(value)) throw badRequest("Idempotency-Key must be 1 to 255 visible ASCII characters (no spaces), e.g. a UUID.");
  return value;
}

/** JSON with object keys sorted at every level, so equal bodies hash equally whatever their key order. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  if (value && typeof value === "object") {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(",")}}`;
  }
  return JSON.stringify(value) ?? "null";
}

export function requestHash(method: string, path: string, body: unknown): string {
  return createHash("sha256")
    .update(`${method.toUpperCase()} ${path}\n${canonicalJson(body)}`, "utf8")
    .digest("hex");
}

export interface IdempotencyScope {
  /** "api-key:<id>": the key holder. */
  caller: string;
  key: string;
  method: string;
  path: string;
  body: unknown;
}

export interface Answer<T> {
  status: number;
  body: T;
}

export interface IdempotentAnswer<T> extends Answer<T> {
  /** True when this is the stored answer of an earlier request with the same key. */
  replayed: boolean;
}

/**
 * Runs `work` in one clinic transaction; with a scope, under its Idempotency-Key as described
 * above. `revive` turns a stored body back into the answer's shape (jsonb does not keep key order).
 */
export async function runIdempotent<T>(
  db: ClinicDb,
  scope: IdempotencyScope | null,
  work: (tx: Tx) => Promise<Answer<T>>,
  revive: (stored: unknown) => T,
): Promise<IdempotentAnswer<T>> {
  if (!scope) return { ...(await db.tx(work)), replayed: false };
  const clinicId = db.clinicId;
  const hash = requestHash(scope.method, scope.path, scope.body);
  return db.tx(async (tx) => {
    // Claims the key, or takes over its row when older than 24 hours. A fresh row of an earlier
    // request is left alone (but locked until this transaction ends) and nothing is returned.
    const claimed = await tx.$queryRaw<{ claimed: boolean }[]>`
      INSERT INTO idempotent_requests (clinic_id, caller, key, method, path, request_hash, response_status, response_body, created_at)
      VALUES (${clinicId}::uuid, ${scope.caller}, ${scope.key}, ${scope.method}, ${scope.path}, ${hash}, 0, '{}'::jsonb, now())
      ON CONFLICT (clinic_id, caller, key) DO UPDATE
        SET method = EXCLUDED.method, path = EXCLUDED.path, request_hash = EXCLUDED.request_hash,
            response_status = 0, response_body = '{}'::jsonb, created_at = now()
        WHERE idempotent_requests.created_at < now() - interval '24 hours'
      RETURNING true AS claimed`;
    if (claimed.length === 0) {
      const stored = await tx.idempotentRequest.findUniqueOrThrow({
        where: { clinicId_caller_key: { clinicId, caller: scope.caller, key: scope.key } },
        select: { requestHash: true, responseStatus: true, responseBody: true },
      });
      if (stored.requestHash !== hash) throw new IdempotencyKeyReusedError();
      return { status: stored.responseStatus, body: revive(stored.responseBody), replayed: true };
    }
    const answer = await work(tx);
    await tx.idempotentRequest.update({
      where: { clinicId_caller_key: { clinicId, caller: scope.caller, key: scope.key } },
      data: { responseStatus: answer.status, responseBody: answer.body as Prisma.InputJsonValue },
    });
    return { ...answer, replayed: false };
  });
}
