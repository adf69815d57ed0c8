/**
 * One set of desk numbers: a known mix of visits, deposits and requests, and Today, Desk, Visits
 * and Reports all answer the same requests, card problems and deposits for the same period
 * (today and the next 6 days on the clinic's clock). Edges: the period's last local minute is in
 * and the next local midnight is out; a cancelled visit's failed deposit is not a card problem;
 * another clinic's rows never count.
 */
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import * as today from "~/routes/panel._index";
import * as desk from "~/routes/panel.desk";
import * as visits from "~/routes/panel.visits";
import * as reports from "~/routes/panel.reports._index";
import { addDays, utcToZoned } from "~/lib/zoned-time";
import type { DeskCounts } from "~/modules/reports/desk-counts";
import { countWindow } from "~/modules/reports/desk-counts.server";
import { testDb } from "../support/db";
import { releaseAppDb, routeDbIsTestDb } from "../support/api-client";
import { callPanel, createPanelFixture, type PanelFixture } from "../support/panel-client";
import { localInstant, type ScheduleFixture } from "../support/scheduling";

let f: PanelFixture;
let other: PanelFixture;
beforeAll(async () => {
  routeDbIsTestDb();
  // New York: the period is counted in the clinic's days, not the server's.
  f = await createPanelFixture({ doctors: 2, timeZone: "America/New_York" });
  other = await createPanelFixture({ doctors: 2, timeZone: "America/New_York" });
  await buildMix(f);
  await buildMix(other, { onlyNoise: true });
});
afterAll(releaseAppDb);

type Status = "requested" | "confirmed" | "checked_in" | "cancelled" | "completed" | "rescheduled";
type Deposit = { status: "pending" | "authorized" | "captured" | "released" | "refunded" | "waived" | "failed"; failureCode?: string };

let minute = 0;
async function visit(fx: ScheduleFixture, day: number, hhmm: string, status: Status, deposit?: Deposit, opts: { noDepositRow?: boolean } = {}) {
  const todayLocal = utcToZoned(new Date(), fx.clinic.timeZone).date;
  // Each visit gets its own doctor-minute so no two overlap for the exclusion constraints.
  minute += 1;
  const start = new Date(localInstant(fx.clinic.timeZone, addDays(todayLocal, day), hhmm).getTime() + (minute % 2) * 60_000);
  const end = new Date(start.getTime() + 60_000);
  const doctorId = fx.doctorIds[minute % 2]!;
  return testDb()
    .forClinic(fx.clinic.id)
    .tx(async (tx) => {
      const a = await tx.appointment.create({
        data: {
          clinicId: fx.clinic.id,
          serviceId: fx.serviceId,
          doctorId,
          locationId: fx.locationId,
          patientAccountId: fx.patientId,
          status,
          startsAt: start,
          endsAt: end,
          blockedFrom: start,
          blockedTo: end,
          channel: "staff",
          currency: "USD",
          priceMinor: 10000,
          depositMinor: deposit ? 2500 : 0,
          paymentStatus: deposit ? (deposit.status === "pending" ? "card_saved" : deposit.status) : "none",
          cancellationWindowMin: 1440,
          ...(status === "cancelled" ? { cancellationReason: "patient_request" as const, cancelledAt: new Date() } : {}),
        },
      });
      if (deposit && !opts.noDepositRow)
        await tx.deposit.create({
          data: {
            clinicId: fx.clinic.id,
            id: randomUUID(),
            appointmentId: a.id,
            patientAccountId: fx.patientId,
            provider: "demo",
            status: deposit.status,
            amountMinor: 2500,
            currency: "USD",
            authorizeAt: start,
            captureAt: start,
            failureCode: deposit.failureCode ?? null,
            failureMessage: deposit.status === "failed" ? "The card was declined." : null,
            waiveReason: deposit.status === "waived" || deposit.status === "refunded" ? "Goodwill" : null,
          },
        });
      return a.id;
    });
}

async function flexible(fx: ScheduleFixture, status: "open" | "cancelled") {
  await testDb()
    .forClinic(fx.clinic.id)
    .tx((tx) => tx.flexibleRequest.create({ data: { clinicId: fx.clinic.id, patientAccountId: fx.patientId, serviceId: fx.serviceId, status } }));
}

async function buildMix(fx: ScheduleFixture, opts: { onlyNoise?: boolean } = {}) {
  // Counted: 3 to approve (one also awaits a card), 2 open flexible, 1 declined card + 1 awaiting a card, deposits 1 of each state (failed: 3).
  await visit(fx, 0, "08:00", "requested");
  await visit(fx, 6, "23:58", "requested"); // the period's last local minutes: in
  await visit(fx, 1, "09:00", "confirmed", { status: "failed", failureCode: "card_declined" });
  await visit(fx, 2, "09:00", "requested", { status: "failed", failureCode: "no_card" });
  await visit(fx, 3, "09:00", "cancelled", { status: "failed" }); // a deposit that failed, but the visit is off: no card problem
  await visit(fx, 1, "10:00", "confirmed", { status: "pending" });
  await visit(fx, 2, "10:00", "confirmed", { status: "authorized" });
  await visit(fx, 0, "07:00", "completed", { status: "captured" });
  await visit(fx, 3, "10:00", "cancelled", { status: "released" });
  await visit(fx, 4, "10:00", "cancelled", { status: "refunded" });
  await visit(fx, 5, "10:00", "confirmed", { status: "waived" });
  // As the demo history writes them: the visit's payment status with no deposit row; it counts like any other.
  await visit(fx, 4, "11:00", "completed", { status: "captured" }, { noDepositRow: true });
  // The old half of a moved visit: its deposit went with the move, so it is not counted twice.
  await visit(fx, 5, "11:00", "rescheduled", { status: "authorized" }, { noDepositRow: true });
  await flexible(fx, "open");
  await flexible(fx, "open");
  await flexible(fx, "cancelled"); // withdrawn: not awaiting the desk
  if (opts.onlyNoise) return;
  // Not counted: after the period (the next local midnight), and before today.
  await visit(fx, 7, "00:00", "requested");
  await visit(fx, 8, "09:00", "confirmed", { status: "failed", failureCode: "card_declined" });
  await visit(fx, -1, "09:00", "confirmed", { status: "failed", failureCode: "no_card" });
}

const expected = {
  requests: { approval: 3, flexible: 2, total: 5 },
  cardProblems: { declined: 1, awaitingCard: 1, total: 2 },
  deposits: { pending: 1, authorized: 1, captured: 2, released: 1, refunded: 1, waived: 1, failed: 3, total: 10 },
};

describe("one set of desk numbers", () => {
  test("Today, Desk, Visits and Reports count the same requests, card problems and deposits for the same period", async () => {
    const asOwner = { host: f.host, cookie: f.cookies.owner };
    const t = await callPanel<{ counts: DeskCounts; tiles: { label: string; value: number }[] }>(today, "/panel", asOwner);
    const d = await callPanel<{ counts: DeskCounts; requested: unknown[]; paymentProblems: unknown[] }>(desk, "/panel/desk", asOwner);
    const v = await callPanel<{ counts: DeskCounts }>(visits, "/panel/visits", asOwner);
    const r = await callPanel<{ counts: DeskCounts }>(reports, "/panel/reports?range=last-month", asOwner);
    for (const answer of [t, d, v, r]) expect(answer.status).toBe(200);

    const w = countWindow("America/New_York", new Date());
    for (const [name, counts] of [["today", t.data.counts], ["desk", d.data.counts], ["visits", v.data.counts], ["reports", r.data.counts]] as const) {
      expect({ name, ...counts }).toEqual({ name, period: { first: w.first, last: w.last, label: w.label }, ...expected });
    }
    expect(w.label).toMatch(/^Today and the next 6 days · \w{3} \d{1,2} \w{3} – \w{3} \d{1,2} \w{3}, clinic time \(America\/New_York\)$/);
    // The Today tiles and the desk's own lists say the same numbers.
    expect(t.data.tiles.find((x) => x.label === "Requests to answer")!.value).toBe(5);
    expect(t.data.tiles.find((x) => x.label === "Card problems")!.value).toBe(2);
    expect(d.data.requested).toHaveLength(expected.requests.approval);
    expect(d.data.paymentProblems).toHaveLength(expected.cardProblems.total);
  });

  test("the secretary at the desk gets the same numbers; a doctor's Today shows none of them", async () => {
    const asDesk = { host: f.host, cookie: f.cookies.secretary };
    const d = await callPanel<{ counts: DeskCounts }>(desk, "/panel/desk", asDesk);
    const t = await callPanel<{ counts: DeskCounts }>(today, "/panel", asDesk);
    expect(d.data.counts.cardProblems).toEqual(expected.cardProblems);
    expect(t.data.counts.requests).toEqual(expected.requests);
    const doctor = await callPanel<{ counts: DeskCounts | null }>(today, "/panel", { host: f.host, cookie: f.cookies.doctor });
    expect(doctor.data.counts).toBeNull();
    expect((await callPanel(visits, "/panel/visits", { host: f.host, cookie: f.cookies.doctor })).status).toBe(403);
  });
});
