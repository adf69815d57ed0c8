import { randomUUID } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { afterAll, describe, expect, inject, test } from "vitest";
import { normalizePhone } from "~/lib/phone";
import { seedDemoHistory } from "~/seeding/demo-history.server";
import { depositFor } from "~/modules/scheduling/policy";
import { utcToZoned } from "~/lib/zoned-time";
import { minutesOf, parseOpeningHours, WEEKDAYS } from "~/modules/tenancy/opening-hours";
import { importTenantFolder } from "~/modules/tenancy/tenant-import.server";
import { testDb } from "../support/db";

const tenantsDir = path.resolve(import.meta.dirname, "../../tenants");
const scratch = fs.mkdtempSync(path.join(os.tmpdir(), "medslot-demo-history-"));
// A fixed "now", so the demo dates in tenant.json (holidays, time off) fall where the test expects.
const NOW = new Date("2026-11-20T15:07:00Z");
const DAY_MS = 86_400_000;

afterAll(async () => {
  await testDb().disconnect();
  fs.rmSync(scratch, { recursive: true, force: true });
});

/** A demo clinic under a fresh slug, with its own staff emails and domains. */
async function importCopy(source: string) {
  const id = randomUUID().slice(0, 8);
  const slug = `${source}-${id}`;
  const folder = path.join(scratch, slug);
  fs.cpSync(path.join(tenantsDir, source), folder, { recursive: true });
  const definition = JSON.parse(fs.readFileSync(path.join(folder, "tenant.json"), "utf8").replaceAll(`@${source}.test`, `@${slug}.test`)) as Record<string, unknown>;
  definition.slug = slug;
  definition.domains = ((definition.domains as string[] | undefined) ?? []).map((d) => `${id}.${d}`);
  fs.writeFileSync(path.join(folder, "tenant.json"), JSON.stringify(definition));
  return importTenantFolder(testDb(), folder);
}

async function readBack(clinicId: string) {
  return testDb()
    .forClinic(clinicId)
    .tx(async (tx) => ({
      clinic: await tx.clinic.findUniqueOrThrow({ where: { id: clinicId } }),
      appointments: await tx.appointment.findMany({ orderBy: [{ startsAt: "asc" }, { doctorId: "asc" }] }),
      history: await tx.appointmentStatusChange.findMany({ orderBy: [{ appointmentId: "asc" }, { occurredAt: "asc" }, { id: "asc" }] }),
      services: await tx.service.findMany(),
      rules: await tx.availabilityRule.findMany(),
      exceptions: await tx.scheduleException.findMany(),
      locations: await tx.location.findMany(),
      rooms: await tx.room.findMany(),
      memberships: await tx.clinicMembership.findMany({ select: { id: true, role: true, workStatus: true } }),
      clinicPatients: await tx.clinicPatient.findMany(),
    }));
}

describe("seedDemoHistory", () => {
  test.each(["northside", "spree-physio", "silk-road-dental"])("%s: months of visits inside working hours, then nothing on a second run", async (source) => {
    const { clinicId } = await importCopy(source);
    const first = await seedDemoHistory(testDb(), clinicId, { now: NOW });
    expect(first.written).toBe(true);
    expect(first.appointments).toBeGreaterThan(1000);
    expect(first.byStatus.completed).toBeGreaterThan(first.appointments / 2);
    for (const status of ["cancelled", "no_show", "confirmed", "requested"] as const) expect(first.byStatus[status]).toBeGreaterThan(0);

    const second = await seedDemoHistory(testDb(), clinicId, { now: NOW });
    expect(second).toMatchObject({ written: false, appointments: 0 });

    const s = await readBack(clinicId);
    expect(s.appointments).toHaveLength(first.appointments);
    const tz = s.clinic.timeZone;
    const services = new Map(s.services.map((x) => [x.id, x]));
    const locations = new Map(s.locations.map((l) => [l.id, parseOpeningHours(l.openingHours)]));
    const rooms = new Map(s.rooms.map((r) => [r.id, r]));
    const doctors = new Map(s.memberships.filter((m) => m.role === "doctor").map((m) => [m.id, m]));

    // About four months back and three weeks ahead of the clinic's today.
    const starts = s.appointments.map((a) => a.startsAt.getTime());
    expect(Math.min(...starts)).toBeLessThan(NOW.getTime() - 110 * DAY_MS);
    expect(Math.max(...starts)).toBeGreaterThan(NOW.getTime() + 14 * DAY_MS);
    expect(Math.max(...starts)).toBeLessThan(NOW.getTime() + 23 * DAY_MS);

    for (const a of s.appointments) {
      const service = services.get(a.serviceId)!;
      const where = `${a.id} ${a.startsAt.toISOString()}`;
      // Money and policy come from the service, in the clinic's currency.
      expect(a.currency, where).toBe(s.clinic.currency);
      expect(a.cancellationWindowMin, where).toBe(service.cancellationWindowMin);
      expect(a.priceMinor, where).toBe(service.priceMinor);
      expect(a.depositMinor, where).toBe(depositFor(service.priceMinor, service.depositKind, service.depositValue));
      if (service.depositKind === "none") expect(a.paymentStatus, where).toBe("none");
      else expect(a.paymentStatus, where).not.toBe("none");
      // The blocked span is the visit widened by the buffers.
      expect(a.endsAt.getTime() - a.startsAt.getTime(), where).toBe(service.durationMin * 60_000);
      expect(a.startsAt.getTime() - a.blockedFrom.getTime(), where).toBe(service.bufferBeforeMin * 60_000);
      expect(a.blockedTo.getTime() - a.endsAt.getTime(), where).toBe(service.bufferAfterMin * 60_000);
      expect(doctors.has(a.doctorId), where).toBe(true);
      if (service.roomType) expect(rooms.get(a.roomId!), where).toMatchObject({ type: service.roomType, locationId: a.locationId });
      else expect(a.roomId, where).toBeNull();

      // Inside a weekly rule of that doctor at that location, outside its breaks, inside opening hours.
      const from = utcToZoned(a.blockedFrom, tz);
      const to = utcToZoned(a.blockedTo, tz);
      expect(to.date, where).toBe(from.date);
      const start = utcToZoned(a.startsAt, tz);
      expect(start.minutes % service.startGridMin, where).toBe(0);
      const weekday = WEEKDAYS.indexOf(from.weekday) + 1;
      const rule = s.rules.find(
        (r) => r.doctorId === a.doctorId && r.locationId === a.locationId && r.weekday === weekday && r.startMinute <= from.minutes && to.minutes <= r.endMinute,
      );
      const extra = s.exceptions.find((e) => e.kind === "extra_hours" && e.doctorId === a.doctorId && e.startsAt <= a.blockedFrom && a.blockedTo <= e.endsAt);
      expect(rule ?? extra, where).toBeDefined();
      for (const b of (rule?.breaks ?? []) as { start: string; end: string }[]) {
        expect(to.minutes <= minutesOf(b.start) || from.minutes >= minutesOf(b.end), `${where} overlaps the break ${b.start}–${b.end}`).toBe(true);
      }
      const end = utcToZoned(a.endsAt, tz);
      const open = locations.get(a.locationId)![start.weekday].some((p) => minutesOf(p.open) <= start.minutes && end.minutes <= minutesOf(p.close));
      expect(open, `${where} outside opening hours`).toBe(true);
      // Never during a closure or the doctor's time off.
      const away = s.exceptions.find(
        (e) =>
          ((e.kind === "closure" && (e.locationId === null || e.locationId === a.locationId)) || (e.kind === "time_off" && e.doctorId === a.doctorId)) &&
          e.startsAt < a.blockedTo &&
          a.blockedFrom < e.endsAt,
      );
      expect(away?.reason, `${where} during a closure or time off`).toBeUndefined();

      // Outcomes: the past is settled, the future is booked.
      if (a.startsAt < NOW) expect(["completed", "cancelled", "no_show"], where).toContain(a.status);
      else expect(["confirmed", "requested", "cancelled"], where).toContain(a.status);
      if (a.status === "cancelled") {
        expect(a.cancellationReason, where).not.toBeNull();
        expect(a.cancelledBy, where).toMatch(/^(patient|staff):[0-9a-f-]{36}$/);
        expect(a.cancelledAt!.getTime(), where).toBeGreaterThan(a.createdAt.getTime());
        expect(a.cancelledAt!.getTime(), where).toBeLessThan(Math.min(a.startsAt.getTime(), NOW.getTime()));
      } else {
        expect([a.cancellationReason, a.cancelledAt, a.cancelledBy], where).toEqual([null, null, null]);
      }
      expect(a.createdAt.getTime(), where).toBeLessThanOrEqual(a.startsAt.getTime() - service.minNoticeMin * 60_000);
      expect(a.createdAt.getTime(), where).toBeLessThan(NOW.getTime());
      expect(a.patientAccountId, where).not.toBeNull();
      if (service.visibility === "internal_only") expect(a.channel, where).toBe("staff");
      if (a.channel === "api") expect(a.externalRef, where).toMatch(/^PMS-\d+$/);
    }

    // On leave: no visits in the last ten days or the coming weeks.
    for (const [id, doctor] of doctors) {
      if (doctor.workStatus !== "on_leave") continue;
      expect(s.appointments.filter((a) => a.doctorId === id && a.startsAt.getTime() > NOW.getTime() - 9 * DAY_MS)).toEqual([]);
      expect(s.appointments.some((a) => a.doctorId === id)).toBe(true);
    }

    // A channel mix, some visits for dependents, and every patient on the clinic's list.
    expect(new Set(s.appointments.map((a) => a.channel))).toEqual(new Set(["clinic_site", "marketplace", "staff", "api"]));
    expect(s.appointments.some((a) => a.dependentId !== null)).toBe(true);
    expect(new Set(s.clinicPatients.map((p) => p.patientAccountId))).toEqual(new Set(s.appointments.map((a) => a.patientAccountId)));
    // Nobody comes implausibly often.
    const visits = new Map<string, number>();
    for (const a of s.appointments) visits.set(a.patientAccountId!, (visits.get(a.patientAccountId!) ?? 0) + 1);
    expect(Math.max(...visits.values())).toBeLessThan(40);
    // Demo patients have numbers a patient could sign in with.
    const accounts = await testDb()
      .forPlatform()
      .tx((tx) => tx.patientAccount.findMany({ where: { id: { in: [...visits.keys()] } }, select: { phone: true, firstName: true, lastName: true } }));
    for (const a of accounts) {
      expect(normalizePhone(a.phone), a.phone).toEqual({ ok: true, e164: a.phone });
      expect(a.firstName && a.lastName).toBeTruthy();
    }

    // Status history: from nothing to requested or confirmed, ending at the appointment's status.
    const byAppointment = new Map<string, typeof s.history>();
    for (const h of s.history) byAppointment.set(h.appointmentId, [...(byAppointment.get(h.appointmentId) ?? []), h]);
    expect(byAppointment.size).toBe(s.appointments.length);
    for (const a of s.appointments) {
      const steps = byAppointment.get(a.id)!;
      expect(steps[0]).toMatchObject({ fromStatus: null, toStatus: a.status === "requested" ? "requested" : expect.stringMatching(/^(requested|confirmed)$/) });
      expect(steps.at(-1)!.toStatus).toBe(a.status);
      for (let k = 1; k < steps.length; k++) expect(steps[k]!.fromStatus).toBe(steps[k - 1]!.toStatus);
      expect(steps.at(-1)!.occurredAt).toEqual(a.updatedAt);
    }
  });

  test("the dependents booked for belong to the booking account", async () => {
    const { clinicId } = await importCopy("northside");
    await seedDemoHistory(testDb(), clinicId, { now: NOW });
    const booked = await testDb()
      .forClinic(clinicId)
      .tx((tx) => tx.appointment.findMany({ where: { dependentId: { not: null } }, select: { patientAccountId: true, dependentId: true } }));
    const dependents = await testDb()
      .forPlatform()
      .tx((tx) => tx.dependent.findMany({ where: { id: { in: booked.map((b) => b.dependentId!) } }, select: { id: true, patientAccountId: true } }));
    const owner = new Map(dependents.map((d) => [d.id, d.patientAccountId]));
    expect(booked.length).toBeGreaterThan(0);
    for (const b of booked) expect(owner.get(b.dependentId!)).toBe(b.patientAccountId);
  });

  test("the same day's seed writes the same schedule", async () => {
    const { clinicId } = await importCopy("silk-road-dental");
    await seedDemoHistory(testDb(), clinicId, { now: NOW });
    const shape = async () =>
      (await readBack(clinicId)).appointments.map((a) => [a.id, a.serviceId, a.doctorId, a.roomId, a.startsAt.toISOString(), a.status, a.priceMinor, a.channel].join(" "));
    const before = await shape();
    // The runtime role may not delete appointments; the owner clears them to seed again.
    const owner = new pg.Client({ connectionString: inject("ownerUrl") });
    await owner.connect();
    try {
      await owner.query("BEGIN");
      await owner.query("SELECT set_config('app.clinic_id', $1, true)", [clinicId]);
      await owner.query("DELETE FROM appointments WHERE clinic_id = $1", [clinicId]);
      await owner.query("COMMIT");
    } finally {
      await owner.end();
    }
    const again = await seedDemoHistory(testDb(), clinicId, { now: NOW });
    expect(again.written).toBe(true);
    expect(await shape()).toEqual(before);
  });

  test("a clinic with any appointment is left alone", async () => {
    const { clinicId } = await importCopy("spree-physio");
    const later = await seedDemoHistory(testDb(), clinicId, { now: NOW, daysBack: 3, daysAhead: 0 });
    expect(later.written).toBe(true);
    const count = () => testDb().forClinic(clinicId).tx((tx) => tx.appointment.count());
    const before = await count();
    expect(await seedDemoHistory(testDb(), clinicId, { now: new Date(NOW.getTime() + 30 * DAY_MS) })).toMatchObject({ written: false });
    expect(await count()).toBe(before);
  });
});
