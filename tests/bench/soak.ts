/**
 * A 2-minute mixed soak: a few clients at once, each sending its next request when its last
 * answered, cycling through what a clinic's visitors and integrators do — the clinic's home page,
 * its booking page, the marketplace search, 30-day slot reads, bookings of distinct far-future
 * slots and "send me a code" on the sign-in page (to an SMS provider that cannot be reached, so
 * every send fails after the code is stored; some are refused by the per-phone limits, on purpose).
 * The server's RSS is sampled every second; the row is about whether it stops growing: the slope
 * (least squares) over the second minute, next to the first's.
 *
 * Bounded in time and count, loopback only. With BENCH_HEAP_SNAPSHOTS=1 and a server started with
 * `--heapsnapshot-signal=SIGUSR2` (e.g. NODE_OPTIONS), it also asks for heap snapshots at the
 * start, after one minute and at the end (written to the server's working directory).
 */
import fs from "node:fs";
import http from "node:http";
import { call, latencyStats, type ApiAnswer, type ApiCall } from "./load";
import { verdict, type Row } from "./rows";
import { addDays, benchApi, clinicToday, shuffle, type SlotJson } from "./scheduling";
import { BENCH_SERVICE, type BenchClinic } from "./seed";
import { memoryOf } from "./server";

export const SOAK = {
  seconds: 120,
  clients: 8,
  /** A bound on count besides time; at this machine's pace it is never reached. */
  maxRequests: 100_000,
  /**
   * Second-minute slope that still counts as "stopped growing", MB per minute. Not zero: in heap
   * snapshots of this soak the second minute still adds about 2 MB of live objects that are not a
   * leak (optimised code as the JIT warms up, requests' abort signals waiting for their finalizers),
   * and V8 takes old-space pages in steps and gives them back lazily. 2 MB/min is about 3 GB a day:
   * a leak that matters fails.
   */
  maxSlopeMbPerMin: 2,
};

/** The cycle each client walks, in order: weights of a busy day, reads first. */
const MIX = ["home", "slots", "book", "slots", "search", "booking", "slots", "code", "home", "slots", "book", "booking", "search", "slots", "code", "home"] as const;
type Kind = (typeof MIX)[number];

const SEARCHES = ["dental+cleaning", "dentl+clening", "physiotherapy&sort=price", "skin+check"];
/** Patients 6,500–9,999 of the bench's numbering (the rows before use lower ones). */
const FIRST_PATIENT = 6_500;
const MAX_BOOKINGS = 3_500;
const FREE_FROM_DAY = 62;
/** Numbers for the sign-in codes: another exchange than the bookings' and the seeded patients'. */
const codePhone = (n: number) => `+1718555${String(n % 10_000).padStart(4, "0")}`;
/** Visitors come from many addresses (the bench trusts loopback as a proxy, so the server reads X-Forwarded-For). */
const visitorIp = (n: number) => `10.77.${(n >> 8) & 255}.${n & 255}`;
const MB = 1024 * 1024;

export interface SoakContext {
  port: number;
  pid: number;
  bench: BenchClinic;
}

export interface RssSample {
  /** Seconds since the soak started. */
  t: number;
  rss: number;
}

/** Least-squares slope of RSS over the samples with `from ≤ t < to`, in MB per minute. */
export function slopeMbPerMin(samples: RssSample[], from: number, to: number): number {
  const pts = samples.filter((s) => s.t >= from && s.t < to);
  if (pts.length < 2) return NaN;
  const n = pts.length;
  const mt = pts.reduce((a, s) => a + s.t, 0) / n;
  const mr = pts.reduce((a, s) => a + s.rss, 0) / n;
  const num = pts.reduce((a, s) => a + (s.t - mt) * (s.rss - mr), 0);
  const den = pts.reduce((a, s) => a + (s.t - mt) ** 2, 0);
  return Math.round(((num / den) * 60 * 100) / MB) / 100;
}

/** Whether SIGUSR2 would write a heap snapshot rather than end the process. */
function snapshotsArmed(pid: number): boolean {
  const read = (f: string) => {
    try {
      return fs.readFileSync(`/proc/${pid}/${f}`, "utf8").replace(/\0/g, " ");
    } catch {
      return "";
    }
  };
  return /--heapsnapshot-signal=SIGUSR2\b/.test(read("cmdline") + " " + read("environ"));
}

/** What a "send me a code" answer says, from its status and the message on the page. */
function codeOutcome(a: ApiAnswer): string {
  if (a.status === 302 || a.status === 303) return "sent";
  if (a.status !== 429) return `other ${a.status}`;
  if (a.body.includes("send a text message to this number")) return "provider unreachable";
  if (a.body.includes("We just sent a code")) return "refused: cooldown";
  if (a.body.includes("to this number in the last")) return "refused: phone limit";
  if (a.body.includes("from your network")) return "refused: network limit";
  return "429, other";
}

class Tally {
  readonly ms: number[] = [];
  readonly byStatus: Record<string, number> = {};
  /** For code sends: what the page said (sent, provider unreachable, refused by which limit). */
  readonly outcomes: Record<string, number> = {};
  readonly samples: string[] = [];
  failed = 0;

  add(a: ApiAnswer, outcome?: string) {
    this.ms.push(a.ms);
    this.byStatus[a.status] = (this.byStatus[a.status] ?? 0) + 1;
    if (outcome) this.outcomes[outcome] = (this.outcomes[outcome] ?? 0) + 1;
    if (a.status >= 500) {
      this.failed++;
      if (this.samples.length < 3) this.samples.push(`HTTP ${a.status}: ${a.body.slice(0, 300)}`);
    }
  }

  fail(error: unknown) {
    this.byStatus.network = (this.byStatus.network ?? 0) + 1;
    this.failed++;
    if (this.samples.length < 3) this.samples.push((error as Error).message);
  }
}

export async function measureSoak(ctx: SoakContext): Promise<{ rows: Row[]; details: Record<string, unknown>; failedRequests: number }> {
  const { port, bench, pid } = ctx;
  const api = benchApi(port, bench);
  const clinicHost = `northside.localhost:${port}`;
  const marketHost = `localhost:${port}`;
  const page = (path: string, host = clinicHost): ApiCall & { host: string } => ({ method: "GET", path, host, headers: { accept: "text/html" } });

  // Far-future slots nobody else books: past the seeded diary and whatever the bookings row took.
  const setupAgent = new http.Agent({ keepAlive: true, maxSockets: 10 });
  const { free } = await api.freeSlots(setupAgent, FREE_FROM_DAY, BENCH_SERVICE.horizonDays - 1, MAX_BOOKINGS * 2);
  setupAgent.destroy();
  const pool: SlotJson[] = shuffle(free).slice(0, MAX_BOOKINGS);

  const today = clinicToday();
  let booked = 0;
  let codes = 0;
  let poolExhausted = 0;
  const requestFor = (kind: Kind, n: number): (ApiCall & { host: string }) | null => {
    switch (kind) {
      case "home":
        return page("/");
      case "book":
        return page("/book");
      case "search":
        return page(`/search?q=${SEARCHES[n % SEARCHES.length]}`, marketHost);
      case "slots":
        return { method: "GET", headers: api.auth, path: api.slotsPath(addDays(today, n % 30), addDays(today, (n % 30) + 30)), host: api.host };
      case "booking": {
        if (booked >= pool.length) {
          poolExhausted++;
          return null;
        }
        const k = booked++;
        return { ...api.book(pool[k]!, FIRST_PATIENT + k), host: api.host };
      }
      case "code": {
        // Every fifth asks again for the number before, within its 30-second cooldown: refused.
        const k = codes++;
        const phone = codePhone(k % 5 === 4 ? k - 1 : k);
        return {
          method: "POST",
          path: "/sign-in",
          host: clinicHost,
          form: { intent: "send", phone },
          headers: { accept: "text/html", origin: `http://${clinicHost}`, "x-forwarded-for": visitorIp(k) },
        };
      }
    }
  };

  const tallies = Object.fromEntries(MIX.map((k) => [k, new Tally()])) as Record<Kind, Tally>;
  const rss: RssSample[] = [];
  let started = performance.now();
  const elapsed = () => (performance.now() - started) / 1000;
  const sample = () => {
    try {
      rss.push({ t: Math.round(elapsed() * 100) / 100, rss: memoryOf(pid).rss });
    } catch {
      // the server is gone: the failed requests say so
    }
  };
  const snapshots: { at: number; rss: number; writtenInSeconds: number }[] = [];
  const wantSnapshots = process.env.BENCH_HEAP_SNAPSHOTS === "1";
  if (wantSnapshots && !snapshotsArmed(pid)) console.warn("    BENCH_HEAP_SNAPSHOTS=1 but the server was not started with --heapsnapshot-signal=SIGUSR2: no snapshots");
  /** Writing a snapshot blocks the server: it is written once the server answers again. */
  const snapshot = async () => {
    if (!wantSnapshots || !snapshotsArmed(pid)) return;
    const at = elapsed();
    const t0 = performance.now();
    const rssBefore = memoryOf(pid).rss;
    process.kill(pid, "SIGUSR2");
    const agent = new http.Agent({ keepAlive: false });
    for (const until = performance.now() + 300_000; performance.now() < until; ) {
      const a = await call(agent, port, marketHost, { method: "GET", path: "/healthz" }).catch(() => null);
      if (a?.status === 200) break;
    }
    snapshots.push({ at: Math.round(at), rss: rssBefore, writtenInSeconds: Math.round((performance.now() - t0) / 1000) });
  };

  await snapshot();
  started = performance.now();
  sample();
  const sampler = setInterval(sample, 1_000);
  const midway = wantSnapshots ? setTimeout(() => void snapshot(), (SOAK.seconds / 2) * 1000) : undefined;
  const agent = new http.Agent({ keepAlive: true, maxSockets: SOAK.clients });
  const deadline = started + SOAK.seconds * 1000;
  let issued = 0;
  const client = async (c: number) => {
    // Clients start at different places in the cycle, so each kind is always in flight somewhere.
    for (let step = c * 2; performance.now() < deadline && issued < SOAK.maxRequests; step++) {
      const kind = MIX[step % MIX.length]!;
      const req = requestFor(kind, issued);
      if (!req) continue;
      issued++;
      await call(agent, port, req.host, req, { gzip: true, keepBody: kind === "booking" || kind === "code" }).then(
        (a) => tallies[kind].add(a, kind === "code" ? codeOutcome(a) : undefined),
        (e) => tallies[kind].fail(e),
      );
    }
  };
  await Promise.all(Array.from({ length: SOAK.clients }, (_, c) => client(c)));
  const seconds = elapsed();
  agent.destroy();
  clearTimeout(midway);
  clearInterval(sampler);
  sample();
  await snapshot();

  const half = SOAK.seconds / 2;
  const slopes = { firstMinute: slopeMbPerMin(rss, 0, half), secondMinute: slopeMbPerMin(rss, half, SOAK.seconds + 1) };
  const failed = Object.values(tallies).reduce((n, t) => n + t.failed, 0);
  const total = Object.values(tallies).reduce((n, t) => n + t.ms.length, 0);
  const byKind = Object.fromEntries(
    (Object.entries(tallies) as [Kind, Tally][]).map(([k, t]) => [k, { requests: t.ms.length, statuses: t.byStatus, ...(k === "code" ? { outcomes: t.outcomes } : {}), ms: latencyStats(t.ms), failureSamples: t.samples }]),
  );
  const first = rss[0]?.rss ?? NaN;
  const last = rss.at(-1)?.rss ?? NaN;
  const peak = Math.max(...rss.map((s) => s.rss));
  const mb = (b: number) => `${(b / MB).toFixed(0)} MB`;
  const counts = (Object.entries(byKind) as [Kind, (typeof byKind)[string]][])
    .map(([k, v]) => `${k} ${v.requests} (${Object.entries(v.statuses).map(([s, n]) => `${s}×${n}`).join(" ")}${k === "code" ? `: ${Object.entries(tallies.code.outcomes).map(([o, n]) => `${o} ${n}`).join(", ")}` : ""})`)
    .join("; ");
  const measured =
    (snapshots.length ? `(heap snapshots taken: the load stalled while they were written, RSS includes their cost) · ` : "") +
    `slope ${slopes.secondMinute} MB/min in the 2nd minute (1st ${slopes.firstMinute}) · RSS ${mb(first)} → ${mb(last)}, peak ${mb(peak)} · ` +
    `${total} requests in ${seconds.toFixed(0)} s (${Math.round(total / seconds)}/s, ${SOAK.clients} clients), ${failed} × 5xx/network · ${counts}` +
    (poolExhausted ? ` · booking pool ran out (${poolExhausted} skipped)` : "");
  console.log(`  ${measured}`);
  for (const [k, t] of Object.entries(tallies)) if (t.samples.length) console.error(`    ${k} failed, e.g. ${t.samples.join("; ")}`);

  return {
    rows: [
      {
        what: `${SOAK.seconds / 60}-minute mixed soak (pages, search, slots, bookings, code sends), RSS every second`,
        target: `2nd-minute slope ≤ ${SOAK.maxSlopeMbPerMin} MB/min, 0 × 5xx/network`,
        measured,
        result: verdict(failed === 0 && slopes.secondMinute <= SOAK.maxSlopeMbPerMin),
      },
    ],
    details: {
      ...SOAK,
      mix: MIX,
      seconds: Math.round(seconds * 10) / 10,
      requests: total,
      failed,
      slopesMbPerMin: slopes,
      rssBytes: { first, last, peak },
      rssSamples: rss,
      bookingPool: pool.length,
      bookingPoolExhausted: poolExhausted,
      byKind,
      heapSnapshots: snapshots,
    },
    failedRequests: failed,
  };
}
