/**
 * The outbox relay against a stand-in for Inngest's event API (POST {base}/e/{eventKey}), driven
 * through the real Inngest client. The relay claims every clinic's pending rows, so these tests run
 * in a database of their own (when the embedded cluster is in use) to leave other files' rows alone.
 */
import { randomUUID } from "node:crypto";
import http from "node:http";
import type { AddressInfo } from "node:net";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, test, vi } from "vitest";
import { inject } from "vitest";
import { writeOutboxEvent } from "~/modules/outbox/outbox.server";
import { relayOutboxOnce, startOutboxRelay, type OutboxDelivery, type SendOutboxEvents } from "~/modules/outbox/relay.server";
import { createDb, type Db } from "~/utils/db.server";
import { migrate } from "~/utils/migrate.server";
import { createInngestClient } from "~/workflows/client.server";
import { freePort } from "../support/free-port";

interface ReceivedEvent {
  id: string;
  name: string;
  data: Record<string, unknown>;
  ts: number;
}

/** Answers like Inngest's event API; `failWith` makes it refuse every request with that status. */
function startStandIn() {
  const received: ReceivedEvent[] = [];
  const state = { failWith: 0, requests: 0, eventKeys: new Set<string>() };
  const server = http.createServer((req, res) => {
    let body = "";
    req.on("data", (chunk: Buffer) => (body += chunk.toString("utf8")));
    req.on("end", () => {
      state.requests++;
      const match = /^\/e\/([^/]+)$/.exec(req.url ?? "");
      if (req.method !== "POST" || !match) {
        res.writeHead(404, { "content-type": "application/json" }).end(JSON.stringify({ error: "not found", status: 404 }));
        return;
      }
      state.eventKeys.add(match[1]!);
      if (state.failWith) {
        res.writeHead(state.failWith, { "content-type": "application/json" }).end(JSON.stringify({ error: "unavailable", status: state.failWith }));
        return;
      }
      const events = JSON.parse(body) as ReceivedEvent[];
      received.push(...events);
      res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ ids: events.map((e) => e.id), status: 200 }));
    });
  });
  return new Promise<{ url: string; received: ReceivedEvent[]; state: typeof state; close: () => Promise<void> }>((resolve) => {
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as AddressInfo;
      resolve({
        url: `http://127.0.0.1:${port}`,
        received,
        state,
        close: () => new Promise<void>((done) => server.close(() => done())),
      });
    });
  });
}

function clientSend(baseUrl: string): SendOutboxEvents {
  const client = createInngestClient({ INNGEST_EVENT_KEY: "test-event-key", INNGEST_SIGNING_KEY: undefined, INNGEST_BASE_URL: baseUrl, NODE_ENV: "test" });
  return (events) => client.send(events);
}

let db: Db;
let dropDatabase: (() => Promise<void>) | undefined;
let standIn: Awaited<ReturnType<typeof startStandIn>>;
let send: SendOutboxEvents;
let clinicId: string;

function withDatabase(url: string, database: string) {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
}

beforeAll(async () => {
  const superuserUrl = inject("superuserUrl");
  if (superuserUrl) {
    const name = `medslot_relay_${randomUUID().slice(0, 8)}`;
    const ownerUrl = inject("ownerUrl");
    const runtimeUrl = inject("runtimeUrl");
    const ownerRole = decodeURIComponent(new URL(ownerUrl).username);
    const runtimeRole = decodeURIComponent(new URL(runtimeUrl).username);
    const admin = new pg.Client({ connectionString: superuserUrl });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${name} OWNER ${ownerRole}`);
    await admin.end();
    const dbAdmin = new pg.Client({ connectionString: withDatabase(superuserUrl, name) });
    await dbAdmin.connect();
    await dbAdmin.query(`CREATE EXTENSION IF NOT EXISTS btree_gist; CREATE EXTENSION IF NOT EXISTS pg_trgm; REVOKE ALL ON SCHEMA public FROM PUBLIC; ALTER SCHEMA public OWNER TO ${ownerRole}`);
    await dbAdmin.end();
    await migrate({ ownerUrl: withDatabase(ownerUrl, name), runtimeRole });
    db = createDb(withDatabase(runtimeUrl, name), { poolSize: 12 });
    dropDatabase = async () => {
      const c = new pg.Client({ connectionString: superuserUrl });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await c.end();
    };
  } else {
    db = createDb(inject("runtimeUrl"), { poolSize: 12 });
  }
  clinicId = randomUUID();
  await db.forClinic(clinicId).tx((tx) => tx.clinic.create({ data: { id: clinicId, slug: `relay-${clinicId.slice(0, 8)}`, name: "Relay clinic", timeZone: "Europe/Berlin" } }));
  standIn = await startStandIn();
  send = clientSend(standIn.url);
});

afterAll(async () => {
  await standIn?.close();
  await db?.disconnect();
  await dropDatabase?.();
});

async function writeEvents(count: number, name = "appointment.booked") {
  return db.forClinic(clinicId).tx(async (tx) => {
    const ids: string[] = [];
    for (let i = 0; i < count; i++) ids.push((await writeOutboxEvent(tx, { clinicId, name, data: { n: i } })).id);
    return ids;
  });
}

function rows(ids: string[]) {
  return db.system("outbox test").tx((tx) => tx.outboxEvent.findMany({ where: { id: { in: ids } }, orderBy: { createdAt: "asc" } }));
}

function deliveriesOf(ids: string[]) {
  const wanted = new Set(ids);
  return standIn.received.filter((e) => wanted.has(e.id));
}

const farFuture = () => new Date(Date.now() + 24 * 3_600_000);

describe("writeOutboxEvent", () => {
  test("an event written in a transaction that rolls back never exists and is never sent", async () => {
    let id = "";
    await expect(
      db.forClinic(clinicId).tx(async (tx) => {
        id = (await writeOutboxEvent(tx, { clinicId, name: "appointment.booked", data: { appointmentId: "a1" } })).id;
        throw new Error("booking failed");
      }),
    ).rejects.toThrow("booking failed");
    expect(id).not.toBe("");
    expect(await rows([id])).toEqual([]);
    await relayOutboxOnce(db, send, { now: farFuture });
    expect(deliveriesOf([id])).toEqual([]);
  });

  test("names must be dotted and data an object", async () => {
    await expect(db.forClinic(clinicId).tx((tx) => writeOutboxEvent(tx, { clinicId, name: "AppointmentBooked", data: {} }))).rejects.toThrow(/dotted/);
    await expect(db.forClinic(clinicId).tx((tx) => writeOutboxEvent(tx, { clinicId, name: "a.b", data: [] as unknown as Record<string, unknown> }))).rejects.toThrow(/object/);
  });

  test("a clinic cannot write another clinic's events", async () => {
    await expect(db.forClinic(clinicId).tx((tx) => writeOutboxEvent(tx, { clinicId: randomUUID(), name: "appointment.booked", data: {} }))).rejects.toThrow();
  });
});

describe("relayOutboxOnce", () => {
  test("delivers committed events with the row id as the event id, and marks them sent", async () => {
    const ids = await writeEvents(3);
    const before = await rows(ids);
    const result = await relayOutboxOnce(db, send, { now: farFuture });
    expect(result.error).toBeNull();
    expect(result.sent).toBeGreaterThanOrEqual(3);

    const delivered = deliveriesOf(ids);
    expect(delivered.map((e) => e.id).sort()).toEqual([...ids].sort());
    for (const row of before) {
      const event = delivered.find((e) => e.id === row.id)!;
      expect(event.name).toBe("appointment.booked");
      expect(event.data).toEqual({ ...(row.data as object), clinicId });
      expect(event.ts).toBe(row.createdAt.getTime());
    }
    expect(standIn.state.eventKeys.has("test-event-key")).toBe(true);
    for (const row of await rows(ids)) {
      expect(row.sentAt).not.toBeNull();
      expect(row.attempts).toBe(0);
    }

    // Sent rows are never sent again.
    await relayOutboxOnce(db, send, { now: farFuture });
    expect(deliveriesOf(ids)).toHaveLength(3);
  });

  test("when Inngest answers 500 the rows stay pending with back-off, then go out exactly once", async () => {
    await relayOutboxOnce(db, send, { now: farFuture }); // nothing else pending
    const ids = await writeEvents(2, "hold.placed");
    const failedAt = new Date(Date.now() + 1_000);
    standIn.state.failWith = 500;
    try {
      const result = await relayOutboxOnce(db, send, { now: () => failedAt });
      expect(result.sent).toBe(0);
      expect(result.failed).toBeGreaterThanOrEqual(2);
      expect(result.error?.message).toMatch(/500/);
    } finally {
      standIn.state.failWith = 0;
    }
    const pending = await rows(ids);
    for (const row of pending) {
      expect(row.sentAt).toBeNull();
      expect(row.attempts).toBe(1);
      expect(row.lastError).toMatch(/500/);
      // The first retry waits about 2 s (with jitter).
      const wait = row.nextAttemptAt.getTime() - failedAt.getTime();
      expect(wait).toBeGreaterThanOrEqual(1_500);
      expect(wait).toBeLessThanOrEqual(2_500);
    }
    expect(deliveriesOf(ids)).toEqual([]);

    // Not due yet: nothing goes out.
    expect((await relayOutboxOnce(db, send, { now: () => failedAt })).sent).toBe(0);
    expect(deliveriesOf(ids)).toEqual([]);

    // Due and Inngest is back.
    const later = () => new Date(failedAt.getTime() + 3_000);
    await relayOutboxOnce(db, send, { now: later });
    await relayOutboxOnce(db, send, { now: later });
    expect(deliveriesOf(ids).map((e) => e.id).sort()).toEqual([...ids].sort());
    for (const row of await rows(ids)) {
      expect(row.sentAt).not.toBeNull();
      expect(row.lastError).toBeNull();
      expect(row.attempts).toBe(1);
    }
  });

  test("when Inngest is unreachable the rows stay pending, and the back-off grows with each failure", async () => {
    const unreachable = clientSend(`http://127.0.0.1:${await freePort()}`);
    const ids = await writeEvents(1, "reminder.due");
    const t0 = new Date(Date.now() + 1_000);
    const first = await relayOutboxOnce(db, unreachable, { now: () => t0, backoff: (n) => 1_000 * 10 ** n });
    expect(first.error).not.toBeNull();
    let [row] = await rows(ids);
    expect(row!.sentAt).toBeNull();
    expect(row!.attempts).toBe(1);
    expect(row!.nextAttemptAt.getTime() - t0.getTime()).toBe(10_000);
    expect(row!.lastError).toBeTruthy();

    const t1 = new Date(t0.getTime() + 10_000);
    await relayOutboxOnce(db, async () => Promise.reject(new Error("fetch failed")), { now: () => t1, backoff: (n) => 1_000 * 10 ** n });
    [row] = await rows(ids);
    expect(row!.attempts).toBe(2);
    expect(row!.nextAttemptAt.getTime() - t1.getTime()).toBe(100_000);
    expect(row!.lastError).toBe("fetch failed");

    await relayOutboxOnce(db, send, { now: () => new Date(t1.getTime() + 100_000) });
    expect(deliveriesOf(ids)).toHaveLength(1);
    [row] = await rows(ids);
    expect(row!.sentAt).not.toBeNull();
  });

  test("one event Inngest rejects does not hold back the rest of its batch", async () => {
    const ids = await writeEvents(3, "webhook.queued");
    const poison = ids[1]!;
    const picky: SendOutboxEvents = async (events) => {
      if (events.some((e) => e.id === poison)) throw new Error("Inngest API Error: 413 Event payload too large");
      return send(events);
    };
    const result = await relayOutboxOnce(db, picky, { now: farFuture });
    expect(result.failed).toBe(1);
    expect(deliveriesOf(ids).map((e) => e.id).sort()).toEqual([ids[0], ids[2]].sort());
    const poisoned = (await rows([poison]))[0]!;
    expect(poisoned.sentAt).toBeNull();
    expect(poisoned.attempts).toBe(1);
    expect(poisoned.lastError).toMatch(/413/);
    await relayOutboxOnce(db, send, { now: () => new Date(farFuture().getTime() + 3_600_000) });
    expect(deliveriesOf(ids)).toHaveLength(3);
  });

  test("concurrent relays over 200 rows deliver each row exactly once", async () => {
    const ids = await writeEvents(200, "appointment.booked");
    const results = await Promise.all(Array.from({ length: 6 }, () => relayOutboxOnce(db, send, { now: farFuture, batchSize: 40 })));
    // Whatever the first round left (rows another relay held were skipped), a second round sends.
    while ((await rows(ids)).some((r) => r.sentAt === null)) await relayOutboxOnce(db, send, { now: farFuture, batchSize: 40 });
    expect(results.every((r) => r.error === null)).toBe(true);
    const delivered = deliveriesOf(ids).map((e) => e.id);
    expect(delivered).toHaveLength(200);
    expect(new Set(delivered).size).toBe(200);
  });
});

describe("startOutboxRelay", () => {
  test("two relays started together deliver each of 200 rows exactly once", async () => {
    const ids = await writeEvents(200, "queue.called");
    const a = startOutboxRelay(db, { send, batchSize: 25, pollIntervalMs: 10 });
    const b = startOutboxRelay(db, { send, batchSize: 25, pollIntervalMs: 10 });
    try {
      await vi.waitFor(() => expect(new Set(deliveriesOf(ids).map((e) => e.id)).size).toBe(200), { timeout: 20_000, interval: 20 });
    } finally {
      await Promise.all([a.stop(), b.stop()]);
    }
    expect(deliveriesOf(ids)).toHaveLength(200);
    expect((await rows(ids)).every((r) => r.sentAt !== null)).toBe(true);
  });

  test("logs once when delivery starts failing and once when it recovers, and never throws", async () => {
    const warnings: string[] = [];
    const infos: string[] = [];
    vi.spyOn(process.stderr, "write").mockImplementation((chunk) => (warnings.push(String(chunk)), true));
    vi.spyOn(process.stdout, "write").mockImplementation((chunk) => (infos.push(String(chunk)), true));
    let up = false;
    let failures = 0;
    const flaky: SendOutboxEvents = async (events) => {
      if (!up) {
        failures++;
        throw new Error("fetch failed");
      }
      return send(events);
    };
    const [id] = await writeEvents(1, "deposit.authorize_due");
    const relay = startOutboxRelay(db, { send: flaky, pollIntervalMs: 5, backoff: () => 0 });
    try {
      await vi.waitFor(() => expect(failures).toBeGreaterThanOrEqual(5), { timeout: 10_000, interval: 10 });
      up = true;
      await vi.waitFor(() => expect(deliveriesOf([id!])).toHaveLength(1), { timeout: 10_000, interval: 10 });
    } finally {
      await relay.stop();
    }
    expect(warnings.filter((l) => l.includes("outbox relay cannot deliver"))).toHaveLength(1);
    expect(infos.filter((l) => l.includes("outbox relay is delivering events again"))).toHaveLength(1);
  });

  test("survives a database that cannot be reached, logging it once", async () => {
    const warnings: string[] = [];
    vi.spyOn(process.stderr, "write").mockImplementation((chunk) => (warnings.push(String(chunk)), true));
    const broken = createDb(`postgresql://nobody:wrong@127.0.0.1:${await freePort()}/none`, { poolSize: 1 });
    const relay = startOutboxRelay(broken, { send, pollIntervalMs: 5 });
    try {
      await vi.waitFor(() => expect(warnings.some((l) => l.includes("outbox relay cannot read the outbox"))).toBe(true), { timeout: 10_000, interval: 10 });
      await new Promise((r) => setTimeout(r, 100));
    } finally {
      await relay.stop();
      await broken.disconnect();
    }
    expect(warnings.filter((l) => l.includes("outbox relay cannot read the outbox"))).toHaveLength(1);
  });

  test("stop() waits for the batch in flight and nothing is sent afterwards", async () => {
    const [id] = await writeEvents(1, "hold.expired");
    let calls = 0;
    let release: () => void = () => {};
    let started: () => void = () => {};
    const sendStarted = new Promise<void>((r) => (started = r));
    const slow: SendOutboxEvents = async (events: OutboxDelivery[]) => {
      calls++;
      started();
      await new Promise<void>((r) => (release = r));
      return send(events);
    };
    const relay = startOutboxRelay(db, { send: slow, pollIntervalMs: 5 });
    await sendStarted;
    let stopped = false;
    const stopping = relay.stop().then(() => (stopped = true));
    await new Promise((r) => setTimeout(r, 30));
    expect(stopped).toBe(false);
    release();
    await stopping;
    expect(deliveriesOf([id!])).toHaveLength(1);
    expect((await rows([id!]))[0]!.sentAt).not.toBeNull();
    const callsAtStop = calls;
    await new Promise((r) => setTimeout(r, 50));
    expect(calls).toBe(callsAtStop);
  });
});
