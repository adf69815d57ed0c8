/**
 * API v1 through its route modules, against the real database: keys and hosts, input that must
 * come back as problem documents, idempotent booking, conflicts with alternatives, cancel and
 * reschedule, patient cookies, and the OpenAPI document.
 */
import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { createApiKey, hashApiKey, listApiKeys, revokeApiKey } from "~/modules/api/api-keys.server";
import { createSession } from "~/modules/auth/session.server";
import { SESSION_COOKIE } from "~/modules/auth/cookies.server";
import { addDays, toOffsetIso, utcToZoned } from "~/lib/zoned-time";
import * as appointmentRoute from "~/routes/api.v1.appointments";
import * as appointmentByIdRoute from "~/routes/api.v1.appointments.$id";
import * as cancelRoute from "~/routes/api.v1.appointments.$id.cancel";
import * as rescheduleRoute from "~/routes/api.v1.appointments.$id.reschedule";
import * as clinicRoute from "~/routes/api.v1.clinic";
import * as openApiRoute from "~/routes/api.v1.openapi[.]json";
import * as practitionersRoute from "~/routes/api.v1.practitioners";
import * as servicesRoute from "~/routes/api.v1.services";
import * as slotsRoute from "~/routes/api.v1.slots";
import { callRoute, releaseAppDb, usPhone, routeDbIsTestDb, type ApiAnswer, type CallOptions, type RouteModule } from "../support/api-client";
import { getDb } from "~/utils/db.server";
import { testDb } from "../support/db";
import { createScheduleFixture, localInstant, type ScheduleFixture } from "../support/scheduling";

routeDbIsTestDb();
afterAll(async () => {
  await releaseAppDb();
  await testDb().disconnect();
});

type Json = Record<string, unknown>;
type Problem = {
  type: string;
  title: string;
  status: number;
  detail?: string;
  errors?: { path: string; message: string }[];
  alternatives?: Json[];
  requestId?: string;
};
type Appointment = {
  id: string;
  status: string;
  start: string;
  end: string;
  practitionerId: string;
  rescheduledToId: string | null;
  rescheduledFromId: string | null;
  patient: { id: string; phone: string } | null;
  cancellation: { reason: string } | null;
} & Json;

let a: ScheduleFixture;
let b: ScheduleFixture;
let keyA: string;
let keyB: string;
let hostA: string;
let hostB: string;

beforeAll(async () => {
  a = await createScheduleFixture({ timeZone: "America/New_York", doctors: 2 });
  b = await createScheduleFixture({ timeZone: "Europe/Berlin", doctors: 1 });
  // These keys stand for busy integrations (the tests below call back to back, far above the
  // default of 10 a second), so they get their own limit the way an operator would give it.
  keyA = (await createApiKey(testDb().forClinic(a.clinic.id), "Front desk software", "cli", { rateLimitPerSecond: 1000 })).key;
  keyB = (await createApiKey(testDb().forClinic(b.clinic.id), "Other clinic", "cli", { rateLimitPerSecond: 1000 })).key;
  hostA = `${a.clinic.slug}.localhost`;
  hostB = `${b.clinic.slug}.localhost`;
});

/** `hhmm` local, `days` days from today in the clinic's zone, as the API writes it. */
function localIso(f: ScheduleFixture, days: number, hhmm = "10:00") {
  const today = utcToZoned(new Date(), f.clinic.timeZone).date;
  return toOffsetIso(localInstant(f.clinic.timeZone, addDays(today, days), hhmm), f.clinic.timeZone);
}

function localDate(f: ScheduleFixture, days: number) {
  return addDays(utcToZoned(new Date(), f.clinic.timeZone).date, days);
}

const asA = (opts: Partial<CallOptions> = {}): CallOptions => ({ host: hostA, key: keyA, ...opts });

function call<T = Json>(route: RouteModule, path: string, opts: CallOptions) {
  return callRoute<T>(route, path, opts);
}

function expectProblem(answer: ApiAnswer<unknown>, status: number): Problem {
  expect(answer.status).toBe(status);
  expect(answer.headers.get("content-type")).toBe("application/problem+json");
  const problem = answer.body as Problem;
  expect(problem).toMatchObject({ status, title: expect.any(String), type: expect.any(String) });
  return problem;
}

function bookingBody(f: ScheduleFixture, overrides: Json = {}): Json {
  return {
    serviceId: f.serviceId,
    practitionerId: f.doctorIds[0],
    start: localIso(f, 7, "10:00"),
    patient: { phone: usPhone(), firstName: "Ada", lastName: "Lovelace" },
    ...overrides,
  };
}

const book = (body: unknown, opts: Partial<CallOptions> = {}) =>
  call<Appointment>(appointmentRoute, "/api/v1/appointments", asA({ method: "POST", body, ...opts }));

async function appointmentRows(f: ScheduleFixture) {
  return testDb()
    .forClinic(f.clinic.id)
    .tx((tx) => tx.appointment.findMany({ where: { clinicId: f.clinic.id }, select: { id: true, status: true, startsAt: true } }));
}

describe("API keys", () => {
  test("a key is msk_ and 32 random bytes; only its SHA-256 and first 12 characters are stored", async () => {
    const { key, apiKey } = await createApiKey(testDb().forClinic(a.clinic.id), "  Website  ", "staff:00000000-0000-4000-8000-000000000009");
    expect(key).toMatch(/^msk_[A-Za-z0-9_-]{43}$/);
    expect(apiKey).toMatchObject({ name: "Website", prefix: key.slice(0, 12), revokedAt: null });
    const stored = await testDb()
      .forClinic(a.clinic.id)
      .tx((tx) => tx.apiKey.findFirstOrThrow({ where: { id: apiKey.id } }));
    expect(stored.keyHash).toBe(hashApiKey(key));
    expect(stored.keyHash).toMatch(/^[0-9a-f]{64}$/);
    expect(JSON.stringify(await listApiKeys(testDb().forClinic(a.clinic.id)))).not.toContain(key);
    const audit = await testDb()
      .forClinic(a.clinic.id)
      .tx((tx) => tx.auditEvent.findMany({ where: { action: "api_key.created", targetId: apiKey.id } }));
    expect(audit).toMatchObject([{ actorType: "staff", actorId: "00000000-0000-4000-8000-000000000009" }]);
  });

  test("a name is required and short", async () => {
    await expect(createApiKey(testDb().forClinic(a.clinic.id), "   ", "cli")).rejects.toThrow(/name of 1 to 80/);
    await expect(createApiKey(testDb().forClinic(a.clinic.id), "x".repeat(81), "cli")).rejects.toThrow(/name of 1 to 80/);
  });

  test("missing key: 401 with WWW-Authenticate", async () => {
    const answer = await call(clinicRoute, "/api/v1/clinic", { host: hostA });
    expectProblem(answer, 401);
    expect(answer.headers.get("www-authenticate")).toBe('Bearer realm="medslot"');
  });

  test("a key of clinic A on clinic B's host: 401", async () => {
    expectProblem(await call(clinicRoute, "/api/v1/clinic", { host: hostB, key: keyA }), 401);
    expectProblem(await call(servicesRoute, "/api/v1/services", { host: hostA, key: keyB }), 401);
  });

  test("a revoked key: 401 at once on the server that revoked it, and as soon as the others hear of it", async () => {
    const { key, apiKey } = await createApiKey(testDb().forClinic(a.clinic.id), "Soon revoked", "cli");
    expect((await call(clinicRoute, "/api/v1/clinic", { host: hostA, key })).status).toBe(200);
    // The routes' own database client stands for this server (the owner's panel revokes through it).
    await revokeApiKey(getDb().forClinic(a.clinic.id), apiKey.id, "staff:owner");
    expectProblem(await call(clinicRoute, "/api/v1/clinic", { host: hostA, key }), 401);
    // Revoked elsewhere (the CLI, another server): refused once the change log reaches this server.
    const other = await createApiKey(testDb().forClinic(a.clinic.id), "Revoked by the CLI", "cli");
    expect((await call(clinicRoute, "/api/v1/clinic", { host: hostA, key: other.key })).status).toBe(200);
    await revokeApiKey(testDb().forClinic(a.clinic.id), other.apiKey.id, "cli");
    await expect.poll(async () => (await call(clinicRoute, "/api/v1/clinic", { host: hostA, key: other.key })).status, { timeout: 3_000 }).toBe(401);
    // Revoking again changes nothing; another clinic's key id is not found there.
    expect((await revokeApiKey(testDb().forClinic(a.clinic.id), apiKey.id, "cli")).revokedAt).toEqual(
      (await listApiKeys(testDb().forClinic(a.clinic.id))).find((k) => k.id === apiKey.id)!.revokedAt,
    );
    await expect(revokeApiKey(testDb().forClinic(b.clinic.id), apiKey.id, "cli")).rejects.toThrow(/no API key/);
  });

  test("a wrong scheme or a token that cannot be a key: 401", async () => {
    expectProblem(await call(clinicRoute, "/api/v1/clinic", { host: hostA, headers: { Authorization: `Basic ${btoa("a:b")}` } }), 401);
    expectProblem(await call(clinicRoute, "/api/v1/clinic", { host: hostA, key: "msk_short" }), 401);
    expectProblem(await call(clinicRoute, "/api/v1/clinic", { host: hostA, key: `msk_${"A".repeat(43)}` }), 401);
  });

  test("last_used_at is written at most once a minute", async () => {
    const { key, apiKey } = await createApiKey(testDb().forClinic(a.clinic.id), "Usage", "cli");
    const lastUsed = async () => (await listApiKeys(testDb().forClinic(a.clinic.id))).find((k) => k.id === apiKey.id)!.lastUsedAt;
    expect(await lastUsed()).toBeNull();
    await call(clinicRoute, "/api/v1/clinic", { host: hostA, key });
    const first = await lastUsed();
    expect(first).toBeInstanceOf(Date);
    await call(clinicRoute, "/api/v1/clinic", { host: hostA, key });
    expect(await lastUsed()).toEqual(first);
  });

  test("the marketplace host and unknown hosts have no API: 404 problem", async () => {
    expectProblem(await call(clinicRoute, "/api/v1/clinic", { host: "localhost", key: keyA }), 404);
    expectProblem(await call(slotsRoute, "/api/v1/slots", { host: "no-such-clinic-here.localhost", key: keyA }), 404);
  });
});

describe("catalog", () => {
  test("GET /api/v1/clinic: the host's clinic with its locations", async () => {
    const answer = await call<Json>(clinicRoute, "/api/v1/clinic", asA());
    expect(answer.status).toBe(200);
    expect(answer.headers.get("content-type")).toBe("application/json; charset=utf-8");
    expect(answer.body).toMatchObject({
      id: a.clinic.id,
      slug: a.clinic.slug,
      timeZone: "America/New_York",
      currency: "USD",
      locations: [{ id: a.locationId, name: "Main site" }],
    });
  });

  test("GET /api/v1/services: internal-only for keys, never inactive", async () => {
    const [internal, inactive] = await testDb()
      .forClinic(a.clinic.id)
      .tx(async (tx) => [
        await tx.service.create({
          data: { clinicId: a.clinic.id, key: "internal", name: "Staff check", durationMin: 15, priceMinor: 0, visibility: "internal_only" },
        }),
        await tx.service.create({ data: { clinicId: a.clinic.id, key: "retired", name: "Retired", durationMin: 15, priceMinor: 0, visibility: "inactive" } }),
      ]);
    const answer = await call<{ services: Json[] }>(servicesRoute, "/api/v1/services", asA());
    expect(answer.status).toBe(200);
    const ids = answer.body.services.map((s) => s.id);
    expect(ids).toContain(a.serviceId);
    expect(ids).toContain(internal!.id);
    expect(ids).not.toContain(inactive!.id);
    expect(answer.body.services.find((s) => s.id === a.serviceId)).toMatchObject({
      name: "Consultation",
      durationMinutes: 30,
      price: { amountMinor: 10_000, currency: "USD" },
      deposit: { kind: "none" },
      practitionerIds: [...a.doctorIds].sort(),
      locationIds: [a.locationId],
    });
  });

  test("GET /api/v1/practitioners: the clinic's doctors by membership id", async () => {
    const answer = await call<{ practitioners: Json[] }>(practitionersRoute, "/api/v1/practitioners", asA());
    expect(answer.status).toBe(200);
    expect(answer.body.practitioners.map((p) => p.id).sort()).toEqual([...a.doctorIds].sort());
    expect(answer.body.practitioners[0]).toMatchObject({
      name: expect.stringMatching(/^Dr\. Test/),
      specialty: "General practice",
      workStatus: "active",
      locationIds: [a.locationId],
    });
    expect(answer.body.practitioners[0]!.serviceIds).toContain(a.serviceId);
  });

  test("a GET-only endpoint answers other methods with 405", async () => {
    const answer = await call(clinicRoute, "/api/v1/clinic", asA({ method: "POST", body: {} }));
    expectProblem(answer, 405);
    expect(answer.headers.get("allow")).toBe("GET");
  });
});

describe("slots", () => {
  const slots = (query: string, opts: Partial<CallOptions> = {}) => call<{ slots: Json[] }>(slotsRoute, `/api/v1/slots?${query}`, asA(opts));

  test("times carry the clinic's offset; plain dates are the clinic's local midnight", async () => {
    const day = localDate(a, 7);
    const answer = await slots(`serviceId=${a.serviceId}&from=${day}&to=${addDays(day, 1)}&practitionerId=${a.doctorIds[0]}`);
    expect(answer.status).toBe(200);
    // 09:00–17:00 in 30-minute steps.
    expect(answer.body.slots).toHaveLength(16);
    expect(answer.body.slots[0]).toEqual({
      start: expect.stringMatching(new RegExp(`^${day}T09:00:00-0[45]:00$`)),
      end: expect.stringMatching(new RegExp(`^${day}T09:30:00-0[45]:00$`)),
      practitionerId: a.doctorIds[0],
      locationId: a.locationId,
      roomId: null,
    });
    // Berlin: the same kind of answer with the Berlin offset.
    const berlin = await call<{ slots: Json[] }>(slotsRoute, `/api/v1/slots?serviceId=${b.serviceId}&from=${localDate(b, 7)}&to=${localDate(b, 8)}`, {
      host: hostB,
      key: keyB,
    });
    expect(berlin.body.slots[0]!.start).toMatch(new RegExp(`^${localDate(b, 7)}T09:00:00\\+0[12]:00$`));
  });

  test("date-times with an offset or Z are accepted", async () => {
    const from = localIso(a, 7, "12:00");
    const to = new Date(new Date(from).getTime() + 3_600_000).toISOString();
    const answer = await slots(`serviceId=${a.serviceId}&from=${encodeURIComponent(from)}&to=${encodeURIComponent(to)}&practitionerId=${a.doctorIds[1]}`);
    expect(answer.status).toBe(200);
    expect(answer.body.slots.map((s) => s.start)).toEqual([localIso(a, 7, "12:00"), localIso(a, 7, "12:30")]);
  });

  test("an impossible date: 422 saying it is not on the calendar", async () => {
    const problem = expectProblem(await slots(`serviceId=${a.serviceId}&from=2026-02-30&to=2026-03-02`), 422);
    expect(problem.errors).toEqual([{ path: "from", message: "2026-02-30 is not a date on the calendar." }]);
    const again = expectProblem(await slots(`serviceId=${a.serviceId}&from=2026-02-30T10:00:00Z&to=2026-03-02`), 422);
    expect(again.errors?.[0]).toMatchObject({ path: "from", message: expect.stringContaining("not a date on the calendar") });
  });

  test("a year PostgreSQL refuses or nobody books in: 422, never a 500", async () => {
    const problem = expectProblem(await slots(`serviceId=${a.serviceId}&from=0000-01-01&to=0000-01-02`), 422);
    expect(problem.errors?.map((e) => e.path)).toContain("from");
    expectProblem(await book(bookingBody(a, { start: "0000-01-01T09:00:00Z" })), 422);
  });

  test("wrong types, reversed ranges and ranges over 62 days: 422 with field errors", async () => {
    const wrong = expectProblem(await slots(`serviceId=not-an-id&from=tomorrow&to=2026-12-01`), 422);
    expect(wrong.errors?.map((e) => e.path).sort()).toEqual(["from", "serviceId"]);
    const missing = expectProblem(await slots(`from=2026-12-01`), 422);
    expect(missing.errors?.map((e) => e.path).sort()).toEqual(["serviceId", "to"]);
    const reversed = expectProblem(await slots(`serviceId=${a.serviceId}&from=${localDate(a, 8)}&to=${localDate(a, 7)}`), 422);
    expect(reversed.errors).toEqual([{ path: "to", message: "Must be later than from." }]);
    const empty = expectProblem(await slots(`serviceId=${a.serviceId}&from=${localDate(a, 8)}&to=${localDate(a, 8)}`), 422);
    expect(empty.errors?.[0]?.path).toBe("to");
    const long = expectProblem(await slots(`serviceId=${a.serviceId}&from=${localDate(a, 1)}&to=${localDate(a, 70)}`), 422);
    expect(long.detail).toMatch(/at most 62 days/);
    const twice = expectProblem(await slots(`serviceId=${a.serviceId}&serviceId=${a.serviceId}&from=${localDate(a, 1)}&to=${localDate(a, 2)}`), 422);
    expect(twice.errors).toEqual([{ path: "serviceId", message: "Given more than once." }]);
  });

  test("an unknown service, or another clinic's: 404", async () => {
    expectProblem(await slots(`serviceId=${b.serviceId}&from=${localDate(a, 1)}&to=${localDate(a, 2)}`), 404);
  });
});

describe("booking", () => {
  test("POST /api/v1/appointments: 201 with the appointment and its Location", async () => {
    const body = bookingBody(a, { start: localIso(a, 8, "11:00"), note: "First visit", externalRef: `ext-${Date.now()}` });
    const answer = await book(body);
    expect(answer.status).toBe(201);
    expect(answer.headers.get("location")).toBe(`/api/v1/appointments/${answer.body.id}`);
    expect(answer.headers.get("idempotent-replayed")).toBeNull();
    expect(answer.body).toMatchObject({
      status: "confirmed",
      serviceId: a.serviceId,
      practitionerId: a.doctorIds[0],
      locationId: a.locationId,
      start: localIso(a, 8, "11:00"),
      end: localIso(a, 8, "11:30"),
      patient: { phone: (body.patient as Json).phone, firstName: "Ada", lastName: "Lovelace" },
      price: { amountMinor: 10_000, currency: "USD" },
      deposit: { amountMinor: 0, currency: "USD" },
      channel: "api",
      note: "First visit",
      // A reason is chosen on the clinic's site from the service's list; the API books without one.
      visitReason: null,
      externalRef: body.externalRef,
      cancellation: null,
    });
    const read = await call<Appointment>(appointmentByIdRoute, `/api/v1/appointments/${answer.body.id}`, asA({ params: { id: answer.body.id } }));
    expect(read.status).toBe(200);
    expect(read.body).toEqual(answer.body);
    const history = await testDb()
      .forClinic(a.clinic.id)
      .tx((tx) => tx.appointmentStatusChange.findMany({ where: { appointmentId: answer.body.id } }));
    expect(history).toMatchObject([{ toStatus: "confirmed", actorType: "api" }]);
  });

  test("an idempotent retry returns the same 201 body and creates one row", async () => {
    const body = bookingBody(a, { start: localIso(a, 9, "09:00") });
    const key = `retry-${Date.now()}`;
    const first = await book(body, { headers: { "Idempotency-Key": key } });
    expect(first.status).toBe(201);
    // Same request, keys in another order: still the same request.
    const reordered = { patient: body.patient, start: body.start, practitionerId: body.practitionerId, serviceId: body.serviceId };
    const second = await book(reordered, { headers: { "Idempotency-Key": key } });
    expect(second.status).toBe(201);
    expect(second.headers.get("idempotent-replayed")).toBe("true");
    expect(second.headers.get("location")).toBe(first.headers.get("location"));
    expect(JSON.stringify(second.body)).toBe(JSON.stringify(first.body));
    const rows = (await appointmentRows(a)).filter((r) => r.startsAt.getTime() === new Date(body.start as string).getTime());
    expect(rows).toHaveLength(1);
  });

  test("the same key with a different body: 422; another caller's same key is its own", async () => {
    const key = `reuse-${Date.now()}`;
    expect((await book(bookingBody(a, { start: localIso(a, 9, "11:00") }), { headers: { "Idempotency-Key": key } })).status).toBe(201);
    const problem = expectProblem(await book(bookingBody(a, { start: localIso(a, 9, "11:30") }), { headers: { "Idempotency-Key": key } }), 422);
    expect(problem.type).toBe("https://medslot.dev/problems/idempotency-key-reused");
    const other = await createApiKey(testDb().forClinic(a.clinic.id), "Second integration", "cli");
    expect((await book(bookingBody(a, { start: localIso(a, 9, "12:00") }), { key: other.key, headers: { "Idempotency-Key": key } })).status).toBe(201);
  });

  test("concurrent requests with one key: one booking, both answered with it", async () => {
    const body = bookingBody(a, { start: localIso(a, 9, "14:00") });
    const key = `race-${Date.now()}`;
    const answers = await Promise.all([1, 2, 3].map(() => book(body, { headers: { "Idempotency-Key": key } })));
    expect(answers.map((r) => r.status)).toEqual([201, 201, 201]);
    expect(new Set(answers.map((r) => r.body.id)).size).toBe(1);
    expect(answers.filter((r) => r.headers.get("idempotent-replayed") === "true")).toHaveLength(2);
  });

  test("a key older than 24 hours is taken over by a new request", async () => {
    const key = `old-${Date.now()}`;
    const first = await book(bookingBody(a, { start: localIso(a, 10, "09:00") }), { headers: { "Idempotency-Key": key } });
    await testDb()
      .forClinic(a.clinic.id)
      .tx(
        (tx) => tx.$executeRaw`UPDATE idempotent_requests SET created_at = now() - interval '25 hours' WHERE clinic_id = ${a.clinic.id}::uuid AND key = ${key}`,
      );
    const second = await book(bookingBody(a, { start: localIso(a, 10, "09:30") }), { headers: { "Idempotency-Key": key } });
    expect(second.status).toBe(201);
    expect(second.headers.get("idempotent-replayed")).toBeNull();
    expect(second.body.id).not.toBe(first.body.id);
  });

  test("an Idempotency-Key that is empty, too long or not visible ASCII: 400", async () => {
    for (const key of [" ", "has space", "x".repeat(256), "clé"]) {
      expectProblem(await book(bookingBody(a), { headers: { "Idempotency-Key": key } }), 400);
    }
  });

  test("a taken time: 409 with the next free times", async () => {
    const start = localIso(a, 11, "10:00");
    expect((await book(bookingBody(a, { start }))).status).toBe(201);
    const answer = await book(bookingBody(a, { start }));
    const problem = expectProblem(answer, 409);
    expect(problem.alternatives?.length).toBeGreaterThan(0);
    expect(problem.alternatives![0]).toEqual({
      start: localIso(a, 11, "10:30"),
      end: localIso(a, 11, "11:00"),
      practitionerId: a.doctorIds[0],
      locationId: a.locationId,
      roomId: null,
    });
  });

  test("a rush of 30 requests for one time: one 201, 29 × 409 with the same next free times, one row", async () => {
    const start = localIso(a, 13, "11:00");
    const before = (await appointmentRows(a)).length;
    const answers = await Promise.all(Array.from({ length: 30 }, () => book(bookingBody(a, { start }))));
    expect(answers.filter((x) => x.status === 201)).toHaveLength(1);
    const conflicts = answers.filter((x) => x.status === 409).map((x) => expectProblem(x, 409));
    expect(conflicts).toHaveLength(29);
    for (const problem of conflicts) expect(problem.alternatives).toEqual(conflicts[0]!.alternatives);
    expect(conflicts[0]!.alternatives![0]!.start).toBe(localIso(a, 13, "11:30"));
    expect((await appointmentRows(a)).length).toBe(before + 1);
  });

  test("a reused externalRef: 409, nothing half-saved", async () => {
    const externalRef = `dup-${Date.now()}`;
    expect((await book(bookingBody(a, { start: localIso(a, 12, "09:00"), externalRef }))).status).toBe(201);
    const before = (await appointmentRows(a)).length;
    expectProblem(await book(bookingBody(a, { start: localIso(a, 12, "10:00"), externalRef })), 409);
    expect((await appointmentRows(a)).length).toBe(before);
  });

  test("a time that is never bookable, or in the past: 422", async () => {
    expectProblem(await book(bookingBody(a, { start: localIso(a, 12, "03:00") })), 422);
    expectProblem(await book(bookingBody(a, { start: localIso(a, -2, "10:00") })), 422);
  });

  test("malformed JSON: 400; not JSON: 415; over 64 KB: 413", async () => {
    expectProblem(await book('{"serviceId": ', {}), 400);
    expectProblem(await book("", {}), 400);
    expectProblem(await book("serviceId=x", { headers: { "Content-Type": "application/x-www-form-urlencoded" } }), 415);
    expectProblem(await book(JSON.stringify(bookingBody(a)), { headers: { "Content-Type": "text/plain" } }), 415);
    const huge = expectProblem(await book({ ...bookingBody(a), note: "x".repeat(70_000) }), 413);
    expect(huge.detail).toMatch(/64 KB/);
  });

  test("wrong types, impossible dates and oversized strings: 422 with field errors", async () => {
    const wrong = expectProblem(await book({ serviceId: 5, practitionerId: null, start: "2026-02-30T10:00:00-05:00", patient: "Ada" }), 422);
    expect(wrong.errors?.map((e) => e.path).sort()).toEqual(["patient", "practitionerId", "serviceId", "start"]);
    expect(wrong.errors?.find((e) => e.path === "start")?.message).toBe("2026-02-30 is not a date on the calendar.");
    const long = expectProblem(
      await book(
        bookingBody(a, { note: "n".repeat(1001), externalRef: "r".repeat(201), patient: { phone: usPhone(), firstName: "A".repeat(101), lastName: "" } }),
      ),
      422,
    );
    expect(long.errors?.map((e) => e.path).sort()).toEqual(["externalRef", "note", "patient.firstName", "patient.lastName"]);
    const noOffset = expectProblem(await book(bookingBody(a, { start: "2026-12-01T10:00:00" })), 422);
    expect(noOffset.errors?.[0]).toMatchObject({ path: "start", message: expect.stringContaining("offset") });
    const phone = expectProblem(await book(bookingBody(a, { patient: { phone: "12", firstName: "A", lastName: "B" } })), 422);
    expect(phone.errors).toMatchObject([{ path: "patient.phone" }]);
    expectProblem(await book([1, 2, 3]), 422);
    // What PostgreSQL cannot store fails as input, not as a database error.
    const unstorable = expectProblem(
      await book(bookingBody(a, { note: "a\u0000b", patient: { phone: usPhone(), firstName: "\ud800", lastName: "B\u0007" } })),
      422,
    );
    expect(unstorable.errors?.map((e) => e.path).sort()).toEqual(["note", "patient.firstName", "patient.lastName"]);
  });

  test("another clinic's service or a practitioner who does not offer it: 422 on the field", async () => {
    expectProblem(await book(bookingBody(a, { serviceId: b.serviceId })), 422);
    expectProblem(await book(bookingBody(a, { practitionerId: b.doctorIds[0] })), 422);
  });

  test("writes need an API key; other methods are refused", async () => {
    expectProblem(await book(bookingBody(a), { key: null }), 401);
    const put = await call(appointmentRoute, "/api/v1/appointments", asA({ method: "PUT", body: bookingBody(a) }));
    expectProblem(put, 405);
    expect(put.headers.get("allow")).toBe("GET, POST");
  });
});

describe("reading appointments", () => {
  test("a foreign id or a malformed id: 404", async () => {
    const theirs = await call<Appointment>(appointmentRoute, "/api/v1/appointments", {
      host: hostB,
      key: keyB,
      method: "POST",
      body: bookingBody(b, { start: localIso(b, 7, "10:00"), patient: { phone: "+4915112345678", firstName: "Max", lastName: "Muster" } }),
    });
    expect(theirs.status).toBe(201);
    expectProblem(await call(appointmentByIdRoute, `/api/v1/appointments/${theirs.body.id}`, asA({ params: { id: theirs.body.id } })), 404);
    expectProblem(await call(appointmentByIdRoute, "/api/v1/appointments/123", asA({ params: { id: "123" } })), 404);
    expectProblem(await call(appointmentByIdRoute, "/api/v1/appointments/x'%20OR%201=1", asA({ params: { id: "x' OR 1=1" } })), 404);
    expectProblem(
      await call(
        cancelRoute,
        `/api/v1/appointments/${theirs.body.id}/cancel`,
        asA({ method: "POST", params: { id: theirs.body.id }, body: { reason: "duplicate" } }),
      ),
      404,
    );
    expectProblem(
      await call(rescheduleRoute, "/api/v1/appointments/nope/reschedule", asA({ method: "POST", params: { id: "nope" }, body: { start: localIso(a, 20) } })),
      404,
    );
  });

  test("GET /api/v1/appointments: a range, paged by cursor", async () => {
    const f = await createScheduleFixture({ timeZone: "Asia/Tashkent", doctors: 1 });
    const key = (await createApiKey(testDb().forClinic(f.clinic.id), "List", "cli")).key;
    const host = `${f.clinic.slug}.localhost`;
    for (const hhmm of ["09:00", "10:00", "11:00"]) {
      const made = await call(appointmentRoute, "/api/v1/appointments", {
        host,
        key,
        method: "POST",
        body: bookingBody(f, { start: localIso(f, 5, hhmm), patient: { phone: "+998901234567", firstName: "Aziz", lastName: "K" } }),
      });
      expect(made.status).toBe(201);
    }
    const list = (query: string) =>
      call<{ appointments: Appointment[]; nextCursor: string | null }>(appointmentRoute, `/api/v1/appointments?${query}`, { host, key });
    const first = await list(`from=${localDate(f, 5)}&to=${localDate(f, 6)}&limit=2`);
    expect(first.status).toBe(200);
    expect(first.body.appointments.map((x) => x.start)).toEqual([localIso(f, 5, "09:00"), localIso(f, 5, "10:00")]);
    expect(first.body.appointments[0]!.start).toMatch(/\+05:00$/);
    expect(first.body.nextCursor).toEqual(expect.any(String));
    const second = await list(`from=${localDate(f, 5)}&to=${localDate(f, 6)}&limit=2&cursor=${encodeURIComponent(first.body.nextCursor!)}`);
    expect(second.body.appointments.map((x) => x.start)).toEqual([localIso(f, 5, "11:00")]);
    expect(second.body.nextCursor).toBeNull();
    expectProblem(await list(`from=${localDate(f, 5)}&to=${localDate(f, 6)}&limit=201`), 422);
    expectProblem(await list(`from=${localDate(f, 5)}&to=${localDate(f, 6)}&limit=two`), 422);
    expectProblem(await list(`from=${localDate(f, 1)}&to=${localDate(f, 120)}`), 422);
    expectProblem(await list(`from=${localDate(f, 5)}&to=${localDate(f, 6)}&cursor=bm90LWEtY3Vyc29y`), 422);
  });
});

describe("cancel and reschedule", () => {
  test("cancel: 200 with the cancellation; a second cancel is refused", async () => {
    const made = await book(bookingBody(a, { start: localIso(a, 13, "10:00") }));
    const cancel = (body: unknown) =>
      call<Appointment>(cancelRoute, `/api/v1/appointments/${made.body.id}/cancel`, asA({ method: "POST", params: { id: made.body.id }, body }));
    const bad = expectProblem(await cancel({ reason: "changed_mind" }), 422);
    expect(bad.errors).toMatchObject([{ path: "reason", message: expect.stringContaining("patient_request") }]);
    const answer = await cancel({ reason: "patient_request", note: "Feeling better" });
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({
      id: made.body.id,
      status: "cancelled",
      cancellation: { reason: "patient_request", note: "Feeling better", by: expect.stringMatching(/^api:/) },
    });
    expectProblem(await cancel({ reason: "patient_request" }), 422);
    // The time is free again.
    expect((await book(bookingBody(a, { start: localIso(a, 13, "10:00") }))).status).toBe(201);
  });

  test("cancel inside the cancellation window needs an overrideReason", async () => {
    const made = await book(bookingBody(a, { start: localIso(a, 1, "16:00") }));
    expect(made.status).toBe(201);
    const cancel = (body: unknown) =>
      call<Appointment>(cancelRoute, `/api/v1/appointments/${made.body.id}/cancel`, asA({ method: "POST", params: { id: made.body.id }, body }));
    const refused = expectProblem(await cancel({ reason: "illness" }), 422);
    expect(refused.detail).toMatch(/cancellation window/);
    expect((await cancel({ reason: "illness", overrideReason: "Doctor is ill" })).status).toBe(200);
  });

  test("reschedule: 201 with the new appointment, the old one linked to it", async () => {
    const made = await book(bookingBody(a, { start: localIso(a, 14, "10:00") }));
    const answer = await call<Appointment>(
      rescheduleRoute,
      `/api/v1/appointments/${made.body.id}/reschedule`,
      asA({
        method: "POST",
        params: { id: made.body.id },
        body: { start: localIso(a, 14, "15:00"), practitionerId: a.doctorIds[1] },
        headers: { "Idempotency-Key": `move-${made.body.id}` },
      }),
    );
    expect(answer.status).toBe(201);
    expect(answer.headers.get("location")).toBe(`/api/v1/appointments/${answer.body.id}`);
    expect(answer.body).toMatchObject({
      status: "confirmed",
      start: localIso(a, 14, "15:00"),
      practitionerId: a.doctorIds[1],
      rescheduledFromId: made.body.id,
      patient: { id: made.body.patient!.id },
    });
    const old = await call<Appointment>(appointmentByIdRoute, `/api/v1/appointments/${made.body.id}`, asA({ params: { id: made.body.id } }));
    expect(old.body).toMatchObject({ status: "rescheduled", rescheduledToId: answer.body.id });
    // A retry of the same move replays it instead of failing on the now-rescheduled appointment.
    const retry = await call<Appointment>(
      rescheduleRoute,
      `/api/v1/appointments/${made.body.id}/reschedule`,
      asA({
        method: "POST",
        params: { id: made.body.id },
        body: { start: localIso(a, 14, "15:00"), practitionerId: a.doctorIds[1] },
        headers: { "Idempotency-Key": `move-${made.body.id}` },
      }),
    );
    expect(retry.status).toBe(201);
    expect(retry.body.id).toBe(answer.body.id);
  });

  test("reschedule to a taken time: 409 with alternatives, and the appointment is unchanged", async () => {
    const made = await book(bookingBody(a, { start: localIso(a, 15, "10:00") }));
    expect((await book(bookingBody(a, { start: localIso(a, 15, "12:00") }))).status).toBe(201);
    const answer = await call(
      rescheduleRoute,
      `/api/v1/appointments/${made.body.id}/reschedule`,
      asA({ method: "POST", params: { id: made.body.id }, body: { start: localIso(a, 15, "12:00") } }),
    );
    const problem = expectProblem(answer, 409);
    expect(problem.alternatives?.[0]).toMatchObject({ start: localIso(a, 15, "12:30"), practitionerId: a.doctorIds[0] });
    const unchanged = await call<Appointment>(appointmentByIdRoute, `/api/v1/appointments/${made.body.id}`, asA({ params: { id: made.body.id } }));
    expect(unchanged.body).toMatchObject({ status: "confirmed", start: localIso(a, 15, "10:00"), rescheduledToId: null });
  });
});

describe("a patient's session cookie", () => {
  async function patientCookie(f: ScheduleFixture, patientId: string) {
    const { token } = await createSession(
      testDb(),
      { clinicId: f.clinic.id, host: `${f.clinic.slug}.localhost` },
      { subject: "patient", patientAccountId: patientId },
      { ip: null, userAgent: "vitest" },
    );
    return `${SESSION_COOKIE}=${token}`;
  }

  test("reads the catalog and slots, without internal-only services", async () => {
    const cookie = await patientCookie(a, a.patientId);
    const services = await call<{ services: Json[] }>(servicesRoute, "/api/v1/services", { host: hostA, cookie });
    expect(services.status).toBe(200);
    expect(services.body.services.every((s) => s.visibility !== "internal_only")).toBe(true);
    expect(
      (await call(slotsRoute, `/api/v1/slots?serviceId=${a.serviceId}&from=${localDate(a, 7)}&to=${localDate(a, 8)}`, { host: hostA, cookie })).status,
    ).toBe(200);
    // The same cookie on another clinic's host is nobody.
    expectProblem(await call(clinicRoute, "/api/v1/clinic", { host: hostB, cookie }), 401);
  });

  test("sees only the patient's own appointments, and cannot write", async () => {
    const phone = usPhone();
    const mine = await book(bookingBody(a, { start: localIso(a, 16, "10:00"), patient: { phone, firstName: "Mia", lastName: "Own" } }));
    const theirs = await book(bookingBody(a, { start: localIso(a, 16, "11:00") }));
    const cookie = await patientCookie(a, mine.body.patient!.id);
    expect((await call(appointmentByIdRoute, `/api/v1/appointments/${mine.body.id}`, { host: hostA, cookie, params: { id: mine.body.id } })).status).toBe(200);
    expectProblem(await call(appointmentByIdRoute, `/api/v1/appointments/${theirs.body.id}`, { host: hostA, cookie, params: { id: theirs.body.id } }), 404);
    const list = await call<{ appointments: Appointment[] }>(appointmentRoute, `/api/v1/appointments?from=${localDate(a, 16)}&to=${localDate(a, 17)}`, {
      host: hostA,
      cookie,
    });
    expect(list.body.appointments.map((x) => x.id)).toEqual([mine.body.id]);
    expectProblem(
      await call(cancelRoute, `/api/v1/appointments/${mine.body.id}/cancel`, {
        host: hostA,
        cookie,
        method: "POST",
        params: { id: mine.body.id },
        body: { reason: "patient_request" },
      }),
      401,
    );
  });
});

describe("OpenAPI", () => {
  test("GET /api/v1/openapi.json: OpenAPI 3.1 covering every v1 route", async () => {
    const answer = await call<Json>(openApiRoute, "/api/v1/openapi.json", { host: hostA });
    expect(answer.status).toBe(200);
    const doc = answer.body as {
      openapi: string;
      info: { title: string; version: string };
      servers: { url: string }[];
      paths: Record<
        string,
        Record<string, { operationId: string; responses: Record<string, { content?: Record<string, unknown>; headers?: Json }>; requestBody?: unknown; parameters?: Json[] }>
      >;
      components: { schemas: Record<string, Json>; securitySchemes: Record<string, Json>; parameters: Record<string, Json> };
    };
    expect(doc.openapi).toBe("3.1.0");
    expect(doc.info).toMatchObject({ title: expect.any(String), version: expect.any(String) });
    // The configured address (the local demo: http and PORT), not whatever the request said.
    expect(doc.servers).toEqual([{ url: `http://${hostA}:3000`, description: expect.any(String) }]);
    expect(doc.components.securitySchemes.apiKey).toMatchObject({ type: "http", scheme: "bearer" });

    // Every api.v1.* route file is documented, with its methods.
    const routeFiles = fs.readdirSync(path.resolve("app/routes")).filter((f) => f.startsWith("api.v1.") && f.endsWith(".ts"));
    const documented = new Set(Object.keys(doc.paths));
    for (const file of routeFiles) {
      // Flat-route file names: dots are slashes, "[.]" a literal dot, "$id" a parameter.
      const urlPath = `/${file
        .replace(/\.ts$/, "")
        .split(/\.(?![^[]*\])/)
        .join("/")
        .replace("[.]", ".")
        .replace(/\$(\w+)/g, "{$1}")}`;
      expect(documented, `${file} is documented`).toContain(urlPath);
    }
    expect([...documented].sort()).toEqual(
      [
        "/api/v1/clinic",
        "/api/v1/services",
        "/api/v1/practitioners",
        "/api/v1/slots",
        "/api/v1/appointments",
        "/api/v1/appointments/{id}",
        "/api/v1/appointments/{id}/cancel",
        "/api/v1/appointments/{id}/reschedule",
        "/api/v1/openapi.json",
      ].sort(),
    );
    expect(Object.keys(doc.paths["/api/v1/appointments"]!).sort()).toEqual(["get", "post"]);

    // Structure: every operation has an id, a success answer with JSON and problem answers; path
    // parameters are declared; every $ref resolves inside the document.
    const operationIds = new Set<string>();
    for (const [p, item] of Object.entries(doc.paths)) {
      for (const [method, op] of Object.entries(item)) {
        expect(["get", "post"]).toContain(method);
        expect(operationIds.has(op.operationId)).toBe(false);
        operationIds.add(op.operationId);
        const statuses = Object.keys(op.responses);
        expect(
          statuses.some((s) => /^2\d\d$/.test(s)),
          `${method} ${p} has a success answer`,
        ).toBe(true);
        expect(op.responses["404"]?.content).toHaveProperty(["application/problem+json"]);
        if (p !== "/api/v1/openapi.json") expect(op.responses["401"]?.content).toHaveProperty(["application/problem+json"]);
        // Every endpoint is rate limited: a 429 with Retry-After, and the RateLimit headers on every answer.
        expect(op.responses["429"]?.content).toHaveProperty(["application/problem+json"]);
        expect(Object.keys(op.responses["429"]?.headers ?? {}).sort()).toEqual(["RateLimit", "RateLimit-Policy", "Retry-After"]);
        expect(Object.keys(op.responses[statuses.find((s) => /^2\d\d$/.test(s))!]?.headers ?? {})).toEqual(expect.arrayContaining(["RateLimit", "RateLimit-Policy"]));
        if (method === "post") expect(op.requestBody).toBeDefined();
        for (const name of p.match(/\{(\w+)\}/g) ?? []) {
          expect(op.parameters?.some((x) => x.in === "path" && `{${String(x.name)}}` === name && x.required === true)).toBe(true);
        }
      }
    }
    const refs = JSON.stringify(doc).match(/"\$ref":"[^"]+"/g) ?? [];
    expect(refs.length).toBeGreaterThan(10);
    for (const ref of refs) {
      const target = ref.slice(8, -1).replace(/^#\//, "").split("/");
      let node: unknown = doc;
      for (const part of target) node = (node as Record<string, unknown> | undefined)?.[part];
      expect(node, ref).toBeDefined();
    }

    // The schemas are the routes' own: field limits show up as they are enforced.
    const create = doc.components.schemas.AppointmentCreate as { required: string[]; properties: Record<string, Json> };
    expect(create.required.sort()).toEqual(["patient", "practitionerId", "serviceId", "start"]);
    expect(create.properties.note).toMatchObject({ anyOf: expect.arrayContaining([expect.objectContaining({ maxLength: 1000 })]) });
    // The appointment carries the reason chosen at booking next to the patient's own note.
    const appointment = doc.components.schemas.Appointment as { required: string[]; properties: Record<string, Json> };
    expect(appointment.required).toEqual(expect.arrayContaining(["note", "visitReason"]));
    expect(appointment.properties.visitReason).toMatchObject({ description: expect.stringContaining("reason for the visit") });
    expect(doc.components.schemas.Slot).toMatchObject({ required: expect.arrayContaining(["start", "end", "practitionerId", "locationId", "roomId"]) });
    const slotParams = doc.paths["/api/v1/slots"]!.get!.parameters!;
    expect(slotParams.map((x) => [x.name, x.required])).toEqual([
      ["serviceId", true],
      ["from", true],
      ["to", true],
      ["practitionerId", false],
      ["locationId", false],
    ]);
  });
});
