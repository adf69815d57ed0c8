/**
 * The hold-expiry and waitlist workflows, and the deposit-problem message, run with @inngest/test
 * against the real database. Each sleep moves a test clock to the instant slept until.
 */
import { InngestTestEngine, mockCtx } from "@inngest/test";
import type { InngestFunction } from "inngest";
import { afterAll, beforeAll, describe, expect, inject, test } from "vitest";
import { getDb } from "~/utils/db.server";
import { resetEnvCache } from "~/utils/env.server";
import { createDemoProvider } from "~/modules/payments/demo-provider.server";
import { listDevOutbox } from "~/modules/messaging/dev-outbox.server";
import { ensureDeposit } from "~/modules/payments/deposits.server";
import type { Actor } from "~/lib/actor";
import { bookAppointment, confirmHold, placeHold } from "~/modules/scheduling/booking.server";
import { cancelAppointment } from "~/modules/scheduling/appointment-changes.server";
import { createFlexibleRequest } from "~/modules/scheduling/flexible-requests.server";
import { addDays, utcToZoned } from "~/lib/zoned-time";
import { createDepositProblem } from "~/workflows/deposit-problem.server";
import type { WorkflowDeps } from "~/workflows/deps.server";
import { createHoldExpiry } from "~/workflows/hold-expiry.server";
import { createWaitlistOfferExpiry } from "~/workflows/waitlist-offers.server";
import { testDb } from "../support/db";
import { createScheduleFixture, localInstant, type ScheduleFixture } from "../support/scheduling";

beforeAll(() => {
  // Messages leave through the server's messenger, which keeps them in the development outbox of
  // the server's database (getDb): point it at the test database.
  process.env.DATABASE_URL = inject("runtimeUrl");
  process.env.MIGRATE_DATABASE_URL = inject("ownerUrl");
  resetEnvCache();
});
afterAll(async () => {
  await getDb().disconnect();
  await testDb().disconnect();
});

const api: Actor = { type: "api", id: "00000000-0000-4000-8000-0000000000bb" };

function world(start = new Date()) {
  let t = start.getTime();
  const now = () => new Date(t);
  const deps: WorkflowDeps = { db: testDb, payments: () => createDemoProvider({ now }), now };
  const run = async (fn: InngestFunction.Any, event: { name: string; data: Record<string, unknown> }) => {
    const engine = new InngestTestEngine({
      function: fn,
      transformCtx: (ctx) => {
        const mocked = mockCtx(ctx) as typeof ctx;
        mocked.step.sleepUntil = (async (_id: string, until: Date | string) => {
          t = Math.max(t, new Date(until).getTime());
        }) as typeof mocked.step.sleepUntil;
        return mocked;
      },
    });
    const out = await engine.execute({ events: [event] });
    if ("error" in out && out.error) throw out.error as Error;
    return out.result as Record<string, unknown>;
  };
  return { now, deps, run };
}

const at = (f: ScheduleFixture, days: number, hhmm = "10:00") => localInstant(f.clinic.timeZone, addDays(utcToZoned(new Date(), f.clinic.timeZone).date, days), hhmm);
const statusOf = (f: ScheduleFixture, id: string) =>
  testDb()
    .forClinic(f.clinic.id)
    .tx((tx) => tx.appointment.findUniqueOrThrow({ where: { clinicId_id: { clinicId: f.clinic.id, id } }, select: { status: true } }))
    .then((a) => a.status);

describe("hold expiry", () => {
  test("a hold nobody confirmed is marked expired when it lapses, and announced", async () => {
    const f = await createScheduleFixture({ doctors: 1 });
    const w = world();
    const hold = await testDb()
      .forClinic(f.clinic.id)
      .tx((tx) => placeHold(tx, f.clinic, { serviceId: f.serviceId, practitionerId: f.doctorIds[0]!, start: at(f, 4), heldBy: "browser:abc", channel: "clinic_site" }, api, w.now()));
    const result = await w.run(createHoldExpiry(w.deps), { name: "hold.placed", data: { clinicId: f.clinic.id, holdId: hold.id, expiresAt: hold.expiresAt.toISOString() } });
    expect(w.now().toISOString()).toBe(hold.expiresAt.toISOString());
    expect(result).toMatchObject({ expiredHolds: 1 });
    expect(await statusOf(f, hold.id)).toBe("hold_expired");
    const events = await testDb()
      .forClinic(f.clinic.id)
      .tx((tx) => tx.outboxEvent.count({ where: { clinicId: f.clinic.id, name: "hold.expired" } }));
    expect(events).toBe(1);
  });

  test("a hold confirmed in time is left alone, and the run stops when it is confirmed", async () => {
    const f = await createScheduleFixture({ doctors: 1 });
    const w = world();
    const db = testDb().forClinic(f.clinic.id);
    const hold = await db.tx((tx) => placeHold(tx, f.clinic, { serviceId: f.serviceId, practitionerId: f.doctorIds[0]!, start: at(f, 4), heldBy: "browser:abc", channel: "clinic_site" }, api, w.now()));
    await db.tx((tx) => confirmHold(tx, f.clinic, { holdId: hold.id, heldBy: "browser:abc", patient: { patientAccountId: f.patientId } }, { type: "patient", id: f.patientId }, w.now()));
    const result = await w.run(createHoldExpiry(w.deps), { name: "hold.placed", data: { clinicId: f.clinic.id, holdId: hold.id, expiresAt: hold.expiresAt.toISOString() } });
    expect(result).toMatchObject({ expiredHolds: 0 });
    expect(await statusOf(f, hold.id)).toBe("confirmed");
    const { cancelOn } = (createHoldExpiry() as unknown as { opts: { cancelOn: { event: string; if?: string }[] } }).opts;
    expect(cancelOn).toContainEqual({ event: "appointment.booked", if: "async.data.appointmentId == event.data.holdId" });
  });
});

describe("waitlist offers", () => {
  test("an offer left unanswered lapses and the time is offered to the next request in line", async () => {
    const f = await createScheduleFixture({ doctors: 1 });
    const w = world();
    const db = testDb().forClinic(f.clinic.id);
    const booked = await db.tx((tx) => bookAppointment(tx, f.clinic, { serviceId: f.serviceId, practitionerId: f.doctorIds[0]!, start: at(f, 5), patient: { patientAccountId: f.patientId }, channel: "api" }, api, w.now()));
    const first = await f.newPatient();
    const second = await f.newPatient();
    const ask = (patientAccountId: string) => db.tx((tx) => createFlexibleRequest(tx, f.clinic, { patientAccountId, serviceId: f.serviceId, preferredWeekdays: [] }, { type: "patient", id: patientAccountId }, w.now()));
    const firstRequest = await ask(first);
    const secondRequest = await ask(second);
    await db.tx((tx) => cancelAppointment(tx, f.clinic, { appointmentId: booked.id, reason: "illness" }, api, w.now()));
    const offered = await db.tx((tx) => tx.flexibleRequest.findUniqueOrThrow({ where: { clinicId_id: { clinicId: f.clinic.id, id: firstRequest.id } } }));
    expect(offered.status).toBe("offered");

    const result = await w.run(createWaitlistOfferExpiry(w.deps), {
      name: "flexible_request.offered",
      data: { clinicId: f.clinic.id, requestId: firstRequest.id, proposal: { expiresAt: offered.proposalExpiresAt!.toISOString() } },
    });

    expect(result).toMatchObject({ lapsedOffers: 1, offered: 1 });
    const [a, b] = await db.tx((tx) => Promise.all([firstRequest, secondRequest].map((r) => tx.flexibleRequest.findUniqueOrThrow({ where: { clinicId_id: { clinicId: f.clinic.id, id: r.id } } }))));
    expect(a!.status).toBe("open");
    expect(b).toMatchObject({ status: "offered", proposedStart: booked.start });
    // Each offer expires before the next is made.
    expect(b!.proposalExpiresAt!.getTime()).toBeGreaterThan(offered.proposalExpiresAt!.getTime());
  });
});

describe("deposit problem", () => {
  test("the patient is asked once to update the card, with a link to their cards", async () => {
    const f = await createScheduleFixture({ doctors: 1 });
    await testDb()
      .forClinic(f.clinic.id)
      .tx((tx) => tx.service.update({ where: { clinicId_id: { clinicId: f.clinic.id, id: f.serviceId } }, data: { depositKind: "fixed", depositValue: 2_000 } }));
    // Outside any quiet hours: noon at the clinic.
    const w = world(localInstant(f.clinic.timeZone, utcToZoned(new Date(), f.clinic.timeZone).date, "12:00"));
    const visit = await testDb()
      .forClinic(f.clinic.id)
      .tx((tx) => bookAppointment(tx, f.clinic, { serviceId: f.serviceId, practitionerId: f.doctorIds[0]!, start: at(f, 3), patient: { patientAccountId: f.patientId }, channel: "api" }, api));
    const deposit = (await ensureDeposit(testDb().forClinic(f.clinic.id), "demo", visit.id))!;
    expect(deposit).toMatchObject({ status: "failed", failureCode: "no_card" });
    const event = { name: "deposit.failed", data: { clinicId: f.clinic.id, appointmentId: visit.id, depositId: deposit.id, failureCode: "no_card" } };
    expect(await w.run(createDepositProblem(w.deps), event)).toMatchObject({ deliveries: 1 });
    expect(await w.run(createDepositProblem(w.deps), event)).toMatchObject({ deliveries: 1 });
    const rows = await testDb()
      .forClinic(f.clinic.id)
      .tx((tx) => tx.messageDelivery.findMany({ where: { clinicId: f.clinic.id, kind: "deposit_problem" } }));
    expect(rows).toHaveLength(1);
    expect(rows[0]!.status).toBe("sent");
    const outbox = (await listDevOutbox(testDb(), { limit: 500 })).filter((m) => m.body.includes(`${f.clinic.slug}.`) && m.body.includes("/account/cards"));
    expect(outbox).toHaveLength(1);
    expect(outbox[0]!.body).toMatch(new RegExp(`https?://${f.clinic.slug}\\.[^/]+/account/cards`));
  });
});
