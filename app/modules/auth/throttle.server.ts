import type { Db } from "~/utils/db.server";
import { ipBucket } from "./ip-bucket";
import { decideThrottle, STAFF_NETWORK_LIMIT, STAFF_NETWORK_WINDOW_MS, throttledMessage } from "./sign-in-rules";

/**
 * Per-network limits on staff sign-in and password-reset requests, counted across every host.
 * An attempt is written down before the password is checked (so a burst of parallel requests
 * cannot all slip under the limit); a sign-in's row is removed again when it succeeds, so what
 * counts is failures and attempts still running. Every reset request counts. Requests without a known address are not limited here; the
 * per-account lockout still applies to them.
 */

export type ThrottlePurpose = "sign-in" | "password-reset";

export type Attempt = { ok: true; id: bigint | null } | { ok: false; retryAfterSeconds: number; message: string };

export async function startAttempt(db: Db, purpose: ThrottlePurpose, ip: string | null, now: Date): Promise<Attempt> {
  const bucket = ipBucket(ip);
  if (!bucket) return { ok: true, id: null };
  const windowStart = new Date(now.getTime() - STAFF_NETWORK_WINDOW_MS);
  // The table has no clinic column and no row-level security; any scope may use it.
  return db.forPlatform().tx(async (tx): Promise<Attempt> => {
    // One request per network and purpose at a time between counting and writing its row.
    await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext(${`staff-throttle:${purpose}:${bucket}`}))`;
    // Rows that have left the window are never needed again.
    await tx.staffSignInAttempt.deleteMany({ where: { ipBucket: bucket, purpose, createdAt: { lte: windowStart } } });
    const recent = await tx.staffSignInAttempt.findMany({
      where: { ipBucket: bucket, purpose, createdAt: { gt: windowStart } },
      select: { createdAt: true },
      orderBy: { createdAt: "desc" },
      take: STAFF_NETWORK_LIMIT,
    });
    const decision = decideThrottle(now, recent.map((r) => r.createdAt));
    if (!decision.ok) return { ok: false, retryAfterSeconds: decision.retryAfterSeconds, message: throttledMessage(purpose, decision.retryAfterSeconds) };
    const row = await tx.staffSignInAttempt.create({ data: { ipBucket: bucket, purpose, createdAt: now }, select: { id: true } });
    return { ok: true, id: row.id };
  });
}

/** A successful sign-in does not count against the network. */
export async function forgetAttempt(db: Db, attempt: { id: bigint | null }): Promise<void> {
  if (attempt.id === null) return;
  const id = attempt.id;
  await db.forPlatform().tx((tx) => tx.staffSignInAttempt.deleteMany({ where: { id } }));
}
