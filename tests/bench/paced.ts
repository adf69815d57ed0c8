/**
 * An open-loop sender: `send(i)` at a steady rate, whatever the answers' latency (up to a bound on
 * requests in flight), until stopped or `count` have gone. Background traffic at a realistic pace,
 * unlike the closed loops of the rows, which send as fast as the server answers.
 */
export interface Paced {
  /** Stops sending, waits for the requests in flight, and says what went. */
  stop(): Promise<PacedSummary>;
}

export interface PacedSummary {
  issued: number;
  seconds: number;
  /** Ticks skipped because `maxInFlight` requests were still waiting: the server fell behind the pace. */
  skipped: number;
  /** Whether it ran out of work (`count`) before being stopped. */
  exhausted: boolean;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export function paced(ratePerSecond: number, count: number, maxInFlight: number, send: (i: number) => Promise<void>): Paced {
  const interval = 1000 / ratePerSecond;
  const started = performance.now();
  const inFlight = new Set<Promise<void>>();
  let stopped = false;
  let issued = 0;
  let skipped = 0;
  const loop = (async () => {
    for (let tick = 0; !stopped && issued < count; tick++) {
      const wait = started + tick * interval - performance.now();
      if (wait > 0) await sleep(wait);
      if (stopped) break;
      if (inFlight.size >= maxInFlight) {
        skipped++;
        continue;
      }
      const p = send(issued++).finally(() => inFlight.delete(p));
      inFlight.add(p);
    }
  })();
  return {
    async stop() {
      stopped = true;
      await loop;
      const seconds = (performance.now() - started) / 1000;
      await Promise.all(inFlight);
      return { issued, seconds: Math.round(seconds * 100) / 100, skipped, exhausted: issued >= count };
    },
  };
}
