/**
 * The deposit workflows, run with @inngest/test against the real database and the demo provider.
 * Time is a test clock: each `step.sleepUntil` moves it to the instant the function sleeps until,
 * as Inngest would, and every step reads it, so the timings around the 5-day threshold and the
 * cancellation window are checked to the minute without waiting for them.
 */
import { InngestTestEngine, mockCtx } from "@inngest/test";
import type { InngestFunction } from "inngest";
import { afterAll, describe, expect, test } from "vitest";
import { saveCard } from "~/modules/payments/cards.server";
import { createDemoProvider } from "~/modules/payments/demo-provider.server";
import { AUTHORIZE_LEAD_MS, depositOf, waiveDeposit } from "~/modules/payments/deposits.server";
import type { Actor } from "~/lib/actor";
import { bookAppointment } from "~/modules/scheduling/booking.server";
import { cancelAppointment, rescheduleAppointment, transitionAppointment } from "~/modules/scheduling/appointment-changes.server";
import { ValidationError } from "~/utils/errors.server";
import { createDepositCardSaved } from "~/workflows/deposit-card-saved.server";
import { createDepositLifecycle } from "~/workflows/deposit-lifecycle.server";
import { createDepositSettle } from "~/workflows/deposit-settle.server";
import type { WorkflowDeps } from "~/workflows/deps.server";
import { testDb } from "../support/db";
import { createScheduleFixture, type ScheduleFixture } from "../support/scheduling";

afterAll(() => testDb().disconnect());

const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;
const WINDOW_MIN = 48 * 60;
const staff: Actor = { type: "staff", id: "00000000-0000-4000-8000-0000000000aa" };

const GOOD_CARD = "4242424242424242";
const INSUFFICIENT_FUNDS = "4000000000009995";

/** A clock the test owns; sleeps move it forward, never back. */
function testClock(start: Date) {
  let t = start.getTime();
  return {
    now: () => new Date(t),
    to(at: Date | string) {
      t = Math.max(t, new Date(at).getTime());
    },
  };
}

interface World {
  f: ScheduleFixture;
  clock: ReturnType<typeof testClock>;
  deps: WorkflowDeps;
  sleeps: { id: string; until: Date }[];
  /** Called when a sleep of this id "passes", after the clock moved. */
  onSleep: Record<string, () => Promise<void>>;
}

async function world(): Promise<World> {
  const f = await createScheduleFixture({ shift: { start: "00:00", end: "24:00" }, service: { priceMinor: 12_000, cancellationWindowMin: WINDOW_MIN, minNoticeMin: 0, startGridMin: 30 } });
  await testDb()
    .forClinic(f.clinic.id)
    .tx((tx) => tx.service.update({ where: { clinicId_id: { clinicId: f.clinic.id, id: f.serviceId } }, data: { depositKind: "fixed", depositValue: 3_000 } }));
  // On the half hour, so the visit starts exactly N days after "now".
  const clock = testClock(new Date(Math.ceil((Date.now() + HOUR) / (30 * MIN)) * 30 * MIN));
  const provider = createDemoProvider({ now: clock.now });
  return { f, clock, deps: { db: testDb, payments: () => provider, now: clock.now }, sleeps: [], onSleep: {} };
}

async function saveTestCard(w: World, number: string, patientId = w.f.patientId) {
  return saveCard(testDb(), w.deps.payments(), { id: patientId, phone: "+19995550100", email: null, name: "Pat Ient" }, { demoCard: { number, expMonth: 12, expYear: new Date().getUTCFullYear() + 3, cvc: "123" } }, { makeDefault: true });
}

function bookIn(w: World, fromNow: number) {
  return testDb()
    .forClinic(w.f.clinic.id)
    .tx((tx) =>
      bookAppointment(tx, w.f.clinic, { serviceId: w.f.serviceId, practitionerId: w.f.doctorIds[0]!, start: new Date(w.clock.now().getTime() + fromNow), patient: { patientAccountId: w.f.patientId }, channel: "staff" }, staff, w.clock.now()),
    );
}

/** Runs a workflow to its end: sleeps pass at once (moving the clock), steps run for real. */
async function run(w: World, fn: InngestFunction.Any, event: { name: string; data: Record<string, unknown> }) {
  const t = engine(w, fn);
  const out = await t.execute({ events: [{ ...event, data: { clinicId: w.f.clinic.id, ...event.data } }] });
  if ("error" in out && out.error) throw out.error as Error;
  return out.result as Record<string, unknown>;
}

function engine(w: World, fn: InngestFunction.Any) {
  return new InngestTestEngine({
    function: fn,
    transformCtx: (ctx) => {
      const mocked = mockCtx(ctx) as typeof ctx;
      const seen = new Set<string>();
      mocked.step.sleepUntil = (async (id: string, until: Date | string) => {
        w.clock.to(until);
        // The function replays from the top for every step; a sleep passes once.
        if (seen.has(id) || w.sleeps.some((s) => s.id === id)) return;
        seen.add(id);
        w.sleeps.push({ id, until: new Date(until) });
        await w.onSleep[id]?.();
      }) as typeof mocked.step.sleepUntil;
      return mocked;
    },
  });
}

const deposit = async (w: World, appointmentId: string) => (await testDb().forClinic(w.f.clinic.id).tx((tx) => depositOf(tx, w.f.clinic.id, appointmentId)))!;
const paymentStatus = async (w: World, appointmentId: string) =>
  (await testDb().forClinic(w.f.clinic.id).tx((tx) => tx.appointment.findUniqueOrThrow({ where: { clinicId_id: { clinicId: w.f.clinic.id, id: appointmentId } }, select: { paymentStatus: true } }))).paymentStatus;
/** What happened to the visit's deposit, in order (it follows the visit when it is moved). */
const actions = async (w: World, appointmentId: string) => {
  const { id } = await deposit(w, appointmentId);
  const events = await testDb()
    .forClinic(w.f.clinic.id)
    .tx((tx) => tx.depositEvent.findMany({ where: { clinicId: w.f.clinic.id, depositId: id }, orderBy: { id: "asc" }, select: { action: true } }));
  return events.map((e) => e.action);
};
const sleepUntil = (w: World, id: string) => w.sleeps.find((s) => s.id === id)?.until.toISOString();

describe("deposit lifecycle", () => {
  test.each([
    { days: 2, authorizesAt: "booking" },
    { days: 4, authorizesAt: "booking" },
    { days: 10, authorizesAt: "5 days before" },
  ])("a visit booked $days days ahead is authorized at $authorizesAt and captured when the window opens", async ({ days }) => {
    const w = await world();
    await saveTestCard(w, GOOD_CARD);
    const bookedAt = w.clock.now();
    const visit = await bookIn(w, days * DAY);
    const checked: string[] = [];
    w.onSleep["wait-for-window"] = async () => {
      // Just before capture: held, not yet taken.
      const d = await deposit(w, visit.id);
      checked.push(d.status, await paymentStatus(w, visit.id));
    };

    const result = await run(w, createDepositLifecycle(w.deps), { name: "appointment.booked", data: { appointmentId: visit.id } });

    const expectedAuthorize = days * DAY <= AUTHORIZE_LEAD_MS ? bookedAt : new Date(visit.start.getTime() - AUTHORIZE_LEAD_MS);
    expect(sleepUntil(w, "wait-to-authorize")).toBe(expectedAuthorize.toISOString());
    expect(sleepUntil(w, "wait-for-window")).toBe(new Date(visit.start.getTime() - WINDOW_MIN * MIN).toISOString());
    expect(checked).toEqual(["authorized", "authorized"]);
    expect(result).toMatchObject({ outcome: "captured" });
    const d = await deposit(w, visit.id);
    expect(d).toMatchObject({ status: "captured", amountMinor: 3_000, authorizedOffSession: true });
    expect(d.authorizedAt!.toISOString()).toBe(expectedAuthorize.toISOString());
    expect(d.capturedAt!.toISOString()).toBe(new Date(visit.start.getTime() - WINDOW_MIN * MIN).toISOString());
    // A hold placed 5 days before lasts beyond the window: no renewal needed.
    expect(d.authorizationExpiresAt!.getTime()).toBeGreaterThan(d.captureAt.getTime());
    expect(await paymentStatus(w, visit.id)).toBe("captured");
  });

  test("running the lifecycle twice captures once", async () => {
    const w = await world();
    await saveTestCard(w, GOOD_CARD);
    const visit = await bookIn(w, 3 * DAY);
    await run(w, createDepositLifecycle(w.deps), { name: "appointment.booked", data: { appointmentId: visit.id } });
    w.sleeps = [];
    const again = await run(w, createDepositLifecycle(w.deps), { name: "appointment.booked", data: { appointmentId: visit.id } });
    expect(again).toMatchObject({ outcome: "none", status: "captured" });
    expect((await actions(w, visit.id)).filter((a) => a === "captured")).toHaveLength(1);
  });

  test("a patient without a card: the deposit fails as no_card and the appointment is flagged", async () => {
    const w = await world();
    const visit = await bookIn(w, 3 * DAY);
    const result = await run(w, createDepositLifecycle(w.deps), { name: "appointment.booked", data: { appointmentId: visit.id } });
    expect(result).toMatchObject({ status: "failed" });
    expect(await deposit(w, visit.id)).toMatchObject({ status: "failed", failureCode: "no_card" });
    expect(await paymentStatus(w, visit.id)).toBe("failed");
  });

  test("the run stops with the visit: cancel, decline, no-show, waiver and a move cancel it, each for its own appointment only", () => {
    const fn = createDepositLifecycle();
    const { cancelOn } = (fn as unknown as { opts: { cancelOn: { event: string; match?: string; if?: string }[] } }).opts;
    for (const event of ["appointment.cancelled", "appointment.declined", "appointment.no_show", "deposit.waived"]) {
      expect(cancelOn).toContainEqual({ event, match: "data.appointmentId" });
    }
    expect(cancelOn).toContainEqual({ event: "appointment.rescheduled", if: "async.data.rescheduledFromId == event.data.appointmentId" });
  });
});

describe("the cancellation window's boundary", () => {
  /** A visit 3 days ahead, authorized, then the clock set `offsetMin` from the deadline. */
  async function authorizedVisit(offsetMin: number) {
    const w = await world();
    await saveTestCard(w, GOOD_CARD);
    const visit = await bookIn(w, 3 * DAY);
    // Stop the lifecycle before it captures: the cancellation comes first.
    const deadline = new Date(visit.start.getTime() - WINDOW_MIN * MIN);
    const lifecycle = engine(w, createDepositLifecycle(w.deps));
    await lifecycle.executeStep("authorize-1", { events: [{ name: "appointment.booked", data: { clinicId: w.f.clinic.id, appointmentId: visit.id } }] });
    expect((await deposit(w, visit.id)).status).toBe("authorized");
    w.clock.to(new Date(deadline.getTime() + offsetMin * MIN));
    return { w, visit, deadline };
  }

  const cancel = (w: World, id: string, actor: Actor, overrideReason: string | null = null) =>
    testDb()
      .forClinic(w.f.clinic.id)
      .tx((tx) => cancelAppointment(tx, w.f.clinic, { appointmentId: id, reason: "patient_request", overrideReason }, actor, w.clock.now()));

  test("1 minute before the window the patient cancels online and the deposit is released", async () => {
    const { w, visit } = await authorizedVisit(-1);
    await cancel(w, visit.id, { type: "patient", id: w.f.patientId });
    const result = await run(w, createDepositSettle(w.deps), { name: "appointment.cancelled", data: { appointmentId: visit.id } });
    expect(result).toMatchObject({ action: "released", status: "released" });
    expect(await paymentStatus(w, visit.id)).toBe("released");
  });

  test("at the window the patient can no longer cancel online, and a cancellation the desk records then captures the deposit", async () => {
    const { w, visit } = await authorizedVisit(0);
    await expect(cancel(w, visit.id, { type: "patient", id: w.f.patientId })).rejects.toThrow(ValidationError);
    await cancel(w, visit.id, staff, "Patient phoned at the deadline");
    const result = await run(w, createDepositSettle(w.deps), { name: "appointment.cancelled", data: { appointmentId: visit.id } });
    expect(result).toMatchObject({ action: "captured", status: "captured" });
  });

  test("after the window a late cancellation captures the deposit, and settling again changes nothing", async () => {
    const { w, visit } = await authorizedVisit(1);
    await cancel(w, visit.id, staff, "Patient phoned after the deadline");
    expect(await run(w, createDepositSettle(w.deps), { name: "appointment.cancelled", data: { appointmentId: visit.id } })).toMatchObject({ action: "captured" });
    expect(await run(w, createDepositSettle(w.deps), { name: "appointment.cancelled", data: { appointmentId: visit.id } })).toMatchObject({ action: "none", status: "captured" });
    expect((await actions(w, visit.id)).filter((a) => a === "captured")).toHaveLength(1);
  });

  test("the clinic's own cancellation inside the window lets the deposit go", async () => {
    const { w, visit } = await authorizedVisit(30);
    await testDb()
      .forClinic(w.f.clinic.id)
      .tx((tx) => cancelAppointment(tx, w.f.clinic, { appointmentId: visit.id, reason: "staff_unavailable", overrideReason: "Doctor is ill" }, staff, w.clock.now()));
    expect(await run(w, createDepositSettle(w.deps), { name: "appointment.cancelled", data: { appointmentId: visit.id } })).toMatchObject({ action: "released" });
  });
});

describe("no-show and waiver", () => {
  test("a no-show captures the deposit", async () => {
    const w = await world();
    await saveTestCard(w, GOOD_CARD);
    const visit = await bookIn(w, 2 * DAY);
    await engine(w, createDepositLifecycle(w.deps)).executeStep("authorize-1", { events: [{ name: "appointment.booked", data: { clinicId: w.f.clinic.id, appointmentId: visit.id } }] });
    w.clock.to(new Date(visit.start.getTime() + 20 * MIN));
    await testDb()
      .forClinic(w.f.clinic.id)
      .tx((tx) => transitionAppointment(tx, w.f.clinic, { appointmentId: visit.id, transition: "no_show" }, staff, w.clock.now()));
    expect(await run(w, createDepositSettle(w.deps), { name: "appointment.no_show", data: { appointmentId: visit.id } })).toMatchObject({ action: "captured" });
    expect(await paymentStatus(w, visit.id)).toBe("captured");
  });

  test("staff waive a captured deposit with a reason: it is refunded and audited; without a reason nothing changes", async () => {
    const w = await world();
    await saveTestCard(w, GOOD_CARD);
    const visit = await bookIn(w, 2 * DAY);
    await run(w, createDepositLifecycle(w.deps), { name: "appointment.booked", data: { appointmentId: visit.id } });
    expect((await deposit(w, visit.id)).status).toBe("captured");

    await expect(waiveDeposit(testDb().forClinic(w.f.clinic.id), w.deps.payments(), { appointmentId: visit.id, reason: " " }, staff)).rejects.toThrow(ValidationError);
    expect((await deposit(w, visit.id)).status).toBe("captured");

    const outcome = await waiveDeposit(testDb().forClinic(w.f.clinic.id), w.deps.payments(), { appointmentId: visit.id, reason: "Stuck in traffic after an accident" }, staff, w.clock.now());
    expect(outcome.action).toBe("refunded");
    expect(await deposit(w, visit.id)).toMatchObject({ status: "refunded", waiveReason: "Stuck in traffic after an accident" });
    expect(await paymentStatus(w, visit.id)).toBe("refunded");
    const audit = await testDb()
      .forClinic(w.f.clinic.id)
      .tx((tx) => tx.auditEvent.findMany({ where: { clinicId: w.f.clinic.id, action: "deposit.waived" } }));
    expect(audit).toHaveLength(1);
  });
});

describe("rescheduling across the 5-day threshold", () => {
  const move = (w: World, id: string, start: Date) =>
    testDb()
      .forClinic(w.f.clinic.id)
      .tx((tx) => rescheduleAppointment(tx, w.f.clinic, { appointmentId: id, start }, staff, w.clock.now()));

  test("moved from 3 to 12 days out: the hold that would lapse is let go and authorized again 5 days before the new time", async () => {
    const w = await world();
    await saveTestCard(w, GOOD_CARD);
    const visit = await bookIn(w, 3 * DAY);
    await engine(w, createDepositLifecycle(w.deps)).executeStep("authorize-1", { events: [{ name: "appointment.booked", data: { clinicId: w.f.clinic.id, appointmentId: visit.id } }] });
    const first = await deposit(w, visit.id);
    expect(first.status).toBe("authorized");

    const newStart = new Date(w.clock.now().getTime() + 12 * DAY);
    const moved = await move(w, visit.id, newStart);
    expect(moved.id).not.toBe(visit.id);
    w.sleeps = [];
    const result = await run(w, createDepositLifecycle(w.deps), { name: "appointment.rescheduled", data: { appointmentId: moved.id, rescheduledFromId: visit.id } });

    expect(sleepUntil(w, "wait-to-authorize")).toBe(new Date(newStart.getTime() - AUTHORIZE_LEAD_MS).toISOString());
    expect(result).toMatchObject({ outcome: "captured" });
    const d = await deposit(w, moved.id);
    expect(d.id).toBe(first.id);
    expect(d.intentRef).not.toBe(first.intentRef);
    expect(d.capturedAt!.toISOString()).toBe(new Date(newStart.getTime() - WINDOW_MIN * MIN).toISOString());
    expect(await actions(w, moved.id)).toEqual(["card_on_file", "authorized", "moved", "hold_renewal", "authorized", "captured"]);
  });

  test("moved from 12 to 3 days out: the deposit waiting for its time is authorized at once", async () => {
    const w = await world();
    await saveTestCard(w, GOOD_CARD);
    const visit = await bookIn(w, 12 * DAY);
    await engine(w, createDepositLifecycle(w.deps)).executeStep("deposit", { events: [{ name: "appointment.booked", data: { clinicId: w.f.clinic.id, appointmentId: visit.id } }] });
    expect((await deposit(w, visit.id)).status).toBe("pending");
    const movedAt = w.clock.now();
    const moved = await move(w, visit.id, new Date(movedAt.getTime() + 3 * DAY));
    w.sleeps = [];
    await run(w, createDepositLifecycle(w.deps), { name: "appointment.rescheduled", data: { appointmentId: moved.id, rescheduledFromId: visit.id } });
    expect(sleepUntil(w, "wait-to-authorize")).toBe(movedAt.toISOString());
    expect((await deposit(w, moved.id)).authorizedAt!.toISOString()).toBe(movedAt.toISOString());
  });
});

describe("a declined off-session authorization", () => {
  test("is flagged and retried; a new card saved by the patient authorizes it before the next retry", async () => {
    const w = await world();
    await saveTestCard(w, INSUFFICIENT_FUNDS);
    const visit = await bookIn(w, 10 * DAY);
    const seen: string[] = [];
    w.onSleep["retry-1"] = async () => {
      const d = await deposit(w, visit.id);
      seen.push(d.status, d.failureCode ?? "", await paymentStatus(w, visit.id));
      // The patient follows the link in the message and saves another card.
      await saveTestCard(w, GOOD_CARD);
      const retried = await run(w, createDepositCardSaved(w.deps), { name: "payment.card_saved", data: { patientAccountId: w.f.patientId } });
      seen.push(JSON.stringify(retried));
    };

    const result = await run(w, createDepositLifecycle(w.deps), { name: "appointment.booked", data: { appointmentId: visit.id } });

    expect(seen.slice(0, 3)).toEqual(["failed", "insufficient_funds", "failed"]);
    expect(JSON.parse(seen[3]!)).toEqual([{ clinicId: w.f.clinic.id, appointmentId: visit.id, outcome: "authorized" }]);
    // The retry a day later found it authorized and left it; the window captured it.
    expect(sleepUntil(w, "retry-1")).toBe(new Date(visit.start.getTime() - AUTHORIZE_LEAD_MS + DAY).toISOString());
    expect(result).toMatchObject({ outcome: "captured" });
    expect(await actions(w, visit.id)).toEqual(["card_on_file", "declined", "authorized", "captured"]);
    const outbox = await testDb()
      .forClinic(w.f.clinic.id)
      .tx((tx) => tx.outboxEvent.findMany({ where: { clinicId: w.f.clinic.id, name: "deposit.failed" } }));
    expect(outbox.map((e) => (e.data as { appointmentId: string }).appointmentId)).toEqual([visit.id]);
  });

  test("a card that keeps failing is tried once a day until the window, then left flagged", async () => {
    const w = await world();
    await saveTestCard(w, INSUFFICIENT_FUNDS);
    const visit = await bookIn(w, 10 * DAY);
    const result = await run(w, createDepositLifecycle(w.deps), { name: "appointment.booked", data: { appointmentId: visit.id } });
    expect(w.sleeps.map((s) => s.id)).toEqual(["wait-to-authorize", "retry-1", "retry-2", "wait-for-window"]);
    expect(result).toMatchObject({ outcome: "none", status: "failed" });
    expect((await deposit(w, visit.id)).authorizationAttempts).toBe(3);
    expect(await paymentStatus(w, visit.id)).toBe("failed");
  });
});
