import type { Db, Tx } from "~/utils/db.server";
import { log } from "~/utils/log.server";

/**
 * The outbox relay: sends pending outbox rows to Inngest and marks them sent in the same
 * transaction that claimed them. Each event carries its row id as the event id, so when a send is
 * repeated (a crash after Inngest accepted it, a timeout) Inngest drops the duplicate. Rows that
 * cannot be sent stay in the outbox and are retried with exponential back-off; nothing is lost.
 */

/** What Inngest receives for one outbox row. */
export interface OutboxDelivery {
  id: string;
  name: string;
  data: Record<string, unknown>;
  /** When the change happened (ms since the epoch), not when the relay got to it. */
  ts: number;
}

export type SendOutboxEvents = (events: OutboxDelivery[]) => Promise<unknown>;

export interface RelayOptions {
  /** Rows per send; Inngest takes a batch in one request. */
  batchSize?: number;
  /** Delay before the next attempt after `attempts` failures (ms). */
  backoff?: (attempts: number) => number;
  /** The relay's clock; the database's clock when absent. */
  now?: () => Date;
}

export interface RelayResult {
  /** Rows delivered and marked sent. */
  sent: number;
  /** Rows that failed and were rescheduled. */
  failed: number;
  /** Why the last send failed, when one did. */
  error: Error | null;
}

const DEFAULT_BATCH_SIZE = 100;
const BACKOFF_BASE_MS = 2_000;
const BACKOFF_CAP_MS = 10 * 60_000;
const MAX_ERROR_LENGTH = 1_000;

/** 2 s, 4 s, 8 s ... up to 10 min, spread by ±25% so rows failed together do not retry in lockstep. */
export function outboxBackoffMs(attempts: number, random: () => number = Math.random): number {
  const base = Math.min(BACKOFF_BASE_MS * 2 ** Math.max(attempts - 1, 0), BACKOFF_CAP_MS);
  return Math.min(Math.round(base * (0.75 + random() * 0.5)), BACKOFF_CAP_MS);
}

interface ClaimedRow {
  id: string;
  clinic_id: string | null;
  name: string;
  data: unknown;
  created_at: Date;
  attempts: number;
}

function toDelivery(row: ClaimedRow): OutboxDelivery {
  const data = row.data && typeof row.data === "object" && !Array.isArray(row.data) ? (row.data as Record<string, unknown>) : { value: row.data };
  // Functions open the clinic's scope from the event itself.
  return { id: row.id, name: row.name, data: row.clinic_id ? { ...data, clinicId: row.clinic_id } : data, ts: row.created_at.getTime() };
}

/** Inngest rejected the payload itself (as opposed to being unreachable or refusing the key). */
function isPayloadRejection(error: Error) {
  return /Inngest API Error: (400|413)\b/.test(error.message);
}

function asError(error: unknown): Error {
  return error instanceof Error ? error : new Error(String(error));
}

/**
 * Claims up to `batchSize` due rows (oldest due first; rows another relay holds are skipped, so two
 * relays never send the same row), sends them in one request and marks them sent, or reschedules
 * them with back-off and the error. One transaction from claim to mark.
 */
export async function relayOutboxOnce(db: Db, send: SendOutboxEvents, opts: RelayOptions = {}): Promise<RelayResult> {
  const batchSize = opts.batchSize ?? DEFAULT_BATCH_SIZE;
  const backoff = opts.backoff ?? outboxBackoffMs;
  const now = opts.now?.() ?? null;

  return db.system("outbox relay").tx(
    async (tx) => {
      const rows = await tx.$queryRaw<ClaimedRow[]>`
        SELECT id::text AS id, clinic_id::text AS clinic_id, name, data, created_at, attempts
          FROM outbox_events
         WHERE sent_at IS NULL AND next_attempt_at <= coalesce(${now}::timestamptz, now())
         ORDER BY next_attempt_at
         LIMIT ${batchSize}
           FOR UPDATE SKIP LOCKED`;
      if (rows.length === 0) return { sent: 0, failed: 0, error: null };

      try {
        await send(rows.map(toDelivery));
        await markSent(tx, rows, now);
        return { sent: rows.length, failed: 0, error: null };
      } catch (caught) {
        const error = asError(caught);
        if (rows.length === 1 || !isPayloadRejection(error)) {
          await reschedule(tx, rows, error, now, backoff);
          return { sent: 0, failed: rows.length, error };
        }
        // One bad event (too large, malformed) must not hold back the others: send them one by one.
        let sent = 0;
        let lastError: Error | null = null;
        for (const row of rows) {
          try {
            await send([toDelivery(row)]);
            await markSent(tx, [row], now);
            sent++;
          } catch (single) {
            lastError = asError(single);
            await reschedule(tx, [row], lastError, now, backoff);
          }
        }
        return { sent, failed: rows.length - sent, error: lastError };
      }
    },
    // The send happens while the rows are claimed; allow for Inngest's own retries.
    { timeoutMs: 60_000 },
  );
}

async function markSent(tx: Tx, rows: ClaimedRow[], now: Date | null) {
  const ids = rows.map((r) => r.id);
  await tx.$executeRaw`
    UPDATE outbox_events SET sent_at = coalesce(${now}::timestamptz, now()), last_error = NULL
     WHERE id = ANY(${ids}::uuid[])`;
}

async function reschedule(tx: Tx, rows: ClaimedRow[], error: Error, now: Date | null, backoff: (attempts: number) => number) {
  const ids = rows.map((r) => r.id);
  const delays = rows.map((r) => Math.max(0, Math.round(backoff(r.attempts + 1))));
  const message = error.message.slice(0, MAX_ERROR_LENGTH);
  await tx.$executeRaw`
    UPDATE outbox_events o
       SET attempts = o.attempts + 1,
           next_attempt_at = coalesce(${now}::timestamptz, now()) + u.delay_ms * interval '1 millisecond',
           last_error = ${message}
      FROM unnest(${ids}::uuid[], ${delays}::bigint[]) AS u(id, delay_ms)
     WHERE o.id = u.id`;
}

export interface OutboxRelay {
  /** Stops polling and waits for the batch in flight, if any. */
  stop(): Promise<void>;
}

export interface StartRelayOptions extends RelayOptions {
  /** How events reach Inngest: the server hands in the app's client (server/kit.server.ts), tests their own. */
  send: SendOutboxEvents;
  /** Pause between polls when the outbox had nothing more to send (ms). */
  pollIntervalMs?: number;
}

type RelayHealth = "starting" | "delivering" | "send_failing" | "database_failing";

/**
 * Polls the outbox about once a second, and again at once after a full batch. Never throws: a
 * failure is logged once when it starts and once when it clears, so an absent Inngest dev server
 * does not flood the log while events wait in the outbox.
 */
export function startOutboxRelay(db: Db, opts: StartRelayOptions): OutboxRelay {
  const batchSize = opts.batchSize ?? DEFAULT_BATCH_SIZE;
  const pollIntervalMs = opts.pollIntervalMs ?? 1_000;
  const send = opts.send;
  let health: RelayHealth = "starting";
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let inFlight: Promise<void> | undefined;

  const changeHealth = (next: RelayHealth, fields: Record<string, unknown> = {}) => {
    if (next === health) return;
    const previous = health;
    health = next;
    if (next === "send_failing") log.warn("outbox relay cannot deliver events to Inngest; they wait in the outbox and will be retried", fields);
    else if (next === "database_failing") log.warn("outbox relay cannot read the outbox", fields);
    else if (previous !== "starting") log.info("outbox relay is delivering events again", fields);
  };

  const runOnce = async (): Promise<number> => {
    try {
      const result = await relayOutboxOnce(db, send, { ...opts, batchSize });
      if (result.error) changeHealth("send_failing", { error: result.error.message, pending: result.failed });
      else if (result.sent > 0) changeHealth("delivering", { sent: result.sent });
      return result.sent === batchSize ? 0 : pollIntervalMs;
    } catch (error) {
      changeHealth("database_failing", { error: asError(error).message });
      return pollIntervalMs;
    }
  };

  const tick = () => {
    timer = undefined;
    if (stopped) return;
    inFlight = runOnce().then((delay) => {
      inFlight = undefined;
      if (stopped) return;
      timer = setTimeout(tick, delay);
      // The relay alone never keeps the process alive.
      timer.unref();
    });
  };

  timer = setTimeout(tick, 0);
  timer.unref();

  return {
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      timer = undefined;
      await inFlight;
    },
  };
}
