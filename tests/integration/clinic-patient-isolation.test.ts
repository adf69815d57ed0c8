/**
 * One clinic must not reach another clinic's patient through a phone number. A patient books online
 * at clinic A with a saved card and a family member; clinic B's desk and B's API key then type the
 * same phone. B learns nothing of A's card, family or visits (desk pages, API answers, deposit hold
 * attempts), and A's patient does not see B's visit in their account, until the patient proves the
 * phone at B (signs in there, or follows B's deposit link) and allows B.
 */
import { randomUUID } from "node:crypto";
import { InngestTestEngine, mockCtx } from "@inngest/test";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { createApiKey } from "~/modules/api/api-keys.server";
import { requestSignInCode, verifySignInCode } from "~/modules/auth/patient-sign-in.server";
import { confirmBooking, holdTime } from "~/modules/booking-flow/flow.server";
import { bookByPhone, createPhonePatient, findPhonePatients, phonePatient } from "~/modules/front-desk/phone-booking.server";
import { listDevOutbox } from "~/modules/messaging/dev-outbox.server";
import { createMessenger } from "~/modules/messaging/messenger.server";
import { addDependent } from "~/modules/patient-account/family.server";
import { marketplaceAppointments } from "~/modules/patient-account/marketplace-account.server";
import { changeClinicConsent } from "~/modules/patients/clinic-patients.server";
import { createDemoProvider } from "~/modules/payments/demo-provider.server";
import { completeDepositLink, depositLinkView, issueDepositLink } from "~/modules/payments/deposit-links.server";
import { listCards } from "~/modules/payments/cards.server";
import { authorizeDeposit, depositOf, ensureDeposit } from "~/modules/payments/deposits.server";
import type { Actor } from "~/lib/actor";
import * as appointmentByIdRoute from "~/routes/api.v1.appointments.$id";
import * as appointmentsRoute from "~/routes/api.v1.appointments";
import * as deskAppointmentRoute from "~/routes/panel.appointments.$id";
import * as deskBookRoute from "~/routes/panel.book";
import * as accountCardsRoute from "~/routes/account.cards";
import * as accountFamilyRoute from "~/routes/account.family";
import * as depositLinkRoute from "~/routes/deposit.$token";
import { SESSION_COOKIE } from "~/modules/auth/cookies.server";
import { createSession } from "~/modules/auth/session.server";
import { createDepositProblem } from "~/workflows/deposit-problem.server";
import { callRoute, releaseAppDb, routeDbIsTestDb, usPhone } from "../support/api-client";
import { testDb } from "../support/db";
import { callPanel, createPanelFixture, type PanelFixture } from "../support/panel-client";
import { createScheduleFixture, localInstant, type ScheduleFixture } from "../support/scheduling";
import { utcToZoned } from "~/lib/zoned-time";

beforeAll(() => routeDbIsTestDb());
afterAll(async () => {
  await releaseAppDb();
  await testDb().disconnect();
});

const HOUR = 3_600_000;
const provider = createDemoProvider();
const desk: Actor = { type: "staff", id: "00000000-0000-4000-8000-0000000000d1" };
const names = new Map<string, string>();
const DEPENDENT = "Mila";

const around24h = { doctors: 2, shift: { start: "00:00", end: "24:00" }, service: { minNoticeMin: 0, startGridMin: 30, priceMinor: 10_000 } };

async function withDeposit(f: ScheduleFixture) {
  await testDb()
    .forClinic(f.clinic.id)
    .tx((tx) => tx.service.update({ where: { clinicId_id: { clinicId: f.clinic.id, id: f.serviceId } }, data: { depositKind: "fixed", depositValue: 2_000 } }));
  return f;
}

/** A start on the half hour `hours` from now. */
const startIn = (hours: number) => new Date(Math.ceil((Date.now() + hours * HOUR) / (30 * 60_000)) * 30 * 60_000);

interface World {
  a: ScheduleFixture;
  b: PanelFixture;
  phone: string;
  patientId: string;
  aVisitId: string;
}

/** A patient who booked at clinic A online with a new card, and added a family member there. */
async function world(): Promise<World> {
  const a = await withDeposit(await createScheduleFixture(around24h));
  const b = (await withDeposit(await createPanelFixture(around24h))) as PanelFixture;
  const phone = usPhone();
  const patientId = await testDb()
    .forPlatform()
    .tx(async (tx) => (await tx.patientAccount.create({ data: { phone, firstName: "Ava", lastName: "Private" } })).id);
  await addDependent(testDb().forClinic(a.clinic.id), testDb(), patientId, { firstName: DEPENDENT, lastName: "Private", relationship: "child", dateOfBirth: "" }, null);
  const heldBy = randomUUID();
  const held = await holdTime(testDb().forClinic(a.clinic.id), a.clinic, { serviceId: a.serviceId, locationId: a.locationId, practitionerId: a.doctorIds[0]!, start: startIn(30), heldBy }, { type: "patient", id: patientId });
  if (!held.ok) throw new Error(held.message);
  const booked = await confirmBooking(testDb().forClinic(a.clinic.id), testDb(), a.clinic, { holdId: held.holdId, heldBy, patientAccountId: patientId, dependentId: null, note: null }, undefined, null, {
    provider,
    form: { card: "new", payNonce: "page-view-1", cardNumber: "4242424242424242", cardExpiry: "12/34", cardCvc: "123" },
    patient: { id: patientId, phone, email: null, name: "Ava Private" },
  });
  if (!booked.ok) throw new Error("message" in booked ? booked.message : booked.reason);
  return { a, b, phone, patientId, aVisitId: booked.appointmentId };
}

/** B's desk takes down the caller by the typed phone and books a visit with a deposit. */
async function deskBooks(w: World, hours = 72) {
  const created = await createPhonePatient(testDb().forClinic(w.b.clinic.id), w.b.clinic, { phone: w.phone, firstName: "Typed", lastName: "Caller" }, desk);
  if (!created.ok) throw new Error(JSON.stringify(created));
  const answer = await bookByPhone(testDb().forClinic(w.b.clinic.id), w.b.clinic, { patientId: created.patientId, serviceId: w.b.serviceId, slot: `${w.b.doctorIds[0]!}|${startIn(hours).toISOString()}` }, desk, names);
  if (!answer.ok) throw new Error(answer.message);
  return { patientId: created.patientId, answer, appointmentId: answer.appointment.id };
}

// Ids are random hex, and one in a few thousand pages carries "4242" inside an id: strip them first.
const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi;
const leaks = (page: string) => {
  const text = page.replace(UUID, "");
  return { card: /4242|visa/i.test(text), family: text.includes(DEPENDENT), accountName: /Ava|Private/.test(text) };
};
const noLeak = { card: false, family: false, accountName: false };

describe("a phone typed at clinic B proves nothing", () => {
  test("B's desk learns nothing of A's card, family or visits, and cannot hold the card", async () => {
    const w = await world();
    const { patientId, answer, appointmentId } = await deskBooks(w);
    expect(patientId).toBe(w.patientId);

    // Desk pages: the patient search, the patient on the booking page, the appointment page.
    const found = await findPhonePatients(testDb().forClinic(w.b.clinic.id), w.b.clinic, w.phone, desk);
    expect(found).toHaveLength(1);
    expect(found[0]!.dependents).toEqual([]);
    expect(leaks(JSON.stringify(found))).toEqual(noLeak);
    expect((await phonePatient(testDb().forClinic(w.b.clinic.id), w.b.clinic, patientId, desk)).dependents).toEqual([]);
    const bookPage = await callPanel(deskBookRoute, `/panel/book?patient=${patientId}`, { host: w.b.host, cookie: w.b.cookies.secretary });
    expect(bookPage.status).toBe(200);
    expect(leaks(JSON.stringify(bookPage.data))).toEqual(noLeak);
    const visitPage = await callPanel(deskAppointmentRoute, `/panel/appointments/${appointmentId}`, { host: w.b.host, cookie: w.b.cookies.secretary, params: { id: appointmentId } });
    expect(visitPage.status).toBe(200);
    expect(leaks(JSON.stringify(visitPage.data))).toEqual(noLeak);
    expect(visitPage.data).toMatchObject({ depositCard: null, depositAwaitingUntil: expect.any(String) });

    // The booking awaits a deposit, worded as for a patient with no card at all, with its deadline.
    expect(answer.deposit.state).toBe("awaiting_deposit");
    expect(answer.deposit.words).toMatch(/secure link .* by /);
    expect(leaks(answer.deposit.words)).toEqual(noLeak);

    // Deposit hold attempts at B find no card.
    const deposit = await testDb().forClinic(w.b.clinic.id).tx((tx) => depositOf(tx, w.b.clinic.id, appointmentId));
    expect(deposit).toMatchObject({ status: "failed", failureCode: "no_card", card: null });
    const attempt = await authorizeDeposit(testDb().forClinic(w.b.clinic.id), provider, appointmentId);
    expect(attempt).toMatchObject({ outcome: "declined", code: "no_card" });

    // A family member from A cannot be booked at B by id.
    const dependentId = (await testDb().forPlatform().tx((tx) => tx.dependent.findFirstOrThrow({ where: { patientAccountId: w.patientId } }))).id;
    const forChild = await bookByPhone(testDb().forClinic(w.b.clinic.id), w.b.clinic, { patientId, dependentId, serviceId: w.b.serviceId, slot: `${w.b.doctorIds[1]!}|${startIn(50).toISOString()}` }, desk, names);
    expect(forChild).toMatchObject({ ok: false, kind: "invalid" });

    // The reverse: B's visit is not in the account of whoever owns the phone.
    const account = await marketplaceAppointments(testDb(), w.patientId, null);
    const ids = [...account.upcoming, ...account.past].map((v) => v.id);
    expect(ids).toContain(w.aVisitId);
    expect(ids).not.toContain(appointmentId);
  });

  test("B's API key learns nothing of A's card, family or visits", async () => {
    const w = await world();
    const { key } = await createApiKey(testDb().forClinic(w.b.clinic.id), "B's software", "cli", { rateLimitPerSecond: 1000 });
    const host = w.b.host;
    const created = await callRoute(appointmentsRoute, "/api/v1/appointments", {
      method: "POST",
      host,
      key,
      body: { serviceId: w.b.serviceId, practitionerId: w.b.doctorIds[0], start: startIn(40).toISOString(), patient: { phone: w.phone, firstName: "Typed", lastName: "Caller" } },
    });
    expect(created.status).toBe(201);
    expect(leaks(JSON.stringify(created.body))).toEqual(noLeak);
    const list = await callRoute(appointmentsRoute, `/api/v1/appointments?from=${encodeURIComponent(new Date(Date.now() - HOUR).toISOString())}&to=${encodeURIComponent(new Date(Date.now() + 30 * 24 * HOUR).toISOString())}`, { host, key });
    expect(list.status).toBe(200);
    expect(leaks(JSON.stringify(list.body))).toEqual(noLeak);
    expect(JSON.stringify(list.body)).not.toContain(w.aVisitId);
    const aVisit = await callRoute(appointmentByIdRoute, `/api/v1/appointments/${w.aVisitId}`, { host, key, params: { id: w.aVisitId } });
    expect(aVisit.status).toBe(404);
    // The API's visit holds no card either.
    const id = (created.body as { id: string }).id;
    const deposit = await ensureDeposit(testDb().forClinic(w.b.clinic.id), "demo", id);
    expect(deposit).toMatchObject({ status: "failed", failureCode: "no_card", cardId: null });
  });
});

describe("once the patient proves the phone at B", () => {
  test("signing in at B joins the record; B holds the card only after the patient allows it", async () => {
    const w = await world();
    const { appointmentId } = await deskBooks(w);
    const messenger = await createMessenger({ env: { TWILIO_ACCOUNT_SID: undefined, TWILIO_AUTH_TOKEN: undefined, TWILIO_FROM: undefined, SMTP_URL: undefined, MAIL_FROM: undefined, APP_DOMAIN: "localhost" }, db: testDb() });
    const site = { clinicId: w.b.clinic.id, host: w.b.host, displayName: "Clinic B" };
    expect((await requestSignInCode({ db: testDb(), messenger }, site, { phone: w.phone, ip: "198.51.100.77" })).ok).toBe(true);
    const [sms] = await listDevOutbox(testDb(), { to: w.phone, limit: 1 });
    const code = /^(\d{6})/.exec(sms!.body)![1]!;
    expect(await verifySignInCode({ db: testDb(), messenger }, site, { phone: w.phone, code }, { ip: "198.51.100.77", userAgent: "vitest", requestId: "r" })).toMatchObject({ ok: true });

    // Proven: B's visit is now in the patient's account, but B still cannot hold a card.
    const account = await marketplaceAppointments(testDb(), w.patientId, null);
    expect([...account.upcoming, ...account.past].map((v) => v.id)).toContain(appointmentId);
    expect(await authorizeDeposit(testDb().forClinic(w.b.clinic.id), provider, appointmentId)).toMatchObject({ outcome: "declined", code: "no_card" });

    // The patient allows B in their account: B holds the card saved at A.
    expect(await changeClinicConsent(testDb().forClinic(w.b.clinic.id), w.patientId, { kind: "deposits", allowed: true }, null)).toBe(true);
    const held = await authorizeDeposit(testDb().forClinic(w.b.clinic.id), provider, appointmentId);
    expect(held.outcome).toBe("authorized");
    const deposit = await testDb().forClinic(w.b.clinic.id).tx((tx) => depositOf(tx, w.b.clinic.id, appointmentId));
    expect(deposit!.card).toMatchObject({ last4: "4242" });

    // Taking it back hides the cards from B again.
    await changeClinicConsent(testDb().forClinic(w.b.clinic.id), w.patientId, { kind: "deposits", allowed: false }, null);
    expect((await testDb().forClinic(w.b.clinic.id).tx((tx) => depositOf(tx, w.b.clinic.id, appointmentId)))!.card).toBeNull();
  });

  test("a family member shared with B appears at B only, and B's desk can book for them", async () => {
    const w = await world();
    const { patientId } = await deskBooks(w);
    const c = await createScheduleFixture(around24h);
    await createPhonePatient(testDb().forClinic(c.clinic.id), c.clinic, { phone: w.phone, firstName: "Typed", lastName: "Again" }, desk);
    const dependentId = (await testDb().forPlatform().tx((tx) => tx.dependent.findFirstOrThrow({ where: { patientAccountId: w.patientId } }))).id;

    // Sharing needs the patient (signed in on B's site); the desk cannot do it.
    expect(await changeClinicConsent(testDb().forClinic(w.b.clinic.id), w.patientId, { kind: "family", dependentId, shared: true }, null)).toBe(true);
    const atB = await findPhonePatients(testDb().forClinic(w.b.clinic.id), w.b.clinic, w.phone, desk);
    expect(atB[0]!.dependents.map((d) => d.name)).toEqual([`${DEPENDENT} Private`]);
    const atC = await findPhonePatients(testDb().forClinic(c.clinic.id), c.clinic, w.phone, desk);
    expect(atC[0]!.dependents).toEqual([]);
    const forChild = await bookByPhone(testDb().forClinic(w.b.clinic.id), w.b.clinic, { patientId, dependentId, serviceId: w.b.serviceId, slot: `${w.b.doctorIds[1]!}|${startIn(50).toISOString()}` }, desk, names);
    expect(forChild.ok).toBe(true);

    // Someone else's family member cannot be shared.
    const stranger = await w.b.newPatient();
    expect(await changeClinicConsent(testDb().forClinic(w.b.clinic.id), stranger, { kind: "family", dependentId, shared: true }, null)).toBe(false);
  });
});

describe("the patient's choices in the account on B's site", () => {
  test("allowing B to hold deposits and sharing a family member are the patient's own, on B's site", async () => {
    const w = await world();
    const { appointmentId } = await deskBooks(w);
    const { token } = await createSession(testDb(), { clinicId: w.b.clinic.id, host: w.b.host }, { subject: "patient", patientAccountId: w.patientId }, { ip: null, userAgent: "vitest" });
    const cookie = `${SESSION_COOKIE}=${token}`;

    const cards = await callPanel<{ clinicDeposits: { allowed: boolean } }>(accountCardsRoute, "/account/cards", { host: w.b.host, cookie });
    expect(cards.data.clinicDeposits).toMatchObject({ allowed: false });
    const allowed = await callPanel(accountCardsRoute, "/account/cards", { host: w.b.host, cookie, form: { intent: "clinic-deposits", allowed: "yes" } });
    expect(allowed.location).toBe("/account/cards?done=allowed");
    // Allowing retried the deposit that waited for a card at B.
    expect((await testDb().forClinic(w.b.clinic.id).tx((tx) => depositOf(tx, w.b.clinic.id, appointmentId)))!.status).toBe("authorized");

    const family = await callPanel<{ members: { id: string; shared: boolean | null }[] }>(accountFamilyRoute, "/account/family", { host: w.b.host, cookie });
    expect(family.data.members).toEqual([expect.objectContaining({ shared: false })]);
    const dependentId = family.data.members[0]!.id;
    const shared = await callPanel(accountFamilyRoute, "/account/family", { host: w.b.host, cookie, form: { intent: "share", dependentId, shared: "yes" } });
    expect(shared.location).toBe("/account/family?done=shared");
    expect((await findPhonePatients(testDb().forClinic(w.b.clinic.id), w.b.clinic, w.phone, desk))[0]!.dependents).toHaveLength(1);
    const bad = await callPanel(accountFamilyRoute, "/account/family", { host: w.b.host, cookie, form: { intent: "share", dependentId: "not-an-id", shared: "yes" } });
    expect(bad.status).toBe(400);
  });
});

describe("the deposit link", () => {
  test("the page answers bad input with a form message and an unknown token with 404, never a 500", async () => {
    const w = await world();
    const { appointmentId } = await deskBooks(w);
    const deposit = (await testDb().forClinic(w.b.clinic.id).tx((tx) => depositOf(tx, w.b.clinic.id, appointmentId)))!;
    const token = new URL((await issueDepositLink(testDb().forClinic(w.b.clinic.id), deposit.id))!).pathname.split("/").pop()!;
    const page = await callPanel<{ state: string; deadline: string }>(depositLinkRoute, `/deposit/${token}`, { host: w.b.host, params: { token } });
    expect(page.status).toBe(200);
    expect(page.data).toMatchObject({ state: "open", deadline: expect.any(String) });
    const garbage = await callPanel<{ ok: boolean; message: string }>(depositLinkRoute, `/deposit/${token}`, { host: w.b.host, params: { token }, form: { intent: "allow", cardId: "nope" } });
    expect(garbage.status).toBe(400);
    expect(garbage.data).toMatchObject({ ok: false, message: "Choose one of your cards." });
    const noNumber = await callPanel<{ ok: boolean; field: string }>(depositLinkRoute, `/deposit/${token}`, { host: w.b.host, params: { token }, form: { intent: "add", cardNumber: "" } });
    expect(noNumber.status).toBe(422);
    expect(noNumber.data).toMatchObject({ ok: false, field: "cardNumber" });
    const unknown = await callPanel(depositLinkRoute, `/deposit/${"A".repeat(43)}`, { host: w.b.host, params: { token: "A".repeat(43) } });
    expect(unknown.status).toBe(404);
    // The token of B's link means nothing on A's host.
    expect((await callPanel(depositLinkRoute, `/deposit/${token}`, { host: `${w.a.clinic.slug}.localhost`, params: { token } })).status).toBe(404);
  });

  function runDepositProblem(event: Record<string, unknown>, now: Date) {
    const engine = new InngestTestEngine({ function: createDepositProblem({ db: testDb, payments: () => provider, now: () => now }), transformCtx: (ctx) => mockCtx(ctx) as typeof ctx });
    return engine.execute({ events: [{ name: "deposit.failed", data: event }] });
  }

  test("awaiting deposit → the patient gets a secure link by SMS → allows a saved card → deposit held; the link is spent", async () => {
    const w = await world();
    const { appointmentId } = await deskBooks(w);
    const deposit = (await testDb().forClinic(w.b.clinic.id).tx((tx) => depositOf(tx, w.b.clinic.id, appointmentId)))!;
    // Outside quiet hours: the next noon at the clinic.
    const noon = localInstant(w.b.clinic.timeZone, utcToZoned(new Date(Date.now() + 12 * HOUR), w.b.clinic.timeZone).date, "12:00");
    const ran = await runDepositProblem({ clinicId: w.b.clinic.id, appointmentId, depositId: deposit.id, failureCode: "no_card" }, noon);
    expect(ran.result).toMatchObject({ deliveries: 1, deferredUntil: null });

    // The SMS carries a link on B's configured site (APP_DOMAIN), not a request's host.
    const messages = await listDevOutbox(testDb(), { to: w.phone, limit: 5 });
    const body = messages.map((m) => m.body).find((b) => b.includes("/deposit/"));
    expect(body).toBeDefined();
    const url = new URL(/https?:\/\/\S+\/deposit\/[A-Za-z0-9_-]+/.exec(body!)![0]);
    expect(url.host).toBe(`${w.b.clinic.slug}.localhost:3000`);
    const token = url.pathname.split("/").pop()!;

    const view = await depositLinkView(testDb().forClinic(w.b.clinic.id), testDb(), provider, w.b.clinic, token);
    expect(view).toMatchObject({ state: "open", amount: expect.stringContaining("20"), deadline: expect.any(String) });
    expect(view!.cards.map((c) => c.label)).toEqual(["Visa •••• 4242"]);

    const answer = await completeDepositLink(testDb().forClinic(w.b.clinic.id), testDb(), provider, w.b.clinic, token, { intent: "allow", cardId: (await cardIdOf(w.patientId))! }, null);
    expect(answer).toEqual({ ok: true, outcome: "held" });
    const after = (await testDb().forClinic(w.b.clinic.id).tx((tx) => depositOf(tx, w.b.clinic.id, appointmentId)))!;
    expect(after.status).toBe("authorized");
    const record = await testDb().forClinic(w.b.clinic.id).tx((tx) => tx.clinicPatient.findUniqueOrThrow({ where: { clinicId_patientAccountId: { clinicId: w.b.clinic.id, patientAccountId: w.patientId } } }));
    expect(record).toMatchObject({ linkedBy: "clinic_link", depositsAllowedAt: expect.any(Date) });

    // Reuse: the link is spent.
    expect((await depositLinkView(testDb().forClinic(w.b.clinic.id), testDb(), provider, w.b.clinic, token))!.state).toBe("done");
    expect(await completeDepositLink(testDb().forClinic(w.b.clinic.id), testDb(), provider, w.b.clinic, token, { intent: "allow", cardId: (await cardIdOf(w.patientId))! }, null)).toMatchObject({ ok: false, state: "done" });
    // Another clinic's host does not know the token.
    expect(await depositLinkView(testDb().forClinic(w.a.clinic.id), testDb(), provider, w.a.clinic, token)).toBeNull();
  });

  test("a new card added on the link pays a visit further out (held 5 days before); expired and unknown links do nothing", async () => {
    const w = await world();
    const other = usPhone();
    const created = await createPhonePatient(testDb().forClinic(w.b.clinic.id), w.b.clinic, { phone: other, firstName: "New", lastName: "Person" }, desk);
    if (!created.ok) throw new Error("patient");
    const far = await bookByPhone(testDb().forClinic(w.b.clinic.id), w.b.clinic, { patientId: created.patientId, serviceId: w.b.serviceId, slot: `${w.b.doctorIds[0]!}|${startIn(24 * 10).toISOString()}` }, desk, names);
    if (!far.ok) throw new Error(far.message);
    const deposit = (await testDb().forClinic(w.b.clinic.id).tx((tx) => depositOf(tx, w.b.clinic.id, far.appointment.id)))!;
    const token = new URL((await issueDepositLink(testDb().forClinic(w.b.clinic.id), deposit.id, { APP_DOMAIN: "medslot.example", PORT: 3000 }))!).pathname.split("/").pop()!;

    const added = await completeDepositLink(testDb().forClinic(w.b.clinic.id), testDb(), provider, w.b.clinic, token, { intent: "add", cardNumber: "4000000000009995", cardExpiry: "12/34", cardCvc: "123" }, null);
    expect(added).toEqual({ ok: true, outcome: "card_on_file" }); // saved; the hold happens 5 days before
    const after = (await testDb().forClinic(w.b.clinic.id).tx((tx) => depositOf(tx, w.b.clinic.id, far.appointment.id)))!;
    expect(after).toMatchObject({ status: "pending", card: { last4: "9995" } });

    // Expiry: a link past the deposit's deadline does nothing.
    const near = await deskBooks(w, 80);
    const nearDeposit = (await testDb().forClinic(w.b.clinic.id).tx((tx) => depositOf(tx, w.b.clinic.id, near.appointmentId)))!;
    const nearToken = new URL((await issueDepositLink(testDb().forClinic(w.b.clinic.id), nearDeposit.id))!).pathname.split("/").pop()!;
    const later = new Date(nearDeposit.captureAt.getTime() + 1000);
    expect((await depositLinkView(testDb().forClinic(w.b.clinic.id), testDb(), provider, w.b.clinic, nearToken, later))!.state).toBe("expired");
    expect(await completeDepositLink(testDb().forClinic(w.b.clinic.id), testDb(), provider, w.b.clinic, nearToken, { intent: "allow", cardId: (await cardIdOf(w.patientId))! }, null, later)).toMatchObject({ ok: false, state: "expired" });
    expect((await testDb().forClinic(w.b.clinic.id).tx((tx) => depositOf(tx, w.b.clinic.id, near.appointmentId)))!.status).toBe("failed");

    expect(await depositLinkView(testDb().forClinic(w.b.clinic.id), testDb(), provider, w.b.clinic, "x".repeat(43))).toBeNull();
    expect(await depositLinkView(testDb().forClinic(w.b.clinic.id), testDb(), provider, w.b.clinic, "../../etc")).toBeNull();
  });
});

describe("a card typed on a deposit link", () => {
  test("is kept only once the bank accepts it: a declined one leaves the account's cards as they were", async () => {
    const w = await world();
    const near = await deskBooks(w, 80);
    const deposit = (await testDb().forClinic(w.b.clinic.id).tx((tx) => depositOf(tx, w.b.clinic.id, near.appointmentId)))!;
    const token = new URL((await issueDepositLink(testDb().forClinic(w.b.clinic.id), deposit.id))!).pathname.split("/").pop()!;
    const cards = () => testDb().forPlatform().tx((tx) => listCards(tx, w.patientId, "demo"));
    const before = (await cards()).map((c) => [c.last4, c.isDefault]);
    expect(before).toEqual([["4242", true]]);

    const declined = await completeDepositLink(testDb().forClinic(w.b.clinic.id), testDb(), provider, w.b.clinic, token, { intent: "add", cardNumber: "4000000000009995", cardExpiry: "12/34", cardCvc: "123" }, null);
    expect(declined).toMatchObject({ ok: false, field: "card", message: expect.stringContaining("declined") });
    expect((await cards()).map((c) => [c.last4, c.isDefault])).toEqual(before);

    // Another new card the bank accepts is kept, and becomes the default.
    expect(await completeDepositLink(testDb().forClinic(w.b.clinic.id), testDb(), provider, w.b.clinic, token, { intent: "add", cardNumber: "5555555555554444", cardExpiry: "1234", cardCvc: "123" }, null)).toEqual({ ok: true, outcome: "held" });
    expect((await cards()).map((c) => [c.last4, c.isDefault])).toEqual([["4444", true], ["4242", false]]);
  });
});

async function cardIdOf(patientAccountId: string) {
  return testDb()
    .system("test: the patient's card id")
    .tx(async (tx) => (await tx.paymentCard.findFirst({ where: { patientAccountId }, select: { id: true } }))?.id);
}
