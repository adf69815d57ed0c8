/**
 * Ratios to the floor: each hot path against the cheapest thing that does its irreducible part,
 * measured back to back with it at the same concurrency by the same closed-loop load generator,
 * so a figure still means something when other work slows the whole machine down.
 * - slots: the one statement that loads a slot window (schedule_data()), sent as the app's readOne
 *   sends it (BEGIN READ ONLY, the clinic's scope, the statement, COMMIT in one round trip) on the
 *   pg driver as the runtime role, with the same windows and clients as the slots row;
 * - pages: a static file from the same server, with gzip accepted like the page load;
 * - bookings: one INSERT of an appointments-sized row (same columns, defaults, checks and indexes,
 *   the exclusion constraints included) into a scratch table, in a transaction of its own.
 * Goals: slots ≤ 3× its raw SQL, a page ≤ 4× the static file, a booking ≤ 4× its insert.
 */
import pg from "pg";
import { zonedToUtc } from "~/lib/zoned-time";
import { latencyStats, type LoadResult } from "./load";
import { verdict, type Row } from "./rows";
import type { BenchClinic } from "./seed";

export const FLOOR_GOALS = { slots: 3, pages: 4, bookings: 4 } as const;
/** Served by express.static ahead of every app middleware: the HTTP stack's own cost. */
export const STATIC_PATH = "/favicon.svg";
const SCRATCH_TABLE = "bench_floor_appointments";

/** One side of a pair, in the units both sides share. */
export interface FloorSide {
  what: string;
  completed: number;
  errors: number;
  seconds: number;
  requestsPerSecond: number;
  ms: LoadResult["ms"];
}

export interface FloorPair {
  kind: keyof typeof FLOOR_GOALS;
  concurrency: number;
  floor: FloorSide;
  app: FloorSide;
  /** app ÷ floor for latencies; floor ÷ app for throughput (how many times more the floor serves). */
  ratios: { p50: number; p99: number; throughput: number };
  goal: number;
  pass: boolean;
}

const round2 = (n: number) => Math.round(n * 100) / 100;

export function sideOf(what: string, r: { completed: number; errors: number; seconds: number; requestsPerSecond: number; ms: LoadResult["ms"] }): FloorSide {
  return { what, completed: r.completed, errors: r.errors, seconds: r.seconds, requestsPerSecond: r.requestsPerSecond, ms: r.ms };
}

export function floorPair(kind: FloorPair["kind"], concurrency: number, floor: FloorSide, app: FloorSide): FloorPair {
  const ratios = {
    p50: round2(app.ms.p50 / floor.ms.p50),
    p99: round2(app.ms.p99 / floor.ms.p99),
    throughput: round2(floor.requestsPerSecond / app.requestsPerSecond),
  };
  const goal = FLOOR_GOALS[kind];
  const pass = floor.errors === 0 && app.errors === 0 && app.completed > 0 && Object.values(ratios).every((r) => Number.isFinite(r) && r <= goal);
  return { kind, concurrency, floor, app, ratios, goal, pass };
}

const GOAL_TEXT: Record<FloorPair["kind"], string> = {
  slots: "slots ≤ 3× raw SQL",
  pages: "page ≤ 4× static file",
  bookings: "booking ≤ 4× its insert",
};

const brief = (s: FloorSide) => `p50 ${s.ms.p50} · p99 ${s.ms.p99} ms · ${Math.round(s.requestsPerSecond)}/s`;

/** The floor section of the table: one row per pair. */
export function floorRows(pairs: FloorPair[]): Row[] {
  return pairs.map((p) => ({
    section: "floor",
    what: `${p.app.what} vs ${p.floor.what}, ${p.concurrency} concurrent`,
    target: `${GOAL_TEXT[p.kind]} (p50, p99, throughput)`,
    measured:
      `× ${p.ratios.p50} p50, × ${p.ratios.p99} p99, × ${p.ratios.throughput} throughput · ` +
      `app ${brief(p.app)} · floor ${brief(p.floor)}` +
      (p.floor.errors + p.app.errors ? ` · ${p.floor.errors + p.app.errors} failed` : ""),
    result: verdict(p.pass),
  }));
}

/** Runs `op` with `concurrency` clients, each sending its next one when its last finished: the bench's closed loop. */
async function closedLoopTimed(requests: number, concurrency: number, capMs: number, op: (i: number) => Promise<void>) {
  const latencies: number[] = [];
  const errorSamples: string[] = [];
  let errors = 0;
  let next = 0;
  const started = performance.now();
  const deadline = started + capMs;
  const client = async () => {
    while (next < requests && performance.now() < deadline) {
      const i = next++;
      const t = performance.now();
      try {
        await op(i);
        latencies.push(performance.now() - t);
      } catch (error) {
        errors++;
        if (errorSamples.length < 5) errorSamples.push((error as Error).message);
      }
    }
  };
  await Promise.all(Array.from({ length: concurrency }, client));
  const seconds = (performance.now() - started) / 1000;
  return { completed: latencies.length, errors, errorSamples, issued: next, cappedByTime: next < requests, seconds: round2(seconds), requestsPerSecond: round2(latencies.length / seconds), ms: latencyStats(latencies) };
}

export type FloorLoad = Awaited<ReturnType<typeof closedLoopTimed>>;

/** A pool of `size` runtime-role connections, all open before the clock starts (as the server's are). */
async function openPool(url: string, size: number): Promise<pg.Pool> {
  const pool = new pg.Pool({ connectionString: url, max: size, options: "-c TimeZone=UTC" });
  const clients = await Promise.all(Array.from({ length: size }, () => pool.connect()));
  for (const c of clients) c.release();
  return pool;
}

/** Parameters inlined the way readOne inlines them: ids, instants. */
const literal = (v: string | Date) => `'${v instanceof Date ? v.toISOString() : v}'`;

export interface RawSlotsOptions {
  runtimeUrl: string;
  bench: BenchClinic;
  timeZone: string;
  /** The i-th request's window as plain dates (the clinic's midnights), the same as the API row's. */
  windowOf: (i: number) => { from: string; to: string };
  warmUp: number;
  requests: number;
  concurrency: number;
  capMs: number;
}

/** The slot window's one statement on the driver, no ORM, no slot engine: what the slots API cannot go below. */
export async function rawSlotWindows(opts: RawSlotsOptions): Promise<FloorLoad & { rowsOk: boolean }> {
  const pool = await openPool(opts.runtimeUrl, opts.concurrency);
  let rowsOk = true;
  const once = async (i: number) => {
    const w = opts.windowOf(i);
    const from = zonedToUtc(w.from, 0, opts.timeZone);
    const to = zonedToUtc(w.to, 0, opts.timeZone);
    const client = await pool.connect();
    try {
      const results = (await client.query(
        `BEGIN READ ONLY; SELECT set_config('app.clinic_id', ${literal(opts.bench.clinicId)}, true), set_config('app.scope', '', true); ` +
          `SELECT schedule_data(${literal(opts.bench.clinicId)}::uuid, ${literal(opts.bench.serviceId)}::uuid, NULL::uuid, NULL::uuid, ` +
          `${literal(from)}::timestamptz, ${literal(to)}::timestamptz, ${literal(new Date())}::timestamptz) AS data; COMMIT`,
      )) as unknown as pg.QueryResult<{ data: { service: unknown; busy: unknown[] } | null }>[];
      // The driver has parsed the JSON, as it does for the app; a window without its service would be a cheaper, wrong floor.
      const data = results[2]?.rows[0]?.data;
      if (!data?.service || !Array.isArray(data.busy)) rowsOk = false;
    } finally {
      client.release();
    }
  };
  try {
    await closedLoopTimed(opts.warmUp, opts.concurrency, opts.capMs, once);
    const r = await closedLoopTimed(opts.requests, opts.concurrency, opts.capMs, once);
    return { ...r, rowsOk };
  } finally {
    await pool.end();
  }
}

export interface InsertOptions {
  ownerUrl: string;
  runtimeUrl: string;
  bench: BenchClinic;
  requests: number;
  concurrency: number;
  capMs: number;
}

/**
 * BEGIN; INSERT one appointments-sized row; COMMIT — in one round trip, as the runtime role, into a
 * scratch copy of the appointments table (its columns, defaults, checks and indexes, without the
 * clinic's rows, triggers or row-level security), dropped afterwards.
 */
/** Five characters of the booking-code alphabet, distinct for each request number. */
function floorCode(i: number): string {
  const alphabet = "23456789ABCDEFGHJKMNPQRSTVWXYZ";
  let code = "";
  for (let n = i, k = 0; k < 5; k++, n = Math.floor(n / alphabet.length)) code = alphabet[n % alphabet.length]! + code;
  return code;
}

export async function rawInserts(opts: InsertOptions): Promise<FloorLoad & { rowsInTable: number }> {
  const runtimeRole = decodeURIComponent(new URL(opts.runtimeUrl).username);
  const owner = new pg.Client({ connectionString: opts.ownerUrl });
  await owner.connect();
  try {
    await owner.query(`DROP TABLE IF EXISTS ${SCRATCH_TABLE}`);
    await owner.query(`CREATE TABLE ${SCRATCH_TABLE} (LIKE appointments INCLUDING DEFAULTS INCLUDING CONSTRAINTS INCLUDING INDEXES)`);
    await owner.query(`GRANT INSERT, SELECT ON ${SCRATCH_TABLE} TO ${pg.escapeIdentifier(runtimeRole)}`);
    // RLS is forced for the owner too: the clinic's patients are visible in its scope only.
    await owner.query("SELECT set_config('app.clinic_id', $1, false)", [opts.bench.clinicId]);
    const patient = await owner.query<{ id: string }>(`SELECT patient_account_id AS id FROM clinic_patients LIMIT 1`);
    const patientId = patient.rows[0]?.id ?? "00000000-0000-0000-0000-000000000000";
    const pool = await openPool(opts.runtimeUrl, opts.concurrency);
    // Far from any real visit and 45 minutes apart per doctor, so the exclusion constraints pass.
    const base = Date.parse("2100-01-04T12:00:00Z");
    const doctors = opts.bench.doctorIds;
    const once = async (i: number) => {
      const starts = new Date(base + Math.floor(i / doctors.length) * 45 * 60_000);
      const ends = new Date(starts.getTime() + 30 * 60_000);
      const client = await pool.connect();
      let failed = false;
      try {
        // The booking code is given, one per row: the scratch copy has the code's unique index but not
        // the trigger that draws again on a clash, and a random clash among thousands of rows is likely.
        await client.query(
          `BEGIN; INSERT INTO ${SCRATCH_TABLE} (clinic_id, service_id, doctor_id, location_id, patient_account_id, status, starts_at, ends_at, ` +
            `blocked_from, blocked_to, channel, price_minor, currency, cancellation_window_min, created_by, booking_code) VALUES (` +
            [opts.bench.clinicId, opts.bench.serviceId, doctors[i % doctors.length]!, opts.bench.locationIds[0]!, patientId].map((v) => `${literal(v)}::uuid`).join(", ") +
            `, 'confirmed', ${literal(starts)}, ${literal(ends)}, ${literal(new Date(starts.getTime() - 5 * 60_000))}, ` +
            `${literal(new Date(ends.getTime() + 5 * 60_000))}, 'api', 12000, 'USD', 2880, 'api-key:bench', ${literal(floorCode(i))}); COMMIT`,
        );
      } catch (error) {
        failed = true;
        throw error;
      } finally {
        // A failed statement leaves its connection inside the aborted transaction (the COMMIT after it
        // never ran): drop that connection rather than fail every later request on it.
        client.release(failed);
      }
    };
    let r: FloorLoad;
    try {
      r = await closedLoopTimed(opts.requests, opts.concurrency, opts.capMs, once);
    } finally {
      await pool.end();
    }
    const rows = await owner.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${SCRATCH_TABLE}`);
    return { ...r, rowsInTable: rows.rows[0]!.n };
  } finally {
    await owner.query(`DROP TABLE IF EXISTS ${SCRATCH_TABLE}`).catch(() => {});
    await owner.end();
  }
}
