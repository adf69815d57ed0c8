/**
 * "My week" on a Sunday, in a clinic whose week starts on Monday, shows the coming week; on the
 * clinic's clock (late Sunday evening in New York is already Monday in UTC), with a fixed clock.
 * A day asked for keeps its own week, and the grid carries every visit's whole name.
 */
import { afterAll, describe, expect, test } from "vitest";
import type { Actor } from "~/lib/actor";
import { doctorDay, weekOf, weekShown } from "~/modules/queue/my-day.server";
import { bookAppointment } from "~/modules/scheduling/booking.server";
import { testDb } from "../support/db";
import { createScheduleFixture, localInstant } from "../support/scheduling";

afterAll(() => testDb().disconnect());

const staff: Actor = { type: "staff", id: "00000000-0000-4000-8000-0000000000c1" };

describe("which week My week shows", () => {
  test("weeks start on Monday", () => {
    expect(weekOf("2027-01-17")).toEqual(["2027-01-11", "2027-01-12", "2027-01-13", "2027-01-14", "2027-01-15", "2027-01-16", "2027-01-17"]);
    expect(weekOf("2027-01-18")[0]).toBe("2027-01-18");
  });
  test("on a Sunday opened without a day: the coming week; a Sunday asked for, or a Saturday: its own week", () => {
    expect(weekShown("2027-01-17", "2027-01-17", false)[0]).toBe("2027-01-18");
    expect(weekShown("2027-01-17", "2027-01-17", true)[0]).toBe("2027-01-11");
    expect(weekShown("2027-01-16", "2027-01-16", false)[0]).toBe("2027-01-11");
  });

  test("on the database: Sunday 23:30 in New York (Monday 04:30 UTC) shows Monday 18 to Sunday 24 January, with the coming Monday's visit and its whole name", async () => {
    const f = await createScheduleFixture({ doctors: 1, timeZone: "America/New_York", shift: { start: "08:00", end: "18:00" }, service: { minNoticeMin: 0, horizonDays: 60 } });
    const sunday = localInstant(f.clinic.timeZone, "2027-01-17", "23:30");
    expect(sunday.toISOString()).toBe("2027-01-18T04:30:00.000Z");
    const patientAccountId = await f.newPatient();
    await testDb()
      .forClinic(f.clinic.id)
      .tx(async (tx) => {
        await tx.patientAccount.update({ where: { id: patientAccountId }, data: { firstName: "Ava", lastName: "Private-Whitfield" } });
        await bookAppointment(tx, f.clinic, { serviceId: f.serviceId, practitionerId: f.doctorIds[0]!, start: localInstant(f.clinic.timeZone, "2027-01-18", "09:30"), patient: { patientAccountId }, channel: "staff" }, staff, new Date("2027-01-10T12:00:00Z"));
      });
    const db = testDb().forClinic(f.clinic.id);
    const view = await doctorDay(db, f.clinic, f.doctorIds[0]!, undefined, staff, sunday);
    expect(view.today).toBe("2027-01-17");
    expect(view.week).toEqual(["2027-01-18", "2027-01-19", "2027-01-20", "2027-01-21", "2027-01-22", "2027-01-23", "2027-01-24"]);
    expect(view.visits.map((v) => [v.date, v.time, v.patientName])).toEqual([["2027-01-18", "09:30", "Ava Private-Whitfield"]]);
    const asked = await doctorDay(db, f.clinic, f.doctorIds[0]!, "2027-01-17", staff, sunday);
    expect(asked.week[0]).toBe("2027-01-11");
    expect(asked.visits).toEqual([]);
  });
});
