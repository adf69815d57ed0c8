/**
 * A small clinic with a bookable schedule, built through the app's clinic-scoped client (RLS
 * applies), for booking, API and workflow tests. Every call makes a new clinic, so test files that
 * share the database never see each other's rows.
 */
import { randomBytes, randomInt } from "node:crypto";
import { zonedToUtc } from "~/lib/zoned-time";
import type { ClinicRef } from "~/modules/scheduling/slots.server";
import type { RoomType } from "~/generated/prisma/enums";
import { createTestClinic, testDb } from "./db";

const ALL_WEEK = { mon: [], tue: [], wed: [], thu: [], fri: [], sat: [], sun: [] };

export interface ScheduleFixtureOptions {
  timeZone?: string;
  currency?: string;
  doctors?: number;
  /** Local wall time of every doctor's shift on every day of the week. */
  shift?: { start: string; end: string; breaks?: { start: string; end: string }[] };
  openingHours?: { open: string; close: string };
  service?: Partial<{
    durationMin: number;
    bufferBeforeMin: number;
    bufferAfterMin: number;
    startGridMin: number;
    minNoticeMin: number;
    horizonDays: number;
    cancellationWindowMin: number;
    requiresApproval: boolean;
    roomType: RoomType | null;
    priceMinor: number;
    visibility: "active" | "inactive" | "seasonal" | "internal_only";
  }>;
  rooms?: { type: RoomType; count: number };
}

export interface ScheduleFixture {
  clinic: ClinicRef & { slug: string };
  locationId: string;
  serviceId: string;
  doctorIds: string[];
  roomIds: string[];
  /** A patient account known to the clinic (proven there, deposits allowed). */
  patientId: string;
  newPatient(): Promise<string>;
}

const minutes = (hhmm: string) => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));

export async function createScheduleFixture(opts: ScheduleFixtureOptions = {}): Promise<ScheduleFixture> {
  const timeZone = opts.timeZone ?? "America/New_York";
  const currency = opts.currency ?? "USD";
  const base = await createTestClinic({ timeZone });
  const db = testDb().forClinic(base.id);
  const open = opts.openingHours ?? { open: "00:00", close: "24:00" };
  const shift = opts.shift ?? { start: "09:00", end: "17:00" };
  const doctorCount = opts.doctors ?? 2;

  const result = await db.tx(async (tx) => {
    await tx.clinic.update({ where: { id: base.id }, data: { currency } });
    const location = await tx.location.create({
      data: {
        clinicId: base.id,
        key: "main",
        name: "Main site",
        addressLine1: "1 Test Street",
        city: "Test City",
        country: "US",
        openingHours: Object.fromEntries(Object.keys(ALL_WEEK).map((d) => [d, [open]])),
      },
    });
    const doctorIds: string[] = [];
    for (let i = 0; i < doctorCount; i++) {
      const user = await tx.staffUser.create({ data: { email: `dr-${randomBytes(6).toString("hex")}@clinic.test`, name: `Dr. Test ${i + 1}`, passwordHash: "not-a-hash" } });
      const m = await tx.clinicMembership.create({ data: { clinicId: base.id, staffUserId: user.id, role: "doctor", specialty: "General practice", workStatus: "active" } });
      doctorIds.push(m.id);
      await tx.doctorLocation.create({ data: { clinicId: base.id, doctorId: m.id, locationId: location.id } });
      for (let weekday = 1; weekday <= 7; weekday++) {
        await tx.availabilityRule.create({
          data: { clinicId: base.id, doctorId: m.id, locationId: location.id, weekday, startMinute: minutes(shift.start), endMinute: minutes(shift.end), breaks: shift.breaks ?? [] },
        });
      }
    }
    const roomIds: string[] = [];
    if (opts.rooms) {
      for (let i = 0; i < opts.rooms.count; i++) {
        const room = await tx.room.create({ data: { clinicId: base.id, locationId: location.id, key: `room-${i + 1}`, name: `Room ${i + 1}`, type: opts.rooms.type } });
        roomIds.push(room.id);
      }
    }
    const s = opts.service ?? {};
    const service = await tx.service.create({
      data: {
        clinicId: base.id,
        key: "consult",
        name: "Consultation",
        durationMin: s.durationMin ?? 30,
        priceMinor: s.priceMinor ?? 10_000,
        bufferBeforeMin: s.bufferBeforeMin ?? 0,
        bufferAfterMin: s.bufferAfterMin ?? 0,
        startGridMin: s.startGridMin ?? 30,
        minNoticeMin: s.minNoticeMin ?? 0,
        horizonDays: s.horizonDays ?? 180,
        cancellationWindowMin: s.cancellationWindowMin ?? 2880,
        requiresApproval: s.requiresApproval ?? false,
        roomType: s.roomType ?? null,
        visibility: s.visibility ?? "active",
      },
    });
    for (const doctorId of doctorIds) await tx.serviceDoctor.create({ data: { clinicId: base.id, serviceId: service.id, doctorId } });
    await tx.serviceLocation.create({ data: { clinicId: base.id, serviceId: service.id, locationId: location.id } });
    return { locationId: location.id, serviceId: service.id, doctorIds, roomIds };
  });

  const newPatient = () =>
    db.tx(async (tx) => {
      const account = await tx.patientAccount.create({ data: { phone: fictitiousPhone(), firstName: "Pat", lastName: "Ient" } });
      // A patient who has booked here online: the record is joined to the account and the clinic may hold their cards.
      await tx.clinicPatient.create({ data: { clinicId: base.id, patientAccountId: account.id, linkedAt: new Date(), linkedBy: "online_booking", depositsAllowedAt: new Date() } });
      return account.id;
    });

  return { clinic: { id: base.id, slug: base.slug, timeZone, currency }, ...result, patientId: await newPatient(), newPatient };
}

/** A number no test has used: patient_accounts.phone is unique platform-wide. */
export function fictitiousPhone() {
  return `+1999${String(randomInt(0, 1_000_000_000)).padStart(9, "0")}`;
}

/** The instant of a local wall time, for readable test setup. */
export function localInstant(timeZone: string, date: string, hhmm: string): Date {
  return zonedToUtc(date, minutes(hhmm), timeZone);
}
