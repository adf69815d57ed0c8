/**
 * The availability cache against real PostgreSQL: every kind of change that frees or takes time
 * shows in the next answer — in the process that made it at once, in another process (a second Db
 * standing for a second server) and after a write from outside the app — holds free their time by
 * the clock, and cached answers equal answers computed afresh inside a transaction.
 */
import { randomUUID } from "node:crypto";
import { gunzipSync } from "node:zlib";
import pg from "pg";
import { afterAll, describe, expect, inject, test } from "vitest";
import { searchSlots } from "~/modules/api/slot-search.server";
import type { Actor } from "~/lib/actor";
import { bookAppointment, placeHold } from "~/modules/scheduling/booking.server";
import { cancelAppointment } from "~/modules/scheduling/appointment-changes.server";
import { findSlotDays, findSlots, findSlotsIn, type SlotSearch } from "~/modules/scheduling/slots.server";
import type { Slot } from "~/modules/scheduling/slot-engine";
import { addDays, utcToZoned } from "~/lib/zoned-time";
import { createDb } from "~/utils/db.server";
import { NotFoundError } from "~/utils/errors.server";
import { testDb } from "../support/db";
import { createScheduleFixture, localInstant, type ScheduleFixture } from "../support/scheduling";

const otherProcess = createDb(inject("runtimeUrl"), { poolSize: 4 });
afterAll(async () => {
  await otherProcess.disconnect();
  await testDb().disconnect();
});

const api: Actor = { type: "api", id: "00000000-0000-4000-8000-000000000002" };

function day(f: ScheduleFixture, days: number) {
  return addDays(utcToZoned(new Date(), f.clinic.timeZone).date, days);
}

/** Three local days starting `days` from today. */
function window(f: ScheduleFixture, days: number, extra: Partial<SlotSearch> = {}): SlotSearch {
  return { serviceId: f.serviceId, from: localInstant(f.clinic.timeZone, day(f, days), "00:00"), to: localInstant(f.clinic.timeZone, day(f, days + 3), "00:00"), audience: "staff", ...extra };
}

const starts = (slots: Slot[], doctorId?: string) => slots.filter((s) => !doctorId || s.doctorId === doctorId).map((s) => s.start.toISOString());

/** Waits until the cache has read the log at least once (it reads without the cache before). */
async function warm(db = testDb()) {
  db.changes.start();
  await expect.poll(() => db.changes.fresh, { timeout: 5_000 }).toBe(true);
}

const book = (f: ScheduleFixture, start: Date, doctor = 0, db = testDb()) =>
  db
    .forClinic(f.clinic.id)
    .tx((tx) => bookAppointment(tx, f.clinic, { serviceId: f.serviceId, practitionerId: f.doctorIds[doctor]!, start, patient: { patientAccountId: f.patientId }, channel: "api" }, api));

describe("in the process that makes the change", () => {
  test("a booking, then its cancellation, show in the very next answer", async () => {
    const f = await createScheduleFixture({ doctors: 1 });
    await warm();
    const search = window(f, 2);
    const before = await findSlots(testDb().forClinic(f.clinic.id), f.clinic, search);
    const days = await findSlotDays(testDb().forClinic(f.clinic.id), f.clinic, search);
    expect(days.every((d) => d.day !== null), "answered from the cache").toBe(true);
    const start = localInstant(f.clinic.timeZone, day(f, 3), "11:00");
    expect(starts(before)).toContain(start.toISOString());

    const booked = await book(f, start);
    const after = await findSlots(testDb().forClinic(f.clinic.id), f.clinic, search);
    expect(starts(after)).not.toContain(start.toISOString());
    expect(after.length).toBeLessThan(before.length);

    await testDb()
      .forClinic(f.clinic.id)
      .tx((tx) => cancelAppointment(tx, f.clinic, { appointmentId: booked.id, reason: "patient_request" }, api));
    expect(starts(await findSlots(testDb().forClinic(f.clinic.id), f.clinic, search))).toEqual(starts(before));
  });

  test("a schedule change (setup) shows at once, and only for its clinic", async () => {
    const f = await createScheduleFixture({ doctors: 1 });
    const g = await createScheduleFixture({ doctors: 1 });
    await warm();
    const search = window(f, 2);
    const before = await findSlots(testDb().forClinic(f.clinic.id), f.clinic, search);
    const otherBefore = await findSlotDays(testDb().forClinic(g.clinic.id), g.clinic, window(g, 2));
    // The doctor now stops at 12:00 every day.
    await testDb()
      .forClinic(f.clinic.id)
      .tx((tx) => tx.availabilityRule.updateMany({ where: { clinicId: f.clinic.id }, data: { endMinute: 12 * 60 } }));
    const after = await findSlots(testDb().forClinic(f.clinic.id), f.clinic, search);
    expect(after.length).toBeGreaterThan(0);
    expect(after.length).toBeLessThan(before.length);
    expect(after.every((s) => utcToZoned(s.end, f.clinic.timeZone).minutes <= 12 * 60)).toBe(true);
    // The other clinic's cached days were not touched.
    const otherAfter = await findSlotDays(testDb().forClinic(g.clinic.id), g.clinic, window(g, 2));
    expect(otherAfter.map((d) => d.day)).toEqual(otherBefore.map((d) => d.day));
  });

  test("an internal-only service cached for staff is still refused to the public", async () => {
    const f = await createScheduleFixture({ doctors: 1, service: { visibility: "internal_only" } });
    await warm();
    expect((await findSlots(testDb().forClinic(f.clinic.id), f.clinic, window(f, 2))).length).toBeGreaterThan(0);
    await expect(findSlots(testDb().forClinic(f.clinic.id), f.clinic, window(f, 2, { audience: "public" }))).rejects.toBeInstanceOf(NotFoundError);
  });
});

describe("across processes and writers", () => {
  test("a booking made by another process reaches this one's cache", async () => {
    const f = await createScheduleFixture({ doctors: 1 });
    await warm();
    await warm(otherProcess);
    const search = window(f, 4);
    const start = localInstant(f.clinic.timeZone, day(f, 5), "14:00");
    expect(starts(await findSlots(testDb().forClinic(f.clinic.id), f.clinic, search))).toContain(start.toISOString());
    await book(f, start, 0, otherProcess);
    await expect.poll(async () => starts(await findSlots(testDb().forClinic(f.clinic.id), f.clinic, search)), { timeout: 5_000 }).not.toContain(start.toISOString());
  });

  test("a closure written by plain SQL outside the app is read from the log", async () => {
    const f = await createScheduleFixture({ doctors: 1 });
    await warm();
    const search = window(f, 6);
    expect((await findSlots(testDb().forClinic(f.clinic.id), f.clinic, search)).length).toBeGreaterThan(0);
    const client = new pg.Client({ connectionString: inject("ownerUrl") });
    await client.connect();
    try {
      await client.query("BEGIN");
      await client.query("SELECT set_config('app.clinic_id', $1, true)", [f.clinic.id]);
      await client.query(`INSERT INTO schedule_exceptions (clinic_id, kind, starts_at, ends_at, reason) VALUES ($1, 'closure', $2, $3, 'Burst pipe')`, [
        f.clinic.id,
        search.from,
        search.to,
      ]);
      await client.query("COMMIT");
    } finally {
      await client.end();
    }
    await expect.poll(async () => (await findSlots(testDb().forClinic(f.clinic.id), f.clinic, search)).length, { timeout: 5_000 }).toBe(0);
  });
});

test("a hold blocks its time until it runs out, with no write when it does", async () => {
  const f = await createScheduleFixture({ doctors: 1 });
  await warm();
  const search = window(f, 2);
  const start = localInstant(f.clinic.timeZone, day(f, 3), "10:00");
  // A hold placed "10 minutes minus 2 seconds ago" runs out two seconds from now.
  const placedAt = new Date(Date.now() - 10 * 60_000 + 2_000);
  await testDb()
    .forClinic(f.clinic.id)
    .tx((tx) => placeHold(tx, f.clinic, { serviceId: f.serviceId, practitionerId: f.doctorIds[0]!, start, heldBy: `session:${randomUUID()}`, channel: "clinic_site" }, api, placedAt));
  expect(starts(await findSlots(testDb().forClinic(f.clinic.id), f.clinic, search))).not.toContain(start.toISOString());
  await expect.poll(async () => starts(await findSlots(testDb().forClinic(f.clinic.id), f.clinic, search)), { timeout: 6_000, interval: 250 }).toContain(start.toISOString());
});

test("answers from the cache equal answers computed afresh, for windows cut anywhere", async () => {
  const f = await createScheduleFixture({ doctors: 2, service: { minNoticeMin: 90, horizonDays: 10 } });
  await warm();
  const zone = f.clinic.timeZone;
  for (const [d, hour] of [
    [0, "13:00"],
    [1, "09:30"],
    [4, "16:45"],
  ] as const) {
    await book(f, localInstant(zone, day(f, d + 1), hour), d % 2).catch(() => {});
  }
  const windows: SlotSearch[] = [
    { serviceId: f.serviceId, from: new Date(), to: new Date(Date.now() + 12 * 86_400_000), audience: "staff" },
    { serviceId: f.serviceId, from: localInstant(zone, day(f, 1), "10:07"), to: localInstant(zone, day(f, 3), "15:00"), audience: "staff" },
    { serviceId: f.serviceId, from: localInstant(zone, day(f, 2), "00:00"), to: localInstant(zone, day(f, 9), "00:00"), practitionerId: f.doctorIds[1]!, audience: "staff" },
    { serviceId: f.serviceId, from: localInstant(zone, day(f, 8), "12:00"), to: localInstant(zone, day(f, 14), "00:00"), locationId: f.locationId, audience: "staff" },
  ];
  for (const w of windows) {
    const now = new Date();
    // Twice: the first fills the cache, the second answers from it.
    for (let i = 0; i < 2; i++) {
      const cached = await findSlots(testDb().forClinic(f.clinic.id), f.clinic, w, now);
      const fresh = await testDb()
        .forClinic(f.clinic.id)
        .tx((tx) => findSlotsIn(tx, f.clinic, w, now));
      expect(cached).toEqual(fresh);
    }
  }
});

test("a slots answer's gzip form is its JSON, before and after a booking changes one of its days", async () => {
  const f = await createScheduleFixture({ doctors: 1 });
  await warm();
  const request = {
    db: testDb().forClinic(f.clinic.id),
    clinic: { ...f.clinic, name: "Fixture" },
    caller: { kind: "api-key" as const, apiKeyId: randomUUID(), name: "test" },
    actor: api,
    audience: "staff" as const,
  };
  const query = { serviceId: f.serviceId, from: day(f, 1), to: day(f, 8) };
  const read = async () => {
    const answer = await searchSlots(request, query);
    const json = answer.plain().toString("utf8");
    expect(gunzipSync(answer.gzip()).toString("utf8")).toBe(json);
    return JSON.parse(json) as { slots: { start: string }[] };
  };
  const before = await read();
  expect((await read()).slots).toEqual(before.slots);
  const taken = before.slots[Math.floor(before.slots.length / 2)]!.start;
  await book(f, new Date(taken));
  const after = await read();
  expect(after.slots.length).toBeGreaterThan(0);
  expect(after.slots.map((s) => s.start)).not.toContain(taken);
  expect(after.slots.length).toBeLessThan(before.slots.length);
});

test("a booking makes stale only the days its time can reach", async () => {
  const f = await createScheduleFixture({ doctors: 1, shift: { start: "00:00", end: "24:00" } });
  await warm();
  const search = { serviceId: f.serviceId, from: localInstant(f.clinic.timeZone, day(f, 4), "00:00"), to: localInstant(f.clinic.timeZone, day(f, 9), "00:00"), audience: "staff" as const };
  const byDate = async () => new Map((await findSlotDays(testDb().forClinic(f.clinic.id), f.clinic, search)).map((d) => [d.day!.date, d.day!]));
  const before = await byDate();
  await book(f, localInstant(f.clinic.timeZone, day(f, 5), "12:00"));
  const afterNoon = await byDate();
  expect(afterNoon.get(day(f, 5))).not.toBe(before.get(day(f, 5)));
  for (const d of [4, 6, 7, 8]) expect(afterNoon.get(day(f, d)), `day ${d}`).toBe(before.get(day(f, d)));
  // Just before midnight, the visit's reach crosses into the next day.
  await book(f, localInstant(f.clinic.timeZone, day(f, 7), "23:30"));
  const afterLate = await byDate();
  expect(afterLate.get(day(f, 7))).not.toBe(afterNoon.get(day(f, 7)));
  expect(afterLate.get(day(f, 8))).not.toBe(afterNoon.get(day(f, 8)));
  expect(afterLate.get(day(f, 6))).toBe(afterNoon.get(day(f, 6)));
});
