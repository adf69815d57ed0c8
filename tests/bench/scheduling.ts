/**
 * The scheduling targets, measured over API v1 on the seeded bench clinic with its API key:
 * - slot search: 30-day windows of the one service (10 eligible doctors, 20,000 appointments)
 *   from 32 clients at once, while another client books free slots inside those windows at a
 *   steady pace through the API (a cache of availability must be measured with the bookings that
 *   invalidate it in real use), back to back with the same windows read as raw SQL (the floor);
 * - a race: 100 clients book the same slot at the same moment; besides the answers, the database
 *   itself must hold exactly one row for it;
 * - throughput: clients book different free slots, taken from slot answers, for a bounded time,
 *   back to back with one INSERT per transaction from as many clients (the floor).
 *
 * Every run is bounded in requests and time, and talks to loopback only.
 */
import http from "node:http";
import pg from "pg";
import { floorPair, rawInserts, rawSlotWindows, sideOf, type FloorPair } from "./floor";
import { call, latencyStats, type ApiAnswer, type ApiCall, type LoadResult } from "./load";
import { paced } from "./paced";
import { verdict, type Row } from "./rows";
import { BENCH_SERVICE, BENCH_TIME_ZONE, type BenchClinic } from "./seed";

export const SCHEDULING_TARGETS = { slotsP50Ms: 15, slotsP99Ms: 60, raceClients: 100, raceP99Ms: 300, bookingsPerSecond: 300 };

/**
 * The warm-up is long enough for both processes' JIT to settle: the server's CPU per cached answer
 * falls from about 1.1 ms over the first 500 requests to about 0.45 ms after some 3,000 (the
 * bench's client, on the same cores, halves too). Its own figures are printed as a reference row,
 * so the first seconds after a start are on record as well.
 */
const SLOTS = { warmUp: 3_000, requests: 2_000, concurrency: 32, capMs: 60_000, windowDays: 30 };
/** The floor's statement is the database's alone: no JIT to warm, a few reads fill its buffers. */
const RAW_WARM_UP = 100;
/** One client at a time, for reference: the time one search takes, without queueing behind 31 others. */
const SLOTS_ALONE = { requests: 200, capMs: 30_000 };
const BOOKINGS = { maxBookings: 6_000, concurrency: 32, capMs: 20_000 };
/**
 * Bookings made while the 32 clients read slots: a busy clinic's whole day of online bookings comes
 * nowhere near 5 a second, so this is generous. Days 1–59 hold seeded visits with free gaps between.
 */
const BACKGROUND = { perSecond: 5, maxInFlight: 32, fromDay: 1, toDay: 59, maxBookings: 400, firstPatient: 6_100 };
/** The seeded diary runs 60 days ahead; past it the free slots are plenty and nobody else books. */
const FREE_FROM_DAY = 62;
/** The raced slot is a near one, where a real rush happens, at least this far ahead. */
const RACE_AFTER_DAYS = 2;
/** Statuses the exclusion constraints compare (the others may overlap anything). */
const ACTIVE_STATUSES = ["held", "requested", "confirmed", "checked_in", "in_consultation", "completed"];
const MINUTE_MS = 60_000;

export interface SchedulingContext {
  port: number;
  ownerUrl: string;
  /** The app's runtime role, for the floor's raw SQL. */
  runtimeUrl: string;
  bench: BenchClinic;
}

export interface SlotJson {
  start: string;
  end: string;
  practitionerId: string;
  locationId: string;
  roomId: string | null;
}

export interface SchedulingResult {
  rows: Row[];
  details: Record<string, unknown>;
  /** Requests that failed outright (network, 5xx, an answer no correct server gives): the figures are then suspect. */
  failedRequests: number;
  /** The slots and bookings rows, each against its floor. */
  floor: FloorPair[];
}

/** What came back, by status, with a few bodies of unexpected answers to tell what went wrong. */
class Outcomes {
  readonly ms: number[] = [];
  readonly byStatus: Record<string, number> = {};
  readonly samples: string[] = [];
  unexpected = 0;

  constructor(private readonly expected: number[]) {}

  add(answer: ApiAnswer) {
    this.ms.push(answer.ms);
    this.byStatus[answer.status] = (this.byStatus[answer.status] ?? 0) + 1;
    if (!this.expected.includes(answer.status)) {
      this.unexpected++;
      if (this.samples.length < 5) this.samples.push(describe(answer));
    }
  }

  fail(error: unknown) {
    this.byStatus.network = (this.byStatus.network ?? 0) + 1;
    this.unexpected++;
    if (this.samples.length < 5) this.samples.push((error as Error).message);
  }

  count(status: number) {
    return this.byStatus[status] ?? 0;
  }

  get serverErrors() {
    return Object.entries(this.byStatus).reduce((n, [status, count]) => n + (Number(status) >= 500 ? count : 0), 0);
  }

  summary() {
    return Object.entries(this.byStatus)
      .map(([status, count]) => `${status} × ${count}`)
      .join(", ");
  }
}

const describe = (a: ApiAnswer) => `HTTP ${a.status} (${a.contentType || "no content type"}): ${a.body.slice(0, 400) || "(body not read)"}`;

const ms = (stats: LoadResult["ms"]) => `p50 ${stats.p50} · p95 ${stats.p95} · p99 ${stats.p99} · max ${stats.max} ms`;

/** The clinic's local date today, YYYY-MM-DD: plain dates in a query mean the clinic's midnight. */
export function clinicToday(): string {
  return new Intl.DateTimeFormat("en-CA", { timeZone: BENCH_TIME_ZONE, year: "numeric", month: "2-digit", day: "2-digit" }).format(new Date());
}

export function addDays(date: string, days: number): string {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

/** Distinct, valid (libphonenumber) US numbers; seeded patients use another exchange. */
const phoneOf = (n: number) => `+1212555${String(n).padStart(4, "0")}`;

/** Runs `send(i)` for i = 0… with `concurrency` clients, each sending its next request when its last answered. */
async function closedLoop(count: number, concurrency: number, capMs: number, send: (i: number) => Promise<void>) {
  let next = 0;
  const started = performance.now();
  const deadline = started + capMs;
  const client = async () => {
    while (next < count && performance.now() < deadline) await send(next++);
  };
  await Promise.all(Array.from({ length: concurrency }, client));
  return { issued: next, seconds: (performance.now() - started) / 1000, cappedByTime: next < count };
}

function parseSlots(answer: ApiAnswer): SlotJson[] {
  const body = JSON.parse(answer.body) as { slots?: unknown };
  if (!Array.isArray(body.slots)) throw new Error(`no "slots" array in ${describe(answer)}`);
  for (const s of body.slots as Partial<SlotJson>[]) {
    if (typeof s.start !== "string" || typeof s.end !== "string" || typeof s.practitionerId !== "string" || typeof s.locationId !== "string" || s.roomId === undefined) {
      throw new Error(`a slot lacks start, end, practitionerId, locationId or roomId: ${JSON.stringify(s)}`);
    }
  }
  return body.slots as SlotJson[];
}

/** Slots whose times, buffers included, do not overlap for any one doctor: each can be booked whatever happens to the others. */
function nonOverlapping(slots: SlotJson[]): SlotJson[] {
  const { bufferBeforeMin, bufferAfterMin } = BENCH_SERVICE;
  const blockedUntil = new Map<string, number>();
  const picked: SlotJson[] = [];
  for (const s of [...slots].sort((a, b) => Date.parse(a.start) - Date.parse(b.start))) {
    const from = Date.parse(s.start) - bufferBeforeMin * MINUTE_MS;
    if (from < (blockedUntil.get(s.practitionerId) ?? -Infinity)) continue;
    picked.push(s);
    blockedUntil.set(s.practitionerId, Date.parse(s.end) + bufferAfterMin * MINUTE_MS);
  }
  return picked;
}

export function shuffle<T>(items: T[]): T[] {
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [items[i], items[j]] = [items[j]!, items[i]!];
  }
  return items;
}

/** Runs `fn` inside an owner-role transaction scoped to the bench clinic (RLS is forced for the owner too). */
async function inClinic<T>(ctx: SchedulingContext, fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: ctx.ownerUrl });
  await client.connect();
  try {
    await client.query("BEGIN READ ONLY");
    await client.query("SELECT set_config('app.clinic_id', $1, true)", [ctx.bench.clinicId]);
    const result = await fn(client);
    await client.query("COMMIT");
    return result;
  } finally {
    await client.end();
  }
}

/** The bench clinic's API as its integrator calls it: slot searches and bookings with its key. */
export function benchApi(port: number, bench: BenchClinic) {
  const host = `${bench.slug}.localhost:${port}`;
  const auth = { authorization: `Bearer ${bench.apiKey}` };
  const slotsPath = (from: string, to: string, practitionerId?: string) =>
    `/api/v1/slots?serviceId=${bench.serviceId}&from=${from}&to=${to}` + (practitionerId ? `&practitionerId=${practitionerId}` : "");
  const get = (agent: http.Agent, path: string, opts: { keepBody?: boolean; gzip?: boolean } = {}) =>
    call(agent, port, host, { method: "GET", path, headers: auth }, opts);
  const book = (slot: SlotJson, patient: number): ApiCall => ({
    method: "POST",
    path: "/api/v1/appointments",
    headers: auth,
    json: {
      serviceId: bench.serviceId,
      practitionerId: slot.practitionerId,
      start: slot.start,
      patient: { phone: phoneOf(patient), firstName: "Bench", lastName: `Patient ${patient}` },
    },
  });
  /**
   * Every doctor's free slots from `fromDay` to `toDay` days ahead (windows of at most 30 days),
   * thinned so that none overlaps another: each can be booked whatever happens to the others.
   */
  const freeSlots = async (agent: http.Agent, fromDay: number, toDay: number, enough = Infinity) => {
    const today = clinicToday();
    let free: SlotJson[] = [];
    const offered: SlotJson[] = [];
    for (let day = fromDay; day < toDay && free.length < enough; day += SLOTS.windowDays) {
      const to = Math.min(day + SLOTS.windowDays, toDay);
      const answers = await Promise.all(bench.doctorIds.map((id) => get(agent, slotsPath(addDays(today, day), addDays(today, to), id), { keepBody: true })));
      for (const a of answers) {
        if (a.status !== 200) throw new Error(`GET /api/v1/slots for one doctor: ${describe(a)}`);
        offered.push(...parseSlots(a));
      }
      free = nonOverlapping(offered);
    }
    return { offered: offered.length, free };
  };
  return { host, auth, slotsPath, get, book, freeSlots };
}

export async function measureScheduling(ctx: SchedulingContext): Promise<SchedulingResult> {
  const { port, bench } = ctx;
  const { host, slotsPath, get, book, freeSlots } = benchApi(port, bench);
  const today = clinicToday();
  const floor: FloorPair[] = [];

  const rows: Row[] = [];
  const details: Record<string, unknown> = { clinic: { slug: bench.slug, appointments: bench.appointments, patients: bench.patients, doctors: bench.doctorIds.length, seedSeconds: bench.seconds } };
  let failedRequests = 0;
  const slotsWhat = `GET /api/v1/slots, 30 days, ${bench.doctorIds.length} doctors, ${bench.appointments.toLocaleString("en-US")} appointments, ${SLOTS.concurrency} clients`;
  const raceWhat = `${SCHEDULING_TARGETS.raceClients} concurrent POST /api/v1/appointments of one slot`;
  const bookingsWhat = `bookings of distinct slots, ${BOOKINGS.concurrency} clients`;
  const targets = {
    slots: `p50 ≤ ${SCHEDULING_TARGETS.slotsP50Ms} ms, p99 ≤ ${SCHEDULING_TARGETS.slotsP99Ms} ms`,
    race: `exactly 1 created, 99 × 409, 0 × 5xx, p99 ≤ ${SCHEDULING_TARGETS.raceP99Ms} ms`,
    bookings: `≥ ${SCHEDULING_TARGETS.bookingsPerSecond} per second`,
  };
  const failAll = (measured: string, from: "slots" | "race" | "bookings") => {
    const all = [
      { key: "slots", what: slotsWhat },
      { key: "race", what: raceWhat },
      { key: "bookings", what: bookingsWhat },
    ] as const;
    for (const r of all.slice(all.findIndex((x) => x.key === from))) rows.push({ what: r.what, target: targets[r.key], measured, result: "FAIL" });
  };

  // 1. Slot search. One answer first: it must be a slot list, and it is the pool the race picks from.
  const probeAgent = new http.Agent({ keepAlive: true, maxSockets: 4 });
  let nearSlots: SlotJson[];
  try {
    const probe = await get(probeAgent, slotsPath(today, addDays(today, SLOTS.windowDays)), { keepBody: true });
    if (probe.status === 404 && probe.body.includes("There is no API endpoint")) {
      for (const [what, target] of [
        [slotsWhat, targets.slots],
        [raceWhat, targets.race],
        [bookingsWhat, targets.bookings],
      ] as const) {
        rows.push({ what, target, measured: "GET /api/v1/slots answers 404: no such endpoint", result: "not built yet" });
      }
      return { rows, details, failedRequests, floor };
    }
    if (probe.status !== 200) {
      failedRequests++;
      failAll(`GET /api/v1/slots: ${describe(probe)}`, "slots");
      return { rows, details, failedRequests, floor };
    }
    nearSlots = parseSlots(probe);
    details.slotsProbe = { path: slotsPath(today, addDays(today, SLOTS.windowDays)), slots: nearSlots.length, bytes: Buffer.byteLength(probe.body), ms: Math.round(probe.ms * 100) / 100 };
  } catch (error) {
    failedRequests++;
    failAll(`GET /api/v1/slots failed: ${(error as Error).message}`, "slots");
    return { rows, details, failedRequests, floor };
  } finally {
    probeAgent.destroy();
  }

  // Chosen now, from the first answer, so that the background bookings below keep away from it.
  const raceSlot = nearSlots.find((s) => Date.parse(s.start) >= Date.now() + RACE_AFTER_DAYS * 86_400_000) ?? nearSlots.at(-1);

  {
    // Windows start on each of the next 30 days, so the answers are not one cached page.
    const datesOf = (i: number) => ({ from: addDays(today, i % 30), to: addDays(today, (i % 30) + SLOTS.windowDays) });
    const windowOf = (i: number) => slotsPath(datesOf(i).from, datesOf(i).to);
    const agent = new http.Agent({ keepAlive: true, maxSockets: SLOTS.concurrency });
    const warm = new Outcomes([200]);
    process.stdout.write(`  GET /api/v1/slots, 30 days, ${SLOTS.concurrency} clients, the first ${SLOTS.warmUp.toLocaleString("en-US")} (warm-up)…`);
    const warmLoop = await closedLoop(SLOTS.warmUp, SLOTS.concurrency, SLOTS.capMs, (i) => get(agent, windowOf(i), { gzip: true }).then((a) => warm.add(a), (e) => warm.fail(e)));
    const warmMeasured = `${ms(latencyStats(warm.ms))} · ${Math.round(warm.count(200) / warmLoop.seconds)} req/s`;
    console.log(` ${warmMeasured}`);
    rows.push({ what: `GET /api/v1/slots, 30 days, ${SLOTS.concurrency} clients, warm-up: the first ${SLOTS.warmUp.toLocaleString("en-US")} (reference)`, target: "—", measured: warmMeasured, result: "n/a" });

    const alone = new Outcomes([200]);
    const aloneLoop = await closedLoop(SLOTS_ALONE.requests, 1, SLOTS_ALONE.capMs, (i) => get(agent, windowOf(i), { gzip: true }).then((a) => alone.add(a), (e) => alone.fail(e)));
    const aloneStats = latencyStats(alone.ms);
    const aloneMeasured = `${ms(aloneStats)} · ${Math.round(alone.count(200) / aloneLoop.seconds)} req/s` + (aloneLoop.cappedByTime ? ` (time cap: ${aloneLoop.issued} requests)` : "");
    console.log(`  GET /api/v1/slots, 30 days, 1 client… ${aloneMeasured}`);
    rows.push({ what: "GET /api/v1/slots, 30 days, 1 client (reference)", target: "—", measured: aloneMeasured, result: "n/a" });

    // Bookings at a steady pace from a client of their own, of free slots inside the windows being
    // read (never near the slot raced for next), for as long as the row's reads last. Not during the
    // floor: its statement does not use the app's cache, and the days those bookings made stale
    // would all be read again by the row's first requests at once.
    const background = new Outcomes([201]);
    // A connection per booking: at 5 a second, kept-alive sockets sit idle long enough for the server to
    // close them just as one is reused (ECONNRESET on the client), which says nothing about the server.
    const bgAgent = new http.Agent({ keepAlive: false, maxSockets: BACKGROUND.maxInFlight });
    let bgPool: SlotJson[] = [];
    try {
      const near = (s: SlotJson) =>
        raceSlot !== undefined && s.practitionerId === raceSlot.practitionerId && Math.abs(Date.parse(s.start) - Date.parse(raceSlot.start)) < 3 * 60 * MINUTE_MS;
      const { free } = await freeSlots(bgAgent, BACKGROUND.fromDay, BACKGROUND.toDay);
      bgPool = shuffle(free.filter((s) => !near(s))).slice(0, BACKGROUND.maxBookings);
    } catch (error) {
      background.fail(error);
    }

    // The floor: the same windows, from as many clients, as the statement the API runs for each.
    process.stdout.write(`  floor: schedule_data() as raw SQL, 30 days, ${SLOTS.concurrency} clients…`);
    const raw = await rawSlotWindows({ runtimeUrl: ctx.runtimeUrl, bench, timeZone: BENCH_TIME_ZONE, windowOf: datesOf, ...SLOTS, warmUp: RAW_WARM_UP }).catch((error: Error) => {
      console.error(` failed: ${error.message}`);
      return null;
    });
    if (raw) console.log(` ${ms(raw.ms)} · ${Math.round(raw.requestsPerSecond)}/s${raw.errors ? ` · ${raw.errors} failed (${raw.errorSamples.join("; ")})` : ""}${raw.rowsOk ? "" : " · NO SCHEDULE IN SOME ANSWERS"}`);

    const run = new Outcomes([200]);
    const booker = paced(BACKGROUND.perSecond, bgPool.length, BACKGROUND.maxInFlight, (i) =>
      call(bgAgent, port, host, book(bgPool[i]!, BACKGROUND.firstPatient + i), { keepBody: true }).then((a) => background.add(a), (e) => background.fail(e)),
    );
    process.stdout.write(`  ${slotsWhat}…`);
    const loop = await closedLoop(SLOTS.requests, SLOTS.concurrency, SLOTS.capMs, (i) =>
      get(agent, windowOf(i), { gzip: true }).then((a) => run.add(a), (e) => run.fail(e)),
    );
    const bg = await booker.stop();
    agent.destroy();
    bgAgent.destroy();
    const stats = latencyStats(run.ms);
    const perSecond = Math.round(run.count(200) / loop.seconds);
    const bgRate = background.count(201) / bg.seconds;
    const bgOk = background.unexpected === 0 && bg.issued > 0 && !bg.exhausted && bg.skipped === 0;
    const measured =
      `${ms(stats)} · ${perSecond} req/s · ${nearSlots.length} slots in the first window` +
      (loop.cappedByTime ? ` (time cap: ${loop.issued} requests)` : "") +
      (run.unexpected ? ` · ${run.unexpected} failed (${run.summary()})` : "") +
      ` · meanwhile ${bgRate.toFixed(1)} bookings/s through the API (${background.summary() || "none"}${bg.exhausted ? ", ran out of free slots" : ""}${bg.skipped ? `, ${bg.skipped} fell behind` : ""})`;
    console.log(` ${measured}`);
    if (run.unexpected + warm.unexpected + alone.unexpected) console.error(`    failed requests, e.g. ${[...warm.samples, ...alone.samples, ...run.samples].slice(0, 5).join("; ")}`);
    if (background.unexpected) console.error(`    failed background bookings, e.g. ${background.samples.join("; ")}`);
    failedRequests += run.unexpected + warm.unexpected + alone.unexpected + background.unexpected + (raw ? raw.errors + (raw.rowsOk ? 0 : 1) : 1);
    rows.push({
      what: slotsWhat,
      target: `${targets.slots}, with ${BACKGROUND.perSecond} bookings/s in the windows read`,
      measured,
      result: verdict(run.unexpected === 0 && bgOk && stats.p50 <= SCHEDULING_TARGETS.slotsP50Ms && stats.p99 <= SCHEDULING_TARGETS.slotsP99Ms),
    });
    if (raw) floor.push(floorPair("slots", SLOTS.concurrency, sideOf("raw SQL of a slot window", raw), sideOf("GET /api/v1/slots, 30 days", { completed: run.count(200), errors: run.unexpected, seconds: loop.seconds, requestsPerSecond: run.count(200) / loop.seconds, ms: stats })));
    details.slots = {
      ...SLOTS,
      issued: loop.issued,
      seconds: Math.round(loop.seconds * 100) / 100,
      cappedByTime: loop.cappedByTime,
      requestsPerSecond: perSecond,
      ms: stats,
      statuses: run.byStatus,
      errorSamples: run.samples,
      warmUpStatuses: warm.byStatus,
      oneClient: { ...SLOTS_ALONE, issued: aloneLoop.issued, ms: aloneStats, statuses: alone.byStatus },
      backgroundBookings: {
        ...BACKGROUND,
        slotsInPool: bgPool.length,
        issued: bg.issued,
        seconds: bg.seconds,
        createdPerSecond: Math.round(bgRate * 100) / 100,
        fellBehind: bg.skipped,
        ranOutOfSlots: bg.exhausted,
        statuses: background.byStatus,
        errorSamples: background.samples,
        ms: latencyStats(background.ms),
      },
      rawSql: raw,
    };
  }

  // Before anything is booked: when the bookings start, as the database sees it.
  const bookingsFrom = await inClinic(ctx, (c) => c.query<{ now: Date }>("SELECT now()").then((r) => r.rows[0]!.now));

  // 2. The race for one slot.
  if (!raceSlot) {
    failAll(`the slot search found no free slot in the next ${SLOTS.windowDays} days to race for`, "race");
    return { rows, details, failedRequests, floor };
  }
  try {
    const clients = SCHEDULING_TARGETS.raceClients;
    const agent = new http.Agent({ keepAlive: true, maxSockets: clients });
    // Every connection open first, so the bookings leave together rather than behind 100 handshakes.
    await Promise.all(Array.from({ length: clients }, () => call(agent, port, host, { method: "GET", path: "/healthz" })));
    const race = new Outcomes([201, 409]);
    let problemConflicts = 0;
    const answers = await Promise.allSettled(Array.from({ length: clients }, (_, i) => call(agent, port, host, book(raceSlot, i), { keepBody: true })));
    agent.destroy();
    for (const a of answers) {
      if (a.status === "rejected") race.fail(a.reason);
      else {
        race.add(a.value);
        if (a.value.status === 409 && a.value.contentType.startsWith("application/problem+json")) problemConflicts++;
      }
    }
    const { bufferBeforeMin, bufferAfterMin } = BENCH_SERVICE;
    const db = await inClinic(ctx, async (c) => {
      const r = await c.query<{ at_start: number; active_overlapping: number }>(
        // Rows written since the race began at that start, in any status (a leaked hold counts too);
        // and active rows overlapping it at all, old ones included.
        `SELECT count(*) FILTER (WHERE starts_at = $2 AND created_at >= $6)::int AS at_start,
                count(*) FILTER (WHERE status::text = ANY ($5) AND tstzrange(blocked_from, blocked_to, '[)') && tstzrange($3, $4, '[)'))::int AS active_overlapping
           FROM appointments WHERE doctor_id = $1 AND blocked_to > $3 AND blocked_from < $4`,
        [
          raceSlot.practitionerId,
          new Date(raceSlot.start),
          new Date(Date.parse(raceSlot.start) - bufferBeforeMin * MINUTE_MS),
          new Date(Date.parse(raceSlot.end) + bufferAfterMin * MINUTE_MS),
          ACTIVE_STATUSES,
          bookingsFrom,
        ],
      );
      return r.rows[0]!;
    });
    const stats = latencyStats(race.ms);
    const created = race.count(201);
    const conflicts = race.count(409);
    const measured =
      `${created} created, ${conflicts} × 409, ${race.serverErrors} × 5xx` +
      (race.unexpected - race.serverErrors ? `, ${race.unexpected - race.serverErrors} other (${race.summary()})` : "") +
      ` · rows in database ${db.at_start} (active overlapping ${db.active_overlapping}) · ${ms(stats)}`;
    console.log(`  ${raceWhat}… ${measured}`);
    if (race.samples.length) console.error(`    unexpected answers, e.g. ${race.samples.join("; ")}`);
    failedRequests += race.unexpected;
    rows.push({
      what: raceWhat,
      target: targets.race,
      measured,
      result: verdict(
        created === 1 && conflicts === clients - 1 && race.unexpected === 0 && db.at_start === 1 && db.active_overlapping === 1 && stats.p99 <= SCHEDULING_TARGETS.raceP99Ms,
      ),
    });
    const winner = answers.find((a): a is PromiseFulfilledResult<ApiAnswer> => a.status === "fulfilled" && a.value.status === 201)?.value;
    const createdBody = winner ? (JSON.parse(winner.body) as { id?: string; status?: string; start?: string }) : null;
    details.race = {
      slot: raceSlot,
      clients,
      statuses: race.byStatus,
      created: createdBody && { id: createdBody.id, status: createdBody.status, start: createdBody.start },
      conflictsAsProblemJson: problemConflicts,
      conflictSample: answers.find((a): a is PromiseFulfilledResult<ApiAnswer> => a.status === "fulfilled" && a.value.status === 409)?.value.body.slice(0, 1_000),
      unexpectedSamples: race.samples,
      ms: stats,
      database: db,
    };
  } catch (error) {
    failedRequests++;
    rows.push({ what: raceWhat, target: targets.race, measured: `failed: ${(error as Error).message}`, result: "FAIL" });
  }

  // 3. Bookings of distinct free slots, per doctor from slot answers past the seeded diary.
  try {
    const horizon = BENCH_SERVICE.horizonDays - 1;
    const agent = new http.Agent({ keepAlive: true, maxSockets: BOOKINGS.concurrency });
    const { offered, free } = await freeSlots(agent, FREE_FROM_DAY, horizon, BOOKINGS.maxBookings);
    const pool = shuffle(free).slice(0, BOOKINGS.maxBookings);
    if (!pool.length) throw new Error(`no free slots from day ${FREE_FROM_DAY} to the horizon`);

    // The floor, just before: one INSERT per transaction from as many clients, as many at most.
    process.stdout.write(`  floor: BEGIN; INSERT one appointments-sized row; COMMIT, ${BOOKINGS.concurrency} clients…`);
    const inserts = await rawInserts({ ownerUrl: ctx.ownerUrl, runtimeUrl: ctx.runtimeUrl, bench, requests: pool.length, concurrency: BOOKINGS.concurrency, capMs: BOOKINGS.capMs }).catch((error: Error) => {
      console.error(` failed: ${error.message}`);
      failedRequests++;
      return null;
    });
    if (inserts) {
      console.log(` ${ms(inserts.ms)} · ${Math.round(inserts.requestsPerSecond)}/s · rows in the table ${inserts.rowsInTable}${inserts.errors ? ` · ${inserts.errors} failed (${inserts.errorSamples.join("; ")})` : ""}`);
      failedRequests += inserts.errors;
    }

    const run = new Outcomes([201]);
    // Patients 0–99 raced; these are new patients, one number each.
    const loop = await closedLoop(pool.length, BOOKINGS.concurrency, BOOKINGS.capMs, (i) =>
      call(agent, port, host, book(pool[i]!, 100 + i), { keepBody: true }).then((a) => run.add(a), (e) => run.fail(e)),
    );
    agent.destroy();
    const created = run.count(201);
    const rate = created / loop.seconds;
    // Active rows written since the bookings began, the raced slot's aside.
    const dbRows = await inClinic(ctx, (c) =>
      c
        .query<{ n: number }>(
          `SELECT count(*)::int AS n FROM appointments
            WHERE created_at >= $1 AND status::text = ANY ($2) AND NOT (doctor_id = $3 AND starts_at = $4)`,
          [bookingsFrom, ACTIVE_STATUSES, raceSlot.practitionerId, new Date(raceSlot.start)],
        )
        .then((r) => r.rows[0]!.n),
    );
    const stats = latencyStats(run.ms);
    const measured =
      `${Math.round(rate)} per second (${created} × 201 in ${loop.seconds.toFixed(1)} s${loop.cappedByTime ? ", time cap" : ", all slots booked"}) · ` +
      `errors ${run.unexpected}${run.unexpected ? ` (${run.summary()})` : ""} · ${ms(stats)} · rows in database ${dbRows}`;
    console.log(`  ${bookingsWhat}… ${measured}`);
    if (run.samples.length) console.error(`    failed bookings, e.g. ${run.samples.join("; ")}`);
    failedRequests += run.unexpected;
    rows.push({
      what: bookingsWhat,
      target: targets.bookings,
      measured,
      result: verdict(run.unexpected === 0 && rate >= SCHEDULING_TARGETS.bookingsPerSecond && dbRows === created),
    });
    details.bookings = {
      ...BOOKINGS,
      slotsOffered: offered,
      slotsWithoutOverlap: free.length,
      attempted: loop.issued,
      seconds: Math.round(loop.seconds * 100) / 100,
      cappedByTime: loop.cappedByTime,
      createdPerSecond: Math.round(rate * 10) / 10,
      statuses: run.byStatus,
      errorSamples: run.samples,
      ms: stats,
      rowsInDatabase: dbRows,
      insertFloor: inserts,
    };
    if (inserts) floor.push(floorPair("bookings", BOOKINGS.concurrency, sideOf("one INSERT in a transaction", inserts), sideOf("POST /api/v1/appointments", { completed: created, errors: run.unexpected, seconds: loop.seconds, requestsPerSecond: rate, ms: stats })));
  } catch (error) {
    failedRequests++;
    rows.push({ what: bookingsWhat, target: targets.bookings, measured: `failed: ${(error as Error).message}`, result: "FAIL" });
  }

  return { rows, details, failedRequests, floor };
}
