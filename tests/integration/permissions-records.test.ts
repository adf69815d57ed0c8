/**
 * Which patient records each member of staff may open and change, beyond who may open the pages
 * (that is in permission-matrix.test.ts): the patient list and chart, the audit log and its CSV,
 * the patient's care plan, and the operator's break-the-glass pages. Clinic B's staff get 404 for
 * A's ids on their own host; a doctor never opens another doctor's patient; an operator sees
 * patient data only while a grant is active.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as careRoute from "~/routes/account.care-plan";
import * as accessRoute from "~/routes/admin.clinics.$id_.access";
import * as operatorRecord from "~/routes/admin.clinics.$id_.patients.$patientId";
import * as panelLayout from "~/routes/panel";
import * as auditRoute from "~/routes/panel.audit";
import * as auditCsvRoute from "~/routes/panel.audit[.]csv";
import * as chartRoute from "~/routes/panel.patients.$patientAccountId";
import * as listRoute from "~/routes/panel.patients._index";
import { requestBreakGlass } from "~/modules/records/break-glass.server";
import { releaseAppDb, routeDbIsTestDb } from "../support/api-client";
import { testDb } from "../support/db";
import { callPanel, PANEL_ROLES, staffCookie } from "../support/panel-client";
import { createOperator, createRecordsFixture, type RecordsFixture } from "../support/records";

let a: RecordsFixture;
let b: RecordsFixture;
let operator: { staffUserId: string; cookie: string };

beforeAll(async () => {
  routeDbIsTestDb();
  [a, b] = await Promise.all([createRecordsFixture(), createRecordsFixture()]);
  operator = await createOperator();
});
afterAll(releaseAppDb);

type Who = (typeof PANEL_ROLES)[number] | "otherDoctor";

async function auditActions(clinicId: string | null, since: Date) {
  const db = testDb();
  const scoped = clinicId ? db.forClinic(clinicId) : db.forPlatform();
  return scoped.tx((tx) => tx.auditEvent.findMany({ where: { clinicId, occurredAt: { gte: since } }, orderBy: { occurredAt: "asc" } }));
}

describe("/panel/patients", () => {
  it("a doctor lists only their own patients; the desk lists everyone", async () => {
    type List = { patients: { patientAccountId: string; dependentId: string | null }[] };
    const ids = (l: List) => l.patients.map((p) => `${p.patientAccountId}:${p.dependentId ?? ""}`).sort();
    const doctor = (await callPanel<List>(listRoute, "/panel/patients", { host: a.host, cookie: a.cookies.doctor })).data;
    expect(ids(doctor)).toEqual([`${a.mine}:`, `${a.mine}:${a.child}`].sort());
    const other = (await callPanel<List>(listRoute, "/panel/patients", { host: a.host, cookie: a.cookies.otherDoctor })).data;
    expect(ids(other)).toEqual([`${a.theirs}:`]);
    const desk = (await callPanel<List>(listRoute, "/panel/patients", { host: a.host, cookie: a.cookies.secretary })).data;
    expect(ids(desk)).toEqual([`${a.mine}:`, `${a.mine}:${a.child}`, `${a.theirs}:`].sort());
    const found = (await callPanel<List>(listRoute, "/panel/patients?q=haddad", { host: a.host, cookie: a.cookies.owner })).data;
    expect(ids(found)).toEqual([`${a.theirs}:`]);
  });
});

describe("/panel/patients/$patientAccountId", () => {
  const path = () => `/panel/patients/${a.mine}`;
  const call = (who: Who, p = path(), params = { patientAccountId: a.mine }) => callPanel<{ chart: unknown; record: { name: string } }>(chartRoute, p, { host: a.host, cookie: a.cookies[who], params });

  it("owner and secretary see the record without clinical notes; the patient's doctor sees the chart; another doctor is refused", async () => {
    const since = new Date();
    const owner = await call("owner");
    expect(owner.status).toBe(200);
    expect(owner.data.chart).toBeNull();
    const secretary = await call("secretary");
    expect(secretary.status).toBe(200);
    expect(secretary.data.chart).toBeNull();
    const doctor = await call("doctor");
    expect(doctor.status).toBe(200);
    expect(doctor.data.chart).not.toBeNull();
    expect((await call("otherDoctor")).status).toBe(403);
    const actions = (await auditActions(a.clinic.id, since)).filter((e) => e.targetId === a.mine).map((e) => e.action);
    // Owner, secretary: the record; doctor: the record and the chart. The refused doctor read nothing, and the attempt is logged.
    expect(actions.filter((x) => x === "patient.record_viewed")).toHaveLength(3);
    expect(actions.filter((x) => x === "chart.viewed")).toHaveLength(1);
    expect(actions.filter((x) => x === "patient.record_refused")).toHaveLength(1);
  });

  it("a dependent's chart is reached with ?dependent= and follows the same rules", async () => {
    const p = `/panel/patients/${a.mine}?dependent=${a.child}`;
    const doctor = await call("doctor", p);
    expect(doctor.status).toBe(200);
    expect(doctor.data.record.name).toBe("Leo Rivera");
    expect((await call("otherDoctor", p)).status).toBe(403);
    expect((await call("secretary", p)).status).toBe(200);
    // A dependent of another account, or of nobody here, is not found.
    expect((await call("owner", `/panel/patients/${a.theirs}?dependent=${a.child}`, { patientAccountId: a.theirs })).status).toBe(404);
  });

  it("the other doctor opens their own patient but not the first doctor's", async () => {
    expect((await call("otherDoctor", `/panel/patients/${a.theirs}`, { patientAccountId: a.theirs })).status).toBe(200);
    expect((await call("doctor", `/panel/patients/${a.theirs}`, { patientAccountId: a.theirs })).status).toBe(403);
  });

  it.each(PANEL_ROLES)("a %s of clinic B gets 404 for A's patient on B's own host", async (role) => {
    expect((await callPanel(chartRoute, path(), { host: b.host, cookie: b.cookies[role], params: { patientAccountId: a.mine } })).status).toBe(404);
  });

  it("a malformed id is 404", async () => {
    expect((await call("owner", "/panel/patients/nope", { patientAccountId: "nope" } as never)).status).toBe(404);
  });

  describe("changing the chart", () => {
    const note = { intent: "add-note", body: "Knee pain after running; rest and ice.", appointmentId: "" };
    const post = (who: Who, form: Record<string, string>, host = a.host, cookie = a.cookies[who], id = a.mine) => callPanel(chartRoute, `/panel/patients/${id}`, { host, cookie, form, params: { patientAccountId: id } });

    it("only the patient's doctor adds notes and plan items; the desk and another doctor are refused", async () => {
      const since = new Date();
      expect((await post("doctor", note)).status).toBe(200);
      expect((await post("doctor", { intent: "add-plan-item", title: "Six physiotherapy sessions", visibleToPatient: "on" })).status).toBe(200);
      expect((await post("secretary", note)).status).toBe(403);
      expect((await post("owner", note)).status).toBe(403);
      expect((await post("otherDoctor", note)).status).toBe(403);
      const actions = (await auditActions(a.clinic.id, since)).map((e) => e.action);
      expect(actions).toEqual(["chart.note_added", "treatment_plan.updated"]);
    });

    it("bad input is a message, not a 500, and nothing is saved", async () => {
      const answer = await post("doctor", { intent: "add-note", body: "   " });
      expect(answer.status).toBe(400);
      expect((answer.data as { field: string }).field).toBe("body");
      const visitOfOther = await post("doctor", { ...note, appointmentId: a.visits.theirs });
      expect(visitOfOther.status).toBe(422);
      expect((await post("doctor", { intent: "add-plan-item", title: "x", targetDate: "2026-02-30" })).status).toBe(400);
    });

    it.each(PANEL_ROLES)("a %s of clinic B cannot write into A's chart from B's own host", async (role) => {
      const onB = await post(role, note, b.host, b.cookies[role]);
      expect(onB.status).toBe(role === "doctor" ? 404 : 403);
    });
  });
});

describe("/panel/audit and its CSV", () => {
  it("B's owner never sees A's rows in B's log", async () => {
    const answer = await callPanel<{ rows: { patientAccountId: string | null }[] }>(auditRoute, `/panel/audit?patient=${a.mine}`, { host: b.host, cookie: b.cookies.owner });
    expect(answer.status).toBe(200);
    expect(answer.data.rows).toEqual([]);
  });

  it("a bad filter is a message next to the field", async () => {
    const answer = await callPanel<{ errors: Record<string, string> }>(auditRoute, "/panel/audit?from=2026-05-02&to=2026-05-01", { host: a.host, cookie: a.cookies.owner });
    expect(answer.status).toBe(200);
    expect(answer.data.errors.to).toMatch(/start date/);
    expect((await callPanel(auditCsvRoute, "/panel/audit.csv?kind=nope", { host: a.host, cookie: a.cookies.owner })).status).toBe(400);
  });
});

describe("/account/care-plan", () => {
  type Plan = { people: { dependentId: string | null; items: { title: string }[] }[] };
  it("a patient sees only the items marked for them and their dependents", async () => {
    const add = (id: string, title: string, visible: boolean, dependent?: string) =>
      callPanel(chartRoute, `/panel/patients/${id}${dependent ? `?dependent=${dependent}` : ""}`, { host: a.host, cookie: a.cookies.doctor, form: { intent: "add-plan-item", title, ...(visible ? { visibleToPatient: "on" } : {}) }, params: { patientAccountId: id } });
    expect((await add(a.mine, "Stretch daily", true)).status).toBe(200);
    expect((await add(a.mine, "Consider referral (clinic only)", false)).status).toBe(200);
    expect((await add(a.mine, "Leo: inhaler check in May", true, a.child)).status).toBe(200);
    const other = await callPanel(chartRoute, `/panel/patients/${a.theirs}`, { host: a.host, cookie: a.cookies.otherDoctor, form: { intent: "add-plan-item", title: "Omar: blood test", visibleToPatient: "on" }, params: { patientAccountId: a.theirs } });
    expect(other.status).toBe(200);

    const mine = await callPanel<Plan>(careRoute, "/account/care-plan", { host: a.host, cookie: await a.patientCookie(a.mine) });
    expect(mine.status).toBe(200);
    const titles = mine.data.people.flatMap((p) => p.items.map((i) => i.title));
    expect(titles).toContain("Stretch daily");
    expect(titles).toContain("Leo: inhaler check in May");
    expect(titles).not.toContain("Consider referral (clinic only)");
    expect(titles).not.toContain("Omar: blood test");
    expect(mine.data.people.find((p) => p.dependentId === a.child)?.items.map((i) => i.title)).toEqual(["Leo: inhaler check in May"]);

    const theirs = await callPanel<Plan>(careRoute, "/account/care-plan", { host: a.host, cookie: await a.patientCookie(a.theirs) });
    expect(theirs.data.people.flatMap((p) => p.items.map((i) => i.title))).toEqual(["Omar: blood test"]);
  });

  it("staff and signed-out visitors are sent to the patient sign-in; B's patient sees nothing of A's plan", async () => {
    expect((await callPanel(careRoute, "/account/care-plan", { host: a.host })).status).toBe(302);
    expect((await callPanel(careRoute, "/account/care-plan", { host: a.host, cookie: a.cookies.doctor })).status).toBe(302);
    const bPatient = await callPanel<Plan>(careRoute, "/account/care-plan", { host: b.host, cookie: await b.patientCookie(b.mine) });
    expect(bPatient.data.people).toEqual([]);
    expect((await callPanel(careRoute, "/account/care-plan", { host: a.host, cookie: await b.patientCookie(b.mine) })).status).toBe(302);
  });
});

describe("break the glass", () => {
  const accessPath = () => `/admin/clinics/${a.clinic.id}/access`;
  const recordPath = () => `/admin/clinics/${a.clinic.id}/patients/${a.mine}`;
  const openRecord = (cookie: string | undefined) => callPanel(operatorRecord, recordPath(), { host: "localhost", cookie, params: { id: a.clinic.id, patientId: a.mine } });
  const openAccess = (cookie: string | undefined) => callPanel<{ patients: unknown[]; grant: unknown }>(accessRoute, accessPath(), { host: "localhost", cookie, params: { id: a.clinic.id } });

  it("only operators reach the pages, on the admin host only", async () => {
    expect((await openAccess(undefined)).status).toBe(302);
    expect((await openRecord(undefined)).status).toBe(302);
    const staffOnAdmin = await staffCookie({ clinicId: null, host: "localhost" }, a.staff.owner);
    expect((await openAccess(staffOnAdmin)).status).toBe(302);
    expect((await callPanel(operatorRecord, recordPath(), { host: a.host, cookie: a.cookies.owner, params: { id: a.clinic.id, patientId: a.mine } })).status).toBe(404);
    expect((await callPanel(accessRoute, accessPath(), { host: "localhost", cookie: operator.cookie, params: { id: "00000000-0000-4000-8000-000000000000" } })).status).toBe(404);
  });

  it("without a grant the operator is refused patient data; with one they read it and both logs say so; after expiry refused again", async () => {
    const fresh = await createOperator();
    const start = new Date();
    const before = await openAccess(fresh.cookie);
    expect(before.status).toBe(200);
    expect(before.data.grant).toBeNull();
    expect(before.data.patients).toEqual([]);
    expect((await openRecord(fresh.cookie)).status).toBe(403);

    const short = await callPanel(accessRoute, accessPath(), { host: "localhost", cookie: fresh.cookie, form: { reason: "because", minutes: "15" }, params: { id: a.clinic.id } });
    expect(short.status).toBe(400);
    const long = await callPanel(accessRoute, accessPath(), { host: "localhost", cookie: fresh.cookie, form: { reason: "Support ticket 4411: a visit vanished from the patient's list", minutes: "90" }, params: { id: a.clinic.id } });
    expect(long.status).toBe(400);
    expect((await openRecord(fresh.cookie)).status).toBe(403);
    // Each refused read is in the clinic's log and the platform's.
    const refusedHere = (await auditActions(a.clinic.id, start)).filter((e) => e.actorId === fresh.staffUserId).map((e) => e.action);
    expect(refusedHere).toEqual(["break_glass.access_refused", "break_glass.access_refused"]);
    expect((await auditActions(null, start)).filter((e) => e.actorId === fresh.staffUserId).map((e) => e.action)).toEqual(["break_glass.access_refused", "break_glass.access_refused"]);

    const since = new Date();
    const granted = await callPanel(accessRoute, accessPath(), { host: "localhost", cookie: fresh.cookie, form: { reason: "Support ticket 4411: a visit vanished from the patient's list", minutes: "15" }, params: { id: a.clinic.id } });
    expect(granted.status).toBe(302);
    const during = await openAccess(fresh.cookie);
    expect(during.data.grant).not.toBeNull();
    expect(during.data.patients.length).toBe(3);
    const record = await openRecord(fresh.cookie);
    expect(record.status).toBe(200);
    expect(JSON.stringify(record.data)).not.toMatch(/chart|note/i);
    // Another operator gets nothing from this grant.
    expect((await openRecord(operator.cookie)).status).toBe(403);

    const clinicLog = (await auditActions(a.clinic.id, since)).filter((e) => e.actorId === fresh.staffUserId);
    expect(clinicLog.map((e) => e.action)).toEqual(["break_glass.granted", "break_glass.patient_list_viewed", "break_glass.record_viewed"]);
    expect(clinicLog.every((e) => e.actorType === "operator" && e.ip === "203.0.113.9")).toBe(true);
    const platformLog = (await auditActions(null, since)).filter((e) => e.actorId === fresh.staffUserId);
    expect(platformLog.map((e) => e.action)).toEqual(["break_glass.granted", "break_glass.patient_list_viewed", "break_glass.record_viewed"]);

    // The owner sees the access on their audit page.
    const owner = await callPanel<{ grants: { operatorName: string; active: boolean; views: number }[]; rows: { breakGlass: boolean }[] }>(auditRoute, "/panel/audit?kind=break_glass", { host: a.host, cookie: a.cookies.owner });
    expect(owner.data.grants.some((g) => g.active && g.views === 1)).toBe(true);
    expect(owner.data.rows.length).toBeGreaterThanOrEqual(3);
    expect(owner.data.rows.every((r) => r.breakGlass)).toBe(true);
    // Every panel page of the owner (not the desk's) carries the banner while the grant is open.
    const layout = await callPanel<{ breakGlass: { operatorName: string }[] }>(panelLayout, "/panel", { host: a.host, cookie: a.cookies.owner });
    expect(layout.data.breakGlass.map((g) => g.operatorName)).toContain("Olive Operator");
    expect((await callPanel<{ breakGlass: unknown[] }>(panelLayout, "/panel", { host: a.host, cookie: a.cookies.secretary })).data.breakGlass).toEqual([]);
    expect((await callPanel<{ breakGlass: unknown[] }>(panelLayout, "/panel", { host: b.host, cookie: b.cookies.owner })).data.breakGlass).toEqual([]);
  });

  it("an expired grant opens nothing", async () => {
    const late = await createOperator();
    const past = new Date(Date.now() - 61 * 60_000);
    await requestBreakGlass(testDb(), a.clinic, { staffUserId: late.staffUserId, request: null }, { reason: "Support ticket 5000: checking an old booking", minutes: 60 }, past);
    expect((await openRecord(late.cookie)).status).toBe(403);
    expect((await openAccess(late.cookie)).data.grant).toBeNull();
  });

  it("a grant on clinic B opens nothing at clinic A", async () => {
    const elsewhere = await createOperator();
    await requestBreakGlass(testDb(), b.clinic, { staffUserId: elsewhere.staffUserId, request: null }, { reason: "Support ticket 6000: clinic B's calendar sync" , minutes: 30 });
    expect((await openRecord(elsewhere.cookie)).status).toBe(403);
    // And B's patient is not A's: a grant on B with A's patient id is 404.
    const other = await callPanel(operatorRecord, `/admin/clinics/${b.clinic.id}/patients/${a.mine}`, { host: "localhost", cookie: elsewhere.cookie, params: { id: b.clinic.id, patientId: a.mine } });
    expect(other.status).toBe(404);
  });
});
