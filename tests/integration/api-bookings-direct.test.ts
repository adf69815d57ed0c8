/**
 * POST /api/v1/appointments on the real HTTP app, where a keyed call goes straight to its route's
 * action: the same answers as through the framework (201 with Location, 409 with alternatives,
 * 415, 401, rate-limit headers) and the booking really written.
 */
import { afterAll, beforeAll, expect, test } from "vitest";
import { createApiKey } from "~/modules/api/api-keys.server";
import { addDays, toOffsetIso, utcToZoned } from "~/lib/zoned-time";
import { releaseAppDb, usPhone } from "../support/api-client";
import { testDb } from "../support/db";
import { send, startHttpApp, type RunningApp } from "../support/http-app";
import { createScheduleFixture, localInstant, type ScheduleFixture } from "../support/scheduling";

let app: RunningApp;
let f: ScheduleFixture;
let key: string;

beforeAll(async () => {
  app = await startHttpApp();
  f = await createScheduleFixture({ timeZone: "America/New_York", doctors: 2 });
  key = (await createApiKey(testDb().forClinic(f.clinic.id), "Direct bookings test", "cli", { rateLimitPerSecond: 1000 })).key;
}, 240_000);

afterAll(async () => {
  await app?.close();
  await releaseAppDb();
  await testDb().disconnect();
});

const start = (hhmm: string) => toOffsetIso(localInstant(f.clinic.timeZone, addDays(utcToZoned(new Date(), f.clinic.timeZone).date, 9), hhmm), f.clinic.timeZone);
const book = (body: unknown, headers: Record<string, string> = {}) =>
  send({
    port: app.port,
    host: `${f.clinic.slug}.localhost`,
    path: "/api/v1/appointments",
    body: typeof body === "string" ? body : JSON.stringify(body),
    headers: { "content-type": "application/json", authorization: `Bearer ${key}`, ...headers },
  });
const body = (hhmm: string) => ({ serviceId: f.serviceId, practitionerId: f.doctorIds[0], start: start(hhmm), patient: { phone: usPhone(), firstName: "Grace", lastName: "Hopper" } });

test("a keyed booking is created and answered as the route answers it", async () => {
  const answer = await book(body("10:00"));
  expect(answer.status).toBe(201);
  expect(answer.headers["content-type"]).toMatch(/^application\/json/);
  expect(answer.headers["ratelimit-policy"]).toBe('"api-key";q=2000;w=2');
  const created = JSON.parse(answer.text) as { id: string; status: string; start: string; practitionerId: string };
  expect(created).toMatchObject({ status: "confirmed", start: start("10:00"), practitionerId: f.doctorIds[0] });
  expect(answer.headers.location).toBe(`/api/v1/appointments/${created.id}`);
  const stored = await testDb()
    .forClinic(f.clinic.id)
    .tx((tx) => tx.appointment.findFirstOrThrow({ where: { id: created.id }, select: { status: true, channel: true } }));
  expect(stored).toEqual({ status: "confirmed", channel: "api" });
});

test("the same time again is a 409 problem document with other times", async () => {
  expect((await book(body("11:00"))).status).toBe(201);
  const taken = await book(body("11:00"));
  expect(taken.status).toBe(409);
  expect(taken.headers["content-type"]).toBe("application/problem+json");
  const problem = JSON.parse(taken.text) as { status: number; alternatives: { start: string }[] };
  expect(problem.status).toBe(409);
  expect(problem.alternatives.length).toBeGreaterThan(0);
  expect(problem.alternatives.map((a) => a.start)).not.toContain(start("11:00"));
});

test("a form body, a wrong key and broken JSON are refused as problem documents, and nothing is booked", async () => {
  const form = await book("serviceId=x", { "content-type": "application/x-www-form-urlencoded" });
  expect(form.status).toBe(415);
  expect(form.headers["content-type"]).toBe("application/problem+json");
  const wrong = await book(body("12:00"), { authorization: "Bearer msk_notAKeyAtAll" });
  expect(wrong.status).toBe(401);
  const broken = await book('{"serviceId":');
  expect(broken.status).toBe(400);
  const rows = await testDb()
    .forClinic(f.clinic.id)
    .tx((tx) => tx.appointment.count({ where: { clinicId: f.clinic.id, startsAt: new Date(start("12:00")) } }));
  expect(rows).toBe(0);
});

test("names with quotes and backslashes are stored as sent, and a refused booking leaves no patient behind", async () => {
  // On the driver the first and last statements carry their values inline: escaping must hold.
  const phone = usPhone();
  const named = { ...body("13:00"), patient: { phone, firstName: "Zoë", lastName: "O'Brien \\ d'Arc", email: "zoe@example.com" } };
  const created = await book(named);
  expect(created.status).toBe(201);
  const id = (JSON.parse(created.text) as { id: string }).id;
  const record = await testDb()
    .forClinic(f.clinic.id)
    .tx((tx) => tx.$queryRaw<{ first_name: string; last_name: string }[]>`
      SELECT cp.first_name, cp.last_name FROM appointments a JOIN clinic_patients cp ON cp.clinic_id = a.clinic_id AND cp.patient_account_id = a.patient_account_id
       WHERE a.clinic_id = ${f.clinic.id}::uuid AND a.id = ${id}::uuid`);
  expect(record).toEqual([{ first_name: "Zoë", last_name: "O'Brien \\ d'Arc" }]);

  // The same time for someone new: refused, and their account and record are rolled back with it.
  const newcomer = usPhone();
  const refused = await book({ ...body("13:00"), patient: { phone: newcomer, firstName: "Late", lastName: "Comer" } });
  expect(refused.status).toBe(409);
  const left = await testDb()
    .system("test: accounts by phone")
    .tx((tx) => tx.patientAccount.count({ where: { phone: { in: [phone, newcomer] } } }));
  expect(left).toBe(1);
});
