/**
 * "Book again" from a past or cancelled visit, and "Tell me if an earlier time frees up" on a fully
 * booked day: the same choices carried into the booking flow, the same waitlist the flexible
 * requests use (joined once, offered freed times), and nothing of another clinic or patient usable.
 */
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { addDays, utcToZoned } from "~/lib/zoned-time";
import { SESSION_COOKIE } from "~/modules/auth/cookies.server";
import { createSession } from "~/modules/auth/session.server";
import { bookAgainHref } from "~/modules/booking-flow/book-again.server";
import { parseChoice } from "~/modules/booking-flow/choice.server";
import { bookingStep } from "~/modules/booking-flow/flow.server";
import { accountRequests, joinWaitlist, waitingFor } from "~/modules/patient-account/requests.server";
import { offerFreedTime } from "~/modules/scheduling/flexible-requests.server";
import * as bookAgainRoute from "~/routes/account.appointments.$id_.book-again";
import * as bookRoute from "~/routes/book._index";
import { NotFoundError } from "~/utils/errors.server";
import { releaseAppDb, routeDbIsTestDb } from "../support/api-client";
import { testDb } from "../support/db";
import { callPanel } from "../support/panel-client";
import { createScheduleFixture, localInstant, type ScheduleFixture } from "../support/scheduling";

beforeAll(() => routeDbIsTestDb());
afterAll(async () => {
  await releaseAppDb();
  await testDb().disconnect();
});

const clinicOf = (f: ScheduleFixture) => ({ ...f.clinic, name: "Test Clinic", contactPhone: null });
const today = (f: ScheduleFixture) => utcToZoned(new Date(), f.clinic.timeZone).date;
const hostOf = (f: ScheduleFixture) => `${f.clinic.slug}.localhost`;

async function cookieFor(f: ScheduleFixture, patientAccountId: string) {
  const { token } = await createSession(testDb(), { clinicId: f.clinic.id, host: hostOf(f) }, { subject: "patient", patientAccountId }, { ip: null, userAgent: "vitest" });
  return `${SESSION_COOKIE}=${token}`;
}

/** A visit in the past (or cancelled) for the patient, written directly: the booking refuses the past. */
async function pastVisit(f: ScheduleFixture, opts: { patientId?: string; doctorId?: string; dependentId?: string | null; status?: "completed" | "cancelled"; daysAgo?: number } = {}) {
  const start = localInstant(f.clinic.timeZone, addDays(today(f), -(opts.daysAgo ?? 14)), "10:00");
  const end = new Date(start.getTime() + 30 * 60_000);
  const row = await testDb()
    .forClinic(f.clinic.id)
    .tx((tx) =>
      tx.appointment.create({
        data: {
          clinicId: f.clinic.id,
          serviceId: f.serviceId,
          doctorId: opts.doctorId ?? f.doctorIds[0]!,
          locationId: f.locationId,
          patientAccountId: opts.patientId ?? f.patientId,
          dependentId: opts.dependentId ?? null,
          status: opts.status ?? "completed",
          startsAt: start,
          endsAt: end,
          blockedFrom: start,
          blockedTo: end,
          channel: "clinic_site",
          currency: "USD",
          cancellationWindowMin: 2880,
          ...(opts.status === "cancelled" ? { cancellationReason: "patient_request" as const, cancelledAt: start, cancelledBy: "patient" } : {}),
        },
        select: { id: true },
      }),
    );
  return row.id;
}

describe("book again", () => {
  let f: ScheduleFixture;
  beforeAll(async () => {
    f = await createScheduleFixture({ doctors: 2 });
  });

  test("opens the first free day's times with the same service, location and doctor", async () => {
    const visit = await pastVisit(f, { doctorId: f.doctorIds[1] });
    const href = await bookAgainHref(testDb().forClinic(f.clinic.id), f.clinic, f.patientId, visit, null);
    const url = new URL(href, "http://x");
    expect(url.pathname).toBe("/book");
    const choice = parseChoice(url.searchParams);
    expect(choice).toMatchObject({ service: f.serviceId, location: f.locationId, doctor: f.doctorIds[1], day: expect.stringMatching(/^\d{4}-\d{2}-\d{2}$/) });
    expect(choice!.for).toBeUndefined();
    const step = await bookingStep(testDb().forClinic(f.clinic.id), f.clinic, choice!);
    expect(step).toMatchObject({ step: "time", times: expect.arrayContaining([expect.objectContaining({ practitionerId: f.doctorIds[1] })]) });
    // The look at the visit is in the audit log.
    const audited = await testDb()
      .forClinic(f.clinic.id)
      .tx((tx) => tx.auditEvent.findMany({ where: { clinicId: f.clinic.id, action: "patient.appointment_booked_again", targetId: visit } }));
    expect(audited).toHaveLength(1);
  });

  test("a cancelled visit for a family member books again for them; a doctor who no longer offers the service becomes any doctor", async () => {
    const db = testDb().forClinic(f.clinic.id);
    const child = await db.tx((tx) => tx.dependent.create({ data: { patientAccountId: f.patientId, firstName: "Kid", lastName: "Ient", relationship: "child", dateOfBirth: new Date("2018-05-01") }, select: { id: true } }));
    const visit = await pastVisit(f, { dependentId: child.id, status: "cancelled", daysAgo: 3 });
    expect(parseChoice(new URL(await bookAgainHref(db, f.clinic, f.patientId, visit, null), "http://x").searchParams)).toMatchObject({ doctor: f.doctorIds[0], for: child.id });

    await db.tx((tx) => tx.serviceDoctor.delete({ where: { clinicId_serviceId_doctorId: { clinicId: f.clinic.id, serviceId: f.serviceId, doctorId: f.doctorIds[0]! } } }));
    try {
      expect(parseChoice(new URL(await bookAgainHref(db, f.clinic, f.patientId, visit, null), "http://x").searchParams)).toMatchObject({ doctor: "any", for: child.id });
    } finally {
      await db.tx((tx) => tx.serviceDoctor.create({ data: { clinicId: f.clinic.id, serviceId: f.serviceId, doctorId: f.doctorIds[0]! } }));
    }
    // Removed from the family since: the review asks who the visit is for instead.
    await db.tx((tx) => tx.dependent.update({ where: { id: child.id }, data: { removedAt: new Date() } }));
    expect(parseChoice(new URL(await bookAgainHref(db, f.clinic, f.patientId, visit, null), "http://x").searchParams)!.for).toBeUndefined();
  });

  test("a service no longer booked online starts from the list of services", async () => {
    const g = await createScheduleFixture({ doctors: 1 });
    const visit = await pastVisit(g);
    await testDb()
      .forClinic(g.clinic.id)
      .tx((tx) => tx.service.update({ where: { clinicId_id: { clinicId: g.clinic.id, id: g.serviceId } }, data: { visibility: "inactive" } }));
    expect(await bookAgainHref(testDb().forClinic(g.clinic.id), g.clinic, g.patientId, visit, null)).toBe("/book");
  });

  test("someone else's visit, another clinic's or a malformed id is not found (404 on the page)", async () => {
    const other = await createScheduleFixture({ doctors: 1 });
    const theirs = await pastVisit(other, { patientId: other.patientId });
    const strangers = await pastVisit(f, { patientId: await f.newPatient() });
    const db = testDb().forClinic(f.clinic.id);
    for (const id of [theirs, strangers, "not-an-id"]) await expect(bookAgainHref(db, f.clinic, f.patientId, id, null)).rejects.toBeInstanceOf(NotFoundError);

    const cookie = await cookieFor(f, f.patientId);
    const mine = await pastVisit(f, { daysAgo: 20 });
    expect(await callPanel(bookAgainRoute, `/account/appointments/${mine}/book-again`, { host: hostOf(f), cookie, params: { id: mine } })).toMatchObject({ status: 302, location: expect.stringMatching(/^\/book\?service=/) });
    for (const id of [theirs, strangers]) {
      expect((await callPanel(bookAgainRoute, `/account/appointments/${id}/book-again`, { host: hostOf(f), cookie, params: { id } })).status).toBe(404);
    }
    // Signed out: sign in first.
    expect((await callPanel(bookAgainRoute, `/account/appointments/${mine}/book-again`, { host: hostOf(f), params: { id: mine } })).status).toBe(302);
  });
});

describe("the waitlist from a fully booked day", () => {
  test("joins the flexible-request waitlist once, pre-filled from the booking, and a freed time is offered to it", async () => {
    const f = await createScheduleFixture({ doctors: 2 });
    const db = testDb().forClinic(f.clinic.id);
    const day = addDays(today(f), 6);
    const wanted = { serviceId: f.serviceId, locationId: f.locationId, practitionerId: f.doctorIds[0]!, day, dependentId: null };

    expect(await waitingFor(db, clinicOf(f), f.patientId, wanted)).toBeNull();
    // Two taps at once (two tabs): one request.
    const [a, b] = await Promise.all([joinWaitlist(db, clinicOf(f), f.patientId, wanted, null), joinWaitlist(db, clinicOf(f), f.patientId, wanted, null)]);
    if (!a.ok || !b.ok) throw new Error("refused");
    expect(a.requestId).toBe(b.requestId);
    expect([a.already, b.already].sort()).toEqual([false, true]);
    const again = await joinWaitlist(db, clinicOf(f), f.patientId, wanted, null);
    expect(again).toEqual({ ok: true, requestId: a.requestId, already: true });
    const rows = await db.tx((tx) => tx.flexibleRequest.findMany({ where: { clinicId: f.clinic.id, patientAccountId: f.patientId } }));
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ serviceId: f.serviceId, doctorId: f.doctorIds[0], locationId: f.locationId, earliestDate: null, latestDate: new Date(`${day}T00:00:00.000Z`), preferredWeekdays: [], status: "open" });
    expect(await waitingFor(db, clinicOf(f), f.patientId, wanted)).toBe(a.requestId);
    // Waiting for one doctor is not waiting for any doctor, nor for a later day.
    expect(await waitingFor(db, clinicOf(f), f.patientId, { ...wanted, practitionerId: null })).toBeNull();
    expect(await waitingFor(db, clinicOf(f), f.patientId, { ...wanted, day: addDays(day, 1) })).toBeNull();
    expect(await waitingFor(db, clinicOf(f), f.patientId, { ...wanted, day: addDays(day, -1) })).toBe(a.requestId);

    // The account lists it with the day as its last date.
    const listed = await accountRequests(db, clinicOf(f), f.patientId, null);
    expect(listed).toMatchObject([{ id: a.requestId, status: "Waiting for the clinic to find a time", wishes: expect.arrayContaining([expect.stringMatching(/^Until \w+day/), "With Dr. Test 1"]) }]);

    // A time that frees up earlier with that doctor is offered to it, like any waitlist request.
    const freedStart = localInstant(f.clinic.timeZone, addDays(today(f), 2), "10:00");
    const offered = await db.tx((tx) =>
      offerFreedTime(tx, f.clinic, { serviceId: f.serviceId, practitionerId: f.doctorIds[0]!, locationId: f.locationId, start: freedStart, end: new Date(freedStart.getTime() + 30 * 60_000) }),
    );
    expect(offered).toMatchObject({ id: a.requestId, status: "offered" });
  });

  test("another clinic's service or doctor, or someone else's family member, is not found", async () => {
    const f = await createScheduleFixture({ doctors: 1 });
    const other = await createScheduleFixture({ doctors: 1 });
    const db = testDb().forClinic(f.clinic.id);
    const day = addDays(today(f), 4);
    const base = { serviceId: f.serviceId, locationId: f.locationId, practitionerId: null, day, dependentId: null };
    const strangersChild = await db.tx((tx) =>
      tx.dependent.create({ data: { patientAccountId: other.patientId, firstName: "Not", lastName: "Mine", relationship: "child", dateOfBirth: new Date("2019-01-01") }, select: { id: true } }),
    );
    for (const wanted of [
      { ...base, serviceId: other.serviceId },
      { ...base, locationId: other.locationId },
      { ...base, practitionerId: other.doctorIds[0]! },
      { ...base, dependentId: strangersChild.id },
    ]) {
      await expect(joinWaitlist(db, clinicOf(f), f.patientId, wanted, null)).rejects.toBeInstanceOf(NotFoundError);
    }
    expect(await db.tx((tx) => tx.flexibleRequest.count({ where: { clinicId: f.clinic.id } }))).toBe(0);
    // A day already gone is refused in words.
    expect(await joinWaitlist(db, clinicOf(f), f.patientId, { ...base, day: addDays(today(f), -1) }, null)).toEqual({ ok: false, message: "This day has passed. Choose another day." });
  });

  test("the times page: a fully booked day offers it, asks a stranger to sign in, joins in one tap, then says so instead", async () => {
    // A one-doctor clinic whose day is taken by one long visit.
    const f = await createScheduleFixture({ doctors: 1, shift: { start: "09:00", end: "10:00" }, service: { durationMin: 60, startGridMin: 60 } });
    const host = hostOf(f);
    const day = addDays(today(f), 5);
    const start = localInstant(f.clinic.timeZone, day, "09:00");
    const end = new Date(start.getTime() + 60 * 60_000);
    const other = await f.newPatient();
    await testDb()
      .forClinic(f.clinic.id)
      .tx((tx) =>
        tx.appointment.create({
          data: { clinicId: f.clinic.id, serviceId: f.serviceId, doctorId: f.doctorIds[0]!, locationId: f.locationId, patientAccountId: other, status: "confirmed", startsAt: start, endsAt: end, blockedFrom: start, blockedTo: end, channel: "clinic_site", currency: "USD", cancellationWindowMin: 2880 },
        }),
      );

    // The calendar shows the day as fully booked, and it leads to its page.
    const month = await bookingStep(testDb().forClinic(f.clinic.id), f.clinic, { service: f.serviceId, location: f.locationId, doctor: "any", month: day.slice(0, 7) });
    if ("redirect" in month || month.step !== "day") throw new Error("expected the day step");
    expect(month.calendar.days.find((d) => d.date === day)).toMatchObject({ freeTimes: 0, full: true, label: expect.stringMatching(/, fully booked$/) });
    expect(month.calendar.days.find((d) => d.date === addDays(day, 1))).toMatchObject({ freeTimes: 1, full: false });

    const path = `/book?service=${f.serviceId}&location=${f.locationId}&doctor=any&day=${day}`;
    type Page = { step: { step: string; times: unknown[] }; waitlist: { signedIn: boolean; waiting: boolean; justJoined: boolean; signInHref: string } | null };
    const stranger = await callPanel<Page>(bookRoute, path, { host });
    expect(stranger.data.step.times).toEqual([]);
    expect(stranger.data.waitlist).toEqual({ signedIn: false, waiting: false, justJoined: false, signInHref: `/sign-in?redirectTo=${encodeURIComponent(path)}` });
    expect(await callPanel(bookRoute, path, { host, form: { intent: "waitlist" } })).toMatchObject({ status: 302, location: `/sign-in?redirectTo=${encodeURIComponent(path)}` });

    const cookie = await cookieFor(f, f.patientId);
    expect((await callPanel<Page>(bookRoute, path, { host, cookie })).data.waitlist).toMatchObject({ signedIn: true, waiting: false });
    const joined = await callPanel(bookRoute, path, { host, cookie, form: { intent: "waitlist" } });
    expect(joined).toMatchObject({ status: 302, location: `${path}&waitlist=joined` });
    expect((await callPanel<Page>(bookRoute, `${path}&waitlist=joined`, { host, cookie })).data.waitlist).toMatchObject({ waiting: true, justJoined: true });
    // Tapped again (an old tab): still one request, and the page says the patient already waits.
    await callPanel(bookRoute, path, { host, cookie, form: { intent: "waitlist" } });
    expect((await callPanel<Page>(bookRoute, path, { host, cookie })).data.waitlist).toMatchObject({ waiting: true, justJoined: false });
    expect(await testDb().forClinic(f.clinic.id).tx((tx) => tx.flexibleRequest.count({ where: { clinicId: f.clinic.id, patientAccountId: f.patientId } }))).toBe(1);

    // A day with free times offers no waitlist.
    expect((await callPanel<Page>(bookRoute, path.replace(day, addDays(day, 1)), { host, cookie })).data.waitlist).toBeNull();

    // Another clinic's service in the address: nothing to join.
    const foreign = await createScheduleFixture({ doctors: 1 });
    const foreignPath = `/book?service=${foreign.serviceId}&location=${f.locationId}&doctor=any&day=${day}`;
    expect((await callPanel(bookRoute, foreignPath, { host, cookie, form: { intent: "waitlist" } })).status).toBe(404);
  });
});
