/**
 * A booking's short code and its calendar event survive a move: the receipt, the visit's page, the
 * API, the desk's search and the .ics all name the booking, not the row a move replaced.
 */
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import type { Actor } from "~/lib/actor";
import { bookingCodePrefix } from "~/lib/booking-code";
import { addDays, utcToZoned } from "~/lib/zoned-time";
import { confirmedVisit } from "~/modules/booking-flow/flow.server";
import { appointmentIcs } from "~/modules/booking-flow/ics";
import { serializeAppointment } from "~/modules/api/serialize.server";
import { appointmentPage } from "~/modules/patient-account/appointment-page.server";
import { cancelAppointment, rescheduleAppointment } from "~/modules/scheduling/appointment-changes.server";
import { bookAppointment, getAppointment } from "~/modules/scheduling/booking.server";
import * as patients from "~/routes/panel.patients._index";
import { releaseAppDb, routeDbIsTestDb } from "../support/api-client";
import { testDb } from "../support/db";
import { callPanel, createPanelFixture, type PanelFixture } from "../support/panel-client";
import { localInstant, type ScheduleFixture } from "../support/scheduling";

const desk: Actor = { type: "staff", id: "00000000-0000-4000-8000-0000000000c1" };
const CODE = /^[2-9A-HJKMNP-TV-Z]{5}$/;

let a: PanelFixture;
let b: PanelFixture;

beforeAll(async () => {
  routeDbIsTestDb();
  [a, b] = await Promise.all([createPanelFixture(), createPanelFixture()]);
});
afterAll(releaseAppDb);

function at(f: ScheduleFixture, days: number, hhmm: string) {
  return localInstant(f.clinic.timeZone, addDays(utcToZoned(new Date(), f.clinic.timeZone).date, days), hhmm);
}

const book = (f: ScheduleFixture, start: Date, patientId = f.patientId) =>
  testDb()
    .forClinic(f.clinic.id)
    .tx((tx) => bookAppointment(tx, f.clinic, { serviceId: f.serviceId, practitionerId: f.doctorIds[0]!, start, patient: { patientAccountId: patientId }, channel: "staff" }, desk));

const move = (f: ScheduleFixture, appointmentId: string, start: Date) =>
  testDb()
    .forClinic(f.clinic.id)
    .tx((tx) => rescheduleAppointment(tx, f.clinic, { appointmentId, start }, desk));

const accountClinic = (f: ScheduleFixture) => ({ ...f.clinic, name: "Code Clinic", contactPhone: null });
const ics = async (f: ScheduleFixture, id: string) => appointmentIcs((await appointmentPage(testDb().forClinic(f.clinic.id), accountClinic(f), f.patientId, id, null))!.calendar);
const line = (text: string, name: string) => text.split("\r\n").find((l) => l.startsWith(`${name}:`));

describe("a booking's code", () => {
  test("is short, readable and shown with the clinic's prefix on the receipt, the visit's page and the API", async () => {
    const visit = await book(a, at(a, 6, "09:00"));
    expect(visit.bookingCode).toMatch(CODE);
    const shown = `${bookingCodePrefix(a.clinic.slug)}-${visit.bookingCode}`;
    expect((await confirmedVisit(testDb().forClinic(a.clinic.id), { ...a.clinic, name: "Code Clinic" }, visit.id, a.patientId, null))!.bookingCode).toBe(shown);
    expect((await appointmentPage(testDb().forClinic(a.clinic.id), accountClinic(a), a.patientId, visit.id, null))!.bookingCode).toBe(shown);
    expect(serializeAppointment(visit, a.clinic).bookingCode).toBe(shown);
  });

  test("stays with the booking through two moves; the calendar event keeps its UID and counts up its SEQUENCE", async () => {
    const first = await book(a, at(a, 7, "09:00"));
    const firstIcs = await ics(a, first.id);
    expect(line(firstIcs, "SEQUENCE")).toBe("SEQUENCE:0");

    const moved = await move(a, first.id, at(a, 7, "11:00"));
    const again = await move(a, moved.id, at(a, 8, "14:00"));
    expect(moved.id).not.toBe(first.id);
    expect([moved.bookingCode, again.bookingCode]).toEqual([first.bookingCode, first.bookingCode]);
    expect((await testDb().forClinic(a.clinic.id).tx((tx) => getAppointment(tx, a.clinic, again.id))).bookingCode).toBe(first.bookingCode);

    const movedIcs = await ics(a, moved.id);
    const latest = await ics(a, again.id);
    expect(line(latest, "UID")).toBe(line(firstIcs, "UID"));
    expect(line(movedIcs, "UID")).toBe(line(firstIcs, "UID"));
    expect(line(movedIcs, "SEQUENCE")).toBe("SEQUENCE:1");
    expect(line(latest, "SEQUENCE")).toBe("SEQUENCE:2");
    expect(line(latest, "STATUS")).toBe("STATUS:CONFIRMED");

    // Cancelled, the same event is struck out (and reminds no one).
    await testDb()
      .forClinic(a.clinic.id)
      .tx((tx) => cancelAppointment(tx, a.clinic, { appointmentId: again.id, reason: "patient_request" }, desk));
    const cancelled = await ics(a, again.id);
    expect(line(cancelled, "UID")).toBe(line(firstIcs, "UID"));
    expect(line(cancelled, "STATUS")).toBe("STATUS:CANCELLED");
    expect(cancelled).not.toContain("BEGIN:VALARM");
  });

  test("is unique among a clinic's bookings in use (a code in use is drawn again), not across clinics", async () => {
    const taken = await book(a, at(a, 9, "09:00"));
    const other = await book(a, at(a, 9, "10:00"));
    const db = testDb();
    // Asked for a code in use, the database draws another; another clinic may have the same five characters.
    const [mine, theirs] = await Promise.all([
      db.forClinic(a.clinic.id).tx((tx) => tx.$queryRaw<{ booking_code: string }[]>`
        INSERT INTO appointments (clinic_id, service_id, doctor_id, location_id, patient_account_id, status, starts_at, ends_at, blocked_from, blocked_to, channel, currency, cancellation_window_min, booking_code)
        SELECT clinic_id, service_id, doctor_id, location_id, patient_account_id, 'confirmed', starts_at + interval '3 hours', ends_at + interval '3 hours', blocked_from + interval '3 hours', blocked_to + interval '3 hours', channel, currency, cancellation_window_min, ${taken.bookingCode}
          FROM appointments WHERE clinic_id = ${a.clinic.id}::uuid AND id = ${taken.id}::uuid
        RETURNING booking_code`),
      book(b, at(b, 9, "09:00")).then((visit) =>
        db.forClinic(b.clinic.id).tx((tx) => tx.$queryRaw<{ booking_code: string }[]>`UPDATE appointments SET booking_code = ${taken.bookingCode} WHERE clinic_id = ${b.clinic.id}::uuid AND id = ${visit.id}::uuid RETURNING booking_code`),
      ),
    ]);
    expect(mine[0]!.booking_code).toMatch(CODE);
    expect(mine[0]!.booking_code).not.toBe(taken.bookingCode);
    expect(theirs[0]!.booking_code).toBe(taken.bookingCode);
    // The index holds it too: a change that would give two bookings one code is refused.
    await expect(
      db.forClinic(a.clinic.id).tx((tx) => tx.$executeRaw`UPDATE appointments SET booking_code = ${taken.bookingCode} WHERE clinic_id = ${a.clinic.id}::uuid AND id = ${other.id}::uuid`),
    ).rejects.toThrow(/appointments_booking_code_key|unique/i);
    await expect(db.forClinic(a.clinic.id).tx((tx) => tx.$executeRaw`UPDATE appointments SET booking_code = 'NOR-1' WHERE clinic_id = ${a.clinic.id}::uuid AND id = ${other.id}::uuid`)).rejects.toThrow(
      /appointments_booking_code_format|check/i,
    );
  });
});

describe("the desk's search", () => {
  test("a code read out on the phone opens the booking's current visit, typed in any case with its prefix (a bare word without a digit or dash is searched as a name)", async () => {
    const visit = await book(a, at(a, 10, "09:00"));
    const moved = await move(a, visit.id, at(a, 10, "15:00"));
    for (const q of [`${bookingCodePrefix(a.clinic.slug)}-${visit.bookingCode}`, ` ${bookingCodePrefix(a.clinic.slug)}-${visit.bookingCode} `, `${bookingCodePrefix(a.clinic.slug).toLowerCase()}-${visit.bookingCode.toLowerCase()}`]) {
      const found = await callPanel(patients, `/panel/patients?q=${encodeURIComponent(q)}`, { host: a.host, cookie: a.cookies.secretary });
      expect(found.status, q).toBe(302);
      expect(found.location).toBe(`/panel/appointments/${moved.id}`);
    }
  });

  test("another clinic's code finds nothing, and a name is searched as a name", async () => {
    const theirs = await book(b, at(b, 10, "09:00"));
    await testDb()
      .forClinic(b.clinic.id)
      .tx((tx) => tx.appointment.update({ where: { clinicId_id: { clinicId: b.clinic.id, id: theirs.id } }, data: { bookingCode: "Z9Z9Z" } }));
    const ours = await testDb()
      .forClinic(a.clinic.id)
      .tx((tx) => tx.appointment.count({ where: { clinicId: a.clinic.id, bookingCode: "Z9Z9Z" } }));
    expect(ours).toBe(0);
    const asked = await callPanel<{ patients: unknown[] }>(patients, "/panel/patients?q=Z9Z9Z", { host: a.host, cookie: a.cookies.secretary });
    expect(asked.status).toBe(200);
    expect(asked.data.patients).toEqual([]);
    const byName = await callPanel<{ patients: { name?: string }[] }>(patients, "/panel/patients?q=Ient", { host: a.host, cookie: a.cookies.secretary });
    expect(byName.status).toBe(200);
    expect(byName.data.patients.length).toBeGreaterThan(0);
  });
});
