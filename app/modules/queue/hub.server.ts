/**
 * Live queue updates. A change to the queue sends `pg_notify('medslot_queue', …)` inside its own
 * transaction, so PostgreSQL delivers it when (and only when) the change commits, to every web
 * server that listens. Each server keeps ONE listening connection (this hub) and fans the
 * notifications out to its open event streams: staff screens, waiting-room boards and patients'
 * phones, each subscribed to one location of one clinic (or to the whole clinic).
 *
 * A notification names the clinic, the location and the kind of change, never a patient: the pages
 * fetch what they may show themselves. Streams are server-sent events with a `retry` hint and a
 * heartbeat comment every 20 s, closed and forgotten when the browser goes away.
 *
 * Capacity per server: staff screens (signed in) and public screens (a board or check-in link,
 * which anyone holding the link can open) count in separate pools, so no number of public streams
 * can cut the desk off. A public stream is also capped per link and per network (client IP): past
 * those it is refused with 429; past a pool's bound with 503. Either way the browser tries again
 * after the retry delay.
 */
import pg from "pg";
import type { Tx } from "~/utils/db.server";
import { getEnv } from "~/utils/env.server";
import { log } from "~/utils/log.server";

export const QUEUE_CHANNEL = "medslot_queue";
export const HEARTBEAT_MS = 20_000;
export const RETRY_MS = 3_000;

/** How many streams one server holds, by who follows them. */
export interface StreamLimits {
  /** Signed-in staff screens, all topics together, and per topic (one location's desk screens). */
  staffTotal: number;
  staffPerTopic: number;
  /** Link holders' screens (boards, patients' phones), all topics together, and per topic. */
  publicTotal: number;
  publicPerTopic: number;
  /** One board or check-in link: a waiting room's few screens, a patient's phone or two. */
  publicPerLink: number;
  /** One network: a clinic's waiting rooms behind one address, or one abuser. */
  publicPerIp: number;
}

export const PUBLIC_STREAMS_PER_LINK = 10;
export const PUBLIC_STREAMS_PER_IP = 20;
export const STREAM_LIMITS: StreamLimits = {
  staffTotal: 200,
  staffPerTopic: 50,
  publicTotal: 300,
  publicPerTopic: 100,
  publicPerLink: PUBLIC_STREAMS_PER_LINK,
  publicPerIp: PUBLIC_STREAMS_PER_IP,
};

/**
 * Who a stream is for. A public stream names its link by what it opens (`board:<location>`,
 * `check-in:<visit>`), never by the secret token.
 */
export type StreamAudience = { kind: "staff" } | { kind: "public"; link: string; ip: string };

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

/** A stream refused: 429 when one link or network asks for too many, 503 when the server is full. */
export class HubFullError extends Error {
  constructor(
    message: string,
    readonly status: 429 | 503 = 503,
  ) {
    super(message);
  }
}

export interface QueueHub {
  subscribe(topic: string, listener: Listener, audience: StreamAudience): () => void;
  /** Resolves once the hub is listening (tests wait for it before changing anything). */
  ready(): Promise<void>;
  size(): number;
  close(): Promise<void>;
}

/** Counts by key, forgetting a key at zero so the maps do not grow with every link ever seen. */
class Counter {
  private readonly counts = new Map<string, number>();
  get(key: string) {
    return this.counts.get(key) ?? 0;
  }
  add(key: string, by: 1 | -1) {
    const next = this.get(key) + by;
    if (next <= 0) this.counts.delete(key);
    else this.counts.set(key, next);
  }
}

export function createQueueHub(url: string, opts: { limits?: Partial<StreamLimits> } = {}): QueueHub {
  const limits: StreamLimits = { ...STREAM_LIMITS, ...opts.limits };
  const topics = new Map<string, Set<Listener>>();
  const pools = { staff: { total: 0, perTopic: new Counter() }, public: { total: 0, perTopic: new Counter() } };
  const perLink = new Counter();
  const perIp = new Counter();
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
    subscribe(topic, listener, audience) {
      const pool = pools[audience.kind];
      const [total, perTopic] = audience.kind === "staff" ? [limits.staffTotal, limits.staffPerTopic] : [limits.publicTotal, limits.publicPerTopic];
      if (audience.kind === "public") {
        if (perLink.get(audience.link) >= limits.publicPerLink) throw new HubFullError("Too many screens follow this link at once. Close one and try again.", 429);
        if (perIp.get(audience.ip) >= limits.publicPerIp) throw new HubFullError("Too many live screens from your network at once. Close one and try again.", 429);
      }
      if (pool.total >= total) throw new HubFullError("Too many live connections on this server; try again shortly.");
      if (pool.perTopic.get(topic) >= perTopic) throw new HubFullError("Too many screens follow this page at once; try again shortly.");
      let set = topics.get(topic);
      if (!set) topics.set(topic, (set = new Set()));
      set.add(listener);
      count++;
      pool.total++;
      pool.perTopic.add(topic, 1);
      if (audience.kind === "public") {
        perLink.add(audience.link, 1);
        perIp.add(audience.ip, 1);
      }
      connect().catch(() => {});
      let done = false;
      return () => {
        if (done) return;
        done = true;
        count--;
        pool.total--;
        pool.perTopic.add(topic, -1);
        if (audience.kind === "public") {
          perLink.add(audience.link, -1);
          perIp.add(audience.ip, -1);
        }
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
export function queueEventStream(request: Request, topic: string, audience: StreamAudience, opts: { hub?: QueueHub; heartbeatMs?: number } = {}): Response {
  const hub = opts.hub ?? getQueueHub();
  const encoder = new TextEncoder();
  let cleanup = () => {};
  let unsubscribe: (() => void) | null = null;
  try {
    // Subscribing first: a refused stream is answered before any stream is opened.
    let push: ((chunk: string) => void) | null = null;
    const pending: string[] = [];
    unsubscribe = hub.subscribe(
      topic,
      (notice) => {
        const chunk = `event: queue\ndata: ${JSON.stringify({ kind: notice.kind, at: new Date().toISOString() })}\n\n`;
        if (push) push(chunk);
        else pending.push(chunk);
      },
      audience,
    );
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
      return new Response(error.message, { status: error.status, headers: { "Retry-After": String(RETRY_MS / 1000), "Content-Type": "text/plain; charset=utf-8" } });
    }
    throw error;
  }
}
