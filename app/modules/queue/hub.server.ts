/**
 * Live queue updates. A change to the queue sends `pg_notify('medslot_queue', …)` inside its own
 * transaction, so PostgreSQL delivers it when (and only when) the change commits, to every web
 * server that listens. Each server keeps ONE listening connection (this hub) and fans the
 * notifications out to its open event streams: staff screens, waiting-room boards and patients'
 * phones, each subscribed to one location of one clinic (or to the whole clinic).
 *
 * A notification names the clinic, the location and the kind of change, never a patient: the pages
 * fetch what they may show themselves. Streams are server-sent events with a `retry` hint and a
 * heartbeat comment every 20 s, closed and forgotten when the browser goes away; the number of open
 * streams per server is bounded, and past the bound a stream is refused with 503 (the browser
 * tries again after the retry delay).
 */
import pg from "pg";
import type { Tx } from "~/utils/db.server";
import { getEnv } from "~/utils/env.server";
import { log } from "~/utils/log.server";

export const QUEUE_CHANNEL = "medslot_queue";
export const HEARTBEAT_MS = 20_000;
export const RETRY_MS = 3_000;
export const MAX_LISTENERS = 500;
/** One screen's topic (a board link, a check-in link, a location's desk) holds at most this many, so one leaked link cannot take every connection. */
export const MAX_PER_TOPIC = 50;

export type QueueChangeKind = "ticket" | "flag" | "board";

export interface QueueNotice {
  clinicId: string;
  locationId: string | null;
  kind: QueueChangeKind;
}

/** Announces a change; delivered on commit of `tx`, dropped if it rolls back. */
export async function notifyQueue(tx: Tx, notice: QueueNotice): Promise<void> {
  const payload = JSON.stringify({ c: notice.clinicId, l: notice.locationId, k: notice.kind });
  await tx.$executeRaw`SELECT pg_notify(${QUEUE_CHANNEL}, ${payload})`;
}

/** A subscription topic: one location of a clinic, or "*" for all of them. */
export function topicOf(clinicId: string, locationId: string | "*") {
  return `${clinicId}:${locationId}`;
}

type Listener = (notice: QueueNotice) => void;

export class HubFullError extends Error {}

export interface QueueHub {
  subscribe(topic: string, listener: Listener): () => void;
  /** Resolves once the hub is listening (tests wait for it before changing anything). */
  ready(): Promise<void>;
  size(): number;
  close(): Promise<void>;
}

export function createQueueHub(url: string, opts: { maxListeners?: number } = {}): QueueHub {
  const max = opts.maxListeners ?? MAX_LISTENERS;
  const topics = new Map<string, Set<Listener>>();
  let count = 0;
  let client: pg.Client | null = null;
  let connecting: Promise<void> | null = null;
  let closed = false;
  let backoff = 500;

  const deliver = (raw: string | undefined) => {
    let parsed: { c?: unknown; l?: unknown; k?: unknown };
    try {
      parsed = JSON.parse(raw ?? "") as typeof parsed;
    } catch {
      return;
    }
    if (typeof parsed.c !== "string") return;
    const notice: QueueNotice = { clinicId: parsed.c, locationId: typeof parsed.l === "string" ? parsed.l : null, kind: (typeof parsed.k === "string" ? parsed.k : "ticket") as QueueChangeKind };
    const targets = [topicOf(notice.clinicId, "*"), ...(notice.locationId ? [topicOf(notice.clinicId, notice.locationId)] : [])];
    for (const t of targets) for (const l of topics.get(t) ?? []) l(notice);
  };

  const connect = (): Promise<void> => {
    if (connecting) return connecting;
    connecting = (async () => {
      const c = new pg.Client({ connectionString: url });
      c.on("notification", (n) => {
        if (n.channel === QUEUE_CHANNEL) deliver(n.payload);
      });
      c.on("error", (error) => {
        log.warn("queue listener lost its connection", { error: error.message });
        drop(c);
      });
      c.on("end", () => drop(c));
      await c.connect();
      await c.query(`LISTEN ${QUEUE_CHANNEL}`);
      client = c;
      backoff = 500;
    })().catch((error: Error) => {
      connecting = null;
      log.warn("queue listener could not connect", { error: error.message });
      retryLater();
      throw error;
    });
    return connecting;
  };

  const drop = (c: pg.Client) => {
    if (client !== c && connecting === null) return;
    client = null;
    connecting = null;
    c.removeAllListeners("notification");
    c.end().catch(() => {});
    retryLater();
  };

  const retryLater = () => {
    if (closed || count === 0) return;
    const wait = backoff;
    backoff = Math.min(backoff * 2, 30_000);
    setTimeout(() => {
      if (!closed && count > 0 && !client && !connecting) connect().catch(() => {});
    }, wait).unref();
  };

  return {
    subscribe(topic, listener) {
      if (count >= max) throw new HubFullError("Too many live connections on this server; try again shortly.");
      let set = topics.get(topic);
      if (set && set.size >= MAX_PER_TOPIC) throw new HubFullError("Too many screens follow this page at once; try again shortly.");
      if (!set) topics.set(topic, (set = new Set()));
      set.add(listener);
      count++;
      connect().catch(() => {});
      let done = false;
      return () => {
        if (done) return;
        done = true;
        count--;
        set.delete(listener);
        if (set.size === 0) topics.delete(topic);
      };
    },
    ready: () => connect(),
    size: () => count,
    async close() {
      closed = true;
      const c = client;
      client = null;
      connecting = null;
      await c?.end().catch(() => {});
    },
  };
}

let singleton: QueueHub | undefined;

/** This server's hub, listening as the runtime role from DATABASE_URL. */
export function getQueueHub(): QueueHub {
  if (!singleton) {
    const url = getEnv().DATABASE_URL;
    if (!url) throw new Error("DATABASE_URL is not set");
    singleton = createQueueHub(url);
  }
  return singleton;
}

/** Forgets the hub (tests that point the app at another database). */
export async function resetQueueHub() {
  const hub = singleton;
  singleton = undefined;
  await hub?.close();
}

/**
 * An event stream for one topic. Each notice becomes `event: queue` with `{kind, at}` only; the
 * page reloads its own data. `heartbeatMs` is shortened by tests.
 */
export function queueEventStream(request: Request, topic: string, opts: { hub?: QueueHub; heartbeatMs?: number } = {}): Response {
  const hub = opts.hub ?? getQueueHub();
  const encoder = new TextEncoder();
  let cleanup = () => {};
  let unsubscribe: (() => void) | null = null;
  try {
    // Subscribing first: a full hub answers 503 before any stream is opened.
    let push: ((chunk: string) => void) | null = null;
    const pending: string[] = [];
    unsubscribe = hub.subscribe(topic, (notice) => {
      const chunk = `event: queue\ndata: ${JSON.stringify({ kind: notice.kind, at: new Date().toISOString() })}\n\n`;
      if (push) push(chunk);
      else pending.push(chunk);
    });
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        let open = true;
        push = (chunk) => {
          if (!open) return;
          try {
            controller.enqueue(encoder.encode(chunk));
          } catch {
            cleanup();
          }
        };
        const heartbeat = setInterval(() => push?.(`: heartbeat ${Date.now()}\n\n`), opts.heartbeatMs ?? HEARTBEAT_MS);
        cleanup = () => {
          if (!open) return;
          open = false;
          clearInterval(heartbeat);
          unsubscribe?.();
          request.signal.removeEventListener("abort", cleanup);
          try {
            controller.close();
          } catch {
            // already closed by the reader
          }
        };
        request.signal.addEventListener("abort", cleanup);
        if (request.signal.aborted) return cleanup();
        push(`retry: ${RETRY_MS}\n: connected\n\n`);
        for (const chunk of pending.splice(0)) push(chunk);
      },
      cancel() {
        cleanup();
      },
    });
    return new Response(stream, {
      status: 200,
      headers: {
        "Content-Type": "text/event-stream; charset=utf-8",
        // no-transform keeps the compression middleware from buffering the stream.
        "Cache-Control": "no-cache, no-transform",
        Connection: "keep-alive",
        "X-Accel-Buffering": "no",
      },
    });
  } catch (error) {
    unsubscribe?.();
    if (error instanceof HubFullError) {
      return new Response(error.message, { status: 503, headers: { "Retry-After": String(RETRY_MS / 1000), "Content-Type": "text/plain; charset=utf-8" } });
    }
    throw error;
  }
}
