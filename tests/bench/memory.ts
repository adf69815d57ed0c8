/**
 * The server's resident memory when idle: after start-up and a short warm-up of every kind of
 * request the bench sends (so lazily loaded code is in), before any load, once it has settled.
 */
import http from "node:http";
import { call, load, type Target } from "./load";
import { clinicToday, addDays } from "./scheduling";
import { memoryOf, type BenchServer } from "./server";

const WARM_UP_EACH = 10;
const SETTLE_MS = 2_000;
const SAMPLES = 5;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export interface IdleMemory {
  /** Median of the samples, bytes. */
  rss: number;
  samples: number[];
  warmUpRequests: number;
  warmUpErrors: number;
}

export async function idleMemory(server: BenchServer): Promise<IdleMemory> {
  const { port, bench } = server;
  const pages: Target[] = [
    { port, host: `northside.localhost:${port}`, path: "/" },
    { port, host: `northside.localhost:${port}`, path: "/book" },
    { port, host: `localhost:${port}`, path: "/search?q=dental+cleaning" },
    { port, host: `localhost:${port}`, path: "/healthz" },
  ];
  let requests = 0;
  let errors = 0;
  for (const target of pages) {
    const r = await load(target, { requests: WARM_UP_EACH, concurrency: 1, capMs: 30_000 });
    requests += r.completed + r.errors;
    errors += r.errors;
  }
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const today = clinicToday();
  for (let i = 0; i < WARM_UP_EACH; i++) {
    const path = `/api/v1/slots?serviceId=${bench.serviceId}&from=${addDays(today, i)}&to=${addDays(today, i + 30)}`;
    const a = await call(agent, port, `${bench.slug}.localhost:${port}`, { method: "GET", path, headers: { authorization: `Bearer ${bench.apiKey}` } }, { gzip: true }).catch(() => null);
    requests++;
    if (a?.status !== 200) errors++;
  }
  agent.destroy();

  await sleep(SETTLE_MS);
  const samples: number[] = [];
  for (let i = 0; i < SAMPLES; i++) {
    samples.push(memoryOf(server.pid).rss);
    if (i < SAMPLES - 1) await sleep(1_000);
  }
  const sorted = [...samples].sort((a, b) => a - b);
  return { rss: sorted[Math.floor(sorted.length / 2)]!, samples, warmUpRequests: requests, warmUpErrors: errors };
}
