/**
 * At most `limit` tasks at a time, shared fairly between keys (for password hashing: client
 * networks). Each key waits in its own line; a free slot goes to the next key in turn (round
 * robin), not to whoever queued first, and no key holds more than `perKey` slots. So a flood of
 * sign-in attempts from one network waits behind itself, while someone from another network is
 * served at the next free slot. A key with `maxWaiting` tasks already in line is refused at once.
 */
export class FairQueue {
  private active = 0;
  private readonly activeByKey = new Map<string, number>();
  /** Lines in turn order: the key served last moves to the back. */
  private readonly lines = new Map<string, (() => void)[]>();

  constructor(
    readonly limit: number,
    readonly perKey = limit,
    readonly maxWaiting = Number.POSITIVE_INFINITY,
  ) {
    if (!Number.isInteger(limit) || limit < 1) throw new Error("A queue needs a limit of at least 1");
    if (!Number.isInteger(perKey) || perKey < 1 || perKey > limit) throw new Error("perKey must be between 1 and the limit");
  }

  get inUse(): number {
    return this.active;
  }

  get queued(): number {
    let n = 0;
    for (const line of this.lines.values()) n += line.length;
    return n;
  }

  queuedFor(key: string): number {
    return this.lines.get(key)?.length ?? 0;
  }

  /** `maxWaiting` overrides the queue's line length for this task (work the server does for itself is never refused). */
  async run<T>(key: string, task: () => Promise<T>, maxWaiting = this.maxWaiting): Promise<T> {
    if (this.active < this.limit && (this.activeByKey.get(key) ?? 0) < this.perKey && !this.lines.has(key)) {
      this.take(key);
    } else {
      const line = this.lines.get(key) ?? [];
      if (line.length >= maxWaiting) throw new QueueFullError();
      // The slot is handed over already taken (see next()), so a newcomer cannot jump the line.
      await new Promise<void>((resolve) => {
        line.push(resolve);
        this.lines.set(key, line);
      });
    }
    try {
      return await task();
    } finally {
      this.release(key);
      this.next();
    }
  }

  private take(key: string) {
    this.active += 1;
    this.activeByKey.set(key, (this.activeByKey.get(key) ?? 0) + 1);
  }

  private release(key: string) {
    this.active -= 1;
    const left = (this.activeByKey.get(key) ?? 1) - 1;
    if (left > 0) this.activeByKey.set(key, left);
    else this.activeByKey.delete(key);
    // The key just served waits behind the others for its next turn.
    const line = this.lines.get(key);
    if (line) {
      this.lines.delete(key);
      this.lines.set(key, line);
    }
  }

  /** Fills free slots from the lines in turn, skipping keys at their own cap. */
  private next() {
    while (this.active < this.limit) {
      let served = false;
      for (const [key, line] of this.lines) {
        if ((this.activeByKey.get(key) ?? 0) >= this.perKey) continue;
        const resolve = line.shift()!;
        // To the back of the turn order (or gone when its line is empty).
        this.lines.delete(key);
        if (line.length) this.lines.set(key, line);
        this.take(key);
        resolve();
        served = true;
        break;
      }
      if (!served) return;
    }
  }
}

export class QueueFullError extends Error {
  constructor() {
    super("Too many tasks are waiting for this key");
  }
}
