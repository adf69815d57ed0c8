/**
 * What this process must forget: the `cache_changes` log, written by triggers in the changing
 * transaction, read by every app process (docs/decisions/022-availability-cache.md).
 *
 * The log is read
 * - right after this process commits a change (its triggers send a NOTICE, which costs no round
 *   trip), before the request that made it is answered, so a client reads its own writes;
 * - when another process rings the `medslot_changes` doorbell after its own change;
 * - every second in any case, for writers that are not app processes.
 *
 * Sequence numbers are handed out before commit, so a change can commit after a later one. A read
 * therefore starts at the oldest transaction that was still running at the previous read (the
 * snapshot's xmin) and skips the rows it has already applied.
 *
 * While the log cannot be read, `fresh` turns false and caches must not be trusted; when reading
 * resumes after a gap the log may no longer cover, subscribers are told to forget everything.
 */
import pg from "pg";
import { log } from "./log.server";

export type ChangeTopic = "times" | "setup" | "site" | "api_key";

export interface CacheChange {
  clinicId: string;
  topic: ChangeTopic;
  /** For "times": the span whose free time changed, in ms since the epoch. */
  from: number | null;
  to: number | null;
}

/** A batch of changes, or "reset": forget everything (the log may have been missed). */
export type ChangeListener = (changes: readonly CacheChange[] | "reset") => void;

export const DOORBELL_CHANNEL = "medslot_changes";
export const CACHE_CHANGED_NOTICE = "medslot:cache_changed";
/** Safety net for writers that ring no doorbell (SQL consoles, other tools). */
const POLL_MS = 1_000;
/** After this long without a successful read, caches are bypassed. */
const STALE_AFTER_MS = 5_000;
/** Rows are pruned after this long; a longer outage means the log may have gaps. */
export const KEEP_CHANGES_MS = 10 * 60_000;
const MAX_ROWS = 5_000;
/** Every process prunes the log now and then; deleting what another already deleted costs nothing. */
const PRUNE_MS = 60_000;

export type SystemRead = <R>(text: string, params: unknown[]) => Promise<R[]>;

interface Row {
  xmin: string;
  rows: [string, string, ChangeTopic, number | null, number | null, string][] | null;
}

export class ChangeFeed {
  private readonly listeners = new Set<ChangeListener>();
  private xmin: bigint | null = null;
  /** Rows already applied whose transaction may still be at or after xmin: seq → xid. */
  private readonly applied = new Map<string, bigint>();
  private lastReadAt = 0;
  private running: Promise<void> | null = null;
  private queued: Promise<void> | null = null;
  private timer: NodeJS.Timeout | null = null;
  private pruneTimer: NodeJS.Timeout | null = null;
  private listener: pg.Client | null = null;
  private listenerPid = 0;
  private ringing = false;
  private ringAgain = false;
  private stopped = false;
  private started = false;
  private reconnectTimer: NodeJS.Timeout | null = null;

  constructor(
    private readonly read: SystemRead,
    private readonly url: string,
    private readonly opts: { pollMs?: number; now?: () => number; prune?: (olderThan: Date) => Promise<unknown> } = {},
  ) {}

  /** True while the log has been read recently enough for caches to be trusted. */
  get fresh(): boolean {
    return this.started && this.xmin !== null && this.now() - this.lastReadAt < STALE_AFTER_MS;
  }

  private now() {
    return this.opts.now?.() ?? Date.now();
  }

  subscribe(listener: ChangeListener): () => void {
    this.listeners.add(listener);
    this.start();
    return () => this.listeners.delete(listener);
  }

  /** Starts reading (on first subscription): one read now, the doorbell, and the periodic read. */
  start() {
    if (this.started || this.stopped) return;
    this.started = true;
    void this.catchUp().catch(() => {});
    this.timer = setInterval(() => void this.catchUp().catch(() => {}), this.opts.pollMs ?? POLL_MS);
    this.timer.unref();
    const prune = this.opts.prune;
    if (prune) {
      this.pruneTimer = setInterval(() => {
        prune(new Date(this.now() - KEEP_CHANGES_MS)).catch((error: Error) => log.warn("cache change log not pruned", { error: error.message }));
      }, PRUNE_MS);
      this.pruneTimer.unref();
    }
    void this.listen();
  }

  /**
   * Reads the log and applies what is new; resolves once every change committed before the call
   * has reached the listeners. Concurrent callers share reads.
   */
  catchUp(): Promise<void> {
    if (!this.started) return Promise.resolve();
    if (this.queued) return this.queued;
    if (!this.running) {
      this.running = this.readOnce().finally(() => (this.running = null));
      return this.running;
    }
    // A read is under way but may have begun before the caller's commit: one more after it.
    this.queued = this.running
      .catch(() => {})
      .then(() => {
        this.queued = null;
        return this.catchUp();
      });
    return this.queued;
  }

  /** After this process's own change: apply it here, then tell the other processes. */
  async afterOwnChange(): Promise<void> {
    if (!this.started) return;
    try {
      await this.catchUp();
    } catch (error) {
      log.warn("cache change log unreadable", { error: (error as Error).message });
    }
    this.ring();
  }

  private emit(changes: readonly CacheChange[] | "reset") {
    for (const listener of this.listeners) {
      try {
        listener(changes);
      } catch (error) {
        log.error("cache listener failed", { error: (error as Error).message });
      }
    }
  }

  private async readOnce(): Promise<void> {
    const from = this.xmin ?? 0n;
    const now = this.now();
    const gap = this.lastReadAt !== 0 && now - this.lastReadAt > KEEP_CHANGES_MS / 2;
    const [row] = await this.read<Row>(
      `SELECT pg_snapshot_xmin(pg_current_snapshot())::text AS xmin,
              (SELECT json_agg(json_build_array(seq::text, clinic_id, topic, (date_part('epoch', from_at) * 1000)::bigint,
                                                (date_part('epoch', to_at) * 1000)::bigint, xid::text) ORDER BY seq)
                 FROM (SELECT * FROM cache_changes WHERE xid >= $1 ORDER BY seq LIMIT ${MAX_ROWS + 1}) c) AS rows`,
      [Number(from)],
    );
    if (!row) return;
    const xmin = BigInt(row.xmin);
    const rows = row.rows ?? [];
    const first = this.xmin === null;
    if (first || gap || rows.length > MAX_ROWS) {
      // Nothing is cached before the first read; after a long gap or a flood, start over.
      this.applied.clear();
      for (const [seq, , , , , xid] of rows) this.applied.set(seq, BigInt(xid));
      if (!first) this.emit("reset");
    } else {
      const fresh: CacheChange[] = [];
      for (const [seq, clinicId, topic, f, t, xid] of rows) {
        if (this.applied.has(seq)) continue;
        this.applied.set(seq, BigInt(xid));
        fresh.push({ clinicId, topic, from: f === null ? null : Number(f), to: t === null ? null : Number(t) });
      }
      if (fresh.length) this.emit(fresh);
    }
    for (const [seq, xid] of this.applied) if (xid < xmin) this.applied.delete(seq);
    this.xmin = xmin;
    this.lastReadAt = now;
  }

  /** Rings the other processes' doorbell; rings coalesce, and a lost ring is caught by the periodic read. */
  private ring() {
    const client = this.listener;
    if (!client) return;
    if (this.ringing) {
      this.ringAgain = true;
      return;
    }
    this.ringing = true;
    client
      .query(`SELECT pg_notify('${DOORBELL_CHANNEL}', '')`)
      .catch(() => {})
      .finally(() => {
        this.ringing = false;
        if (this.ringAgain) {
          this.ringAgain = false;
          this.ring();
        }
      });
  }

  private async listen() {
    if (this.stopped) return;
    const client = new pg.Client({ connectionString: this.url });
    client.on("error", () => {});
    client.on("notification", (msg) => {
      // Our own ring needs no answer: this process read the log before ringing.
      if (msg.processId !== this.listenerPid) void this.catchUp().catch(() => {});
    });
    client.on("end", () => {
      if (this.listener === client) this.listener = null;
      if (!this.stopped) this.scheduleReconnect();
    });
    try {
      await client.connect();
      // The doorbell carries no data: losing one in a crash costs nothing, so it need not wait for the disk.
      await client.query("SET synchronous_commit TO off");
      await client.query(`LISTEN ${DOORBELL_CHANNEL}`);
      const pid = await client.query<{ pid: number }>("SELECT pg_backend_pid() AS pid");
      this.listenerPid = pid.rows[0]!.pid;
      if (this.stopped) {
        await client.end().catch(() => {});
        return;
      }
      this.listener = client;
      // Anything rung while the doorbell was away is in the log.
      void this.catchUp().catch(() => {});
    } catch {
      await client.end().catch(() => {});
      this.scheduleReconnect();
    }
  }

  private scheduleReconnect() {
    if (this.stopped || this.reconnectTimer) return;
    this.reconnectTimer = setTimeout(() => {
      this.reconnectTimer = null;
      void this.listen();
    }, 1_000);
    this.reconnectTimer.unref();
  }

  async stop() {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    if (this.pruneTimer) clearInterval(this.pruneTimer);
    if (this.reconnectTimer) clearTimeout(this.reconnectTimer);
    const client = this.listener;
    this.listener = null;
    await client?.end().catch(() => {});
    await this.running?.catch(() => {});
  }
}
