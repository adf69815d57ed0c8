/**
 * `npm run bench`: builds the app for production, starts a server of its own on loopback (with a
 * seeded 20,000-appointment clinic, see seed.ts), measures it against the product's quality
 * targets, prints a table and writes tests/bench/results/bench-<time>.json and
 * tests/bench/results/latest.json.
 *
 * A measurement, not a test: a missed target still exits 0. It exits 1 only when the server does
 * not start or requests fail, because then the figures mean nothing.
 */
import { execFileSync, spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { floorPair, floorRows, sideOf, STATIC_PATH, type FloorPair } from "./floor";
import { load, type LoadResult, type Target } from "./load";
import { idleMemory } from "./memory";
import { bookingJs, type BookingJs } from "./page-js";
import { verdict, type Row } from "./rows";
import { measureFairness } from "./fairness";
import { measureMarketplace } from "./marketplace";
import { measureScheduling } from "./scheduling";
import { memoryOf, startServer, type BenchServer } from "./server";
import { measureSoak } from "./soak";

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), "../..");

const WARM_UP = { requests: 200, concurrency: 16, capMs: 60_000 };
const RUNS = [
  { requests: 2_000, concurrency: 1, capMs: 60_000 },
  { requests: 2_000, concurrency: 16, capMs: 60_000 },
];
const KB = 1024;
const MB = 1024 * 1024;
const TARGETS = { homeP50Ms: 20, pageJsBytes: 120 * KB, rssBytes: 300 * MB, idleRssBytes: 150 * MB };

const latency = (r: LoadResult) =>
  `p50 ${r.ms.p50} · p95 ${r.ms.p95} · p99 ${r.ms.p99} · max ${r.ms.max} ms · ${Math.round(r.requestsPerSecond)} req/s` +
  (r.cappedByTime ? ` (time cap: ${r.completed} requests)` : "");

/** One table per section (rows without one first), columns as wide as the widest cell anywhere. */
function printTable(rows: Row[]) {
  const cols = ["what", "target", "measured", "result"] as const;
  const width = cols.map((c) => Math.max(c.length, ...rows.map((r) => r[c].length)));
  const line = (cells: string[]) => "| " + cells.map((c, i) => c.padEnd(width[i]!)).join(" | ") + " |";
  const sections = [...new Set(rows.map((r) => r.section ?? ""))];
  for (const section of sections) {
    const these = rows.filter((r) => (r.section ?? "") === section);
    console.log(["", ...(section ? [`${section}:`] : []), line([...cols]), line(width.map((w) => "-".repeat(w))), ...these.map((r) => line(cols.map((c) => r[c]))), ""].join("\n"));
  }
}

function build() {
  console.log("building the app for production (npm run build: Remix, then the compiled server)…");
  const result = spawnSync("npm", ["run", "-s", "build"], { cwd: root, encoding: "utf8" });
  if (result.status !== 0) throw new Error(`the build failed:\n${result.stdout}\n${result.stderr}`);
}

/** The mode of the server build on disk: `npm start` rebuilds first (in its own NODE_ENV) when app/ is newer. */
function buildMode() {
  const server = fs.readFileSync(path.join(root, "build/index.js"), "utf8");
  return /\bmode = "(\w+)"/.exec(server)?.[1] ?? "unknown";
}

/** The share of all CPUs' time spent busy over `ms`, from /proc/stat. */
async function cpuBusy(ms: number): Promise<number> {
  const read = () => {
    const fields = fs.readFileSync("/proc/stat", "utf8").split("\n")[0]!.trim().split(/\s+/).slice(1, 9).map(Number);
    // user nice system idle iowait irq softirq steal (guest time is already in user): idle and iowait are the idle part.
    return { total: fields.reduce((a, b) => a + b, 0), idle: (fields[3] ?? 0) + (fields[4] ?? 0) };
  };
  const a = read();
  await new Promise((r) => setTimeout(r, ms));
  const b = read();
  return b.total > a.total ? 1 - (b.idle - a.idle) / (b.total - a.total) : 0;
}

function gitCommit() {
  try {
    const commit = execFileSync("git", ["rev-parse", "--short", "HEAD"], { cwd: root, encoding: "utf8" }).trim();
    const dirty = execFileSync("git", ["status", "--porcelain"], { cwd: root, encoding: "utf8" }).trim() !== "";
    return dirty ? `${commit}+changes` : commit;
  } catch {
    return "unknown";
  }
}

const kb = (bytes: number) => `${(bytes / KB).toFixed(1)} KB`;

/** Each step's JavaScript, as measured: the table below gives only the largest. */
function printJs(js: BookingJs) {
  console.log("  JavaScript per step of the booking flow (gzip -9; inline = the HTML's own scripts, not counted):");
  for (const s of [...js.steps, js.home]) {
    const checked = s.html ? `HTML checked: ${s.html.path.split("?")[0]}, inline ${kb(s.html.inlineScriptGzipBytes)}` : "from the manifest (not reachable signed out)";
    console.log(`    ${s.step.padEnd(34)} ${kb(s.gzipBytes).padStart(9)} in ${String(s.files.length).padStart(2)} files (${kb(s.bytes)} raw) · ${s.routes.at(-1)} · ${checked}`);
  }
}

function pageJsRows(js: BookingJs): Row[] {
  const checked = js.steps.filter((s) => s.html).length;
  return [
    {
      what: `booking page JavaScript, gzip -9, largest of ${js.steps.length} steps`,
      target: "≤ 120 KB",
      measured: `${kb(js.largest.gzipBytes)} (${js.largest.step}: ${js.largest.files.length} files, ${kb(js.largest.bytes)} raw); ${checked} steps checked against their HTML`,
      result: verdict(js.largest.gzipBytes <= TARGETS.pageJsBytes),
    },
    {
      what: "clinic home page JavaScript, gzip -9",
      target: "—",
      measured: `${kb(js.home.gzipBytes)} in ${js.home.files.length} files (${kb(js.home.bytes)} raw)`,
      result: "n/a",
    },
  ];
}

async function measure(server: BenchServer) {
  const { port } = server;
  const endpoints: { name: string; target: Target; homeTarget: boolean }[] = [
    { name: "clinic home page GET / (northside)", target: { port, host: `northside.localhost:${port}`, path: "/" }, homeTarget: true },
    { name: "marketplace home GET /", target: { port, host: `localhost:${port}`, path: "/" }, homeTarget: false },
    { name: "GET /healthz", target: { port, host: `localhost:${port}`, path: "/healthz" }, homeTarget: false },
    { name: "patient sign-in GET /sign-in (northside)", target: { port, host: `northside.localhost:${port}`, path: "/sign-in" }, homeTarget: false },
  ];

  // First, while the build on disk is surely the one the server rendered the pages with.
  const js = await bookingJs({ root, port, host: `northside.localhost:${port}` });
  printJs(js);
  const jsRows = pageJsRows(js);

  const rows: Row[] = [];
  const loads: Record<string, unknown>[] = [];
  const floor: FloorPair[] = [];
  let failedRequests = 0;
  // BENCH_ONLY=scheduling skips the page rows when iterating on the booking paths; BENCH_ONLY=marketplace
  // measures the marketplace search alone; BENCH_ONLY=js the pages' JavaScript alone (bytes, not time);
  // BENCH_ONLY=floor the rows that have a floor (home page, slots, bookings) with their ratios;
  // BENCH_ONLY=soak the idle memory and the soak; BENCH_ONLY=fairness the fairness row alone.
  const only = process.env.BENCH_ONLY;
  if (only === "js") return { rows: jsRows, loads, scheduling: null, memory: null, js, failedRequests, floor, soak: null };
  // Idle: after start-up and a short warm-up, before any load.
  const idle = await idleMemory(server);
  console.log(`  idle RSS ${(idle.rss / MB).toFixed(0)} MB (after ${idle.warmUpRequests} warm-up requests)`);
  failedRequests += idle.warmUpErrors;
  // Sampled during the load: the process's own peak (VmHWM) already includes start-up work such
  // as seeding the demo clinics, which is not the load the target is about.
  let rssUnderLoad = idle.rss;
  const sampler = setInterval(() => {
    try {
      rssUnderLoad = Math.max(rssUnderLoad, memoryOf(server.pid).rss);
    } catch {
      // the server is gone; the failed requests will say so
    }
  }, 100);
  if (only === "fairness") {
    console.log("  fairness between clinics…");
    const fairness = await measureFairness({ port, bench: server.bench });
    clearInterval(sampler);
    return { rows: fairness.rows, loads, scheduling: null, fairness: fairness.details, memory: null, js, failedRequests: fairness.failedRequests, floor, soak: null };
  }
  if (only === "marketplace") {
    const marketplace = await measureMarketplace({ port, ownerUrl: server.ownerUrl });
    clearInterval(sampler);
    return { rows: marketplace.rows, loads: marketplace.loads, scheduling: null, memory: null, js, failedRequests: marketplace.failedRequests, marketplace: marketplace.seeded, floor, soak: null };
  }
  const pageEndpoints = only === "scheduling" || only === "soak" ? [] : only === "floor" ? endpoints.filter((e) => e.homeTarget) : endpoints;
  for (const endpoint of pageEndpoints) {
    // The home page's floor: a static file from the same server and host, just before each run.
    const staticTarget = endpoint.homeTarget ? { ...endpoint.target, path: STATIC_PATH } : null;
    const warm = await load(endpoint.target, WARM_UP);
    failedRequests += warm.errors + (staticTarget ? (await load(staticTarget, WARM_UP)).errors : 0);
    for (const run of RUNS) {
      const floorRun = staticTarget ? await load(staticTarget, run) : null;
      process.stdout.write(`  ${endpoint.name}, concurrency ${run.concurrency}…`);
      const r = await load(endpoint.target, run);
      console.log(` ${latency(r)}` + (floorRun ? ` · static ${STATIC_PATH}: ${latency(floorRun)}` : ""));
      failedRequests += r.errors + (floorRun?.errors ?? 0);
      if (r.errors) console.error(`    ${r.errors} failed requests, e.g. ${r.errorSamples.join("; ")}`);
      if (floorRun) floor.push(floorPair("pages", run.concurrency, sideOf(`static file GET ${STATIC_PATH}`, floorRun), sideOf("clinic home page", r)));
      loads.push({ endpoint: endpoint.name, host: endpoint.target.host, path: endpoint.target.path, ...run, ...r });
      // The home page target is a render time, read from one client at a time; 16 clients at once
      // on two cores measure queueing (about 16 × the CPU per request) and are shown for reference.
      const targeted = endpoint.homeTarget && run.concurrency === 1;
      rows.push({
        what: `${endpoint.name}, ${run.concurrency} concurrent`,
        target: targeted ? `p50 ≤ ${TARGETS.homeP50Ms} ms` : "—",
        measured: latency(r),
        result: targeted ? verdict(r.ms.p50 <= TARGETS.homeP50Ms) : "n/a",
      });
    }
  }

  if (!only) {
    console.log("  marketplace search…");
    const marketplace = await measureMarketplace({ port, ownerUrl: server.ownerUrl });
    rows.push(...marketplace.rows);
    loads.push(...marketplace.loads);
    failedRequests += marketplace.failedRequests;
  }

  let scheduling: Awaited<ReturnType<typeof measureScheduling>> | null = null;
  if (only !== "soak") {
    console.log("  scheduling API (bench-clinic)…");
    scheduling = await measureScheduling({ port, ownerUrl: server.ownerUrl, runtimeUrl: server.runtimeUrl, bench: server.bench });
    rows.push(...scheduling.rows);
    failedRequests += scheduling.failedRequests;
    floor.push(...scheduling.floor);
  }

  let fairness: Record<string, unknown> | null = null;
  if (!only) {
    console.log("  fairness between clinics…");
    const measured = await measureFairness({ port, bench: server.bench });
    rows.push(...measured.rows);
    failedRequests += measured.failedRequests;
    fairness = measured.details;
  }

  // Last, so that it soaks a server that has been through everything above.
  let soak: Awaited<ReturnType<typeof measureSoak>> | null = null;
  if (!only || only === "soak") {
    console.log("  mixed soak…");
    soak = await measureSoak({ port, pid: server.pid, bench: server.bench });
    rows.push(...soak.rows);
    failedRequests += soak.failedRequests;
  }

  clearInterval(sampler);
  const atEnd = memoryOf(server.pid);
  const memory = { idleRss: idle.rss, idleSamples: idle.samples, maxRssUnderLoad: Math.max(rssUnderLoad, atEnd.rss), endRss: atEnd.rss, processPeakRss: atEnd.peak };
  const mb = (bytes: number) => `${(bytes / MB).toFixed(0)} MB`;
  rows.push(
    ...jsRows,
    {
      what: "server memory idle (after start-up and a warm-up, before load), RSS",
      target: "≤ 150 MB",
      measured: `${mb(memory.idleRss)} (median of ${idle.samples.length} samples, 1 s apart)`,
      result: verdict(memory.idleRss <= TARGETS.idleRssBytes),
    },
    {
      what: `server memory at the end of the ${only ? `BENCH_ONLY=${only} run` : "full bench"}, RSS`,
      target: "≤ 300 MB",
      measured: `${mb(memory.endRss)} (max under load ${mb(memory.maxRssUnderLoad)}, process peak ${mb(memory.processPeakRss)} with start-up)`,
      result: verdict(memory.endRss <= TARGETS.rssBytes),
    },
    ...floorRows(floor),
  );
  return { rows, loads, scheduling: scheduling?.details ?? null, fairness, memory, js, failedRequests, floor, soak: soak?.details ?? null };
}

async function main() {
  const startedAt = new Date();
  build();
  console.log("starting a server with a fresh embedded database…");
  let server: BenchServer;
  try {
    server = await startServer(root);
  } catch (error) {
    console.error((error as Error).message);
    return 1;
  }
  const { bench } = server;
  console.log(`seeded ${bench.slug}: ${bench.appointments} appointments, ${bench.patients} patients, ${bench.doctorIds.length} doctors in ${bench.seconds} s`);
  const mode = buildMode();
  // Other work on the same two cores shows up as latency here; say so rather than let it pass as
  // the app's. Our server is idle now, so whatever keeps the CPUs busy is someone else.
  const loadAtStart = os.loadavg();
  const busyBefore = await cpuBusy(2_000);
  if (busyBefore > 0.25) {
    console.warn(`warning: the machine is ${Math.round(busyBefore * 100)}% busy before the load starts (load average ${loadAtStart.map((l) => l.toFixed(1)).join(" ")}): the figures will be pessimistic`);
  }
  if (mode !== "production") console.warn(`warning: the server runs a "${mode}" build (app/ changed after the build), not a production one`);
  // Ctrl-C still stops the server and its PostgreSQL.
  process.once("SIGINT", () => void server.stop().finally(() => process.exit(130)));

  let measured: Awaited<ReturnType<typeof measure>>;
  try {
    console.log(`measuring on 127.0.0.1:${server.port} (server pid ${server.pid})`);
    measured = await measure(server);
  } catch (error) {
    console.error(`measurement failed: ${(error as Error).message}\n--- server output ---\n${server.output()}`);
    await server.stop();
    return 1;
  }
  await server.stop();

  printTable(measured.rows);
  const report = {
    startedAt: startedAt.toISOString(),
    finishedAt: new Date().toISOString(),
    commit: gitCommit(),
    buildMode: mode,
    machine: { cpus: os.cpus().length, cpuModel: os.cpus()[0]?.model, memoryBytes: os.totalmem(), node: process.version, platform: `${os.platform()} ${os.release()}`, busyBeforeLoad: Math.round(busyBefore * 100) / 100, loadAverageAtStart: loadAtStart, loadAverageAtEnd: os.loadavg() },
    settings: { warmUp: WARM_UP, runs: RUNS },
    rows: measured.rows,
    loads: measured.loads,
    scheduling: measured.scheduling,
    fairness: "fairness" in measured ? measured.fairness : null,
    memoryBytes: measured.memory,
    floor: measured.floor,
    soak: measured.soak,
    pageJs: measured.js,
    failedRequests: measured.failedRequests,
  };
  const dir = path.join(root, "tests/bench/results");
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `bench-${startedAt.toISOString().replace(/[:.]/g, "-")}.json`);
  fs.writeFileSync(file, JSON.stringify(report, null, 2) + "\n");
  fs.writeFileSync(path.join(dir, "latest.json"), JSON.stringify(report, null, 2) + "\n");
  console.log(`written: ${path.relative(root, file)} and ${path.relative(root, path.join(dir, "latest.json"))}`);

  if (measured.failedRequests) {
    console.error(`${measured.failedRequests} requests failed: the figures above are not trustworthy.`);
    return 1;
  }
  return 0;
}

main().then(
  (code) => process.exit(code),
  (error) => {
    console.error(error);
    process.exit(1);
  },
);
