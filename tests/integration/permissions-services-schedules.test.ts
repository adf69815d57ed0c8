/**
 * Services, schedules and time off beyond who may open them (that is in permission-matrix.test.ts):
 * doctors ask for their own time off and see only their own requests; only owners decide; this
 * clinic's staff cannot reach the other clinic's rows by id; bad input saves nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as scheduleRoute from "~/routes/panel.schedules";
import * as editService from "~/routes/panel.services.$id";
import * as newService from "~/routes/panel.services.new";
import * as timeOffRoute from "~/routes/panel.time-off";
import { releaseAppDb, routeDbIsTestDb } from "../support/api-client";
import { testDb } from "../support/db";
import { callPanel, createPanelFixture, type PanelFixture } from "../support/panel-client";
import { serviceForm } from "../support/panel-forms";

let a: PanelFixture;
let b: PanelFixture;
let bException: string;
let bRequest: string;

const inDays = (n: number) => new Date(Date.now() + n * 86_400_000).toISOString().slice(0, 10);

beforeAll(async () => {
  routeDbIsTestDb();
  [a, b] = await Promise.all([createPanelFixture(), createPanelFixture()]);
  await testDb()
    .forClinic(b.clinic.id)
    .tx(async (tx) => {
      bException = (await tx.scheduleException.create({ data: { clinicId: b.clinic.id, kind: "closure", startsAt: new Date(Date.now() + 86_400_000), endsAt: new Date(Date.now() + 2 * 86_400_000), reason: "Holiday" } })).id;
      bRequest = (await tx.timeOffRequest.create({ data: { clinicId: b.clinic.id, doctorId: b.doctorIds[0]!, kind: "training", startsAt: new Date(Date.now() + 3 * 86_400_000), endsAt: new Date(Date.now() + 4 * 86_400_000) } })).id;
    });
});
afterAll(releaseAppDb);

describe("another clinic's rows", () => {
  it("the owner reaches none of the other clinic's rows by id", async () => {
    const cookie = a.cookies.owner;
    expect((await callPanel(editService, `/panel/services/${b.serviceId}`, { host: a.host, cookie, params: { id: b.serviceId } })).status).toBe(404);
    expect((await callPanel(editService, `/panel/services/${b.serviceId}`, { host: a.host, cookie, params: { id: b.serviceId }, form: serviceForm(a) })).status).toBe(404);
    expect((await callPanel(editService, "/panel/services/not-a-uuid", { host: a.host, cookie, params: { id: "not-a-uuid" } })).status).toBe(404);
    expect((await callPanel(scheduleRoute, `/panel/schedules?doctor=${b.doctorIds[0]}`, { host: a.host, cookie })).status).toBe(404);
    expect((await callPanel(scheduleRoute, `/panel/schedules?location=${b.locationId}`, { host: a.host, cookie })).status).toBe(404);
    expect((await callPanel(scheduleRoute, "/panel/schedules", { host: a.host, cookie, form: { intent: "remove-exception", exceptionId: bException } })).status).toBe(404);
    const week = { intent: "save-week", doctorId: b.doctorIds[0]!, locationId: b.locationId, replaces: "", effectiveFrom: "", effectiveTo: "", "day.1.0.start": "09:00", "day.1.0.end": "12:00" };
    expect((await callPanel(scheduleRoute, "/panel/schedules", { host: a.host, cookie, form: week })).status).toBe(404);
    const closure = { intent: "add-exception", kind: "extra_hours", doctorId: b.doctorIds[0]!, locationId: b.locationId, reasonKind: "", note: "", startDate: inDays(3), startTime: "18:00", endDate: inDays(3), endTime: "20:00" };
    expect((await callPanel(scheduleRoute, "/panel/schedules", { host: a.host, cookie, form: closure })).status).toBe(404);
    expect((await callPanel(timeOffRoute, "/panel/time-off", { host: a.host, cookie, form: { intent: "approve", requestId: bRequest } })).status).toBe(404);
    expect((await callPanel(timeOffRoute, "/panel/time-off", { host: a.host, cookie, form: { intent: "decline", requestId: bRequest, reason: "Not this week" } })).status).toBe(404);
    // B's rows are untouched.
    const still = await testDb()
      .forClinic(b.clinic.id)
      .tx(async (tx) => ({ exception: await tx.scheduleException.count({ where: { id: bException } }), request: await tx.timeOffRequest.findUnique({ where: { clinicId_id: { clinicId: b.clinic.id, id: bRequest } } }) }));
    expect(still.exception).toBe(1);
    expect(still.request?.status).toBe("pending");
  });
});

describe("time off", () => {
  const ask = (f: PanelFixture, cookie: string, days: number) =>
    callPanel(timeOffRoute, "/panel/time-off", { host: f.host, cookie, form: { intent: "request", kind: "training", startDate: inDays(days), startTime: "", endDate: inDays(days), endTime: "", note: "Course" } });

  it("a doctor asks, sees only their own requests, and cannot approve or decline", async () => {
    expect((await ask(a, a.cookies.doctor, 10)).status).toBe(200);
    expect((await ask(a, a.cookies.otherDoctor, 12)).status).toBe(200);
    const mine = await callPanel<{ mine: { doctorId: string }[]; pending: unknown[] }>(timeOffRoute, "/panel/time-off", { host: a.host, cookie: a.cookies.doctor });
    expect(mine.data.mine.length).toBe(1);
    expect(mine.data.mine.every((r) => r.doctorId === a.doctorIds[0])).toBe(true);
    expect(mine.data.pending).toEqual([]);

    const other = await testDb()
      .forClinic(a.clinic.id)
      .tx((tx) => tx.timeOffRequest.findFirstOrThrow({ where: { doctorId: a.doctorIds[1]! } }));
    expect((await callPanel(timeOffRoute, "/panel/time-off", { host: a.host, cookie: a.cookies.doctor, form: { intent: "approve", requestId: other.id } })).status).toBe(403);
    expect((await callPanel(timeOffRoute, "/panel/time-off", { host: a.host, cookie: a.cookies.doctor, form: { intent: "decline", requestId: other.id, reason: "No" } })).status).toBe(403);
    // Nor withdraw another doctor's request.
    expect((await callPanel(timeOffRoute, "/panel/time-off", { host: a.host, cookie: a.cookies.doctor, form: { intent: "withdraw", requestId: other.id } })).status).toBe(404);
  });

  it("a secretary can neither ask nor decide; an owner who is not a doctor cannot ask", async () => {
    expect((await ask(a, a.cookies.secretary, 20)).status).toBe(403);
    expect((await ask(a, a.cookies.owner, 20)).status).toBe(403);
  });

  it("the owner sees every pending request and approves one", async () => {
    const owner = await callPanel<{ pending: { id: string; doctorId: string }[]; isDoctor: boolean }>(timeOffRoute, "/panel/time-off", { host: a.host, cookie: a.cookies.owner });
    expect(owner.data.isDoctor).toBe(false);
    expect(new Set(owner.data.pending.map((r) => r.doctorId))).toEqual(new Set(a.doctorIds.slice(0, 2)));
    const first = owner.data.pending[0]!;
    expect((await callPanel(timeOffRoute, "/panel/time-off", { host: a.host, cookie: a.cookies.owner, form: { intent: "approve", requestId: first.id } })).status).toBe(200);
    // Deciding twice is a conflict, not a second exception.
    expect((await callPanel(timeOffRoute, "/panel/time-off", { host: a.host, cookie: a.cookies.owner, form: { intent: "decline", requestId: first.id, reason: "Changed my mind" } })).status).toBe(409);
  });
});

describe("bad input gets a message, never a 500, and saves nothing", () => {
  it("the service form, the week and the exception form answer 400 with the field's message", async () => {
    const cookie = a.cookies.owner;
    const before = await testDb()
      .forClinic(a.clinic.id)
      .tx(async (tx) => ({ services: await tx.service.count(), rules: await tx.availabilityRule.count(), exceptions: await tx.scheduleException.count() }));

    const service = await callPanel<{ errors: Record<string, string> }>(newService, "/panel/services/new", { host: a.host, cookie, form: serviceForm(a, { price: "ninety", durationMin: "-5" }) });
    expect(service.status).toBe(400);
    expect(service.data.errors.price).toMatch(/amount in USD/);
    expect(service.data.errors.durationMin).toMatch(/whole number/);

    const week = await callPanel<{ errors: Record<string, string> }>(scheduleRoute, "/panel/schedules", {
      host: a.host,
      cookie,
      form: { intent: "save-week", doctorId: a.doctorIds[0]!, locationId: a.locationId, replaces: "|", effectiveFrom: "", effectiveTo: "", "day.1.0.start": "25:00", "day.1.0.end": "12:00" },
    });
    expect(week.status).toBe(400);
    expect(Object.values(week.data.errors)[0]).toMatch(/Monday: enter the start/);

    const exception = await callPanel<{ errors: Record<string, string> }>(scheduleRoute, "/panel/schedules", {
      host: a.host,
      cookie,
      form: { intent: "add-exception", kind: "closure", doctorId: "", locationId: "", reasonKind: "", note: "", startDate: inDays(5), startTime: "", endDate: inDays(4), endTime: "" },
    });
    expect(exception.status).toBe(400);
    expect(exception.data.errors.note).toMatch(/Say why/);

    const backwards = await callPanel<{ errors: Record<string, string> }>(scheduleRoute, "/panel/schedules", {
      host: a.host,
      cookie,
      form: { intent: "add-exception", kind: "closure", doctorId: "", locationId: "", reasonKind: "", note: "Holiday", startDate: inDays(5), startTime: "", endDate: inDays(4), endTime: "" },
    });
    expect(backwards.status).toBe(400);
    expect(backwards.data.errors.endDate).toMatch(/after the start/);

    const decline = await callPanel<{ errors: Record<string, string> }>(timeOffRoute, "/panel/time-off", { host: a.host, cookie, form: { intent: "decline", requestId: bRequest, reason: "" } });
    expect(decline.status).toBe(400);

    const after = await testDb()
      .forClinic(a.clinic.id)
      .tx(async (tx) => ({ services: await tx.service.count(), rules: await tx.availabilityRule.count(), exceptions: await tx.scheduleException.count() }));
    expect(after).toEqual(before);
  });
});
