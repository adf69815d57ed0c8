/**
 * The live queue on the real database: ticket numbers under concurrent check-ins, the step order
 * (no skipping, no going back except Undo) with the appointment's status following, the patient's
 * own check-in window, positions and waits, "you're next" through the outbox, live notifications
 * only after a commit, and the late-arrival and no-show-proposal workflows on a test clock.
 */
import { InngestTestEngine, mockCtx } from "@inngest/test";
import type { InngestFunction } from "inngest";
import { afterAll, describe, expect, inject, test } from "vitest";
import { createQueueHub, notifyQueue, queueEventStream, STREAM_LIMITS, topicOf, type StreamAudience } from "~/modules/queue/hub.server";
import { nextState, selfCheckInWindow, StepRefused, waitFigures, ticketNumber, type QueueEntry } from "~/modules/queue/rules";
import { boardView, locationQueue, patientQueueView } from "~/modules/queue/queue-views.server";
import { checkIn, queueStep } from "~/modules/queue/tickets.server";
import { boardToken, checkInToken, matchBoardToken, readCheckInToken } from "~/modules/queue/tokens.server";
import type { Actor } from "~/lib/actor";
import { bookAppointment } from "~/modules/scheduling/booking.server";
import { cancelAppointment } from "~/modules/scheduling/appointment-changes.server";
import { ValidationError } from "~/utils/errors.server";
import type { WorkflowDeps } from "~/workflows/deps.server";
import { createQueueLateArrival } from "~/workflows/queue-late-arrival.server";
import { createQueueNoShowProposal } from "~/workflows/queue-no-show-proposal.server";
import { testDb } from "../support/db";
import { createScheduleFixture, localInstant, type ScheduleFixture } from "../support/scheduling";

afterAll(() => testDb().disconnect());

const MIN = 60_000;
const DAY = "2027-03-10";
const desk: Actor = { type: "staff", id: "00000000-0000-4000-8000-0000000000aa" };

async function clinicWithVisits(count: number, opts: { doctors?: number } = {}) {
  const f = await createScheduleFixture({ doctors: opts.doctors ?? 2, shift: { start: "00:00", end: "24:00" }, service: { durationMin: 30, minNoticeMin: 0 }, rooms: { type: "consultation", count: 3 } });
  const at = (hhmm: string) => localInstant(f.clinic.timeZone, DAY, hhmm);
  const bookedAt = new Date(at("00:00").getTime() - 24 * 60 * MIN);
  const visits: { id: string; start: Date; end: Date }[] = [];
  for (let i = 0; i < count; i++) {
    const start = new Date(at("09:00").getTime() + i * 30 * MIN);
    const patientId = i === 0 ? f.patientId : await f.newPatient();
    const v = await testDb()
      .forClinic(f.clinic.id)
      .tx((tx) => bookAppointment(tx, f.clinic, { serviceId: f.serviceId, practitionerId: f.doctorIds[0]!, start, patient: { patientAccountId: patientId }, channel: "staff" }, desk, bookedAt));
    visits.push({ id: v.id, start: v.start, end: v.end });
  }
  return { f, at, visits };
}

const statusOf = (f: ScheduleFixture, id: string) =>
  testDb()
    .forClinic(f.clinic.id)
    .tx((tx) => tx.appointment.findUniqueOrThrow({ where: { clinicId_id: { clinicId: f.clinic.id, id } }, select: { status: true } }))
    .then((a) => a.status);

const history = (f: ScheduleFixture, id: string) =>
  testDb()
    .forClinic(f.clinic.id)
    .tx((tx) => tx.appointmentStatusChange.findMany({ where: { clinicId: f.clinic.id, appointmentId: id }, orderBy: { id: "asc" }, select: { fromStatus: true, toStatus: true } }));

describe("ticket numbers", () => {
  test("eight desks checking eight patients in at once get eight different numbers, 1 to 8", async () => {
    const { f, at, visits } = await clinicWithVisits(8);
    const now = at("08:50");
    // The later visits are hours away: the desk has said yes to checking them in early.
    const results = await Promise.all(visits.map((v) => checkIn(testDb().forClinic(f.clinic.id), f.clinic, { appointmentId: v.id, via: "desk", confirmEarly: true }, desk, { now })));
    expect(results.map((r) => r.number).sort()).toEqual(["A-001", "A-002", "A-003", "A-004", "A-005", "A-006", "A-007", "A-008"]);
  });

  test("two desks checking in the same visit at once: one ticket, the other is told", async () => {
    const { f, at, visits } = await clinicWithVisits(1);
    const tries = await Promise.allSettled([0, 1, 2].map(() => checkIn(testDb().forClinic(f.clinic.id), f.clinic, { appointmentId: visits[0]!.id, via: "desk" }, desk, { now: at("08:55") })));
    expect(tries.filter((t) => t.status === "fulfilled")).toHaveLength(1);
    for (const t of tries) if (t.status === "rejected") expect(t.reason).toBeInstanceOf(ValidationError);
  });

  test("a visit is checked in once; the second try says which number it already has", async () => {
    const { f, at, visits } = await clinicWithVisits(1);
    await checkIn(testDb().forClinic(f.clinic.id), f.clinic, { appointmentId: visits[0]!.id, via: "desk" }, desk, { now: at("08:55") });
    await expect(checkIn(testDb().forClinic(f.clinic.id), f.clinic, { appointmentId: visits[0]!.id, via: "desk" }, desk, { now: at("08:56") })).rejects.toThrow(/Already checked in as A-001/);
  });

  test("only today's visits are checked in at the desk; the clinic's local day decides", async () => {
    const { f, at, visits } = await clinicWithVisits(1);
    // 23:59 the evening before, local time (already the 10th in UTC for New York? no: 04:59 UTC on the 10th).
    await expect(checkIn(testDb().forClinic(f.clinic.id), f.clinic, { appointmentId: visits[0]!.id, via: "desk" }, desk, { now: new Date(at("00:00").getTime() - MIN) })).rejects.toThrow(/only today's visits/);
  });

  test("ticketNumber pads to three digits", () => {
    expect(ticketNumber("A", 12)).toBe("A-012");
    expect(ticketNumber("B", 999)).toBe("B-999");
  });
});

describe("steps", () => {
  test("rules: only the next step, undo one step back, no skipping", () => {
    expect(nextState("waiting", "call")).toBe("called");
    expect(nextState("called", "start")).toBe("in_consultation");
    expect(nextState("in_consultation", "finish")).toBe("done");
    expect(() => nextState("waiting", "start")).toThrow(StepRefused);
    expect(() => nextState("waiting", "finish")).toThrow(StepRefused);
    expect(() => nextState("called", "finish")).toThrow(StepRefused);
    expect(() => nextState("done", "call")).toThrow(StepRefused);
    expect(() => nextState("done", "start")).toThrow(StepRefused);
    expect(nextState("done", "undo")).toBe("in_consultation");
    expect(nextState("in_consultation", "undo")).toBe("called");
    expect(nextState("called", "undo")).toBe("waiting");
    expect(nextState("waiting", "undo")).toBeNull();
    expect(nextState("left", "undo", true)).toBe("called");
    expect(nextState("left", "undo", false)).toBe("waiting");
  });

  test("a visit goes through the day with its appointment status, history and refusals; undo walks back", async () => {
    const { f, at, visits } = await clinicWithVisits(1);
    const id = visits[0]!.id;
    const step = (s: "call" | "start" | "finish" | "undo", now: string, roomId?: string) => queueStep(testDb().forClinic(f.clinic.id), f.clinic, { appointmentId: id, step: s, roomId }, desk, { now: at(now) });
    await checkIn(testDb().forClinic(f.clinic.id), f.clinic, { appointmentId: id, via: "desk" }, desk, { now: at("08:55") });
    expect(await statusOf(f, id)).toBe("checked_in");
    await expect(step("start", "09:00")).rejects.toThrow(ValidationError);
    await expect(step("finish", "09:00")).rejects.toThrow(/call the patient first/);
    await expect(step("call", "09:00")).rejects.toThrow(/Choose a room/);
    expect((await step("call", "09:00", f.roomIds[2])).message).toBe("A-001 called to Room 3.");
    expect(await statusOf(f, id)).toBe("checked_in");
    await step("start", "09:01");
    expect(await statusOf(f, id)).toBe("in_consultation");
    await step("finish", "09:25");
    expect(await statusOf(f, id)).toBe("completed");
    await expect(step("finish", "09:26")).rejects.toThrow(/Undo/);
    await step("undo", "09:27");
    expect(await statusOf(f, id)).toBe("in_consultation");
    await step("undo", "09:27");
    await step("undo", "09:27");
    await step("undo", "09:28");
    expect(await statusOf(f, id)).toBe("confirmed");
    expect((await history(f, id)).map((h) => `${h.fromStatus}>${h.toStatus}`)).toEqual([
      "null>confirmed",
      "confirmed>checked_in",
      "checked_in>in_consultation",
      "in_consultation>completed",
      "completed>in_consultation",
      "in_consultation>checked_in",
      "checked_in>confirmed",
    ]);
    // Checked in again after the undo: a fresh ticket.
    expect((await checkIn(testDb().forClinic(f.clinic.id), f.clinic, { appointmentId: id, via: "desk" }, desk, { now: at("09:29") })).number).toMatch(/^A-00[12]$/);
  });

  test("a room of another location is refused, and a visit of another clinic is not found", async () => {
    const { f, at, visits } = await clinicWithVisits(1);
    const other = await clinicWithVisits(1);
    await checkIn(testDb().forClinic(f.clinic.id), f.clinic, { appointmentId: visits[0]!.id, via: "desk" }, desk, { now: at("08:55") });
    await expect(queueStep(testDb().forClinic(f.clinic.id), f.clinic, { appointmentId: visits[0]!.id, step: "call", roomId: other.f.roomIds[0] }, desk, { now: at("09:00") })).rejects.toThrow(/Choose a room/);
    await expect(checkIn(testDb().forClinic(f.clinic.id), f.clinic, { appointmentId: other.visits[0]!.id, via: "desk" }, desk, { now: at("08:55") })).rejects.toThrow(/no appointment/);
  });

  test("a doctor acts only on their own patients", async () => {
    const { f, at, visits } = await clinicWithVisits(1);
    await expect(checkIn(testDb().forClinic(f.clinic.id), f.clinic, { appointmentId: visits[0]!.id, via: "desk" }, desk, { doctorId: f.doctorIds[1], now: at("08:55") })).rejects.toThrow(/no appointment/);
    await checkIn(testDb().forClinic(f.clinic.id), f.clinic, { appointmentId: visits[0]!.id, via: "desk" }, desk, { now: at("08:55") });
    await expect(queueStep(testDb().forClinic(f.clinic.id), f.clinic, { appointmentId: visits[0]!.id, step: "call", roomId: f.roomIds[0] }, desk, { doctorId: f.doctorIds[1], now: at("09:00") })).rejects.toThrow(/no appointment/);
  });
});

describe("self check-in", () => {
  const start = new Date("2027-03-10T14:00:00Z");
  const end = new Date("2027-03-10T14:30:00Z");
  test.each([
    { at: -60 * MIN - 1, open: false, reason: "too_early" },
    { at: -60 * MIN, open: true },
    { at: 0, open: true },
    { at: 30 * MIN - 1, open: true },
    { at: 30 * MIN, open: false, reason: "too_late" },
  ])("at start $at ms: open $open", ({ at, open, reason }) => {
    const w = selfCheckInWindow(start, end, new Date(start.getTime() + at));
    expect(w.open).toBe(open);
    if (!w.open) expect(w.reason).toBe(reason);
  });

  test("on the database: too early refused, then checked in by the patient, late after the grace period", async () => {
    const { f, at, visits } = await clinicWithVisits(2);
    const patient: Actor = { type: "patient", id: f.patientId };
    await expect(checkIn(testDb().forClinic(f.clinic.id), f.clinic, { appointmentId: visits[0]!.id, via: "self" }, patient, { now: at("07:59") })).rejects.toThrow(/opens an hour before/);
    const r = await checkIn(testDb().forClinic(f.clinic.id), f.clinic, { appointmentId: visits[0]!.id, via: "self" }, patient, { now: at("08:00") });
    expect(r).toMatchObject({ number: "A-001", late: false });
    // The 09:30 visit, 11 minutes after its start.
    expect((await checkIn(testDb().forClinic(f.clinic.id), f.clinic, { appointmentId: visits[1]!.id, via: "self" }, patient, { now: at("09:41") })).late).toBe(true);
    await expect(checkIn(testDb().forClinic(f.clinic.id), f.clinic, { appointmentId: visits[1]!.id, via: "self" }, patient, { now: at("10:00") })).rejects.toThrow(/Already/);
  });

  test("tokens: bound to the clinic and the appointment; altered or foreign ones are refused", async () => {
    const a = "11111111-2222-4333-8444-555555555555";
    const clinicA = "aaaaaaaa-2222-4333-8444-555555555555";
    const clinicB = "bbbbbbbb-2222-4333-8444-555555555555";
    const token = checkInToken(clinicA, a);
    expect(readCheckInToken(clinicA, token)).toBe(a);
    expect(readCheckInToken(clinicB, token)).toBeNull();
    expect(readCheckInToken(clinicA, token.slice(0, -1) + (token.endsWith("0") ? "1" : "0"))).toBeNull();
    expect(readCheckInToken(clinicA, `${"22222222-2222-4333-8444-555555555555"}.${token.split(".")[1]}`)).toBeNull();
    expect(readCheckInToken(clinicA, "nonsense")).toBeNull();
    const board = boardToken(clinicA, a, 1);
    expect(matchBoardToken(clinicA, board, [{ id: a, queueBoardVersion: 1 }])).toBe(a);
    expect(matchBoardToken(clinicA, board, [{ id: a, queueBoardVersion: 2 }])).toBeNull();
    expect(matchBoardToken(clinicB, board, [{ id: a, queueBoardVersion: 1 }])).toBeNull();
  });
});

describe("position and estimated wait", () => {
  const now = new Date("2027-03-10T14:00:00Z");
  const entry = (id: string, state: QueueEntry["state"], startOffsetMin: number, durationMin: number, extra: Partial<QueueEntry> = {}): QueueEntry => ({
    id,
    doctorId: "d1",
    state,
    start: new Date(now.getTime() + startOffsetMin * MIN),
    durationMin,
    checkedInAt: new Date(now.getTime() - 30 * MIN),
    seq: Number(id.replace(/\D/g, "")) || 1,
    startedAt: null,
    ...extra,
  });

  test("hand-computed: the current visit's rest, those called, and those ahead, each for their length", () => {
    const figures = waitFigures(
      [
        // Started 10 minutes ago, 30 long: 20 left.
        entry("t1", "in_consultation", -10, 30, { startedAt: new Date(now.getTime() - 10 * MIN) }),
        entry("t2", "waiting", -20, 15),
        entry("t3", "waiting", -5, 30),
        entry("t4", "waiting", 0, 20),
        // Another doctor's line is separate.
        { ...entry("t5", "waiting", -30, 45), doctorId: "d2" },
      ],
      now,
    );
    expect(figures.get("t2")).toEqual({ position: 1, estimatedWaitMin: 20 });
    expect(figures.get("t3")).toEqual({ position: 2, estimatedWaitMin: 35 });
    expect(figures.get("t4")).toEqual({ position: 3, estimatedWaitMin: 65 });
    expect(figures.get("t5")).toEqual({ position: 1, estimatedWaitMin: 0 });
    expect(figures.has("t1")).toBe(false);
  });

  test("an early arrival waits at least until their own time; an overrun visit counts as ending now", () => {
    const figures = waitFigures([entry("t1", "in_consultation", -60, 30, { startedAt: new Date(now.getTime() - 60 * MIN) }), entry("t2", "called", -30, 10), entry("t3", "waiting", 45, 30)], now);
    expect(figures.get("t3")).toEqual({ position: 1, estimatedWaitMin: 45 });
  });

  test("on the database the desk, the board and the patient agree, and the board shows initials only", async () => {
    const { f, at, visits } = await clinicWithVisits(3);
    const now = at("09:00");
    for (const v of visits) await checkIn(testDb().forClinic(f.clinic.id), f.clinic, { appointmentId: v.id, via: "desk" }, desk, { now });
    await queueStep(testDb().forClinic(f.clinic.id), f.clinic, { appointmentId: visits[0]!.id, step: "call", roomId: f.roomIds[0] }, desk, { now });
    const q = await locationQueue(testDb().forClinic(f.clinic.id), f.clinic, f.locationId, desk, { now });
    const waiting = q.tickets.filter((t) => t.state === "waiting");
    // The called visit (30 min) is ahead of both; the 10:00 visit waits for the 09:30 one too.
    expect(waiting.map((t) => [t.number, t.position, t.estimatedWaitMin])).toEqual([
      ["A-002", 1, 30],
      ["A-003", 2, 60],
    ]);
    const mine = await patientQueueView(testDb().forClinic(f.clinic.id), f.clinic, visits[2]!.id, now);
    expect(mine?.ticket).toMatchObject({ number: "A-003", position: 2, estimatedWaitMin: 60 });
    const board = await boardView(testDb().forClinic(f.clinic.id), f.clinic, f.locationId, now);
    expect(board.called).toEqual([{ number: "A-001", initials: "P. I.", room: "Room 1" }]);
    expect(JSON.stringify(board)).not.toMatch(/Pat|Ient|\+1|"Consultation/);
  });
});

describe("you're next", () => {
  test("the first in line is announced once through the outbox, and the next one when they move up", async () => {
    const { f, at, visits } = await clinicWithVisits(2);
    const now = at("08:55");
    await checkIn(testDb().forClinic(f.clinic.id), f.clinic, { appointmentId: visits[0]!.id, via: "desk" }, desk, { now });
    await checkIn(testDb().forClinic(f.clinic.id), f.clinic, { appointmentId: visits[1]!.id, via: "desk" }, desk, { now });
    const events = () =>
      testDb()
        .forClinic(f.clinic.id)
        .tx((tx) => tx.outboxEvent.findMany({ where: { clinicId: f.clinic.id, name: "queue.youre_next" }, orderBy: { createdAt: "asc" }, select: { data: true } }));
    expect((await events()).map((e) => (e.data as { appointmentId: string }).appointmentId)).toEqual([visits[0]!.id]);
    await queueStep(testDb().forClinic(f.clinic.id), f.clinic, { appointmentId: visits[0]!.id, step: "call", roomId: f.roomIds[0] }, desk, { now });
    await queueStep(testDb().forClinic(f.clinic.id), f.clinic, { appointmentId: visits[0]!.id, step: "undo" }, desk, { now });
    // Back in line first: not announced a second time. The second patient moved up once, when the first was called.
    expect((await events()).map((e) => (e.data as { appointmentId: string }).appointmentId)).toEqual([visits[0]!.id, visits[1]!.id]);
  });
});

describe("live updates", () => {
  /** Reads what arrives within `ms`; a read still waiting at the deadline is kept for the next call, so no chunk is lost. */
  const pendingReads = new WeakMap<ReadableStreamDefaultReader<Uint8Array>, Promise<ReadableStreamReadResult<Uint8Array>>>();
  async function readFor(reader: ReadableStreamDefaultReader<Uint8Array>, ms: number) {
    let text = "";
    const decoder = new TextDecoder();
    const deadline = Date.now() + ms;
    while (Date.now() < deadline) {
      const pending = pendingReads.get(reader) ?? reader.read();
      pendingReads.set(reader, pending);
      const chunk = await Promise.race([pending, new Promise<null>((r) => setTimeout(() => r(null), Math.max(0, deadline - Date.now())))]);
      if (!chunk) break;
      pendingReads.delete(reader);
      if (chunk.done) break;
      text += decoder.decode(chunk.value);
    }
    return text;
  }

  test("a committed change sends an event; a rolled-back one sends none; heartbeats keep the stream open; disconnect cleans up", async () => {
    const { f, at, visits } = await clinicWithVisits(1);
    const hub = createQueueHub(inject("runtimeUrl"));
    try {
      const abort = new AbortController();
      const response = queueEventStream(new Request("http://x.localhost/panel/queue/events", { signal: abort.signal }), topicOf(f.clinic.id, f.locationId), { kind: "staff" }, { hub, heartbeatMs: 200 });
      expect(response.headers.get("Content-Type")).toMatch(/^text\/event-stream/);
      await hub.ready();
      const reader = response.body!.getReader();
      expect(await readFor(reader, 100)).toMatch(/^retry: \d+\n/);

      await testDb()
        .forClinic(f.clinic.id)
        .tx(async (tx) => {
          await notifyQueue(tx, { clinicId: f.clinic.id, locationId: f.locationId, kind: "ticket" });
          throw new Error("roll back");
        })
        .catch(() => {});
      const afterRollback = await readFor(reader, 500);
      expect(afterRollback).not.toMatch(/event: queue/);
      expect(afterRollback).toMatch(/: heartbeat/);

      await checkIn(testDb().forClinic(f.clinic.id), f.clinic, { appointmentId: visits[0]!.id, via: "desk" }, desk, { now: at("08:55") });
      const afterCommit = await readFor(reader, 1_000);
      expect(afterCommit).toMatch(/event: queue\ndata: \{"kind":"ticket","at":"[^"]+"\}/);
      // Nothing about the patient travels in the event.
      expect(afterCommit).not.toMatch(/Pat|Ient|A-001/);

      expect(hub.size()).toBe(1);
      abort.abort();
      expect(hub.size()).toBe(0);
    } finally {
      await hub.close();
    }
  });

  test("another clinic's or location's changes do not reach the stream; the hub is bounded", async () => {
    const { f } = await clinicWithVisits(0);
    const hub = createQueueHub(inject("runtimeUrl"), { limits: { staffTotal: 1 } });
    try {
      const abort = new AbortController();
      const response = queueEventStream(new Request("http://x.localhost/", { signal: abort.signal }), topicOf(f.clinic.id, f.locationId), { kind: "staff" }, { hub });
      await hub.ready();
      const reader = response.body!.getReader();
      await readFor(reader, 50);
      const otherClinic = "cccccccc-2222-4333-8444-555555555555";
      await testDb()
        .forClinic(f.clinic.id)
        .tx((tx) => notifyQueue(tx, { clinicId: otherClinic, locationId: f.locationId, kind: "ticket" }));
      expect(await readFor(reader, 400)).not.toMatch(/event: queue/);
      const full = queueEventStream(new Request("http://x.localhost/"), topicOf(f.clinic.id, "*"), { kind: "staff" }, { hub });
      expect(full.status).toBe(503);
      abort.abort();
    } finally {
      await hub.close();
    }
  });

  test("public screens fill only their own pool and topic: staff screens and other topics still connect", async () => {
    const { f } = await clinicWithVisits(0);
    const hub = createQueueHub(inject("runtimeUrl"), { limits: { publicPerLink: 1_000, publicPerIp: 1_000 } });
    const aborts: AbortController[] = [];
    try {
      const open = (topic: string, audience: StreamAudience) => {
        const abort = new AbortController();
        aborts.push(abort);
        return queueEventStream(new Request("http://x.localhost/", { signal: abort.signal }), topic, audience, { hub });
      };
      const board = topicOf(f.clinic.id, f.locationId);
      const screen = (i: number): StreamAudience => ({ kind: "public", link: `board:${i}`, ip: `198.51.100.${i % 250}` });
      for (let i = 0; i < STREAM_LIMITS.publicPerTopic; i++) expect(open(board, screen(i)).status).toBe(200);
      expect(open(board, screen(999)).status).toBe(503);
      expect(open(topicOf(f.clinic.id, "*"), screen(1)).status).toBe(200);
      expect(open(board, { kind: "staff" }).status).toBe(200);
    } finally {
      for (const a of aborts) a.abort();
      await hub.close();
    }
  });
});

describe("workflows", () => {
  function engine(fn: InngestFunction.Any, clock: { t: number }, sleeps: { id: string; until: string }[]) {
    return new InngestTestEngine({
      function: fn,
      transformCtx: (ctx) => {
        const mocked = mockCtx(ctx) as typeof ctx;
        mocked.step.sleepUntil = (async (id: string, until: Date | string) => {
          clock.t = Math.max(clock.t, new Date(until).getTime());
          if (!sleeps.some((s) => s.id === id)) sleeps.push({ id, until: new Date(until).toISOString() });
        }) as typeof mocked.step.sleepUntil;
        return mocked;
      },
    });
  }

  async function run(fn: (deps: WorkflowDeps) => InngestFunction.Any, f: ScheduleFixture, visit: { id: string; start: Date; end: Date }, startAt: Date) {
    const clock = { t: startAt.getTime() };
    const sleeps: { id: string; until: string }[] = [];
    const deps: WorkflowDeps = { db: testDb, payments: () => { throw new Error("not used"); }, now: () => new Date(clock.t) };
    const out = await engine(fn(deps), clock, sleeps).execute({
      events: [{ name: "appointment.booked", data: { clinicId: f.clinic.id, appointmentId: visit.id, status: "confirmed", start: visit.start.toISOString(), end: visit.end.toISOString() } }],
    });
    if ("error" in out && out.error) throw out.error as Error;
    return { result: out.result as Record<string, unknown>, sleeps };
  }

  const flags = (f: ScheduleFixture, id: string) =>
    testDb()
      .forClinic(f.clinic.id)
      .tx((tx) => tx.appointment.findUniqueOrThrow({ where: { clinicId_id: { clinicId: f.clinic.id, id } }, select: { lateAt: true, noShowProposedAt: true, status: true } }));

  test("not checked in 10 minutes after the start: flagged late, at exactly start + 10 min", async () => {
    const { f, at, visits } = await clinicWithVisits(1);
    const { result, sleeps } = await run(createQueueLateArrival, f, visits[0]!, at("08:00"));
    expect(sleeps).toEqual([{ id: "wait-for-grace", until: at("09:10").toISOString() }]);
    expect(result).toEqual({ flagged: true });
    expect((await flags(f, visits[0]!.id)).lateAt?.toISOString()).toBe(at("09:10").toISOString());
  });

  test("checked in in time: not flagged", async () => {
    const { f, at, visits } = await clinicWithVisits(1);
    await checkIn(testDb().forClinic(f.clinic.id), f.clinic, { appointmentId: visits[0]!.id, via: "desk" }, desk, { now: at("08:58") });
    const { result } = await run(createQueueLateArrival, f, visits[0]!, at("08:00"));
    expect(result).toMatchObject({ flagged: false });
    expect((await flags(f, visits[0]!.id)).lateAt).toBeNull();
  });

  test("not checked in by the end: proposed as a no-show, never marked", async () => {
    const { f, at, visits } = await clinicWithVisits(1);
    const { result, sleeps } = await run(createQueueNoShowProposal, f, visits[0]!, at("08:00"));
    expect(sleeps).toEqual([{ id: "wait-for-end", until: at("09:30").toISOString() }]);
    expect(result).toEqual({ proposed: true });
    const after = await flags(f, visits[0]!.id);
    expect(after.status).toBe("confirmed");
    expect(after.noShowProposedAt?.toISOString()).toBe(at("09:30").toISOString());
    // Checking in clears the proposal.
    await checkIn(testDb().forClinic(f.clinic.id), f.clinic, { appointmentId: visits[0]!.id, via: "desk" }, desk, { now: at("09:31") });
    expect((await flags(f, visits[0]!.id)).noShowProposedAt).toBeNull();
  });

  test("a cancelled visit is neither flagged nor proposed (and the functions cancel on cancellation and moves)", async () => {
    const { f, at, visits } = await clinicWithVisits(1);
    await testDb()
      .forClinic(f.clinic.id)
      .tx((tx) => cancelAppointment(tx, f.clinic, { appointmentId: visits[0]!.id, reason: "patient_request", overrideReason: "called in" }, desk, at("07:00")));
    expect((await run(createQueueLateArrival, f, visits[0]!, at("08:00"))).result).toMatchObject({ flagged: false });
    expect((await run(createQueueNoShowProposal, f, visits[0]!, at("08:00"))).result).toMatchObject({ proposed: false });
    const late = createQueueLateArrival() as unknown as { opts: { cancelOn: { event: string }[] } };
    expect(late.opts.cancelOn.map((c) => c.event)).toEqual(expect.arrayContaining(["appointment.cancelled", "appointment.rescheduled"]));
  });
});
